"""The plan's tables: cost per period by category, placement per period, units."""

from __future__ import annotations

from placement.costs import CATEGORY_LABELS
from placement.report.model import ReportModel
from placement.report.tables.cells import Table, money
from placement.report.tables.waves import commitment_row
from placement.report.v2plan import committed_after_horizon


def cost_table(model: ReportModel) -> Table:
    plan = model.plan
    cols = ["category", *(p.name for p in plan.periods), "total"]
    rows = []
    for key, label in CATEGORY_LABELS.items():
        vals = [p.costs.get(key, 0.0) for p in plan.periods]
        if any(vals):
            rows.append([label, *(money(v) for v in vals), money(sum(vals))])
    totals = [sum(p.costs.values()) for p in plan.periods]
    rows.append(["total", *(money(v) for v in totals), money(sum(totals))])
    return Table(f"Cost per period by category ({model.currency}, undiscounted)", cols, rows,
                 numeric=set(range(1, len(cols))), id="cost-table")


def placement_table(model: ReportModel) -> Table:
    plan = model.plan
    workloads = sorted({a.workload for p in plan.periods for a in p.assignments})
    rows = []
    for w in workloads:
        row = [w]
        for p in plan.periods:
            where = sorted(f"{a.site} ({a.hardware}, {a.variant}"
                           + (", spot)" if a.market == "spot" else ")")
                           for a in p.assignments if a.workload == w)
            row.append(("→ " if w in p.moves else "") + "; ".join(where))
        rows.append(row)
    return Table("Placement per period (→: moves in that period)",
                 ["workload", *(p.name for p in plan.periods)], rows, id="placement-table")


def units_table(model: ReportModel) -> Table:
    plan = model.plan
    rows = [[k, *(str(v) for v in vals)] for k, vals in model.unit_series.items()]
    return Table("Units per site and hardware (rented, or owned in service)",
                 ["site / hardware", *(p.name for p in plan.periods)], rows,
                 numeric=set(range(1, len(plan.periods) + 1)), id="units-table")


def commitments_table(model: ReportModel) -> Table | None:
    """Every commitment the plan buys: when, what, which term, how many (None: none)."""
    if not model.commitments:
        return None
    after = committed_after_horizon(model.plan)
    return Table("Commitments to buy (at the start of the period)"
                 + (f"; owed after the horizon: {money(after, model.currency)} (undiscounted)"
                    if after else ""),
                 ["period", "site", "hardware", "commitment", "term, months", "ends at month",
                  "units"], [commitment_row(c) for c in model.commitments], numeric={4, 5, 6},
                 id="commitments-table")


def spot_table(model: ReportModel) -> Table | None:
    """Spot units and the workloads on spot, per period (None: no spot used)."""
    if not model.spot:
        return None
    rows = [[s.period,
             "; ".join(f"{site} / {hw}: {n}" for site, hw, n in s.units) or "—",
             "; ".join(f"{w} at {site} ({hw})" for w, site, hw in s.workloads) or "—"]
            for s in model.spot]
    return Table("Spot use per period (interruptible workloads in the spot pool)",
                 ["period", "spot units", "workloads on spot"], rows, id="spot-table")
