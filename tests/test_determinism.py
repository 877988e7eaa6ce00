"""Same instance and options → the same plan JSON, byte for byte, apart from solve times."""

from __future__ import annotations

import json
from typing import Any

from placement import SolveOptions, load_instance, solve


def _strip_times(d: Any) -> Any:
    if isinstance(d, dict):
        return {k: _strip_times(v) for k, v in d.items() if k != "solve_seconds"}
    if isinstance(d, list):
        return [_strip_times(v) for v in d]
    return d


def test_same_instance_same_json() -> None:
    inst = load_instance("example:example")
    a = solve(inst, SolveOptions(gap=1e-9)).to_json()
    b = solve(load_instance("example:example"), SolveOptions(gap=1e-9)).to_json()
    assert json.dumps(_strip_times(json.loads(a))) == json.dumps(_strip_times(json.loads(b)))


def test_solve_does_not_print(capfd: Any) -> None:
    solve(load_instance("example:example"))
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""
