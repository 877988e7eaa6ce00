"""Typed errors of the library. Every error carries the list of problems it found."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in an input, located by its field path (``workloads[2].origin``)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class PlacementError(Exception):
    """Base class of every error the library raises on purpose."""

    def __init__(self, problems: list[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class InstanceError(PlacementError):
    """The instance (or an override of it) is invalid: every problem, each with its path."""


class PlanFormatError(PlacementError):
    """A plan JSON given to the evaluator is not in the plan format."""


class SolverError(PlacementError):
    """The solver failed for a reason other than infeasibility or a time limit."""
