"""Rough edges a new user hits (issue 14, second round), as tables: each row an input (a
mutation of the bundled example, written to a file) and a command line, the expected exit
code, and a fragment the output must contain.

1. problem paths name the ids of the list items they pass through;
2. names that differ only in case or spaces warn (validate, solve; library: warnings());
3. ``explain --baseline`` says which current placement breaks which rule, with numbers;
4. ``risk`` reports the probability of a capacity shortfall next to the cost figures;
5. the docs state the problem in the project's own words and cite no workspace path.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

import placement
from placement import InstanceError, load_instance
from placement.analysis.risk import DEFAULT_DISTRIBUTIONS, risk, sample_multipliers, schedule_of
from placement.analysis.shortfall import unit_headroom
from placement.candidates import RULES
from placement.cli.app import app
from placement.costs import COST_CATEGORIES
from placement.labels import MAX_LABEL, labelled_path
from placement.lookup import Lookup
from placement.nearmiss import warnings
from tests.test_cli import assert_clean_exit

runner = CliRunner()
ROOT = Path(placement.__file__).parent.parent
EXAMPLE = yaml.safe_load((ROOT / "instances/example.yaml").read_text("utf-8"))

Mutation = Callable[[dict[str, Any]], None]


def flat(text: str) -> str:
    return " ".join(text.split())


def mutated(*changes: Mutation) -> dict[str, Any]:
    data = copy.deepcopy(EXAMPLE)
    for change in changes:
        change(data)
    return data


def at(path: str, value: Any) -> Mutation:
    """Set ``path`` (dots and [index]) of the document to ``value``."""
    keys = [int(k) if k.isdigit() else k for k in re.findall(r"[^.\[\]]+", path)]

    def change(d: dict[str, Any]) -> None:
        node: Any = d
        for k in keys[:-1]:
            node = node[k]
        node[keys[-1]] = value

    return change


def add(path: str, item: Any) -> Mutation:
    keys = [int(k) if k.isdigit() else k for k in re.findall(r"[^.\[\]]+", path)]

    def change(d: dict[str, Any]) -> None:
        node: Any = d
        for k in keys:
            node = node[k]
        node.append(item)

    return change


def invoke(tmp_path: Path, data: dict[str, Any] | None, args: list[str]) -> Any:
    """Run ``placement ARGS`` with ``{}`` in ARGS replaced by the mutated example's file."""
    path = tmp_path / "instance.yaml"
    if data is not None:
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return runner.invoke(app, [str(path) if a == "{}" else a for a in args],
                         env={"COLUMNS": "200"})


# --------------------------------------------------------------------------- 1. labels

LONG = "w" * 150
LABEL_ROWS: list[tuple[str, dict[str, Any], int, str]] = [
    ("workload", mutated(at("workloads[1].origin", "nowhere")), 3,
     "workloads[1] (assistant-us).origin: unknown node 'nowhere'"),
    ("site", mutated(at("sites[2].pue", 0.5)), 3, "sites[2] (berlin-store).pue:"),
    ("hardware", mutated(at("hardware[3].capex", "lots")), 3, "hardware[3] (l40s-server).capex:"),
    ("model-and-variant", mutated(at("models[0].variants[1].memory_gb", -1)), 3,
     "models[0] (llama3-8b).variants[1] (int4).memory_gb:"),
    ("period-by-name", mutated(at("horizon.periods[1].months", 0)), 3,
     "horizon.periods[1] (wave-1).months:"),
    ("offer-as-site/hardware", mutated(at("offers[4].existing_units", 9)), 3,
     "offers[4] (berlin-store/orin-agx-64).existing_units: 9 exceeds max_units 6"),
    ("profile-as-model/variant/hardware", mutated(at("profiles[4].rps", 0)), 3,
     "profiles[4] (llama3-8b/int4/orin-agx-64).rps:"),
    ("link-as-a–b", mutated(at("network.links[1].latency_ms", -2)), 3,
     "network.links[1] (users-berlin–eu-central).latency_ms:"),
    ("current-placement", mutated(at("workloads[2].current.variant", "q4")), 3,
     "workloads[2] (images-us).current[0] (aws-us-east-1/g5-xlarge).variant: "
     "model 'sdxl' has no variant 'q4'"),
    ("unknown-field", mutated(at("workloads[0].lantency", 3)), 3,
     "workloads[0] (chat-eu).lantency: unknown field 'lantency'"),
    ("long-id-bounded", mutated(at("workloads[0].id", LONG), at("workloads[0].model", "nope")),
     3, f"workloads[0] ({'w' * (MAX_LABEL - 1)}…).model: unknown model 'nope'"),
    ("number-id-shown", mutated(at("workloads[0].id", 7)), 3,
     "workloads[0] (7).id: Input should be a valid string, got 7"),
    ("list-id-not-shown", mutated(at("workloads[0].id", [1, 2])), 3,
     "workloads[0].id: Input should be a valid string"),
    ("every-problem-at-once", mutated(at("workloads[1].origin", "nowhere"),
                                      at("sites[3].pue", 0.2)), 3, "(2 problems)"),
]


