"""`{% govuk_field form.field %}` renders any form field in the matching GOV.UK pattern."""

from django import forms, template

from lantern.core.forms import DateInputWidget

register = template.Library()


def _kind(field) -> str:
    widget = field.field.widget
    if isinstance(widget, DateInputWidget):
        return "date"
    # CheckboxSelectMultiple subclasses RadioSelect in Django, so it must be tested first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"


@register.inclusion_tag("includes/govuk/field.html")
def govuk_field(field, width: str = "", rows: int = 5, small: bool = False):
    return {"field": field, "kind": _kind(field), "width": width, "rows": rows, "small": small}


@register.simple_tag
def date_input(field):
    """Render the date widget, marking its boxes as in error when the field has errors."""
    attrs = {"id": field.auto_id}
    if field.errors:
        attrs["error"] = True
    return field.as_widget(attrs=attrs)


@register.filter
def error_anchor(field) -> str:
    """The id the error summary links to: the first box of a date, the first radio or checkbox."""
    # Django numbers the parts of a multi-part widget and the options of a choice widget from 0.
    if _kind(field) in ("date", "radios", "checkboxes"):
        return f"{field.auto_id}_0"
    return field.auto_id
