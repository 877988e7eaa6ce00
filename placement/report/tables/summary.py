"""The executive summary's key figures and tables: NPV, savings, break-even, the solve;
energy per 1,000 requests; NPV under risk."""

from __future__ import annotations

from placement.report.model import ReportModel
from placement.report.tables.cells import Table, money, num
from placement.result import Status


def key_figures(model: ReportModel) -> list[tuple[str, str, str]]:
    """(label, value, note) of the executive summary."""
    plan, cur = model.plan, model.currency
    b = plan.baseline
    gap = "—" if plan.gap is None else f"{plan.gap:.2%}" if plan.gap >= 1e-4 else f"{plan.gap:.1e}"
    figures = [
        ("NPV of the plan", money(plan.npv, cur), "discounted, residual value credited"),
        ("NPV of staying put", money(b.npv if b else None, cur),
         f"baseline status: {b.status}" if b else "baseline not solved"),
        ("Savings", money(b.savings if b else None, cur), "baseline NPV − plan NPV"),
        ("Break-even month",
         "—" if b is None or b.savings is None else
         (str(b.break_even_month) if b.break_even_month else "none in the horizon"),
         "from then on the plan's cumulative cost stays at or below staying put"),
        ("Solver status", plan.status, f"{plan.solver or 'solver'}, gap {gap}"
         + (f", bound {money(plan.bound, cur)}" if plan.status == Status.FEASIBLE else "")),
    ]
    return figures


def energy_table(model: ReportModel) -> Table | None:
    if model.energy is None:
        return None
    rows = []
    for e in model.energy:
        per = e.kwh_per_1000
        value = "not given" if per is None and e.unknown_units and e.kwh == 0 else num(per)
        if per is None and e.requests <= 0:
            value = "—"
        rows.append([e.kind, num(e.kwh, 4) if e.kwh or not e.unknown_units else "not given",
                     f"{e.requests / 1e6:,.2f}", value, e.note])
    return Table("Energy per 1,000 requests by site kind, over the horizon (method: appendix)",
                 ["site kind", "energy, kWh", "requests, millions", "kWh per 1,000 requests",
                  "note"], rows, numeric={1, 2, 3}, id="energy-table")


def risk_table(model: ReportModel) -> Table | None:
    r = model.risk
    if r is None:
        return None
    cur, lvl = model.currency, f"{r.level:.0%}"
    rows = [["plan", money(r.plan.mean, cur), money(r.plan.p5, cur), money(r.plan.p50, cur),
             money(r.plan.p95, cur), money(r.plan.var, cur), money(r.plan.cvar, cur)]]
    if r.baseline is not None:
        s = r.baseline
        rows.append(["baseline", money(s.mean, cur), money(s.p5, cur), money(s.p50, cur),
                     money(s.p95, cur), money(s.var, cur), money(s.cvar, cur)])
    return Table(f"Risk: NPV over {r.samples} Monte Carlo samples (seed {r.seed})"
                 + (f"; the plan beats staying put in {r.prob_plan_beats_baseline:.0%} of them"
                    if r.prob_plan_beats_baseline is not None else ""),
                 ["", "mean", "P5", "P50", "P95", f"VaR {lvl}", f"CVaR {lvl}"], rows,
                 numeric={1, 2, 3, 4, 5, 6}, id="risk-table")
