"""A MILP as plain arrays, and the sparse-matrix conversions the engine needs.

``ColumnArrays`` is the form the neighbourhood search and the bounds work on (the matrix
column-wise, as in HiGHS's ``a_matrix_``); ``Model.arrays`` makes it from the row blocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import highspy
import numpy as np

from placement.milp.isolated import Parts, highs_lp


def csr(
    starts: np.ndarray, index: np.ndarray, value: np.ndarray, n_cols: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row-wise sparse arrays (starts, column indices, values) with each column at most
    once per row (coefficients summed) and no zero coefficients, in the given order."""
    start = np.asarray(starts, np.int64)
    col, val = np.asarray(index, np.int64), np.asarray(value, np.float64)
    row = np.repeat(np.arange(len(start) - 1), np.diff(start))
    key = row * n_cols + col
    unique, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    if len(unique) < len(key):  # a column twice in a row: sum, keep the first's place
        total = np.bincount(inverse, weights=val, minlength=len(unique))
        order = np.sort(first)
        row, col, val = row[order], col[order], total[inverse[order]]
    keep = val != 0
    row, col, val = row[keep], col[keep], val[keep]
    counts = np.bincount(row, minlength=len(start) - 1)
    start = np.concatenate(([0], np.cumsum(counts)))
    return start.astype(np.int32), col.astype(np.int32), val


