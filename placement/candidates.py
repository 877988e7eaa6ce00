"""Feasible placements (spec: "Feasible placements") and, for every rejected one, why.

A candidate is (workload, site, hardware, variant) in a period. The spec's rules do
not depend on the period. A profile's rated rps and serving latency are the workload's
``serving``: as given, or derived from a token-based profile and the workload's
``output_tokens``. Two provably safe per-period rules are added because a
single replica that no allowed number of units could carry, or whose traffic alone
exceeds a link on its path, can never be placed there:

- ``capacity``: carried_load / rps > max_utilization x (most units possible in p);
- ``bandwidth``: the replica's traffic > bandwidth_mbps of a link on its path.

The optimiser's presolve (``presolve=True``, tight formulation only) also drops dominated
variants (``undominated``); ``explain`` and ``exclusions`` list every feasible placement.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal, NamedTuple

import numpy as np

from placement import costs
from placement.lookup import Lookup
from placement.network import Routes, round_trip_ms
from placement.schema import Profile, Workload

RULES = (
    "offer",
    "profile",
    "connectivity",
    "registry",
    "quality",
    "memory",
    "kind",
    "residency",
    "latency",
    "capacity",
    "bandwidth",
)
EPS = 1e-9
#: The pools of a rented offer (v2 "Spot capacity"): a placement is wholly in one of them.
Market = Literal["on_demand", "spot"]
ON_DEMAND: Final = "on_demand"
SPOT: Final = "spot"
#: ``feasible_candidates`` calls its ``interrupt`` every this many workloads.
CHECK_EVERY = 256


class Candidate(NamedTuple):
    """A feasible placement of one replica of a workload in one period (a named tuple:
    immutable, and made in a fraction of a frozen dataclass's time; there are millions)."""

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
    market: Market = ON_DEMAND  # the pool its load counts against


class Serving(NamedTuple):
    """What one unit does for one workload's requests: rated rps and serving latency."""

    rps: float
    latency_ms: float


def serving(profile: Profile, output_tokens: float | None) -> Serving | None:
    """A profile's rps and serving latency for requests of ``output_tokens`` mean output
    tokens: as given (``rps``, ``latency_ms``), or for a token-based profile
    tokens_per_s / output_tokens and ttft_ms + tpot_ms x output_tokens. None when the
    profile is token-based and the workload gives no ``output_tokens`` (rule ``profile``)."""
    if profile.rps is not None:
        return Serving(profile.rps, profile.latency_ms)
    if profile.tokens_per_s is None or output_tokens is None:
        return None
    return Serving(
        profile.tokens_per_s / output_tokens, profile.ttft_ms + profile.tpot_ms * output_tokens
    )


def workload_serving(lk: Lookup, w: str, v: str, h: str) -> Serving | None:
    """``serving`` of workload w's model, variant v, on hardware h (None: no profile, or a
    token-based one and w gives no ``output_tokens``)."""
    wl = lk.workloads[w]
    profile = lk.profiles.get((wl.model, v, h))
    return None if profile is None else serving(profile, wl.output_tokens)


def registry_failure(lk: Lookup, routes: Routes, model: str, node: str) -> str | None:
    """Why a site at ``node`` cannot host ``model`` (rule ``registry``): its updates could
    not reach it. None when the model has no registry or no updates, or the node is
    reachable from the registry."""
    m = lk.models[model]
    if m.registry is None or m.updates_per_month <= 0 or routes.get(m.registry, node):
        return None
    return (
        f"node '{node}' cannot be reached from registry '{m.registry}' of '{model}' "
        f"({m.updates_per_month:g} updates per month)"
    )


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
    serves = workload_serving(lk, w, v, h)
    if profile is None:
        out.append(("profile", f"no profile for {wl.model}/{v} on '{h}'"))
    elif serves is None:
        out.append(
            ("profile", f"the profile of {wl.model}/{v} on '{h}' is token-based (tokens_per_s) "
             "and the workload gives no output_tokens")
        )
    route = routes.get(wl.origin, site.node_id)
    if route is None:
        out.append(("connectivity", f"no path from '{wl.origin}' to node '{site.node_id}'"))
    unreachable = registry_failure(lk, routes, wl.model, site.node_id)
    if unreachable is not None:
        out.append(("registry", unreachable))
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
    if route is not None and serves is not None:
        lat = round_trip_ms(route.latency_ms, serves.latency_ms)
        if lat > wl.latency_slo_ms + EPS:
            out.append(
                (
                    "latency",
                    f"2 x {route.latency_ms:g} + {serves.latency_ms:g} = {lat:g} ms "
                    f"> SLO {wl.latency_slo_ms:g} ms",
                )
            )
    return out


def markets(lk: Lookup, w: str, s: str, h: str) -> tuple[Market, ...]:
    """The pools a placement of w at (s, h) may use: on demand, and spot when w is
    interruptible and the offer has spot."""
    return (ON_DEMAND, SPOT) if lk.spot_pool(s, h, w) else (ON_DEMAND,)


def pool_room(lk: Lookup, s: str, h: str, p: int, market: Market) -> float:
    """The most load (in units' worth of rated capacity) the pool ``market`` of (s, h)
    can carry in p: mu x most units possible (on demand), or mu x (1 - interruption
    overhead) x spot.max_units (spot)."""
    mu = lk.inst.policy.max_utilization
    if market == SPOT:
        return mu * lk.spot_derate(s, h) * lk.spot_max_units(s, h)
    return mu * lk.max_units(s, h, p)


def period_failures(lk: Lookup, routes: Routes, c: Candidate) -> list[tuple[str, str]]:
    """The per-period rules (capacity, bandwidth) that a statically feasible candidate
    breaks; capacity in its own pool (``c.market``)."""
    out: list[tuple[str, str]] = []
    mu = lk.inst.policy.max_utilization
    if c.market == SPOT:
        room = pool_room(lk, c.site, c.hardware, c.period, SPOT)
        if c.load > room + EPS:
            most = lk.spot_max_units(c.site, c.hardware)
            out.append(
                (
                    "capacity",
                    f"{c.carried_rps:g} rps needs "
                    f"{math.ceil(c.load / (mu * lk.spot_derate(c.site, c.hardware)) - EPS)} "
                    f"spot units of '{c.hardware}' at max_utilization {mu:g} x (1 - "
                    f"interruption_overhead); spot.max_units is {most:g}",
                )
            )
        most = math.inf  # the on-demand pool is not this candidate's
    else:
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


def make_candidate(
    lk: Lookup, routes: Routes, w: str, s: str, h: str, v: str, p: int, market: Market = ON_DEMAND
) -> Candidate:
    """The candidate record of a statically feasible (w, s, h, v) in period p, in the pool
    ``market``."""
    return _every_period(lk, routes, w, s, h, v)[p]._replace(market=market)


def _every_period(lk: Lookup, routes: Routes, w: str, s: str, h: str, v: str) -> list[Candidate]:
    """The candidate records of a statically feasible (w, s, h, v), one per period, with
    what does not depend on the period (route, profile, latency) looked up once."""
    wl = lk.workloads[w]
    profile = workload_serving(lk, w, v, h)
    route = routes.get(wl.origin, lk.sites[s].node_id)
    assert route is not None and profile is not None
    latency = round_trip_ms(route.latency_ms, profile.latency_ms)
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
    return route is None or round_trip_ms(route.latency_ms, fastest_ms) > wl.latency_slo_ms + EPS


def feasible_candidates(
    lk: Lookup,
    routes: Routes,
    period_rules: bool = True,
    presolve: bool = False,
    interrupt: Callable[[], None] | None = None,
) -> list[Candidate]:
    """All feasible candidates, sorted by (workload, period, site, hardware, variant);
    ``period_rules=False`` keeps the spec's rules only (the plain formulation);
    ``presolve=True`` drops dominated variants (``undominated``).

    The same rules as ``static_failures``, ``undominated`` and ``period_failures``, applied
    in bulk: the period-independent rules depend on a workload only through its origin,
    model, output_tokens, min_quality, allowed_kinds, residency and latency SLO, so they are
    worked out
    once per such signature over arrays (``_Options``), and each workload only checks the
    per-period rules of what survives. ``interrupt`` (optional) is called every
    CHECK_EVERY workloads: it may raise to stop (a time limit)."""
    mu = lk.inst.policy.max_utilization
    options: dict[tuple[str, str, float | None], _Options] = {}
    kept: dict[tuple[object, ...], list[int]] = {}
    out: list[Candidate] = []
    n_periods = len(lk.periods)
    for n, w in enumerate(sorted(lk.workloads)):
        if interrupt is not None and n % CHECK_EVERY == 0:
            interrupt()
        wl = lk.workloads[w]
        source = (wl.origin, wl.model, wl.output_tokens)
        table = options.get(source)
        if table is None:
            table = options[source] = _Options.of(lk, routes, *source)
        signature = (
            source,
            wl.min_quality,
            None if wl.allowed_kinds is None else tuple(sorted(set(wl.allowed_kinds))),
            tuple(sorted(set(wl.residency))) if wl.residency else None,
            wl.latency_slo_ms,
        )
        survivors = kept.get(signature)
        if survivors is None:
            ok, best = table.feasible(wl)
            survivors = kept[signature] = np.flatnonzero(best if presolve else ok).tolist()
            kept[(signature, "ok")] = np.flatnonzero(ok).tolist()
        if presolve and wl.current:
            pinned = {(q.site, q.hardware, q.variant) for q in wl.current}
            extra = [i for i in kept[(signature, "ok")] if table.keys[i] in pinned]
            if extra:
                survivors = sorted(set(survivors) | set(extra))
        per_period: list[list[Candidate]] = [[] for _ in range(n_periods)]
        keys, rps, links, latency = table.keys, table.rps, table.links, table.latency_list
        for p, demand in enumerate(lk.demand[w]):
            carried = costs.carried_load(demand, wl.replicas)
            traffic = costs.replica_traffic_mbps(demand, wl.replicas, wl.request_kb, wl.response_kb)
            row = per_period[p]
            most, widest = table.limits(lk, mu, p)
            spot_most = table.spot_limits(lk, w, p) if wl.interruptible else None
            for i in survivors:
                load = carried / rps[i]
                if period_rules and traffic > widest[i]:
                    continue
                site, hw, variant = keys[i]
                if not period_rules or load <= most[i]:
                    row.append(
                        Candidate(
                            w, site, hw, variant, p, carried, load, traffic, links[i], latency[i]
                        )
                    )
                if spot_most is not None and spot_most[i] >= 0 and (
                    not period_rules or load <= spot_most[i]
                ):
                    row.append(
                        Candidate(w, site, hw, variant, p, carried, load, traffic, links[i],
                                  latency[i], SPOT)
                    )
        for row in per_period:
            out += row
    return out


@dataclass
class _Options:
    """Every (site, offered hardware, variant) of one (origin, model, output_tokens) that no
    workload rule can exclude alone (offer, profile, connectivity, registry, memory), sorted,
    as arrays; and which of them another dominates at the same (site, hardware)
    (``_dominates``)."""

    keys: list[tuple[str, str, str]]
    rps: list[float]
    links: list[tuple[str, ...]]
    latency_list: list[float]
    bandwidth: list[float]  # the least bandwidth on the route (inf: none capped)
    latency: np.ndarray
    quality: np.ndarray
    kind: np.ndarray  # the site's kind, as its number in ``codes``
    jurisdiction: np.ndarray  # the site's jurisdiction's number (-1: none, fails every list)
    dominated: np.ndarray  # (option, a dominator at its site and hardware) pairs
    dominator: np.ndarray
    codes: dict[str, int]
    _limits: dict[int, tuple[list[float], list[float]]] = field(default_factory=dict)

    def limits(self, lk: Lookup, mu: float, p: int) -> tuple[list[float], list[float]]:
        """Per option in period p: the most load (``period_failures``' capacity rule: mu x
        max units + EPS) and the most traffic (its bandwidth rule: least bandwidth + EPS)."""
        if p not in self._limits:
            most = [mu * lk.max_units(s, h, p) + EPS for s, h, _ in self.keys]
            self._limits[p] = (most, [b + EPS for b in self.bandwidth])
        return self._limits[p]

    def spot_limits(self, lk: Lookup, w: str, p: int) -> list[float]:
        """Per option in period p: the most load the spot pool can carry for workload w
        (``pool_room`` + EPS), or -1 where w may not use spot (``markets``)."""
        key = -1 - p  # spot limits of p, beside ``limits``' entry p
        if key not in self._limits:
            self._limits[key] = (
                [pool_room(lk, s, h, p, SPOT) + EPS if lk.offers[(s, h)].spot is not None
                 else -1.0 for s, h, _ in self.keys],
                [],
            )
        if not lk.workloads[w].interruptible:
            return [-1.0] * len(self.keys)
        return self._limits[key][0]

    @classmethod
    def of(
        cls, lk: Lookup, routes: Routes, origin: str, model: str, output_tokens: float | None
    ) -> _Options:
        keys: list[tuple[str, str, str]] = []
        rps: list[float] = []
        served: list[Serving] = []
        links: list[tuple[str, ...]] = []
        lat: list[float] = []
        bw: list[float] = []
        quality: list[float] = []
        kind: list[int] = []
        juris: list[int] = []
        dominated: list[int] = []
        dominator: list[int] = []
        codes: dict[str, int] = {}
        for s in sorted(lk.sites):
            site = lk.sites[s]
            route = routes.get(origin, site.node_id)
            if route is None or registry_failure(lk, routes, model, site.node_id) is not None:
                continue
            capped = [b for b in (routes.bandwidth_mbps[k] for k in route.links) if b is not None]
            least = min(capped) if capped else math.inf
            for h in lk.offers_at[s]:
                hw = lk.hardware[h]
                group = len(keys)
                for v in lk.model_variants.get(model, []):
                    given = lk.profiles.get((model, v, h))
                    profile = None if given is None else serving(given, output_tokens)
                    variant = lk.variants[(model, v)]
                    if profile is None or variant.memory_gb > hw.memory_gb + EPS:
                        continue
                    keys.append((s, h, v))
                    rps.append(profile.rps)
                    served.append(profile)
                    links.append(route.links)
                    lat.append(round_trip_ms(route.latency_ms, profile.latency_ms))
                    bw.append(least)
                    quality.append(variant.quality)
                    kind.append(codes.setdefault(site.kind, len(codes)))
                    where = site.jurisdiction
                    juris.append(-1 if where is None else codes.setdefault(where, len(codes)))
                for i in range(group, len(keys)):
                    for j in range(group, len(keys)):
                        if i != j and _dominates_serving(served[j], served[i],
                                                         keys[j][2], keys[i][2]):
                            dominated.append(i)
                            dominator.append(j)
        return cls(
            keys,
            rps,
            links,
            lat,
            bw,
            np.array(lat, np.float64),
            np.array(quality, np.float64),
            np.array(kind, np.int64),
            np.array(juris, np.int64),
            np.array(dominated, np.int64),
            np.array(dominator, np.int64),
            codes,
        )

    def feasible(self, wl: Workload) -> tuple[np.ndarray, np.ndarray]:
        """The options that break no rule of ``static_failures`` for ``wl``, and those of
        them no other one of them dominates (``undominated``, before ``current``)."""
        ok = (self.quality >= wl.min_quality - EPS) & (self.latency <= wl.latency_slo_ms + EPS)
        if wl.allowed_kinds is not None:
            ok &= np.isin(self.kind, self._numbers(wl.allowed_kinds))
        if wl.residency:
            ok &= np.isin(self.jurisdiction, self._numbers(wl.residency))
        beaten = np.zeros(len(ok), bool)
        beaten[self.dominated[ok[self.dominator]]] = True
        return ok, ok & ~beaten

    def _numbers(self, names: Sequence[str]) -> np.ndarray:
        return np.array([self.codes[n] for n in names if n in self.codes], np.int64)


def _dominates_serving(sa: Serving, sb: Serving, a: str, b: str) -> bool:
    """``_dominates`` on the figures of variants a and b."""
    if sa.rps < sb.rps - EPS or sa.latency_ms > sb.latency_ms + EPS:
        return False
    return sa.rps > sb.rps + EPS or sa.latency_ms < sb.latency_ms - EPS or a < b


def _dominates(lk: Lookup, w: str, h: str, a: str, b: str) -> bool:
    """Variant a of w's model on hardware h needs no more load (rps at least b's) and no
    more latency than b, and is strictly better in one or comes first in id order."""
    sa, sb = workload_serving(lk, w, a, h), workload_serving(lk, w, b, h)
    assert sa is not None and sb is not None
    return _dominates_serving(sa, sb, a, b)


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
            found = period_failures(lk, routes, c)
            if SPOT in markets(lk, workload, s, h):
                # excluded only if neither pool takes it (the spot pool can carry it)
                spot = dict(period_failures(lk, routes, c._replace(market=SPOT)))
                found = [(r, d if r not in spot else f"{d}; spot: {spot[r]}")
                         for r, d in found if r in spot]
            out += [Exclusion(workload, s, h, v, p, r, d) for r, d in found]
    return out
