"""Run a sweep's independent tasks in parallel: a local process pool by default, or an
existing Dask cluster (``scheduler="tcp://HOST:PORT"``, needs ``placement[distributed]``).

Results come back in the order of the inputs, whichever executor ran them, and a task that
fails is reported for that point (``Outcome.error``) without losing the others. Tasks must
be picklable top-level functions of picklable arguments. Each worker solves with one
solver thread, so two workers use both cores of a two-core machine.

Nothing waits for ever on a scheduler: the address is checked first
(:func:`check_scheduler_address`), then within ``SCHEDULER_TIMEOUT`` seconds the scheduler
must answer a Dask identity request (an unreachable address, or a server that is not a
Dask scheduler, fails) and have a worker; otherwise :class:`SchedulerError`.

An interrupted sweep (KeyboardInterrupt, or any exception raised in the waiting process,
e.g. by a SIGTERM handler) terminates the pool's worker processes before it propagates:
no worker is left solving.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
import socket
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[int, int], None]  # (done, total)

#: Processes of a local pool at most.
MAX_WORKERS = 256
#: Seconds to reach a Dask scheduler, have it answer, and see a first worker.
SCHEDULER_TIMEOUT = 30.0
#: Seconds the pool's worker processes get to end after SIGTERM before SIGKILL.
TERMINATE_GRACE = 5.0


class SchedulerError(RuntimeError):
    """A Dask scheduler that cannot be used: bad address, unreachable, not a Dask scheduler,
    or no workers."""


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """One task's result, or the error that stopped it."""

    value: R | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class _Lost(Outcome[R]):
    """A task whose worker was lost (died, or not back in time): not the task's error."""


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
    scheduler_timeout: float | None = None,
) -> list[Outcome[R]]:
    """``[fn(item) for item in items]`` in parallel, as Outcomes in input order.

    ``workers=1`` runs in this process (no pool); ``scheduler`` sends the tasks to a Dask
    distributed scheduler instead of the local pool (SchedulerError if it cannot be used
    within ``scheduler_timeout`` seconds, default ``SCHEDULER_TIMEOUT``).
    """
    workers = min(workers or default_workers(), max(len(items), 1))
    # forked workers: a sweep's script need not guard its main module, and a signal never
    # meets a worker half-started by a fork server
    runner: Runner[T, R] = Runner(workers, scheduler, scheduler_timeout, fork_server=False)
    with runner:
        return runner.map(fn, items, progress)


