"""The tight formulation (default) and the plain transcription of the spec agree on the
optimum: the tightening (presolve, dominated variants, bounds, valid inequalities) never
cuts a plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import highspy
import numpy as np
import pulp
import pytest
import yaml

from placement import SolveOptions, evaluate, load_instance, solve
from placement.candidates import _dominates
from placement.data import prepare
from placement.generate import generate
from placement.milp.arrays import csr
from placement.milp.build import build
from placement.milp.export import to_pulp
from placement.milp.highs import load
from placement.milp.solve import solve_milp


@pytest.mark.parametrize("name", ["example", "hybrid-genai"])
def test_plain_and_tight_give_the_same_optimum(name: str) -> None:
    inst = load_instance(f"example:{name}")
    plans = {
        f: solve(inst, SolveOptions(formulation=f, gap=1e-7, baseline=f == "tight"))
        for f in ("tight", "plain")
    }
    assert {p.status for p in plans.values()} == {"optimal"}
    assert plans["plain"].npv == pytest.approx(plans["tight"].npv, rel=1e-6)
    for plan in plans.values():
        assert evaluate(inst, plan.to_dict()).violations == []


def test_tight_formulation_is_tighter() -> None:
    # the tight model adds valid inequalities and bounds: more rows, smaller boxes
    inst = load_instance("example:example")
    tight, plain = build(prepare(inst, "tight")), build(prepare(inst, "plain"))
    assert tight.row_counts.get("capk", 0) > 0 and "capk" not in plain.row_counts
    bound = {k: tight.bounds(j)[1] for k, j in tight.rent.items()}
    assert all(b < float("inf") for b in bound.values())
    loose = {k: plain.bounds(j)[1] for k, j in plain.rent.items() if k in bound}
    assert all(bound[k] <= b for k, b in loose.items())
    assert any(bound[k] < b for k, b in loose.items())


ROOT = Path(__file__).resolve().parent.parent

DOMINANCE_SOURCES: list[Any] = ["example:hybrid-genai"] + [
    generate(6, 5, 2, seed) for seed in (1, 2, 3, 4)
]


@pytest.mark.parametrize("source", DOMINANCE_SOURCES, ids=["hybrid", "g1", "g2", "g3", "g4"])
def test_dropping_dominated_variants_keeps_the_optimum(source: Any) -> None:
    inst = load_instance(source)
    options = SolveOptions(gap=1e-7, baseline=False)
    full, cut = prepare(inst, presolve=False), prepare(inst)
    assert len(cut.cands) <= len(full.cands)
    results = [solve_milp(build(d), options) for d in (full, cut)]
    assert [r.status for r in results] == ["optimal", "optimal"]
    assert results[1].objective == pytest.approx(results[0].objective, rel=1e-6)


def test_the_presolve_drops_dominated_variants_only() -> None:
    insts = [load_instance(s) for s in DOMINANCE_SOURCES]
    dropped = 0
    for inst in insts:
        full, cut = prepare(inst, presolve=False), prepare(inst)
        kept = {(c.workload, c.site, c.hardware, c.variant, c.period) for c in cut.cands}
        dropped += len(full.cands) - len(cut.cands)
        for c in full.cands:
            key = (c.workload, c.site, c.hardware, c.variant, c.period)
            if key in kept:
                continue
            # a dropped candidate has a kept dominator at the same (w, s, h, p)
            assert any(
                (o.workload, o.site, o.hardware, o.period)
                == (c.workload, c.site, c.hardware, c.period)
                and o.load <= c.load + 1e-9 and o.latency_ms <= c.latency_ms + 1e-9
                for o in cut.cands
            )
    assert dropped > 0  # the sources exercise the presolve


def test_a_dominated_current_variant_survives_the_presolve() -> None:
    # the baseline pins current (site, hardware, variant): make the current variant of
    # copilot-70b-eu the dominated fp16 (fp8 is faster on h100-x8); it must stay
    raw = yaml.safe_load((ROOT / "instances/hybrid-genai.yaml").read_text())
    wl = next(w for w in raw["workloads"] if w["id"] == "copilot-70b-eu")
    wl["current"]["variant"] = "fp16"
    wl.pop("min_quality", None)
    data = prepare(load_instance(raw))
    site, hw = wl["current"]["site"], wl["current"]["hardware"]
    assert _dominates(data.lk, "copilot-70b-eu", hw, "fp8", "fp16")
    kept = {(c.site, c.hardware, c.variant) for c in data.cands if c.workload == "copilot-70b-eu"}
    assert (site, hw, "fp16") in kept
    others = [s for s in data.lk.sites if s != site and (s, hw) in data.lk.offers]
    assert all((s, hw, "fp16") not in kept for s in others)  # dropped where not pinned
    assert all(data.pinned().by_wp.get(("copilot-70b-eu", p)) for p in range(data.n_periods))


def _dense(lp: Any) -> np.ndarray:
    mat = lp.a_matrix_
    out = np.zeros((lp.num_row_, lp.num_col_))
    rowwise = mat.format_ == highspy.MatrixFormat.kRowwise
    for j in range(len(mat.start_) - 1):
        for e in range(mat.start_[j], mat.start_[j + 1]):
            i = mat.index_[e]
            out[(j, i) if rowwise else (i, j)] = mat.value_[e]
    return out


def test_the_highs_model_is_the_pulp_export() -> None:
    # the model handed to HiGHS in bulk is the one pulp hands over row by row from the
    # export (pulp sorts columns by name: compared through the names)
    data = prepare(load_instance("example:hybrid-genai"))
    m = build(data)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    load(h, m)
    ours = h.getLp()
    prob, variables = to_pulp(m)
    prob.solverModel = highspy.Highs()
    pulp.HiGHS(msg=False).buildSolverModel(prob)
    theirs = prob.solverModel.getLp()
    assert ours.num_col_ == theirs.num_col_ == m.n_cols > 0
    assert ours.num_row_ == theirs.num_row_ == m.n_rows > 0
    pulps = {v.name: i for i, v in enumerate(prob.variables())}
    order = [pulps[v.name] for v in variables]
    for attr in ("col_cost_", "col_lower_", "col_upper_", "integrality_"):
        assert list(getattr(ours, attr)) == [getattr(theirs, attr)[i] for i in order], attr
    for attr in ("row_lower_", "row_upper_"):
        assert list(getattr(ours, attr)) == list(getattr(theirs, attr)), attr
    assert np.array_equal(_dense(ours), _dense(theirs)[:, order])
    assert ours.offset_ == prob.objective.constant == m.objective_constant


def test_a_solve_returns_every_columns_value() -> None:
    data = prepare(load_instance("example:hybrid-genai"))
    m = build(data)
    a = solve_milp(m, SolveOptions())
    assert a.status == "optimal" and a.values is not None and len(a.values) == m.n_cols
    assert m.arrays().objective(a.values) == pytest.approx(a.objective, rel=1e-9)
    assert a.chosen == sorted(k for k, j in m.x.items() if a.values[j] > 0.5)
    cbc = solve_milp(build(data), SolveOptions(solver="cbc"))
    assert cbc.objective == pytest.approx(a.objective, rel=1e-6)


@pytest.mark.parametrize("source", DOMINANCE_SOURCES, ids=["hybrid", "g1", "g2", "g3", "g4"])
@pytest.mark.parametrize("period_rules", [True, False])
def test_fast_candidate_loop_matches_the_rules(source: Any, period_rules: bool) -> None:
    # the hot loop of feasible_candidates against make_candidate + period_failures
    from placement.candidates import (
        feasible_candidates,
        make_candidate,
        period_failures,
        static_failures,
    )

    data = prepare(load_instance(source), presolve=False)
    lk, routes = data.lk, data.routes
    expected = []
    for w in sorted(lk.workloads):
        for s in sorted(lk.sites):
            for h in lk.offers_at[s]:
                for v in lk.model_variants[lk.workloads[w].model]:
                    if static_failures(lk, routes, w, s, h, v):
                        continue
                    for p in range(data.n_periods):
                        c = make_candidate(lk, routes, w, s, h, v, p)
                        if not period_rules or not period_failures(lk, routes, c):
                            expected.append(c)
    expected.sort(key=lambda c: (c.workload, c.period, c.site, c.hardware, c.variant))
    assert feasible_candidates(lk, routes, period_rules=period_rules) == expected


def test_handover_sums_a_column_listed_twice_and_drops_zeros() -> None:
    # row 0: 1 x0 + 2 x2 + 3 x0 - 2 x2 (x2 cancels); row 1: empty; row 2: 0 x1 + 5 x1
    start, col, val = csr(
        np.array([0, 4, 4, 6]), np.array([0, 2, 0, 2, 1, 1]),
        np.array([1.0, 2.0, 3.0, -2.0, 0.0, 5.0]), 3,
    )
    assert start.tolist() == [0, 1, 1, 2]
    assert col.tolist() == [0, 1] and val.tolist() == [4.0, 5.0]


def test_rows_are_found_by_family_and_key() -> None:
    data = prepare(load_instance("example:hybrid-genai"))
    m = build(data)
    x0, x1 = m.x[0], m.x[1]
    r = m.add_row([(x0, 1.0), (x1, 2.0), (x0, 3.0)], ">=", 1.5, "probe", ("a", 1))
    assert m.row("probe", ("a", 1)) == r == m.n_rows - 1 and m.rows_in("probe") == [r]
    c = data.cands[0]
    assert m.row("assign", (c.workload, c.period)) in m.rows_in("assign")
    with pytest.raises(ValueError, match="added twice"):
        m.add_row([], "<=", 0.0, "probe", ("a", 1))
    rows = m.row_matrix()
    span = slice(rows.start[r], rows.start[r + 1])
    assert dict(zip(rows.index[span].tolist(), rows.value[span].tolist(), strict=True)) == {
        x0: 4.0, x1: 2.0
    }
    assert (rows.lower[r], rows.upper[r]) == (1.5, np.inf)
    prob, _ = to_pulp(m)
    names = list(prob._constraints)
    assert names[0] == "assign_0" and names[-1] == "probe_0"


def _lp_relaxation(m: Any) -> float:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    load(h, m, mip=False)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return float(h.getInfo().objective_function_value)


def test_summed_drops_tighten_the_relaxation_and_keep_the_optimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # with drop(w,s,p) and R move >= sum_s drop, against the per-site rows alone (the model
    # built above the drops' candidate limit): never a weaker LP relaxation, a stronger one
    # where the relaxation splits a moving workload between sites; the same MILP optimum
    import placement.milp.variables as model

    def both(data: Any) -> tuple[Any, Any]:
        with_drops = build(data)
        with monkeypatch.context() as patch:
            patch.setattr(model, "DROPS_MAX_CANDIDATES", -1)
            return with_drops, build(data)

    gains = []
    for seed in (1, 2, 3):
        data = prepare(load_instance(generate(12, 8, 3, seed)))
        with_drops, per_site = both(data)
        assert with_drops.row_counts.get("drop", 0) > 0
        assert with_drops.row_counts.get("moved", 0) > 0
        assert "drop" not in per_site.row_counts
        lp_with, lp_without = _lp_relaxation(with_drops), _lp_relaxation(per_site)
        assert lp_with >= lp_without - 1e-6 * abs(lp_without)
        gains.append(lp_with - lp_without)
        optima = [solve_milp(m, SolveOptions(gap=1e-7)).objective for m in both(data)]
        assert optima[0] == pytest.approx(optima[1], rel=1e-6)
    assert max(gains) > 0


def test_no_drop_columns_above_the_candidate_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import placement.milp.variables as model

    data = prepare(load_instance(generate(12, 8, 3, 1)))
    assert build(data).drop
    monkeypatch.setattr(model, "DROPS_MAX_CANDIDATES", len(data.cands) - 1)
    m = build(data)
    counts = m.row_counts
    assert not m.drop and "drop" not in counts and "moved" not in counts and counts["move"] > 0


def test_rows_in_bulk_are_the_rows_one_by_one() -> None:
    from placement.milp.model import Model

    def model() -> Model:
        m = Model()
        for j in range(3):
            m.add_col("c", j, 0, 1)
        m.add_row([(0, 1.0)], "<=", 1.0, "first", 0)
        return m

    one, bulk = model(), model()
    one.add_row([(0, 1.0), (2, 2.0)], "==", 1.0, "f", ("a", 0))
    one.add_row([], ">=", -1.0, "f", ("a", 1))
    one.add_row([(1, 3.0), (1, 1.0)], "<=", 4.0, "f", ("b", 0))
    added = bulk.add_rows("f", [("a", 0), ("a", 1), ("b", 0)], np.array([0, 2, 2, 4]),
                          np.array([0, 2, 1, 1]), np.array([1.0, 2.0, 3.0, 1.0]),
                          np.array([1.0, -1.0, -np.inf]), np.array([1.0, np.inf, 4.0]))
    assert list(added) == [1, 2, 3] and bulk.row("f", ("b", 0)) == 3
    a, b = one.row_matrix(), bulk.row_matrix()
    for attr in ("lower", "upper", "start", "index", "value"):
        assert np.array_equal(getattr(a, attr), getattr(b, attr)), attr
    with pytest.raises(ValueError, match="added twice"):
        bulk.add_rows("f", [("a", 0)], np.array([0, 0]), np.array([], np.int64),
                      np.array([]), np.array([0.0]), np.array([0.0]))
