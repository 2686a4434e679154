from __future__ import annotations

from django.db import models


class Ward(models.Model):
    """An electoral ward: the unit locality figures and intelligence counts are reported by. A location is
    placed in a ward by its postcode sector (``KM3 4``) or by naming the ward."""

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=100, unique=True)
    postcode_sectors = models.JSONField(default=list, help_text='postcode sectors inside the ward, e.g. ["KM3 4"]')
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
