"""The report's tables and key figures as plain text cells, shared by HTML and Markdown.

A cell that starts with ``✓`` or ``✗`` is an acceptance check (passed / failed); the
HTML renderer colours it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from placement.analysis.results import (
    ParetoResult,
    RiskResult,
    ScenariosResult,
    SensitivityResult,
    ThresholdsResult,
)
from placement.analysis.risk import RiskAverseResult, placements_of
from placement.costs import CATEGORY_LABELS, ONE_TIME_CATEGORIES
from placement.plan import Plan
from placement.report.model import (
    ReportModel,
    Wave,
    per_period_text,
)
from placement.result import Status

OK, FAIL = "✓", "✗"


@dataclass(frozen=True)
class Table:
    caption: str
    columns: list[str]
    rows: list[list[str]]
    numeric: set[int] = field(default_factory=set)  # right-aligned column indexes
    id: str = ""


def money(x: float | None, currency: str = "") -> str:
    """Whole currency units with thousands separators (a report, not a ledger)."""
    if x is None:
        return "—"
    text = f"{x:,.0f}"
    if text == "-0":
        text = "0"
    return f"{text} {currency}" if currency else text


def num(x: float | None, digits: int = 3) -> str:
    if x is None:
        return "—"
    return f"{x:,.{digits}g}" if abs(x) < 10 ** digits else f"{x:,.0f}"


def pct(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{x * 100:.{digits}f}%"


def months(start: float, length: float) -> str:
    return f"{start:g}–{start + length:g}"


def check(ok: bool | None, text: str) -> str:
    if ok is None:
        return text
    return f"{OK if ok else FAIL} {text}"


# --- executive summary ------------------------------------------------------------------


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


# --- costs, placement, units --------------------------------------------------------------


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


# --- migration waves ----------------------------------------------------------------------


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
    rows = [[u.site, u.hardware, u.kind or "—", "—" if u.before is None else str(u.before),
             str(u.after), u.action] for u in wave.units]
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
        rows.append([c.site, c.hardware, str(c.units),
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
        limit = wave.utilisation[0].limit
        items.append(check(None if limit is None else not bad_u,
                           "Utilisation: every site and hardware runs at or below "
                           + (f"{limit:.0%} of its rated throughput" if limit is not None
                              else "the policy's max_utilization")
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


# --- analyses -----------------------------------------------------------------------------


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


# --- assumptions --------------------------------------------------------------------------


def assumption_tables(model: ReportModel) -> list[Table]:
    a = model.assumptions
    if a is None:
        return []
    cur = a.currency
    periods = Table("Periods", ["period", "months", "start month", "pilot", "max migrations",
                                "capex budget"],
                    [[n, f"{m:g}", f"{s:g}", "yes" if pilot else "no",
                      "—" if mm is None else str(mm), "—" if cb is None else money(cb, cur)]
                     for n, s, m, pilot, mm, cb in a.periods], numeric={1, 2, 4, 5})
    offers = Table(f"Offers: key prices ({cur})", ["site", "hardware", "kind", "price",
                                                   "max units", "existing units"],
                   [[o.site, o.hardware, o.kind, o.price,
                     "—" if o.max_units is None else str(o.max_units), str(o.existing_units)]
                    for o in a.offers], numeric={4, 5})
    hardware = Table("Hardware", ["hardware", "kind", "memory, GB", f"capex ({cur})",
                                  "lifetime, months", "power, W", f"maintenance ({cur}/month)"],
                     [[h, k, f"{mem:g}", "—" if capex is None else per_period_text(capex, ",.0f"),
                       "—" if life is None else f"{life:g}",
                       f"{pw:g}" if pw else "not given", f"{mt:g}"]
                      for h, k, mem, capex, life, pw, mt in a.hardware],
                     numeric={2, 3, 4, 5, 6})
    sites = Table(f"Sites: energy prices and site costs ({cur})",
                  ["site", "kind", "jurisdiction", f"energy ({cur}/kWh)", "PUE",
                   "power cap, kW", "fixed per month", "activation", "egress per GB",
                   "capex rebate"],
                  [[s.id, s.kind, s.jurisdiction or "—", per_period_text(s.energy_per_kwh, "g"),
                    f"{s.pue:g}",
                    "—" if s.power_kw is None else f"{s.power_kw:g}", money(s.fixed_per_month),
                    money(s.activation_cost), f"{s.egress_per_gb:g}", pct(s.capex_rebate, 0)]
                   for s in a.sites], numeric={3, 4, 5, 6, 7, 8, 9})
    out = [periods, offers, hardware, sites]
    if a.priced_links:
        out.append(Table(f"Links with a transfer price ({cur}/GB)", ["link", "price per GB"],
                         [[k, f"{v:g}"] for k, v in a.priced_links], numeric={1}))
    return out
