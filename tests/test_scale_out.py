"""Scale-out of the decomposition's sub-problems (placement/executor.py ``Runner``):

- a pool worker that dies mid-batch costs time, never the answer: with ``rerun_lost``
  its tasks are run again in this process (and counted), the next batch gets a new pool;
  without it, the lost task is an error Outcome;
- ``solve(search="decompose")`` on a Dask LocalCluster gives the plan of the run in this
  process (no time limit: work limits only), and the same plan when one of the cluster's
  workers is killed while the solve's sub-problems run.
"""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

import pytest

from placement import SolveOptions, load_instance, solve
from placement.executor import Runner
from placement.generate import generate
from placement.plan import Plan


def _square_dying_once(item: tuple[int, int]) -> int:
    """item (i, parent pid): i squared; the task i == 2 kills its process in a worker."""
    i, parent = item
    if i == 2 and os.getpid() != parent:
        os._exit(1)
    return i * i


def test_a_dead_pool_worker_costs_time_never_the_answer() -> None:
    items = [(i, os.getpid()) for i in range(6)]
    runner: Runner[tuple[int, int], int] = Runner(2)
    with runner:
        out = runner.map(_square_dying_once, items, rerun_lost=True)
        assert [o.value for o in out] == [i * i for i in range(6)]
        assert 1 <= runner.lost <= len(items)  # at least the task that died was run here
        again = runner.map(_square_dying_once, [(i, os.getpid()) for i in (3, 4)])
        assert [o.value for o in again] == [9, 16]  # a new pool after the broken one
    reported: Runner[tuple[int, int], int] = Runner(2)
    with reported:
        out = reported.map(_square_dying_once, items)
    assert out[2].value is None and out[2].error and "BrokenProcessPool" in out[2].error
    assert reported.lost == 0


def _same_plan(a: Plan, b: Plan) -> None:
    assert (a.status, a.npv, a.bound, a.objective) == (b.status, b.npv, b.bound, b.objective)
    assert [p.model_dump() for p in a.periods] == [p.model_dump() for p in b.periods]


def test_dask_local_cluster_gives_the_local_plan_even_when_a_worker_is_killed() -> None:
    distributed = pytest.importorskip("distributed")
    inst = load_instance(generate(12, 8, 3, 2))
    options = SolveOptions(search="decompose", baseline=False)
    local = solve(inst, options.model_copy(update={"workers": 1}))
    assert "decomposition:" in local.message
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        on_dask = options.model_copy(update={"scheduler": cluster.scheduler_address})
        _same_plan(solve(inst, on_dask), local)
        with distributed.Client(cluster.scheduler_address) as client:
            pids: dict[str, int] = client.run(os.getpid)
            box: list[Any] = []
            solving = threading.Thread(target=lambda: box.append(solve(inst, on_dask)))
            solving.start()
            killed = None
            while solving.is_alive() and killed is None:  # a worker with a sub-problem
                busy = [w for w, tasks in client.processing().items() if tasks]
                if busy:
                    killed = busy[0]
                    os.kill(pids[killed], signal.SIGKILL)
            solving.join()
    assert killed is not None, "the solve ended before a worker could be killed"
    assert box and isinstance(box[0], Plan)
    _same_plan(box[0], local)


def _sleep_then_square(item: tuple[int, float]) -> int:
    """item (i, seconds): i squared after sleeping that long."""
    import time

    i, seconds = item
    time.sleep(seconds)
    return i * i


def test_a_task_not_back_in_time_is_lost_and_the_pool_replaced() -> None:
    runner: Runner[tuple[int, float], int] = Runner(2)
    with runner:
        out = runner.map(_sleep_then_square, [(1, 0.0), (2, 0.0)], wait=30.0)
        assert [o.value for o in out] == [1, 4] and runner.lost == 0
        # a task stuck for 600 s: given up after 1 s (its worker ended), the other one kept
        out = runner.map(_sleep_then_square, [(3, 600.0), (6, 0.0)], wait=1.0)
        assert out[0].value is None and out[0].error and "not back within" in out[0].error
        assert out[1].value == 36
        out = runner.map(_sleep_then_square, [(4, 0.0), (5, 0.0)])  # a new pool
        assert [o.value for o in out] == [16, 25]
