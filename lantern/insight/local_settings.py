"""Council settings the practice standards add (the standards also use core settings such as
`oversight_weeks` and other apps' settings such as `fsw_checkin_weeks`).

Defaults come from lantern/reference/timescales.md where it gives one; where it does not, the
default is a cautious starting point that the council reviews on the standards page
(/standards/). Each standard can also be switched off: `standard_on_<key>` (see standards.py).
"""

from lantern.core.local_settings import SettingDefinition, define

define(
    SettingDefinition(
        "assessment_out_of_date_months", 12, "An assessment on an open case is out of date when older than", "months"
    ),
    SettingDefinition(
        "cin_plan_after_assessment_working_days",
        10,
        "CIN plan in place after an assessment concluded one, within",
        "working days",
    ),
    SettingDefinition("seen_alone_months", 3, "Child seen alone on an open case at least every", "months"),
    SettingDefinition(
        "seen_alone_from_age", 0, "Expect a child to be seen alone from this age (0: every child born)", "years"
    ),
    SettingDefinition(
        "long_cin_months", 9, "Flag a CIN episode with no improvement in scaling open longer than", "months"
    ),
    SettingDefinition(
        "neglect_escalation_months",
        6,
        "Flag neglect with no strategy discussion or child protection consideration on a CIN episode open longer than",
        "months",
    ),
    SettingDefinition(
        "chronology_silent_weeks", 6, "Flag an open case with nothing recorded in its chronology for", "weeks"
    ),
)

# Each standard's on/off setting is defined with the standard itself.
from lantern.insight import standards  # noqa: E402, F401
