"""Council settings for caseloads (L7): amber and red thresholds per role, and optional weighting.

A worker is in the amber band when their caseload is MORE THAN the amber threshold, and in the
red band when it is more than the red threshold (the letter flags social workers holding "more
than 30"). With weighting on, a child on a child protection plan counts `caseload_cp_weight`
times (for example 1.5) and the thresholds apply to the weighted figure.
"""

from lantern.core.local_settings import SettingDefinition, define

define(
    SettingDefinition("caseload_sw_amber", 20, "Social worker caseload: amber when more than", "children"),
    SettingDefinition("caseload_sw_red", 30, "Social worker caseload: red when more than", "children"),
    SettingDefinition("caseload_fsw_amber", 20, "Family support worker caseload: amber when more than", "children"),
    SettingDefinition("caseload_fsw_red", 30, "Family support worker caseload: red when more than", "children"),
    SettingDefinition(
        "caseload_weighting", False, "Weight caseloads by status (a child protection case counts more)", ""
    ),
    SettingDefinition(
        "caseload_cp_weight", 1.5, "When weighting is on, a child on a child protection plan counts as", "children"
    ),
    SettingDefinition(
        "fsw_lead_on_cp", False, "A family support worker may be lead worker for a child on a child protection plan", ""
    ),
)
