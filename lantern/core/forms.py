"""GOV.UK form building blocks: a three-part date field and a renderer-friendly base form.

Errors follow the GOV.UK Design System: a message next to the field, repeated in an error
summary at the top of the page that links to it.
"""

from __future__ import annotations

from datetime import date

from django import forms


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

    def __init__(self, *, past: bool | None = None, **kwargs):
        self.past = past  # True: must be today or earlier; False: must be today or later
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
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise forms.ValidationError(f"{label} must be a real date", code="invalid")
        try:
            result = date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(f"{label} must be a real date", code="invalid") from None
        if self.past is True and result > date.today():
            raise forms.ValidationError(f"{label} must be today or in the past", code="future")
        if self.past is False and result < date.today():
            raise forms.ValidationError(f"{label} must be today or in the future", code="past")
        return result

    def compress(self, data_list):  # pragma: no cover - clean() does the work
        return data_list
