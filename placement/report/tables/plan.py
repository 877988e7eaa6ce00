"""The plan's tables: cost per period by category, placement per period, units."""

from __future__ import annotations

from placement.costs import CATEGORY_LABELS
from placement.report.model import ReportModel
from placement.report.tables.cells import Table, money


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
            where = sorted(f"{a.site} ({a.hardware}, {a.variant})"
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
