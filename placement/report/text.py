"""The report's prose shared by HTML and Markdown: section titles, notes, methods."""

from __future__ import annotations

from placement.plan import Plan
from placement.report.model import ReportModel

#: Section ids (HTML anchors) and titles, in order.
SECTIONS = {
    "summary": "Executive summary",
    "costs": "Cost over time",
    "placement": "Placement by period",
    "units": "Units per site and hardware",
    "migration-plan": "Phased migration plan",
    "analysis": "Analyses",
    "assumptions": "Assumptions appendix",
}


def title(model: ReportModel) -> tuple[str, str]:
    plan = model.plan
    months = sum(p.months for p in plan.periods)
    sub = f"Instance {plan.instance} · status {plan.status}"
    if plan.periods:
        sub += f" · {len(plan.periods)} periods, {months:g} months"
    sub += f" · money in {plan.currency}"
    return f"Decision report: {plan.instance}", sub


def diagnosis_lines(plan: Plan) -> list[str]:
    lines = [d.message for d in plan.diagnosis]
    if not lines:
        lines = [plan.message or f"The solver returned '{plan.status}' without a plan."]
    return lines


def assumption_notes(model: ReportModel) -> list[str]:
    a, plan = model.assumptions, model.plan
    if a is None:
        periods = ", ".join(f"{p.name} ({p.months:g} months from month {p.start_month:g})"
                            for p in plan.periods)
        return [
            f"Figures come from instance '{plan.instance}'. The instance was not given "
            "(--instance), so its prices, discount rate and policy are not listed here; "
            "run the report with --instance to audit them.",
            f"Periods (from the plan): {periods or 'none'}. Money in {plan.currency}.",
        ]
    source = (f"Figures come from the instance '{a.instance_name}'. ")
    if a.bundled:
        source += ("It is one of the instances bundled with placement: the source of each "
                   "figure is given in the instance's YAML comments, next to the value, and "
                   "summarised in docs/data-provenance.md (estimates are marked as such).")
    else:
        source += ("The source of each figure is whatever the instance's author recorded (for "
                   "instance files, usually comments next to the values); audit them there.")
    return [
        source,
        f"Discount rate: {a.discount_rate:.2%} a year (every cost of a period counted at its "
        f"start month). Horizon: {a.horizon_months:g} months in {len(a.periods)} periods. "
        f"Utilisation policy: at most {a.max_utilization:.0%} of a unit's rated throughput. "
        f"Money in {a.currency}.",
    ]


_CO2E_NOTE = (
    "CO2e per 1,000 requests: that energy × the site's carbon_g_per_kwh in the period, plus "
    "the embodied_t of owned units bought, the same emissions as the plan's emissions_t "
    "(summed over the site kinds, they are its total).")


def method_notes(model: ReportModel) -> list[str]:
    notes = _method_notes()
    if model.emits:
        notes.insert(notes.index(next(n for n in notes if n.startswith("Energy per"))) + 1,
                     _CO2E_NOTE)
    return notes


def _method_notes() -> list[str]:
    return [
        "Costs per period are undiscounted; NPVs discount each period's costs by "
        "(1 + r)^(−start month / 12) and credit the residual value of owned units bought "
        "within the horizon, discounted from its end.",
        "Cumulative cost by month: one-time costs (capex, activation, migration) fall in the "
        "first month of their period, recurring costs are spread evenly over its months, the "
        "residual value is left out. The break-even month is the first month from which the "
        "plan's cumulative cost stays at or below staying put's until the end of the horizon.",
        "Energy per 1,000 requests, by site kind: energy = units in service (owned, and "
        "rented on demand, committed or spot) × the hardware's power_w × 730 hours a month × "
        "the period's months × the site's PUE (a cloud site's PUE defaults to 1: the "
        "provider's PUE is not known, so IT power only); a power_w of 0 (the instance's "
        "default) counts as not given and that hardware is left out, as stated next to the "
        "figure. Requests served = per replica, demand ÷ replicas × load_factor × the "
        "period's seconds. Units draw power for the whole period, idle or not, so the figure "
        "is an upper bound on the energy of the serving itself.",
        "Utilisation of a site's hardware = Σ carried load ÷ the profile's rated rps, over "
        "the units; carried load is the load a replica must be able to carry (the whole "
        "demand for one replica, demand ÷ (replicas − 1) otherwise, so that one site may fail).",
        "Latency = 2 × the path latency from the users' network node to the site + the "
        "serving latency of the profile; the SLO is the workload's latency_slo_ms.",
    ]
