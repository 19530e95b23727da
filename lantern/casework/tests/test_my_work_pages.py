"""My work shows a long list a page at a time, with the overdue count over the whole list."""

from datetime import date

import pytest
from django.urls import reverse

from lantern import factories as f
from lantern.casework.models import Assessment


@pytest.mark.django_db
def test_long_work_list_is_paginated(client, world):
    sw = world.users["sw_north"]
    for i in range(55):
        child = f.make_child(last_name=f"Pager{i:02d}")
        f.allocate(child, team=world.north, worker=sw)
        episode = f.open_cin_episode(child)
        Assessment.objects.create(episode=episode, child=child, start_date=date(2026, 1, 6), due_date=date(2026, 3, 10))
    client.force_login(sw)
    url = reverse("casework:my_work")
    pages = [client.get(url).content.decode()]
    while 'rel="next"' in pages[-1] and len(pages) < 10:
        pages.append(client.get(f"{url}?page={len(pages) + 1}").content.decode())
    assert len(pages) >= 2
    assert pages[0].count('<td class="govuk-table__cell lantern-nowrap">') == 50
    # Every item is on exactly one page.
    assert sum(page.count("Complete the assessment") for page in pages) == 55
