"""The generator's bounds: the sizes it accepts and the caps that keep every figure realistic
at any size (docs/cli.md, ``placement generate``).

Below these caps the figures are those of the original generator, draw for draw: the caps
only bind where it used to produce unrealistic figures (many periods, huge estates).
"""

from __future__ import annotations

MAX_WORKLOADS = 100_000
MAX_SITES = 10_000
MAX_PERIODS = 400
MAX_SEED = 2**63 - 1

# The horizon: pilot 3 months, waves of 6 / 9 / 12 months, a steady period of 24 months.
# When that would exceed MAX_HORIZON_MONTHS (from about 50 periods on), the waves are
# shortened (1 month at least) so the whole horizon fits: a 400-period plan is monthly.
MAX_HORIZON_MONTHS = 600
# Demand grows 0-50% a period and saturates at MAX_GROWTH x its first-period peak
# (first binds from period 9 on; at most 600 x 20 = 12,000 rps for one workload).
MAX_GROWTH = 20.0
# A region's quota for one rented hardware is left off (no cap) rather than set above this.
MAX_QUOTA_UNITS = 100_000


def check_sizes(workloads: int, sites: int, periods: int, seed: int) -> None:
    """Raise ValueError, saying which bound, when a size or the seed is out of range."""
    for name, value, most in (("workloads", workloads, MAX_WORKLOADS),
                              ("sites", sites, MAX_SITES), ("periods", periods, MAX_PERIODS)):
        if not 1 <= value <= most:
            raise ValueError(f"{name} must be between 1 and {most:,}, got {value:,}")
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be between 0 and {MAX_SEED:,}, got {seed:,}")
