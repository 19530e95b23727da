from django.apps import AppConfig


class FamilyConfig(AppConfig):
    name = "lantern.family"
    label = "family"
    verbose_name = "Family view"
