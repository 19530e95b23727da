"""The family pages: siblings side by side, the family diagram, progress over time and the
history of workers. Each page fetches the child through the one door (`child_for_reading`)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from lantern.casework.views.common import child_for_reading
from lantern.family import charts, diagram, selectors


def family_view(request, child_id: int):
    child = child_for_reading(request, child_id, "Family view")
    today = timezone.localdate()
    family = selectors.family_page(request.user, child, today=today)
    return render(request, "family/family_view.html", {"child": child, "family": family, "today": today})


def family_diagram(request, child_id: int):
    child = child_for_reading(request, child_id, "Family diagram")
    data = selectors.diagram_data(request.user, child, today=timezone.localdate())
    name = child.person.full_name
    svg = diagram.render(
        chart_id="family-diagram",
        title=f"Family diagram for {name}",
        desc=diagram.describe(name, data.people, data.households),
        people=data.people,
        links=data.links,
        households=data.households,
    )
    homes: dict[int, list[str]] = {}
    for household in data.households:
        for key in household.members:
            homes.setdefault(key, []).append(household.name)
    by_key = {p.key: p for p in data.people}
    context = {
        "child": child,
        "svg": svg,
        "people": [(p, homes.get(p.key, [])) for p in data.people],
        "sentences": diagram.sentences(data.people, data.links),
        "households": [(h, [by_key[k] for k in h.members if k in by_key]) for h in data.households],
    }
    return render(request, "family/diagram.html", context)


def progress(request, child_id: int):
    child = child_for_reading(request, child_id, "Progress")
    series = selectors.scaling_for([child.pk]).get(child.pk, [])
    plans: list[tuple] = []
    for s in series:
        if not plans or plans[-1][0].pk != s.outcome.section_id:
            plans.append((s.outcome.section, []))
        chart = charts.progress_chart(
            chart_id=f"outcome-{s.outcome.pk}",
            title=f"Progress towards the outcome: {s.outcome.description[:120]}",
            points=s.points,
            target=s.outcome.target_date,
        )
        plans[-1][1].append((s, chart))
    return render(request, "family/progress.html", {"child": child, "plans": plans})


def worker_history(request, child_id: int):
    child = child_for_reading(request, child_id, "Worker history")
    history = selectors.worker_history(child, today=timezone.localdate())
    return render(request, "family/workers.html", {"child": child, "history": history})
