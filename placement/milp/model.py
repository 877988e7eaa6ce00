"""The MILP's variables and the expressions the constraint families share.

Variables (all indexed by sorted ids; created only where they can be nonzero):

- ``x[k]`` binary: candidate k (workload, site, hardware, variant, period) is used;
- ``rent[s,h,p]`` integer: rented units;
- ``buy[s,h,p]`` integer: owned units bought in p (only where t_p >= lead time);
  owned(s,h,p) = existing_units + sum_{q<=p} buy[s,h,q] is an expression;
- ``active[s,p]`` binary: site active (only where it has a fixed or activation cost);
- ``first[s,p]`` binary: site activated in p (only with an activation cost);
- ``move[w,p]`` in [0,1]: workload moves in p (only where moves cost or are limited);
- ``drop[w,s,p]`` in [0,1] (tight formulation, p > 0, where ``move[w,p]`` exists, up to
  DROPS_MAX_CANDIDATES candidates): site s served w in p-1 and does not in p
  (``constraints/migration.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulp

from placement.data import ProblemData


@dataclass
class Rows:
    """Rows not yet made pulp constraints: row r is ``lower[r] <= sum_e coef[e] var[e] <=
    upper[r]`` over e in ``start[r]:start[r+1]`` (a variable listed twice counts with the
    sum of its coefficients), named ``{family[r]}_{number[r]}``."""

    family: list[str] = field(default_factory=list)
    number: list[int] = field(default_factory=list)
    lower: list[float | None] = field(default_factory=list)
    upper: list[float | None] = field(default_factory=list)
    start: list[int] = field(default_factory=lambda: [0])
    var: list[pulp.LpVariable] = field(default_factory=list)
    coef: list[float] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.family)


@dataclass
class Milp:
    """A pulp problem with its variables, keyed by the domain's ids.

    Rows added with ``add_row`` wait in ``pending`` (plain lists: creating millions of
    pulp expressions dominated the build of large models); HiGHS takes them from there in
    bulk (``placement.milp.solve``), and ``prob`` makes them pulp constraints, in order,
    for everything else (CBC, MPS files, analyses that add pulp rows).
    """

    data: ProblemData
    problem: pulp.LpProblem
    x: dict[int, pulp.LpVariable] = field(default_factory=dict)
    rent: dict[tuple[str, str, int], pulp.LpVariable] = field(default_factory=dict)
    buy: dict[tuple[str, str, int], pulp.LpVariable] = field(default_factory=dict)
    active: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    first: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    move: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    drop: dict[tuple[str, str, int], pulp.LpVariable] = field(default_factory=dict)
    objective_constant: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    pending: Rows = field(default_factory=Rows)

    @property
    def prob(self) -> pulp.LpProblem:
        """The pulp problem with every row in it (pending rows become constraints)."""
        self.flush()
        return self.problem

    def _number(self, family: str) -> int:
        """The next row number of ``family``: rows are named ``family_N`` (ids stay out of
        names: pulp mangles them)."""
        n = self.rows.get(family, 0)
        self.rows[family] = n + 1
        return n

    def add(self, constraint: pulp.LpConstraint, family: str) -> None:
        """Add a pulp row named ``family_N``, after every pending row."""
        self.flush()
        self.problem.addConstraint(constraint, f"{family}_{self._number(family)}")

    def add_row(self, terms: Terms, sense: str, rhs: float, family: str) -> None:
        """Add ``sum(coef x var for var, coef in terms) <sense> rhs`` (sense "<=", ">=" or
        "==") to the pending rows. A variable listed twice gets the sum of its
        coefficients."""
        rows = self.pending
        rows.family.append(family)
        rows.number.append(self._number(family))
        rows.lower.append(None if sense == "<=" else rhs)
        rows.upper.append(None if sense == ">=" else rhs)
        if terms:
            variables, coefs = zip(*terms, strict=True)
            rows.var.extend(variables)
            rows.coef.extend(coefs)
        rows.start.append(len(rows.var))

    def flush(self) -> None:
        """Make the pending rows pulp constraints, in the order they were added."""
        rows = self.pending
        for r, family in enumerate(rows.family):
            coef: dict[pulp.LpVariable, float] = {}
            for e in range(rows.start[r], rows.start[r + 1]):
                coef[rows.var[e]] = coef.get(rows.var[e], 0.0) + rows.coef[e]
            expr = pulp.LpAffineExpression(coef)
            lo, up = rows.lower[r], rows.upper[r]
            if lo is None:
                con = pulp.LpConstraint(expr, pulp.LpConstraintLE, rhs=up)
            elif up is None:
                con = pulp.LpConstraint(expr, pulp.LpConstraintGE, rhs=lo)
            else:
                con = pulp.LpConstraint(expr, pulp.LpConstraintEQ, rhs=lo)
            self.problem.addConstraint(con, f"{family}_{rows.number[r]}")
        self.pending = Rows()

    def columns(self) -> list[pulp.LpVariable]:
        """Every variable the model created, in a fixed order (analyses' extras not
        included)."""
        out: list[pulp.LpVariable] = []
        for group in self.groups:
            out += group.values()
        return out

    @property
    def n_variables(self) -> int:
        """The variables the model created (analyses' extra variables not counted)."""
        return sum(len(group) for group in self.groups)

    @property
    def groups(self) -> tuple[dict[Any, pulp.LpVariable], ...]:
        """The variables by kind, in the columns' order."""
        return (self.x, self.rent, self.buy, self.active, self.first, self.move, self.drop)

    def served_terms(self, w: str, s: str, p: int) -> Terms:
        """Y(w,s,p) = sum over (h, v) of x, as terms."""
        x = self.x
        return [(x[k], 1.0) for k in self.data.by_wsp.get((w, s, p), [])]

    def units_terms(self, s: str, h: str, p: int) -> tuple[Terms, float]:
        """units(s,h,p) as (terms, constant): rent[s,h,p] (rented), or existing_units +
        sum_{q<=p} buy[s,h,q] (owned)."""
        if self.data.lk.is_owned(h):
            existing = float(self.data.lk.offers[(s, h)].existing_units)
            buys = [(self.buy[(s, h, q)], 1.0) for q in range(p + 1) if (s, h, q) in self.buy]
            return buys, existing
        var = self.rent.get((s, h, p))
        return ([] if var is None else [(var, 1.0)]), 0.0

    def served(self, w: str, s: str, p: int) -> pulp.LpAffineExpression:
        """Y(w,s,p) = sum over (h, v) of x: 1 when site s serves workload w in p."""
        return pulp.LpAffineExpression(self.served_terms(w, s, p))

    def owned(self, s: str, h: str, p: int) -> pulp.LpAffineExpression:
        """owned(s,h,p) = existing_units + sum_{q<=p} buy[s,h,q]."""
        terms, existing = self.units_terms(s, h, p)
        return pulp.LpAffineExpression(terms, constant=existing)

    def units(self, s: str, h: str, p: int) -> pulp.LpAffineExpression | pulp.LpVariable | float:
        """Units in service: rented units, or owned units."""
        if self.data.lk.is_owned(h):
            return self.owned(s, h, p)
        return self.rent.get((s, h, p), 0.0)


Terms = list[tuple[pulp.LpVariable, float]]

#: ``drop`` columns only up to this many candidates: at XL (523k candidates, no MIP after
#: the search) their 212k columns slowed the column generation and the search (bound 330.4M
#: and plan 388.1M in 600 s, against 339.6M and 380.3M without them).
DROPS_MAX_CANDIDATES = 200_000


def create_variables(data: ProblemData, name: str = "placement") -> Milp:
    """The problem and its variables, with bounds from the offers' caps and the demand."""
    m = Milp(data, pulp.LpProblem(name, pulp.LpMinimize))
    lk = data.lk
    for k in range(len(data.cands)):
        m.x[k] = m.problem.add_variable(f"x_{k}", 0, 1, cat=pulp.LpInteger)
    for s, h, p in data.rented_keys():
        ub = data.units_var_upper(s, h, p)
        m.rent[(s, h, p)] = m.problem.add_variable(f"rent_{len(m.rent)}", 0, ub, cat=pulp.LpInteger)
    for s, h in data.owned_offers:
        cap = data.units_var_upper(s, h, 0)
        room = None if cap is None else cap - lk.offers[(s, h)].existing_units
        for p in range(data.n_periods):
            if (room is None or room > 0) and lk.can_buy(h, p):
                m.buy[(s, h, p)] = m.problem.add_variable(
                    f"buy_{len(m.buy)}", 0, room, cat=pulp.LpInteger
                )
    for s in sorted(lk.sites):
        site = lk.sites[s]
        if site.fixed_per_month > 0 or (site.activation_cost > 0 and not site.active_at_start):
            for p in range(data.n_periods):
                m.active[(s, p)] = m.problem.add_variable(
                    f"active_{len(m.active)}", 0, 1, cat=pulp.LpInteger
                )
        if site.activation_cost > 0 and not site.active_at_start:
            for p in range(data.n_periods):
                m.first[(s, p)] = m.problem.add_variable(
                    f"first_{len(m.first)}", 0, 1, cat=pulp.LpInteger
                )
    for w in sorted(lk.workloads):
        wl = lk.workloads[w]
        for info in lk.periods:
            p = info.index
            limited = info.spec.max_migrations is not None
            frozen = info.spec.pilot and wl.criticality == "high"
            if wl.migration_cost > 0 or limited or frozen:
                ub = 0 if frozen else 1
                m.move[(w, p)] = m.problem.add_variable(f"move_{len(m.move)}", 0, ub)
                if p > 0 and data.tight and len(data.cands) <= DROPS_MAX_CANDIDATES:
                    for s in data.sites_by_wp.get((w, p - 1), []):
                        m.drop[(w, s, p)] = m.problem.add_variable(
                            f"drop_{len(m.drop)}", 0, ub
                        )
    return m
