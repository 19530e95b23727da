"""/healthz: no sign-in, no personal data; 200 when the database, migrations and worker are
healthy, 503 otherwise (lantern/operations/health.py)."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from lantern.operations import health


@login_not_required
@never_cache
@require_safe
def healthz(request):
    healthy, body = health.report()
    return JsonResponse(body, status=200 if healthy else 503)
