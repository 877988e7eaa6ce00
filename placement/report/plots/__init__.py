"""The report's plots: matplotlib figures, rendered to inline SVG strings (the HTML report)
or PNG bytes (the image files beside a Markdown report).

- ``render``: the style, the colours, and the output as SVG or PNG (deterministic);
- ``plan``: the plan's figures over time (cumulative cost, cost per period, units);
- ``placement_map``: the placement map, one panel per period;
- ``analyses``: the figures of analysis results (tornado, thresholds, risk, Pareto).

Here: every figure of a report by its id, as SVG or PNG, and each plot as SVG.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from placement.analysis.results import (
    ParetoResult,
    RiskResult,
    SensitivityResult,
    ThresholdsResult,
)
from placement.analysis.risk import RiskAverseResult
from placement.plan import Plan
from placement.report.model import ReportModel, analysis_ids
from placement.report.plots.analyses import (
    pareto_front_figure,
    risk_averse_figure,
    risk_histogram_figure,
    thresholds_figure,
    tornado_figure,
)
from placement.report.plots.placement_map import placement_map_figure
from placement.report.plots.plan import (
    cost_breakdown_figure,
    cumulative_cost_figure,
    units_over_time_figure,
)
from placement.report.plots.render import short_money, to_png, to_svg


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
    "all_figures", "all_plots", "all_pngs", "cost_breakdown", "cost_breakdown_figure",
    "cumulative_cost", "cumulative_cost_figure", "pareto_front", "pareto_front_figure",
    "placement_map", "placement_map_figure", "risk_averse_figure", "risk_histogram",
    "risk_histogram_figure", "short_money", "thresholds", "thresholds_figure", "to_png",
    "to_svg", "tornado", "tornado_figure", "units_over_time", "units_over_time_figure",
)
