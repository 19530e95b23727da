"""Logs fit for operations: JSON lines, one line per request, no personal data.

- `RequestLogMiddleware` (outermost in settings.MIDDLEWARE) gives every request an id (a valid
  incoming `X-Request-ID` from the reverse proxy, or a new one), returns it in the response's
  `X-Request-ID` header, and writes one line to the "lantern.requests" logger: request id, user
  id (never a name or username), method, the route pattern (`children/<int:child_id>/`), the path
  without its query string, status and duration. Searches whose terms are personal data are
  posted, never put in a URL (lantern/core/search.py), so paths carry ids at most.
- `JsonFormatter` writes each record as one JSON object per line, with the current request's id,
  so an error line can be matched to its request.
- `scrub_event` strips an optional error tracker's event (SENTRY_DSN, settings.py) of anything
  that could hold personal data.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("lantern_request_id", default=None)

requests_logger = logging.getLogger("lantern.requests")

#: Fields of a request line (passed as `extra`), in the order they are written.
REQUEST_FIELDS = ("request_id", "user_id", "method", "route", "path", "status", "duration_ms")

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, the request
    fields when present, and the exception's traceback for errors."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or request_id_var.get()
        if request_id:
            data["request_id"] = request_id
        for field in REQUEST_FIELDS[1:]:
            if hasattr(record, field):
                data[field] = getattr(record, field)
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str, ensure_ascii=False)


def _user_id(request) -> int | None:
    # Only a user already loaded by the request: logging must never itself query the database
    # (a health check with the database down still gets its log line).
    user = getattr(request, "_cached_user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return user.pk
    return None


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration = round((time.perf_counter() - started) * 1000, 1)
            response["X-Request-ID"] = request_id
            match = getattr(request, "resolver_match", None)
            requests_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "request_id": request_id,
                    "user_id": _user_id(request),
                    "method": request.method,
                    "route": match.route if match is not None else None,
                    "path": request.path,  # never the query string
                    "status": response.status_code,
                    "duration_ms": duration,
                },
            )
            return response
        finally:
            request_id_var.reset(token)


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """An error tracker's event without personal data: the request keeps only its method, path
    (without query string) and request id; exceptions keep their type and stack, not their
    message (a database error's message quotes the row); the user keeps only an id."""
    request = event.get("request")
    if isinstance(request, dict):
        url = str(request.get("url", "")).split("?", 1)[0]
        headers = request.get("headers") or {}
        kept = {k: v for k, v in headers.items() if k.lower() in ("x-request-id", "user-agent")}
        event["request"] = {"method": request.get("method"), "url": url, "headers": kept}
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    for exception in (event.get("exception") or {}).get("values", []) or []:
        if isinstance(exception, dict):
            exception["value"] = ""
            for frame in (exception.get("stacktrace") or {}).get("frames", []) or []:
                if isinstance(frame, dict):
                    frame.pop("vars", None)
    event.pop("breadcrumbs", None)
    event.pop("extra", None)
    if "logentry" in event:
        event["logentry"] = {"message": (event["logentry"] or {}).get("message", "")}
    request_id = request_id_var.get()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event
