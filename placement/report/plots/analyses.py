"""The figures of analysis results: sensitivity (tornado), decision thresholds, Monte Carlo
risk, risk-neutral vs risk-averse plan, and the Pareto front."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from placement.analysis.results import (
    ParetoResult,
    RiskResult,
    SensitivityResult,
    ThresholdsResult,
    TornadoRow,
)
from placement.analysis.risk import RiskAverseResult
from placement.report.plots.render import (
    BASELINE_COLOUR,
    MARK_COLOUR,
    PLAN_COLOUR,
    figure,
    short_money,
    style,
)
from placement.result import has_solution


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
    with style(name):
        fig = figure(9.0, 0.9 + 0.42 * len(rows), name)
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
    with style(name):
        fig = figure(9.0, 0.9 + 0.42 * len(rows), name)
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
    with style(name):
        fig = figure(9.0, 3.8, name)
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
    with style(name):
        fig = figure(7.5, 4.2, name)
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
    with style(name):
        fig = figure(9.0, 1.4 + 0.7 * len(rows), name)
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
