"""The locality API over real HTTP: areas, measures, profiles as JSON and CSV, and its refusals."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from lantern.accounts.models import User
from lantern.accounts.services import token_create
from lantern.locality.services import profiles_recompute
from tests.locality.world import build_world


@pytest.fixture
def api(live_server: Any, settings: Any):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    build_world()
    profiles_recompute()
    clients: list[httpx.Client] = []

    def client(username: str) -> httpx.Client:
        key = token_create(user=User.objects.get(username=username), issued_by="test").key
        made = httpx.Client(base_url=f"{live_server.url}/api/v1/locality", headers={"Authorization": f"Bearer {key}"})
        clients.append(made)
        return made

    yield client
    for made in clients:
        made.close()


pytestmark = pytest.mark.django_db(transaction=True)


def test_areas_and_measures(api) -> None:
    board = api("board1")
    wards = board.get("/areas", params={"kind": "ward"}).json()
    assert (wards["count"], [a["name"] for a in wards["items"]]) == (3, ["Ashby Marsh", "Brindle", "Crowfield"])
    lsoas = board.get("/areas", params={"kind": "lsoa", "limit": 2}).json()
    assert (lsoas["count"], len(lsoas["items"]), lsoas["items"][0]["parent"]) == (3, 2, "E05990001")
    assert board.get("/areas", params={"kind": "msoa"}).status_code == 422
    measures = board.get("/measures").json()
    assert [m["code"] for m in measures["items"][:3]] == ["intel-reports", "missing-episodes", "screenings"]
    assert "children-10-17" not in {m["code"] for m in measures["items"]}


def test_profiles_as_json(api) -> None:
    analyst = api("analyst1")
    borough = analyst.get("/profile").json()
    assert (borough["area_code"], borough["area_kind"], borough["suppressed_view"]) == (None, "borough", False)
    assert borough["map_measure"]["code"] == "intel-reports"
    assert [a["code"] for a in borough["map_areas"]] == ["E05990001", "E05990002", "E05990003"]
    assert borough["map_areas"][0]["boundary"]["type"] == "Polygon"
    assert len(borough["trends"]["intel-reports"]) == 24
    assert 3 <= len(borough["summary"]) <= 6
    funnel = next(f for f in borough["funnels"] if f["measure"]["code"] == "intel-reports")
    assert funnel["borough_rate"] is not None
    assert funnel["limits"][0]["denominator"] >= 1
    ward = analyst.get("/areas/E05990001/profile", params={"map_measure": "conceptions-under-18"}).json()
    assert (ward["area_name"], ward["map_measure"]["code"]) == ("Ashby Marsh", "conceptions-under-18")
    assert [a["code"] for a in ward["map_areas"]] == ["E01990001", "E01990002"]


def test_csv_exports(api) -> None:
    board = api("board1")
    response = board.get("/areas/E05990002/profile.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="locality-profile-E05990002-' in response.headers["content-disposition"]
    lines = response.text.splitlines()
    assert lines[0].startswith("measure,measure_name,source,per,area_code,area_name")
    assert any(",Brindle,ward,2025-" in line or ",Brindle,ward," in line for line in lines)
    borough = board.get("/profile.csv")
    assert 'filename="locality-profile-borough-' in borough.headers["content-disposition"]


def test_refusals(api, live_server: Any) -> None:
    analyst = api("analyst1")
    unknown = analyst.get("/areas/E05000000/profile")
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "area"]
    assert analyst.get("/areas/E05000000/profile.csv").status_code == 422
    assert analyst.get("/profile", params={"map_measure": "nope"}).status_code == 422
    admin = api("admin1").get("/profile")
    assert admin.status_code == 403
    assert "aggregate figures" in admin.json()["detail"]
    assert httpx.get(f"{live_server.url}/api/v1/locality/profile").status_code == 401
