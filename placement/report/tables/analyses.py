"""The tables of analysis results: scenarios, sensitivity, thresholds, Pareto front, the
sampled distributions, and risk-neutral vs risk-averse plan (with what it says)."""

from __future__ import annotations

from placement.analysis.results import (
    ParetoResult,
    RiskResult,
    ScenariosResult,
    SensitivityResult,
    ThresholdsResult,
)
from placement.analysis.risk import RiskAverseResult, placements_of
from placement.plan import Plan
from placement.report.tables.cells import Table, money, num


def scenarios_table(r: ScenariosResult, currency: str) -> Table:
    rows = []
    for s in r.rows:
        mult = ", ".join(f"{k} ×{v:g}" for k, v in sorted(s.multipliers.items()))
        over = ", ".join(s.overrides)
        rows.append([s.name + (" (reference)" if s.name == r.reference else ""),
                     "; ".join(x for x in (mult, over) if x) or "as in the instance", s.status,
                     money(s.npv, currency), money(s.baseline_npv, currency),
                     money(s.savings, currency),
                     "—" if s.break_even_month is None else str(s.break_even_month),
                     ", ".join(s.differs_from_reference) or "—"])
    return Table("Scenarios", ["scenario", "assumptions", "status", "plan NPV", "baseline NPV",
                               "savings", "break-even month", "placed differently"], rows,
                 numeric={3, 4, 5, 6})


def tornado_table(r: SensitivityResult, currency: str) -> Table:
    rows = []
    for t in r.rows:
        rows.append([t.parameter, f"×{t.low:g}", money(t.npv_low, currency),
                     "yes" if t.changes_low else "no", f"×{t.high:g}",
                     money(t.npv_high, currency), "yes" if t.changes_high else "no"])
    return Table(f"Sensitivity: NPV at ±{r.delta:.0%} (base {money(r.base_npv, currency)})",
                 ["parameter", "low", "NPV low", "placement changes", "high", "NPV high",
                  "placement changes"], rows, numeric={2, 5})


def thresholds_table(r: ThresholdsResult) -> Table:
    rows = [[t.parameter, t.direction,
             "not in range" if t.threshold is None else f"×{t.threshold:.4g}",
             f"×{t.searched[0]:g} – ×{t.searched[1]:g}", f"{t.tolerance:g}", str(t.solves),
             t.change or "—"] for t in r.rows]
    return Table("Decision thresholds", ["parameter", "direction", "threshold", "searched",
                                         "tolerance", "solves", "what changes"], rows,
                 numeric={5})


def pareto_table(r: ParetoResult, currency: str) -> Table:
    x = "mean latency, ms" if r.versus == "latency" else "energy, kWh"
    rows = [[money(p.npv, currency),
             num(p.mean_latency_ms if r.versus == "latency" else p.energy_kwh, 4), p.status]
            for p in r.points]
    return Table(f"Pareto front: NPV vs {r.versus}", ["NPV", x, "status"], rows,
                 numeric={0, 1})


def risk_distributions_table(r: RiskResult | RiskAverseResult) -> Table:
    rows = []
    for key, dist in sorted(r.distributions.items()):
        params = ", ".join(f"{k} {v}" for k, v in sorted(dist.items()) if k != "type")
        rows.append([key, str(dist.get("type", "—")), params])
    return Table("Risk: the sampled multipliers", ["multiplier", "distribution", "parameters"],
                 rows)


def risk_averse_table(r: RiskAverseResult, currency: str) -> Table:
    """The risk-neutral and the risk-averse plan side by side: in sample (the MILP's K
    scenarios) and out of sample (the Monte Carlo draws)."""
    lvl = f"{r.level:.0%}"
    rows = []
    for p in (r.neutral, r.averse):
        mc = p.monte_carlo
        rows.append([p.label, p.status, money(p.npv, currency), money(p.expected_npv, currency),
                     money(p.cvar, currency), money(p.objective, currency),
                     money(mc.mean if mc else None, currency),
                     money(mc.p5 if mc else None, currency),
                     money(mc.p95 if mc else None, currency),
                     money(mc.cvar if mc else None, currency),
                     f"{p.samples_over_headroom:,}" if mc else "—"])
    return Table(f"Risk-neutral vs risk-averse plan: weight {r.weight:g} on CVaR {lvl} over "
                 f"{r.scenarios} scenarios (seed {r.seed}); out of sample {r.samples:,} draws",
                 ["plan", "status", "NPV today", f"E[NPV], {r.scenarios} scenarios",
                  f"CVaR {lvl}, {r.scenarios} scenarios", "objective", "MC mean", "MC P5",
                  "MC P95", f"MC CVaR {lvl}", "draws over headroom"], rows,
                 numeric={2, 3, 4, 5, 6, 7, 8, 9, 10}, id="risk-averse-table")


def risk_averse_differences_table(r: RiskAverseResult) -> Table:
    rows = []
    for d in r.differences:
        period, _, what = d.partition(": ")
        rows.append([period, what] if what else ["", d])
    return Table("Placements that differ (risk-neutral → risk-averse)",
                 ["period", "workload: risk-neutral → risk-averse"], rows)


def _same(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= 0.01


def risk_averse_notes(r: RiskAverseResult, plan: Plan) -> list[str]:
    """What the comparison says, in sentences, and which of the two plans this report shows."""
    n, a = r.neutral, r.averse
    notes = []
    if n.npv is None or a.npv is None:
        notes.append("No comparison: " + " and ".join(
            f"the {p.label} plan has status '{p.status}'" for p in (n, a) if p.npv is None)
            + ".")
    elif not r.differences:
        notes.append("Both recommendations place every workload alike: hedging against the "
                     f"worst {1 - r.level:.0%} of scenarios does not change the plan.")
    elif _same(n.npv, a.npv) and _same(n.expected_npv, a.expected_npv) and _same(n.cvar, a.cvar):
        notes.append("Both plans cost the same today and in every scenario: the placements "
                     "that differ are ties between equally good placements, not a hedge.")
    elif a.cvar is not None and n.cvar is not None and a.npv is not None:
        cur, dn, dc = plan.currency, a.npv - n.npv, n.cvar - a.cvar
        notes.append(f"The risk-averse plan costs {money(abs(dn), cur)} "
                     f"{'more' if dn >= 0 else 'less'} at today's figures and "
                     f"{'lowers' if dc >= 0 else 'raises'} the CVaR over the scenarios by "
                     f"{money(abs(dc), cur)}.")
    for p in (n, a):
        if p.monte_carlo is not None and p.samples_over_headroom:
            notes.append(f"{p.samples_over_headroom:,} of the {r.samples:,} draws ask for more "
                         f"demand than the {p.label} plan's units carry: its Monte Carlo "
                         "figures are lower bounds there (it would need more units).")
    if plan.has_solution and n.placements and a.placements:
        mine = placements_of(plan)
        which = [p.label for p in (n, a) if p.placements == mine]
        if len(which) == 2:
            notes.append("The plan of this report places every workload as both of them.")
        elif which:
            notes.append(f"The plan of this report is the {which[0]} one.")
        else:
            notes.append("The plan of this report is neither of them (its placements differ "
                         "from both).")
    return notes
