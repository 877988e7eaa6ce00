"""Sensitivity (tornado) and decision thresholds (bisection), on an instance whose
thresholds are known in closed form; the same sweeps give the same numbers in process,
on the local pool and on a Dask LocalCluster started here.

CHOICE: one workload (10 rps, one unit either way) for 24 months, no discounting:
  * cloud: 1 rented unit at 1.0/h            -> 730 x 24 x 1.0 = 17,520 x rented
  * room:  1 owned box, capex 20,000, life 48 -> 20,000 - residual 10,000 = 10,000 x capex
so today the room wins; the cloud wins once rented < 10,000 / 17,520 = 0.5708x, or once
capex > 17,520 / 10,000 = 1.752x.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from placement import InstanceError, load_instance
from placement.analysis.multipliers import scale_instance
from placement.analysis.results import SensitivityResult, ThresholdsResult
from placement.analysis.scenarios import run_scenarios, solve_point, sweep_options
from placement.analysis.sensitivity import BaseCaseError, run_sensitivity
from placement.analysis.thresholds import run_thresholds
from placement.cli.app import app

CHOICE = {
    "name": "choice",
    "horizon": {"periods": [{"name": "all", "months": 24}]},
    "network": {"links": [
        {"a": "u", "b": "cloud", "latency_ms": 5},
        {"a": "u", "b": "room", "latency_ms": 2}]},
    "sites": [{"id": "cloud", "kind": "cloud"}, {"id": "room", "kind": "onprem"}],
    "hardware": [
        {"id": "gpu", "kind": "rented", "memory_gb": 24},
        {"id": "box", "kind": "owned", "memory_gb": 48, "capex": 20000, "lifetime_months": 48},
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
    "workloads": [{"id": "chat", "model": "m", "origin": "u", "demand_rps": 10,
                   "latency_slo_ms": 100}],
}
CLOUD = 730 * 24 * 1.0   # 17,520
ROOM = 20000 - 10000     # 10,000
RENTED_STAR = ROOM / CLOUD
CAPEX_STAR = CLOUD / ROOM
AT_CLOUD = (("chat", "all", "cloud", "gpu", "v"),)
AT_ROOM = (("chat", "all", "room", "box", "v"),)
INST = load_instance(CHOICE)
OPTS = sweep_options(None)


def close(x: float):
    return pytest.approx(x, rel=1e-9, abs=1e-6)


def where(multipliers: dict[str, float]) -> tuple:
    return solve_point((scale_instance(INST, multipliers).model_dump(), OPTS)).placements


# --------------------------------------------------------------------------- sensitivity


def test_tornado_rows_match_the_closed_form() -> None:
    res = run_sensitivity(INST, delta=0.5, parameters=["rented", "capex", "energy"], workers=1)
    assert res.base_npv == close(ROOM) and res.delta == 0.5
    rows = {r.parameter: r for r in res.rows}
    # rented x0.5: the cloud (8,760) beats the room; x1.5: the room stays
    assert rows["rented"].npv_low == close(0.5 * CLOUD) and rows["rented"].changes_low
    assert rows["rented"].npv_high == close(ROOM) and not rows["rented"].changes_high
    # capex x0.5 / x1.5: the room costs 5,000 / 15,000 (< 17,520): no change
    assert rows["capex"].npv_low == close(0.5 * ROOM)
    assert rows["capex"].npv_high == close(1.5 * ROOM)
    assert not rows["capex"].changes_low and not rows["capex"].changes_high
    # energy costs nothing here
    assert rows["energy"].npv_low == rows["energy"].npv_high == close(ROOM)
    # tornado order: widest swing first
    assert [r.parameter for r in res.rows] == ["capex", "rented", "energy"]
    assert (rows["rented"].low, rows["rented"].high) == (0.5, 1.5)


def test_ties_are_not_changes() -> None:
    """Two identical clouds: whichever the solver picks, keeping the other is as cheap."""
    twin = copy.deepcopy(CHOICE)
    twin["network"]["links"].append({"a": "u", "b": "cloud-b", "latency_ms": 5})
    twin["sites"].append({"id": "cloud-b", "kind": "cloud"})
    twin["offers"].append({"site": "cloud-b", "hardware": "gpu", "price_per_hour": 1.0})
    doc = scale_instance(load_instance(twin), {"rented": 0.5}).model_dump()
    for keep in (AT_CLOUD, (("chat", "all", "cloud-b", "gpu", "v"),)):
        p = solve_point((doc, OPTS, keep))
        assert p.changed is False and p.kept_npv == close(0.5 * CLOUD)
    p = solve_point((doc, OPTS, AT_ROOM))
    assert p.changed is True and p.kept_npv == close(ROOM) and p.npv == close(0.5 * CLOUD)


def test_bad_parameters_and_infeasible_base() -> None:
    with pytest.raises(InstanceError, match="unknown parameter 'rent'"):
        run_sensitivity(INST, parameters=["rent"], workers=1)
    with pytest.raises(InstanceError, match="delta"):
        run_sensitivity(INST, delta=0, workers=1)
    tight = copy.deepcopy(CHOICE)
    tight["workloads"][0]["latency_slo_ms"] = 1
    with pytest.raises(BaseCaseError) as info:
        run_sensitivity(load_instance(tight), parameters=["rented"], workers=1)
    assert info.value.status == "infeasible"


# --------------------------------------------------------------------------- thresholds


def test_thresholds_agree_with_the_closed_form_and_with_solves_either_side() -> None:
    tol = 0.01
    res = run_thresholds(INST, ["rented", "capex"], tolerance=tol, workers=2)
    rows = {(r.parameter, r.direction): r for r in res.rows}
    down = rows[("rented", "down")]
    assert down.threshold is not None and abs(down.threshold - RENTED_STAR) <= tol
    assert down.searched == (0.2, 1.0) and down.solves >= 2
    assert "rented (cloud) prices fall below" in down.change
    assert "chat moves from room to cloud" in down.change
    up = rows[("capex", "up")]
    assert up.threshold is not None and abs(up.threshold - CAPEX_STAR) <= tol
    assert "rise above" in up.change and "chat moves from room to cloud" in up.change
    assert rows[("rented", "up")].threshold is None and rows[("rented", "up")].solves == 1
    assert rows[("capex", "down")].threshold is None
    # solves either side of each threshold give different recommendations
    assert where({"rented": down.threshold + tol}) == AT_ROOM
    assert where({"rented": down.threshold - tol}) == AT_CLOUD
    assert where({"capex": up.threshold - tol}) == AT_ROOM
    assert where({"capex": up.threshold + tol}) == AT_CLOUD


def test_threshold_where_the_plan_becomes_infeasible() -> None:
    capped = copy.deepcopy(CHOICE)
    capped["offers"][1]["max_units"] = 2       # the room carries 20 rps at most
    capped["offers"][0]["max_units"] = 2       # and so does the cloud
    res = run_thresholds(load_instance(capped), "demand", search_range=(0.5, 4.0),
                         tolerance=0.05, workers=1)
    up = next(r for r in res.rows if r.direction == "up")
    # 20 rps fit in the room (2 boxes, still cheaper than 2 cloud units); 21 rps do not fit
    # in one site: 2 replicas are not allowed (replicas 1), so the plan becomes infeasible
    assert up.threshold is not None and abs(up.threshold - 2.0) <= 0.05
    assert "no plan remains (infeasible" in up.change


def test_threshold_arguments_are_checked() -> None:
    with pytest.raises(InstanceError, match="range"):
        run_thresholds(INST, "rented", search_range=(1.2, 3.0))
    with pytest.raises(InstanceError, match="tolerance"):
        run_thresholds(INST, "rented", tolerance=0)


# --------------------------------------------------------------------------- executors


def _sweeps(**executor) -> tuple:
    ex = load_instance("example:example")
    sens = run_sensitivity(ex, parameters=["rented", "capex", "demand", "energy"], **executor)
    scen = run_scenarios(ex, **executor)
    thr = run_thresholds(INST, "rented", search_range=(0.3, 2.0), tolerance=0.02, **executor)
    return sens.model_dump(), scen.model_dump(), thr.model_dump()


def test_same_numbers_in_process_on_the_pool_and_on_dask() -> None:
    local = _sweeps(workers=1)
    assert _sweeps(workers=2) == local
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        assert _sweeps(scheduler=cluster.scheduler_address) == local
    sens = SensitivityResult.model_validate(local[0])
    assert {r.parameter for r in sens.rows} == {"rented", "capex", "demand", "energy"}


# --------------------------------------------------------------------------- CLI


def test_cli_sensitivity_and_thresholds(tmp_path: Path) -> None:
    src = tmp_path / "choice.json"
    src.write_text(json.dumps(CHOICE))
    runner = CliRunner()
    r = runner.invoke(app, ["sensitivity", str(src), "--parameters", "rented,capex",
                            "--delta", "0.5", "--workers", "1"])
    assert r.exit_code == 0, r.output
    assert "rented" in r.output and "changes at -50%" in r.output
    out_file = tmp_path / "sens.json"
    r = runner.invoke(app, ["sensitivity", str(src), "--parameters", "rented", "--json",
                            "-o", str(out_file), "--workers", "1"])
    assert r.exit_code == 0
    doc = SensitivityResult.model_validate(json.loads(r.stdout))
    assert doc.rows[0].parameter == "rented" and json.loads(out_file.read_text())["delta"] == 0.2
    for bad in (["--parameters", "rent"], ["--delta", "0"], ["--delta", "1.5"]):
        r = runner.invoke(app, ["sensitivity", str(src), *bad])
        assert r.exit_code == 2, bad
    r = runner.invoke(app, ["sensitivity", str(src), "--parameters", "rented", "--workers", "1",
                            "--set", "workloads[chat].latency_slo_ms=1"])
    assert r.exit_code == 4 and "base case has no plan" in r.output

    r = runner.invoke(app, ["thresholds", str(src), "--parameter", "rented", "--workers", "1"])
    assert r.exit_code == 0, r.output
    assert "fall below" in r.output and "chat moves from room to cloud" in r.output
    r = runner.invoke(app, ["thresholds", str(src), "--parameter", "capex", "--json",
                            "--range", "0.5,2", "--tolerance", "0.05", "--workers", "1"])
    assert r.exit_code == 0
    res = ThresholdsResult.model_validate(json.loads(r.stdout))
    up = next(row for row in res.rows if row.direction == "up")
    assert up.threshold is not None and abs(up.threshold - CAPEX_STAR) <= 0.05
    for bad in (["--parameter", "nope"], ["--parameter", "rented", "--range", "1.5,3"],
                ["--parameter", "rented", "--range", "x"],
                ["--parameter", "rented", "--tolerance", "0"]):
        r = runner.invoke(app, ["thresholds", str(src), *bad])
        assert r.exit_code == 2, (bad, r.output)
    r = runner.invoke(app, ["thresholds", str(src)])
    assert r.exit_code == 2  # --parameter is required
