"""Why the stay-put baseline breaks a rule: which current placement breaks which rule,
and which joint rules (unit caps, site power, link bandwidth, capex budgets) the current
placements overrun together. ``placement explain --baseline`` shows it.

The baseline keeps every workload that has a ``current`` placement there in every period
(workloads without one are free). Per placement, the rules are the candidates' own
(:func:`placement.candidates.static_failures` and ``period_failures``) plus distinct
failure domains. The joint rules count the pinned workloads only, with the fewest units
that carry their load (owned units never fall, purchases just in time): the free
workloads can only add to them, so every overrun reported here is certain.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from placement import costs
from placement.candidates import (
    SPOT,
    Candidate,
    make_candidate,
    period_failures,
    static_failures,
    workload_serving,
)
from placement.data import ProblemData
from placement.network import round_trip_ms

EPS = 1e-9


@dataclass(frozen=True)
class Breach:
    """A rule the baseline breaks: where (a placement SITE/HARDWARE/VARIANT, an offer
    SITE/HARDWARE, a site, a link A|B or a period), in which period (None: every period),
    and the numbers."""

    rule: str
    where: str
    period: str | None
    detail: str
    workload: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def baseline_breaches(data: ProblemData) -> list[Breach]:
    """Every rule the stay-put baseline breaks: per workload first (in id order), then joint."""
    out: list[Breach] = []
    pinned: list[Candidate] = []
    for w in sorted(data.lk.workloads):
        found, cands = _workload(data, w)
        out += found
        pinned += cands
    return out + _joint(data, pinned)


def _workload(data: ProblemData, w: str) -> tuple[list[Breach], list[Candidate]]:
    """The breaches of one workload's current placements, and the candidates of those that
    break no per-placement rule (they count towards the joint rules)."""
    lk, routes = data.lk, data.routes
    wl = lk.workloads[w]
    out: list[Breach] = []
    cands: list[Candidate] = []
    domains: dict[str, str] = {}
    for q in wl.current or []:
        where = f"{q.site}/{q.hardware}/{q.variant}"
        domain = lk.sites[q.site].domain
        if domain in domains:
            out.append(Breach("failure domain", where, None,
                              f"site '{q.site}' shares failure domain '{domain}' with "
                              f"'{domains[domain]}', another current site", w))
        domains.setdefault(domain, q.site)
        static = static_failures(lk, routes, w, q.site, q.hardware, q.variant)
        out += [Breach(rule, where, None, _latency(data, w, q.site, q.hardware, q.variant)
                       if rule == "latency" else detail, w) for rule, detail in static]
        if static:
            continue
        for p in range(data.n_periods):
            c = make_candidate(lk, routes, w, q.site, q.hardware, q.variant, p, q.market)
            alone = period_failures(lk, routes, c)
            out += [Breach(rule, where, lk.periods[p].name, detail, w) for rule, detail in alone]
            if not alone:
                cands.append(c)
    return out, cands


def _latency(data: ProblemData, w: str, s: str, h: str, v: str) -> str:
    lk = data.lk
    wl = lk.workloads[w]
    route = data.routes.get(wl.origin, lk.sites[s].node_id)
    profile = workload_serving(lk, w, v, h)
    assert route is not None and profile is not None
    serving = profile.latency_ms
    total = round_trip_ms(route.latency_ms, serving)
    return (f"round trip 2×{route.latency_ms:g} ms from '{wl.origin}' + serving {serving:g} ms "
            f"= {total:g} ms > SLO {wl.latency_slo_ms:g} ms")


def _joint(data: ProblemData, pinned: list[Candidate]) -> list[Breach]:
    lk = data.lk
    mu = lk.inst.policy.max_utilization
    load: defaultdict[tuple[str, str, int], float] = defaultdict(float)
    traffic: defaultdict[tuple[str, int], float] = defaultdict(float)
    spot: defaultdict[tuple[str, str, int], float] = defaultdict(float)
    for c in pinned:
        (spot if c.market == SPOT else load)[(c.site, c.hardware, c.period)] += c.load
        for key in c.links:
            traffic[(key, c.period)] += c.traffic_mbps
    out: list[Breach] = _spot_pools(data, spot)
    need: dict[tuple[str, str, int], int] = {}
    for (s, h, p), total in sorted(load.items()):
        need[(s, h, p)] = n = math.ceil(total / mu - EPS)
        most = lk.max_units(s, h, p)
        if n > most:
            rps = sum(c.carried_rps for c in pinned if (c.site, c.hardware, c.period) == (s, h, p))
            out.append(Breach("units", f"{s}/{h}", lk.periods[p].name,
                              f"the current placements carry {rps:g} rps there: {n} units at "
                              f"max_utilization {mu:g}; at most {most:g} possible "
                              f"({_cap_reason(data, s, h, p)})"))
    owned = _owned(data, need)
    out += _power(data, owned)
    out += _capex(data, owned)
    for (key, p), mbps in sorted(traffic.items()):
        cap = data.routes.bandwidth_mbps[key]
        if cap is not None and mbps > cap + EPS:
            out.append(Breach("bandwidth", f"link {key}", lk.periods[p].name,
                              f"the current placements send {mbps:.4g} Mbps over it > "
                              f"bandwidth {cap:g} Mbps"))
    return out


def _spot_pools(data: ProblemData, spot: dict[tuple[str, str, int], float]) -> list[Breach]:
    """Spot pools too small for today's spot placements (units at mu x (1 - overhead))."""
    lk = data.lk
    out = []
    for (s, h, p), total in sorted(spot.items()):
        room = lk.inst.policy.max_utilization * lk.spot_derate(s, h)
        n, most = math.ceil(total / room - EPS), lk.spot_max_units(s, h)
        if n > most:
            out.append(Breach("units", f"{s}/{h} spot", lk.periods[p].name,
                              f"the current spot placements need {n} spot units at "
                              f"{room:g} of rated load each; spot.max_units is {most:g}"))
    return out


