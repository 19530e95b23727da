"""The navigation's link to administration, for administrators and those who read its log."""

from django.urls import reverse

from lantern.core import hooks
from lantern.identity import policy


@hooks.register("nav_items")
def administration_nav(*, request, user):
    if policy.can_administer_identity(user):
        return [hooks.Link("Administration", reverse("administration:index"), order=95)]
    if policy.can_read_sign_in_log(user):
        return [hooks.Link("Administration log", reverse("administration:log"), order=95)]
    return []


@hooks.register("setting_changed")
def log_setting_change(*, key, old, new, user, reason, effective_from):
    """Every change of a council setting, by whatever route, reaches the administration log."""
    from lantern.administration.models import AdminEvent, AdminEventKind
    from lantern.core.local_settings import DEFINITIONS

    label = DEFINITIONS[key].label
    AdminEvent.objects.create(
        kind=AdminEventKind.SETTING_CHANGED,
        actor=user if user is not None and user.is_authenticated else None,
        setting_key=key,
        summary=f"{label}: {_shown(old)} to {_shown(new)}"[:500],
        reason=reason or "",
        effective_date=effective_from,
    )
    return []


def _shown(value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


@hooks.register("team_links")
def leavers_to_reallocate(*, request, team):
    """On a team page, for its managers: people who left or moved with children still allocated here."""
    from django.db.models import Q

    from lantern.workforce.models import Allocation

    if request.user.role not in ("team_manager", "service_manager", "senior_leader"):
        return []
    rows = (
        Allocation.objects.filter(team=team, end_date__isnull=True, worker__isnull=False)
        .filter(Q(worker__is_active=False) | ~Q(worker__team_id=team.pk))
        .values_list("worker_id", "worker__first_name", "worker__last_name")
        .distinct()
        .order_by("worker__last_name")
    )
    return [
        hooks.Link(f"Children to reallocate from {first} {last}", reverse("administration:to_reallocate", args=[pk]))
        for pk, first, last in rows
    ]
