from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.oversight.enums import (
    Audience,
    ComparatorMeasure,
    FeedbackChannel,
    FeedbackTheme,
    GeographicLevel,
    TrainingSource,
)


class TrainingCourse(models.Model):
    """A CSE course the partnership recognises, who it is for and how long a completion counts."""

    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    valid_months = models.PositiveSmallIntegerField(help_text="a completion lapses this many months after")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title


class TrainingRecord(models.Model):
    """One member of staff's completion of a course, entered by their manager or imported from their agency's
    learning system."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training")
    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="records")
    completed_on = models.DateField()
    lapses_on = models.DateField()
    source = models.CharField(max_length=10, choices=TrainingSource.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_on"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course", "completed_on"], name="training_completion_once"),
        ]

    ACCESS_CATEGORY = "training"
    AUDIT_TYPE = "training_record"
    ACCESS_FIELDS = {"same_agency": ("user__agency_id",), "record_owner": ("user_id",)}

    def __str__(self) -> str:
        return f"{self.course.code} {self.completed_on}"

    @property
    def audit_owner_id(self) -> int | None:
        return self.user_id


class EscalationLevel(models.Model):
    """One step of an agency's escalation chain: overdue work reaches this person (or, with no one named, the
    manager of the case's team) once it is this many working days late. Level 1 is the first to hear."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="escalation_levels")
    level = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=100, help_text="the post, such as 'Service manager'")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="empty: the manager of the case's team",
    )  # fmt: skip
    after_working_days = models.PositiveSmallIntegerField(help_text="working days overdue before this level hears")

    class Meta:
        ordering = ["agency", "level"]
        constraints = [models.UniqueConstraint(fields=["agency", "level"], name="escalation_level_once")]

    ACCESS_CATEGORY = "escalation_chain"
    AUDIT_TYPE = "escalation_level"
    ACCESS_FIELDS = {"same_agency": ("agency_id",)}

    def __str__(self) -> str:
        return f"{self.agency_id} level {self.level}: {self.title}"


class Escalation(models.Model):
    """A piece of work raised to a level of the agency's chain: by a manager from their dashboard, with a note,
    or by the escalation job once it has stayed overdue long enough. Raised once per piece of work and level."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    rule = models.CharField(max_length=24)
    item_key = models.CharField(max_length=64)
    level = models.PositiveSmallIntegerField()
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="escalations")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="empty: raised by the escalation job",
    )  # fmt: skip
    raised_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        # Once per recipient: a level meaning "the case's team manager" may mean several (a team with no manager).
        constraints = [
            models.UniqueConstraint(fields=["rule", "item_key", "level", "recipient"], name="escalation_once"),
        ]

    AUDIT_TYPE = "escalation"

    def __str__(self) -> str:
        return f"escalation {self.pk}"


class Digest(models.Model):
    """One user's daily digest: what is due and overdue on their work (and, for a manager, their team's), as
    shown in Lantern and emailed. One per user per day, so re-running the job sends nothing twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests")
    day = models.DateField()
    overdue = models.PositiveIntegerField()
    due_soon = models.PositiveIntegerField()
    items = models.JSONField(default=list, help_text="rule, label, case id, due date and status of each item")
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_a_day")]

    AUDIT_TYPE = "digest"

    def __str__(self) -> str:
        return f"digest {self.user_id} {self.day}"


class Feedback(models.Model):
    """What a practitioner or young person tells the partnership board, and the board's published answer.
    Anonymous feedback stores nothing that identifies its author: no user, no agency, no address, only the day."""

    reference = models.CharField(max_length=12, unique=True, help_text="shown to the author to find the answer")
    channel = models.CharField(max_length=16, choices=FeedbackChannel.choices)
    theme = models.CharField(max_length=16, choices=FeedbackTheme.choices)
    text = models.TextField()
    submitted_on = models.DateField(default=timezone.localdate)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="empty when anonymous",
    )  # fmt: skip
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    published = models.BooleanField(default=False, help_text="the board's answer is shown on the public page")

    class Meta:
        ordering = ["-submitted_on", "-pk"]

    AUDIT_TYPE = "feedback"

    def __str__(self) -> str:
        return f"feedback {self.reference}"


class ComparatorFigure(models.Model):
    """A published timeliness figure for England, a region or a local authority, from a DfE "Children in need"
    data file: how many of the year's assessments (or conferences) were within the timescale, of how many."""

    measure = models.CharField(max_length=20, choices=ComparatorMeasure.choices)
    period = models.CharField(max_length=9, help_text="the file's time_period: the year ending 31 March")
    level = models.CharField(max_length=16, choices=GeographicLevel.choices)
    area_code = models.CharField(max_length=9, help_text="E92000001, a region's E12 code, or the LA's new_la_code")
    area_name = models.CharField(max_length=100)
    within = models.PositiveIntegerField(null=True, blank=True, help_text="empty where the file suppresses it")
    total = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=200, help_text="the file it came from")
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["measure", "period", "level", "area_code"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period", "area_code"], name="comparator_figure_once"),
        ]

    AUDIT_TYPE = "comparator_figure"

    def __str__(self) -> str:
        return f"{self.measure} {self.period} {self.area_code}"

    @property
    def share(self) -> float | None:
        return self.within / self.total if self.within is not None and self.total else None
