"""The MILP against the exhaustive optimiser (tests/brute_force.py) on random tiny
instances with spot pools and carbon (PROBLEM-v2.md sections 3 and 7): v1's random
instances (``test_brute_force.generate``) plus, from a second seeded generator, spot on
rented offers, interruptible workloads (some running on spot today), carbon intensities
(scalar or per period), power and embodied emissions, a carbon price and carbon caps.

The plan's NPV equals the brute-force minimum, the evaluator accepts it, and the
baseline (solved without caps) equals the brute force's pinned minimum.
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

N_SEEDS = 200
CBC_SEEDS = 20


def add_spot_and_carbon(inst: dict[str, Any], seed: int) -> dict[str, Any]:
    """``inst`` with spot pools and carbon drawn from a generator of its own."""
    rng = random.Random(10_000 + seed)
    n = len(inst["horizon"]["periods"])
    rented = {h["id"] for h in inst["hardware"] if h["kind"] == "rented"}
    for hw in inst["hardware"]:
        if rng.random() < 0.7:
            hw["power_w"] = rng.choice((200, 700, 1500))
        if hw["kind"] == "owned" and rng.random() < 0.5:
            hw["embodied_t"] = rng.choice((0.5, 2.0))
    for off in inst["offers"]:
        if off["hardware"] in rented and rng.random() < 0.6:
            spot: dict[str, Any] = {"price_per_hour": rng.choice((0.05, 0.2, 0.6))}
            if rng.random() < 0.3:
                spot["price_per_hour"] = [rng.choice((0.05, 0.2, 1.0)) for _ in range(n)]
            if rng.random() < 0.5:
                spot["max_units"] = rng.randint(0, 3)
            if rng.random() < 0.5:
                spot["interruption_overhead"] = rng.choice((0.1, 0.5))
            off["spot"] = spot
    spots = {(o["site"], o["hardware"]) for o in inst["offers"] if "spot" in o}
    for w in inst["workloads"]:
        if rng.random() < 0.6:
            w["interruptible"] = True
            current = w.get("current")
            rows = [current] if isinstance(current, dict) else current or []
            for row in rows:
                if (row["site"], row["hardware"]) in spots and rng.random() < 0.5:
                    row["market"] = "spot"
    for site in inst["sites"]:
        if rng.random() < 0.7:
            site["carbon_g_per_kwh"] = rng.choice((50, 400, 900))
            if rng.random() < 0.3:
                site["carbon_g_per_kwh"] = [rng.choice((0, 300, 900)) for _ in range(n)]
    if rng.random() < 0.6:
        inst.setdefault("policy", {})["carbon_price_per_t"] = rng.choice((20, 100, 1000))
    for period in inst["horizon"]["periods"]:
        if rng.random() < 0.4:
            period["carbon_cap_t"] = rng.choice((0, 0.2, 0.6, 2.0))
    inst["name"] = f"spot-carbon-{seed}"
    return inst


@functools.cache
def sized(seed: int) -> tuple[dict[str, Any], Any, Any]:
    return fit(lambda seed, shrink: add_spot_and_carbon(generate(seed, shrink), seed), seed)


def agrees(inst: dict[str, Any], best: Any, options: SolveOptions) -> Any:
    """The plan of ``inst`` solved with ``options``: infeasible when the brute force finds
    no plan, else optimal at its NPV and accepted by the evaluator. None when infeasible."""
    plan = solve(load_instance(inst), options)
    if best is None:
        assert plan.status == "infeasible", _describe(inst, best) + f"\nplan npv {plan.npv}"
        return None
    assert plan.status == "optimal", _describe(inst, best) + f"\n{plan.status} {plan.message}"
    assert _close(plan.npv, best.npv), _describe(inst, best) + f"\nnpv {plan.npv}"
    assert evaluate(inst, plan.to_dict()).violations == []
    return plan


@pytest.mark.parametrize("seed", range(N_SEEDS))
def test_spot_and_carbon_match_brute_force(seed: int) -> None:
    inst, best, base = sized(seed)
    plan = agrees(inst, best, SolveOptions(gap=1e-9))
    if plan is None:
        return
    assert plan.baseline is not None
    if base is None:
        assert plan.baseline.status == "infeasible", _describe(inst, base)
    else:
        assert plan.baseline.status == "optimal", _describe(inst, base)
        assert _close(plan.baseline.npv, base.npv), (
            _describe(inst, base) + f"\nbaseline npv {plan.baseline.npv}"
        )


@pytest.mark.parametrize("seed", range(0, N_SEEDS, N_SEEDS // CBC_SEEDS))
def test_cbc_matches_brute_force_with_spot_and_carbon(seed: int) -> None:
    inst, best, _ = sized(seed)
    plan = agrees(inst, best, SolveOptions(solver="cbc", gap=1e-9, baseline=False))
    assert plan is None or plan.solver in ("CBC", "none")


def test_the_seeds_exercise_spot_and_carbon() -> None:
    stats = {"spot_used": 0, "carbon_paid": 0, "capped": 0, "spot_current": 0}
    for seed in range(N_SEEDS):
        inst, best, _ = sized(seed)
        stats["spot_current"] += any(
            r.get("market") == "spot"
            for w in inst["workloads"]
            for r in ([w["current"]] if isinstance(w.get("current"), dict)
                      else w.get("current") or [])
        )
        stats["capped"] += any("carbon_cap_t" in p for p in inst["horizon"]["periods"])
        if best is not None:
            stats["spot_used"] += any(any(step["spot"].values()) for step in best.history)
            stats["carbon_paid"] += inst.get("policy", {}).get("carbon_price_per_t", 0) > 0
    assert min(stats.values()) >= N_SEEDS // 10, stats
