"""Hostile options (issue 14): out-of-range numbers, bad scheduler addresses, schedulers
that are unreachable, not Dask, or without workers, and signals to a parallel sweep.

Every row of CASES must end with its exit code and a message naming the problem, never a
traceback, an "Internal error" or a hang.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from placement import executor
from placement.cli.app import app
from tests.test_cli import assert_clean_exit

runner = CliRunner()
EX = "example:example"
SOLVING = ("solve", "risk", "pareto", "scenarios", "sensitivity", "thresholds", "explain")
SHARED = ("--solver", "--time-limit", "--gap", "--threads")

# (command line, expected exit code, fragment of the message)
CASES: list[tuple[list[str], int, str]] = [
    # the shared solver options, on every command that solves
    (["solve", EX, "--threads", "100000"], 2, "--threads"),
    (["solve", EX, "--threads", "0"], 2, "--threads"),
    (["solve", EX, "--time-limit", "inf"], 2, "--time-limit"),
    (["solve", EX, "--time-limit", "nan"], 2, "--time-limit"),
    (["solve", EX, "--time-limit", "-1"], 2, "--time-limit"),
    (["solve", EX, "--time-limit", "1e300"], 2, "--time-limit"),
    (["solve", EX, "--gap", "nan"], 2, "--gap"),
    (["solve", EX, "--gap", "1.5"], 2, "--gap"),
    (["solve", EX, "--solver", "gurobi"], 2, "gurobi"),
    (["solve", EX, "--search", "tabu"], 2, "tabu"),
    (["risk", EX, "--threads", "100000"], 2, "--threads"),
    (["pareto", EX, "--gap", "-1"], 2, "--gap"),
    (["scenarios", EX, "--solver", "gurobi"], 2, "gurobi"),
    (["sensitivity", EX, "--time-limit", "0"], 2, "--time-limit"),
    (["thresholds", EX, "--parameter", "rented", "--threads", "999"], 2, "--threads"),
    (["explain", EX, "--repair", "--gap", "2"], 2, "--gap"),
    (["explain", EX, "--solver", "cbc"], 2, "--repair"),  # solves nothing without --repair
    # risk
    (["risk", EX, "--samples", "100000000000"], 2, "--samples"),
    (["risk", EX, "--samples", "0"], 2, "--samples"),
    (["risk", EX, "--seed", "-1"], 2, "--seed"),
    (["risk", EX, "--seed", "99999999999999999999"], 2, "--seed"),
    (["risk", EX, "--level", "1"], 2, "--level"),
    (["risk", EX, "--level", "nan"], 2, "--level"),
    (["risk", EX, "--cvar-weight", "2"], 2, "--cvar-weight"),
    (["risk", EX, "--cvar-weight", "nan"], 2, "--cvar-weight"),
    (["risk", EX, "--cvar-weight", "0.5", "--scenarios", "100000"], 2, "--scenarios"),
    (["risk", EX, "--cvar-weight", "0.5", "--workers", "0"], 2, "--workers"),
    # pareto
    (["pareto", EX, "--points", "100000"], 2, "--points"),
    (["pareto", EX, "--points", "1"], 2, "--points"),
    (["pareto", EX, "--workers", "100000"], 2, "--workers"),
    # sweeps
    (["scenarios", EX, "--workers", "0"], 2, "--workers"),
    (["sensitivity", EX, "--delta", "0"], 2, "--delta"),
    (["sensitivity", EX, "--delta", "1.5"], 2, "--delta"),
    (["sensitivity", EX, "--delta", "nan"], 2, "--delta"),
    (["thresholds", EX, "--parameter", "rented", "--tolerance", "1e-300"], 2, "--tolerance"),
    (["thresholds", EX, "--parameter", "rented", "--tolerance", "0"], 2, "--tolerance"),
    (["thresholds", EX, "--parameter", "rented", "--tolerance", "nan"], 2, "--tolerance"),
    (["thresholds", EX, "--parameter", "rented", "--range", "0.5,inf"], 2, "--range"),
    (["thresholds", EX, "--parameter", "rented", "--range", "0.5,1e9"], 2, "--range"),
    (["thresholds", EX, "--parameter", "rented", "--range", "nan,2"], 2, "--range"),
    (["thresholds", EX, "--parameter", "rented", "--range", "1,2"], 2, "--range"),
    # generate
    (["generate", "--workloads", "100000000", "--sites", "1", "--periods", "1", "--seed", "0",
      "-o", "x.yaml"], 2, "--workloads"),
    (["generate", "--workloads", "1", "--sites", "1", "--periods", "100000", "--seed", "0",
      "-o", "x.yaml"], 2, "--periods"),
    # scheduler addresses, refused before any work
    (["scenarios", EX, "--scheduler", "tcp://"], 2, "no host"),
    (["scenarios", EX, "--scheduler", "not-an-address"], 2, "no port"),
    (["sensitivity", EX, "--scheduler", "http://127.0.0.1:8786"], 2, "unsupported protocol"),
    (["thresholds", EX, "--parameter", "rented", "--scheduler", "tcp://127.0.0.1:99999"], 2,
     "bad port"),
    (["pareto", EX, "--scheduler", "tcp://127.0.0.1:8786/path"], 2, "--scheduler"),
    (["risk", EX, "--cvar-weight", "0.5", "--scheduler", "tcp://:8786"], 2, "no host"),
]


def _flat(text: str) -> str:
    """The output with rich's box drawing and line wrapping removed."""
    return " ".join(text.replace("│", " ").split())


