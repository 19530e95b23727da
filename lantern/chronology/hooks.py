"""The chronology on the child's record: a link to it, and the most recent significant events."""

from django.urls import reverse

from lantern.chronology.selectors import recent_significant
from lantern.core import hooks

PANEL_EVENTS = 5


@hooks.register("child_links")
def chronology_link(*, request, child):
    return [hooks.Link(text="Chronology", href=reverse("chronology:chronology", args=[child.pk]), order=10)]


@hooks.register("child_panels")
def significant_events_panel(*, request, child):
    # The child was fetched through the one door by the record page; one query.
    events = recent_significant(child.pk, limit=PANEL_EVENTS)
    return [hooks.Panel(order=55, template="chronology/_panel.html", context={"child": child, "events": events})]
