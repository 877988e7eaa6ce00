"""A plain pulp transcription of the v1 problem (docs/problem.md, the spec in the
project's own words), written the way a user would write it with pulp from the spec.

The candidates (feasible placements) come from the project's own preparation,
``placement.data.prepare(inst, "plain").cands``, so that this model and the project's
have the same candidate set; every cost coefficient comes from ``placement.costs``.
Everything else is a direct transcription of the spec's constraints with
``pulp.LpVariable.dicts`` and ``pulp.lpSum``: no valid inequalities, no drop columns,
no presolve beyond what ``prepare(..., "plain")`` does.

    python benchmarks/plain_pulp.py example:example [--time-limit 60] [--gap 1e-4]

v1 only: instances using v2 features (commitments, spot, licences, carbon, tiered
egress, model updates) are refused (``NotV1``).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import highspy
import pulp

from placement import costs
from placement.accounting import Assignment, Schedule
from placement.data import ProblemData, prepare
from placement.schema import Instance

Key3 = tuple[str, str, int]


class NotV1(ValueError):
    """The instance uses a v2 feature this transcription does not model."""


@dataclass
class PlainPulp:
    """The pulp problem and its variables (keyed by the domain's ids)."""

    data: ProblemData
    prob: pulp.LpProblem
    x: dict[int, pulp.LpVariable]
    rent: dict[Key3, pulp.LpVariable]
    buy: dict[Key3, pulp.LpVariable]
    active: dict[tuple[str, int], pulp.LpVariable]
    first: dict[tuple[str, int], pulp.LpVariable]
    move: dict[tuple[str, int], pulp.LpVariable]
    owned: dict[Key3, Any] = field(default_factory=dict)  # owned(s,h,p): an expression

    @property
    def n_variables(self) -> int:
        return len(self.prob.variables())

    @property
    def n_rows(self) -> int:
        return int(self.prob.numConstraints())

    def row_counts(self) -> dict[str, int]:
        """Rows per constraint family (the prefix of each row's name)."""
        out: dict[str, int] = defaultdict(int)
        for row in self.prob.constraints():
            out[str(row.name).split("__", 1)[0]] += 1
        return dict(out)


def check_v1(inst: Instance) -> None:
    """Refuse instances with v2 features (NotV1 lists them)."""
    found = []
    for o in inst.offers:
        if o.commitments:
            found.append(f"offer {o.site}/{o.hardware}: commitments")
        if o.spot is not None:
            found.append(f"offer {o.site}/{o.hardware}: spot")
    if inst.policy.carbon_price_per_t > 0:
        found.append("policy.carbon_price_per_t")
    if any(getattr(p, "carbon_cap_t", None) is not None for p in inst.horizon.periods):
        found.append("carbon caps")
    found += [f"hardware {h.id}: license" for h in inst.hardware if h.license_per_month > 0]
    found += [f"model {m.id}: updates" for m in inst.models if m.updates_per_month > 0]
    found += [f"site {s.id}: egress tiers" for s in inst.sites
              if getattr(s, "egress_tiers", None)]
    if found:
        raise NotV1("v2 features: " + "; ".join(found))


def build(inst: Instance, data: ProblemData | None = None) -> PlainPulp:
    """The plain pulp model of ``inst`` (candidates: ``prepare(inst, "plain")``)."""
    check_v1(inst)
    data = prepare(inst, "plain") if data is None else data
    lk, cands = data.lk, data.cands
    n = data.n_periods
    periods = range(n)
    mu = inst.policy.max_utilization
    prob = pulp.LpProblem("plain", pulp.LpMinimize)
    counts: dict[str, int] = defaultdict(int)

    def row(family: str) -> str:
        """A row's name: its family and a running number (ids may clash once pulp has
        replaced the characters it does not allow in names)."""
        counts[family] += 1
        return f"{family}__{counts[family]}"

    # -- variables -------------------------------------------------------------------------
    x = pulp.LpVariable.dicts("x", range(len(cands)), cat=pulp.LpBinary)
    offers = sorted(lk.offers)
    rented_offers = [(s, h) for s, h in offers if not lk.is_owned(h)]
    owned_offers = [(s, h) for s, h in offers if lk.is_owned(h)]
    rent = pulp.LpVariable.dicts(
        "rent", [(s, h, p) for s, h in rented_offers for p in periods], lowBound=0,
        cat=pulp.LpInteger)
    for (s, h, _), var in rent.items():
        var.upBound = lk.offers[(s, h)].max_units
    buy = pulp.LpVariable.dicts(
        "buy", [(s, h, p) for s, h in owned_offers for p in periods if lk.can_buy(h, p)],
        lowBound=0, cat=pulp.LpInteger)
    sites = sorted(lk.sites)
    active = pulp.LpVariable.dicts("active", [(s, p) for s in sites for p in periods],
                                   cat=pulp.LpBinary)
    first = pulp.LpVariable.dicts(
        "first", [(s, p) for s in sites if not lk.sites[s].active_at_start for p in periods],
        cat=pulp.LpBinary)
    workloads = sorted(lk.workloads)
    move_keys = [(w, p) for w in workloads for p in periods
                 if p > 0 or lk.workloads[w].current is not None]
    move = pulp.LpVariable.dicts("move", move_keys, cat=pulp.LpBinary)

    # owned(s,h,p) = existing_units + bought so far (never sold)
    owned: dict[Key3, Any] = {}
    for s, h in owned_offers:
        existing = lk.offers[(s, h)].existing_units
        for p in periods:
            owned[(s, h, p)] = existing + pulp.lpSum(
                buy[(s, h, q)] for q in range(p + 1) if (s, h, q) in buy)

    def units(s: str, h: str, p: int) -> Any:
        return owned[(s, h, p)] if lk.is_owned(h) else rent[(s, h, p)]

    by_wp: dict[tuple[str, int], list[int]] = defaultdict(list)
    by_shp: dict[Key3, list[int]] = defaultdict(list)
    by_wsp: dict[Key3, list[int]] = defaultdict(list)
    by_link: dict[tuple[str, int], list[int]] = defaultdict(list)
    for k, c in enumerate(cands):
        by_wp[(c.workload, c.period)].append(k)
        by_shp[(c.site, c.hardware, c.period)].append(k)
        by_wsp[(c.workload, c.site, c.period)].append(k)
        for link in c.links:
            by_link[(link, c.period)].append(k)

    def y(w: str, s: str, p: int) -> Any:
        """Y(w,s,p): w runs at s in p (0 or 1 with the failure-domain rows)."""
        return pulp.lpSum(x[k] for k in by_wsp.get((w, s, p), []))

    # -- constraints -----------------------------------------------------------------------
    for w in workloads:
        wl = lk.workloads[w]
        for p in periods:
            # assignment: exactly `replicas` placements
            prob += pulp.lpSum(x[k] for k in by_wp.get((w, p), [])) == wl.replicas, \
                row("assign")
            # failure domains: distinct domains, one (hardware, variant) per site
            domains: dict[str, list[str]] = defaultdict(list)
            for s in sites:
                if (w, s, p) in by_wsp:
                    domains[lk.sites[s].domain].append(s)
            for _domain, members in sorted(domains.items()):
                prob += pulp.lpSum(y(w, s, p) for s in members) <= 1, row("domain")

    for s, h in offers:
        for p in periods:
            # capacity: carried_load / rated rps (the candidate's load) <= mu x units
            ks = by_shp.get((s, h, p), [])
            if ks:
                prob += pulp.lpSum(cands[k].load * x[k] for k in ks) <= mu * units(s, h, p), \
                    row("capacity")

    for s, h in owned_offers:
        cap = lk.offers[(s, h)].max_units
        if cap is not None:
            for p in periods:
                prob += owned[(s, h, p)] <= cap, row("unitcap")

    for s in sites:
        kw_cap = lk.sites[s].power_kw
        if kw_cap is None:
            continue
        for p in periods:
            prob += pulp.lpSum(
                costs.kw(1, lk.hardware[h].power_w) * owned[(s, h, p)]
                for s2, h in owned_offers if s2 == s
            ) <= kw_cap, row("power")

    for (link, _p), ks in sorted(by_link.items()):
        cap_mbps = data.routes.bandwidth_mbps.get(link)
        if cap_mbps is None:
            continue
        prob += pulp.lpSum(cands[k].traffic_mbps * x[k] for k in ks) <= cap_mbps, \
            row("bandwidth")

    for s in sites:
        for p in periods:
            # activity: any workload, or any unit, makes the site active
            for w in workloads:
                if (w, s, p) in by_wsp:
                    prob += y(w, s, p) <= active[(s, p)], row("active_w")
            for h in lk.offers_at[s]:
                big_m = data.units_upper(s, h, p)
                prob += units(s, h, p) <= big_m * active[(s, p)], row("active_u")
            # activation: first(s,q) for some q <= p
            if (s, p) in first:
                prob += active[(s, p)] <= pulp.lpSum(first[(s, q)] for q in range(p + 1)), \
                    row("activation")
        if (s, 0) in first:
            prob += pulp.lpSum(first[(s, p)] for p in periods) <= 1, row("activation_once")

    for w, p in move_keys:
        wl = lk.workloads[w]
        if p == 0:
            for s in lk.current_sites(w):
                prob += move[(w, p)] >= 1 - y(w, s, 0), row("move")
        else:
            for s in sorted({cands[k].site for k in by_wp.get((w, p - 1), [])}):
                prob += move[(w, p)] >= y(w, s, p - 1) - y(w, s, p), row("move")
        if lk.periods[p].spec.pilot and wl.criticality != "low":
            prob += move[(w, p)] == 0, row("pilot")

    for info in lk.periods:
        p = info.index
        if info.spec.max_migrations is not None:
            prob += pulp.lpSum(move[(w, q)] for w, q in move_keys if q == p) <= \
                info.spec.max_migrations, row("migrations")
        if info.spec.capex_budget is not None:
            prob += pulp.lpSum(
                costs.capex(1, lk.capex(h, p), lk.sites[s].capex_rebate) * buy[(s, h, p)]
                for s, h in owned_offers if (s, h, p) in buy
            ) <= info.spec.capex_budget, row("capex_budget")

    # -- objective: NPV --------------------------------------------------------------------
    terms: list[Any] = []
    for k, c in enumerate(cands):
        wl, info = lk.workloads[c.workload], lk.periods[c.period]
        d = lk.demand[c.workload][c.period]
        path_cost = sum(data.routes.cost_per_gb[link] for link in c.links)
        flow = costs.egress(d, wl.replicas, wl.load_factor, wl.response_kb,
                            lk.sites[c.site].egress_per_gb, info.months)
        flow += costs.transfer(d, wl.replicas, wl.load_factor, wl.request_kb, wl.response_kb,
                               path_cost, info.months)
        terms.append(info.discount * flow * x[k])
    for (s, h, p), var in rent.items():
        info = lk.periods[p]
        terms.append(info.discount * costs.rented(1, lk.price_per_hour(s, h, p), info.months)
                     * var)
    for s, h in owned_offers:
        hw, site = lk.hardware[h], lk.sites[s]
        for info in lk.periods:
            p = info.index
            per_unit = costs.maintenance(1, hw.maintenance_per_month, info.months) + \
                costs.energy(1, hw.power_w, info.months, site.pue, lk.energy_per_kwh(s, p))
            terms.append(info.discount * per_unit * owned[(s, h, p)])
    for (s, h, p), var in buy.items():
        hw, site, info = lk.hardware[h], lk.sites[s], lk.periods[p]
        assert hw.lifetime_months is not None
        price = lk.capex(h, p)
        terms.append(info.discount * costs.capex(1, price, site.capex_rebate) * var)
        age = lk.horizon_months - info.start
        credit = costs.residual(1, price, site.capex_rebate, age, hw.lifetime_months)
        terms.append(-lk.end_discount * credit * var)
    for (s, p), var in active.items():
        info = lk.periods[p]
        terms.append(info.discount * costs.site_fixed(lk.sites[s].fixed_per_month, info.months)
                     * var)
    for (s, p), var in first.items():
        terms.append(lk.periods[p].discount * lk.sites[s].activation_cost * var)
    for (w, p), var in move.items():
        terms.append(lk.periods[p].discount * lk.workloads[w].migration_cost * var)
    prob += pulp.lpSum(terms)
    return PlainPulp(data, prob, x, rent, buy, active, first, move, owned)


@dataclass
class Outcome:
    """What HiGHS says of the run, read from its own model status and info (pulp reports
    a time-limited run as Optimal)."""

    status: str  # optimal | feasible | infeasible | error (as SolveResult's statuses)
    termination: str  # optimal | time_limit | infeasible | error
    highs_status: str  # HiGHS's own model status
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    schedule: Schedule | None = None
    trace: list[dict[str, Any]] = field(default_factory=list)

    @property
    def has_solution(self) -> bool:
        return self.objective is not None


#: (event, highs seconds, objective, bound, gap): a progress event, constant included
Hook = Callable[[str, float, float | None, float | None, float | None], None]


def solve(model: PlainPulp, time_limit: float | None = None, gap: float = 1e-4,
          threads: int | None = None, hook: Hook | None = None) -> Outcome:
    """Solve with pulp's HiGHS interface and read the outcome honestly."""
    constant = float(model.prob.objective.constant)
    kwargs: dict[str, Any] = {}
    if hook is not None:
        cb = highspy.cb.HighsCallbackType
        improving = cb.kCallbackMipImprovingSolution

        def on(kind: Any, message: str, out: Any, inp: Any, user: Any) -> None:
            hook("incumbent" if kind == improving else "log", float(out.running_time),
                 _shift(_finite(out.mip_primal_bound), constant),
                 _shift(_finite(out.mip_dual_bound), constant), _finite(out.mip_gap))

        kwargs.update(callbackTuple=(on, None),
                      callbacksToActivate=[improving, cb.kCallbackMipLogging])
    solver = pulp.HiGHS(msg=False, timeLimit=time_limit, gapRel=gap, threads=threads,
                        **kwargs)
    t0 = time.perf_counter()
    model.prob.solve(solver)
    seconds = time.perf_counter() - t0
    h: highspy.Highs = model.prob.solverModel
    status = h.getModelStatus()
    info = h.getInfo()
    name = h.modelStatusToString(status)
    S = highspy.HighsModelStatus
    has_primal = info.primal_solution_status == 2  # kSolutionStatusFeasible
    limited = status in (S.kTimeLimit, S.kIterationLimit, S.kInterrupt, S.kSolutionLimit)
    if status == S.kOptimal or (has_primal and limited):
        obj = info.objective_function_value + constant
        bound = _shift(_finite(info.mip_dual_bound), constant)
        kind = "optimal" if status == S.kOptimal else "feasible"
        end = "optimal" if status == S.kOptimal else "time_limit"
        return Outcome(kind, end, name, obj, bound, _rel_gap(obj, bound), seconds,
                       schedule_of(model))
    if status in (S.kInfeasible, S.kUnboundedOrInfeasible):
        return Outcome("infeasible", "infeasible", name, None, None, None, seconds)
    if limited:  # no plan within the limit: an error, with the bound HiGHS proved
        return Outcome("error", "time_limit", name, None,
                       _shift(_finite(info.mip_dual_bound), constant), None, seconds)
    return Outcome("error", "error", name, None, None, None, seconds)


def schedule_of(model: PlainPulp) -> Schedule:
    """The solution as the project's Schedule (for its accounting)."""
    data, lk = model.data, model.data.lk
    n = data.n_periods
    assignments: list[list[Assignment]] = [[] for _ in range(n)]
    for k, var in model.x.items():
        if (var.varValue or 0.0) > 0.5:
            c = data.cands[k]
            assignments[c.period].append(Assignment(c.workload, c.site, c.hardware, c.variant))
    units: list[dict[tuple[str, str], int]] = [{} for _ in range(n)]
    bought: list[dict[tuple[str, str], int]] = [{} for _ in range(n)]
    for (s, h, p), var in model.rent.items():
        u = round(var.varValue or 0.0)
        if u:
            units[p][(s, h)] = u
    for s, h in data.owned_offers:
        owned = lk.offers[(s, h)].existing_units
        for p in range(n):
            var = model.buy.get((s, h, p))
            b = 0 if var is None else round(var.varValue or 0.0)
            owned += b
            if b:
                bought[p][(s, h)] = b
            if owned:
                units[p][(s, h)] = owned
    return Schedule([sorted(a) for a in assignments], units, bought)


def accounted_npv(model: PlainPulp, schedule: Schedule) -> float:
    """The schedule's NPV through the project's accounting."""
    from placement import accounting

    lk = model.data.lk
    per = accounting.period_costs(lk, model.data.routes, schedule)
    return accounting.npv(lk, per, accounting.residual_value(lk, schedule))


def _finite(v: float | None) -> float | None:
    return v if v is not None and math.isfinite(v) else None


def _shift(v: float | None, constant: float) -> float | None:
    return None if v is None else v + constant


def _rel_gap(obj: float, bound: float | None) -> float | None:
    if bound is None:
        return None
    return abs(obj - bound) / max(abs(obj), 1e-9) if obj or bound else 0.0


def main(argv: list[str] | None = None) -> int:
    from placement import load_instance

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("instance")
    ap.add_argument("--time-limit", type=float, default=None)
    ap.add_argument("--gap", type=float, default=1e-4)
    args = ap.parse_args(argv)
    model = build(load_instance(args.instance))
    out = solve(model, args.time_limit, args.gap)
    npv = accounted_npv(model, out.schedule) if out.schedule else None
    print(f"{out.status} ({out.termination}) objective {out.objective} bound {out.bound} "
          f"gap {out.gap} npv {npv} in {out.seconds:.2f} s; "
          f"{model.n_variables} variables, {model.n_rows} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
