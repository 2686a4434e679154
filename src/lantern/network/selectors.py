"""Reads of the network, always through `access`: each reader's graph is built only from the links whose evidence
(the agency record, intelligence report or association) they may see, between people they may see. Counts,
communities, centrality and paths are all computed on that graph, so nothing hidden shapes what is shown.

Node keys name what a node is: ``person:<uuid>``, ``report:<id>``, ``phone:<E.164>``, ``vehicle:<mark>`` and
``place:<id>``. A key the reader's graph does not hold is refused as invalid (422) whether or not it exists, so
the answer never tells the two apart."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse

from lantern.access.policy import Action, Category, require, scope
from lantern.accounts.models import Agency, User
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.intel.models import IntelReport, SanitisedReport
from lantern.network.enums import MAX_HOPS, AssociationKind, BuildStatus, EvidenceKind, LinkKind, NodeKind
from lantern.network.graph import Network
from lantern.network.models import Association, GraphBuild, Link
from lantern.people.enums import PersonKind, PersonStatus
from lantern.people.models import Person, Place, SourceRecord

PERSON_KINDS = frozenset({NodeKind.CHILD, NodeKind.ADULT})


@dataclass(frozen=True)
class Window:
    """What was linked within these dates (either end open)."""

    start: dt.date | None = None
    end: dt.date | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }


@dataclass(frozen=True)
class Evidence:
    kind: str  # EvidenceKind
    id: str
    label: str
    agency: str
    on: dt.date
    url: str


@dataclass
class Edge:
    source: str
    target: str
    kinds: list[str]
    weight: int
    first: dt.date
    last: dt.date
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def kind_labels(self) -> list[str]:
        return [LinkKind(k).label for k in self.kinds]


@dataclass
class Node:
    key: str
    kind: str  # NodeKind
    label: str
    url: str = ""
    degree: int = 0
    betweenness: float = 0.0
    community: int = 0

    @property
    def kind_label(self) -> str:
        return NodeKind(self.kind).label


@dataclass
class Chart:
    """Nodes and edges to draw, with the figures that size and colour them."""

    nodes: list[Node]
    edges: list[Edge]
    window: Window
    focus: list[str] = field(default_factory=list)

    def node(self, key: str) -> Node:
        return next(n for n in self.nodes if n.key == key)


@dataclass
class Community:
    number: int
    size: int
    kinds: dict[str, int]
    members: list[Node]  # the most linked first


@dataclass
class Via:
    """How an adult and a child are linked: the node between them (none for a recorded association) and the
    edges on the way, with their evidence."""

    child: Node
    through: Node | None
    edges: list[Edge]


@dataclass
class AdultFinding:
    adult: Node
    links: list[Via]

    @property
    def children(self) -> list[Node]:
        unique = {via.child.key: via.child for via in self.links}
        return sorted(unique.values(), key=lambda n: n.label)


@dataclass
class ChildGroup:
    """Children linked to the same adult (or through a chain of shared adults)."""

    children: list[Node]
    adults: list[Node]


@dataclass
class Findings:
    adults: list[AdultFinding]
    groups: list[ChildGroup]
    window: Window


# -- checks -----------------------------------------------------------------------------------------------------
def window_check(start: dt.date | None, end: dt.date | None) -> Window:
    if start and end and end < start:
        raise ValidationError({"end": "The end date must be the same as or after the start date"})
    return Window(start, end)


def hops_check(hops: int) -> int:
    if not 1 <= hops <= MAX_HOPS:
        raise ValidationError({"hops": f"Choose between 1 and {MAX_HOPS} links out"})
    return hops


# -- the reader's graph -----------------------------------------------------------------------------------------
Item = tuple[str, dt.date, str, int, str]  # link kind, date, evidence kind, agency id, evidence id


@dataclass
class Visible:
    network: Network
    pairs: dict[tuple[str, str], list[Item]]  # kind, on, evidence, agency, id
    window: Window

    def pair(self, a: str, b: str) -> list[Item]:
        return self.pairs.get((a, b)) or self.pairs.get((b, a)) or []


def _visible_links(actor: User, window: Window) -> Q:
    people = scope(actor, Person.objects.filter(status=PersonStatus.ACTIVE)).values("pk")
    evidence = (
        Q(record__in=scope(actor, SourceRecord.objects.all()).values("pk"))
        | Q(report__in=scope(actor, IntelReport.objects.all()).values("pk"))
        | Q(report__in=scope(actor, SanitisedReport.objects.all()).values("report_id"))
        | Q(association__in=scope(actor, Association.objects.all()).values("pk"))
    )
    ends = (Q(source_person__isnull=True) | Q(source_person__in=people)) & (
        Q(target_person__isnull=True) | Q(target_person__in=people)
    )
    dates = Q()
    if window.start:
        dates &= Q(on__gte=window.start)
    if window.end:
        dates &= Q(on__lte=window.end)
    return evidence & ends & dates


def _graph(actor: User, window: Window) -> Visible:
    # In the table's order, not whatever order the database's plan returns: igraph numbers nodes as they come,
    # and Leiden's communities (and their numbers) follow that numbering, so the same links give the same answer.
    rows = (
        Link.objects.filter(_visible_links(actor, window))
        .values_list("source", "target", "kind", "on", "evidence", "agency_id", "record_id", "report_id",
                     "association_id")
        .order_by("pk")
    )  # fmt: skip
    pairs: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for source, target, kind, on, evidence, agency, record, report, association in rows.iterator(chunk_size=5000):
        pairs[(source, target)].append((kind, on, evidence, agency, str(record or report or association)))
    merged: dict[tuple[str, str], list[Item]] = {}
    for (a, b), items in pairs.items():
        key = (a, b) if (b, a) not in merged else (b, a)
        merged.setdefault(key, []).extend(items)
    network = Network.from_pairs((a, b, len(items)) for (a, b), items in merged.items())
    return Visible(network, merged, window)


def _describe(keys: Iterable[str]) -> dict[str, Node]:
    """Labels and links for nodes the reader's graph holds (so they may see them)."""
    by_prefix: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        prefix, _, value = key.partition(":")
        by_prefix[prefix].append(value)
    nodes: dict[str, Node] = {}
    for person in Person.objects.filter(pk__in=by_prefix["person"]).only("given_name", "family_name", "kind"):
        kind = NodeKind.CHILD if person.kind == PersonKind.CHILD else NodeKind.ADULT
        key = f"person:{person.pk}"
        nodes[key] = Node(key, kind, person.display_name, reverse("people:detail", args=[person.pk]))
    reports = IntelReport.objects.filter(pk__in=[int(v) for v in by_prefix["report"]])
    for pk, reference, occurred_on in reports.values_list("pk", "reference", "occurred_on"):
        label = f"{reference} ({occurred_on:%-d %b %Y})"
        nodes[f"report:{pk}"] = Node(f"report:{pk}", NodeKind.REPORT, label, reverse("intel:report", args=[pk]))
    for pk, name in Place.objects.filter(pk__in=[int(v) for v in by_prefix["place"]]).values_list("pk", "name"):
        nodes[f"place:{pk}"] = Node(f"place:{pk}", NodeKind.PLACE, name)
    for number in by_prefix["phone"]:
        label = f"0{number[3:7]} {number[7:]}" if number.startswith("+44") else number
        nodes[f"phone:{number}"] = Node(f"phone:{number}", NodeKind.PHONE, label)
    for vrm in by_prefix["vehicle"]:
        nodes[f"vehicle:{vrm}"] = Node(f"vehicle:{vrm}", NodeKind.VEHICLE, vrm)
    return nodes


