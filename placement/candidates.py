"""Feasible placements (spec: "Feasible placements") and, for every rejected one, why.

A candidate is (workload, site, hardware, variant) in a period. The spec's rules do
not depend on the period; two provably safe per-period rules are added because a
single replica that no allowed number of units could carry, or whose traffic alone
exceeds a link on its path, can never be placed there:

- ``capacity``: carried_load / rps > max_utilization x (most units possible in p);
- ``bandwidth``: the replica's traffic > bandwidth_mbps of a link on its path.

The optimiser's presolve (``presolve=True``, tight formulation only) also drops dominated
variants (``undominated``); ``explain`` and ``exclusions`` list every feasible placement.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from placement import costs
from placement.lookup import Lookup
from placement.network import Routes

RULES = (
    "offer",
    "profile",
    "connectivity",
    "quality",
    "memory",
    "kind",
    "residency",
    "latency",
    "capacity",
    "bandwidth",
)
EPS = 1e-9


@dataclass(frozen=True)
class Candidate:
    """A feasible placement of one replica of a workload in one period."""

    workload: str
    site: str
    hardware: str
    variant: str
    period: int
    carried_rps: float
    load: float  # carried_rps / profile rps: units' worth of rated capacity needed
    traffic_mbps: float
    links: tuple[str, ...]
    latency_ms: float


@dataclass(frozen=True)
class Exclusion:
    """A rejected placement and the rule that rejected it (period None: every period)."""

    workload: str
    site: str
    hardware: str
    variant: str
    period: int | None
    rule: str
    detail: str


def static_failures(
    lk: Lookup, routes: Routes, w: str, s: str, h: str, v: str
) -> list[tuple[str, str]]:
    """Every period-independent rule that (w, s, h, v) breaks, as (rule, detail)."""
    wl, site, hw = lk.workloads[w], lk.sites[s], lk.hardware[h]
    variant = lk.variants[(wl.model, v)]
    out: list[tuple[str, str]] = []
    if (s, h) not in lk.offers:
        out.append(("offer", f"site '{s}' does not offer '{h}'"))
        return out
    profile = lk.profiles.get((wl.model, v, h))
    if profile is None:
        out.append(("profile", f"no profile for {wl.model}/{v} on '{h}'"))
    route = routes.get(wl.origin, site.node_id)
    if route is None:
        out.append(("connectivity", f"no path from '{wl.origin}' to node '{site.node_id}'"))
    if variant.quality < wl.min_quality - EPS:
        out.append(("quality", f"quality {variant.quality:g} < min_quality {wl.min_quality:g}"))
    if variant.memory_gb > hw.memory_gb + EPS:
        out.append(
            ("memory", f"variant needs {variant.memory_gb:g} GB, '{h}' has {hw.memory_gb:g}")
        )
    if wl.allowed_kinds is not None and site.kind not in wl.allowed_kinds:
        out.append(("kind", f"site kind '{site.kind}' not in allowed_kinds"))
    if wl.residency and site.jurisdiction not in wl.residency:
        out.append(("residency", f"jurisdiction {site.jurisdiction!r} not in {wl.residency}"))
    if route is not None and profile is not None:
        lat = 2 * route.latency_ms + profile.latency_ms
        if lat > wl.latency_slo_ms + EPS:
            out.append(
                (
                    "latency",
                    f"2 x {route.latency_ms:g} + {profile.latency_ms:g} = {lat:g} ms "
                    f"> SLO {wl.latency_slo_ms:g} ms",
                )
            )
    return out


def period_failures(lk: Lookup, routes: Routes, c: Candidate) -> list[tuple[str, str]]:
    """The per-period rules (capacity, bandwidth) that a statically feasible candidate breaks."""
    out: list[tuple[str, str]] = []
    mu = lk.inst.policy.max_utilization
    most = lk.max_units(c.site, c.hardware, c.period)
    if c.load > mu * most + EPS:
        out.append(
            (
                "capacity",
                f"{c.carried_rps:g} rps needs {math.ceil(c.load / mu - EPS)} units of "
                f"'{c.hardware}' ({c.carried_rps / c.load:g} rps each at max_utilization "
                f"{mu:g}); at most {most:g} possible in this period",
            )
        )
    for key in c.links:
        bw = routes.bandwidth_mbps[key]
        if bw is not None and c.traffic_mbps > bw + EPS:
            out.append(
                ("bandwidth", f"one replica's {c.traffic_mbps:.4g} Mbps > link {key} {bw:g} Mbps")
            )
    return out


def make_candidate(lk: Lookup, routes: Routes, w: str, s: str, h: str, v: str, p: int) -> Candidate:
    """The candidate record of a statically feasible (w, s, h, v) in period p."""
    return _every_period(lk, routes, w, s, h, v)[p]


def _every_period(lk: Lookup, routes: Routes, w: str, s: str, h: str, v: str) -> list[Candidate]:
    """The candidate records of a statically feasible (w, s, h, v), one per period, with
    what does not depend on the period (route, profile, latency) looked up once."""
    wl = lk.workloads[w]
    profile = lk.profiles[(wl.model, v, h)]
    route = routes.get(wl.origin, lk.sites[s].node_id)
    assert route is not None
    latency = 2 * route.latency_ms + profile.latency_ms
    out = []
    for p, demand in enumerate(lk.demand[w]):
        carried = costs.carried_load(demand, wl.replicas)
        traffic = costs.replica_traffic_mbps(demand, wl.replicas, wl.request_kb, wl.response_kb)
        load = carried / profile.rps
        out.append(Candidate(w, s, h, v, p, carried, load, traffic, route.links, latency))
    return out


def _combos(lk: Lookup, w: str) -> Iterator[tuple[str, str, str]]:
    """Every (site, offered hardware, variant of the workload's model), sorted."""
    model = lk.workloads[w].model
    for s in sorted(lk.sites):
        for h in lk.offers_at[s]:
            for v in lk.model_variants[model]:
                yield s, h, v


def _site_excluded(lk: Lookup, routes: Routes, w: str, s: str, fastest_ms: float) -> bool:
    """True when a site rule (kind, residency, connectivity, or latency with the fastest
    profile of any option) excludes every (hardware, variant) of w at s: a shortcut only,
    each surviving option is still checked by ``static_failures``."""
    wl, site = lk.workloads[w], lk.sites[s]
    if wl.allowed_kinds is not None and site.kind not in wl.allowed_kinds:
        return True
    if wl.residency and site.jurisdiction not in wl.residency:
        return True
    route = routes.get(wl.origin, site.node_id)
    return route is None or 2 * route.latency_ms + fastest_ms > wl.latency_slo_ms + EPS


def feasible_candidates(
    lk: Lookup, routes: Routes, period_rules: bool = True, presolve: bool = False
) -> list[Candidate]:
    """All feasible candidates, sorted by (workload, period, site, hardware, variant);
    ``period_rules=False`` keeps the spec's rules only (the plain formulation);
    ``presolve=True`` drops dominated variants (``undominated``)."""
    out = []
    fastest: dict[str, float] = {}
    for (model, _, _), prof in lk.profiles.items():
        fastest[model] = min(fastest.get(model, float("inf")), prof.latency_ms)
    for w in sorted(lk.workloads):
        model = lk.workloads[w].model
        for s in sorted(lk.sites):
            if model not in fastest or _site_excluded(lk, routes, w, s, fastest[model]):
                continue
            for h in lk.offers_at[s]:
                ok = [
                    v
                    for v in lk.model_variants[model]
                    if not static_failures(lk, routes, w, s, h, v)
                ]
                for v in undominated(lk, w, s, h, ok) if presolve else ok:
                    out += [
                        c
                        for c in _every_period(lk, routes, w, s, h, v)
                        if not period_rules or not period_failures(lk, routes, c)
                    ]
    out.sort(key=lambda c: (c.workload, c.period, c.site, c.hardware, c.variant))
    return out


def _dominates(lk: Lookup, w: str, h: str, a: str, b: str) -> bool:
    """Variant a of w's model on hardware h needs no more load (rps at least b's) and no
    more latency than b, and is strictly better in one or comes first in id order."""
    model = lk.workloads[w].model
    pa, pb = lk.profiles[(model, a, h)], lk.profiles[(model, b, h)]
    if pa.rps < pb.rps - EPS or pa.latency_ms > pb.latency_ms + EPS:
        return False
    return pa.rps > pb.rps + EPS or pa.latency_ms < pb.latency_ms - EPS or a < b


def undominated(lk: Lookup, w: str, s: str, h: str, variants: list[str]) -> list[str]:
    """Presolve: the variants of ``variants`` (all feasible for w at (s, h)) that no other
    one dominates (``_dominates``), plus w's ``current`` variant there (the baseline pins it).

    Provably safe: at one (workload, site, hardware, period), the variant changes neither
    traffic, links, costs, failure domain nor the site served (so no move), only the load
    (capacity) and the latency (the Pareto front's objective); swapping a dominated
    candidate for its dominator in any feasible plan keeps it feasible (a capacity or
    bandwidth rule that keeps the dominated one keeps its dominator) at no higher cost
    or latency.
    """
    pinned = {q.variant for q in lk.workloads[w].current or [] if (q.site, q.hardware) == (s, h)}
    return [
        v
        for v in variants
        if v in pinned or not any(o != v and _dominates(lk, w, h, o, v) for o in variants)
    ]


def exclusions(lk: Lookup, routes: Routes, workload: str) -> list[Exclusion]:
    """Every rejected (site, offered hardware, variant) of a workload with every rule it
    breaks (a site that does not offer a hardware option has no candidate to reject).

    Static rules are reported once (period None); per-period rules per period.
    """
    out = []
    for s, h, v in _combos(lk, workload):
        failures = static_failures(lk, routes, workload, s, h, v)
        out += [Exclusion(workload, s, h, v, None, r, d) for r, d in failures]
        if failures:
            continue
        for p in range(len(lk.periods)):
            c = make_candidate(lk, routes, workload, s, h, v, p)
            out += [
                Exclusion(workload, s, h, v, p, r, d) for r, d in period_failures(lk, routes, c)
            ]
    return out
