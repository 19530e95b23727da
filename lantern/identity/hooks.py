"""The navigation's link to the sign-in log, for those who may read it."""

from django.urls import reverse

from lantern.core import hooks
from lantern.identity import policy


@hooks.register("nav_items")
def security_nav(*, request, user):
    if not policy.can_read_sign_in_log(user):
        return []
    return [hooks.Link("Sign-in log", reverse("identity:sign_in_log"), order=90)]
