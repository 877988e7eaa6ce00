"""Rich renderings of plans, problems and diagnoses for the terminal."""

from __future__ import annotations

from collections.abc import Mapping

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from placement.cli import v2_summary
from placement.costs import CATEGORY_LABELS
from placement.errors import Problem
from placement.plan import Diagnosis, Plan, PlanPeriod
from placement.report import v2plan
from placement.result import Status
from placement.schema import Instance

#: The colour of a status: green optimal, yellow feasible, red anything else.
STATUS_STYLES: Mapping[str, str] = {Status.OPTIMAL: "green", Status.FEASIBLE: "yellow"}


def status_style(status: str) -> str:
    """The colour a plan's (or a row's) status is shown in."""
    return STATUS_STYLES.get(status, "red")


def money(x: float | None, currency: str = "") -> str:
    if x is None:
        return "—"
    sign = "-" if x < 0 else ""
    return f"{sign}{abs(x):,.2f}" + (f" {currency}" if currency else "")


def problems(console: Console, title: str, items: list[Problem]) -> None:
    """Each problem on one line, never wrapped by rich (paths stay whole for copy and grep)."""
    n = len(items)
    console.print(f"[bold red]{title}[/] ({n} problem{'s' if n != 1 else ''}):", soft_wrap=True)
    for p in items:
        console.print(Text("  • ") + Text(str(p)), soft_wrap=True)


def _recommendation(plan: Plan, runs_today: bool = True) -> str:
    """One paragraph: what moves where, when."""
    parts = []
    for period in plan.periods:
        if period.moves:
            sites: dict[str, set[str]] = {}
            for a in period.assignments:
                sites.setdefault(a.workload, set()).add(a.site)
            moved = ", ".join(
                f"{w} → {', '.join(sorted(sites[w]))}" if w in sites else w for w in period.moves
            )
            parts.append(f"in {period.name} (month {period.start_month}) move {moved}")
    if not parts:
        if not runs_today:
            return ("Nothing runs anywhere today (no workload has a `current` placement): "
                    "deploy as the tables below show; the baseline is this plan itself.")
        return "Keep every workload where it runs today; the plan only right-sizes units."
    return "Recommended: " + "; ".join(parts) + "."


def _ms(x: float) -> str:
    return f"{x:.0f}" if abs(x) >= 10 else f"{x:g}"


def _latency(latency_ms: float, slo_ms: float | None) -> str:
    """Latency against the workload's SLO (``42/60``), so the headroom shows at a glance;
    whole milliseconds from 10 ms up (the plan JSON keeps the exact figure)."""
    return _ms(latency_ms) if slo_ms is None else f"{_ms(latency_ms)}/{_ms(slo_ms)}"


def _assignments_table(title: str, period: PlanPeriod, slos: dict[str, float]) -> Table:
    """Readable at 80 columns: light borders, hardware and variant in one column (wrapping
    between them), a move shown as an arrow before the new site (no column of its own); ids
    fold onto further lines when tight while the numbers (rps, latency/SLO) never shrink."""
    moved = any(a.workload in period.moves for a in period.assignments)
    t = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
              caption="→ the workload moves here in this period" if moved else None,
              caption_justify="left")
    for col in ("workload", "site", "hardware variant"):
        t.add_column(col, overflow="fold")
    t.add_column("rps", justify="right", no_wrap=True)
    t.add_column("ms/SLO" if slos else "ms", justify="right", no_wrap=True)
    for a in period.assignments:
        site = (Text("→ ", "bold yellow") + Text(a.site) if a.workload in period.moves
                else Text(a.site))
        where = Text(f"{a.hardware} {a.variant}")
        if a.market == "spot":
            where.append(" spot", "magenta")
        t.add_row(Text(a.workload), site, where,
                  f"{a.carried_rps:g}", _latency(a.latency_ms, slos.get(a.workload)))
    return t


