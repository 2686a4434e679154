"""Intelligence reports, what they mention, their sanitised versions, corroborations and access requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.intel.enums import (
    Assessment,
    Corroboration,
    EntityKind,
    EntityOrigin,
    HandlingCode,
    Knowledge,
    Outcome,
    RequestStatus,
    Risk,
    Scheme,
    Source,
    SourceEvaluation,
    Status,
    Urgency,
)
from lantern.intel.rules import INT_3X5X2


class IntelReport(models.Model):
    """What a partner or a member of the public saw or heard, when and where, and what triage made of it.

    The owning agency is the submitter's (the triage agency's for public reports). The text is never edited
    after submission: analysts grade, link and sanitise beside it, and others corroborate beside it."""

    reference = models.CharField(max_length=16, unique=True)
    source_ref = models.CharField("agency's own reference", max_length=64, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    what = models.TextField()
    occurred_on = models.DateField()
    occurred_time = models.TimeField(null=True, blank=True)
    location_text = models.CharField(max_length=300, blank=True)
    place = models.ForeignKey("people.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ward = models.ForeignKey(
        "locality.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"kind": "ward"},
        related_name="+",
    )
    people_text = models.CharField(max_length=300, blank=True)
    vehicles_text = models.CharField(max_length=300, blank=True)
    phones_text = models.CharField(max_length=300, blank=True)
    knowledge = models.CharField(max_length=20, choices=Knowledge.choices, blank=True)
    urgency = models.CharField(max_length=20, choices=Urgency.choices, blank=True)
    contact = models.CharField(max_length=300, blank=True, help_text="only if a member of the public chose to give it")
    risk = models.CharField(max_length=10, choices=Risk.choices)
    triage_due_at = models.DateTimeField()
    routed_at = models.DateTimeField(null=True, blank=True, help_text="sent to the duty team and police at once")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    grading_scheme = models.CharField(max_length=6, choices=Scheme.choices, blank=True)
    source_evaluation = models.CharField(max_length=1, blank=True)
    intelligence_assessment = models.CharField(max_length=1, blank=True)
    handling_code = models.CharField(max_length=1, blank=True)
    handling_conditions = models.TextField(blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["status", "risk", "received_at"]), models.Index(fields=["agency", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(handling_code="C") | ~models.Q(handling_conditions=""),
                name="intel_handling_c_has_conditions",
            ),
            models.CheckConstraint(
                condition=models.Q(source="public") | models.Q(submitted_by__isnull=False),
                name="intel_partner_report_has_submitter",
            ),
            models.UniqueConstraint(
                fields=["agency", "source_ref"], condition=~models.Q(source_ref=""), name="intel_source_ref_once"
            ),
        ]

    ACCESS_CATEGORY = "intelligence"
    AUDIT_TYPE = "intel_report"
    ACCESS_FIELDS = {
        "same_agency": ("agency_id",),
        "sharing_agreement": ("agency_id",),
        "handling_p": ("handling_code",),
        "record_owner": ("submitted_by_id",),
        "granted": ("pk",),
    }

    # Knowing a report exists is the existence category: a reader refused more of a report they may know of
    # is told why (403), not "not found".
    ACCESS_PARENT = "as_existence"

    def __str__(self) -> str:
        return self.reference

    @property
    def as_existence(self) -> IntelExistence:
        return IntelExistence(pk=self.pk, agency_id=self.agency_id)

    @property
    def audit_owner_id(self) -> int | None:
        return self.submitted_by_id

    @property
    def is_graded(self) -> bool:
        return bool(self.grading_scheme)

    @property
    def grade(self) -> str:
        """1AP under 3x5x2; a historic grade as it was recorded."""
        if self.grading_scheme == Scheme.G3X5X2:
            return INT_3X5X2.code(self.source_evaluation, self.intelligence_assessment, self.handling_code)
        if self.grading_scheme == Scheme.G5X5X5:
            return f"{self.source_evaluation}{self.intelligence_assessment}{self.handling_code} (5x5x5)"
        return ""

    @property
    def source_label(self) -> str:
        if self.grading_scheme != Scheme.G3X5X2:
            return ""
        return SourceEvaluation(self.source_evaluation).label

    @property
    def assessment_label(self) -> str:
        if self.grading_scheme != Scheme.G3X5X2:
            return ""
        return Assessment(self.intelligence_assessment).label

    @property
    def handling_label(self) -> str:
        if self.grading_scheme != Scheme.G3X5X2:
            return ""
        return HandlingCode(self.handling_code).label


class IntelExistence(IntelReport):
    """The same rows seen as "this agency holds intelligence, graded so, dated so" and nothing more."""

    class Meta:
        proxy = True

    ACCESS_CATEGORY = "intelligence_existence"
    AUDIT_TYPE = "intel_existence"
    ACCESS_FIELDS = {"same_agency": ("agency_id",), "sharing_agreement": ("agency_id",)}


class SanitisedReport(models.Model):
    """The version for wider dissemination: the source's identity, and what could identify them, removed."""

    report = models.OneToOneField(IntelReport, on_delete=models.CASCADE, related_name="sanitised")
    text = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    ACCESS_CATEGORY = "intelligence_sanitised"
    AUDIT_TYPE = "intel_sanitised"
    ACCESS_FIELDS = {
        "same_agency": ("report__agency_id",),
        "sharing_agreement": ("report__agency_id",),
        "handling_p": ("report__handling_code",),
        "granted": ("pk",),
    }

    def __str__(self) -> str:
        return f"sanitised {self.report_id}"

    @property
    def audit_owner_id(self) -> int | None:
        return self.report.submitted_by_id


