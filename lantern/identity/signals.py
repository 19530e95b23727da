"""Hooks on sign-in, sign-out and the worker record (connected in IdentityConfig.ready)."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver

from lantern.identity import sessions


@receiver(user_logged_in, dispatch_uid="identity_session_started")
def _started(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        sessions.session_started(request=request, user=user)


@receiver(user_logged_out, dispatch_uid="identity_session_signed_out")
def _signed_out(sender, request, user, **kwargs):
    if request is not None:
        sessions.session_signed_out(request=request)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="identity_deactivated")
def _deactivated(sender, instance, created, **kwargs):
    """Whoever saves a worker with is_active False (the staff screens, a shell, an import) ends
    every session they have, at once."""
    if not created and not instance.is_active:
        sessions.sessions_end_all(worker=instance, reason="Deactivated", log=False)
