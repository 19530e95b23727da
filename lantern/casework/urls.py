"""Casework URLs. Each views module keeps its own `urlpatterns`, added here in pathway order."""

from django.urls import path

from lantern.casework.views import assessments, closure, front_door, plans, protection, records, transfers, work

app_name = "casework"
urlpatterns = [
    path("caseload/", records.caseload, name="caseload"),
    path("search/", records.search, name="search"),
    path("children/<int:child_id>/", records.child_record, name="child"),
    path("children/<int:child_id>/identity/", records.child_identity_edit, name="child_identity_edit"),
    *front_door.urlpatterns,
    *assessments.urlpatterns,
    *protection.urlpatterns,
    *plans.urlpatterns,
    *closure.urlpatterns,
    *transfers.urlpatterns,
    *work.urlpatterns,
]
