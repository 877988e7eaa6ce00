"""The report as Markdown (for a pull request or a wiki page): the same sections and
tables as the HTML; the plots are named, not drawn (use the HTML report to see them)."""

from __future__ import annotations

from placement.analysis.results import (
    ParetoResult,
    RiskResult,
    ScenariosResult,
    SensitivityResult,
    ThresholdsResult,
)
from placement.report import tables as T
from placement.report.model import ReportModel
from placement.report.text import (
    SECTIONS,
    assumption_notes,
    diagnosis_lines,
    method_notes,
    title,
)


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def table(t: T.Table) -> str:
    """A pipe table with its caption in bold above it."""
    align = ["---:" if i in t.numeric else "---" for i in range(len(t.columns))]
    lines = [f"**{_cell(t.caption)}**", "",
             "| " + " | ".join(_cell(c) or " " for c in t.columns) + " |",
             "| " + " | ".join(align) + " |"]
    for row in t.rows:
        lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    if not t.rows:
        lines.append("| " + " | ".join(["none", *([""] * (len(t.columns) - 1))]) + " |")
    return "\n".join(lines) + "\n"


def _plot(what: str) -> str:
    return f"_Plot (in the HTML report): {what}._\n"


def render_markdown(model: ReportModel) -> str:
    plan, cur = model.plan, model.currency
    head, sub = title(model)
    out = [f"# {head}", "", sub, ""]
    out.append("Contents: " + " · ".join(f"[{v}](#{k})" for k, v in SECTIONS.items()) + "\n")

    def section(key: str) -> None:
        out.append(f'<a id="{key}"></a>\n\n## {SECTIONS[key]}\n')

    section("summary")
    out.append(f"> {model.recommendation}\n")
    kf = T.Table("Key figures", ["figure", "value", "note"],
                 [list(x) for x in T.key_figures(model)], id="key-figures")
    out.append(table(kf))
    if not plan.has_solution:
        out.extend(f"- {x}" for x in diagnosis_lines(plan))
        out.append("")
    et = T.energy_table(model)
    if et is not None:
        out.append(table(et))
    rt = T.risk_table(model)
    if rt is not None:
        out.append(table(rt))
    out.extend(f"_{n}_\n" for n in model.notes)

    section("costs")
    if plan.has_solution:
        be = model.break_even_month
        out.append(_plot("cumulative cost by month, plan vs staying put, "
                         + (f"break-even month {be} marked" if be else "no break-even month")))
        out.append(_plot("cost per period by category (stacked bars)"))
        out.append(table(T.cost_table(model)))
    else:
        out.append("No plan: nothing to show.\n")

    section("placement")
    if plan.has_solution:
        out.append(_plot("placement map per period (network graph, sites by kind and units)")
                   if model.instance is not None else
                   "_The placement map needs the instance's network (--instance)._\n")
        out.append(table(T.placement_table(model)))
    else:
        out.append("No plan: nothing to show.\n")

    section("units")
    if plan.has_solution:
        out.append(_plot("units per site and hardware over time (stacked bars)"))
        out.append(table(T.units_table(model)))
    else:
        out.append("No plan: nothing to show.\n")

    section("migration-plan")
    if not model.waves:
        out.append("No plan: no waves.\n")
    else:
        out.append("Each period is a wave: the pilot first, then migration waves. The rollback "
                   "target of a move is the placement of the period before (for the first "
                   "period, where the workload runs today).\n")
    for w in model.waves:
        out.append(f"### Wave {w.index + 1}: {w.name} ({w.label}, months "
                   f"{T.months(w.start_month, w.months)})\n")
        out.append(table(T.moves_table(w)) if w.moves else "No workload moves in this period.\n")
        out.append(table(T.unit_changes_table(w)))
        out.append(table(T.one_time_table(w, cur)))
        out.append("**Acceptance criteria before the next wave**\n")
        out.extend(f"- {x}" for x in T.acceptance(w, cur))
        out.append("")
        if w.latency:
            out.append(table(T.latency_table(w)))
        if w.utilisation:
            out.append(table(T.utilisation_table(w)))

    section("analysis")
    if not model.analyses:
        out.append("No analysis results were given (--analysis RESULTS.json).\n")
    for a in model.analyses:
        if isinstance(a, ScenariosResult):
            out.append("### Scenarios\n")
            out.append(table(T.scenarios_table(a, cur)))
        elif isinstance(a, SensitivityResult):
            out.append("### Sensitivity\n")
            out.append(_plot("tornado chart"))
            out.append(table(T.tornado_table(a, cur)))
        elif isinstance(a, ThresholdsResult):
            out.append("### Decision thresholds\n")
            out.append(_plot("decision thresholds"))
            out.append(table(T.thresholds_table(a)))
        elif isinstance(a, RiskResult):
            out.append("### Risk (Monte Carlo)\n")
            out.append(_plot(f"NPV histogram with VaR {a.level:.0%} "
                             f"({T.money(a.plan.var, cur)}) and CVaR "
                             f"({T.money(a.plan.cvar, cur)}) marked"))
            out.append(table(T.risk_distributions_table(a)))
        elif isinstance(a, ParetoResult):
            out.append("### Pareto front\n")
            out.append(_plot(f"Pareto front, NPV vs {a.versus}"))
            out.append(table(T.pareto_table(a, cur)))

    section("assumptions")
    out.extend(f"{x}\n" for x in assumption_notes(model))
    out.extend(table(t) for t in T.assumption_tables(model))
    out.append("### Methods\n")
    out.extend(f"- {x}" for x in method_notes(model))
    out.append("")
    return "\n".join(out).rstrip() + "\n"
