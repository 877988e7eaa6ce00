"""The spreadsheet planner's greedy heuristic: the benchmark's yardstick for the MILP's NPV,
and the MILP's optional warm start (``SolveOptions(warm_start=True)``).

Period by period, down the list of workloads (largest carried load first), each workload
goes to its cheapest feasible placement, priced the way a spreadsheet would price it:

    monthly cost of a replica = units' worth needed (load / max_utilization)
                                x (rented: price_per_hour x 730;
                                   owned: capex x (1 - rebate) / lifetime + maintenance
                                          + energy)
                              + its egress and link transfer per month.

Fixed site costs, activation, residual value and discounting are left out of the choice
(they are in the plan's NPV, computed exactly by ``placement.accounting``). Replicas take
the cheapest placements in distinct failure domains. Workloads already placed (current
placement, or last period's) stay first; they move when their sites can no longer carry
them, or when the move pays back its migration cost within the rest of the horizon, the
biggest savings first, as far as the period's max_migrations allow and a pilot does not
freeze them. Capacity caps, lead times, power
caps, bandwidth and capex budgets are respected as the workloads are placed; owned units
are bought as needed and never sold.

The result is a full plan, checked by ``placement.evaluate`` like any other.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

from placement import accounting, costs
from placement.accounting import Assignment, Schedule
from placement.candidates import SPOT, Candidate
from placement.data import ProblemData, prepare
from placement.evaluate import evaluate
from placement.lookup import PeriodInfo
from placement.plan import CumulativeCost, Plan
from placement.result import Status
from placement.schema import Instance
from placement.solution import plan_periods

EPS = 1e-9


@dataclass
class GreedyResult:
    """The greedy plan, its recomputed NPV and what the evaluator found."""

    plan: dict[str, Any]
    npv: float
    violations: list[str]
    seconds: float
    notes: list[str] = field(default_factory=list)  # forced choices (nowhere to go, etc.)


class _State:
    """Units, loads and budgets while one period is being filled."""

    def __init__(self, data: ProblemData, p: int, owned_before: dict[tuple[str, str], int]):
        lk = data.lk
        self.data, self.lk, self.p = data, lk, p
        self.mu = lk.inst.policy.max_utilization
        self.load: dict[tuple[str, str], float] = {}
        self.spot_load: dict[tuple[str, str], float] = {}  # load on spot pools (v2)
        self.link: dict[str, float] = {}
        self.owned = dict(owned_before)
        self.bought: dict[tuple[str, str], int] = {}
        budget = lk.periods[p].spec.capex_budget
        self.budget = math.inf if budget is None else budget
        self.draw: dict[str, float] = {}
        for (s, h), n in self.owned.items():
            self.draw[s] = self.draw.get(s, 0.0) + costs.kw(n, lk.hardware[h].power_w)

    def extra_units(self, c: Candidate, load: float) -> tuple[bool, int]:
        """Whether ``load`` more at (site, hardware) fits; owned units to buy for it."""
        lk, s, h = self.lk, c.site, c.hardware
        if c.market == SPOT:
            room = self.mu * lk.spot_derate(s, h)
            need = math.ceil((self.spot_load.get((s, h), 0.0) + load) / room - EPS)
            return need <= lk.spot_max_units(s, h), 0
        need = math.ceil((self.load.get((s, h), 0.0) + load) / self.mu - EPS)
        offer = lk.offers[(s, h)]
        cap = math.inf if offer.max_units is None else offer.max_units
        if not lk.is_owned(h):
            return need <= cap, 0
        have = self.owned.get((s, h), 0)
        extra = max(0, need - have)
        if extra == 0:
            return True, 0
        hw, site = lk.hardware[h], lk.sites[s]
        if not lk.can_buy(h, self.p) or need > cap:
            return False, 0
        draw = self.draw.get(s, 0.0) + costs.kw(extra, hw.power_w)
        if site.power_kw is not None and draw > site.power_kw + EPS:
            return False, 0
        spend = costs.capex(extra, lk.capex(h, self.p), site.capex_rebate)
        return spend <= self.budget + 0.005, extra

    def fits(self, c: Candidate) -> bool:
        ok, _ = self.extra_units(c, c.load)
        if not ok:
            return False
        bw = self.data.routes.bandwidth_mbps
        return all(
            bw[k] is None or self.link.get(k, 0.0) + c.traffic_mbps <= bw[k] + EPS  # type: ignore[operator]
            for k in c.links
        )

    def place(self, c: Candidate) -> None:
        _, extra = self.extra_units(c, c.load)
        key = (c.site, c.hardware)
        if extra:
            hw, site = self.lk.hardware[c.hardware], self.lk.sites[c.site]
            self.owned[key] = self.owned.get(key, 0) + extra
            self.bought[key] = self.bought.get(key, 0) + extra
            self.budget -= costs.capex(extra, self.lk.capex(c.hardware, self.p), site.capex_rebate)
            self.draw[c.site] = self.draw.get(c.site, 0.0) + costs.kw(extra, hw.power_w)
        pool = self.spot_load if c.market == SPOT else self.load
        pool[key] = pool.get(key, 0.0) + c.load
        for k in c.links:
            self.link[k] = self.link.get(k, 0.0) + c.traffic_mbps

    def unplace(self, c: Candidate) -> None:
        """Take a placement's load back (units bought for it stay bought)."""
        (self.spot_load if c.market == SPOT else self.load)[(c.site, c.hardware)] -= c.load
        for k in c.links:
            self.link[k] -= c.traffic_mbps

    def snapshot(self) -> tuple[dict[Any, Any], ...]:
        return (dict(self.load), dict(self.link), dict(self.owned), dict(self.bought),
                dict(self.draw), {"budget": self.budget}, dict(self.spot_load))

    def restore(self, snap: tuple[dict[Any, Any], ...]) -> None:
        self.load, self.link, self.owned, self.bought, self.draw = (dict(d) for d in snap[:5])
        self.budget = snap[5]["budget"]
        self.spot_load = dict(snap[6])

    def spot_units(self) -> dict[tuple[str, str], int]:
        """Spot units that carry the spot load, at mu x (1 - interruption overhead) each."""
        return {
            k: math.ceil(v / (self.mu * self.lk.spot_derate(*k)) - EPS)
            for k, v in self.spot_load.items()
            if v > EPS
        }

    def units(self) -> dict[tuple[str, str], int]:
        out = {
            k: math.ceil(v / self.mu - EPS)
            for k, v in self.load.items()
            if not self.lk.is_owned(k[1]) and v > EPS
        }
        out.update({k: n for k, n in self.owned.items() if n > 0})
        return out


