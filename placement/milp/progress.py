"""Progress of a HiGHS solve, for those who watch it (benchmarks): optional, no effect
unless a hook is given."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import highspy


@dataclass(frozen=True)
class Progress:
    """One progress event of a HiGHS solve.

    ``event``: "start" (the model is in HiGHS; the search begins), "incumbent" (an improving
    plan) or "log" (a MIP log line: the bound may have moved). ``seconds``: HiGHS's running
    time. ``objective`` (incumbent) and ``bound`` include the objective's constant; ``gap`` is
    HiGHS's relative gap; each is None while it does not exist yet.
    """

    event: str
    seconds: float
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None


ProgressHook = Callable[[Progress], None]


def watch_progress(h: highspy.Highs, hook: ProgressHook, announce: bool = True) -> None:
    """Report the search of ``h`` to ``hook``: "start" now (unless ``announce`` is False),
    then every improving solution and every MIP log line (HiGHS calls back even with its
    output off). Call it on any Highs object just before ``run()``."""
    improving = highspy.cb.HighsCallbackType.kCallbackMipImprovingSolution

    def on(event: Any) -> None:
        d = event.data_out
        hook(
            Progress(
                "incumbent" if event.callback_type == improving else "log",
                float(d.running_time),
                finite(d.mip_primal_bound),
                finite(d.mip_dual_bound),
                finite(d.mip_gap),
            )
        )

    if announce:
        hook(Progress("start", 0.0))
    h.cbMipImprovingSolution.subscribe(on)
    h.cbMipLogging.subscribe(on)


def at_least(bound: float | None, hook: ProgressHook) -> ProgressHook:
    """``hook``, told of ``bound`` (a lower bound known before the MIP) in every event:
    an event's bound is the better of its own and ``bound``, its gap recomputed."""
    if bound is None:
        return hook

    def on(p: Progress) -> None:
        b = bound if p.bound is None else max(bound, p.bound)
        gap = None if p.objective is None else rel_gap(p.objective, b)
        hook(Progress(p.event, p.seconds, p.objective, b, gap))

    return on


def finite(v: float | None) -> float | None:
    return v if v is not None and math.isfinite(v) else None


def rel_gap(objective: float, bound: float | None) -> float | None:
    if bound is None:
        return None
    return abs(objective - bound) / max(abs(objective), 1e-9) if objective or bound else 0.0
