"""Returns pages: views_census."""

urlpatterns: list = []
