"""``placement examples``: the bundled instances, each with its description."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text

from placement.cli.app import app, out
from placement.io import bundled_examples


@app.command()
def examples() -> None:
    """List the bundled instances (use them as example:NAME)."""
    for name, path in bundled_examples().items():
        out.print(Text.assemble((f"example:{name}", "bold"), "  ", _description(path)))


def _description(path: Path) -> str:
    """The first paragraph of the file's leading comment, whole (the console wraps it)."""
    words: list[str] = []
    for line in path.read_text().splitlines():
        text = line.lstrip("#").strip()
        if not line.startswith("#") or (not text and words):
            break
        words.extend(text.split())
    return " ".join(words)
