"""The access matrix for network analysis: every demo user x every kind of evidence a link can rest on.

One world holds a link of each kind: agency records of every partner (and of an agency sharing nothing), with
handling code P or C; sexual-health records with and without a statutory trigger; a record of a child allocated to
some users; intelligence reports held by every agency, P or C, with and without a sanitised version; associations
recorded by every agency, P or C; and a report and an association naming someone no partner holds. Each record,
report and association links its own person and its own phone, so it can be told apart in any answer, and also a
hub phone and a hub adult, so that degrees, weights and communities add up what a reader sees.

What each user should see is derived from the policy through `access.can` on each row behind a link (the record,
the report or its sanitised version, the association) and on each person at its ends, never written down here.
Then every read (ego networks, a path, communities, findings, and each export) is checked: exactly the expected
nodes and edges with exactly their evidence, degrees counting only visible neighbours, and no trace (name, id,
phone number, report reference, record title) of anything hidden in the raw answer. A node the user may not see
is refused exactly as one that does not exist. Users without network access are refused everything, each refusal
audited. A few reads go over HTTP as well.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import itertools
import json
import uuid
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from lantern.access.policy import AccessDenied, Action, Category, can
from lantern.accounts.models import User
from lantern.audit.models import AuditEvent
from lantern.demo.generator import DEMO_USERS, ensure_organisation
from lantern.intel.enums import EntityKind
from lantern.intel.models import IntelReport, SanitisedReport
from lantern.network import exports
from lantern.network.enums import EvidenceKind
from lantern.network.selectors import communities, ego_network, findings, network_export, shortest_path
from lantern.network.services import BuildBusy, graph_rebuild, graph_rebuild_request
from lantern.people.models import Allocation, Person, SourceRecord
from tests.api_clients import Api
from tests.factories import AgencyFactory, UserFactory
from tests.network.conftest import associate, entity, key, person, record, report

USERNAMES = [u.username for u in DEMO_USERS if u.username != "sw2"]  # sw2 is sw1's role and team again
HOLDERS = ("csc", "police", "health", "school", "youth", "elsewhere")
HUB_PHONE = "+447700900500"
ON = dt.date(2025, 6, 1)


@dataclass
class Item:
    """One row a link rests on, the links it makes, and the strings that would give it away."""

    label: str
    row: models.Model
    edges: list[tuple[str, str, Person | None]]  # (node, node, the person at an end, if any)
    markers: list[tuple[str, str]] = field(default_factory=list)  # (node, text only that node's presence shows)
    row_markers: list[str] = field(default_factory=list)  # the row's own id and title or reference

    @property
    def evidence(self) -> tuple[str, str]:
        kind = {SourceRecord: EvidenceKind.RECORD, IntelReport: EvidenceKind.REPORT}.get(
            type(self.row), EvidenceKind.ASSOCIATION
        )
        return (str(kind), str(self.row.pk))


@dataclass
class World:
    users: dict[str, User]
    hub: Person
    items: list[Item] = field(default_factory=list)


def build_world() -> World:
    ensure_organisation()
    elsewhere = AgencyFactory(code="elsewhere")  # no agreement with anyone
    users = {u.username: u for u in User.objects.select_related("agency")}
    recorders = {"csc": users["sw2"], "police": users["cse1"], "health": users["nurse1"], "school": users["dsl1"],
                 "youth": users["youth1"], "elsewhere": UserFactory(username="else1", agency=elsewhere)}  # fmt: skip
    hub = person("adult", "police", "Hub", "Zzhubx")
    world = World(users=users, hub=hub)
    numbers = (f"+4477009005{n:02d}" for n in itertools.count(1))
    serial = itertools.count(1)

    def add(label: str, row: models.Model, edges: list[tuple[str, str, Person | None]], *people: Person) -> None:
        markers = [(key(who), text) for who in people for text in (str(who.pk), who.family_name)]
        for node in {n for a, b, _who in edges for n in (a, b)}:
            if node.startswith("phone:") and node != f"phone:{HUB_PHONE}":
                number = node.partition(":")[2]
                markers += [(node, number), (node, f"0{number[3:7]} {number[7:]}")]  # as written and as shown
        texts = [getattr(row, "title", ""), getattr(row, "reference", "")]
        texts += [str(row.pk)] if isinstance(row.pk, uuid.UUID) else []  # a report's number is no marker
        if isinstance(row, IntelReport):
            markers.append((f"report:{row.pk}", row.reference))
        world.items.append(Item(label, row, edges, markers, [t for t in texts if t]))

    def child(owner: str) -> Person:
        return person("child", owner, "Kid", f"Zzc{next(serial):02d}x")

    # The hub adult's own police record gives the hub phone its first link.
    made = record(hub, "police", ON, phones=(HUB_PHONE,), title="Record zzr00x")
    add("hub record", made, [(key(hub), f"phone:{HUB_PHONE}", hub)])

    # Agency records of children, each with its own phone and the hub phone.
    cases = [(h, "agency_record", code, False) for h, code in itertools.product(HOLDERS, "PC")]
    cases += [("health", "sexual_health", code, trigger) for code, trigger in itertools.product("PC", (False, True))]
    for holder, category, code, trigger in cases:
        kid = child(holder)
        kid.statutory_enquiry_open = trigger
        kid.save(update_fields=["statutory_enquiry_open"])
        own = next(numbers)
        made = record(kid, holder, ON, phones=(own, HUB_PHONE), handling=code, category=category,
                      title=f"Record zzr{next(serial):02d}x")  # fmt: skip
        add(f"{category} {holder} {code}{' trigger' if trigger else ''}", made,
            [(key(kid), f"phone:{own}", kid), (key(kid), f"phone:{HUB_PHONE}", kid)], kid)  # fmt: skip
    # A youth-service record kept under conditions, about a child some users are allocated to.
    kid = child("youth")
    for username in ("sw1", "sw3"):
        Allocation.objects.create(person=kid, user=users[username])
    own = next(numbers)
    made = record(kid, "youth", ON, phones=(own, HUB_PHONE), handling="C", title=f"Record zzr{next(serial):02d}x")
    add("agency_record youth C allocated", made,
        [(key(kid), f"phone:{own}", kid), (key(kid), f"phone:{HUB_PHONE}", kid)], kid)  # fmt: skip

    # Intelligence reports naming an adult (held by the police, so any partner may know of him) and a phone.
    for holder, code, sanitised in itertools.product(HOLDERS, "PC", (False, True)):
        named = person("adult", "police", "Man", f"Zza{next(serial):02d}x")
        own = next(numbers)
        made_report = report(holder, recorders[holder], ON, handling=code)
        entity(made_report, EntityKind.PERSON, named.family_name, who=named, confirmed=True)
        entity(made_report, EntityKind.PHONE, own)
        entity(made_report, EntityKind.PHONE, HUB_PHONE)
        if sanitised:
            SanitisedReport.objects.create(report=made_report, text="Synthetic sanitised account.",
                                           created_by=recorders[holder])  # fmt: skip
        node = f"report:{made_report.pk}"
        edges = [(node, key(named), named), (node, f"phone:{own}", None), (node, f"phone:{HUB_PHONE}", None)]
        add(f"report {holder} {code}{' sanitised' if sanitised else ''}", made_report, edges, named)

    # A police report (P, shared sanitised) naming someone no partner holds: the report, not the person.
    stranger = person("adult", "elsewhere", "Stranger", "Zzs01x")
    made_report = report("police", users["cse1"], ON, handling="P")
    entity(made_report, EntityKind.PERSON, "Stranger", who=stranger, confirmed=True)
    own = next(numbers)
    entity(made_report, EntityKind.PHONE, own)
    SanitisedReport.objects.create(report=made_report, text="Synthetic.", created_by=users["cse1"])
    node = f"report:{made_report.pk}"
    add("report police P naming a stranger", made_report,
        [(node, key(stranger), stranger), (node, f"phone:{own}", None)], stranger)  # fmt: skip

    # Associations of the hub adult with a child, recorded by each agency, P or C; and one with the stranger.
    for holder, code in itertools.product(("csc", "police", "school", "youth", "elsewhere"), "PC"):
        kid = child("csc")
        made_association = associate(hub, kid, recorders[holder], ON, handling=code)
        add(f"association {holder} {code}", made_association, [(key(hub), key(kid), kid)], kid)
    made_association = associate(hub, stranger, users["sw2"], ON)
    add("association csc P with the stranger", made_association, [(key(hub), key(stranger), stranger)], stranger)
    graph_rebuild()
    return world


# -- what the policy says each user sees ---------------------------------------------------------------------------
def evidence_visible(user: User, row: models.Model) -> bool:
    if can(user, Action.VIEW, row):
        return True
    sanitised = SanitisedReport.objects.filter(report=row).first() if isinstance(row, IntelReport) else None
    return sanitised is not None and can(user, Action.VIEW, sanitised)


@dataclass
class Expected:
    """The user's network as the policy allows it, computed from the world, not from the link table."""

    adjacency: dict[str, set[str]]
    evidence: dict[frozenset[str], set[tuple[str, str]]]
    hidden_markers: dict[str, str]  # a marker -> what it would give away
    visible_items: list[str]
    hidden_items: list[str]

    def degree(self, node: str) -> int:
        return len(self.adjacency.get(node, ()))

    def within(self, start: str, hops: int) -> set[str]:
        seen, frontier = {start}, [start]
        for _ in range(hops):
            frontier = [n for f in frontier for n in self.adjacency.get(f, ()) if n not in seen]
            seen.update(frontier)
        return seen

    def distance(self, a: str, b: str) -> int | None:
        queue, seen = deque([(a, 0)]), {a}
        while queue:
            node, far = queue.popleft()
            if node == b:
                return far
            for near in self.adjacency.get(node, set()) - seen:
                seen.add(near)
                queue.append((near, far + 1))
        return None


