"""The sweep executor: input order kept, failures reported per point, same results in
process and in the pool."""

from __future__ import annotations

from placement.executor import run_all


def _square_or_fail(x: int) -> int:
    if x == 3:
        raise ValueError("three is not allowed")
    return x * x


def test_results_in_input_order_with_failures_reported() -> None:
    seen: list[tuple[int, int]] = []
    outcomes = run_all(_square_or_fail, list(range(6)), workers=2,
                       progress=lambda d, n: seen.append((d, n)))
    assert [o.value for o in outcomes] == [0, 1, 4, None, 16, 25]
    assert outcomes[3].error is not None and "three is not allowed" in outcomes[3].error
    assert [o.ok for o in outcomes] == [True, True, True, False, True, True]
    assert seen[-1] == (6, 6) and len(seen) == 6


def test_in_process_and_pool_agree() -> None:
    items = list(range(8))
    local = run_all(_square_or_fail, items, workers=1)
    pooled = run_all(_square_or_fail, items, workers=2)
    assert [(o.value, o.ok) for o in local] == [(o.value, o.ok) for o in pooled]
