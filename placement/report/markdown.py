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
from collections.abc import Iterable, Mapping
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
from placement.report.model import AnalysisModel, ReportModel, analysis_ids
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


_NO_PLAN = "No plan: nothing to show.\n"


class _Doc:
    """The Markdown being written: its lines, and how it shows a plot (``images``: figure
    id → the image's relative link; None: the plot is named, not drawn)."""

    def __init__(self, images: Mapping[str, str] | None) -> None:
        self.out: list[str] = []
        self.images = images

    def add(self, *lines: str) -> None:
        self.out.extend(lines)

    def section(self, key: str) -> None:
        self.out.append(f'<a id="{key}"></a>\n\n## {SECTIONS[key]}\n')

    def plan_section(self, key: str, model: ReportModel) -> bool:
        """The section's heading; whether there is a plan to show in it (if not, it says so)."""
        self.section(key)
        if not model.plan.has_solution:
            self.out.append(_NO_PLAN)
        return model.plan.has_solution

    def plot(self, fig_id: str, what: str) -> None:
        if self.images is None:
            self.out.append(f"_Plot (in the HTML report): {text(what)}._\n")
        elif fig_id in self.images:
            self.out.append(f"![{text(what)}]({quote(self.images[fig_id])})\n")
            self.out.append(f"_Figure: {text(what)}._\n")

    def tables(self, *items: T.Table | None) -> None:
        """Each table that is there (None: nothing to show)."""
        self.out.extend(table(t) for t in items if t is not None)

    def bullets(self, items: Iterable[str]) -> None:
        """A list of inert items, then a blank line."""
        self.out.extend(f"- {text(x)}" for x in items)
        self.out.append("")


def render_markdown(model: ReportModel, images: Mapping[str, str] | None = None) -> str:
    """The whole report. ``images``: figure id → the image's relative link (see
    ``plots.all_figures``); None: each plot is named instead (the HTML report draws it)."""
    doc = _Doc(images)
    head, sub = title(model)
    doc.add(f"# {text(head)}", "", text(sub), "")
    doc.add("Contents: " + " · ".join(f"[{v}](#{k})" for k, v in SECTIONS.items()) + "\n")
    for render in (_summary, _costs, _placement, _units, _migration_plan, _analysis,
                   _assumptions):
        render(doc, model)
    return "\n".join(doc.out).rstrip() + "\n"


def _summary(doc: _Doc, model: ReportModel) -> None:
    """The recommendation, the key figures (or why there is no plan), energy and risk."""
    doc.section("summary")
    doc.add(f"> {text(model.recommendation)}\n")
    kf = T.Table("Key figures", ["figure", "value", "note"],
                 [list(x) for x in T.key_figures(model)], id="key-figures")
    doc.add(table(kf))
    if not model.plan.has_solution:
        doc.bullets(diagnosis_lines(model.plan))
    et = T.energy_table(model)
    if et is not None:
        doc.add(table(et))
    doc.tables(T.emissions_table(model))
    rt = T.risk_table(model)
    if rt is not None:
        doc.add(table(rt))
    doc.add(*(f"_{text(n)}_\n" for n in model.notes))


def _costs(doc: _Doc, model: ReportModel) -> None:
    if not doc.plan_section("costs", model):
        return
    be = model.break_even_month
    doc.plot("cumulative-cost", "cumulative cost by month, plan vs staying put, "
             + (f"break-even month {be} marked" if be else "no break-even month"))
    doc.plot("cost-breakdown", "cost per period by category (stacked bars)")
    doc.add(table(T.cost_table(model)))


def _placement(doc: _Doc, model: ReportModel) -> None:
    if not doc.plan_section("placement", model):
        return
    if model.instance is not None:
        doc.plot("placement-map",
                 "placement map per period (network graph, sites by kind and units)")
    else:
        doc.add("_The placement map needs the instance's network (--instance)._\n")
    doc.add(table(T.placement_table(model)))


def _units(doc: _Doc, model: ReportModel) -> None:
    if not doc.plan_section("units", model):
        return
    doc.plot("units-over-time", "units per site and hardware over time (stacked bars)")
    doc.add(table(T.units_table(model)))
    doc.tables(T.commitments_table(model), T.spot_table(model))


