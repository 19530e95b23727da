"""How long free text may be, held where every write passes: the model's save.

A case record is read by people: a section nobody can read to the end protects no child, and a
page that carries 100,000 characters is slow for everyone who opens the child. So:

* free text (a `TextField`) takes up to `TEXT_MAX` characters (about 1,500 words, four pages),
  or `LONG_TEXT_MAX` for the fields that carry a whole piece of analysis (`LONG_TEXT_FIELDS`);
* a `CharField` takes its `max_length` (PostgreSQL refuses more with an error page; SQLite would
  quietly store it).

`check_lengths` runs before every save of a Lantern model (connected in CoreConfig.ready) and
raises `ValidationError({field: "... must be 10,000 characters or fewer"})`, which the services
pass up and the forms show next to the field, so a page, an import or a script is refused the
same way. A row stored longer before the limit existed still saves when that text is unchanged.
"""

from __future__ import annotations

from functools import cache

from django.core.exceptions import ValidationError
from django.db import models

#: About 1,500 words: any note, reason, rationale, summary or comment.
TEXT_MAX = 10_000
#: About 3,000 words: a section of an assessment or a case note's account of what happened.
LONG_TEXT_MAX = 20_000

LONG_TEXT_FIELDS = frozenset(
    {
        ("casework", "assessment", name)
        for name in (
            "lived_experience",
            "child_words",
            "identity_diversity",
            "family_involvement",
            "family_views",
            "worries",
            "strengths",
            "danger_statements",
            "safety_goals",
            "analysis",
        )
    }
    | {("notes", "casenote", "body")}
)


def limit_for(field: models.Field) -> int | None:
    """The most characters `field` takes, or None when it is not text."""
    if isinstance(field, models.TextField):
        if field.max_length:
            return field.max_length
        key = (field.model._meta.app_label, field.model._meta.model_name, field.name)
        return LONG_TEXT_MAX if key in LONG_TEXT_FIELDS else TEXT_MAX
    if isinstance(field, models.CharField) and field.max_length and not field.choices:
        return field.max_length
    return None


@cache
def _limited_fields(model: type[models.Model]) -> tuple[tuple[str, str, int], ...]:
    found = []
    for field in model._meta.concrete_fields:
        limit = limit_for(field)
        if limit is not None:
            label = str(field.verbose_name)
            found.append((field.attname, label[:1].upper() + label[1:], limit))
    return tuple(found)


def _is_lantern_model(model) -> bool:
    # History tables copy what the record already holds; they are written after the record.
    return model.__module__.startswith("lantern.") and not hasattr(model, "instance_type")


def too_long(model, values: dict) -> dict[str, str]:
    """Problems with the lengths of `values` (attname -> value) for `model`, by field name."""
    problems = {}
    for attname, label, limit in _limited_fields(model):
        value = values.get(attname)
        if isinstance(value, str) and len(value) > limit:
            problems[attname] = f"{label} must be {limit:,} characters or fewer (it has {len(value):,})"
    return problems


def check_lengths(sender, instance, raw=False, **kwargs) -> None:
    if raw or not _is_lantern_model(sender):
        return
    problems = too_long(
        sender, {attname: getattr(instance, attname, None) for attname, _, _ in _limited_fields(sender)}
    )
    if problems and instance.pk is not None and not instance._state.adding:
        # Text stored before the limit existed may stay as it is (an approval must not fail on it).
        stored = sender._base_manager.filter(pk=instance.pk).values(*problems).first() or {}
        problems = {name: message for name, message in problems.items() if stored.get(name) != getattr(instance, name)}
    if problems:
        raise ValidationError(problems)
