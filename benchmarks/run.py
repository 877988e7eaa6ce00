"""Benchmark runner: a fixed family of generated instances, each case solved in its own
process, results in a JSON file and ``docs/performance.md`` regenerated from it.

    python benchmarks/run.py --sizes S,M --compare          # writes both files
    python benchmarks/run.py --render-only                  # the doc from the JSON again

Sizes (workloads x sites x periods): S 20x12x3, M 60x24x4, L 200x48x4, XL 1000x120x6 (and a
hidden XS 4x4x2 for tests). Instances come from ``placement generate`` with seeds 1..n.

Per case: model build seconds (load + candidates + pulp model + hand-over to HiGHS), solve
seconds, wall-clock time from the start of the case to a 5% / 2% / 1% gap (HiGHS progress
callbacks: improving solutions and MIP log lines), final status, NPV (recomputed by
``placement.accounting``), bound, gap, peak memory (max RSS of the case's process and its
children), variables, rows (and rows per constraint family).

``--compare`` also runs, on the same instances in the same run: the plain transcription of
the spec (``formulation="plain"``), the same written as a user would with pulp
(``method="pulp-plain"``: ``benchmarks/plain_pulp.py``, the candidates of
``prepare(..., "plain")``, solved by ``pulp.HiGHS``), CBC instead of HiGHS, and the greedy
heuristic of ``placement/heuristic.py`` (its plan checked by ``placement.evaluate``).

``--decompose`` adds, per instance, the tight model solved with ``search="decompose"`` (the
LP relaxation, the per-site Lagrangian bound with its sub-MIPs on ``--workers`` local
processes, the restricted master, the search, then the MIP; its record keeps
``SolveResult.decomposition``). ``--speedup N`` adds, per instance, one Lagrangian
evaluation at the LP's duals with the work fixed (a node limit per sub-MIP, no time
limit), timed in one process with one worker and then with N.

Every case's objective is compared with the best plan known for its instance
(``benchmarks/best_known.json``), and a better plan found by a run goes into that file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any, cast

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_JSON = HERE / "results" / "latest.json"
DEFAULT_DOC = ROOT / "docs" / "performance.md"

SIZES: dict[str, tuple[int, int, int]] = {
    "XS": (4, 4, 2),
    "S": (20, 12, 3),
    "M": (60, 24, 4),
    "L": (200, 48, 4),
    "XL": (1000, 120, 6),
}
PUBLIC_SIZES = ("S", "M", "L", "XL")
DEFAULT_SEEDS = {"XS": 1, "S": 2, "M": 2, "L": 1, "XL": 1}
DEFAULT_LIMIT = {"XS": 30.0, "S": 60.0, "M": 60.0, "L": 300.0, "XL": 600.0}
GAPS = (0.05, 0.02, 0.01)
#: The issue whose targets the report evaluates (the decomposition, search="decompose").
TARGETS_ISSUE = 17
# Its targets: size -> (gap to reach, seconds); XL also has a memory cap.
TARGET_GAP = {"M": (0.01, 60.0), "L": (0.02, 300.0), "XL": (0.05, 600.0)}
XL_MEMORY_MB = 8192.0
#: M against the plain pulp transcription: at PLAIN_AT seconds the plan's NPV never above
#: plain's, and the time to plain's final gap at least PLAIN_SPEEDUP times shorter.
PLAIN_AT = 60.0
PLAIN_SPEEDUP = 5.0
#: The decomposition's bound closes at least BOUND_CLOSED of the gap between the LP
#: relaxation's bound and the best known plan, at each size of BOUND_SIZES.
BOUND_CLOSED = 0.5
BOUND_SIZES = ("M", "L")
WHY_KEYS = ("M", "M-npv", "M-plain", "L", "XL", "XL-memory", "bound")
#: Best known plan per instance ("M#1"): the least objective known and where it came from.
BEST_KNOWN = HERE / "best_known.json"
#: A plan is better than the best known when below it by more than this (relative): two
#: optimal runs of one instance differ in the last digits.
BETTER = 1e-9
#: --speedup: each site's sub-MIP stops at this many branch-and-bound nodes (or its gap).
SUB_NODES = 500
#: Where the hand-written part of the report starts; ``--render-only`` and a run keep it.
HAND_WRITTEN = ("<!-- Hand-written below this line, not generated: benchmarks/run.py "
                "keeps it as it is. -->")


# -- the worker: one case in its own process ---------------------------------------------


def _peak_mb() -> float:
    """Peak resident memory of this process and of its (waited-for) children, MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024.0  # Linux: KB


