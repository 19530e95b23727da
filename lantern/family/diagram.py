"""The family diagram: a genogram-style picture of the child's family, laid out and drawn here
as inline SVG (no external library, no JavaScript).

Conventions (genogram): males are squares, females circles, a person whose sex is not recorded
a diamond, an unborn baby a triangle, someone who has died is crossed through. The child whose
record it is has a double, thicker outline. Parents of the same child are joined by a couple line
(with two short strokes across it when they do not live together) and their children hang from
it; a single parent's line drops straight to the children. Step-parents, carers and grandparents
have their own dashed or dotted lines; siblings are joined by a bar only when no parent they
share is drawn. People who live together are drawn inside one dashed boundary.

Layout, in four steps:
1. Generation of each person from the relationships (a parent is one row above their child, a
   grandparent two, siblings share a row), breadth first from the child; anyone not reached is
   placed by age (adults above, children with the child).
2. Blocks of columns: one per household (the child's own first), then one for everyone not
   sharing a household. A block is as wide as its busiest row, so a household's boundary can be
   a rectangle that holds only its members.
3. Order within a row: parents, then other adults; children eldest first.
4. Lines are drawn first and people over them, each on a white card, so a line passing behind a
   person never runs through their name.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from lantern.people.models import RelationshipType as RT

TEXT, SECONDARY, BORDER, FOCUS_FILL, HOUSEHOLD = "#0b0c0c", "#505a5f", "#b1b4b6", "#d2e2f1", "#505a5f"
FONT = 'font-family="arial, sans-serif"'

COL_W, ROW_H, SHAPE = 160, 190, 40
MARGIN, TOP, BLOCK_GAP = 20, 40, 24
LABEL_BOTTOM = 88  # below a row's top: the end of the third label line
LEGEND_COL_W, LEGEND_ROW_H = 300, 26
MIN_WIDTH = 640

#: Generations between the two ends of a relationship: `source` is `type` of `target`.
GENERATION_GAP = {
    RT.MOTHER: 1,
    RT.FATHER: 1,
    RT.STEP_PARENT: 1,
    RT.CARER: 1,
    RT.GRANDPARENT: 2,
    RT.SIBLING: 0,
    RT.HALF_SIBLING: 0,
}
BIOLOGICAL = {RT.MOTHER, RT.FATHER}
SIBLINGS = {RT.SIBLING, RT.HALF_SIBLING}
#: Line patterns (never colour alone) for the relationships with their own line.
DASHES = {RT.STEP_PARENT: "8 5", RT.CARER: "2 4", RT.GRANDPARENT: "10 4 2 4"}
LINE_LEGEND = {RT.STEP_PARENT: "step", RT.CARER: "carer", RT.GRANDPARENT: "grand"}
#: Order of people within a row, by how they relate to the child.
KIND_ORDER = {
    "self": 5,
    RT.MOTHER: 0,
    RT.FATHER: 1,
    RT.STEP_PARENT: 2,
    RT.GRANDPARENT: 3,
    RT.CARER: 4,
    RT.SIBLING: 5,
    RT.HALF_SIBLING: 5,
    RT.OTHER: 6,
    "household": 7,
}


@dataclass
class Person:
    key: int
    name: str
    sex: str  # "M", "F" or "U"
    relationship: str  # to the child whose record it is, e.g. "Mother"
    kind: str  # "self", a RelationshipType value, or "household" (lives with the child, no relationship)
    detail: str = ""  # "Age 7", "Unborn, due 3 Mar 2026", "Died 2019"
    born: date | None = None
    focus: bool = False
    unborn: bool = False
    deceased: bool = False
    withheld: bool = False  # a record the user may not see: drawn without name, sex or age
    child_id: int | None = None
    adult: bool = False


@dataclass(frozen=True)
class Link:
    source: int  # `source` is `type` of `target`
    target: int
    type: str
    parental_responsibility: bool = False


@dataclass
class HouseholdGroup:
    key: int
    name: str
    members: list[int] = field(default_factory=list)


@dataclass
class Placed:
    person: Person
    x: float  # centre of the shape
    row: int
    block: int

    @property
    def top(self) -> float:
        return TOP + self.row * ROW_H

    @property
    def y(self) -> float:
        return self.top + SHAPE / 2


@dataclass
class Layout:
    placed: dict[int, Placed]
    blocks: list[tuple[float, float, HouseholdGroup | None]]  # x from, x to, household
    rows: int
    width: float
    households: list[HouseholdGroup] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------------------------


def generations(people: list[Person], links: list[Link]) -> dict[int, int]:
    """Generation per person: 0 for the child's generation, -1 parents, -2 grandparents..."""
    keys = {p.key for p in people}
    adjacent: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for link in links:
        gap = GENERATION_GAP.get(link.type)
        if gap is None or link.source not in keys or link.target not in keys:
            continue
        adjacent[link.target].append((link.source, -gap))
        adjacent[link.source].append((link.target, gap))
    gen: dict[int, int] = {}

    def spread(start: int, value: int) -> None:
        gen[start] = value
        queue = deque([start])
        while queue:
            here = queue.popleft()
            for other, step in adjacent[here]:
                if other not in gen:
                    gen[other] = gen[here] + step
                    queue.append(other)

    focus = next((p for p in people if p.focus), people[0] if people else None)
    if focus is not None:
        spread(focus.key, 0)
    for p in people:
        if p.key not in gen:
            fallback = -GENERATION_GAP.get(p.kind, 1 if p.adult else 0)
            spread(p.key, fallback)
    return gen


