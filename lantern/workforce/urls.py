from django.urls import path

from lantern.workforce import views

app_name = "workforce"
urlpatterns = [
    path("teams/", views.teams, name="teams"),
    path("teams/<int:team_id>/", views.team, name="team"),
]