class IntelEntity(models.Model):
    """A person, vehicle, phone or place a report mentions: as written, normalised, and linked (once an analyst
    confirms it) to the person or place in the people app."""

    report = models.ForeignKey(IntelReport, on_delete=models.CASCADE, related_name="entities")
    kind = models.CharField(max_length=10, choices=EntityKind.choices)
    text = models.CharField(max_length=200, help_text="as the submitter wrote it")
    value = models.CharField(max_length=200, db_index=True, help_text="E.164, a registration mark, or a name")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    place = models.ForeignKey("people.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    origin = models.CharField(max_length=10, choices=EntityOrigin.choices)
    confirmed = models.BooleanField(default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "value"]
        indexes = [models.Index(fields=["kind", "value"])]
        constraints = [
            models.UniqueConstraint(fields=["report", "kind", "value"], name="intel_entity_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class CorroborationNote(models.Model):
    """Another agency's word on a report, beside it: seen too, contradicted, or out of date."""

    report = models.ForeignKey(IntelReport, on_delete=models.CASCADE, related_name="corroborations")
    kind = models.CharField(max_length=20, choices=Corroboration.choices)
    note = models.TextField()
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on = models.DateField(help_text="when what they say was true")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.report_id}"


class AccessRequest(models.Model):
    """A practitioner who may only know a report exists asks the holding agency to see it."""

    report = models.ForeignKey(IntelReport, on_delete=models.CASCADE, related_name="access_requests")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    lawful_basis = models.TextField(blank=True)
    grant = models.ForeignKey("access.AccessGrant", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"request {self.pk} for {self.report_id} ({self.status})"


class PublicAddition(models.Model):
    """More from a member of the public, added later with their report's reference."""

    report = models.ForeignKey(IntelReport, on_delete=models.CASCADE, related_name="additions")
    text = models.TextField()
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_at"]

    def __str__(self) -> str:
        return f"addition to {self.report_id}"


class RateWindow(models.Model):
    """The salt for one short window of public-report rate limiting, deleted with its counts when the window
    passes, so no stored hash can be tied back to an address afterwards."""

    starts_at = models.DateTimeField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"rate window from {self.starts_at:%H:%M}"


class RateCount(models.Model):
    window = models.ForeignKey(RateWindow, on_delete=models.CASCADE, related_name="counts")
    key = models.CharField(max_length=64, help_text="salted SHA-256 of the sender's address")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["window", "key"], name="rate_count_once")]

    def __str__(self) -> str:
        return f"{self.count} in window {self.window_id}"
