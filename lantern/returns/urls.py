"""Returns URLs: each views module keeps its own `urlpatterns`."""

from lantern.returns import views, views_annex_a, views_census, views_validation

app_name = "returns"
urlpatterns = [*views.urlpatterns, *views_census.urlpatterns, *views_validation.urlpatterns, *views_annex_a.urlpatterns]
