"""Writes of the oversight app: CSE training completions, entered by a team manager or imported from an agency's
learning system (a CSV of username, course and date: all or nothing, and the same file twice adds nothing)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from lantern.access.policy import Action, Category, Draft, require
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.calendar.deadlines import add_months
from lantern.oversight.enums import TrainingSource
from lantern.oversight.models import TrainingCourse, TrainingRecord
from lantern.validation import Errors, refuse_if_any

if TYPE_CHECKING:
    from lantern.accounts.models import User

COLUMNS = ("username", "course", "completed_on")


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


class ImportRefused(Exception):  # noqa: N818 - a refusal with its row-level report, answered 422
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s): nothing was imported")
        self.errors = errors


@dataclass(frozen=True)
class ImportResult:
    created: int
    unchanged: int


def _lapses(course: TrainingCourse, completed_on: dt.date) -> dt.date:
    return add_months(completed_on, course.valid_months)


def _checked_date(value: dt.date | None, errors: Errors, field: str = "completed_on") -> dt.date | None:
    if value is None:
        errors[field] = "Enter the date the course was completed"
    elif value > timezone.localdate():
        errors[field] = "The date the course was completed must be today or in the past"
    return value


def training_record(*, actor: User, user: User, course: TrainingCourse, completed_on: dt.date | None) -> TrainingRecord:
    """A manager records that a member of their agency's staff completed a course."""
    purpose = "record CSE training"
    require(actor, Action.CREATE, Draft(Category.TRAINING, user.agency_id), purpose=purpose)
    errors: Errors = {}
    _checked_date(completed_on, errors)
    refuse_if_any(errors)
    assert completed_on is not None  # noqa: S101 - refused above
    with transaction.atomic():
        record, created = TrainingRecord.objects.get_or_create(
            user=user, course=course, completed_on=completed_on,
            defaults={"lapses_on": _lapses(course, completed_on), "source": TrainingSource.ENTERED,
                      "recorded_by": actor},
        )  # fmt: skip
        if created:
            audit_record(actor=actor, action=AuditAction.CREATE, target=record, purpose=purpose,
                         outcome=Outcome.SUCCESS, detail={"user": user.username, "course": course.code})  # fmt: skip
    return record


def training_import(*, actor: User, text: str) -> ImportResult:
    """Import completions for the actor's agency's staff. Every row is checked before anything is written; a row
    already held (same person, course and date) is left as it is."""
    from lantern.accounts.models import User  # noqa: PLC0415 - accounts is upstream; imported where it is used

    purpose = "import CSE training from a learning system"
    require(actor, Action.CREATE, Draft(Category.TRAINING, actor.agency_id), purpose=purpose)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportRefused([RowError(1, "header", f"The file needs the columns {', '.join(COLUMNS)}; "
                                                   f"missing: {', '.join(missing)}")])  # fmt: skip
    staff = {u.username.lower(): u for u in User.objects.filter(agency=actor.agency, is_active=True)}
    courses = {c.code: c for c in TrainingCourse.objects.all()}
    errors: list[RowError] = []
    wanted: dict[tuple[int, int, dt.date], tuple[User, TrainingCourse, dt.date]] = {}
    for line, row in enumerate(reader, start=2):
        username, code, when = (row.get(c) or "" for c in COLUMNS)
        user = staff.get(username.strip().lower())
        course = courses.get(code.strip())
        if user is None:
            errors.append(RowError(line, "username", f"No member of your agency's staff has the username "
                                                     f"{username.strip()!r}"))  # fmt: skip
        if course is None:
            errors.append(RowError(line, "course", f"Unknown course {code.strip()!r}: use one of "
                                                   f"{', '.join(sorted(courses))}"))  # fmt: skip
        try:
            completed_on = dt.date.fromisoformat(when.strip())
        except ValueError:
            errors.append(RowError(line, "completed_on", f"{when.strip()!r} is not a date: write YYYY-MM-DD"))
            continue
        if completed_on > timezone.localdate():
            errors.append(RowError(line, "completed_on", "The date is in the future"))
        if user is not None and course is not None:
            wanted[(user.pk, course.pk, completed_on)] = (user, course, completed_on)
    if errors:
        raise ImportRefused(errors)
    created = 0
    with transaction.atomic():
        for user, course, completed_on in wanted.values():
            record, made = TrainingRecord.objects.get_or_create(
                user=user, course=course, completed_on=completed_on,
                defaults={"lapses_on": _lapses(course, completed_on), "source": TrainingSource.IMPORTED,
                          "recorded_by": actor},
            )  # fmt: skip
            if made:
                created += 1
                detail = {"user": user.username, "course": course.code}
                audit_record(actor=actor, action=AuditAction.IMPORT, target=record, purpose=purpose,
                             outcome=Outcome.SUCCESS, detail=detail)  # fmt: skip
    return ImportResult(created=created, unchanged=len(wanted) - created)
