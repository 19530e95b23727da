"""The one door to children's records.

Every read of child-scoped data starts here:

- `visible_children(user)` is the queryset of children the user may see. Lists, search and
  dashboards filter through it.
- `get_child_for_user(user, child_id, page=..., request=...)` fetches one child for a user,
  refuses with 404 (restricted records: the user may not know they exist) or 403 (records the
  user may know exist, e.g. a sibling in another team), and writes the view to the access log.

Who sees what:
- social workers and family support workers: children allocated to them or to their team;
- team managers: their team's children; service managers: their service's; both also see a
  child whose transfer to their team (or service) is waiting for an answer;
- quality auditors, senior leaders and inspectors: every child (inspectors read only);
- a restricted record: only the people on its access list, whatever their role.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from lantern.access import log as access_log
from lantern.access.models import AccessListEntry, ChildView, Outcome
from lantern.people.models import Child
from lantern.workforce.models import (
    AUTHORITY_WIDE_ROLES,
    NO_CHILDREN_ROLES,
    Allocation,
    Role,
    Transfer,
    TransferStatus,
    Worker,
)


def _allocated_child_ids(condition: Q) -> QuerySet:
    """Children with an open allocation matching the condition, as an IN (SELECT ...) set.

    Written as a set rather than a correlated EXISTS so the database computes it once and
    hashes it, however many rows (contacts, decisions, episodes) are being filtered by child."""
    return Allocation.objects.filter(condition, end_date__isnull=True).values("child_id")


def _incoming_transfer_child_ids(condition: Q) -> QuerySet:
    """Hand-overs waiting for a receiving team: its managers read the record before accepting."""
    return Transfer.objects.filter(condition, status__in=[TransferStatus.PENDING, TransferStatus.DISPUTED]).values(
        "child_id"
    )


def scope_condition(user: Worker) -> Q:
    """The condition on Child that a user's role and team give, ignoring restriction."""
    if not user.is_authenticated or not user.is_active or user.role in NO_CHILDREN_ROLES:
        return Q(pk__in=[])
    if user.role in AUTHORITY_WIDE_ROLES:
        return Q()
    if user.role == Role.SERVICE_MANAGER:
        if user.service_id is None:
            return Q(pk__in=[])
        return Q(pk__in=_allocated_child_ids(Q(team__service_id=user.service_id))) | Q(
            pk__in=_incoming_transfer_child_ids(Q(to_team__service_id=user.service_id))
        )
    if user.role == Role.TEAM_MANAGER:
        if user.team_id is None:
            return Q(pk__in=[])
        return Q(pk__in=_allocated_child_ids(Q(team_id=user.team_id))) | Q(
            pk__in=_incoming_transfer_child_ids(Q(to_team_id=user.team_id))
        )
    # Social workers and family support workers: their own children and their team's.
    own = Q(worker_id=user.pk)
    if user.team_id is not None:
        own |= Q(team_id=user.team_id)
    return Q(pk__in=_allocated_child_ids(own))


def _on_access_list(user: Worker) -> Q:
    return Q(pk__in=AccessListEntry.objects.filter(worker_id=user.pk, revoked_at__isnull=True).values("child_id"))


def visibility_condition(user: Worker) -> Q:
    """The full condition: in scope and unrestricted, or on the access list of a restricted record.
    A council administrator sees no child at all, not even through an access list."""
    if not user.is_authenticated or not user.is_active or user.role in NO_CHILDREN_ROLES:
        return Q(pk__in=[])
    return (Q(restricted=False) & scope_condition(user)) | (Q(restricted=True) & _on_access_list(user))


def visible_children(user: Worker) -> QuerySet[Child]:
    """Every child the user may see, with the person joined in."""
    return Child.objects.filter(visibility_condition(user)).select_related("person")


def can_see_child(user: Worker, child: Child, *, fresh: bool = False) -> bool:
    # A child fetched by `get_child_for_user` for this same user was already checked (the page's
    # panels ask again and again); any other child object is checked in the database. After a
    # write that may take the child out of the user's scope, ask with `fresh=True`.
    if not fresh and getattr(child, "_lantern_visible_to", None) == user.pk:
        return True
    return visible_children(user).filter(pk=child.pk).exists()


def can_change_child_record(user: Worker, child: Child) -> bool:
    """May the user add to this child's record? Read-only roles never may."""
    if user.role in (Role.INSPECTOR, Role.QUALITY_AUDITOR):
        return False
    return can_see_child(user, child)


