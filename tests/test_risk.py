"""Risk: Monte Carlo statistics against closed forms, reproducibility, demand headroom, the
distributions file, and the CVaR (Rockafellar–Uryasev) MILP on a case solved by hand."""

from __future__ import annotations

import copy
import math
from statistics import NormalDist
from typing import Any

import numpy as np
import pytest

from placement import accounting, load_instance
from placement.analysis.results import MULTIPLIER_KEYS
from placement.analysis.risk import (
    CATEGORY_KEYS,
    CVaRExtra,
    Lognormal,
    Triangular,
    category_factors,
    cost_profile,
    load_distributions,
    parse_distributions,
    risk,
    risk_averse,
    rockafellar_uryasev,
    sample_multipliers,
    schedule_of,
    stats,
)
from placement.analysis.risk.distributions import UNSAMPLED
from placement.data import prepare
from placement.errors import InstanceError
from placement.lookup import Lookup
from placement.milp.build import build
from placement.milp.solve import solve_milp
from placement.network import compute_routes
from placement.schema.options import SolveOptions

Z = NormalDist()

# One workload today on site "old" (rented at price 0, but 1000 a month of site costs);
# site "new" rents at 1.0 an hour (730 a month) plus 100 a month of site costs.
# One period of one month, no discounting: the plan moves to "new",
#   plan NPV = 100 + 730 x rented multiplier,  baseline NPV = 1000 (nothing sampled).
LINEAR: dict[str, Any] = {
    "name": "linear",
    "horizon": {"discount_rate": 0.0, "periods": [{"name": "only", "months": 1}]},
    "policy": {"max_utilization": 0.8},
    "network": {"links": [{"a": "users", "b": "n", "latency_ms": 1}]},
    "sites": [
        {"id": "new", "kind": "cloud", "node": "n", "fixed_per_month": 100},
        {"id": "old", "kind": "cloud", "node": "n", "fixed_per_month": 1000},
    ],
    "hardware": [{"id": "gpu", "kind": "rented", "memory_gb": 24},
                 {"id": "free", "kind": "rented", "memory_gb": 24}],
    "offers": [{"site": "new", "hardware": "gpu", "price_per_hour": 1.0},
               {"site": "old", "hardware": "free", "price_per_hour": 0.0}],
    "models": [{"id": "m", "variants": [{"id": "v", "memory_gb": 8}]}],
    "profiles": [{"model": "m", "variant": "v", "hardware": "gpu", "rps": 1.5},
                 {"model": "m", "variant": "v", "hardware": "free", "rps": 1.5}],
    "workloads": [{"id": "w", "model": "m", "origin": "users", "demand_rps": 1.0,
                   "latency_slo_ms": 100,
                   "current": {"site": "old", "hardware": "free", "variant": "v"}}],
}
A, B, BASE = 100.0, 730.0, 1000.0


@pytest.fixture(scope="module")
def linear_plan() -> Any:
    from placement import solve

    plan = solve(load_instance(LINEAR))
    assert plan.status == "optimal"
    assert plan.npv == pytest.approx(A + B)
    assert plan.baseline is not None and plan.baseline.npv == pytest.approx(BASE)
    return plan


