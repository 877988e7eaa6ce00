"""Typed errors of the library. Every error carries the list of problems it found."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in an input, located by its field path (``workloads[2].origin``).

    ``path`` is the bare path (code compares it; ``--set`` takes it); ``label`` is the same
    path with the ids of its list items (``workloads[2] (chat-eu).origin``) for people to
    read, or empty when there is nothing to add. ``str()`` shows the label when there is one.
    """

    path: str
    message: str
    label: str = field(default="", compare=False)

    @property
    def where(self) -> str:
        """The path as shown to people: the labelled one when known, else the bare one."""
        return self.label or self.path

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


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