@pytest.mark.parametrize(("data", "code", "fragment"),
                         [pytest.param(d, c, f, id=i) for i, d, c, f in LABEL_ROWS])
def test_problem_paths_name_ids(tmp_path: Path, data: dict[str, Any], code: int,
                                fragment: str) -> None:
    res = invoke(tmp_path, data, ["validate", "{}"])
    assert_clean_exit(res, code)
    assert fragment in flat(res.output)


SET_ROWS: list[tuple[list[str], int, str]] = [
    (["validate", "example:example", "--set", "workloads[assistant-us].origin=nowhere"], 3,
     "workloads[1] (assistant-us).origin: unknown node 'nowhere' (set by "),
    (["validate", "example:example", "--set", "offers[nyc-onprem/l40s-server].max_units=-1"], 3,
     "offers[5] (nyc-onprem/l40s-server).max_units:"),
    (["explain", "example:example", "--set", "sites[berlin-store].pue=0"], 3,
     "sites[2] (berlin-store).pue:"),
]


@pytest.mark.parametrize(("args", "code", "fragment"), SET_ROWS)
def test_override_problems_name_ids(args: list[str], code: int, fragment: str) -> None:
    res = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert_clean_exit(res, code)
    assert fragment in flat(res.output)


def test_the_bare_path_stays_the_path() -> None:
    with pytest.raises(InstanceError) as info:
        load_instance(mutated(at("workloads[1].origin", "nowhere")))
    (p,) = info.value.problems
    assert p.path == "workloads[1].origin"
    assert p.label == "workloads[1] (assistant-us).origin"
    assert str(p).startswith("workloads[1] (assistant-us).origin: ")


@pytest.mark.parametrize(("path", "data", "expected"), [
    ("workloads[0].origin", {"workloads": [{"id": "a\nb"}]}, "workloads[0] (a?b).origin"),
    ("workloads[5].origin", {"workloads": [{"id": "a"}]}, "workloads[5].origin"),
    ("sites", {"sites": "x"}, "sites"),
    ("offers[0].site", {"offers": [{"site": "s"}]}, "offers[0].site"),  # half an id: none
])
def test_labelled_path_edges(path: str, data: Any, expected: str) -> None:
    assert labelled_path(path, data) == expected


# --------------------------------------------------------------------------- 2. near-misses

NEAR_ROWS: list[tuple[str, dict[str, Any], list[str], int, str]] = [
    ("residency-case", mutated(at("workloads[0].residency", ["eu"])), ["validate", "{}"], 0,
     "workloads[0] (chat-eu).residency[0]: 'eu' matches jurisdiction 'EU'"),
    ("residency-space", mutated(at("workloads[2].residency", [" US"])), ["validate", "{}"], 0,
     "residency compares exactly"),
    ("jurisdiction-case", mutated(at("sites[0].jurisdiction", "eu")), ["validate", "{}"], 0,
     "'EU' matches jurisdiction 'eu' (site 'aws-eu-central-1')"),
    ("domain-case", mutated(at("sites[0].failure_domain", "AWS"),
                            at("sites[1].failure_domain", "aws")), ["validate", "{}"], 0,
     "sites[1] (aws-us-east-1).failure_domain: 'aws' and 'AWS' (site 'aws-eu-central-1') "
     "differ only in case or spaces"),
    ("node-case", mutated(at("sites[2].node", "Berlin-Edge")), ["validate", "{}"], 0,
     "sites[2] (berlin-store).node: node 'Berlin-Edge' is on no link, but link node "
     "'berlin-edge'"),
    ("solve-warns-then-infeasible", mutated(at("workloads[0].residency", ["eu"])),
     ["solve", "{}", "-q"], 4, "Warning (1 near-miss"),
    ("clean-instance-no-warning", mutated(), ["validate", "{}"], 0, "valid — 3 workloads"),
]


