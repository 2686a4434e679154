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


class FeedbackChannel(models.TextChoices):
    """Who is speaking to the partnership board."""

    PRACTITIONER = "practitioner", "A practitioner"
    YOUNG_PERSON = "young_person", "A young person"


class FeedbackTheme(models.TextChoices):
    LISTENED_TO = "listened_to", "Being listened to and believed"
    HELP_QUICKLY = "help_quickly", "Getting help quickly"
    SHARING = "sharing", "Agencies sharing information and working together"
    LANGUAGE = "language", "How children and young people are spoken and written about"
    TRAINING = "training", "Training and support for staff"
    SAFE_PLACES = "safe_places", "Safety in the community: places, taxis, takeaways, parks"
    ONLINE = "online", "Online safety"
    OTHER = "other", "Something else"


class ComparatorMeasure(models.TextChoices):
    """Published timeliness figures from the DfE's "Children in need" data files that Lantern compares its own
    rules with: the share done within the statutory timescale."""

    ASSESSMENT_45 = "assessment-45", "Assessments completed within 45 working days"
    ICPC_15 = "icpc-15", "Initial child protection conferences within 15 working days of the s47 enquiry starting"


COMPARATOR_RULES: dict[str, str] = {
    ComparatorMeasure.ASSESSMENT_45: "WT-ASSESS-45",
    ComparatorMeasure.ICPC_15: "WT-ICPC-15",
}
"""The rulebook id each published measure is compared with."""


class GeographicLevel(models.TextChoices):
    """The `geographic_level` column of an explore-education-statistics data file."""

    NATIONAL = "National", "England"
    REGIONAL = "Regional", "Region"
    LOCAL_AUTHORITY = "Local authority", "Local authority"