def get_child_for_user(user: Worker, child_id: int, *, page: str, path: str = "") -> Child:
    """Fetch a child the user may see and log the view; refuse with 404 or 403 otherwise, and log
    the refusal (lantern/access/log.py: a page that refuses after this is logged as refused too)."""
    try:
        child = visible_children(user).get(pk=child_id)
    except (Child.DoesNotExist, ValueError, TypeError):
        try:
            restricted = Child.objects.filter(pk=child_id).values_list("restricted", flat=True).first()
        except (ValueError, TypeError):
            restricted = None
        if restricted is not None and user.is_authenticated:
            access_log.record(user, [child_id], page=page, path=path, outcome=Outcome.REFUSED)
        if restricted is None or restricted:
            raise Http404("No child record found") from None
        raise PermissionDenied("You do not have access to this child's record.") from None
    access_log.record(user, [child.pk], page=page, path=path)
    child._lantern_visible_to = user.pk
    return child


def child_views(child: Child) -> QuerySet[ChildView]:
    """The access log for one child, newest first (callers must already have fetched the child)."""
    return ChildView.objects.filter(child=child).select_related("user").order_by("-viewed_at", "-pk")


def can_see_access_log(user: Worker) -> bool:
    """Managers and quality auditors (who audit practice) read the access log, for the children
    they may see."""
    return user.is_authenticated and user.role in (
        Role.TEAM_MANAGER,
        Role.SERVICE_MANAGER,
        Role.SENIOR_LEADER,
        Role.QUALITY_AUDITOR,
    )


def access_log_for(user: Worker) -> QuerySet[ChildView]:
    """The access log rows about the children `user` may see (restricted records only for those
    on their access list), newest first. Callers check `can_see_access_log` first."""
    return (
        for_visible_children(ChildView.objects.all(), user)
        .select_related("user", "child__person")
        .order_by("-viewed_at", "-pk")
    )


def can_approve_for_child(user: Worker, child: Child) -> bool:
    """Managers decide for children their team or service holds; senior leaders for any child
    they may see. Workers, auditors and inspectors never approve."""
    if user.role == Role.SENIOR_LEADER:
        return can_see_child(user, child)
    if user.role not in (Role.TEAM_MANAGER, Role.SERVICE_MANAGER):
        return False
    return can_see_child(user, child)


# Statutory returns: the DfE census and Ofsted's Annex A must count every child, restricted
# records included, so they are read through this door instead of `visible_children`. Only the
# roles that may run them get the queryset, and each run is recorded by the caller.
RETURN_ROLES = {
    "cin_census": frozenset({Role.SENIOR_LEADER}),
    "annex_a": frozenset({Role.SENIOR_LEADER, Role.INSPECTOR}),
    "indicators": frozenset({Role.SENIOR_LEADER, Role.INSPECTOR, Role.QUALITY_AUDITOR, Role.SERVICE_MANAGER}),
}


def can_run_return(user: Worker, kind: str) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in RETURN_ROLES[kind])


def children_for_return(user: Worker | None, kind: str) -> QuerySet[Child]:
    """Every child, for a statutory return. `user=None` is the command line (an operator with
    shell access to the server); in the browser the user's role must allow the return."""
    if user is not None and not can_run_return(user, kind):
        raise PermissionDenied("Your role cannot produce this return.")
    return Child.objects.all()


def for_visible_children(queryset: QuerySet, user: Worker, *, field: str = "child") -> QuerySet:
    """Filter any child-scoped queryset (contacts, decisions, episodes...) to the children the
    user may see, in the way that keeps big tables fast.

    For roles that see the whole authority the condition is only about restricted records. For
    team and service roles the visible children are fetched first (hundreds, one indexed query)
    and the table is then read by its child index, instead of being scanned and checked row by row.
    """
    if not user.is_authenticated or not user.is_active or user.role in NO_CHILDREN_ROLES:
        return queryset.none()
    if user.role in AUTHORITY_WIDE_ROLES:
        listed = AccessListEntry.objects.filter(worker_id=user.pk, revoked_at__isnull=True).values("child_id")
        return queryset.filter(Q(**{f"{field}__restricted": False}) | Q(**{f"{field}_id__in": listed}))
    ids = list(visible_children(user).values_list("pk", flat=True))
    return queryset.filter(**{f"{field}_id__in": ids})
