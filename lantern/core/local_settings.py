"""The registry of council settings and their defaults (from lantern/reference/timescales.md).

    from lantern.core.local_settings import get_setting
    weeks = get_setting("cin_review_weeks")

A council changes a value with `set_setting` (an administrator's page comes with the practice
standards); the default applies until then. Values are read through a short per-process cache.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class SettingDefinition:
    key: str
    default: int | float | bool | str
    label: str
    unit: str = ""
    #: For text settings: a regular expression the whole value must match (checked when a council
    #: changes it in the browser); numbers are never negative.
    pattern: str = ""


DEFINITIONS: dict[str, SettingDefinition] = {
    d.key: d
    for d in (
        SettingDefinition("la_code", "888", "The council's 3-digit DfE local authority code", "", pattern=r"\d{3}"),
        SettingDefinition("referral_decision_working_days", 1, "Decision on a contact or referral", "working days"),
        SettingDefinition("assessment_working_days", 45, "Child and family assessment completed", "working days"),
        SettingDefinition(
            "icpc_working_days", 15, "Strategy discussion to initial child protection conference", "working days"
        ),
        SettingDefinition("cin_review_weeks", 12, "CIN plan review at least every", "weeks"),
        SettingDefinition("cin_visit_weeks", 4, "CIN visits at least every", "weeks"),
        SettingDefinition("cp_visit_working_days", 10, "Child protection visits at least every", "working days"),
        SettingDefinition("cin_after_cp_months", 3, "CIN plan after a child protection plan ends, at least", "months"),
        SettingDefinition("rereferral_months", 12, "A referral counts as a re-referral within", "months"),
        SettingDefinition("worker_changes_flag", 3, "Flag children with this many workers in 12 months", "workers"),
        SettingDefinition("oversight_weeks", 4, "Management oversight on an open case at least every", "weeks"),
        SettingDefinition("supervision_weeks", 4, "Supervision of a worker at least every", "weeks"),
    )
}

_CACHE_SECONDS = 30


def define(*definitions: SettingDefinition) -> None:
    """Add an app's settings to the registry. Call it at import time from the app's
    `local_settings.py`, which `CoreConfig.ready` imports for every app that has one."""
    for definition in definitions:
        existing = DEFINITIONS.get(definition.key)
        if existing is not None and existing != definition:
            raise ValueError(f"Setting {definition.key!r} defined twice, differently")
        DEFINITIONS[definition.key] = definition


def get_setting(key: str):
    definition = DEFINITIONS[key]
    cache_key = f"local-setting:{key}"
    value = cache.get(cache_key)
    if value is None:
        # One read fills every setting's cache entry: a page asking for ten settings on a cold
        # cache costs one query, not ten.
        from lantern.core.models import LocalSetting

        stored = dict(LocalSetting.objects.values_list("key", "value"))
        fresh = {f"local-setting:{k}": stored.get(k, d.default) for k, d in DEFINITIONS.items()}
        cache.set_many(fresh, _CACHE_SECONDS)
        value = fresh.get(cache_key, definition.default)
    return value


def set_setting(key: str, value, *, user=None, reason: str = "", effective_from=None) -> None:
    """Store a council's value. Its history (lantern_core historical rows) keeps every value with
    who changed it, why and from when."""
    from django.utils import timezone

    from lantern.core import hooks
    from lantern.core.models import LocalSetting

    definition = DEFINITIONS[key]
    if type(value) is not type(definition.default):
        raise ValueError(f"{key} must be a {type(definition.default).__name__}")
    old = LocalSetting.objects.filter(key=key).values_list("value", flat=True).first()
    old = definition.default if old is None else old
    effective_from = effective_from or timezone.localdate()
    LocalSetting.objects.update_or_create(
        key=key,
        defaults={
            "value": value,
            "updated_by": user,
            "reason": reason[:500],
            "effective_from": effective_from,
        },
    )
    hooks.collect(
        "setting_changed", key=key, old=old, new=value, user=user, reason=reason, effective_from=effective_from
    )
    cache.delete(f"local-setting:{key}")
