"""Risk distributions that would overflow the sampled costs (inf, NaN) are refused with
their path, exit 3, never an internal error; the widest allowed ones still give finite
figures."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from placement.cli.app import app
from tests.test_cli import assert_clean_exit

ROWS = [
    ("lognormal-sigma-1000", "rented: {type: lognormal, median: 1.0, sigma: 1000}",
     "distributions.rented.lognormal.sigma", "less than or equal to 2"),
    ("lognormal-median-1e9", "energy: {type: lognormal, median: 1e9, sigma: 0.1}",
     "distributions.energy.lognormal.median", "less than or equal to 100"),
    ("triangular-1e308", "capex: {type: triangular, low: 0, mode: 1e300, high: 1e308}",
     "distributions.capex.triangular.high", "less than or equal to 100"),
    ("fixed-1e200", "demand: {type: fixed, value: 1e200}",
     "distributions.demand.fixed.value", "less than or equal to 100"),
]


@pytest.mark.parametrize(("body", "path", "fragment"),
                         [pytest.param(b, p, f, id=i) for i, b, p, f in ROWS])
def test_overflowing_distribution_is_refused(tmp_path: Path, body: str, path: str,
                                             fragment: str) -> None:
    f = tmp_path / "d.yaml"
    f.write_text(f"distributions:\n  {body}\n")
    r = CliRunner().invoke(app, ["risk", "example:example", "--distributions", str(f),
                                 "--samples", "20"])
    assert_clean_exit(r, 3)
    flat = " ".join(r.output.split())
    assert path in flat and fragment in flat, flat


def test_widest_allowed_distributions_give_finite_figures(tmp_path: Path) -> None:
    f = tmp_path / "d.yaml"
    f.write_text("distributions:\n"
                 + "".join(f"  {k}: {{type: lognormal, median: 100, sigma: 2}}\n"
                           for k in ("rented", "capex", "energy", "demand")))
    r = CliRunner().invoke(app, ["risk", "example:example", "--distributions", str(f),
                                 "--samples", "2000", "--json"])
    assert_clean_exit(r, 0)
    doc = json.loads(r.stdout)

    def numbers(x: object) -> list[float]:
        if isinstance(x, dict):
            return [n for v in x.values() for n in numbers(v)]
        if isinstance(x, list):
            return [n for v in x for n in numbers(v)]
        return [x] if isinstance(x, float) else []

    found = numbers(doc)
    assert found and all(math.isfinite(n) for n in found)