class Runner(Generic[T, R]):
    """Batches of independent tasks on one executor kept open between batches (a
    decomposition's evaluations): this process (``workers=1``), a local process pool of
    ``workers`` processes (default: one per core), or the Dask cluster at ``scheduler``
    (connected on entering, checked as ``run_all`` does). A context manager: leaving it
    closes the pool or the connection; leaving on an exception terminates the pool's
    workers first.

    The pool's processes come from a fork server (``forkserver``) unless ``fork_server``
    is False: HiGHS keeps threads per process, and a child forked from a process whose
    HiGHS has run may inherit a scheduler without its threads (seen: both workers of a
    decomposition spinning at 100% CPU for ever after the parent's LP). As with any
    fork server or spawn, a script that starts one must guard its main module (``if
    __name__ == "__main__":``); if a worker cannot start, its tasks are lost (below).

    ``map(..., rerun_lost=True)``: a task whose worker process died (killed, out of memory),
    or that has not come back by ``wait`` seconds, is run again in this process: a lost
    worker costs time, never the answer. (A task that raises is an Outcome with the error
    either way.)"""

    def __init__(
        self,
        workers: int | None = None,
        scheduler: str | None = None,
        scheduler_timeout: float | None = None,
        fork_server: bool = True,
    ) -> None:
        self.workers = workers or default_workers()
        self.start_method = "forkserver" if fork_server else "fork"
        self.scheduler = check_scheduler_address(scheduler) if scheduler else None
        self.timeout = SCHEDULER_TIMEOUT if scheduler_timeout is None else scheduler_timeout
        self._pool: ProcessPoolExecutor | None = None
        self._client: Any = None
        self.lost = 0  # tasks whose worker died or did not answer in time (rerun_lost)

    def __enter__(self) -> Runner[T, R]:
        if self.scheduler is not None:
            self._client = _dask_client(self.scheduler, self.timeout)
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            if kind is None:
                pool.shutdown(wait=True)
            else:
                _terminate(pool)
        client, self._client = self._client, None
        if client is not None:
            client.close()

    @property
    def parallel(self) -> bool:
        """Whether tasks leave this process."""
        return self._client is not None or self.workers > 1

    def map(
        self,
        fn: Callable[[T], R],
        items: Sequence[T],
        progress: Progress | None = None,
        rerun_lost: bool = False,
        wait: float | None = None,
    ) -> list[Outcome[R]]:
        """``[fn(item) for item in items]`` on the runner's executor, as Outcomes in input
        order (class docstring)."""
        n = len(items)
        if self._client is not None:
            results = self._map_dask(fn, items, progress, wait)
        elif self.workers <= 1 or n <= 1:
            results = []
            for i, item in enumerate(items):
                results.append(_guarded(fn, item))
                if progress:
                    progress(i + 1, n)
            return results
        else:
            results = self._map_pool(fn, items, progress, wait)
        out: list[Outcome[R]] = []
        for item, r in zip(items, results, strict=True):
            if isinstance(r, _Lost) and rerun_lost:
                self.lost += 1
                r = _guarded(fn, item)
            out.append(r)
        return out

    def _map_pool(
        self,
        fn: Callable[[T], R],
        items: Sequence[T],
        progress: Progress | None,
        wait: float | None = None,
    ) -> list[Outcome[R]]:
        """The pool's Outcomes; ``_Lost`` where the worker process died or the task was not
        back within ``wait`` seconds (then the pool's workers are ended: one may be stuck)."""
        n = len(items)
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=min(self.workers, n),
                mp_context=multiprocessing.get_context(self.start_method),
                initializer=_worker_signals,
            )
        pool = self._pool
        results: list[Outcome[R]] = [_Lost(error="not run")] * n
        try:
            futures = {pool.submit(_guarded, fn, item): i for i, item in enumerate(items)}
            for done, fut in enumerate(as_completed(futures, timeout=wait), start=1):
                try:
                    results[futures[fut]] = fut.result()
                except Exception as exc:  # the worker process died: the pool is broken
                    results[futures[fut]] = _Lost(error=f"{type(exc).__name__}: {exc}")
                    self._pool = None
                if progress:
                    progress(done, n)
        except TimeoutError:  # the rest were not back in time: end the pool's workers
            for fut, i in futures.items():
                if not fut.done():
                    results[i] = _Lost(error=f"not back within {wait} s")
            self._pool = None
            _terminate(pool)
            return results
        except BaseException:  # interrupted (signal, KeyboardInterrupt) or a failing callback
            self._pool = None
            _terminate(pool)
            raise
        if self._pool is None:  # broken: a new one for the next batch
            pool.shutdown(wait=False, cancel_futures=True)
        return results

    def _map_dask(
        self,
        fn: Callable[[T], R],
        items: Sequence[T],
        progress: Progress | None,
        wait: float | None,
    ) -> list[Outcome[R]]:
        """The cluster's Outcomes; ``_Lost`` where Dask gave up on a task (its workers
        died) or it was not back within ``wait`` seconds."""
        from distributed import as_completed as dask_completed

        client = self._client
        n = len(items)
        futures = [client.submit(_guarded, fn, item, pure=False) for item in items]
        index = {f.key: i for i, f in enumerate(futures)}
        results: list[Outcome[R]] = [_Lost(error=f"not back within {wait} s")] * n
        completed = dask_completed(futures, timeout=wait)  # type: ignore[no-untyped-call]
        try:
            for done, fut in enumerate(completed, start=1):
                i = index[fut.key]
                try:
                    results[i] = fut.result()
                except Exception as exc:  # KilledWorker: Dask gave up on it
                    results[i] = _Lost(error=f"{type(exc).__name__}: {exc}")
                if progress:
                    progress(done, n)
        except TimeoutError:  # the rest were not back in time
            pass
        finally:
            client.cancel([f for f in futures if not f.done()])
        return results


def _worker_signals() -> None:
    """In each pool worker: SIGTERM ends it at once (also inside a solver), SIGINT is left
    to the parent (a Ctrl-C reaches the whole process group; the parent ends the workers)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _terminate(pool: ProcessPoolExecutor) -> None:
    """End the pool's worker processes now (SIGTERM, then SIGKILL after TERMINATE_GRACE)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public API
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        if p.is_alive():
            p.terminate()
    for p in processes:
        p.join(TERMINATE_GRACE)
        if p.is_alive():
            p.kill()
            p.join(TERMINATE_GRACE)
    # the pool's manager thread closes its wake-up pipe as it ends, while
    # concurrent.futures' exit hook may be writing to it ("Exception ignored ... Bad file
    # descriptor" at exit): let the thread finish, and make a late wake-up harmless
    manager = getattr(pool, "_executor_manager_thread", None)  # no public API
    if manager is not None:
        manager.join(TERMINATE_GRACE)
    wakeup = getattr(pool, "_executor_manager_thread_wakeup", None)
    if wakeup is not None:
        wakeup.wakeup = _quiet(wakeup.wakeup)


