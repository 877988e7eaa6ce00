"""The strict base model and the shared annotated types of the instance schema."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainValidator, WithJsonSchema


class StrictModel(BaseModel):
    """Frozen, strict, no unknown keys (typos are errors), no NaN or infinity."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, strict=True, allow_inf_nan=False, validate_default=True
    )


# Magnitude bounds the model can represent (docs/instance-format.md): beyond them
# HiGHS or the accounting overflows, so `validate` refuses them with the field path.
MAX_ID = 200  # characters
MAX_NUMBER = 1e12  # any amount (rps, $, $/h, capex, ms, months, ...)
MIN_POSITIVE = 1e-6  # smallest positive amount (denormals like 5e-324 break the model)
MAX_COUNT = 1_000_000  # counts (units, migrations)

Id = Annotated[str, Field(min_length=1, max_length=MAX_ID)]
NonNeg = Annotated[float, Field(ge=0, le=MAX_NUMBER)]
Positive = Annotated[float, Field(ge=MIN_POSITIVE, le=MAX_NUMBER)]
Fraction = Annotated[float, Field(ge=0, le=1, description="A fraction in [0, 1].")]
NonNegInt = Annotated[int, Field(ge=0, le=MAX_COUNT)]


def _per_period(value: Any) -> float | list[float]:
    """A non-negative finite number, or a list of them (one per period)."""

    def number(v: Any) -> float:
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise ValueError(f"expected a number, got {type(v).__name__}")
        if isinstance(v, int) and abs(v) > MAX_NUMBER:
            raise ValueError(f"must be <= {MAX_NUMBER:g}, got an integer of {len(str(v))} digits")
        f = float(v)
        if f != f or f in (float("inf"), float("-inf")):
            raise ValueError("expected a finite number")
        if f < 0:
            raise ValueError(f"must be >= 0, got {f:.6g}")
        if f > MAX_NUMBER:
            raise ValueError(f"must be <= {MAX_NUMBER:g}, got {f:.6g}")
        return f

    if isinstance(value, list):
        if not value:
            raise ValueError("expected one value per period, got an empty list")
        return [number(v) for v in value]
    try:
        return number(value)
    except ValueError as exc:
        raise ValueError(f"{exc} (or a list of numbers, one per period)") from None


PerPeriod = Annotated[
    float | list[float],
    PlainValidator(_per_period),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "array", "items": {"type": "number", "minimum": 0}, "minItems": 1},
            ],
            "description": "A scalar (every period) or one value per period.",
        }
    ),
]


def value_at(value: float | list[float], period: int) -> float:
    """A per-period value (``PerPeriod``) in period ``period`` (0-based): a scalar holds in
    every period, a list gives one value per period. The one reading of such a value."""
    return value[period] if isinstance(value, list) else value


def every_period(value: float | list[float], n_periods: int) -> list[float]:
    """A per-period value as one value per period."""
    return [value_at(value, p) for p in range(n_periods)]


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, dict) else value


OneOrMany = BeforeValidator(_one_or_many)
