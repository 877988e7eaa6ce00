"""The v2 features an instance uses that the solver does not model yet.

The schema accepts every field of the v2 instance format, but the MILP, the accounting
and the evaluator implement only part of it so far. Solving (or checking a plan of) an
instance that uses an unmodelled feature would quietly leave out its cost or its
constraint, so :func:`refuse_unsupported` (called by ``data.prepare`` and ``evaluate``)
refuses it instead, each feature with its path.

Modelled, hence accepted: per-period ``price_per_hour``, ``capex`` and ``energy_per_kwh``
(every cost reads its period's value, through ``Lookup``); token-based profiles
(``candidates.serving``); committed use (``commitments``) and licences
(``license_per_month``); spot pools (``spot``, ``interruptible``, ``market``) and carbon
(a price per tonne, caps per period; ``accounting.emissions``); the ``registry``
placement rule when the model's updates and first copies cost nothing; and everything
with no cost or constraint of its own (coordinates, ``input_tokens``, ``egress_group``
alone, carbon intensities and embodied emissions without a price or a cap). Remove a
feature from here in the change that models it, with its tests.
"""

from __future__ import annotations

from collections.abc import Iterator

from placement.errors import InstanceError, Problem
from placement.labels import with_labels
from placement.network import Routes, compute_routes
from placement.schema import Instance, Model

NOT_YET = "is not modelled by the solver yet"


def _charges_transfers(inst: Instance, model: Model, routes: Routes) -> bool:
    """Whether sending the model's weights from its registry to some site costs money
    (updates and first copies: cost categories ``updates`` and ``deploy``)."""
    if model.registry is None or all(v.size == 0 for v in model.variants):
        return False
    if model.registry_egress_per_gb > 0:
        return True
    paths = (routes.get(model.registry, s.node_id) for s in inst.sites)
    return any(routes.path_cost_per_gb(r) > 0 for r in paths if r is not None)


def _used(inst: Instance) -> Iterator[tuple[str, str]]:
    """(path, feature) for every unmodelled feature the instance uses."""
    for i, s in enumerate(inst.sites):
        if s.egress_tiers is not None:
            yield f"sites[{i}].egress_tiers", "volume-tiered egress (egress_tiers)"
    routes = compute_routes(inst) if any(m.registry for m in inst.models) else None
    for i, m in enumerate(inst.models):
        if routes is not None and _charges_transfers(inst, m, routes):
            yield (
                f"models[{i}].registry",
                "the cost of model updates and first copies from a registry",
            )


def unsupported(inst: Instance) -> list[Problem]:
    """Every v2 feature ``inst`` uses whose cost or constraint the solver does not model
    yet, each at its path (empty: the solver models all of the instance)."""
    return [Problem(path, f"{feature} {NOT_YET}") for path, feature in _used(inst)]


def refuse_unsupported(inst: Instance) -> None:
    """Raise :class:`InstanceError` listing ``unsupported(inst)``, if any."""
    problems = unsupported(inst)
    if problems:
        raise InstanceError(with_labels(problems, inst.model_dump()))
