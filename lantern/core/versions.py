"""Which version of a record a page was loaded from, and refusing a save made on an older one.

A record's version is the id of its latest history row: django-simple-history writes one on
every save, in the same transaction, so the version moves whenever anyone saves, and the history
says who changed what. No extra column on any table.

- Forms: `VersionedForm` adds a hidden `version` field; the page puts the record's version in it
  when it loads (`record=`), and after a refused save (`keep_after_conflict`) it keeps
  everything the user typed and carries the newer version, so a second save is a deliberate one.
- Services: `lock_current(record, loaded=...)` locks the row for the rest of the transaction and
  raises `StaleVersion` when someone else saved since `loaded`, saying who, when and what changed.
  `loaded=None` means the caller did not load it from a page (seeders, imports): no check.
- Decisions use the same version: an approval names the version it decided on, and the database
  allows one decision per version (lantern/approvals).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst

MAX_VERSION = 2**63 - 1


class StaleVersion(ValidationError):
    """Someone else saved the record after this page loaded it; nothing was saved."""

    def __init__(self, message: str, *, current: int | None):
        super().__init__(message, code="stale")
        self.current = current


def current_version(record: models.Model) -> int | None:
    """The id of the record's latest history row (None for a model without history)."""
    history = getattr(record, "history", None)
    if history is None or record.pk is None:
        return None
    return history.order_by("-history_id").values_list("history_id", flat=True).first()


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


def _who(row) -> str:
    user = getattr(row, "history_user", None)
    if user is None:
        return "Someone"
    return getattr(user, "display_name", "") or user.get_username()


def _changed_fields(record: models.Model, newest, loaded: int) -> list[str]:
    older = record.history.filter(history_id=loaded).first()
    if older is None:
        return []
    labels = []
    for change in newest.diff_against(older).changes:
        field = record._meta.get_field(change.field)
        labels.append(capfirst(str(field.verbose_name)))
    return labels


def conflict_message(record: models.Model, loaded: int) -> tuple[str, int | None]:
    """Who saved the record after version `loaded`, when, and which fields they changed."""
    newest = record.history.select_related("history_user").order_by("-history_id").first()
    if newest is None:
        return "This record changed after you opened it.", None
    changed = _changed_fields(record, newest, loaded)
    what = f" ({', '.join(changed)})" if changed else ""
    message = (
        f"{_who(newest)} saved a change{what} at {_when(newest.history_date)}, after you opened this page. "
        "Your changes have not been saved: they are still on this page. Check the record, then save again "
        "to keep your version."
    )
    return message, newest.history_id


def lock_current(record: models.Model, *, loaded: int | None) -> models.Model:
    """Lock the record's row for the rest of the transaction and refresh it from the database;
    refuse with `StaleVersion` if it was saved after `loaded` (the version the page showed)."""
    type(record)._default_manager.select_for_update().filter(pk=record.pk).values_list("pk", flat=True).first()
    record.refresh_from_db()
    if loaded is None:
        return record
    current = current_version(record)
    if current is not None and current != loaded:
        message, current = conflict_message(record, loaded)
        raise StaleVersion(message, current=current)
    return record


class VersionedForm(forms.Form):
    """A form that carries the version of the record it was loaded from (a hidden field).
    Pass `record=` when the page loads an existing record: the form starts with its version."""

    version = forms.IntegerField(required=False, min_value=0, max_value=MAX_VERSION, widget=forms.HiddenInput)

    def __init__(self, *args, record: models.Model | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if record is not None and record.pk is not None and not self.is_bound:
            self.initial["version"] = current_version(record)

    def without_version(self) -> dict:
        """The cleaned data for the service, less the version (passed as `loaded_version`)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

    @property
    def loaded_version(self) -> int | None:
        return self.cleaned_data.get("version") if hasattr(self, "cleaned_data") else None

    def keep_after_conflict(self, error: StaleVersion) -> None:
        """After a refused save: the message in the error summary, the user's text kept as typed,
        and the newer version carried so that saving again is a deliberate choice."""
        self.add_error(None, error.messages[0])
        if self.is_bound:
            data = self.data.copy()
            data[self.add_prefix("version")] = "" if error.current is None else str(error.current)
            self.data = data
