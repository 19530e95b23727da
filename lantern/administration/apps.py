from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "lantern.administration"
    label = "administration"
    verbose_name = "Administration"

    def ready(self):
        from lantern.administration import hooks  # noqa: F401 - the navigation link