def _edges(visible: Visible, pairs: Sequence[tuple[str, str]]) -> list[Edge]:
    """The edges between these pairs, each with its evidence labelled (one query per kind of evidence)."""
    items = {pair: visible.pair(*pair) for pair in pairs}
    ids: dict[str, set[str]] = defaultdict(set)
    for found in items.values():
        for _kind, _on, evidence_kind, _agency, evidence_id in found:
            ids[evidence_kind].add(evidence_id)
    labels: dict[tuple[str, str], tuple[str, str]] = {}
    records = SourceRecord.objects.filter(pk__in=ids[EvidenceKind.RECORD]).values_list("pk", "title")
    for record_id, title in records:
        labels[(EvidenceKind.RECORD, str(record_id))] = (title, reverse("people:record", args=[record_id]))
    reports = IntelReport.objects.filter(pk__in=[int(i) for i in ids[EvidenceKind.REPORT]])
    for report_id, reference in reports.values_list("pk", "reference"):
        url = reverse("intel:report", args=[report_id])
        labels[(EvidenceKind.REPORT, str(report_id))] = (f"Intelligence report {reference}", url)
    associations = Association.objects.filter(pk__in=ids[EvidenceKind.ASSOCIATION]).values_list("pk", "kind")
    for association_id, kind in associations:
        labels[(EvidenceKind.ASSOCIATION, str(association_id))] = (AssociationKind(kind).label, "")
    agencies = dict(Agency.objects.values_list("pk", "code"))
    edges = []
    for (a, b), found in items.items():
        evidence: dict[tuple[str, str], Evidence] = {}
        for _kind, on, kind, agency, evidence_id in found:
            label, url = labels.get((kind, evidence_id), ("", ""))
            evidence[(kind, evidence_id)] = Evidence(kind, evidence_id, label, agencies.get(agency, ""), on, url)
        dates = [on for _kind, on, *_ in found]
        edges.append(
            Edge(a, b, sorted({k for k, *_ in found}), len(found), min(dates), max(dates),
                 sorted(evidence.values(), key=lambda e: (e.on, e.id)))
        )  # fmt: skip
    return edges


