from django.urls import path

from lantern.administration import views

app_name = "administration"
urlpatterns = [
    path("administration/", views.index, name="index"),
    path("administration/staff/", views.staff_list, name="staff"),
    path("administration/staff/new/", views.staff_create, name="staff_create"),
    path("administration/staff/<int:worker_id>/", views.staff_detail, name="staff_detail"),
    path("administration/staff/<int:worker_id>/change/", views.staff_change, name="staff_change"),
    path("administration/staff/<int:worker_id>/deactivate/", views.staff_deactivate, name="staff_deactivate"),
    path("administration/staff/<int:worker_id>/reactivate/", views.staff_reactivate, name="staff_reactivate"),
    path("administration/staff/<int:worker_id>/password-link/", views.password_link, name="password_link"),
    path("administration/teams/", views.teams, name="teams"),
    path("administration/teams/new/", views.team_create, name="team_create"),
    path("administration/teams/<int:team_id>/", views.team, name="team"),
    path("administration/services/new/", views.service_create, name="service_create"),
    path("administration/settings/", views.settings_list, name="settings"),
    path("administration/settings/<slug:key>/", views.setting_edit, name="setting"),
    path("administration/log/", views.log, name="log"),
    path("staff/<int:worker_id>/to-reallocate/", views.to_reallocate, name="to_reallocate"),
]
