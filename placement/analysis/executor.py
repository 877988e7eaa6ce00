"""Run a sweep's independent tasks in parallel: a local process pool by default, or an
existing Dask cluster (``scheduler="tcp://HOST:PORT"``, needs ``placement[distributed]``).

Results come back in the order of the inputs, whichever executor ran them, and a task that
fails is reported for that point (``Outcome.error``) without losing the others. Tasks must
be picklable top-level functions of picklable arguments. Each worker solves with one
solver thread, so two workers use both cores of a two-core machine.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """One task's result, or the error that stopped it."""

    value: R | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _guarded(fn: Callable[[T], R], item: T) -> Outcome[R]:
    try:
        return Outcome(value=fn(item))
    except Exception as exc:  # a failed point is reported, never loses the sweep
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" ({last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno})" if last else ""
        return Outcome(error=f"{type(exc).__name__}: {exc}{where}")


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def run_all(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> list[Outcome[R]]:
    """``[fn(item) for item in items]`` in parallel, as Outcomes in input order.

    ``workers=1`` runs in this process (no pool); ``scheduler`` sends the tasks to a Dask
    distributed scheduler instead of the local pool.
    """
    n = len(items)
    if scheduler:
        return _run_dask(fn, items, scheduler, progress)
    workers = min(workers or default_workers(), max(n, 1))
    if workers <= 1 or n <= 1:
        out = []
        for i, item in enumerate(items):
            out.append(_guarded(fn, item))
            if progress:
                progress(i + 1, n)
        return out
    results: list[Outcome[R] | None] = [None] * n
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_guarded, fn, item): i for i, item in enumerate(items)}
        for done, fut in enumerate(as_completed(futures), start=1):
            i = futures[fut]
            try:
                results[i] = fut.result()
            except Exception as exc:  # the worker process itself died
                results[i] = Outcome(error=f"{type(exc).__name__}: {exc}")
            if progress:
                progress(done, n)
    return [r if r is not None else Outcome(error="not run") for r in results]


def _run_dask(
    fn: Callable[[T], R], items: Sequence[T], scheduler: str, progress: Progress | None
) -> list[Outcome[R]]:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError as exc:
        raise RuntimeError(
            "a Dask scheduler needs the optional extra: pip install 'placement[distributed]'"
        ) from exc
    n = len(items)
    with Client(scheduler, timeout="30s") as client:  # type: ignore[no-untyped-call]
        futures = [client.submit(_guarded, fn, item, pure=False) for item in items]
        index = {f.key: i for i, f in enumerate(futures)}
        results: list[Outcome[R] | None] = [None] * n
        completed = dask_completed(futures)  # type: ignore[no-untyped-call]
        for done, fut in enumerate(completed, start=1):
            i = index[fut.key]
            try:
                results[i] = fut.result()
            except Exception as exc:
                results[i] = Outcome(error=f"{type(exc).__name__}: {exc}")
            if progress:
                progress(done, n)
    return [r if r is not None else Outcome(error="not run") for r in results]
