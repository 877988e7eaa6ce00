"""Solve options (library and CLI)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from placement.schema.base import StrictModel

DEFAULT_GAP = 1e-4
MAX_THREADS = 256  # more makes HiGHS spend its time starting threads
MAX_TIME_LIMIT = 1e6  # seconds per solve (11.6 days)


class SolveOptions(StrictModel):
    """How to solve: which solver, when to stop, and whether to solve the baseline."""

    solver: Literal["highs", "cbc"] = Field("highs", description="HiGHS (default) or CBC.")
    time_limit: float | None = Field(
        None,
        gt=0,
        le=MAX_TIME_LIMIT,
        description="Seconds: for api.solve the whole solve, baseline included (docs/cli.md); "
        "for the analyses, each of their solves; none = no limit.",
    )
    gap: float = Field(
        DEFAULT_GAP, ge=0, le=1, description="Relative MIP gap at which a plan counts as optimal."
    )
    threads: int | None = Field(
        None, ge=1, le=MAX_THREADS, description="Solver threads; none = solver default."
    )
    baseline: bool = Field(True, description="Also solve the stay-put baseline.")
    warm_start: bool = Field(
        False,
        description="HiGHS: start from the greedy heuristic's plan (a plan from the first "
        "second on, useful with a time limit); CBC ignores it.",
    )
    search: Literal["auto", "mip", "lns"] = Field(
        "auto",
        description="HiGHS with a time limit: 'lns' first improves the greedy plan by a "
        "neighbourhood search (re-solving a few sites at a time), then hands it to the MIP "
        "for the rest of the limit; 'mip' runs the MIP alone; 'auto' (default) searches on "
        "models of 2,000 candidates or more.",
    )
    formulation: Literal["tight", "plain"] = Field(
        "tight", description="tight (default) or a plain transcription of the spec (benchmarks)."
    )
