"""Hostile plans (issue 14): `placement check` is strict, `diff --json` stays valid JSON,
and every analysis's plans go through the independent evaluator."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import placement
from placement import api, pipeline
from placement.analysis import scenarios as scenarios_mod
from placement.cli.app import app
from placement.plan import PlanPeriod
from placement.schema import Instance
from placement.schema.options import SolveOptions
from tests.test_cli import assert_clean_exit

runner = CliRunner()
EXAMPLE = Path(placement.__file__).parent / "instances" / "example.yaml"
Doc = dict[str, Any]


@pytest.fixture(scope="module")
def plan() -> Doc:
    """example:example solved once, as its plan JSON."""
    return api.solve("example:example").to_dict()


def _set(path: str, value: Any) -> Callable[[Doc], None]:
    """Set a dotted path (``periods.0.costs.energy``; list indices as numbers)."""

    def edit(doc: Doc) -> None:
        *head, last = path.split(".")
        node: Any = doc
        for key in head:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return edit


def _add(path: str, delta: float) -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        *head, last = path.split(".")
        node: Any = doc
        for key in head:
            node = node[int(key)] if isinstance(node, list) else node[key]
        key2: Any = int(last) if isinstance(node, list) else last
        node[key2] = node[key2] + delta

    return edit


def _first_link(field: str, value: float) -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        loads = doc["periods"][1]["link_load_mbps"]
        key = sorted(loads)[-1]
        loads[key] = value if field == "=" else loads[key] + value

    return edit


def _duplicate(kind: str) -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        rows = doc["periods"][1][kind]
        rows.append(copy.deepcopy(rows[0]))

    return edit


def _gap(gap: float, bound_share: float, tolerance: float | None = None) -> Callable[[Doc], None]:
    """An 'optimal' plan with this gap, its bound at this share of the objective."""

    def edit(doc: Doc) -> None:
        doc["gap"] = gap
        doc["bound"] = round(doc["objective"] * bound_share, 6)
        if tolerance is not None:
            doc["options"]["gap"] = tolerance

    return edit


def _no_solution(status: str, keep_periods: bool = False) -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        doc.update(status=status, termination="" if status == "error" else status,
                   objective=None, bound=None, gap=None, npv=None, residual_value=None,
                   totals={}, baseline=None, cumulative_cost=None)
        if not keep_periods:
            doc["periods"] = []

    return edit


def _both(*edits: Callable[[Doc], None]) -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        for e in edits:
            e(doc)

    return edit


def _nothing(doc: Doc) -> None:
    return None


NAN, INF = float("nan"), float("inf")

# (how the plan JSON is corrupted, expected exit code of `placement check`, message fragment)
CHECK_CASES: list[tuple[str, Callable[[Doc], None], int, str]] = [
    ("untouched", _nothing, 0, "every constraint holds"),
    ("npv off by less than a cent", _add("npv", 0.004), 0, "every constraint holds"),
    ("a looser gap it was solved with", _gap(0.5, 0.5, tolerance=0.6), 0,
     "every constraint holds"),
    # not a finite number anywhere: a malformed plan (3), with the JSON path
    ("npv NaN", _set("npv", NAN), 3, "npv: nan is not a finite number"),
    ("a cost inf", _set("periods.0.costs.energy", INF), 3, "periods[0].costs.energy"),
    ("carried_rps NaN", _set("periods.1.assignments.0.carried_rps", NAN), 3,
     "periods[1].assignments[0].carried_rps"),
    ("a link load NaN", _first_link("=", NAN), 3, "periods[1].link_load_mbps."),
    ("a total -inf", _set("totals.rented", -INF), 3, "totals.rented"),
    ("the residual value NaN", _set("residual_value", NAN), 3, "residual_value"),
    ("a cumulative cost NaN", _set("cumulative_cost.plan.2", NAN), 3, "cumulative_cost.plan[2]"),
    ("the baseline's npv inf", _set("baseline.npv", INF), 3, "baseline.npv"),
    ("options.gap NaN", _set("options.gap", NAN), 3, "options.gap"),
    ("an objective of 1e308", _set("objective", 1e308), 3, "beyond"),
    ("npv a string", _set("npv", "cheap"), 3, "npv"),
    # one row per key
    ("a units row twice", _duplicate("units"), 6, "listed twice"),
    ("an assignment row twice", _duplicate("assignments"), 6, "listed twice"),
    ("an unknown cost category", _set("periods.0.costs.snacks", 0.0), 6, "not a cost category"),
    ("an unknown link", _set("periods.0.link_load_mbps.a|b", 0.0), 6, "not a link"),
    ("an unknown total", _set("totals.snacks", 0.0), 6, "totals.snacks"),
    # the instance's periods, in order, with their months and start months
    ("a period's months", _set("periods.0.months", 5), 6, "periods[0].months"),
    ("a period's start month", _add("periods.1.start_month", 1), 6, "periods[1].start_month"),
    ("periods reversed", lambda d: d["periods"].reverse(), 6, "differ from the horizon's"),
    ("a period left out", lambda d: d["periods"].pop(), 6, "differ from the horizon's"),
    # the status consistent with the plan
    ("optimal with gap 0.5", _set("gap", 0.5), 6, "above the tolerance"),
    ("optimal, bound at half the objective", _gap(0.5, 0.5), 6, "above the tolerance"),
    ("a gap that is not the bound's", _set("gap", 0.00005), 6, "|objective - bound|"),
    ("the bound above the objective", _add("bound", 10.0), 6, "above the objective"),
    ("an unknown status", _set("status", "excellent"), 6, "is not one of"),
    ("optimal, terminated infeasible", _set("termination", "infeasible"), 6, "contradicts"),
    ("feasible without periods", _both(_set("status", "feasible"), _set("periods", [])), 6,
     "must list the horizon's periods"),
    ("infeasible with periods", _no_solution("infeasible", keep_periods=True), 6,
     "must not list periods"),
    ("infeasible, but the greedy plan is valid", _no_solution("infeasible"), 6,
     "greedy heuristic"),
    ("error: nothing to verify", _no_solution("error"), 0, "states no plan to verify"),
    ("options.gap out of range", _set("options.gap", 2), 6, "options.gap"),
    # every recomputed figure, to a cent
    ("npv off by 2 cents", _add("npv", 0.02), 6, "npv:"),
    ("a cost category", _add("periods.0.costs.rented", 1.0), 6, "periods[0].costs.rented"),
    ("a total", _add("totals.energy", 1.0), 6, "totals.energy"),
    ("the residual value", _add("residual_value", 1.0), 6, "residual_value"),
    ("a cumulative cost", _add("cumulative_cost.plan.3", 1.0), 6, "cumulative_cost.plan[3]"),
    ("carried rps", _add("periods.1.assignments.0.carried_rps", 1.0), 6, "carried_rps"),
    ("a link load", _first_link("+", 1.0), 6, "link_load_mbps"),
    ("the baseline's npv", _add("baseline.npv", 1.0), 6, "baseline.npv"),
    ("the baseline's objective", _add("baseline.objective", 1.0), 6, "baseline.objective"),
    ("the baseline's savings", _add("baseline.savings", 1.0), 6, "baseline.savings"),
    ("the baseline optimal with gap 0.5", _set("baseline.gap", 0.5), 6, "baseline.gap"),
    ("the baseline optimal without periods", _set("baseline.periods", []), 6,
     "baseline.periods"),
    ("a baseline cumulative cost", _add("cumulative_cost.baseline.0", 1.0), 6,
     "cumulative_cost.baseline[0]"),
]


def _check(tmp_path: Path, doc: Doc, instance: str = "example:example") -> Any:
    f = tmp_path / "plan.json"
    f.write_text(json.dumps(doc), encoding="utf-8")  # NaN/Infinity written as JSON allows
    return runner.invoke(app, ["check", instance, str(f)])


@pytest.mark.parametrize(("label", "corrupt", "code", "fragment"), CHECK_CASES,
                         ids=[c[0] for c in CHECK_CASES])
def test_check_refuses_hostile_plans(tmp_path: Path, plan: Doc, label: str,
                                     corrupt: Callable[[Doc], None], code: int,
                                     fragment: str) -> None:
    doc = copy.deepcopy(plan)
    corrupt(doc)
    r = _check(tmp_path, doc)
    assert_clean_exit(r, code)
    assert fragment in r.output.replace("\n", " "), r.output


def _instance(tmp_path: Path, edit: Callable[[Doc], None], base: Doc | None = None) -> Path:
    doc = copy.deepcopy(base) if base else yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    edit(doc)
    path = tmp_path / "inst.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def _tight_slo(doc: Doc) -> None:
    doc["workloads"][0]["latency_slo_ms"] = 0.001


def _capex_1e12(doc: Doc) -> None:
    for h in doc["hardware"]:
        if h.get("capex") is not None:
            h["capex"] = 1e12


def _two_on_one_unit(doc: Doc) -> None:
    """tests.test_repair's BASE: two workloads of 1 rps, each fits alone on the one cloud
    unit allowed, not both (jointly infeasible; no workload is short of candidates)."""
    w = doc["workloads"][0]
    w.update(demand_rps=1, allowed_kinds=["cloud"])
    doc["workloads"].append(dict(w, id="chat2"))
    doc["offers"][0]["max_units"] = 1


# (instance edit, expected exit code of `check` of an 'infeasible' plan, message fragment)
INFEASIBLE_CASES: list[tuple[str, Callable[[Doc], None], bool, int, str]] = [
    ("a workload without candidates: proved", _tight_slo, False, 0, "infeasibility confirmed"),
    ("jointly infeasible: not proved", _two_on_one_unit, True, 0,
     "infeasibility not verified"),
    ("feasible: contradicted", _nothing, False, 6, "greedy heuristic"),
    ("capex 1e12, feasible by renting: contradicted", _capex_1e12, False, 6,
     "greedy heuristic"),
]


@pytest.mark.parametrize(("label", "edit", "tiny", "code", "fragment"), INFEASIBLE_CASES,
                         ids=[c[0] for c in INFEASIBLE_CASES])
def test_check_of_an_infeasible_plan(tmp_path: Path, label: str, edit: Callable[[Doc], None],
                                     tiny: bool, code: int, fragment: str) -> None:
    from tests.test_repair import BASE

    inst = _instance(tmp_path, edit, BASE if tiny else None)
    doc = api.solve(inst, SolveOptions(baseline=False)).to_dict()
    if code == 6:
        _no_solution("infeasible")(doc)  # a false claim
    assert doc["status"] == "infeasible"
    r = _check(tmp_path, doc, str(inst))
    assert_clean_exit(r, code)
    assert fragment in r.output.replace("\n", " "), r.output


# (how plan B is corrupted, expected exit code of `diff A B --json`, message fragment)
DIFF_CASES: list[tuple[str, Callable[[Doc], None], int, str]] = [
    ("untouched", _nothing, 0, ""),
    ("npv NaN", _set("npv", NAN), 3, "npv: nan is not a finite number"),
    ("a cost inf", _set("periods.0.costs.energy", INF), 3, "periods[0].costs.energy"),
    ("npv -1e308 (its change would overflow)", _set("npv", -1e308), 3, "beyond"),
    ("baseline savings NaN", _set("baseline.savings", NAN), 3, "baseline.savings"),
]


@pytest.mark.parametrize(("label", "corrupt", "code", "fragment"), DIFF_CASES,
                         ids=[c[0] for c in DIFF_CASES])
def test_diff_json_is_valid_json(tmp_path: Path, plan: Doc, label: str,
                                 corrupt: Callable[[Doc], None], code: int,
                                 fragment: str) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(plan), encoding="utf-8")
    doc = copy.deepcopy(plan)
    corrupt(doc)
    b.write_text(json.dumps(doc), encoding="utf-8")
    r = runner.invoke(app, ["diff", str(a), str(b), "--json"])
    assert_clean_exit(r, code)
    assert fragment in r.output.replace("\n", " ")
    if code == 0:
        def refuse(name: str) -> float:
            raise AssertionError(f"{name} in the diff's JSON")

        parsed = json.loads(r.stdout, parse_constant=refuse)
        assert all(math.isfinite(c["change"]) for c in parsed["totals"].values())


# --------------------------------------------------------------------------- analyses


def _drop_a_replica(real: Callable[..., list[PlanPeriod]]) -> Callable[..., list[PlanPeriod]]:
    """A solver whose plan leaves the first period's first replica unassigned."""

    def broken(*args: Any, **kwargs: Any) -> list[PlanPeriod]:
        periods = real(*args, **kwargs)
        first = periods[0]
        return [first.model_copy(update={"assignments": first.assignments[1:]}), *periods[1:]]

    return broken


