"""HiGHS's state per process: its banner and its one global thread scheduler.

HiGHS prints a banner to file descriptor 1 on its first construction in a process;
library code never prints (and a pool or Dask worker's fd 1 is the user's terminal), so
the first one is made while fd 1 points at /dev/null.

HiGHS sizes a global scheduler at its first run; a later run asking for another number of
threads ends with status "Not Set" unless the scheduler is reset first. Every Highs object
the engine runs is made through ``use_threads`` first (the MIP, the LP bound, the sub-MIPs
of the search and of the decomposition), so that a process can mix thread counts (a sweep's
one-thread solves after a default one, tests in one worker)."""

from __future__ import annotations

import os
import sys

import highspy

_SIZED_FOR: list[int | str | None] = ["unset"]
_BANNER_ABSORBED = [False]


def use_threads(threads: int | None) -> None:
    """Absorb HiGHS's banner the first time; reset HiGHS's global scheduler when
    ``threads`` differs from the last run's."""
    if not _BANNER_ABSORBED[0]:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "wb") as null:
                os.dup2(null.fileno(), 1)
                highspy.Highs()  # type: ignore[no-untyped-call]
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _BANNER_ABSORBED[0] = True
    if threads != _SIZED_FOR[0]:
        if _SIZED_FOR[0] != "unset":
            highspy.Highs.resetGlobalScheduler(True)
        _SIZED_FOR[0] = threads
