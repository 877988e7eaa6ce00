"""The v2 features an instance uses that the solver does not model yet.

The schema accepts every field of the v2 instance format, but the MILP, the accounting
and the evaluator implement only part of it so far. Solving (or checking a plan of) an
instance that uses an unmodelled feature would quietly leave out its cost or its
constraint, so :func:`refuse_unsupported` (called by ``data.prepare`` and ``evaluate``)
refuses it instead, each feature with its path.

Modelled, hence accepted: per-period ``price_per_hour``, ``capex`` and ``energy_per_kwh``
(every cost reads its period's value, through ``Lookup``); token-based profiles
(``candidates.serving``); volume-tiered egress (``egress_tiers``, ``egress_group``); the
``registry`` placement rule and the cost of model updates and first copies; spot pools
(``spot``, ``interruptible``, ``market``); carbon (a price per tonne, caps per period;
``accounting.emissions``); and everything with no cost or constraint of its own
(coordinates, ``input_tokens``, carbon intensities and embodied emissions). Remove a
feature from here in the change that models it, with its tests.
"""

from __future__ import annotations

from collections.abc import Iterator

from placement.errors import InstanceError, Problem
from placement.labels import with_labels
from placement.schema import Instance

NOT_YET = "is not modelled by the solver yet"


def _used(inst: Instance) -> Iterator[tuple[str, str]]:
    """(path, feature) for every unmodelled feature the instance uses."""
    for i, o in enumerate(inst.offers):
        if o.commitments:
            yield f"offers[{i}].commitments", "committed use (commitments)"
    for i, h in enumerate(inst.hardware):
        if h.license_per_month > 0:
            yield f"hardware[{i}].license_per_month", "the licence cost (license_per_month)"


def unsupported(inst: Instance) -> list[Problem]:
    """Every v2 feature ``inst`` uses whose cost or constraint the solver does not model
    yet, each at its path (empty: the solver models all of the instance)."""
    return [Problem(path, f"{feature} {NOT_YET}") for path, feature in _used(inst)]


def refuse_unsupported(inst: Instance) -> None:
    """Raise :class:`InstanceError` listing ``unsupported(inst)``, if any."""
    problems = unsupported(inst)
    if problems:
        raise InstanceError(with_labels(problems, inst.model_dump()))