def _row_order(person: Person, row_is_children: bool) -> tuple:
    if row_is_children:
        return (person.withheld, person.unborn, person.born or date.max, person.key)
    return (KIND_ORDER.get(person.kind, 8), person.born or date.max, person.key)


def biological_parents(links: list[Link], keys: set[int]) -> dict[int, list[int]]:
    """Child -> their mother and father among the people drawn."""
    parents: dict[int, list[int]] = defaultdict(list)
    for link in links:
        known = link.source in keys and link.target in keys
        if link.type in BIOLOGICAL and known and link.source not in parents[link.target]:
            parents[link.target].append(link.source)
    return parents


def _order_cell(
    members: list[Person],
    *,
    children_row: bool,
    block: int,
    block_of: dict[int, int],
    partners: dict[int, set[int]],
    parents: dict[int, list[int]],
    placed: dict[int, Placed],
) -> list[Person]:
    """Order the people of one row of one block: children under their parents (then eldest
    first), and each couple side by side, pulled towards a partner drawn in another block."""
    base = sorted(members, key=lambda p: _row_order(p, children_row))

    def centre(p: Person) -> tuple:
        xs = [placed[k].x for k in parents.get(p.key, []) if k in placed]
        return (0, sum(xs) / len(xs)) if xs else (1, 0)

    base.sort(key=centre)  # stable: the age order holds among brothers and sisters
    rank = {p.key: i for i, p in enumerate(base)}
    here = {p.key for p in base}

    def pull(p: Person) -> int:
        return sum((block_of[q] > block) - (block_of[q] < block) for q in partners.get(p.key, ()) if q not in here)

    clusters: list[list[Person]] = []
    seen: set[int] = set()
    for p in base:
        if p.key in seen:
            continue
        group, stack = [], [p.key]
        while stack:
            k = stack.pop()
            if k in seen or k not in here:
                continue
            seen.add(k)
            group.append(next(m for m in base if m.key == k))
            stack.extend(partners.get(k, ()))
        group.sort(key=lambda m: (pull(m), rank[m.key]))
        clusters.append(group)
    clusters.sort(key=lambda g: (max(-1, min(1, sum(pull(m) for m in g))), min(rank[m.key] for m in g)))
    return [m for g in clusters for m in g]


