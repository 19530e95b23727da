"""The letter's themes: the default audit template's sections and questions, and which practice
standards (lantern/insight/standards.py) watch the same thing between audits (L2).

When an auditor finds a weakness in a section, the audit page and the themes report say whether
a related standard had already raised an alert about the child (or, for supervision, about the
child's worker) before the audit: what routine oversight could have caught first.
"""

from __future__ import annotations

from lantern.audits.models import Theme

DEFAULT_TEMPLATE_NAME = "Case audit"
DEFAULT_TEMPLATE_VERSION = 1

#: (theme, section title, [(question, guidance)]) in the order an auditor reads a case.
DEFAULT_SECTIONS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        Theme.ASSESSMENT,
        "Assessment quality",
        (
            (
                "Is there an assessment authorised in the last 12 months, or since the last significant change?",
                "An out-of-date assessment was one of the letter's findings.",
            ),
            (
                "Does the assessment describe the child's lived experience, history, identity and diversity?",
                "",
            ),
            ("Did the family take part, and are their views recorded?", ""),
            ("Does a clear analysis lead to the decision?", ""),
        ),
    ),
    (
        Theme.PLAN,
        "Plan quality",
        (
            (
                "Does the plan have outcomes for this child that are specific, measurable and have target dates?",
                "One family plan must still give each child their own needs and outcomes.",
            ),
            ("Does every action have an owner (including partner agencies) and a due date?", ""),
            ("Is there a contingency plan?", ""),
            ("Has the plan been reviewed within timescale, with partners involved?", ""),
        ),
    ),
    (
        Theme.VOICE,
        "The child's voice",
        (
            ("Has the child been seen, and seen alone, as often as the plan expects?", ""),
            ("Are the child's wishes and feelings recorded in their own words?", ""),
            ("Has direct work with the child informed the plan?", "Superficial direct work does not count."),
        ),
    ),
    (
        Theme.OVERSIGHT,
        "Management oversight",
        (
            ("Is management oversight recorded on the file as often as expected?", ""),
            ("Does the oversight give direction, challenge and a rationale?", ""),
            ("Were the actions from oversight done on time?", ""),
        ),
    ),
    (
        Theme.SUPERVISION,
        "Supervision",
        (
            ("Has the child been discussed in the worker's supervision as often as expected?", ""),
            ("Does the supervision record show reflection and decisions with a rationale?", ""),
        ),
    ),
    (
        Theme.CHRONOLOGY,
        "Chronology",
        (
            (
                "Is the chronology up to date and complete?",
                "Incomplete chronologies were one of the letter's findings.",
            ),
            ("Does it show significant events and what they meant for the child?", ""),
        ),
    ),
    (
        Theme.OUTCOMES,
        "Outcomes for the child",
        (
            ("Is there evidence of progress against the plan's outcomes?", ""),
            (
                "Where there is no progress, was drift noticed and acted on (for example, neglect escalated)?",
                "",
            ),
            ("Is the child's situation better because of our involvement?", ""),
        ),
    ),
)

#: Practice standards that watch each theme between audits. Supervision's standard is about the
#: worker (the child's lead worker when the audit began), the others about the child.
THEME_STANDARDS: dict[str, tuple[str, ...]] = {
    Theme.ASSESSMENT: ("assessment_timescale", "assessment_out_of_date"),
    Theme.PLAN: ("no_cin_plan", "plan_incomplete", "sibling_outcomes", "plan_review_overdue"),
    Theme.VOICE: ("not_seen_alone", "visit_overdue"),
    Theme.OVERSIGHT: ("oversight_overdue", "fsw_checkin"),
    Theme.SUPERVISION: ("supervision_overdue",),
    Theme.CHRONOLOGY: ("chronology_silent",),
    Theme.OUTCOMES: ("long_cin_no_progress", "neglect_unescalated", "rereferral"),
}

#: Themes whose standards are about the worker rather than the child.
WORKER_THEMES = frozenset({Theme.SUPERVISION})


def standard_name(key: str) -> str:
    from lantern.insight import standards as registry

    found = registry.get(key)
    return found.name if found else key.replace("_", " ").capitalize()
