from django.apps import AppConfig


class CaseloadsConfig(AppConfig):
    name = "lantern.caseloads"
    label = "caseloads"
    verbose_name = "Caseloads"
