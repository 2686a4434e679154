"""CSE training over real HTTP with bearer tokens: record, import (422 with each row's problem), gaps, coverage,
and the refusals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from lantern.demo.generator import ensure_organisation
from lantern.oversight.models import TrainingRecord
from tests.api_clients import Api

pytestmark = pytest.mark.django_db(transaction=True)

FILE = "username,course,completed_on\nsw1,cse-awareness,2025-03-01\nsw2,cse-awareness,2021-01-10\n"


@pytest.fixture
def api(live_server: Any, settings: Any) -> Iterator[Api]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ensure_organisation()
    clients = Api(f"{live_server.url}/api/v1/oversight")
    yield clients
    clients.close()


def test_a_manager_imports_records_and_reads_the_teams_gaps(api: Api) -> None:
    tm1 = api("tm1")
    first = tm1.post("/training/import", json={"csv": FILE})
    assert first.status_code == 200, first.text
    assert first.json() == {"created": 2, "unchanged": 0}
    assert tm1.post("/training/import", json={"csv": FILE}).json() == {"created": 0, "unchanged": 2}
    made = tm1.post("/training", json={"username": "sw3", "course": "cse-awareness", "completed_on": "2025-09-01"})
    assert made.status_code == 201
    assert made.json()["lapses_on"] == "2028-09-01"
    gaps = tm1.get("/training/gaps").json()
    assert [(g["username"], g["state"]) for g in gaps] == [("sw2", "lapsed")]
    assert {i["username"] for i in tm1.get("/training").json()["items"]} == {"sw1", "sw2", "sw3"}
    assert [i["username"] for i in api("sw1").get("/training").json()["items"]] == ["sw1"]


def test_a_bad_file_is_refused_with_each_rows_problem_and_nothing_kept(api: Api) -> None:
    bad = api("tm1").post("/training/import", json={"csv": FILE + "cse1,cse-101,tomorrow\n"})
    assert bad.status_code == 422
    problems = {(e["loc"][2], e["loc"][3]) for e in bad.json()["detail"]}
    assert problems == {(4, "username"), (4, "course"), (4, "completed_on")}
    assert not TrainingRecord.objects.exists()


def test_refusals(api: Api) -> None:
    assert api("sw1").post("/training/import", json={"csv": FILE}).status_code == 403
    assert api("board1").get("/training").status_code == 403
    # Someone in another agency is not known to the manager: the same answer as nobody at all.
    assert api("tm1").post("/training", json={"username": "cse1", "course": "cse-awareness",
                                              "completed_on": "2025-01-01"}).status_code == 404  # fmt: skip
    future = api("tm1").post("/training", json={"username": "sw1", "course": "cse-awareness",
                                                "completed_on": "2999-01-01"})  # fmt: skip
    assert future.status_code == 422
    coverage = {(r["agency"], r["role"]): r for r in api("board1").get("/training/coverage").json()}
    assert coverage[("csc", "social_worker")]["staff"] == 2
    assert api("admin1").get("/training/coverage").status_code == 403
