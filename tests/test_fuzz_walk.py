"""The fuzz walk: nothing a user can type takes a page down (issue 12, "No 500 from any input").

On a small synthetic council (the seeder's "tiny" size, as of today), signed in as each role that
writes (a social worker with children, a family support worker, a team manager, a service manager,
a quality auditor, a senior leader, an administrator) and signed out, the walk:

1. crawls the site from the home page, following every link and GET form (each route at most
   `PER_ROUTE` times, so every child's page is not fetched for every child), and collects
   - every form (`<form>` of either method; a POST form is found on the page that shows it, so
     buttons that post to their own route - remove, sign, discard - are forms too), and
   - every page's query parameters (from its links: `?scope=`, `?sort=`, `?page=`...);
2. sends each form a battery of bad values (`BATTERY`): for every category, one request with a
   value of that category in every field at once; then one request per field with a bad value
   in that field alone and a plausible value in the others (so the value reaches the service and
   the database, not only the form); then every bad date into every date field alone;
3. asks every page for huge, negative and nonsense page numbers and bad values of its parameters,
   and every route with ids for ids of 2^63 and 0.

It fails on any 5xx (or exception), and on anything saved by a refused request: when the answer is
a 4xx or shows a GOV.UK error summary, the row counts of every case table and its history table
(one query) must be as they were. The counts are printed at the end (`-s` shows them) and recorded
in docs/architecture.md ("The fuzz walk").

Which value goes to which field is fixed (a hash of the form, field and category), so a failure
reproduces; `LANTERN_FUZZ=full` sends every value of every category to every field alone (slow).
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
import traceback
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from lantern import factories as f
from lantern.workforce.models import Role, Worker

PER_ROUTE = 2  # concrete URLs fetched per route and role while crawling
FULL = os.environ.get("LANTERN_FUZZ") == "full"
HUGE_INT = str(2**63)

# ---------------------------------------------------------------------------------------------
# The battery
# ---------------------------------------------------------------------------------------------

#: category -> values for any one field. Every category reaches every form.
BATTERY: dict[str, list] = {
    "empty": ["", " ", "\t\n"],
    "huge": ["x" * 100_000, "9" * 5_000, "é" * 30_000],
    "control": ["\x00", "a\x00b", "\x01\x02\x1b[31m\x7f", "line\r\nbreak\x0b\x0c", "\u2028\u2029\ufeff"],
    "unicode": [
        "\u202eevil\u202c",
        "مرحبا بالعالم",
        "e\u0301\u0301\u0301\u0301\u0301",
        "👶🏽‍👩‍👧",
        "\u200b\u200d",
        "\uffff",
        b"\xff\xfe\xc0\xaf",  # not UTF-8 at all
    ],
    "number": [HUGE_INT, "-" + HUGE_INT, "-1", "0", "1e309", "NaN", "-Infinity", "0x1F", "1_000", "٣", "1.5"],
    "date": ["31/02/2026", "0/0/0", "01/01/0001", "9999-12-31", "2026-02-31", "25:61", "31/12/9999 23:59"],
    "choice": ["not-a-choice", "__all__", "None", "[]", "{}", "../../etc/passwd", "<script>alert(1)</script>"],
    "duplicated": [None],  # the field twice: its plausible value, then a bad one
}
#: (day, month, year) for a GOV.UK date input, tried when the category is "date" or "number".
BAD_DATES: list[tuple[str, str, str]] = [
    ("31", "2", "2026"),
    ("0", "0", "0"),
    ("1", "1", "0001"),
    ("31", "12", "9999"),
    ("9999", "9999", "9999"),
    (HUGE_INT, "1", "2026"),
    ("1", HUGE_INT, "2026"),
    ("1", "1", HUGE_INT),
    ("-1", "-1", "-1"),
    ("1", "1", "1899"),
    ("1", "1", "2101"),
]
BAD_PAGES = [str(2**63 - 1), HUGE_INT, "-1", "0", "1e309", "NaN", "x" * 1000, "\x00"]
BAD_IDS = [HUGE_INT, "0"]

#: Tables a refused request may still write: the access log (every view of a child is logged,
#: refused or not) and sign-in security records. Everything else must be as it was.
LOG_TABLES = {"access_childview", "identity_securityevent", "identity_usersession", "identity_signingate"}
#: The apps whose tables hold the case record (and the workforce it is allocated to).
CASE_APPS = (
    "people",
    "workforce",
    "approvals",
    "casework",
    "recording",
    "notes",
    "caseloads",
    "oversight",
    "supervision",
    "family",
    "insight",
    "audits",
    "returns",
    "access",
    "identity",
)
#: Never posted: they end the walk's own session or leave the site.
SKIP_ACTIONS = ("/accounts/logout/", "/accounts/sso/")


def _pick(key: str, values: list):
    """A value chosen by a stable hash of `key`, so a run is reproducible."""
    return values[int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(values)]


# ---------------------------------------------------------------------------------------------
# Reading pages
# ---------------------------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, radio, checkbox, hidden, submit, file, number, date-part...
    values: list[str] = field(default_factory=list)  # the value(s) the page sent
    options: list[str] = field(default_factory=list)  # for select, radio, checkbox


@dataclass
class Form:
    page: str  # where it was found
    action: str
    method: str
    multipart: bool
    fields: dict[str, Field] = field(default_factory=dict)

    @property
    def route(self) -> str:
        return route_of(self.action)

    @property
    def key(self) -> tuple:
        return (self.method, self.route, tuple(sorted(self.fields)))

    def date_groups(self) -> list[str]:
        """GOV.UK date inputs: the names with -day, -month and -year boxes."""
        return sorted(
            name[: -len("_day")]
            for name in self.fields
            if name.endswith("_day") and f"{name[:-4]}_month" in self.fields and f"{name[:-4]}_year" in self.fields
        )


class _PageParser(HTMLParser):
    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._option_value: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.url, a["href"]))
        elif tag == "form":
            action = urljoin(self.url, a.get("action") or self.url)
            method = (a.get("method") or "get").lower()
            self._form = Form(self.url, action, method, "multipart" in a.get("enctype", ""))
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "button") and a.get("name"):
            kind = a.get("type", "text" if tag == "input" else "submit").lower()
            if kind in ("reset", "image"):
                return
            entry = self._form.fields.setdefault(a["name"], Field(a["name"], kind))
            if kind in ("radio", "checkbox"):
                entry.options.append(a.get("value", "on"))
                if "checked" in a:
                    entry.values.append(a.get("value", "on"))
            elif kind == "submit":
                entry.options.append(a.get("value", ""))
                if not entry.values:
                    entry.values.append(a.get("value", ""))
            else:
                entry.values = [a.get("value", "")]
        elif tag == "select" and a.get("name"):
            self._select = self._form.fields.setdefault(a["name"], Field(a["name"], "select"))
        elif tag == "option" and self._select is not None:
            self._option_value = a.get("value")
            if self._option_value is not None:
                self._select.options.append(self._option_value)
                if "selected" in a:
                    self._select.values = [self._option_value]
        elif tag == "textarea" and a.get("name"):
            self._textarea = self._form.fields.setdefault(a["name"], Field(a["name"], "textarea", [""]))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.values = [self._textarea.values[0] + data]
        elif self._select is not None and self._option_value is None and data.strip():
            self._select.options.append(data.strip())  # <option> without a value sends its text
            self._option_value = data.strip()

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "option":
            self._option_value = None
        elif tag == "textarea":
            self._textarea = None


def _all_routes(resolver=None, prefix="/"):
    from django.urls import URLResolver, get_resolver

    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _all_routes(entry, route)
        else:
            yield route


def route_of(url: str) -> str:
    try:
        return "/" + resolve(urlsplit(url).path).route
    except Resolver404:
        return "?" + urlsplit(url).path


def _internal(url: str) -> str | None:
    """The path and query of a link to this site worth following, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    if parts.path.startswith(("/static/", *SKIP_ACTIONS)):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