@pytest.mark.parametrize(("data", "args", "code", "fragment"),
                         [pytest.param(d, a, c, f, id=i) for i, d, a, c, f in NEAR_ROWS])
def test_near_misses_warn(tmp_path: Path, data: dict[str, Any], args: list[str], code: int,
                          fragment: str) -> None:
    res = invoke(tmp_path, data, args)
    assert_clean_exit(res, code)
    assert fragment in flat(res.output)
    if data == EXAMPLE:
        assert "Warning" not in res.output


def test_warnings_go_to_stderr(tmp_path: Path) -> None:
    res = invoke(tmp_path, mutated(at("workloads[0].residency", ["eu"])), ["validate", "{}"])
    assert "near-miss" in res.stderr and "near-miss" not in res.stdout


@pytest.mark.parametrize(("data", "paths"), [
    (mutated(at("workloads[0].residency", ["eu", "EU"])), []),  # EU listed too: fine
    (mutated(at("workloads[0].residency", ["eu"]), at("workloads[2].residency", ["us"])),
     ["workloads[0].residency[0]", "workloads[2].residency[0]"]),
    (mutated(), []),
])
def test_library_warnings(data: dict[str, Any], paths: list[str]) -> None:
    assert [p.path for p in warnings(load_instance(data))] == paths


# --------------------------------------------------------------------------- 3. baseline

CUR = "workloads[{}].current"
POWER = (at("hardware[2].lead_time_months", 0), at("hardware[3].lead_time_months", 0),
         add("offers", {"site": "nyc-onprem", "hardware": "orin-agx-64", "max_units": 50}),
         add("profiles", {"model": "sdxl", "variant": "fp16", "hardware": "orin-agx-64",
                          "rps": 0.5, "latency_ms": 2200}),
         at(CUR.format(1), [{"site": "nyc-onprem", "hardware": "l40s-server", "variant": "int4"},
                            {"site": "aws-us-east-1", "hardware": "g5-xlarge",
                             "variant": "fp16"}]),
         at(CUR.format(2), {"site": "nyc-onprem", "hardware": "orin-agx-64",
                            "variant": "fp16"}),
         at("sites[3].power_kw", 2.5))

