"""Who may do what with sign-in security: one function per permission, used by every view."""

from django.conf import settings

#: The council administrator role (its choice lives in lantern.workforce.models.Role).
COUNCIL_ADMIN = "council_admin"
#: Roles that may read the sign-in log besides administrators.
LOG_READER_ROLES = frozenset({"senior_leader", "quality_auditor"})


def can_administer_identity(user) -> bool:
    """Reset a second factor, unlock a sign-in, end someone's sessions, remove an SSO link."""
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.role == COUNCIL_ADMIN))


def can_read_sign_in_log(user) -> bool:
    return can_administer_identity(user) or bool(
        user.is_authenticated and user.is_active and user.role in LOG_READER_ROLES
    )


def mfa_required(user) -> bool:
    """A password sign-in needs a second factor, for every role. The synthetic demo's accounts
    (marked by the seeder) are the one exemption, and only outside production."""
    if not settings.LANTERN_DEMO_MFA_EXEMPTION:
        return True
    from lantern.identity.models import MfaExemption

    return not MfaExemption.objects.filter(worker_id=user.pk).exists()


def sso_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)
