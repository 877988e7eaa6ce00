"""The network: user populations, provider backbones, the corporate WAN, and routes on it.

Links grow linearly with the sites: each user population links to the regions of its
continent (at most 27 populations), each provider's backbone is a full mesh of one hub
region per metro (at most 27 hubs a provider) with a metro's other regions of that
provider behind its hub, edge sites and data centres hang off their metro's users node,
and the data centres of a continent form a chain.
"""

from __future__ import annotations

import heapq
import itertools
from fractions import Fraction

from placement.generate.catalog import METRO, PROVIDERS, pos
from placement.generate.draws import Draws, fiber_ms
from placement.generate.estate import Estate
from placement.network import Route, link_key


def user_links(d: Draws, est: Estate) -> None:
    """Each user population to the regions of its continent within 80 ms."""
    for metro in est.user_metros:
        access = d.u(2.0, 6.0)
        for reg in est.regions:
            rm = est.site_metro[reg]
            if METRO[rm][1] != METRO[metro][1]:
                continue
            lat = max(5.0, access + fiber_ms(pos(metro), pos(rm)) - 2.0)
            if lat <= 80.0:
                est.add_link(f"users-{metro}", reg, lat)


def provider(region: str) -> str:
    return region.split("-")[0]


def backbone(d: Draws, est: Estate) -> None:
    """Each provider's hubs (its first region in each metro) pairwise: latency by distance,
    transfer price; its other regions in a metro linked to that metro's hub."""
    hub_of: dict[tuple[str, str], str] = {}
    spokes: list[tuple[str, str]] = []
    for reg in est.regions:
        key = (provider(reg), est.site_metro[reg])
        if key in hub_of:
            spokes.append((hub_of[key], reg))
        else:
            hub_of[key] = reg
    hubs = list(hub_of.values())
    for i, a in enumerate(hubs):
        for b in hubs[i + 1:]:
            pa, pb = provider(a), provider(b)
            if pa != pb:
                continue
            ma, mb = est.site_metro[a], est.site_metro[b]
            same = METRO[ma][1] == METRO[mb][1]
            cost = 0.02 if same else PROVIDERS[pa][2] * d.u(0.9, 1.1)
            est.add_link(a, b, fiber_ms(pos(ma), pos(mb)) * 1.05, cost=cost)
    for hub, reg in spokes:
        m = est.site_metro[reg]
        est.add_link(hub, reg, fiber_ms(pos(m), pos(m)) * 1.05, cost=0.02)


def corporate_wan(d: Draws, est: Estate, dcs: dict[str, str]) -> None:
    """The data centres (node -> metro) of each continent chained by capped WAN links."""
    by_cont: dict[str, list[str]] = {}
    for node, metro in dcs.items():
        by_cont.setdefault(METRO[metro][1], []).append(node)
    for nodes in by_cont.values():
        for a, b in itertools.pairwise(nodes):
            lat = fiber_ms(pos(dcs[a]), pos(dcs[b])) + 5.0
            est.add_link(a, b, lat, bandwidth=float(d.pick([1000, 2000, 5000])))


def hundredths(latency_ms: float) -> int:
    """A link latency (2 decimals, as written) in exact hundredths of a ms."""
    return round(latency_ms * 100)


class RouteFinder:
    """Best routes from user populations to sites, computed once per origin: the routes of
    ``placement.network.routes_from`` (least latency, then fewest hops, then the path's
    names), on exact integer hundredths of a ms rather than fractions, hence fast."""

    def __init__(self, est: Estate) -> None:
        self.site_node = est.site_node
        self.adj: dict[str, dict[str, int]] = {n: {} for n in est.site_node.values()}
        for lk in est.links:
            a, b, w = lk["a"], lk["b"], hundredths(lk["latency_ms"])
            self.adj.setdefault(a, {})[b] = w
            self.adj.setdefault(b, {})[a] = w
        self.settled: dict[str, dict[str, tuple[int, tuple[str, ...]]]] = {}
        self.routes: dict[tuple[str, str], Route | None] = {}

    def route(self, origin: str, site: str) -> Route | None:
        key = (origin, self.site_node[site])
        if key not in self.routes:
            if origin not in self.settled:
                self.settled[origin] = self.dijkstra(origin)
            best = self.settled[origin].get(key[1])
            self.routes[key] = None if best is None else Route(
                nodes=best[1], latency_ms=float(Fraction(best[0], 100)),
                links=tuple(link_key(u, v) for u, v in itertools.pairwise(best[1])))
        return self.routes[key]

    def dijkstra(self, origin: str) -> dict[str, tuple[int, tuple[str, ...]]]:
        """(latency in hundredths, path) of the best route to every reachable node."""
        if origin not in self.adj:
            return {}
        best: dict[str, tuple[int, tuple[str, ...]]] = {}
        heap: list[tuple[int, int, tuple[str, ...]]] = [(0, 0, (origin,))]
        while heap:
            lat, hops, path = heapq.heappop(heap)
            node = path[-1]
            if node in best:
                continue
            best[node] = (lat, path)
            for nxt, w in self.adj[node].items():
                if nxt not in best:
                    heapq.heappush(heap, (lat + w, hops + 1, (*path, nxt)))
        return best
