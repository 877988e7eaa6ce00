"""The elastic mode (``placement.analysis.repair``): the relaxed copy of an instance and
its relaxable limits (``relaxed``), and the ``build`` extra that puts one normalised slack
on each limit and minimises their sum (``ElasticExtra``)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from placement import costs
from placement.analysis.repair.models import Family
from placement.milp.variables import Milp
from placement.schema import Instance
from placement.schema.base import MAX_COUNT, MAX_NUMBER
from placement.validate import validate

NO_SLO = 1e9  # the relaxed copy's latency SLO: no filter


@dataclass
class Limits:
    """The relaxable limits of the original instance."""

    max_units: dict[tuple[str, str], int] = field(default_factory=dict)
    bandwidth: dict[str, float] = field(default_factory=dict)
    power_kw: dict[str, float] = field(default_factory=dict)
    max_migrations: dict[int, int] = field(default_factory=dict)
    capex_budget: dict[int, float] = field(default_factory=dict)
    slo: dict[str, float] = field(default_factory=dict)


def _key(a: str, b: str) -> str:
    return "|".join(sorted((a, b)))


def relaxed(inst: Instance, drop: set[str] | None = None) -> tuple[Instance, Limits]:
    """The relaxed copy (see the module doc), without the workloads in ``drop``."""
    lim = Limits()
    doc = inst.model_dump()
    for o in doc["offers"]:
        if o["max_units"] is not None:
            lim.max_units[(o["site"], o["hardware"])] = o["max_units"]
            o["max_units"] = None
    for link in doc["network"]["links"]:
        if link["bandwidth_mbps"] is not None:
            lim.bandwidth[_key(link["a"], link["b"])] = link["bandwidth_mbps"]
            link["bandwidth_mbps"] = None
    for s in doc["sites"]:
        if s["power_kw"] is not None:
            lim.power_kw[s["id"]] = s["power_kw"]
            s["power_kw"] = None
    for i, p in enumerate(doc["horizon"]["periods"]):
        if p["max_migrations"] is not None:
            lim.max_migrations[i] = p["max_migrations"]
        if p["capex_budget"] is not None:
            lim.capex_budget[i] = p["capex_budget"]
    doc["workloads"] = [w for w in doc["workloads"] if w["id"] not in (drop or set())]
    for w in doc["workloads"]:
        lim.slo[w["id"]] = w["latency_slo_ms"]
        w["latency_slo_ms"] = NO_SLO
    return validate(doc), lim


@dataclass
class Slack:
    family: Family
    target: str  # offer "s/h", link key, site, period index as str, workload
    col: int  # the slack divided by ``scale`` (what the objective sums)
    scale: float
    current: float
    rows: list[tuple[int, int]] = field(default_factory=list)  # (period, row) it relaxes


#: The solver's own row families that repair relaxes, with the instance field's family
#: and how a row's key names the relaxed limit's target and period.
_RELAXED_FAMILIES: tuple[tuple[str, Family, Any, Any], ...] = (
    ("bw", "bandwidth", lambda key: key[0], lambda key: key[1]),
    ("max_mig", "max_migrations", lambda key: key, lambda key: key),
    ("capex_budget", "capex_budget", lambda key: key, lambda key: key),
)


@dataclass
class ElasticExtra:
    """A ``build`` extra for the relaxed copy: slacks on the solver's own rows for
    bandwidth, migrations and capex budgets (``Model.relax``), rows of its own for the
    limits that the tight formulation also turns into bounds or candidate rules
    (``max_units`` and ``power_kw`` bound the units; the latency SLO is a candidate rule),
    and the objective: the sum of the normalised slacks. After the build, ``slacks`` holds
    them (read their values from the solve's ``values``) and ``model`` the model."""

    limits: Limits
    slacks: list[Slack] = field(default_factory=list)
    model: Any = field(default=None, repr=False)  # the model it was added to

    def _scales(self, m: Milp) -> dict[Family, dict[Any, tuple[str, float, float]]]:
        """Per family, per target key: (target name, scale, current limit)."""
        lk, lim = m.data.lk, self.limits
        unit_capex = [
            lk.capex(h, q) * (1 - lk.sites[s].capex_rebate)
            for s, h in m.data.owned_offers
            for q in range(len(lk.periods))
        ]
        capex_floor = max(min((c for c in unit_capex if c > 0), default=1.0), 1.0)
        return {
            "bandwidth": {k: (k, bw, bw) for k, bw in lim.bandwidth.items()},
            "power": {s: (s, max(kw, 1.0), kw) for s, kw in lim.power_kw.items()},
            "max_migrations": {
                p: (str(p), max(cap, 1), cap) for p, cap in lim.max_migrations.items()
            },
            "capex_budget": {
                p: (str(p), max(b, capex_floor), b) for p, b in lim.capex_budget.items()
            },
            "capacity": {
                (s, h): (f"{s}/{h}", max(cap, 1), cap) for (s, h), cap in lim.max_units.items()
            },
            "latency": {w: (w, max(slo, 1.0), slo) for w, slo in lim.slo.items()},
        }

    def __call__(self, m: Milp) -> None:
        self.model = m
        scales = self._scales(m)
        self._add_unit_caps(m)
        self._add_power_caps(m)
        self._add_latency_rows(m)
        relaxed = (("unit_cap", "capacity", lambda key: key[:2], lambda key: key[2]),
                   _RELAXED_FAMILIES[0],
                   ("power_cap", "power", lambda key: key[0], lambda key: key[1]),
                   *_RELAXED_FAMILIES[1:],
                   ("latency", "latency", lambda key: key[0], lambda key: key[1]))
        for row_family, family, target_of, period_of in relaxed:
            table = scales[family]
            groups = {target_of(k) for k in m.keys_in(row_family)} & set(table)
            if not groups:
                continue
            # the relaxed value must stay one an instance may state (rounded up, words.describe)
            most = MAX_COUNT if family in ("capacity", "max_migrations") else MAX_NUMBER
            scale = {g: float(table[g][1]) for g in groups}
            upper = {g: max(0.0, math.floor(most - table[g][2])) / scale[g] for g in groups}
            def group(key: Any, f: Any = target_of, t: Any = table) -> Any:
                return f(key) if f(key) in t else None

            cols = m.relax(row_family, group, scale, upper, block="elastic")
            for g in (g for g in sorted(table) if g in cols):
                name, sc, current = table[g]
                sl = Slack(family, name, cols[g], sc, current)
                sl.rows = [(period_of(k), m.row(row_family, k)) for k in m.keys_in(row_family)
                           if target_of(k) == g]
                self.slacks.append(sl)
        m.set_objective({sl.col: 1.0 for sl in self.slacks}, 0.0)

    def _add_unit_caps(self, m: Milp) -> None:
        """units(s,h,p) <= max_units(s,h) for every p the offer has units in (owned: every
        period, once it can buy: units never fall, so the last binds, and every period over
        is reported); family ``unit_cap``, key (s, h, p)."""
        data = m.data
        for (s, h), cap in sorted(self.limits.max_units.items()):
            if (s, h) not in data.lk.offers:
                continue
            if data.lk.is_owned(h):
                buys = any((s, h, p) in m.buy for p in range(data.n_periods))
                periods = list(range(data.n_periods)) if buys else []
            else:
                periods = [p for p in range(data.n_periods) if (s, h, p) in m.rent]
            for p in periods:
                terms, existing = m.units_terms(s, h, p)
                m.add_row(terms, "<=", cap - existing, "unit_cap", (s, h, p))

    def _add_power_caps(self, m: Milp) -> None:
        """sum_h owned(s,h,p) x power_w / 1000 <= power_kw(s) for every p, at sites that can
        buy hardware that draws power; family ``power_cap``, key (s, p)."""
        data, lk = m.data, m.data.lk
        for site, cap in sorted(self.limits.power_kw.items()):
            owned = [h for s2, h in data.owned_offers if s2 == site and lk.hardware[h].power_w > 0]
            if not any((site, h, p) in m.buy for h in owned for p in range(data.n_periods)):
                continue
            for p in range(data.n_periods):
                draw, base = [], 0.0
                for h in owned:
                    kw = costs.kw(1, lk.hardware[h].power_w)
                    buys, existing = m.units_terms(site, h, p)
                    draw += [(col, kw * c) for col, c in buys]
                    base += existing * kw
                m.add_row(draw, "<=", cap - base, "power_cap", (site, p))

    def _add_latency_rows(self, m: Milp) -> None:
        """(latency_k - slo_w) x_k <= 0 for every candidate k over its workload's SLO (made
        elastic: the slack is the SLO's increase); family ``latency``, key (w, p, k)."""
        data, slo = m.data, self.limits.slo
        for k, c in enumerate(data.cands):
            if c.latency_ms > slo[c.workload] + 1e-9:
                excess = c.latency_ms - slo[c.workload]
                m.add_row([(m.x[k], excess)], "<=", 0.0, "latency", (c.workload, c.period, k))