def _chart(visible: Visible, keys: Iterable[str], *, focus: list[str], full_degree: bool = True) -> Chart:
    """The subgraph on `keys`, with communities and betweenness computed on it, and each node's degree in the
    reader's whole graph (how linked it is in everything they may see)."""
    sub = visible.network.subgraph(keys)
    nodes = _describe(sub.keys)
    degree = visible.network.degree() if full_degree else sub.degree()
    betweenness = sub.betweenness()
    communities = sub.communities()
    for key, node in nodes.items():
        node.degree, node.betweenness, node.community = degree[key], betweenness[key], communities[key]
    edges = _edges(visible, [(a, b) for a, b, _weight in sub.edges()])
    ordered = sorted(nodes.values(), key=lambda n: (n.kind not in PERSON_KINDS, n.kind, n.label))
    return Chart(ordered, edges, visible.window, focus)


def _unknown(name: str, key: str) -> ValidationError:
    return ValidationError({name: f"'{key[:80]}' is not in the network you can see. Check the id, or widen the dates."})


def _audit_view(actor: User, focus: Sequence[str], purpose: str, detail: dict[str, object]) -> None:
    person = next((k for k in focus if k.startswith("person:")), None)
    target = Person.objects.filter(pk=person.partition(":")[2]).first() if person else None
    audit_record(
        actor=actor, action=AuditAction.VIEW, target=target, object_type="" if target else "network",
        object_id="" if target else ",".join(focus)[:64], purpose=purpose, outcome=Outcome.SUCCESS, detail=detail,
    )  # fmt: skip


def ego_network(
    *, actor: User, node: str, hops: int = 1, expand: Sequence[str] = (), window: Window = Window()
) -> Chart:
    """The nodes within `hops` links of `node`, and within one link of each node in `expand` (the ones the
    reader opened on the chart)."""
    purpose = "view a network"
    require(actor, Action.VIEW, Category.NETWORK, purpose=purpose)
    chart = _ego(actor, node, hops, expand, window)
    _audit_view(
        actor, [node], purpose, {"node": node, "hops": hops, "expand": list(expand)[:20], "nodes": len(chart.nodes),
                                 **window.as_dict()},
    )  # fmt: skip
    return chart


