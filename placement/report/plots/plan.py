"""The plan's figures over time: cumulative cost against staying put, cost per period by
category, and units per site and hardware."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from placement.costs import CATEGORY_LABELS
from placement.plan import Plan
from placement.report.model import ReportModel
from placement.report.plots.render import (
    BASELINE_COLOUR,
    CATEGORY_COLOURS,
    MARK_COLOUR,
    PLAN_COLOUR,
    SERIES_COLOURS,
    figure,
    period_labels,
    short_money,
    style,
)


def cumulative_cost_figure(plan: Plan) -> Figure | None:
    """Cumulative undiscounted cost by month, plan vs baseline, break-even month marked."""
    cc = plan.cumulative_cost
    if cc is None or not cc.plan:
        return None
    name = "cumulative-cost"
    with style(name):
        fig = figure(9.0, 4.2, name)
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
    with style(name):
        fig = figure(9.0, 3.8, name)
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
        ax.set_xticks(x, period_labels(plan))
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
    with style(name):
        fig = figure(9.0, 3.8, name)
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
        ax.set_xticks(x, period_labels(plan))
        ax.set_ylabel("units")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="y", color="#eeeeee", linewidth=0.8)
        ax.set_axisbelow(True)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), title="site / hardware",
                  title_fontsize=8)
        ax.set_title("Units per site and hardware over time")
        return fig
