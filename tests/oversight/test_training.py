"""CSE training records: entered by a manager or imported from a learning system (all or nothing, idempotent),
lapsing after the course's months, a manager's team's gaps, and coverage by agency and role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from lantern.access.policy import AccessDenied
from lantern.access.roles import PRACTITIONERS
from lantern.accounts.models import User
from lantern.audit.models import AuditEvent
from lantern.demo.generator import ensure_organisation
from lantern.oversight.enums import TrainingState
from lantern.oversight.models import TrainingCourse, TrainingRecord
from lantern.oversight.selectors import team_training_gaps, training_coverage, training_list
from lantern.oversight.services import ImportRefused, training_import, training_record

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def users() -> dict[str, User]:
    ensure_organisation()
    return {u.username: u for u in User.objects.all()}


def course(code: str) -> TrainingCourse:
    return TrainingCourse.objects.get(code=code)


def test_the_courses_are_seeded_for_practitioners_and_managers() -> None:
    assert dict(TrainingCourse.objects.values_list("code", "audience")) == {
        "cse-awareness": "practitioners", "cse-leading": "managers",
    }  # fmt: skip


def test_a_completion_lapses_after_the_course_months_counted_as_calendar_months(users: dict[str, User]) -> None:
    made = training_record(actor=users["tm1"], user=users["sw1"], course=course("cse-awareness"),
                           completed_on=dt.date(2024, 2, 29))  # fmt: skip
    assert made.lapses_on == dt.date(2027, 2, 28)
    assert made.source == "entered"
    assert AuditEvent.objects.filter(action="create", object_type="training_record", object_id=str(made.pk)).exists()
    again = training_record(actor=users["tm1"], user=users["sw1"], course=course("cse-awareness"),
                            completed_on=dt.date(2024, 2, 29))  # fmt: skip
    assert again.pk == made.pk
    assert TrainingRecord.objects.count() == 1


@pytest.mark.parametrize("completed_on", [None, dt.date(2999, 1, 1)], ids=["missing", "future"])
def test_a_completion_needs_a_past_date(users: dict[str, User], completed_on: dt.date | None) -> None:
    with pytest.raises(ValidationError) as refused:
        training_record(actor=users["tm1"], user=users["sw1"], course=course("cse-awareness"),
                        completed_on=completed_on)  # fmt: skip
    assert "completed_on" in refused.value.message_dict
    assert not TrainingRecord.objects.exists()


@pytest.mark.parametrize("actor", ["sw1", "cse1", "board1"])
def test_only_a_manager_of_the_same_agency_records_a_completion(users: dict[str, User], actor: str) -> None:
    with pytest.raises(AccessDenied):
        training_record(actor=users[actor], user=users["sw2"], course=course("cse-awareness"),
                        completed_on=dt.date(2025, 1, 1))  # fmt: skip
    assert not TrainingRecord.objects.exists()
    assert AuditEvent.objects.filter(action="denied", outcome="denied").exists()


GOOD = (
    "username,course,completed_on\n"
    "sw1,cse-awareness,2025-03-01\n"
    "SW2,cse-awareness,2021-01-10\n"
    "tm1,cse-leading,2024-06-30\n"
)


def test_an_import_adds_each_completion_once_and_a_second_run_adds_nothing(users: dict[str, User]) -> None:
    first = training_import(actor=users["admin1"], text=GOOD)
    assert (first.created, first.unchanged) == (3, 0)
    assert set(TrainingRecord.objects.values_list("user__username", "course__code", "source")) == {
        ("sw1", "cse-awareness", "imported"), ("sw2", "cse-awareness", "imported"), ("tm1", "cse-leading", "imported"),
    }  # fmt: skip
    assert AuditEvent.objects.filter(action="import", object_type="training_record").count() == 3
    second = training_import(actor=users["admin1"], text=GOOD)
    assert (second.created, second.unchanged) == (0, 3)
    assert TrainingRecord.objects.count() == 3


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ("nobody,cse-awareness,2025-01-01", "username", "No member of your agency's staff"),
        ("cse1,cse-awareness,2025-01-01", "username", "No member of your agency's staff"),  # another agency's
        ("sw1,cse-101,2025-01-01", "course", "Unknown course"),
        ("sw1,cse-awareness,01/02/2025", "completed_on", "not a date"),
        ("sw1,cse-awareness,2999-01-01", "completed_on", "future"),
    ],
)
def test_a_bad_row_refuses_the_whole_file_with_its_line(
    users: dict[str, User], row: str, field: str, words: str
) -> None:
    with pytest.raises(ImportRefused) as refused:
        training_import(actor=users["tm1"], text=GOOD + row + "\n")
    [problem] = refused.value.errors
    assert (problem.line, problem.field) == (5, field)
    assert words in problem.message
    assert not TrainingRecord.objects.exists()


def test_a_file_without_the_columns_is_refused(users: dict[str, User]) -> None:
    with pytest.raises(ImportRefused) as refused:
        training_import(actor=users["tm1"], text="user,course\nsw1,cse-awareness\n")
    assert "missing: username, completed_on" in refused.value.errors[0].message


def test_a_manager_sees_the_teams_gaps_most_urgent_first(users: dict[str, User]) -> None:
    tm1 = users["tm1"]
    training_import(actor=tm1, text=GOOD)
    gaps = team_training_gaps(actor=tm1, today=TODAY)
    got = [(g.user.username, g.course.code, g.state) for g in gaps]
    # sw1 is current (lapses 2028); sw2 lapsed in 2024; sw3 never trained; tm1 is the manager, not a member.
    assert got == [("sw3", "cse-awareness", TrainingState.NEVER), ("sw2", "cse-awareness", TrainingState.LAPSED)]
    assert gaps[1].lapses_on == dt.date(2024, 1, 10)
    lapsing = team_training_gaps(actor=tm1, today=dt.date(2028, 1, 1))
    assert ("sw1", TrainingState.LAPSING) in [(g.user.username, g.state) for g in lapsing]


def test_coverage_counts_each_agency_and_role_against_an_independent_count(users: dict[str, User]) -> None:
    training_import(actor=users["tm1"], text=GOOD)
    rows = {(r.agency, r.role): r for r in training_coverage(actor=users["board1"], today=TODAY)}
    social_workers = rows[("csc", "social_worker")]
    assert (social_workers.staff, social_workers.current, social_workers.lapsed, social_workers.never) == (2, 1, 1, 0)
    # tm1 needs both courses and holds only the managers' one: the worse standing counts.
    assert (rows[("csc", "team_manager")].current, rows[("csc", "team_manager")].never) == (0, 1)
    practitioners = User.objects.filter(role__in=list(PRACTITIONERS), agency__isnull=False, is_active=True)
    assert sum(r.staff for r in rows.values()) == practitioners.count()
    assert ("csc", "system_admin") not in rows
    assert ("board", "board_member") not in rows


def test_staff_see_their_own_training_and_a_manager_their_agencys(users: dict[str, User]) -> None:
    training_import(actor=users["tm1"], text=GOOD)
    assert [r.user.username for r in training_list(actor=users["sw1"])] == ["sw1"]
    assert {r.user.username for r in training_list(actor=users["tm1"])} == {"sw1", "sw2", "tm1"}
    assert not training_list(actor=users["cse1"]).exists()
