"""Searches whose terms are personal data (names, dates of birth, NHS numbers) stay out of URLs.

A URL's query string ends up in browser history, proxy and web server access logs and Referer
headers. So a search form posts its terms; the view keeps them in the user's session under a
random key and redirects to `?s=<key>`, and the results page (with its pagination links, which
work without JavaScript) carries only the key:

    if request.method == "POST":
        return redirect(search.results_url(request, "children", {"q": q}, reverse("casework:search")))
    terms = search.recall(request, "children")   # None: no search yet, or it has expired

A key is good only in the session that made it, for the scope it was made for; the session keeps
the last `KEEP` searches and ends with the session.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

SESSION_KEY = "lantern_searches"
PARAMETER = "s"
KEEP = 20


def _clean(value: str, limit: int) -> str:
    # Control characters (NUL among them) are never part of a name or identifier.
    return "".join(ch for ch in str(value) if ch.isprintable()).strip()[:limit]


def terms_from(data, fields: dict[str, int]) -> dict[str, str]:
    """The posted search terms, each cleaned and cut to its length: {field: max length}."""
    return {name: _clean(data.get(name, ""), limit) for name, limit in fields.items()}


def remember(request, scope: str, terms: dict[str, str]) -> str:
    store: dict = dict(request.session.get(SESSION_KEY) or {})
    key = secrets.token_urlsafe(9)
    store[key] = {"scope": scope, "terms": terms}
    while len(store) > KEEP:
        store.pop(next(iter(store)))
    request.session[SESSION_KEY] = store
    return key


def results_url(request, scope: str, terms: dict[str, str], base_url: str) -> str:
    return f"{base_url}?{urlencode({PARAMETER: remember(request, scope, terms)})}"


def recall(request, scope: str) -> dict[str, str] | None:
    """The terms of the search named by `?s=` in this session, or None."""
    key = request.GET.get(PARAMETER, "")
    entry = (request.session.get(SESSION_KEY) or {}).get(key) if key else None
    if not entry or entry.get("scope") != scope:
        return None
    return dict(entry.get("terms") or {})


def expired(request, scope: str) -> bool:
    """A `?s=` key was given but is not (or no longer) in this session: say so on the page."""
    return bool(request.GET.get(PARAMETER)) and recall(request, scope) is None