def test_lognormal_price_matches_closed_forms(linear_plan: Any) -> None:
    median, sigma, level, n = 0.9, 0.3, 0.9, 200_000
    dist = {"rented": {"type": "lognormal", "median": median, "sigma": sigma}}
    a = risk(LINEAR, linear_plan, samples=n, seed=7, level=level, distributions=dist)
    r = a.result
    mean = A + B * median * math.exp(sigma**2 / 2)
    sd = B * median * math.exp(sigma**2 / 2) * math.sqrt(math.exp(sigma**2) - 1)
    assert r.plan.mean == pytest.approx(mean, abs=5 * sd / math.sqrt(n))

    def q(p: float) -> float:
        return A + B * median * math.exp(sigma * Z.inv_cdf(p))

    for got, p in ((r.plan.p5, 0.05), (r.plan.p50, 0.5), (r.plan.p95, 0.95), (r.plan.var, level)):
        assert got == pytest.approx(q(p), rel=4e-3), p
    # CVaR of a lognormal: E[X | X >= VaR] = mean x Phi(sigma - z) / (1 - level)
    z = Z.inv_cdf(level)
    cvar = A + B * median * math.exp(sigma**2 / 2) * Z.cdf(sigma - z) / (1 - level)
    assert r.plan.cvar == pytest.approx(cvar, rel=5e-3)
    # the baseline costs 1000 whatever the rented price: P(100 + 730 m < 1000)
    assert r.baseline is not None and r.baseline.mean == pytest.approx(BASE)
    assert r.baseline.p5 == r.baseline.p95 == pytest.approx(BASE)
    beat = Z.cdf((math.log((BASE - A) / B) - math.log(median)) / sigma)
    assert r.prob_plan_beats_baseline == pytest.approx(beat, abs=0.005)
    assert len(r.plan_npvs) == len(r.baseline_npvs) == n


def test_triangular_mean_and_range(linear_plan: Any) -> None:
    low, mode, high = 0.6, 0.9, 1.5
    dist = {"rented": {"type": "triangular", "low": low, "mode": mode, "high": high}}
    r = risk(LINEAR, linear_plan, samples=100_000, seed=3, distributions=dist).result
    assert Triangular(type="triangular", low=low, mode=mode, high=high).mean() == 1.0
    sd = B * math.sqrt((low**2 + mode**2 + high**2 - low * mode - low * high - mode * high) / 18)
    mean = A + B * (low + mode + high) / 3
    assert r.plan.mean == pytest.approx(mean, abs=5 * sd / math.sqrt(1e5))
    assert min(r.plan_npvs) >= A + B * low - 1e-6 and max(r.plan_npvs) <= A + B * high + 1e-6
    # the median of a triangular with mode below the midpoint
    c = (mode - low) / (high - low)
    med = high - math.sqrt((high - low) * (high - mode) / 2) if c <= 0.5 else None
    assert med is not None and r.plan.p50 == pytest.approx(A + B * med, rel=3e-3)


def test_same_seed_same_numbers_other_seed_other_numbers(linear_plan: Any) -> None:
    one = risk(LINEAR, linear_plan, samples=500, seed=11)
    two = risk(LINEAR, linear_plan, samples=500, seed=11)
    other = risk(LINEAR, linear_plan, samples=500, seed=12)
    assert one.result == two.result
    assert one.result.plan_npvs != other.result.plan_npvs


def test_each_key_draws_from_its_own_stream() -> None:
    base = {"rented": Lognormal(type="lognormal", median=1.0, sigma=0.2)}
    more = {**base, "energy": Triangular(type="triangular", low=0.5, mode=1.0, high=2.0)}
    a, b = sample_multipliers(base, 100, 5), sample_multipliers(more, 100, 5)
    assert np.array_equal(a["rented"], b["rented"])
    assert np.all(a["energy"] == 1.0) and not np.all(b["energy"] == 1.0)
    assert set(a) == set(MULTIPLIER_KEYS)


def test_demand_headroom_is_counted(linear_plan: Any) -> None:
    # one unit of 1.5 rps at max_utilization 0.8 carries 1.2 rps; demand is 1 rps
    dist = {"demand": {"type": "lognormal", "median": 1.0, "sigma": 0.2}}
    a = risk(LINEAR, linear_plan, samples=2000, seed=1, distributions=dist)
    assert a.plan_headroom == pytest.approx(1.2)
    demand = sample_multipliers(parse_distributions({"distributions": dist}), 2000, 1)["demand"]
    assert a.samples_over_headroom == int(np.sum(demand > 1.2)) > 0
    # no egress or transfer in this instance: demand moves no cost of a fixed plan
    assert a.result.plan.p5 == a.result.plan.p95 == pytest.approx(A + B)


