"""Infeasibility repair: on instances made infeasible by one limit each, the elastic mode
names that limit, by the right amount, and the instance with the relaxation solves."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from placement import load_instance, solve
from placement.analysis.overrides import apply_overrides
from placement.analysis.repair import relaxed, repair

# A feasible base: one workload (3 rps, 1 rps a unit) from "users"; a cloud site 20 ms away
# renting "gpu" units, an edge site 2 ms away with owned "box" units (capex 1000, 500 W).
# Serving latency 100 ms: 2 x 20 + 100 = 140 in the cloud, 2 x 2 + 100 = 104 at the edge.
# Traffic 3 x (100 + 100) x 8 / 1000 = 4.8 Mbps.
BASE: dict[str, Any] = {
    "name": "tiny",
    "horizon": {"discount_rate": 0.0, "periods": [
        {"name": "pilot", "months": 1, "pilot": True},
        {"name": "wave-1", "months": 2},
    ]},
    "network": {"links": [
        {"a": "users", "b": "cloud-node", "latency_ms": 20, "bandwidth_mbps": 1000},
        {"a": "users", "b": "edge-node", "latency_ms": 2, "bandwidth_mbps": 1000},
    ]},
    "sites": [
        {"id": "cloud", "kind": "cloud", "node": "cloud-node", "jurisdiction": "EU"},
        {"id": "edge", "kind": "edge", "node": "edge-node", "jurisdiction": "EU",
         "power_kw": 10, "energy_per_kwh": 0.2},
        {"id": "old", "kind": "cloud", "node": "cloud-node", "jurisdiction": "US"},
    ],
    "hardware": [
        {"id": "gpu", "kind": "rented", "memory_gb": 24},
        {"id": "box", "kind": "owned", "memory_gb": 24, "capex": 1000, "lifetime_months": 36,
         "power_w": 500},
    ],
    "offers": [
        {"site": "cloud", "hardware": "gpu", "price_per_hour": 1.0, "max_units": 10},
        {"site": "edge", "hardware": "box", "max_units": 10},
        {"site": "old", "hardware": "gpu", "price_per_hour": 1.0},
    ],
    "models": [{"id": "m", "variants": [{"id": "v", "memory_gb": 10}]}],
    "profiles": [
        {"model": "m", "variant": "v", "hardware": "gpu", "rps": 1, "latency_ms": 100},
        {"model": "m", "variant": "v", "hardware": "box", "rps": 1, "latency_ms": 100},
    ],
    "workloads": [
        {"id": "chat", "model": "m", "origin": "users", "demand_rps": 3,
         "latency_slo_ms": 1000, "request_kb": 100, "response_kb": 100, "residency": ["EU"]},
    ],
}


def variant(*overrides: str, workloads: list[dict[str, Any]] | None = None) -> Any:
    data = copy.deepcopy(BASE)
    if workloads is not None:
        data["workloads"] = workloads
    inst = load_instance(data)
    inst = apply_overrides(inst, list(overrides))
    assert solve(inst).status == "infeasible"
    return inst


def only(result: Any) -> Any:
    assert result.status == "repaired", result
    assert len(result.relaxations) == 1, result.relaxations
    assert result.verified is True and result.repaired_status == "optimal"
    return result.relaxations[0]


def test_feasible_instance_needs_nothing() -> None:
    r = repair(BASE)
    assert r.status == "feasible" and r.relaxations == [] and r.verified is True


def test_capacity_cap() -> None:
    inst = variant("workloads[chat].allowed_kinds=[cloud]",
                   "offers[cloud/gpu].max_units=2")
    x = only(repair(inst))
    assert (x.family, x.target, x.field) == ("capacity", "cloud/gpu", "max_units")
    assert (x.current, x.suggested) == (2, 3)
    assert x.override == "offers[cloud/gpu].max_units=3"
    assert x.message == "raise max_units of offer cloud/gpu from 2 to 3 in pilot and wave-1"


def test_link_bandwidth() -> None:
    inst = variant("workloads[chat].allowed_kinds=[cloud]",
                   "links[users|cloud-node].bandwidth_mbps=4")
    x = only(repair(inst))
    assert (x.family, x.target, x.field) == ("bandwidth", "cloud-node|users", "bandwidth_mbps")
    assert x.suggested == pytest.approx(4.8)
    assert x.message == ("raise link cloud-node|users to 4.8 Mbps in pilot and wave-1 "
                         "(from 4 Mbps)")


def test_link_bandwidth_rounds_up_to_whole_mbps() -> None:
    inst = variant("workloads[chat].allowed_kinds=[cloud]", "workloads[chat].demand_rps=400",
                   "offers[cloud/gpu].max_units=null",
                   "links[users|cloud-node].bandwidth_mbps=500")
    x = only(repair(inst))
    assert x.family == "bandwidth" and x.suggested == 640  # 400 x 200 x 8 / 1000
    assert "raise link cloud-node|users to 640 Mbps" in x.message


def test_site_power() -> None:
    inst = variant("workloads[chat].allowed_kinds=[edge]", "sites[edge].power_kw=1")
    x = only(repair(inst))
    assert (x.family, x.target, x.field) == ("power", "edge", "power_kw")
    assert (x.current, x.suggested) == (1, 1.5)
    assert x.override == "sites[edge].power_kw=1.5"


def test_capex_budget() -> None:
    inst = variant("workloads[chat].allowed_kinds=[edge]", "periods[pilot].capex_budget=2000")
    x = only(repair(inst))
    assert (x.family, x.target, x.field) == ("capex_budget", "pilot", "capex_budget")
    assert x.increase == 1000 and x.suggested == 3000
    assert x.message == "raise capex_budget of pilot by 1,000 (2,000 → 3,000)"
    assert x.override == "periods[pilot].capex_budget=3000"


def test_max_migrations() -> None:
    # two workloads run today at "old" (US), but must stay in the EU: both move in the pilot
    wl = dict(BASE["workloads"][0], demand_rps=1,
              current={"site": "old", "hardware": "gpu", "variant": "v"})
    inst = variant("periods[pilot].max_migrations=1",
                   workloads=[dict(wl, id="chat"), dict(wl, id="chat2")])
    x = only(repair(inst))
    assert (x.family, x.target, x.field) == ("max_migrations", "pilot", "max_migrations")
    assert (x.current, x.suggested) == (1, 2)
    assert x.message == "allow 1 more migration in pilot (max_migrations 1 → 2)"


def test_latency_slo() -> None:
    inst = variant("workloads[chat].latency_slo_ms=100")
    x = only(repair(inst))
    assert (x.family, x.target, x.field) == ("latency", "chat", "latency_slo_ms")
    assert x.increase == pytest.approx(4) and x.suggested == pytest.approx(104)
    assert x.message == "allow chat 4 ms more in pilot and wave-1 (latency_slo_ms 100 → 104)"


def test_two_limits_at_once() -> None:
    inst = variant("workloads[chat].allowed_kinds=[cloud]", "offers[cloud/gpu].max_units=2",
                   "workloads[chat].latency_slo_ms=130")
    r = repair(inst)
    assert r.status == "repaired" and r.verified is True
    assert {x.family for x in r.relaxations} == {"capacity", "latency"}
    assert {x.message for x in r.relaxations} >= {
        "allow chat 10 ms more in pilot and wave-1 (latency_slo_ms 130 → 140)"}


def test_smallest_relative_relaxation_wins() -> None:
    # cloud: one unit more than its cap of 2 (+50%); edge: 1.5 kW for a cap of 1.4 (+7%)
    inst = variant("workloads[chat].allowed_kinds=[cloud, edge]",
                   "offers[cloud/gpu].max_units=2", "sites[edge].power_kw=1.4")
    x = only(repair(inst))
    assert x.family == "power"


def test_static_rules_are_not_relaxed() -> None:
    inst = variant("workloads[chat].residency=[JP]")
    r = repair(inst)
    assert r.status == "unrepairable" and r.relaxations == []
    assert [u.workload for u in r.unrepairable] == ["chat", "chat"]  # pilot and wave-1
    assert "residency" in r.unrepairable[0].rules


def test_static_rules_and_relaxations_together() -> None:
    other = dict(BASE["workloads"][0], id="other", residency=["JP"])
    inst = variant("workloads[chat].latency_slo_ms=100",
                   workloads=[BASE["workloads"][0], other])
    r = repair(inst)
    assert r.status == "unrepairable"
    assert {u.workload for u in r.unrepairable} == {"other"}
    assert [x.family for x in r.relaxations] == ["latency"]


def test_the_relaxed_copy_drops_the_relaxable_limits() -> None:
    inst = load_instance(BASE)
    rinst, lim = relaxed(inst)
    assert lim.max_units == {("cloud", "gpu"): 10, ("edge", "box"): 10}
    assert lim.bandwidth == {"cloud-node|users": 1000, "edge-node|users": 1000}
    assert lim.power_kw == {"edge": 10} and lim.slo == {"chat": 1000}
    assert all(o.max_units is None for o in rinst.offers)
    assert all(s.power_kw is None for s in rinst.sites)
    assert rinst.workloads[0].latency_slo_ms > 1e6


def test_cli_explain_repair(tmp_path: Any) -> None:
    import json

    import yaml
    from typer.testing import CliRunner

    from placement.cli.app import app

    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(BASE))
    run = CliRunner().invoke
    ok = run(app, ["explain", str(path), "--repair"])
    assert ok.exit_code == 0 and "nothing to relax" in ok.output
    bad = ["--set", "workloads[chat].latency_slo_ms=100"]
    r = run(app, ["explain", str(path), "--repair", "--json", *bad])
    assert r.exit_code == 4, r.output
    doc = json.loads(r.stdout)
    assert doc["status"] == "repaired" and doc["verified"] is True
    assert [x["override"] for x in doc["relaxations"]] == ["workloads[chat].latency_slo_ms=104"]
    text = run(app, ["explain", str(path), "--repair", *bad])
    flat = " ".join(text.output.split())
    assert text.exit_code == 4
    assert "allow chat 4 ms more" in flat
    assert "--set 'workloads[chat].latency_slo_ms=104'" in flat  # replaces the user's --set
    assert "latency_slo_ms=100'" not in flat
    assert "✓ the instance with these relaxations is optimal" in flat
    # a link the user named b|a is the link the relaxation names a|b
    link = run(app, ["explain", str(path), "--repair", "--set",
                     "workloads[chat].allowed_kinds=[cloud]", "--set",
                     "links[users|cloud-node].bandwidth_mbps=4"])
    flat = " ".join(link.output.split())
    assert link.exit_code == 4, link.output
    assert "--set 'links[cloud-node|users].bandwidth_mbps=4.8'" in flat
    assert "links[users|cloud-node]" not in flat
