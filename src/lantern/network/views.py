"""Network pages: the link chart with its tables, the path between two nodes, findings and communities. Thin:
parse the form, call `network.selectors` (which check access, scope every link and audit the read), render. A
form the selectors refuse (hops out of range, dates the wrong way round, a node the reader's graph does not hold)
comes back with its errors and status 422; a reader without network access is refused (403)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from lantern.access.policy import Action, Category, can, require
from lantern.access.registry import guards
from lantern.accounts.models import User
from lantern.network import selectors, services
from lantern.network.enums import ACTIVE_BUILD_STATUSES, LinkKind, NodeKind
from lantern.network.exports import FORMATS
from lantern.network.forms import ChartForm, ExportForm, PathForm, WindowForm
from lantern.network.selectors import Chart, Edge, Node
from lantern.web.actor import signed_in_user
from lantern.web.charts import bar_chart
from lantern.web.forms import apply_errors

# Every page shows people, their records' links and intelligence, as the API's operations do.
PERSONAL = (Category.NETWORK, Category.PERSON, Category.AGENCY_RECORD, Category.INTELLIGENCE)
COMMUNITIES_PER_PAGE = 20
FINDINGS_CHARTED = 20
EXPORTS = (("nodes.csv", "Nodes (CSV, for i2 Analyst's Notebook)"), ("edges.csv", "Links (CSV, for i2)"),
           ("graphml", "GraphML"))  # fmt: skip
# Shape as well as colour tells the kinds apart (for readers who do not see the colours); each colour is at
# least 3:1 against white. The legend and the page's script both read this.
KIND_STYLES: dict[str, dict[str, str]] = {
    NodeKind.CHILD: {"colour": "#1d70b8", "shape": "ellipse"},
    NodeKind.ADULT: {"colour": "#d4351c", "shape": "diamond"},
    NodeKind.PHONE: {"colour": "#00703c", "shape": "triangle"},
    NodeKind.VEHICLE: {"colour": "#8f4a00", "shape": "round-rectangle"},
    NodeKind.PLACE: {"colour": "#4c2c92", "shape": "hexagon"},
    NodeKind.REPORT: {"colour": "#505a5f", "shape": "rectangle"},
}
# An unknown node opened on the chart has no box of its own on the form: its error goes to the top.
_NO_BOX = {"expand": ""}


def _viewer(request: HttpRequest, purpose: str) -> User:
    actor = signed_in_user(request)
    require(actor, Action.VIEW, Category.NETWORK, purpose=purpose)
    return actor


def _window(form: WindowForm) -> selectors.Window:
    return selectors.window_check(*form.window_dates())


def _chart_data(chart: Chart, **extra: object) -> dict[str, Any]:
    """The chart as the page's script reads it: the same shape as the API's answer, so an expansion fetched
    later merges into it."""
    return {**dataclasses.asdict(chart), **extra}


@dataclasses.dataclass(frozen=True)
class EdgeRow:
    edge: Edge
    a: Node
    b: Node


def _edge_rows(chart: Chart, shown: set[str]) -> list[EdgeRow]:
    nodes = {n.key: n for n in chart.nodes}
    return [EdgeRow(e, nodes[e.source], nodes[e.target]) for e in chart.edges if {e.source, e.target} <= shown]


def _shown(chart: Chart, kinds: Sequence[str], community: int | None) -> list[Node]:
    """What the filters leave of the chart (the page's script applies the same rules as they change)."""
    return [
        n for n in chart.nodes if (not kinds or n.kind in kinds) and (community is None or n.community == community)
    ]


def _build_status() -> dict[str, Any]:
    latest = selectors.latest_build()
    return {
        "latest_build": latest,
        "last_built": selectors.last_finished_build(),
        "building": latest is not None and latest.status in ACTIVE_BUILD_STATUSES,
    }


def _labels() -> dict[str, Any]:
    return {"kinds": dict(NodeKind.choices), "links": dict(LinkKind.choices), "styles": KIND_STYLES}


def _legend() -> list[dict[str, str]]:
    return [{"label": label, **KIND_STYLES[kind]} for kind, label in NodeKind.choices]


def _chart_context(request: HttpRequest, actor: User, form: ChartForm, chart: Chart | None) -> dict[str, Any]:
    context: dict[str, Any] = {
        "form": form, "chart": chart, "labels": _labels(), "legend": _legend(), **_build_status(),
        "can_export": can(actor, Action.EXPORT, Category.NETWORK),
        "can_rebuild": can(actor, Action.CREATE, Category.NETWORK),
        "query": request.GET.urlencode(),
    }  # fmt: skip
    if chart is None:
        return context
    data = form.cleaned_data
    form.set_communities(sorted({n.community for n in chart.nodes}))
    shown = _shown(chart, data.get("kinds") or [], data.get("community"))
    keys = {n.key for n in shown}
    base = {"node": data["node"], "hops": data["hops"]}
    for name in ("start", "end"):
        if data.get(name):
            base[name] = data[name].isoformat()
    expanded = list(data["expand"])
    context.update({
        "focus": chart.node(data["node"]),
        "nodes": shown,
        "edges": _edge_rows(chart, keys),
        "hidden_count": len(chart.nodes) - len(shown),
        "chart_data": _chart_data(chart, hops=data["hops"], expand=expanded),
        "expanded": set(expanded) | {data["node"]},
        "chart_query": urlencode({**base, "expand": expanded}, doseq=True),
        "exports": [(urlencode({**base, "expand": expanded, "format": fmt}, doseq=True), label)
                    for fmt, label in EXPORTS],
    })  # fmt: skip
    return context


@guards(*PERSONAL)
@login_required
@require_GET
def chart(request: HttpRequest) -> HttpResponse:
    actor = _viewer(request, "view a network")
    form = ChartForm(request.GET or None)
    found: Chart | None = None
    if form.is_bound and form.is_valid() and form.cleaned_data["node"]:
        try:
            found = selectors.ego_network(actor=actor, **form.chart_arguments(_window(form)))
        except ValidationError as error:
            apply_errors(form, error, _NO_BOX)
    context = _chart_context(request, actor, form, found)
    return render(request, "network/chart.html", context, status=422 if form.errors else 200)


@guards(*PERSONAL)
@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    require(actor, Action.EXPORT, Category.NETWORK, purpose="export a network chart")
    form = ExportForm(request.GET)
    if form.is_valid() and not form.cleaned_data["node"]:
        form.add_error("node", "Enter the node id to start from")
    if not form.errors:
        data = form.cleaned_data
        try:
            body = selectors.network_export(
                actor=actor, fmt=data["format"], **form.chart_arguments(_window(form)),
                base_url=request.build_absolute_uri("/").rstrip("/"),
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error, _NO_BOX)
        else:
            response = HttpResponse(body, content_type=FORMATS[data["format"]])
            stem, _, extension = data["format"].rpartition(".")
            name = f"lantern-network-{stem}.{extension}" if stem else f"lantern-network.{extension}"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    return render(request, "network/chart.html", _chart_context(request, actor, form, None), status=422)


@guards(Category.NETWORK)
@login_required
@require_POST
def rebuild(request: HttpRequest) -> HttpResponse:
    try:
        build = services.graph_rebuild_request(actor=signed_in_user(request))
    except services.BuildBusy as busy:
        messages.warning(request, str(busy))
    else:
        messages.success(request, f"Network rebuild {build.pk} queued. This page shows its progress.")
    # Back to the chart the button was pressed on; the query is re-encoded so nothing but parameters passes.
    query = QueryDict(request.POST.get("query", "")[:2000]).urlencode()
    return redirect(f"{reverse('network:chart')}?{query}" if query else reverse("network:chart"))


@dataclasses.dataclass(frozen=True)
class Step:
    node: Node
    edge: Edge | None  # to the next node; None for the last


def _steps(chart: Chart) -> list[Step]:
    by_pair = {frozenset((e.source, e.target)): e for e in chart.edges}
    steps = []
    for i, node in enumerate(chart.nodes):
        after = chart.nodes[i + 1] if i + 1 < len(chart.nodes) else None
        steps.append(Step(node, by_pair.get(frozenset((node.key, after.key))) if after else None))
    return steps


@guards(*PERSONAL)
@login_required
@require_GET
def path(request: HttpRequest) -> HttpResponse:
    actor = _viewer(request, "find how two people or things are linked")
    form = PathForm(request.GET or None)
    found: Chart | None = None
    if form.is_bound and form.is_valid() and form.cleaned_data.get("source"):
        data = form.cleaned_data
        try:
            found = selectors.shortest_path(
                actor=actor, source=data["source"], target=data["target"], window=_window(form)
            )
        except ValidationError as error:
            apply_errors(form, error)
    context: dict[str, Any] = {"form": form, "chart": found, "labels": _labels(), "legend": _legend()}
    if found is not None:
        # With no path the chart is empty, and the page names the two ends by the ids given.
        steps = _steps(found)
        context.update({
            "steps": steps, "length": max(len(steps) - 1, 0), "chart_data": _chart_data(found, hops=0, expand=[]),
            "first": steps[0].node.label if steps else form.cleaned_data["source"],
            "last": steps[-1].node.label if steps else form.cleaned_data["target"],
        })  # fmt: skip
    return render(request, "network/path.html", context, status=422 if form.errors else 200)


@guards(*PERSONAL)
@login_required
@require_GET
def findings(request: HttpRequest) -> HttpResponse:
    actor = _viewer(request, "view network findings")
    form = WindowForm(request.GET or None)
    found: selectors.Findings | None = None
    if not form.is_bound or form.is_valid():
        try:
            found = selectors.findings(actor=actor, window=_window(form) if form.is_bound else selectors.Window())
        except ValidationError as error:
            apply_errors(form, error)
    context: dict[str, Any] = {"form": form, "found": found}
    if found is not None:
        top = found.adults[:FINDINGS_CHARTED]
        context.update({"top": top, "bars": bar_chart([(f.adult.label, len(f.children)) for f in top])})
    return render(request, "network/findings.html", context, status=422 if form.errors else 200)


@guards(*PERSONAL)
@login_required
@require_GET
def communities(request: HttpRequest) -> HttpResponse:
    actor = _viewer(request, "view network communities")
    form = WindowForm(request.GET or None)
    page = None
    if not form.is_bound or form.is_valid():
        try:
            found = selectors.communities(actor=actor, window=_window(form) if form.is_bound else selectors.Window())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            page = Paginator(found, COMMUNITIES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    names = dict(NodeKind.choices)
    rows = [
        {"community": c, "kinds": [(names.get(kind, kind), count) for kind, count in sorted(c.kinds.items())]}
        for c in (page or [])
    ]
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, "network/communities.html", context, status=422 if form.errors else 200)
