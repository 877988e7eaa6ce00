"""Planners' analyses: what-if overrides, scenarios, sensitivity, thresholds, risk, Pareto
fronts and infeasibility repair. Results are the models of ``results``."""