def _ego(actor: User, node: str, hops: int, expand: Sequence[str], window: Window) -> Chart:
    hops_check(hops)
    visible = _graph(actor, window)
    for name, key in (("node", node), *(("expand", k) for k in expand)):
        if key not in visible.network:
            raise _unknown(name, key)
    keys = visible.network.ego([node], hops)
    if expand:
        keys |= visible.network.ego(expand, 1)
    return _chart(visible, keys, focus=[node, *expand])


def network_export(
    *, actor: User, fmt: str, node: str, hops: int = 1, expand: Sequence[str] = (), window: Window = Window(),
    base_url: str = "",
) -> str:  # fmt: skip
    """The chart `ego_network` would show, as a file (`exports.FORMATS`); the export is audited."""
    from lantern.network import exports  # noqa: PLC0415 - exports reads this module's types

    purpose = "export a network chart"
    require(actor, Action.EXPORT, Category.NETWORK, purpose=purpose)
    if fmt not in exports.FORMATS:
        raise ValidationError({"format": f"Choose one of: {', '.join(exports.FORMATS)}"})
    chart = _ego(actor, node, hops, expand, window)
    body = exports.render(chart, fmt, base_url=base_url)
    audit_record(
        actor=actor, action=AuditAction.EXPORT, object_type="network", object_id=node[:64], purpose=purpose,
        outcome=Outcome.SUCCESS,
        detail={"format": fmt, "node": node, "hops": hops, "expand": list(expand)[:20], "nodes": len(chart.nodes),
                "edges": len(chart.edges), **window.as_dict()},
    )  # fmt: skip
    return body


def shortest_path(*, actor: User, source: str, target: str, window: Window = Window()) -> Chart:
    """The fewest links joining two nodes, each with its evidence; no nodes when nothing the reader may see
    joins them."""
    purpose = "find how two people or things are linked"
    require(actor, Action.VIEW, Category.NETWORK, purpose=purpose)
    visible = _graph(actor, window)
    for name, key in (("source", source), ("target", target)):
        if key not in visible.network:
            raise _unknown(name, key)
    path = visible.network.shortest_path(source, target)
    chart = _chart(visible, path, focus=[source, target])
    # Only the path's own links: the subgraph would add any shortcut edges between its nodes.
    steps = set(itertools.pairwise(path))
    chart.edges = [e for e in chart.edges if (e.source, e.target) in steps or (e.target, e.source) in steps]
    chart.nodes.sort(key=lambda n: path.index(n.key))
    _audit_view(actor, [source, target], purpose, {"source": source, "target": target, "length": len(path) - 1})
    return chart


def communities(*, actor: User, window: Window = Window(), members: int = 10) -> list[Community]:
    """Leiden communities of the reader's whole graph, largest first, each with its most linked members."""
    purpose = "view network communities"
    require(actor, Action.VIEW, Category.NETWORK, purpose=purpose)
    visible = _graph(actor, window)
    found = visible.network.communities()
    degree = visible.network.degree()
    groups: dict[int, list[str]] = defaultdict(list)
    for key, number in found.items():
        groups[number].append(key)
    top = {number: sorted(keys, key=lambda k: (-degree[k], k))[:members] for number, keys in groups.items()}
    nodes = _describe(k for keys in top.values() for k in keys)
    out = []
    for number in sorted(groups):
        kinds: dict[str, int] = defaultdict(int)
        for key in groups[number]:
            kinds[key.partition(":")[0]] += 1
        shown = [nodes[k] for k in top[number] if k in nodes]
        for node in shown:
            node.degree, node.community = degree[node.key], number
        out.append(Community(number, len(groups[number]), dict(kinds), shown))
    _refine_person_kinds(out, found)
    audit_record(
        actor=actor, action=AuditAction.VIEW, object_type="network", purpose=purpose, outcome=Outcome.SUCCESS,
        detail={"communities": len(out), **window.as_dict()},
    )  # fmt: skip
    return out


