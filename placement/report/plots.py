"""The report's plots: matplotlib figures, rendered to inline SVG strings (the HTML report)
or PNG bytes (the image files beside a Markdown report).

Figures are built with ``matplotlib.figure.Figure`` directly (no pyplot, no global
backend, no window): the SVG is written by matplotlib's vector backend, the same with
or without a display (Agg is never needed for SVG). Output is deterministic: a fixed
``svg.hashsalt`` per figure, no date in the metadata, text kept as SVG ``<text>``
(``svg.fonttype: none``: small files, searchable labels), element ids prefixed with the
figure's name so that several SVGs can share one HTML page. The SVG carries no
reference to any URL other than its XML namespaces.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib
import networkx as nx
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from placement.analysis.results import (
    ParetoResult,
    RiskResult,
    SensitivityResult,
    ThresholdsResult,
    TornadoRow,
)
from placement.analysis.risk import RiskAverseResult
from placement.costs import CATEGORY_LABELS
from placement.plan import Plan
from placement.report.model import ReportModel, analysis_ids
from placement.result import has_solution
from placement.schema import Instance

KIND_COLOURS = {"cloud": "#4c78a8", "edge": "#f58518", "onprem": "#54a24b"}
CATEGORY_COLOURS = {
    "rented": "#4c78a8", "capex": "#f58518", "maintenance": "#e45756", "energy": "#72b7b2",
    "egress": "#54a24b", "transfer": "#eeca3b", "site_fixed": "#b279a2",
    "activation": "#ff9da6", "migration": "#9d755d",
}
SERIES_COLOURS = (
    "#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#eeca3b", "#b279a2", "#ff9da6",
    "#9d755d", "#bab0ac", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
)
PLAN_COLOUR, BASELINE_COLOUR, MARK_COLOUR = "#1f5fa8", "#9a9a9a", "#c0392b"
LAYOUT_SEED = 7
PNG_DPI = 144  # figures are sized at 72 dpi: PNGs at twice that stay sharp on HiDPI screens

_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
    "font.size": 9.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10.0,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "legend.frameon": False,
    "legend.fontsize": 8.0,
    "path.simplify": True,
    # ids and names come from the instance: a '$' in them is text, never mathtext (an
    # unbalanced formula would raise, a balanced one would render as math)
    "text.parse_math": False,
}


@contextmanager
def _style(name: str) -> Iterator[None]:
    rc: Any = {**_RC, "svg.hashsalt": f"placement-report-{name}"}
    with matplotlib.rc_context(rc):
        yield


def to_svg(fig: Figure, name: str) -> str:
    """The figure as an inline ``<svg>`` element: no prolog, no metadata, ids prefixed."""
    buf = io.StringIO()
    with _style(name):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None},
                    bbox_inches="tight", pad_inches=0.08)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{name}-{m.group(1)}"', svg)
    svg = svg.replace('xlink:href="#', f'xlink:href="#{name}-').replace("url(#", f"url(#{name}-")
    svg = svg.replace("<svg ", f'<svg class="plot" role="img" aria-label="{name}" ', 1)
    # trailing spaces of matplotlib's path data: smaller, and no diff noise
    return re.sub(r" +\n", "\n", svg).strip() + "\n"


def to_png(fig: Figure, name: str, dpi: int = PNG_DPI) -> bytes:
    """The figure as PNG bytes (Agg backend; no Software or date metadata: the same figure
    gives the same bytes)."""
    buf = io.BytesIO()
    with _style(name):
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None},
                    bbox_inches="tight", pad_inches=0.08, facecolor="white")
    return buf.getvalue()


def short_money(x: float, _pos: object = None) -> str:
    a = abs(x)
    if a >= 1e9:
        return f"{x / 1e9:.3g}B"
    if a >= 1e6:
        return f"{x / 1e6:.3g}M"
    if a >= 1e3:
        return f"{x / 1e3:.3g}k"
    return f"{x:.3g}"


def _figure(width: float, height: float, name: str) -> Figure:
    with _style(name):
        return Figure(figsize=(width, height), dpi=72)


def _period_labels(plan: Plan) -> list[str]:
    return [f"{p.name}\nmonths {p.start_month:g}–{p.start_month + p.months:g}"
            for p in plan.periods]


def cumulative_cost_figure(plan: Plan) -> Figure | None:
    """Cumulative undiscounted cost by month, plan vs baseline, break-even month marked."""
    cc = plan.cumulative_cost
    if cc is None or not cc.plan:
        return None
    name = "cumulative-cost"
    with _style(name):
        fig = _figure(9.0, 4.2, name)
        ax = fig.add_subplot()
        months = list(range(1, len(cc.plan) + 1))
        ax.plot(months, cc.plan, color=PLAN_COLOUR, linewidth=2.2, label="plan", gid="plan-line")
        if cc.baseline:
            ax.plot(months, cc.baseline, color=BASELINE_COLOUR, linewidth=2.0, linestyle="--",
                    label="baseline (stay put)", gid="baseline-line")
        for p in plan.periods[1:]:
            ax.axvline(p.start_month + 0.5, color="#dddddd", linewidth=0.8, zorder=0)
        top = max([*cc.plan, *(cc.baseline or [])])
        for p in plan.periods:
            ax.text(p.start_month + 0.5 + 0.3, top * 1.02, p.name, fontsize=7.5, color="#666666",
                    va="bottom")
        be = plan.baseline.break_even_month if plan.baseline else None
        if be is not None and 1 <= be <= len(months):
            y = cc.plan[be - 1]
            ax.axvline(be, color=MARK_COLOUR, linewidth=1.2, linestyle=":", gid="break-even-line")
            ax.plot([be], [y], marker="o", markersize=7, color=MARK_COLOUR, gid="break-even-marker",
                    linestyle="none")
            ax.annotate(f"break-even: month {be}", xy=(be, y), xytext=(12, -18),
                        textcoords="offset points", color=MARK_COLOUR, fontweight="bold",
                        fontsize=9, gid="break-even-label",
                        arrowprops={"arrowstyle": "-", "color": MARK_COLOUR, "linewidth": 0.8})
        ax.set_xlim(0.5, len(months) + 0.5)
        ax.set_ylim(0, top * 1.12)
        ax.set_xlabel("month")
        ax.set_ylabel(f"cumulative cost ({plan.currency}, undiscounted)")
        ax.yaxis.set_major_formatter(FuncFormatter(short_money))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=16))
        ax.grid(axis="y", color="#eeeeee", linewidth=0.8)
        ax.legend(loc="lower right")
        ax.set_title("Cumulative cost by month: plan vs staying put")
        return fig


def cost_breakdown_figure(plan: Plan) -> Figure | None:
    """Stacked bars: undiscounted cost of each period by category."""
    if not plan.periods:
        return None
    name = "cost-breakdown"
    cats = [c for c in CATEGORY_LABELS if any(p.costs.get(c, 0.0) > 0 for p in plan.periods)]
    with _style(name):
        fig = _figure(9.0, 3.8, name)
        ax = fig.add_subplot()
        x = list(range(len(plan.periods)))
        bottom = [0.0] * len(x)
        for c in cats:
            vals = [p.costs.get(c, 0.0) for p in plan.periods]
            ax.bar(x, vals, bottom=bottom, width=0.6, color=CATEGORY_COLOURS[c],
                   label=CATEGORY_LABELS[c], gid=f"bar-{c}")
            bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
        for xi, total in zip(x, bottom, strict=True):
            ax.text(xi, total, short_money(total), ha="center", va="bottom", fontsize=8)
        ax.set_xticks(x, _period_labels(plan))
        ax.set_ylabel(f"{plan.currency}, undiscounted")
        ax.yaxis.set_major_formatter(FuncFormatter(short_money))
        ax.set_ylim(0, max(bottom or [1.0]) * 1.12 or 1.0)
        ax.grid(axis="y", color="#eeeeee", linewidth=0.8)
        ax.set_axisbelow(True)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
        ax.set_title("Cost per period by category")
        return fig


def units_over_time_figure(model: ReportModel) -> Figure | None:
    """Stacked bars: units per site and hardware in each period."""
    plan, series = model.plan, model.unit_series
    if not plan.periods or not series:
        return None
    name = "units-over-time"
    with _style(name):
        fig = _figure(9.0, 3.8, name)
        ax = fig.add_subplot()
        x = list(range(len(plan.periods)))
        bottom = [0.0] * len(x)
        for i, (label, vals) in enumerate(series.items()):
            colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
            bars = ax.bar(x, vals, bottom=bottom, width=0.6, color=colour, label=label,
                          edgecolor="white", linewidth=0.6)
            for rect, v in zip(bars, vals, strict=True):
                if v:
                    ax.text(rect.get_x() + rect.get_width() / 2,
                            rect.get_y() + rect.get_height() / 2, str(v), ha="center",
                            va="center", fontsize=7, color="white")
            bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
        ax.set_xticks(x, _period_labels(plan))
        ax.set_ylabel("units")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="y", color="#eeeeee", linewidth=0.8)
        ax.set_axisbelow(True)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), title="site / hardware",
                  title_fontsize=8)
        ax.set_title("Units per site and hardware over time")
        return fig


def _layout(inst: Instance) -> dict[str, tuple[float, float]]:
    """Positions of the network nodes: networkx's spring layout with a fixed seed, on a
    graph built in sorted order (so the same instance always gives the same picture)."""
    g = nx.Graph()
    nodes = sorted({s.node_id for s in inst.sites} | {w.origin for w in inst.workloads}
                   | {x for lk in inst.network.links for x in (lk.a, lk.b)})
    g.add_nodes_from(nodes)
    g.add_edges_from(sorted(tuple(sorted((lk.a, lk.b))) for lk in inst.network.links))
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    pos = nx.spring_layout(g, seed=LAYOUT_SEED, k=1.6 / math.sqrt(len(nodes)), iterations=200)
    return {n: (round(float(p[0]), 6), round(float(p[1]), 6)) for n, p in pos.items()}


def placement_map_figure(model: ReportModel) -> Figure | None:
    """Per period: the network, sites coloured by kind and sized by units, the workloads
    labelled at their sites (moves of the period in red)."""
    inst, plan = model.instance, model.plan
    if inst is None or not plan.periods:
        return None
    name = "placement-map"
    pos = _layout(inst)
    sites_at: dict[str, list[str]] = {}
    for s in inst.sites:
        sites_at.setdefault(s.node_id, []).append(s.id)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    site_pos: dict[str, tuple[float, float]] = {}
    for node, ids in sites_at.items():
        x0, y0 = pos[node]
        for j, sid in enumerate(sorted(ids)):
            off = (j - (len(ids) - 1) / 2) * 0.07 * span
            site_pos[sid] = (x0 + off, y0)
    kind = {s.id: s.kind for s in inst.sites}
    origins = sorted({w.origin for w in inst.workloads} - set(sites_at))
    n = len(plan.periods)
    cols = 1 if n == 1 else 2
    rows = math.ceil(n / cols)
    with _style(name):
        fig = _figure(6.2 * cols, 5.0 * rows, name)
        for i, period in enumerate(plan.periods):
            ax: Axes = fig.add_subplot(rows, cols, i + 1)
            for lk in sorted(inst.network.links, key=lambda lk: (lk.a, lk.b)):
                (x1, y1), (x2, y2) = pos[lk.a], pos[lk.b]
                ax.plot([x1, x2], [y1, y2], color="#d0d0d0", linewidth=0.9, zorder=1)
            for o in origins:
                ax.plot([pos[o][0]], [pos[o][1]], marker="s", markersize=5, color="#888888",
                        zorder=2, linestyle="none")
                ax.text(pos[o][0], pos[o][1] - 0.035 * span, o, fontsize=6.5, color="#666666",
                        ha="center", va="top", zorder=3)
            units: dict[str, int] = {}
            for u in period.units:
                units[u.site] = units.get(u.site, 0) + u.units
            here: dict[str, list[str]] = {}
            for a in period.assignments:
                here.setdefault(a.site, [])
                if a.workload not in here[a.site]:
                    here[a.site].append(a.workload)
            for sid in sorted(site_pos):
                x, y = site_pos[sid]
                nu = units.get(sid, 0)
                size = 40 + 55 * math.sqrt(nu)
                filled = nu > 0 or sid in here
                ax.scatter([x], [y], s=size, color=KIND_COLOURS[kind[sid]] if filled else "white",
                           edgecolors=KIND_COLOURS[kind[sid]], linewidths=1.4, zorder=4)
                ax.text(x, y + 0.04 * span, f"{sid} ({nu})" if nu else sid, fontsize=7,
                        fontweight="bold" if filled else "normal",
                        color="#222222" if filled else "#999999", ha="center", va="bottom",
                        zorder=5)
                ws = sorted(here.get(sid, []))
                for j, w in enumerate(ws):
                    moved = w in period.moves
                    ax.text(x, y - (0.045 + 0.045 * j) * span, ("→ " if moved else "") + w,
                            fontsize=6.5, color=MARK_COLOUR if moved else "#1b3a5c",
                            fontweight="bold" if moved else "normal", ha="center", va="top",
                            zorder=5)
            ax.set_title(f"{period.name} (months {period.start_month:g}–"
                         f"{period.start_month + period.months:g})"
                         + (f": {len(period.moves)} move{'s' if len(period.moves) != 1 else ''}"
                            if period.moves else ": no moves"))
            ax.set_xlim(min(xs) - 0.18 * span, max(xs) + 0.18 * span)
            ax.set_ylim(min(ys) - 0.22 * span, max(ys) + 0.12 * span)
            ax.set_axis_off()
        handles = [
            Line2D([], [], marker="o", linestyle="none", color=c, markersize=8, label=k)
            for k, c in KIND_COLOURS.items()
        ] + [
            Line2D([], [], marker="s", linestyle="none", color="#888888", markersize=5,
                   label="users (origin)"),
            Line2D([], [], marker="o", linestyle="none", markerfacecolor="white",
                   markeredgecolor="#888888", markersize=8, label="site unused"),
            Patch(color=MARK_COLOUR, label="→ moves in this period"),
        ]
        fig.legend(handles=handles, loc="lower center", ncol=6, fontsize=8,
                   bbox_to_anchor=(0.5, 0.0))
        fig.tight_layout(rect=(0, 0.04, 1, 1))
        return fig


def tornado_figure(result: SensitivityResult, currency: str, index: int = 0) -> Figure | None:
    """One-at-a-time sensitivity: NPV at the low and high multiplier per parameter."""
    rows = [r for r in result.rows if r.npv_low is not None or r.npv_high is not None]
    if not rows:
        return None
    base = result.base_npv

    def swing(r: TornadoRow) -> float:
        lo = r.npv_low if r.npv_low is not None else base
        hi = r.npv_high if r.npv_high is not None else base
        return max(abs(lo - base), abs(hi - base))

    rows.sort(key=lambda r: (swing(r), r.parameter))
    name = f"tornado-{index}"
    with _style(name):
        fig = _figure(9.0, 0.9 + 0.42 * len(rows), name)
        ax = fig.add_subplot()
        for y, r in enumerate(rows):
            for value, colour, changes in ((r.npv_low, "#4c78a8", r.changes_low),
                                           (r.npv_high, "#e45756", r.changes_high)):
                if value is None:
                    continue
                ax.barh(y, value - base, left=base, height=0.6, color=colour,
                        hatch="//" if changes else None,
                        edgecolor="#333333" if changes else "white",
                        linewidth=0.5)
        ax.axvline(base, color="#333333", linewidth=1.0)
        ax.set_yticks(range(len(rows)),
                      [f"{r.parameter} ×{r.low:g} / ×{r.high:g}" for r in rows])
        ax.xaxis.set_major_formatter(FuncFormatter(short_money))
        ax.set_xlabel(f"NPV of the plan ({currency}); base {short_money(base)}")
        ax.legend(handles=[Patch(color="#4c78a8", label="low multiplier"),
                           Patch(color="#e45756", label="high multiplier"),
                           Patch(facecolor="white", edgecolor="#333333", hatch="//",
                                 label="placement changes")],
                  loc="lower right")
        ax.set_title(f"Sensitivity (tornado): ±{result.delta:.0%} one at a time")
        return fig


def thresholds_figure(result: ThresholdsResult, index: int = 0) -> Figure | None:
    """Per parameter and direction: the multiplier at which the recommendation changes."""
    rows = list(result.rows)
    if not rows:
        return None
    name = f"thresholds-{index}"
    with _style(name):
        fig = _figure(9.0, 0.9 + 0.42 * len(rows), name)
        ax = fig.add_subplot()
        for y, r in enumerate(rows):
            lo, hi = r.searched
            ax.plot([lo, hi], [y, y], color="#cccccc", linewidth=5, solid_capstyle="butt")
            if r.threshold is not None:
                ax.plot([r.threshold], [y], marker="D", color=MARK_COLOUR, markersize=7,
                        linestyle="none")
                ax.annotate(f"×{r.threshold:.3g}", xy=(r.threshold, y), xytext=(6, 4),
                            textcoords="offset points", fontsize=8, color=MARK_COLOUR)
            else:
                ax.text(hi, y, "  no change in range", va="center", fontsize=7.5, color="#666666")
        ax.axvline(1.0, color="#333333", linewidth=0.8, linestyle="--")
        ax.set_yticks(range(len(rows)), [f"{r.parameter} ({r.direction})" for r in rows])
        ax.set_ylim(-0.7, len(rows) - 0.3)
        ax.set_xlabel("multiplier of today's figure (1 = as in the instance)")
        ax.set_title("Decision thresholds: where the recommended placement changes")
        return fig


def risk_histogram_figure(result: RiskResult, currency: str, index: int = 0) -> Figure | None:
    """Monte Carlo NPV histogram of the plan (and baseline), VaR and CVaR marked."""
    if not result.plan_npvs:
        return None
    name = f"risk-{index}"
    lvl = f"{result.level:.0%}"
    with _style(name):
        fig = _figure(9.0, 3.8, name)
        ax = fig.add_subplot()
        values = [*result.plan_npvs, *result.baseline_npvs]
        lo, hi = min(values), max(values)
        if hi - lo < 1e-9:
            lo, hi = lo - 1.0, hi + 1.0
        bins = [lo + (hi - lo) * i / 40 for i in range(41)]
        ax.hist(result.plan_npvs, bins=bins, color=PLAN_COLOUR, alpha=0.75, label="plan")
        if result.baseline_npvs:
            ax.hist(result.baseline_npvs, bins=bins, color=BASELINE_COLOUR, alpha=0.55,
                    label="baseline (stay put)")
        ax.axvline(result.plan.var, color=MARK_COLOUR, linestyle="--", linewidth=1.4,
                   label=f"VaR {lvl}: {short_money(result.plan.var)}", gid="var-line")
        ax.axvline(result.plan.cvar, color="#7b241c", linestyle=":", linewidth=1.6,
                   label=f"CVaR {lvl}: {short_money(result.plan.cvar)}", gid="cvar-line")
        ax.xaxis.set_major_formatter(FuncFormatter(short_money))
        ax.set_xlabel(f"NPV ({currency}); lower is better")
        ax.set_ylabel("samples")
        ax.legend(loc="upper right")
        ax.set_title(f"Monte Carlo NPV, {result.samples} samples (seed {result.seed})")
        return fig


def pareto_front_figure(result: ParetoResult, currency: str, index: int = 0) -> Figure | None:
    """The trade-off: NPV against mean latency or energy, one point per solved plan."""
    label = "mean latency (ms)" if result.versus == "latency" else "energy (kWh)"
    pts = []
    for p in result.points:
        x = p.mean_latency_ms if result.versus == "latency" else p.energy_kwh
        if x is not None and has_solution(p.status):
            pts.append((x, p.npv))
    if not pts:
        return None
    pts.sort()
    name = f"pareto-{index}"
    with _style(name):
        fig = _figure(7.5, 4.2, name)
        ax = fig.add_subplot()
        ax.plot([p[0] for p in pts], [p[1] for p in pts], color=PLAN_COLOUR, linewidth=1.2,
                marker="o", markersize=6, drawstyle="default")
        ax.yaxis.set_major_formatter(FuncFormatter(short_money))
        ax.set_xlabel(label)
        ax.set_ylabel(f"NPV ({currency})")
        ax.grid(color="#eeeeee", linewidth=0.8)
        ax.set_title(f"Pareto front: NPV vs {result.versus}")
        return fig


def risk_averse_figure(result: RiskAverseResult, currency: str, index: int = 0) -> Figure | None:
    """Risk-neutral vs risk-averse plan: each plan's Monte Carlo NPV range (P5–P95), median,
    mean and CVaR, out of sample."""
    rows = [p for p in (result.neutral, result.averse) if p.monte_carlo is not None]
    if not rows:
        return None
    name = f"risk-averse-{index}"
    lvl = f"{result.level:.0%}"
    with _style(name):
        fig = _figure(9.0, 1.4 + 0.7 * len(rows), name)
        ax = fig.add_subplot()
        for y, p in enumerate(rows):
            mc = p.monte_carlo
            assert mc is not None
            colour = PLAN_COLOUR if p.label == "risk-neutral" else "#e45756"
            ax.plot([mc.p5, mc.p95], [y, y], color=colour, linewidth=6, alpha=0.35,
                    solid_capstyle="butt")
            ax.plot([mc.p50], [y], marker="|", markersize=16, color=colour, linestyle="none")
            ax.plot([mc.mean], [y], marker="o", markersize=6, color=colour, linestyle="none")
            ax.plot([mc.cvar], [y], marker="D", markersize=7, color=MARK_COLOUR,
                    linestyle="none")
        ax.set_yticks(range(len(rows)), [p.label for p in rows])
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.xaxis.set_major_formatter(FuncFormatter(short_money))
        ax.set_xlabel(f"NPV ({currency}) over {result.samples} Monte Carlo draws; lower is "
                      "better")
        ax.grid(axis="x", color="#eeeeee", linewidth=0.8)
        ax.legend(handles=[
            Line2D([], [], color="#888888", linewidth=6, alpha=0.35, label="P5–P95"),
            Line2D([], [], color="#888888", marker="|", markersize=12, linestyle="none",
                   label="median"),
            Line2D([], [], color="#888888", marker="o", linestyle="none", label="mean"),
            Line2D([], [], color=MARK_COLOUR, marker="D", linestyle="none",
                   label=f"CVaR {lvl}"),
        ], loc="upper left", bbox_to_anchor=(1.01, 1.0))
        ax.set_title(f"Risk-neutral vs risk-averse plan (weight {result.weight:g} on CVaR "
                     f"{lvl})")
        return fig


def all_figures(model: ReportModel) -> dict[str, Figure]:
    """Every figure of the report by its id (absent: nothing to draw), in page order."""
    plan = model.plan
    out: dict[str, Figure | None] = {}
    if plan.has_solution:
        out["cumulative-cost"] = cumulative_cost_figure(plan)
        out["cost-breakdown"] = cost_breakdown_figure(plan)
        out["placement-map"] = placement_map_figure(model)
        out["units-over-time"] = units_over_time_figure(model)
    for fig_id, a in analysis_ids(model):
        index = int(fig_id.rsplit("-", 1)[1])
        if isinstance(a, SensitivityResult):
            out[fig_id] = tornado_figure(a, plan.currency, index)
        elif isinstance(a, ThresholdsResult):
            out[fig_id] = thresholds_figure(a, index)
        elif isinstance(a, RiskResult):
            out[fig_id] = risk_histogram_figure(a, plan.currency, index)
        elif isinstance(a, RiskAverseResult):
            out[fig_id] = risk_averse_figure(a, plan.currency, index)
        elif isinstance(a, ParetoResult):
            out[fig_id] = pareto_front_figure(a, plan.currency, index)
    return {k: v for k, v in out.items() if v is not None}


def all_plots(model: ReportModel) -> dict[str, str]:
    """Every plot of the report as inline SVG, by its figure id."""
    return {k: to_svg(f, k) for k, f in all_figures(model).items()}


def all_pngs(model: ReportModel) -> dict[str, bytes]:
    """Every plot of the report as PNG bytes, by its figure id."""
    return {k: to_png(f, k) for k, f in all_figures(model).items()}


def _svg(fig: Figure | None, name: str) -> str | None:
    return None if fig is None else to_svg(fig, name)


def cumulative_cost(plan: Plan) -> str | None:
    """Cumulative undiscounted cost by month, as SVG (see ``cumulative_cost_figure``)."""
    return _svg(cumulative_cost_figure(plan), "cumulative-cost")


def cost_breakdown(plan: Plan) -> str | None:
    return _svg(cost_breakdown_figure(plan), "cost-breakdown")


def units_over_time(model: ReportModel) -> str | None:
    return _svg(units_over_time_figure(model), "units-over-time")


def placement_map(model: ReportModel) -> str | None:
    return _svg(placement_map_figure(model), "placement-map")


def tornado(result: SensitivityResult, currency: str, index: int = 0) -> str | None:
    return _svg(tornado_figure(result, currency, index), f"tornado-{index}")


def thresholds(result: ThresholdsResult, index: int = 0) -> str | None:
    return _svg(thresholds_figure(result, index), f"thresholds-{index}")


def risk_histogram(result: RiskResult, currency: str, index: int = 0) -> str | None:
    return _svg(risk_histogram_figure(result, currency, index), f"risk-{index}")


def pareto_front(result: ParetoResult, currency: str, index: int = 0) -> str | None:
    return _svg(pareto_front_figure(result, currency, index), f"pareto-{index}")


__all__: Sequence[str] = (
    "all_figures", "all_plots", "all_pngs", "cost_breakdown", "cumulative_cost",
    "pareto_front", "placement_map", "risk_averse_figure", "risk_histogram", "thresholds",
    "to_png", "to_svg", "tornado", "units_over_time",
)
