from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "lantern.supervision"
    label = "supervision"
    verbose_name = "Supervision"
