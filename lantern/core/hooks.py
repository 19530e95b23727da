"""Extension points, so an app to the right can add to a page owned by an app to its left
without the left-hand app importing it (dependencies point one way).

An app registers its contributions in its `hooks.py`, which Django imports at start-up
(`autodiscover_modules("hooks")` in `CoreConfig.ready`):

    from lantern.core import hooks

    @hooks.register("child_panels")
    def visits_panel(*, request, child):
        return [hooks.Panel(order=30, template="recording/_panel.html", context={...})]

The page owning the extension point calls `hooks.collect(name, **kwargs)` and gets every
contribution, flattened, in registration order (callers sort by `order` where it matters).

Extension points in use (keyword arguments, and what each function returns):

- "child_panels"  (request, child)                     -> list[Panel]   sections on the child record
- "child_links"   (request, child)                     -> list[Link]    "Sections of this record" links
- "work_items"    (user, child_ids, team, today)       -> list[WorkItem] (lantern.casework.selectors)
- "team_links"    (request, team)                      -> list[Link]    links on a team page
- "nav_items"     (request, user)                      -> list[Link]    the service navigation bar
- "recover_jobs"  (lost, now)                          -> list[int]     ids of an app's jobs marked failed
                  because their background task was lost (lantern/operations/jobs.py: `lost(task_ids)`)
- "setting_changed" (key, old, new, user, reason, effective_from) -> ignored: a council setting was
                  changed by any route (`lantern.core.local_settings.set_setting`); administration logs it

Every contribution must keep the page's query count fixed: one or two set-based queries per
hook, whatever the size of the caseload or team.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_REGISTRY: dict[str, list[Callable[..., Any]]] = defaultdict(list)

KNOWN = {"child_panels", "child_links", "work_items", "team_links", "nav_items", "recover_jobs", "setting_changed"}


@dataclass(frozen=True)
class Panel:
    """A section of a page, rendered with `{% include panel.template %}`; the template reads
    `panel.context`."""

    template: str
    order: int = 100
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Link:
    text: str
    href: str
    order: int = 100


def register(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    if name not in KNOWN:
        raise ValueError(f"Unknown extension point {name!r}; known: {sorted(KNOWN)}")

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        if fn not in _REGISTRY[name]:
            _REGISTRY[name].append(fn)
        return fn

    return decorator


def collect(name: str, **kwargs: Any) -> list[Any]:
    if name not in KNOWN:
        raise ValueError(f"Unknown extension point {name!r}")
    results: list[Any] = []
    for fn in _REGISTRY[name]:
        results.extend(fn(**kwargs) or [])
    return results


def collect_sorted(name: str, **kwargs: Any) -> list[Any]:
    return sorted(collect(name, **kwargs), key=lambda item: getattr(item, "order", 100))