# ---------------------------------------------------------------------------------------------
# What the database holds
# ---------------------------------------------------------------------------------------------


def _case_tables() -> list[str]:
    tables = set()
    for label in CASE_APPS:
        for model in apps.get_app_config(label).get_models():
            if not model._meta.managed or model._meta.proxy:
                continue
            tables.add(model._meta.db_table)
    return sorted(tables - LOG_TABLES)


def row_counts(tables: list[str]) -> tuple[int, ...]:
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


# ---------------------------------------------------------------------------------------------
# The walk
# ---------------------------------------------------------------------------------------------


@dataclass
class Walk:
    tables: list[str]
    failures: list[str] = field(default_factory=list)
    requests: int = 0
    values: set = field(default_factory=set)
    by_category: Counter = field(default_factory=Counter)
    forms: dict[tuple, Form] = field(default_factory=dict)
    form_roles: dict[tuple, str] = field(default_factory=dict)
    pages: dict[str, set] = field(default_factory=lambda: defaultdict(set))  # route -> paths fetched
    params: dict[str, dict[str, set]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    page_example: dict[str, str] = field(default_factory=dict)  # route -> one path that answered 200
    paginated: set[str] = field(default_factory=set)  # routes whose pages have pagination
    statuses: Counter = field(default_factory=Counter)
    seen: dict[str, set] = field(default_factory=lambda: defaultdict(set))  # role -> paths fetched
    fetched: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # role -> route -> n

    def send(self, client: Client, method: str, path: str, *, what: str, data=None, body=None, multipart=False):
        """One request; any exception or 5xx is a failure. Returns the response or None."""
        self.requests += 1
        before = row_counts(self.tables) if method == "post" else None
        try:
            if method == "get":
                response = client.get(path)
            elif body is not None:
                response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
            else:
                response = client.post(path, data=data or {})
        except Exception as error:  # noqa: BLE001 - every exception is the finding
            frames = traceback.extract_tb(error.__traceback__)
            where = next((fr for fr in reversed(frames) if "/lantern/" in fr.filename), frames[-1])
            self.failures.append(
                f"{method.upper()} {path[:120]} [{what}]: {type(error).__name__}: {str(error)[:200]} "
                f"at {where.filename.split('/lantern/')[-1]}:{where.lineno}"
            )
            return None
        self.statuses[response.status_code // 100] += 1
        if response.status_code >= 500:
            self.failures.append(f"{method.upper()} {path[:120]} [{what}]: status {response.status_code}")
        if before is not None and _refused(response):
            after = row_counts(self.tables)
            if after != before:
                changed = [t for t, b, a in zip(self.tables, before, after, strict=True) if a != b]
                self.failures.append(f"POST {path[:120]} [{what}]: refused but saved rows in {changed}")
        return response


def _refused(response) -> bool:
    if response.status_code >= 400:
        return True
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return False
    return b"govuk-error-summary" in response.content


def crawl(walk: Walk, client: Client, role: str, starts: list[str]) -> None:
    """Fetch pages breadth-first from `starts` (always fetched), each other route at most PER_ROUTE
    times per role over the whole walk, collecting forms and query parameters."""
    queue, forced = deque(starts), set(starts)
    seen, fetched = walk.seen[role], walk.fetched[role]
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        route = route_of(path)
        if route.startswith("?") or (fetched[route] >= PER_ROUTE and path not in forced):
            continue
        fetched[route] += 1
        walk.pages[route].add(path)
        for name, value in parse_qsl(urlsplit(path).query, keep_blank_values=True):
            walk.params[route][name].add(value)
        response = walk.send(client, "get", path, what=f"crawl as {role}")
        if response is not None and response.status_code in (301, 302, 303):
            target = _internal(urljoin("http://testserver" + path, response["Location"]))
            if target:
                queue.append(target)
            fetched[route] -= 1
            continue
        if response is None or response.status_code != 200:
            continue
        walk.page_example.setdefault(route, path)
        if response.context is not None and "page_obj" in response.context:
            walk.paginated.add(route)
        if "text/html" not in response.get("Content-Type", "") or getattr(response, "streaming", False):
            continue
        parser = _PageParser("http://testserver" + path)
        parser.feed(response.content.decode("utf-8", "replace"))
        for link in parser.links:
            target = _internal(link)
            if target and target not in seen:
                queue.append(target)
        for form in parser.forms:
            target = _internal(form.action)
            if target is None:
                continue
            if form.method == "get":
                # A GET form is a page with parameters: its fields are fuzzed as query parameters.
                for name, entry in form.fields.items():
                    walk.params[form.route][name].update(entry.values or [""])
                    walk.params[form.route][name].update(entry.options)
                query = urlencode([(n, e.values[0] if e.values else "") for n, e in form.fields.items()])
                queue.append(urlsplit(target).path + (f"?{query}" if query else ""))
            if form.key not in walk.forms:
                walk.forms[form.key] = form
                walk.form_roles[form.key] = role


# ---------------------------------------------------------------------------------------------
# Building requests
# ---------------------------------------------------------------------------------------------


def plausible(form: Form) -> dict[str, list[str]]:
    """What a careful user would send: the page's values, and for empty boxes something valid
    (a date in the past for date inputs, a time, a short text, the first real choice)."""
    today = timezone.localdate() - timedelta(days=1)
    data: dict[str, list[str]] = {}
    for name, entry in form.fields.items():
        if entry.kind == "file":
            continue
        if entry.kind == "submit":
            data[name] = entry.values[:1]
        elif entry.kind in ("radio", "select"):
            chosen = entry.values or [o for o in entry.options if o][:1]
            data[name] = chosen
        elif entry.kind == "checkbox":
            data[name] = entry.values
        elif entry.values and entry.values[0]:
            data[name] = entry.values[:1]
        elif name.endswith("_day"):
            data[name] = [str(today.day)]
        elif name.endswith("_month"):
            data[name] = [str(today.month)]
        elif name.endswith("_year"):
            data[name] = [str(today.year)]
        elif "time" in name:
            data[name] = ["09:30"]
        elif entry.kind == "hidden":
            data[name] = entry.values
        else:
            data[name] = ["Seen at home with her mother; no concerns raised."]
    return data


def _bad_value(form: Form, name: str, category: str, salt: str = "") -> list[str]:
    entry = form.fields[name]
    if category == "duplicated":
        good = plausible(form).get(name) or [""]
        return [good[0], _pick(f"{form.route}|{name}|dup{salt}", BATTERY["huge"] + BATTERY["choice"])]
    if category == "choice" and entry.options:
        # A choice from another field, or this field's choice with something after it.
        return [_pick(f"{form.route}|{name}|{salt}", [*BATTERY["choice"], entry.options[-1] + "x", "-1", HUGE_INT])]
    return [_pick(f"{form.route}|{name}|{category}|{salt}", BATTERY[category])]


def _encode(data: dict[str, list[str]]) -> bytes:
    return urlencode([(k, v) for k, values in data.items() for v in values]).encode()


def form_requests(form: Form):
    """(category, what, data) for each request the walk sends to this form."""
    names = [n for n, e in form.fields.items() if e.kind != "file"]
    groups = form.date_groups()
    base = plausible(form)
    # Every category into every field at once.
    for category in BATTERY:
        data = {n: _bad_value(form, n, category) for n in names}
        if category in ("date", "number"):
            for g in groups:
                day, month, year = _pick(f"{form.route}|{g}|{category}", BAD_DATES)
                data.update({f"{g}_day": [day], f"{g}_month": [month], f"{g}_year": [year]})
        yield category, f"every field: {category}", data
    # Each field alone, the others plausible, the category turning with the field.
    categories = list(BATTERY)
    for i, name in enumerate(names):
        chosen = categories if FULL else [categories[(i + len(form.route)) % len(categories)]]
        for category in chosen:
            for salt in range(len(BATTERY[category])) if FULL else [""]:
                yield category, f"{name}: {category}", {**base, name: _bad_value(form, name, category, str(salt))}
    # Each bad date into each date input alone.
    for g in groups:
        for day, month, year in BAD_DATES:
            yield (
                "date",
                f"{g}: date {day}/{month}/{year}"[:80],
                {
                    **base,
                    f"{g}_day": [day],
                    f"{g}_month": [month],
                    f"{g}_year": [year],
                },
            )
    # Nothing at all, and unknown fields.
    yield "empty", "no fields", {}
    yield "choice", "unknown fields", {**base, "unknown": ["x"], "__proto__": ["1"], "csrfmiddlewaretoken": ["\x00"]}


def _values_of(data: dict[str, list[str]]) -> set[str]:
    return {v[:64] for values in data.values() for v in values}


def fuzz_form(walk: Walk, client: Client, form: Form) -> list[str]:
    """Send the form its requests; return where its accepted submissions led (new pages, often
    with new forms: a started assessment's draft, a job's page)."""
    path = _internal(form.action)
    led_to: list[str] = []
    for category, what, data in form_requests(form):
        walk.by_category[category] += 1
        walk.values |= _values_of(data)
        if form.method == "get":
            query = _encode(data).decode()
            walk.send(client, "get", urlsplit(path).path + "?" + query, what=what)
        elif form.multipart:
            files = {
                n: SimpleUploadedFile(
                    "bad.xml", _pick(f"{form.route}|{what}", [b"", b"\x00\xff" * 1000, b"<x>" * 10_000, "é".encode()])
                )
                for n, e in form.fields.items()
                if e.kind == "file"
            }
            response = walk.send(client, "post", path, what=what, data={**data, **files})
        else:
            response = walk.send(client, "post", path, what=what, body=_encode(data))
        if form.method == "post" and response is not None and response.status_code in (302, 303):
            target = _internal(urljoin("http://testserver" + path, response["Location"]))
            if target and not target.startswith("/accounts/login/") and target not in led_to:
                led_to.append(target)
    return led_to


def fuzz_page(walk: Walk, client: Client, route: str, example: str) -> None:
    """Bad page numbers and parameter values on a page that answered, and huge ids in its path."""
    path = urlsplit(example).path
    for page in BAD_PAGES if route in walk.paginated else BAD_PAGES[:1]:
        walk.values.add(page[:64])
        walk.by_category["page"] += 1
        walk.send(client, "get", f"{path}?{urlencode({'page': page})}", what="page")
    for name in sorted(walk.params.get(route, {})):
        for category in BATTERY:
            value = _pick(f"{route}|{name}|{category}", BATTERY[category]) if category != "duplicated" else "x"
            walk.values.add(value[:64])
            walk.by_category[category] += 1
            query = urlencode([(name, value), (name, value)] if category == "duplicated" else [(name, value)])
            walk.send(client, "get", f"{path}?{query}", what=f"?{name}: {category}")
    match = resolve(path)
    for key, value in match.kwargs.items():
        if isinstance(value, int):
            for bad in BAD_IDS:
                walk.by_category["id"] += 1
                walk.send(client, "get", path.replace(f"/{value}/", f"/{bad}/", 1), what=f"{key}={bad}")


# ---------------------------------------------------------------------------------------------
# The test
# ---------------------------------------------------------------------------------------------

ROLES = ("sw.north", "fsw.north", "tm.north", "sm.cin", "qa", "leader", "fuzz.admin", "anonymous")
MANAGERS = ("tm.north", "leader")


def _skipped(form: Form) -> bool:
    return urlsplit(form.action).path.startswith(SKIP_ACTIONS)


@pytest.fixture
def council(db):
    from django.core.cache import cache

    from lantern.synthetic.generator import seed_authority

    cache.clear()
    seed_authority(size="tiny", seed=7, as_of=timezone.localdate(), progress=False)
    f.make_worker("fuzz.admin", role=Role.SENIOR_LEADER, is_superuser=True)
    yield
    cache.clear()


def _client(role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(Worker.objects.get(username=role))
    return client


@pytest.fixture
def quiet():
    """Thousands of refusals are expected: their log warnings would bury the summary."""
    logging.disable(logging.WARNING)
    yield
    logging.disable(logging.NOTSET)


def test_no_input_gives_a_server_error_or_saves_on_refusal(council, quiet):
    started = time.monotonic()
    walk = Walk(tables=_case_tables())
    clients = {role: _client(role) for role in ROLES}
    for role in ROLES:
        crawl(walk, clients[role], role, ["/"])
    crawled = walk.requests
    crawl_seconds = time.monotonic() - started
    # Fuzz every form; where accepted submissions lead, crawl again (as the form's role and as the
    # managers who decide what workers submit) and fuzz the forms found there, until none are new.
    done: set[tuple] = set()
    for _round in range(4):
        todo = sorted((key for key in walk.forms if key not in done), key=lambda key: key[1])
        if not todo:
            break
        for key in todo:
            done.add(key)
            form, role = walk.forms[key], walk.form_roles[key]
            if _skipped(form):
                continue
            led_to = fuzz_form(walk, clients[role], form)
            if role != "anonymous":
                clients[role].force_login(Worker.objects.get(username=role))  # a form may end the session
            for other in dict.fromkeys((role, *MANAGERS)):
                crawl(walk, clients[other], other, led_to[:2])
    forms = [form for key, form in walk.forms.items() if key in done and not _skipped(form)]
    for route, example in sorted(walk.page_example.items()):
        fuzz_page(walk, clients["leader" if route.startswith("/children/") else "sw.north"], route, example)

    routes_with_forms = {form.route for form in forms}
    summary = (
        f"fuzz walk: {len(walk.page_example)} routes answered of {len(walk.pages)} crawled, "
        f"{len(forms)} forms on {len(routes_with_forms)} routes "
        f"({sum(form.method == 'post' for form in forms)} POST, {sum(form.method == 'get' for form in forms)} GET), "
        f"{sum(len(p) for p in walk.params.values())} query parameters, {len(walk.values)} distinct values, "
        f"{walk.requests} requests ({crawled} in the first crawl), "
        f"responses by class {dict(sorted(walk.statuses.items()))}, "
        f"{len(walk.failures)} failures, {time.monotonic() - started:.0f}s ({crawl_seconds:.0f}s in the first crawl)"
    )
    if os.environ.get("LANTERN_FUZZ_LIST"):
        found = sorted(
            f"{f.method.upper()} {f.route} ({len(f.fields)} fields, {walk.form_roles[f.key]})" for f in forms
        )
        print("forms:", *found, sep="\n  ")
        missed = sorted(set(_all_routes()) - set(walk.page_example) - routes_with_forms)
        print("routes not reached:", *missed, sep="\n  ")
    print("\n" + summary)
    print("requests by category: " + ", ".join(f"{k} {v}" for k, v in sorted(walk.by_category.items())))
    assert not walk.failures, summary + "\n" + "\n".join(sorted(set(walk.failures)))
