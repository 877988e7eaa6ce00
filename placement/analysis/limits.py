"""The bounds of the analyses' sizes, shared by the library (which refuses values outside
them) and the CLI (which refuses them while parsing the command line): no argument makes
an analysis run for ever or allocate without bound."""

from __future__ import annotations

from placement.executor import MAX_WORKERS as MAX_WORKERS  # parallel solves on this machine

MAX_POINTS = 200  # solves along a Pareto front
MAX_SAMPLES = 1_000_000  # Monte Carlo draws (risk): ~0.5 GB and a 40 MB result at most
MAX_RISK_SCENARIOS = 1000  # sampled scenarios in the risk-averse MILP
MAX_SEED = 2**32 - 1

#: thresholds: the searched range's upper end, at most this multiplier of today's figures
MAX_HIGH = 100.0
#: thresholds: the narrowest bracket a bisection aims for (multiplier units)
MIN_TOLERANCE = 1e-6
#: thresholds: bisection rounds at most, whatever the range and tolerance (a bracket of
#: 100 shrinks below 1e-6 in 27); a bracket floating point cannot split also stops
MAX_ROUNDS = 60

#: risk: the largest multiplier a distribution may be centred on or reach (x today's figures)
MAX_MULTIPLIER = 100.0
#: risk: the widest lognormal (sigma 2: a 95% band of x/÷ 50; wider overflows the costs)
MAX_SIGMA = 2.0
