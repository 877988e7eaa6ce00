"""Honest statuses under a time limit (spec, "Plan (JSON)": `optimal` only when the
solver proved optimality within its gap; a time-limited incumbent is `feasible` with
its bound and gap).

A moderately sized random instance (40 workloads x 15 sites x 3 periods, fixed seed)
is solved with short time limits. Whatever the machine's speed, the status must be
consistent with the figures the plan carries; nothing is raised. No wall-clock
assertion is made.
"""

from __future__ import annotations

import math
import random
from types import SimpleNamespace
from typing import Any

import highspy
import pulp
import pytest

from placement import SolveOptions, evaluate, load_instance, pipeline, solve
from placement.milp.cbc import outcome as _cbc_outcome
from placement.milp.highs import outcome as _highs_outcome
from placement.result import SolveResult

N_WORKLOADS, N_SITES, N_PERIODS = 40, 15, 3


def moderate_instance(seed: int = 20240607) -> dict[str, Any]:
    """Feasible by construction: every workload can run on rented hardware at several
    uncapped cloud sites within its SLO; owned hardware, activation and fixed costs,
    migrations and replicas make the MILP non-trivial."""
    rng = random.Random(seed)
    regions = ["eu", "us", "ap"]
    sites, links, offers = [], [], []
    for r in regions:
        links.append({"a": f"users-{r}", "b": f"core-{r}", "latency_ms": rng.randint(2, 8)})
    links.append({"a": "core-eu", "b": "core-us", "latency_ms": 40, "cost_per_gb": 0.02})
    links.append({"a": "core-us", "b": "core-ap", "latency_ms": 60, "cost_per_gb": 0.02})
    hardware = [
        {"id": "gpu-s", "kind": "rented", "memory_gb": 24},
        {"id": "gpu-l", "kind": "rented", "memory_gb": 80},
        {
            "id": "box-s",
            "kind": "owned",
            "memory_gb": 32,
            "capex": 4000,
            "lifetime_months": 36,
            "power_w": 300,
            "maintenance_per_month": 30,
            "lead_time_months": 1,
        },
        {
            "id": "box-l",
            "kind": "owned",
            "memory_gb": 80,
            "capex": 15000,
            "lifetime_months": 48,
            "power_w": 900,
            "maintenance_per_month": 100,
            "lead_time_months": 3,
        },
    ]
    for i in range(N_SITES):
        r = regions[i % 3]
        kind = "cloud" if i < 6 else rng.choice(["edge", "onprem"])
        sid = f"{kind}-{i}"
        node = f"n{i}"
        links.append(
            {
                "a": node,
                "b": f"core-{r}",
                "latency_ms": rng.randint(1, 10),
                "bandwidth_mbps": rng.choice([50, 200, 1000]),
            }
        )
        site: dict[str, Any] = {
            "id": sid,
            "kind": kind,
            "node": node,
            "jurisdiction": r.upper(),
            "egress_per_gb": 0.09 if kind == "cloud" else 0.0,
            "active_at_start": kind == "cloud",
            "failure_domain": f"fd-{i // 2}",
        }
        if kind != "cloud":
            site.update(
                fixed_per_month=rng.choice([100, 400, 900]),
                activation_cost=rng.choice([1000, 3000, 8000]),
                energy_per_kwh=rng.choice([0.1, 0.2, 0.3]),
                pue=1.3,
                power_kw=rng.choice([2, 5, 10]),
            )
        sites.append(site)
        if kind == "cloud":
            offers.append(
                {
                    "site": sid,
                    "hardware": "gpu-s",
                    "price_per_hour": round(rng.uniform(0.8, 1.4), 3),
                }
            )
            offers.append(
                {
                    "site": sid,
                    "hardware": "gpu-l",
                    "price_per_hour": round(rng.uniform(2.5, 4.0), 3),
                }
            )
        else:
            offers.append(
                {
                    "site": sid,
                    "hardware": "box-s",
                    "max_units": rng.randint(2, 8),
                    "existing_units": rng.choice([0, 0, 1]),
                }
            )
            if rng.random() < 0.5:
                offers.append({"site": sid, "hardware": "box-l", "max_units": rng.randint(1, 4)})
    models = [
        {
            "id": "llm",
            "variants": [
                {"id": "fp16", "memory_gb": 16},
                {"id": "int4", "memory_gb": 6, "quality": 0.96},
            ],
        },
        {
            "id": "big",
            "variants": [
                {"id": "fp16", "memory_gb": 70},
                {"id": "int4", "memory_gb": 20, "quality": 0.95},
            ],
        },
    ]
    profiles = [
        {"model": "llm", "variant": "fp16", "hardware": "gpu-s", "rps": 2, "latency_ms": 500},
        {"model": "llm", "variant": "int4", "hardware": "gpu-s", "rps": 3, "latency_ms": 400},
        {"model": "llm", "variant": "fp16", "hardware": "gpu-l", "rps": 5, "latency_ms": 300},
        {"model": "llm", "variant": "int4", "hardware": "gpu-l", "rps": 7, "latency_ms": 250},
        {"model": "llm", "variant": "fp16", "hardware": "box-s", "rps": 1.5, "latency_ms": 600},
        {"model": "llm", "variant": "int4", "hardware": "box-s", "rps": 2.5, "latency_ms": 450},
        {"model": "llm", "variant": "fp16", "hardware": "box-l", "rps": 5, "latency_ms": 300},
        {"model": "llm", "variant": "int4", "hardware": "box-l", "rps": 7, "latency_ms": 250},
        {"model": "big", "variant": "fp16", "hardware": "gpu-l", "rps": 1, "latency_ms": 900},
        {"model": "big", "variant": "int4", "hardware": "gpu-l", "rps": 2, "latency_ms": 700},
        {"model": "big", "variant": "int4", "hardware": "box-s", "rps": 0.5, "latency_ms": 1200},
        {"model": "big", "variant": "fp16", "hardware": "box-l", "rps": 1, "latency_ms": 900},
        {"model": "big", "variant": "int4", "hardware": "box-l", "rps": 2, "latency_ms": 700},
    ]
    cloud = [s["id"] for s in sites if s["kind"] == "cloud"]
    workloads = []
    for i in range(N_WORKLOADS):
        model = "big" if rng.random() < 0.3 else "llm"
        r = rng.choice(regions)
        replicas = 2 if rng.random() < 0.3 else 1
        w: dict[str, Any] = {
            "id": f"w{i:02d}",
            "model": model,
            "origin": f"users-{r}",
            "demand_rps": [round(rng.uniform(0.5, 6) * (1 + 0.3 * p), 2) for p in range(N_PERIODS)],
            "load_factor": rng.choice([0.3, 0.5]),
            "latency_slo_ms": 2000,
            "request_kb": rng.choice([2, 8]),
            "response_kb": rng.choice([4, 16, 64]),
            "replicas": replicas,
            "criticality": rng.choice(["low", "high"]),
            "migration_cost": rng.choice([500, 2000, 6000]),
        }
        if rng.random() < 0.6:
            # distinct failure domains (cloud sites 2k and 2k+1 share fd-k)
            chosen = [cloud[2 * k + rng.randint(0, 1)] for k in rng.sample(range(3), replicas)]
            hw = "gpu-l" if model == "big" else "gpu-s"
            w["current"] = [{"site": s, "hardware": hw, "variant": "fp16"} for s in chosen]
        workloads.append(w)
    return {
        "name": "moderate",
        "horizon": {
            "discount_rate": 0.08,
            "periods": [
                {"name": "pilot", "months": 3, "pilot": True, "max_migrations": 5},
                {"name": "wave", "months": 9, "max_migrations": 15, "capex_budget": 60000},
                {"name": "steady", "months": 24},
            ],
        },
        "policy": {"max_utilization": 0.8},
        "network": {"links": links},
        "sites": sites,
        "hardware": hardware,
        "offers": offers,
        "models": models,
        "profiles": profiles,
        "workloads": workloads,
    }