def expected_for(user: User, world: World) -> Expected:
    person_ok: dict[object, bool] = {}

    def sees(who: Person | None) -> bool:
        if who is None:
            return True
        if who.pk not in person_ok:
            person_ok[who.pk] = can(user, Action.VIEW, who)
        return person_ok[who.pk]

    adjacency: dict[str, set[str]] = defaultdict(set)
    evidence: dict[frozenset[str], set[tuple[str, str]]] = defaultdict(set)
    visible_items, hidden_items = [], []
    for item in world.items:
        shown = evidence_visible(user, item.row)
        (visible_items if shown else hidden_items).append(item.label)
        for a, b, who in item.edges:
            if shown and sees(who):
                adjacency[a].add(b)
                adjacency[b].add(a)
                evidence[frozenset((a, b))].add(item.evidence)
    hidden: dict[str, str] = {}
    for item in world.items:
        for node, marker in item.markers:
            if node not in adjacency:
                hidden[marker] = f"{node} ({item.label})"
        if item.label in hidden_items:
            hidden.update(dict.fromkeys(item.row_markers, f"the evidence of {item.label}"))
    return Expected(dict(adjacency), dict(evidence), hidden, visible_items, hidden_items)


# -- checking answers ------------------------------------------------------------------------------------------------
def as_text(answer: Any) -> str:
    return answer if isinstance(answer, str) else json.dumps(
        [dataclasses.asdict(a) for a in answer] if isinstance(answer, list) else dataclasses.asdict(answer),
        default=str,
    )  # fmt: skip


