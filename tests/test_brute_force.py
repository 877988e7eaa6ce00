"""The MILP against an independent exhaustive optimiser (tests/brute_force.py) on
hundreds of seeded random tiny instances.

For every seed: ``solve`` says "infeasible" exactly when the brute force finds no plan;
otherwise its NPV equals the brute-force minimum (1e-6 relative + 0.01 absolute), the
independent evaluator finds no violation, and the baseline's NPV equals the brute
force's minimum over plans that keep every `current` placement.  A subset is also
solved with CBC.

An instance whose enumeration would be too large is shrunk (fewer workloads, replicas,
periods, sites, hardware) deterministically until it is small enough; never skipped.
"""

from __future__ import annotations

import functools
import random
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from brute_force import Problem, TooLarge, brute_force

from placement import SolveOptions, evaluate, load_instance, solve

N_SEEDS = 300
CBC_SEEDS = 30
LIMIT = 20_000


def _pick(rng: random.Random, *xs):
    return rng.choice(xs)


def generate(seed: int, shrink: int = 0) -> dict[str, Any]:
    """A tiny random instance; ``shrink`` > 0 makes it deterministically smaller."""
    rng = random.Random(seed)
    n_periods = rng.randint(1, 3)
    n_sites = rng.randint(1, 3)
    n_hw = rng.randint(1, 2)
    n_var = rng.randint(1, 2)
    n_wl = rng.randint(1, 3)
    max_replicas = 2
    # shrinking: each level removes one element from the largest dimension
    for level in range(shrink):
        if level % 4 == 0 and n_wl > 1:
            n_wl -= 1
        elif level % 4 == 1 and max_replicas > 1:
            max_replicas = 1
        elif level % 4 == 2 and n_periods > 1:
            n_periods -= 1
        elif n_sites > 1:
            n_sites -= 1
        elif n_hw > 1:
            n_hw -= 1
        elif n_wl > 1:
            n_wl -= 1
        elif n_periods > 1:
            n_periods -= 1

    periods = []
    for p in range(n_periods):
        per: dict[str, Any] = {"name": f"p{p}", "months": _pick(rng, 1, 2, 3, 6, 12)}
        if p == 0 and rng.random() < 0.5:
            per["pilot"] = True
        if rng.random() < 0.4:
            per["max_migrations"] = rng.randint(0, 2)
        if rng.random() < 0.4:
            per["capex_budget"] = _pick(rng, 0, 800, 1500, 3000, 6000)
        periods.append(per)

    origins = ["u0", "u1"]
    sites, nodes = [], []
    for i in range(n_sites):
        sid = f"s{i}"
        node = sid if rng.random() < 0.8 else _pick(rng, "hub", "u0")
        site: dict[str, Any] = {"id": sid, "kind": _pick(rng, "cloud", "edge", "onprem")}
        if node != sid:
            site["node"] = node
        nodes.append(node)
        if rng.random() < 0.85:
            site["jurisdiction"] = _pick(rng, "EU", "US")
        for key, vals, pr in (
            ("egress_per_gb", (0.02, 0.09, 0.5), 0.6),
            ("fixed_per_month", (50, 200, 1000), 0.5),
            ("activation_cost", (100, 1500, 5000), 0.5),
            ("active_at_start", (True,), 0.4),
            ("energy_per_kwh", (0.1, 0.3), 0.5),
            ("pue", (1.2, 1.5), 0.3),
            ("power_kw", (0.0, 0.3, 0.7, 2.0), 0.3),
            ("capex_rebate", (0.1, 0.25), 0.3),
            ("failure_domain", ("fdA", "fdB"), 0.35),
        ):
            if rng.random() < pr:
                site[key] = rng.choice(vals)
        sites.append(site)
    if n_sites >= 2 and rng.random() < 0.4:  # two sites sharing a failure domain
        for site in rng.sample(sites, 2):
            site["failure_domain"] = "fdX"

    # network: each site node linked to one or two of u0, u1, hub; hub linked to u0/u1
    link_set: dict[tuple[str, str], dict[str, Any]] = {}

    def add_link(a: str, b: str) -> None:
        if a == b or tuple(sorted((a, b))) in link_set:
            return
        lk: dict[str, Any] = {"a": a, "b": b, "latency_ms": _pick(rng, 0, 5, 10, 15, 20, 30)}
        if rng.random() < 0.2:
            lk["bandwidth_mbps"] = _pick(rng, 0.1, 0.5, 2, 10)
        if rng.random() < 0.3:
            lk["cost_per_gb"] = _pick(rng, 0.01, 0.05)
        link_set[tuple(sorted((a, b)))] = lk

    add_link("u0", "hub")
    if rng.random() < 0.8:
        add_link("u1", "hub")
    if rng.random() < 0.3:
        add_link("u0", "u1")
    for node in nodes:
        targets = rng.sample(["u0", "u1", "hub"], rng.randint(1, 2))
        if rng.random() < 0.05:
            targets = []  # isolated node
        for t in targets:
            add_link(node, t)
    links = list(link_set.values())
    linked = {n for pair in link_set for n in pair}

    hardware = []
    for j in range(n_hw):
        hid = f"h{j}"
        hw: dict[str, Any] = {"id": hid, "memory_gb": _pick(rng, 12, 24, 48, 80)}
        if rng.random() < 0.4:
            hw.update(
                kind="owned",
                capex=_pick(rng, 0, 300, 1000, 2500),
                lifetime_months=_pick(rng, 3, 12, 36),
            )
            for key, vals in (
                ("power_w", (100, 300, 600)),
                ("maintenance_per_month", (5, 40)),
                ("lead_time_months", (1, 2, 3, 6)),
            ):
                if rng.random() < 0.5:
                    hw[key] = rng.choice(vals)
        else:
            hw["kind"] = "rented"
        hardware.append(hw)

    offers = []
    for site in sites:
        for hw in hardware:
            if rng.random() < 0.75:
                off: dict[str, Any] = {"site": site["id"], "hardware": hw["id"]}
                if hw["kind"] == "rented":
                    off["price_per_hour"] = _pick(rng, 0.1, 0.3, 0.8, 1.5)
                    if rng.random() < 0.3:
                        off["max_units"] = rng.randint(1, 6)
                elif rng.random() < 0.8:
                    off["max_units"] = rng.randint(0, 6)
                    if rng.random() < 0.4:
                        off["existing_units"] = rng.randint(0, min(2, off.get("max_units", 2)))
                offers.append(off)
    if not offers:
        hw = hardware[0]
        off = {"site": sites[0]["id"], "hardware": hw["id"]}
        if hw["kind"] == "rented":
            off["price_per_hour"] = 0.5
        else:
            off["max_units"] = 3
        offers.append(off)

    variants = []
    for k in range(n_var):
        v: dict[str, Any] = {"id": f"v{k}", "memory_gb": _pick(rng, 4, 10, 20, 30)}
        if rng.random() < 0.5:
            v["quality"] = _pick(rng, 0.9, 0.95, 1.0)
        variants.append(v)
    models = [{"id": "m", "variants": variants}]
    profiles = []
    for v in variants:
        for hw in hardware:
            if rng.random() < 0.9:
                prof: dict[str, Any] = {
                    "model": "m",
                    "variant": v["id"],
                    "hardware": hw["id"],
                    "rps": _pick(rng, 0.5, 1, 2, 4),
                }
                if rng.random() < 0.7:
                    prof["latency_ms"] = _pick(rng, 5, 20, 60)
                profiles.append(prof)

    workloads = []
    for i in range(n_wl):
        w: dict[str, Any] = {
            "id": f"w{i}",
            "model": "m",
            "origin": rng.choice(origins) if "u1" in linked else "u0",
            "latency_slo_ms": _pick(rng, 70, 120, 200, 1000, 1000),
        }
        if rng.random() < 0.5:
            w["demand_rps"] = _pick(rng, 0.5, 1, 2, 3)
        else:
            w["demand_rps"] = [_pick(rng, 0.5, 1, 1.5, 2, 3, 5) for _ in range(n_periods)]
        for key, vals, pr in (
            ("load_factor", (0.3, 0.5), 0.6),
            ("request_kb", (2, 10), 0.7),
            ("response_kb", (5, 40), 0.7),
            ("min_quality", (0.92, 0.97), 0.2),
            ("residency", (["EU"], ["US"], ["EU", "US"], []), 0.2),
            ("allowed_kinds", (["cloud"], ["edge", "onprem"], ["cloud", "edge"]), 0.15),
            ("criticality", ("high",), 0.5),
            ("migration_cost", (100, 2000, 8000), 0.6),
        ):
            if rng.random() < pr:
                w[key] = rng.choice(vals)
        replicas = 2 if (max_replicas == 2 and n_sites > 1 and rng.random() < 0.4) else 1
        if replicas > 1:
            w["replicas"] = replicas
        if rng.random() < 0.6:
            cur = []
            for off in rng.sample(offers, len(offers)):
                if off["site"] in {c["site"] for c in cur}:
                    continue
                cur.append(
                    {
                        "site": off["site"],
                        "hardware": off["hardware"],
                        "variant": rng.choice(variants)["id"],
                    }
                )
                if len(cur) == replicas:
                    break
            if len(cur) == replicas:
                w["current"] = cur[0] if replicas == 1 and rng.random() < 0.5 else cur
        workloads.append(w)

    inst: dict[str, Any] = {
        "name": f"rand-{seed}",
        "horizon": {"periods": periods},
        "network": {"links": links},
        "sites": sites,
        "hardware": hardware,
        "offers": offers,
        "models": models,
        "profiles": profiles,
        "workloads": workloads,
    }
    if rng.random() < 0.7:
        inst["horizon"]["discount_rate"] = _pick(rng, 0.05, 0.08, 0.2)
    if rng.random() < 0.6:
        inst["policy"] = {"max_utilization": _pick(rng, 0.5, 0.75, 0.8)}
    # Most workloads left without any feasible placement are relaxed, so that most
    # instances are feasible (the rules are still exercised: some options stay excluded).
    probe = Problem(inst)
    for i, w in enumerate(workloads):
        if not probe.choices(i) and rng.random() < 0.85:
            for key in ("residency", "allowed_kinds", "min_quality"):
                w.pop(key, None)
            w["latency_slo_ms"] = 1000
            if w.get("replicas", 1) > 1:
                w.pop("replicas")
                if "current" in w:
                    w["current"] = w["current"][0]
    return inst


