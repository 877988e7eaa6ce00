"""The time limit of a whole solve: one clock for the command, shared between its phases.

``SolveOptions.time_limit`` (``--time-limit``) bounds the whole of ``placement solve``:
loading the instance, the candidates, both models, both solver runs (baseline, then plan),
the accounting, the independent check and the plan's JSON. The phases that do not stop on
a clock (loading, candidates, building a model, accounting, the check) are measured as
they run; the solvers get what they leave:

1. after the candidates, the warm start and both models are built, ``reserve(...)`` seconds
   are set aside for what follows the solvers (accounting, the check, the JSON), estimated
   from the number of assignments the two plans will list;
2. the baseline (every ``current`` placement pinned: a much smaller model) runs first with
   a share of what is left proportional to its number of candidates, at most
   ``BASELINE_MAX_SHARE``;
3. the plan's solver gets everything left after the baseline, minus the reserve.

The candidates are checked against the clock every few hundred workloads and the models
between constraint families: a limit reached there (or already while loading) ends the
solve at once with status ``error``, termination ``time_limit`` and no plan (exit code 5),
as does a limit reached before a solver starts. A solver run that starts gets at least
``MIN_SOLVER_SECONDS``, so the command may overrun by up to two of those, plus the
reserve's estimate error, plus what cannot be interrupted: parsing the file, one
constraint family, the greedy warm start, the hand-over to HiGHS. Everything here reads
time through an injectable clock (tests use a fake one).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]

#: Each solver run gets at least this long, however much of the limit is already spent.
MIN_SOLVER_SECONDS = 1.0
#: The baseline's share of the solvers' time is at most this (its share is proportional to
#: its candidates: with every workload pinned it is a few percent).
BASELINE_MAX_SHARE = 0.5
#: The reserve for what follows the solvers: this much, plus RESERVE_PER_ASSIGNMENT per
#: assignment the plans list (each workload's replicas in each period, plan and baseline),
#: times RESERVE_SAFETY. Measured at 100,000 workloads x 3 periods (docs/performance.md,
#: "The whole command under --time-limit"): about 20 microseconds per assignment.
RESERVE_SECONDS = 0.5
RESERVE_PER_ASSIGNMENT = 20e-6
RESERVE_SAFETY = 1.5


class TimeUp(Exception):
    """The time limit ran out in a phase that has no plan to show for it yet."""

    def __init__(self, phase: str) -> None:
        super().__init__(phase)
        self.phase = phase


Interrupt = Callable[[], None]


@dataclass
class Budget:
    """A time limit (None: none) counted from ``started`` on ``clock``."""

    limit: float | None
    clock: Clock = time.perf_counter
    started: float = field(default=math.nan)

    def __post_init__(self) -> None:
        if math.isnan(self.started):
            self.started = self.clock()

    def elapsed(self) -> float:
        return self.clock() - self.started

    def left(self) -> float:
        """Seconds left of the limit (negative once overrun; infinite without a limit)."""
        return math.inf if self.limit is None else self.limit - self.elapsed()

    def interrupt(self, phase: str) -> Interrupt:
        """A check for a long phase to call now and then: raises TimeUp(phase) once the
        limit is reached."""

        def check() -> None:
            if self.left() <= 0:
                raise TimeUp(phase)

        return check

    def deadline(self) -> float:
        """The clock's reading at which the limit is reached (infinite without one)."""
        return math.inf if self.limit is None else self.started + self.limit


def reserve(assignments: int) -> float:
    """Seconds set aside for the accounting, the independent check and the JSON of plans
    listing ``assignments`` assignments in all."""
    return RESERVE_SAFETY * (RESERVE_SECONDS + RESERVE_PER_ASSIGNMENT * assignments)


def baseline_seconds(left: float, plan_size: int, baseline_size: int, reserved: float) -> float:
    """The baseline solver's limit: of ``left - reserved``, the share of its candidates
    (``baseline_size``) in both models' (at most BASELINE_MAX_SHARE); at least
    MIN_SOLVER_SECONDS."""
    available = left - reserved
    total = plan_size + baseline_size
    share = min(BASELINE_MAX_SHARE, baseline_size / total) if total else BASELINE_MAX_SHARE
    return max(MIN_SOLVER_SECONDS, share * available)


def plan_seconds(left: float, reserved: float) -> float:
    """The plan solver's limit: what is left after the baseline, minus the reserve; at
    least MIN_SOLVER_SECONDS."""
    return max(MIN_SOLVER_SECONDS, left - reserved)
