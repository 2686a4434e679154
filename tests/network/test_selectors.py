"""Reads of the network on the small world: findings, communities, paths with their evidence, date windows, the
checks on hops and windows, and what a reader who may see less is shown."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lantern.accounts.models import User
from lantern.audit.models import AuditEvent
from lantern.intel.enums import EntityKind
from lantern.intel.models import SanitisedReport
from lantern.network.selectors import (
    Edge,
    Window,
    communities,
    ego_network,
    findings,
    hops_check,
    shortest_path,
    window_check,
)
from lantern.network.services import graph_rebuild
from tests.network.conftest import (
    APR,
    FEB,
    JAN,
    MAR,
    MAY,
    PHONE_AMY_DEAN,
    PHONE_CONFIRMED,
    PHONE_GIVEN,
    VEHICLE_DEAN,
    VEHICLE_ELI,
    World,
    associate,
    entity,
    key,
    person,
    report,
)

PHONE = f"phone:{PHONE_AMY_DEAN}"
VEHICLE = f"vehicle:{VEHICLE_DEAN}"


@pytest.fixture
def built(world: World) -> World:
    graph_rebuild()
    return world


def evidence_of(edge: Edge) -> list[tuple[str, str, dt.date]]:
    return [(e.kind, e.id, e.on) for e in edge.evidence]


def pair(edge: Edge) -> frozenset[str]:
    return frozenset((edge.source, edge.target))


# -- findings ------------------------------------------------------------------------------------------------------
def test_an_adult_linked_to_two_children_is_found_with_how_each_is_linked(built: World) -> None:
    w = built
    found = findings(actor=w.users["cse1"])
    assert [f.adult.key for f in found.adults] == [key(w.dean)]  # Eli is linked to one child only
    dean = found.adults[0]
    assert (dean.adult.label, dean.adult.kind) == ("Dean Test", "adult")
    assert [c.label for c in dean.children] == ["Amy Test", "Beth Test"]
    ways = {(via.child.key, via.through.key if via.through else None): via for via in dean.links}
    assert set(ways) == {(key(w.amy), PHONE), (key(w.beth), VEHICLE)}
    to_amy = ways[(key(w.amy), PHONE)]
    assert [(e.source, e.target) for e in to_amy.edges] == [(key(w.dean), PHONE), (PHONE, key(w.amy))]
    assert [evidence_of(e) for e in to_amy.edges] == [
        [("agency_record", str(w.dean_record.pk), FEB)],
        [("agency_record", str(w.amy_record.pk), JAN)],
    ]
    assert to_amy.through is not None
    assert to_amy.through.label == "07700 900101"
    assert [([c.label for c in g.children], [a.label for a in g.adults]) for g in found.groups] == [
        (["Amy Test", "Beth Test"], ["Dean Test"])
    ]
    audit = AuditEvent.objects.get(action="view", actor_username="cse1", object_type="network")
    assert json.loads(audit.detail) == {"adults": 1, "groups": 1, "start": None, "end": None}


def test_children_sharing_adults_are_one_group_and_a_direct_association_has_no_node_between(built: World) -> None:
    w = built
    associate(w.eli, w.beth, w.users["sw1"], MAY)
    graph_rebuild()
    found = findings(actor=w.users["cse1"])
    assert [f.adult.label for f in found.adults] == ["Dean Test", "Eli Test"]
    eli = found.adults[1]
    assert [c.label for c in eli.children] == ["Beth Test", "Cara Test"]
    ways = {(via.child.label, via.through.key if via.through else None) for via in eli.links}
    assert ways == {("Beth Test", None), ("Cara Test", None), ("Cara Test", f"report:{w.report.pk}")}
    assert [([c.label for c in g.children], [a.label for a in g.adults]) for g in found.groups] == [
        (["Amy Test", "Beth Test", "Cara Test"], ["Dean Test", "Eli Test"])
    ]

    # A separate adult with two other children is a second, smaller group.
    gus = person("adult", "police", "Gus", "Test")
    for given in ("Kim", "Lia"):
        associate(gus, person("child", "csc", given, "Test"), w.users["sw1"], MAY)
    graph_rebuild()
    groups = findings(actor=w.users["cse1"]).groups
    assert [[c.label for c in g.children] for g in groups] == [
        ["Amy Test", "Beth Test", "Cara Test"],
        ["Kim Test", "Lia Test"],
    ]


def test_findings_in_a_window_count_only_the_links_within_it(built: World) -> None:
    w = built
    assert findings(actor=w.users["cse1"], window=Window(start=FEB)).adults == []  # Amy's link is from January
    assert [f.adult.label for f in findings(actor=w.users["cse1"], window=Window(end=MAR)).adults] == ["Dean Test"]


# -- communities ---------------------------------------------------------------------------------------------------
def test_two_separate_clusters_are_two_communities(org: dict[str, User]) -> None:
    big = report("police", org["cse1"], APR)
    for given in ("Ann", "Bob", "Col", "Dot"):
        entity(big, EntityKind.PERSON, given, who=person("adult", "police", given, "Big"), confirmed=True)
    small = report("police", org["cse1"], MAY)
    for given in ("Eve", "Flo"):
        entity(small, EntityKind.PERSON, given, who=person("child", "csc", given, "Small"), confirmed=True)
    entity(small, EntityKind.PHONE, PHONE_GIVEN)
    graph_rebuild()

    found = communities(actor=org["cse1"])
    assert [(c.number, c.size) for c in found] == [(1, 5), (2, 4)]
    assert found[0].kinds == {"report": 1, "adult": 4}
    assert found[1].kinds == {"report": 1, "child": 2, "phone": 1}
    assert found[0].members[0].key == f"report:{big.pk}"  # the most linked first
    assert found[0].members[0].degree == 4
    assert {m.label for m in found[0].members[1:]} == {"Ann Big", "Bob Big", "Col Big", "Dot Big"}
    assert {m.label for m in found[1].members if m.kind == "child"} == {"Eve Small", "Flo Small"}
    assert {m.key for m in found[1].members if m.kind != "child"} == {f"report:{small.pk}", f"phone:{PHONE_GIVEN}"}
    assert all(m.community == c.number for c in found for m in c.members)
    assert [(c.number, c.size) for c in communities(actor=org["cse1"], members=2)] == [(1, 5), (2, 4)]
    assert [len(c.members) for c in communities(actor=org["cse1"], members=2)] == [2, 2]
    assert [c.size for c in communities(actor=org["cse1"], window=Window(end=APR))] == [5]


# -- paths ---------------------------------------------------------------------------------------------------------
def test_the_shortest_path_has_each_steps_evidence(built: World) -> None:
    w = built
    chart = shortest_path(actor=w.users["cse1"], source=key(w.amy), target=key(w.beth))
    assert [n.key for n in chart.nodes] == [key(w.amy), PHONE, key(w.dean), VEHICLE, key(w.beth)]
    assert chart.focus == [key(w.amy), key(w.beth)]
    by_pair = {pair(e): evidence_of(e) for e in chart.edges}
    assert by_pair == {
        frozenset((key(w.amy), PHONE)): [("agency_record", str(w.amy_record.pk), JAN)],
        frozenset((PHONE, key(w.dean))): [("agency_record", str(w.dean_record.pk), FEB)],
        frozenset((key(w.dean), VEHICLE)): [("agency_record", str(w.dean_record.pk), FEB)],
        frozenset((VEHICLE, key(w.beth))): [("agency_record", str(w.beth_record.pk), MAR)],
    }
    labels = {pair(e): [v.label for v in e.evidence] for e in chart.edges}
    assert labels[frozenset((VEHICLE, key(w.beth)))] == ["csc record of Beth"]
    assert all(e.evidence[0].url == reverse("people:record", args=[e.evidence[0].id]) for e in chart.edges)
    audit = AuditEvent.objects.get(action="view", actor_username="cse1", object_id=str(w.amy.pk))
    assert json.loads(audit.detail)["length"] == 4


def test_a_path_between_unjoined_nodes_is_empty_and_a_path_outside_the_window_is_refused(built: World) -> None:
    w = built
    chart = shortest_path(actor=w.users["cse1"], source=key(w.amy), target=key(w.cara))
    assert (chart.nodes, chart.edges) == ([], [])
    direct = shortest_path(actor=w.users["cse1"], source=key(w.eli), target=key(w.cara))
    assert [n.key for n in direct.nodes] == [key(w.eli), key(w.cara)]
    assert [evidence_of(e) for e in direct.edges] == [[("association", str(w.seen_together.pk), MAY)]]
    with pytest.raises(ValidationError) as refused:
        shortest_path(actor=w.users["cse1"], source=key(w.amy), target=key(w.beth), window=Window(start=FEB))
    assert refused.value.message_dict == {
        "source": [f"'{key(w.amy)}' is not in the network you can see. Check the id, or widen the dates."]
    }


# -- ego networks and windows ----------------------------------------------------------------------------------------
def test_ego_networks_of_one_two_and_three_hops(built: World) -> None:
    w = built
    cse1 = w.users["cse1"]
    takeaway = f"place:{w.takeaway.pk}"
    one = ego_network(actor=cse1, node=key(w.dean), hops=1)
    assert {n.key for n in one.nodes} == {key(w.dean), PHONE, VEHICLE}
    assert {pair(e) for e in one.edges} == {frozenset((key(w.dean), PHONE)), frozenset((key(w.dean), VEHICLE))}
    two = ego_network(actor=cse1, node=key(w.dean), hops=2)
    assert {n.key for n in two.nodes} == {key(w.dean), PHONE, VEHICLE, key(w.amy), key(w.beth)}
    three = ego_network(actor=cse1, node=key(w.dean), hops=3)
    assert {n.key for n in three.nodes} == {key(w.dean), PHONE, VEHICLE, key(w.amy), key(w.beth), takeaway}
    expanded = ego_network(actor=cse1, node=key(w.dean), hops=1, expand=[PHONE])
    assert {n.key for n in expanded.nodes} == {key(w.dean), PHONE, VEHICLE, key(w.amy)}
    assert expanded.focus == [key(w.dean), PHONE]

    # Degree is in the reader's whole network, not only the chart; betweenness and communities in the chart.
    degree = {n.key: n.degree for n in one.nodes}
    assert degree == {key(w.dean): 2, PHONE: 2, VEHICLE: 2}
    assert {n.key: n.betweenness for n in one.nodes} == {key(w.dean): 1.0, PHONE: 0.0, VEHICLE: 0.0}
    assert {n.key: (n.kind, n.label) for n in three.nodes}[takeaway] == ("place", "Station Takeaway")
    assert {n.key: n.url for n in one.nodes}[key(w.dean)] == f"/people/{w.dean.pk}/"
    audit = AuditEvent.objects.filter(action="view", actor_username="cse1", object_id=str(w.dean.pk)).first()
    assert audit is not None
    assert audit.object_type == "person"


def test_a_report_and_its_evidence_in_an_ego_network(built: World) -> None:
    w = built
    chart = ego_network(actor=w.users["analyst1"], node=f"report:{w.report.pk}", hops=1)
    assert {n.key for n in chart.nodes} == {
        f"report:{w.report.pk}", key(w.eli), key(w.cara), f"phone:{PHONE_GIVEN}", f"phone:{PHONE_CONFIRMED}",
        f"vehicle:{VEHICLE_ELI}", f"place:{w.park.pk}",
    }  # fmt: skip
    report_node = chart.node(f"report:{w.report.pk}")
    assert report_node.label == f"{w.report.reference} (10 Apr 2025)"
    assert report_node.degree == 6
    eli_cara = next(e for e in chart.edges if pair(e) == frozenset((key(w.eli), key(w.cara))))
    assert (eli_cara.kinds, eli_cara.weight, eli_cara.first, eli_cara.last) == (["association"], 1, MAY, MAY)
    assert [v.label for v in eli_cara.evidence] == ["Seen together"]


def test_a_window_takes_out_the_links_dated_outside_it(built: World) -> None:
    w = built
    cse1 = w.users["cse1"]
    later = ego_network(actor=cse1, node=VEHICLE, hops=1, window=Window(start=MAR))
    assert {n.key for n in later.nodes} == {VEHICLE, key(w.beth)}  # Dean's record is from February
    assert later.node(VEHICLE).degree == 1
    earlier = ego_network(actor=cse1, node=key(w.dean), hops=2, window=Window(end=FEB))
    assert {n.key for n in earlier.nodes} == {key(w.dean), PHONE, VEHICLE, key(w.amy)}  # not Beth (March)
    exact = ego_network(actor=cse1, node=key(w.dean), hops=1, window=Window(FEB, FEB))
    assert {n.key for n in exact.nodes} == {key(w.dean), PHONE, VEHICLE}
    with pytest.raises(ValidationError) as refused:
        ego_network(actor=cse1, node=key(w.dean), window=Window(start=MAR))
    assert refused.value.message_dict == {
        "node": [f"'{key(w.dean)}' is not in the network you can see. Check the id, or widen the dates."]
    }


def test_window_and_hops_checks() -> None:
    assert window_check(None, None) == Window()
    assert window_check(JAN, JAN) == Window(JAN, JAN)
    assert window_check(None, JAN) == Window(end=JAN)
    with pytest.raises(ValidationError) as refused:
        window_check(FEB, JAN)
    assert refused.value.message_dict == {"end": ["The end date must be the same as or after the start date"]}
    assert [hops_check(h) for h in (1, 2, 3)] == [1, 2, 3]
    for hops in (0, 4, -1):
        with pytest.raises(ValidationError) as refused:
            hops_check(hops)
        assert refused.value.message_dict == {"hops": ["Choose between 1 and 3 links out"]}


def test_bad_hops_and_unknown_expansions_are_refused(built: World) -> None:
    w = built
    with pytest.raises(ValidationError, match="between 1 and 3"):
        ego_network(actor=w.users["cse1"], node=key(w.dean), hops=4)
    with pytest.raises(ValidationError) as refused:
        ego_network(actor=w.users["cse1"], node=key(w.dean), expand=["phone:+447700900999"])
    assert set(refused.value.message_dict) == {"expand"}


# -- what each reader may see --------------------------------------------------------------------------------------
def test_a_report_the_reader_may_not_see_is_no_part_of_their_network_until_sanitised(built: World) -> None:
    w = built
    sw1, report_key = w.users["sw1"], f"report:{w.report.pk}"
    eli = ego_network(actor=sw1, node=key(w.eli), hops=2)
    assert {n.key for n in eli.nodes} == {key(w.eli), key(w.cara)}  # the recorded association only
    assert eli.node(key(w.eli)).degree == 1
    with pytest.raises(ValidationError) as refused:
        ego_network(actor=sw1, node=report_key)
    assert refused.value.message_dict == {
        "node": [f"'{report_key}' is not in the network you can see. Check the id, or widen the dates."]
    }
    assert [f.adult.label for f in findings(actor=sw1).adults] == ["Dean Test"]
    assert sum(c.size for c in communities(actor=sw1)) == 8  # Dean's cluster of six, Eli and Cara

    # A sanitised version is shared with social care (handling P): the report's links come into view.
    SanitisedReport.objects.create(report=w.report, text="Synthetic sanitised account.", created_by=w.users["cse1"])
    eli = ego_network(actor=sw1, node=key(w.eli), hops=1)
    assert {n.key for n in eli.nodes} == {key(w.eli), key(w.cara), report_key}
    assert eli.node(key(w.eli)).degree == 2


def test_the_same_links_give_the_same_communities_and_numbers_on_any_database(built: World) -> None:
    """Leiden follows the order nodes enter the graph, so the reader's graph is read in the link table's order."""
    w = built
    found = communities(actor=w.users["cse1"])
    assert [sorted(m.key for m in c.members) for c in found] == [
        sorted([f"report:{w.report.pk}", key(w.eli), key(w.cara), f"phone:{PHONE_GIVEN}", f"phone:{PHONE_CONFIRMED}",
                f"vehicle:{VEHICLE_ELI}", f"place:{w.park.pk}"]),
        sorted([key(w.amy), PHONE, f"place:{w.takeaway.pk}"]),  # Dean's chain splits in two at its middle link
        sorted([key(w.dean), VEHICLE, key(w.beth)]),
    ]  # fmt: skip
    assert [c.kinds for c in found] == [
        {"report": 1, "phone": 2, "vehicle": 1, "place": 1, "adult": 1, "child": 1},
        {"phone": 1, "place": 1, "child": 1},
        {"vehicle": 1, "adult": 1, "child": 1},
    ]
