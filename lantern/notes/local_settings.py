"""Council settings for case notes."""

from lantern.core.local_settings import SettingDefinition, define

define(
    SettingDefinition("note_draft_days", 1, "Remind a worker to finish a draft case note after", "days"),
)
