"""Submitting intelligence: what partners and the public send, what is refused and why, what is suggested,
who is told at once, and that nothing identifying an anonymous reporter is stored. Over real HTTP for the API."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from lantern.accounts.models import User
from lantern.accounts.services import token_create
from lantern.audit.models import AuditEvent
from lantern.demo.generator import ensure_organisation
from lantern.intel import services
from lantern.intel.enums import EntityOrigin, Source
from lantern.intel.models import IntelEntity, IntelReport, PublicAddition, RateCount, RateWindow
from lantern.locality.models import Area
from lantern.people.enums import PlaceKind
from lantern.people.models import Place

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)
WHAT = "A silver Audi AB12 CDE picks girls up outside the chip shop; the driver is known as “Tiny”. 07700 900321."


@pytest.fixture
def org(db: None) -> dict[str, User]:
    ensure_organisation()
    return {u.username: u for u in User.objects.all()}


def submit(actor: User, **changes: Any) -> IntelReport:
    values: dict[str, Any] = {
        "what": WHAT, "occurred_on": YESTERDAY, "knowledge": "seen", "urgency": "soon", "location_text": "Chip shop",
    }  # fmt: skip
    values.update(changes)
    return services.report_submit(actor=actor, **values)


def test_a_partner_report_keeps_what_was_given_and_suggests_what_the_text_names(org: dict[str, User]) -> None:
    report = submit(org["youth1"], vehicles=["ab12 cde"], people=["Big Mo"])
    assert report.agency.code == "youth"
    assert report.reference.startswith("KM-")
    found = {(e.kind, e.value, e.origin) for e in IntelEntity.objects.filter(report=report)}
    assert found == {
        ("vehicle", "AB12CDE", EntityOrigin.SUBMITTED),
        ("person", "Big Mo", EntityOrigin.SUBMITTED),
        ("person", "Tiny", EntityOrigin.SUGGESTED),
        ("phone", "+447700900321", EntityOrigin.SUGGESTED),
    }
    assert AuditEvent.objects.filter(object_type="intel_report", object_id=str(report.pk), action="create").count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"what": "   "}, "what", "Enter what was seen or heard"),
        ({"what": "x" * 5001}, "what", "What was seen or heard must be 5,000 characters or fewer (it has 5,001)"),
        ({"occurred_on": timezone.localdate() + dt.timedelta(days=1)}, "when", "must be today or in the past"),
        ({"occurred_on": None}, "when", "Enter the date it happened"),
        ({"place_id": 999999}, "place", "Choose a place from the list"),
        ({"ward_id": 999999}, "ward", "Choose a ward from the list"),
        ({"vehicles": ["AB12 CDE", "NOT A CAR"]}, "vehicles", "“NOT A CAR” is not a UK registration mark"),
        ({"phones": ["0770"]}, "phones", "“0770” is not a phone number"),
        ({"knowledge": "guess"}, "knowledge", "Select how you know this"),
        ({"urgency": ""}, "urgency", "Select how urgent this is"),
        ({"location_text": ""}, "location", "Enter where it happened"),
    ],
)
def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(
    org: dict[str, User], changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        submit(org["youth1"], **changes)
    assert message in " ".join(refused.value.message_dict[field])
    assert not IntelReport.objects.exists()


def test_a_place_places_the_report_in_its_ward_and_a_postcode_does_too(org: dict[str, User]) -> None:
    ward = Area.objects.create(code="test-ward", name="Test Heath", postcode_sectors=["KM3 4"])
    place = Place.objects.create(name="Test Chicken Shop", kind=PlaceKind.TAKEAWAY, ward=ward)
    assert submit(org["youth1"], place_id=place.pk, location_text="").ward == ward
    assert submit(org["youth1"], location_text="Alley behind KM3 4AB").ward == ward
    assert submit(org["youth1"], location_text="Somewhere in Test Heath").ward == ward
    assert submit(org["youth1"], location_text="The canal towpath").ward is None


def test_a_child_at_immediate_risk_is_routed_at_once_to_the_duty_team_and_police(
    org: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        report = submit(org["dsl1"], urgency="immediate")
    assert report.routed_at is not None
    assert report.risk == "high"
    assert report.triage_due_at == report.received_at + dt.timedelta(hours=24)
    (message,) = mail.outbox
    recipients = set(message.to)
    assert {"sw1@kestrelmoor.example", "tm1@kestrelmoor.example", "cse1@kestrelmoor.example"} <= recipients
    assert "nurse1@kestrelmoor.example" not in recipients
    assert WHAT not in message.body  # the content stays in Lantern


def test_a_public_addition_needs_a_real_reference(org: dict[str, User]) -> None:
    report = services.public_report_submit(what="Men in cars at the park at night.", where="The park",
                                           occurred_on=YESTERDAY)  # fmt: skip
    services.public_addition_add(reference=report.reference.lower().replace("-", " "), text="It was a blue van.")
    assert PublicAddition.objects.get().report == report
    with pytest.raises(ValidationError) as refused:
        services.public_addition_add(reference="KM-AAAA-AAAA", text="More.")
    assert refused.value.message_dict["reference"] == [services.REFERENCE_NOT_FOUND]


# --- Over real HTTP ------------------------------------------------------------------------------------


@pytest.fixture
def http(live_server: Any, transactional_db: None) -> Iterator[httpx.Client]:
    ensure_organisation()
    with httpx.Client(base_url=f"{live_server.url}/api/v1", timeout=60) as client:
        yield client


PUBLIC = {"what": "Older men buying vodka for girls at the bus station.", "where": "Bus station",
          "when": YESTERDAY.isoformat(), "vehicles": "black BMW YX19 KLM"}  # fmt: skip


def test_the_public_api_answers_a_reference_only_once_the_report_is_saved(http: httpx.Client) -> None:
    answer = http.post("/public/reports", json=PUBLIC)
    assert answer.status_code == 201
    assert set(answer.json()) == {"reference"}
    report = IntelReport.objects.get(reference=answer.json()["reference"])
    assert (report.source, report.agency.code, report.submitted_by) == (Source.PUBLIC, "police", None)
    assert IntelEntity.objects.filter(report=report, kind="vehicle", value="YX19KLM").exists()
    again = http.post(f"/public/reports/{report.reference}/additions", json={"text": "He comes on Fridays."})
    assert again.status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**PUBLIC, "what": ""}, "what"),
        ({**PUBLIC, "when": "yesterday"}, "when"),
        ({**PUBLIC, "when": (timezone.localdate() + dt.timedelta(days=2)).isoformat()}, "when"),
        ({**PUBLIC, "where": "x" * 301}, "where"),
        ({"what": "Something"}, "where"),
    ],
)
def test_the_public_api_refuses_bad_input_with_field_errors(
    http: httpx.Client, body: dict[str, str], field: str
) -> None:
    answer = http.post("/public/reports", json=body)
    assert answer.status_code == 422
    assert any(field in error["loc"] for error in answer.json()["detail"]), answer.json()
    assert not IntelReport.objects.exists()


def test_the_public_form_is_rate_limited_without_storing_the_address(http: httpx.Client, settings: Any) -> None:
    settings.LANTERN_PUBLIC_RATE_LIMIT = 2
    assert [http.post("/public/reports", json=PUBLIC).status_code for _ in range(2)] == [201, 201]
    limited = http.post("/public/reports", json=PUBLIC)
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert "999" in limited.json()["detail"]
    assert IntelReport.objects.count() == 2
    # Only a salted hash is counted, and no table holds the address.
    (count,) = RateCount.objects.all()
    assert count.key != hashlib.sha256(b"127.0.0.1").hexdigest()
    assert count.key == hashlib.sha256(f"{RateWindow.objects.get().salt}:127.0.0.1".encode()).hexdigest()
    for report in IntelReport.objects.all():
        assert "127.0.0.1" not in str([getattr(report, f.attname) for f in IntelReport._meta.fields])
    assert not AuditEvent.objects.filter(detail__contains="127.0.0.1").exists()


def test_200_parallel_public_reports_are_all_saved(http: httpx.Client, settings: Any) -> None:
    """A reference shown is a report saved: every one of 200 concurrent submissions gets a reference that
    names a committed report, and no two share one."""
    settings.LANTERN_PUBLIC_RATE_LIMIT = 1000

    def send(n: int) -> httpx.Response:
        return http.post("/public/reports", json={**PUBLIC, "what": f"Concurrent report number {n}."})

    with ThreadPoolExecutor(max_workers=32) as pool:
        answers = list(pool.map(send, range(200)))
    assert [a.status_code for a in answers] == [201] * 200
    references = {a.json()["reference"] for a in answers}
    assert len(references) == 200
    saved = dict(IntelReport.objects.filter(reference__in=references).values_list("reference", "what"))
    assert len(saved) == 200
    assert sorted(saved.values()) == sorted(f"Concurrent report number {n}." for n in range(200))


def test_partner_reports_over_the_api(http: httpx.Client) -> None:
    key = token_create(user=User.objects.get(username="youth1"), issued_by="test").key
    headers = {"Authorization": f"Bearer {key}"}
    body = {"what": WHAT, "when": YESTERDAY.isoformat(), "where": "Chip shop", "vehicles": ["AB12CDE"],
            "phones": ["07700 900321"], "knowledge": "told_by_child", "urgency": "urgent"}  # fmt: skip
    made = http.post("/intel/reports", json=body, headers=headers)
    assert made.status_code == 201, made.text
    assert made.json()["level"] == "full"
    assert made.json()["risk"] == "high"
    bad = http.post("/intel/reports", json={**body, "vehicles": ["??"], "phones": ["12"]}, headers=headers)
    assert bad.status_code == 422
    assert {e["loc"][-1] for e in bad.json()["detail"]} == {"vehicles", "phones"}
    listed = http.get("/intel/reports", params={"reference": made.json()["reference"]}, headers=headers)
    (item,) = listed.json()["items"]
    assert set(item) >= {"id", "reference", "source", "received_at"}
    assert item["source"] == "partner"