def test_multipliers_scale_costs_like_a_scaled_instance() -> None:
    """NPV(sample) of a fixed plan = the accounting NPV of the same schedule on the
    instance with every figure scaled (placement.analysis.multipliers)."""
    from placement import solve
    from placement.analysis.multipliers import scale_instance

    inst = load_instance("example:example")
    plan = solve(inst, SolveOptions(baseline=False))
    lk, routes = Lookup(inst), compute_routes(inst)
    schedule = schedule_of(plan.periods)
    prof = cost_profile(lk, routes, schedule)
    assert prof.nominal == pytest.approx(plan.npv, abs=1e-6)
    rng = np.random.default_rng(0)
    for _ in range(3):
        mults = {k: float(rng.uniform(0.5, 1.5)) for k in MULTIPLIER_KEYS
                 if k not in UNSAMPLED}  # the price trend is no category factor
        factors = category_factors({k: np.array([v]) for k, v in mults.items()})
        got = float(prof.npv(factors)[0])
        scaled = scale_instance(inst, mults)
        slk, sroutes = Lookup(scaled), compute_routes(scaled)
        costs = accounting.period_costs(slk, sroutes, schedule)
        want = accounting.npv(slk, costs, accounting.residual_value(slk, schedule))
        assert got == pytest.approx(want, rel=1e-9)


def test_stats_definitions() -> None:
    npvs = np.arange(1.0, 101.0)  # 1..100
    s = stats(npvs, 0.9)
    assert s.mean == 50.5
    assert s.var == pytest.approx(np.quantile(npvs, 0.9))
    assert s.cvar == pytest.approx(np.mean(npvs[npvs >= s.var]))


def test_distributions_file_is_strict(tmp_path: Any) -> None:
    good = tmp_path / "d.yaml"
    good.write_text("distributions:\n  rented: {type: triangular, low: 0.7, mode: 1, high: 1.2}\n"
                    "  energy: {type: lognormal, median: 1.0, sigma: 0.3}\n")
    d = load_distributions(good)
    assert set(d) == {"rented", "energy"}
    bad = tmp_path / "bad.yaml"
    bad.write_text("distributions:\n  rented: {type: triangular, low: 1.2, mode: 1, high: 0.7}\n"
                   "  wages: {type: lognormal, median: 1.0, sigma: 0.3}\n"
                   "  energy: {type: lognormal, median: -1, sigma: 0.3, mean: 2}\n")
    with pytest.raises(InstanceError) as exc:
        load_distributions(bad)
    text = str(exc.value)
    assert "rented" in text and "low <= mode <= high" in text
    assert "wages" in text and "energy" in text and "mean" in text
    with pytest.raises(InstanceError):
        load_distributions(tmp_path / "missing.yaml")


def test_every_category_has_its_multipliers() -> None:
    keys = {k for ks in CATEGORY_KEYS.values() for k in ks}
    assert keys == set(MULTIPLIER_KEYS) - set(UNSAMPLED)
    assert CATEGORY_KEYS["egress"] == ("egress", "demand")
    assert CATEGORY_KEYS["committed"] == ("committed",)
    assert CATEGORY_KEYS["spot"] == ("spot",)
    assert CATEGORY_KEYS["carbon"] == ("carbon_price",)
    assert CATEGORY_KEYS["residual"] == ("capex",)


# --------------------------------------------------------------------------- CVaR
#
# Two placements of one workload for one month, no discounting:
#   "cloud" rents at 0.1 an hour: 73 x rented multiplier;
#   "edge" rents at 0 but costs 90 a month of labour (not in the scenarios): 90.
# Scenarios of the rented multiplier: 0.5, 0.5, 0.5, 3.0 (equally likely); level 0.75, so
# the tail is the worst scenario: cloud E = 73 x 1.125 = 82.125, CVaR = 219; edge 90, 90.
# Weight 0: cloud (82.125 < 90); weight 1: edge (90 < 219); they tie at 7.875 / 136.875.

