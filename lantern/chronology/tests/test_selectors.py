"""The reader: one UNION ALL over every source, for one child, in a total order, filtered and
paged in the database with a fixed number of queries however long the history."""

from datetime import date, datetime, time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lantern.casework.models import Contact
from lantern.chronology import selectors
from lantern.chronology.selectors import ChronologyFilter
from lantern.chronology.tests.conftest import LONDON


def _contact(child, day, hour, concern="Worry"):
    return Contact.objects.create(
        child=child, received_at=datetime.combine(day, time(hour, 0), tzinfo=LONDON), source="2A", concern=concern
    )


def _key(event):
    return (event.on, event.at, event.kind, event.object_id)


def test_newest_first_timed_events_before_untimed_ones_on_the_same_day_and_oldest_first_is_the_reverse(world):
    child = world.children["own"]  # referral and allocation on 5 Jan 2026, no time of day
    _contact(child, date(2026, 1, 5), 9)
    _contact(child, date(2026, 1, 5), 14)
    _contact(child, date(2026, 1, 4), 16)
    newest = selectors.events(child.pk)
    assert [(e.on, e.kind, e.at and e.at.astimezone(LONDON).hour) for e in newest] == [
        (date(2026, 1, 5), "contact", 14),
        (date(2026, 1, 5), "contact", 9),
        (date(2026, 1, 5), "allocation_start", None),
        (date(2026, 1, 5), "referral", None),
        (date(2026, 1, 4), "contact", 16),
        (date(2015, 6, 1), "birth", None),
    ]
    oldest = selectors.events(child.pk, ChronologyFilter(oldest_first=True))
    assert [_key(e) for e in oldest] == [_key(e) for e in reversed(newest)]


def test_only_the_childs_own_events(world):
    own, team = world.children["own"], world.children["team"]
    _contact(team, date(2026, 1, 6), 10, concern="Team child's worry")
    assert all("Team child" not in e.detail for e in selectors.events(own.pk))
    assert any("Team child" in e.detail for e in selectors.events(team.pk))


def test_filters_by_kind_significance_and_inclusive_dates(long_history):
    child = long_history
    everything = selectors.events(child.pk)
    kinds = {e.kind for e in everything}
    assert {"contact", "icpc", "cp_plan_start", "cp_review", "allocation_end", "assessment_decision"} <= kinds

    only = selectors.events(child.pk, ChronologyFilter(kinds=frozenset({"icpc", "cp_review"})))
    assert {e.kind for e in only} == {"icpc", "cp_review"}
    assert len(only) == sum(1 for e in everything if e.kind in ("icpc", "cp_review"))

    significant = selectors.events(child.pk, ChronologyFilter(significant_only=True))
    assert significant and all(e.significant for e in significant)
    assert [_key(e) for e in significant] == [_key(e) for e in everything if e.significant]

    start, end = date(2023, 1, 1), date(2023, 12, 31)
    within = selectors.events(child.pk, ChronologyFilter(date_from=start, date_to=end))
    assert within and all(start <= e.on <= end for e in within)
    assert len(within) == sum(1 for e in everything if start <= e.on <= end)
    first = min(e.on for e in everything)
    assert selectors.events(child.pk, ChronologyFilter(date_from=first, date_to=first))  # both ends included
    assert selectors.events(child.pk, ChronologyFilter(kinds=frozenset({"death"}))) == []


def test_pages_cover_every_event_once_in_order(long_history):
    child = long_history
    everything = selectors.events(child.pk)
    assert len(everything) > 150
    seen = []
    page = selectors.events_page(child.pk, ChronologyFilter(), page=1, per_page=50)
    assert page.paginator.count == len(everything)
    for number in page.paginator.page_range:
        seen += selectors.events_page(child.pk, ChronologyFilter(), page=number, per_page=50).object_list
    assert [_key(e) for e in seen] == [_key(e) for e in everything]
    last = selectors.events_page(child.pk, ChronologyFilter(), page="999", per_page=50)
    assert last.number == page.paginator.num_pages  # out of range: the last page
    assert selectors.events_page(child.pk, ChronologyFilter(), page="x", per_page=50).number == 1


def test_a_page_is_one_query_however_long_the_history(world, long_history):
    short = world.children["team"]

    def queries(child_id):
        with CaptureQueriesContext(connection) as ctx:
            page = selectors.events_page(child_id, ChronologyFilter(), page=2, per_page=20)
            list(page.object_list)
        return len(ctx.captured_queries)

    assert queries(long_history.pk) == 1  # the slice, with the total on each row
    assert queries(short.pk) == 3  # page 2 of a short history: empty, a count, then the last page
    with CaptureQueriesContext(connection) as ctx:
        assert len(selectors.recent_significant(long_history.pk)) == 5
    assert len(ctx.captured_queries) == 1


def test_recent_significant_are_the_newest_significant_events(long_history):
    recent = selectors.recent_significant(long_history.pk, limit=5)
    significant = [e for e in selectors.events(long_history.pk) if e.significant]
    assert [_key(e) for e in recent] == [_key(e) for e in significant[:5]]


def test_streaming_reads_every_event_in_order(long_history):
    streamed = list(selectors.iter_events(long_history.pk, ChronologyFilter(oldest_first=True), chunk_size=7))
    assert [_key(e) for e in streamed] == [
        _key(e) for e in selectors.events(long_history.pk, ChronologyFilter(oldest_first=True))
    ]


def test_kinds_are_grouped_in_journey_order(world):
    groups = [g for g, _label, _sources in selectors.kinds_by_group()]
    assert groups.index("front_door") < groups.index("assessment") < groups.index("protection")
    assert groups.index("protection") < groups.index("closure") < groups.index("allocation")
    assert selectors.group_label("front_door") == "Contacts, decisions and referrals"
    assert selectors.group_label("something_new") == "Something new"


def test_the_compiled_reader_gives_what_the_queryset_gives(long_history, world):
    """Pages read compiled SQL with the child and dates put into its parameters: for every shape of
    filter it must give exactly the rows of the union built afresh for that child and those dates."""
    filters = [
        ChronologyFilter(),
        ChronologyFilter(oldest_first=True),
        ChronologyFilter(significant_only=True),
        ChronologyFilter(date_from=date(2022, 3, 1)),
        ChronologyFilter(date_to=date(2024, 6, 30), significant_only=True),
        ChronologyFilter(date_from=date(2023, 1, 1), date_to=date(2023, 12, 31), oldest_first=True),
        ChronologyFilter(kinds=frozenset({"contact", "allocation_end", "birth"})),
    ]
    for child in (long_history, world.children["team"]):
        for flt in filters:
            expected = [selectors.to_event(row) for row in selectors.events_queryset(child.pk, flt)]
            assert selectors.events(child.pk, flt) == expected, flt
            assert selectors.count(child.pk, flt) == len(expected)


def test_the_bench_finds_the_child_with_the_longest_history(long_history):
    from lantern.chronology.bench import longest_history_child

    assert longest_history_child() == (long_history.pk, selectors.count(long_history.pk))
