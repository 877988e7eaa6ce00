"""Multipliers on cost categories (and demand): the instance with today's figures scaled.

``scale_instance(inst, {"rented": 0.8, "demand": 1.2})`` multiplies, for each key of
``MULTIPLIER_KEYS``:

================  ===============================================================
key               what is multiplied
================  ===============================================================
``rented``        every offer's ``price_per_hour`` (on-demand price of rented hardware)
``capex``         every owned hardware option's ``capex``
``energy``        every site's ``energy_per_kwh``
``egress``        every site's ``egress_per_gb`` and its ``egress_tiers`` prices
``transfer``      every link's ``cost_per_gb``
``demand``        every workload's ``demand_rps`` (each period's value)
``labour``        every site's ``fixed_per_month`` (ops labour, monitoring, security)
``maintenance``   every owned hardware option's ``maintenance_per_month``
``activation``    every site's ``activation_cost``
``migration``     every workload's ``migration_cost``
``committed``     every offer's ``commitments[].price_per_hour``
``spot``          every offer's ``spot.price_per_hour`` (each period's value)
``carbon_price``  ``policy.carbon_price_per_t``
``price_trend``   a yearly trend g of rented prices: each offer's on-demand
                  ``price_per_hour`` and ``spot.price_per_hour`` of period p times
                  g^(t_p / 12), t_p the month period p starts (0 for the first)
================  ===============================================================

**The price trend** makes the on-demand and spot prices one value per period (a scalar
becomes a list; the first period's value is the instance's, bit for bit). It leaves
commitment prices alone: ``commitments[].price_per_hour`` is one price for every period
of purchase (the schema has no per-period commitment price), so a trend could only be
applied to it as one factor for the whole horizon, which would misprice the early
purchases or the late ones. Under a falling trend, committing thus gets relatively dearer
than renting on demand later; move commitment prices with ``committed``. With several
keys, the factors multiply (``rented`` and ``price_trend`` both act on on-demand prices).

**The carbon price** is a multiplier like every key: a price of 0 stays 0. An absolute
price is an override, ``--set policy.carbon_price_per_t=VALUE`` (or a scenario's
``overrides``); analyses then move it from there.

Budgets, caps and residual values follow from the scaled figures (a capex budget or a
carbon cap is not scaled; the residual value of scaled capex is scaled with it). A
multiplier of 1 leaves its figures untouched, bit for bit.

``no_effect(inst, key)`` says why a v2 key changes nothing in an instance (no
commitments, no spot, a carbon price of 0 or nothing that emits, a single period or no
rented price): sensitivity leaves such keys out of its default set, and sensitivity and
thresholds refuse them by name.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from placement.analysis.results import MULTIPLIER_KEYS
from placement.errors import InstanceError, Problem
from placement.schema import Instance
from placement.schema.base import value_at
from placement.validate import validate

__all__ = ["MULTIPLIER_KEYS", "V2_KEYS", "check_multipliers", "no_effect", "scale_instance"]

# key → (collection path in the dumped instance, field): one field of each item
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

#: The keys added with v2 (issue 16): they may change nothing in an instance (no_effect).
V2_KEYS = ("committed", "spot", "carbon_price", "price_trend")


def _scale(value: Any, factor: float) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        return [v * factor for v in value]
    return value * factor


def _field(key: str) -> Callable[[dict[str, Any], float], None]:
    coll_path, field = TARGETS[key]

    def scale(doc: dict[str, Any], factor: float) -> None:
        items: Any = doc
        for part in coll_path:
            items = items[part]
        for item in items:
            item[field] = _scale(item[field], factor)

    return scale


def _egress(doc: dict[str, Any], factor: float) -> None:
    """Every site's egress price: its flat ``egress_per_gb`` and each of its
    ``egress_tiers``' ``per_gb`` (the tier limits stay: volumes, not prices)."""
    _field("egress")(doc, factor)
    for site in doc["sites"]:
        for tier in site.get("egress_tiers") or []:
            tier["per_gb"] = tier["per_gb"] * factor


def _committed(doc: dict[str, Any], factor: float) -> None:
    for offer in doc["offers"]:
        for c in offer["commitments"]:
            c["price_per_hour"] = c["price_per_hour"] * factor


def _spot(doc: dict[str, Any], factor: float) -> None:
    for offer in doc["offers"]:
        if offer["spot"] is not None:
            offer["spot"]["price_per_hour"] = _scale(offer["spot"]["price_per_hour"], factor)


