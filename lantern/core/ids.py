"""Record ids that arrive in a URL, a query string or a posted field.

Every primary key is a 64-bit integer. A bigger number (2^63, or 400 digits) names no record, but
handed to the database it is an error rather than "not found" (SQLite cannot bind it), so it is
stopped here: in the URL by `IdRangeMiddleware` (lantern/core/middleware.py), elsewhere by
`parse_id`."""

from __future__ import annotations

MAX_ID = 2**63 - 1


def in_range(number: int) -> bool:
    return 0 < number <= MAX_ID


def parse_id(value) -> int | None:
    """A positive 64-bit id from text (ASCII digits only), or None."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if in_range(number) else None
