"""Pareto fronts: NPV against demand-weighted mean latency, or against energy use.

The second objective is one of (both linear in the MILP's variables):

- **latency** — the demand-weighted mean latency over the horizon's requests, in ms::

      L = sum_k q_k x latency_k x x_k / Q,     q_k = (d_wp / R_w) x load_factor_w x m_p,
      Q = sum_{w,p} d_wp x load_factor_w x m_p

  where k is a candidate (workload w, site, hardware, variant, period p), latency_k =
  2 x path latency + the profile's latency (the plan's ``latency_ms``), and q_k the
  requests the replica serves over the period (each of the R_w replicas takes d/R of the
  traffic, as in the spec's traffic volumes). Q is a constant because every workload
  runs exactly R_w replicas in every period, so L is a true weighted mean. When no
  workload has any demand, q_k = m_p / R_w (a time-weighted mean).

- **energy** — kWh drawn by the owned units in service over the horizon, PUE included::

      E = sum_{s, h owned, p} owned(s,h,p) x power_w / 1000 x 730 x m_p x pue(s)

  (rented units draw on the provider's power and are not counted; existing units count).

The sweep is the epsilon-constraint method, every solve a MILP of ``placement.milp``
with an extra (``build(..., extras=...)``):

1. in parallel: minimise NPV (the front's cheap end, and the largest second objective
   f_max), and minimise the second objective (f_min);
2. in parallel: the two ends made lexicographic (minimise f subject to NPV <= NPV*,
   minimise NPV subject to f <= f_min) and the interior points: for
   eps_i = f_min + i / (n - 1) x (f_max - f_min), i = 1 .. n-2, minimise NPV subject
   to f <= eps_i (plus a tie-break term worth at most half a cent, so that of plans with
   equal NPV the one with the lower f is found).

Points that are dominated by another point, or duplicate one (equal NPV to a cent and
equal f), are dropped. Each point carries its plan JSON (with the stay-put baseline,
solved once). Failed or infeasible solves are reported as such, never lose the others.

The modules: ``objectives`` (L and E as linear expressions, of a schedule and of a plan;
the ``EpsilonExtra`` that bounds or minimises them), ``sweep`` (the two rounds of solves,
``pareto``) and ``front`` (the non-dominated points). Every name is importable from here.
"""

from placement.analysis.pareto.front import non_dominated
from placement.analysis.pareto.objectives import (
    EpsilonExtra,
    Versus,
    energy_kwh,
    energy_objective,
    latency_objective,
    mean_latency_ms,
    second_objective,
)
from placement.analysis.pareto.sweep import TIEBREAK_MONEY, ParetoAnalysis, pareto

__all__ = [
    "TIEBREAK_MONEY",
    "EpsilonExtra",
    "ParetoAnalysis",
    "Versus",
    "energy_kwh",
    "energy_objective",
    "latency_objective",
    "mean_latency_ms",
    "non_dominated",
    "pareto",
    "second_objective",
]
