from __future__ import annotations

from django.db import models


class PersonKind(models.TextChoices):
    CHILD = "child", "Child or young person"
    ADULT = "adult", "Adult of concern"


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    UNKNOWN = "U", "Not known"


class RecordCategory(models.TextChoices):
    AGENCY_RECORD = "agency_record", "Agency record"
    SEXUAL_HEALTH = "sexual_health", "Sexual-health detail"
