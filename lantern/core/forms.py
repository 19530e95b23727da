"""GOV.UK form building blocks: a three-part date field and a renderer-friendly base form.

Errors follow the GOV.UK Design System: a message next to the field, repeated in an error
summary at the top of the page that links to it.
"""

from __future__ import annotations

from datetime import date

from django import forms

#: The years a date field takes unless it says otherwise: nothing in a child's record (a
#: grandparent's birth, a plan's review) falls outside them, and the date arithmetic behind the
#: pages (working days, census years, windows) is safe inside them.
MIN_YEAR = 1900
MAX_YEAR = 2100


def date_from_parts(day: str, month: str, year: str) -> date | None:
    """The date typed as day, month and year (ASCII digits, a 4-digit year), or None when it is
    not a real date. Never raises: a part of 2^63 or of 5,000 digits is simply not a date."""
    parts = (str(day).strip(), str(month).strip(), str(year).strip())
    if not all(p.isascii() and p.isdigit() and len(p) <= 4 for p in parts) or len(parts[2]) != 4:
        return None
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except (ValueError, OverflowError):
        return None


class DateInputWidget(forms.MultiWidget):
    """GOV.UK date input: day, month and year boxes named <name>-day, -month, -year."""

    template_name = "includes/govuk/date_widget.html"

    def __init__(self, attrs=None):
        widgets = {
            "day": forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
            "month": forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
            "year": forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year, with GOV.UK's messages for each way it goes wrong."""

    widget = DateInputWidget

    def __init__(self, *, past: bool | None = None, min_year: int = MIN_YEAR, max_year: int = MAX_YEAR, **kwargs):
        self.past = past  # True: must be today or earlier; False: must be today or later
        self.min_year, self.max_year = min_year, max_year
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def clean(self, value):
        label = self.label or "Date"
        day, month, year = (str(v or "").strip() for v in (value or [None, None, None]))
        if not (day or month or year):
            if self.required:
                raise forms.ValidationError(f"Enter {label[0].lower() + label[1:]}", code="required")
            return None
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise forms.ValidationError(f"{label} must include a {' and '.join(missing)}", code="incomplete")
        result = date_from_parts(day, month, year)
        if result is None:
            raise forms.ValidationError(f"{label} must be a real date", code="invalid")
        if self.past is True and result > date.today():
            raise forms.ValidationError(f"{label} must be today or in the past", code="future")
        if self.past is False and result < date.today():
            raise forms.ValidationError(f"{label} must be today or in the future", code="past")
        if not self.min_year <= result.year <= self.max_year:
            raise forms.ValidationError(
                f"{label} must be between {self.min_year} and {self.max_year}", code="out_of_range"
            )
        return result

    def compress(self, data_list):  # pragma: no cover - clean() does the work
        return data_list
