from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone


class SharingAgreement(models.Model):
    """An information-sharing agreement: what a provider agency may share with a recipient, and why."""

    title = models.CharField(max_length=200)
    provider = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="agreements_out")
    recipient = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="agreements_in")
    lawful_basis = models.TextField()
    categories = models.JSONField(help_text="Object categories (access.policy.Category) covered.")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["provider__code", "recipient__code", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="agreement_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}: {self.provider.code} → {self.recipient.code}"

    def in_force_on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class BreakGlass(models.Model):
    """Emergency access to one record outside normal access: reasoned, time-limited, reviewed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass")
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    reason = models.TextField()
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["user", "object_type", "object_id", "expires_at"])]

    def __str__(self) -> str:
        return f"break glass by {self.user_id} on {self.object_type} {self.object_id}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()


class AccessGrant(models.Model):
    """One named user may view one row until a set time: given by the agency holding it, with a reason and the
    lawful basis relied on (a release of intelligence in answer to a request, a sharing decision)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_grants")
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    lawful_basis = models.TextField()
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["user", "object_type", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id} released to {self.user_id} until {self.expires_at:%Y-%m-%d}"
