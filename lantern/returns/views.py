"""The returns start page: what each role may produce from the record."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path

from lantern.access.selectors import RETURN_ROLES, can_run_return


def index(request):
    allowed = {kind: can_run_return(request.user, kind) for kind in RETURN_ROLES}
    if not any(allowed.values()):
        raise PermissionDenied("Your role does not produce returns.")
    return render(request, "returns/index.html", {"allowed": allowed})


urlpatterns = [path("", index, name="index")]