def layout(people: list[Person], links: list[Link], households: list[HouseholdGroup]) -> Layout:
    gen = generations(people, links)
    top_gen = min(gen.values(), default=0)
    focus_gen = next((gen[p.key] for p in people if p.focus), 0)
    loose = len(households)
    block_of: dict[int, int] = {}
    for i, household in enumerate(households):
        for key in household.members:
            block_of.setdefault(key, i)
    for p in people:
        block_of.setdefault(p.key, loose)
    parents = biological_parents(links, {p.key for p in people})
    partners: dict[int, set[int]] = defaultdict(set)
    for pair in parents.values():
        if len(pair) == 2 and gen[pair[0]] == gen[pair[1]]:
            partners[pair[0]].add(pair[1])
            partners[pair[1]].add(pair[0])
    cells: dict[tuple[int, int], list[Person]] = defaultdict(list)
    for p in people:
        cells[(block_of[p.key], gen[p.key] - top_gen)].append(p)
    rows = max((r for _, r in cells), default=0) + 1

    def sibship(p: Person) -> frozenset:
        return frozenset(parents.get(p.key, ()))

    def slots(members: list[Person]) -> int:
        """Children of different parents are kept one empty column apart."""
        return len(members) + max(0, len({sibship(p) for p in members}) - 1)

    # Each block is as wide as its busiest row; blocks sit side by side, households first.
    starts: dict[int, float] = {}
    blocks: list[tuple[float, float, HouseholdGroup | None]] = []
    columns: dict[int, int] = {}
    x = MARGIN
    for b in range(loose + 1):
        columns[b] = max((slots(v) for (block, _), v in cells.items() if block == b), default=0)
        if not columns[b]:
            continue
        starts[b] = x
        blocks.append((x, x + columns[b] * COL_W, households[b] if b < loose else None))
        x += columns[b] * COL_W + BLOCK_GAP
    placed: dict[int, Placed] = {}
    for row in range(rows):  # top down, so children can be put under parents already placed
        for b in starts:
            members = _order_cell(
                cells.get((b, row), []),
                children_row=row + top_gen >= focus_gen,
                block=b,
                block_of=block_of,
                partners=partners,
                parents=parents,
                placed=placed,
            )
            offset = (columns[b] - slots(members)) / 2
            i = 0
            for j, p in enumerate(members):
                if j and sibship(p) != sibship(members[j - 1]):
                    i += 1  # an empty column between one set of parents' children and the next
                placed[p.key] = Placed(p, starts[b] + (offset + i + 0.5) * COL_W, row, b)
                i += 1
    width = max(x - BLOCK_GAP + MARGIN, MIN_WIDTH)
    return Layout(placed=placed, blocks=blocks, rows=rows, width=width, households=households)


# ---------------------------------------------------------------------------------------------
# Drawing
# ---------------------------------------------------------------------------------------------


def _line(x1, y1, x2, y2, dash: str = "", width: float = 2) -> str:
    pattern = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{TEXT}" '
        f'stroke-width="{width}"{pattern}/>'
    )


def _shape(p: Person, cx: float, cy: float, size: float = SHAPE, stroke: float = 2, fill: str = "#ffffff") -> str:
    h = size / 2
    dash = ' stroke-dasharray="4 3"' if p.withheld else ""
    common = f'fill="{fill}" stroke="{TEXT}" stroke-width="{stroke}"{dash}'
    if p.unborn and not p.withheld:
        return f'<polygon points="{cx:.1f},{cy - h:.1f} {cx + h:.1f},{cy + h:.1f} {cx - h:.1f},{cy + h:.1f}" {common}/>'
    if p.withheld or p.sex not in ("M", "F"):
        d = h * 1.1
        points = f"{cx:.1f},{cy - d:.1f} {cx + d:.1f},{cy:.1f} {cx:.1f},{cy + d:.1f} {cx - d:.1f},{cy:.1f}"
        return f'<polygon points="{points}" {common}/>'
    if p.sex == "F":
        return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{h:.1f}" {common}/>'
    return f'<rect x="{cx - h:.1f}" y="{cy - h:.1f}" width="{size:.1f}" height="{size:.1f}" {common}/>'


