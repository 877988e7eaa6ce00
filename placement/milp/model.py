"""The MILP's variables and the expressions the constraint families share.

Variables (all indexed by sorted ids; created only where they can be nonzero):

- ``x[k]`` binary: candidate k (workload, site, hardware, variant, period) is used;
- ``rent[s,h,p]`` integer: rented units;
- ``buy[s,h,p]`` integer: owned units bought in p (only where t_p >= lead time);
  owned(s,h,p) = existing_units + sum_{q<=p} buy[s,h,q] is an expression;
- ``active[s,p]`` binary: site active (only where it has a fixed or activation cost);
- ``first[s,p]`` binary: site activated in p (only with an activation cost);
- ``move[w,p]`` in [0,1]: workload moves in p (only where moves cost or are limited).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulp

from placement.data import ProblemData


@dataclass
class Milp:
    """A pulp problem with its variables, keyed by the domain's ids."""

    data: ProblemData
    prob: pulp.LpProblem
    x: dict[int, pulp.LpVariable] = field(default_factory=dict)
    rent: dict[tuple[str, str, int], pulp.LpVariable] = field(default_factory=dict)
    buy: dict[tuple[str, str, int], pulp.LpVariable] = field(default_factory=dict)
    active: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    first: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    move: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    objective_constant: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, constraint: pulp.LpConstraint, family: str) -> None:
        """Add a row named ``family_N`` (ids stay out of names: pulp mangles them)."""
        n = self.rows.get(family, 0)
        self.rows[family] = n + 1
        self.prob.addConstraint(constraint, f"{family}_{n}")

    def add_row(self, terms: Terms, sense: str, rhs: float, family: str) -> None:
        """Add ``sum(coef x var for var, coef in terms) <sense> rhs`` (sense "<=", ">=" or
        "=="), built straight from the terms: much faster than pulp's operators on large
        models. A variable listed twice gets the sum of its coefficients."""
        coef: dict[pulp.LpVariable, float] = {}
        for var, c in terms:
            coef[var] = coef.get(var, 0.0) + c
        expr = pulp.LpAffineExpression(coef)
        self.add(pulp.LpConstraint(expr, _SENSES[sense], rhs=rhs), family)

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
_SENSES = {"<=": pulp.LpConstraintLE, ">=": pulp.LpConstraintGE, "==": pulp.LpConstraintEQ}


def create_variables(data: ProblemData, name: str = "placement") -> Milp:
    """The problem and its variables, with bounds from the offers' caps and the demand."""
    m = Milp(data, pulp.LpProblem(name, pulp.LpMinimize))
    lk = data.lk
    for k in range(len(data.cands)):
        m.x[k] = m.prob.add_variable(f"x_{k}", 0, 1, cat=pulp.LpInteger)
    for s, h, p in data.rented_keys():
        ub = data.units_var_upper(s, h, p)
        m.rent[(s, h, p)] = m.prob.add_variable(f"rent_{len(m.rent)}", 0, ub, cat=pulp.LpInteger)
    for s, h in data.owned_offers:
        cap = data.units_var_upper(s, h, 0)
        room = None if cap is None else cap - lk.offers[(s, h)].existing_units
        for p in range(data.n_periods):
            if (room is None or room > 0) and lk.can_buy(h, p):
                m.buy[(s, h, p)] = m.prob.add_variable(
                    f"buy_{len(m.buy)}", 0, room, cat=pulp.LpInteger
                )
    for s in sorted(lk.sites):
        site = lk.sites[s]
        if site.fixed_per_month > 0 or (site.activation_cost > 0 and not site.active_at_start):
            for p in range(data.n_periods):
                m.active[(s, p)] = m.prob.add_variable(
                    f"active_{len(m.active)}", 0, 1, cat=pulp.LpInteger
                )
        if site.activation_cost > 0 and not site.active_at_start:
            for p in range(data.n_periods):
                m.first[(s, p)] = m.prob.add_variable(
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
                m.move[(w, p)] = m.prob.add_variable(f"move_{len(m.move)}", 0, ub)
    return m
