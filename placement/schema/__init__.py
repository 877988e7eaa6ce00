"""Pydantic v2 models of the instance format (docs/instance-format.md)."""

from placement.schema.hardware import Hardware
from placement.schema.instance import (
    EgressTier,
    Horizon,
    Instance,
    Link,
    Location,
    Model,
    Network,
    Period,
    Placement,
    Policy,
    Profile,
    Site,
    Variant,
    Workload,
)
from placement.schema.offers import Commitment, Offer, Spot

__all__ = [
    "Commitment",
    "EgressTier",
    "Hardware",
    "Horizon",
    "Instance",
    "Link",
    "Location",
    "Model",
    "Network",
    "Offer",
    "Period",
    "Placement",
    "Policy",
    "Profile",
    "Site",
    "Spot",
    "Variant",
    "Workload",
]
