"""Screening over the JSON API, over real HTTP: raise indicators from several agencies, read the level and its
reasons as each reader may, decide the level, and what a bad request gets back (422 naming the field)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from lantern.accounts.models import Agency
from lantern.demo.generator import ensure_organisation
from lantern.people.models import Person
from lantern.screening.models import Indicator, LevelDecision, Screening
from tests.api_clients import Api
from tests.factories import PersonFactory
from tests.screening.conftest import days_ago


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


def indicator(kind: str, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "observed_on": days_ago(7).isoformat(), "evidence": "other",
            "detail": f"Synthetic {kind}.", **extra}  # fmt: skip


def test_indicators_from_three_agencies_a_level_and_a_decision(api: Api, child: Person) -> None:
    for user, kind in (("cse1", "cars"), ("dsl1", "school"), ("nurse1", "sti_pregnancy")):
        made = api(user).post(f"/screening/children/{child.pk}/indicators", json=indicator(kind))
        assert made.status_code == 201, made.text
    screening = Screening.objects.get(child=child)
    assert made.json() == {"id": Indicator.objects.get(kind="sti_pregnancy").pk, "screening_id": screening.pk}

    as_nurse = api("nurse1").get(f"/screening/{screening.pk}")
    assert as_nurse.status_code == 200, as_nurse.text  # she raised an indicator: the record owner sees the result
    body = as_nurse.json()
    assert (body["level"], body["score"], body["health_holds_information"]) == ("significant", 12, False)
    assert {i["kind"] for i in body["indicators"]} == {"cars", "school", "sti_pregnancy"}

    as_sw = api("sw1").get(f"/screening/{screening.pk}").json()
    assert (as_sw["level"], as_sw["score"], as_sw["health_holds_information"]) == ("significant", None, True)
    assert {i["kind"] for i in as_sw["indicators"]} == {"cars", "school"}
    assert "information health holds" in as_sw["reasoning"]
    assert "sti" not in as_sw["reasoning"].lower()
    assert [t["trigger"] for t in as_sw["tasks"]] == ["sti_under_16"]

    tasks = api("sw1").get("/screening/tasks").json()
    assert [t["trigger"] for t in tasks["items"]] == ["sti_under_16"]
    assert tasks["count"] == 1

    decided = api("sw1").post(f"/screening/{screening.pk}/decisions", json={})
    assert decided.status_code == 201, decided.text
    after = api("sw1").get(f"/screening/{screening.pk}").json()
    assert after["decided_level"] == "significant"
    assert after["strategy_due_at"] is not None
    assert [h["level"] for h in after["history"]] == ["significant"]
    assert api("sw1").get("/screening/tasks").json()["items"][0]["rule"] == "LOCAL-STRAT-3"

    listed = api("cse1").get("/screening").json()  # an agreement shares csc's screenings with police
    assert [item["id"] for item in listed["items"]] == [screening.pk]


def test_a_bad_decision_is_422_naming_the_field_and_nothing_is_saved(api: Api, child: Person) -> None:
    api("cse1").post(f"/screening/children/{child.pk}/indicators", json=indicator("cars"))
    screening = Screening.objects.get(child=child)
    refused = api("sw1").post(f"/screening/{screening.pk}/decisions", json={"level": "serious", "reason": "Hunch"})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "level"]
    no_reason = api("sw1").post(f"/screening/{screening.pk}/decisions", json={"level": "moderate"})
    assert no_reason.json()["detail"][0]["loc"] == ["body", "reason"]
    assert not LevelDecision.objects.exists()
    bad_kind = api("cse1").post(f"/screening/children/{child.pk}/indicators", json=indicator("rumour"))
    assert bad_kind.status_code == 422


def test_who_may_see_and_decide(api: Api, child: Person) -> None:
    api("cse1").post(f"/screening/children/{child.pk}/indicators", json=indicator("cars"))
    screening = Screening.objects.get(child=child)
    assert api("youth1").get(f"/screening/{screening.pk}").status_code == 404  # no grant, no need to know
    assert api("board1").get("/screening").status_code == 403
    refused = api("cse1").post(f"/screening/{screening.pk}/decisions", json={})
    assert refused.status_code == 403
    assert "update" in refused.json()["detail"]
    assert api("cse1").get("/screening/tasks").status_code == 403
    assert api("sw1").get("/screening/99999").status_code == 404


def test_the_schema_documents_the_screening_api(api: Api) -> None:
    paths = api("sw1").get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/screening", "/api/v1/screening/tasks", "/api/v1/screening/{screening_id}",
        "/api/v1/screening/children/{child_id}/indicators", "/api/v1/screening/{screening_id}/decisions",
        "/api/v1/screening/tasks/{task_id}/done",
    ):  # fmt: skip
        assert path in paths, path
