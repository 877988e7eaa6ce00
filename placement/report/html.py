"""The report as one self-contained HTML page: inline CSS and inline SVG, no script, no
font, image or style fetched from anywhere; readable on screen, printable to PDF."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from placement.analysis.results import (
    ParetoResult,
    RiskResult,
    ScenariosResult,
    SensitivityResult,
    ThresholdsResult,
)
from placement.analysis.risk import RiskAverseResult
from placement.report import tables as T
from placement.report.model import ReportModel
from placement.report.text import (
    SECTIONS,
    assumption_notes,
    diagnosis_lines,
    method_notes,
    title,
)
from placement.result import Status

CSS = """
:root { --ink:#1d2733; --muted:#5b6670; --line:#d9dee3; --accent:#1f5fa8; --ok:#1e7e34;
        --fail:#b02a1e; --bg-soft:#f5f7f9; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.45;
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans",
             "Liberation Sans", Arial, sans-serif; }
header { background: #17324d; color: #fff; padding: 22px 32px 18px; }
header h1 { margin: 0 0 4px; font-size: 24px; font-weight: 650; }
header p { margin: 0; color: #cfdbe6; font-size: 14px; }
nav { position: sticky; top: 0; z-index: 2; background: #fff; border-bottom: 1px solid var(--line);
      padding: 8px 32px; font-size: 13.5px; }
nav a { color: var(--accent); text-decoration: none; margin-right: 18px; white-space: nowrap; }
nav a:hover { text-decoration: underline; }
main { max-width: 1180px; margin: 0 auto; padding: 8px 32px 40px; }
section { padding-top: 10px; border-bottom: 1px solid var(--line); padding-bottom: 18px; }
section:last-of-type { border-bottom: 0; }
h2 { font-size: 21px; margin: 22px 0 10px; color: #17324d; }
h3 { font-size: 16.5px; margin: 22px 0 8px; color: #17324d; }
h4 { font-size: 14px; margin: 14px 0 6px; color: var(--muted); text-transform: uppercase;
     letter-spacing: .03em; }
p { margin: 6px 0 10px; }
.lead { font-size: 16.5px; background: var(--bg-soft); border-left: 4px solid var(--accent);
        padding: 12px 16px; margin: 12px 0 16px; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 10px;
        margin: 14px 0; }
.kpi { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.kpi .label { font-size: 12.5px; color: var(--muted); text-transform: uppercase;
              letter-spacing: .03em; }
.kpi .value { font-size: 21px; font-weight: 650; margin: 2px 0;
              font-variant-numeric: tabular-nums; }
.kpi .note { font-size: 12px; color: var(--muted); }
.kpi.good .value { color: var(--ok); } .kpi.bad .value { color: var(--fail); }
.note, .muted { color: var(--muted); font-size: 13.5px; }
.callout { border: 1px solid #e7c97a; background: #fff8e1; padding: 8px 12px; border-radius: 4px;
           font-size: 14px; }
.table-wrap { overflow-x: auto; margin: 8px 0 14px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
caption { text-align: left; font-weight: 600; padding: 4px 0 6px; color: var(--ink); }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left;
         vertical-align: top; }
th { background: var(--bg-soft); font-weight: 600; white-space: nowrap; }
tbody tr:nth-child(even) td { background: #fbfcfd; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.ok { color: var(--ok); font-weight: 600; } td.fail { color: var(--fail); font-weight: 600; }
figure { margin: 14px 0 18px; }
figure svg.plot { display: block; width: 100%; max-width: 1040px; height: auto; margin: 0 auto; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
.wave { border: 1px solid var(--line); border-radius: 6px; padding: 4px 16px 10px;
        margin: 14px 0; }
.wave h3 { margin-top: 12px; }
.tag { display: inline-block; font-size: 12px; font-weight: 600; padding: 1px 8px;
       border-radius: 10px; background: #e6eef7; color: var(--accent); margin-left: 6px;
       vertical-align: middle; }
ul.criteria { margin: 4px 0 10px; padding-left: 20px; }
ul.criteria li { margin: 2px 0; }
li.ok::marker { color: var(--ok); } li.fail { color: var(--fail); }
footer { max-width: 1180px; margin: 0 auto; padding: 12px 32px 30px; color: var(--muted);
         font-size: 12.5px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 11pt; }
  header { background: none; color: var(--ink); padding: 0 0 6px;
           border-bottom: 2px solid var(--ink); }
  header p { color: var(--muted); }
  nav { display: none; }
  main { max-width: none; padding: 0; }
  section { break-before: page; page-break-before: always; border: 0; }
  section#summary { break-before: auto; page-break-before: auto; }
  figure, table, .kpis, .wave h3, .lead { break-inside: avoid; page-break-inside: avoid; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  h2, h3, h4, caption { break-after: avoid; page-break-after: avoid; }
  .wave { border: 0; padding: 0; }
  .table-wrap { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
"""


def _table(t: T.Table) -> str:
    head = "".join(
        f'<th class="num">{escape(c)}</th>' if i in t.numeric else f"<th>{escape(c)}</th>"
        for i, c in enumerate(t.columns)
    )
    body = []
    for row in t.rows:
        cells = []
        for i, c in enumerate(row):
            cls = []
            if i in t.numeric:
                cls.append("num")
            if c.startswith(T.OK):
                cls.append("ok")
            elif c.startswith(T.FAIL):
                cls.append("fail")
            attr = f' class="{" ".join(cls)}"' if cls else ""
            cells.append(f"<td{attr}>{escape(c)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not body:
        body.append(f'<tr><td colspan="{len(t.columns)}" class="muted">none</td></tr>')
    tid = f' id="{escape(t.id)}"' if t.id else ""
    return (f'<div class="table-wrap"><table{tid}><caption>{escape(t.caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(body)
            + "\n</tbody></table></div>")


def _figure(fig_id: str, svg: str | None, caption: str) -> str:
    if svg is None:
        return ""
    return (f'<figure id="fig-{escape(fig_id)}">\n{svg}<figcaption>{escape(caption)}'
            "</figcaption></figure>")


def _p(text: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{escape(text)}</p>"


def _list(items: Iterable[str], cls: str = "criteria") -> str:
    lis = []
    for it in items:
        state = " class=\"ok\"" if it.startswith(T.OK) else " class=\"fail\"" if it.startswith(
            T.FAIL) else ""
        lis.append(f"<li{state}>{escape(it)}</li>")
    return f'<ul class="{cls}">' + "".join(lis) + "</ul>" if lis else ""


def _summary(model: ReportModel) -> str:
    plan = model.plan
    parts = [f'<section id="summary"><h2>{SECTIONS["summary"]}</h2>',
             _p(model.recommendation, "lead")]
    cards = []
    for label, value, note in T.key_figures(model):
        cls = ""
        if label == "Savings" and plan.savings is not None:
            cls = " good" if plan.savings >= 0 else " bad"
        if label == "Solver status":
            cls = " good" if plan.status == Status.OPTIMAL else " bad"
        cards.append(f'<div class="kpi{cls}"><div class="label">{escape(label)}</div>'
                     f'<div class="value">{escape(value)}</div>'
                     f'<div class="note">{escape(note)}</div></div>')
    parts.append('<div class="kpis">' + "".join(cards) + "</div>")
    if not plan.has_solution:
        parts.append('<div class="callout">' + _list(diagnosis_lines(plan), "plain") + "</div>")
    et = T.energy_table(model)
    if et is not None:
        parts.append(_table(et))
    elif plan.has_solution:
        parts.append(_p("Energy per 1,000 requests: needs the instance (--instance).", "note"))
    parts.extend(_table(t) for t in (T.emissions_table(model),) if t is not None)
    rt = T.risk_table(model)
    if rt is not None:
        parts.append(_table(rt))
    for n in model.notes:
        parts.append(_p(n, "callout"))
    parts.append("</section>")
    return "\n".join(parts)


def _costs(model: ReportModel, plots: dict[str, str]) -> str:
    parts = [f'<section id="costs"><h2>{SECTIONS["costs"]}</h2>']
    if not model.plan.has_solution:
        parts.append(_p("No plan: nothing to show.", "note"))
    else:
        be = model.break_even_month
        parts.append(_figure(
            "cumulative-cost", plots.get("cumulative-cost"),
            "Cumulative undiscounted cost by month (one-time costs in the first month of their "
            "period, recurring costs spread evenly, residual value left out). "
            + (f"Break-even month: {be}." if be else "No break-even month in the horizon.")))
        parts.append(_figure("cost-breakdown", plots.get("cost-breakdown"),
                             "Undiscounted cost of each period, by category."))
        parts.append(_table(T.cost_table(model)))
    parts.append("</section>")
    return "\n".join(parts)


def _placement(model: ReportModel, plots: dict[str, str]) -> str:
    parts = [f'<section id="placement"><h2>{SECTIONS["placement"]}</h2>']
    if not model.plan.has_solution:
        parts.append(_p("No plan: nothing to show.", "note"))
    else:
        if "placement-map" in plots:
            parts.append(_figure(
                "placement-map", plots["placement-map"],
                "The network per period (layout: networkx spring layout, fixed seed). Sites "
                "coloured by kind and sized by units (units in brackets); workloads listed under "
                "the sites that serve them; those moving in the period in red with →."))
        else:
            parts.append(_p("The placement map needs the instance's network: run with "
                            "--instance to draw it.", "callout"))
        parts.append(_table(T.placement_table(model)))
    parts.append("</section>")
    return "\n".join(parts)


def _units(model: ReportModel, plots: dict[str, str]) -> str:
    parts = [f'<section id="units"><h2>{SECTIONS["units"]}</h2>']
    if not model.plan.has_solution:
        parts.append(_p("No plan: nothing to show.", "note"))
    else:
        parts.append(_figure("units-over-time", plots.get("units-over-time"),
                             "Rented units, or owned units in service, per period."))
        parts.append(_table(T.units_table(model)))
        parts.extend(_table(t) for t in (T.commitments_table(model), T.spot_table(model))
                     if t is not None)
    parts.append("</section>")
    return "\n".join(parts)


def _waves(model: ReportModel) -> str:
    parts = [f'<section id="migration-plan"><h2>{SECTIONS["migration-plan"]}</h2>']
    if not model.waves:
        parts.append(_p("No plan: no waves.", "note"))
    else:
        parts.append(_p("Each period of the plan is a wave: the pilot first, then migration "
                        "waves. The rollback target of a move is the placement of the period "
                        "before (for the first period, where the workload runs today). Check "
                        "the acceptance criteria before starting the next wave."))
    cur = model.currency
    for w in model.waves:
        parts.append(f'<div class="wave" id="wave-{w.index + 1}">')
        parts.append(f"<h3>Wave {w.index + 1}: {escape(w.name)} "
                     f'<span class="tag">{escape(w.label)}</span> '
                     f'<span class="muted">months {escape(T.months(w.start_month, w.months))}'
                     "</span></h3>")
        if w.moves:
            parts.append(_table(T.moves_table(w)))
        else:
            parts.append(_p("No workload moves in this period.", "note"))
        parts.append(_table(T.unit_changes_table(w)))
        if w.commitments:
            parts.append(_table(T.wave_commitments_table(w)))
        parts.append(_table(T.one_time_table(w, cur)))
        parts.append("<h4>Acceptance criteria before the next wave</h4>")
        parts.append(_list(T.acceptance(w, cur)))
        if w.latency:
            parts.append(_table(T.latency_table(w)))
        if w.utilisation:
            parts.append(_table(T.utilisation_table(w)))
        parts.append("</div>")
    parts.append("</section>")
    return "\n".join(parts)


def _analysis(model: ReportModel, plots: dict[str, str]) -> str:
    parts = [f'<section id="analysis"><h2>{SECTIONS["analysis"]}</h2>']
    if not model.analyses:
        parts.append(_p("No analysis results were given (--analysis RESULTS.json): no "
                        "scenarios, sensitivity, thresholds, risk, risk-averse plan or Pareto "
                        "front.", "note"))
    cur = model.currency
    counters: dict[str, int] = {}
    for a in model.analyses:
        i = counters.get(a.kind, 0)
        counters[a.kind] = i + 1
        if isinstance(a, ScenariosResult):
            parts.append(f'<h3 id="scenarios-{i}">Scenarios</h3>')
            parts.append(_table(T.scenarios_table(a, cur)))
        elif isinstance(a, SensitivityResult):
            parts.append(f'<h3 id="sensitivity-{i}">Sensitivity</h3>')
            parts.append(_figure(f"tornado-{i}", plots.get(f"tornado-{i}"),
                                 "NPV of the re-optimised plan with one multiplier at its low "
                                 "or high end, the others as in the instance; hatched: the "
                                 "recommended placement changes."))
            parts.append(_table(T.tornado_table(a, cur)))
        elif isinstance(a, ThresholdsResult):
            parts.append(f'<h3 id="thresholds-{i}">Decision thresholds</h3>')
            parts.append(_figure(f"thresholds-{i}", plots.get(f"thresholds-{i}"),
                                 "Grey: the range searched; diamond: the multiplier at which "
                                 "the recommendation changes; dashed: today (×1)."))
            parts.append(_table(T.thresholds_table(a)))
        elif isinstance(a, RiskResult):
            parts.append(f'<h3 id="risk-{i}">Risk (Monte Carlo)</h3>')
            parts.append(_figure(f"risk-{i}", plots.get(f"risk-{i}"),
                                 f"NPV of the plan over sampled futures; VaR: the NPV "
                                 f"{a.level:.0%} quantile; CVaR: the mean NPV of the worst "
                                 f"{1 - a.level:.0%} of samples."))
            parts.append(_table(T.risk_distributions_table(a)))
        elif isinstance(a, RiskAverseResult):
            parts.append(f'<h3 id="risk-averse-{i}">Risk-neutral vs risk-averse plan (CVaR)'
                         "</h3>")
            parts.append(_figure(f"risk-averse-{i}", plots.get(f"risk-averse-{i}"),
                                 "Each plan's NPV over the Monte Carlo draws: bar from P5 to "
                                 "P95, tick at the median, dot at the mean, diamond at the CVaR "
                                 f"(the mean of the worst {1 - a.level:.0%})."))
            parts.append(_table(T.risk_averse_table(a, cur)))
            parts.extend(_p(n) for n in T.risk_averse_notes(a, model.plan))
            if a.differences:
                parts.append(_table(T.risk_averse_differences_table(a)))
            parts.append(_table(T.risk_distributions_table(a)))
        elif isinstance(a, ParetoResult):
            parts.append(f'<h3 id="pareto-{i}">Pareto front</h3>')
            parts.append(_figure(f"pareto-{i}", plots.get(f"pareto-{i}"),
                                 f"Least NPV for each level of {a.versus}: every point is a "
                                 "plan no other plan beats on both."))
            parts.append(_table(T.pareto_table(a, cur)))
    parts.append("</section>")
    return "\n".join(parts)


def _assumptions(model: ReportModel) -> str:
    parts = [f'<section id="assumptions"><h2>{SECTIONS["assumptions"]}</h2>']
    parts.extend(_p(x) for x in assumption_notes(model))
    parts.extend(_table(t) for t in T.assumption_tables(model))
    parts.append("<h3>Methods</h3>")
    parts.append(_list(method_notes(model), "plain"))
    parts.append("</section>")
    return "\n".join(parts)


def render_html(model: ReportModel, plots: dict[str, str]) -> str:
    """The whole page."""
    plan = model.plan
    head_title, subtitle = title(model)
    nav = "".join(f'<a href="#{k}">{escape(v)}</a>' for k, v in SECTIONS.items())
    body = "\n".join([
        _summary(model), _costs(model, plots), _placement(model, plots), _units(model, plots),
        _waves(model), _analysis(model, plots), _assumptions(model),
    ])
    from placement import __version__

    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(head_title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{escape(head_title)}</h1><p>{escape(subtitle)}</p></header>\n"
        f'<nav id="toc">{nav}</nav>\n<main>\n{body}\n</main>\n'
        f"<footer>Produced by placement {escape(__version__)} from the plan of instance "
        f"'{escape(plan.instance)}'. Self-contained: no script, font or image is fetched."
        "</footer>\n</body>\n</html>\n"
    )
