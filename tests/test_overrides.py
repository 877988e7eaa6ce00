"""What-if overrides (PATH=VALUE by id) and multipliers on cost categories.

The multiplier test solves a tiny instance whose placement cannot change (one cloud site
for the cloud-only workload, one room for the on-prem-only one) so every cost category
must scale by exactly its multiplier; the base figures are computed by hand below.
"""

from __future__ import annotations

import copy

import pytest

from placement import InstanceError, SolveOptions, load_instance, solve
from placement.analysis import apply_overrides, scale_instance
from placement.analysis.multipliers import V2_KEYS
from placement.analysis.results import MULTIPLIER_KEYS

EX = load_instance("example:example")

# Two workloads, each with exactly one feasible (site, hardware, variant):
#   web   (cloud only): 15 rps on gpu (10 rps/unit) at 'cloud' -> 2 rented units
#   batch (on-prem only): 8 rps on one owned 'box' bought in p1 at 'room' (a move)
TINY = {
    "name": "tiny",
    "horizon": {"discount_rate": 0.0, "periods": [
        {"name": "p1", "months": 12}, {"name": "p2", "months": 12}]},
    "network": {"links": [
        {"a": "u", "b": "cloud", "latency_ms": 5, "cost_per_gb": 0.01},
        {"a": "u", "b": "room", "latency_ms": 2, "cost_per_gb": 0.02}]},
    "sites": [
        {"id": "cloud", "kind": "cloud", "egress_per_gb": 0.09, "fixed_per_month": 100,
         "active_at_start": True},
        {"id": "room", "kind": "onprem", "fixed_per_month": 1000, "activation_cost": 5000,
         "energy_per_kwh": 0.25, "pue": 1.5},
    ],
    "hardware": [
        {"id": "gpu", "kind": "rented", "memory_gb": 24},
        {"id": "box", "kind": "owned", "memory_gb": 48, "capex": 10000, "lifetime_months": 48,
         "power_w": 500, "maintenance_per_month": 50},
    ],
    "offers": [
        {"site": "cloud", "hardware": "gpu", "price_per_hour": 1.0},
        {"site": "room", "hardware": "box"},
    ],
    "models": [{"id": "m", "variants": [{"id": "v", "memory_gb": 16}]}],
    "profiles": [
        {"model": "m", "variant": "v", "hardware": "gpu", "rps": 10},
        {"model": "m", "variant": "v", "hardware": "box", "rps": 10},
    ],
    "workloads": [
        {"id": "web", "model": "m", "origin": "u", "demand_rps": 15, "latency_slo_ms": 100,
         "request_kb": 2, "response_kb": 8, "allowed_kinds": ["cloud"],
         "current": {"site": "cloud", "hardware": "gpu", "variant": "v"}},
        {"id": "batch", "model": "m", "origin": "u", "demand_rps": 8, "latency_slo_ms": 100,
         "request_kb": 1, "response_kb": 4, "load_factor": 0.5, "allowed_kinds": ["onprem"],
         "migration_cost": 3000,
         "current": {"site": "cloud", "hardware": "gpu", "variant": "v"}},
    ],
}

# By hand, per period of 12 months (undiscounted; discount rate 0):
HAND_P1 = {
    "rented": 2 * 1.0 * 730 * 12,                      # 17,520
    "capex": 10000.0,                                  # one box bought in p1
    "maintenance": 50 * 12,                            # 600
    "energy": 0.5 * 730 * 12 * 1.5 * 0.25,             # 1,642.5
    "egress": 15 * 8 * 2.628 * 12 * 0.09,              # web only (room is free): 340.5888
    "transfer": (15 * 10 * 0.01 + 8 * 0.5 * 5 * 0.02) * 2.628 * 12,   # 59.9184
    "site_fixed": (100 + 1000) * 12,                   # 13,200
    "activation": 5000.0,                              # room, first active in p1
    "migration": 3000.0,                               # batch moves in p1
}
HAND_P2 = {**HAND_P1, "capex": 0.0, "activation": 0.0, "migration": 0.0}
HAND_RESIDUAL = 10000 * (1 - 24 / 48)                  # 5,000
# category of the plan → the multiplier key that scales it
SCALES = {"rented": "rented", "capex": "capex", "maintenance": "maintenance",
          "energy": "energy", "egress": "egress", "transfer": "transfer",
          "site_fixed": "labour", "activation": "activation", "migration": "migration"}


