"""Infeasibility repair: the smallest relaxations of an instance's limits that let it solve.

**Elastic mode.** A relaxed copy of the instance drops the limits that may be relaxed —
offers' ``max_units``, links' ``bandwidth_mbps``, sites' ``power_kw``, periods'
``capex_budget`` and ``max_migrations`` (kept as a no-op limit so that move indicators
exist), and workloads' latency SLOs (no SLO filter at all: every placement that the other
rules allow becomes a candidate). Its MILP (``placement.milp.build``) gets an extra with
one non-negative slack per limit of the original instance and the rows::

    capacity   units(s,h,p) <= max_units(s,h) + sigma_sh            every p (owned: the last)
    bandwidth  sum_k traffic_k x_k over link e in p <= bandwidth(e) + sigma_e     every p
    power      sum_h owned(s,h,p) x power_w / 1000 <= power_kw(s) + sigma_s        every p
    migrations sum_w move(w,p) <= max_migrations(p) + sigma_p
    capex      sum bought x capex x (1 - rebate) in p <= capex_budget(p) + sigma_p
    latency    sigma_w >= (latency_k - slo_w) x x_k   for every candidate k over its SLO

and the objective  minimise  sum sigma / scale,  each slack normalised by its limit (so a
relaxation is measured relative to what it relaxes; floors for zero limits: 1 unit, 1 kW,
1 migration, one unit's net capex, 1 ms). A slack is per instance field, so each one is
one edit of the instance; the periods where it binds are reported with it.

**Report.** Each non-zero slack becomes a :class:`Relaxation` in words ("raise link
users-berlin|berlin-edge to 640 Mbps in wave-1"), with its ``--set`` override
(``links[berlin-edge|users-berlin].bandwidth_mbps=640``), rounded up (units, migrations:
whole; Mbps: whole from 10 up; kW, ms: to 1e-3; money: whole units). The overrides are
applied to the instance (``placement.analysis.overrides``) and the result solved, to check
that it is feasible.

Workloads that have no candidate even in the relaxed copy fail rules that cannot be
relaxed (residency, memory, quality, kind, profile, connectivity, lead time) and are
reported as such (:class:`Unrepairable`); the elastic mode then runs without them, to
report what else would be needed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from placement import costs
from placement.analysis.overrides import apply_overrides
from placement.api import load_instance
from placement.api import solve as solve_instance
from placement.data import ProblemData, prepare
from placement.diagnose import frozen_in_pilot, short_of_candidates
from placement.errors import InstanceError
from placement.milp.variables import Milp
from placement.pipeline import solve_data
from placement.result import Status
from placement.schema import Instance
from placement.schema.base import MAX_COUNT, MAX_NUMBER
from placement.schema.options import SolveOptions
from placement.validate import validate

Family = Literal["capacity", "bandwidth", "power", "max_migrations", "capex_budget", "latency"]
NO_SLO = 1e9  # the relaxed copy's latency SLO: no filter


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Relaxation(_Out):
    family: Family
    target: str = Field(description="offer SITE/HW, link A|B, site, period or workload id.")
    field: str = Field(description="The instance field to change.")
    current: float
    suggested: float = Field(description="The new value (rounded up).")
    increase: float = Field(description="suggested - current.")
    penalty: float = Field(description="The slack normalised by its scale, as minimised.")
    periods: list[str] = Field(description="Periods in which the limit binds.")
    override: str = Field(description="The change as a --set PATH=VALUE override.")
    message: str


class Unrepairable(_Out):
    workload: str
    period: str | None
    message: str
    rules: list[str]


class RepairResult(_Out):
    kind: Literal["repair"] = "repair"
    instance: str
    status: Literal["feasible", "repaired", "unrepairable", "error"] = Field(
        description="feasible: nothing to relax; repaired: relaxations found (and checked); "
        "unrepairable: rules that cannot be relaxed exclude a workload, or no relaxation "
        "helps; error: the elastic solve failed.")
    message: str
    relaxations: list[Relaxation] = Field(default_factory=list)
    unrepairable: list[Unrepairable] = Field(default_factory=list)
    penalty: float | None = Field(None, description="Total normalised relaxation.")
    elastic_status: str | None = None
    verified: bool | None = Field(
        None, description="The instance with the relaxations applied solves (None: not run).")
    repaired_status: str | None = None
    repaired_npv: float | None = None


# --------------------------------------------------------------------------- limits


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


# --------------------------------------------------------------------------- the elastic extra


@dataclass
class _Slack:
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
    slacks: list[_Slack] = field(default_factory=list)
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
            # the relaxed value must stay one an instance may state (rounded up, _describe)
            most = MAX_COUNT if family in ("capacity", "max_migrations") else MAX_NUMBER
            scale = {g: float(table[g][1]) for g in groups}
            upper = {g: max(0.0, math.floor(most - table[g][2])) / scale[g] for g in groups}
            def group(key: Any, f: Any = target_of, t: Any = table) -> Any:
                return f(key) if f(key) in t else None

            cols = m.relax(row_family, group, scale, upper, block="elastic")
            for g in (g for g in sorted(table) if g in cols):
                name, sc, current = table[g]
                sl = _Slack(family, name, cols[g], sc, current)
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


# --------------------------------------------------------------------------- rounding & words


def _num(x: float) -> str:
    """A number for messages and overrides: integral floats without '.0'."""
    return str(int(x)) if float(x).is_integer() else f"{x:.10g}"


def _money(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def _up(x: float, digits: int) -> float:
    f = 10.0**digits
    return math.ceil(x * f - 1e-6) / f


def _periods(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _binding(m: Milp, sl: _Slack, x: np.ndarray) -> list[int]:
    """The periods in which a row that ``sl`` relaxes is over its limit at ``x``."""
    tol = 1e-6 * max(1.0, sl.scale)
    return sorted({p for p, r in sl.rows if m.activity(r, x) > m.row_bounds(r)[1] + tol})


def _describe(sl: _Slack, value: float, binding: list[int], data: ProblemData
              ) -> Relaxation | None:
    lk = data.lk
    names = [p.name for p in lk.periods]
    tol = 1e-6 * max(1.0, sl.scale)
    if value <= tol:
        return None
    where = [names[p] for p in binding]
    when = f" in {_periods(where)}" if where else ""
    cur = sl.current
    if sl.family == "capacity":
        new = cur + math.ceil(value - 1e-6)
        return _rel(sl, "max_units", new, value, where,
                    f"offers[{sl.target}].max_units={_num(new)}",
                    f"raise max_units of offer {sl.target} from {_num(cur)} to {_num(new)}{when}")
    if sl.family == "bandwidth":
        need = cur + value
        new = math.ceil(need - 1e-6) if need >= 10 else _up(need, 3)
        return _rel(sl, "bandwidth_mbps", new, value, where,
                    f"links[{sl.target}].bandwidth_mbps={_num(new)}",
                    f"raise link {sl.target} to {_num(new)} Mbps{when} (from {_num(cur)} Mbps)")
    if sl.family == "power":
        new = _up(cur + value, 3)
        return _rel(sl, "power_kw", new, value, where,
                    f"sites[{sl.target}].power_kw={_num(new)}",
                    f"raise power_kw of site {sl.target} from {_num(cur)} to {_num(new)} kW"
                    f"{when}")
    if sl.family == "max_migrations":
        p = int(sl.target)
        more = math.ceil(value - 1e-6)
        new = cur + more
        return _rel(sl, "max_migrations", new, value, [names[p]],
                    f"periods[{names[p]}].max_migrations={_num(new)}",
                    f"allow {more} more migration{'s' if more != 1 else ''} in {names[p]} "
                    f"(max_migrations {_num(cur)} → {_num(new)})")
    if sl.family == "capex_budget":
        p = int(sl.target)
        extra = float(math.ceil(value - 1e-6))
        new = cur + extra
        return _rel(sl, "capex_budget", new, value, [names[p]],
                    f"periods[{names[p]}].capex_budget={_num(new)}",
                    f"raise capex_budget of {names[p]} by {_money(extra)} "
                    f"({_money(cur)} → {_money(new)})")
    ms = _up(value, 3)
    new = cur + ms
    return _rel(sl, "latency_slo_ms", new, value, where,
                f"workloads[{sl.target}].latency_slo_ms={_num(new)}",
                f"allow {sl.target} {_num(ms)} ms more{when} "
                f"(latency_slo_ms {_num(cur)} → {_num(new)})")


def _rel(sl: _Slack, fld: str, new: float, value: float, where: list[str], override: str,
         message: str) -> Relaxation:
    return Relaxation(
        family=sl.family, target=sl.target if sl.family not in ("max_migrations", "capex_budget")
        else where[0], field=fld, current=sl.current, suggested=new,
        increase=round(new - sl.current, 9) + 0.0, penalty=round(value / sl.scale, 9) + 0.0,
        periods=where, override=override, message=message,
    )


# --------------------------------------------------------------------------- repair


def _unrepairable(data: ProblemData) -> list[Unrepairable]:
    out = []
    for d in short_of_candidates(data) + frozen_in_pilot(data):
        assert d.workload is not None
        rules = sorted({str(e["rule"]) for e in d.exclusions})
        out.append(Unrepairable(workload=d.workload, period=d.period, message=d.message,
                                rules=rules))
    return out


def repair(
    instance: Instance | str | dict[str, Any], options: SolveOptions | None = None
) -> RepairResult:
    """The smallest (normalised) relaxations of the relaxable limits that make the instance
    feasible, checked by solving the instance with them applied. Raises InstanceError for
    a bad instance."""
    inst = load_instance(instance)
    options = (options or SolveOptions()).model_copy(update={"baseline": False})
    rinst, _ = relaxed(inst)
    rdata = prepare(rinst, options.formulation)
    blocked = _unrepairable(rdata)
    drop = {u.workload for u in blocked}
    if drop:
        if len(drop) == len(inst.workloads):
            return RepairResult(
                instance=inst.name, status="unrepairable", unrepairable=blocked,
                message="no workload can be placed, whatever the relaxable limits: "
                        "rules that cannot be relaxed exclude every candidate")
        rinst, _ = relaxed(inst, drop)
        rdata = prepare(rinst, options.formulation)
    _, limits = relaxed(inst, drop)
    # the candidates and bounds without the caps, the solver's bandwidth rows with them
    rdata.routes = replace(rdata.routes, bandwidth_mbps={**rdata.routes.bandwidth_mbps,
                                                         **limits.bandwidth})
    extra = ElasticExtra(limits)
    r = solve_data(rdata, options, extras=(extra,)).result
    m = extra.model
    if not r.has_solution:
        if r.status == Status.INFEASIBLE:
            return RepairResult(
                instance=inst.name, status="unrepairable", unrepairable=blocked,
                elastic_status=r.status,
                message="no relaxation of capacity caps, bandwidth, power, max_migrations, "
                        "capex budgets or latency SLOs makes the instance feasible (rules that "
                        "cannot be relaxed: pilot periods, lead times, failure domains; a "
                        f"relaxed amount stays at most {MAX_NUMBER:g} and a relaxed count at "
                        f"most {MAX_COUNT:,}, the instance format's bounds)")
        return RepairResult(instance=inst.name, status="error", unrepairable=blocked,
                            elastic_status=r.status,
                            message=f"the elastic solve ended {r.status}: {r.message}")
    relaxations = []
    total = 0.0
    for sl in extra.slacks:
        assert r.values is not None
        value = float(r.values[sl.col]) * sl.scale
        rel = _describe(sl, value, _binding(m, sl, r.values), rdata)
        if rel is not None:
            relaxations.append(rel)
            total += rel.penalty
    if drop:
        names = ", ".join(sorted(drop))
        msg = (f"{names} cannot be placed whatever the relaxable limits"
               + ("; besides, the other workloads need the relaxations listed"
                  if relaxations else ""))
        return RepairResult(instance=inst.name, status="unrepairable", message=msg,
                            relaxations=relaxations, unrepairable=blocked,
                            penalty=round(total, 9) + 0.0, elastic_status=r.status)
    if not relaxations:  # checked like a repair: the instance itself solves
        plan = solve_instance(inst, options)
        if not plan.has_solution:
            return RepairResult(
                instance=inst.name, status="error", penalty=0.0, elastic_status=r.status,
                verified=False, repaired_status=plan.status,
                message="the elastic model needs no relaxation, but the instance itself is "
                        f"{plan.status}" + (f": {plan.message}" if plan.message else ""))
        return RepairResult(instance=inst.name, status="feasible", penalty=0.0,
                            elastic_status=r.status, verified=True, repaired_status=plan.status,
                            repaired_npv=plan.npv,
                            message="the instance is feasible as it is: nothing to relax "
                                    "(checked: it solves)")
    try:
        fixed = apply_overrides(inst, [x.override for x in relaxations])
    except InstanceError as exc:  # the slacks are bounded so that this should not happen
        return RepairResult(instance=inst.name, status="error", relaxations=relaxations,
                            penalty=round(total, 9) + 0.0, elastic_status=r.status,
                            verified=False,
                            message=f"the relaxations found cannot be applied to the instance, "
                                    f"so they are not checked: {exc}")
    plan = solve_instance(fixed, options)
    ok = plan.has_solution
    n = len(relaxations)
    msg = (f"{n} relaxation{'s' if n != 1 else ''} make{'s' if n == 1 else ''} the instance "
           + ("feasible (checked: the relaxed instance solves)" if ok
              else f"feasible in the elastic model, but the relaxed instance is {plan.status}"))
    return RepairResult(
        instance=inst.name, status="repaired", message=msg, relaxations=relaxations,
        penalty=round(total, 9) + 0.0, elastic_status=r.status, verified=ok,
        repaired_status=plan.status, repaired_npv=plan.npv,
    )


__all__ = ["ElasticExtra", "Limits", "Relaxation", "RepairResult", "Unrepairable", "relaxed",
           "repair"]
