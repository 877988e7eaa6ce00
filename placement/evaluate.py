"""The independent evaluator: checks every constraint of a plan against its instance and
recomputes every cost, without the MILP. ``placement check`` and the tests use it.

Strict: every number of the plan must be finite (else PlanFormatError, with its path);
every list shaped as the instance says (the instance's periods in order with their
``start_month`` and ``months``, one units row per offer, one row per assignment, every
cost category and link once); the status consistent with the plan (an ``optimal`` plan
within the gap it was solved with, ``options.gap``, and its bound; a plan with a solution
lists periods; one without lists none); and every figure the plan states (costs, totals,
residual value, NPV, objective, cumulative costs, carried rps, latencies, link loads,
commitments and their payments, committed_after_horizon, annualized_npv, emissions,
the baseline's, its over_carbon_cap) equal to the recomputed one; spot units within their
pools and emissions within every carbon cap.

An ``infeasible`` plan states no plan to check: the evaluator confirms the claim when a
workload has too few candidates in a period (a proof), contradicts it with the greedy
heuristic's plan when that plan meets every rule, and otherwise says in ``notes`` that
the claim is not verified (only a solve can prove it).

Tolerances: money to a cent (plus 1e-9 relative), loads and traffic 1e-6.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from placement import accounting, costs
from placement.accounting import Assignment, Schedule
from placement.candidates import SPOT, static_failures, workload_serving
from placement.lookup import Lookup
from placement.network import Routes, compute_routes, round_trip_ms
from placement.plan import BaselineResult, Plan, PlanPeriod, parse_plan
from placement.result import Status, has_solution
from placement.schema import Instance
from placement.solve_claims import (
    CENT,
    check_claims,
    check_no_solution,
    judge_infeasible,
    solved_gap,
)

EPS = 1e-6


def _given(figures: dict[str, float], cat: str) -> float | None:
    """A plan's figure of category ``cat``; a v2 category a plan leaves out is 0 (a plan
    written before v2, or by a v1 tool: the spec's "0 when unused")."""
    if cat not in figures and cat in costs.V2_CATEGORIES:
        return 0.0
    return figures.get(cat)


