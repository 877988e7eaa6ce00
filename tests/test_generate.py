"""The synthetic instance generator: deterministic, valid, every feature of the spec in use,
and feasible by construction (its stay plan meets every rule; small instances solve)."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from placement import SolveOptions, accounting, evaluate, load_instance, solve
from placement.accounting import Assignment, Schedule
from placement.cli.app import app
from placement.data import prepare
from placement.generate import (
    MAX_GROWTH,
    MAX_HORIZON_MONTHS,
    MAX_PERIODS,
    MAX_QUOTA_UNITS,
    MAX_SITES,
    MAX_WORKLOADS,
    InstanceGenerator,
    check_sizes,
    generate,
    generate_yaml,
)
from placement.generate.network import RouteFinder
from placement.network import build_graph, routes_from
from placement.plan import CumulativeCost, Plan
from placement.solution import plan_periods

runner = CliRunner()


def test_same_arguments_same_bytes_and_another_seed_another_instance(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    for path in (a, b):
        r = runner.invoke(app, ["generate", "--workloads", "12", "--sites", "8", "--periods",
                                "3", "--seed", "7", "-o", str(path)])
        assert r.exit_code == 0, r.output
    assert a.read_bytes() == b.read_bytes()
    assert a.read_text(encoding="utf-8") == generate_yaml(12, 8, 3, 7)
    assert generate_yaml(12, 8, 3, 8) != generate_yaml(12, 8, 3, 7)
    assert generate_yaml(13, 8, 3, 7) != generate_yaml(12, 8, 3, 7)


def test_cli_refuses_bad_sizes_and_unwritable_output(tmp_path: Path) -> None:
    r = runner.invoke(app, ["generate", "--workloads", "0", "--sites", "4", "--periods", "2",
                            "--seed", "1", "-o", str(tmp_path / "x.yaml")])
    assert r.exit_code == 2
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = runner.invoke(app, ["generate", "--workloads", "2", "--sites", "4", "--periods", "2",
                            "--seed", "1", "-o", str(blocker / "x.yaml")])
    assert r.exit_code == 1
    assert "Traceback" not in r.output


@pytest.mark.parametrize(("n_w", "n_s", "n_p", "seed"), [
    (1, 1, 1, 0), (1, 2, 2, 1), (3, 1, 3, 2), (3, 4, 1, 3), (9, 2, 5, 4), (9, 7, 2, 5),
    (30, 15, 3, 6), (30, 4, 5, 7), (2, 3, 4, 8), (12, 15, 1, 9),
])
def test_every_size_validates(n_w: int, n_s: int, n_p: int, seed: int) -> None:
    inst = load_instance(yaml.safe_load(generate_yaml(n_w, n_s, n_p, seed)))
    assert len(inst.workloads) == n_w
    assert len(inst.sites) == n_s
    assert len(inst.horizon.periods) == n_p


def _features(data: dict[str, Any]) -> dict[str, int]:
    """How many times each feature of the spec is used."""
    hw = {h["id"]: h for h in data["hardware"]}
    periods = data["horizon"]["periods"]
    sites, wls, links = data["sites"], data["workloads"], data["network"]["links"]
    owned = [o for o in data["offers"] if hw[o["hardware"]]["kind"] == "owned"]
    count = {
        "cloud": sum(s["kind"] == "cloud" for s in sites),
        "edge": sum(s["kind"] == "edge" for s in sites),
        "onprem": sum(s["kind"] == "onprem" for s in sites),
        "pilot": sum(bool(p.get("pilot")) for p in periods),
        "max_migrations": sum("max_migrations" in p for p in periods),
        "capex_budget": sum("capex_budget" in p for p in periods),
        "discount": int(data["horizon"]["discount_rate"] > 0),
        "max_utilization": int(data["policy"]["max_utilization"] < 1),
        "bandwidth_caps": sum("bandwidth_mbps" in lk for lk in links),
        "link_cost": sum(lk.get("cost_per_gb", 0) > 0 for lk in links),
        "node": sum("node" in s for s in sites),
        "no_jurisdiction": sum("jurisdiction" not in s for s in sites),
        "egress": sum(s.get("egress_per_gb", 0) > 0 for s in sites),
        "fixed": sum(s.get("fixed_per_month", 0) > 0 for s in sites),
        "activation": sum(s.get("activation_cost", 0) > 0 and not s.get("active_at_start")
                          for s in sites),
        "active_at_start": sum(bool(s.get("active_at_start")) for s in sites),
        "energy": sum(s.get("energy_per_kwh", 0) > 0 for s in sites),
        "pue": sum(s.get("pue", 1) > 1 for s in sites),
        "power_kw": sum("power_kw" in s for s in sites),
        "capex_rebate": sum(s.get("capex_rebate", 0) > 0 for s in sites),
        "shared_failure_domain": len(sites) - len({s.get("failure_domain", s["id"])
                                                   for s in sites}),
        "owned_offers": len(owned),
        "existing_units": sum(o.get("existing_units", 0) > 0 for o in owned),
        "max_units": sum("max_units" in o for o in data["offers"]),
        "rented_offers": sum("price_per_hour" in o for o in data["offers"]),
        "lead_times": sum(h.get("lead_time_months", 0) > 0 for h in hw.values()),
        "maintenance": sum(h.get("maintenance_per_month", 0) > 0 for h in hw.values()),
        "models_with_variants": sum(len(m["variants"]) >= 2 for m in data["models"]),
        "residency": sum(bool(w.get("residency")) for w in wls),
        "allowed_kinds": sum("allowed_kinds" in w for w in wls),
        "replicas": sum(w.get("replicas", 1) > 1 for w in wls),
        "high": sum(w.get("criticality") == "high" for w in wls),
        "current": sum("current" in w for w in wls),
        "current_list": sum(isinstance(w.get("current"), list) for w in wls),
        "migration_cost": sum(w.get("migration_cost", 0) > 0 for w in wls),
        "min_quality": sum(w.get("min_quality", 0) > 0 for w in wls),
        "load_factor": sum(w.get("load_factor", 1) < 1 for w in wls),
        "growing_demand": sum(isinstance(w["demand_rps"], list)
                              and w["demand_rps"][-1] > w["demand_rps"][0] for w in wls),
        "scalar_demand": sum(not isinstance(w["demand_rps"], list) for w in wls),
        "payload": sum(w.get("request_kb", 0) > 0 and w.get("response_kb", 0) > 0 for w in wls),
    }
    return count


def test_every_feature_of_the_spec_is_in_use() -> None:
    data = generate(60, 24, 4, 1)
    f = _features(data)
    missing = sorted(k for k, n in f.items() if n == 0)
    assert not missing, missing
    n_w, n_s = 60, 24
    assert 0.3 <= f["cloud"] / n_s <= 0.5
    assert f["pilot"] == 1 and data["horizon"]["periods"][0]["pilot"] is True
    assert 0.05 <= f["replicas"] / n_w <= 0.3
    assert 0.55 <= f["current"] / n_w <= 0.85
    # current placements are in the cloud, on rented hardware
    kind = {s["id"]: s["kind"] for s in data["sites"]}
    for w in data["workloads"]:
        cur = w.get("current")
        for c in [] if cur is None else cur if isinstance(cur, list) else [cur]:
            assert kind[c["site"]] == "cloud"
    # realistic figures
    for lk in data["network"]["links"]:
        if lk["a"].startswith("users-") and kind.get(lk["b"]) == "cloud":
            assert 5 <= lk["latency_ms"] <= 80
    price = {o["hardware"]: o["price_per_hour"] for o in data["offers"]
             if "price_per_hour" in o and kind[o["site"]] == "cloud"}
    assert price["l4-24g"] < price["l40s-48g"] < price["h100-80g"]
    assert 0.6 <= price["l4-24g"] <= 1.2 and 8 <= price["h100-80g"] <= 17


def test_features_hold_over_seeds_and_sizes() -> None:
    for n_w, n_s, n_p, seed in [(20, 12, 3, 0), (20, 12, 3, 5), (200, 48, 4, 1)]:
        f = _features(generate(n_w, n_s, n_p, seed))
        core = ["cloud", "edge", "onprem", "pilot", "capex_budget", "bandwidth_caps",
                "owned_offers", "existing_units", "lead_times", "residency", "current",
                "replicas", "max_units", "link_cost"]
        assert all(f[k] > 0 for k in core), {k: f[k] for k in core}


def _stay_plan(gen: InstanceGenerator, data: dict[str, Any]) -> dict[str, Any]:
    """The generator's stay plan (every workload at its stay placements, rented units as
    needed, owned units as existing) as plan JSON."""
    inst = load_instance(data)
    pd = prepare(inst)
    lk, mu = pd.lk, inst.policy.max_utilization
    n = len(inst.horizon.periods)
    assignments: list[list[Assignment]] = [[] for _ in range(n)]
    load: list[dict[tuple[str, str], float]] = [{} for _ in range(n)]
    for w in inst.workloads:
        for p in range(n):
            for s, h, v in gen.stay[w.id]:
                assignments[p].append(Assignment(w.id, s, h, v))
                rps = lk.profiles[(w.model, v, h)].rps
                carried = lk.demand[w.id][p] / max(1, w.replicas - 1)
                load[p][(s, h)] = load[p].get((s, h), 0.0) + carried / rps
    units: list[dict[tuple[str, str], int]] = []
    for p in range(n):
        u = {k: math.ceil(x / mu - 1e-9) for k, x in load[p].items()}
        for (s, h), o in lk.offers.items():
            if o.existing_units:
                u[(s, h)] = o.existing_units
        units.append(u)
    sch = Schedule([sorted(a) for a in assignments], units, [{} for _ in range(n)])
    per = accounting.period_costs(lk, pd.routes, sch)
    residual = accounting.residual_value(lk, sch)
    plan = Plan(instance=inst.name, status="feasible", periods=plan_periods(pd, sch),
                residual_value=residual, npv=accounting.npv(lk, per, residual),
                cumulative_cost=CumulativeCost(plan=accounting.cumulative_by_month(lk, per),
                                               baseline=None))
    return plan.to_dict()


@pytest.mark.parametrize(("n_w", "n_s", "n_p", "seed"), [
    (4, 4, 2, 0), (20, 12, 3, 1), (20, 12, 3, 2), (60, 24, 4, 1), (60, 24, 4, 2),
    (200, 48, 4, 1), (50, 10, 6, 3), (30, 3, 2, 4),
])
def test_the_stay_plan_meets_every_rule(n_w: int, n_s: int, n_p: int, seed: int) -> None:
    gen = InstanceGenerator(n_w, n_s, n_p, seed)
    data = gen.run()
    ev = evaluate(data, _stay_plan(gen, data))
    assert ev.violations == []


@pytest.mark.parametrize(("n_w", "n_s", "n_p", "seed"), [
    (4, 4, 2, 0), (4, 4, 2, 1), (6, 4, 2, 3), (5, 3, 3, 7), (5, 2, 1, 4),
])
def test_small_instances_solve_and_pass_the_evaluator(
    n_w: int, n_s: int, n_p: int, seed: int
) -> None:
    inst = load_instance(generate(n_w, n_s, n_p, seed))
    plan = solve(inst, SolveOptions(time_limit=60))
    assert plan.status in ("optimal", "feasible"), (plan.status, plan.message)
    assert plan.baseline is not None and plan.baseline.status in ("optimal", "feasible")
    assert plan.savings is not None and plan.savings >= -0.01
    assert evaluate(inst, plan.to_dict()).violations == []


# sha256 of generate_yaml at the benchmark sizes and seeds (benchmarks/run.py: XS, S, M, L,
# XL), as written by the generator before it was split into a package: the benchmark
# instances (and docs/performance.md's figures) must not change behind its back.
BENCHMARK_SHA256 = {
    (4, 4, 2, 1): "4cffe443ab445cad73b6cb5fe6a95acafc9838e279fd2eaedc7106fd3c0ee61e",
    (20, 12, 3, 1): "2e56d40d86405e46a6ae6ddc4a40b71b5b7bdb4b6122967ba96bc13b9da3731d",
    (20, 12, 3, 2): "03e48c138b6dffa3d95b2aae5c8b901bd4d93360f6462b74c7fa4bddecbb2e40",
    (60, 24, 4, 1): "7cd7ff592bbc249a76db100ddd68593ba22013e20e6e7156c48b0b7db172cc5c",
    (60, 24, 4, 2): "8efd0ad1899f8482e543200c50497714957a5e386c38a968dbf79d8853a67994",
    (200, 48, 4, 1): "67c951731d386221b8e6ca7192e2a8cc28728a4920d2519d34fabda05614f150",
    (1000, 120, 6, 1): "0158f9bbc16c05368467cac62b2ccde7f4c73b69280ad78fd2d2c9f79d760115",
}


@pytest.mark.parametrize("size", list(BENCHMARK_SHA256))
def test_benchmark_instances_are_byte_identical(size: tuple[int, int, int, int]) -> None:
    text = generate_yaml(*size)
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == BENCHMARK_SHA256[size]


def test_libyaml_and_the_pure_emitter_write_the_same_text() -> None:
    if not hasattr(yaml, "CSafeDumper"):
        pytest.skip("PyYAML without libyaml")
    data = generate(30, 15, 3, 6)
    kw: dict[str, Any] = {"sort_keys": False, "default_flow_style": None, "width": 100,
                          "allow_unicode": True}
    assert yaml.dump(data, Dumper=yaml.CSafeDumper, **kw) == yaml.safe_dump(data, **kw)


def _unrealistic(data: dict[str, Any]) -> list[str]:
    """Every figure outside the ranges docs/cli.md promises for generated instances."""
    bad: list[str] = []
    periods = data["horizon"]["periods"]
    months = [p["months"] for p in periods]
    if sum(months) > MAX_HORIZON_MONTHS or not all(1 <= m <= 36 for m in months):
        bad.append(f"months {sum(months)}")
    n_w = len(data["workloads"])
    for p in periods:
        if p.get("max_migrations", 0) > max(2, n_w) or p.get("capex_budget", 0) > 1e12:
            bad.append(f"period {p}")
    for w in data["workloads"]:
        d = w["demand_rps"] if isinstance(w["demand_rps"], list) else [w["demand_rps"]]
        if not all(0.05 <= x <= MAX_GROWTH * 600 and x <= MAX_GROWTH * (d[0] + 0.005) + 0.005
                   for x in d):
            bad.append(f"demand {w['id']} up to {max(d)}")
        if not 10 <= w["latency_slo_ms"] <= 60_000:
            bad.append(f"slo {w['id']}")
    for o in data["offers"]:
        if o.get("max_units", 0) > MAX_QUOTA_UNITS or not 0 <= o.get("price_per_hour", 0) <= 20:
            bad.append(f"offer {o}")
    for lk in data["network"]["links"]:
        if not 0 <= lk["latency_ms"] <= 300 or lk.get("bandwidth_mbps", 0) > 1e9:
            bad.append(f"link {lk}")
    return bad


@pytest.mark.parametrize(("n_w", "n_s", "n_p", "seed"), [
    (1, 1, 400, 0), (3, 4, 400, 2), (30, 12, 120, 3), (5, 5, 12, 1),
])
def test_many_periods_stay_realistic_valid_and_feasible(
    n_w: int, n_s: int, n_p: int, seed: int
) -> None:
    gen = InstanceGenerator(n_w, n_s, n_p, seed)
    data = gen.run()
    assert _unrealistic(data) == []
    inst = load_instance(yaml.safe_load(generate_yaml(n_w, n_s, n_p, seed)))
    assert len(inst.horizon.periods) == n_p
    demand = [w["demand_rps"] for w in data["workloads"] if isinstance(w["demand_rps"], list)]
    if n_p >= 120:  # growth saturates: some demand is flat at the cap by the end
        assert any(d[-1] == d[-2] > d[0] for d in demand)
    assert evaluate(data, _stay_plan(gen, data)).violations == []


def test_unrealistic_figures_are_caught() -> None:
    """The range check above can fail: the old generator's 400-period demand broke it."""
    data = generate(1, 1, 3, 0)
    data["workloads"][0]["demand_rps"] = [1.0, 2.0, 1.5**400]
    data["horizon"]["periods"][0]["months"] = 700
    assert len(_unrealistic(data)) == 2


