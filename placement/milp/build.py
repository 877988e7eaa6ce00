"""Build the MILP: variables, then each constraint family in a fixed order, then the objective."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from placement.data import ProblemData
from placement.milp.constraints.activity import add_activation, add_activity
from placement.milp.constraints.assignment import add_assignment, add_failure_domains
from placement.milp.constraints.bandwidth import add_bandwidth
from placement.milp.constraints.budget import add_capex_budget
from placement.milp.constraints.capacity import add_capacity
from placement.milp.constraints.carbon import add_carbon_cap
from placement.milp.constraints.commitment import add_commitment_cap
from placement.milp.constraints.egress_tiers import add_egress_tiers
from placement.milp.constraints.migration import add_max_migrations, add_moves
from placement.milp.constraints.ownership import add_ownership, add_power
from placement.milp.constraints.spot import add_spot_activity, add_spot_capacity
from placement.milp.constraints.updates import add_first_copies, add_hosting
from placement.milp.objective import set_objective
from placement.milp.variables import Milp, create_variables

FAMILIES: tuple[Callable[[Milp], None], ...] = (
    add_assignment,
    add_failure_domains,
    add_capacity,
    add_ownership,
    add_power,
    add_bandwidth,
    add_activity,
    add_activation,
    add_moves,
    add_max_migrations,
    add_capex_budget,
    add_commitment_cap,
    add_spot_capacity,
    add_spot_activity,
    add_carbon_cap,
    add_egress_tiers,
    add_hosting,
    add_first_copies,
)


Extra = Callable[[Milp], None]


def build(
    data: ProblemData,
    name: str = "placement",
    extras: Sequence[Extra] = (),
    interrupt: Callable[[], None] | None = None,
) -> Milp:
    """The full MILP of the spec for ``data``; ``extras`` then add rows or replace the
    objective (analyses: epsilon-constraints, CVaR, elastic repair). ``interrupt``
    (optional) is called before each constraint family: it may raise to stop (a time
    limit)."""
    m = create_variables(data, name)
    for family in FAMILIES:
        if interrupt is not None:
            interrupt()
        family(m)
    set_objective(m)
    for extra in extras:
        extra(m)
    return m
