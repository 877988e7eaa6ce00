"""Solve options (library and CLI)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from placement.executor import MAX_WORKERS, check_scheduler_address
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
    search: Literal["auto", "mip", "lns", "decompose"] = Field(
        "auto",
        description="HiGHS with a time limit: 'lns' first improves the greedy plan by a "
        "neighbourhood search (re-solving a few sites at a time), then hands it to the MIP "
        "for the rest of the limit; 'mip' runs the MIP alone; 'auto' (default) searches on "
        "models of 2,000 candidates or more. HiGHS, with or without a time limit: "
        "'decompose' first finds a bound by a per-site Lagrangian decomposition (its "
        "sub-problems on the local pool or the Dask scheduler) and a plan from its "
        "columns, then runs the search (with a time limit) and the MIP.",
    )
    workers: int | None = Field(
        None, ge=1, le=MAX_WORKERS,
        description="search='decompose': processes for its sub-problems on this machine "
        "(default: one per core; 1 = in this process).",
    )
    scheduler: str | None = Field(
        None,
        description="search='decompose': run its sub-problems on the Dask scheduler at "
        "this address (tcp://HOST:PORT) instead of local processes.",
    )

    @field_validator("scheduler")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        return None if value is None else check_scheduler_address(value)
    formulation: Literal["tight", "plain"] = Field(
        "tight", description="tight (default) or a plain transcription of the spec (benchmarks)."
    )
