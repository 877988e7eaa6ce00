"""Risk's price distributions: one per multiplier key, and the distributions file.

Each key of ``MULTIPLIER_KEYS`` has a distribution (or none: fixed at 1). A distribution
is triangular, lognormal or fixed (``Triangular``, ``Lognormal``, ``Fixed``); a file
(``DistributionsFile``, YAML or JSON) maps keys to distributions and replaces the default
set (``DEFAULT_DISTRIBUTIONS``) as a whole. What each key scales: ``sampling``.

``price_trend`` takes no distribution: risk re-prices a fixed plan by cost category
(``sampling.CATEGORY_KEYS``), and a trend is a different factor in every period, which
that view cannot express; one given is refused with its path (``UNSAMPLED``). The other
v2 keys (``committed``, ``spot``, ``carbon_price``) may be given one; the default set
has none for them (they stay at 1).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, ValidationError, model_validator

from placement.analysis.limits import MAX_MULTIPLIER, MAX_SIGMA
from placement.analysis.results import MULTIPLIER_KEYS
from placement.errors import InstanceError, Problem
from placement.io import read_mapping
from placement.schema.base import StrictModel
from placement.validate import schema_problems


class Triangular(StrictModel):
    """Triangular on [low, high] with its peak at mode (mean (low + mode + high) / 3)."""

    type: Literal["triangular"]
    low: float = Field(ge=0, le=MAX_MULTIPLIER)
    mode: float = Field(ge=0, le=MAX_MULTIPLIER)
    high: float = Field(ge=0, le=MAX_MULTIPLIER)

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"needs low <= mode <= high, got {self.low}, {self.mode}, {self.high}")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.high - self.low <= 0:
            return np.full(n, self.low)
        return rng.triangular(self.low, self.mode, self.high, n)

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3


class Lognormal(StrictModel):
    """median x exp(sigma x Z), Z standard normal (mean median x exp(sigma^2 / 2))."""

    type: Literal["lognormal"]
    median: float = Field(gt=0, le=MAX_MULTIPLIER)
    sigma: float = Field(ge=0, le=MAX_SIGMA)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.median * np.exp(self.sigma * rng.standard_normal(n))

    def mean(self) -> float:
        return self.median * math.exp(self.sigma**2 / 2)


class Fixed(StrictModel):
    """Always ``value``."""

    type: Literal["fixed"]
    value: float = Field(ge=0, le=MAX_MULTIPLIER)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, self.value)

    def mean(self) -> float:
        return self.value


Distribution = Annotated[Triangular | Lognormal | Fixed, Field(discriminator="type")]
MultiplierKey = Literal[
    "rented", "capex", "energy", "egress", "transfer", "demand", "labour",
    "maintenance", "activation", "migration", "committed", "spot", "carbon_price", "price_trend",
]
assert set(MultiplierKey.__args__) == set(MULTIPLIER_KEYS)  # type: ignore[attr-defined]


class DistributionsFile(StrictModel):
    """A distributions file: ``distributions`` maps multiplier keys to distributions; a key
    left out is fixed at 1 (the file replaces the default set, it does not amend it)."""

    distributions: dict[MultiplierKey, Distribution]


#: The default set: today's figures as the mode / median, skewed where experience says.
DEFAULT_DISTRIBUTIONS: dict[str, Triangular | Lognormal | Fixed] = {
    "rented": Triangular(type="triangular", low=0.7, mode=0.95, high=1.15),
    "capex": Triangular(type="triangular", low=0.85, mode=1.0, high=1.25),
    "energy": Lognormal(type="lognormal", median=1.0, sigma=0.25),
    "egress": Triangular(type="triangular", low=0.8, mode=1.0, high=1.1),
    "transfer": Triangular(type="triangular", low=0.8, mode=1.0, high=1.1),
    "demand": Lognormal(type="lognormal", median=1.0, sigma=0.15),
    "labour": Triangular(type="triangular", low=0.9, mode=1.0, high=1.3),
    "maintenance": Triangular(type="triangular", low=0.9, mode=1.0, high=1.3),
    "activation": Triangular(type="triangular", low=0.8, mode=1.0, high=1.5),
    "migration": Triangular(type="triangular", low=0.8, mode=1.0, high=1.8),
}

Dists = Mapping[str, Triangular | Lognormal | Fixed]

#: Keys risk does not sample, and why (a distribution for one is refused).
UNSAMPLED = {
    "price_trend": "risk does not sample the price trend: it re-prices a fixed plan by cost "
    "category, and a trend is a different factor in each period (use scenarios, "
    "sensitivity or thresholds for it)",
}


def unsampled_problems(keys: Any, where: str) -> list[Problem]:
    """A problem for each key of ``keys`` that risk does not sample (``UNSAMPLED``)."""
    return [Problem(f"{where}.{k}", UNSAMPLED[k]) for k in keys if k in UNSAMPLED]


def parse_distributions(data: Any, where: str = "distributions") -> dict[str, Any]:
    """A distributions mapping (the file's content) → {key: distribution}; raises
    InstanceError listing every problem with its path."""
    try:
        doc = DistributionsFile.model_validate(data)
    except ValidationError as exc:
        raise InstanceError(
            [Problem(f"{where}: {p.path}" if p.path else where, p.message)
             for p in schema_problems(exc)]
        ) from None
    problems = unsampled_problems(doc.distributions, f"{where}: distributions")
    if problems:
        raise InstanceError(problems)
    return {str(k): v for k, v in doc.distributions.items()}


def load_distributions(path: str | Path) -> dict[str, Any]:
    """Read a distributions file (YAML or JSON), see ``DistributionsFile``."""
    return parse_distributions(read_mapping(path), str(path))


def coerce_distributions(dists: Mapping[str, Any] | None) -> dict[str, Any]:
    """The distributions to sample: the default set (None), the given models (their keys
    checked), or a mapping parsed as a distributions file's ``distributions``."""
    if dists is None:
        return dict(DEFAULT_DISTRIBUTIONS)
    if all(isinstance(d, Triangular | Lognormal | Fixed) for d in dists.values()):
        unknown = sorted(set(dists) - set(MULTIPLIER_KEYS))
        problems = [Problem(f"distributions.{k}", "unknown multiplier key") for k in unknown]
        problems += unsampled_problems(dists, "distributions")
        if problems:
            raise InstanceError(problems)
        return dict(dists)
    return parse_distributions({"distributions": dict(dists)})


def dumped(dists: Dists) -> dict[str, dict[str, Any]]:
    """The distributions as a result records them: by key, in ``MULTIPLIER_KEYS`` order."""
    return {k: dists[k].model_dump() for k in MULTIPLIER_KEYS if k in dists}
