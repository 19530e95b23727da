from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running Lantern in production: the worker's heartbeat and job recovery, /healthz, request
    logs, and the backup and restore commands. Depends on nothing but `core` and Django."""

    name = "lantern.operations"
    label = "operations"
    verbose_name = "Operations"