def _counts(n_s: int) -> tuple[int, int]:
    data = generate(2, n_s, 1, 0)
    return len(data["network"]["links"]), len(data["offers"])


def test_links_and_offers_grow_linearly_with_sites() -> None:
    """Counted, not timed: the old all-pairs backbone had ~4x the links for 2x the sites."""
    (l1, o1), (l2, o2), (l4, o4) = _counts(500), _counts(1000), _counts(2000)
    for small, mid, big in ((l1, l2, l4), (o1, o2, o4)):
        assert 1.6 <= mid / small <= 2.4 and 1.6 <= big / mid <= 2.4, (small, mid, big)
    assert l4 <= 15 * 2000 and o4 <= 5 * 2000


def test_the_route_finder_matches_the_solvers_routes() -> None:
    gen = InstanceGenerator(10, 300, 1, 4)  # 120 regions: providers with several regions in a metro
    data = gen.run()
    graph = build_graph(load_instance(data))
    origins = sorted({w["origin"] for w in data["workloads"]})
    finder = RouteFinder(gen.est)
    for origin in origins:
        expected = routes_from(graph, origin)
        for site in data["sites"]:
            node = site.get("node", site["id"])
            assert finder.route(origin, site["id"]) == expected.get(node)


@pytest.mark.parametrize(("option", "value"), [
    ("--workloads", MAX_WORKLOADS + 1), ("--sites", MAX_SITES + 1),
    ("--periods", MAX_PERIODS + 1),
])
def test_sizes_above_the_caps_are_refused(tmp_path: Path, option: str, value: int) -> None:
    args = {"--workloads": 1, "--sites": 1, "--periods": 1, option: value}
    r = runner.invoke(app, ["generate", *[str(x) for kv in args.items() for x in kv],
                            "--seed", "0", "-o", str(tmp_path / "x.yaml")])
    assert r.exit_code == 2
    assert "less than or equal to" in r.output and option in r.output
    assert not (tmp_path / "x.yaml").exists()
    sizes = {k.lstrip("-"): v for k, v in args.items()}
    with pytest.raises(ValueError, match=f"{option.lstrip('-')} must be between 1 and"):
        generate(sizes["workloads"], sizes["sites"], sizes["periods"], 0)


def test_the_caps_themselves_are_accepted() -> None:
    check_sizes(MAX_WORKLOADS, MAX_SITES, MAX_PERIODS, 0)
    with pytest.raises(ValueError, match="seed"):
        check_sizes(1, 1, 1, -1)
