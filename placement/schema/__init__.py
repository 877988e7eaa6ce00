"""Pydantic v2 models of the instance format (docs/instance-format.md)."""

from placement.schema.hardware import Hardware
from placement.schema.instance import (
    Horizon,
    Instance,
    Link,
    Model,
    Network,
    Offer,
    Period,
    Placement,
    Policy,
    Profile,
    Site,
    Variant,
    Workload,
)

__all__ = [
    "Hardware",
    "Horizon",
    "Instance",
    "Link",
    "Model",
    "Network",
    "Offer",
    "Period",
    "Placement",
    "Policy",
    "Profile",
    "Site",
    "Variant",
    "Workload",
]
