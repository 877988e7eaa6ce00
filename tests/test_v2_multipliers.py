"""The v2 multipliers (issue 16 item 4): committed, spot, carbon_price, price_trend.

The keys are tested on the instance transformation, with values by hand; the price trend
acts on v1 fields too and is also solved end to end (commitments end to end:
tests/test_commit_spot_carbon.py).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from placement import load_instance, solve
from placement.analysis.multipliers import V2_KEYS, check_multipliers, no_effect, scale_instance
from placement.analysis.results import MULTIPLIER_KEYS
from placement.analysis.risk.distributions import (
    DEFAULT_DISTRIBUTIONS,
    coerce_distributions,
    parse_distributions,
)
from placement.analysis.risk.sampling import (
    category_factors,
    given_scenario_factors,
    sample_multipliers,
)
from placement.analysis.scenarios import load_scenarios
from placement.analysis.sensitivity import effective_parameters, run_sensitivity
from placement.analysis.thresholds import run_thresholds
from placement.errors import InstanceError
from placement.schema.options import SolveOptions
from tests.test_overrides import HAND_P1, TINY

V1_KEYS = MULTIPLIER_KEYS[:10]

# Three periods of 12, 6 and 18 months: they start at months 0, 12 and 18.
V2: dict[str, Any] = {
    **copy.deepcopy(TINY),
    "name": "tiny-v2",
    "horizon": {"discount_rate": 0.0, "periods": [
        {"name": "p1", "months": 12}, {"name": "p2", "months": 6}, {"name": "p3", "months": 18}]},
    "policy": {"carbon_price_per_t": 80.0},
    "offers": [
        {"site": "cloud", "hardware": "gpu", "price_per_hour": 2.0,
         "commitments": [{"id": "1y", "term_months": 12, "price_per_hour": 1.172},
                         {"id": "3y", "term_months": 36, "price_per_hour": 0.807}],
         "spot": {"price_per_hour": [0.4, 0.5, 0.3], "max_units": 8}},
        {"site": "room", "hardware": "box"},
    ],
}
V2["sites"] = [{**s, "carbon_g_per_kwh": 300.0} for s in V2["sites"]]


def v2() -> Any:
    return load_instance(copy.deepcopy(V2))


def test_new_keys_are_appended() -> None:
    assert MULTIPLIER_KEYS[:10] == ("rented", "capex", "energy", "egress", "transfer",
                                    "demand", "labour", "maintenance", "activation",
                                    "migration")
    assert MULTIPLIER_KEYS[10:] == V2_KEYS == ("committed", "spot", "carbon_price",
                                               "price_trend")


def test_committed_spot_and_carbon_price_by_hand() -> None:
    s = scale_instance(v2(), {"committed": 0.5, "spot": 2.0, "carbon_price": 1.5})
    cloud = s.offers[0]
    assert [c.price_per_hour for c in cloud.commitments] == [0.586, 0.4035]
    assert [c.term_months for c in cloud.commitments] == [12, 36]
    assert cloud.spot is not None and cloud.spot.price_per_hour == [0.8, 1.0, 0.6]
    assert cloud.spot.max_units == 8
    assert cloud.price_per_hour == 2.0                 # on demand: not these keys
    assert s.policy.carbon_price_per_t == 120.0
    assert s.sites[0].carbon_g_per_kwh == 300.0        # intensities are not prices
    scalar = copy.deepcopy(V2)
    scalar["offers"][0]["spot"]["price_per_hour"] = 0.39
    spot = scale_instance(load_instance(scalar), {"spot": 2.0}).offers[0].spot
    assert spot is not None and spot.price_per_hour == 0.78  # a scalar stays a scalar


def test_price_trend_by_hand() -> None:
    # g = 0.81 a year: periods starting at months 0, 12, 18 get 1, 0.81, 0.81^1.5 = 0.729
    s = scale_instance(v2(), {"price_trend": 0.81})
    cloud = s.offers[0]
    assert isinstance(cloud.price_per_hour, list)
    assert cloud.price_per_hour[0] == 2.0              # the first period: bit for bit
    assert cloud.price_per_hour == pytest.approx([2.0, 1.62, 1.458], rel=1e-14)
    assert cloud.spot is not None
    assert cloud.spot.price_per_hour == pytest.approx([0.4, 0.405, 0.2187], rel=1e-14)
    assert [c.price_per_hour for c in cloud.commitments] == [1.172, 0.807]  # not trended
    assert s.offers[1].price_per_hour is None          # owned: no price to trend
    assert s.hardware == v2().hardware and s.sites == v2().sites
    # with rented: the factors multiply
    both = scale_instance(v2(), {"rented": 2.0, "price_trend": 0.81}).offers[0]
    assert both.price_per_hour == pytest.approx([4.0, 3.24, 2.916], rel=1e-14)
    # a per-period list is trended period by period: x 1, 1.21, 1.21^1.5 = 1.331
    lists = copy.deepcopy(V2)
    lists["offers"][0]["price_per_hour"] = [1.0, 3.0, 10.0]
    s = scale_instance(load_instance(lists), {"price_trend": 1.21})
    assert s.offers[0].price_per_hour == pytest.approx([1.0, 3.63, 13.31], rel=1e-14)


def test_v1_instance_unchanged() -> None:
    inst = load_instance("example:example")
    for key in MULTIPLIER_KEYS:
        assert scale_instance(inst, {key: 1}) is inst
        assert scale_instance(inst, {key: 1.0}) is inst
    # no commitments, no spot, no carbon price: these keys change nothing at all
    scaled = scale_instance(inst, {"committed": 1.7, "spot": 0.3, "carbon_price": 4.0})
    assert scaled.model_dump() == inst.model_dump()
    # all keys at 1 but one: the rest bit for bit
    s = scale_instance(inst, {**dict.fromkeys(MULTIPLIER_KEYS, 1.0), "price_trend": 0.9})
    assert s.model_dump(exclude={"offers"}) == inst.model_dump(exclude={"offers"})
    for new, old in zip(s.offers, inst.offers, strict=True):
        assert new.model_dump(exclude={"price_per_hour"}) == old.model_dump(
            exclude={"price_per_hour"})
        if old.price_per_hour is None:
            assert new.price_per_hour is None
        else:
            assert isinstance(new.price_per_hour, list)
            assert new.price_per_hour[0] == old.price_per_hour


def test_price_trend_solved_end_to_end_on_a_v1_instance() -> None:
    # TINY: two 12-month periods, 2 rented gpus in each: p2's rented cost x 0.8 (1 year)
    base = solve(load_instance(TINY), SolveOptions(threads=1))
    plan = solve(scale_instance(load_instance(TINY), {"price_trend": 0.8}),
                 SolveOptions(threads=1))
    assert plan.status == "optimal"
    assert plan.periods[0].costs == base.periods[0].costs
    assert plan.periods[1].costs["rented"] == pytest.approx(HAND_P1["rented"] * 0.8, rel=1e-12)
    assert {k: v for k, v in plan.periods[1].costs.items() if k != "rented"} == {
        k: v for k, v in base.periods[1].costs.items() if k != "rented"}
    assert plan.npv == pytest.approx(base.npv - 0.2 * HAND_P1["rented"], rel=1e-12)


def test_no_effect() -> None:
    inst = load_instance("example:example")
    assert no_effect(inst, "committed") == "no offer has commitments"
    assert no_effect(inst, "spot") == "no offer has spot"
    assert "carbon_price_per_t is 0" in (no_effect(inst, "carbon_price") or "")
    assert no_effect(inst, "price_trend") is None      # v1 prices over several periods
    assert all(no_effect(inst, k) is None for k in V1_KEYS)
    assert all(no_effect(v2(), k) is None for k in V2_KEYS)
    quiet = copy.deepcopy(V2)
    quiet["sites"] = TINY["sites"]                       # carbon priced, nothing emits
    quiet["horizon"] = TINY["horizon"] | {"periods": [{"name": "only", "months": 12}]}
    quiet["offers"][0]["spot"]["price_per_hour"] = 0.0
    quiet["offers"][0]["commitments"] = [{"id": "x", "term_months": 12, "price_per_hour": 0}]
    q = load_instance(quiet)
    assert no_effect(q, "carbon_price") == (
        "nothing emits (no carbon intensity with power, no embodied carbon)")
    assert no_effect(q, "spot") == "every spot price is 0"
    assert no_effect(q, "committed") == "every commitment price is 0"
    assert "one period only" in (no_effect(q, "price_trend") or "")


def test_sensitivity_default_set() -> None:
    inst = load_instance("example:example")
    params, skipped = effective_parameters(inst, None)
    assert params == list(V1_KEYS)                     # v1: the same ten rows, 21 solves
    assert list(skipped) == ["committed", "spot", "carbon_price", "price_trend"]
    assert "varied only when named" in skipped["price_trend"]
    params, skipped = effective_parameters(v2(), None)
    assert params == [*V1_KEYS, "committed", "spot", "carbon_price"]
    assert list(skipped) == ["price_trend"]
    assert effective_parameters(inst, ["price_trend", "rented"]) == (
        ["price_trend", "rented"], {})
    with pytest.raises(InstanceError) as exc:
        effective_parameters(inst, ["rented", "committed", "carbon_price"])
    assert [p.path for p in exc.value.problems] == ["parameters", "parameters"]
    assert "'committed' changes nothing in" in exc.value.problems[0].message
    with pytest.raises(InstanceError):              # refused before any solve
        run_sensitivity(inst, parameters=["spot"])
    with pytest.raises(InstanceError):
        run_thresholds(inst, "carbon_price")


def test_thresholds_on_price_trend_words() -> None:
    res = run_thresholds(load_instance(TINY), "price_trend", workers=1)
    assert [r.threshold for r in res.rows] == [None, None]  # only one placement is allowed
    assert "the yearly price trend (on-demand and spot) between 0.2x and 1x a year " \
        "(1 = flat)" in res.rows[0].change


def test_bad_values_are_refused_with_their_path() -> None:
    problems = check_multipliers({"committed": -1, "spot": float("nan"), "carbon_price": "x",
                                  "price_trend": True, "carbon": 2})
    assert [p.path for p in problems] == [
        "multipliers.committed", "multipliers.spot", "multipliers.carbon_price",
        "multipliers.price_trend", "multipliers.carbon"]
    with pytest.raises(InstanceError) as exc:
        scale_instance(v2(), {"price_trend": -0.5})
    assert exc.value.problems[0].path == "multipliers.price_trend"
    big = copy.deepcopy(V2)
    big["offers"][0]["spot"]["price_per_hour"] = 6e11
    with pytest.raises(InstanceError) as exc:
        scale_instance(load_instance(big), {"spot": 2})
    assert exc.value.problems[0].path == "offers[0].spot.price_per_hour"
    with pytest.raises(InstanceError) as exc:
        load_scenarios({"scenarios": {"dear": {"multipliers": {"carbon_price": -2,
                                                                "committed": 0.8}}}})
    assert [p.path for p in exc.value.problems] == ["scenarios.dear.multipliers.carbon_price"]
    ok = load_scenarios({"scenarios": {"s": {"multipliers": {
        "committed": 0.8, "spot": 1.3, "carbon_price": 2, "price_trend": 0.9}}}})
    assert ok.scenarios["s"].multipliers["price_trend"] == 0.9


def test_risk_takes_distributions_for_the_new_keys_but_not_the_trend() -> None:
    dists = parse_distributions({"distributions": {
        "committed": {"type": "triangular", "low": 0.8, "mode": 1.0, "high": 1.1},
        "spot": {"type": "lognormal", "median": 1.0, "sigma": 0.3},
        "carbon_price": {"type": "fixed", "value": 2.0}}})
    draws = sample_multipliers(dists, 5, seed=3)
    facs = category_factors(draws)
    assert np.array_equal(facs["committed"], draws["committed"])
    assert np.array_equal(facs["spot"], draws["spot"])
    assert np.array_equal(facs["carbon"], np.full(5, 2.0))
    with pytest.raises(InstanceError) as exc:
        parse_distributions({"distributions": {
            "price_trend": {"type": "fixed", "value": 0.9}}}, "d.yaml")
    assert exc.value.problems[0].path == "d.yaml: distributions.price_trend"
    assert "does not sample the price trend" in exc.value.problems[0].message
    with pytest.raises(InstanceError) as exc:
        coerce_distributions({"price_trend": DEFAULT_DISTRIBUTIONS["rented"]})
    assert exc.value.problems[0].path == "distributions.price_trend"
    with pytest.raises(InstanceError) as exc:
        given_scenario_factors([{"rented": 0.9}, {"price_trend": 0.9}])
    assert exc.value.problems[0].path == "scenarios[1].price_trend"
    mults, facs2 = given_scenario_factors([{"committed": 0.7, "price_trend": 1.0}])
    assert facs2[0]["committed"] == 0.7 and mults[0]["price_trend"] == 1.0


@pytest.mark.parametrize("stream", [0, 1])
@pytest.mark.parametrize("seed", [0, 12345])
def test_risk_streams_of_the_old_keys_are_unchanged(seed: int, stream: int) -> None:
    old = np.random.SeedSequence([seed, stream]).spawn(10)   # before the v2 keys
    new = np.random.SeedSequence([seed, stream]).spawn(len(MULTIPLIER_KEYS))
    for i in range(10):
        assert np.array_equal(old[i].generate_state(8), new[i].generate_state(8))
    draws = sample_multipliers(DEFAULT_DISTRIBUTIONS, 50, seed, stream)
    for key, child in zip(V1_KEYS, old, strict=True):
        want = DEFAULT_DISTRIBUTIONS[key].sample(np.random.default_rng(child), 50)
        assert np.array_equal(draws[key], want)
    for key in V2_KEYS:                                # no default distribution: 1
        assert np.array_equal(draws[key], np.ones(50))


def test_egress_scales_the_tier_prices_too() -> None:
    from placement.analysis.multipliers import scale_instance

    doc = load_instance("example:example-v2").model_dump()
    tiered = [s for s in doc["sites"] if s.get("egress_tiers")]
    assert tiered, "example-v2 has tiered egress"
    scaled = scale_instance(load_instance(doc), {"egress": 1.5}).model_dump()
    for before in tiered:
        after = next(s for s in scaled["sites"] if s["id"] == before["id"])
        assert [t["per_gb"] for t in after["egress_tiers"]] == [
            t["per_gb"] * 1.5 for t in before["egress_tiers"]]
        assert [t.get("up_to_gb") for t in after["egress_tiers"]] == [
            t.get("up_to_gb") for t in before["egress_tiers"]]