def monthly_cost(data: ProblemData, c: Candidate) -> float:
    """The spreadsheet's price of a replica per month (amortised capex for owned units)."""
    lk = data.lk
    wl, site, hw = lk.workloads[c.workload], lk.sites[c.site], lk.hardware[c.hardware]
    units = c.load / lk.inst.policy.max_utilization
    spot_price = lk.spot_price_per_hour(c.site, c.hardware, c.period)
    if c.market == SPOT and spot_price is not None:
        units /= lk.spot_derate(c.site, c.hardware)
        unit = costs.rented(1, spot_price, 1)
    elif hw.kind == "rented":
        unit = costs.rented(1, lk.price_per_hour(c.site, c.hardware, c.period), 1)
    else:
        capex = lk.capex(c.hardware, c.period)
        unit = (
            costs.capex(1, capex, site.capex_rebate) / (hw.lifetime_months or 1.0)
            + costs.maintenance(1, hw.maintenance_per_month, 1)
            + costs.energy(1, hw.power_w, 1, site.pue, lk.energy_per_kwh(c.site, c.period))
        )
    d = lk.demand[c.workload][c.period]
    route = data.routes.get(wl.origin, site.node_id)
    path_cost = data.routes.path_cost_per_gb(route) if route else 0.0
    traffic = costs.egress(
        d, wl.replicas, wl.load_factor, wl.response_kb, site.egress_per_gb, 1
    ) + costs.transfer(d, wl.replicas, wl.load_factor, wl.request_kb, wl.response_kb,
                       path_cost, 1)
    return units * unit + traffic


