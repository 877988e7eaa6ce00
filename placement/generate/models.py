"""Models and their throughput / latency profiles per (model, variant, hardware)."""

from __future__ import annotations

from typing import Any

from placement.generate.catalog import FAMILIES, HARDWARE
from placement.generate.draws import Draws, sig

ProfileTable = dict[tuple[str, str, str], tuple[float, float]]  # -> (rps, latency ms)


def models_and_profiles(
    d: Draws,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], ProfileTable]:
    """Every family's variants, and a profile for every hardware it runs on: the family's
    base figures times the hardware's and the variant's factors, with a few % of noise."""
    models, profiles = [], []
    table: ProfileTable = {}
    for f in FAMILIES:
        models.append({"id": f.id, "variants": [
            {"id": v, "memory_gb": float(gb), "quality": float(q)}
            for v, gb, q, _, _ in f.variants]})
        for v, _, _, speed, lat in f.variants:
            for h in HARDWARE:
                if h.id in f.no_profile:
                    continue
                rps = sig(f.rps * h.speed * speed * d.u(0.9, 1.1))
                latency = float(round(f.latency_ms * h.latency * lat * d.u(0.95, 1.05)))
                table[(f.id, v, h.id)] = (rps, latency)
                profiles.append({"model": f.id, "variant": v, "hardware": h.id,
                                 "rps": rps, "latency_ms": latency})
    return models, profiles, table
