"""Identity: how a member of staff proves who they are, and what that leaves behind.

- `ExternalIdentity`: the council account (OpenID Connect issuer and stable subject claim) that
  signs a worker in by single sign-on. One account links to one worker.
- `UserSession`: each signed-in session, so a person can see and end their others and a leaver's
  sessions all end at once. Keyed by Django's session key; the session itself stays in Django.
- `SignInGate`: one row per username tried, locked while an attempt is judged, so parallel
  attempts for one person are counted one after another and never exceed the limit.
- `MfaExemption`: marks a synthetic demo account (written only by the seeder; production ignores it).
- `SecurityEvent`: what administrators did (second factor reset, unlock, sessions ended, links)
  and single sign-on refusals. Append-only (database triggers).

Attempts and lock-outs themselves are django-axes' tables (AccessAttempt, AccessLog,
AccessFailureLog); second factors are django-otp's devices.
"""

from django.conf import settings
from django.db import models


class ExternalIdentity(models.Model):
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="external_identities")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255, help_text="The provider's stable claim (sub, or oid for Entra ID).")
    email_at_link = models.CharField(max_length=254, blank=True)
    linked_at = models.DateTimeField(auto_now_add=True)
    linked_by = models.CharField(
        max_length=20, choices=[("email", "First sign-in, by email address"), ("admin", "By an administrator")]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_worker_per_external_account"),
            models.UniqueConstraint(fields=["worker", "issuer"], name="one_external_account_per_worker_and_issuer"),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} <- {self.issuer} {self.subject}"


class SignInMethod(models.TextChoices):
    PASSWORD = "password", "Password and second factor"
    PASSWORD_DEMO = "password_demo", "Password (synthetic demo account)"
    SSO = "sso", "Single sign-on"
    OTHER = "other", "Other"


class UserSession(models.Model):
    session_key = models.CharField(max_length=40, unique=True)
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tracked_sessions")
    method = models.CharField(max_length=20, choices=SignInMethod.choices, default=SignInMethod.OTHER)
    user_agent = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        indexes = [models.Index(fields=["worker", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.worker_id} session from {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def browser(self) -> str:
        """A short, readable description of the browser (no address is kept)."""
        ua = self.user_agent
        for name in ("Edg", "Firefox", "Chrome", "Safari"):
            if name in ua:
                browser = {"Edg": "Microsoft Edge"}.get(name, name)
                break
        else:
            browser = "Unknown browser"
        systems = {"iPhone": "iPhone", "iPad": "iPad", "Android": "Android", "Windows": "Windows",
                   "CrOS": "ChromeOS", "Mac OS X": "macOS", "Linux": "Linux"}  # fmt: skip
        for marker, system in systems.items():  # most specific first: iPhones say "like Mac OS X"
            if marker in ua:
                return f"{browser} on {system}"
        return browser


class SignInGate(models.Model):
    username = models.CharField(max_length=150, unique=True)

    def __str__(self) -> str:
        return self.username


class MfaExemption(models.Model):
    worker = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mfa_exemption")
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.worker_id}: {self.reason}"


class SecurityEventKind(models.TextChoices):
    MFA_RESET = "mfa_reset", "Second factor reset"
    MFA_ENROLLED = "mfa_enrolled", "Authenticator set up"
    RECOVERY_CODES = "recovery_codes", "New recovery codes made"
    UNLOCKED = "unlocked", "Sign-in unlocked"
    SESSIONS_ENDED = "sessions_ended", "All sessions ended"
    SESSION_ENDED = "session_ended", "A session ended by its owner"
    SSO_LINKED = "sso_linked", "Council account linked"
    SSO_UNLINKED = "sso_unlinked", "Council account link removed"
    SSO_REFUSED = "sso_refused", "Single sign-on refused"
    PASSWORD_LINK_ISSUED = "password_link", "Set-password link issued"
    PASSWORD_SET = "password_set", "Password set from a link"
    PASSWORD_CHANGED = "password_changed", "Password changed by its owner"


class SecurityEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=20, choices=SecurityEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="security_actions"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="security_events"
    )
    reason = models.CharField(max_length=500, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"


class PasswordLink(models.Model):
    """A one-time set-password link an administrator issued (shown on their screen; no email).
    Only a hash of its token is kept. It works once, until it expires, and only while the person
    is active; a newer link for the same person replaces it."""

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="password_links")
    token_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["worker", "used_at"])]

    def __str__(self) -> str:
        return f"Set-password link for {self.worker_id} issued {self.issued_at:%Y-%m-%d %H:%M}"
