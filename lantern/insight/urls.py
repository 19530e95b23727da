from django.urls import path

from lantern.insight import views

app_name = "insight"
urlpatterns = [
    path("insight/", views.dashboard, name="dashboard"),
    path("insight/evaluate/", views.evaluate, name="evaluate"),
    path("insight/runs/<int:run_id>/", views.run_detail, name="run"),
    path("standards/", views.standards_list, name="standards"),
    path("standards/<slug:key>/", views.standard_edit, name="standard"),
    path("teams/<int:team_id>/alerts/", views.team_alerts, name="team_alerts"),
    path("children/<int:child_id>/alerts/", views.child_alerts, name="child_alerts"),
    path("children/<int:child_id>/alerts/<int:alert_id>/respond/", views.respond, name="respond"),
]
