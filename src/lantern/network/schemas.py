from __future__ import annotations

import datetime as dt

from ninja import Schema


class WindowOut(Schema):
    start: dt.date | None
    end: dt.date | None


class EvidenceOut(Schema):
    kind: str
    id: str
    label: str
    agency: str
    on: dt.date
    url: str


class NodeOut(Schema):
    key: str
    kind: str
    label: str
    url: str
    degree: int
    betweenness: float
    community: int


class EdgeOut(Schema):
    source: str
    target: str
    kinds: list[str]
    weight: int
    first: dt.date
    last: dt.date
    evidence: list[EvidenceOut]


class ChartOut(Schema):
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    focus: list[str]
    window: WindowOut


class CommunityOut(Schema):
    number: int
    size: int
    kinds: dict[str, int]
    members: list[NodeOut]


class CommunityList(Schema):
    items: list[CommunityOut]
    count: int


class ViaOut(Schema):
    child: NodeOut
    through: NodeOut | None
    edges: list[EdgeOut]


class AdultFindingOut(Schema):
    adult: NodeOut
    children: list[NodeOut]
    links: list[ViaOut]


class ChildGroupOut(Schema):
    children: list[NodeOut]
    adults: list[NodeOut]


class FindingsOut(Schema):
    adults: list[AdultFindingOut]
    groups: list[ChildGroupOut]
    window: WindowOut


class BuildOut(Schema):
    id: int
    status: str
    stage: str
    progress: int
    created_at: dt.datetime
    finished_at: dt.datetime | None
    counts: dict[str, int]


class AssociationIn(Schema):
    person_a: str
    person_b: str
    kind: str
    observed_on: dt.date | None = None
    note: str
    handling_code: str


class Written(Schema):
    id: str
