"""The graph engine on small graphs whose communities, paths, neighbourhoods and centralities are known by hand."""

from __future__ import annotations

import itertools
import random

import pytest

from lantern.network import graph
from lantern.network.graph import Network


def clique(prefix: str, size: int) -> list[tuple[str, str, float]]:
    return [(f"{prefix}{i}", f"{prefix}{j}", 1.0) for i, j in itertools.combinations(range(size), 2)]


def path_graph(size: int) -> Network:
    return Network.from_pairs((f"n{i}", f"n{i + 1}", 1.0) for i in range(size - 1))


def groups(found: dict[str, int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for key, number in found.items():
        out.setdefault(number, set()).add(key)
    return out


def test_two_cliques_joined_by_one_bridge_are_two_communities_numbered_largest_first() -> None:
    pairs = [*clique("a", 4), *clique("b", 5), ("a0", "b0", 1.0)]
    found = Network.from_pairs(pairs).communities()
    assert groups(found) == {1: {f"b{i}" for i in range(5)}, 2: {f"a{i}" for i in range(4)}}
    # The numbers depend on the graph, not on the order its links arrive in.
    shuffled = pairs[:]
    random.Random(7).shuffle(shuffled)
    assert Network.from_pairs(shuffled).communities() == found
    assert Network.from_pairs(pairs).communities() == found


def test_a_ring_of_cliques_is_one_community_per_clique() -> None:
    pairs = [pair for c in range(5) for pair in clique(f"c{c}_", 4)]
    pairs += [(f"c{c}_3", f"c{(c + 1) % 5}_0", 1.0) for c in range(5)]
    found = Network.from_pairs(pairs).communities()
    assert sorted(map(frozenset, groups(found).values()), key=sorted) == [
        frozenset(f"c{c}_{i}" for i in range(4)) for c in range(5)
    ]
    # Equal sizes are numbered in the order their first node entered the graph.
    assert [found[f"c{c}_0"] for c in range(5)] == [1, 2, 3, 4, 5]


def test_a_node_with_no_link_is_a_community_of_its_own_and_an_empty_graph_has_none() -> None:
    network = Network.from_pairs(clique("a", 3), nodes=["alone"])
    found = network.communities()
    assert found["alone"] not in {found["a0"], found["a1"], found["a2"]}
    assert len(set(found.values())) == 2
    assert Network.from_pairs([]).communities() == {}
    assert Network.from_pairs([], nodes=["x", "y"]).communities() == {"x": 1, "y": 2}


def test_weights_decide_between_two_equally_linked_groupings() -> None:
    # A square: which opposite pair of sides forms the communities is decided only by the weights.
    heavy = Network.from_pairs([("a", "b", 10.0), ("c", "d", 10.0), ("a", "c", 1.0), ("b", "d", 1.0)])
    assert sorted(map(sorted, groups(heavy.communities()).values())) == [["a", "b"], ["c", "d"]]
    other = Network.from_pairs([("a", "b", 1.0), ("c", "d", 1.0), ("a", "c", 10.0), ("b", "d", 10.0)])
    assert sorted(map(sorted, groups(other.communities()).values())) == [["a", "c"], ["b", "d"]]


def test_shortest_path_is_the_fewest_links_and_empty_when_nothing_joins() -> None:
    network = Network.from_pairs(
        [("A", "B", 1), ("B", "C", 1), ("C", "D", 1), ("A", "E", 1), ("E", "D", 1), ("D", "F", 1), ("X", "Y", 1)],
        nodes=["G"],
    )
    assert network.shortest_path("A", "F") == ["A", "E", "D", "F"]
    assert network.shortest_path("F", "A") == ["F", "D", "E", "A"]
    assert network.shortest_path("B", "B") == ["B"]
    assert network.shortest_path("A", "G") == []
    assert network.shortest_path("A", "Y") == []


def test_ego_networks_of_one_two_and_three_hops() -> None:
    network = path_graph(7)
    assert network.ego(["n0"], 1) == {"n0", "n1"}
    assert network.ego(["n0"], 2) == {"n0", "n1", "n2"}
    assert network.ego(["n0"], 3) == {"n0", "n1", "n2", "n3"}
    assert network.ego(["n3"], 1) == {"n2", "n3", "n4"}
    assert network.ego(["n3"], 3) == {f"n{i}" for i in range(7)}
    assert network.ego(["n0", "n6"], 1) == {"n0", "n1", "n5", "n6"}
    assert sorted(network.neighbours("n3")) == ["n2", "n4"]


def test_a_stars_centre_lies_on_every_path_and_its_leaves_on_none() -> None:
    found = Network.from_pairs(("hub", f"leaf{i}", 1.0) for i in range(6)).betweenness()
    assert found["hub"] == pytest.approx(1.0)
    assert all(found[f"leaf{i}"] == 0.0 for i in range(6))


def test_betweenness_along_a_path() -> None:
    # Node i of a five-node path lies between i * (4 - i) of the 6 pairs of other nodes.
    found = path_graph(5).betweenness()
    assert [found[f"n{i}"] for i in range(5)] == pytest.approx([0.0, 0.5, 4 / 6, 0.5, 0.0])
    assert Network.from_pairs([("a", "b", 1.0)]).betweenness() == {"a": 0.0, "b": 0.0}


def test_sampled_betweenness_of_a_large_graph_is_close_to_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    # A hub joining six branches of 100 leaves (with a few links among each branch's leaves): every path
    # between branches passes the hub (0.835) and the branches' own hubs (0.303).
    rng = random.Random(3)
    pairs = [("hub", f"s{b}", 1.0) for b in range(6)]
    for b in range(6):
        pairs += [(f"s{b}", f"l{b}_{leaf}", 1.0) for leaf in range(100)]
        pairs += [(f"l{b}_{rng.randrange(100)}", f"l{b}_{rng.randrange(100)}", 1.0) for _ in range(30)]
    network = Network.from_pairs(pairs)
    exact = network.betweenness()
    assert exact["hub"] == pytest.approx(15 * 101 * 101 / (606 * 605 / 2))
    # A branch hub is on every path from its leaves out, and on most between them (the leaves' links carry a few).
    assert exact["s0"] == pytest.approx((100 * 506 + 100 * 99 / 2) / (606 * 605 / 2), abs=0.002)

    monkeypatch.setattr(graph, "EXACT_BETWEENNESS_LIMIT", 100)
    sampled = network.betweenness()
    assert sampled == network.betweenness()  # the same seed draws the same sources
    assert sampled != exact
    assert sampled["hub"] == pytest.approx(exact["hub"], abs=0.01)
    assert all(sampled[f"s{b}"] == pytest.approx(exact[f"s{b}"], abs=0.1) for b in range(6))
    assert sum(abs(sampled[k] - exact[k]) for k in exact) / len(exact) < 0.002
    ranked = sorted(sampled, key=sampled.__getitem__, reverse=True)
    assert ranked[0] == "hub"
    assert set(ranked[1:7]) == {f"s{b}" for b in range(6)}


def test_parallel_links_are_one_edge_with_their_weights_summed_and_loops_are_dropped() -> None:
    network = Network.from_pairs([("a", "b", 1.0), ("b", "a", 2.0), ("a", "b", 1.5), ("a", "a", 4.0), ("b", "c", 1.0)])
    assert len(network) == 3
    assert network.edge_count == 2
    weights = {frozenset((x, y)): w for x, y, w in network.edges()}
    assert weights == {frozenset("ab"): 4.5, frozenset("bc"): 1.0}
    assert network.degree() == {"a": 1, "b": 2, "c": 1}


def test_components_and_subgraphs() -> None:
    network = Network.from_pairs([("a", "b", 1), ("b", "c", 1), ("x", "y", 1)], nodes=["alone"])
    found = network.components()
    assert found["a"] == found["b"] == found["c"] != found["x"] == found["y"]
    assert len({found["a"], found["x"], found["alone"]}) == 3
    assert found["alone"] == 0  # numbered in the order nodes entered the graph
    sub = network.subgraph(["a", "b", "x", "missing"])
    assert set(sub.keys) == {"a", "b", "x"}
    assert "c" not in sub
    assert "a" in sub
    assert [tuple(sorted((s, t))) for s, t, _w in sub.edges()] == [("a", "b")]
