from django.urls import path

from lantern.chronology import views

app_name = "chronology"
urlpatterns = [
    path("children/<int:child_id>/chronology/", views.chronology, name="chronology"),
    path("children/<int:child_id>/chronology/print/", views.chronology_print, name="print"),
    path("children/<int:child_id>/chronology.csv", views.chronology_csv, name="csv"),
]
