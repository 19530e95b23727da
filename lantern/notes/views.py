"""Case notes pages: the list, writing (drafts saved as you type), reading, correcting and
discarding a draft. Every page fetches the child through the one door first."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from lantern.access.selectors import can_approve_for_child, can_change_child_record
from lantern.casework.views.common import apply_service_errors, child_for_change, child_for_reading
from lantern.core.paging import paginate
from lantern.core.versions import StaleVersion
from lantern.notes import selectors, services
from lantern.notes.forms import CorrectionForm, NoteForm
from lantern.notes.models import CaseNote

#: Browser-storage keys the next notes page tells autosave.js to forget (the text was saved).
_FORGET = "notes_forget"


def storage_key(request, child_id: int, note_id: int | None) -> str:
    """Where autosave.js keeps a copy of unsaved text: per user, child and note."""
    return f"lantern-note:{request.user.pk}:{child_id}:{note_id or 'new'}"


def _forget_later(request, child_id: int, *note_ids: int | None) -> None:
    request.session[_FORGET] = [storage_key(request, child_id, n) for n in note_ids]


def _forget_now(request) -> str:
    return " ".join(request.session.pop(_FORGET, []))


def can_correct(user, child, note: CaseNote) -> bool:
    """The author, or a manager who decides for the child, may correct a final note; never a
    read-only role."""
    if not note.is_final or not can_change_child_record(user, child):
        return False
    return note.author_id == user.pk or can_approve_for_child(user, child)


def note_list(request, child_id: int):
    child = child_for_reading(request, child_id, "Case notes")
    significant_only = request.GET.get("significant") == "1"
    page, query = paginate(request, selectors.final_notes(child, significant_only=significant_only))
    context = {
        "child": child,
        "page_obj": page,
        "query_string": query,
        "significant_only": significant_only,
        "drafts": list(selectors.drafts_of(request.user, child)),
        "can_write": can_change_child_record(request.user, child),
        "forget": _forget_now(request),
    }
    return render(request, "notes/list.html", context)


def _write(request, child, note: CaseNote | None):
    """The new-note and edit-draft pages: "Save draft" keeps whatever is typed; "Save as final
    note" checks everything and saves nothing if any of it is wrong."""
    action = request.POST.get("action", "final")
    if request.method == "POST":
        form = NoteForm(request.POST, final=action != "draft")
        if form.is_valid():
            try:
                if action == "draft":
                    note = services.case_note_save_draft(
                        child=child, author=request.user, note=note, **form.note_values()
                    )
                else:
                    was_new = note is None
                    note = services.case_note_finalise(
                        child=child, author=request.user, note=note, **form.note_values()
                    )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                if action == "draft":
                    _forget_later(request, child.pk, None, note.pk)
                    messages.success(request, f"Draft saved at {timezone.localtime():%H:%M}. Only you can see it.")
                    return redirect("notes:edit", child_id=child.pk, note_id=note.pk)
                _forget_later(request, child.pk, None if was_new else note.pk, note.pk)
                messages.success(request, "Case note saved.")
                return redirect("notes:note", child_id=child.pk, note_id=note.pk)
    else:
        form = NoteForm(initial=NoteForm.initial_for(note) if note else None)
    context = {
        "child": child,
        "note": note,
        "form": form,
        "storage_key": storage_key(request, child.pk, note.pk if note else None),
        "new_storage_key": storage_key(request, child.pk, None),
        "autosave_url": reverse("notes:autosave", args=[child.pk]),
        "edit_url_template": reverse("notes:edit", args=[child.pk, 0]),
        "login_url": reverse("login"),
        "forget": _forget_now(request),
    }
    return render(request, "notes/form.html", context)


def note_new(request, child_id: int):
    child = child_for_change(request, child_id, "Write a case note")
    return _write(request, child, None)


def note_edit(request, child_id: int, note_id: int):
    child = child_for_change(request, child_id, "Edit a draft case note")
    return _write(request, child, selectors.own_draft(request.user, child, note_id))


def note_autosave(request, child_id: int):
    """Save the draft as the worker types (called by autosave.js). Answers JSON: what was saved,
    and any field not saved yet because it is not valid (a half-typed date)."""
    child = child_for_change(request, child_id, "Autosave a draft case note")
    if request.method != "POST":
        return JsonResponse({"saved": False, "error": "Send the draft with POST."}, status=405)
    note = None
    if request.POST.get("note"):
        try:
            note = selectors.own_draft(request.user, child, request.POST["note"])
        except Http404:
            return JsonResponse({"saved": False, "error": "This draft cannot be saved here."}, status=404)
    form = NoteForm(request.POST, final=False)
    values = form.valid_values()
    try:
        note = services.case_note_save_draft(child=child, author=request.user, note=note, **values)
    except ValidationError as error:
        return JsonResponse({"saved": False, "errors": error.message_dict}, status=400)
    skipped = {name: [str(e) for e in errors] for name, errors in form.errors.items() if name != "__all__"}
    saved_at = timezone.localtime(note.updated_at)
    return JsonResponse(
        {
            "saved": True,
            "note": note.pk,
            "saved_at": f"{saved_at:%H:%M}",
            "edit_url": reverse("notes:edit", args=[child.pk, note.pk]),
            "storage_key": storage_key(request, child.pk, note.pk),
            "not_saved": skipped,
        }
    )


def note_detail(request, child_id: int, note_id: int):
    child = child_for_reading(request, child_id, "Case note")
    note = selectors.note_for(request.user, child, note_id)
    versions, corrections = selectors.note_history(note) if note.is_final else ([], [])
    context = {
        "child": child,
        "note": note,
        "versions": versions,
        "corrections": corrections,
        "can_correct": can_correct(request.user, child, note),
        "forget": _forget_now(request),
    }
    return render(request, "notes/detail.html", context)


def note_correct(request, child_id: int, note_id: int):
    child = child_for_change(request, child_id, "Correct a case note")
    note = selectors.note_for(request.user, child, note_id)
    if not note.is_final:
        return redirect("notes:edit", child_id=child.pk, note_id=note.pk)
    if not can_correct(request.user, child, note):
        raise PermissionDenied("Only the note's author or a manager for this child can correct it.")
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        if form.is_valid():
            try:
                services.case_note_correct(
                    note=note,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    loaded_version=form.loaded_version,
                    **form.note_values(),
                )
            except StaleVersion as error:
                form.keep_after_conflict(error)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Case note corrected. The earlier text is kept in its history.")
                return redirect("notes:note", child_id=child.pk, note_id=note.pk)
    else:
        form = CorrectionForm(initial=CorrectionForm.initial_for(note), record=note)
    return render(request, "notes/correct.html", {"child": child, "note": note, "form": form})


def note_discard(request, child_id: int, note_id: int):
    child = child_for_change(request, child_id, "Discard a draft case note")
    note = selectors.own_draft(request.user, child, note_id)
    if request.method == "POST":
        services.case_note_discard(note=note, by=request.user)
        _forget_later(request, child.pk, note.pk)
        messages.success(request, "Draft discarded.")
        return redirect("notes:list", child_id=child.pk)
    return render(request, "notes/discard.html", {"child": child, "note": note})
