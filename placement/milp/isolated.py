"""Sub-MIPs in a child process, stopped when they overrun their time limit.

HiGHS does not check its clock everywhere: at XL, sub-MIPs given 3 s ran 5 to 25 s (gdb:
the root's central rounding, ``linesearchRounding`` > ``tryRoundedPoint`` > objective
propagation) and one ran 15 minutes in its presolve (``strengthenInequalities``). A
thread cannot be stopped; a process can. ``SubMipProcess`` runs each sub-MIP in a child
(``python -m placement.milp.isolated``: no re-import of the caller's main module, as
multiprocessing's spawn would do) and kills it when the result is ``GRACE_SECONDS`` late;
the next sub-MIP starts a new child.

Messages are pickled dicts of numpy arrays over the child's stdin and a private copy of
its stdout (HiGHS writes its banner to file descriptor 1, which the child points at
/dev/null).
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import highspy
import numpy as np

from placement.milp.threads import use_threads

#: How late a child's answer may be before the child is killed.
GRACE_SECONDS = 1.0
#: The child's command: this module's ``_serve``.
CHILD_COMMAND = (sys.executable, "-m", "placement.milp.isolated")

#: A model as plain arrays (``ColumnArrays.restricted_parts``): col_cost, col_lower,
#: col_upper, row_lower, row_upper, start, index, value (column-wise), integer (bool per
#: column), offset.
Parts = dict[str, Any]


@dataclass
class SubResult:
    """What a sub-MIP gave: whether it was solved to optimality (within its gap), and its
    best solution, if it has one."""

    optimal: bool
    values: np.ndarray | None


def highs_lp(parts: Parts) -> highspy.HighsLp:
    """The HighsLp of a model given as arrays."""
    lp = highspy.HighsLp()
    n, m = len(parts["col_cost"]), len(parts["row_lower"])
    lp.num_col_, lp.num_row_ = n, m
    lp.col_cost_ = parts["col_cost"]
    lp.col_lower_ = parts["col_lower"]
    lp.col_upper_ = parts["col_upper"]
    lp.row_lower_ = parts["row_lower"]
    lp.row_upper_ = parts["row_upper"]
    lp.offset_ = float(parts["offset"])
    a = lp.a_matrix_
    a.format_ = highspy.MatrixFormat.kColwise
    a.num_col_, a.num_row_ = n, m
    a.start_ = np.asarray(parts["start"], np.int32)
    a.index_ = np.asarray(parts["index"], np.int32)
    a.value_ = parts["value"]
    if parts["integer"] is not None:
        kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
        lp.integrality_ = [kinds[int(i)] for i in parts["integer"]]
    return lp


def solve_here(
    parts: Parts,
    start: np.ndarray,
    seconds: float,
    options: dict[str, Any],
) -> SubResult:
    """Solve the MIP ``parts`` in this process from the solution ``start``, with HiGHS
    ``options`` and a time limit of ``seconds``."""
    use_threads(options.get("threads"))
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    for name, value in options.items():
        h.setOptionValue(name, value)
    h.setOptionValue("time_limit", max(0.01, seconds))
    h.passModel(highs_lp(parts))
    n = len(start)
    h.setSolution(n, np.arange(n, dtype=np.int32), np.asarray(start, np.float64))
    h.run()
    optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    if h.getInfo().primal_solution_status != 2:
        return SubResult(optimal, None)
    return SubResult(optimal, np.asarray(h.getSolution().col_value, np.float64))


class SubMipProcess:
    """Solves sub-MIPs in a child process; a child that overruns a time limit by more
    than ``grace`` seconds is killed (the sub-MIP then has no result) and replaced at the
    next call. Use as a context manager, or call ``close``.

    ``command`` starts a child (``CHILD_COMMAND`` unless given: tests start one that
    never answers, to be late whatever the machine's speed)."""

    def __init__(
        self, grace: float = GRACE_SECONDS, command: Sequence[str] = CHILD_COMMAND
    ) -> None:
        self.grace = grace
        self.command = list(command)
        self.killed = 0
        self._child: subprocess.Popen[bytes] | None = None
        self._answers: queue.Queue[Any] = queue.Queue()

    def __enter__(self) -> SubMipProcess:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def solve(
        self,
        parts: Parts,
        start: np.ndarray,
        seconds: float,
        options: dict[str, Any],
    ) -> SubResult:
        """As ``solve_here``, in the child; no result if the child is late or fails."""
        child = self._started()
        assert child.stdin is not None
        try:
            pickle.dump((parts, start, seconds, options), child.stdin, pickle.HIGHEST_PROTOCOL)
            child.stdin.flush()
            answer = self._answers.get(timeout=seconds + self.grace)
        except (OSError, queue.Empty):
            answer = None
        if answer is None:
            self.killed += 1
            self.close()
            return SubResult(False, None)
        return SubResult(*answer)

    def close(self) -> None:
        """Stop the child, if one runs."""
        child, self._child = self._child, None
        if child is None:
            return
        child.kill()
        child.wait()
        for stream in (child.stdin, child.stdout):
            if stream is not None:
                stream.close()

    def _started(self) -> subprocess.Popen[bytes]:
        if self._child is None:
            self._answers = queue.Queue()
            self._child = subprocess.Popen(
                self.command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=_child_environment(),
            )
            reader = threading.Thread(
                target=_read_answers, args=(self._child.stdout, self._answers), daemon=True
            )
            reader.start()
        return self._child


def _child_environment() -> dict[str, str]:
    """This environment, with the folder this package was imported from first on the
    child's path (a checkout not installed, or a path set by the caller at run time)."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def _read_answers(stream: IO[bytes], answers: queue.Queue[Any]) -> None:
    """Put each answer the child writes on ``answers`` (None when the child is gone)."""
    try:
        while True:
            answers.put(pickle.load(stream))
    except (EOFError, OSError, pickle.UnpicklingError, ValueError):
        answers.put(None)


def _serve() -> None:
    """The child: answer each sub-MIP read from stdin on a private copy of stdout."""
    answers = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    requests = sys.stdin.buffer
    while True:
        try:
            parts, start, seconds, options = pickle.load(requests)
        except EOFError:
            return
        result = solve_here(parts, start, seconds, options)
        pickle.dump((result.optimal, result.values), answers)  # plain: no __main__ classes
        answers.flush()


if __name__ == "__main__":
    _serve()
