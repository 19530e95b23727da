"""Returns URLs: each views module keeps its own `urlpatterns`."""

from lantern.returns import views_annex_a, views_census

app_name = "returns"
urlpatterns = [*views_census.urlpatterns, *views_annex_a.urlpatterns]
