"""Check a CIN census file in the browser before it goes to DfE (finding L20).

Senior leaders (those who may run the census) upload a file; the page shows the number of
children, the issues for each rule and the issues themselves, a page at a time, and offers
them as CSV. Nothing is saved in the database: the last result lives in the user's session,
compressed, with at most 5,000 issues (the counts cover them all).

URLs (the lead adds `*views_validation.urlpatterns` to lantern/returns/urls.py):
    census/validate/            returns:census_validate       upload and see the issues
    census/validate/issues.csv  returns:census_validate_csv   the issues of the last check, as CSV
"""

from __future__ import annotations

import base64
import io
import json
import zlib

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from lantern.access.selectors import can_run_return
from lantern.core.paging import page_number
from lantern.returns.management.commands.validate_cin_census import issue_row, write_csv
from lantern.returns.validation import SCHEMA, Issue, validate

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_KEPT_ISSUES = 5_000
PAGE_SIZE = 50
SESSION_KEY = "census_validation"


class CensusUploadForm(forms.Form):
    census_file = forms.FileField(
        label="Census file",
        help_text="The children in need census XML file, up to 50 MB.",
        error_messages={"required": "Select a census file", "empty": "The selected file is empty"},
    )

    def clean_census_file(self):
        upload = self.cleaned_data["census_file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 50 MB")
        name = (upload.name or "").lower()
        upload.seek(0)
        start = upload.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
        upload.seek(0)
        if not name.endswith(".xml") or not start.startswith(b"<"):
            raise forms.ValidationError("The selected file must be an XML file")
        return upload


def _allowed(request) -> None:
    if not can_run_return(request.user, "cin_census"):
        raise PermissionDenied("Only senior leaders can check the children in need census.")


def _pack(issues: list[Issue]) -> str:
    rows = [issue_row(i) + [i.severity] for i in issues[:MAX_KEPT_ISSUES]]
    return base64.b64encode(zlib.compress(json.dumps(rows, separators=(",", ":")).encode(), 6)).decode("ascii")


def _unpack(packed: str) -> list[list[str]]:
    return json.loads(zlib.decompress(base64.b64decode(packed)))


@require_http_methods(["GET", "POST"])
def census_validate(request):
    _allowed(request)
    if request.method == "POST":
        form = CensusUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["census_file"]
            source = upload.temporary_file_path() if hasattr(upload, "temporary_file_path") else upload
            result = validate(source)
            unreadable = result.children == 0 and len(result.issues) == 1 and result.issues[0].rule == SCHEMA
            if unreadable and result.issues[0].message.startswith("The file is not well-formed XML"):
                problem = result.issues[0]
                form.add_error(
                    "census_file",
                    f"The selected file could not be read as XML (line {problem.line}): "
                    f"{problem.message.removeprefix('The file is not well-formed XML: ')}",
                )
            else:
                request.session[SESSION_KEY] = {
                    "file": upload.name,
                    "checked": timezone.localtime().strftime("%-d %b %Y at %H:%M"),
                    "children": result.children,
                    "errors": result.errors,
                    "queries": result.queries,
                    "total": len(result.issues),
                    "by_rule": result.by_rule(),
                    "issues": _pack(result.issues),
                }
                if result.errors:
                    messages.info(request, f"{upload.name}: {result.errors:,} errors and {result.queries:,} queries.")
                else:
                    messages.success(request, f"{upload.name}: no errors ({result.queries:,} queries).")
                return redirect("returns:census_validate")
        return render(request, "returns/validation/census_validate.html", {"form": form, "last": None}, status=200)

    last = request.session.get(SESSION_KEY)
    context = {"form": CensusUploadForm(), "last": last}
    if last:
        page = Paginator(_unpack(last["issues"]), PAGE_SIZE).get_page(page_number(request.GET.get("page")))
        context.update(page_obj=page, kept=min(last["total"], MAX_KEPT_ISSUES))
    return render(request, "returns/validation/census_validate.html", context)


@require_GET
def census_validate_csv(request):
    _allowed(request)
    last = request.session.get(SESSION_KEY)
    if not last:
        messages.info(request, "Check a census file first.")
        return redirect("returns:census_validate")
    stream = io.StringIO()
    write_csv((row[:5] for row in _unpack(last["issues"])), stream)
    name = (last["file"] or "census").rsplit(".", 1)[0]
    response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(name)}-issues.csv"'
    return response


def _filename(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)[:80] or "census"


urlpatterns = [
    path("census/validate/", census_validate, name="census_validate"),
    path("census/validate/issues.csv", census_validate_csv, name="census_validate_csv"),
]