@pytest.fixture(scope="module")
def instance():
    return load_instance(moderate_instance())


def _check_honest(plan, gap: float) -> None:
    assert plan.status in ("optimal", "feasible", "error"), (plan.status, plan.message)
    if plan.status == "optimal":
        assert plan.termination == "optimal"
        assert plan.gap is not None and plan.gap <= gap, (plan.gap, gap)
    if plan.status == "feasible":
        assert plan.termination == "time_limit"
        assert plan.objective is not None
        if plan.bound is None:  # an incumbent before any finite bound: nothing proved
            assert plan.gap is None
        else:
            assert plan.gap is not None
            assert plan.bound <= plan.objective + 1e-6 * abs(plan.objective)
            assert plan.gap > gap, (plan.gap, gap)
    if plan.status in ("optimal", "feasible"):
        assert plan.periods and plan.npv is not None
        # the plan's NPV is recomputed from what it delivers; a time-limited incumbent may
        # carry auxiliaries above their least values (a site counted active with nothing
        # there, a move that is none), which only the solver's objective pays for
        tolerance = 1e-6 * abs(plan.objective) + 0.01
        assert plan.npv <= plan.objective + tolerance
        if plan.status == "optimal":
            assert plan.npv == pytest.approx(plan.objective, rel=1e-6, abs=0.01)
    if plan.status == "error":
        assert plan.termination == "time_limit", plan.message
        assert plan.periods == [] and plan.npv is None