def _symbol(p: Person, cx: float, cy: float, size: float = SHAPE) -> list[str]:
    out = []
    if p.focus:
        out.append(_shape(p, cx, cy, size + 12, stroke=2))
        out.append(_shape(p, cx, cy, size, stroke=4, fill=FOCUS_FILL))
    else:
        out.append(_shape(p, cx, cy, size))
    h = size / 2
    if p.deceased:
        out.append(_line(cx - h, cy - h, cx + h, cy + h))
        out.append(_line(cx + h, cy - h, cx - h, cy + h))
    if p.withheld:
        out.append(
            f'<text x="{cx:.1f}" y="{cy + size * 0.15:.1f}" text-anchor="middle" font-size="{size * 0.45:.0f}" '
            f'fill="{TEXT}" {FONT}>?</text>'
        )
    return out


def _short(text: str, limit: int = 23) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _node(pl: Placed) -> list[str]:
    """A person: their symbol and three lines of text, each on a white card so that lines
    passing behind never run through them."""
    p = pl.person
    pad = SHAPE / 2 + 8
    out = [f'<rect x="{pl.x - pad:.1f}" y="{pl.y - pad:.1f}" width="{2 * pad}" height="{2 * pad}" fill="#ffffff"/>']
    out += _symbol(p, pl.x, pl.y)
    weight = ' font-weight="bold"' if p.focus else ""
    lines = [(_short(p.name), TEXT, weight), (_short(p.relationship), SECONDARY, ""), (_short(p.detail), SECONDARY, "")]
    longest = max((len(text) for text, _, _ in lines), default=0)
    card = min(COL_W - 8, longest * 7 + 10)
    out.append(
        f'<rect x="{pl.x - card / 2:.1f}" y="{pl.top + SHAPE + 6:.1f}" width="{card:.1f}" '
        f'height="{LABEL_BOTTOM - SHAPE - 2}" fill="#ffffff"/>'
    )
    for i, (text, colour, extra) in enumerate(lines):
        if text:
            out.append(
                f'<text x="{pl.x:.1f}" y="{pl.top + SHAPE + 18 + 14 * i:.1f}" text-anchor="middle" font-size="12" '
                f'fill="{colour}"{extra} {FONT}>{escape(text)}</text>'
            )
    return out


def _elbow(src: tuple[float, float], targets: list[Placed], bar_y: float, dash: str = "") -> list[str]:
    sx, sy = src
    xs = [t.x for t in targets] + [sx]
    out = [_line(sx, sy, sx, bar_y, dash), _line(min(xs), bar_y, max(xs), bar_y, dash)]
    out += [_line(t.x, bar_y, t.x, t.top, dash) for t in targets]
    return out


