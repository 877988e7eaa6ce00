"""Each formula is written once (issue 15): the package's source may not spell out again
the hours in a month, the kWh of a unit, the round-trip latency or the cost categories
that ``placement.costs`` and ``placement.network`` define."""

from __future__ import annotations

import ast
from pathlib import Path

import placement

ROOT = Path(placement.__file__).resolve().parent
COSTS = ROOT / "costs.py"
NETWORK = ROOT / "network.py"
OWNED_BY_COSTS = {
    "HOURS_PER_MONTH", "SECONDS_PER_MONTH", "ONE_TIME", "ONE_TIME_CATEGORIES",
    "CATEGORY_LABELS", "COST_CATEGORIES",
}


def _trees() -> list[tuple[Path, ast.AST]]:
    return [(p, ast.parse(p.read_text(), str(p))) for p in sorted(ROOT.rglob("*.py"))]


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT.parent)}:{getattr(node, 'lineno', '?')}"


def test_the_month_and_the_category_constants_are_defined_only_in_costs() -> None:
    bad = []
    for path, tree in _trees():
        if path == COSTS:
            continue
        for node in ast.walk(tree):
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AnnAssign):
                targets = [node.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            if names & OWNED_BY_COSTS:
                bad.append(f"{_where(path, node)} defines {sorted(names & OWNED_BY_COSTS)}")
            if (isinstance(node, ast.Constant) and type(node.value) in (int, float)
                    and node.value in (730, 2628000, 2.628)):
                bad.append(f"{_where(path, node)} writes {node.value!r} (use placement.costs)")
    assert not bad, "\n".join(bad)


def test_only_costs_turns_power_into_energy() -> None:
    """Hours per month appear in a formula only in costs.py (kwh, rented, energy)."""
    bad = []
    for path, tree in _trees():
        if path == COSTS:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.BinOp) and "HOURS_PER_MONTH" in ast.unparse(node):
                bad.append(f"{_where(path, node)}: {ast.unparse(node)}")
    assert not bad, "\n".join(bad)


def test_the_round_trip_latency_is_written_only_in_network() -> None:
    """No ``2 * <latency>`` outside placement.network.round_trip_ms."""
    bad = []
    for path, tree in _trees():
        if path == NETWORK:
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult)):
                continue
            for two, other in ((node.left, node.right), (node.right, node.left)):
                if (isinstance(two, ast.Constant) and two.value in (2, 2.0)
                        and "latency" in ast.unparse(other).lower()):
                    bad.append(f"{_where(path, node)}: {ast.unparse(node)}")
    assert not bad, "\n".join(bad)


def test_only_costs_turns_watts_into_kilowatts() -> None:
    """No ``... power_w / 1000`` outside costs.kw / costs.kwh. The instance generator is
    left out: it sums two servers' watts before dividing (a different float order)."""
    bad = []
    for path, tree in _trees():
        if path == COSTS or ROOT / "generate" in path.parents:
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)
                    and isinstance(node.right, ast.Constant) and node.right.value in (1000, 1e3)
                    and "power_w" in ast.unparse(node.left)):
                bad.append(f"{_where(path, node)}: {ast.unparse(node)}")
    assert not bad, "\n".join(bad)
