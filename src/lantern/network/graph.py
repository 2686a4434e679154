"""The graph engine: igraph holds the graph and leidenalg finds its communities. Only this module imports either,
so the rest of Lantern speaks of nodes by their keys ("person:<uuid>", "phone:+447700900123") and never of
igraph's vertex numbers."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from functools import cached_property

import igraph
import leidenalg

EXACT_BETWEENNESS_LIMIT = 5000
"""Above this many nodes betweenness is estimated from a sample of sources: exact is O(nm), hours at 1M edges."""
BETWEENNESS_SAMPLE = 64
CONVERGE_LIMIT = 200_000
"""Leiden repeats its passes until nothing improves on graphs up to this many links (a reader's graph); above it,
one pass: on a million links each further pass took about 5 s and raised modularity by 0.0001."""


class Network:
    """An undirected graph of keyed nodes; a pair's parallel links are one edge whose weight is their sum."""

    def __init__(self, keys: Sequence[str], edges: Sequence[tuple[int, int]], weights: Sequence[float]) -> None:
        self.keys = list(keys)
        self.index = {key: i for i, key in enumerate(self.keys)}
        graph = igraph.Graph(n=len(self.keys), edges=list(edges), directed=False)
        graph.es["weight"] = list(weights)
        # Several links between one pair (two reports naming both) make one stronger edge, not a multigraph.
        graph.simplify(multiple=True, loops=True, combine_edges={"weight": "sum"})
        self.graph = graph

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str, float]], *, nodes: Iterable[str] = ()) -> Network:
        """Build from (key, key, weight) triples; `nodes` adds keys that may have no edge."""
        index: dict[str, int] = {}
        edges: list[tuple[int, int]] = []
        weights: list[float] = []
        for key in nodes:
            index.setdefault(key, len(index))
        for a, b, weight in pairs:
            edges.append((index.setdefault(a, len(index)), index.setdefault(b, len(index))))
            weights.append(weight)
        return cls(list(index), edges, weights)

    def __contains__(self, key: object) -> bool:
        return key in self.index

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def edge_count(self) -> int:
        return int(self.graph.ecount())

    def edges(self) -> list[tuple[str, str, float]]:
        keys = self.keys
        return [(keys[e.source], keys[e.target], float(e["weight"])) for e in self.graph.es]

    def neighbours(self, key: str) -> list[str]:
        return [self.keys[v] for v in self.graph.neighbors(self.index[key])]

    def ego(self, keys: Iterable[str], hops: int) -> set[str]:
        """Every node within `hops` links of any of `keys` (the keys included)."""
        starts = [self.index[k] for k in keys]
        reached = self.graph.neighborhood(starts, order=hops)
        return {self.keys[v] for ring in reached for v in ring}

    def subgraph(self, keys: Iterable[str]) -> Network:
        chosen = sorted({self.index[k] for k in keys if k in self.index})
        sub = self.graph.induced_subgraph(chosen, implementation="create_from_scratch")
        view = Network.__new__(Network)
        view.keys = [self.keys[v] for v in chosen]
        view.index = {key: i for i, key in enumerate(view.keys)}
        view.graph = sub
        return view

    def shortest_path(self, a: str, b: str) -> list[str]:
        """The fewest-links path from `a` to `b` (both included); empty when nothing joins them."""
        start, end = self.index[a], self.index[b]
        # igraph warns when it cannot reach the end; knowing the components first, nothing joining them is an answer.
        if self._membership[start] != self._membership[end]:
            return []
        found = self.graph.get_shortest_path(start, end, output="vpath")
        return [self.keys[v] for v in found]

    @cached_property
    def _membership(self) -> list[int]:
        return list(self.graph.connected_components().membership)

    def communities(self, *, seed: int = 0) -> dict[str, int]:
        """Leiden communities maximising modularity (weighted), numbered from 1 by size, largest first, so the
        same graph always gets the same numbers. A node with no link is a community of its own."""
        if self.graph.vcount() == 0:
            return {}
        weights = "weight" if self.graph.ecount() else None
        passes = -1 if self.graph.ecount() <= CONVERGE_LIMIT else 1
        partition = leidenalg.find_partition(
            self.graph, leidenalg.ModularityVertexPartition, weights=weights, seed=seed, n_iterations=passes
        )
        groups = sorted(partition, key=lambda members: (-len(members), min(members)))
        return {self.keys[v]: number for number, members in enumerate(groups, start=1) for v in members}

    def components(self) -> dict[str, int]:
        """Each node's connected component, numbered from 0."""
        return dict(zip(self.keys, self._membership, strict=True))

    def degree(self) -> dict[str, int]:
        return dict(zip(self.keys, self.graph.degree(), strict=True))

    def betweenness(self, *, sample: int = BETWEENNESS_SAMPLE, seed: int = 0) -> dict[str, float]:
        """Betweenness normalised to 0..1 (the share of shortest paths between other pairs through the node).
        Exact up to EXACT_BETWEENNESS_LIMIT nodes; above it, estimated from `sample` random sources and scaled
        up, as networkx's `betweenness_centrality(k=...)` does."""
        n = self.graph.vcount()
        if n < 3:
            return dict.fromkeys(self.keys, 0.0)
        if n <= EXACT_BETWEENNESS_LIMIT:
            raw = self.graph.betweenness(directed=False)
        else:
            sources = random.Random(seed).sample(range(n), min(sample, n))  # noqa: S311 - sampling, not secrets
            scale = n / len(sources)
            raw = [value * scale for value in self.graph.betweenness(directed=False, sources=sources)]
        pairs = (n - 1) * (n - 2) / 2
        return {key: value / pairs for key, value in zip(self.keys, raw, strict=True)}
