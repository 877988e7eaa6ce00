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
from importlib import metadata
from pathlib import Path
from typing import Any

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
DEFAULT_LIMIT = {"XS": 30.0, "S": 60.0, "M": 120.0, "L": 300.0, "XL": 600.0}
GAPS = (0.05, 0.02, 0.01)
# The targets: size -> (gap to reach, seconds); XL also has a memory cap.
TARGET_GAP = {"S": (1e-4, 5.0), "M": (0.01, 60.0), "L": (0.02, 300.0), "XL": (0.05, 600.0)}
XL_MEMORY_MB = 8192.0
BUILD_SHARE = 0.20
PLAIN_SPEEDUP = 5.0
WHY_KEYS = ("S", "M", "L", "XL", "XL-memory", "L-build", "M-plain")


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
                           formulation=case["formulation"], search=case.get("search", "auto"))
    rec["search"] = options.search
    r = solve_milp(m, options, progress=hook, start_from=start)
    rec["searched"] = r.searched
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
    for level in GAPS:
        rec[f"t_gap_{_pct(level)}"] = _time_to_gap(trace, r, level, t4 - t0)
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
    for level in GAPS:
        rec[f"t_gap_{_pct(level)}"] = _time_to_gap(trace, r, level, t4 - t0)
    rec["trace"] = _thin(trace)
    rec["cpu_seconds"] = _cpu_seconds() - cpu0
    rec["peak_mb"] = _peak_mb()
    return rec


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
           threads: int | None) -> list[dict[str, Any]]:
    base = {"size": size, "seed": seed, "instance": path, "time_limit": limit,
            "threads": threads}
    out = [dict(base, method="milp", formulation="tight", solver="highs", warm_start=True)]
    if compare:
        out += [
            dict(base, method="milp", formulation="tight", solver="highs", warm_start=True,
                 search="mip"),
            dict(base, method="milp", formulation="plain", solver="highs", search="mip"),
            dict(base, method="pulp-plain", formulation="plain", solver="highs"),
            dict(base, method="milp", formulation="tight", solver="cbc"),
            dict(base, method="greedy", formulation=None, solver=None),
        ]
    return out


