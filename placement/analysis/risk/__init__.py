"""Risk: Monte Carlo over cost multipliers for a fixed plan, and a risk-averse plan (CVaR).

- ``distributions``: a distribution per multiplier key (triangular, lognormal, fixed), the
  default set and the distributions file;
- ``sampling``: seeded draws of the multipliers, and the cost categories each one scales;
- ``montecarlo``: a fixed plan's NPV (and its baseline's) over the draws, without
  re-solving, and its statistics (mean, P5/P50/P95, VaR, CVaR) — ``risk``;
- ``cvar``: the risk-averse plan, a MILP minimising a weighted sum of expected NPV and
  CVaR over sampled scenarios (Rockafellar–Uryasev), against the risk-neutral plan —
  ``risk_averse``.

Every name is importable from here (``from placement.analysis.risk import risk``).
"""

from placement.analysis.risk.cvar import (
    CVaRExtra,
    PlanRisk,
    RiskAverseResult,
    differences,
    placements_of,
    risk_averse,
    rockafellar_uryasev,
)
from placement.analysis.risk.distributions import (
    DEFAULT_DISTRIBUTIONS,
    Distribution,
    DistributionsFile,
    Fixed,
    Lognormal,
    MultiplierKey,
    Triangular,
    load_distributions,
    parse_distributions,
)
from placement.analysis.risk.montecarlo import (
    CostProfile,
    NoPlanError,
    RiskAnalysis,
    cost_profile,
    risk,
    schedule_of,
    stats,
)
from placement.analysis.risk.sampling import (
    CATEGORY_KEYS,
    category_factors,
    sample_multipliers,
    scenario_factors,
)
from placement.analysis.shortfall import demand_headroom

__all__ = [
    "CATEGORY_KEYS",
    "DEFAULT_DISTRIBUTIONS",
    "CVaRExtra",
    "CostProfile",
    "Distribution",
    "DistributionsFile",
    "Fixed",
    "Lognormal",
    "MultiplierKey",
    "NoPlanError",
    "PlanRisk",
    "RiskAnalysis",
    "RiskAverseResult",
    "Triangular",
    "category_factors",
    "cost_profile",
    "demand_headroom",
    "differences",
    "load_distributions",
    "parse_distributions",
    "placements_of",
    "risk",
    "risk_averse",
    "rockafellar_uryasev",
    "sample_multipliers",
    "scenario_factors",
    "schedule_of",
    "stats",
]