def _cap_reason(data: ProblemData, s: str, h: str, p: int) -> str:
    lk = data.lk
    offer = lk.offers[(s, h)]
    reasons = []
    if offer.max_units is not None:
        reasons.append(f"max_units {offer.max_units}")
    if lk.is_owned(h) and not lk.can_buy(h, p):
        reasons.append(f"no purchase before month {lk.hardware[h].lead_time_months:g} "
                       f"(lead time), {offer.existing_units} existing")
    if lk.is_owned(h) and lk.sites[s].power_kw is not None and lk.hardware[h].power_w > 0:
        reasons.append(f"site power {lk.sites[s].power_kw:g} kW")
    return ", ".join(reasons) or "offer caps"


def _owned(data: ProblemData, need: dict[tuple[str, str, int], int]) -> dict[tuple[str, str],
                                                                           list[int]]:
    """Fewest owned units per owned offer and period: never below the existing units or
    an earlier period's (owned units are never sold)."""
    out = {}
    for s, h in data.owned_offers:
        units, have = [], data.lk.offers[(s, h)].existing_units
        for p in range(data.n_periods):
            have = max(have, need.get((s, h, p), 0))
            units.append(have)
        out[(s, h)] = units
    return out


def _power(data: ProblemData, owned: dict[tuple[str, str], list[int]]) -> list[Breach]:
    lk = data.lk
    out = []
    for s in sorted(lk.sites):
        cap = lk.sites[s].power_kw
        if cap is None:
            continue
        here = [(h, u) for (s2, h), u in owned.items() if s2 == s and lk.hardware[h].power_w > 0]
        for p in range(data.n_periods):
            kw = sum(costs.kw(u[p], lk.hardware[h].power_w) for h, u in here)
            if kw > cap + 1e-6:
                units = ", ".join(f"{u[p]} × {h}" for h, u in here if u[p])
                out.append(Breach("power", s, lk.periods[p].name,
                                  f"owned units {units} draw {kw:g} kW > power_kw {cap:g} kW"))
    return out


def _capex(data: ProblemData, owned: dict[tuple[str, str], list[int]]) -> list[Breach]:
    """Capex budgets: the least spend through each period (purchases just in time) against
    the budgets through it (only when every period so far has a budget)."""
    lk = data.lk
    out = []
    spent = budget = 0.0
    for p, info in enumerate(lk.periods):
        for (s, h), units in owned.items():
            before = units[p - 1] if p else lk.offers[(s, h)].existing_units
            unit = lk.capex(h, p) * (1 - lk.sites[s].capex_rebate)
            spent += (units[p] - before) * unit
        if info.spec.capex_budget is None:
            budget = math.inf
            continue
        budget += info.spec.capex_budget
        if spent > budget + 0.01:
            out.append(Breach("capex_budget", info.name, info.name,
                              f"the units the current placements need cost at least "
                              f"{spent:,.2f} in capex up to this period > budgets "
                              f"{budget:,.2f}"))
    return out