def run_subprocess(case: dict[str, Any]) -> dict[str, Any]:
    """One case in a fresh Python process (its own memory peak); killed if it overruns."""
    limit = float(case["time_limit"] or 600)
    timeout = 3 * limit + 300
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--sizes", default="S,M", help="comma-separated: S,M,L,XL (default S,M)")
    ap.add_argument("--seeds", default=None,
                    help="seeds per size: N, or S=2,M=2 (default S/M 2, L/XL 1)")
    ap.add_argument("--time-limit", default=None,
                    help="seconds per solve: T, or S=60,M=120 (default S 60, M 120, "
                         "L 300, XL 600)")
    ap.add_argument("--threads", type=int, default=None, help="solver threads (default: HiGHS)")
    ap.add_argument("--compare", nargs="?", const="all", default=None, metavar="SIZES",
                    help="also plain formulation, CBC and the greedy heuristic (on every "
                         "size, or only on SIZES, e.g. --compare S,M,L)")
    ap.add_argument("--out-dir", type=Path, default=DEFAULT_JSON.parent,
                    help="where latest.json goes (default benchmarks/results)")
    ap.add_argument("--doc", type=Path, default=DEFAULT_DOC,
                    help="the markdown report (default docs/performance.md)")
    ap.add_argument("--render-only", action="store_true",
                    help="regenerate the doc from the JSON in --out-dir; run nothing")
    ap.add_argument("--note", action="append", default=[],
                    help="a note for the report (repeatable), e.g. why a size was not run")
    ap.add_argument("--why", action="append", default=[], metavar="KEY=TEXT",
                    help="why a target is met or not, shown in the targets table; KEY: S, M, "
                         "L, XL, XL-memory, L-build, M-plain (repeatable). With --render-only, "
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
    why = {}
    for item in args.why:
        key, sep, text = item.partition("=")
        if not sep or key not in WHY_KEYS:
            ap.error(f"--why {item!r}: expected KEY=TEXT with KEY one of {', '.join(WHY_KEYS)}")
        why[key] = text.strip()
    if args.render_only:
        results = json.loads(out_json.read_text(encoding="utf-8"))
        if why or args.note:
            cfg = results["config"]
            cfg["why"] = {**cfg.get("why", {}), **why}
            cfg["notes"] = [*cfg.get("notes", []), *args.note]
            _write(out_json, json.dumps(results, indent=1, allow_nan=False) + "\n")
        _write(args.doc, render(results))
        return 0
    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        ap.error(f"unknown sizes {unknown}; known: {', '.join(PUBLIC_SIZES)}")
    seeds = _parse_per_size(args.seeds, DEFAULT_SEEDS, int)
    compared = set(sizes if args.compare == "all" else
                   [] if args.compare is None else
                   [s.strip().upper() for s in args.compare.split(",")])
    limits = _parse_per_size(args.time_limit, DEFAULT_LIMIT, float)
    from placement.generate import generate_yaml

    results: dict[str, Any] = {
        "machine": machine_info(),
        "config": {"sizes": sizes, "seeds": {s: seeds[s] for s in sizes},
                   "time_limit": {s: limits[s] for s in sizes},
                   "compare": [s for s in sizes if s in compared],
                   "threads": args.threads, "gap_option": 1e-4, "notes": args.note,
                   "why": why,
                   "command": "python benchmarks/run.py " + shlex.join(
                       argv if argv is not None else sys.argv[1:])},
        "records": [],
    }
    if args.merge and out_json.exists():
        results = _merged(json.loads(out_json.read_text(encoding="utf-8")), results)
    with tempfile.TemporaryDirectory(prefix="placement-bench-") as tmp:
        for size in sizes:
            n_w, n_s, n_p = SIZES[size]
            for seed in range(1, seeds[size] + 1):
                path = Path(tmp) / f"{size}-{seed}.yaml"
                path.write_text(generate_yaml(n_w, n_s, n_p, seed), encoding="utf-8")
                searched = False  # the main run (the first case) searched
                for case in _cases(size, seed, str(path), limits[size], size in compared,
                                   args.threads):
                    if case.get("search") == "mip" and case["formulation"] == "tight" and (
                            not searched):
                        continue  # the main run was the MIP alone already
                    rec = run_subprocess(case)
                    searched = searched or bool(rec.get("searched"))
                    results["records"].append(rec)
                    _progress_line(rec)
                    args.out_dir.mkdir(parents=True, exist_ok=True)
                    _write(out_json, json.dumps(results, indent=1, allow_nan=False) + "\n")
    _write(out_json, json.dumps(results, indent=1, allow_nan=False) + "\n")
    _write(args.doc, render(results))
    return 0


def _merged(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``old``'s records and config for the sizes ``new`` does not run, ``new``'s for the
    rest; the commands of both are kept, in order."""
    cfg, ocfg = new["config"], old["config"]
    rerun = set(cfg["sizes"])
    kept = [s for s in ocfg["sizes"] if s not in rerun]
    for key in ("seeds", "time_limit"):
        cfg[key] = {**{s: ocfg[key][s] for s in kept}, **cfg[key]}
    cfg["compare"] = [s for s in ocfg["compare"] if s in kept] + cfg["compare"]
    cfg["sizes"] = [s for s in (*PUBLIC_SIZES, "XS") if s in kept or s in rerun]
    cfg["notes"] = [*ocfg.get("notes", []), *cfg["notes"]]
    cfg["why"] = {**ocfg.get("why", {}), **cfg["why"]}
    cfg["command"] = f"{ocfg['command']}`, then `{cfg['command']}"
    new["records"] = [r for r in old["records"] if r["size"] not in rerun]
    return new


def _write(path: Path, text: str) -> None:
    from placement.io import write_atomic

    write_atomic(path, text)


def _progress_line(rec: dict[str, Any]) -> None:
    what = rec["method"] if rec["method"] == "greedy" else f"{rec['formulation']}/{rec['solver']}"
    what = "pulp/" + what if rec["method"] == "pulp-plain" else what
    what += "+warm" if rec.get("warm_start") else ""
    sys.stderr.write(
        f"{rec['size']}#{rec['seed']} {what:12} {rec['status']:9} "
        f"wall {_num(rec.get('wall_seconds'), 1)} s  npv {_money(rec.get('npv'))}  "
        f"gap {_gap(rec.get('gap'))}  t1% {_num(rec.get('t_gap_1'), 1)}\n")


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
    at = _gap_at(rec, limit)
    then = f"gap {_gap(at)}" if at is not None else "no bound yet"
    end = f"{_gap(rec.get('gap'))} at the end, {_num(rec.get('wall_seconds'), 0)} s"
    return f"never ({then} at {limit:g} s; {end})"


def targets(results: dict[str, Any]) -> list[dict[str, str]]:
    """The issue's targets, each: what, measured, verdict, and why (``--why``: the
    analysis of a run, kept in its JSON)."""
    rows: list[dict[str, str]] = []
    why = results.get("config", {}).get("why", {})

    def verdict(worst: float | None, limit: float, unit: str = "s") -> str:
        if worst is None:
            return "not met (never reached within the time limit)"
        if worst <= limit:
            return f"met ({100 * (1 - worst / limit):.0f}% under)"
        return f"not met ({worst / limit:.1f}x the target)"

    what = {"S": "S proven optimal in under 5 s",
            "M": "M within 1% of its bound in under 60 s",
            "L": "L within 2% in under 5 minutes",
            "XL": "XL within 5% in under 10 minutes"}
    for size, (gap, limit) in TARGET_GAP.items():
        runs = _main_runs(results, size)
        if not runs:
            rows.append({"target": what[size], "measured": "not run", "verdict": "—",
                         "key": size})
            continue
        times = [_t_gap(r, gap) for r in runs]
        worst = None if any(t is None for t in times) else max(t for t in times if t)
        shown = "; ".join(_how_far(r, t, limit) for r, t in zip(runs, times, strict=True))
        rows.append({"target": what[size], "measured": f"{shown} (per seed)",
                     "verdict": verdict(worst, limit), "key": size})
        if size == "XL":
            peaks = [r["peak_mb"] for r in runs if r.get("peak_mb")]
            if peaks:
                rows.append({"target": "XL under 8 GB of memory",
                             "measured": f"{max(peaks):,.0f} MB",
                             "verdict": verdict(max(peaks), XL_MEMORY_MB, "MB"),
                             "key": "XL-memory"})
            else:  # a killed case records no memory: nothing was measured
                rows.append({"target": "XL under 8 GB of memory",
                             "measured": "not measured (no case finished)", "verdict": "—",
                             "key": "XL-memory"})
    runs = _main_runs(results, "L")
    if runs:
        shares = []
        for r in runs:
            wall = _t_gap(r, 0.02) or r.get("wall_seconds")
            if r.get("build_seconds") is not None and wall:
                shares.append(r["build_seconds"] / wall)
        worst = max(shares) if shares else None
        rows.append({"target": "L: model construction under 20% of the wall time",
                     "measured": ", ".join(f"{100 * s:.{1 if s < 0.01 else 0}f}%"
                                           for s in shares) or "—",
                     "verdict": verdict(worst, BUILD_SHARE), "key": "L-build"})
    else:
        rows.append({"target": "L: model construction under 20% of the wall time",
                     "measured": "not run", "verdict": "—", "key": "L-build"})
    ratios = plain_speedups(results, "M")
    if ratios:
        worst_ratio = min(x for x, _ in ratios)
        shown = ", ".join(f"{'≥ ' if lower else ''}{x:.1f}x" for x, lower in ratios)
        ok = worst_ratio >= PLAIN_SPEEDUP
        rows.append({"target": "M: at least 5x faster to 1% gap than the plain transcription",
                     "measured": shown,
                     "verdict": f"met ({worst_ratio / PLAIN_SPEEDUP:.1f}x the target)" if ok
                     else f"not met ({worst_ratio:.1f}x of the 5x asked)", "key": "M-plain"})
    else:
        ran = bool(_records(results, "M", method="milp", formulation="plain"))
        rows.append({"target": "M: at least 5x faster to 1% gap than the plain transcription",
                     "measured": "no ratio: neither reached a 1% gap" if ran
                     else "not run (needs --compare)",
                     "verdict": "not met" if ran else "—", "key": "M-plain"})
    for r in rows:
        r["why"] = why.get(r.pop("key", ""), "")
    return rows


def plain_speedups(results: dict[str, Any], size: str,
                   gap: float = 0.01) -> list[tuple[float, bool]]:
    """Per seed: plain's time to ``gap`` / tight's; (ratio, is_lower_bound). When plain never
    got there, its whole run counts (a lower bound); when neither did, no ratio."""
    out = []
    for t in _main_runs(results, size):
        p = _records(results, size, seed=t["seed"], method="milp", formulation="plain",
                     solver="highs")
        if not p:
            continue
        tt, tp = _t_gap(t, gap), _t_gap(p[0], gap)
        if tt is None:
            continue
        if tp is None:
            out.append((p[0]["wall_seconds"] / tt, True))
        else:
            out.append((tp / tt, False))
    return out


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
        "worst); *NPV* is recomputed from the plan by `placement.accounting`; *peak MB* is "
        "the case's max resident memory (solver included); *CPU s* the case's CPU time "
        "(less sensitive to other load than wall time; HiGHS may use two threads).",
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
        "## Targets (issue 5)",
        "",
        "| target | measured | verdict | why |",
        "|---|---|---|---|",
    ]
    lines += [f"| {r['target']} | {r['measured']} | {r['verdict']} | {r['why']} |"
              for r in targets(results)]
    lines += ["", "## Results by size", ""]
    not_run = []
    for size in (*PUBLIC_SIZES, "XS"):
        runs = _records(results, size)
        if not runs:
            if size in PUBLIC_SIZES:
                not_run.append(size)
            continue
        n_w, n_s, n_p = SIZES[size]
        lim = cfg["time_limit"].get(size)
        lines += [f"### {size}: {n_w} workloads × {n_s} sites × {n_p} periods "
                  f"(time limit {lim:g} s per solve)", ""]
        lines += _size_table(runs)
        lines += ["", *_comparison(results, size), ""]
    if not_run:
        lines += ["## Not run yet", "",
                  f"Sizes {', '.join(not_run)} are not in this run (`--sizes` chose "
                  f"{', '.join(cfg['sizes'])})"
                  f"{'; see the notes below' if cfg.get('notes') else ''}.", ""]
    lines += _families(results)
    if cfg.get("notes"):
        lines += ["## Notes", ""] + [f"- {n}" for n in cfg["notes"]] + [""]
    return "\n".join(lines).rstrip() + "\n"


def _loads(m: dict[str, Any]) -> str:
    return ", ".join(map(str, m["load_average_at_start"]))


def _size_table(runs: list[dict[str, Any]]) -> list[str]:
    head = ("| seed | method | vars | rows | build s | solve s | CPU s | t 5% | t 1% | status "
            "| NPV | bound | gap | peak MB |")
    out = [head, "|" + "---|" * 14]
    for r in runs:
        if r["method"] == "greedy":
            method = "greedy"
            status = r["status"] + (f" ({r['violations']} violations)"
                                    if r.get("violations") else "")
        elif r["method"] == "pulp-plain":
            method, status = "plain pulp model / pulp.HiGHS", r["status"]
        else:
            method = f"{r['formulation']} / {r['solver']}" + (
                " + warm start" if r.get("warm_start") else "") + (
                " + search" if r.get("searched") else "") + (
                " (MIP alone)" if r.get("search") == "mip" and r["formulation"] == "tight"
                and r["solver"] == "highs" else "")
            status = r["status"]
        out.append(
            f"| {r['seed']} | {method} | {_int(r.get('variables'))} | {_int(r.get('rows'))} "
            f"| {_num(r.get('build_seconds'), 1)} | {_num(r.get('solve_seconds'), 1)} "
            f"| {_num(r.get('cpu_seconds'), 1)} | {_num(r.get('t_gap_5'), 1)} "
            f"| {_num(r.get('t_gap_1'), 1)} | {status} "
            f"| {_money(r.get('npv'))} | {_money(r.get('bound'))} | {_gap(r.get('gap'))} "
            f"| {_num(r.get('peak_mb'), 0)} |")
    return out


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
        if not (plain or pulp_plain or cbc or greedy or alone):
            continue
        if not out:
            out += ["| seed | comparison | ratio | detail |", "|---|---|---|---|"]
        if alone and t.get("searched"):
            a = alone[0]
            out.append(f"| {seed} | MIP alone ÷ search then MIP, NPV of the plan | "
                       f"{_ratio(a.get('npv'), t.get('npv'), 4)} "
                       f"| gap {_gap(a.get('gap'))} vs {_gap(t.get('gap'))}; bound "
                       f"{_money(a.get('bound'))} vs {_money(t.get('bound'))} |")
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


def _time_to_gap_rows(seed: int, name: str, other: dict[str, Any],
                      t: dict[str, Any]) -> list[str]:
    """``other`` against the tight main run ``t``: time to 5% and to 1% gap, as a ratio."""
    out = []
    for g in (0.05, 0.01):
        tt, tp = _t_gap(t, g), _t_gap(other, g)
        if tt is None:
            ratio = "— (tight never reached it)"
        elif tp is None:
            ratio = f"≥ {other['wall_seconds'] / tt:.1f}x"
        else:
            ratio = f"{tp / tt:.1f}x"
        out.append(f"| {seed} | {name} ÷ tight, time to {_pct(g)}% gap | {ratio} "
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
