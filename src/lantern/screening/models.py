"""A child's CSE screening: the indicators agencies raise, the level decisions that form the risk history, and
the tasks triggers open. Nothing is deleted: an indicator that no longer applies is marked not current, and a
level is changed by a later decision.

`Screening` carries the access facts (held by the social-care agency that leads). Indicators carry their own,
because a sexual-health indicator health raises is sexual-health detail (`Category.SEXUAL_HEALTH`): others see
only that health holds information that counts, never which indicator or its weight.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.screening.enums import Evidence, IndicatorKind, Level, Trigger

_USER = settings.AUTH_USER_MODEL


class Screening(models.Model):
    """One child's screening, held by the social-care agency that leads it."""

    child = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="screening")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    ACCESS_CATEGORY = "screening"
    AUDIT_TYPE = "screening"
    ACCESS_FIELDS = {
        "same_agency": ("agency_id",),
        "sharing_agreement": ("agency_id",),
        "allocated": ("child__allocations__user_id",),
        "record_owner": ("indicators__raised_by_id",),
    }

    def __str__(self) -> str:
        return f"screening {self.pk}"


class Indicator(models.Model):
    """One agency's indicator for the child: what, when, on what evidence, and whether it still applies."""

    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="indicators")
    kind = models.CharField(max_length=20, choices=IndicatorKind.choices)
    category = models.CharField(
        max_length=20,
        choices=[("screening", "Screening"), ("sexual_health", "Sexual-health detail")],
        default="screening",
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    observed_on = models.DateField(help_text="when it was seen or happened (SCR-RECENCY counts from here)")
    current = models.BooleanField(default=False, help_text="still happening: counts in full whatever its date")
    evidence = models.CharField(max_length=20, choices=Evidence.choices)
    intel_report = models.ForeignKey(
        "intel.IntelReport", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    missing_episodes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="for going missing: episodes in the 90 days to the date observed, as known"
    )
    detail = models.TextField()

    class Meta:
        ordering = ["-observed_on", "-pk"]

    ACCESS_CATEGORY_FIELD = "category"
    ACCESS_CATEGORIES = ("screening", "sexual_health")
    ACCESS_PARENT = "screening"
    AUDIT_TYPE = "screening_indicator"
    # The facts below decide sexual-health indicators (the agency that raised one holds the detail). Other
    # indicators are read with their screening: whoever may see the screening sees them.
    ACCESS_FIELDS = {
        "same_agency": ("agency_id",),
        "sharing_agreement": ("agency_id",),
        "allocated": ("screening__child__allocations__user_id",),
        "statutory_trigger": ("screening__child__statutory_enquiry_open",),
        "record_owner": ("raised_by_id",),
    }

    def __str__(self) -> str:
        return f"indicator {self.pk}"

    @property
    def audit_owner_id(self) -> int | None:
        return self.raised_by_id


class LevelDecision(models.Model):
    """The level a registered social worker or manager decided, beside the score and level computed at the
    time and the reasoning; the decisions in order are the child's risk history."""

    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="decisions")
    score = models.PositiveSmallIntegerField()
    computed_level = models.CharField(max_length=12, choices=Level.choices)
    level = models.CharField(max_length=12, choices=Level.choices)
    reasoning = models.TextField(help_text="how the score was reached, in plain words, at the time")
    reason = models.TextField(blank=True, help_text="the practitioner's reason for moving the level")
    manager_agreed_by = models.ForeignKey(_USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    immediate_risk = models.BooleanField(default=False)
    decided_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "pk"]
        indexes = [models.Index(fields=["decided_at"])]

    AUDIT_TYPE = "screening_decision"

    def __str__(self) -> str:
        return f"level decision {self.pk}"


class ScreeningTask(models.Model):
    """Work a trigger opened: screen the child (SCR-TRIGGERS), or hold a strategy discussion (LOCAL-STRAT-3).
    Opened once per occurrence (`occurrence`), so a sweep over the same facts opens nothing new."""

    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="tasks")
    rule = models.CharField(max_length=24)
    trigger = models.CharField(max_length=24, choices=Trigger.choices)
    occurrence = models.CharField(max_length=80, help_text="what fact opened it, e.g. 'episode:12'")
    reason = models.CharField(max_length=500)
    opened_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    immediate_risk = models.BooleanField(default=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    strategy_discussion = models.ForeignKey(
        "cases.StrategyDiscussion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_by = models.ForeignKey(_USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    done_note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["screening", "trigger", "occurrence"], name="screening_task_once"),
        ]

    AUDIT_TYPE = "screening_task"

    def __str__(self) -> str:
        return f"screening task {self.pk}"
