from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.network.enums import AssociationKind, BuildStatus, EvidenceKind, LinkKind


class Association(models.Model):
    """Two people an agency records as linked (seen together, known associates): the links between people
    that no single report or record states, such as an officer's observation of a child with an adult."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person_a = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    person_b = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=AssociationKind.choices)
    observed_on = models.DateField(help_text="when the association was seen or known")
    note = models.TextField()
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    handling_code = models.CharField(max_length=1, choices=[("P", "P: may be shared"), ("C", "C: conditions")])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-observed_on"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(person_a=models.F("person_b")), name="association_two_people"),
            models.CheckConstraint(condition=models.Q(handling_code__in=["P", "C"]), name="association_handling_code"),
        ]

    # An agency's record about people, shared as its records are.
    ACCESS_CATEGORY = "agency_record"
    AUDIT_TYPE = "association"
    ACCESS_FIELDS = {
        "same_agency": ("agency_id",),
        "sharing_agreement": ("agency_id",),
        "handling_p": ("handling_code",),
        "allocated": ("person_a__allocations__user_id", "person_b__allocations__user_id"),
        "record_owner": ("recorded_by_id",),
    }

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.observed_on})"

    @property
    def audit_owner_id(self) -> int | None:
        return self.recorded_by_id


class Link(models.Model):
    """One piece of evidence that two nodes are linked: the graph, kept in the database so that every read can be
    scoped by `access` through the evidence row (the record, report or association) it comes from. Derived
    wholly from those rows by `network.services`; never edited by hand."""

    source = models.CharField(max_length=60, help_text="node key, such as person:<uuid> or report:<uuid>")
    target = models.CharField(max_length=60)
    kind = models.CharField(max_length=12, choices=LinkKind.choices)
    on = models.DateField(help_text="when the evidence says the link held")
    evidence = models.CharField(max_length=16, choices=EvidenceKind.choices)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="+")
    record = models.ForeignKey("people.SourceRecord", on_delete=models.CASCADE, null=True, related_name="+")
    report = models.ForeignKey("intel.IntelReport", on_delete=models.CASCADE, null=True, related_name="+")
    association = models.ForeignKey(Association, on_delete=models.CASCADE, null=True, related_name="+")
    # The people at either end, so a link to someone the reader may not see is dropped with them.
    source_person = models.ForeignKey("people.Person", on_delete=models.CASCADE, null=True, related_name="+")
    target_person = models.ForeignKey("people.Person", on_delete=models.CASCADE, null=True, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["source"]),
            models.Index(fields=["target"]),
            models.Index(fields=["on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(evidence="agency_record", record__isnull=False)
                    | models.Q(evidence="intel_report", report__isnull=False)
                    | models.Q(evidence="association", association__isnull=False)
                ),
                name="network_link_has_evidence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} -{self.kind}- {self.target}"


class GraphBuild(models.Model):
    """A rebuild of the whole link table from the records, reports and associations, with its progress."""

    status = models.CharField(max_length=10, choices=BuildStatus.choices, default=BuildStatus.QUEUED)
    stage = models.CharField(max_length=40, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    ACCESS_CATEGORY = "network"
    AUDIT_TYPE = "network_build"

    def __str__(self) -> str:
        return f"network build {self.pk} ({self.status})"
