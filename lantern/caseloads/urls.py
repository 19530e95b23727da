from django.urls import path

from lantern.caseloads import views

app_name = "caseloads"
urlpatterns = [
    path("caseloads/", views.overview, name="overview"),
    path("caseloads/transition/", views.council_transition, name="council_transition"),
    path("teams/<int:team_id>/caseloads/", views.team, name="team"),
    path("teams/<int:team_id>/continuity/", views.continuity, name="continuity"),
    path("teams/<int:team_id>/above-threshold/", views.decisions, name="decisions"),
    path("services/<int:service_id>/caseloads/", views.service, name="service"),
    path("services/<int:service_id>/transition/", views.transition, name="transition"),
    path("children/<int:child_id>/allocate/", views.allocate, name="allocate"),
]
