"""Playwright journeys in Debian's Chromium, each page checked with axe-core.

The browser is the system one at /usr/bin/chromium (never a downloaded build); axe-core comes
from the project's npm packages. A page with a serious or critical accessibility violation
fails the test that visited it.
"""

import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from lantern import factories as f
from lantern.identity.tests.helpers import recovery_code_for

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LANTERN_CHROMIUM", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser` (apt-get install chromium) first.")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class AccessibilityChecker:
    """Runs axe-core on the current page and fails on serious or critical violations."""

    def __init__(self):
        self.source = AXE_JS.read_text()
        self.checked: list[str] = []

    def __call__(self, page: Page) -> None:
        page.evaluate(self.source)
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
        )
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        self.checked.append(page.url)
        assert not bad, f"Accessibility violations on {page.url}:\n" + json.dumps(
            [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in bad],
            indent=1,
        )


@pytest.fixture
def axe():
    return AccessibilityChecker()


_IMMUTABLE_TRIGGERS: dict[str, str] = {}


_DB_BLOCKER = None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the flush (the last step of a browser test's teardown), put the immutability triggers
    back, so a unit test that runs next in the same worker still finds its database rules."""
    yield
    if _DB_BLOCKER is None or "flushable_immutable_tables" not in getattr(item, "fixturenames", ()):
        return
    if nextitem is None:  # the last test: the in-memory test database has just been destroyed
        return
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with _DB_BLOCKER.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
        for name, sql in _IMMUTABLE_TRIGGERS.items():
            if name not in present:
                cursor.execute(sql)


@pytest.fixture
def flushable_immutable_tables(transactional_db, django_db_blocker):
    """On SQLite, Django empties tables between browser tests with DELETE, which the
    immutability triggers refuse. Lift the triggers after the test (the flush runs next) and put
    them back before the next one. PostgreSQL empties with TRUNCATE, which row triggers ignore."""
    from django.db import connection

    global _DB_BLOCKER
    _DB_BLOCKER = django_db_blocker
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND (name LIKE '%\\_no\\_update' ESCAPE '\\' OR name LIKE '%\\_no\\_delete' ESCAPE '\\')"
        )
        present = dict(cursor.fetchall())
        _IMMUTABLE_TRIGGERS.update(present)
        for name, sql in _IMMUTABLE_TRIGGERS.items():
            if name not in present:
                cursor.execute(sql)
    yield
    with connection.cursor() as cursor:
        for name in _IMMUTABLE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


@pytest.fixture
def migrated_data(transactional_db):
    """Browser tests empty every table between tests, including rows that data migrations put
    there (the council's default threshold levels); put them back for each test."""
    import importlib

    from django.apps import apps

    importlib.import_module("lantern.casework.migrations.0005_default_threshold_levels").add_levels(apps, None)


@pytest.fixture
def page(browser, live_server, flushable_immutable_tables, migrated_data):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def sign_in(page):
    def _sign_in(username: str, password: str = f.PASSWORD) -> None:
        code = recovery_code_for(username)
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/accounts/verify/")
        page.get_by_label("Enter the code from your authenticator app").fill(code)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()

    return _sign_in


@pytest.fixture
def sign_out(page):
    def _sign_out() -> None:
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/accounts/login/")

    return _sign_out
