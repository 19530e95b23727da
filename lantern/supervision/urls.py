from django.urls import path

from lantern.supervision import views

app_name = "supervision"
urlpatterns = [
    path("supervision/", views.overview, name="overview"),
    path("supervision/workers/<int:worker_id>/", views.worker_record, name="worker"),
    path("supervision/workers/<int:worker_id>/new/", views.session_new, name="session_new"),
    path("supervision/workers/<int:worker_id>/frequency/", views.frequency, name="frequency"),
    path("supervision/sessions/<int:pk>/", views.session_detail, name="session"),
    path("supervision/sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("supervision/sessions/<int:pk>/sign/", views.session_sign, name="session_sign"),
    path("supervision/sessions/<int:pk>/addendum/", views.addendum_add, name="addendum_add"),
    path("children/<int:child_id>/case-discussions/", views.child_case_discussions, name="child_case_discussions"),
]
