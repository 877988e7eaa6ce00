"""placement: where to run generative-AI workloads, and how to get there in phased waves,
at the least total cost of ownership (the problem: docs/problem.md).

    >>> from placement import load_instance, solve
    >>> plan = solve(load_instance("example:example"))
    >>> plan.status, round(plan.npv, 2)
    ('optimal', 443245.26)
"""

from placement.api import load_instance, solve
from placement.errors import InstanceError, PlacementError, PlanFormatError, Problem, SolverError
from placement.evaluate import Evaluation, evaluate
from placement.plan import Plan
from placement.schema import Instance
from placement.schema.options import SolveOptions

__all__ = [
    "Evaluation",
    "Instance",
    "InstanceError",
    "PlacementError",
    "Plan",
    "PlanFormatError",
    "Problem",
    "SolveOptions",
    "SolverError",
    "evaluate",
    "load_instance",
    "solve",
]
__version__ = "0.1.0"