TWO: dict[str, Any] = {
    "name": "two",
    "horizon": {"discount_rate": 0.0, "periods": [{"name": "only", "months": 1}]},
    "network": {"links": [{"a": "users", "b": "c", "latency_ms": 1},
                          {"a": "users", "b": "e", "latency_ms": 1}]},
    "sites": [{"id": "cloud", "kind": "cloud", "node": "c"},
              {"id": "edge", "kind": "edge", "node": "e", "fixed_per_month": 90}],
    "hardware": [{"id": "gpu", "kind": "rented", "memory_gb": 24}],
    "offers": [{"site": "cloud", "hardware": "gpu", "price_per_hour": 0.1},
               {"site": "edge", "hardware": "gpu", "price_per_hour": 0.0}],
    "models": [{"id": "m", "variants": [{"id": "v", "memory_gb": 8}]}],
    "profiles": [{"model": "m", "variant": "v", "hardware": "gpu", "rps": 1}],
    "workloads": [{"id": "w", "model": "m", "origin": "users", "demand_rps": 1,
                   "latency_slo_ms": 100}],
}
SCENARIOS = [{"rented": 0.5}, {"rented": 0.5}, {"rented": 0.5}, {"rented": 3.0}]
LAM_STAR = 7.875 / 136.875


def _facs() -> list[dict[str, float]]:
    arrays = {k: np.array([s.get(k, 1.0) for s in SCENARIOS]) for k in MULTIPLIER_KEYS}
    f = category_factors(arrays)
    return [{c: float(f[c][i]) for c in f} for i in range(len(SCENARIOS))]


@pytest.mark.parametrize(("weight", "site", "objective"), [
    (0.0, "cloud", 82.125),
    (LAM_STAR - 0.005, "cloud", (1 - LAM_STAR + 0.005) * 82.125 + (LAM_STAR - 0.005) * 219),
    (LAM_STAR + 0.005, "edge", 90.0),
    (0.5, "edge", 90.0),
    (1.0, "edge", 90.0),
])
def test_cvar_milp_picks_by_hand(weight: float, site: str, objective: float) -> None:
    data = prepare(load_instance(TWO))
    m = build(data, extras=(CVaRExtra.of(_facs(), weight, 0.75),))
    r = solve_milp(m, SolveOptions(threads=1))
    assert r.status == "optimal"
    assert [data.cands[k].site for k in r.chosen] == [site]
    assert r.objective == pytest.approx(objective, abs=1e-6)


def test_rockafellar_uryasev_is_the_tail_mean() -> None:
    assert rockafellar_uryasev(np.array([36.5, 36.5, 36.5, 219.0]), 0.75) == pytest.approx(219)
    x = np.arange(1.0, 21.0)
    assert rockafellar_uryasev(x, 0.9) == pytest.approx(19.5)  # mean of the worst 2 of 20


def test_risk_averse_compares_both_recommendations() -> None:
    r = risk_averse(TWO, 1.0, scenarios=SCENARIOS, level=0.75, samples=200, workers=1)
    assert r.neutral.placements == {"only": ["w@cloud/gpu/v"]}
    assert r.averse.placements == {"only": ["w@edge/gpu/v"]}
    assert r.neutral.expected_npv == pytest.approx(82.125)
    assert r.neutral.cvar == pytest.approx(219.0)
    assert r.averse.expected_npv == r.averse.cvar == pytest.approx(90.0)
    assert r.averse.objective == pytest.approx(90.0)
    assert r.neutral.npv == pytest.approx(73.0) and r.averse.npv == pytest.approx(90.0)
    assert r.differences == ["only: w at cloud/gpu/v → edge/gpu/v"]
    assert r.scenario_multipliers[3]["rented"] == 3.0
    # the plans are valid plans of the instance (objective reports the NPV)
    from placement import evaluate

    for p in (r.neutral, r.averse):
        assert p.plan is not None and evaluate(load_instance(TWO), p.plan).ok
    # weight 0: the same recommendation as the risk-neutral solve
    same = risk_averse(TWO, 0.0, scenarios=SCENARIOS, level=0.75, samples=50, workers=1)
    assert same.differences == [] and same.averse.placements == same.neutral.placements


