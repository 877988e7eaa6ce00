"""The tight formulation (default) and the plain transcription of the spec agree on the
optimum: the tightening (presolve, dominated variants, bounds, valid inequalities) never
cuts a plan."""

from __future__ import annotations

from typing import Any

import pytest

from placement import SolveOptions, evaluate, load_instance, solve
from placement.data import prepare
from placement.generate import generate
from placement.milp.build import build
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
    assert tight.rows.get("capk", 0) > 0 and "capk" not in plain.rows
    assert all(v.upBound is not None for v in tight.rent.values())
    bound = {k: v.upBound for k, v in tight.rent.items()}
    assert all(bound[k] <= (v.upBound if v.upBound is not None else float("inf"))
               for k, v in plain.rent.items() if k in bound)
    assert any(bound[k] < v.upBound for k, v in plain.rent.items() if k in bound)


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


def test_current_placements_survive_the_presolve() -> None:
    # the baseline pins current (site, hardware, variant): dominated or not, they stay
    inst = load_instance("example:hybrid-genai")
    data = prepare(inst)
    slow = {}
    for w in data.lk.workloads.values():
        for q in w.current or []:
            slow[(w.id, q.site, q.hardware, q.variant)] = q
    assert slow
    kept = {(c.workload, c.site, c.hardware, c.variant) for c in data.cands}
    assert set(slow) <= kept
    assert all(data.pinned().by_wp.get((w, p)) for w in data.lk.workloads
               for p in range(data.n_periods))
