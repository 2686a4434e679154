"""A chart as files: i2-ready CSV node and edge lists and GraphML, holding exactly the chart, and audited."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree as ET

import pytest
from django.core.exceptions import ValidationError

from lantern.access.policy import AccessDenied
from lantern.audit.models import AuditEvent
from lantern.network.exports import EDGE_COLUMNS, NODE_COLUMNS
from lantern.network.selectors import ego_network, network_export
from lantern.network.services import graph_rebuild
from tests.network.conftest import FEB, MAR, PHONE_AMY_DEAN, VEHICLE_DEAN, World, key

NS = {"g": "http://graphml.graphdrawing.org/xmlns"}


@pytest.fixture
def built(world: World) -> World:
    # A name an export must quote: a comma and a double quote inside a CSV field.
    world.dean.given_name = 'Dean "DJ", '
    world.dean.save()
    graph_rebuild()
    return world


def table(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_node_list_has_i2s_columns_and_one_row_per_node(built: World) -> None:
    w = built
    body = network_export(actor=w.users["analyst1"], fmt="nodes.csv", node=key(w.dean), hops=2,
                          base_url="https://lantern.example")  # fmt: skip
    rows = table(body)
    assert body.endswith("\r\n")
    assert tuple(rows[0]) == NODE_COLUMNS
    chart = ego_network(actor=w.users["analyst1"], node=key(w.dean), hops=2)
    assert [r[0] for r in rows[1:]] == [n.key for n in chart.nodes]
    dean = next(r for r in rows if r[0] == key(w.dean))
    assert dean == ['person:' + str(w.dean.pk), "Adult of concern", 'Dean "DJ",  Test', "1", "2", "0.6667",
                    f"https://lantern.example/people/{w.dean.pk}/"]  # fmt: skip
    phone = next(r for r in rows if r[0] == f"phone:{PHONE_AMY_DEAN}")
    assert phone[1:3] == ["Phone", "07700 900101"]
    assert phone[6] == ""  # a phone has no page of its own


def test_the_edge_list_names_both_ends_and_every_source(built: World) -> None:
    w = built
    rows = table(network_export(actor=w.users["cse1"], fmt="edges.csv", node=key(w.dean), hops=2))
    assert tuple(rows[0]) == EDGE_COLUMNS
    assert len(rows) == 5  # Dean to the phone and the vehicle, and on to Amy and Beth
    beth = next(r for r in rows if key(w.beth) in (r[0], r[3]))
    ends = {(beth[0], beth[1], beth[2]), (beth[3], beth[4], beth[5])}
    assert ends == {(key(w.beth), "Child or young person", "Beth Test"), (f"vehicle:{VEHICLE_DEAN}", "Vehicle",
                                                                           VEHICLE_DEAN)}  # fmt: skip
    assert beth[6:] == ["Seen with the vehicle", MAR.isoformat(), MAR.isoformat(), "1",
                        f"csc: csc record of Beth ({MAR.isoformat()})"]  # fmt: skip
    dean_phone = next(r for r in rows if {r[0], r[3]} == {key(w.dean), f"phone:{PHONE_AMY_DEAN}"})
    assert dean_phone[2] == 'Dean "DJ",  Test' or dean_phone[5] == 'Dean "DJ",  Test'
    assert dean_phone[7:11] == [FEB.isoformat(), FEB.isoformat(), "1", f"police: police record of Dean ({FEB})"]


def test_graphml_parses_and_holds_the_charts_nodes_and_edges(built: World) -> None:
    w = built
    body = network_export(actor=w.users["tm1"], fmt="graphml", node=key(w.dean), hops=3)
    root = ET.fromstring(body.encode())  # noqa: S314 - Lantern's own export, parsed to check it
    graph = root.find("g:graph", NS)
    assert graph is not None
    assert graph.get("edgedefault") == "undirected"
    chart = ego_network(actor=w.users["tm1"], node=key(w.dean), hops=3)
    nodes = {n.get("id"): n for n in graph.findall("g:node", NS)}
    assert set(nodes) == {n.key for n in chart.nodes} == {
        key(w.dean), key(w.amy), key(w.beth), f"phone:{PHONE_AMY_DEAN}", f"vehicle:{VEHICLE_DEAN}",
        f"place:{w.takeaway.pk}",
    }  # fmt: skip
    data = {d.get("key"): d.text for d in nodes[f"place:{w.takeaway.pk}"].findall("g:data", NS)}
    assert data == {"node_kind": "place", "node_label": "Station Takeaway", "node_community": data["node_community"],
                    "node_degree": "1", "node_betweenness": "0.0"}  # fmt: skip
    edges = {frozenset((e.get("source"), e.get("target"))) for e in graph.findall("g:edge", NS)}
    assert edges == {frozenset((e.source, e.target)) for e in chart.edges}
    assert len(edges) == 5
    declared = {(k.get("for"), k.get("attr.name")) for k in root.findall("g:key", NS)}
    assert ("node", "label") in declared
    assert ("edge", "sources") in declared


def test_an_export_is_audited_and_refused_to_roles_that_may_not_export(built: World) -> None:
    w = built
    network_export(actor=w.users["cse1"], fmt="edges.csv", node=key(w.dean), hops=1)
    audit = AuditEvent.objects.get(action="export", actor_username="cse1")
    assert (audit.object_type, audit.object_id, audit.outcome) == ("network", key(w.dean), "success")
    assert json.loads(audit.detail) == {"format": "edges.csv", "node": key(w.dean), "hops": 1, "expand": [],
                                        "nodes": 3, "edges": 2, "start": None, "end": None}  # fmt: skip

    with pytest.raises(AccessDenied):
        network_export(actor=w.users["sw1"], fmt="nodes.csv", node=key(w.dean))  # sees networks, may not export
    assert AuditEvent.objects.filter(actor_username="sw1", action="denied", object_type="network").count() == 1
    with pytest.raises(ValidationError) as refused:
        network_export(actor=w.users["cse1"], fmt="xlsx", node=key(w.dean))
    assert refused.value.message_dict == {"format": ["Choose one of: nodes.csv, edges.csv, graphml"]}
    assert AuditEvent.objects.filter(action="export").count() == 1
