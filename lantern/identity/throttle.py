"""Sign-in throttling with django-axes, made atomic and proxy-aware.

- Failures count per username, and per username with address (settings.AXES_LOCKOUT_PARAMETERS),
  never per address alone: behind a council's reverse proxy every person shares one address.
- `client_ip` is axes' address: REMOTE_ADDR, unless settings.LANTERN_CLIENT_IP_HEADER names the
  header that the council's own proxy sets; then the entry that proxy added is used.
- `authenticate_in_turn` judges one attempt at a time per username (a row lock on `SignInGate`),
  so N parallel guesses are counted one after another: the lock-out holds before the limit
  is passed, and no more than the limit of passwords are ever checked.
"""

import ipaddress

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.db import transaction

from lantern.identity.models import SignInGate


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR", "")
    header = settings.LANTERN_CLIENT_IP_HEADER
    if header:
        key = "HTTP_" + header.upper().replace("-", "_")
        hops = [h for h in request.META.get(key, "").split(",") if h.strip()]
        count = max(settings.LANTERN_TRUSTED_PROXY_COUNT, 1)
        # Each trusted proxy appends the address it received from; anything further left was
        # sent by the client and may be forged. Take the entry our outermost proxy wrote.
        if len(hops) >= count:
            found = _valid(hops[-count])
            if found:
                return found
    return _valid(remote) if remote else None


def not_a_password_attempt(request, credentials) -> bool:
    """axes' "never lock" rule: sign-ins without a username (single sign-on callbacks) are not
    throttled here (the identity provider throttles its own sign-ins)."""
    return not (credentials or {}).get("username")


def _gate(username: str) -> None:
    """Hold the row lock for this username until the surrounding transaction ends."""
    key = username[:150]
    SignInGate.objects.get_or_create(username=key)
    SignInGate.objects.select_for_update().get(username=key)


def is_locked(request, username: str) -> bool:
    return not AxesProxyHandler.is_allowed(request, {"username": username})


def authenticate_in_turn(request, *, username: str, password: str):
    """The user if the password is right and the username is not locked; else None (then
    `request.axes_locked_out` says whether a lock-out refused it)."""
    with transaction.atomic():
        _gate(username)
        return authenticate(request, username=username, password=password)


def record_second_factor_failure(request, username: str) -> None:
    """A wrong second-factor code counts like a wrong password (same lock-out)."""
    with transaction.atomic():
        _gate(username)
        user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def reset(username: str) -> int:
    from axes.utils import reset

    return reset(username=username)