def _migration_plan(doc: _Doc, model: ReportModel) -> None:
    """Each wave: its moves, unit changes, one-time costs, acceptance criteria, latency
    and utilisation."""
    doc.section("migration-plan")
    if not model.waves:
        doc.add("No plan: no waves.\n")
    else:
        doc.add("Each period is a wave: the pilot first, then migration waves. The rollback "
                "target of a move is the placement of the period before (for the first "
                "period, where the workload runs today).\n")
    cur = model.currency
    for w in model.waves:
        doc.add(f"### Wave {w.index + 1}: {text(w.name)} ({w.label}, months "
                f"{T.months(w.start_month, w.months)})\n")
        doc.add(table(T.moves_table(w)) if w.moves else "No workload moves in this period.\n")
        doc.add(table(T.unit_changes_table(w)))
        doc.tables(T.wave_commitments_table(w) if w.commitments else None)
        doc.add(table(T.one_time_table(w, cur)))
        doc.add("**Acceptance criteria before the next wave**\n")
        doc.bullets(T.acceptance(w, cur))
        if w.latency:
            doc.add(table(T.latency_table(w)))
        if w.utilisation:
            doc.add(table(T.utilisation_table(w)))


def _analysis(doc: _Doc, model: ReportModel) -> None:
    """Every analysis result given, in the report's order."""
    doc.section("analysis")
    if not model.analyses:
        doc.add("No analysis results were given (--analysis RESULTS.json).\n")
    for fig_id, a in analysis_ids(model):
        _analysis_result(doc, model, fig_id, a)


def _analysis_result(doc: _Doc, model: ReportModel, fig_id: str, a: AnalysisModel
                     ) -> None:
    cur = model.currency
    if isinstance(a, ScenariosResult):
        doc.add("### Scenarios\n", table(T.scenarios_table(a, cur)))
    elif isinstance(a, SensitivityResult):
        doc.add("### Sensitivity\n")
        doc.plot(fig_id, "tornado chart: NPV with one multiplier at its low or high end; "
                 "hatched: the recommended placement changes")
        doc.add(table(T.tornado_table(a, cur)))
    elif isinstance(a, ThresholdsResult):
        doc.add("### Decision thresholds\n")
        doc.plot(fig_id, "decision thresholds: the multiplier at which the recommendation "
                 "changes")
        doc.add(table(T.thresholds_table(a)))
    elif isinstance(a, RiskResult):
        doc.add("### Risk (Monte Carlo)\n")
        doc.plot(fig_id, f"NPV histogram with VaR {a.level:.0%} "
                 f"({T.money(a.plan.var, cur)}) and CVaR ({T.money(a.plan.cvar, cur)}) marked")
        doc.add(table(T.risk_distributions_table(a)))
    elif isinstance(a, RiskAverseResult):
        _risk_averse(doc, model, fig_id, a)
    elif isinstance(a, ParetoResult):
        doc.add("### Pareto front\n")
        doc.plot(fig_id, f"Pareto front, NPV vs {a.versus}")
        doc.add(table(T.pareto_table(a, cur)))


def _risk_averse(doc: _Doc, model: ReportModel, fig_id: str, a: RiskAverseResult) -> None:
    doc.add("### Risk-neutral vs risk-averse plan (CVaR)\n")
    doc.plot(fig_id, "each plan's NPV over the Monte Carlo draws: P5 to P95, median, "
             f"mean and CVaR {a.level:.0%}")
    doc.add(table(T.risk_averse_table(a, model.currency)))
    doc.add(*(f"{text(n)}\n" for n in T.risk_averse_notes(a, model.plan)))
    if a.differences:
        doc.add(table(T.risk_averse_differences_table(a)))
    doc.add(table(T.risk_distributions_table(a)))


def _assumptions(doc: _Doc, model: ReportModel) -> None:
    doc.section("assumptions")
    doc.add(*(f"{text(x)}\n" for x in assumption_notes(model)))
    doc.add(*(table(t) for t in T.assumption_tables(model)))
    doc.add("### Methods\n")
    doc.bullets(method_notes(model))
