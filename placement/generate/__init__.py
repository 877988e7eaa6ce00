"""Synthetic instances for benchmarks: realistic, every feature of the spec in use, feasible
by construction, and deterministic (same arguments → the same mapping, hence the same file).

What is generated (figures are public-list-price-like; nothing is measured):

- **Geography**: metros on four continents with jurisdictions; ~40% of the sites are cloud
  regions (AWS / GCP / Azure-like, at those metros), the rest edge sites (stores, plants,
  telco local zones) and on-premises rooms. Every metro with a region has a user-population
  node ``users-<metro>`` linked to the regions of its continent (one-way latency 5-80 ms:
  access + ~1 ms per 130 km), each provider's regions are linked by its backbone (transfer
  ``cost_per_gb``), edge sites hang off their metro's users node behind a capped access
  link, on-prem rooms sit on metro fibre and a capped corporate WAN.
- **Hardware**: rented L4 / L40S / H100-class units (~0.8 / 1.9 / 12 $/h, by provider and
  continent); owned Jetson-class boxes, 4xL40S and 8xH100 servers with capex, lifetime,
  power, maintenance and lead times.
- **Models**: six model families with 2-3 variants (memory, quality) and throughput /
  latency profiles per (model, variant, hardware) from per-family base figures and
  per-hardware speed factors (some pairs missing: incompatible).
- **Workloads**: demand growing per period, load factor, latency SLO, payload sizes,
  min_quality, residency on some, allowed_kinds on some, 2 replicas (high criticality) on
  ~15%, a current cloud placement on ~70%, migration costs.
- **Periods**: a pilot (``pilot: true``, few migrations, small capex budget), migration
  waves (max_migrations, capex_budget), a steady period.

Feasible by construction: every workload gets a *stay* placement per replica — rented
hardware in a cloud region of its residency, within its SLO (the SLO is set from it), in
distinct failure domains; its current placement when it has one. Every capacity that the
stay plan uses (offer caps, link bandwidth, power) is then raised to fit it with room to
spare, and the migration limits and budgets never bind staying put; so the plan "every
workload at its stay placement in every period, units as needed" meets every rule.
"""

from __future__ import annotations

from typing import Any

from placement.generate.assemble import InstanceGenerator
from placement.generate.limits import (
    MAX_GROWTH,
    MAX_HORIZON_MONTHS,
    MAX_PERIODS,
    MAX_QUOTA_UNITS,
    MAX_SITES,
    MAX_WORKLOADS,
    check_sizes,
)

__all__ = [
    "MAX_GROWTH", "MAX_HORIZON_MONTHS", "MAX_PERIODS", "MAX_QUOTA_UNITS", "MAX_SITES",
    "MAX_WORKLOADS", "InstanceGenerator", "check_sizes", "generate", "generate_yaml",
]


def generate(workloads: int, sites: int, periods: int, seed: int) -> dict[str, Any]:
    """A synthetic instance mapping (see the module docstring); pure and deterministic.
    Raises ValueError when a size is outside 1..its cap or the seed is negative."""
    return InstanceGenerator(workloads, sites, periods, seed).run()


def generate_yaml(workloads: int, sites: int, periods: int, seed: int) -> str:
    """The instance as YAML text, with a header saying how to regenerate it."""
    import yaml

    data = generate(workloads, sites, periods, seed)
    head = (f"# Synthetic instance: placement generate --workloads {workloads} --sites {sites} "
            f"--periods {periods} --seed {seed}\n"
            "# Generated (deterministic); realistic-looking figures, not measurements.\n")
    # libyaml's emitter when there is one (the same text, several times faster)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    body = yaml.dump(data, Dumper=dumper, sort_keys=False, default_flow_style=None, width=100,
                     allow_unicode=True)
    return head + body
