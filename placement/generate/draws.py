"""Random draws (one generator, drawn in a fixed order) and the rounding and distance helpers."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


class Draws:
    """Every random draw of one generation run goes through here, in a fixed order."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def u(self, lo: float, hi: float) -> float:
        return float(self.rng.uniform(lo, hi))

    def loguniform(self, lo: float, hi: float) -> float:
        return float(math.exp(self.rng.uniform(math.log(lo), math.log(hi))))

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def integer(self, lo: int, hi: int) -> int:
        """An integer in [lo, hi)."""
        return int(self.rng.integers(lo, hi))

    def pick(self, items: list[Any], weights: list[float] | None = None) -> Any:
        if weights is None:
            return items[int(self.rng.integers(len(items)))]
        w = np.asarray(weights, dtype=float)
        return items[int(self.rng.choice(len(items), p=w / w.sum()))]


def r(x: float, nd: int = 2) -> float:
    """A plain Python float rounded to ``nd`` decimals (YAML-friendly, deterministic)."""
    return float(round(float(x), nd)) + 0.0


def sig(x: float, digits: int = 3) -> float:
    """Round to ``digits`` significant digits."""
    if x == 0:
        return 0.0
    return r(x, max(0, digits - 1 - math.floor(math.log10(abs(x)))))


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points, km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def fiber_ms(a: tuple[float, float], b: tuple[float, float]) -> float:
    """One-way latency between two metros: ~1 ms per 130 km of routed fibre, 2 ms floor."""
    return 2.0 + km(a, b) / 130.0