@pytest.mark.parametrize(
    ("solver", "gap", "limit"),
    [
        ("highs", 1e-9, 0.5),
        ("highs", 1e-4, 0.5),
        ("cbc", 1e-9, 0.5),
        # long enough for an incumbent on most machines: exercises `feasible`
        ("highs", 1e-9, 5.0),
    ],
)
def test_time_limited_status_is_honest(instance, solver: str, gap: float, limit: float) -> None:
    plan = solve(instance, SolveOptions(solver=solver, time_limit=limit, gap=gap, baseline=False))
    _check_honest(plan, gap)
    if plan.has_solution:
        assert evaluate(instance, plan.to_dict()).violations == []


def test_time_limited_with_baseline(instance) -> None:
    plan = solve(instance, SolveOptions(time_limit=0.3, gap=1e-9))
    _check_honest(plan, 1e-9)
    assert plan.baseline is not None
    b = plan.baseline
    assert b.status in ("optimal", "feasible", "error")
    if b.status == "feasible":
        assert b.objective is not None
        assert (b.bound is None) == (b.gap is None)
        if b.bound is not None and b.gap is not None:
            assert b.bound <= b.objective + 1e-6 * abs(b.objective)
            assert b.gap > 1e-9
    if b.status == "optimal":
        assert b.gap is not None and b.gap <= 1e-9
    if not (plan.has_solution and b.status in ("optimal", "feasible")):
        assert b.savings is None and b.break_even_month is None
    if plan.has_solution:
        assert evaluate(instance, plan.to_dict()).violations == []


@pytest.fixture(scope="module")
def large_instance():
    from placement.generate import generate

    return load_instance(generate(60, 24, 4, 1))


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_a_very_short_limit_on_a_large_instance_is_honest(large_instance, solver: str) -> None:
    """Whether a solver has a plan after the second it is always given depends on the
    machine (a fast one finds HiGHS's trivial heuristics' plan): either outcome must be
    reported as it is."""
    plan = solve(
        large_instance, SolveOptions(solver=solver, time_limit=1e-3, gap=1e-9, baseline=False)
    )
    _check_honest(plan, 1e-9)
    if plan.status == "error":
        assert plan.objective is None and plan.message
    assert plan.status != "optimal" or plan.gap is not None


def _fake_highs(status: Any, primal: int, objective: float, bound: float) -> Any:
    info = SimpleNamespace(
        primal_solution_status=primal, objective_function_value=objective, mip_dual_bound=bound
    )
    return SimpleNamespace(
        getModelStatus=lambda: status,
        getInfo=lambda: info,
        modelStatusToString=lambda s: str(s),
    )


def test_highs_time_limit_without_a_primal_solution_is_an_error() -> None:
    h = _fake_highs(highspy.HighsModelStatus.kTimeLimit, 0, math.inf, 90.0)
    r = _highs_outcome(h, mip=True)
    assert (r.status, r.termination, r.objective, r.bound) == ("error", "time_limit", None, 90.0)
    assert not r.has_solution and "time limit" in r.message


def test_highs_time_limit_with_a_primal_solution_is_feasible_with_its_gap() -> None:
    h = _fake_highs(highspy.HighsModelStatus.kTimeLimit, 2, 100.0, 90.0)
    r = _highs_outcome(h, mip=True)
    assert (r.status, r.termination, r.objective, r.bound) == (
        "feasible",
        "time_limit",
        100.0,
        90.0,
    )
    assert r.gap == pytest.approx(0.1)


