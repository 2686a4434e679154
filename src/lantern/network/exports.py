"""A chart as files for other tools: node and edge lists in CSV laid out as i2 Analyst's Notebook's importer
reads them (one row per entity, one row per link with both ends' identity, type and label), and GraphML.

Only what the reader's chart holds goes out, and `network.services.chart_export` audits each export."""

from __future__ import annotations

import csv
import io
from xml.etree import ElementTree as ET

from lantern.network.selectors import Chart

NODE_COLUMNS = ("Identity", "Type", "Label", "Community", "Degree", "Betweenness", "Lantern link")
EDGE_COLUMNS = (
    "Entity1 Identity", "Entity1 Type", "Entity1 Label", "Entity2 Identity", "Entity2 Type", "Entity2 Label",
    "Link Type", "Date First", "Date Last", "Strength", "Sources",
)  # fmt: skip
FORMATS = {
    "nodes.csv": "text/csv; charset=utf-8",
    "edges.csv": "text/csv; charset=utf-8",
    "graphml": "application/graphml+xml; charset=utf-8",
}


def _csv(rows: list[tuple[object, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue()


def nodes_csv(chart: Chart, *, base_url: str = "") -> str:
    rows: list[tuple[object, ...]] = [NODE_COLUMNS]
    for n in chart.nodes:
        link = f"{base_url}{n.url}" if n.url else ""
        rows.append((n.key, n.kind_label, n.label, n.community, n.degree, f"{n.betweenness:.4f}", link))
    return _csv(rows)


def edges_csv(chart: Chart) -> str:
    nodes = {n.key: n for n in chart.nodes}
    rows: list[tuple[object, ...]] = [EDGE_COLUMNS]
    for e in chart.edges:
        a, b = nodes[e.source], nodes[e.target]
        sources = "; ".join(f"{ev.agency}: {ev.label} ({ev.on.isoformat()})" for ev in e.evidence)
        rows.append((
            a.key, a.kind_label, a.label, b.key, b.kind_label, b.label, "; ".join(e.kind_labels),
            e.first.isoformat(), e.last.isoformat(), e.weight, sources,
        ))  # fmt: skip
    return _csv(rows)


_NS = "http://graphml.graphdrawing.org/xmlns"
_NODE_KEYS = (("kind", "string"), ("label", "string"), ("community", "int"), ("degree", "int"),
              ("betweenness", "double"))  # fmt: skip
_EDGE_KEYS = (("kinds", "string"), ("weight", "int"), ("first", "string"), ("last", "string"),
              ("sources", "string"))  # fmt: skip


def graphml(chart: Chart) -> str:
    ET.register_namespace("", _NS)
    root = ET.Element(f"{{{_NS}}}graphml")
    for scope, keys in (("node", _NODE_KEYS), ("edge", _EDGE_KEYS)):
        for name, kind in keys:
            ET.SubElement(root, f"{{{_NS}}}key", id=f"{scope}_{name}", attrib={
                "for": scope, "attr.name": name, "attr.type": kind})  # fmt: skip
    graph = ET.SubElement(root, f"{{{_NS}}}graph", id="lantern", edgedefault="undirected")
    for n in chart.nodes:
        node = ET.SubElement(graph, f"{{{_NS}}}node", id=n.key)
        for name, value in (("kind", n.kind), ("label", n.label), ("community", n.community), ("degree", n.degree),
                            ("betweenness", round(n.betweenness, 6))):  # fmt: skip
            ET.SubElement(node, f"{{{_NS}}}data", key=f"node_{name}").text = str(value)
    for e in chart.edges:
        edge = ET.SubElement(graph, f"{{{_NS}}}edge", source=e.source, target=e.target)
        sources = "; ".join(f"{ev.agency}: {ev.label} ({ev.on.isoformat()})" for ev in e.evidence)
        for name, value in (("kinds", ",".join(e.kinds)), ("weight", e.weight), ("first", e.first.isoformat()),
                            ("last", e.last.isoformat()), ("sources", sources)):  # fmt: skip
            ET.SubElement(edge, f"{{{_NS}}}data", key=f"edge_{name}").text = str(value)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def render(chart: Chart, fmt: str, *, base_url: str = "") -> str:
    if fmt == "nodes.csv":
        return nodes_csv(chart, base_url=base_url)
    if fmt == "edges.csv":
        return edges_csv(chart)
    return graphml(chart)
