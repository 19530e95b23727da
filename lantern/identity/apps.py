from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "lantern.identity"
    label = "identity"
    verbose_name = "Identity"

    def ready(self):
        from lantern.identity import signals  # noqa: F401 - connects the session and deactivation hooks
