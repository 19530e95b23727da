"""The family diagram's layout and drawing, and the progress charts (no database needed)."""

from __future__ import annotations

import re
from datetime import date

from lantern.family import charts
from lantern.family import diagram as d
from lantern.family.diagram import COL_W, TOP, HouseholdGroup, Link, Person


def family() -> tuple[list[Person], list[Link], list[HouseholdGroup]]:
    """Amir (the child) and his sister Lina with Mum and Dad; Mum's new partner Tom and their son
    Zak; Nan; a sibling whose record the user may not see. Mum, Tom and the three children live
    together; Dad lives elsewhere."""
    people = [
        Person(1, "Amir Haddad", "M", "This child", "self", "Age 11", date(2015, 1, 1), focus=True, child_id=1),
        Person(2, "Rania Haddad", "F", "Mother", "mother", "Age 37", date(1989, 1, 1), adult=True),
        Person(3, "Omar Haddad", "M", "Father", "father", "Age 40", date(1986, 1, 1), adult=True),
        Person(4, "Lina Haddad", "F", "Sibling", "sibling", "Age 7", date(2019, 1, 1), child_id=4),
        Person(5, "Zak Brown", "M", "Half-sibling", "half_sibling", "Age 3", date(2023, 1, 1), child_id=5),
        Person(6, "Tom Brown", "M", "Step-parent", "step_parent", "Age 35", date(1991, 1, 1), adult=True),
        Person(7, "Nan Haddad", "F", "Grandparent", "grandparent", "Died 2019", deceased=True, adult=True),
        Person(8, "Record you cannot see", "U", "Sibling", "sibling", withheld=True),
    ]
    links = [
        Link(2, 1, "mother", True),
        Link(3, 1, "father", True),
        Link(2, 4, "mother", True),
        Link(3, 4, "father", True),
        Link(2, 5, "mother", True),
        Link(6, 5, "father", True),
        Link(6, 1, "step_parent"),
        Link(7, 1, "grandparent"),
        Link(1, 4, "sibling"),
        Link(1, 5, "half_sibling"),
        Link(1, 8, "sibling"),
    ]
    households = [HouseholdGroup(10, "Rania's home", [2, 1, 4, 5, 6])]
    return people, links, households


def test_generations_follow_the_relationships():
    people, links, _ = family()
    gen = d.generations(people, links)
    assert gen[1] == gen[4] == gen[5] == gen[8] == 0
    assert gen[2] == gen[3] == gen[6] == -1
    assert gen[7] == -2


def test_someone_unconnected_is_placed_by_age():
    people = [
        Person(1, "Child", "F", "This child", "self", focus=True),
        Person(2, "Lodger", "M", "Lives in the household", "household", adult=True),
        Person(3, "Cousin", "F", "Other", "other", born=date(2016, 1, 1)),
    ]
    gen = d.generations(people, [Link(3, 1, "other")])
    assert gen == {1: 0, 2: -1, 3: 0}


def test_a_household_boundary_holds_only_its_members():
    people, links, households = family()
    lay = d.layout(people, links, households)
    (x0, x1, household), (lx0, _, loose) = lay.blocks
    assert household is households[0] and loose is None
    inside = {k for k, p in lay.placed.items() if x0 <= p.x <= x1}
    assert inside == set(households[0].members)
    assert all(p.x > lx0 for k, p in lay.placed.items() if k not in inside)
    # Rows are generations, grandparents at the top.
    assert lay.placed[7].row == 0 and lay.placed[2].row == 1 and lay.placed[1].row == 2


def test_couples_sit_together_and_children_under_their_parents():
    people, links, households = family()
    placed = d.layout(people, links, households).placed
    # Mum sits between Tom (same home) and Dad (another block, to the right), next to each.
    assert placed[6].x < placed[2].x < placed[3].x
    assert placed[2].x - placed[6].x == COL_W
    # Zak (Mum and Tom's son) is left of Amir and Lina (Mum and Dad's), with a gap between.
    assert placed[5].x < placed[1].x < placed[4].x
    assert placed[1].x - placed[5].x == 2 * COL_W
    # Amir is older than Lina, so left of her.
    assert placed[4].x - placed[1].x == COL_W


def render(people, links, households) -> str:
    return str(
        d.render(
            chart_id="t", title="Family diagram for Amir", desc="A description", people=people, links=links,
            households=households,
        )
    )  # fmt: skip


KEY_ITEMS = [
    "Male",
    "Female",
    "Has died",
    "The child whose record this is",
    "A child whose record you cannot see",
    "Parents of the same child",
    "Parents who do not live together",
    "Step-parent and child",
    "Grandparent and grandchild",
    "Siblings (no parent drawn in common)",
    "Live together (household)",
]


def test_the_svg_is_a_named_picture_with_genogram_shapes():
    people, links, households = family()
    svg = render(people, links, households)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg and 'aria-labelledby="t-title t-desc"' in svg
    assert '<title id="t-title">Family diagram for Amir</title>' in svg and '<desc id="t-desc">' in svg
    assert "style=" not in svg and "<script" not in svg  # the Content-Security-Policy allows neither
    # Women circles, men squares; the withheld sibling a dashed diamond with no name.
    assert svg.count("<circle") == 3 + 1  # Rania, Lina, Nan, and the key's sample
    assert "Record you cannot see" in svg
    assert 'stroke-dasharray="4 3"' in svg
    for item in KEY_ITEMS:
        assert f">{item}</text>" in svg, item
    # Nothing in the key that is not in the picture.
    assert "Unborn baby" not in svg and "Carer and child" not in svg and "Sex not recorded" not in svg
    assert "Household: Rania&#x27;s home" in svg