def _quiet(call: Callable[[], None]) -> Callable[[], None]:
    """``call``, with an error from a pipe already closed swallowed."""

    def quiet() -> None:
        with contextlib.suppress(OSError, ValueError):
            call()

    return quiet


def check_scheduler_address(address: str) -> str:
    """A Dask scheduler address, ``tcp://HOST:PORT`` (``tls://`` too; ``HOST:PORT`` is taken
    as tcp), normalised; ValueError saying what is wrong otherwise."""
    text = address.strip()
    if "://" not in text:
        text = "tcp://" + text
    expected = "expected tcp://HOST:PORT (e.g. tcp://127.0.0.1:8786)"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:  # a port that is not a number in 0..65535
        raise ValueError(f"{address!r}: bad port; {expected}") from None
    if parts.scheme not in ("tcp", "tls"):
        raise ValueError(f"{address!r}: unsupported protocol {parts.scheme!r}; {expected}")
    if not parts.hostname:
        raise ValueError(f"{address!r}: no host; {expected}")
    if port is None or not 0 < port < 65536:
        raise ValueError(f"{address!r}: no port number; {expected}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValueError(f"{address!r}: unexpected path, query or user; {expected}")
    return text.rstrip("/")


def _identity(address: str, timeout: float) -> dict[str, Any]:
    """The scheduler's answer to a Dask ``identity`` request, within ``timeout`` seconds
    (run in a thread of its own: its event loop never meets the caller's)."""
    from distributed.comm.core import connect

    connected = threading.Event()  # a TCP connection was accepted
    deadline = time.monotonic() + timeout

    async def ask() -> Any:
        comm = await connect(address, timeout=timeout)  # type: ignore[no-untyped-call]
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    async def bounded() -> Any:
        return await asyncio.wait_for(ask(), max(0.1, deadline - time.monotonic()))

    box: list[Any] = []

    def run() -> None:
        try:
            parts = urlsplit(address)
            with socket.create_connection((parts.hostname, parts.port), timeout=timeout):
                connected.set()
            box.append(asyncio.run(bounded()))
        except BaseException as exc:  # reported to the caller below
            box.append(exc)

    thread = threading.Thread(target=run, name="placement-scheduler-probe", daemon=True)
    thread.start()
    thread.join(timeout + 5)
    where = f"the Dask scheduler at {address}"
    timed_out = not box or isinstance(box[0], TimeoutError | asyncio.TimeoutError)
    if timed_out and connected.is_set():
        raise SchedulerError(f"{where} did not answer within {timeout:g} s: it accepts "
                             "connections but does not speak the Dask protocol")
    if timed_out or isinstance(box[0], OSError):  # TimeoutError is an OSError too
        why = "" if timed_out else f": {box[0]}"
        raise SchedulerError(f"cannot reach {where} within {timeout:g} s{why}")
    answer = box[0]
    if isinstance(answer, BaseException) or not (
        isinstance(answer, dict) and answer.get("type") == "Scheduler"
    ):
        what = type(answer).__name__ if isinstance(answer, BaseException) else "an answer"
        raise SchedulerError(f"{address} is not a Dask scheduler ({what} instead of a Dask "
                             "identity reply)")
    return answer


def _dask_client(scheduler: str, timeout: float = SCHEDULER_TIMEOUT) -> Any:
    """A Dask client of the scheduler at ``scheduler``, which has answered an identity
    request and has a worker within ``timeout`` seconds (SchedulerError otherwise)."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise SchedulerError(
            "a Dask scheduler needs the optional extra: pip install 'placement[distributed]'"
        ) from exc
    _identity(scheduler, timeout)
    try:
        client = Client(scheduler, timeout=timeout)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as exc:
        raise SchedulerError(
            f"cannot connect to the Dask scheduler at {scheduler}: {exc}") from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        client.close()  # type: ignore[no-untyped-call]
        raise SchedulerError(
            f"the Dask scheduler at {scheduler} has no workers (none joined within "
            f"{timeout:g} s): start some with `dask worker {scheduler}`") from None
    return client
