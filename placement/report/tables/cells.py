"""The report's table cells as plain text, shared by HTML and Markdown: the table, money,
numbers, shares, month ranges, and acceptance checks.

A cell that starts with ``✓`` or ``✗`` is an acceptance check (passed / failed); the
HTML renderer colours it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

OK, FAIL = "✓", "✗"


@dataclass(frozen=True)
class Table:
    caption: str
    columns: list[str]
    rows: list[list[str]]
    numeric: set[int] = field(default_factory=set)  # right-aligned column indexes
    id: str = ""


def money(x: float | None, currency: str = "") -> str:
    """Whole currency units with thousands separators (a report, not a ledger)."""
    if x is None:
        return "—"
    text = f"{x:,.0f}"
    if text == "-0":
        text = "0"
    return f"{text} {currency}" if currency else text


def num(x: float | None, digits: int = 3) -> str:
    if x is None:
        return "—"
    return f"{x:,.{digits}g}" if abs(x) < 10 ** digits else f"{x:,.0f}"


def tonnes(x: float | None) -> str:
    """tCO2e: 4 significant digits below 10,000 t."""
    return "—" if x is None else f"{num(x, 4)} t"


def pct(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{x * 100:.{digits}f}%"


def months(start: float, length: float) -> str:
    return f"{start:g}–{start + length:g}"


def check(ok: bool | None, text: str) -> str:
    if ok is None:
        return text
    return f"{OK if ok else FAIL} {text}"