BASELINE_ROWS: list[tuple[str, dict[str, Any], list[str], int, str]] = [
    ("stays-put-fine", mutated(), [], 0, "the current placements break no rule"),
    ("latency-with-numbers", mutated(at("workloads[0].latency_slo_ms", 10)), [], 4,
     "chat-eu at aws-eu-central-1/g5-xlarge/fp16 latency: round trip 2×9 ms from "
     "'users-berlin' + serving 900 ms = 918 ms > SLO 10 ms"),
    ("residency", mutated(at("workloads[0].residency", ["US"])), [], 4,
     "residency: jurisdiction 'EU' not in ['US']"),
    ("memory", mutated(at("models[0].variants[0].memory_gb", 30)), [], 4,
     "memory: variant needs 30 GB, 'g5-xlarge' has 24"),
    ("quality", mutated(at("workloads[0].min_quality", 1.0),
                        at("models[0].variants[0].quality", 0.9)), [], 4,
     "quality: quality 0.9 < min_quality 1"),
    ("one-replica-over-cap", mutated(at("offers[2].max_units", 3)), [], 4,
     "capacity in steady: 12 rps needs 10 units of 'g5-xlarge'"),
    ("units-together", mutated(at("offers[2].max_units", 12)), [], 4,
     "together: units at aws-us-east-1/g5-xlarge in pilot: the current placements carry 8 "
     "rps there: 15 units at max_utilization 0.8; at most 12 possible (max_units 12)"),
    ("bandwidth-together", mutated(at("network.links[2].bandwidth_mbps", 24.3)), [], 4,
     "bandwidth at link us-east|users-nyc in pilot: the current placements send 24.61 Mbps "
     "over it > bandwidth 24.3 Mbps"),  # images-us 24.03 + both assistant-us replicas 0.288
    ("power-together", mutated(*POWER), [], 4,
     "power at nyc-onprem in wave-1: owned units 3 × l40s-server, 5 × orin-agx-64 draw 2.7 kW "
     "> power_kw 2.5 kW"),
    ("capex-budget", mutated(*POWER[:-1], *(at(f"horizon.periods[{i}].capex_budget", 1000)
                                            for i in range(3))), [], 4,
     "capex_budget in pilot: the units the current placements need cost at least "
     "34,195.50 in capex up to this period > budgets 1,000.00"),  # 2 x 12,600 + 5 x 1,799.1
    ("failure-domain", mutated(at("sites[0].failure_domain", "aws"),
                               at("sites[1].failure_domain", "aws")), [], 4,
     "failure domain: site 'aws-eu-central-1' shares failure domain 'aws' with "
     "'aws-us-east-1'"),
    ("nothing-runs-today", mutated(*(at(CUR.format(i), None) for i in range(3))), [], 0,
     "no workload has a `current` placement"),
    ("free-workloads-named", mutated(at(CUR.format(2), None)), [], 0,
     "the free workloads (images-us) may still not fit"),
    ("json", mutated(at("workloads[0].latency_slo_ms", 10)), ["--json"], 4,
     '"rule": "latency"'),
    ("json-joint-has-no-workload", mutated(at("offers[2].max_units", 12)), ["--json"], 4,
     '"workload": null'),
]


@pytest.mark.parametrize(("data", "extra", "code", "fragment"),
                         [pytest.param(d, e, c, f, id=i) for i, d, e, c, f in BASELINE_ROWS])
def test_explain_baseline(tmp_path: Path, data: dict[str, Any], extra: list[str], code: int,
                          fragment: str) -> None:
    res = invoke(tmp_path, data, ["explain", "{}", "--baseline", *extra])
    assert_clean_exit(res, code)
    assert fragment in (res.output if "--json" in extra else flat(res.output))


def test_explain_baseline_json_is_json(tmp_path: Path) -> None:
    res = invoke(tmp_path, mutated(at("workloads[0].latency_slo_ms", 10),
                                   at("offers[2].max_units", 12)), ["explain", "{}",
                                                                    "--baseline", "--json"])
    doc = json.loads(res.stdout)["baseline"]
    assert doc["breaks_rules"] is True and doc["free"] == []
    rules = {(b["rule"], b["workload"]) for b in doc["breaches"]}
    assert rules == {("latency", "chat-eu"), ("units", None)}


def test_baseline_diagnosis_agrees_with_the_solver(tmp_path: Path) -> None:
    """Each row that reports a broken rule is an instance whose baseline the solver finds
    infeasible, and the clean one is not (the diagnosis is not inventing problems)."""
    for name, data, _, code, _ in BASELINE_ROWS:
        if name.startswith(("json", "nothing", "free")):
            continue
        plan = placement.solve(load_instance(data))
        assert plan.baseline is not None
        assert (plan.baseline.status == "infeasible") == (code == 4), name


def test_solve_points_at_explain_baseline(tmp_path: Path) -> None:
    res = invoke(tmp_path, mutated(at("offers[2].max_units", 12)), ["solve", "{}"])
    assert_clean_exit(res, 0)
    assert "Why staying put breaks a rule: placement explain" in flat(res.output)
    assert "--baseline" in res.output
    clean = runner.invoke(app, ["solve", "example:example"])
    assert "Why staying put" not in clean.output


def test_baseline_and_repair_do_not_mix() -> None:
    res = runner.invoke(app, ["explain", "example:example", "--baseline", "--repair"])
    assert_clean_exit(res, 2)
    assert "cannot be combined with --repair" in flat(res.output)


# --------------------------------------------------------------------------- 4. risk


