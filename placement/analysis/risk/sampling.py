"""Drawing the multipliers, and the cost categories each one scales.

A sample draws one multiplier per key of ``MULTIPLIER_KEYS`` (from its distribution, see
``distributions``; a key without one: 1); the keys scale the plan's cost categories:

================  =============================================================
key               scales
================  =============================================================
``rented``        ``rented``
``capex``         ``capex``, and the ``residual`` value credit (a share of capex)
``maintenance``   ``maintenance``
``energy``        ``energy``
``egress``        ``egress``
``transfer``      ``transfer``
``demand``        ``egress`` and ``transfer`` (traffic volumes)
``labour``        ``site_fixed``
``activation``    ``activation``
``migration``     ``migration``
``committed``     ``committed``
``spot``          ``spot``
``carbon_price``  ``carbon``
================  =============================================================

``price_trend`` scales no category: it multiplies the on-demand and spot prices of
period p by g^(t_p / 12), a different factor in each period, which one factor per
category (this view, and the risk-averse MILP's) cannot express. Risk therefore does not
sample it: a distribution for it is refused (``distributions.UNSAMPLED``), and so is a
given scenario with ``price_trend`` other than 1. Its draws (always 1) keep their stream.

This is what ``placement.analysis.multipliers.scale_instance`` does to a fixed plan's
costs. A category's factor f_cat is the product of the multipliers scaling it
(``CATEGORY_KEYS``, ``category_factors``).

**Sampling** is reproducible: key i of ``MULTIPLIER_KEYS`` draws from its own stream
``SeedSequence([seed, stream]).spawn(len(MULTIPLIER_KEYS))[i]`` (stream 0: Monte Carlo,
1: the MILP's scenarios), so adding a distribution for one key never changes another
key's draws. Child i of a spawn does not depend on how many are spawned, and new keys
are appended to ``MULTIPLIER_KEYS``, so the v1 keys (i < 10) draw as they did before the
v2 keys were added.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from placement.analysis.results import MULTIPLIER_KEYS
from placement.analysis.risk.distributions import UNSAMPLED, Dists
from placement.errors import InstanceError, Problem
from placement.milp.objective import NPV_CATEGORIES

#: Which multiplier keys scale each NPV category (their product).
CATEGORY_KEYS: dict[str, tuple[str, ...]] = {
    "rented": ("rented",),
    "capex": ("capex",),
    "maintenance": ("maintenance",),
    "energy": ("energy",),
    "egress": ("egress", "demand"),
    "transfer": ("transfer", "demand"),
    "site_fixed": ("labour",),
    "activation": ("activation",),
    "migration": ("migration",),
    "committed": ("committed",),
    "spot": ("spot",),
    # no multiplier of their own (issue 16 item 4 adds none): unscaled
    "license": (),
    "updates": (),
    "deploy": (),
    "carbon": ("carbon_price",),
    "residual": ("capex",),
}
assert set(CATEGORY_KEYS) == set(NPV_CATEGORIES)


def sample_multipliers(
    dists: Dists, n: int, seed: int, stream: int = 0
) -> dict[str, np.ndarray]:
    """n draws of every multiplier key (keys without a distribution: ones)."""
    children = np.random.SeedSequence([seed, stream]).spawn(len(MULTIPLIER_KEYS))
    out = {}
    for key, child in zip(MULTIPLIER_KEYS, children, strict=True):
        dist = dists.get(key)
        out[key] = np.ones(n) if dist is None else dist.sample(np.random.default_rng(child), n)
    return out


def category_factors(mults: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """f_cat = the product of the multipliers scaling each NPV category."""
    out = {}
    for cat, keys in CATEGORY_KEYS.items():
        f = np.ones_like(next(iter(mults.values())))
        for key in keys:
            f = f * mults[key]
        out[cat] = f
    return out


def _rows(arrays: Mapping[str, np.ndarray], keys: Sequence[str], k: int
          ) -> list[dict[str, float]]:
    """Arrays of k values by key → k rows {key: value}."""
    return [{key: float(arrays[key][i]) for key in keys} for i in range(k)]


def scenario_factors(
    dists: Dists, k: int, seed: int
) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """K scenarios (stream 1): their multipliers and their category factors."""
    mults = sample_multipliers(dists, k, seed, stream=1)
    facs = category_factors(mults)
    return _rows(mults, MULTIPLIER_KEYS, k), _rows(facs, NPV_CATEGORIES, k)


def given_scenario_factors(
    scenarios: Sequence[Mapping[str, float]],
) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """Scenarios given as multipliers {key: value} (a key left out: 1): their multipliers
    and their category factors. Raises InstanceError for an unknown key or no scenario."""
    mults = []
    for i, s in enumerate(scenarios):
        bad = sorted(set(s) - set(MULTIPLIER_KEYS))
        if bad:
            raise InstanceError([Problem(f"scenarios[{i}].{k}", "unknown multiplier key")
                                 for k in bad])
        unsampled = [k for k in UNSAMPLED if float(s.get(k, 1.0)) != 1.0]
        if unsampled:
            raise InstanceError([Problem(f"scenarios[{i}].{k}", UNSAMPLED[k])
                                 for k in unsampled])
        mults.append({k: float(s.get(k, 1.0)) for k in MULTIPLIER_KEYS})
    arrays = {k: np.array([s[k] for s in mults]) for k in MULTIPLIER_KEYS}
    facs = _rows(category_factors(arrays), NPV_CATEGORIES, len(mults))
    if not facs:
        raise InstanceError([Problem("scenarios", "no scenario given")])
    return mults, facs