def leaks(text: str, want: Expected) -> list[str]:
    return [f"{what} shown ({marker!r})" for marker, what in want.hidden_markers.items() if marker in text]


def check_chart(label: str, chart: Any, want: Expected, nodes: set[str], failures: list[str]) -> None:
    got = {n.key for n in chart.nodes}
    if got != nodes:
        failures.append(f"{label}: nodes {sorted(got ^ nodes)} differ from the policy's")
    for node in chart.nodes:
        if node.key in want.adjacency and node.degree != want.degree(node.key):
            failures.append(f"{label}: {node.key} degree {node.degree}, sees {want.degree(node.key)} neighbours")
    for edge in chart.edges:
        pair = frozenset((edge.source, edge.target))
        found = {(e.kind, e.id) for e in edge.evidence}
        if found != want.evidence.get(pair, set()) or edge.weight != len(want.evidence.get(pair, ())):
            failures.append(f"{label}: edge {sorted(pair)} evidence {sorted(found)} weight {edge.weight}")


class Reads:
    """Every read for a user who may see networks, each checked against the policy's network."""

    def __init__(self, user: User, world: World, want: Expected) -> None:
        self.user, self.world, self.want = user, world, want
        self.failures: list[str] = []
        self.texts: list[tuple[str, str]] = []
        self.reads = 0
        kinds = dict(Person.objects.values_list("pk", "kind"))
        self.kinds = {key_: str(kinds[uuid.UUID(key_.partition(":")[2])]) for key_ in want.adjacency
                      if key_.startswith("person:")}  # fmt: skip

    def run(self) -> None:
        for check in (self.egos, self.findings, self.communities, self.path, self.exports, self.hidden_nodes):
            check()
        for label, text in self.texts:
            self.failures += [f"{label}: {leak}" for leak in leaks(text, self.want)]

    def egos(self) -> None:
        for node, hops in ((f"phone:{HUB_PHONE}", 1), (f"phone:{HUB_PHONE}", 2), (key(self.world.hub), 1),
                           (key(self.world.hub), 3)):  # fmt: skip
            chart = ego_network(actor=self.user, node=node, hops=hops)
            self.reads += 1
            check_chart(f"ego {node} {hops}", chart, self.want, self.want.within(node, hops), self.failures)
            self.texts.append((f"ego {node} {hops}", as_text(chart)))

    def findings(self) -> None:
        found = findings(actor=self.user)
        self.reads += 1
        self.texts.append(("findings", as_text(found)))
        adjacency, kinds = self.want.adjacency, self.kinds
        wanted: dict[str, set[str]] = {}
        for adult in (n for n in adjacency if kinds.get(n) == "adult"):
            children = {n for n in adjacency[adult] if kinds.get(n) == "child"}
            children |= {far for near in adjacency[adult] if not near.startswith("person:")
                         for far in adjacency[near] if kinds.get(far) == "child"}  # fmt: skip
            if len(children) >= 2:
                wanted[adult] = children
        got = {f.adult.key: {c.key for c in f.children} for f in found.adults}
        if got != wanted:
            self.failures.append(f"findings: {got} differ from the policy's {wanted}")

    def communities(self) -> None:
        found = communities(actor=self.user, members=1000)
        self.reads += 1
        self.texts.append(("communities", as_text(found)))
        nodes = set(self.want.adjacency)
        members = [m.key for c in found for m in c.members]
        if sum(c.size for c in found) != len(nodes) or set(members) != nodes:
            self.failures.append(f"communities: {sorted(set(members) ^ nodes)} differ from the policy's")
        if any(sum(c.kinds.values()) != c.size for c in found):
            self.failures.append("communities: counts by kind do not add up to the sizes")
        wrong = [m.key for c in found for m in c.members if m.degree != self.want.degree(m.key)]
        if wrong:
            self.failures.append(f"communities: degrees of {wrong} count hidden links")

    def path(self) -> None:
        children = sorted(n for n, kind in self.kinds.items() if kind == "child")
        source, target = children[0], children[-1]
        chart = shortest_path(actor=self.user, source=source, target=target)
        self.reads += 1
        self.texts.append(("path", as_text(chart)))
        steps = [n.key for n in chart.nodes]
        adjacency = self.want.adjacency
        if len(steps) - 1 != self.want.distance(source, target) or any(
            b not in adjacency.get(a, ()) for a, b in itertools.pairwise(steps)
        ):
            self.failures.append(f"path {source} to {target}: {steps} is not a shortest path the user may see")
        check_chart("path", chart, self.want, set(steps), self.failures)

    def exports(self) -> None:
        hub = key(self.world.hub)
        if not can(self.user, Action.EXPORT, Category.NETWORK):
            with pytest.raises(AccessDenied):
                network_export(actor=self.user, fmt="nodes.csv", node=hub)
            self.reads += 1
            return
        nodes = self.want.within(hub, 3)
        for fmt in exports.FORMATS:
            body = network_export(actor=self.user, fmt=fmt, node=hub, hops=3)
            self.reads += 1
            self.texts.append((f"export {fmt}", body))
            if fmt == "graphml":
                root = ET.fromstring(body)  # noqa: S314 - Lantern's own export, parsed to check it
                shown = {str(n.get("id")) for n in root.iter("{http://graphml.graphdrawing.org/xmlns}node")}
            else:
                columns = (0,) if fmt == "nodes.csv" else (0, 3)
                shown = {row[c] for row in list(csv.reader(io.StringIO(body)))[1:] for c in columns}
            if shown != nodes:
                self.failures.append(f"export {fmt}: nodes {sorted(shown ^ nodes)} differ from the policy's")

    def hidden_nodes(self) -> None:
        """A node the user may not see is refused exactly as one that does not exist."""
        hidden = sorted({n for item in self.world.items for n, _text in item.markers} - set(self.want.adjacency))
        for node in [*hidden, f"person:{uuid.uuid4()}"]:
            self.reads += 1
            message = f"'{node}' is not in the network you can see. Check the id, or widen the dates."
            try:
                ego_network(actor=self.user, node=node)
            except ValidationError as refused:
                if refused.message_dict != {"node": [message]}:
                    self.failures.append(f"ego of hidden {node}: {refused.message_dict}")
            else:
                self.failures.append(f"ego of hidden {node}: answered")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.mark.parametrize("username", USERNAMES)
