from __future__ import annotations

from django.db import models


class AgencyKind(models.TextChoices):
    SOCIAL_CARE = "social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    YOUTH = "youth", "Youth service"
    PARTNERSHIP = "partnership", "Safeguarding partnership"
