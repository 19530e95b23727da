from django.urls import path

from lantern.notes import views

app_name = "notes"

urlpatterns = [
    path("children/<int:child_id>/notes/", views.note_list, name="list"),
    path("children/<int:child_id>/notes/new/", views.note_new, name="new"),
    path("children/<int:child_id>/notes/autosave/", views.note_autosave, name="autosave"),
    path("children/<int:child_id>/notes/<int:note_id>/", views.note_detail, name="note"),
    path("children/<int:child_id>/notes/<int:note_id>/edit/", views.note_edit, name="edit"),
    path("children/<int:child_id>/notes/<int:note_id>/correct/", views.note_correct, name="correct"),
    path("children/<int:child_id>/notes/<int:note_id>/discard/", views.note_discard, name="discard"),
]
