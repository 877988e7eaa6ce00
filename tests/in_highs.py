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
from placement.milp.highs import load, new_highs
from placement.milp.start import complete_start
from placement.milp.variables import Milp
from placement.schema.options import SolveOptions


def built(source: Any) -> tuple[Milp, highspy.Highs, np.ndarray]:
    """The Milp of ``source`` (an instance or its path), its HiGHS model, and the greedy
    plan completed to every column (``complete_start``)."""
    data = prepare(load_instance(source))
    m = build(data)
    h = new_highs(SolveOptions())
    load(h, m)
    return m, h, complete_start(m, start_candidates(data))
