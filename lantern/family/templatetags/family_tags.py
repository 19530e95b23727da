"""Template helpers for the family pages."""

from django import template

from lantern.family import charts

register = template.Library()


@register.simple_tag
def sparkline(scores):
    """A tiny trend line of 0 to 10 scores (decoration: the scores are given in text beside it)."""
    return charts.sparkline(list(scores))
