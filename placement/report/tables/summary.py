"""The executive summary's key figures and tables: NPV, savings, break-even, the solve;
energy per 1,000 requests; NPV under risk."""

from __future__ import annotations

from placement.report.model import ReportModel
from placement.report.tables.cells import Table, check, money, num, tonnes
from placement.report.v2plan import annualized, baseline_over_cap, committed_after_horizon
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
    return _v2_figures(model, figures)


def _v2_figures(model: ReportModel, figures: list[tuple[str, str, str]]
                ) -> list[tuple[str, str, str]]:
    """The v2 key figures, each when the plan has it: the annualised cost beside each NPV,
    commitment payments past the horizon, emissions and the baseline's periods over cap."""
    plan, cur = model.plan, model.currency
    out = list(figures)
    annual, b_annual = annualized(plan, model.instance)
    if annual is not None:
        out.insert(1, ("Annualised cost", money(annual, cur),
                       "NPV × capital recovery factor: the even yearly payment"))
    if b_annual is not None:
        out.insert(out.index(figures[1]) + 1, ("Annualised cost of staying put",
                                               money(b_annual, cur), "baseline NPV × CRF"))
    after = committed_after_horizon(plan)
    if after:
        out.append(("Commitments owed after the horizon", money(after, cur),
                    "undiscounted; in the NPV from the horizon's end"))
    if model.carbon:
        b = plan.baseline
        total = plan.emissions_t if plan.emissions_t is not None else sum(
            c.emissions_t for c in model.carbon)
        out.append(("Emissions", tonnes(total), "CO2e over the horizon"
                    + (f"; staying put {tonnes(b.emissions_t)}"
                       if b is not None and b.emissions_t is not None else "")))
        over = baseline_over_cap(plan)
        if any(c.cap_t is not None for c in model.carbon) and over is not None:
            out.append(("Staying put over the carbon cap", ", ".join(over) or "in no period",
                        "the caps bind the plan, not the baseline"))
    return out


def emissions_table(model: ReportModel) -> Table | None:
    """Emissions per period against the period's cap, the plan's and staying put's (None:
    nothing emits and no cap is set)."""
    if not model.carbon:
        return None
    rows = []
    for c in model.carbon:
        base_over = (c.cap_t is not None and c.baseline_t is not None
                     and c.baseline_t > c.cap_t + 1e-6)
        rows.append([c.period, tonnes(c.emissions_t), tonnes(c.cap_t),
                     check(None if c.cap_t is None else not c.over,
                           "over the cap" if c.over else "within the cap")
                     if c.cap_t is not None else "no cap",
                     tonnes(c.baseline_t),
                     ("over the cap" if base_over else "within the cap")
                     if c.cap_t is not None and c.baseline_t is not None else "—"])
    return Table("Emissions per period against the period's carbon cap (tCO2e)",
                 ["period", "plan", "cap", "plan vs cap", "staying put", "staying put vs cap"],
                 rows, numeric={1, 2, 4}, id="emissions-table")


def energy_table(model: ReportModel) -> Table | None:
    if model.energy is None:
        return None
    rows = []
    for e in model.energy:
        per = e.kwh_per_1000
        value = "not given" if per is None and e.unknown_units and e.kwh == 0 else num(per)
        if per is None and e.requests <= 0:
            value = "—"
        co2e = [tonnes(e.co2e_t), num(e.co2e_g_per_1000, 4)] if model.emits else []
        rows.append([e.kind, num(e.kwh, 4) if e.kwh or not e.unknown_units else "not given",
                     f"{e.requests / 1e6:,.2f}", value, *co2e, e.note])
    co2e_cols = ["CO2e", "g CO2e per 1,000 requests"] if model.emits else []
    return Table(("Energy and CO2e" if model.emits else "Energy")
                 + " per 1,000 requests by site kind, over the horizon (method: appendix)",
                 ["site kind", "energy, kWh", "requests, millions", "kWh per 1,000 requests",
                  *co2e_cols, "note"], rows, numeric=set(range(1, 4 + len(co2e_cols))),
                 id="energy-table")


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
