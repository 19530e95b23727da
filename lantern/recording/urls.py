from lantern.recording.views import urlpatterns as urlpatterns  # noqa: PLC0414

app_name = "recording"
