from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "lantern.notes"
    label = "notes"
    verbose_name = "Case notes"