def transpose(
    start: np.ndarray, index: np.ndarray, value: np.ndarray, n_cols: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A row-wise matrix (``start`` per row, column ``index``) column-wise: each column's
    entries in row order."""
    n_rows = len(start) - 1
    index = np.asarray(index, np.int64)
    rows = np.repeat(np.arange(n_rows), np.diff(start))
    order = np.argsort(index, kind="stable")
    counts = np.bincount(index, minlength=n_cols)
    return (
        np.concatenate(([0], np.cumsum(counts))).astype(np.int64),
        rows[order],
        np.asarray(value, np.float64)[order],
    )


@dataclass(frozen=True)
class ColumnArrays:
    """A HiGHS model as arrays, the matrix column-wise: ``start``, ``index`` (row) and
    ``value`` of each column's entries, as in HiGHS's own ``a_matrix_``."""

    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    integer: np.ndarray  # bool, per column
    row_lower: np.ndarray
    row_upper: np.ndarray
    start: np.ndarray
    index: np.ndarray
    value: np.ndarray
    offset: float

    @classmethod
    def of(cls, h: highspy.Highs) -> ColumnArrays:
        """The arrays of the model in ``h``."""
        lp = h.getLp()
        n, m = lp.num_col_, lp.num_row_
        a = lp.a_matrix_
        start = np.asarray(a.start_, np.int64)
        index = np.asarray(a.index_, np.int64)
        value = np.asarray(a.value_, np.float64)
        integrality = np.asarray([int(t) for t in lp.integrality_], np.int64)
        integer = integrality == int(highspy.HighsVarType.kInteger)
        if len(integer) == 0:
            integer = np.zeros(n, bool)
        if a.format_ != highspy.MatrixFormat.kColwise:
            start, index, value = transpose(start[: m + 1], index, value, n)
        return cls(
            np.asarray(lp.col_cost_, np.float64),
            np.asarray(lp.col_lower_, np.float64),
            np.asarray(lp.col_upper_, np.float64),
            integer,
            np.asarray(lp.row_lower_, np.float64),
            np.asarray(lp.row_upper_, np.float64),
            start[: n + 1],
            index,
            value,
            float(lp.offset_),
        )

    @property
    def n_cols(self) -> int:
        return len(self.cost)

    @property
    def n_rows(self) -> int:
        return len(self.row_lower)

    @cached_property
    def entry_column(self) -> np.ndarray:
        """The column of each entry of the matrix."""
        return np.repeat(np.arange(self.n_cols), self.lengths)

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.start)

    def objective(self, x: np.ndarray) -> float:
        return float(self.cost @ x) + self.offset

    def activity(self, x: np.ndarray, columns: np.ndarray | None = None) -> np.ndarray:
        """Row activities A x, over ``columns`` (a bool mask) only if given."""
        weights = self.value * np.repeat(x, self.lengths)
        rows = self.index
        if columns is not None:
            keep = np.repeat(columns, self.lengths)
            weights, rows = weights[keep], rows[keep]
        return np.bincount(rows, weights=weights, minlength=self.n_rows)

    def violation(self, x: np.ndarray) -> float:
        """The largest violation by ``x`` of a column bound, a row bound or integrality."""
        ax = self.activity(x)
        worst = [
            np.max(self.lower - x, initial=0.0),
            np.max(x - self.upper, initial=0.0),
            np.max(self.row_lower - ax, initial=0.0),
            np.max(ax - self.row_upper, initial=0.0),
            np.max(np.abs(x - np.round(x))[self.integer], initial=0.0),
        ]
        return float(max(worst))

    def restricted(self, free: np.ndarray, x: np.ndarray) -> highspy.HighsLp:
        """The model over the ``free`` columns (a bool mask), the others fixed at ``x``
        (``restricted_parts``), as a HighsLp."""
        return highs_lp(self.restricted_parts(free, x))

    def restricted_parts(self, free: np.ndarray, x: np.ndarray) -> Parts:
        """The model over the ``free`` columns (a bool mask), the others fixed at ``x``, as
        arrays: fixed columns' activity moves into the row bounds and their cost into the
        offset; rows without a free column, and rows the free columns' bounds imply, are
        left out (a fixed candidate's rows at a re-planned site: at XL they were 10 of 11
        rows)."""
        cols = np.flatnonzero(free)
        entries = np.repeat(free, self.lengths)
        rows_of_entries = self.index[entries]
        rows, row_lower, row_upper = self._rows(free, x)
        renumber = np.full(self.n_rows, -1, np.int64)
        renumber[rows] = np.arange(len(rows))
        kept = renumber[rows_of_entries] >= 0
        col_of_entries = np.repeat(np.arange(len(cols)), self.lengths[cols])
        counts = np.bincount(col_of_entries[kept], minlength=len(cols))
        return {
            "col_cost": self.cost[cols],
            "col_lower": self.lower[cols],
            "col_upper": self.upper[cols],
            "row_lower": row_lower[rows],
            "row_upper": row_upper[rows],
            "offset": self.offset + float(self.cost[~free] @ x[~free]),
            "start": np.concatenate(([0], np.cumsum(counts))),
            "index": renumber[rows_of_entries[kept]],
            "value": self.value[entries][kept],
            "integer": self.integer[cols],
        }

    def kept_rows(self, free: np.ndarray, x: np.ndarray) -> np.ndarray:
        """The rows of ``restricted(free, x)``, as numbers of this model's rows."""
        return self._rows(free, x)[0]

    def _rows(self, free: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, ...]:
        """The kept rows and every row's bounds with the fixed columns moved into them."""
        entries = np.repeat(free, self.lengths)
        fixed_activity = self.activity(x, ~free)
        row_lower = self.row_lower - fixed_activity
        row_upper = self.row_upper - fixed_activity
        rows = np.flatnonzero(
            (np.bincount(self.index[entries], minlength=self.n_rows) > 0)
            & ~self._implied(entries, row_lower, row_upper)
        )
        return rows, row_lower, row_upper

    def transposed(self, y: np.ndarray) -> np.ndarray:
        """A^T y: each column's entries weighted by ``y`` (one value per row)."""
        return np.bincount(
            self.entry_column, weights=self.value * y[self.index], minlength=self.n_cols
        )

    def _implied(self, entries: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
        """Rows (a bool mask) that the bounds of the columns in ``entries`` (a mask of the
        matrix's entries) already imply within ``[lower, upper]``: every value the columns
        may take keeps the row's activity inside. Leaving them out changes nothing."""
        col = self.entry_column[entries]
        value, rows = self.value[entries], self.index[entries]
        with np.errstate(invalid="ignore"):
            low = np.where(value > 0, value * self.lower[col], value * self.upper[col])
            high = np.where(value > 0, value * self.upper[col], value * self.lower[col])
        least = np.bincount(rows, weights=low, minlength=self.n_rows)
        most = np.bincount(rows, weights=high, minlength=self.n_rows)
        return (least >= lower) & (most <= upper)

    def relaxation(self) -> highspy.HighsLp:
        """The LP relaxation: every column continuous."""
        parts = self.restricted_parts(np.ones(self.n_cols, bool), np.zeros(self.n_cols))
        return highs_lp({**parts, "integer": None})
