"""What a solve produced, independent of the solver: its status, termination and figures.

``Status`` and ``Termination`` are ``StrEnum``s whose values are the plan JSON's strings,
so a member is written (and compares, hashes and formats) exactly as the string. The plan
models (``placement.plan``) keep ``str`` fields: a plan read from a file may carry any
string there, and the evaluator reports an unknown one (``placement.solve_claims``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np


class Status(StrEnum):
    """A solve's (or a plan's) status."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    ERROR = "error"

    @property
    def has_plan(self) -> bool:
        """A plan was found: optimal or feasible."""
        return self in SOLVED


class Termination(StrEnum):
    """Why the solver stopped."""

    OPTIMAL = "optimal"
    TIME_LIMIT = "time_limit"
    INFEASIBLE = "infeasible"
    ERROR = "error"


#: The statuses that come with a plan.
SOLVED = frozenset({Status.OPTIMAL, Status.FEASIBLE})


def has_solution(status: str | None) -> bool:
    """Whether ``status`` (a Status, or a plan's string; None: not solved) comes with a plan."""
    return status in SOLVED


INFEASIBLE_MESSAGE = "the solver proved that no plan meets every constraint"
OUT_OF_TIME_MESSAGE = "no feasible plan found within the time limit"


@dataclass(kw_only=True)
class SolveResult:
    """What a solve produced: built with the named constructors (``optimal``,
    ``feasible``, ``infeasible``, ``out_of_time``, ``error``); ``seconds`` is usually set
    by the caller once the run is over, the values (``chosen``, ``rent``, ``buy``, and
    ``values``: one per column of the model, for an analysis's own columns) read from the
    solution."""

    status: Status
    termination: Termination
    solver: str
    seconds: float = 0.0
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    message: str = ""
    chosen: list[int] = field(default_factory=list)
    rent: dict[tuple[str, str, int], int] = field(default_factory=dict)
    buy: dict[tuple[str, str, int], int] = field(default_factory=dict)
    spot: dict[tuple[str, str, int], int] = field(default_factory=dict)  # spot units (v2)
    searched: bool = False  # the neighbourhood search ran before the MIP
    #: search="decompose": what its phase found (``price_and_branch.Decomposed.summary``)
    decomposition: dict[str, Any] | None = None
    values: np.ndarray | None = None
    #: units committed, by (site, hardware, commitment, period made)
    commit: dict[tuple[str, str, str, int], int] = field(default_factory=dict)

    @property
    def has_solution(self) -> bool:
        return self.status.has_plan

    @classmethod
    def optimal(
        cls, solver: str, objective: float, bound: float | None, gap: float | None
    ) -> SolveResult:
        """A plan proved optimal (within the gap)."""
        return cls(
            status=Status.OPTIMAL,
            termination=Termination.OPTIMAL,
            solver=solver,
            objective=objective,
            bound=bound,
            gap=gap,
        )

    @classmethod
    def feasible(
        cls,
        solver: str,
        objective: float | None,
        bound: float | None = None,
        gap: float | None = None,
        message: str = "",
    ) -> SolveResult:
        """A plan found by the time limit, not proved optimal."""
        return cls(
            status=Status.FEASIBLE,
            termination=Termination.TIME_LIMIT,
            solver=solver,
            objective=objective,
            bound=bound,
            gap=gap,
            message=message,
        )

    @classmethod
    def infeasible(
        cls, solver: str, message: str = INFEASIBLE_MESSAGE, seconds: float = 0.0
    ) -> SolveResult:
        """No plan meets every constraint."""
        return cls(
            status=Status.INFEASIBLE,
            termination=Termination.INFEASIBLE,
            solver=solver,
            seconds=seconds,
            message=message,
        )

    @classmethod
    def out_of_time(
        cls,
        solver: str,
        message: str = OUT_OF_TIME_MESSAGE,
        bound: float | None = None,
        seconds: float = 0.0,
    ) -> SolveResult:
        """No plan found within the time limit (``bound``: the solver's, if any)."""
        return cls(
            status=Status.ERROR,
            termination=Termination.TIME_LIMIT,
            solver=solver,
            seconds=seconds,
            bound=bound,
            message=message,
        )

    @classmethod
    def error(cls, solver: str, message: str = "", seconds: float = 0.0) -> SolveResult:
        """The solver failed (or did not run)."""
        return cls(
            status=Status.ERROR,
            termination=Termination.ERROR,
            solver=solver,
            seconds=seconds,
            message=message,
        )
