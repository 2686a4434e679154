from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.oversight.enums import Audience, TrainingSource


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