def test_shortfall_is_the_share_of_demand_above_the_unit_headroom() -> None:
    inst = load_instance("example:example")
    a = risk(inst, samples=400, seed=3)
    room = unit_headroom(Lookup(inst), schedule_of(a.plan.periods))
    demand = sample_multipliers(DEFAULT_DISTRIBUTIONS, 400, 3)["demand"]
    assert room is not None
    expected = float(np.mean(demand > room * (1 + 1e-12)))
    assert a.result.prob_capacity_shortfall == pytest.approx(expected)
    assert 0.3 < expected < 0.7  # an optimal plan is sized for today's demand
    assert a.result.baseline_prob_capacity_shortfall is not None


RISK_ROWS: list[tuple[str, list[str], int, str]] = [
    ("terminal-column", ["risk", "example:example", "--samples", "200"], 0, "short"),
    ("terminal-sentence", ["risk", "example:example", "--samples", "200"], 0,
     "but its units fall short of the sampled demand in"),
    ("json", ["risk", "example:example", "--samples", "50", "--json"], 0,
     '"prob_capacity_shortfall":'),
    ("json-baseline", ["risk", "example:example", "--samples", "50", "--json"], 0,
     '"baseline_prob_capacity_shortfall":'),
]


@pytest.mark.parametrize(("args", "code", "fragment"),
                         [pytest.param(a, c, f, id=i) for i, a, c, f in RISK_ROWS])
def test_risk_reports_shortfall(args: list[str], code: int, fragment: str) -> None:
    res = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert_clean_exit(res, code)
    assert fragment in (res.output if "--json" in args else flat(res.output))


@pytest.mark.parametrize(("demand", "expected"), [(0.5, 0.0), (2.0, 1.0)])
def test_risk_shortfall_in_the_output_file(tmp_path: Path, demand: float,
                                           expected: float) -> None:
    dists = tmp_path / "d.yaml"
    dists.write_text(yaml.safe_dump({"distributions": {"demand": {"type": "fixed",
                                                                  "value": demand}}}))
    out = tmp_path / "risk.json"
    res = runner.invoke(app, ["risk", "example:example", "--samples", "20", "--distributions",
                              str(dists), "-o", str(out)])
    assert_clean_exit(res, 0)
    assert json.loads(out.read_text())["prob_capacity_shortfall"] == expected
    assert ("fall short" in res.output) is (expected > 0)


# --------------------------------------------------------------------------- 5. docs


def _tracked() -> list[Path]:
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    return [ROOT / n for n in names if (ROOT / n).is_file()]


def test_no_file_cites_a_workspace_path() -> None:
    hits = [str(p.relative_to(ROOT)) for p in _tracked()
            if p.suffix in {".md", ".py", ".yaml", ".yml", ".toml", ".txt", ".json"}
            and "shared" + "/" in p.read_text(encoding="utf-8", errors="replace")]
    assert hits == [], hits


PROBLEM = (ROOT / "docs/problem.md").read_text(encoding="utf-8")
DOC_ROWS: list[tuple[str, str, str]] = [
    *(("docs/problem.md", f"`{c}`", f"cost category {c}") for c in COST_CATEGORIES),
    *(("docs/problem.md", f"**{r}**", f"placement rule {r}") for r in RULES),
    ("docs/problem.md", "## The baseline", "the baseline"),
    ("docs/problem.md", "## The plan", "the plan"),
    ("docs/problem.md", "explain INSTANCE\n--baseline", "how to diagnose the baseline"),
    ("docs/spec-readings.md", "[`problem.md`](problem.md)", "refers to problem.md"),
    ("README.md", "(docs/problem.md)", "links problem.md"),
    ("docs/risk-pareto-repair.md", "No SLO-breach probability", "why no SLO number"),
    ("instances/hybrid-genai.yaml", "https://github.com/skyplane-project/skyplane",
     "cites Skyplane by address"),
    ("instances/hybrid-genai.yaml", "https://epoch.ai/data/ml_hardware.zip",
     "cites Epoch AI by address"),
]


@pytest.mark.parametrize(("path", "fragment", "why"), DOC_ROWS)
def test_docs_say(path: str, fragment: str, why: str) -> None:
    assert fragment in (ROOT / path).read_text(encoding="utf-8"), why
