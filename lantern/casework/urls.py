from django.urls import path

from lantern.casework import views

app_name = "casework"
urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("search/", views.search, name="search"),
    path("children/<int:child_id>/", views.child_record, name="child"),
]
