"""Council settings: anything a council decides (frequencies, thresholds) is a setting with a
default, stored in the database when the council changes it. Never a constant in code."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class LocalSetting(models.Model):
    key = models.CharField(max_length=80, unique=True)
    value = models.JSONField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    reason = models.CharField(max_length=500, blank=True, help_text="Why the council changed it.")
    effective_from = models.DateField(null=True, blank=True, help_text="The day the value applies from.")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.key} = {self.value!r}"