def _lines(lay: Layout, links: list[Link], used: set[str]) -> list[str]:
    placed = lay.placed
    homes: dict[int, set[int]] = defaultdict(set)  # person -> households they live in
    for household in lay.households:
        for key in household.members:
            homes[key].add(household.key)
    parents: dict[int, set[int]] = defaultdict(set)  # child -> biological parents drawn
    for child, ps in biological_parents(links, set(placed)).items():
        parents[child].update(ps)

    out: list[str] = []
    bars_in_row: dict[int, int] = defaultdict(int)

    def bar_for(row: int) -> float:
        k = bars_in_row[row]
        bars_in_row[row] += 1
        return TOP + row * ROW_H - 34 - 8 * (k % 6)

    # Biological parents: one line per couple (or single parent) and their children below it.
    units: dict[tuple, list[Placed]] = defaultdict(list)
    for child, ps in parents.items():
        pc = placed[child]
        above = sorted((p for p in ps if placed[p].row < pc.row), key=lambda k: placed[k].x)
        if len(above) == 2 and placed[above[0]].row == placed[above[1]].row == pc.row - 1:
            units[(tuple(above), pc.row)].append(pc)
        else:
            for p in above:
                units[((p,), pc.row)].append(pc)
    couples_drawn: set[tuple] = set()
    for (sources, row), children in sorted(units.items()):
        bar_y = bar_for(row)
        if len(sources) == 2:
            a, b = placed[sources[0]], placed[sources[1]]
            lo, hi = a.x + SHAPE / 2 + 8, b.x - SHAPE / 2 - 8
            # Drop to the children from a point of the couple line clear of everyone's name
            # (most of all) and not in line with someone else's child below.
            label = COL_W / 2 - 12
            others = [(p.x, label, 3) for p in placed.values() if p.row == a.row]
            others += [(p.x, 16, 1) for p in placed.values() if p.row == row and p not in children]
            centre = sum(c.x for c in children) / len(children)
            drop = _free_x(lo, hi, centre, others)
            if sources not in couples_drawn:
                couples_drawn.add(sources)
                out.append(_line(a.x + SHAPE / 2, a.y, b.x - SHAPE / 2, a.y))
                used.add("couple")
                if not homes[a.person.key] & homes[b.person.key]:
                    mark = _free_x(lo + 8, hi - 8, (a.x + b.x) / 2, others + [(drop, 24, 3)])
                    out += [_line(mark - 8 + 8 * i, a.y + 7, mark + 8 * i, a.y - 7) for i in (0, 1)]
                    used.add("apart")
            src = (drop, a.y)
        else:
            p = placed[sources[0]]
            src = (p.x, p.top + LABEL_BOTTOM)
        out += _elbow(src, children, bar_y)
        used.add("parent")

    # Step-parents, carers and grandparents: a patterned line from each to their children.
    patterned: dict[tuple[int, str, int], list[Placed]] = defaultdict(list)
    for link in links:
        if link.type not in DASHES or link.source not in placed or link.target not in placed:
            continue
        src, dst = placed[link.source], placed[link.target]
        used.add(LINE_LEGEND[link.type])
        if src.row < dst.row:
            patterned[(link.source, link.type, dst.row)].append(dst)
        else:
            out.append(_line(src.x, src.y, dst.x, dst.y, DASHES[link.type]))
    for (source, rtype, row), children in patterned.items():
        src = placed[source]
        out += _elbow((src.x, src.top + LABEL_BOTTOM), children, bar_for(row), DASHES[rtype])

    # Siblings with no parent drawn in common: a bar over each group (half-siblings dashed).
    for rtype, dash, name, lift in ((RT.SIBLING, "", "sibling", 12), (RT.HALF_SIBLING, "6 4", "half", 18)):
        groups = _components(
            [
                (link.source, link.target)
                for link in links
                if link.type == rtype
                and link.source in placed
                and link.target in placed
                and not (parents[link.source] & parents[link.target])
            ]
        )
        for group in groups:
            members = [placed[k] for k in group]
            if len({m.row for m in members}) == 1:
                y = members[0].top - lift
                xs = [m.x for m in members]
                out.append(_line(min(xs), y, max(xs), y, dash))
                out += [_line(m.x, y, m.x, m.top, dash) for m in members]
            else:
                first = members[0]
                out += [_line(first.x, first.y, m.x, m.y, dash) for m in members[1:]]
            used.add(name)

    # Any other relationship: a dotted straight line.
    for link in links:
        if link.type in GENERATION_GAP or link.source not in placed or link.target not in placed:
            continue
        a, b = placed[link.source], placed[link.target]
        out.append(_line(a.x, a.y, b.x, b.y, "1 4", width=2))
        used.add("other")
    return out


