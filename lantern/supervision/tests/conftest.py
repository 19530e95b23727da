"""Builders for supervision tests: a session of sw_north by tm_north discussing sw_north's child."""

from datetime import date

import pytest

from lantern.supervision import services
from lantern.supervision.services import DiscussionInput

WELLBEING = "Feeling stretched after two court weeks; agreed a lighter duty week."


def discussion(child, **overrides) -> DiscussionInput:
    fields = {
        "child": child,
        "working_well": "School attendance is up to 92%.",
        "worries": "Dad's drinking at weekends.",
        "reflection": "Could the weekend pattern be about contact handovers rather than drink?",
        "decisions": "Keep on the CIN plan; add a weekend contact review.",
        "rationale": "Progress at school, but the weekend worry is unexplained.",
        "actions": "Worker to visit on a Saturday before the next review.",
    }
    fields.update(overrides)
    return DiscussionInput(**fields)


@pytest.fixture
def make_session(world):
    def _make(*, worker=None, supervisor=None, children=None, sign=False, held_on=date(2026, 2, 2), **fields):
        worker = worker or world.users["sw_north"]
        supervisor = supervisor or world.users["tm_north"]
        children = [world.children["own"]] if children is None else children
        fields.setdefault("wellbeing", WELLBEING)
        session = services.supervision_session_create(
            worker=worker,
            supervisor=supervisor,
            held_on=held_on,
            discussions=[discussion(child) for child in children],
            **fields,
        )
        if sign:
            session = services.supervision_session_sign(session=session, by=supervisor)
        return session

    return _make
