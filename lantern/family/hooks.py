"""What the family app adds to the child record (see lantern/core/hooks.py): links to its four
pages, a warning at the top when the child has had too many workers, and a progress panel when
the child's plan has scores. Each panel costs one or two queries, whatever the record's size."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from lantern.core import hooks
from lantern.core.local_settings import get_setting
from lantern.family import selectors


@hooks.register("child_links")
def family_links(*, request, child):
    return [
        hooks.Link("Family view", reverse("family:family", args=[child.pk]), order=40),
        hooks.Link("Family diagram", reverse("family:diagram", args=[child.pk]), order=41),
        hooks.Link("Progress", reverse("family:progress", args=[child.pk]), order=42),
        hooks.Link("Worker history", reverse("family:workers", args=[child.pk]), order=43),
    ]


@hooks.register("child_panels")
def worker_changes_panel(*, request, child):
    """At the top of the record, only when the child has had `worker_changes_flag` or more lead
    workers in the last 12 months (one query)."""
    count = selectors.worker_counts([child.pk], today=timezone.localdate()).get(child.pk, 0)
    flag = get_setting("worker_changes_flag")
    if count < flag:
        return []
    context = {"count": count, "flag": flag, "url": reverse("family:workers", args=[child.pk])}
    return [hooks.Panel(template="family/_worker_changes_panel.html", order=20, context=context)]


@hooks.register("child_panels")
def progress_panel(*, request, child):
    """After the pathway, the scores on the child's current (or last) plan (two queries)."""
    series = selectors.latest_scaling(child)
    if not series:
        return []
    context = {
        "series": series,
        "section": series[0].outcome.section,
        "url": reverse("family:progress", args=[child.pk]),
    }
    return [hooks.Panel(template="family/_progress_panel.html", order=70, context=context)]
