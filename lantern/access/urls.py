from django.urls import path

from lantern.access import views

app_name = "access"
urlpatterns = [
    path("children/<int:child_id>/views/", views.child_access_log, name="child_views"),
    path("access-log/", views.access_log_search, name="log"),
]
