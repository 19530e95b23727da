"""Chronology events from manager decisions: every approval or return, with its rationale
(see lantern/core/chronology.py).

Decisions on the pathway's own records are shown in that part of the chronology (an assessment
authorised sits with assessments) and link to the record decided on; a decision of any other
kind (added by a later app) is still shown, under "Other manager decisions".
"""

from __future__ import annotations

from django.db.models import F, Q, Value
from django.db.models.functions import Replace, TruncDate
from django.urls import reverse

from lantern.approvals.models import Approval, Decision, QualityGrade
from lantern.core.chronology import EventSource, event_values
from lantern.people.events import choice_label, text, when, worker_name

#: approval kind -> (event kind, filter label, group, what was decided on, verb when approved, page)
KNOWN = {
    "assessment": ("assessment_decision", "Assessment decisions", "assessment", "Assessment", "authorised",
                   "casework:assessment"),
    "cin_plan": ("cin_plan_decision", "CIN plan decisions", "plan", "Child in need plan", "approved",
                 "casework:plan"),
    "step_down": ("step_down_decision", "Step-down decisions", "closure", "Step-down to early help", "approved",
                  "casework:step_down"),
    "closure": ("closure_decision", "Closure decisions", "closure", "Closure", "approved", "casework:closure"),
}  # fmt: skip


def _detail():
    graded = text("Quality: ", choice_label("quality_grade", QualityGrade), ". ", F("rationale"))
    return when(Q(quality_grade=""), F("rationale"), graded)


def _decisions(approval_kind: str, event_kind: str, thing: str, verb: str):
    def rows():
        return event_values(
            Approval.objects.filter(child__isnull=False, kind=approval_kind),
            child="child_id",
            on=TruncDate("decided_at"),
            at="decided_at",
            kind=event_kind,
            title=text(
                thing,
                when(Q(decision=Decision.APPROVED), f" {verb} by ", " returned for more work by "),
                worker_name("decided_by"),
            ),
            detail=_detail(),
            object_id="subject_id",
            actor=worker_name("decided_by"),
        )

    return rows


def _other_decisions():
    return event_values(
        Approval.objects.filter(child__isnull=False).exclude(kind__in=list(KNOWN)),
        child="child_id",
        on=TruncDate("decided_at"),
        at="decided_at",
        kind="approval",
        title=text(
            "Manager decision on ",
            Replace(F("kind"), Value("_"), Value(" ")),
            when(Q(decision=Decision.APPROVED), ": approved by ", ": returned for more work by "),
            worker_name("decided_by"),
        ),
        detail=_detail(),
        object_id="pk",
        actor=worker_name("decided_by"),
    )


def _page(name: str):
    def url(child_id: int, object_id: int) -> str:
        return reverse(name, args=[child_id, object_id])

    return url


SOURCES = [
    *(
        EventSource(
            kind=event_kind, label=label, group=group, rows=_decisions(kind, event_kind, thing, verb), url=_page(page)
        )
        for kind, (event_kind, label, group, thing, verb, page) in KNOWN.items()
    ),
    EventSource(kind="approval", label="Other manager decisions", group="approval", rows=_other_decisions),
]
