"""SCR-TRIGGERS, one test per trigger in the rulebook: each opens a screening task once per occurrence, from the
service where the fact is recorded (cases, intelligence, the screening itself), and the sweep opens nothing
new over the same facts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from lantern.accounts.models import Agency, User
from lantern.audit.models import AuditEvent
from lantern.cases import services as cases
from lantern.cases.models import MissingEpisode
from lantern.intel import services as intel
from lantern.intel.models import IntelReport
from lantern.people.models import Person
from lantern.screening import triggers
from lantern.screening.models import Screening, ScreeningTask
from tests.cases.conftest import refer
from tests.factories import PersonFactory
from tests.screening.conftest import days_ago, raise_


def _tasks(trigger: str) -> list[ScreeningTask]:
    return list(ScreeningTask.objects.filter(trigger=trigger))


def test_SCR_TRIGGERS_three_missing_episodes_in_90_days_open_one_task(org: dict[str, User], child: Person) -> None:
    case = refer(org["sw1"], child).case
    now = timezone.now()
    for days in (85, 40):
        cases.missing_record(actor=org["sw1"], case=case, missing_from=now - dt.timedelta(days=days))
    assert _tasks("missing") == []
    assert not Screening.objects.filter(child=child).exists()
    before = AuditEvent.objects.order_by("-seq").first()
    cases.missing_record(actor=org["sw1"], case=case, missing_from=now - dt.timedelta(days=2))
    (task,) = _tasks("missing")
    assert task.screening.child == child
    assert task.screening.agency.code == "csc"
    assert task.rule == "SCR-TRIGGERS"
    assert task.reason.startswith("3 missing episodes in the 90 days")
    opened = AuditEvent.objects.get(seq__gt=before.seq if before else 0, object_type="screening_task")
    assert (opened.actor_username, opened.action) == ("lantern", "create")
    # A fourth episode in the same burst opens no second task; nor does the sweep.
    cases.missing_record(actor=org["sw1"], case=case, missing_from=now - dt.timedelta(days=1))
    assert len(_tasks("missing")) == 1
    assert triggers.sweep() == 0


def test_SCR_TRIGGERS_two_episodes_in_90_days_and_one_older_open_nothing(org: dict[str, User], child: Person) -> None:
    case = refer(org["sw1"], child).case
    now = timezone.now()
    for days in (120, 40, 2):
        cases.missing_record(actor=org["sw1"], case=case, missing_from=now - dt.timedelta(days=days))
    assert _tasks("missing") == []


def _graded_report(
    org: dict[str, User], *, source: str, assessment: str, vehicles: tuple[str, ...] = ()
) -> IntelReport:
    report = intel.report_submit(
        actor=org["youth1"], what="Synthetic: a girl and an older man at the park.", occurred_on=days_ago(1),
        knowledge="seen", urgency="soon", location_text="The park", vehicles=list(vehicles),
    )  # fmt: skip
    intel.report_grade(actor=org["analyst1"], report=report, source_evaluation=source,
                       intelligence_assessment=assessment, handling_code="P", risk="medium")  # fmt: skip
    return report


def _link(org: dict[str, User], report: IntelReport, person: Person) -> None:
    entity = intel.entity_add(actor=org["analyst1"], report=report, kind="person", text=person.display_name)
    intel.entity_link(actor=org["analyst1"], entity=entity, person=person)


@pytest.fixture
def adult(org: dict[str, User]) -> Person:
    return PersonFactory(kind="adult", owning_agency=Agency.objects.get(code="police"), given_name="Adam")


def test_SCR_TRIGGERS_a_child_linked_in_graded_intelligence_to_an_adult_of_concern(
    org: dict[str, User], child: Person, adult: Person
) -> None:
    report = _graded_report(org, source="2", assessment="B")
    _link(org, report, child)
    assert _tasks("intel_adult") == []  # no adult yet
    _link(org, report, adult)
    (task,) = _tasks("intel_adult")
    assert task.screening.child == child
    assert report.reference in task.reason
    assert "2BP" in task.reason
    _link(org, report, child)  # linking again is the same occurrence
    assert len(_tasks("intel_adult")) == 1


def test_SCR_TRIGGERS_intelligence_from_a_source_graded_3_opens_nothing_until_regraded(
    org: dict[str, User], child: Person, adult: Person
) -> None:
    report = _graded_report(org, source="3", assessment="A")
    _link(org, report, child)
    _link(org, report, adult)
    assert _tasks("intel_adult") == []
    intel.report_grade(actor=org["analyst1"], report=report, source_evaluation="1", intelligence_assessment="C",
                       handling_code="P", risk="medium")  # fmt: skip
    assert len(_tasks("intel_adult")) == 1


def test_SCR_TRIGGERS_an_sti_or_pregnancy_recorded_under_16(org: dict[str, User], child: Person) -> None:
    raise_(org["nurse1"], child, "clinic")
    assert _tasks("sti_under_16") == []
    indicator = raise_(org["nurse1"], child, "sti_pregnancy")
    (task,) = _tasks("sti_under_16")
    assert task.occurrence == f"indicator:{indicator.pk}"
    assert "Kestrelmoor Sexual Health Service" in task.reason


def test_SCR_TRIGGERS_gifts_or_phones_reported_by_two_agencies_within_90_days(
    org: dict[str, User], child: Person
) -> None:
    raise_(org["dsl1"], child, "gifts", days=100)
    raise_(org["dsl1"], child, "gifts", days=5)  # the same agency again
    assert _tasks("gifts") == []
    raise_(org["youth1"], child, "gifts", days=96)  # 4 days after the school's first report
    (task,) = _tasks("gifts")
    assert "Kestrelmoor Academy" in task.reason
    assert "Kestrelmoor Youth Service" in task.reason
    raise_(org["cse1"], child, "gifts", days=1)  # a third agency in the same 90 days: the same burst
    assert len(_tasks("gifts")) == 1


def test_SCR_TRIGGERS_gifts_reported_by_two_agencies_more_than_90_days_apart_open_nothing(
    org: dict[str, User], child: Person
) -> None:
    raise_(org["dsl1"], child, "gifts", days=200)
    raise_(org["youth1"], child, "gifts", days=109)
    assert _tasks("gifts") == []


def test_SCR_TRIGGERS_a_report_names_the_child_with_a_vehicle_already_in_cse_intelligence(
    org: dict[str, User], child: Person
) -> None:
    _graded_report(org, source="2", assessment="C", vehicles=("YX19 KLM",))
    report = _graded_report(org, source="2", assessment="D", vehicles=("YX19 KLM",))
    fresh = _graded_report(org, source="2", assessment="D", vehicles=("AB12 CDE",))
    _link(org, fresh, child)
    assert _tasks("named_with_linked") == []  # AB12 CDE is in no other intelligence
    _link(org, report, child)
    (task,) = _tasks("named_with_linked")
    assert "with vehicle YX19KLM, already in other CSE intelligence" in task.reason


def test_the_sweep_opens_tasks_for_facts_imported_in_bulk_once(org: dict[str, User], child: Person) -> None:
    case = refer(org["sw1"], child).case
    now = timezone.now()
    MissingEpisode.objects.bulk_create(
        MissingEpisode(case=case, missing_from=now - dt.timedelta(days=d), recorded_by=org["sw1"]) for d in (3, 9, 27)
    )  # no signal: as an import would write them
    assert _tasks("missing") == []
    call_command("screen-triggers")
    assert len(_tasks("missing")) == 1
    call_command("screen-triggers")
    assert len(_tasks("missing")) == 1