@pytest.mark.parametrize(("args", "code", "fragment"), CASES)
def test_hostile_options(args: list[str], code: int, fragment: str, tmp_path: Path,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, args)
    assert_clean_exit(r, code)
    assert fragment in _flat(r.output), r.output
    assert not list(tmp_path.iterdir())  # nothing written


def test_every_solving_command_has_the_shared_options() -> None:
    group = typer.main.get_command(app)
    for name in SOLVING:
        opts = {o for p in group.commands[name].params for o in p.opts}  # type: ignore[attr-defined]
        assert set(SHARED) <= opts, (name, sorted(set(SHARED) - opts))
        if name not in ("solve", "explain"):
            assert {"--workers", "--scheduler"} <= opts, name


class _Captured(Exception):
    def __init__(self, options: Any) -> None:
        self.options = options


def _capture(monkeypatch: pytest.MonkeyPatch, module: str, name: str, pos: int | None = None
             ) -> None:
    def fake(*args: Any, **kwargs: Any) -> Any:
        raise _Captured(kwargs["options"] if pos is None else args[pos])

    monkeypatch.setattr(f"{module}.{name}", fake)


WIRING = [
    (["solve", EX], "placement.api", "solve", 1),
    (["risk", EX], "placement.analysis.risk", "risk", None),
    (["risk", EX, "--cvar-weight", "0.3"], "placement.analysis.risk", "risk_averse", None),
    (["pareto", EX], "placement.analysis.pareto", "pareto", 3),
    (["scenarios", EX], "placement.analysis.scenarios", "run_scenarios", None),
    (["sensitivity", EX], "placement.analysis.sensitivity", "run_sensitivity", None),
    (["thresholds", EX, "--parameter", "rented"], "placement.analysis.thresholds",
     "run_thresholds", None),
    (["explain", EX, "--repair"], "placement.analysis.repair", "repair", 1),
]


@pytest.mark.parametrize(("args", "module", "name", "pos"), WIRING,
                         ids=[f"{w[0][0]}-{w[2]}" for w in WIRING])
