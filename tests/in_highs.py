"""A built model handed to HiGHS, unsolved, with the greedy start as a column vector: the
raw material of the search and bound tests."""

from __future__ import annotations

from typing import Any

import highspy
import numpy as np

from placement import load_instance
from placement.data import prepare
from placement.heuristic import start_candidates
from placement.milp.build import build
from placement.milp.model import Milp
from placement.milp.solve import _Highs
from placement.milp.start import complete_start


def built(source: Any) -> tuple[Milp, highspy.Highs, np.ndarray]:
    """The Milp of ``source`` (an instance or its path), its HiGHS model, and the greedy
    plan completed to every column (``complete_start``)."""
    data = prepare(load_instance(source))
    m = build(data)
    solver = _Highs(msg=False)
    solver.pending, solver.columns = m.pending, m.columns()
    solver.createAndConfigureSolver(m.problem)
    solver.buildSolverModel(m.problem)
    h = m.problem.solverModel
    x = np.zeros(h.getNumCol())
    for var, value in complete_start(m, start_candidates(data)).items():
        x[var.index] = value
    return m, h, x
