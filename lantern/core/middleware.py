"""Security headers that Django's SecurityMiddleware does not set, and ids out of range."""

from django.conf import settings
from django.http import Http404

from lantern.core.ids import MAX_ID


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Children's records must not sit in shared caches or the browser's back-forward cache.
            response.setdefault("Cache-Control", "no-store, private")
        return response


class IdRangeMiddleware:
    """An id in the URL (`<int:child_id>`) beyond the 64-bit range names no record: 404 before the
    view asks the database, which would fail on it (lantern/core/ids.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not -MAX_ID <= value <= MAX_ID:
                raise Http404("No such record")
        return None
