"""Pagination shared by every list page."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page, Paginator

#: No list has more pages than this; a larger number is read as "the last page" (it would
#: otherwise become an offset too big for the database's integers).
MAX_PAGE = 10**9


def page_number(value) -> int:
    """A requested page number as a positive int: anything that is not one (missing, text,
    "1e309", a negative) is 1, and anything above MAX_PAGE is MAX_PAGE."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return 1
    if len(text) > len(str(MAX_PAGE)):
        return MAX_PAGE
    return min(max(int(text), 1), MAX_PAGE)


def paginate(request, queryset, *, per_page: int | None = None) -> tuple[Page, str]:
    """The requested page (bad or out-of-range numbers give the nearest page) and the query
    string without `page`, for the pagination links."""
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    page = paginator.get_page(page_number(request.GET.get("page")))
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page"])
    return page, query
