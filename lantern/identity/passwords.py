"""Passwords: one-time set-password links an administrator issues (shown on screen, no email),
and changing your own.

A link's token is random (256 bits) and only its SHA-256 is stored. A link works once, until
it expires (LANTERN_PASSWORD_LINK_HOURS), only while the person is active and only while password
sign-in is on; issuing a new link cancels the person's earlier ones.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lantern.identity import policy, throttle
from lantern.identity.models import PasswordLink, SecurityEvent, SecurityEventKind


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def links_enabled() -> bool:
    return bool(settings.LANTERN_PASSWORD_SIGN_IN)


@transaction.atomic
def password_link_issue(*, by, worker) -> tuple[PasswordLink, str]:
    """A new link for `worker`; returns the link and its token (shown once, never stored)."""
    if not policy.can_administer_identity(by):
        raise PermissionDenied("Only council administrators can issue set-password links.")
    if not links_enabled():
        raise ValidationError(
            "Password sign-in is switched off for this council: staff sign in with their council account"
        )
    if not worker.is_active:
        raise ValidationError(f"{worker.display_name} is deactivated: reactivate them first")
    now = timezone.now()
    PasswordLink.objects.filter(worker=worker, used_at__isnull=True, cancelled_at__isnull=True).update(cancelled_at=now)
    token = secrets.token_urlsafe(32)
    link = PasswordLink.objects.create(
        worker=worker,
        token_hash=_hash(token),
        issued_by=by,
        expires_at=now + timedelta(hours=settings.LANTERN_PASSWORD_LINK_HOURS),
    )
    SecurityEvent.objects.create(
        kind=SecurityEventKind.PASSWORD_LINK_ISSUED,
        actor=by,
        worker=worker,
        detail=f"Valid until {timezone.localtime(link.expires_at):%Y-%m-%d %H:%M}",
    )
    return link, token


def link_create(*, worker, by=None) -> tuple[PasswordLink, str]:
    """Write a link (cancelling the person's earlier ones) with no checks: `password_link_issue`
    for administrators, and manage.py create_first_admin for the first one."""
    now = timezone.now()
    PasswordLink.objects.filter(worker=worker, used_at__isnull=True, cancelled_at__isnull=True).update(cancelled_at=now)
    token = secrets.token_urlsafe(32)
    link = PasswordLink.objects.create(
        worker=worker,
        token_hash=_hash(token),
        issued_by=by,
        expires_at=now + timedelta(hours=settings.LANTERN_PASSWORD_LINK_HOURS),
    )
    return link, token


def password_link_find(token: str) -> PasswordLink | None:
    """The usable link for a token, or None (unknown, used, cancelled, expired, person inactive)."""
    if not token or len(token) > 100 or not links_enabled():
        return None
    link = PasswordLink.objects.select_related("worker").filter(token_hash=_hash(token)).first()
    if link is None or link.used_at or link.cancelled_at or link.expires_at <= timezone.now():
        return None
    if not link.worker.is_active:
        return None
    return link


@transaction.atomic
def password_link_use(*, token: str, password: str):
    """Set the person's password from a link, once. Raises ValidationError on a bad password or
    a link that no longer works. Unlocks their sign-in (a locked-out person's way back in)."""
    link = password_link_find(token)
    if link is None:
        raise ValidationError("This link has expired or has already been used")
    link = PasswordLink.objects.select_for_update().get(pk=link.pk)
    if link.used_at or link.cancelled_at:  # used a moment ago by another request
        raise ValidationError("This link has expired or has already been used")
    worker = link.worker
    validate_password(password, worker)
    worker.set_password(password)
    worker.save(update_fields=["password"])
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    throttle.reset(worker.username)
    SecurityEvent.objects.create(kind=SecurityEventKind.PASSWORD_SET, actor=worker, worker=worker)
    return worker


def password_changed(*, worker) -> None:
    SecurityEvent.objects.create(kind=SecurityEventKind.PASSWORD_CHANGED, actor=worker, worker=worker)