def _carbon_price(doc: dict[str, Any], factor: float) -> None:
    doc["policy"]["carbon_price_per_t"] = doc["policy"]["carbon_price_per_t"] * factor


def period_starts(doc: Mapping[str, Any]) -> list[float]:
    """t_p: the month each period starts (0 for the first)."""
    starts, t = [], 0.0
    for p in doc["horizon"]["periods"]:
        starts.append(t)
        t += p["months"]
    return starts


def _trended(value: Any, factor: float, starts: list[float]) -> Any:
    if value is None:
        return None
    return [value_at(value, p) * factor ** (t / 12) for p, t in enumerate(starts)]


def _price_trend(doc: dict[str, Any], factor: float) -> None:
    starts = period_starts(doc)
    for offer in doc["offers"]:
        offer["price_per_hour"] = _trended(offer["price_per_hour"], factor, starts)
        if offer["spot"] is not None:
            spot = offer["spot"]
            spot["price_per_hour"] = _trended(spot["price_per_hour"], factor, starts)


#: key → what scaling it does to the dumped instance (in place)
SCALERS: dict[str, Callable[[dict[str, Any], float], None]] = {
    **{key: _field(key) for key in TARGETS},
    "egress": _egress,
    "committed": _committed,
    "spot": _spot,
    "carbon_price": _carbon_price,
    "price_trend": _price_trend,
}
assert tuple(SCALERS) == MULTIPLIER_KEYS


def check_multipliers(multipliers: Mapping[str, Any], where: str = "multipliers") -> list[Problem]:
    """Problems of a multipliers mapping: unknown keys, non-numbers, negatives."""
    problems = []
    for key, value in multipliers.items():
        path = f"{where}.{key}"
        if key not in SCALERS:
            problems.append(
                Problem(path, f"unknown multiplier '{key}' (have: {', '.join(MULTIPLIER_KEYS)})")
            )
        elif isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(Problem(path, f"expected a number, got {value!r}"))
        elif not math.isfinite(value) or value < 0:
            problems.append(Problem(path, f"must be a finite number >= 0, got {value!r}"))
    return problems


def scale_instance(inst: Instance, multipliers: Mapping[str, float]) -> Instance:
    """The instance with each category's figures multiplied (see the module doc), the
    keys applied in ``MULTIPLIER_KEYS`` order.

    Raises :class:`InstanceError` for unknown keys or negative / non-finite multipliers,
    and when a scaled figure is out of the schema's bounds (with its path).
    """
    problems = check_multipliers(multipliers)
    if problems:
        raise InstanceError(problems)
    active = {k: float(v) for k, v in multipliers.items() if float(v) != 1.0}
    if not active:
        return inst
    doc = inst.model_dump()
    for key in MULTIPLIER_KEYS:
        if key in active:
            SCALERS[key](doc, active[key])
    return validate(doc)


def _positive(value: float | list[float] | None) -> bool:
    if value is None:
        return False
    return any(v > 0 for v in value) if isinstance(value, list) else value > 0


def no_effect(inst: Instance, key: str) -> str | None:
    """Why multiplying ``key`` changes no cost of the instance (None: it may). Only the
    v2 keys are judged (``V2_KEYS``); the v1 keys always give None, as they always ran."""
    offers = inst.offers
    if key == "committed":
        if not any(o.commitments for o in offers):
            return "no offer has commitments"
        if not any(c.price_per_hour > 0 for o in offers for c in o.commitments):
            return "every commitment price is 0"
    elif key == "spot":
        if not any(o.spot for o in offers):
            return "no offer has spot"
        if not any(o.spot and _positive(o.spot.price_per_hour) for o in offers):
            return "every spot price is 0"
    elif key == "carbon_price":
        if inst.policy.carbon_price_per_t == 0:
            return ("policy.carbon_price_per_t is 0 and a multiplier of 0 stays 0: set a "
                    "price with --set policy.carbon_price_per_t=VALUE")
        operational = (any(_positive(s.carbon_g_per_kwh) for s in inst.sites)
                       and any(h.power_w > 0 for h in inst.hardware))
        if not operational and not any(h.embodied_t > 0 for h in inst.hardware):
            return "nothing emits (no carbon intensity with power, no embodied carbon)"
    elif key == "price_trend":
        if len(inst.horizon.periods) == 1:
            return "one period only (the trend is 1 at the first period's start)"
        if not any(_positive(o.price_per_hour) or (o.spot and _positive(o.spot.price_per_hour))
                   for o in offers):
            return "no on-demand or spot price to trend"
    return None

