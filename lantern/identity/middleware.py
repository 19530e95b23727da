"""The one check every signed-in request passes (after Django's AuthenticationMiddleware)."""

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from lantern.identity import sessions


class SessionGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if not user.is_active:
                logout(request)
                return redirect(reverse("login"))
            if sessions.past_absolute_lifetime(request):
                logout(request)
                messages.info(
                    request,
                    "You have been signed out: sessions last at most "
                    f"{sessions.absolute_lifetime().total_seconds() / 3600:g} hours. Sign in again.",
                )
                return redirect(f"{reverse('login')}?next={request.path}")
            sessions.seen(request)
        return self.get_response(request)
