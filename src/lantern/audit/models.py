from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    """One row of the append-only, hash-chained audit log.

    Actor and object are plain references, not foreign keys, so rows outlive what they describe.
    `seq` is gap-free (taken under the head lock), so a deleted row shows as a gap; `hash` covers the
    row's canonical encoding and the previous row's hash, so an edited or reordered row breaks the chain.
    """

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True)
    actor_username = models.CharField(max_length=150, blank=True)
    agency = models.CharField(max_length=32, blank=True)
    role = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=20)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_owner_id = models.BigIntegerField(null=True)
    purpose = models.CharField(max_length=500, blank=True)
    outcome = models.CharField(max_length=20)
    detail = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor_username", "at"]),
            models.Index(fields=["object_owner_id", "at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type} {self.object_id} by {self.actor_username}"

    ACCESS_CATEGORY = "audit_log"
    AUDIT_TYPE = "audit_event"
    ACCESS_FIELDS = {"record_owner": ("object_owner_id",)}


class AuditHead(models.Model):
    """The chain's head (one row): serialises appends and exposes a truncated tail."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit head at #{self.seq}"
