"""Lower bounds on the MILP from row prices, and the LP relaxation's bound by column
generation for models too large for one LP.

Lagrangian (weak) duality: for any prices y on the rows ``lo <= A x <= up`` of
``min c x + offset, l <= x <= u``, with y_r >= 0 only where lo_r is finite and y_r <= 0
only where up_r is finite,

    L(y) = offset + sum_r (y_r lo_r if y_r > 0 else y_r up_r) + sum_j min(rc_j l_j, rc_j u_j),
    rc = c - A^T y,

is at most the LP relaxation's optimum, hence at most the MILP's. L is computed over every
column of the full model, so the bound holds whatever y is and wherever it came from.

Column generation: at XL (half a million candidates, 705k rows) neither the root LP nor the
LP relaxation by interior point finishes in ten minutes. A restricted LP over few x columns
(every other column kept; the plan's candidates and, per assignment row, the cheapest
few at a first guess of capacity prices) is solved by interior point; its row duals price
every column; the most negative reduced costs (a few per assignment row) join; again,
until no column prices out or the time is up. Each round's L(y) is a valid bound, also
with each assignment row's price re-chosen alone (``reprice_assignment``); at the end of
the rounds it is the LP relaxation's optimum.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import highspy
import numpy as np

from placement.milp.arrays import ColumnArrays
from placement.milp.lns import Layout, quiet_highs

#: x columns that join per assignment row and round (and at the first guess).
PER_ROW = 3
#: Column generation stops when the restricted LP's value and the bound are this close
#: (relative): the bound is then the LP relaxation's to within it.
CONVERGED = 1e-4


def lagrangian(arrays: ColumnArrays, y: np.ndarray) -> tuple[float, np.ndarray]:
    """L(y) (module docstring) and the reduced costs rc; prices of the wrong sign for their
    row's finite bounds count as 0."""
    y = np.where((y > 0) & ~np.isfinite(arrays.row_lower), 0.0, y)
    y = np.where((y < 0) & ~np.isfinite(arrays.row_upper), 0.0, y)
    rows = np.where(y > 0, y * _finite(arrays.row_lower), y * _finite(arrays.row_upper)).sum()
    rc = arrays.cost - arrays.transposed(y)
    at = np.where(rc > 0, arrays.lower, arrays.upper)
    with np.errstate(invalid="ignore"):
        columns = np.where(rc == 0, 0.0, rc * at)
    return float(arrays.offset + rows + columns.sum()), rc


def _finite(v: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(v), v, 0.0)


def reprice_assignment(
    arrays: ColumnArrays, y: np.ndarray, rc: np.ndarray, assign_row: np.ndarray
) -> np.ndarray:
    """``y`` with each assignment row's price set to the best for that row alone.

    An assignment row sum_{k in K} x_k = R (x binary) adds R y_r + sum_k min(0, c'_k - y_r)
    to L, with c'_k = rc_k + y_r; that is largest at y_r = the R-th smallest c'_k."""
    xs = np.flatnonzero(assign_row >= 0)
    rows = assign_row[xs]
    own = rc[xs] + y[rows]
    order = np.lexsort((own, rows))
    rows, own = rows[order], own[order]
    rank = _rank_in_group(rows)
    pick = rank == np.round(arrays.row_lower[rows]).astype(np.int64) - 1
    out = y.copy()
    out[rows[pick]] = own[pick]
    return out


def _rank_in_group(groups: np.ndarray) -> np.ndarray:
    """0, 1, 2... within each run of equal values of the sorted ``groups``."""
    if len(groups) == 0:
        return np.zeros(0, np.int64)
    first = np.concatenate(([0], np.flatnonzero(np.diff(groups)) + 1))
    runs = np.diff(np.append(first, len(groups)))
    rank: np.ndarray = np.arange(len(groups)) - np.repeat(first, runs)
    return rank


def _cheapest(mask: np.ndarray, rc: np.ndarray, group: np.ndarray, per: int) -> np.ndarray:
    """The columns of ``mask`` with the ``per`` smallest ``rc`` in each ``group``."""
    cols = np.flatnonzero(mask)
    cols = cols[np.lexsort((rc[cols], group[cols]))]
    return cols[_rank_in_group(group[cols]) < per]


def unit_prices(arrays: ColumnArrays, capacity_row: np.ndarray) -> np.ndarray:
    """A first guess of row prices: on each capacity row, the cheapest cost per unit of
    capacity of the unit columns in it (cost / coefficient, the coefficient negative);
    0 elsewhere."""
    col = arrays.entry_column
    on = capacity_row[arrays.index] & (arrays.value < 0) & (arrays.cost[col] > 0)
    y = np.full(arrays.n_rows, -np.inf)
    np.maximum.at(y, arrays.index[on], arrays.cost[col[on]] / arrays.value[on])
    return np.where(np.isfinite(y), y, 0.0)


def column_generation(
    arrays: ColumnArrays,
    layout: Layout,
    x: np.ndarray,
    deadline: float,
    threads: int | None = None,
    on_bound: Callable[[float], None] | None = None,
    max_rounds: int | None = None,
) -> float:
    """The best L(y) of the first guess and the rounds (module docstring) until
    ``time.perf_counter()`` reaches ``deadline`` (no round starts with less time left than
    the last one took); ``x`` is a plan whose candidates start in the restricted
    LP. ``on_bound`` receives each better bound. ``max_rounds`` (off by default), a work
    limit: at most that many restricted LPs are solved, so that with a deadline never
    reached the bound does not depend on the machine's speed (tests)."""
    is_x = layout.x_assign_row >= 0
    included = ~is_x | (x > 0.5)
    guess = unit_prices(arrays, layout.capacity_row)
    first, rc = lagrangian(arrays, guess)
    # the first guess's own bound (no LP solved: a few sparse products), so that a bound is
    # known however soon the time is up
    repriced, _ = lagrangian(arrays, reprice_assignment(arrays, guess, rc, layout.x_assign_row))
    best = max(first, repriced)
    if on_bound is not None:
        on_bound(best)
    included[_cheapest(is_x, rc, layout.x_assign_row, PER_ROW)] = True
    zeros = np.zeros(arrays.n_cols)
    last = 0.0  # the last round's seconds: rounds only grow, so a round that would not
    # finish in the time left is not started (its time goes to what follows)
    rounds = 0
    while (max_rounds is None or rounds < max_rounds) and (
        left := deadline - time.perf_counter()
    ) > last:
        rounds += 1
        began = time.perf_counter()
        h = quiet_highs(threads)
        lp = arrays.restricted(included, zeros)
        lp.integrality_ = []
        h.passModel(lp)
        h.setOptionValue("solver", "ipm")
        h.setOptionValue("run_crossover", "off")
        h.setOptionValue("time_limit", left)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        last = time.perf_counter() - began
        y = np.zeros(arrays.n_rows)
        y[arrays.kept_rows(included, zeros)] = h.getSolution().row_dual
        value, rc = lagrangian(arrays, y)
        repriced, _ = lagrangian(arrays, reprice_assignment(arrays, y, rc, layout.x_assign_row))
        value = max(value, repriced)
        if value > best:
            best = value
            if on_bound is not None:
                on_bound(best)
        restricted = float(h.getInfo().objective_function_value)
        if restricted - best <= CONVERGED * max(1.0, abs(restricted)):
            break
        joining = _cheapest(is_x & ~included & (rc < 0), rc, layout.x_assign_row, PER_ROW)
        if len(joining) == 0:
            break
        included[joining] = True
    return best
