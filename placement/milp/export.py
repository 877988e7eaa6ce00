"""The same ``Model`` as a pulp problem: for CBC, and for LP and MPS files.

Columns are named ``{block}_{n}`` and rows ``{family}_{n}`` (n: the place in its block or
family; ids stay out of names, pulp mangles them), in the model's order.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

import numpy as np
import pulp

from placement.milp.model import Model

#: The file formats ``write_model`` writes, by suffix.
MODEL_FORMATS = (".mps", ".lp")


def to_pulp(m: Model) -> tuple[pulp.LpProblem, list[pulp.LpVariable]]:
    """The pulp problem of ``m`` and its variables in column order."""
    prob = pulp.LpProblem(m.name, pulp.LpMinimize)
    lower, upper, integer = m.column_bounds()
    variables = [
        prob.add_variable(
            name,
            None if math.isinf(lo) else float(lo),
            None if math.isinf(up) else float(up),
            cat=pulp.LpInteger if is_int else pulp.LpContinuous,
        )
        for name, lo, up, is_int in zip(m.column_names(), lower, upper, integer, strict=True)
    ]
    cost = m.cost_vector()
    prob.setObjective(
        pulp.LpAffineExpression(
            [(variables[j], float(cost[j])) for j in np.flatnonzero(cost)],
            constant=m.objective_constant,
        )
    )
    rows = m.row_matrix()
    numbers: dict[str, int] = {}
    for r in range(len(rows.lower)):
        family, _key = m.row_family(r)
        n = numbers.get(family, 0)
        numbers[family] = n + 1
        span = range(int(rows.start[r]), int(rows.start[r + 1]))
        expr = pulp.LpAffineExpression(
            [(variables[int(rows.index[e])], float(rows.value[e])) for e in span]
        )
        prob.addConstraint(_constraint(expr, rows.lower[r], rows.upper[r]), f"{family}_{n}")
    return prob, variables


def _constraint(expr: pulp.LpAffineExpression, lo: float, up: float) -> pulp.LpConstraint:
    if math.isinf(lo):
        return pulp.LpConstraint(expr, pulp.LpConstraintLE, rhs=float(up))
    if math.isinf(up):
        return pulp.LpConstraint(expr, pulp.LpConstraintGE, rhs=float(lo))
    if lo == up:
        return pulp.LpConstraint(expr, pulp.LpConstraintEQ, rhs=float(lo))
    raise ValueError("a ranged row has no pulp constraint")  # the families write none


def write_model(m: Model, path: str | os.PathLike[str]) -> None:
    """Write ``m`` as an MPS or LP file (by the suffix of ``path``), atomically: a file
    that exists is whole. pulp leaves the objective's constant out of both; it is put back
    (MPS: as the objective row's right-hand side, negated, as solvers read it; LP: as a
    constant term of the objective), so that a solver reading the file reports the NPV."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in MODEL_FORMATS:
        raise ValueError(f"a model file must end in .mps or .lp, not {target.name!r}")
    prob, _ = to_pulp(m)
    fd, tmp = tempfile.mkstemp(prefix=".model-", suffix=suffix, dir=target.parent or ".")
    os.close(fd)
    try:
        if suffix == ".mps":
            prob.writeMPS(tmp)
        else:
            prob.writeLP(tmp)
        _with_constant(Path(tmp), suffix, m.objective_constant)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _with_constant(path: Path, suffix: str, constant: float) -> None:
    """Put the objective's constant into a file pulp wrote (``write_model``)."""
    if constant == 0:
        return
    text = path.read_text()
    if suffix == ".mps":
        line = f"    RHS       OBJ       {-constant:.17g}\n"
        if "\nRHS\n" not in text:  # no row has a right-hand side: the section is new
            at = min(i for i in (text.find("\nBOUNDS\n"), text.find("\nENDATA")) if i >= 0)
            text = f"{text[:at]}\nRHS{text[at:]}"
        text = text.replace("\nRHS\n", f"\nRHS\n{line}", 1)
    else:
        at = text.index("Subject To")
        text = f"{text[:at]} {constant:+.17g}\n{text[at:]}"
    path.write_text(text)