def test_shared_options_reach_the_analysis(args: list[str], module: str, name: str,
                                           pos: int | None,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    _capture(monkeypatch, module, name, pos)
    r = runner.invoke(app, [*args, "--solver", "cbc", "--time-limit", "7", "--gap", "0.01",
                            "--threads", "3"])
    assert isinstance(r.exception, _Captured), (r.exit_code, r.output, r.exception)
    o = r.exception.options
    assert (o.solver, o.time_limit, o.gap, o.threads) == ("cbc", 7.0, 0.01, 3)


def test_sweeps_keep_the_threads_asked_for_and_default_to_one() -> None:
    from placement.analysis.scenarios import sweep_options
    from placement.schema.options import SolveOptions

    assert sweep_options(SolveOptions(threads=3))["threads"] == 3
    assert sweep_options(SolveOptions())["threads"] == 1
    assert sweep_options(SolveOptions(solver="cbc"))["solver"] == "cbc"


# --------------------------------------------------------------------------- thresholds


def test_bisection_stops_whatever_the_tolerance(monkeypatch: pytest.MonkeyPatch) -> None:
    """Even with the tolerance check lifted (1e-300 used to loop for ever), the bisection
    stops: floating point cannot split the bracket further, or MAX_ROUNDS is reached."""
    from placement.analysis import thresholds as th
    from placement.analysis.scenarios import Point
    from placement.api import load_instance
    from placement.executor import Outcome

    calls = []

    def fake_run_all(fn: Callable[..., Any], tasks: list[Any], **_: Any) -> list[Any]:
        calls.append(len(tasks))
        assert len(calls) < 1000, "the bisection does not stop"
        changed = len(calls) > 1  # every point but the base case changes the plan
        return [Outcome(value=Point(status="optimal", npv=1.0, changed=changed,
                                    placements=(("w", "p", "s", "h", "v"),)))
                for _ in tasks]

    monkeypatch.setattr(th, "run_all", fake_run_all)
    monkeypatch.setattr(th, "MIN_TOLERANCE", 0.0)
    res = th.run_thresholds(load_instance(EX), "rented", tolerance=1e-300)
    assert len(calls) <= 2 + th.MAX_ROUNDS
    for row in res.rows:
        assert row.threshold is not None and row.solves <= 1 + th.MAX_ROUNDS


def test_library_refuses_a_tolerance_below_the_minimum() -> None:
    from placement.analysis.thresholds import run_thresholds
    from placement.api import load_instance
    from placement.errors import InstanceError

    with pytest.raises(InstanceError, match="tolerance"):
        run_thresholds(load_instance(EX), "rented", tolerance=1e-300)


# --------------------------------------------------------------------------- schedulers


def _invoke_bounded(args: list[str], guard: float = 60.0) -> Any:
    """CliRunner.invoke in a thread, with a generous hang guard (not a timing assertion)."""
    box: list[Any] = []
    t = threading.Thread(target=lambda: box.append(runner.invoke(app, args)), daemon=True)
    t.start()
    t.join(guard)
    assert box, f"placement {' '.join(args)} hangs"
    return box[0]


@pytest.fixture
def short_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executor, "SCHEDULER_TIMEOUT", 2.0)


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port: int = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def http_port() -> Iterator[int]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv.server_address[1]
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def garbage_port() -> Iterator[int]:
    """A raw socket server that answers anything with an HTTP-looking reply (which a
    naive Dask client reads as a frame length of exabytes: MemoryError)."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen()
    stop = threading.Event()

    def serve() -> None:
        ls.settimeout(0.2)
        while not stop.is_set():
            try:
                c, _ = ls.accept()
            except OSError:
                continue
            with contextlib.suppress(OSError):
                c.sendall(b"HTTP/1.0 200 OK\r\n\r\n" * 8)
            c.close()

    threading.Thread(target=serve, daemon=True).start()
    yield ls.getsockname()[1]
    stop.set()
    ls.close()


SWEEPS = [["scenarios", EX], ["pareto", EX], ["risk", EX, "--cvar-weight", "0.5"]]


@pytest.mark.parametrize("args", SWEEPS, ids=lambda a: a[0])
@pytest.mark.usefixtures("short_timeout")
def test_unreachable_scheduler_exits_1(args: list[str]) -> None:
    r = _invoke_bounded([*args, "--scheduler", f"tcp://127.0.0.1:{_closed_port()}"])
    assert_clean_exit(r, 1)
    assert "cannot reach the Dask scheduler" in _flat(r.output)


@pytest.mark.usefixtures("short_timeout")
def test_http_server_is_not_a_scheduler(http_port: int) -> None:
    r = _invoke_bounded(["scenarios", EX, "--scheduler", f"tcp://127.0.0.1:{http_port}"])
    assert_clean_exit(r, 1)
    text = _flat(r.output)
    assert "did not answer" in text or "is not a Dask scheduler" in text, text


@pytest.mark.usefixtures("short_timeout")
def test_garbage_server_is_not_a_scheduler(garbage_port: int) -> None:
    r = _invoke_bounded(["sensitivity", EX, "--scheduler", f"127.0.0.1:{garbage_port}"])
    assert_clean_exit(r, 1)
    text = _flat(r.output)
    assert "MemoryError" not in text.split("(")[0]
    assert "is not a Dask scheduler" in text or "did not answer" in text, text


@pytest.fixture
def empty_scheduler() -> Iterator[str]:
    """A real Dask scheduler on 127.0.0.1 with no workers, in a thread of its own."""
    distributed = pytest.importorskip("distributed")
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def start() -> Any:
        return await distributed.Scheduler(host="127.0.0.1", port=0, dashboard=False)

    sched = asyncio.run_coroutine_threadsafe(start(), loop).result(30)
    yield sched.address
    asyncio.run_coroutine_threadsafe(sched.close(), loop).result(30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


@pytest.mark.usefixtures("short_timeout")
def test_scheduler_without_workers_exits_1(empty_scheduler: str) -> None:
    r = _invoke_bounded(["scenarios", EX, "--scheduler", empty_scheduler])
    assert_clean_exit(r, 1)
    assert "has no workers" in _flat(r.output)


def test_run_all_timeout_is_a_parameter() -> None:
    with pytest.raises(executor.SchedulerError, match="cannot reach"):
        executor.run_all(abs, [1, 2], scheduler=f"tcp://127.0.0.1:{_closed_port()}",
                         scheduler_timeout=1.0)


# --------------------------------------------------------------------------- signals

SCENARIOS = "scenarios:\n" + "".join(
    f"  s{i}:\n    multipliers: {{rented: {0.5 + i / 20}, demand: {0.8 + i / 50}}}\n"
    for i in range(24))


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)],
                         ids=["SIGTERM", "SIGINT"])
def test_signal_ends_the_sweep_and_its_workers(tmp_path: Path, sig: int, code: int) -> None:
    psutil = pytest.importorskip("psutil")  # comes with distributed; not a dependency
    scen = tmp_path / "many.yaml"
    scen.write_text(SCENARIOS, encoding="utf-8")
    out = tmp_path / "result.json"
    out.write_text("earlier\n", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from placement.cli.app import main; main()", "scenarios", EX,
         "--scenarios", str(scen), "--workers", "2", "-o", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        parent = psutil.Process(proc.pid)
        workers: list[Any] = []
        for _ in range(1200):  # up to 60 s for the pool to start (a hang guard)
            workers = parent.children(recursive=True)
            if len(workers) >= 2 or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert len(workers) >= 2, "the pool's worker processes never appeared"
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == code, err
    assert "Interrupted" in err and "Traceback" not in err, err
    _, alive = psutil.wait_procs(workers, timeout=30)
    assert not alive, f"orphaned workers: {alive}"
    assert out.read_text(encoding="utf-8") == "earlier\n"  # the earlier output is intact
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_library_refuses_unbounded_sizes() -> None:
    from placement.analysis.limits import MAX_POINTS, MAX_RISK_SCENARIOS, MAX_SAMPLES
    from placement.analysis.pareto import pareto
    from placement.analysis.risk import risk, risk_averse
    from placement.api import load_instance
    from placement.errors import InstanceError

    inst = load_instance(EX)
    with pytest.raises(InstanceError, match="samples"):
        risk(inst, samples=MAX_SAMPLES + 1)
    with pytest.raises(InstanceError, match="samples"):
        risk_averse(inst, 0.5, samples=MAX_SAMPLES + 1)
    with pytest.raises(InstanceError, match="scenarios"):
        risk_averse(inst, 0.5, scenarios=MAX_RISK_SCENARIOS + 1)
    with pytest.raises(ValueError, match="points"):
        pareto(inst, "latency", MAX_POINTS + 1)