def test_highs_time_limit_with_an_infinite_bound_has_no_bound() -> None:
    h = _fake_highs(highspy.HighsModelStatus.kTimeLimit, 2, 100.0, -math.inf)
    r = _highs_outcome(h, mip=True)
    assert r.status == "feasible" and r.bound is None and r.gap is None


def test_cbc_time_limit_without_a_solution_is_an_error() -> None:
    prob = pulp.LpProblem("p", pulp.LpMinimize)
    prob.setObjective(pulp.LpAffineExpression(constant=5.0))
    prob.sol_status, prob.status = pulp.LpSolutionNoSolutionFound, pulp.LpStatusNotSolved
    r = _cbc_outcome(prob, time_limit=1.0, log="")
    assert (r.status, r.termination, r.objective) == ("error", "time_limit", None)
    r = _cbc_outcome(prob, time_limit=None, log="")
    assert (r.status, r.termination) == ("error", "error")


# what CBC 2.10 prints when its time limit interrupts preprocessing (seen on a feasible model)
_CBC_INTERRUPTED = """Continuous objective value is 1.55454e+07 - 0.11 seconds
Cgl0000I Cut generators found to be infeasible! (or unbounded)
Pre-processing says infeasible or unbounded
Total time (CPU seconds):       2.94   (Wallclock seconds):       {wall}
"""


@pytest.mark.parametrize(
    ("limit", "wall", "status"),
    [(1.0, 7.07, "error"), (None, 7.07, "infeasible"), (60.0, 7.07, "infeasible")],
)
def test_cbc_preprocessing_infeasible_is_no_proof_once_out_of_time(
    limit: float | None, wall: float, status: str
) -> None:
    prob = pulp.LpProblem("p", pulp.LpMinimize)
    prob.setObjective(pulp.LpAffineExpression(constant=5.0))
    prob.sol_status, prob.status = pulp.LpSolutionInfeasible, pulp.LpStatusInfeasible
    r = _cbc_outcome(prob, time_limit=limit, log=_CBC_INTERRUPTED.format(wall=wall))
    assert r.status == status
    assert r.termination == ("time_limit" if status == "error" else "infeasible")


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_no_incumbent_within_the_time_limit_is_an_error_plan(
    instance, solver: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The solver's 'no plan within the limit' becomes a plan with status error, no
    periods and no figures, which still round-trips through the evaluator."""
    name = "CBC" if solver == "cbc" else "HiGHS"
    nothing = SolveResult.out_of_time(name, seconds=1.0)
    monkeypatch.setattr(pipeline, "solve_milp", lambda *a, **k: nothing)
    plan = solve(instance, SolveOptions(solver=solver, time_limit=1.0, baseline=False))
    assert plan.status == "error", (plan.status, plan.objective)
    assert plan.termination == "time_limit"
    assert plan.periods == [] and plan.npv is None and plan.objective is None
    assert plan.message
    d = plan.to_dict()
    assert d["status"] == "error"
    assert evaluate(instance, d).violations == []


@pytest.mark.parametrize("limit", [None, 60.0])
def test_presolve_is_off_above_the_nonzero_limit_only_with_a_time_limit(
    monkeypatch: pytest.MonkeyPatch, limit: float | None
) -> None:
    """HiGHS's presolve does not watch the clock on very large models; with a time limit,
    models above PRESOLVE_NONZERO_LIMIT are solved without it, to the same optimum."""
    from placement.data import prepare
    from placement.generate import generate
    from placement.milp import highs, strategy
    from placement.milp import solve as solve_module
    from placement.milp.build import build

    data = prepare(load_instance(generate(4, 4, 2, 1)))
    reference = solve_module.solve_milp(build(data), SolveOptions(baseline=False))
    monkeypatch.setattr(strategy, "PRESOLVE_NONZERO_LIMIT", 10)
    seen: list[str] = []
    real = highs.new_highs

    def watched(options: SolveOptions) -> Any:
        h = real(options)
        real_run = h.run

        def run() -> Any:
            seen.append(h.getOptionValue("presolve")[1])
            return real_run()

        h.run = run
        return h

    monkeypatch.setattr(highs, "new_highs", watched)
    m = build(data)
    r = solve_module.solve_milp(m, SolveOptions(baseline=False, time_limit=limit))
    assert seen == ["choose" if limit is None else "off"]
    assert r.status == "optimal"
    assert r.objective == pytest.approx(reference.objective, rel=1e-6)
