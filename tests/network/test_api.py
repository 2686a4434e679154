"""The network over the JSON API, over real HTTP with bearer tokens: the shapes of its answers, 422 with a reason
for bad input (an unknown node and one the caller may not see answered alike), exports, refusals, rebuilds and
recording an association."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.urls import reverse

from lantern.accounts.models import User
from lantern.audit.models import AuditEvent
from lantern.demo.generator import ensure_organisation
from lantern.network.exports import EDGE_COLUMNS, NODE_COLUMNS
from lantern.network.models import Association, GraphBuild, Link
from lantern.network.services import graph_rebuild
from tests.api_clients import Api
from tests.network.conftest import MAR, PHONE_AMY_DEAN, VEHICLE_DEAN, World, build_world, key

NODE_FIELDS = {"key", "kind", "label", "url", "degree", "betweenness", "community"}
EDGE_FIELDS = {"source", "target", "kinds", "weight", "first", "last", "evidence"}
EVIDENCE_FIELDS = {"kind", "id", "label", "agency", "on", "url"}


@pytest.fixture
def api(live_server: Any, transactional_db: None, settings: Any) -> Iterator[Api]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ensure_organisation()
    client = Api(f"{live_server.url}/api/v1")
    yield client
    client.close()


@pytest.fixture
def w(api: Api) -> World:
    built = build_world({u.username: u for u in User.objects.select_related("agency")})
    graph_rebuild()
    return built


def unknown(name: str, node: str) -> dict[str, Any]:
    msg = f"'{node}' is not in the network you can see. Check the id, or widen the dates."
    return {"detail": [{"loc": ["query", name], "msg": msg, "type": "value_error"}]}


def test_an_ego_network_and_its_shape(api: Api, w: World) -> None:
    got = api("cse1").get("/network/ego", params={"node": key(w.dean), "hops": 2, "start": "2025-01-01"})
    assert got.status_code == 200, got.text
    body = got.json()
    assert set(body) == {"nodes", "edges", "focus", "window"}
    assert body["focus"] == [key(w.dean)]
    assert body["window"] == {"start": "2025-01-01", "end": None}
    assert {n["key"] for n in body["nodes"]} == {
        key(w.dean), key(w.amy), key(w.beth), f"phone:{PHONE_AMY_DEAN}", f"vehicle:{VEHICLE_DEAN}"
    }  # fmt: skip
    assert all(set(n) == NODE_FIELDS for n in body["nodes"])
    assert all(set(e) == EDGE_FIELDS for e in body["edges"])
    assert all(set(v) == EVIDENCE_FIELDS for e in body["edges"] for v in e["evidence"])
    beth = next(e for e in body["edges"] if key(w.beth) in (e["source"], e["target"]))
    assert (beth["kinds"], beth["weight"], beth["first"], beth["last"]) == (["vehicle"], 1, MAR.isoformat(),
                                                                            MAR.isoformat())  # fmt: skip
    record_id = str(w.beth_record.pk)
    assert beth["evidence"] == [
        {"kind": "agency_record", "id": record_id, "label": "csc record of Beth", "agency": "csc",
         "on": MAR.isoformat(), "url": reverse("people:record", args=[record_id])}
    ]  # fmt: skip
    expanded = api("cse1").get("/network/ego", params=[("node", key(w.dean)), ("expand", f"phone:{PHONE_AMY_DEAN}")])
    assert expanded.status_code == 200, expanded.text
    assert key(w.amy) in {n["key"] for n in expanded.json()["nodes"]}


def test_paths_communities_findings_and_the_latest_build(api: Api, w: World) -> None:
    cse1 = api("cse1")
    path = cse1.get("/network/path", params={"source": key(w.amy), "target": key(w.beth)})
    assert path.status_code == 200, path.text
    assert [n["key"] for n in path.json()["nodes"]] == [
        key(w.amy), f"phone:{PHONE_AMY_DEAN}", key(w.dean), f"vehicle:{VEHICLE_DEAN}", key(w.beth)
    ]  # fmt: skip
    assert len(path.json()["edges"]) == 4

    found = cse1.get("/network/communities", params={"limit": 1})
    assert found.status_code == 200, found.text
    assert found.json()["count"] == 3  # Dean's cluster splits in two along its chain; the report's is one
    assert [c["number"] for c in found.json()["items"]] == [1]
    assert set(found.json()["items"][0]) == {"number", "size", "kinds", "members"}

    findings = cse1.get("/network/findings")
    assert findings.status_code == 200, findings.text
    body = findings.json()
    assert set(body) == {"adults", "groups", "window"}
    assert [a["adult"]["key"] for a in body["adults"]] == [key(w.dean)]
    assert [c["label"] for c in body["adults"][0]["children"]] == ["Amy Test", "Beth Test"]
    assert {(v["child"]["label"], v["through"]["key"]) for v in body["adults"][0]["links"]} == {
        ("Amy Test", f"phone:{PHONE_AMY_DEAN}"), ("Beth Test", f"vehicle:{VEHICLE_DEAN}")
    }  # fmt: skip
    assert [[c["label"] for c in g["children"]] for g in body["groups"]] == [["Amy Test", "Beth Test"]]

    latest = cse1.get("/network/builds/latest")
    assert latest.status_code == 200, latest.text
    assert (latest.json()["status"], latest.json()["progress"], latest.json()["counts"]) == (
        "done", 100, {"links": 12, "nodes": 13}
    )  # fmt: skip


def test_bad_input_is_422_with_a_reason(api: Api, w: World) -> None:
    cse1, sw1 = api("cse1"), api("sw1")
    missing = f"person:{uuid.uuid4()}"
    got = cse1.get("/network/ego", params={"node": missing})
    assert (got.status_code, got.json()) == (422, unknown("node", missing))
    # A report that exists but sw1 may not see is answered exactly as one that does not exist.
    hidden = f"report:{w.report.pk}"
    got = sw1.get("/network/ego", params={"node": hidden})
    assert (got.status_code, got.json()) == (422, unknown("node", hidden))
    got = sw1.get("/network/ego", params={"node": "report:999999"})
    assert (got.status_code, got.json()) == (422, unknown("node", "report:999999"))
    got = cse1.get("/network/path", params={"source": key(w.amy), "target": missing})
    assert (got.status_code, got.json()) == (422, unknown("target", missing))
    got = cse1.get("/network/ego", params={"node": key(w.dean), "expand": "vehicle:NOPE"})
    assert (got.status_code, got.json()) == (422, unknown("expand", "vehicle:NOPE"))

    for hops in (0, 4):
        got = cse1.get("/network/ego", params={"node": key(w.dean), "hops": hops})
        assert got.status_code == 422
        assert got.json()["detail"] == [{"loc": ["query", "hops"], "msg": "Choose between 1 and 3 links out",
                                         "type": "value_error"}]  # fmt: skip
    for path, params in (
        ("/network/ego", {"node": key(w.dean)}),
        ("/network/findings", {}),
        ("/network/communities", {}),
        ("/network/path", {"source": key(w.amy), "target": key(w.beth)}),
    ):
        got = cse1.get(path, params={**params, "start": "2025-03-01", "end": "2025-02-01"})
        assert got.status_code == 422, path
        assert got.json()["detail"][0]["loc"] == ["query", "end"]
        assert got.json()["detail"][0]["msg"] == "The end date must be the same as or after the start date"
    got = cse1.get("/network/findings", params={"start": "31/02/2025"})
    assert got.status_code == 422
    assert [e["loc"][-1] for e in got.json()["detail"]] == ["start"]
    got = cse1.get("/network/ego", params={"hops": 1})
    assert got.status_code == 422
    assert [e["loc"][-1] for e in got.json()["detail"]] == ["node"]
    rejected = AuditEvent.objects.filter(purpose="rejected API request", outcome="failure")
    assert (rejected.filter(actor_username="cse1").count(), rejected.filter(actor_username="sw1").count()) == (11, 2)


def test_exports_over_http_are_files_and_audited(api: Api, w: World) -> None:
    analyst = api("analyst1")
    params = {"node": key(w.dean), "hops": 2}
    nodes = analyst.get("/network/export", params={**params, "format": "nodes.csv"})
    assert nodes.status_code == 200, nodes.text
    assert nodes.headers["content-type"] == "text/csv; charset=utf-8"
    assert nodes.headers["content-disposition"] == 'attachment; filename="lantern-network-nodes.csv"'
    rows = list(csv.reader(io.StringIO(nodes.text)))
    assert tuple(rows[0]) == NODE_COLUMNS
    assert {r[0] for r in rows[1:]} == {key(w.dean), key(w.amy), key(w.beth), f"phone:{PHONE_AMY_DEAN}",
                                        f"vehicle:{VEHICLE_DEAN}"}  # fmt: skip
    site = str(analyst.base_url).removesuffix("/api/v1/").removesuffix("/api/v1")
    assert {r[6] for r in rows[1:] if r[6]} == {f"{site}/people/{p.pk}/" for p in (w.dean, w.amy, w.beth)}

    edges = analyst.get("/network/export", params={**params, "format": "edges.csv"})
    assert edges.status_code == 200, edges.text
    assert tuple(next(csv.reader(io.StringIO(edges.text)))) == EDGE_COLUMNS
    assert edges.text.count("\r\n") == 5

    graphml = analyst.get("/network/export", params={**params, "format": "graphml"})
    assert graphml.status_code == 200, graphml.text
    assert graphml.headers["content-disposition"] == 'attachment; filename="lantern-network-graphml.graphml"'
    root = ET.fromstring(graphml.content)  # noqa: S314 - Lantern's own export, parsed to check it
    ids = {n.get("id") for n in root.iter("{http://graphml.graphdrawing.org/xmlns}node")}
    assert ids == {r[0] for r in rows[1:]}

    exports = AuditEvent.objects.filter(action="export", actor_username="analyst1", object_type="network")
    assert sorted(e.detail.split('"format":"')[1].split('"')[0] for e in exports) == ["edges.csv", "graphml",
                                                                                       "nodes.csv"]  # fmt: skip
    bad = analyst.get("/network/export", params={**params, "format": "pdf"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "format"]


def test_roles_without_the_network_are_refused(api: Api, w: World) -> None:
    for username in ("board1", "nurse1", "sw3", "admin1"):
        got = api(username).get("/network/ego", params={"node": key(w.dean)})
        assert got.status_code == 403, (username, got.text)
        assert "network analysis" in got.json()["detail"]
        assert AuditEvent.objects.filter(actor_username=username, action="denied", object_type="network").exists()
    assert api("board1").get("/network/findings").status_code == 403
    assert api("nurse1").get("/network/communities").status_code == 403
    assert api("board1").get("/network/builds/latest").status_code == 403
    refused = api("sw1").get("/network/export", params={"node": key(w.dean), "format": "nodes.csv"})
    assert refused.status_code == 403  # sees networks; may not export them
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_rebuild_is_accepted_then_refused_while_it_waits(api: Api, w: World) -> None:
    first = api("tm1").post("/network/builds")
    assert first.status_code == 202, first.text
    assert first.json()["status"] == "queued"
    second = api("analyst1").post("/network/builds")
    assert second.status_code == 409
    assert second.json() == {"detail": f"Network build {first.json()['id']} is already queued: wait for it."}
    assert api("sw1").post("/network/builds").status_code == 403
    assert GraphBuild.objects.filter(status="queued").count() == 1


def test_an_association_is_recorded_or_refused_with_its_reasons(api: Api, w: World) -> None:
    body = {"person_a": str(w.amy.pk), "person_b": str(w.dean.pk), "kind": "associate", "observed_on": "2025-06-01",
            "note": "Seen in his car outside school.", "handling_code": "C"}  # fmt: skip
    made = api("sw1").post("/network/associations", json=body)
    assert made.status_code == 201, made.text
    association = Association.objects.get(pk=made.json()["id"])
    assert Link.objects.filter(association=association, source=key(w.amy), target=key(w.dean)).exists()
    ego = api("sw1").get("/network/ego", params={"node": key(w.amy)})
    assert key(w.dean) in {n["key"] for n in ego.json()["nodes"]}  # at once, without a rebuild

    bad = api("sw1").post("/network/associations", json={**body, "person_b": body["person_a"],
                                                          "observed_on": "2999-01-01"})  # fmt: skip
    assert bad.status_code == 422
    assert {e["loc"][-1]: e["msg"] for e in bad.json()["detail"]} == {
        "person_b": "Choose two different people", "observed_on": "The date must be today or in the past"
    }  # fmt: skip
    missing = api("sw1").post("/network/associations", json={k: v for k, v in body.items() if k != "note"})
    assert missing.status_code == 422
    assert [e["loc"][-1] for e in missing.json()["detail"]] == ["note"]
    assert Association.objects.count() == 2
