"""Each migration wave's tables (moves, units, one-time costs, latency, utilisation) and
its acceptance criteria."""

from __future__ import annotations

from placement.costs import CATEGORY_LABELS, ONE_TIME_CATEGORIES
from placement.report.tables.cells import Table, check, money, pct
from placement.report.v2plan import CommitmentBuy
from placement.report.waves import Wave


def moves_table(wave: Wave) -> Table:
    rows = []
    for m in wave.moves:
        rows.append([
            m.workload + (f" ({m.criticality})" if m.criticality else ""),
            "; ".join(str(w) for w in m.before) or "— (new)",
            "; ".join(str(w) for w in m.after),
            "; ".join(str(w) for w in m.before) or "remove the workload",
        ])
    return Table(f"{wave.name}: workloads that move", ["workload", "from", "to",
                                                       "rollback target"], rows)


def unit_changes_table(wave: Wave) -> Table:
    rows = [[u.site, u.hardware + (" (spot)" if u.market == "spot" else ""), u.kind or "—",
             "—" if u.before is None else str(u.before), str(u.after), u.action]
            for u in wave.units]
    before = "before (existing)" if wave.index == 0 else "previous period"
    return Table(f"{wave.name}: units to rent or buy", ["site", "hardware", "kind", before,
                                                        "this period", "action"], rows,
                 numeric={3, 4})


def one_time_table(wave: Wave, currency: str) -> Table:
    rows = [[CATEGORY_LABELS[k], money(wave.one_time.get(k, 0.0), currency)]
            for k in ONE_TIME_CATEGORIES]
    rows.append(["all costs of the period (one-time and recurring)",
                 money(wave.period_cost, currency)])
    return Table(f"{wave.name}: one-time costs", ["cost", "amount"], rows, numeric={1})


def latency_table(wave: Wave) -> Table:
    rows = [[c.workload, c.site, f"{c.latency_ms:,.0f}",
             "—" if c.slo_ms is None else f"{c.slo_ms:,.0f}",
             check(c.ok, "within SLO" if c.ok else "over SLO") if c.ok is not None
             else "SLO needs --instance"]
            for c in wave.latency]
    return Table(f"{wave.name}: latency of each moved workload vs its SLO",
                 ["workload", "site", "latency, ms", "SLO, ms", "check"], rows, numeric={2, 3})


def utilisation_table(wave: Wave) -> Table:
    rows = []
    for c in wave.utilisation:
        u = c.utilisation
        rows.append([c.site, c.hardware + (" (spot)" if c.market == "spot" else ""),
                     str(c.units),
                     "needs --instance" if c.load_units is None else f"{c.load_units:,.3g}",
                     pct(u), pct(c.limit, 0),
                     check(c.ok, "within policy" if c.ok else "over policy") if c.ok is not None
                     else "—",
                     "yes" if c.moved_here else ""])
    return Table(f"{wave.name}: utilisation per site and hardware (carried load / (units × "
                 "rated rps))",
                 ["site", "hardware", "units", "load, units", "utilisation", "max", "check",
                  "receives a move"], rows, numeric={2, 3, 4, 5})


def acceptance(wave: Wave, currency: str) -> list[str]:
    """The criteria to check before the next wave, as sentences."""
    items = []
    if wave.latency:
        bad = [c for c in wave.latency if c.ok is False]
        items.append(check(None if not wave.instance_known else not bad,
                           f"Latency: each moved workload's measured end-to-end latency is "
                           f"within its SLO (plan: {len(wave.latency) - len(bad)} of "
                           f"{len(wave.latency)} placements within)."))
    if wave.utilisation:
        bad_u = [c for c in wave.utilisation if c.ok is False]
        limit = next((c.limit for c in wave.utilisation if c.market != "spot"),
                     wave.utilisation[0].limit)
        spot = any(c.market == "spot" for c in wave.utilisation)
        items.append(check(None if limit is None else not bad_u,
                           "Utilisation: every site and hardware runs at or below "
                           + (f"{limit:.0%} of its rated throughput" if limit is not None
                              else "the policy's max_utilization")
                           + (" (spot units: less their interruption overhead)" if spot else "")
                           + " under the period's peak demand."))
    capex = wave.one_time.get("capex", 0.0)
    if wave.capex_budget is not None:
        items.append(check(capex <= wave.capex_budget + 0.005,
                           f"Cost: capex of {money(capex, currency)} within the period's "
                           f"budget of {money(wave.capex_budget, currency)}."))
    else:
        items.append(f"Cost: the period's spend tracks the plan's "
                     f"{money(wave.period_cost, currency)} (no capex budget set"
                     + ("" if wave.instance_known else " or known without --instance") + ").")
    if wave.max_migrations is not None:
        items.append(check(len(wave.moves) <= wave.max_migrations,
                           f"Moves: {len(wave.moves)} of at most {wave.max_migrations}."))
    if wave.pilot:
        items.append("Pilot: only criticality-low workloads move; confirm them in production "
                     "before the first migration wave.")
    return items


def wave_commitments_table(wave: Wave) -> Table:
    """The commitments bought at the start of the wave: what, which term, how many."""
    return Table(f"{wave.name}: commitments to buy", ["site", "hardware", "commitment",
                                                      "term, months", "ends at month", "units"],
                 [commitment_row(c)[1:] for c in wave.commitments], numeric={3, 4, 5})


def commitment_row(c: CommitmentBuy) -> list[str]:
    """period, site, hardware, commitment, term, end month, units."""
    return [c.period, c.site, c.hardware, c.commitment,
            "—" if c.term_months is None else f"{c.term_months:g}",
            "—" if c.ends_month is None else f"{c.ends_month:g}", str(c.units)]
