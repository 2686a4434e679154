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


class PersonStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    MERGED = "merged", "Merged into another person"


class AliasKind(models.TextChoices):
    FORMAL = "formal", "Formal name"
    DIMINUTIVE = "diminutive", "Diminutive (Bill for William)"
    STREET_NAME = "street_name", "Street name"
    NICKNAME = "nickname", "Nickname"
    ONLINE_HANDLE = "online_handle", "Online handle"
    MISSPELLING = "misspelling", "Misspelling"


class IdentifierScheme(models.TextChoices):
    NHS_NUMBER = "nhs_number", "NHS number"
    UPN = "upn", "School unique pupil number"
    POLICE_REFERENCE = "police_reference", "Police reference"


class PlaceKind(models.TextChoices):
    TAKEAWAY = "takeaway", "Takeaway or restaurant"
    PARK = "park", "Park or open space"
    HOTEL = "hotel", "Hotel or guest house"
    FLAT = "flat", "Flat or house"
    SHOP = "shop", "Shop"
    TRANSPORT = "transport", "Bus or railway station"
    CAR_PARK = "car_park", "Car park"
    OTHER = "other", "Other"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    ACCEPTED = "accepted", "Same person"
    REJECTED = "rejected", "Different people"


class LinkOrigin(models.TextChoices):
    AUTOMATIC = "automatic", "Linked automatically"
    REVIEW = "review", "Accepted on review"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Finished"
    FAILED = "failed", "Failed"


ACTIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)
