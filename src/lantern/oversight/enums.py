from django.db import models

from lantern.access.roles import PRACTITIONERS, Role


class Audience(models.TextChoices):
    """Who a course is for: the reviews recommended CSE training for every practitioner, and for first- and
    second-line managers."""

    PRACTITIONERS = "practitioners", "Every practitioner"
    MANAGERS = "managers", "First- and second-line managers"


AUDIENCE_ROLES: dict[str, frozenset[Role]] = {
    Audience.PRACTITIONERS: PRACTITIONERS,
    Audience.MANAGERS: frozenset({Role.TEAM_MANAGER}),
}


class TrainingSource(models.TextChoices):
    ENTERED = "entered", "Entered in Lantern"
    IMPORTED = "imported", "Imported from the agency's learning system"


class TrainingState(models.TextChoices):
    CURRENT = "current", "Current"
    LAPSING = "lapsing", "Lapses within 90 days"
    LAPSED = "lapsed", "Lapsed"
    NEVER = "never", "Never completed"


LAPSING_DAYS = 90