_REAL_PLAN_PERIODS = pipeline.plan_periods


@pytest.fixture
def broken_api(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "plan_periods", _drop_a_replica(pipeline.plan_periods))


@pytest.fixture
def broken_pareto(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "plan_periods", _drop_a_replica(pipeline.plan_periods))


CHECK_FAILED = "fails the independent check"


@pytest.fixture(scope="module")
def example() -> Instance:
    return api.load_instance("example:example")


def test_scenarios_report_error_for_a_broken_plan(broken_api: None, example: Instance) -> None:
    res = scenarios_mod.run_scenarios(
        example, {"scenarios": {"typical": {}, "worse": {"multipliers": {"rented": 1.2}}}},
        workers=1)
    assert [r.status for r in res.rows] == ["error", "error"]
    assert all(CHECK_FAILED in r.message and "placements, needs" in r.message for r in res.rows)
    assert all(r.npv is None for r in res.rows)


def test_kept_placements_are_checked_before_unchanged(example: Instance,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    good = api.solve(example, SolveOptions(baseline=False))
    keep = tuple(sorted((a.workload, p.name, a.site, a.hardware, a.variant)
                        for p in good.periods for a in p.assignments))
    assert scenarios_mod.keep_npv(example, keep, SolveOptions()) == pytest.approx(good.npv)
    monkeypatch.setattr(pipeline, "plan_periods", _drop_a_replica(pipeline.plan_periods))
    with pytest.raises(scenarios_mod.KeptPlanError, match=CHECK_FAILED):
        scenarios_mod.keep_npv(example, keep, SolveOptions())


def test_a_point_whose_kept_plan_fails_is_an_error(example: Instance,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(*_: Any) -> float:
        raise scenarios_mod.KeptPlanError(f"keeping the reference placements: {CHECK_FAILED}")

    monkeypatch.setattr(scenarios_mod, "keep_npv", failing)
    other = (("nowhere", "pilot", "x", "y", "z"),)  # differs from the recommendation
    point = scenarios_mod.solve_point((example.model_dump(), SolveOptions().model_dump(), other))
    assert point.status == "error" and not point.has_plan
    assert CHECK_FAILED in point.message


def test_sensitivity_and_thresholds_refuse_a_broken_base(broken_api: None,
                                                         example: Instance) -> None:
    from placement.analysis.sensitivity import BaseCaseError, run_sensitivity
    from placement.analysis.thresholds import run_thresholds

    with pytest.raises(BaseCaseError, match=CHECK_FAILED) as exc:
        run_sensitivity(example, parameters=["rented"], workers=1)
    assert exc.value.status == "error"
    with pytest.raises(BaseCaseError, match=CHECK_FAILED):
        run_thresholds(example, parameters=["rented"], workers=1)


def test_sensitivity_reports_a_broken_end(example: Instance,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from placement.analysis.sensitivity import run_sensitivity

    real = scenarios_mod.solve_point

    def low_end_broken(task: Any) -> scenarios_mod.Point:
        p = real(task)
        rented = task[0]["offers"][0].get("price_per_hour")
        base = example.offers[0].price_per_hour
        if rented is not None and base and rented < base:
            return scenarios_mod.Point(status="error", message=CHECK_FAILED)
        return p

    monkeypatch.setattr(scenarios_mod, "solve_point", low_end_broken)
    res = run_sensitivity(example, parameters=["rented"], workers=1)
    row = res.rows[0]
    assert row.npv_low is None and row.npv_high is not None
    assert "error" in row.message and CHECK_FAILED in row.message


def test_pareto_never_puts_a_broken_plan_on_the_front(broken_pareto: None,
                                                      example: Instance) -> None:
    from placement.analysis.pareto import pareto

    a = pareto(example, "latency", points=3, workers=1)
    assert a.result.points == []
    assert a.failures and all(": error (" in f and CHECK_FAILED in f for f in a.failures)


def test_pareto_points_are_checked(example: Instance) -> None:
    from placement.analysis.pareto import pareto
    from placement.evaluate import evaluate

    a = pareto(example, "energy", points=3, workers=1)
    assert a.result.points
    for p in a.result.points:
        assert p.status in ("optimal", "feasible") and p.plan is not None
        assert evaluate(example, p.plan).violations == []


def test_risk_averse_reports_error_for_a_broken_plan(broken_pareto: None,
                                                     example: Instance) -> None:
    from placement.analysis.risk import risk_averse

    r = risk_averse(example, 0.5, scenarios=3, samples=10, workers=1)
    for row in (r.neutral, r.averse):
        assert row.status == "error" and row.npv is None
        assert CHECK_FAILED in row.message


def test_repair_checks_a_feasible_instance(broken_api: None, example: Instance) -> None:
    from placement.analysis.repair import repair

    r = repair(example)
    assert r.status == "error" and r.verified is False
    assert CHECK_FAILED in r.message


def test_repair_checks_the_repaired_instance(broken_api: None) -> None:
    from placement.analysis.repair import repair
    from tests.test_repair import variant

    with pytest.MonkeyPatch.context() as mp:  # variant() solves: unbroken for that
        mp.setattr(pipeline, "plan_periods", _REAL_PLAN_PERIODS)
        inst = variant("workloads[chat].allowed_kinds=[cloud]", "offers[cloud/gpu].max_units=2")
    r = repair(inst)
    assert r.status == "repaired" and r.relaxations
    assert r.verified is False and r.repaired_status == "error"
    assert "feasible in the elastic model, but the relaxed instance is error" in r.message


def test_repair_with_huge_capex_says_something_true(tmp_path: Path) -> None:
    """Owned capex of 1e12 (feasible by renting): the elastic mode found a relaxation of
    8.7e12 (its objective's coefficients, 1 / scale ~ 1e-12, were lost) that no instance may
    state, and said 'the instance with these relaxations is None'. It needs nothing."""
    inst = _instance(tmp_path, _capex_1e12)
    r = runner.invoke(app, ["explain", str(inst), "--repair"])
    assert_clean_exit(r, 0)
    assert "None" not in r.output
    assert "feasible as it is" in r.output


def test_repair_with_huge_capex_and_a_real_shortage(tmp_path: Path) -> None:
    """Capex 1e12 and a capacity cap that binds: the relaxation named is the cap, and the
    suggested values stay within the instance format's bounds."""
    from placement.analysis.repair import repair
    from tests.test_repair import BASE

    def edit(doc: Doc) -> None:
        doc["hardware"][1]["capex"] = 1e12
        doc["workloads"][0]["allowed_kinds"] = ["cloud"]
        doc["offers"][0]["max_units"] = 2

    res = repair(_instance(tmp_path, edit, BASE))
    assert res.status == "repaired" and res.verified is True
    assert [(x.family, x.suggested) for x in res.relaxations] == [("capacity", 3)]


def test_risk_checks_the_baseline_it_solves_for_a_plan_file(broken_pareto: None,
                                                            example: Instance) -> None:
    from placement.analysis.risk import risk

    with pytest.MonkeyPatch.context() as mp:  # the plan file itself: solved unbroken
        mp.setattr(pipeline, "plan_periods", _REAL_PLAN_PERIODS)
        given = api.solve(example).to_dict()
    given["baseline"] = None  # a plan file without its baseline: risk solves it
    r = risk(example, given, samples=10)
    assert r.result.baseline is None and r.result.prob_plan_beats_baseline is None
    assert any(CHECK_FAILED in n for n in r.notes), r.notes


def test_risk_averse_cli_exits_1_when_the_averse_plan_fails(example: Instance,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    from typer.testing import CliRunner

    import placement.analysis.risk as risk_mod
    from placement.cli.app import app

    real = risk_mod.risk_averse

    def averse_fails(*args: Any, **kwargs: Any) -> Any:
        r = real(*args, **kwargs)
        return r.model_copy(update={"averse": r.averse.model_copy(
            update={"status": "error", "npv": None, "message": CHECK_FAILED})})

    monkeypatch.setattr(risk_mod, "risk_averse", averse_fails)
    out = tmp_path / "r.json"
    r = CliRunner().invoke(app, ["risk", "example:example", "--cvar-weight", "0.5",
                                 "--scenarios", "3", "--samples", "10", "-o", str(out)])
    assert r.exit_code == 1, r.output
    assert json.loads(out.read_text())["averse"]["status"] == "error"
