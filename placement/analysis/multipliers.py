"""Multipliers on cost categories (and demand): the instance with today's figures scaled.

``scale_instance(inst, {"rented": 0.8, "demand": 1.2})`` multiplies, for each key of
``MULTIPLIER_KEYS``:

==============  =================================================================
key             what is multiplied
==============  =================================================================
``rented``      every offer's ``price_per_hour`` (rented hardware)
``capex``       every owned hardware option's ``capex``
``energy``      every site's ``energy_per_kwh``
``egress``      every site's ``egress_per_gb``
``transfer``    every link's ``cost_per_gb``
``demand``      every workload's ``demand_rps`` (each period's value)
``labour``      every site's ``fixed_per_month`` (ops labour, monitoring, security)
``maintenance`` every owned hardware option's ``maintenance_per_month``
``activation``  every site's ``activation_cost``
``migration``   every workload's ``migration_cost``
==============  =================================================================

Budgets, caps and residual values follow from the scaled figures (a capex budget is not
scaled; the residual value of scaled capex is scaled with it). A multiplier of 1 leaves
its figures untouched, bit for bit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from placement.analysis.results import MULTIPLIER_KEYS
from placement.errors import InstanceError, Problem
from placement.schema import Instance
from placement.validate import validate

__all__ = ["MULTIPLIER_KEYS", "check_multipliers", "scale_instance"]

# key → (collection path in the dumped instance, field)
TARGETS: dict[str, tuple[tuple[str, ...], str]] = {
    "rented": (("offers",), "price_per_hour"),
    "capex": (("hardware",), "capex"),
    "energy": (("sites",), "energy_per_kwh"),
    "egress": (("sites",), "egress_per_gb"),
    "transfer": (("network", "links"), "cost_per_gb"),
    "demand": (("workloads",), "demand_rps"),
    "labour": (("sites",), "fixed_per_month"),
    "maintenance": (("hardware",), "maintenance_per_month"),
    "activation": (("sites",), "activation_cost"),
    "migration": (("workloads",), "migration_cost"),
}
assert set(TARGETS) == set(MULTIPLIER_KEYS)


def check_multipliers(multipliers: Mapping[str, Any], where: str = "multipliers") -> list[Problem]:
    """Problems of a multipliers mapping: unknown keys, non-numbers, negatives."""
    problems = []
    for key, value in multipliers.items():
        path = f"{where}.{key}"
        if key not in TARGETS:
            problems.append(
                Problem(path, f"unknown multiplier '{key}' (have: {', '.join(MULTIPLIER_KEYS)})")
            )
        elif isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(Problem(path, f"expected a number, got {value!r}"))
        elif not math.isfinite(value) or value < 0:
            problems.append(Problem(path, f"must be a finite number >= 0, got {value!r}"))
    return problems


def _scale(value: Any, factor: float) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        return [v * factor for v in value]
    return value * factor


def scale_instance(inst: Instance, multipliers: Mapping[str, float]) -> Instance:
    """The instance with each category's figures multiplied (see the module doc).

    Raises :class:`InstanceError` for unknown keys or negative / non-finite multipliers.
    """
    problems = check_multipliers(multipliers)
    if problems:
        raise InstanceError(problems)
    active = {k: float(v) for k, v in multipliers.items() if float(v) != 1.0}
    if not active:
        return inst
    doc = inst.model_dump()
    for key, factor in active.items():
        coll_path, field = TARGETS[key]
        items: Any = doc
        for part in coll_path:
            items = items[part]
        for item in items:
            item[field] = _scale(item[field], factor)
    return validate(doc)


def scaled_fields(key: str) -> tuple[str, str]:
    """(collection, field) a multiplier key scales, for documentation and messages."""
    coll, field = TARGETS[key]
    return ".".join(coll), field
