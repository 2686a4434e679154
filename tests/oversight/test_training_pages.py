"""CSE training pages: a member of staff's own training and what lapses when; a team manager's gaps, a completion
recorded for a member, and a learning system's CSV imported all or nothing (each row's problem in the error
summary); a system administrator imports only; everyone else is refused."""

from __future__ import annotations

import datetime as dt
import random
import re
from html import unescape
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from lantern.accounts.models import User
from lantern.audit.models import AuditEvent
from lantern.calendar.deadlines import add_months
from lantern.demo.generator import ensure_organisation
from lantern.demo.oversight import TRAINING_PLAN, _training
from lantern.oversight.models import TrainingCourse, TrainingRecord

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
GOOD = (
    f"username,course,completed_on\nsw1,cse-awareness,{TODAY - dt.timedelta(days=30)}\nsw2,cse-awareness,2020-01-10\n"
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def users() -> dict[str, User]:
    ensure_organisation()
    return {u.username: u for u in User.objects.all()}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def upload(content: str | bytes, name: str = "completions.csv") -> dict[str, Any]:
    data = content.encode() if isinstance(content, str) else content
    return {"form": "import", "import-csv_file": SimpleUploadedFile(name, data, content_type="text/csv")}


def test_staff_see_their_own_training_and_when_it_lapses(users: dict[str, User]) -> None:
    client = signed_in(users["sw1"])
    before = text_of(client.get("/oversight/training/").text)
    assert "CSE awareness: the signs, the language, and what to do Never completed Not completed" in before
    assert "No CSE training has been recorded for you yet" in before
    awareness = TrainingCourse.objects.get(code="cse-awareness")
    done = TODAY - dt.timedelta(days=35 * 30)  # lapses within the next 90 days
    for user, on, source in ((users["sw1"], done, "imported"), (users["sw2"], TODAY, "entered")):
        TrainingRecord.objects.create(user=user, course=awareness, completed_on=on, lapses_on=add_months(on, 36),
                                      source=source, recorded_by=users["tm1"])  # fmt: skip
    page = client.get("/oversight/training/")
    assert page.status_code == 200
    after = text_of(page.text)
    lapses = f"{add_months(done, 36):%-d %B %Y}"
    assert f"Lapses within 90 days {lapses}" in after
    assert f"{done:%-d %B %Y} {lapses} Imported from the agency" in after
    assert f"{TODAY:%-d %B %Y}" not in after  # sw2's completion is not sw1's
    assert "Your team&#x27;s CSE training" not in page.text
    assert (
        AuditEvent.objects.filter(actor_id=users["sw1"].pk, action="view", object_type="training_record").count() == 2
    )
    manager = text_of(signed_in(users["tm1"]).get("/oversight/training/").text)
    assert "Leading CSE practice" in manager  # a manager needs both courses
    assert "Your team's CSE training" in manager


def test_the_pages_refuse_those_without_the_grant(users: dict[str, User]) -> None:
    for username in ("board1", "admin1", "ig1"):
        assert signed_in(users[username]).get("/oversight/training/").status_code == 403, username
    for username in ("sw1", "cse1", "board1", "ig1"):
        assert signed_in(users[username]).get("/oversight/training/team/").status_code == 403, username
    assert Client().get("/oversight/training/").status_code == 302


def test_a_manager_sees_the_gaps_and_records_a_completion(users: dict[str, User]) -> None:
    client = signed_in(users["tm1"])
    page = client.get("/oversight/training/team/")
    assert page.status_code == 200
    shown = text_of(page.text)
    assert "3 gaps in a team of 3" in shown
    for name in ("Priya Okafor", "Tom Hartley", "Jade Whitworth"):
        assert f"{name} " in shown
    assert "Daniel Mistry" not in shown  # another agency's staff are not in the list, nor offered in the form
    awareness = TrainingCourse.objects.get(code="cse-awareness")
    done = TODAY - dt.timedelta(days=10)
    made = client.post("/oversight/training/team/", {
        "form": "record", "record-user": users["sw1"].pk, "record-course": awareness.pk,
        "record-completed_on": f"{done:%d/%m/%Y}",
    }, follow=True)  # fmt: skip
    assert made.status_code == 200
    assert f"Recorded: Priya Okafor completed {awareness.title} on {done:%-d %B %Y}" in text_of(made.text)
    assert "2 gaps in a team of 3" in text_of(made.text)
    record = TrainingRecord.objects.get()
    assert (record.user, record.source, record.recorded_by, record.lapses_on) == (
        users["sw1"], "entered", users["tm1"], add_months(done, 36),
    )  # fmt: skip


def test_a_completion_with_problems_is_refused_with_a_summary(users: dict[str, User]) -> None:
    client = signed_in(users["tm1"])
    empty = client.post("/oversight/training/team/", {"form": "record"})
    assert empty.status_code == 422
    for message in ("Choose who completed the course", "Choose the course they completed",
                    "Enter the date the course was completed"):  # fmt: skip
        assert message in empty.text
    assert "govuk-error-summary" in empty.text
    elsewhere = client.post("/oversight/training/team/", {
        "form": "record", "record-user": users["cse1"].pk, "record-course": TrainingCourse.objects.first().pk,
        "record-completed_on": "01/01/2999",
    })  # fmt: skip
    assert elsewhere.status_code == 422
    assert "Select a valid choice" in elsewhere.text
    future = client.post("/oversight/training/team/", {
        "form": "record", "record-user": users["sw2"].pk, "record-course": TrainingCourse.objects.first().pk,
        "record-completed_on": "01/01/2999",
    })  # fmt: skip
    assert future.status_code == 422
    assert "must be today or in the past" in future.text
    assert not TrainingRecord.objects.exists()


def test_a_manager_imports_a_learning_systems_file_all_or_nothing(users: dict[str, User]) -> None:
    client = signed_in(users["tm1"])
    bad = client.post("/oversight/training/team/", upload(GOOD + "cse1,cse-101,soon\n"))
    assert bad.status_code == 422
    summary = text_of(bad.text.split('govuk-error-summary__list">')[1].split("</ul>")[0])
    assert "Line 4, username: No member of your agency" in summary
    assert "Line 4, course: Unknown course 'cse-101'" in summary
    assert "Line 4, completed_on: 'soon' is not a date" in summary
    assert 'href="#id_import-csv_file"' in bad.text
    assert not TrainingRecord.objects.exists()

    first = client.post("/oversight/training/team/", upload(GOOD), follow=True)
    assert "Imported the file: 2 new completions, 0 already held." in first.text
    again = client.post("/oversight/training/team/", upload(GOOD), follow=True)
    assert "Imported the file: 0 new completions, 2 already held." in again.text
    assert set(TrainingRecord.objects.values_list("user__username", "source")) == {("sw1", "imported"),
                                                                                    ("sw2", "imported")}  # fmt: skip
    assert client.post("/oversight/training/team/", {"form": "import"}).status_code == 422
    latin = client.post(
        "/oversight/training/team/", upload("username,course,completed_on\nsw1,caf\xe9,x\n".encode("latin-1"))
    )
    assert "The file must be a CSV saved as UTF-8" in latin.text


def test_a_system_administrator_imports_only(users: dict[str, User]) -> None:
    client = signed_in(users["admin1"])
    page = client.get("/oversight/training/team/")
    assert page.status_code == 200
    assert "Import CSE training records" in page.text
    assert "Record a completion" not in page.text
    assert "Priya Okafor" not in page.text  # no one's training is shown to them
    done = client.post("/oversight/training/team/", upload(GOOD), follow=True)
    assert "Imported the file: 2 new completions" in done.text
    assert set(TrainingRecord.objects.values_list("recorded_by__username", flat=True)) == {"admin1"}


def test_the_demo_gives_the_pages_every_state_to_show(users: dict[str, User]) -> None:
    made = _training(random.Random("oversight-test"), lambda _stage, _n: None)
    assert made == TrainingRecord.objects.count() >= 8
    # Each person's latest lapse per course, worked out here from the rows, against the plan's states.
    latest: dict[tuple[str, str], dt.date] = {}
    for username, code, lapses_on in TrainingRecord.objects.values_list("user__username", "course__code", "lapses_on"):
        latest[(username, code)] = max(lapses_on, latest.get((username, code), lapses_on))
    soon = TODAY + dt.timedelta(days=90)
    states = {key: "lapsed" if on <= TODAY else "lapsing" if on <= soon else "current" for key, on in latest.items()}
    assert states == {(u, c): s for u, plan in TRAINING_PLAN.items() for c, s in plan.items()}
    assert ("sw3", "cse-awareness") not in latest  # never
    assert TrainingRecord.objects.values("user", "course").distinct().count() < made  # some renewed
    gaps = text_of(signed_in(users["tm1"]).get("/oversight/training/team/").text)
    assert "2 gaps in a team of 3" in gaps
    assert "Jade Whitworth Social care assistant (unqualified) CSE awareness" in gaps
    assert "Never completed" in gaps
    assert "Lapses within 90 days" in gaps
