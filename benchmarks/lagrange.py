"""The Lagrangian bound of ``placement.milp.decomposition`` measured (issue 17).

    python benchmarks/lagrange.py --cases M1,M2,L1 --iterations 10

Per case (generated as benchmarks/run.py does: M = 60x24x4, L = 200x48x4, seed n): the LP
relaxation's bound (interior point with crossover, and its seconds), L(y) at the LP's duals
(one evaluation: every site's sub-MIP, each with at most ``--sub-nodes`` nodes and
``--sub-seconds`` seconds; its dual bound counts), then the best L(y) after
``--iterations`` subgradient evaluations, seconds per evaluation, the best known plan
(benchmarks/best_known.json, or latest.json's least objective) and the share of the gap
between the LP bound and that plan that the bound closes. Writes a JSON and prints a
markdown table. Timings depend on the machine's load (say so when quoting them).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SIZES = {"M": (60, 24, 4), "L": (200, 48, 4)}


def _known(size: str, seed: int, field: str) -> list[float]:
    records = json.loads((HERE / "results" / "latest.json").read_text())["records"]
    return [
        r[field]
        for r in records
        if r["size"] == size and r["seed"] == seed and r.get(field) is not None
    ]


def best_known(size: str, seed: int) -> float | None:
    """The best known plan's objective of the case (benchmarks/best_known.json, kept by
    benchmarks/run.py), or the least among the records of benchmarks/results/latest.json."""
    known = json.loads((HERE / "best_known.json").read_text()).get(f"{size}#{seed}")
    values = _known(size, seed, "objective") + ([known["objective"]] if known else [])
    return min(values) if values else None


def mip_bound(case: str) -> float | None:
    """The best bound of the case (``M#1``) in benchmarks/results/latest.json: HiGHS's
    (root cuts and branching within the benchmark's time limit)."""
    size, seed = case.split("#")
    values = _known(size, int(seed), "bound")
    return max(values) if values else None


def run_case(size: str, seed: int, args: argparse.Namespace) -> dict[str, Any]:
    from placement import load_instance
    from placement.data import prepare
    from placement.generate import generate
    from placement.milp import lns
    from placement.milp.build import build
    from placement.milp.decomposition import Decomposition
    from placement.milp.lns import lp_duals

    plan = best_known(size, seed)
    assert plan is not None, f"no plan for {size}#{seed} in latest.json"
    m = build(prepare(load_instance(generate(*SIZES[size], seed))))
    arrays = m.arrays()
    began = time.perf_counter()
    dec = Decomposition.by_site(arrays, lns.Layout.of(m))
    split_seconds = time.perf_counter() - began
    began = time.perf_counter()
    solved = lp_duals(arrays, 600.0)
    assert solved is not None
    lp, duals = solved
    lp_seconds = time.perf_counter() - began
    y0 = dec.prices_of(duals)
    first = dec.evaluate(y0, sub_nodes=args.sub_nodes, sub_seconds=args.sub_seconds)
    result = dec.subgradient(
        y0,
        plan,
        args.iterations,
        sub_nodes=args.sub_nodes,
        sub_seconds=args.sub_seconds,
        theta=args.theta,
    )
    best = max(result.bound, first.value)

    def closed(b: float) -> float:
        return (b - lp) / (plan - lp)

    rec = {
        "case": f"{size}#{seed}",
        "linking_rows": len(dec.linking),
        "site_rows": int((dec.row_site >= 0).sum()),
        "rows_by_family": dec.family_counts(m),
        "split_seconds": split_seconds,
        "lp_bound": lp,
        "lp_seconds": lp_seconds,
        "first_bound": first.value,
        "first_seconds": first.seconds,
        "first_exact": first.exact,
        "best_bound": best,
        "iterations": len(result.values),
        "values": result.values,
        "seconds": result.seconds,
        "plan": plan,
        "closed_first": closed(first.value),
        "closed_best": closed(best),
    }
    print(json.dumps({k: v for k, v in rec.items() if k not in ("values", "seconds")}), flush=True)
    return rec


def table(records: list[dict[str, Any]]) -> str:
    lines = [
        "| case | linking rows | LP bound (s) | L(y_LP), 1 evaluation (s) | best L after n "
        "evaluations | s per evaluation (median) | best known plan | LP gap closed: 1 / n "
        "| HiGHS's bound in the benchmark run (LP gap closed) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in records:
        per = sorted(r["seconds"])[len(r["seconds"]) // 2] if r["seconds"] else r["first_seconds"]
        lines.append(
            f"| {r['case']} | {r['linking_rows']:,} | {r['lp_bound']:,.0f} ({r['lp_seconds']:.1f}) "
            f"| {r['first_bound']:,.0f} ({r['first_seconds']:.1f}) "
            f"| {r['best_bound']:,.0f} (n = {r['iterations']}) | {per:.1f} "
            f"| {r['plan']:,.0f} | {100 * r['closed_first']:.1f}% / {100 * r['closed_best']:.1f}% "
            f"| {_bound_cell(r)} |"
        )
    return "\n".join(lines)


def _bound_cell(r: dict[str, Any]) -> str:
    b = mip_bound(r["case"])
    if b is None:
        return "-"
    return f"{b:,.0f} ({100 * (b - r['lp_bound']) / (r['plan'] - r['lp_bound']):.1f}%)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", default="M1,M2,L1", help="size and seed, e.g. M1,M2,L1")
    ap.add_argument("--iterations", type=int, default=10)
    ap.add_argument("--sub-nodes", type=int, default=None)
    ap.add_argument("--sub-seconds", type=float, default=None)
    ap.add_argument("--theta", type=float, default=0.1)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "lagrange.json")
    ap.add_argument("--table", nargs="+", type=Path, default=None, metavar="JSON",
                    help="print the table of these JSON files; run nothing")
    args = ap.parse_args()
    if args.table:
        print(table([r for f in args.table for r in json.loads(f.read_text())["records"]]))
        return
    records = [run_case(c[0], int(c[1:]), args) for c in args.cases.split(",")]
    config = {k: v for k, v in vars(args).items() if k != "out"}
    args.out.write_text(json.dumps({"config": config, "records": records}, indent=1) + "\n")
    print(table(records))


if __name__ == "__main__":
    main()