def close(x: float):
    return pytest.approx(x, rel=1e-9, abs=1e-6)


# --------------------------------------------------------------------------- overrides


def test_overrides_by_id_change_exactly_the_named_fields() -> None:
    out = apply_overrides(EX, [
        "workloads[chat-eu].latency_slo_ms=150",
        "offers[aws-eu-central-1/g5-xlarge].price_per_hour=1.2",
        "horizon.discount_rate=0.1",
        "policy.max_utilization=0.7",
        "links[eu-central|users-berlin].cost_per_gb=1e-3",     # a|b in either order
        "periods[wave-1].max_migrations=null",
        "models[llama3-8b].variants[int4].quality=0.97",
        "sites[berlin-store].energy_per_kwh=0.31",
        "profiles[llama3-8b/int4/orin-agx-64].rps=3",
        "workloads[images-us].demand_rps[2]=7",
    ])
    assert out.workloads[0].latency_slo_ms == 150
    offer = next(o for o in out.offers if (o.site, o.hardware) == ("aws-eu-central-1", "g5-xlarge"))
    assert offer.price_per_hour == 1.2
    assert out.horizon.discount_rate == 0.1 and out.policy.max_utilization == 0.7
    link = next(lk for lk in out.network.links if {lk.a, lk.b} == {"users-berlin", "eu-central"})
    assert link.cost_per_gb == 0.001
    assert next(p for p in out.horizon.periods if p.name == "wave-1").max_migrations is None
    llama = next(m for m in out.models if m.id == "llama3-8b")
    assert next(v for v in llama.variants if v.id == "int4").quality == 0.97
    assert next(s for s in out.sites if s.id == "berlin-store").energy_per_kwh == 0.31
    assert next(p for p in out.profiles if (p.model, p.variant, p.hardware)
                == ("llama3-8b", "int4", "orin-agx-64")).rps == 3
    images = next(w for w in out.workloads if w.id == "images-us")
    before = next(w for w in EX.workloads if w.id == "images-us").demand(3)
    assert images.demand(3) == [*before[:2], 7.0]
    # nothing else moved
    untouched = EX.model_dump()
    changed = out.model_dump()
    assert changed["workloads"][1] == untouched["workloads"][1]
    assert changed["hardware"] == untouched["hardware"]
    assert EX.workloads[0].latency_slo_ms != 150  # the input is not modified


def test_override_values_are_yaml_flow_and_positions_work() -> None:
    out = apply_overrides(EX, [
        "workloads[0].residency=[EU]",
        "workloads[chat-eu].demand_rps=[1, 2, 3]",
        "workloads[chat-eu].current={site: aws-eu-central-1, hardware: g6e-xlarge, variant: fp16}",
        "workloads[chat-eu].criticality=high",
        "sites[berlin-store].active_at_start=true",
        "sites[nyc-onprem].jurisdiction=NO",       # YAML 1.2: a string, not false
    ])
    w = out.workloads[0]
    assert w.residency == ["EU"] and w.demand_rps == [1.0, 2.0, 3.0]
    assert w.current is not None and w.current[0].hardware == "g6e-xlarge"
    assert w.criticality == "high"
    assert next(s for s in out.sites if s.id == "nyc-onprem").jurisdiction == "NO"
    assert apply_overrides(EX, []) is EX


