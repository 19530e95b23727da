"""Template helpers for visits: how long ago a date was, in words."""

from datetime import date

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def days_ago(day: date | None) -> str:
    """'today', 'yesterday', '12 days ago' (or '' for no date)."""
    if day is None:
        return ""
    days = (timezone.localdate() - day).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 0:
        return f"in {-days} day{'s' if days != -1 else ''}"
    return f"{days} days ago"