def test_network_access_matrix(world: World, username: str) -> None:
    user = world.users[username]
    want = expected_for(user, world)
    if not can(user, Action.VIEW, Category.NETWORK):
        # Refused everything, though the policy lets some of them (the nurse, the school) see records behind links.
        hub = key(world.hub)
        calls = [
            lambda: ego_network(actor=user, node=hub),
            lambda: shortest_path(actor=user, source=hub, target=f"phone:{HUB_PHONE}"),
            lambda: communities(actor=user),
            lambda: findings(actor=user),
            lambda: network_export(actor=user, fmt="graphml", node=hub),
        ]
        for call in calls:
            before = AuditEvent.objects.count()
            with pytest.raises(AccessDenied):
                call()
            refused = AuditEvent.objects.filter(actor_username=username).order_by("-seq").first()
            assert AuditEvent.objects.count() == before + 1
            assert refused is not None
            assert (refused.action, refused.outcome, refused.object_type) == ("denied", "denied", "network")
    else:
        # The world must tell readers apart: some links hidden, some shown, for every reader.
        assert want.visible_items
        assert want.hidden_items
        reads = Reads(user, world, want)
        reads.run()
        assert reads.reads > 20
        assert not reads.failures, f"{len(reads.failures)} wrong for {username}:\n" + "\n".join(reads.failures[:60])

    may_rebuild = can(user, Action.CREATE, Category.NETWORK)
    if may_rebuild:
        build = graph_rebuild_request(actor=user)
        with pytest.raises(BuildBusy):
            graph_rebuild_request(actor=user)
        build.delete()
    else:
        with pytest.raises(AccessDenied):
            graph_rebuild_request(actor=user)