def test_every_bad_override_is_reported_at_once() -> None:
    with pytest.raises(InstanceError) as info:
        apply_overrides(EX, [
            "workloads[chat-us].latency_slo_ms=150",              # unknown id
            "workloads[chat-eu].latency_slo=150",                 # unknown field
            "offers[aws-eu-central-1].price_per_hour=1",          # incomplete offer id
            "just-text",                                          # no '='
            "workloads[chat-eu].latency_slo_ms=[1,",              # bad YAML
            "horizon.discount_rate=-0.1",                         # makes it invalid
            "policy.max_utilization=1.5",                         # makes it invalid
            "workloads[chat-eu].demand_rps[7]=1",                 # no such period
            "models[llama3-8b].variants[int8].quality=1",         # unknown variant
            "workloads[chat-eu].model=llama4",                    # dangling reference
        ])
    problems = {p.path: p.message for p in info.value.problems}
    assert problems["workloads[chat-us].latency_slo_ms=150"].startswith(
        "no workload 'chat-us' (did you mean 'chat-eu'?); have: chat-eu, assistant-us")
    assert problems["workloads[chat-eu].latency_slo=150"] == (
        "workload 'chat-eu' has no field 'latency_slo' (did you mean 'latency_slo_ms'?)")
    assert "no offer 'aws-eu-central-1' (write SITE/HARDWARE)" in problems[
        "offers[aws-eu-central-1].price_per_hour=1"]
    assert "expected PATH=VALUE" in problems["just-text"]
    assert "not valid YAML" in problems["workloads[chat-eu].latency_slo_ms=[1,"]
    assert "has 3 item(s)" in problems["workloads[chat-eu].demand_rps[7]=1"]
    assert "no variant 'int8' of model 'llama3-8b'" in problems[
        "models[llama3-8b].variants[int8].quality=1"]
    # invalidating overrides carry the usual field paths, and name the override
    assert problems["horizon.discount_rate"].startswith("Input should be greater than or equal")
    assert "horizon.discount_rate=-0.1" in problems["horizon.discount_rate"]
    assert "policy.max_utilization=1.5" in problems["policy.max_utilization"]
    assert problems["workloads[0].model"].startswith("unknown model 'llama4'")
    assert len(info.value.problems) == 10


def test_ambiguous_numeric_selector_is_refused() -> None:
    data = EX.model_dump()
    data["workloads"][1]["id"] = "0"   # id '0' is item 1, position 0 is chat-eu
    inst = load_instance(data)
    with pytest.raises(InstanceError, match="ambiguous"):
        apply_overrides(inst, ["workloads[0].latency_slo_ms=1"])
    assert apply_overrides(inst, ["workloads[2].latency_slo_ms=1"]).workloads[2].latency_slo_ms == 1


# --------------------------------------------------------------------------- multipliers


#: The v2 categories, 0 in every plan of a v1 instance.
UNUSED_V2 = {k: 0.0 for k in ("committed", "spot", "license", "updates", "deploy", "carbon")}


def test_tiny_base_costs_are_the_hand_computed_ones() -> None:
    plan = solve(load_instance(TINY), SolveOptions(threads=1))
    assert plan.status == "optimal"
    for period, hand in zip(plan.periods, (HAND_P1, HAND_P2), strict=True):
        assert {**UNUSED_V2, **{k: close(v) for k, v in hand.items()}} == period.costs
    assert plan.residual_value == close(HAND_RESIDUAL)
    assert plan.npv == close(sum(HAND_P1.values()) + sum(HAND_P2.values()) - HAND_RESIDUAL)


