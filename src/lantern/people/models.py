from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.people.enums import PersonKind, RecordCategory, Sex


class Person(models.Model):
    """A child or adult of concern in the shared index."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=PersonKind.choices)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    owning_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set while a s47 enquiry or CSE strategy meeting is open; the cases app will own this fact.
    statutory_enquiry_open = models.BooleanField(default=False)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["family_name", "given_name"])]

    ACCESS_CATEGORY = "person"
    AUDIT_TYPE = "person"
    ACCESS_FIELDS = {
        "same_agency": ("owning_agency_id", "records__agency_id"),
        "sharing_agreement": ("owning_agency_id", "records__agency_id"),
        "allocated": ("allocations__user_id",),
        "statutory_trigger": ("statutory_enquiry_open",),
        "record_owner": ("created_by_id",),
    }
    ACCESS_BREAK_GLASS = {"person": "pk"}

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def audit_owner_id(self) -> int | None:
        return self.created_by_id


class AgencyRecord(models.Model):
    """What one agency holds about a person: a referral, a school concern, a clinic attendance."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="records")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=20, choices=RecordCategory.choices, default=RecordCategory.AGENCY_RECORD)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    handling_code = models.CharField(max_length=1, choices=[("P", "P: may be shared"), ("C", "C: conditions")])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(handling_code__in=["P", "C"]), name="record_handling_code"),
        ]

    ACCESS_CATEGORY_FIELD = "category"
    ACCESS_CATEGORIES = ("agency_record", "sexual_health")
    ACCESS_PARENT = "person"
    AUDIT_TYPE = "agency_record"
    ACCESS_FIELDS = {
        "same_agency": ("agency_id",),
        "sharing_agreement": ("agency_id",),
        "handling_p": ("handling_code",),
        "allocated": ("person__allocations__user_id",),
        "statutory_trigger": ("person__statutory_enquiry_open",),
        "record_owner": ("recorded_by_id",),
    }
    ACCESS_BREAK_GLASS = {"agency_record": "pk", "person": "person_id"}

    def __str__(self) -> str:
        return self.title

    @property
    def audit_owner_id(self) -> int | None:
        return self.recorded_by_id


class Allocation(models.Model):
    """A practitioner allocated to a person: the 'need to know' behind allocated access."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="allocations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="allocations")
    allocated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "user"], name="allocation_once")]

    def __str__(self) -> str:
        return f"{self.user_id} allocated to {self.person_id}"
