from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "lantern.approvals"
    label = "approvals"
    verbose_name = "Approvals"