def test_multipliers_scale_each_category_exactly() -> None:
    factors = {"rented": 1.3, "capex": 0.8, "energy": 2.0, "egress": 0.5, "transfer": 3.0,
               "labour": 1.25, "maintenance": 0.9, "activation": 1.7, "migration": 0.6,
               "demand": 1.1}   # 16.5 rps still needs 2 gpus, 8.8 rps one box
    assert set(factors) == set(MULTIPLIER_KEYS) - set(V2_KEYS)  # v2 keys: test_v2_multipliers
    plan = solve(scale_instance(load_instance(TINY), factors), SolveOptions(threads=1))
    assert plan.status == "optimal"
    volume = {"egress": 1.1, "transfer": 1.1}  # traffic volumes follow demand
    for period, hand in zip(plan.periods, (HAND_P1, HAND_P2), strict=True):
        expected = {k: close(v * factors[SCALES[k]] * volume.get(k, 1.0)) for k, v in hand.items()}
        assert period.costs == {**UNUSED_V2, **expected}
    residual = HAND_RESIDUAL * 0.8
    assert plan.residual_value == close(residual)
    total = sum(v * factors[SCALES[k]] * volume.get(k, 1.0)
                for hand in (HAND_P1, HAND_P2) for k, v in hand.items())
    assert plan.npv == close(total - residual)


def test_one_multiplier_leaves_every_other_category_unchanged() -> None:
    base = solve(load_instance(TINY), SolveOptions(threads=1))
    scaled = solve(scale_instance(load_instance(TINY), {"rented": 1.3}), SolveOptions(threads=1))
    for b, s in zip(base.periods, scaled.periods, strict=True):
        assert s.costs["rented"] == close(b.costs["rented"] * 1.3)
        assert {k: v for k, v in s.costs.items() if k != "rented"} == {
            k: v for k, v in b.costs.items() if k != "rented"}
    assert scaled.npv == close(base.npv + 0.3 * 2 * HAND_P1["rented"])


def test_scale_instance_fields_and_identity() -> None:
    inst = load_instance(TINY)
    assert scale_instance(inst, {}) is inst and scale_instance(inst, {"rented": 1}) is inst
    s = scale_instance(inst, {"demand": 2, "capex": 0.5})
    assert [w.demand_rps for w in s.workloads] == [30.0, 16.0]
    assert s.hardware[1].capex == 5000 and s.hardware[0].capex is None
    lists = copy.deepcopy(TINY)
    lists["workloads"][0]["demand_rps"] = [10, 20]
    assert scale_instance(load_instance(lists), {"demand": 1.5}).workloads[0].demand_rps == [
        15.0, 30.0]


def test_bad_multipliers_are_instance_errors() -> None:
    with pytest.raises(InstanceError) as info:
        scale_instance(EX, {"rentd": 1.2, "capex": -1, "demand": float("nan"),
                            "energy": True})  # type: ignore[dict-item]
    paths = sorted(p.path for p in info.value.problems)
    assert paths == ["multipliers.capex", "multipliers.demand", "multipliers.energy",
                     "multipliers.rentd"]
    assert "unknown multiplier 'rentd'" in str(info.value)


# --------------------------------------------------------------------------- CLI --set


def test_cli_set_on_validate_and_solve() -> None:
    import json

    from typer.testing import CliRunner

    from placement.cli.app import app

    runner = CliRunner()
    ok = runner.invoke(app, ["validate", "example:example",
                             "--set", "workloads[chat-eu].latency_slo_ms=150"])
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(app, ["validate", "example:example",
                              "--set", "workloads[chat-us].latency_slo_ms=150",
                              "--set", "policy.max_utilization=2"])
    assert bad.exit_code == 3
    assert "no workload 'chat-us'" in bad.output and "policy.max_utilization" in bad.output
    for command in (["explain", "example:example"], ["check", "example:example", "nofile.json"],
                    ["solve", "example:example"]):
        r = runner.invoke(app, [*command, "--set", "sites[nowhere].pue=1"])
        assert r.exit_code == 3 and "no site 'nowhere'" in r.output, (command, r.output)
    solved = runner.invoke(app, ["solve", "example:tiny-missing", "--set", "x=1"])
    assert solved.exit_code == 3  # the instance error comes first
    plan = runner.invoke(app, ["solve", "example:example", "-q", "-o", "-", "--no-baseline",
                               "--set", "horizon.discount_rate=0"])
    assert plan.exit_code == 0
    doc = json.loads(plan.stdout)
    assert doc["status"] == "optimal" and doc["npv"] > 0
