"""The command line: exit codes, outputs and messages of every command.

Most tests run the typer app in-process with ``CliRunner``; one runs the installed
console script for real. Exit codes: 0 ok, 1 other error, 2 usage, 3 invalid instance
or plan file, 4 infeasible, 5 no solution within the time limit, 6 plan check violations.
"""

from __future__ import annotations

import copy
import json
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import placement
from placement.cli.app import app

EXAMPLE = Path(placement.__file__).parent / "instances" / "example.yaml"
BASE: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SOLVE_SECONDS = re.compile(r'"solve_seconds": [0-9.eE+-]+')

runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def flat(text: str) -> str:
    """Terminal output without colour codes, whitespace (rich's line wrapping) collapsed."""
    return " ".join(ANSI.sub("", text).split())


def assert_clean_exit(result: Any, code: int) -> None:
    """The expected exit code, reached on purpose (no uncaught exception, no traceback)."""
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {type(result.exception).__name__}: {result.exception}"
    )
    assert "Traceback" not in result.output
    assert "Internal error" not in result.output


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def example_with(**workload0: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["workloads"][0].update(workload0)
    return data


def assert_plan_fields(plan: dict[str, Any]) -> None:
    """The spec's plan JSON fields ("Plan (JSON)"), with their types."""
    for key in ("instance", "status", "objective", "bound", "gap", "solver", "solve_seconds",
                "periods", "residual_value", "npv", "baseline", "cumulative_cost"):
        assert key in plan, key
    assert plan["instance"] == "example-hybrid"
    assert plan["status"] in ("optimal", "feasible")
    assert plan["solver"]
    for key in ("objective", "bound", "gap", "solve_seconds", "residual_value", "npv"):
        assert isinstance(plan[key], int | float), key
    assert [p["name"] for p in plan["periods"]] == ["pilot", "wave-1", "steady"]
    for p in plan["periods"]:
        for key in ("name", "start_month", "months", "assignments", "units", "moves", "costs",
                    "link_load_mbps"):
            assert key in p, key
        for a in p["assignments"]:
            assert set(a) >= {"workload", "site", "hardware", "variant", "carried_rps",
                              "latency_ms"}
        for u in p["units"]:
            assert set(u) >= {"site", "hardware", "units", "bought"}
        assert set(p["costs"]) >= {"rented", "capex", "maintenance", "energy", "egress",
                                   "transfer", "site_fixed", "activation", "migration"}
        assert all("|" in k for k in p["link_load_mbps"])
    assert [p["start_month"] for p in plan["periods"]] == [0, 3, 12]
    base = plan["baseline"]
    assert set(base) >= {"status", "npv", "savings", "break_even_month"}
    assert base["status"] in ("optimal", "feasible")
    assert base["savings"] == pytest.approx(base["npv"] - plan["npv"], abs=0.02)
    cum = plan["cumulative_cost"]
    assert len(cum["plan"]) == len(cum["baseline"]) == 36


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], Any]:
    """example:example solved once: the plan file, its JSON, and the CLI result."""
    path = tmp_path_factory.mktemp("solved") / "plan.json"
    result = run("solve", "example:example", "-o", path)
    assert_clean_exit(result, 0)
    return path, json.loads(path.read_text(encoding="utf-8")), result


# --- solve ------------------------------------------------------------------------------

