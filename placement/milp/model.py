"""The MILP as arrays: column blocks and row families keyed by the domain's index tuples.

A ``Model`` is one representation of the problem, fed to every solver and analysis:

- **columns** come in named blocks (``x``, ``rent``, ...; an analysis adds its own), each
  a mapping from the domain's key (a candidate number, ``(site, hardware, period)``...)
  to a column number, with bounds and integrality per column;
- **rows** ``lower <= sum_e coef_e col_e <= upper`` are kept in the order they were
  added, each with its family (``assign``, ``cap``, ...) and its key within the family;
  ``row(family, key)`` and ``rows_in(family)`` find them; no name strings are parsed;
- the **objective** is a cost per column plus a constant (minimised).

``arrays`` gives the whole model as numpy arrays (``ColumnArrays``: what HiGHS, the
neighbourhood search and the bounds take); ``placement.milp.export`` makes the same model
a pulp problem, for CBC and for LP/MPS files. ``relax`` makes a family's rows elastic
(a slack column per group of rows, Calliope's "ensure feasibility"), ``fix`` fixes
columns; both act on the rows and columns the families built, so an analysis never
writes a family twice.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from placement.milp.arrays import ColumnArrays, csr, transpose

#: A row's terms: (column, coefficient) pairs; a column listed twice gets the sum.
Terms = list[tuple[int, float]]
Key = Hashable


@dataclass
class _Bounded:
    """Bounds, one lower and one upper per column (or per row); infinite where none."""

    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)


@dataclass
class _Columns(_Bounded):
    block: list[str] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)


@dataclass
class _Rows(_Bounded):
    """Rows in the order added: row r's entries are ``col``/``coef`` over
    ``start[r]:start[r + 1]``."""

    family: list[str] = field(default_factory=list)
    key: list[Key] = field(default_factory=list)
    start: list[int] = field(default_factory=lambda: [0])
    col: list[int] = field(default_factory=list)
    coef: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class RowMatrix:
    """The rows as arrays: bounds, and the matrix row-wise (``start`` per row, column
    ``index``, ``value``), each column at most once per row, no zero coefficients."""

    lower: np.ndarray
    upper: np.ndarray
    start: np.ndarray
    index: np.ndarray
    value: np.ndarray


class Model:
    """Column blocks, row families and the objective of a MILP (module docstring)."""

    def __init__(self, name: str = "placement") -> None:
        self.name = name
        self.blocks: dict[str, dict[Any, int]] = {}
        self._cols = _Columns()
        self._rows = _Rows()
        self._at: dict[tuple[str, Key], int] = {}
        self._families: dict[str, list[int]] = {}
        self._added: list[tuple[int, int, float]] = []  # (row, column, coefficient) of relax
        self.cost: dict[int, float] = {}
        self.objective_constant = 0.0
        self._matrix: RowMatrix | None = None  # row_matrix(), until a row changes

    # -- columns ------------------------------------------------------------------------

    def block(self, name: str) -> dict[Any, int]:
        """The columns of block ``name`` by key (an empty block if none was added)."""
        return self.blocks.setdefault(name, {})

    def add_col(
        self,
        block: str,
        key: Any,
        lower: float | None = 0.0,
        upper: float | None = None,
        integer: bool = False,
    ) -> int:
        """A new column of ``block`` at ``key`` (None bounds: unbounded); its number."""
        cols = self._cols
        j = len(cols.block)
        self._matrix = None
        cols.block.append(block)
        cols.lower.append(-math.inf if lower is None else float(lower))
        cols.upper.append(math.inf if upper is None else float(upper))
        cols.integer.append(integer)
        self.block(block)[key] = j
        return j

    @property
    def n_cols(self) -> int:
        return len(self._cols.block)

    def bounds(self, j: int) -> tuple[float, float]:
        return self._cols.lower[j], self._cols.upper[j]

    def fix(self, columns: Iterable[int], value: float) -> None:
        """Fix ``columns`` at ``value`` (lower = upper)."""
        for j in columns:
            self._cols.lower[j] = self._cols.upper[j] = float(value)

    def column_names(self) -> list[str]:
        """``{block}_{n}``, n the column's place in its block (for LP/MPS files)."""
        names = [""] * self.n_cols
        for block, cols in self.blocks.items():
            for n, j in enumerate(cols.values()):
                names[j] = f"{block}_{n}"
        return names

    # -- rows ---------------------------------------------------------------------------

    def add_row(self, terms: Terms, sense: str, rhs: float, family: str, key: Key) -> int:
        """Add ``sum(coef x col for col, coef in terms) <sense> rhs`` (sense "<=", ">=" or
        "==") as the row ``key`` of ``family``; its number. A column listed twice gets the
        sum of its coefficients."""
        rows = self._rows
        r = len(rows.family)
        self._matrix = None
        if (family, key) in self._at:
            raise ValueError(f"row {family}[{key!r}] added twice")
        self._at[(family, key)] = r
        self._families.setdefault(family, []).append(r)
        rows.family.append(family)
        rows.key.append(key)
        rows.lower.append(-math.inf if sense == "<=" else float(rhs))
        rows.upper.append(math.inf if sense == ">=" else float(rhs))
        for col, coef in terms:
            rows.col.append(col)
            rows.coef.append(coef)
        rows.start.append(len(rows.col))
        return r

    def add_rows(
        self,
        family: str,
        keys: Sequence[Key],
        start: np.ndarray,
        cols: np.ndarray,
        coefs: np.ndarray,
        lower: np.ndarray,
        upper: np.ndarray,
    ) -> range:
        """Add rows of ``family`` in bulk, from arrays: row i, keyed ``keys[i]``, is
        ``lower[i] <= sum_e coefs[e] col cols[e] <= upper[i]`` over e in
        ``start[i]:start[i + 1]`` (infinite bounds: none); their numbers."""
        rows = self._rows
        first = len(rows.family)
        self._matrix = None
        base = len(rows.col)
        for i, key in enumerate(keys):
            if (family, key) in self._at:
                raise ValueError(f"row {family}[{key!r}] added twice")
            self._at[(family, key)] = first + i
        added = range(first, first + len(keys))
        self._families.setdefault(family, []).extend(added)
        rows.family.extend([family] * len(keys))
        rows.key.extend(keys)
        rows.lower.extend(np.asarray(lower, np.float64).tolist())
        rows.upper.extend(np.asarray(upper, np.float64).tolist())
        rows.col.extend(np.asarray(cols, np.int64).tolist())
        rows.coef.extend(np.asarray(coefs, np.float64).tolist())
        rows.start.extend((base + np.asarray(start[1:], np.int64)).tolist())
        return added

    @property
    def n_rows(self) -> int:
        return len(self._rows.family)

    def row(self, family: str, key: Key) -> int:
        """The number of row ``key`` of ``family`` (KeyError if there is none)."""
        return self._at[(family, key)]

    def rows_in(self, family: str) -> list[int]:
        """The rows of ``family``, in the order they were added."""
        return list(self._families.get(family, []))

    def keys_in(self, family: str) -> list[Key]:
        """The keys of ``family``'s rows, in the order they were added."""
        return [self._rows.key[r] for r in self._families.get(family, [])]

    def row_bounds(self, r: int) -> tuple[float, float]:
        """Row ``r``'s lower and upper bound (infinite where it has none)."""
        return self._rows.lower[r], self._rows.upper[r]

    def row_family(self, r: int) -> tuple[str, Key]:
        return self._rows.family[r], self._rows.key[r]

    @property
    def row_counts(self) -> dict[str, int]:
        """Rows per family, in the order families first appeared."""
        return {family: len(rows) for family, rows in self._families.items()}

    def relax(
        self,
        family: str,
        group: Callable[[Key], Hashable | None],
        scale: Mapping[Hashable, float],
        upper: Mapping[Hashable, float | None] | None = None,
        block: str = "slack",
    ) -> dict[Hashable, int]:
        """Make the rows of ``family`` elastic: one slack column ``sigma_g >= 0`` (at most
        ``upper[g]``) per group ``g = group(key)`` (None: the row stays as it is), entered
        in each of the group's rows as ``- scale[g] sigma_g`` in a ``<=`` row and ``+ scale[g]
        sigma_g`` in a ``>=`` row: ``A x <= b`` becomes ``A x <= b + scale sigma``. The
        slacks' columns by group; the objective is the caller's to set."""
        slack: dict[Hashable, int] = {}
        rows = self._rows
        for r in self._families.get(family, []):
            g = group(rows.key[r])
            if g is None:
                continue
            if g not in slack:
                top = None if upper is None else upper.get(g)
                slack[g] = self.add_col(block, (family, g), 0.0, top)
            sign = -1.0 if math.isinf(rows.lower[r]) else 1.0
            self._added.append((r, slack[g], sign * scale[g]))
        self._matrix = None
        return slack

    # -- objective and arrays ------------------------------------------------------------

    def set_objective(self, cost: Mapping[int, float], constant: float = 0.0) -> None:
        """Minimise ``sum_j cost[j] col_j + constant``."""
        self.cost = dict(cost)
        self.objective_constant = float(constant)

    def row_matrix(self) -> RowMatrix:
        """The rows as arrays (``RowMatrix``), in the order they were added."""
        if self._matrix is None:
            self._matrix = self._make_row_matrix()
        return self._matrix

    def _make_row_matrix(self) -> RowMatrix:
        rows = self._rows
        start = np.asarray(rows.start, np.int64)
        col = np.asarray(rows.col, np.int64)
        coef = np.asarray(rows.coef, np.float64)
        if self._added:  # relax's entries go at the end of their rows
            added = zip(*self._added, strict=True)
            extra_row, extra_col, extra_coef = (np.asarray(a) for a in added)
            row = np.concatenate((np.repeat(np.arange(self.n_rows), np.diff(start)), extra_row))
            order = np.argsort(row, kind="stable")
            col = np.concatenate((col, extra_col.astype(np.int64)))[order]
            coef = np.concatenate((coef, extra_coef.astype(np.float64)))[order]
            counts = np.bincount(row, minlength=self.n_rows)
            start = np.concatenate(([0], np.cumsum(counts)))
        s, index, value = csr(start, col, coef, self.n_cols)
        return RowMatrix(
            np.asarray(rows.lower, np.float64), np.asarray(rows.upper, np.float64), s, index, value
        )

    def cost_vector(self) -> np.ndarray:
        c = np.zeros(self.n_cols)
        for j, v in self.cost.items():
            c[j] += v
        return c

    def column_bounds(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Lower and upper bounds and integrality (bool) of every column."""
        cols = self._cols
        return (
            np.asarray(cols.lower, np.float64),
            np.asarray(cols.upper, np.float64),
            np.asarray(cols.integer, bool),
        )

    def arrays(self, rows: RowMatrix | None = None) -> ColumnArrays:
        """The whole model as ``ColumnArrays`` (the matrix column-wise)."""
        rows = rows or self.row_matrix()
        lower, upper, integer = self.column_bounds()
        start, index, value = transpose(rows.start, rows.index, rows.value, self.n_cols)
        return ColumnArrays(
            self.cost_vector(),
            lower,
            upper,
            integer,
            rows.lower,
            rows.upper,
            start,
            index,
            value,
            self.objective_constant,
        )

    def activity(self, r: int, x: np.ndarray) -> float:
        """Row ``r``'s activity at ``x`` (one value per column), over the terms its family
        wrote (a ``relax`` slack left out)."""
        rows = self._rows
        span = range(rows.start[r], rows.start[r + 1])
        return float(sum(rows.coef[e] * x[rows.col[e]] for e in span))
