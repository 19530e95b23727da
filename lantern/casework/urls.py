from django.urls import path

from lantern.casework import views

app_name = "casework"
urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("search/", views.search, name="search"),
    path("children/<int:child_id>/", views.child_record, name="child"),
    path("children/<int:child_id>/identity/", views.child_identity_edit, name="child_identity_edit"),
]