def test_risk_averse_sampled_scenarios_are_reproducible() -> None:
    inst = copy.deepcopy(TWO)
    one = risk_averse(inst, 0.5, scenarios=6, samples=100, seed=4, workers=1)
    two = risk_averse(inst, 0.5, scenarios=6, samples=100, seed=4, workers=1)
    assert one.scenario_multipliers == two.scenario_multipliers
    assert one.averse.cvar == two.averse.cvar
    assert len(one.scenario_multipliers) == 6


def test_bad_arguments_are_refused(linear_plan: Any) -> None:
    with pytest.raises(InstanceError):
        risk(LINEAR, linear_plan, level=1.0)
    with pytest.raises(InstanceError):
        risk(LINEAR, linear_plan, distributions={"wages": {"type": "fixed", "value": 1}})
    with pytest.raises(InstanceError):
        risk_averse(TWO, 1.5, scenarios=SCENARIOS)
    with pytest.raises(InstanceError):
        risk_averse(TWO, 0.5, scenarios=[{"wages": 2.0}])


# --------------------------------------------------------------------------- CLI


def _cli(*args: Any) -> Any:
    from typer.testing import CliRunner

    from placement.cli.app import app

    result = CliRunner().invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def test_cli_risk_json_file_and_errors(tmp_path: Any, linear_plan: Any) -> None:
    import json

    import yaml

    from placement.analysis.results import RiskResult

    inst = tmp_path / "linear.yaml"
    inst.write_text(yaml.safe_dump(LINEAR))
    out = tmp_path / "risk.json"
    r = _cli("risk", inst, "--samples", 300, "--seed", 2, "--json", "-o", out)
    assert r.exit_code == 0, r.output
    doc = RiskResult.model_validate_json(out.read_text())
    assert doc.samples == 300 and doc.seed == 2 and doc.baseline is not None
    assert json.loads(out.read_text()) == doc.model_dump(mode="json")
    text = _cli("risk", inst, "--samples", 300, "--seed", 2)
    assert text.exit_code == 0 and "P95" in text.output and "costs less than staying put" \
        in " ".join(text.output.split())
    # a given plan file, and a tampered one
    plan = tmp_path / "plan.json"
    plan.write_text(linear_plan.to_json())
    given = _cli("risk", inst, "--plan", plan, "--samples", 300, "--seed", 2, "--json")
    assert given.exit_code == 0, given.output
    bad = json.loads(linear_plan.to_json())
    bad["npv"] = 1.0
    plan.write_text(json.dumps(bad))
    assert _cli("risk", inst, "--plan", plan).exit_code == 6
    assert _cli("risk", inst, "--plan", tmp_path / "none.json").exit_code == 3
    # bad distributions file, bad options
    dist = tmp_path / "d.yaml"
    dist.write_text("distributions: {rented: {type: uniform, low: 0, high: 1}}\n")
    assert _cli("risk", inst, "--distributions", dist).exit_code == 3
    assert _cli("risk", inst, "--level", 1.5).exit_code == 2
    assert _cli("risk", inst, "--cvar-weight", 2).exit_code == 2
    assert _cli("risk", inst, "--set", "workloads[nope].demand_rps=2").exit_code == 3


def test_cli_risk_averse(tmp_path: Any) -> None:
    import yaml

    inst = tmp_path / "two.yaml"
    inst.write_text(yaml.safe_dump(TWO))
    r = _cli("risk", inst, "--cvar-weight", 0.5, "--scenarios", 5, "--samples", 100,
             "--workers", 1, "--json")
    assert r.exit_code == 0, r.output
    from placement.analysis.risk import RiskAverseResult

    doc = RiskAverseResult.model_validate_json(r.stdout)
    assert doc.scenarios == 5 and doc.weight == 0.5
    text = _cli("risk", inst, "--cvar-weight", 0.5, "--scenarios", 5, "--samples", 100,
                "--workers", 1)
    assert text.exit_code == 0 and "risk-averse" in text.output
