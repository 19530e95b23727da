from django.urls import path

from lantern.oversight import views

app_name = "oversight"
urlpatterns = [
    path("children/<int:child_id>/oversight/", views.entries, name="entries"),
    path("children/<int:child_id>/oversight/new/", views.entry_new, name="entry_new"),
    path("children/<int:child_id>/oversight/<int:entry_id>/", views.entry_detail, name="entry"),
    path("children/<int:child_id>/oversight/<int:entry_id>/edit/", views.entry_edit, name="entry_edit"),
    path("children/<int:child_id>/oversight/<int:entry_id>/sign/", views.entry_sign, name="entry_sign"),
    path("children/<int:child_id>/oversight/<int:entry_id>/addenda/", views.addendum_add, name="addendum_add"),
    path(
        "children/<int:child_id>/oversight/<int:entry_id>/actions/<int:action_id>/done/",
        views.action_complete,
        name="action_complete",
    ),
    path("children/<int:child_id>/check-ins/", views.check_ins, name="check_ins"),
    path("children/<int:child_id>/check-ins/new/", views.check_in_new, name="check_in_new"),
    path("children/<int:child_id>/check-ins/supervisor/", views.supervisor, name="supervisor"),
    path("teams/<int:team_id>/oversight/", views.team, name="team"),
]
