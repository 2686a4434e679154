from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.people.enums import (
    AliasKind,
    IdentifierScheme,
    LinkOrigin,
    PersonKind,
    PersonStatus,
    PlaceKind,
    RecordCategory,
    ReviewStatus,
    RunStatus,
    Sex,
)


class Person(models.Model):
    """A resolved individual: everything the agencies' source records say about one child or adult."""

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
    is_professional = models.BooleanField(default=False, help_text="A professional, named in records as such.")
    status = models.CharField(max_length=10, choices=PersonStatus.choices, default=PersonStatus.ACTIVE)

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


class SourceRecord(models.Model):
    """One agency's view of a person: its own reference, the names and date of birth it holds, what it
    recorded and when. Aliases, phones, vehicles, addresses, identifiers and places hang off it, so every
    fact carries its provenance: which agency, which record, when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="records")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    source_id = models.CharField("agency's reference", max_length=64, blank=True)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    dob_year = models.PositiveSmallIntegerField(null=True, blank=True)
    dob_month = models.PositiveSmallIntegerField(null=True, blank=True)
    dob_day = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
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
            models.UniqueConstraint(
                fields=["agency", "source_id"], condition=~models.Q(source_id=""), name="record_source_id_once"
            ),
            models.CheckConstraint(
                condition=models.Q(dob_day__isnull=True) | models.Q(dob_month__isnull=False),
                name="record_dob_day_needs_month",
            ),
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

    @property
    def dob_display(self) -> str:
        """The date of birth as precisely as the agency knows it: 2011, 2011-05 or 2011-05-17."""
        parts = [f"{self.dob_year:04d}" if self.dob_year else ""]
        parts += [f"{v:02d}" for v in (self.dob_month, self.dob_day) if v]
        return "-".join(p for p in parts if p)


class Allocation(models.Model):
    """A practitioner allocated to a person: the 'need to know' behind allocated access."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="allocations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="allocations")
    allocated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "user"], name="allocation_once")]

    def __str__(self) -> str:
        return f"{self.user_id} allocated to {self.person_id}"


class RecordPart(models.Model):
    """A fact one source record holds; its provenance is the record's agency, reference and time."""

    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class Alias(RecordPart):
    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=AliasKind.choices)

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Identifier(RecordPart):
    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=20, choices=IdentifierScheme.choices)
    value = models.CharField(max_length=32)

    class Meta:
        indexes = [models.Index(fields=["scheme", "value"])]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.value}"


class Phone(RecordPart):
    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(max_length=20, db_index=True, help_text="E.164")

    def __str__(self) -> str:
        return self.number


class Vehicle(RecordPart):
    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="vehicles")
    vrm = models.CharField("registration mark", max_length=10, db_index=True)
    description = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return self.vrm


class Address(RecordPart):
    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="addresses")
    text = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=8, db_index=True, blank=True)

    def __str__(self) -> str:
        return ", ".join(part for part in (self.text, self.postcode) if part)


class Place(models.Model):
    """A named location in the intelligence picture: a takeaway, a park, a hotel, a flat above a shop."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=PlaceKind.choices)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    ward = models.ForeignKey(
        "locality.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"kind": "ward"},
        related_name="places",
    )
    postcode = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlaceMention(RecordPart):
    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="places")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="mentions")
    note = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.place} ({self.note})" if self.note else str(self.place)


class LinkageRun(models.Model):
    """One identity-resolution run over the database, with the progress the UI shows."""

    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    stage = models.CharField(max_length=40, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"linkage run {self.pk} ({self.status})"


class RecordPair(models.Model):
    """Two source records the linkage model compared, with its evidence; kept in a canonical order."""

    record_a = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    evidence = models.JSONField(default=list, help_text="[{comparison, level, weight}] from the model")
    run = models.ForeignKey(LinkageRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class RecordLink(RecordPair):
    """Why two records belong to one person: linked automatically or accepted on review."""

    origin = models.CharField(max_length=10, choices=LinkOrigin.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record_a", "record_b"], name="record_link_once")]

    def __str__(self) -> str:
        return f"{self.record_a_id} ~ {self.record_b_id} ({self.origin})"


class LinkReview(RecordPair):
    """A pair the model was unsure of, waiting for a practitioner to decide."""

    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-match_probability"]
        constraints = [models.UniqueConstraint(fields=["record_a", "record_b"], name="link_review_once")]

    def __str__(self) -> str:
        return f"review {self.record_a_id} ~ {self.record_b_id} ({self.status})"


class Merge(models.Model):
    """Two persons made one. Keeps what unmerge needs to restore both exactly."""

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    absorbed_id = models.UUIDField()
    absorbed_snapshot = models.JSONField(help_text="the absorbed person's fields, as they were")
    kept_snapshot = models.JSONField(help_text="the kept person's fields, as they were")
    moved_record_ids = models.JSONField()
    dependents = models.JSONField(
        default=dict, blank=True, help_text="rows other apps moved with the merge, by app, for unmerge to move back"
    )
    review = models.ForeignKey(LinkReview, on_delete=models.SET_NULL, null=True, blank=True, related_name="merges")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="empty when a linkage run merged automatically",
    )  # fmt: skip
    run = models.ForeignKey(LinkageRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="merges")
    reason = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undo_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"merge of {self.absorbed_id} into {self.kept_id}"


class SearchDocument(models.Model):
    """Everything one person can be found by, as terms tagged with the agency whose record holds them
    (``lantern.people.search``), and their name for ordering results. Searched through a full-text index:
    a tsvector column with a GIN index on PostgreSQL, an FTS5 table on SQLite (both made by migration 0004).
    Rebuilt whenever the person's records, names or merges change; a merged person has none."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="+")
    family_name = models.CharField(max_length=100)
    given_name = models.CharField(max_length=100)
    terms = models.TextField(help_text="space-separated agency:kind:value terms")

    def __str__(self) -> str:
        return f"search document of {self.person_id}"
