from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lantern.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        # Each app may declare council settings (`local_settings.py`) and contribute to pages
        # owned by apps to its left (`hooks.py`); see lantern/core/hooks.py.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("local_settings", "hooks")

        # Free text has a limit however it is written (lantern/core/text.py).
        from django.db.models.signals import post_migrate, pre_save

        from lantern.core.text import check_lengths

        pre_save.connect(check_lengths, dispatch_uid="lantern-text-lengths")

        # History tables are insert-only, however many there are and whenever they were added.
        from lantern.core.immutable import install_history_triggers

        post_migrate.connect(install_history_triggers, sender=self, dispatch_uid="lantern_history_insert_only")
