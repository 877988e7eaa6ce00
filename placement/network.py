"""The network graph and minimum-latency routes (spec: "Feasible placements").

The path from an origin to a site's node is the minimum-latency path over the
links; ties go to the fewest hops, then to the lexicographically smallest
sequence of node names. Latencies are summed as exact decimals so that ties
are ties (0.1 + 0.2 == 0.3).
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass
from fractions import Fraction

import networkx as nx

from placement.schema import Instance


def round_trip_ms(route_ms: float, serving_ms: float) -> float:
    """A request's latency: 2 x the route's one-way latency + the profile's serving latency."""
    return 2 * route_ms + serving_ms


def link_key(a: str, b: str) -> str:
    """The plan's key of a link: its two node names, sorted, joined by ``|``."""
    return "|".join(sorted((a, b)))


@dataclass(frozen=True)
class Route:
    """The chosen path from an origin to a node."""

    nodes: tuple[str, ...]
    latency_ms: float
    links: tuple[str, ...]


def build_graph(inst: Instance) -> nx.Graph:
    """Undirected graph of the links; every site node is a node even without links."""
    g = nx.Graph()
    g.add_nodes_from(s.node_id for s in inst.sites)
    for lk in inst.network.links:
        g.add_edge(
            lk.a,
            lk.b,
            latency=Fraction(str(lk.latency_ms)),
            bandwidth_mbps=lk.bandwidth_mbps,
            cost_per_gb=lk.cost_per_gb,
            key=link_key(lk.a, lk.b),
        )
    return g


def routes_from(g: nx.Graph, origin: str) -> dict[str, Route]:
    """Best route from ``origin`` to every reachable node (Dijkstra on (latency, hops, path)).

    The key is consistent along paths: two labels at a node with equal latency
    and hops have equal-length paths, so extending both by the same node keeps
    their lexicographic order; hence a label settled first is optimal.
    """
    if origin not in g:
        return {}
    best: dict[str, tuple[Fraction, int, tuple[str, ...]]] = {}
    heap: list[tuple[Fraction, int, tuple[str, ...]]] = [(Fraction(0), 0, (origin,))]
    while heap:
        lat, hops, path = heapq.heappop(heap)
        node = path[-1]
        if node in best:
            continue
        best[node] = (lat, hops, path)
        for nxt, attrs in g[node].items():
            if nxt not in best:
                heapq.heappush(heap, (lat + attrs["latency"], hops + 1, (*path, nxt)))
    return {
        node: Route(
            nodes=path,
            latency_ms=float(lat),
            links=tuple(g.edges[u, v]["key"] for u, v in itertools.pairwise(path)),
        )
        for node, (lat, _, path) in best.items()
    }


@dataclass(frozen=True)
class Routes:
    """Routes from every workload origin, and every model registry, to every site node it
    can reach (a registry's route is the path its updates take: docs/problem.md)."""

    by_pair: dict[tuple[str, str], Route]
    bandwidth_mbps: dict[str, float | None]
    cost_per_gb: dict[str, float]

    def get(self, origin: str, node: str) -> Route | None:
        return self.by_pair.get((origin, node))

    def path_cost_per_gb(self, route: Route) -> float:
        return sum(self.cost_per_gb[k] for k in route.links)


def compute_routes(inst: Instance) -> Routes:
    """Routes for every (origin or registry, site node) pair of the instance."""
    g = build_graph(inst)
    site_nodes = sorted({s.node_id for s in inst.sites})
    by_pair: dict[tuple[str, str], Route] = {}
    sources = {w.origin for w in inst.workloads}
    sources |= {m.registry for m in inst.models if m.registry is not None}
    for origin in sorted(sources):
        reach = routes_from(g, origin)
        for node in site_nodes:
            if node in reach:
                by_pair[(origin, node)] = reach[node]
    keys = {link_key(lk.a, lk.b): lk for lk in inst.network.links}
    return Routes(
        by_pair=by_pair,
        bandwidth_mbps={k: lk.bandwidth_mbps for k, lk in sorted(keys.items())},
        cost_per_gb={k: lk.cost_per_gb for k, lk in sorted(keys.items())},
    )