def plan_summary(console: Console, plan: Plan, instance: Instance | None = None) -> None:
    """The terminal summary; with the instance, latencies show against their SLOs and the
    recommendation knows whether anything runs today."""
    slos = {w.id: w.latency_slo_ms for w in instance.workloads} if instance else {}
    runs_today = instance is None or any(w.current for w in instance.workloads)
    console.print(_headline(plan))
    if plan.message:
        console.print(f"[dim]{plan.message}[/]")
    if not plan.has_solution:
        diagnosis(console, plan.diagnosis)
        return
    console.print(Panel(_recommendation(plan, runs_today), title="Recommendation",
                        expand=False))
    extra = v2_summary.PeriodLines.of(plan, instance)
    for i, period in enumerate(plan.periods):
        t = _assignments_table(f"{period.name}: months {period.start_month}–"
                               f"{period.start_month + period.months}", period, slos)
        units = ", ".join(
            f"{u.site}/{u.hardware}{' spot' if u.market == 'spot' else ''}: {u.units}"
            + (f" (buy {u.bought})" if u.bought else "")
            for u in period.units
        )
        console.print(t)
        console.print(f"  units: {units or 'none'}")
        for line in extra.lines(i):
            console.print(line, highlight=False)
    console.print(_costs_table(plan))
    lines = _value_lines(plan, instance) + v2_summary.value_lines(plan, instance)
    console.print(Panel(Group(*(Text.from_markup(x) for x in lines)),
                        title="Value", expand=False))


def _headline(plan: Plan) -> Text:
    """The instance, status, solver, gap (and bound of a feasible plan) and solve time."""
    return Text.assemble(
        ("Plan for ", "bold"), (plan.instance, "bold cyan"), "  status ",
        (plan.status, f"bold {status_style(plan.status)}"),
        f"  solver {plan.solver}",
        f"  gap {plan.gap:.2e}" if plan.gap is not None else "  gap —",
        f"  bound {money(plan.bound)}" if plan.status == Status.FEASIBLE else "",
        f"  ({plan.solve_seconds:.2f} s)",
    )


def _costs_table(plan: Plan) -> Table:
    """Undiscounted costs per category (those not zero throughout) by period, and total."""
    costs = Table(title=f"Costs by period (undiscounted, {plan.currency})", title_justify="left")
    costs.add_column("category")
    for period in plan.periods:
        costs.add_column(period.name, justify="right")
    costs.add_column("total", justify="right")
    for key, label in CATEGORY_LABELS.items():
        vals = [p.costs.get(key, 0.0) for p in plan.periods]
        if any(vals):
            costs.add_row(label, *(money(v) for v in vals), money(sum(vals)))
    return costs


def _value_lines(plan: Plan, instance: Instance | None = None) -> list[str]:
    """The NPV, and against the baseline (when solved) the savings and break-even month."""
    cur = plan.currency
    lines = [f"NPV of the plan: [bold]{money(plan.npv, cur)}[/]"
             f"  (residual value credited: {money(plan.residual_value, cur)})"]
    annual, b_annual = v2plan.annualized(plan, instance)
    if annual is not None:
        lines.append(f"Annualised cost: {money(annual, cur)} a year")
    b = plan.baseline
    if b is not None:
        if b.npv is None:
            lines.append(f"Baseline (stay put): [red]{b.status}[/] — {b.message or 'no plan'}; "
                         "no savings figure")
        else:
            lines.append(f"Baseline (stay put) NPV: {money(b.npv, cur)}")
            if b_annual is not None:
                lines.append(f"Baseline annualised cost: {money(b_annual, cur)} a year")
            lines.append(f"Savings: [bold green]{money(b.savings, cur)}[/]" if (b.savings or 0) >= 0
                         else f"Savings: [bold red]{money(b.savings, cur)}[/]")
            month = b.break_even_month
            lines.append(f"Break-even month: {month if month else 'none in the horizon'}")
    return lines


def diagnosis(console: Console, items: list[Diagnosis]) -> None:
    """Each diagnosis, then one line per excluded placement with its rules."""
    for d in items:
        console.print(f"[bold red]✗[/] {d.message}")
        by_placement: dict[tuple[str, str, str], list[str]] = {}
        for e in d.exclusions:
            when = f" in {e['period']}" if e["period"] else ""
            key = (e["site"], e["hardware"], e["variant"])
            by_placement.setdefault(key, []).append(f"[bold]{e['rule']}[/]{when}: {e['detail']}")
        for (s, h, v), reasons in by_placement.items():
            console.print(f"    {s} / {h} / {v}")
            for r in reasons:
                console.print(f"        {r}", highlight=False)