def _pick(data: ProblemData, state: _State, cands: list[Candidate], replicas: int,
          sites: list[str] | None = None) -> list[Candidate] | None:
    """Place the cheapest feasible placements in distinct failure domains (only at ``sites``
    when given); None, with the state untouched, when there are not enough."""
    lk = data.lk
    snap = state.snapshot()
    chosen: list[Candidate] = []
    domains: set[str] = set()
    for c in cands:
        dom = lk.sites[c.site].domain
        if dom in domains or (sites is not None and c.site not in sites):
            continue
        if state.fits(c):
            chosen.append(c)
            domains.add(dom)
            state.place(c)
            if len(chosen) == replicas:
                return chosen
    state.restore(snap)
    return None


@dataclass
class _Period:
    """One period being filled: its state, each workload's candidates (cheapest first),
    the order of the workloads (largest load first), the placements chosen so far, and
    the migrations it still allows."""

    data: ProblemData
    info: PeriodInfo
    state: _State
    cands: dict[str, list[Candidate]]
    order: list[str]
    moves_left: float
    chosen: dict[str, list[Candidate]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.info.name

    def frozen(self, w: str) -> bool:
        """A pilot period does not move a workload of high criticality."""
        return self.info.spec.pilot and self.data.lk.workloads[w].criticality == "high"

    def replicas(self, w: str) -> int:
        return self.data.lk.workloads[w].replicas


def greedy_schedule(data: ProblemData) -> tuple[Schedule, list[str]]:
    """The greedy schedule of ``data`` and notes on forced choices.

    Per period, as a spreadsheet user would: (1) every workload already placed stays where
    it is (the cheapest hardware and variant at its sites), largest first; (2) those that
    no longer fit there move, using the period's migrations first; (3) new workloads go to
    their cheapest placement; (4) the remaining migrations go to the moves that save the
    most, each only if it pays back its migration cost before the horizon's end.
    """
    lk = data.lk
    notes: list[str] = []
    owned = {k: lk.offers[k].existing_units for k in data.owned_offers}
    prev: dict[str, list[str]] = {w: lk.current_sites(w) for w in lk.workloads}
    assignments: list[list[Assignment]] = []
    units: list[dict[tuple[str, str], int]] = []
    bought: list[dict[tuple[str, str], int]] = []
    spot: list[dict[tuple[str, str], int]] = []
    for info in lk.periods:
        period = _start_period(data, info, owned)
        _stay(period, prev)
        _place_the_rest(period, prev, notes)
        _optional_moves(period, prev)
        rows: list[Assignment] = []
        for w in period.order:
            prev[w] = [c.site for c in period.chosen[w]]
            rows += [Assignment(c.workload, c.site, c.hardware, c.variant, c.market)
                     for c in period.chosen[w]]
        assignments.append(sorted(rows))
        units.append(period.state.units())
        spot.append(period.state.spot_units())
        bought.append({k: b for k, b in period.state.bought.items() if b > 0})
        owned = {k: period.state.owned.get(k, 0) for k in data.owned_offers}
    return Schedule(assignments, units, bought, spot=spot), notes


def _start_period(data: ProblemData, info: PeriodInfo, owned: dict[tuple[str, str], int]
                  ) -> _Period:
    """A period with nothing placed yet, the units owned so far carried in."""
    lk, p = data.lk, info.index
    cap = info.spec.max_migrations
    cands = {
        w: sorted((data.cands[i] for i in data.by_wp.get((w, p), [])),
                  key=lambda c: (monthly_cost(data, c), c.site, c.hardware, c.variant))
        for w in lk.workloads
    }
    order = sorted(lk.workloads, key=lambda w: (-max((c.load for c in cands[w]),
                                                      default=0.0), w))
    return _Period(data, info, _State(data, p, owned), cands, order,
                   math.inf if cap is None else cap)


def _stay(period: _Period, prev: dict[str, list[str]]) -> None:
    """(1) Every workload placed last period stays at its sites when they can carry it."""
    for w in period.order:
        if prev[w]:
            stay = _pick(period.data, period.state, period.cands[w], period.replicas(w), prev[w])
            if stay is not None:
                period.chosen[w] = stay


def _place_the_rest(period: _Period, prev: dict[str, list[str]], notes: list[str]) -> None:
    """(2) Forced moves and (3) new workloads: the cheapest placements that fit, or, with
    a note, the cheapest ones regardless when none do."""
    state = period.state
    for w in period.order:
        if w in period.chosen:
            continue
        best = _pick(period.data, state, period.cands[w], period.replicas(w))
        if best is None:
            notes.append(f"period {period.name}: no room left for '{w}'")
            best = period.cands[w][: period.replicas(w)]
            for c in best:
                state.place(c)
        if prev[w]:
            if period.frozen(w) or period.moves_left <= 0:
                notes.append(f"period {period.name}: '{w}' must move but may not")
            period.moves_left -= 1
        period.chosen[w] = best


def _optional_moves(period: _Period, prev: dict[str, list[str]]) -> None:
    """(4) The moves that may save money, the largest saving first, each taken only when
    it saves and (a migration) pays back its cost before the horizon's end."""
    data = period.data
    offers = []
    for w in period.order:
        if (not prev[w] or period.frozen(w)
                or not set(prev[w]) <= {c.site for c in period.chosen[w]}):
            continue
        cost_now = sum(monthly_cost(data, c) for c in period.chosen[w])
        first = period.cands[w][0] if period.cands[w] else None
        if first is not None and period.replicas(w) == 1:
            gain = cost_now - monthly_cost(data, first)
        else:
            gain = cost_now  # replicas: try it (the exact saving is checked below)
        if gain > EPS:
            offers.append((-gain, w))
    for _, w in sorted(offers):
        _try_move(period, w, prev[w])


def _try_move(period: _Period, w: str, before: list[str]) -> None:
    """Move ``w`` to its cheapest placements that fit if that is worth it; else leave it."""
    data, state = period.data, period.state
    wl = data.lk.workloads[w]
    remaining = data.lk.horizon_months - period.info.start
    snap = state.snapshot()
    stay = period.chosen[w]
    for c in stay:
        state.unplace(c)
    best = _pick(data, state, period.cands[w], wl.replicas)
    if best is None:
        state.restore(snap)
        return
    saving = (sum(monthly_cost(data, c) for c in stay)
              - sum(monthly_cost(data, c) for c in best))
    moved = bool(set(before) - {c.site for c in best})
    worth = saving > EPS and (
        not moved or (period.moves_left > 0 and saving * remaining > wl.migration_cost + EPS))
    if not worth:
        state.restore(snap)
        return
    period.chosen[w] = best
    if moved:
        period.moves_left -= 1


def start_candidates(data: ProblemData) -> list[int]:
    """The candidates (indices into ``data.cands``) the greedy schedule uses: a MILP start.

    Its forced choices (nowhere to go) may make it infeasible; the solver then drops or
    repairs it, so a start never changes the optimum, only how soon a plan is at hand.
    """
    schedule, _notes = greedy_schedule(data)
    used = {
        (a.workload, a.site, a.hardware, a.variant, a.market, p)
        for p, rows in enumerate(schedule.assignments)
        for a in rows
    }
    return [
        k
        for k, c in enumerate(data.cands)
        if (c.workload, c.site, c.hardware, c.variant, c.market, c.period) in used
    ]


def greedy(inst: Instance) -> GreedyResult:
    """The greedy plan of ``inst``, its NPV (placement.accounting) and its violations
    (placement.evaluate)."""
    start = time.perf_counter()
    data = prepare(inst)
    schedule, notes = greedy_schedule(data)
    plan = plan_from_schedule(data, schedule, solver="greedy")
    seconds = time.perf_counter() - start
    ev = evaluate(inst, plan)
    return GreedyResult(plan, float(plan["npv"]), ev.violations, seconds, notes)


def plan_from_schedule(data: ProblemData, schedule: Schedule, solver: str = "") -> dict[str, Any]:
    """A plan (JSON mapping) of a schedule, every figure from ``placement.accounting``."""
    lk = data.lk
    per_period = accounting.period_costs(lk, data.routes, schedule)
    residual = accounting.residual_value(lk, schedule)
    npv = accounting.npv(lk, per_period, residual)
    plan = Plan(
        instance=lk.inst.name,
        currency=lk.inst.currency,
        status=Status.FEASIBLE,
        solver=solver,
        periods=plan_periods(data, schedule),
        residual_value=round(residual, 6),
        npv=round(npv, 6),
        cumulative_cost=CumulativeCost(
            plan=[round(v, 6) for v in accounting.cumulative_by_month(lk, per_period)],
            baseline=None,
        ),
    )
    return plan.to_dict()
