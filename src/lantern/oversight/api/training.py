"""CSE training over the JSON API: a member of staff's own completions (a manager's agency's), recording and
importing completions (the CSV an agency's learning system exports), a manager's team's gaps, and coverage by
agency and role for partners' reporting tools."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status

from lantern.access.policy import Action, Category, refuse_missing
from lantern.access.registry import guards
from lantern.accounts.models import User
from lantern.oversight import selectors, services
from lantern.oversight.models import TrainingCourse
from lantern.web.actor import signed_in_user

router = Router()


class TrainingOut(Schema):
    username: str
    course: str
    completed_on: dt.date
    lapses_on: dt.date
    source: str


class TrainingList(Schema):
    items: list[TrainingOut]
    count: int


class TrainingIn(Schema):
    username: str
    course: str
    completed_on: dt.date | None = None


class ImportIn(Schema):
    csv: str


class ImportOut(Schema):
    created: int
    unchanged: int


class GapOut(Schema):
    username: str
    name: str
    role: str
    course: str
    state: str
    lapses_on: dt.date | None


class CoverageOut(Schema):
    agency: str
    role: str
    staff: int
    current: int
    lapsing: int
    lapsed: int
    never: int


@router.get("/training", response=TrainingList, summary="CSE training completions the caller may see")
@guards(Category.TRAINING)
def training(request: HttpRequest) -> TrainingList:
    records = selectors.training_list(actor=signed_in_user(request))
    items = [TrainingOut(username=r.user.username, course=r.course.code, completed_on=r.completed_on,
                         lapses_on=r.lapses_on, source=r.source) for r in records]  # fmt: skip
    return TrainingList(items=items, count=len(items))


@router.post("/training", response={201: TrainingOut}, summary="Record that a member of staff completed a course")
@guards(Category.TRAINING)
def training_create(request: HttpRequest, payload: TrainingIn) -> Status[TrainingOut]:
    actor = signed_in_user(request)
    purpose = "record CSE training"
    trainee = User.objects.filter(username=payload.username, agency=actor.agency).first()
    course = TrainingCourse.objects.filter(code=payload.course).first()
    if trainee is None:
        refuse_missing(actor, Action.CREATE, "user", payload.username, purpose=purpose)
    if course is None:
        raise ValidationError({"course": f"Unknown course {payload.course!r}"})
    record = services.training_record(actor=actor, user=trainee, course=course, completed_on=payload.completed_on)
    return Status(201, TrainingOut(username=trainee.username, course=course.code, completed_on=record.completed_on,
                                   lapses_on=record.lapses_on, source=record.source))  # fmt: skip


@router.post("/training/import", response={200: ImportOut}, summary="Import a learning system's CSV (all or nothing)")
@guards(Category.TRAINING)
def training_import(request: HttpRequest, payload: ImportIn) -> ImportOut:
    result = services.training_import(actor=signed_in_user(request), text=payload.csv)
    return ImportOut(created=result.created, unchanged=result.unchanged)


@router.get("/training/gaps", response=list[GapOut], summary="A manager's team: courses not current, most urgent first")
@guards(Category.TRAINING)
def gaps(request: HttpRequest) -> list[GapOut]:
    return [
        GapOut(username=g.user.username, name=g.user.get_full_name(), role=g.user.role, course=g.course.code,
               state=g.state, lapses_on=g.lapses_on)
        for g in selectors.team_training_gaps(actor=signed_in_user(request))
    ]  # fmt: skip


@router.get("/training/coverage", response=list[CoverageOut], summary="CSE training coverage by agency and role")
@guards(Category.AGGREGATE)
def coverage(request: HttpRequest) -> list[CoverageOut]:
    return [
        CoverageOut(agency=c.agency, role=c.role, staff=c.staff, current=c.current, lapsing=c.lapsing,
                    lapsed=c.lapsed, never=c.never)
        for c in selectors.training_coverage(actor=signed_in_user(request))
    ]  # fmt: skip
