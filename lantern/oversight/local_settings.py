"""Council settings for oversight. `oversight_weeks` (management oversight on an open case at
least every N weeks) is a core setting; check-ins on family support worker cases are ours."""

from lantern.core.local_settings import SettingDefinition, define

define(
    SettingDefinition(
        "fsw_checkin_weeks",
        2,
        "Supervising social worker check-in on a case held by a family support worker at least every",
        "weeks",
    ),
)
