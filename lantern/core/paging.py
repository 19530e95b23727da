"""Pagination shared by every list page."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page, Paginator


def paginate(request, queryset, *, per_page: int | None = None) -> tuple[Page, str]:
    """The requested page (bad or out-of-range numbers give the nearest page) and the query
    string without `page`, for the pagination links."""
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page"])
    return page, query
