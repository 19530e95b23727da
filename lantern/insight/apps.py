from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "lantern.insight"
    label = "insight"
    verbose_name = "Practice standards"
