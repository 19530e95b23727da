from django.apps import AppConfig


class RecordingConfig(AppConfig):
    name = "lantern.recording"
    label = "recording"
    verbose_name = "Recording (visits, direct work, case notes)"
