"""Reads of the oversight app, through `access`: a member of staff's own training, a manager's team's gaps, and
training coverage by agency and role (an aggregate with no child in it)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Max, QuerySet
from django.utils import timezone

from lantern.access.policy import Action, Category, require, scope
from lantern.access.roles import Role
from lantern.accounts.models import User
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.oversight.enums import AUDIENCE_ROLES, LAPSING_DAYS, TrainingState
from lantern.oversight.models import TrainingCourse, TrainingRecord


@dataclass(frozen=True)
class Standing:
    """Where one person stands on one course they need."""

    user: User
    course: TrainingCourse
    state: TrainingState
    lapses_on: dt.date | None


@dataclass(frozen=True)
class Coverage:
    agency: str
    role: Role
    staff: int
    current: int  # every course the role needs is current (lapsing soon still counts)
    lapsing: int
    lapsed: int
    never: int

    @property
    def share(self) -> float:
        return self.current / self.staff if self.staff else 0.0


def required_courses(role: str, courses: list[TrainingCourse]) -> list[TrainingCourse]:
    return [c for c in courses if role in AUDIENCE_ROLES.get(c.audience, frozenset())]


def _state(lapses_on: dt.date | None, today: dt.date) -> TrainingState:
    if lapses_on is None:
        return TrainingState.NEVER
    if lapses_on <= today:
        return TrainingState.LAPSED
    if lapses_on <= today + dt.timedelta(days=LAPSING_DAYS):
        return TrainingState.LAPSING
    return TrainingState.CURRENT


def _latest(users: QuerySet[User]) -> dict[tuple[int, int], dt.date]:
    """Each person's latest lapse date per course (a later completion renews an earlier one)."""
    rows = (
        TrainingRecord.objects.filter(user__in=users)
        .values("user_id", "course_id")
        .annotate(lapses_on=Max("lapses_on"))
        .values_list("user_id", "course_id", "lapses_on")
    )
    return {(user_id, course_id): lapses_on for user_id, course_id, lapses_on in rows}


def training_list(*, actor: User) -> QuerySet[TrainingRecord]:
    """The completions the actor may see (their own; a manager's agency's staff)."""
    require(actor, Action.VIEW, Category.TRAINING, purpose="view CSE training records")
    records = scope(actor, TrainingRecord.objects.select_related("user", "course"))
    audit_record(actor=actor, action=AuditAction.VIEW, object_type="training_record", outcome=Outcome.SUCCESS,
                 purpose="view CSE training records", detail={"count": records.count()})  # fmt: skip
    return records


def team_training_gaps(*, actor: User, today: dt.date | None = None) -> list[Standing]:
    """For each member of the teams the actor manages, each course their role needs that is not current
    (never completed, lapsed, or lapsing within LAPSING_DAYS), most urgent first."""
    purpose = "see the team's CSE training gaps"
    require(actor, Action.VIEW, Category.TRAINING, purpose=purpose)
    today = today or timezone.localdate()
    members = training_team_members(actor=actor)
    courses = list(TrainingCourse.objects.all())
    latest = _latest(members)
    gaps = []
    for member in members.order_by("last_name", "first_name", "username"):
        for course in required_courses(member.role, courses):
            lapses_on = latest.get((member.pk, course.pk))
            state = _state(lapses_on, today)
            if state is not TrainingState.CURRENT:
                gaps.append(Standing(member, course, state, lapses_on))
    order = [TrainingState.NEVER, TrainingState.LAPSED, TrainingState.LAPSING]
    gaps.sort(key=lambda g: (order.index(g.state), g.lapses_on or dt.date.min, g.user.username))
    audit_record(actor=actor, action=AuditAction.VIEW, object_type="training_record", purpose=purpose,
                 outcome=Outcome.SUCCESS, detail={"members": members.count(), "gaps": len(gaps)})  # fmt: skip
    return gaps


def training_team_members(*, actor: User) -> QuerySet[User]:
    """The members of the teams the actor manages, in the actor's own agency: those whose records the SAME_AGENCY
    grant lets a manager see and record."""
    members = User.objects.filter(team__manager=actor, agency=actor.agency, is_active=True).exclude(pk=actor.pk)
    return members.order_by("last_name", "first_name", "username")


@dataclass(frozen=True)
class OwnTraining:
    standings: list[Standing]  # each course the actor's role needs, and where they stand on it
    records: list[TrainingRecord]  # every completion held for them, newest first


def training_own(*, actor: User, today: dt.date | None = None) -> OwnTraining:
    """A member of staff's own CSE training: each course their role needs, its state and when it lapses, and every
    completion held for them."""
    purpose = "see my CSE training"
    require(actor, Action.VIEW, Category.TRAINING, purpose=purpose)
    today = today or timezone.localdate()
    records = list(scope(actor, TrainingRecord.objects.select_related("course")).filter(user=actor))
    latest: dict[int, dt.date] = {}
    for record in records:
        latest[record.course_id] = max(record.lapses_on, latest.get(record.course_id, record.lapses_on))
    standings = [
        Standing(actor, course, _state(latest.get(course.pk), today), latest.get(course.pk))
        for course in required_courses(actor.role, list(TrainingCourse.objects.all()))
    ]
    audit_record(actor=actor, action=AuditAction.VIEW, object_type="training_record", purpose=purpose,
                 outcome=Outcome.SUCCESS, detail={"count": len(records)})  # fmt: skip
    return OwnTraining(standings=standings, records=records)


def training_coverage(*, actor: User, today: dt.date | None = None) -> list[Coverage]:
    """For each agency and role that needs CSE training: how many staff hold every course the role needs, how
    many lapse soon, have lapsed or never completed one. Counts of staff, not of children."""
    require(actor, Action.VIEW, Category.AGGREGATE, purpose="see CSE training coverage")
    today = today or timezone.localdate()
    courses = list(TrainingCourse.objects.all())
    staff = User.objects.filter(is_active=True, agency__isnull=False).select_related("agency")
    latest = _latest(staff)
    tally: dict[tuple[str, str], dict[TrainingState, int]] = defaultdict(lambda: dict.fromkeys(TrainingState, 0))
    for user in staff:
        needed = required_courses(user.role, courses)
        if not needed:
            continue
        states = [_state(latest.get((user.pk, c.pk)), today) for c in needed]
        worst = max(states, key=[TrainingState.CURRENT, TrainingState.LAPSING, TrainingState.LAPSED,
                                 TrainingState.NEVER].index)  # fmt: skip
        tally[(user.agency_code, user.role)][worst] += 1
    rows = []
    for (agency, role), counts in sorted(tally.items()):
        lapsing = counts[TrainingState.LAPSING]
        rows.append(Coverage(agency, Role(role), sum(counts.values()), counts[TrainingState.CURRENT] + lapsing,
                             lapsing, counts[TrainingState.LAPSED], counts[TrainingState.NEVER]))  # fmt: skip
    return rows
