"""A linkage run over the database: queued from the page, run by the real background worker, applied with
evidence, and refused while another is under way."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from lantern.audit.models import AuditEvent
from lantern.people.enums import PersonStatus, RunStatus
from lantern.people.linking import LinkageBusy, linkage_run_request
from lantern.people.models import LinkageRun, Person, Phone, RecordLink, SourceRecord
from lantern.people.search import index_people
from tests.factories import AgencyFactory, PersonFactory, RecordFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _record(agency: Any, given: str, family: str, dob: tuple[int, int, int], phone: str = "") -> SourceRecord:
    person = PersonFactory(owning_agency=agency, given_name=given, family_name=family, date_of_birth=None)
    record = RecordFactory(person=person, agency=agency, dob_year=dob[0], dob_month=dob[1], dob_day=dob[2])
    if phone:
        Phone.objects.create(record=record, number=phone)
    index_people([record.person_id])
    return record


@pytest.fixture
def borough() -> dict[str, Any]:
    csc, police, school = (AgencyFactory(code=code) for code in ("lr-csc", "lr-police", "lr-school"))
    william = _record(csc, "William", "Thorne", (2011, 5, 17), "+447700900111")
    bill = _record(police, "Bill", "Thorne", (2011, 5, 17), "+447700900111")
    jade = _record(school, "Jade", "Holt", (2010, 3, 2))
    manager = UserFactory(username="lr-manager", agency=csc, role="team_manager")
    return {"william": william, "bill": bill, "jade": jade, "manager": manager}


def test_a_queued_run_is_done_by_the_worker_and_joins_the_same_person(borough: dict[str, Any]) -> None:
    run = linkage_run_request(actor=borough["manager"])
    assert run.status == RunStatus.QUEUED
    assert DBTaskResult.objects.count() == 1

    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)

    run.refresh_from_db()
    assert run.error == ""
    assert (run.status, run.progress, run.stage) == (RunStatus.DONE, 100, "done")
    assert run.counts["records"] == 3
    assert run.counts["merges"] == 1
    william, bill, jade = (SourceRecord.objects.get(pk=borough[k].pk) for k in ("william", "bill", "jade"))
    assert william.person_id == bill.person_id != jade.person_id
    assert Person.objects.filter(status=PersonStatus.MERGED).count() == 1
    link = RecordLink.objects.get()
    by_comparison = {e["comparison"]: e for e in link.evidence}
    assert by_comparison["given name"]["level"] == "Diminutive or shared formal name"
    assert by_comparison["phone"]["weight"] > 0
    assert AuditEvent.objects.filter(object_type="linkage_run", object_id=str(run.pk)).count() == 2


def test_a_second_run_is_refused_while_one_is_queued(borough: dict[str, Any]) -> None:
    first = linkage_run_request(actor=borough["manager"])
    with pytest.raises(LinkageBusy, match=f"run {first.pk} is already queued"):
        linkage_run_request(actor=borough["manager"])
    assert LinkageRun.objects.count() == 1
    refused = AuditEvent.objects.filter(object_type="linkage_run", outcome="failure").get()
    assert "a run is under way" in refused.detail


def test_the_page_queues_a_run_and_shows_its_outcome(borough: dict[str, Any], client: Any) -> None:
    client.force_login(borough["manager"])
    page = client.post("/people/linkage/", follow=True)
    assert "queued. This page shows its progress." in page.content.decode()
    assert 'data-lantern-refresh="3"' in page.content.decode()
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    page = client.get("/people/linkage/")
    text = page.content.decode()
    assert "finished" in text
    assert "data-lantern-refresh" not in text


def test_the_link_command_runs_in_the_foreground(borough: dict[str, Any], capsys: Any) -> None:
    call_command("link")
    assert "3 records, 1 merges" in capsys.readouterr().out
    assert LinkageRun.objects.get().status == RunStatus.DONE