def _money_differs(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is not b
    return abs(a - b) > CENT + 1e-9 * max(abs(a), abs(b))


@dataclass
class Evaluation:
    """What the evaluator found: violations (empty = valid), the recomputed figures, and
    notes (what it could not verify, or how it verified an infeasible plan)."""

    violations: list[str] = field(default_factory=list)
    costs: list[dict[str, float]] = field(default_factory=list)
    residual_value: float | None = None
    npv: float | None = None
    baseline_npv: float | None = None
    committed_after_horizon: float | None = None
    annualized_npv: float | None = None
    cumulative_plan: list[float] = field(default_factory=list)
    cumulative_baseline: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations


def evaluate(instance: Instance | Any, plan: Plan | dict[str, Any]) -> Evaluation:
    """Check ``plan`` against ``instance``; raises PlanFormatError if it is not a plan
    (including a number that is NaN, infinite or out of range, with its path)."""
    from placement.api import load_instance

    inst = load_instance(instance)
    plan = parse_plan(plan)
    lk, routes = Lookup(inst), compute_routes(inst)
    ev = Evaluation()
    out = ev.violations
    if plan.instance != inst.name:
        out.append(f"instance: plan is for '{plan.instance}', not '{inst.name}'")
    tol = solved_gap(plan, out)
    check_claims("", plan.status, plan.termination, plan.objective, plan.bound, plan.gap, tol,
                  out)
    if not plan.has_solution:
        check_no_solution("", plan.status, plan.periods, plan.npv, out)
        if plan.status == Status.INFEASIBLE and not out:
            judge_infeasible(inst, out, ev.notes)
        elif plan.status == Status.ERROR:
            ev.notes.append("the plan has status 'error': it states no plan to verify")
        return ev
    if not plan.periods:
        out.append(f"periods: a '{plan.status}' plan must list the horizon's periods")
        return ev
    schedule = _schedule(lk, plan.periods, "periods", out)
    if schedule is None:
        return ev
    ev.costs, ev.residual_value, ev.npv = _check_schedule(
        lk, routes, plan.periods, schedule, "periods", out
    )
    _check_carbon(lk, plan, schedule, out)
    if _money_differs(plan.residual_value, ev.residual_value):
        out.append(f"residual_value: {plan.residual_value} != recomputed {ev.residual_value:.2f}")
    if _money_differs(plan.npv, ev.npv):
        out.append(f"npv: {plan.npv} != recomputed {ev.npv:.2f}")
    ev.committed_after_horizon = accounting.committed_after_horizon(lk, schedule)
    ev.annualized_npv = accounting.annualized_npv(lk, ev.npv)
    _check_v2_totals("", plan.committed_after_horizon, plan.annualized_npv,
                     ev.committed_after_horizon, ev.annualized_npv, out)
    if plan.objective is not None and _money_differs(plan.objective, ev.npv):
        out.append(f"objective: {plan.objective} != recomputed npv {ev.npv:.2f}")
    _check_totals(plan.totals, ev.costs, out)
    ev.cumulative_plan = accounting.cumulative_by_month(lk, ev.costs)
    _check_cumulative(
        plan.cumulative_cost.plan if plan.cumulative_cost else None,
        ev.cumulative_plan,
        "cumulative_cost.plan",
        out,
    )
    _check_baseline(lk, routes, plan, ev, tol)
    return ev


# --------------------------------------------------------------------------- the schedule


def _schedule(lk: Lookup, periods: list[PlanPeriod], where: str, out: list[str]) -> Schedule | None:
    if [p.name for p in periods] != [i.name for i in lk.periods]:
        out.append(f"{where}: names {[p.name for p in periods]} differ from the horizon's "
                   f"{[i.name for i in lk.periods]}")
        return None
    for info, period in zip(lk.periods, periods, strict=True):
        path = f"{where}[{info.index}]"
        if abs(period.months - info.months) > 1e-9:
            out.append(f"{path}.months: {period.months} != the instance's {info.months:g}")
        if abs(period.start_month - info.start) > 1e-9:
            out.append(f"{path}.start_month: {period.start_month} != the instance's "
                       f"{info.start:g}")
    assignments, units, bought, spot = [], [], [], []
    commitments: list[dict[accounting.Commit, int]] = []
    for i, period in enumerate(periods):
        rows = []
        _no_repeats(
            [(a.workload, a.site, a.hardware, a.variant) for a in period.assignments],
            f"{where}[{i}].assignments", out,
        )
        _no_repeats(
            [(u.site, u.hardware, u.market) for u in period.units], f"{where}[{i}].units", out
        )
        for j, a in enumerate(period.assignments):
            path = f"{where}[{i}].assignments[{j}]"
            if (
                a.workload not in lk.workloads
                or a.site not in lk.sites
                or a.hardware not in lk.hardware
            ):
                out.append(f"{path}: unknown workload, site or hardware")
            elif (lk.workloads[a.workload].model, a.variant) not in lk.variants:
                out.append(f"{path}: unknown variant '{a.variant}'")
            else:
                rows.append(Assignment(a.workload, a.site, a.hardware, a.variant, a.market))
        assignments.append(sorted(rows))
        own = [u for u in period.units if u.market != SPOT]
        units.append({(u.site, u.hardware): u.units for u in own})
        bought.append({(u.site, u.hardware): u.bought for u in own if u.bought})
        spot.append({(u.site, u.hardware): u.units for u in period.units if u.market == SPOT})
        commitments.append(_commitments(lk, period, f"{where}[{i}].commitments", out))
        for j, u in enumerate(period.units):
            if u.market == SPOT and u.bought:
                out.append(f"{where}[{i}].units[{j}]: spot units cannot be bought")
        for j, u in enumerate(period.units):
            if (u.site, u.hardware) not in lk.offers:
                out.append(f"{where}[{i}].units[{j}]: no offer of '{u.hardware}' at '{u.site}'")
                return None
    return Schedule(assignments, units, bought, commitments, spot)


def _commitments(
    lk: Lookup, period: PlanPeriod, where: str, out: list[str]
) -> dict[accounting.Commit, int]:
    """A period's commitments by (site, hardware, commitment): each of a commitment on
    offer at a rented offer, listed once, with units >= 0 (a bad row is left out)."""
    rows = period.commitments
    _no_repeats([(c.site, c.hardware, c.commitment) for c in rows], where, out)
    made: dict[accounting.Commit, int] = {}
    for j, c in enumerate(rows):
        if c.commitment not in lk.commitments.get((c.site, c.hardware), {}):
            out.append(f"{where}[{j}]: no commitment '{c.commitment}' on offer of "
                       f"'{c.hardware}' at '{c.site}'")
        elif c.units < 0:
            out.append(f"{where}[{j}]: negative units {c.units}")
        else:
            made[(c.site, c.hardware, c.commitment)] = c.units
    return made


def _check_commitments(lk: Lookup, sch: Schedule, where: str, out: list[str]) -> None:
    """Units in service at a rented offer include the committed units serving the period
    (units[].units = on demand + committed), so they are at least those."""
    for info in lk.periods:
        p = info.index
        for (s, h), serving in sorted(accounting.committed_serving(lk, sch, p).items()):
            n = sch.units[p].get((s, h), 0)
            if n < serving:
                out.append(f"{where}[{p}]: {s}/{h} lists {n} units in service, fewer than the "
                           f"{serving} committed units serving the period")


def _check_v2_totals(
    where: str,
    after: float | None,
    annualized: float | None,
    want_after: float,
    want_annualized: float,
    out: list[str],
) -> None:
    """``committed_after_horizon`` (left out: 0, as a plan without commitments says) and
    ``annualized_npv`` (left out: not checked; a plan written before v2)."""
    if _money_differs(0.0 if after is None else after, want_after):
        out.append(f"{where}committed_after_horizon: {after} != recomputed {want_after:.2f}")
    if annualized is not None and _money_differs(annualized, want_annualized):
        out.append(f"{where}annualized_npv: {annualized} != recomputed {want_annualized:.2f}")


def _no_repeats(keys: list[tuple[str, ...]], where: str, out: list[str]) -> None:
    """A row listed more than once (one row per key) is a violation."""
    seen: dict[tuple[str, ...], int] = {}
    for j, key in enumerate(keys):
        if key in seen:
            out.append(f"{where}[{j}]: {'/'.join(key)} listed twice (also [{seen[key]}])")
        else:
            seen[key] = j


def _check_schedule(
    lk: Lookup,
    routes: Routes,
    periods: list[PlanPeriod],
    sch: Schedule,
    where: str,
    out: list[str],
) -> tuple[list[dict[str, float]], float, float]:
    """Every constraint family, then every cost; returns (costs, residual, npv)."""
    _check_assignments(lk, routes, periods, sch, where, out)
    _check_units(lk, sch, where, out)
    _check_commitments(lk, sch, where, out)
    mv = accounting.moves(lk, sch)
    loads = accounting.link_loads(lk, routes, sch)
    per_period = accounting.period_costs(lk, routes, sch)
    for info in lk.periods:
        p, path = info.index, f"{where}[{info.index}]"
        if sorted(periods[p].moves) != mv[p]:
            out.append(f"{path}.moves: {sorted(periods[p].moves)} != recomputed {mv[p]}")
        cap = info.spec.max_migrations
        if cap is not None and len(mv[p]) > cap:
            out.append(f"{path}: {len(mv[p])} moves exceed max_migrations {cap}")
        if info.spec.pilot:
            high = [w for w in mv[p] if lk.workloads[w].criticality == "high"]
            if high:
                out.append(f"{path}: criticality-high workloads {high} move in a pilot period")
        for key in sorted(set(periods[p].link_load_mbps) - set(loads[p])):
            out.append(f"{path}.link_load_mbps[{key}]: not a link of the instance")
        for cat in sorted(set(periods[p].costs) - set(costs.COST_CATEGORIES)):
            out.append(f"{path}.costs.{cat}: not a cost category")
        for key, load in loads[p].items():
            bw = routes.bandwidth_mbps[key]
            if bw is not None and load > bw + EPS:
                out.append(f"{path}: link {key} carries {load:.6g} Mbps > bandwidth {bw:g}")
            given = periods[p].link_load_mbps.get(key)
            if given is None or abs(given - load) > EPS:
                out.append(f"{path}.link_load_mbps[{key}]: {given} != recomputed {load:.6g}")
        for cat in costs.COST_CATEGORIES:
            given_cost = _given(periods[p].costs, cat)
            if _money_differs(given_cost, per_period[p][cat]):
                out.append(
                    f"{path}.costs.{cat}: {given_cost} != recomputed {per_period[p][cat]:.2f}"
                )
    residual = accounting.residual_value(lk, sch)
    after = accounting.committed_after_horizon(lk, sch)
    return per_period, residual, accounting.npv(lk, per_period, residual, after)


def _check_carbon(lk: Lookup, plan: Plan, sch: Schedule, out: list[str]) -> None:
    """The plan's emissions per period and in total, within every carbon_cap_t."""
    tonnes = _check_emissions(lk, plan.periods, sch, "periods", out)
    if _tonnes_differ(plan.emissions_t, sum(tonnes)):
        out.append(f"emissions_t: {plan.emissions_t} != recomputed {sum(tonnes):.6f}")
    for name in accounting.over_carbon_cap(lk.inst.horizon.periods, tonnes):
        i = next(info.index for info in lk.periods if info.name == name)
        out.append(
            f"periods[{i}]: emissions {tonnes[i]:.6g} t exceed carbon_cap_t "
            f"{lk.periods[i].spec.carbon_cap_t:g}"
        )


def _check_baseline_carbon(lk: Lookup, b: BaselineResult, sch: Schedule, out: list[str]) -> None:
    """The baseline's emissions and ``over_carbon_cap`` (it is solved without caps)."""
    tonnes = _check_emissions(lk, b.periods, sch, "baseline.periods", out)
    if _tonnes_differ(b.emissions_t, sum(tonnes)):
        out.append(f"baseline.emissions_t: {b.emissions_t} != recomputed {sum(tonnes):.6f}")
    over = accounting.over_carbon_cap(lk.inst.horizon.periods, tonnes)
    if (b.over_carbon_cap or []) != over:
        out.append(f"baseline.over_carbon_cap: {b.over_carbon_cap} != recomputed {over}")


def _check_assignments(
    lk: Lookup,
    routes: Routes,
    periods: list[PlanPeriod],
    sch: Schedule,
    where: str,
    out: list[str],
) -> None:
    mu = lk.inst.policy.max_utilization
    for info in lk.periods:
        p, path = info.index, f"{where}[{info.index}]"
        used: dict[tuple[str, str, str], float] = {}
        by_w: dict[str, list[Assignment]] = {}
        for a in sch.assignments[p]:
            by_w.setdefault(a.workload, []).append(a)
        for w in sorted(lk.workloads):
            wl, rows = lk.workloads[w], by_w.get(w, [])
            if len(rows) != wl.replicas:
                out.append(
                    f"{path}: workload '{w}' has {len(rows)} placements, needs {wl.replicas}"
                )
            domains = [lk.sites[a.site].domain for a in rows]
            if len(set(domains)) != len(domains):
                out.append(f"{path}: workload '{w}' has replicas sharing a site or failure domain")
        for a, given in zip(
            sch.assignments[p], sorted(periods[p].assignments, key=_akey), strict=False
        ):
            wl = lk.workloads[a.workload]
            fails = static_failures(lk, routes, a.workload, a.site, a.hardware, a.variant)
            if fails:
                out.append(
                    f"{path}: {a.workload} at {a.site}/{a.hardware}/{a.variant} breaks "
                    + "; ".join(f"{r}: {d}" for r, d in fails)
                )
                continue
            carried = costs.carried_load(lk.demand[a.workload][p], wl.replicas)
            profile = workload_serving(lk, a.workload, a.variant, a.hardware)
            assert profile is not None  # else static_failures names the rule `profile`
            if a.market == SPOT and not lk.spot_pool(a.site, a.hardware, a.workload):
                out.append(
                    f"{path}: {a.workload} at {a.site}/{a.hardware} is on spot, but "
                    + ("the offer has no spot" if lk.offers[(a.site, a.hardware)].spot is None
                       else "the workload is not interruptible")
                )
            pool = (a.site, a.hardware, a.market)
            used[pool] = used.get(pool, 0.0) + carried / profile.rps
            route = routes.get(wl.origin, lk.sites[a.site].node_id)
            latency = round_trip_ms(route.latency_ms if route else 0.0, profile.latency_ms)
            if abs(given.carried_rps - carried) > EPS or abs(given.latency_ms - latency) > EPS:
                out.append(
                    f"{path}: {a.workload} at {a.site}: carried_rps/latency_ms "
                    f"{given.carried_rps}/{given.latency_ms} != {carried:.6g}/{latency:.6g}"
                )
        for (s, h, market), load in sorted(used.items()):
            if market == SPOT:
                units = sch.spot_units(p).get((s, h), 0)
                room = mu * lk.spot_derate(s, h)
                if load > units * room + EPS:
                    out.append(
                        f"{path}: {s}/{h} carries {load:.6g} units' worth on {units} spot "
                        f"units at {room:g} of rated load each (max_utilization {mu:g} x "
                        "(1 - interruption_overhead))"
                    )
                continue
            units = sch.units[p].get((s, h), 0)
            if load > units * mu + EPS:
                out.append(
                    f"{path}: {s}/{h} carries {load:.6g} units' worth on {units} units "
                    f"at max_utilization {mu:g}"
                )


def _akey(a: Any) -> tuple[str, str, str, str, str]:
    return (a.workload, a.site, a.hardware, a.variant, a.market)


def _check_units(lk: Lookup, sch: Schedule, where: str, out: list[str]) -> None:
    for (s, h), offer in sorted(lk.offers.items()):
        owned = offer.existing_units
        for info in lk.periods:
            p, path = info.index, f"{where}[{info.index}]"
            n, b = sch.units[p].get((s, h), 0), sch.bought[p].get((s, h), 0)
            if n < 0 or b < 0:
                out.append(f"{path}: negative units at {s}/{h}")
            if offer.max_units is not None and n > offer.max_units:
                out.append(f"{path}: {n} units of {h} at {s} exceed max_units {offer.max_units}")
            if not lk.is_owned(h):
                if b:
                    out.append(f"{path}: rented {h} at {s} cannot be bought")
                continue
            if b and not lk.can_buy(h, p):
                out.append(f"{path}: {h} bought at {s} before its lead time")
            owned += b
            if n != owned:
                out.append(f"{path}: {s}/{h} lists {n} owned units; existing + bought = {owned}")
    _check_spot_units(lk, sch, where, out)
    for s, site in sorted(lk.sites.items()):
        if site.power_kw is None:
            continue
        for info in lk.periods:
            draw = sum(
                costs.kw(n, lk.hardware[h].power_w)
                for (s2, h), n in sch.units[info.index].items()
                if s2 == s and lk.is_owned(h)
            )
            if draw > site.power_kw + EPS:
                out.append(
                    f"{where}[{info.index}]: {s} draws {draw:g} kW > power_kw {site.power_kw:g}"
                )
    for info in lk.periods:
        budget = info.spec.capex_budget
        spend = sum(
            costs.capex(b, lk.capex(h, info.index), lk.sites[s].capex_rebate)
            for (s, h), b in sch.bought[info.index].items()
        )
        if budget is not None and spend > budget + CENT:
            out.append(f"{where}[{info.index}]: capex {spend:.2f} exceeds capex_budget {budget:g}")


def _check_spot_units(lk: Lookup, sch: Schedule, where: str, out: list[str]) -> None:
    """Spot units only where the offer has spot, within spot.max_units."""
    for info in lk.periods:
        for (s, h), n in sorted(sch.spot_units(info.index).items()):
            path = f"{where}[{info.index}]"
            if (s, h) not in lk.offers or lk.offers[(s, h)].spot is None:
                out.append(f"{path}: spot units of {h} at {s}, an offer without spot")
            elif n < 0 or n > lk.spot_max_units(s, h):
                out.append(f"{path}: {n} spot units of {h} at {s} outside [0, spot.max_units]")


def _check_emissions(
    lk: Lookup, periods: list[PlanPeriod], sch: Schedule, where: str, out: list[str]
) -> list[float]:
    """Each period's ``emissions_t`` equals the recomputed one (a plan may leave it out
    only when it is 0); the recomputed emissions."""
    tonnes = accounting.emissions(lk, sch)
    for info in lk.periods:
        given = periods[info.index].emissions_t
        want = tonnes[info.index]
        if _tonnes_differ(given, want):
            out.append(f"{where}[{info.index}].emissions_t: {given} != recomputed {want:.6f}")
    return tonnes


def _tonnes_differ(given: float | None, want: float) -> bool:
    """A stated total of emissions (None: left out, then it must be 0) differs."""
    return abs((0.0 if given is None else given) - want) > EPS + 1e-9 * abs(want)


def _check_totals(given: dict[str, float], per_period: list[dict[str, float]],
                  out: list[str]) -> None:
    """``totals`` (an extra: may be left out) is every category's sum over the periods."""
    if not given:
        return
    for cat in sorted(set(given) - set(costs.COST_CATEGORIES)):
        out.append(f"totals.{cat}: not a cost category")
    for cat in costs.COST_CATEGORIES:
        want = sum(c[cat] for c in per_period)
        if _money_differs(_given(given, cat), want):
            out.append(f"totals.{cat}: {given.get(cat)} != recomputed {want:.2f}")


def _check_cumulative(
    given: list[float] | None, want: list[float], where: str, out: list[str]
) -> None:
    if given is None or len(given) != len(want):
        out.append(f"{where}: expected {len(want)} monthly values")
        return
    for k, (g, w) in enumerate(zip(given, want, strict=True)):
        if _money_differs(g, w):
            out.append(f"{where}[{k}] (month {k + 1}): {g} != recomputed {w:.2f}")
            return


def _check_baseline(lk: Lookup, routes: Routes, plan: Plan, ev: Evaluation, tol: float) -> None:
    b = plan.baseline
    out = ev.violations
    if b is not None:
        check_claims("baseline.", b.status, "", b.objective,
                      b.bound, b.gap, tol, out)
    if b is None or not has_solution(b.status):
        if b is not None and (b.savings is not None or b.break_even_month is not None):
            out.append(
                "baseline: savings and break_even_month must be null when the baseline has no plan"
            )
        if b is not None:
            check_no_solution("baseline.", b.status, b.periods, b.npv, out)
        return
    if not b.periods:
        out.append(f"baseline.periods: a '{b.status}' baseline must list the horizon's periods")
        return
    sch = _schedule(lk, b.periods, "baseline.periods", out)
    if sch is None:
        return
    for info in lk.periods:
        for w, wl in sorted(lk.workloads.items()):
            if wl.current is None:
                continue
            want = sorted(
                Assignment(w, c.site, c.hardware, c.variant, c.market) for c in wl.current
            )
            got = [a for a in sch.assignments[info.index] if a.workload == w]
            if got != want:
                out.append(f"baseline.periods[{info.index}]: '{w}' is not at its current placement")
    per_period, _, ev.baseline_npv = _check_schedule(
        lk, routes, b.periods, sch, "baseline.periods", out
    )
    _check_baseline_carbon(lk, b, sch, out)
    if _money_differs(b.npv, ev.baseline_npv):
        out.append(f"baseline.npv: {b.npv} != recomputed {ev.baseline_npv:.2f}")
    if b.objective is not None and _money_differs(b.objective, ev.baseline_npv):
        out.append(f"baseline.objective: {b.objective} != recomputed npv {ev.baseline_npv:.2f}")
    _check_v2_totals("baseline.", b.committed_after_horizon, b.annualized_npv,
                     accounting.committed_after_horizon(lk, sch),
                     accounting.annualized_npv(lk, ev.baseline_npv), out)
    assert ev.npv is not None
    if _money_differs(b.savings, ev.baseline_npv - ev.npv):
        out.append(f"baseline.savings: {b.savings} != {ev.baseline_npv - ev.npv:.2f}")
    ev.cumulative_baseline = accounting.cumulative_by_month(lk, per_period)
    _check_cumulative(
        plan.cumulative_cost.baseline if plan.cumulative_cost else None,
        ev.cumulative_baseline,
        "cumulative_cost.baseline",
        out,
    )
    be = accounting.break_even_month(ev.cumulative_plan, ev.cumulative_baseline)
    if b.break_even_month != be:
        out.append(f"baseline.break_even_month: {b.break_even_month} != recomputed {be}")
