"""Minimum-latency routes with the spec's tie-break: fewest hops, then the
lexicographically smallest node sequence; exact decimal sums."""

from __future__ import annotations

from typing import Any

from placement import load_instance
from placement.network import compute_routes, link_key


def _instance(links: list[dict[str, Any]], sites: list[str], origin: str) -> Any:
    return load_instance({
        "name": "net",
        "horizon": {"periods": [{"name": "p", "months": 1}]},
        "network": {"links": links},
        "sites": [{"id": s, "kind": "cloud"} for s in sites],
        "hardware": [{"id": "h", "kind": "rented", "memory_gb": 10}],
        "offers": [{"site": s, "hardware": "h", "price_per_hour": 1} for s in sites],
        "models": [{"id": "m", "variants": [{"id": "v", "memory_gb": 1}]}],
        "profiles": [{"model": "m", "variant": "v", "hardware": "h", "rps": 1}],
        "workloads": [{"id": "w", "model": "m", "origin": origin, "demand_rps": 1,
                       "latency_slo_ms": 1000}],
    })


def test_minimum_latency_beats_fewer_hops() -> None:
    inst = _instance([
        {"a": "o", "b": "t", "latency_ms": 10},
        {"a": "o", "b": "x", "latency_ms": 3},
        {"a": "x", "b": "t", "latency_ms": 3},
    ], ["t"], "o")
    route = compute_routes(inst).get("o", "t")
    assert route is not None
    assert route.nodes == ("o", "x", "t")
    assert route.latency_ms == 6
    assert route.links == (link_key("o", "x"), link_key("t", "x"))


def test_tie_goes_to_fewest_hops() -> None:
    inst = _instance([
        {"a": "o", "b": "t", "latency_ms": 6},
        {"a": "o", "b": "x", "latency_ms": 3},
        {"a": "x", "b": "t", "latency_ms": 3},
    ], ["t"], "o")
    assert compute_routes(inst).get("o", "t").nodes == ("o", "t")  # type: ignore[union-attr]


def test_equal_hops_tie_goes_to_smallest_node_sequence() -> None:
    inst = _instance([
        {"a": "o", "b": "b", "latency_ms": 2},
        {"a": "b", "b": "t", "latency_ms": 2},
        {"a": "o", "b": "a", "latency_ms": 2},
        {"a": "a", "b": "t", "latency_ms": 2},
    ], ["t"], "o")
    assert compute_routes(inst).get("o", "t").nodes == ("o", "a", "t")  # type: ignore[union-attr]


def test_decimal_latencies_tie_exactly() -> None:
    # 0.1 + 0.2 == 0.3 as decimals: a tie, so fewest hops (the direct link) wins even though
    # in binary floating point 0.1 + 0.2 > 0.3 would make the direct link strictly better,
    # and "z" sorts after "a" so only the hop count can choose the direct link.
    inst = _instance([
        {"a": "o", "b": "t", "latency_ms": 0.3},
        {"a": "o", "b": "a", "latency_ms": 0.1},
        {"a": "a", "b": "t", "latency_ms": 0.2},
    ], ["t"], "o")
    route = compute_routes(inst).get("o", "t")
    assert route is not None and route.nodes == ("o", "t")
    # and with 3 hops vs 2 at equal latency, the 2-hop path
    inst = _instance([
        {"a": "o", "b": "c", "latency_ms": 0.1},
        {"a": "c", "b": "t", "latency_ms": 0.2},
        {"a": "o", "b": "a", "latency_ms": 0.1},
        {"a": "a", "b": "b", "latency_ms": 0.1},
        {"a": "b", "b": "t", "latency_ms": 0.1},
    ], ["t"], "o")
    assert compute_routes(inst).get("o", "t").nodes == ("o", "c", "t")  # type: ignore[union-attr]


def test_unreachable_site_has_no_route_and_same_node_is_zero() -> None:
    inst = _instance([{"a": "o", "b": "x", "latency_ms": 1}], ["t", "o"], "o")
    routes = compute_routes(inst)
    assert routes.get("o", "t") is None
    same = routes.get("o", "o")
    assert same is not None and same.latency_ms == 0 and same.links == ()