def _free_x(lo: float, hi: float, target: float, others: list[tuple[float, float, int]]) -> float:
    """The point between lo and hi nearest to target that keeps clear of others (x, distance,
    weight), the heavier first."""
    if hi <= lo:
        return (lo + hi) / 2
    steps = int((hi - lo) // 4) + 1
    candidates = [lo + 4 * i for i in range(steps)] + [hi, min(max(target, lo), hi)]
    return min(candidates, key=lambda x: (sum(w for o, clear, w in others if abs(x - o) < clear), abs(x - target)))


def _components(pairs: list[tuple[int, int]]) -> list[list[int]]:
    graph: dict[int, set[int]] = defaultdict(set)
    for a, b in pairs:
        graph[a].add(b)
        graph[b].add(a)
    seen: set[int] = set()
    groups = []
    for start in sorted(graph):
        if start in seen:
            continue
        group, stack = [], [start]
        while stack:
            k = stack.pop()
            if k in seen:
                continue
            seen.add(k)
            group.append(k)
            stack.extend(graph[k] - seen)
        groups.append(sorted(group))
    return groups


LEGEND_TEXT = {
    "male": "Male",
    "female": "Female",
    "unknown": "Sex not recorded",
    "unborn": "Unborn baby",
    "deceased": "Has died",
    "focus": "The child whose record this is",
    "withheld": "A child whose record you cannot see",
    "couple": "Parents of the same child",
    "apart": "Parents who do not live together",
    "parent": "Parent and child",
    "step": "Step-parent and child",
    "carer": "Carer and child",
    "grand": "Grandparent and grandchild",
    "sibling": "Siblings (no parent drawn in common)",
    "half": "Half-siblings (no parent drawn in common)",
    "other": "Other relationship",
    "household": "Live together (household)",
}


def _legend_sample(item: str, x: float, y: float) -> list[str]:
    cx, cy = x + 18, y
    sample = {"male": "M", "female": "F", "unknown": "U"}
    if item in sample or item in ("unborn", "deceased", "focus", "withheld"):
        p = Person(
            key=0,
            name="",
            sex=sample.get(item, "M"),
            relationship="",
            kind="",
            unborn=item == "unborn",
            deceased=item == "deceased",
            focus=item == "focus",
            withheld=item == "withheld",
        )
        return _symbol(p, cx, cy, size=14)
    if item == "household":
        return [
            f'<rect x="{x + 2}" y="{cy - 8:.1f}" width="32" height="16" rx="6" fill="none" stroke="{HOUSEHOLD}" '
            'stroke-width="2" stroke-dasharray="6 4"/>'
        ]
    dash = {"step": DASHES[RT.STEP_PARENT], "carer": DASHES[RT.CARER], "grand": DASHES[RT.GRANDPARENT]}
    dash |= {"half": "6 4", "other": "1 4"}
    out = [_line(x + 2, cy, x + 34, cy, dash.get(item, ""))]
    if item == "apart":
        out += [_line(x + 10 + 8 * i, cy + 6, x + 18 + 8 * i, cy - 6) for i in (0, 1)]
    if item in ("parent", "sibling", "half"):
        out += [
            _line(x + 2, cy, x + 2, cy + 8, dash.get(item, "")),
            _line(x + 34, cy, x + 34, cy + 8, dash.get(item, "")),
        ]
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "diagram"


def render(
    *, chart_id: str, title: str, desc: str, people: list[Person], links: list[Link], households: list[HouseholdGroup]
) -> SafeString:
    """The diagram as an inline `<svg role="img">`, named by its title and described by `desc`."""
    lay = layout(people, links, households)
    used: set[str] = set()
    body: list[str] = []
    for x0, x1, household in lay.blocks:
        if household is None:
            continue
        rows = [lay.placed[k].row for k in household.members if k in lay.placed]
        top = TOP + min(rows) * ROW_H - 24
        bottom = TOP + max(rows) * ROW_H + 112
        body.append(
            f'<rect x="{x0 + 4:.1f}" y="{top:.1f}" width="{x1 - x0 - 8:.1f}" height="{bottom - top:.1f}" rx="14" '
            f'fill="none" stroke="{HOUSEHOLD}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
        body.append(
            f'<text x="{x0 + 14:.1f}" y="{bottom - 8:.1f}" font-size="12" fill="{SECONDARY}" {FONT}>'
            f"{escape(_short('Household: ' + household.name, int((x1 - x0) / 7)))}</text>"
        )
        used.add("household")
    body += _lines(lay, links, used)
    for pl in lay.placed.values():
        body += _node(pl)
        p = pl.person
        if p.withheld:
            used.add("withheld")
        elif p.unborn:
            used.add("unborn")
        else:
            used.add({"M": "male", "F": "female"}.get(p.sex, "unknown"))
        if p.deceased:
            used.add("deceased")
        if p.focus:
            used.add("focus")

    legend = [item for item in LEGEND_TEXT if item in used]
    legend_top = TOP + lay.rows * ROW_H + 10
    per_row = max(1, int((lay.width - 2 * MARGIN) // LEGEND_COL_W))
    body.append(
        f'<text x="{MARGIN}" y="{legend_top + 4}" font-size="14" font-weight="bold" fill="{TEXT}" {FONT}>Key</text>'
    )
    for i, item in enumerate(legend):
        lx = MARGIN + (i % per_row) * LEGEND_COL_W
        ly = legend_top + 28 + (i // per_row) * LEGEND_ROW_H
        body += _legend_sample(item, lx, ly)
        body.append(
            f'<text x="{lx + 44}" y="{ly + 4}" font-size="12" fill="{TEXT}" {FONT}>{escape(LEGEND_TEXT[item])}</text>'
        )
    height = legend_top + 28 + ((len(legend) + per_row - 1) // per_row) * LEGEND_ROW_H + 6
    cid = _slug(chart_id)
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {lay.width:.0f} {height:.0f}" width="{lay.width:.0f}" '
        f'height="{height:.0f}" role="img" focusable="false" aria-labelledby="{cid}-title {cid}-desc" '
        'class="lantern-genogram">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
    ]
    # Every piece of text went through escape(); the rest is markup built here from numbers.
    return mark_safe("".join(head + body + ["</svg>"]))  # noqa: S308


# ---------------------------------------------------------------------------------------------
# The same picture in words (the text alternative)
# ---------------------------------------------------------------------------------------------


def sentences(people: list[Person], links: list[Link]) -> list[str]:
    """Every relationship drawn, as a sentence: 'Rania Haddad is the mother of Amir Haddad'."""
    by_key = {p.key: p for p in people}
    out = []
    for link in sorted(links, key=lambda link: KIND_ORDER.get(link.type, 8)):  # parents first, siblings later
        a, b = by_key.get(link.source), by_key.get(link.target)
        if a is None or b is None:
            continue
        if link.type in SIBLINGS:
            word = "siblings" if link.type == RT.SIBLING else "half-siblings"
            if a.withheld or b.withheld:
                known = b if a.withheld else a
                out.append(f"{known.name} has a {word[:-1]} whose record you cannot see")
            else:
                out.append(f"{a.name} and {b.name} are {word}")
            continue
        label = RT(link.type).label.lower() if link.type in RT.values else link.type
        if link.type == RT.OTHER:
            out.append(f"{a.name} is related to {b.name} in another way")
            continue
        if a.withheld:
            out.append(f"{b.name}'s {label} has a record you cannot see")
            continue
        if b.withheld:
            out.append(f"{a.name} is the {label} of a child whose record you cannot see")
            continue
        text = f"{a.name} is the {label} of {b.name}"
        if link.parental_responsibility:
            text += " (has parental responsibility)"
        out.append(text)
    return out


def describe(child_name: str, people: list[Person], households: list[HouseholdGroup]) -> str:
    """The diagram's short description (its <desc>); the full version is the tables beside it."""
    others = len(people) - 1
    text = f"{child_name} and {others} {'person' if others == 1 else 'people'} in their family"
    mine = [h for h in households if any(p.focus and p.key in h.members for p in people)]
    if mine:
        by_key = {p.key: p for p in people}
        names = [by_key[k].name for k in mine[0].members if k in by_key and not by_key[k].focus]
        text += f". {child_name} lives with {', '.join(names)}"
    return text + ". Every person and relationship is also listed in the tables below the diagram."