def _cpu_seconds() -> float:
    """CPU time (user + system) of this process and its waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_case(case: dict[str, Any]) -> dict[str, Any]:
    """Run one case (in this process) and return its record. Imports come first: the clock
    starts when the instance is read."""
    from placement import accounting, load_instance
    from placement.data import prepare
    from placement.heuristic import greedy, start_candidates
    from placement.milp.build import build
    from placement.milp.solve import Progress, solve_milp
    from placement.schema.options import SolveOptions
    from placement.solution import schedule_from

    cpu0 = _cpu_seconds()
    t0 = time.perf_counter()
    inst = load_instance(case["instance"])
    rec: dict[str, Any] = {k: case[k] for k in ("size", "seed", "method", "formulation",
                                                 "solver", "time_limit")}
    rec["load_seconds"] = time.perf_counter() - t0
    if case["method"] == "greedy":
        g = greedy(inst)
        rec.update(status="feasible" if not g.violations else "violates", npv=g.npv,
                   violations=len(g.violations), violation_examples=g.violations[:5],
                   notes=g.notes[:5], solve_seconds=g.seconds,
                   wall_seconds=time.perf_counter() - t0,
                   cpu_seconds=_cpu_seconds() - cpu0, peak_mb=_peak_mb())
        return rec
    if case["method"] == "pulp-plain":
        return _run_pulp_plain(case, inst, rec, t0, cpu0)
    if case["method"] == "speedup":
        return _run_speedup(case, inst, rec, t0, cpu0)
    t1 = time.perf_counter()
    data = prepare(inst, case["formulation"])
    t1b = time.perf_counter()
    start = start_candidates(data) if case.get("warm_start") else None
    t2 = time.perf_counter()
    m = build(data)
    t3 = time.perf_counter()
    rec.update(prepare_seconds=t1b - t1, start_seconds=t2 - t1b, pulp_seconds=t3 - t2,
               candidates=len(data.cands), warm_start=start is not None,
               variables=m.n_variables, rows=m.n_rows,
               rows_by_family=m.row_counts,
               integers=m.n_variables - len(m.move))  # move: the one continuous variable
    trace: list[dict[str, Any]] = []
    started: list[float] = []

    def hook(ev: Progress) -> None:
        now = time.perf_counter()
        if ev.event == "start":
            started.append(now)
            return
        trace.append({"t": now - t0, "highs_t": ev.seconds, "event": ev.event,
                      "objective": ev.objective, "bound": ev.bound, "gap": ev.gap})

    options = SolveOptions(solver=case["solver"], time_limit=case["time_limit"],
                           threads=case.get("threads"), baseline=False,
                           formulation=case["formulation"], search=case.get("search", "auto"),
                           workers=case.get("workers"))
    rec["search"] = options.search
    if options.search == "decompose":
        rec["workers"] = case.get("workers")
    r = solve_milp(m, options, progress=hook, start_from=start)
    rec["searched"] = r.searched
    if r.decomposition is not None:  # LP and Lagrangian bounds, evaluations, master
        rec["decomposition"] = _json_safe(r.decomposition)
    t4 = time.perf_counter()
    handover = (started[0] - t3) if started else 0.0
    rec.update(
        status=r.status, termination=r.termination, solver_name=r.solver,
        objective=r.objective, bound=r.bound, gap=r.gap,
        handover_seconds=handover,
        build_seconds=(t3 - t0) + handover,
        solve_seconds=(t4 - t3) - handover,
        wall_seconds=t4 - t0,
    )
    if r.has_solution:
        schedule = schedule_from(data, r)
        per = accounting.period_costs(data.lk, data.routes, schedule)
        rec["npv"] = accounting.npv(data.lk, per, accounting.residual_value(data.lk, schedule))
    return _finished(rec, trace, r, t4 - t0, cpu0)


def _finished(rec: dict[str, Any], trace: list[dict[str, Any]], r: Any, wall: float,
              cpu0: float) -> dict[str, Any]:
    """``rec`` with what every solved case records last: the times to each gap of GAPS
    (from ``trace``), the thinned trace, CPU seconds and the memory peak."""
    for level in GAPS:
        rec[f"t_gap_{_pct(level)}"] = _time_to_gap(trace, r, level, wall)
    rec["trace"] = _thin(trace)
    rec["cpu_seconds"] = _cpu_seconds() - cpu0
    rec["peak_mb"] = _peak_mb()
    return rec


def _run_pulp_plain(case: dict[str, Any], inst: Any, rec: dict[str, Any], t0: float,
                    cpu0: float) -> dict[str, Any]:
    """The plain pulp model (``plain_pulp.py``): build, solve with ``pulp.HiGHS``, and a
    record with the milp cases' fields. Its hand-over (pulp's copy of the model into HiGHS)
    happens inside ``prob.solve``: it is estimated from the first progress event (wall time
    since the solve started less HiGHS's own running time) and counted in build seconds."""
    from plain_pulp import accounted_npv, build, solve

    from placement.data import prepare
    from placement.schema.options import SolveOptions

    t1 = time.perf_counter()
    data = prepare(inst, "plain")
    t2 = time.perf_counter()
    m = build(inst, data)
    t3 = time.perf_counter()
    rows = m.row_counts()
    rec.update(prepare_seconds=t2 - t1, start_seconds=0.0, pulp_seconds=t3 - t2,
               candidates=len(data.cands), warm_start=False, variables=m.n_variables,
               rows=m.n_rows, rows_by_family=rows,
               integers=sum(1 for v in m.prob.variables() if v.cat == "Integer"))
    trace: list[dict[str, Any]] = []
    first: list[float] = []

    def hook(event: str, highs_t: float, objective: float | None, bound: float | None,
             gap: float | None) -> None:
        now = time.perf_counter()
        if not first:
            first.append(now - highs_t)  # when HiGHS started, about
        trace.append({"t": now - t0, "highs_t": highs_t, "event": event,
                      "objective": objective, "bound": bound, "gap": gap})

    r = solve(m, time_limit=case["time_limit"], gap=SolveOptions().gap, threads=case.get("threads"),
              hook=hook)
    t4 = time.perf_counter()
    handover = max(0.0, first[0] - t3) if first else 0.0
    rec.update(status=r.status, termination=r.termination, solver_name="HiGHS (pulp)",
               objective=r.objective, bound=r.bound, gap=r.gap, handover_seconds=handover,
               build_seconds=(t3 - t0) + handover, solve_seconds=(t4 - t3) - handover,
               wall_seconds=t4 - t0)
    if r.schedule is not None:
        rec["npv"] = accounted_npv(m, r.schedule)
    return _finished(rec, trace, r, t4 - t0, cpu0)


def _run_speedup(case: dict[str, Any], inst: Any, rec: dict[str, Any], t0: float,
                 cpu0: float) -> dict[str, Any]:
    """The speed-up of ``case["workers"]`` local processes on one Lagrangian evaluation.

    What is measured: L(y) at the LP relaxation's duals (every site's sub-MIP, one thread
    each, at most ``sub_nodes`` branch-and-bound nodes and no time limit, so the work is
    the same whoever runs it), first with ``Runner(1)`` (the sub-MIPs one after the other
    in this process), then with ``Runner(N)`` (a local pool of N processes), one after the
    other in this process. The pool is started (and its processes forked) before its clock
    starts: ``pool_start_seconds`` is that start, apart; the evaluation's own seconds
    include sending each site's block to a worker and its answer back. The two values
    (and the sub-problems' solutions) must be equal: ``values_equal`` / ``solutions_equal``
    say whether they were, and ``message`` says so when not."""
    import numpy as np

    from placement.data import prepare
    from placement.executor import Runner
    from placement.milp import lns
    from placement.milp.build import build
    from placement.milp.decomposition import BlockAnswer, BlockTask, Decomposition

    workers, sub_nodes = int(case["workers"]), int(case["sub_nodes"])
    data = prepare(inst, "tight")
    m = build(data)
    arrays = m.arrays()
    dec = Decomposition.by_site(arrays, lns.Layout.of(m))
    rec.update(workers=workers, sub_nodes=sub_nodes, sites=len(dec.blocks),
               linking_rows=len(dec.linking), candidates=len(data.cands),
               build_seconds=time.perf_counter() - t0)
    began = time.perf_counter()
    limit = case["time_limit"]
    solved = lns.lp_duals(arrays, float("inf") if limit is None else float(limit),
                          case.get("threads"))
    rec["lp_seconds"] = time.perf_counter() - began
    if solved is None:
        rec.update(status="error", message=f"the LP relaxation was not solved in {limit} s",
                   wall_seconds=time.perf_counter() - t0, cpu_seconds=_cpu_seconds() - cpu0,
                   peak_mb=_peak_mb())
        return rec
    lp, duals = solved
    y = dec.prices_of(duals)
    one: Runner[BlockTask, BlockAnswer] = Runner(1)
    with one:  # in this process: each sub-MIP in turn
        serial = dec.evaluate(y, threads=1, sub_nodes=sub_nodes, runner=one)
    pool: Runner[BlockTask, BlockAnswer] = Runner(workers)
    with pool:
        began = time.perf_counter()
        cast(Any, pool).map(abs, list(range(workers)))  # forks the pool's processes
        pool_start = time.perf_counter() - began
        parallel = dec.evaluate(y, threads=1, sub_nodes=sub_nodes, runner=pool)
        lost = pool.lost
    same = serial.value == parallel.value
    same_x = bool(np.array_equal(serial.x, parallel.x))
    rec.update(
        status="done" if same and same_x else "differs",
        lp_bound=lp, value=_finite_or_none(serial.value),
        value_parallel=_finite_or_none(parallel.value),
        values_equal=same, solutions_equal=same_x, exact=serial.exact,
        seconds_serial=serial.seconds, seconds_parallel=parallel.seconds,
        speedup=serial.seconds / parallel.seconds if parallel.seconds > 0 else None,
        pool_start_seconds=pool_start, lost=lost,
        wall_seconds=time.perf_counter() - t0, cpu_seconds=_cpu_seconds() - cpu0,
        peak_mb=_peak_mb())
    if not (same and same_x):
        rec["message"] = (f"one worker and {workers} workers disagree: L(y) "
                          f"{serial.value!r} against {parallel.value!r}; the sub-problems' "
                          f"solutions {'equal' if same_x else 'differ'}")
    return rec


def _finite_or_none(x: float | None) -> float | None:
    """``x`` as JSON can hold it: a number, or None for an infinite or missing one."""
    return None if x is None or x != x or x in (float("inf"), float("-inf")) else float(x)


def _json_safe(obj: Any) -> Any:
    """``obj`` with every infinite or NaN number replaced by None (``json.dumps`` with
    ``allow_nan=False``: an evaluation whose sub-problem is unbounded has L(y) = -inf)."""
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_json_safe(v) for v in obj]
    if isinstance(obj, float):
        return _finite_or_none(obj)
    return obj


def _pct(g: float) -> str:
    return f"{g * 100:g}"


def _time_to_gap(trace: list[dict[str, Any]], r: Any, gap: float, end: float) -> float | None:
    """Wall seconds from the start of the case to the first moment the gap was <= ``gap``
    (the final result counts, at the end of the run).

    A progress event whose lower bound exceeds the run's final bound is not about this
    problem (HiGHS completes a warm start in a sub-MIP and reports that sub-MIP's bound):
    its gap is ignored. Bounds only rise during a minimisation, so every genuine one is at
    most the final bound."""
    for e in trace:
        if _genuine(e, r.bound) and e["gap"] is not None and e["gap"] <= gap + 1e-12:
            return float(e["t"])
    if r.has_solution and r.gap is not None and r.gap <= gap + 1e-12:
        return end
    return None


def _genuine(event: dict[str, Any], final: float | None) -> bool:
    """Whether a progress event's bound is this problem's: at most the run's final bound."""
    b = event["bound"]
    return b is not None and final is not None and b <= final + 1e-9 * max(1.0, abs(final))


def _thin(trace: list[dict[str, Any]], keep: int = 60) -> list[dict[str, Any]]:
    """At most ``keep`` events: every incumbent, log lines evenly thinned."""
    if len(trace) <= keep:
        return trace
    inc = [e for e in trace if e["event"] == "incumbent"]
    logs = [e for e in trace if e["event"] != "incumbent"]
    room = max(2, keep - len(inc))
    step = len(logs) / room
    logs = [logs[min(len(logs) - 1, int(i * step))] for i in range(room)] + [logs[-1]]
    return sorted({id(e): e for e in inc + logs}.values(), key=lambda e: e["t"])


def _worker(arg: str) -> None:
    rec = run_case(json.loads(arg))
    sys.stdout.write("\n@@RECORD@@" + json.dumps(rec) + "\n")
    sys.stdout.flush()


# -- the parent: generate, run every case in a subprocess, write JSON and the doc ---------


def machine_info() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass

    def version(pkg: str) -> str:
        try:
            return metadata.version(pkg)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": mem_gb,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "highspy": version("highspy"),
        "pulp": version("pulp"),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "calibration": calibration(),
    }


def calibration() -> dict[str, float]:
    """Seconds for a fixed pure-Python loop (10 million additions), wall and CPU: a yardstick
    for this machine's speed (a 2020s desktop core takes about 0.4 s) and for time stolen
    by other tenants (wall well above CPU)."""
    wall, cpu = time.perf_counter(), time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return {"loop_wall_seconds": round(time.perf_counter() - wall, 2),
            "loop_cpu_seconds": round(time.process_time() - cpu, 2)}


