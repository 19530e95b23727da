"""The access log search in the navigation, for the roles that may read the log."""

from django.urls import reverse

from lantern.access.selectors import can_see_access_log
from lantern.core import hooks


@hooks.register("nav_items")
def access_log_nav(*, request, user):
    if can_see_access_log(user):
        return [hooks.Link("Access log", reverse("access:log"), order=90)]
    return []
