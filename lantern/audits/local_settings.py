"""Council settings for case audits."""

from lantern.core.local_settings import SettingDefinition, define

define(
    SettingDefinition(
        "audit_flag_lookback_weeks",
        26,
        "An audit finding counts as already flagged by the practice standards if a related alert was open within",
        "weeks before the audit",
    ),
    SettingDefinition("audit_sample_max", 50, "Largest number of children in one audit sample", "children"),
)
