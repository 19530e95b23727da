"""The synthetic council opens with practice alerts worked out from what the other seeders wrote."""

from datetime import date

import pytest

from lantern.insight.models import Alert, EvaluationRun, RunStatus
from lantern.insight.services import find_all
from lantern.synthetic.generator import seed_authority

AS_OF = date(2026, 3, 31)


@pytest.mark.django_db
def test_seeded_council_has_alerts_from_the_standards_and_a_recorded_run():
    result = seed_authority(size="tiny", seed=3, as_of=AS_OF)
    alerts = Alert.objects.filter(cleared_at__isnull=True)
    assert result.counts["practice alerts"] == alerts.count() > 0
    run = EvaluationRun.objects.get()
    assert run.status == RunStatus.DONE and run.as_of == AS_OF and run.open_alerts == alerts.count()
    # The alerts are exactly what the standards find on the day (nothing invented).
    assert {a.key for a in alerts} == {item.key for item in find_all(AS_OF)}
    assert alerts.filter(child__isnull=False, owner__isnull=False).exists()
