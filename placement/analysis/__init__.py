"""Planners' analyses: what-if overrides, scenarios, sensitivity, thresholds, risk, Pareto
fronts and infeasibility repair. Results are the models of ``results``."""

from placement.analysis.multipliers import scale_instance
from placement.analysis.overrides import apply_overrides

__all__ = ["apply_overrides", "scale_instance"]