def fit(make, seed: int, limit: int = LIMIT):
    """``make(seed, shrink)``'s instance, shrunk until both enumerations fit within
    ``limit``: (inst, best, baseline)."""
    for shrink in range(30):
        inst = make(seed, shrink)
        try:
            best = brute_force(inst, limit=limit)
            base = brute_force(inst, pinned=True, limit=limit)
        except TooLarge:
            continue
        return inst, best, base
    raise AssertionError(f"seed {seed}: could not shrink the instance enough")


@functools.cache
def sized(seed: int):
    """The seed's instance, shrunk until both enumerations fit: (inst, best, baseline)."""
    return fit(generate, seed)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.01 + 1e-6 * max(abs(a), abs(b))


def _describe(inst, best) -> str:
    lines = [f"instance: {inst!r}"]
    if best is not None:
        lines.append(f"brute force npv {best.npv:.6f}")
        lines += [f"  {step}" for step in best.history]
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(N_SEEDS))
def test_matches_brute_force(seed: int) -> None:
    inst, best, base = sized(seed)
    plan = solve(load_instance(inst), SolveOptions(gap=1e-9))
    if best is None:
        assert plan.status == "infeasible", _describe(inst, best) + f"\nplan npv {plan.npv}"
        assert not plan.periods
        return
    assert plan.status == "optimal", _describe(inst, best) + f"\nplan status {plan.status}"
    assert _close(plan.npv, best.npv), (
        _describe(inst, best) + f"\nplacement npv {plan.npv}\n{plan.to_json()}"
    )
    ev = evaluate(inst, plan.to_dict())
    assert ev.violations == [], ev.violations
    # the baseline: every workload with `current` kept there
    assert plan.baseline is not None
    if base is None:
        assert plan.baseline.status == "infeasible", _describe(inst, base)
        assert plan.baseline.savings is None and plan.baseline.break_even_month is None
    else:
        assert plan.baseline.status == "optimal", _describe(inst, base)
        assert _close(plan.baseline.npv, base.npv), (
            _describe(inst, base) + f"\nplacement baseline npv {plan.baseline.npv}"
        )
        assert plan.baseline.npv >= plan.npv - 0.01


