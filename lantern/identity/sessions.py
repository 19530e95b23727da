"""Session tracking: every signed-in session is a `UserSession` row beside Django's own.

A person sees their sessions and ends the others; a leaver's sessions all end the moment they
are deactivated; a session ends after settings.SESSION_ABSOLUTE_HOURS however active it is
(the idle timeout, settings.SESSION_IDLE_MINUTES, is Django's session expiry).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from lantern.identity.models import SecurityEvent, SecurityEventKind, SignInMethod, UserSession

SIGNED_IN_AT = "lantern_signed_in_at"
SEEN_AT = "lantern_seen_at"
METHOD = "lantern_sign_in_method"
#: How often "last seen" is written (a write a minute, not one per request).
SEEN_EVERY = timedelta(seconds=60)


def absolute_lifetime() -> timedelta:
    return timedelta(hours=settings.SESSION_ABSOLUTE_HOURS)


def session_started(*, request, user) -> None:
    """Called when anyone signs in (user_logged_in): start tracking this session."""
    session = request.session
    if session.session_key is None:
        session.save()
    now = timezone.now()
    session[SIGNED_IN_AT] = now.timestamp()
    session[SEEN_AT] = now.timestamp()
    method = session.get(METHOD) or SignInMethod.OTHER
    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "worker": user,
            "method": method,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "started_at": now,
            "last_seen_at": now,
            "ended_at": None,
            "end_reason": "",
        },
    )


def session_signed_out(*, request) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason="Signed out"
        )


def seen(request) -> None:
    """Note activity at most once a minute (the session cookie carries the last note)."""
    now = timezone.now()
    last = request.session.get(SEEN_AT)
    if last is not None and now.timestamp() - last < SEEN_EVERY.total_seconds():
        return
    request.session[SEEN_AT] = now.timestamp()
    UserSession.objects.filter(session_key=request.session.session_key).update(last_seen_at=now)


def past_absolute_lifetime(request) -> bool:
    started = request.session.get(SIGNED_IN_AT)
    if started is None:
        # A session from before tracking began: its lifetime starts now.
        request.session[SIGNED_IN_AT] = timezone.now().timestamp()
        return False
    return timezone.now().timestamp() - started > absolute_lifetime().total_seconds()


def open_sessions(user):
    """The person's sessions that can still be used, newest activity first."""
    now = timezone.now()
    live_keys = Session.objects.filter(expire_date__gt=now).values("session_key")
    return UserSession.objects.filter(
        worker=user,
        ended_at__isnull=True,
        started_at__gt=now - absolute_lifetime(),
        session_key__in=live_keys,
    ).order_by("-last_seen_at")


def _end(rows, reason: str) -> int:
    keys = list(rows.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    return rows.update(ended_at=timezone.now(), end_reason=reason)


@transaction.atomic
def session_end(*, user, session_key: str) -> bool:
    """A person ends one of their own sessions (never someone else's)."""
    rows = UserSession.objects.filter(worker=user, session_key=session_key, ended_at__isnull=True)
    ended = _end(rows, "Ended by its owner from another session") > 0
    if ended:
        SecurityEvent.objects.create(kind=SecurityEventKind.SESSION_ENDED, actor=user, worker=user)
    return ended


@transaction.atomic
def sessions_end_all(*, worker, actor=None, reason: str, log: bool = True) -> int:
    """End every session of a person at once (deactivation, or an administrator's action)."""
    count = _end(UserSession.objects.filter(worker=worker, ended_at__isnull=True), reason)
    if log:
        SecurityEvent.objects.create(
            kind=SecurityEventKind.SESSIONS_ENDED, actor=actor, worker=worker, reason=reason, detail=f"{count} ended"
        )
    return count