def _cases(size: str, seed: int, path: str, limit: float, compare: bool,
           threads: int | None, decompose: int | None = None,
           speedup: dict[str, int] | None = None,
           pulp_plain: bool = False) -> list[dict[str, Any]]:
    """The cases of one instance, in order: the main run; with ``decompose`` (a number of
    workers) the tight model with ``search="decompose"``; with ``compare`` the
    comparisons (with ``pulp_plain`` only, the plain pulp model alone of them); with
    ``speedup`` ({"workers", "sub_nodes"}) the speed-up case."""
    base = {"size": size, "seed": seed, "instance": path, "time_limit": limit,
            "threads": threads}
    out = [dict(base, method="milp", formulation="tight", solver="highs", warm_start=True)]
    if decompose is not None:
        out.append(dict(base, method="milp", formulation="tight", solver="highs",
                        warm_start=True, search="decompose", workers=decompose))
    if compare:
        out += [
            dict(base, method="milp", formulation="tight", solver="highs", warm_start=True,
                 search="mip"),
            dict(base, method="milp", formulation="plain", solver="highs", search="mip"),
            dict(base, method="pulp-plain", formulation="plain", solver="highs"),
            dict(base, method="milp", formulation="tight", solver="cbc"),
            dict(base, method="greedy", formulation=None, solver=None),
        ]
    elif pulp_plain:
        out.append(dict(base, method="pulp-plain", formulation="plain", solver="highs"))
    if speedup is not None:
        out.append(dict(base, method="speedup", formulation="tight", solver="highs",
                        workers=speedup["workers"], sub_nodes=speedup["sub_nodes"]))
    return out


def run_subprocess(case: dict[str, Any]) -> dict[str, Any]:
    """One case in a fresh Python process (its own memory peak); killed if it overruns.
    A speed-up case has no time limit on its two evaluations (only on its LP): it gets an
    hour more."""
    limit = float(case["time_limit"] or 600)
    timeout = 3 * limit + (3600 if case["method"] == "speedup" else 300)
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(case)],
            capture_output=True, text=True, timeout=timeout, check=False,
        )
    except subprocess.TimeoutExpired:
        return _failed(case, f"killed after {timeout:.0f} s", time.perf_counter() - start)
    for line in proc.stdout.splitlines()[::-1]:
        if line.startswith("@@RECORD@@"):
            rec: dict[str, Any] = json.loads(line[len("@@RECORD@@"):])
            return rec
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    return _failed(case, f"exit {proc.returncode}: {' | '.join(tail)}",
                   time.perf_counter() - start)


def _failed(case: dict[str, Any], message: str, seconds: float) -> dict[str, Any]:
    rec = {k: case[k] for k in ("size", "seed", "method", "formulation", "solver", "time_limit")}
    for key in ("search", "workers", "sub_nodes"):  # which case it was, for the tables
        if key in case:
            rec[key] = case[key]
    rec.update(status="error", message=message, wall_seconds=seconds)
    return rec


def _parse_per_size(text: str | None, default: dict[str, Any], cast: Any) -> dict[str, Any]:
    """"90" (every size) or "S=60,M=120" (per size) over the defaults."""
    out = dict(default)
    if not text:
        return out
    for part in text.split(","):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip().upper()] = cast(v)
        else:
            out = {k: cast(part) for k in out}
    return out