def _refine_person_kinds(found: list[Community], membership: dict[str, int]) -> None:
    """Count children and adults apart in each community, not only as people."""
    people = [k.partition(":")[2] for k in membership if k.startswith("person:")]
    kinds = dict(Person.objects.filter(pk__in=people).values_list("pk", "kind"))
    by_number = {c.number: c for c in found}
    for pk, kind in kinds.items():
        community = by_number[membership[f"person:{pk}"]]
        label = NodeKind.CHILD if kind == PersonKind.CHILD else NodeKind.ADULT
        community.kinds[label] = community.kinds.get(label, 0) + 1
    for community in found:
        community.kinds.pop("person", None)


def findings(*, actor: User, window: Window = Window()) -> Findings:
    """Adults linked to two or more children, and the groups of children linked to the same adults. A link is
    a recorded association, or a report, phone, vehicle or place both are linked to."""
    purpose = "view network findings"
    require(actor, Action.VIEW, Category.NETWORK, purpose=purpose)
    visible = _graph(actor, window)
    network = visible.network
    people = [k for k in network.keys if k.startswith("person:")]
    kinds = {
        f"person:{pk}": kind
        for pk, kind in Person.objects.filter(pk__in=[k.partition(":")[2] for k in people]).values_list("pk", "kind")
    }
    reached: dict[str, dict[str, list[tuple[str | None, list[tuple[str, str]]]]]] = {}
    for adult in (k for k in people if kinds.get(k) == PersonKind.ADULT):
        children: dict[str, list[tuple[str | None, list[tuple[str, str]]]]] = defaultdict(list)
        for near in network.neighbours(adult):
            if kinds.get(near) == PersonKind.CHILD:
                children[near].append((None, [(adult, near)]))
            elif not near.startswith("person:"):
                for far in network.neighbours(near):
                    if kinds.get(far) == PersonKind.CHILD:
                        children[far].append((near, [(adult, near), (near, far)]))
        if len(children) >= 2:
            reached[adult] = children
    keys = set(reached) | {c for children in reached.values() for c in children}
    keys |= {via for children in reached.values() for ways in children.values() for via, _ in ways if via}
    nodes = _describe(keys)
    steps = sorted({step for children in reached.values() for ways in children.values() for _, path in ways
                    for step in path})  # fmt: skip
    edges = {(e.source, e.target): e for e in _edges(visible, steps)}
    adults = [
        AdultFinding(
            nodes[adult],
            [
                Via(nodes[child], nodes[via] if via else None, [edges[step] for step in path])
                for child, ways in sorted(children.items(), key=lambda kv: nodes[kv[0]].label)
                for via, path in ways
            ],
        )
        for adult, children in sorted(reached.items(), key=lambda kv: (-len(kv[1]), nodes[kv[0]].label))
    ]
    result = Findings(adults, _child_groups(reached, nodes), window)
    audit_record(
        actor=actor, action=AuditAction.VIEW, object_type="network", purpose=purpose, outcome=Outcome.SUCCESS,
        detail={"adults": len(adults), "groups": len(result.groups), **window.as_dict()},
    )  # fmt: skip
    return result


def _child_groups(reached: Mapping[str, Mapping[str, object]], nodes: dict[str, Node]) -> list[ChildGroup]:
    """Children joined through shared adults: the connected parts of the adult-child links found above."""
    joined = Network.from_pairs((adult, child, 1) for adult, children in reached.items() for child in children)
    parts: dict[int, list[str]] = defaultdict(list)
    for key, number in joined.components().items():
        parts[number].append(key)
    groups = []
    for keys in parts.values():
        children = sorted((nodes[k] for k in keys if k not in reached), key=lambda n: n.label)
        adults = sorted((nodes[k] for k in keys if k in reached), key=lambda n: n.label)
        groups.append(ChildGroup(children, adults))
    return sorted(groups, key=lambda g: (-len(g.children), g.children[0].label if g.children else ""))


# -- builds -------------------------------------------------------------------------------------------------------
def latest_build() -> GraphBuild | None:
    """The newest build (it holds no personal data: counts and progress only)."""
    return GraphBuild.objects.first()


def last_finished_build() -> GraphBuild | None:
    return GraphBuild.objects.filter(status=BuildStatus.DONE).first()