def test_the_matrix_tells_the_readers_apart(world: World) -> None:
    """Each reader with network access sees a different set of links; none sees all, and all see the hub."""
    seen = {}
    for username in USERNAMES:
        user = world.users[username]
        if can(user, Action.VIEW, Category.NETWORK):
            seen[username] = frozenset(expected_for(user, world).visible_items)
    assert set(seen) == {"sw1", "tm1", "cse1", "analyst1"}
    assert seen["sw1"] != seen["cse1"] != seen["analyst1"]
    # Analysts read partners' intelligence in full; CSE officers see sexual-health detail under a s47 enquiry.
    assert {"report csc C", "report school C", "report youth C"} <= seen["analyst1"] - seen["cse1"]
    assert seen["cse1"] - seen["analyst1"] == {"sexual_health health P trigger", "sexual_health health C trigger"}
    assert "agency_record youth C allocated" in seen["sw1"] - seen["tm1"]
    assert all("hub record" in s for s in seen.values())
    assert len(world.items) == 1 + 12 + 4 + 1 + 24 + 1 + 10 + 1


# -- over HTTP -------------------------------------------------------------------------------------------------------
@pytest.fixture
def api(live_server: Any, transactional_db: None) -> Iterator[Api]:
    client = Api(f"{live_server.url}/api/v1")
    yield client
    client.close()


def test_network_answers_over_http_hold_nothing_hidden(api: Api, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = build_world()
    hub, hub_phone = key(world.hub), f"phone:{HUB_PHONE}"
    for username in ("sw1", "cse1", "analyst1"):
        user = world.users[username]
        want = expected_for(user, world)
        client = api(username)
        answers = {
            "ego": client.get("/network/ego", params={"node": hub_phone, "hops": 2}),
            "findings": client.get("/network/findings"),
            "communities": client.get("/network/communities", params={"limit": 500}),
        }
        if can(user, Action.EXPORT, Category.NETWORK):
            answers["export"] = client.get("/network/export", params={"node": hub, "hops": 3, "format": "edges.csv"})
        for name, answer in answers.items():
            assert answer.status_code == 200, (username, name, answer.text)
            assert not leaks(answer.text, want), (username, name, leaks(answer.text, want))
        ego = answers["ego"].json()
        assert {n["key"] for n in ego["nodes"]} == want.within(hub_phone, 2)
        assert {n["key"]: n["degree"] for n in ego["nodes"]} == {n: want.degree(n) for n in want.within(hub_phone, 2)}
        assert sum(c["size"] for c in answers["communities"].json()["items"]) == len(want.adjacency)
        hidden = sorted({n for i in world.items for n, _text in i.markers} - set(want.adjacency))[0]
        for node in (hidden, f"person:{uuid.uuid4()}"):
            refused = client.get("/network/ego", params={"node": node})
            assert refused.status_code == 422
            assert refused.json()["detail"][0]["msg"] == (
                f"'{node}' is not in the network you can see. Check the id, or widen the dates."
            )
    assert api("sw1").get("/network/export", params={"node": hub, "format": "nodes.csv"}).status_code == 403
    for username in ("board1", "nurse1"):
        refused = api(username).get("/network/ego", params={"node": hub})
        assert refused.status_code == 403
        assert hub not in refused.text
        assert AuditEvent.objects.filter(actor_username=username, action="denied", object_type="network").count() == 1
