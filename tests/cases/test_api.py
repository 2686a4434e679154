"""Casework over the JSON API, over real HTTP: a referral walked to a s47 enquiry and a plan, what a bad request
gets back (422 naming the field, nothing saved), who may see a case, and the schema that documents it all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.utils import timezone

from lantern.accounts.models import Agency
from lantern.audit.models import AuditEvent
from lantern.cases.models import Case, Referral, StrategyAttendee, StrategyDiscussion
from lantern.demo.generator import ensure_organisation
from lantern.people.models import Person
from tests.api_clients import Api
from tests.factories import PersonFactory


def ago(**delta: float) -> str:
    return (timezone.now() - dt.timedelta(**delta)).isoformat()


@pytest.fixture
def api(live_server: Any, transactional_db: None, settings: Any) -> Iterator[Api]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ensure_organisation()
    client = Api(f"{live_server.url}/api/v1")
    yield client
    client.close()


@pytest.fixture
def child(api: Api) -> Person:
    return PersonFactory(owning_agency=Agency.objects.get(code="csc"))


REFERRAL = {
    "source_kind": "health",
    "source_agency": "health",
    "source_person": "Sexual health nurse, outreach clinic",
    "concerns": "Seen with older men in cars outside the clinic; says she has a boyfriend of 24.",
    "cse_indicators": ["cars", "older_boyfriend"],
    "names_exploiting_adults": True,
}
TABLE = [
    {"agency_kind": "social_care", "name": "Sam Social Worker", "role": "Social worker"},
    {"agency_kind": "police", "name": "DC Morgan", "role": "CSE officer"},
    {"agency_kind": "health", "name": "Nurse Patel", "role": "Sexual health"},
]


def created(response: httpx.Response, stage: str) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"id", "case_id", "stage"}
    assert body["stage"] == stage, body
    return body


def step_id(case: dict[str, Any], kind: str) -> int:
    """The latest step of that kind, as the case lists it for POSTs to act on."""
    return int([s["id"] for s in case["steps"] if s["kind"] == kind][-1])


def fields(response: httpx.Response) -> set[str]:
    assert response.status_code == 422, response.text
    return {str(error["loc"][-1]) for error in response.json()["detail"]}


def refer(api: Api, child: Person, user: str = "sw1", **changes: Any) -> dict[str, Any]:
    return created(
        api(user).post("/cases/referrals", json={**REFERRAL, "child": str(child.pk), "received_at": ago(days=3)}
                       | changes),
        "referral",
    )  # fmt: skip


def test_a_referral_walked_to_a_s47_enquiry_and_a_plan(api: Api, child: Person) -> None:
    sw1 = api("sw1")
    made = refer(api, child)
    case_id = made["case_id"]
    case = sw1.get(f"/cases/{case_id}").json()
    assert (case["stage"], case["cse_concern"]) == ("referral", True)
    assert (case["child_id"], case["child_display_name"]) == (str(child.pk), child.display_name)
    assert [d["rule"] for d in case["deadlines"]][:1] == ["WT-REF-DECIDE-1"]
    assert {"label", "rule", "due_at", "days_left", "status"} <= set(case["deadlines"][0])
    assert case["deadlines"][0]["status"] == "overdue"  # received three days ago, due the next working day

    decided = sw1.post(
        f"/cases/referrals/{made['id']}/decision",
        json={"decision": "strategy", "reasons": "CSE risk", "decided_at": ago(days=3), "lead_practitioner": "sw1"},
    )
    created(decided, "strategy")
    case = sw1.get(f"/cases/{case_id}").json()
    assert case["lead_practitioner"] == "sw1"
    assert "LOCAL-STRAT-3" in {d["rule"] for d in case["deadlines"]}
    discussion = step_id(case, "strategy_discussion")

    held = sw1.post(
        f"/cases/strategy-discussions/{discussion}/record",
        json={"held_at": ago(days=2), "attendees": TABLE, "outcome": "s47",
              "outcome_reasons": "Reasonable cause to suspect significant harm"},
    )  # fmt: skip
    created(held, "s47")
    assert StrategyAttendee.objects.filter(discussion_id=discussion).count() == 3
    child.refresh_from_db()
    assert child.statutory_enquiry_open
    case = sw1.get(f"/cases/{case_id}").json()
    rules = {d["rule"] for d in case["deadlines"]}
    assert {"LOCAL-S47-15", "WT-ICPC-15", "WT-ASSESS-45"} <= rules
    # The statutory trigger now lets the police, under the demo agreement, see the case; never change it.
    police = api("cse1")
    assert police.get(f"/cases/{case_id}").status_code == 200
    assert police.post(f"/cases/{case_id}/oversight", json={"note": "Checked."}).status_code == 403

    created(sw1.post(f"/cases/{case_id}/contacts", json={
        "received_at": ago(hours=5), "source_kind": "police", "source_agency": "police",
        "source_person": "DC Morgan", "summary": "Seen getting into a grey Audi at 23:00.", "cse_indicators": ["cars"],
    }), "s47")  # fmt: skip
    enquiry = step_id(case, "s47_enquiry")
    created(
        sw1.post(f"/cases/enquiries/{enquiry}/outcome", json={"outcome": "icpc", "reasons": "Substantiated"}),
        "conference",
    )
    created(sw1.post(f"/cases/{case_id}/conferences", json={
        "kind": "initial", "held_on": timezone.localdate().isoformat(), "chair": "Independent chair",
        "decision": "plan", "reasons": "Continuing risk of sexual exploitation", "participation": "attended",
        "child_views": "“I want it to stop.”", "plan_category": "sexual_abuse",
    }), "cp_plan")  # fmt: skip
    created(sw1.post(f"/cases/{case_id}/visits", json={
        "visited_at": ago(minutes=30), "child_seen": True, "seen_alone": True, "child_words": "“I'm OK today.”",
    }), "cp_plan")  # fmt: skip

    case = sw1.get(f"/cases/{case_id}").json()
    kinds = [e["kind"] for e in case["timeline"]]
    assert {"referral", "decision", "strategy", "s47", "contact", "conference", "visit", "stage"} <= set(kinds)
    assert any(e["child_words"] == "“I'm OK today.”" for e in case["timeline"])
    mine = sw1.get("/cases", params={"mine": "true"}).json()
    assert ([i["id"] for i in mine["items"]], mine["count"]) == ([case_id], 1)
    (item,) = mine["items"]
    assert (item["stage"], item["lead_practitioner"]) == ("cp_plan", "sw1")
    assert item["next_due"]["rule"]
    assert sw1.get("/cases", params={"stage": "s47"}).json()["count"] == 0
    work = sw1.get("/cases/work").json()
    assert work["count"] == len(work["items"]) > 0
    assert all(i["case_id"] == case_id for i in work["items"])
    team = api("tm1").get("/cases/team-work").json()
    assert team["count"] >= work["count"]
    assert any(w["overdue"] + w["due_soon"] + w["on_time"] for w in team["workers"])


def test_a_decision_dated_before_the_referral_is_refused_and_nothing_is_saved(api: Api, child: Person) -> None:
    made = refer(api, child)
    before = (timezone.now() - dt.timedelta(days=5)).isoformat()
    refused = api("sw1").post(
        f"/cases/referrals/{made['id']}/decision",
        json={"decision": "strategy", "reasons": "CSE risk", "decided_at": before},
    )
    assert fields(refused) == {"decided_at"}
    assert "cannot be before the referral was received" in refused.text
    referral = Referral.objects.get(pk=made["id"])
    assert (referral.decision, Case.objects.get(pk=made["case_id"]).stage) == ("", "referral")
    assert not StrategyDiscussion.objects.exists()
    assert AuditEvent.objects.filter(purpose="rejected API request", outcome="failure").count() == 1


def test_a_strategy_discussion_without_health_is_refused_and_nothing_is_saved(api: Api, child: Person) -> None:
    made = refer(api, child)
    sw1 = api("sw1")
    decision = {"decision": "strategy", "reasons": "CSE", "decided_at": ago(days=2), "lead_practitioner": "sw1"}
    created(sw1.post(f"/cases/referrals/{made['id']}/decision", json=decision), "strategy")
    discussion = StrategyDiscussion.objects.get(case_id=made["case_id"])
    body = {"held_at": ago(days=1), "attendees": TABLE[:2], "outcome": "s47", "outcome_reasons": "Harm"}
    refused = sw1.post(f"/cases/strategy-discussions/{discussion.pk}/record", json=body)
    assert fields(refused) == {"attendees"}
    assert "health" in refused.text
    discussion.refresh_from_db()
    assert discussion.held_at is None
    assert not StrategyAttendee.objects.exists()
    assert Case.objects.get(pk=made["case_id"]).stage == "strategy"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("close", {"reason": "   "}, "reason"),
        ("close", {}, "reason"),
        ("strategy-discussions", {"concerns_identified_at": ago(hours=1), "reason": ""}, "reason"),
        ("oversight", {"note": ""}, "note"),
        ("visits", {"visited_at": ago(hours=1), "child_seen": False}, "not_seen_reason"),
        ("contacts", {"received_at": "yesterday", "source_kind": "police", "source_person": "DC", "summary": "x"},
         "received_at"),
    ],
)  # fmt: skip
def test_a_missing_or_bad_field_is_named_and_nothing_is_saved(
    api: Api, child: Person, path: str, body: dict[str, Any], field: str
) -> None:
    made = refer(api, child)
    stages = Case.objects.get(pk=made["case_id"]).stage_changes.count()
    activity = Case.objects.get(pk=made["case_id"]).last_activity_at
    refused = api("tm1").post(f"/cases/{made['case_id']}/{path}", json=body)
    assert field in fields(refused)
    case = Case.objects.get(pk=made["case_id"])
    assert (case.stage, case.is_open, case.stage_changes.count(), case.last_activity_at) == (
        "referral",
        True,
        stages,
        activity,
    )


def test_who_may_see_and_change_a_case(api: Api, child: Person) -> None:
    made = refer(api, child)
    path = f"/cases/{made['case_id']}"
    # Not allocated, no s47: partners and the unallocated assistant may not know the case exists.
    for user in ("cse1", "nurse1", "sw3", "dsl1"):
        assert api(user).get(path).status_code == 404, user
    assert api("sw3").post(f"{path}/oversight", json={"note": "x"}).status_code == 404
    # Aggregates-only and admin roles hold no case grant at all: told so, with the reason.
    for user in ("board1", "admin1", "ig1"):
        listed = api(user).get("/cases")
        assert listed.status_code == 403, user
        assert listed.json()["detail"], user
    refused = api("cse1").post(
        "/cases/referrals", json={**REFERRAL, "child": str(child.pk), "received_at": ago(hours=1)}
    )
    assert refused.status_code == 403
    assert "cannot create" in refused.json()["detail"]
    assert api("sw1").get("/cases/999999").status_code == 404
    assert api("sw1").post("/cases/referrals/999999/decision", json={"decision": "assessment"}).status_code == 404


def test_the_schema_lists_the_case_paths(api: Api) -> None:
    schema = httpx.get(f"{api.base_url}/openapi.json", timeout=60).json()
    paths = set(schema["paths"])
    assert {
        "/api/v1/cases",
        "/api/v1/cases/{case_id}",
        "/api/v1/cases/work",
        "/api/v1/cases/team-work",
        "/api/v1/cases/referrals",
        "/api/v1/cases/referrals/{referral_id}/decision",
        "/api/v1/cases/{case_id}/contacts",
        "/api/v1/cases/{case_id}/strategy-discussions",
        "/api/v1/cases/strategy-discussions/{discussion_id}/record",
        "/api/v1/cases/enquiries/{enquiry_id}/outcome",
        "/api/v1/cases/assessments/{assessment_id}/contributions",
        "/api/v1/cases/assessments/{assessment_id}/complete",
        "/api/v1/cases/assessments/{assessment_id}/authorise",
        "/api/v1/cases/{case_id}/conferences",
        "/api/v1/cases/plans/{plan_id}/core-groups",
        "/api/v1/cases/{case_id}/visits",
        "/api/v1/cases/{case_id}/missing-episodes",
        "/api/v1/cases/missing-episodes/{episode_id}/return",
        "/api/v1/cases/missing-episodes/{episode_id}/return-interview",
        "/api/v1/cases/{case_id}/reassurances",
        "/api/v1/cases/reassurances/{reassurance_id}/outcome",
        "/api/v1/cases/reassurances/{reassurance_id}/acknowledge",
        "/api/v1/cases/{case_id}/oversight",
        "/api/v1/cases/{case_id}/allocate",
        "/api/v1/cases/{case_id}/close",
    } <= paths
    assert "cases" in schema["paths"]["/api/v1/cases/referrals"]["post"]["tags"]
