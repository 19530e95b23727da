"""Assertions shared by view tests."""

import re


def error_links(body: str) -> list[str]:
    """The error summary's link targets; each must be an element on the page (the field, its first
    radio or checkbox, or a date's first box) so following the link lands on the field."""
    start = body.index("govuk-error-summary__list")
    targets = re.findall(r'href="#([^"]+)"', body[start : body.index("</ul>", start)])
    for target in targets:
        assert target == "main-content" or f'id="{target}"' in body, f"error link #{target} lands nowhere"
    return targets


def links_to(body: str, field: str) -> bool:
    """Does the error summary link to the field (its own id, or its first choice or date box `_0`)?"""
    return any(t in (f"id_{field}", f"id_{field}_0") for t in error_links(body))


def search(client, url: str, **terms):
    """Post a search form (terms are never put in a URL: lantern/core/search.py) and follow it to
    its results page; the redirect and the final URL must not contain the terms."""
    posted = client.post(url, terms)
    assert posted.status_code == 302, posted.status_code
    for value in terms.values():
        if value:
            assert str(value) not in posted.url, posted.url
    return client.get(posted.url)