def _size_list(text: str | None, sizes: list[str]) -> set[str]:
    """The sizes of an option like ``--compare [SIZES]``: "all" (given without SIZES) is
    every size of the run, None (not given) none."""
    if text is None:
        return set()
    if text == "all":
        return set(sizes)
    return {s.strip().upper() for s in text.split(",") if s.strip()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--sizes", default="S,M", help="comma-separated: S,M,L,XL (default S,M)")
    ap.add_argument("--seeds", default=None,
                    help="seeds per size: N, or S=2,M=2 (default S/M 2, L/XL 1)")
    ap.add_argument("--time-limit", default=None,
                    help="seconds per solve: T, or S=60,M=60 (default S 60, M 60, "
                         "L 300, XL 600)")
    ap.add_argument("--threads", type=int, default=None, help="solver threads (default: HiGHS)")
    ap.add_argument("--compare", nargs="?", const="all", default=None, metavar="SIZES",
                    help="also plain formulation, CBC and the greedy heuristic (on every "
                         "size, or only on SIZES, e.g. --compare S,M,L)")
    ap.add_argument("--pulp-plain", nargs="?", const="all", default=None, metavar="SIZES",
                    help="also the plain pulp model alone (one of --compare's cases), where "
                         "--compare is not run (on every size, or only on SIZES)")
    ap.add_argument("--decompose", nargs="?", const="all", default=None, metavar="SIZES",
                    help="also the tight model with search='decompose' (on every size, or "
                         "only on SIZES, e.g. --decompose M,L)")
    ap.add_argument("--workers", type=int, default=None,
                    help="--decompose: local processes for its sub-MIPs (default: the "
                         "machine's cores)")
    ap.add_argument("--speedup", type=int, default=None, metavar="N",
                    help="also one Lagrangian evaluation per instance with the work fixed, "
                         "timed with 1 worker and with N")
    ap.add_argument("--speedup-sizes", default=None, metavar="SIZES",
                    help="--speedup only on SIZES (default: every size of the run)")
    ap.add_argument("--sub-nodes", type=int, default=SUB_NODES,
                    help=f"--speedup: node limit per sub-MIP (default {SUB_NODES})")
    ap.add_argument("--best-known", type=Path, default=None,
                    help="the best known plans, read and updated (default "
                         "benchmarks/best_known.json, which only the public sizes update: "
                         "XS is the tests')")
    ap.add_argument("--out-dir", type=Path, default=DEFAULT_JSON.parent,
                    help="where latest.json goes (default benchmarks/results)")
    ap.add_argument("--doc", type=Path, default=DEFAULT_DOC,
                    help="the markdown report (default docs/performance.md)")
    ap.add_argument("--render-only", action="store_true",
                    help="regenerate the doc from the JSON in --out-dir; run nothing")
    ap.add_argument("--note", action="append", default=[],
                    help="a note for the report (repeatable), e.g. why a size was not run")
    ap.add_argument("--why", action="append", default=[], metavar="KEY=TEXT",
                    help="why a target is met or not, shown in the targets table; KEY: "
                         f"{', '.join(WHY_KEYS)} (repeatable). With --render-only, "
                         "--why and --note are added to the JSON's config first")
    ap.add_argument("--merge", action="store_true",
                    help="keep the other sizes' records of DIR/latest.json and replace only "
                         "those of --sizes (re-run one size after a change)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        _worker(args.worker)
        return 0
    out_json = args.out_dir / "latest.json"
    # the hidden size XS (tests) goes into the best known plans only of a file given
    recorded = set(SIZES) if args.best_known is not None else set(PUBLIC_SIZES)
    args.best_known = args.best_known or BEST_KNOWN
    why = {}
    for item in args.why:
        key, sep, text = item.partition("=")
        if not sep or key not in WHY_KEYS:
            ap.error(f"--why {item!r}: expected KEY=TEXT with KEY one of {', '.join(WHY_KEYS)}")
        why[key] = text.strip()
    for name in ("workers", "speedup", "sub_nodes"):
        value = getattr(args, name)
        if value is not None and value < 1:
            ap.error(f"--{name.replace('_', '-')} {value}: at least 1")
    if args.render_only:
        results: dict[str, Any] = json.loads(out_json.read_text(encoding="utf-8"))
        if "best_known" not in results:  # a JSON from before the file: the file's plans
            results["best_known"] = best_known_of(load_best_known(args.best_known),
                                                  results["records"])
        if why or args.note:
            cfg = results["config"]
            if cfg.get("targets_issue") != TARGETS_ISSUE:  # analyses of other targets
                cfg["why_other_targets"] = {**cfg.get("why_other_targets", {}),
                                            **cfg.pop("why", {})}
                cfg["targets_issue"] = TARGETS_ISSUE
            cfg["why"] = {**cfg.get("why", {}), **why}
            cfg["notes"] = [*cfg.get("notes", []), *args.note]
            _write(out_json, json.dumps(results, indent=1, allow_nan=False) + "\n")
        _write_doc(args.doc, render(results))
        return 0
    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        ap.error(f"unknown sizes {unknown}; known: {', '.join(PUBLIC_SIZES)}")
    seeds = _parse_per_size(args.seeds, DEFAULT_SEEDS, int)
    compared = _size_list(args.compare, sizes)
    decomposed = _size_list(args.decompose, sizes)
    pulp_plain = _size_list(args.pulp_plain, sizes) | compared
    sped = (set() if args.speedup is None else
            _size_list(args.speedup_sizes or "all", sizes))
    limits = _parse_per_size(args.time_limit, DEFAULT_LIMIT, float)
    from placement.executor import default_workers
    from placement.generate import generate_yaml

    workers = args.workers or default_workers()
    speedup = (None if args.speedup is None else
               {"workers": args.speedup, "sub_nodes": args.sub_nodes})
    results = {
        "machine": machine_info(),
        "config": {"sizes": sizes, "seeds": {s: seeds[s] for s in sizes},
                   "time_limit": {s: limits[s] for s in sizes},
                   "compare": [s for s in sizes if s in compared],
                   "pulp_plain": [s for s in sizes if s in pulp_plain],
                   "decompose": [s for s in sizes if s in decomposed],
                   "workers": workers if decomposed else None,
                   "speedup": None if speedup is None else
                   {**speedup, "sizes": [s for s in sizes if s in sped]},
                   "threads": args.threads, "gap_option": 1e-4, "notes": args.note,
                   "why": why, "targets_issue": TARGETS_ISSUE,
                   "best_known_file": _shown(args.best_known),
                   "command": "python benchmarks/run.py " + shlex.join(
                       argv if argv is not None else sys.argv[1:])},
        "records": [],
        "best_known_updates": [],
    }
    if args.merge and out_json.exists():
        results = _merged(json.loads(out_json.read_text(encoding="utf-8")), results)
    best = load_best_known(args.best_known)
    date = results["machine"]["date"][:10]
    with tempfile.TemporaryDirectory(prefix="placement-bench-") as tmp:
        for size in sizes:
            n_w, n_s, n_p = SIZES[size]
            for seed in range(1, seeds[size] + 1):
                path = Path(tmp) / f"{size}-{seed}.yaml"
                path.write_text(generate_yaml(n_w, n_s, n_p, seed), encoding="utf-8")
                searched = False  # the main run (the first case) searched
                for case in _cases(size, seed, str(path), limits[size], size in compared,
                                   args.threads, workers if size in decomposed else None,
                                   speedup if size in sped else None,
                                   size in pulp_plain):
                    if case.get("search") == "mip" and case["formulation"] == "tight" and (
                            not searched):
                        continue  # the main run was the MIP alone already
                    rec = run_subprocess(case)
                    searched = searched or bool(rec.get("searched") and rec.get(
                        "search", "auto") == "auto")
                    results["records"].append(rec)
                    _progress_line(rec)
                    found = update_best_known(best, [rec] if rec["size"] in recorded else [],
                                              date)
                    if found:  # a better plan than the best known: into the file now
                        results["best_known_updates"] += found
                        _write(args.best_known, json.dumps(best, indent=1, allow_nan=False)
                               + "\n")
                        for u in found:
                            sys.stderr.write(f"{u['instance']}: a better plan than the best "
                                             f"known ({_money(u.get('previous'))} → "
                                             f"{_money(u['objective'])}), written to "
                                             f"{args.best_known}\n")
                    results["best_known"] = best_known_of(best, results["records"])
                    args.out_dir.mkdir(parents=True, exist_ok=True)
                    _write(out_json, json.dumps(results, indent=1, allow_nan=False) + "\n")
    results["best_known"] = best_known_of(best, results["records"])
    _write(out_json, json.dumps(results, indent=1, allow_nan=False) + "\n")
    _write_doc(args.doc, render(results))
    return 0


def _merged(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``old``'s records and config for the sizes ``new`` does not run, ``new``'s for the
    rest; the commands of both are kept, in order. The analyses (``why``) of ``old`` are
    kept only if they were written for the same targets."""
    cfg, ocfg = new["config"], old["config"]
    rerun = set(cfg["sizes"])
    kept = [s for s in ocfg["sizes"] if s not in rerun]
    for key in ("seeds", "time_limit"):
        cfg[key] = {**{s: ocfg[key][s] for s in kept}, **cfg[key]}
    for key in ("compare", "pulp_plain", "decompose"):
        cfg[key] = [s for s in ocfg.get(key) or [] if s in kept] + cfg.get(key, [])
    if cfg.get("workers") is None and cfg["decompose"]:
        cfg["workers"] = ocfg.get("workers")
    osp = ocfg.get("speedup") or {}
    kept_sped = [s for s in osp.get("sizes", []) if s in kept]
    if cfg.get("speedup") is None and kept_sped:
        cfg["speedup"] = {**osp, "sizes": kept_sped}
    elif cfg.get("speedup") is not None:
        cfg["speedup"]["sizes"] = kept_sped + cfg["speedup"]["sizes"]
    cfg["sizes"] = [s for s in (*PUBLIC_SIZES, "XS") if s in kept or s in rerun]
    cfg["notes"] = [*ocfg.get("notes", []), *cfg["notes"]]
    other = dict(ocfg.get("why_other_targets", {}))
    if ocfg.get("targets_issue") == cfg.get("targets_issue"):
        cfg["why"] = {**ocfg.get("why", {}), **cfg["why"]}
    else:  # analyses of other targets: kept aside, not shown
        other.update(ocfg.get("why", {}))
    if other:
        cfg["why_other_targets"] = other
    cfg["command"] = f"{ocfg['command']}`, then `{cfg['command']}"
    new["records"] = [r for r in old["records"] if r["size"] not in rerun]
    new["best_known_updates"] = [u for u in old.get("best_known_updates", [])
                                 if u["instance"].split("#")[0] not in rerun]
    return new


def _shown(path: Path) -> str:
    """``path`` as the report names it: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _write(path: Path, text: str) -> None:
    from placement.io import write_atomic

    write_atomic(path, text)


def _write_doc(path: Path, text: str) -> None:
    """The generated report, followed by the hand-written part of the page already at
    ``path`` (from the HAND_WRITTEN line on), kept as it is."""
    tail = ""
    if path.exists():
        old = path.read_text(encoding="utf-8")
        at = old.find(HAND_WRITTEN)
        if at >= 0:
            tail = "\n" + old[at:]
    _write(path, text + tail)


def _progress_line(rec: dict[str, Any]) -> None:
    if rec["method"] == "speedup":
        sys.stderr.write(
            f"{rec['size']}#{rec['seed']} speedup      {rec['status']:9} 1 worker "
            f"{_num(rec.get('seconds_serial'), 1)} s, {rec.get('workers')} workers "
            f"{_num(rec.get('seconds_parallel'), 1)} s: {_num(rec.get('speedup'), 2)}x\n")
        return
    what = rec["method"] if rec["method"] == "greedy" else f"{rec['formulation']}/{rec['solver']}"
    what = "pulp/" + what if rec["method"] == "pulp-plain" else what
    what += "+warm" if rec.get("warm_start") else ""
    what += "+decomp" if rec.get("search") == "decompose" else ""
    sys.stderr.write(
        f"{rec['size']}#{rec['seed']} {what:12} {rec['status']:9} "
        f"wall {_num(rec.get('wall_seconds'), 1)} s  npv {_money(rec.get('npv'))}  "
        f"gap {_gap(rec.get('gap'))}  t1% {_num(rec.get('t_gap_1'), 1)}\n")


# -- best known plans ------------------------------------------------------------------------


def instance_key(rec: dict[str, Any]) -> str:
    """The instance of a record: "M#1" (size and seed)."""
    return f"{rec['size']}#{rec['seed']}"


def load_best_known(path: Path) -> dict[str, dict[str, Any]]:
    """The best known plans of ``path`` (none if the file does not exist yet)."""
    if not path.exists():
        return {}
    data: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _plan_value(rec: dict[str, Any]) -> float | None:
    """The objective of a case's plan if it counts as a plan of its instance: a MILP or
    the plain pulp model that ended with a solution (the greedy heuristic's plan never
    beats the MILP started from it, and may break rules)."""
    if rec.get("method") not in ("milp", "pulp-plain"):
        return None
    if rec.get("status") not in ("optimal", "feasible"):
        return None
    value = rec.get("objective")
    return None if value is None else float(value)


def update_best_known(best: dict[str, dict[str, Any]], records: list[dict[str, Any]],
                      date: str) -> list[dict[str, Any]]:
    """Put into ``best`` every plan of ``records`` better than its instance's best known
    (lower by more than BETTER, relative; or the first for its instance) with the date and
    the case that found it; returns the updates (instance, objective, previous, source)."""
    updates = []
    for rec in records:
        value = _plan_value(rec)
        if value is None:
            continue
        key = instance_key(rec)
        old = best.get(key)
        if old is not None and value >= old["objective"] - BETTER * max(1.0, abs(
                old["objective"])):
            continue
        method = f"{_method_label(rec)}, time limit {_num(rec.get('time_limit'), 0)} s"
        best[key] = {"objective": value, "date": date, "method": method,
                     "source": f"benchmarks/run.py {date}"}
        updates.append({"instance": key, "objective": value,
                        "previous": None if old is None else old["objective"],
                        "date": date, "method": method})
    return updates


def best_known_of(best: dict[str, dict[str, Any]],
                  records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The best known plans of the instances of ``records`` (kept in the results: the
    report compares with them, and is regenerated from the JSON alone)."""
    keys = sorted({instance_key(r) for r in records}, key=_key_order)
    return {k: best[k] for k in keys if k in best}


def _key_order(key: str) -> tuple[int, int]:
    size, seed = key.split("#")
    order = [*PUBLIC_SIZES, "XS"]
    return (order.index(size) if size in order else len(order), int(seed))


def _best(results: dict[str, Any], rec: dict[str, Any]) -> float | None:
    entry = results.get("best_known", {}).get(instance_key(rec))
    return None if entry is None else float(entry["objective"])


# -- rendering -----------------------------------------------------------------------------


def _num(x: Any, nd: int = 2) -> str:
    return "—" if x is None else f"{x:,.{nd}f}"


def _money(x: Any) -> str:
    return "—" if x is None else f"{x:,.0f}"


def _gap(x: Any) -> str:
    return "—" if x is None else f"{100 * x:.2f}%"


def _records(results: dict[str, Any], size: str, **match: Any) -> list[dict[str, Any]]:
    return [r for r in results["records"]
            if r["size"] == size and all(r.get(k) == v for k, v in match.items())]


def _main_runs(results: dict[str, Any], size: str) -> list[dict[str, Any]]:
    """The tight HiGHS runs with the default search (records from before the search had
    no ``search`` key: they ran the MIP alone, as the default did then)."""
    return [r for r in _records(results, size, method="milp", formulation="tight",
                                solver="highs") if r.get("search", "auto") == "auto"]


def _mip_alone(results: dict[str, Any], size: str, seed: int) -> list[dict[str, Any]]:
    return _records(results, size, seed=seed, method="milp", formulation="tight",
                    solver="highs", search="mip")


def _t_gap(rec: dict[str, Any], gap: float) -> float | None:
    if gap <= 1e-4:
        ok = rec.get("status") == "optimal"
        return rec.get("wall_seconds") if ok else None
    return rec.get(f"t_gap_{_pct(gap)}")


def _gap_at(rec: dict[str, Any], seconds: float) -> float | None:
    """The run's gap at ``seconds`` from the start of the case: the last genuine progress
    event by then (see ``_time_to_gap``), or the final gap if the run had ended."""
    if rec.get("wall_seconds") is not None and rec["wall_seconds"] <= seconds:
        return rec.get("gap")
    gap = None
    for e in rec.get("trace", []):
        if e["t"] > seconds:
            break
        if _genuine(e, rec.get("bound")) and e["gap"] is not None:
            gap = e["gap"]
    return gap


def _how_far(rec: dict[str, Any], t: float | None, limit: float) -> str:
    """One seed's measure of a gap target: when it got there, or how far it was."""
    if t is not None:
        return f"{t:.1f} s"
    if rec.get("status") == "error":
        return f"failed ({rec.get('message', 'no message')})"
    at = _gap_at(rec, limit)
    then = f"gap {_gap(at)}" if at is not None else "no bound yet"
    end = f"{_gap(rec.get('gap'))} at the end, {_num(rec.get('wall_seconds'), 0)} s"
    return f"never ({then} at {limit:g} s; {end})"


def _decomposed(results: dict[str, Any], size: str, **match: Any) -> list[dict[str, Any]]:
    """The cases of ``--decompose``: the tight model with ``search="decompose"``."""
    return _records(results, size, method="milp", formulation="tight", solver="highs",
                    search="decompose", **match)


def _gap_verdict(runs: list[dict[str, Any]], times: list[float | None], gap: float,
                 limit: float) -> str:
    """Met if every run was within ``gap`` by ``limit`` seconds; else how far each one that
    was not was: its time, or its gap at ``limit`` (from its trace)."""
    missed = [(r, t) for r, t in zip(runs, times, strict=True) if t is None or t > limit]
    if not missed:
        worst = max(t for t in times if t is not None)
        return f"met ({100 * (1 - worst / limit):.0f}% under)"
    parts = []
    for r, t in missed:
        if t is not None:
            parts.append(f"{instance_key(r)}: {t:.1f} s, {t / limit:.1f}x the {limit:g} s")
            continue
        at = _gap_at(r, limit)
        parts.append(f"{instance_key(r)}: gap {_gap(at)} at {limit:g} s" if at is not None
                     else f"{instance_key(r)}: no gap by {limit:g} s")
    return f"not met ({'; '.join(parts)}; {_pct(gap)}% asked)"


def _gap_target(results: dict[str, Any], size: str, what: str) -> dict[str, str]:
    """A gap target: the main runs (the default solve) decide; the decomposition's cases,
    if any ran, are shown beside them."""
    gap, limit = TARGET_GAP[size]
    runs = _main_runs(results, size)
    if not runs:
        return {"target": what, "measured": "not run", "verdict": "—", "key": size}
    times = [_t_gap(r, gap) for r in runs]
    measured = "; ".join(_how_far(r, t, limit) for r, t in zip(runs, times, strict=True))
    measured += " (per seed)"
    verdict = _gap_verdict(runs, times, gap, limit)
    dec = _decomposed(results, size)
    if dec:
        dt = [_t_gap(r, gap) for r in dec]
        measured = (f"main run: {measured}; with the decomposition: "
                    + "; ".join(_how_far(r, t, limit) for r, t in zip(dec, dt, strict=True)))
        verdict = (f"main run: {verdict}; with the decomposition: "
                   f"{_gap_verdict(dec, dt, gap, limit)}")
    return {"target": what, "measured": measured, "verdict": verdict, "key": size}


def _plain_pairs(results: dict[str, Any], size: str
                 ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(main run, plain pulp model) per seed where both ran."""
    out = []
    for t in _main_runs(results, size):
        p = _records(results, size, seed=t["seed"], method="pulp-plain")
        if p:
            out.append((t, p[0]))
    return out


def _at_other_limits(pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> str:
    """A remark when the runs compared were not all limited to PLAIN_AT seconds."""
    limits = sorted({float(r.get("time_limit") or 0) for pair in pairs for r in pair})
    if limits == [PLAIN_AT]:
        return ""
    return (f" (time limits {', '.join(f'{x:g}' for x in limits)} s, not {PLAIN_AT:g} s: "
            "the final plans compared)")


def _plain_not_run(results: dict[str, Any], what: str, key: str) -> dict[str, str]:
    """A target against the plain pulp model at M with no plain case to compare."""
    why = "not run (needs --compare M or --pulp-plain M)" if _main_runs(results, "M") else ""
    return {"target": what, "verdict": "—", "key": key, "measured": why or "not run"}


def _npv_target(results: dict[str, Any]) -> dict[str, str]:
    """M: at PLAIN_AT seconds the main run's plan (its objective, the plan's NPV) never
    above the plain pulp model's, on every seed."""
    what = (f"M: at {PLAIN_AT:g} s the plan's NPV is never above the plain pulp "
            f"transcription's at {PLAIN_AT:g} s")
    pairs = _plain_pairs(results, "M")
    if not pairs:
        return _plain_not_run(results, what, "M-npv")
    shown, above = [], []
    worst: float | None = None  # the largest (main - plain) / |plain|
    for t, p in pairs:
        a, b = _plan_value(t), _plan_value(p)
        key = instance_key(t)
        if a is None:
            shown.append(f"{key}: the main run has no plan (plain: {_money(b)})")
            above.append(f"{key}: no plan")
        elif b is None:
            shown.append(f"{key}: {_money(a)}, plain has no plan")
        else:
            excess = (a - b) / max(abs(b), 1e-9)
            shown.append(f"{key}: {_money(a)} vs plain {_money(b)} ({100 * excess:+.3f}%)")
            worst = excess if worst is None else max(worst, excess)
            if a - b > BETTER * max(1.0, abs(b)):
                above.append(f"{key}: {100 * excess:.3f}% above plain")
    if above:
        verdict = f"not met ({'; '.join(above)})"
    elif worst is None:
        verdict = "met (plain found no plan)"
    else:
        verdict = (f"met ({100 * -worst:.3f}% below plain at worst)" if worst < 0
                   else "met (equal to plain at worst)")
    return {"target": what, "measured": "; ".join(shown) + _at_other_limits(pairs),
            "verdict": verdict, "key": "M-npv"}


def _first_within(rec: dict[str, Any], level: float) -> float | None:
    """Seconds from the start of the case to the first moment the run's gap was within
    ``level``: its first genuine progress event there (``_time_to_gap``; the trace is
    thinned to ~60 events, every incumbent kept, so a log line's moment may come a little
    late), else the end of the run if its final gap is; None if never."""
    within = level * (1 + 1e-9) + 1e-12
    for e in rec.get("trace") or []:
        if _genuine(e, rec.get("bound")) and e["gap"] is not None and e["gap"] <= within:
            return float(e["t"])
    if rec.get("objective") is not None and rec.get("gap") is not None and (
            rec["gap"] <= within):
        return rec.get("wall_seconds")
    return None


def plain_gap_speedups(results: dict[str, Any], size: str = "M"
                       ) -> list[tuple[str, float | None, str]]:
    """Per seed where the main run and the plain pulp model ran: (instance, ratio, text),
    the ratio = plain's time to its own final gap ÷ the main run's time to that gap (both
    from the start of their case; a final gap below the solver's gap option counts as the
    option's), None when the main run never reached it or plain has no gap."""
    out: list[tuple[str, float | None, str]] = []
    for t, p in _plain_pairs(results, size):
        key = instance_key(t)
        final = p.get("gap")
        if final is None or _plan_value(p) is None:
            out.append((key, None, f"{key}: plain has no final gap ({p.get('status')})"))
            continue
        level = max(float(final), float(results.get("config", {}).get("gap_option", 1e-4)))
        tp, tm = _first_within(p, level), _first_within(t, level)
        if tm is None or tp is None:
            out.append((key, None, f"{key}: the main run never reached plain's final gap "
                                   f"{_gap(final)} (it ended at {_gap(t.get('gap'))})"))
            continue
        ratio = tp / tm if tm > 0 else float("inf")
        out.append((key, ratio, f"{key}: to {_gap(level)}, plain {tp:.1f} s, main run "
                                f"{tm:.1f} s: {ratio:.1f}x"))
    return out


def _plain_speed_target(results: dict[str, Any]) -> dict[str, str]:
    """M: the time to the plain pulp model's final gap at least PLAIN_SPEEDUP times
    shorter for the main run than for plain."""
    what = (f"M: the time to the plain model's final gap at least {PLAIN_SPEEDUP:g}x shorter "
            "than the plain pulp transcription's")
    found = plain_gap_speedups(results, "M")
    if not found:
        return _plain_not_run(results, what, "M-plain")
    measured = "; ".join(text for _, _, text in found) + _at_other_limits(
        _plain_pairs(results, "M"))
    failed = [k for k, ratio, text in found if ratio is None and "plain has no" not in text]
    ratios = [ratio for _, ratio, _ in found if ratio is not None]
    verdict = _least_verdict(failed, "never reached plain's final gap", ratios,
                             "no ratio: plain has no final gap", PLAIN_SPEEDUP,
                             lambda r: f"worst {r:.1f}x, {PLAIN_SPEEDUP:g}x asked")
    return {"target": what, "measured": measured, "verdict": verdict, "key": "M-plain"}


def _memory_target(results: dict[str, Any]) -> dict[str, str]:
    what = "XL under 8 GB of memory"
    runs = _main_runs(results, "XL")
    if not runs:
        return {"target": what, "measured": "not run", "verdict": "—", "key": "XL-memory"}
    peaks = [r["peak_mb"] for r in runs if r.get("peak_mb")]
    if not peaks:  # a killed case records no memory: nothing was measured
        return {"target": what, "measured": "not measured (no case finished)",
                "verdict": "—", "key": "XL-memory"}
    worst = max(peaks)
    verdict = (f"met ({100 * (1 - worst / XL_MEMORY_MB):.0f}% under)" if worst <= XL_MEMORY_MB
               else f"not met ({worst / XL_MEMORY_MB:.1f}x the target)")
    return {"target": what, "measured": f"{worst:,.0f} MB", "verdict": verdict,
            "key": "XL-memory"}


def bound_closed(results: dict[str, Any], rec: dict[str, Any]) -> float | None:
    """The share of the gap between the LP relaxation's bound and the best known plan
    that the decomposition's bound closes: (bound - LP) / (best known - LP), from the
    record's ``decomposition``; None if it has no bound or no best known plan. An LP bound
    already at the best known plan leaves nothing to close: 1."""
    d = rec.get("decomposition") or {}
    lp, bound, best = d.get("lp_bound"), d.get("bound"), _best(results, rec)
    if lp is None or bound is None or best is None:
        return None
    if best - lp <= BETTER * max(1.0, abs(best)):
        return 1.0
    return float((bound - lp) / (best - lp))


def _least_verdict(failed: list[str], why_failed: str, values: list[float], empty: str,
                   target: float, show: Callable[[float], str]) -> str:
    """Met when every case has a value and the least is at least ``target``."""
    if failed:
        return f"not met ({', '.join(failed)}: {why_failed})"
    if not values:
        return f"— ({empty})"
    least = min(values)
    return f"{'met' if least >= target else 'not met'} ({show(least)})"


def _bound_target(results: dict[str, Any]) -> dict[str, str]:
    """The decomposition's bound closes at least BOUND_CLOSED of the LP's gap to the best
    known plan, at M and L (from the ``--decompose`` cases)."""
    what = ("M and L: the decomposition's bound at least halves the gap between the LP "
            "relaxation's bound and the best known plan")
    shown, closed, missing, failed = [], [], [], []
    for size in BOUND_SIZES:
        recs = _decomposed(results, size)
        if not recs:
            missing.append(size)
        for r in recs:
            key = instance_key(r)
            d = r.get("decomposition") or {}
            share = bound_closed(results, r)
            if share is not None:
                which = "Lagrangian" if d.get("lagrangian") else "the LP's"
                shown.append(f"{key}: {100 * share:.1f}% (LP {_money(d['lp_bound'])}, "
                             f"decomposition {_money(d['bound'])} ({which}), best known "
                             f"{_money(_best(results, r))})")
                closed.append(share)
            elif r.get("status") == "error":
                shown.append(f"{key}: failed ({r.get('message', 'no message')})")
                failed.append(key)
            elif not d or d.get("bound") is None:
                shown.append(f"{key}: no bound (the LP relaxation was not solved in its "
                             "share of the time)")
                failed.append(key)
            else:
                shown.append(f"{key}: no best known plan")
    if not shown:
        return {"target": what, "measured": "not run (needs --decompose M,L)", "verdict": "—",
                "key": "bound"}
    verdict = _least_verdict(
        failed, "no bound", closed, "no best known plan", BOUND_CLOSED,
        lambda c: f"least {100 * c:.1f}% of the gap closed, {100 * BOUND_CLOSED:.0f}% asked")
    if missing:
        verdict += f"; {', '.join(missing)} not run"
    return {"target": what, "measured": "; ".join(shown), "verdict": verdict, "key": "bound"}


def _why(results: dict[str, Any]) -> dict[str, str]:
    """The analyses (``--why``) of the run, if written for these targets (a JSON from
    before ``targets_issue`` was recorded has analyses of other targets)."""
    cfg = results.get("config", {})
    if cfg.get("targets_issue") != TARGETS_ISSUE:
        return {}
    why: dict[str, str] = cfg.get("why", {})
    return why


def targets(results: dict[str, Any]) -> list[dict[str, str]]:
    """The issue's targets (TARGETS_ISSUE), each: what, measured, verdict (met or not, and
    by how much), and why (``--why``: the analysis of a run, kept in its JSON)."""
    rows = [
        _gap_target(results, "M", "M (60 × 24 × 4): gap ≤ 1% within 60 s on every seed"),
        _npv_target(results),
        _plain_speed_target(results),
        _gap_target(results, "L", "L (200 × 48 × 4): gap ≤ 2% within 5 minutes"),
        _gap_target(results, "XL", "XL (1,000 × 120 × 6): gap ≤ 5% within 10 minutes"),
        _memory_target(results),
        _bound_target(results),
    ]
    why = _why(results)
    for r in rows:
        r["why"] = why.get(r.pop("key", ""), "")
    return rows


def _calibration(m: dict[str, Any]) -> str:
    c = m.get("calibration")
    if not c:
        return "not measured"
    return (f"a pure-Python loop of 10 million additions took {c['loop_wall_seconds']} s "
            f"wall, {c['loop_cpu_seconds']} s CPU (a 2020s desktop core: about 0.4 s); "
            "divide this page's times by the ratio to estimate them on such a core")


def render(results: dict[str, Any]) -> str:
    m, cfg = results["machine"], results["config"]
    lines = [
        "# Performance",
        "",
        "Generated by `python benchmarks/run.py` from `benchmarks/results/latest.json` "
        "(do not edit by hand; `--render-only` regenerates this page from the JSON).",
        f"Command: `{cfg['command'].strip()}`.",
        "",
        "Instances: `placement generate --workloads N --sites M --periods P --seed K` "
        "(seeds 1..n). Each case runs in its own process, one after the other. Times are "
        "wall-clock seconds from the start of the case (loading the instance included); "
        "*build* = load + candidates + warm start (the greedy plan; main runs only) + pulp "
        "model + hand-over to HiGHS; *t 5% / t 1%* = "
        "when HiGHS's incumbent was first within 5% / 1% of its bound (seen through its "
        "progress callbacks: improving solutions and log lines, so a few seconds late at "
        "worst); *NPV* is recomputed from the plan by `placement.accounting`; *plan ÷ best* "
        "is the case's objective over the best plan known for the instance (section *Best "
        "known plans*); *peak MB* is "
        "the case's max resident memory (solver included); *CPU s* the case's CPU time "
        "(less sensitive to other load than wall time; HiGHS may use two threads).",
        "",
        "The *main run* is `placement solve`'s default: the tight model, HiGHS, the greedy "
        "plan as a warm start, and from 2,000 candidates the neighbourhood search before "
        "the MIP. *+ decomposition (N workers)* (`--decompose`) is the same with "
        "`search=\"decompose\"`: the LP relaxation, the per-site Lagrangian bound (its "
        "sub-MIPs on N local processes), the restricted master over the sub-problems' "
        "columns, the search, then the MIP; the comparisons show its bound against the LP "
        "relaxation's and the best known plan. *Speed-up* (`--speedup N`): one Lagrangian "
        "evaluation with the work fixed, timed with one worker and with N.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPU | {m['cpu']} |",
        f"| cores | {m['cores']} |",
        f"| memory | {m['memory_gb']} GB |",
        f"| load average at start (1, 5, 15 min) | {_loads(m)} |",
        f"| Python | {m['python']} ({m['platform']}) |",
        f"| HiGHS (highspy) | {m['highspy']} |",
        f"| pulp (CBC bundled) | {m['pulp']} |",
        f"| date (UTC) | {m['date']} |",
        f"| speed yardstick | {_calibration(m)} |",
        "",
        "The machine is shared: other processes ran during the benchmark (see the load "
        "average), so absolute times are noisy. Ratios compare cases of the same run on the "
        "same instance, one after the other.",
        "",
        f"## Targets (issue {TARGETS_ISSUE})",
        "",
        "| target | measured | verdict | why |",
        "|---|---|---|---|",
    ]
    lines += [f"| {r['target']} | {r['measured']} | {r['verdict']} | {r['why']} |"
              for r in targets(results)]
    if cfg.get("why") and cfg.get("targets_issue") != TARGETS_ISSUE:
        lines += ["", "The analyses (`--why`) kept in this JSON were written for the "
                  "targets of an earlier issue: not shown here (they stay in the JSON's "
                  "config)."]
    lines += ["", "## Results by size", ""]
    not_run = []
    for size in (*PUBLIC_SIZES, "XS"):
        runs = [r for r in _records(results, size) if r["method"] != "speedup"]
        if not runs:
            if size in PUBLIC_SIZES and not _records(results, size):
                not_run.append(size)
            continue
        n_w, n_s, n_p = SIZES[size]
        lim = cfg["time_limit"].get(size)
        lines += [f"### {size}: {n_w} workloads × {n_s} sites × {n_p} periods "
                  f"(time limit {lim:g} s per solve)", ""]
        lines += _size_table(results, runs)
        comparison = _comparison(results, size)
        lines += ["", *comparison, ""] if comparison else [""]
    if not_run:
        lines += ["## Not run yet", "",
                  f"Sizes {', '.join(not_run)} are not in this run (`--sizes` chose "
                  f"{', '.join(cfg['sizes'])})"
                  f"{'; see the notes below' if cfg.get('notes') else ''}.", ""]
    lines += _speedup_section(results)
    lines += _best_known_section(results)
    lines += _families(results)
    if cfg.get("notes"):
        lines += ["## Notes", ""] + [f"- {n}" for n in cfg["notes"]] + [""]
    return "\n".join(lines).rstrip() + "\n"


def _loads(m: dict[str, Any]) -> str:
    return ", ".join(map(str, m["load_average_at_start"]))


def _method_label(r: dict[str, Any]) -> str:
    """How a case is named in the tables."""
    if r["method"] == "greedy":
        return "greedy"
    if r["method"] == "pulp-plain":
        return "plain pulp model / pulp.HiGHS"
    if r["method"] == "speedup":
        return f"speed-up, {r.get('workers')} workers"
    label = f"{r['formulation']} / {r['solver']}" + (
        " + warm start" if r.get("warm_start") else "")
    if r.get("search") == "decompose":
        n = r.get("workers")
        label += " + decomposition" + ("" if n is None else
                                       f" ({n} worker{'' if n == 1 else 's'})")
    elif r.get("searched"):
        label += " + search"
    if r.get("search") == "mip" and r["formulation"] == "tight" and r["solver"] == "highs":
        label += " (MIP alone)"
    return label


def _size_table(results: dict[str, Any], runs: list[dict[str, Any]]) -> list[str]:
    head = ("| seed | method | vars | rows | build s | solve s | CPU s | t 5% | t 1% | status "
            "| NPV | bound | gap | plan ÷ best | peak MB |")
    out = [head, "|" + "---|" * 15]
    for r in runs:
        status = r["status"]
        if r["method"] == "greedy" and r.get("violations"):
            status += f" ({r['violations']} violations)"
        out.append(
            f"| {r['seed']} | {_method_label(r)} | {_int(r.get('variables'))} "
            f"| {_int(r.get('rows'))} "
            f"| {_num(r.get('build_seconds'), 1)} | {_num(r.get('solve_seconds'), 1)} "
            f"| {_num(r.get('cpu_seconds'), 1)} | {_num(r.get('t_gap_5'), 1)} "
            f"| {_num(r.get('t_gap_1'), 1)} | {status} "
            f"| {_money(r.get('npv'))} | {_money(r.get('bound'))} | {_gap(r.get('gap'))} "
            f"| {_vs_best(results, r)} | {_num(r.get('peak_mb'), 0)} |")
    return out


def _vs_best(results: dict[str, Any], r: dict[str, Any]) -> str:
    """The case's objective ÷ its instance's best known plan (the greedy heuristic: its
    NPV, which is its plan's objective)."""
    value = r.get("npv") if r["method"] == "greedy" else r.get("objective")
    if r.get("status") not in ("optimal", "feasible"):
        value = None
    return _ratio(value, _best(results, r), 4)


def _int(x: Any) -> str:
    return "—" if x is None else f"{x:,}"


def _comparison(results: dict[str, Any], size: str) -> list[str]:
    out: list[str] = []
    for t in _main_runs(results, size):
        seed = t["seed"]
        plain = _records(results, size, seed=seed, method="milp", formulation="plain",
                         solver="highs")
        pulp_plain = _records(results, size, seed=seed, method="pulp-plain")
        cbc = _records(results, size, seed=seed, formulation="tight", solver="cbc")
        greedy = _records(results, size, seed=seed, method="greedy")
        alone = _mip_alone(results, size, seed)
        decomposed = _decomposed(results, size, seed=seed)
        if not (plain or pulp_plain or cbc or greedy or alone or decomposed):
            continue
        if not out:
            out += ["| seed | comparison | ratio | detail |", "|---|---|---|---|"]
        if alone and t.get("searched"):
            a = alone[0]
            out.append(f"| {seed} | MIP alone ÷ search then MIP, NPV of the plan | "
                       f"{_ratio(a.get('npv'), t.get('npv'), 4)} "
                       f"| gap {_gap(a.get('gap'))} vs {_gap(t.get('gap'))}; bound "
                       f"{_money(a.get('bound'))} vs {_money(t.get('bound'))} |")
        if decomposed:
            out += _decomposition_rows(results, seed, decomposed[0], t,
                                       pulp_plain[0] if pulp_plain else None)
        if plain:
            p = plain[0]
            out += _time_to_gap_rows(seed, "plain", p, t)
            out.append(f"| {seed} | plain ÷ tight, model size | "
                       f"{_ratio(p.get('rows'), t.get('rows'))} rows, "
                       f"{_ratio(p.get('variables'), t.get('variables'))} vars "
                       f"| final gap {_gap(p.get('gap'))} vs {_gap(t.get('gap'))} |")
        if pulp_plain:
            out += _pulp_plain_rows(seed, pulp_plain[0], t, plain[0] if plain else None)
        if cbc:
            c = cbc[0]
            out.append(f"| {seed} | CBC ÷ HiGHS, NPV of the plan | "
                       f"{_ratio(c.get('npv'), t.get('npv'), 4)} "
                       f"| CBC {c['status']} in {_num(c.get('wall_seconds'), 1)} s, gap "
                       f"{_gap(c.get('gap'))}; HiGHS {t['status']} in "
                       f"{_num(t.get('wall_seconds'), 1)} s, gap {_gap(t.get('gap'))} |")
        if greedy:
            gr = greedy[0]
            note = ("" if not gr.get("violations")
                    else f"; **violates {gr['violations']} rules**: "
                    + "; ".join(gr.get("violation_examples", [])[:2]))
            out.append(f"| {seed} | greedy ÷ MILP, NPV | "
                       f"{_ratio(gr.get('npv'), t.get('npv'), 3)} "
                       f"| greedy {_money(gr.get('npv'))} in {_num(gr.get('wall_seconds'), 1)} "
                       f"s vs MILP {_money(t.get('npv'))}{note} |")
    return out


def _decomposition_rows(results: dict[str, Any], seed: int, d: dict[str, Any],
                        t: dict[str, Any], pp: dict[str, Any] | None) -> list[str]:
    """The ``--decompose`` case against the main run (its plan), its bound against the LP
    relaxation's and the best known plan (how much of the LP's gap it closes, in points of
    gap to the best known plan), and the plain pulp model against it (time to 5% / 1%)."""
    out = [f"| {seed} | decomposition ÷ main run, NPV of the plan | "
           f"{_ratio(d.get('npv'), t.get('npv'), 4)} "
           f"| decomposition {d['status']} in {_num(d.get('wall_seconds'), 1)} s, gap "
           f"{_gap(d.get('gap'))}, bound {_money(d.get('bound'))}; main run {t['status']}, "
           f"gap {_gap(t.get('gap'))}, bound {_money(t.get('bound'))} |"]
    dec = d.get("decomposition")
    if dec:
        out.append(_bound_row(results, seed, d, dec, t))
    if pp is not None:
        out += _time_to_gap_rows(seed, "pulp plain", pp, d, "decomposition")
    return out


def _bound_row(results: dict[str, Any], seed: int, d: dict[str, Any], dec: dict[str, Any],
               t: dict[str, Any]) -> str:
    """One row: the decomposition's bound against the LP relaxation's (module docstring of
    ``placement.milp.price_and_branch``) and the best known plan."""
    share = bound_closed(results, d)
    best = _best(results, d)
    lp, bound = dec.get("lp_bound"), dec.get("bound")
    ratio = "—" if share is None else f"closes {100 * share:.1f}% of the LP's gap"
    which = "Lagrangian" if dec.get("lagrangian") else "the LP's"
    parts = [f"LP {_money(lp)}, decomposition {_money(bound)} ({which})"]
    if best is not None and lp is not None and bound is not None:
        before, after = (best - lp) / abs(best), (best - bound) / abs(best)
        parts.append(f"best known {_money(best)}: gap to it {_gap(before)} → {_gap(after)} "
                     f"({100 * (before - after):.2f} points)")
    seconds = sorted(s for s in dec.get("evaluation_seconds") or [] if s is not None)
    each = f", {seconds[len(seconds) // 2]:.1f} s each (median)" if seconds else ""
    parts.append(f"{dec.get('evaluations', 0)} evaluations{each}")
    parts.append(f"restricted master over {_int(dec.get('master_columns'))} candidates "
                 + ("improved the plan" if dec.get("master_improved") else
                    "did not improve the plan"))
    if dec.get("lost"):
        parts.append(f"{dec['lost']} sub-MIPs run again after their worker was lost")
    parts.append(f"phase {_num(dec.get('seconds'), 1)} s")
    main = dict(d, decomposition={**dec, "bound": t.get("bound")})
    theirs = bound_closed(results, main)
    if theirs is not None:
        parts.append(f"the main run's final bound {_money(t.get('bound'))} closes "
                     f"{100 * theirs:.1f}%")
    return f"| {seed} | decomposition: bound vs the LP relaxation's | {ratio} | " + (
        "; ".join(parts) + " |")


def _time_to_gap_rows(seed: int, name: str, other: dict[str, Any],
                      t: dict[str, Any], t_name: str = "tight") -> list[str]:
    """``other`` against ``t`` (by default the tight main run): time to 5% and to 1% gap,
    as a ratio."""
    out = []
    for g in (0.05, 0.01):
        tt, tp = _t_gap(t, g), _t_gap(other, g)
        if tt is None:
            ratio = f"— ({t_name} never reached it)"
        elif tp is None:
            ratio = f"≥ {other['wall_seconds'] / tt:.1f}x"
        else:
            ratio = f"{tp / tt:.1f}x"
        out.append(f"| {seed} | {name} ÷ {t_name}, time to {_pct(g)}% gap | {ratio} "
                   f"| {_num(tp, 1)} s vs {_num(tt, 1)} s |")
    return out


def _pulp_plain_rows(seed: int, pp: dict[str, Any], t: dict[str, Any],
                     plain: dict[str, Any] | None) -> list[str]:
    """The plain pulp model against the tight main run (time to 5% / 1% gap, NPV) and
    against the project's own plain formulation (model size)."""
    out = _time_to_gap_rows(seed, "pulp plain", pp, t)
    out.append(f"| {seed} | pulp plain ÷ tight, NPV of the plan | "
               f"{_ratio(pp.get('npv'), t.get('npv'), 4)} "
               f"| pulp plain {pp['status']} in {_num(pp.get('wall_seconds'), 1)} s, gap "
               f"{_gap(pp.get('gap'))}; tight {t['status']}, gap {_gap(t.get('gap'))} |")
    if plain is not None:
        out.append(f"| {seed} | pulp plain ÷ plain, model size | "
                   f"{_ratio(pp.get('rows'), plain.get('rows'))} rows, "
                   f"{_ratio(pp.get('variables'), plain.get('variables'))} vars "
                   f"| final gap {_gap(pp.get('gap'))} vs {_gap(plain.get('gap'))} |")
    return out


def _ratio(a: Any, b: Any, nd: int = 2) -> str:
    if a is None or b is None or b == 0:
        return "—"
    return f"{a / b:.{nd}f}x"


def _speedup_section(results: dict[str, Any]) -> list[str]:
    """The table of the ``--speedup`` cases (``_run_speedup``)."""
    recs = [r for s in (*PUBLIC_SIZES, "XS") for r in _records(results, s, method="speedup")]
    if not recs:
        return []
    ns = sorted({r["workers"] for r in recs if r.get("workers")})
    nodes = sorted({r["sub_nodes"] for r in recs if r.get("sub_nodes")})
    n = str(ns[0]) if len(ns) == 1 else "N"
    out = [f"## Speed-up of {n} local workers", "",
           "One Lagrangian evaluation per instance (every site's sub-MIP, one thread each) at "
           "the LP relaxation's duals, with the work fixed: each sub-MIP stops at "
           f"{' / '.join(map(str, nodes)) or '—'} branch-and-bound nodes (or its gap) and has "
           "no time limit, so both runs do the same work. Timed in one process, one after "
           f"the other: with one worker (the sub-MIPs in turn, in the process) and with {n} "
           "(a local pool of processes, started before its clock: its start apart; the "
           "evaluation's time includes sending each site's block to a worker). The two "
           "values and the sub-problems' solutions must be equal (*same*). The machine's "
           "cores and load bound the speed-up (see *Machine*).", "",
           "| instance | sites (sub-MIPs) | LP bound | L(y) at the LP's duals | sub-MIPs to "
           f"their gap | 1 worker, s | {n} workers, s | speed-up | pool start, s | same |",
           "|---|---:|---:|---:|---|---:|---:|---:|---:|---|"]
    for r in recs:
        key = instance_key(r)
        if r.get("status") == "error":
            out.append(f"| {key} | {_int(r.get('sites'))} | — | — | — | — | — | — | — "
                       f"| failed: {r.get('message', 'no message')} |")
            continue
        same = ("yes" if r.get("values_equal") and r.get("solutions_equal")
                else f"**no**: {r.get('message', '')}")
        exact = ("—" if r.get("exact") is None else
                 "all" if r["exact"] else "not all (node limit)")
        speed = "—" if r.get("speedup") is None else f"{r['speedup']:.2f}x"
        if r.get("lost"):  # a sub-MIP solved again in the process: the time is not the pool's
            speed += f" ({r['lost']} sub-MIPs lost by the pool, solved again in the process)"
        out.append(f"| {key} | {_int(r.get('sites'))} | {_money(r.get('lp_bound'))} "
                   f"| {_money(r.get('value'))} | {exact} "
                   f"| {_num(r.get('seconds_serial'), 2)} | {_num(r.get('seconds_parallel'), 2)} "
                   f"| {speed} | {_num(r.get('pool_start_seconds'), 2)} | {same} |")
    return [*out, ""]


def _best_known_section(results: dict[str, Any]) -> list[str]:
    """Per instance of the run: the best known plan, where it came from, the run's best
    plan against it; and the plans this run found better than the best known."""
    records = [r for r in results["records"] if r["method"] != "speedup"]
    keys = sorted({instance_key(r) for r in records}, key=_key_order)
    if not keys:
        return []
    best = results.get("best_known") or {}
    where = results["config"].get("best_known_file", _shown(BEST_KNOWN))
    out = ["## Best known plans", "",
           f"The least objective known per instance (`{where}`, as it was "
           "after this run: seeded from earlier benchmark runs and long runs, updated by "
           "every run that finds a better plan); *plan ÷ best* in the tables above is a "
           "case's objective over it.", "",
           "| instance | best known | found by | this run's best plan | ÷ best known |",
           "|---|---:|---|---:|---:|"]
    for key in keys:
        entry = best.get(key)
        plans = [v for r in records if instance_key(r) == key
                 if (v := _plan_value(r)) is not None]
        mine = min(plans) if plans else None
        known = None if entry is None else float(entry["objective"])
        where = "—" if entry is None else "; ".join(
            x for x in (entry.get("method"), entry.get("source")) if x)
        out.append(f"| {key} | {_money(known)} | {where} | {_money(mine)} "
                   f"| {_ratio(mine, known, 4)} |")
    out.append("")
    if "best_known_updates" in results:
        updates = results["best_known_updates"]
        if updates:
            out.append("This run found better plans than the best known, and wrote them "
                       f"to `{where}`:")
            out.append("")
            out += [f"- {u['instance']}: {_money(u['objective'])} ("
                    + ("none known before" if u.get("previous") is None else
                       f"was {_money(u['previous'])}, {_ratio(u['objective'], u['previous'], 4)}")
                    + f"), {u['method']}, {u['date']}"
                    for u in updates]
        else:
            out.append("No case of this run found a plan better than the best known.")
        out.append("")
    return out


def _families(results: dict[str, Any]) -> list[str]:
    """Rows per constraint family of the tight model, first seed of each size."""
    runs = [r for s in (*PUBLIC_SIZES, "XS") for r in _main_runs(results, s)[:1]
            if r.get("rows_by_family")]
    if not runs:
        return []
    fams = sorted({f for r in runs for f in r["rows_by_family"]},
                  key=lambda f: (-max(r["rows_by_family"].get(f, 0) for r in runs), f))
    out = ["## Rows per constraint family (tight formulation, seed 1)", "",
           "| family | " + " | ".join(r["size"] for r in runs) + " |",
           "|---|" + "---:|" * len(runs)]
    for f in fams:
        out.append(f"| `{f}` | " + " | ".join(
            _int(r["rows_by_family"].get(f, 0)) for r in runs) + " |")
    out.append("| **total** | " + " | ".join(_int(r.get("rows")) for r in runs) + " |")
    out.append("| candidates (x) | " + " | ".join(_int(r.get("candidates")) for r in runs) + " |")
    out.append("")
    return out


if __name__ == "__main__":
    sys.exit(main())
