"""Network analysis over the JSON API: ego networks, paths, communities, findings and exports, each built from
what the caller may see. Open to the signed-in link chart's own script through the browser session as well as
to bearer tokens. Unknown node ids, hops out of range and windows that end before they start answer 422."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from lantern.access.policy import Action, Category, require
from lantern.access.registry import guards
from lantern.network import selectors, services
from lantern.network.enums import MAX_HOPS
from lantern.network.exports import FORMATS
from lantern.network.schemas import (
    AdultFindingOut,
    AssociationIn,
    BuildOut,
    ChartOut,
    ChildGroupOut,
    CommunityList,
    CommunityOut,
    EdgeOut,
    EvidenceOut,
    FindingsOut,
    NodeOut,
    ViaOut,
    WindowOut,
    Written,
)
from lantern.network.selectors import Chart, Edge, Node
from lantern.people.selectors import person_for_change
from lantern.web.actor import signed_in_user

router = Router(tags=["network"])

_PERSONAL = (Category.NETWORK, Category.PERSON, Category.AGENCY_RECORD, Category.INTELLIGENCE)


class WindowParams(Schema):
    start: dt.date | None = Field(default=None, description="only links on or after this date")
    end: dt.date | None = Field(default=None, description="only links on or before this date")

    def window(self) -> selectors.Window:
        return selectors.window_check(self.start, self.end)


class EgoParams(WindowParams):
    node: str = Field(description="the node to start from, such as person:<uuid>")
    hops: int = Field(default=1, description=f"links out from the node, 1 to {MAX_HOPS}")
    expand: list[str] = Field(default=[], description="nodes opened on the chart: each adds its own neighbours")


class PathParams(WindowParams):
    source: str
    target: str


class PageParams(WindowParams):
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


class ExportParams(EgoParams):
    format: str = Field(description=f"one of {', '.join(FORMATS)}")


def _node(n: Node) -> NodeOut:
    return NodeOut(key=n.key, kind=n.kind, label=n.label, url=n.url, degree=n.degree, betweenness=n.betweenness,
                   community=n.community)  # fmt: skip


def _edge(e: Edge) -> EdgeOut:
    return EdgeOut(
        source=e.source, target=e.target, kinds=e.kinds, weight=e.weight, first=e.first, last=e.last,
        evidence=[EvidenceOut(kind=v.kind, id=v.id, label=v.label, agency=v.agency, on=v.on, url=v.url)
                  for v in e.evidence],
    )  # fmt: skip


def _window(window: selectors.Window) -> WindowOut:
    return WindowOut(start=window.start, end=window.end)


def _chart(chart: Chart) -> ChartOut:
    return ChartOut(nodes=[_node(n) for n in chart.nodes], edges=[_edge(e) for e in chart.edges], focus=chart.focus,
                    window=_window(chart.window))  # fmt: skip


def _finding(f: selectors.AdultFinding) -> AdultFindingOut:
    links = [ViaOut(child=_node(v.child), through=_node(v.through) if v.through else None,
                    edges=[_edge(e) for e in v.edges]) for v in f.links]  # fmt: skip
    return AdultFindingOut(adult=_node(f.adult), children=[_node(c) for c in f.children], links=links)


@router.get("/ego", response=ChartOut, summary="The network within 1 to 3 links of a node, as the caller may see it")
@guards(*_PERSONAL)
def ego(request: HttpRequest, params: Query[EgoParams]) -> ChartOut:
    chart = selectors.ego_network(
        actor=signed_in_user(request), node=params.node, hops=params.hops, expand=params.expand,
        window=params.window(),
    )  # fmt: skip
    return _chart(chart)


@router.get("/path", response=ChartOut, summary="The fewest links joining two nodes, with the evidence for each")
@guards(*_PERSONAL)
def path(request: HttpRequest, params: Query[PathParams]) -> ChartOut:
    chart = selectors.shortest_path(
        actor=signed_in_user(request), source=params.source, target=params.target, window=params.window()
    )
    return _chart(chart)


@router.get("/communities", response=CommunityList, summary="Leiden communities of the caller's network")
@guards(*_PERSONAL)
def communities(request: HttpRequest, params: Query[PageParams]) -> CommunityList:
    found = selectors.communities(actor=signed_in_user(request), window=params.window())
    page = found[params.offset : params.offset + params.limit]
    items = [CommunityOut(number=c.number, size=c.size, kinds=c.kinds, members=[_node(n) for n in c.members])
             for c in page]  # fmt: skip
    return CommunityList(items=items, count=len(found))


@router.get("/findings", response=FindingsOut, summary="Adults linked to two or more children; children sharing adults")
@guards(*_PERSONAL)
def findings(request: HttpRequest, params: Query[WindowParams]) -> FindingsOut:
    found = selectors.findings(actor=signed_in_user(request), window=params.window())
    groups = [ChildGroupOut(children=[_node(c) for c in g.children], adults=[_node(a) for a in g.adults])
              for g in found.groups]  # fmt: skip
    return FindingsOut(adults=[_finding(f) for f in found.adults], groups=groups, window=_window(found.window))


@router.get("/export", summary="The ego network as i2-ready CSV node or edge lists, or GraphML (audited)")
@guards(*_PERSONAL)
def export(request: HttpRequest, params: Query[ExportParams]) -> HttpResponse:
    body = selectors.network_export(
        actor=signed_in_user(request), fmt=params.format, node=params.node, hops=params.hops, expand=params.expand,
        window=params.window(), base_url=request.build_absolute_uri("/").rstrip("/"),
    )  # fmt: skip
    response = HttpResponse(body, content_type=FORMATS[params.format])
    extension = "graphml" if params.format == "graphml" else "csv"
    stem = params.format.removesuffix(".csv")
    response["Content-Disposition"] = f'attachment; filename="lantern-network-{stem}.{extension}"'
    return response


def _build(build: Any) -> BuildOut:
    return BuildOut(id=build.pk, status=build.status, stage=build.stage, progress=build.progress,
                    created_at=build.created_at, finished_at=build.finished_at, counts=build.counts)  # fmt: skip


@router.get("/builds/latest", response={200: BuildOut, 404: Any}, summary="The newest rebuild of the graph")
@guards(Category.NETWORK)
def latest_build(request: HttpRequest) -> Any:
    require(signed_in_user(request), Action.VIEW, Category.NETWORK, purpose="see the network's build")
    build = selectors.latest_build()
    if build is None:
        return Status(404, {"detail": "The network has not been built yet."})
    return _build(build)


@router.post("/builds", response={202: BuildOut}, summary="Rebuild the graph in the background")
@guards(Category.NETWORK)
def rebuild(request: HttpRequest) -> Status[BuildOut]:
    return Status(202, _build(services.graph_rebuild_request(actor=signed_in_user(request))))


@router.post("/associations", response={201: Written}, summary="Record that two people are associated")
@guards(Category.PERSON, Category.AGENCY_RECORD)
def association_create(request: HttpRequest, payload: AssociationIn) -> Status[Written]:
    actor = signed_in_user(request)
    purpose = "record an association between two people"
    people = [
        person_for_change(actor=actor, person_id=pk, action=Action.VIEW, purpose=purpose)
        for pk in (payload.person_a, payload.person_b)
    ]
    association = services.association_record(
        actor=actor, person_a=people[0], person_b=people[1], kind=payload.kind, observed_on=payload.observed_on,
        note=payload.note, handling_code=payload.handling_code,
    )  # fmt: skip
    return Status(201, Written(id=str(association.pk)))
