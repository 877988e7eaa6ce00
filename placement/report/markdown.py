"""The report as Markdown (for a pull request or a wiki page): the same sections and
tables as the HTML. The plots are images beside the report when the caller gives their
relative links (``images``); without them each plot is named, not drawn.

Every string that can come from the inputs (ids, names, scenario names, messages) is
written through :func:`text` or :func:`cell`: HTML's ``& < >`` become entities, Markdown's
inline markup characters are backslash-escaped and line breaks become spaces, so a name
can neither inject HTML nor break a table, a heading or a list item.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape as html_escape
from urllib.parse import quote

from placement.analysis.results import (
    ParetoResult,
    RiskResult,
    ScenariosResult,
    SensitivityResult,
    ThresholdsResult,
)
from placement.analysis.risk import RiskAverseResult
from placement.report import tables as T
from placement.report.model import ReportModel, analysis_ids
from placement.report.text import (
    SECTIONS,
    assumption_notes,
    diagnosis_lines,
    method_notes,
    title,
)

# line breaks and other control characters: a name stays on its line
_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")
# inline Markdown (GFM) markup: escapes, code, emphasis, links, tables, math, strikethrough
_MARKUP = re.compile(r"([\\`*_\[\]|$~])")


def text(s: str) -> str:
    """``s`` as inert inline Markdown: no HTML, no markup, no line break."""
    return _MARKUP.sub(r"\\\1", html_escape(_BREAKS.sub(" ", s), quote=False))


def cell(s: str) -> str:
    """``s`` as a table cell (``|`` is escaped by :func:`text`)."""
    return text(s)


def table(t: T.Table) -> str:
    """A pipe table with its caption in bold above it."""
    align = ["---:" if i in t.numeric else "---" for i in range(len(t.columns))]
    lines = [f"**{text(t.caption)}**", "",
             "| " + " | ".join(cell(c) or " " for c in t.columns) + " |",
             "| " + " | ".join(align) + " |"]
    for row in t.rows:
        lines.append("| " + " | ".join(cell(c) for c in row) + " |")
    if not t.rows:
        lines.append("| " + " | ".join(["none", *([""] * (len(t.columns) - 1))]) + " |")
    return "\n".join(lines) + "\n"


def render_markdown(model: ReportModel, images: Mapping[str, str] | None = None) -> str:
    """The whole report. ``images``: figure id → the image's relative link (see
    ``plots.all_figures``); None: each plot is named instead (the HTML report draws it)."""
    plan, cur = model.plan, model.currency
    head, sub = title(model)
    out = [f"# {text(head)}", "", text(sub), ""]
    out.append("Contents: " + " · ".join(f"[{v}](#{k})" for k, v in SECTIONS.items()) + "\n")

    def section(key: str) -> None:
        out.append(f'<a id="{key}"></a>\n\n## {SECTIONS[key]}\n')

    def plot(fig_id: str, what: str) -> None:
        if images is None:
            out.append(f"_Plot (in the HTML report): {text(what)}._\n")
        elif fig_id in images:
            out.append(f"![{text(what)}]({quote(images[fig_id])})\n")
            out.append(f"_Figure: {text(what)}._\n")

    section("summary")
    out.append(f"> {text(model.recommendation)}\n")
    kf = T.Table("Key figures", ["figure", "value", "note"],
                 [list(x) for x in T.key_figures(model)], id="key-figures")
    out.append(table(kf))
    if not plan.has_solution:
        out.extend(f"- {text(x)}" for x in diagnosis_lines(plan))
        out.append("")
    et = T.energy_table(model)
    if et is not None:
        out.append(table(et))
    rt = T.risk_table(model)
    if rt is not None:
        out.append(table(rt))
    out.extend(f"_{text(n)}_\n" for n in model.notes)

    section("costs")
    if plan.has_solution:
        be = model.break_even_month
        plot("cumulative-cost", "cumulative cost by month, plan vs staying put, "
             + (f"break-even month {be} marked" if be else "no break-even month"))
        plot("cost-breakdown", "cost per period by category (stacked bars)")
        out.append(table(T.cost_table(model)))
    else:
        out.append("No plan: nothing to show.\n")

    section("placement")
    if plan.has_solution:
        if model.instance is not None:
            plot("placement-map",
                 "placement map per period (network graph, sites by kind and units)")
        else:
            out.append("_The placement map needs the instance's network (--instance)._\n")
        out.append(table(T.placement_table(model)))
    else:
        out.append("No plan: nothing to show.\n")

    section("units")
    if plan.has_solution:
        plot("units-over-time", "units per site and hardware over time (stacked bars)")
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
        out.append(f"### Wave {w.index + 1}: {text(w.name)} ({w.label}, months "
                   f"{T.months(w.start_month, w.months)})\n")
        out.append(table(T.moves_table(w)) if w.moves else "No workload moves in this period.\n")
        out.append(table(T.unit_changes_table(w)))
        out.append(table(T.one_time_table(w, cur)))
        out.append("**Acceptance criteria before the next wave**\n")
        out.extend(f"- {text(x)}" for x in T.acceptance(w, cur))
        out.append("")
        if w.latency:
            out.append(table(T.latency_table(w)))
        if w.utilisation:
            out.append(table(T.utilisation_table(w)))

    section("analysis")
    if not model.analyses:
        out.append("No analysis results were given (--analysis RESULTS.json).\n")
    for fig_id, a in analysis_ids(model):
        if isinstance(a, ScenariosResult):
            out.append("### Scenarios\n")
            out.append(table(T.scenarios_table(a, cur)))
        elif isinstance(a, SensitivityResult):
            out.append("### Sensitivity\n")
            plot(fig_id, "tornado chart: NPV with one multiplier at its low or high end; "
                 "hatched: the recommended placement changes")
            out.append(table(T.tornado_table(a, cur)))
        elif isinstance(a, ThresholdsResult):
            out.append("### Decision thresholds\n")
            plot(fig_id, "decision thresholds: the multiplier at which the recommendation "
                 "changes")
            out.append(table(T.thresholds_table(a)))
        elif isinstance(a, RiskResult):
            out.append("### Risk (Monte Carlo)\n")
            plot(fig_id, f"NPV histogram with VaR {a.level:.0%} "
                 f"({T.money(a.plan.var, cur)}) and CVaR ({T.money(a.plan.cvar, cur)}) marked")
            out.append(table(T.risk_distributions_table(a)))
        elif isinstance(a, RiskAverseResult):
            out.append("### Risk-neutral vs risk-averse plan (CVaR)\n")
            plot(fig_id, "each plan's NPV over the Monte Carlo draws: P5 to P95, median, "
                 f"mean and CVaR {a.level:.0%}")
            out.append(table(T.risk_averse_table(a, cur)))
            out.extend(f"{text(n)}\n" for n in T.risk_averse_notes(a, plan))
            if a.differences:
                out.append(table(T.risk_averse_differences_table(a)))
            out.append(table(T.risk_distributions_table(a)))
        elif isinstance(a, ParetoResult):
            out.append("### Pareto front\n")
            plot(fig_id, f"Pareto front, NPV vs {a.versus}")
            out.append(table(T.pareto_table(a, cur)))

    section("assumptions")
    out.extend(f"{text(x)}\n" for x in assumption_notes(model))
    out.extend(table(t) for t in T.assumption_tables(model))
    out.append("### Methods\n")
    out.extend(f"- {text(x)}" for x in method_notes(model))
    out.append("")
    return "\n".join(out).rstrip() + "\n"