def test_the_child_is_highlighted_and_names_are_escaped():
    people = [
        Person(1, "<b>Amy</b> & Co", "F", "This child", "self", "Age 9", focus=True),
        Person(2, "Mum", "F", "Mother", "mother", "Age 30", adult=True),
    ]
    svg = render(people, [Link(2, 1, "mother")], [])
    assert "<b>" not in svg and "&lt;b&gt;Amy&lt;/b&gt; &amp; Co" in svg
    assert 'font-weight="bold"' in svg and 'stroke-width="4"' in svg
    assert "Parent and child" in svg and "Parents of the same child" not in svg


def test_parents_who_live_together_have_no_separation_mark():
    people, links, _ = family()
    apart = render(people, links, [HouseholdGroup(10, "Home", [2, 1, 4, 5, 6])])
    together = render(people, links, [HouseholdGroup(10, "Home", [2, 1, 3, 4, 5, 6])])
    assert "Parents who do not live together" in apart
    assert "Parents who do not live together" not in together


def test_a_large_family_gets_wider_not_overlapping():
    people = [Person(0, "Me", "F", "This child", "self", focus=True)]
    people += [Person(i, f"Sib {i}", "M", "Sibling", "sibling") for i in range(1, 13)]
    links = [Link(0, i, "sibling") for i in range(1, 13)]
    lay = d.layout(people, links, [])
    xs = sorted(p.x for p in lay.placed.values())
    assert all(b - a >= COL_W for a, b in zip(xs, xs[1:], strict=False))
    svg = render(people, links, [])
    width = int(re.search(r'width="(\d+)"', svg).group(1))
    assert width >= 13 * COL_W
    assert lay.rows == 1 and all(p.top == TOP for p in lay.placed.values())


def test_sentences_and_description_say_the_same_in_words():
    people, links, households = family()
    text = d.sentences(people, links)
    assert "Rania Haddad is the mother of Amir Haddad (has parental responsibility)" in text
    assert "Tom Brown is the step-parent of Amir Haddad" in text
    assert "Nan Haddad is the grandparent of Amir Haddad" in text
    assert "Amir Haddad and Lina Haddad are siblings" in text
    assert "Amir Haddad and Zak Brown are half-siblings" in text
    assert "Amir Haddad has a sibling whose record you cannot see" in text
    desc = d.describe("Amir Haddad", people, households)
    assert desc.startswith("Amir Haddad and 7 people in their family. Amir Haddad lives with Rania Haddad, Lina")


def test_a_withheld_relative_is_named_only_by_the_relationship():
    people = [
        Person(1, "Baby Jones", "F", "This child", "self", "Age 0", focus=True),
        Person(2, "Record you cannot see", "U", "Mother", "mother", withheld=True),
        Person(3, "Record you cannot see", "U", "Child", "mother", withheld=True),
    ]
    links = [Link(2, 1, "mother", parental_responsibility=False), Link(1, 3, "mother")]
    assert d.sentences(people, links) == [
        "Baby Jones's mother has a record you cannot see",
        "Baby Jones is the mother of a child whose record you cannot see",
    ]


# ---------------------------------------------------------------------------------------------
# Progress charts
# ---------------------------------------------------------------------------------------------


POINTS = [
    charts.Point(date(2026, 1, 5), 3, "Baseline"),
    charts.Point(date(2026, 4, 1), 5, "Review"),
    charts.Point(date(2026, 7, 1), 10, "Review"),
]


def test_progress_chart_plots_scores_against_time():
    svg = str(charts.progress_chart(chart_id="o 1", title="Goes to school", points=POINTS, target=date(2026, 9, 1)))
    assert 'role="img"' in svg and 'aria-labelledby="o-1-title o-1-desc"' in svg
    assert "3 scores from 5 Jan 2026 to 1 Jul 2026: 3 out of 10 at first, 10 out of 10 most recently (up 7)." in svg
    assert "Target date 1 Sep 2026." in svg and ">Target 1 Sep 2026</text>" in svg
    circles = [(float(x), float(y)) for x, y in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg)]
    assert [x for x, _ in circles] == sorted(x for x, _ in circles)  # later dates further right
    # 10 sits on the top gridline, 3 lower down; the gap between dates follows the calendar.
    assert circles[2][1] == charts.TOP and circles[0][1] > circles[1][1] > circles[2][1]
    gaps = circles[1][0] - circles[0][0], circles[2][0] - circles[1][0]
    assert abs(gaps[0] / gaps[1] - 86 / 91) < 0.01  # 86 days, then 91


def test_progress_chart_with_one_score_and_escaping():
    svg = str(charts.progress_chart(chart_id="x", title="<script>", points=POINTS[:1]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "One score: 3 out of 10 on 5 Jan 2026." in svg
    assert "<polyline" not in svg and svg.count("<circle") == 1


def test_sparkline_is_decoration_beside_the_text():
    svg = str(charts.sparkline([3, 5, 8]))
    assert 'aria-hidden="true"' in svg and 'role="img"' not in svg
    assert "<polyline" in svg
    assert str(charts.sparkline([])) == ""
