from django.urls import path

from lantern.family import views

app_name = "family"
urlpatterns = [
    path("children/<int:child_id>/family/", views.family_view, name="family"),
    path("children/<int:child_id>/family/diagram/", views.family_diagram, name="diagram"),
    path("children/<int:child_id>/progress/", views.progress, name="progress"),
    path("children/<int:child_id>/workers/", views.worker_history, name="workers"),
]
