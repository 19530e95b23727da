"""Template helpers for the page chrome: status tags, ages, names."""

from datetime import date

from django import template
from django.utils.html import format_html

register = template.Library()

STATUS_TAGS = {
    "cp": ("Child protection", "govuk-tag--red"),
    "cin": ("Child in need", "govuk-tag--blue"),
    "eh": ("Early help", "govuk-tag--green"),
    "closed": ("Closed", "govuk-tag--grey"),
}


@register.simple_tag
def status_tag(status: str | None):
    text, colour = STATUS_TAGS.get(status or "closed", STATUS_TAGS["closed"])
    return format_html('<strong class="govuk-tag {} lantern-status-tag">{}</strong>', colour, text)


@register.filter
def age_from(dob: date | None) -> str:
    """'7', '11 months', or '' from a date of birth."""
    if not dob:
        return ""
    today = date.today()
    years = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
    if years >= 1:
        return str(years)
    months = (today.year - dob.year) * 12 + today.month - dob.month - (today.day < dob.day)
    return f"{max(months, 0)} months"
