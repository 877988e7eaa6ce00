"""From a solver's values to a schedule, and from a schedule to the plan's periods."""

from __future__ import annotations

from placement import accounting
from placement.accounting import Assignment, Schedule
from placement.candidates import workload_serving
from placement.costs import carried_load
from placement.data import ProblemData
from placement.network import round_trip_ms
from placement.plan import PlanAssignment, PlanCommitment, PlanPeriod, PlanUnits
from placement.result import SolveResult

MONEY_DIGITS = 6


def money(x: float) -> float:
    """Round away float noise (a micro-unit of currency), never a cent."""
    return round(x, MONEY_DIGITS) + 0.0


def number(x: float) -> int | float:
    """Integral floats as ints (months: 3, not 3.0)."""
    return int(x) if float(x).is_integer() else x


def schedule_from(data: ProblemData, r: SolveResult) -> Schedule:
    """Assignments from the chosen candidates (with their pool); units (rented on demand
    plus the committed units serving the period, or owned: existing + bought);
    commitments; spot units."""
    lk = data.lk
    n = data.n_periods
    assignments: list[list[Assignment]] = [[] for _ in range(n)]
    for k in r.chosen:
        c = data.cands[k]
        assignments[c.period].append(
            Assignment(c.workload, c.site, c.hardware, c.variant, c.market)
        )
    units: list[dict[tuple[str, str], int]] = [{} for _ in range(n)]
    bought: list[dict[tuple[str, str], int]] = [{} for _ in range(n)]
    for (s, h, p), u in r.rent.items():
        units[p][(s, h)] = u
    for s, h in data.owned_offers:
        owned = lk.offers[(s, h)].existing_units
        for p in range(n):
            b = r.buy.get((s, h, p), 0)
            owned += b
            if b:
                bought[p][(s, h)] = b
            if owned:
                units[p][(s, h)] = owned
    spot: list[dict[tuple[str, str], int]] = [{} for _ in range(n)]
    for (s, h, p), u in r.spot.items():
        spot[p][(s, h)] = u
    commitments = committed_of(data, r)
    schedule = Schedule(
        [sorted(a) for a in assignments], units, bought, commitments=commitments, spot=spot
    )
    for p in range(n):
        for key, serving in accounting.committed_serving(lk, schedule, p).items():
            units[p][key] = units[p].get(key, 0) + serving
    return schedule


def committed_of(data: ProblemData, r: SolveResult) -> list[dict[tuple[str, str, str], int]]:
    """Units committed per period made, by (site, hardware, commitment)."""
    out: list[dict[tuple[str, str, str], int]] = [{} for _ in range(data.n_periods)]
    for (s, h, j, p), n in sorted(r.commit.items()):
        out[p][(s, h, j)] = n
    return out


def plan_periods(
    data: ProblemData,
    schedule: Schedule,
    per_period: list[dict[str, float]] | None = None,
) -> list[PlanPeriod]:
    """The plan's periods: assignments with load and latency, units, moves, costs, link
    loads (``per_period``: the schedule's ``accounting.period_costs``, if already known)."""
    lk, routes = data.lk, data.routes
    if per_period is None:
        per_period = accounting.period_costs(lk, routes, schedule)
    mv = accounting.moves(lk, schedule)
    loads = accounting.link_loads(lk, routes, schedule)
    tonnes = accounting.emissions(lk, schedule)
    out = []
    for info in lk.periods:
        p = info.index
        rows = []
        for a in schedule.assignments[p]:
            wl = lk.workloads[a.workload]
            route = routes.get(wl.origin, lk.sites[a.site].node_id)
            profile = workload_serving(lk, a.workload, a.variant, a.hardware)
            assert profile is not None  # a candidate's
            rows.append(
                PlanAssignment(
                    workload=a.workload,
                    site=a.site,
                    hardware=a.hardware,
                    variant=a.variant,
                    carried_rps=money(carried_load(lk.demand[a.workload][p], wl.replicas)),
                    latency_ms=money(round_trip_ms(route.latency_ms if route else 0.0,
                                                  profile.latency_ms)),
                    market=a.market,
                )
            )
        units = [
            PlanUnits(site=s, hardware=h, units=n, bought=schedule.bought[p].get((s, h), 0))
            for (s, h), n in sorted(schedule.units[p].items())
            if n > 0
        ] + [
            PlanUnits(site=s, hardware=h, units=n, market="spot")
            for (s, h), n in sorted(schedule.spot_units(p).items())
            if n > 0
        ]
        made = schedule.commitments[p] if schedule.commitments else {}
        commitments = [
            PlanCommitment(site=s, hardware=h, commitment=j, units=n)
            for (s, h, j), n in sorted(made.items())
            if n > 0
        ]
        out.append(
            PlanPeriod(
                name=info.name,
                start_month=number(info.start),
                months=number(info.months),
                assignments=rows,
                units=units,
                moves=mv[p],
                costs={k: money(v) for k, v in per_period[p].items()},
                link_load_mbps={k: money(v) for k, v in loads[p].items()},
                commitments=commitments,
                emissions_t=money(tonnes[p]),
            )
        )
    return out
