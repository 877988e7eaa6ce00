"""The v2 preparation layer, on tiny hand-made instances (tests/instances/):

- per-period values read at their period (``Lookup``), and a per-period price solved and
  costed at each period's value (hand-computed NPV);
- token-based profiles turned into a workload's rps and latency, the latency rule on the
  derived figure, and the rule ``profile`` for a workload without ``output_tokens``;
- the rule ``registry``: a site its model's registry cannot reach cannot host it while the
  model has updates;
- the instance using every v2 field solves, and its plan passes ``placement check``.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import placement
from placement import evaluate, load_instance
from placement.candidates import (
    exclusions,
    feasible_candidates,
    serving,
    static_failures,
    workload_serving,
)
from placement.lookup import Lookup
from placement.network import compute_routes
from placement.schema import Instance, Profile
from placement.schema.base import every_period, value_at

HERE = Path(__file__).resolve().parent
PREP: dict[str, Any] = yaml.safe_load((HERE / "instances" / "v2-prep.yaml").read_text("utf-8"))
ALL_FIELDS = HERE / "instances" / "v2-all-fields.yaml"


def prep(*, islander: bool = True, **model: Any) -> Instance:
    """v2-prep.yaml, without the workload 'islander' if asked, with ``model`` fields set
    on its model."""
    data = copy.deepcopy(PREP)
    if not islander:
        data["workloads"] = [w for w in data["workloads"] if w["id"] != "islander"]
    data["models"][0].update(model)
    return load_instance(data)


def rules(inst: Instance, workload: str) -> dict[tuple[str, str, str], set[str]]:
    """(site, hardware, variant) -> the rules that exclude it for ``workload``."""
    out: dict[tuple[str, str, str], set[str]] = {}
    for e in exclusions(Lookup(inst), compute_routes(inst), workload):
        out.setdefault((e.site, e.hardware, e.variant), set()).add(e.rule)
    return out


def placements(inst: Instance, workload: str) -> set[tuple[str, str, str]]:
    cands = feasible_candidates(Lookup(inst), compute_routes(inst), presolve=False)
    return {(c.site, c.hardware, c.variant) for c in cands if c.workload == workload}


# --- per-period values --------------------------------------------------------------------

def test_a_per_period_value_is_read_at_its_period() -> None:
    assert value_at(2.5, 0) == value_at(2.5, 7) == 2.5
    assert [value_at([1.0, 2.0, 3.0], p) for p in range(3)] == [1.0, 2.0, 3.0]
    assert every_period(4.0, 3) == [4.0, 4.0, 4.0]
    assert every_period([1.0, 2.0], 2) == [1.0, 2.0]


def test_lookup_gives_every_per_period_field_at_a_period() -> None:
    lk = Lookup(load_instance(ALL_FIELDS))
    assert [lk.price_per_hour("cloud-a", "gpu", p) for p in (0, 1)] == [1.0, 0.9]
    assert [lk.price_per_hour("cloud-b", "gpu", p) for p in (0, 1)] == [1.1, 1.1]
    assert lk.price_per_hour("edge", "box", 0) == 0.0  # owned: no hourly price
    assert [lk.spot_price_per_hour("cloud-a", "gpu", p) for p in (0, 1)] == [0.4, 0.35]
    assert lk.spot_price_per_hour("cloud-b", "gpu", 0) is None
    assert [lk.capex("box", p) for p in (0, 1)] == [2000.0, 1800.0]
    assert lk.capex("gpu", 1) == 0.0
    assert [lk.energy_per_kwh("edge", p) for p in (0, 1)] == [0.3, 0.25]
    assert [lk.carbon_g_per_kwh("cloud-a", p) for p in (0, 1)] == [300.0, 250.0]
    assert [lk.carbon_g_per_kwh("edge", p) for p in (0, 1)] == [350.0, 350.0]
    assert lk.carbon_g_per_kwh("cloud-b", 1) == 0.0


def test_a_per_period_price_is_paid_at_each_period_value() -> None:
    """chat: int4 at near, 6 / 3 = 2 units; plain: fp16, 1 unit. Period 1 (1 month): near
    costs 1.0/h, far 0.8/h: chat at near 2 x 1.0 x 730 = 1460, plain at far 0.8 x 730 =
    584. Period 2 (2 months): near costs 0.5/h: both at near, 3 x 0.5 x 730 x 2 = 2190.
    Undiscounted: NPV 4234 (with near's first price in both periods it would be 6132)."""
    inst = prep(islander=False)
    plan = placement.solve(inst)
    assert plan.status == "optimal", plan.message
    assert plan.npv == pytest.approx(4234.0, abs=0.01)
    assert [p.costs["rented"] for p in plan.periods] == pytest.approx([2044.0, 2190.0])
    where = {(a.workload, p.name): a.site for p in plan.periods for a in p.assignments}
    assert where == {("chat", "p1"): "near", ("plain", "p1"): "far",
                     ("chat", "p2"): "near", ("plain", "p2"): "near"}
    assert evaluate(inst, plan).ok


def test_per_period_capex_and_energy_are_paid_at_each_period_value() -> None:
    """tests/instances/v2-owned-per-period.yaml (its header has the hand computation):
    capex at the price of the period of purchase, for the budget and the residual value
    too; energy at each period's price."""
    inst = load_instance(HERE / "instances" / "v2-owned-per-period.yaml")
    plan = placement.solve(inst)
    assert plan.status == "optimal", plan.message
    costs = [(p.costs["capex"], p.costs["energy"]) for p in plan.periods]
    assert costs == [pytest.approx((1000.0, 876.0)), pytest.approx((500.0, 3504.0))]
    assert plan.residual_value == pytest.approx(250.0)
    assert plan.npv == pytest.approx(5630.0, abs=0.01)
    assert evaluate(inst, plan).ok


# --- token-based profiles -----------------------------------------------------------------

def test_a_token_profile_gives_rps_and_latency_per_workload() -> None:
    token = Profile(model="m", variant="v", hardware="h", tokens_per_s=600, ttft_ms=100,
                    tpot_ms=2)
    assert serving(token, 200) == (3.0, 500.0)
    assert serving(token, 300) == (2.0, 700.0)
    assert serving(token, None) is None
    given = Profile(model="m", variant="v", hardware="h", rps=1.5, latency_ms=450)
    assert serving(given, None) == serving(given, 200) == (1.5, 450.0)
    defaults = Profile(model="m", variant="v", hardware="h", tokens_per_s=100)
    assert serving(defaults, 50) == (2.0, 0.0)  # ttft_ms and tpot_ms default to 0


def test_a_token_profile_whose_derived_latency_breaks_the_slo_is_excluded() -> None:
    inst = prep()
    lk = Lookup(inst)
    assert workload_serving(lk, "chat", "int4", "gpu") == (3.0, 500.0)
    found = rules(inst, "chat")
    assert found == {("far", "gpu", "int4"): {"latency"},
                     ("island", "gpu", "fp16"): {"connectivity", "registry"},
                     ("island", "gpu", "int4"): {"connectivity", "registry"}}
    fails = dict(static_failures(lk, compute_routes(inst), "chat", "far", "gpu", "int4"))
    assert fails["latency"] == "2 x 50 + 500 = 600 ms > SLO 580 ms"
    assert placements(inst, "chat") == {("near", "gpu", "int4"), ("near", "gpu", "fp16"),
                                        ("far", "gpu", "fp16")}
    near = [c for c in feasible_candidates(lk, compute_routes(inst), presolve=False)
            if (c.workload, c.site, c.variant, c.period) == ("chat", "near", "int4", 0)]
    assert [(c.load, c.latency_ms) for c in near] == [(2.0, 510.0)]  # 6 rps / 3; 2 x 5 + 500


def test_a_workload_without_output_tokens_cannot_use_a_token_profile() -> None:
    inst = prep()
    found = rules(inst, "plain")
    assert found[("near", "gpu", "int4")] == {"profile"}
    assert found[("far", "gpu", "int4")] == {"profile"}
    fails = dict(static_failures(Lookup(inst), compute_routes(inst), "plain", "near", "gpu",
                                 "int4"))
    assert "token-based" in fails["profile"] and "output_tokens" in fails["profile"]
    assert placements(inst, "plain") == {("near", "gpu", "fp16"), ("far", "gpu", "fp16")}


def test_the_presolve_compares_variants_on_the_derived_figures() -> None:
    """At near, chat's int4 (3 rps, 500 ms) and fp16 (1 rps, 450 ms) are both kept (each
    better in one figure); with output_tokens 20, int4 serves 30 rps in 140 ms and fp16 is
    dominated."""
    inst = prep(islander=False)
    lk, routes = Lookup(inst), compute_routes(inst)
    kept = {(c.site, c.variant) for c in feasible_candidates(lk, routes, presolve=True)
            if c.workload == "chat"}
    assert ("near", "fp16") in kept and ("near", "int4") in kept
    data = copy.deepcopy(PREP)
    data["workloads"][0]["output_tokens"] = 20
    short = load_instance(data)
    kept = {(c.site, c.variant)
            for c in feasible_candidates(Lookup(short), compute_routes(short), presolve=True)
            if c.workload == "chat"}
    assert ("near", "int4") in kept and ("near", "fp16") not in kept


# --- the registry rule --------------------------------------------------------------------

def test_a_site_its_registry_cannot_reach_is_excluded_with_rule_registry() -> None:
    inst = prep()
    found = rules(inst, "islander")
    assert found[("island", "gpu", "fp16")] == {"registry"}
    assert found[("island", "gpu", "int4")] == {"registry"}
    fails = dict(static_failures(Lookup(inst), compute_routes(inst), "islander", "island",
                                 "gpu", "fp16"))
    assert fails["registry"] == ("node 'island-node' cannot be reached from registry 'hub' of "
                                 "'llm' (2 updates per month)")
    assert placements(inst, "islander") == set()
    assert placements(inst, "chat")  # reachable sites keep their placements


@pytest.mark.parametrize("model", [{"updates_per_month": 0},
                                   {"registry": None, "updates_per_month": 0}],
                         ids=["no-updates", "no-registry"])
def test_without_updates_the_registry_rule_excludes_nothing(model: dict[str, Any]) -> None:
    inst = prep(**model)
    assert rules(inst, "islander") == {
        (s, "gpu", v): {"connectivity"} for s in ("near", "far") for v in ("fp16", "int4")
    }
    assert placements(inst, "islander") == {("island", "gpu", "fp16"), ("island", "gpu", "int4")}


def test_the_registry_routes_use_the_network_rules() -> None:
    routes = compute_routes(prep())
    route = routes.get("hub", "far-node")
    assert route is not None and route.nodes == ("hub", "users", "far-node")
    assert route.latency_ms == 70.0
    assert routes.get("hub", "island-node") is None


# --- every v2 field is modelled ------------------------------------------------------------


def test_the_instance_with_every_v2_field_solves_and_checks(tmp_path: Path) -> None:
    inst = load_instance(ALL_FIELDS)
    plan = placement.solve(inst)
    assert plan.status == "optimal", plan.message
    assert evaluate(inst, plan.to_dict()).violations == []
    exe = Path(sys.executable).parent / "placement"
    script = str(exe) if exe.exists() else shutil.which("placement")
    if script is None:
        pytest.skip("the placement console script is not installed")
    proc = subprocess.run([script, "solve", str(ALL_FIELDS), "-q", "-o", "plan.json"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    proc = subprocess.run([script, "check", str(ALL_FIELDS), str(tmp_path / "plan.json")],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


