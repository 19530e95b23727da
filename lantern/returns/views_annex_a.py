"""Returns pages: views_annex_a."""

urlpatterns: list = []