@pytest.mark.parametrize("seed", range(0, N_SEEDS, N_SEEDS // CBC_SEEDS))
def test_cbc_matches_brute_force(seed: int) -> None:
    inst, best, _ = sized(seed)
    plan = solve(load_instance(inst), SolveOptions(solver="cbc", gap=1e-9, baseline=False))
    if best is None:
        assert plan.status == "infeasible", _describe(inst, best)
        return
    assert plan.status == "optimal", _describe(inst, best) + f"\nplan status {plan.status}"
    assert plan.solver == "CBC" or plan.solver == "none"
    assert _close(plan.npv, best.npv), _describe(inst, best) + f"\nplacement npv {plan.npv}"
    assert evaluate(inst, plan.to_dict()).violations == []


def test_generator_covers_the_features() -> None:
    """The seeds exercise the interesting cases (not vacuous)."""
    stats = {
        "infeasible": 0,
        "feasible": 0,
        "owned": 0,
        "replicas2": 0,
        "current": 0,
        "periods3": 0,
        "moves": 0,
        "bought": 0,
    }
    for seed in range(N_SEEDS):
        inst, best, _ = sized(seed)
        stats["infeasible" if best is None else "feasible"] += 1
        stats["owned"] += any(h["kind"] == "owned" for h in inst["hardware"])
        stats["replicas2"] += any(w.get("replicas", 1) == 2 for w in inst["workloads"])
        stats["current"] += any("current" in w for w in inst["workloads"])
        stats["periods3"] += len(inst["horizon"]["periods"]) == 3
        if best is not None:
            stats["moves"] += any(step["moves"] for step in best.history)
            stats["bought"] += any(any(step["bought"].values()) for step in best.history)
    assert stats["feasible"] >= N_SEEDS // 3, stats
    assert stats["infeasible"] >= N_SEEDS // 20, stats
    for key in ("owned", "replicas2", "current", "periods3", "moves", "bought"):
        assert stats[key] >= N_SEEDS // 20, stats
