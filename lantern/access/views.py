"""Who has viewed a child's record: for managers who may see the child."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from lantern.access.selectors import can_see_access_log, child_views, get_child_for_user
from lantern.core.paging import paginate


def child_access_log(request, child_id: int):
    child = get_child_for_user(request.user, child_id, page="Record views", path=request.path)
    if not can_see_access_log(request.user):
        raise PermissionDenied("Only managers can see who has viewed a record.")
    page, query = paginate(request, child_views(child), per_page=50)
    return render(request, "access/child_views.html", {"child": child, "page_obj": page, "query_string": query})