def test_console_script_solve_writes_the_plan(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "placement"
    script = str(exe) if exe.exists() else shutil.which("placement")
    if script is None:
        pytest.skip("the placement console script is not installed")
    proc = subprocess.run([script, "solve", "example:example", "-o", "plan.json"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert_plan_fields(plan)
    assert "NPV" in proc.stdout


def test_solve_writes_the_spec_plan_fields(solved: tuple[Path, dict[str, Any], Any]) -> None:
    _, plan, _ = solved
    assert_plan_fields(plan)
    assert plan["status"] == "optimal"


def test_summary_shows_npv_savings_and_break_even(
        solved: tuple[Path, dict[str, Any], Any]) -> None:
    path, plan, result = solved
    text = flat(result.stdout)
    base = plan["baseline"]
    assert "NPV of the plan" in text
    assert f"{plan['npv']:,.2f}" in text
    assert "Savings" in text and f"{base['savings']:,.2f}" in text
    assert f"Break-even month: {base['break_even_month']}" in text
    assert f"Plan written to {path}" in text


def test_dash_output_writes_only_json_on_stdout() -> None:
    result = run("solve", "example:example", "-o", "-")
    assert_clean_exit(result, 0)
    plan = json.loads(result.stdout)  # the whole of stdout is the JSON document
    assert plan["instance"] == "example-hybrid"
    assert "NPV" in flat(result.stderr)  # the summary went to stderr


def test_quiet_prints_nothing(tmp_path: Path) -> None:
    result = run("solve", "example:example", "-q", "-o", tmp_path / "p.json")
    assert_clean_exit(result, 0)
    assert result.output.strip() == ""


def test_same_instance_twice_gives_identical_json(tmp_path: Path,
                                                  solved: tuple[Path, dict[str, Any], Any]
                                                  ) -> None:
    first, _, _ = solved
    second = tmp_path / "again.json"
    assert_clean_exit(run("solve", "example:example", "-q", "-o", second), 0)
    a = first.read_text(encoding="utf-8")
    b = second.read_text(encoding="utf-8")
    assert SOLVE_SECONDS.search(a)
    assert SOLVE_SECONDS.sub('"solve_seconds": 0', a) == SOLVE_SECONDS.sub(
        '"solve_seconds": 0', b)


def test_bad_instance_exits_3_without_output(tmp_path: Path) -> None:
    bad = write_yaml(tmp_path / "bad.yaml", example_with(origin="berlin"))
    out = tmp_path / "plan.json"
    result = run("solve", bad, "-o", out)
    assert_clean_exit(result, 3)
    assert "workloads[0] (chat-eu).origin: unknown node 'berlin'" in flat(result.stderr)
    assert result.stdout.strip() == ""
    assert not out.exists()


def test_missing_instance_file_exits_3(tmp_path: Path) -> None:
    result = run("solve", tmp_path / "nope.yaml")
    assert_clean_exit(result, 3)
    assert "no such file" in flat(result.stderr)


@pytest.fixture(scope="module")
def infeasible(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with an SLO of 1 ms for chat-eu: no placement meets it."""
    return write_yaml(tmp_path_factory.mktemp("infeasible") / "infeasible.yaml",
                      example_with(latency_slo_ms=1))


def test_infeasible_instance_exits_4_naming_the_workload(tmp_path: Path,
                                                         infeasible: Path) -> None:
    out = tmp_path / "plan.json"
    result = run("solve", infeasible, "-o", out)
    assert_clean_exit(result, 4)
    assert "chat-eu" in flat(result.output)
    plan = json.loads(out.read_text(encoding="utf-8"))
    assert plan["status"] == "infeasible"
    assert plan["baseline"]["savings"] is None


def test_explain_names_workload_period_and_rule(infeasible: Path) -> None:
    result = run("explain", infeasible)
    assert_clean_exit(result, 4)
    text = flat(result.output)
    assert "chat-eu" in text
    assert "'pilot'" in text
    assert "latency" in text


def test_explain_json_on_an_infeasible_instance(infeasible: Path) -> None:
    result = run("explain", infeasible, "--json")
    assert_clean_exit(result, 4)
    doc = json.loads(result.stdout)
    assert doc["candidates"]["chat-eu"] == {"pilot": 0, "wave-1": 0, "steady": 0}
    assert {d["workload"] for d in doc["infeasible"]} == {"chat-eu"}
    assert any(e["rule"] == "latency" for d in doc["infeasible"] for e in d["exclusions"])


def test_explain_on_a_feasible_instance_exits_0() -> None:
    result = run("explain", "example:example")
    assert_clean_exit(result, 0)
    text = flat(result.output)
    assert "chat-eu" in text and "assistant-us" in text


def generated_instance(n_workloads: int = 8, n_sites: int = 6, n_periods: int = 3,
                       seed: int = 7) -> dict[str, Any]:
    """A larger random instance (no `current`), slow to solve to optimality (~20 s)."""
    rng = random.Random(seed)
    origins = [f"users-{i}" for i in range(6)]
    hardware = [
        {"id": "rent-a", "kind": "rented", "memory_gb": 24},
        {"id": "rent-b", "kind": "rented", "memory_gb": 48},
        {"id": "own-a", "kind": "owned", "memory_gb": 64, "capex": 9000, "lifetime_months": 36,
         "power_w": 300, "maintenance_per_month": 40},
        {"id": "own-b", "kind": "owned", "memory_gb": 80, "capex": 25000,
         "lifetime_months": 48, "power_w": 700, "maintenance_per_month": 90},
    ]
    links, sites, offers = [], [], []
    for i in range(n_sites):
        sid, cloud = f"site-{i}", i % 3 == 0
        sites.append({
            "id": sid, "kind": "cloud" if cloud else ("edge" if i % 3 == 1 else "onprem"),
            "egress_per_gb": 0.09 if cloud else 0.0,
            "fixed_per_month": 0 if cloud else rng.choice([200, 800, 1500]),
            "activation_cost": 0 if cloud else rng.choice([1000, 5000]),
            "active_at_start": cloud, "energy_per_kwh": 0.2,
            "power_kw": rng.choice([3, 6, 10]), "failure_domain": f"fd-{i % 5}"})
        for origin in sorted({origins[i % len(origins)], rng.choice(origins)}):
            links.append({"a": origin, "b": sid, "latency_ms": rng.randint(2, 40),
                          "bandwidth_mbps": rng.choice([200, 1000, 5000]),
                          "cost_per_gb": rng.choice([0, 0.01])})
        if cloud:
            offers += [{"site": sid, "hardware": "rent-a", "max_units": 30,
                        "price_per_hour": round(rng.uniform(0.9, 1.6), 3)},
                       {"site": sid, "hardware": "rent-b", "max_units": 20,
                        "price_per_hour": round(rng.uniform(1.8, 2.8), 3)}]
        else:
            offers += [{"site": sid, "hardware": "own-a", "max_units": 10},
                       {"site": sid, "hardware": "own-b", "max_units": 6}]
    nodes = {lk["a"] for lk in links}
    models = [{"id": f"m{j}", "variants": [{"id": "fp16", "memory_gb": 16},
                                           {"id": "int4", "memory_gb": 6, "quality": 0.95}]}
              for j in range(3)]
    profiles = [
        {"model": m["id"], "variant": v, "hardware": h, "rps": rps * (1.5 if v == "int4" else 1),
         "latency_ms": 450 if v == "int4" else 600}
        for m in models for h, rps in (("rent-a", 1.5), ("rent-b", 3.0), ("own-a", 2.0),
                                       ("own-b", 4.0)) for v in ("fp16", "int4")
    ]
    workloads = [
        {"id": f"wl-{k}", "model": rng.choice(models)["id"],
         "origin": rng.choice(sorted(nodes)),
         "demand_rps": [round(rng.uniform(0.5, 4) * (1 + 0.2 * p), 2) for p in range(n_periods)],
         "load_factor": 0.4, "latency_slo_ms": 1500, "request_kb": 4, "response_kb": 8,
         "migration_cost": rng.choice([1000, 5000]), "replicas": rng.choice([1, 1, 2])}
        for k in range(n_workloads)
    ]
    return {"name": "generated", "horizon": {"discount_rate": 0.08, "periods": [
        {"name": f"p{p}", "months": 6, "max_migrations": 8} for p in range(n_periods)]},
        "policy": {"max_utilization": 0.8}, "network": {"links": links}, "sites": sites,
        "hardware": hardware, "offers": offers, "models": models, "profiles": profiles,
        "workloads": workloads}


def test_tiny_time_limit_status_matches_exit_code(tmp_path: Path) -> None:
    inst = write_yaml(tmp_path / "generated.yaml", generated_instance())
    out = tmp_path / "plan.json"
    result = run("solve", inst, "--time-limit", "0.01", "-q", "-o", out)
    assert result.exit_code in (0, 5), (result.exit_code, result.output)
    assert_clean_exit(result, result.exit_code)
    plan = json.loads(out.read_text(encoding="utf-8"))
    if result.exit_code == 5:
        assert plan["status"] == "error"
        assert plan["termination"] == "time_limit"
        assert plan["periods"] == [] and plan["npv"] is None
    else:
        assert plan["status"] == "feasible", "a 0.01 s run should not prove optimality"
        assert plan["termination"] == "time_limit"
        assert plan["npv"] is not None and plan["periods"]


# --- validate, check, schema, examples ---------------------------------------------------

def test_validate_ok_exits_0() -> None:
    result = run("validate", "example:example")
    assert_clean_exit(result, 0)
    assert "valid" in flat(result.stdout)


def test_validate_bad_exits_3_listing_every_problem(tmp_path: Path) -> None:
    data = example_with(latency_slo_ms=-5, lantency_ms=3)
    data["policy"]["max_utilization"] = 1.5
    result = run("validate", write_yaml(tmp_path / "bad.yaml", data))
    assert_clean_exit(result, 3)
    text = flat(result.stderr)
    assert "3 problems" in text
    assert "workloads[0] (chat-eu).latency_slo_ms:" in text
    assert "workloads[0] (chat-eu).lantency_ms: unknown field 'lantency_ms' (did you mean " in text
    assert "policy.max_utilization:" in text


@pytest.mark.parametrize("text", ["", "# only a comment\n", "- a list\n", "name: [oops\n"],
                         ids=["empty", "comment", "list", "not-yaml"])
def test_validate_unparsable_file_exits_3(tmp_path: Path, text: str) -> None:
    f = tmp_path / "instance.yaml"
    f.write_text(text, encoding="utf-8")
    result = run("validate", f)
    assert_clean_exit(result, 3)
    assert str(f) in flat(result.stderr)


def test_check_good_plan_exits_0(solved: tuple[Path, dict[str, Any], Any]) -> None:
    path, _, _ = solved
    result = run("check", "example:example", path)
    assert_clean_exit(result, 0)
    assert "every constraint holds" in flat(result.stdout)


def test_check_tampered_plan_exits_6(tmp_path: Path,
                                     solved: tuple[Path, dict[str, Any], Any]) -> None:
    _, plan, _ = solved
    tampered = copy.deepcopy(plan)
    tampered["periods"][0]["units"][0]["units"] = 0
    f = tmp_path / "tampered.json"
    f.write_text(json.dumps(tampered), encoding="utf-8")
    result = run("check", "example:example", f)
    assert_clean_exit(result, 6)
    assert "violates" in flat(result.stderr)


def test_check_wrong_npv_exits_6(tmp_path: Path,
                                 solved: tuple[Path, dict[str, Any], Any]) -> None:
    _, plan, _ = solved
    f = tmp_path / "npv.json"
    f.write_text(json.dumps({**plan, "npv": 1.0}), encoding="utf-8")
    result = run("check", "example:example", f)
    assert_clean_exit(result, 6)
    assert "npv" in flat(result.stderr)


@pytest.mark.parametrize("content", ["this is not JSON", "[1, 2]", '{"foo": 1}',
                                     b"\xff\xfe{\x00", None],
                         ids=["not-json", "list", "not-a-plan", "not-utf8", "directory"])
def test_check_unreadable_plan_exits_3(tmp_path: Path, content: str | bytes | None) -> None:
    f = tmp_path / "plan.json"
    if content is None:
        f.mkdir()
    elif isinstance(content, bytes):
        f.write_bytes(content)
    else:
        f.write_text(content, encoding="utf-8")
    result = run("check", "example:example", f)
    assert_clean_exit(result, 3)
    assert "plan.json" in flat(result.stderr)


def test_check_missing_plan_exits_3(tmp_path: Path) -> None:
    result = run("check", "example:example", tmp_path / "nope.json")
    assert_clean_exit(result, 3)


def test_check_with_a_bad_instance_exits_3(tmp_path: Path,
                                           solved: tuple[Path, dict[str, Any], Any]) -> None:
    path, _, _ = solved
    bad = write_yaml(tmp_path / "bad.yaml", example_with(model="gpt"))
    result = run("check", bad, path)
    assert_clean_exit(result, 3)
    assert "workloads[0] (chat-eu).model" in flat(result.stderr)


def test_schema_prints_the_json_schema() -> None:
    result = run("schema")
    assert_clean_exit(result, 0)
    schema = json.loads(result.stdout)
    assert "workloads" in schema["properties"]
    assert "name" in schema["required"]


def test_examples_lists_the_bundled_instances() -> None:
    result = run("examples")
    assert_clean_exit(result, 0)
    assert "example:example" in result.stdout


# --- usage and environment errors --------------------------------------------------------

def test_unwritable_output_fails_cleanly(tmp_path: Path) -> None:
    directory = tmp_path / "a-directory"
    directory.mkdir()
    result = run("solve", "example:example", "-q", "-o", directory)
    assert result.exit_code != 0
    assert_clean_exit(result, result.exit_code)
    assert str(directory) in flat(result.stderr)
    assert directory.is_dir() and not any(directory.iterdir())
    assert [p.name for p in tmp_path.iterdir()] == ["a-directory"]  # no temporary left over


def test_unknown_solver_is_a_usage_error() -> None:
    result = run("solve", "example:example", "--solver", "gurobi")
    assert result.exit_code != 0
    assert_clean_exit(result, result.exit_code)
    assert "gurobi" in flat(result.output)


@pytest.mark.parametrize("args", [["solve", "example:example", "--time-limit", "0"],
                                  ["solve", "example:example", "--gap", "-1"],
                                  ["solve", "example:example", "--threads", "0"],
                                  ["solve", "example:example", "--time-limit", "soon"],
                                  ["frobnicate"],
                                  ["solve"]],
                         ids=["time-limit-0", "negative-gap", "threads-0", "time-limit-text",
                              "unknown-command", "missing-argument"])
def test_bad_options_exit_2(args: list[str]) -> None:
    assert_clean_exit(run(*args), 2)


def test_unknown_example_exits_3() -> None:
    result = run("validate", "example:nope")
    assert_clean_exit(result, 3)
    assert "example:nope" in flat(result.stderr)
