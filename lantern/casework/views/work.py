"""My work: what is due and overdue on the pathway, soonest first; managers also see their
team's work and what is waiting for their approval."""

from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from lantern.casework.selectors import work_items
from lantern.core.paging import paginate
from lantern.workforce.models import Role


def my_work(request):
    user = request.user
    is_manager = user.role in (Role.TEAM_MANAGER, Role.SERVICE_MANAGER)
    scope = request.GET.get("scope", "team" if is_manager else "mine")
    team = is_manager and scope == "team"
    items = work_items(user, team=team)
    today = timezone.localdate()
    rows = [(item, item.state(today)) for item in items]
    approvals = [(i, s) for i, s in rows if i.awaiting_approval]
    due = [(i, s) for i, s in rows if not i.awaiting_approval]
    # A team's list runs to hundreds of items: show it a page at a time, soonest first.
    due_page, query_string = paginate(request, due, per_page=50)
    context = {
        "is_manager": is_manager,
        "scope": "team" if team else "mine",
        "due": due_page.object_list,
        "due_count": len(due),
        "page_obj": due_page,
        "query_string": query_string,
        "approvals": approvals,
        "overdue_count": sum(1 for _, s in due if s == "overdue"),
        "today": today,
    }
    return render(request, "casework/work/my_work.html", context)


urlpatterns = [path("my-work/", my_work, name="my_work")]
