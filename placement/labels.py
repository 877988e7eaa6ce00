"""Field paths labelled with the ids of their list items, for people to read.

``workloads[1].origin`` becomes ``workloads[1] (assistant-us).origin``: each list item
that has an id (sites, hardware, workloads, models, variants, periods by name, offers as
SITE/HARDWARE, profiles as MODEL/VARIANT/HARDWARE, links as A–B, current placements as
SITE/HARDWARE) gets it after its index. The ids come from the raw input, so a label is
shown even when the rest of the item is invalid; each is bounded (``MAX_LABEL``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from placement.errors import Problem

#: Longest label shown after an index (longer ones are cut, ending in "…").
MAX_LABEL = 40

_STEP = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def _ids(*keys: str, sep: str = "/") -> Callable[[dict[str, Any]], str | None]:
    def label(item: dict[str, Any]) -> str | None:
        parts = [item.get(k) for k in keys]
        if not all(isinstance(x, str | int | float) and not isinstance(x, bool) for x in parts):
            return None
        return sep.join(str(x) for x in parts)

    return label


#: The label of an item of each list, keyed by the list's path without indices.
LABELS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "sites": _ids("id"),
    "hardware": _ids("id"),
    "workloads": _ids("id"),
    "models": _ids("id"),
    "models.variants": _ids("id"),
    "horizon.periods": _ids("name"),
    "offers": _ids("site", "hardware"),
    "offers.commitments": _ids("id"),
    "profiles": _ids("model", "variant", "hardware"),
    "network.links": _ids("a", "b", sep="–"),
    "workloads.current": _ids("site", "hardware"),
}


def _bounded(text: str) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in text[: MAX_LABEL + 1])
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def labelled_path(path: str, data: Any) -> str:
    """``path`` with the id of each list item it passes through (see the module doc);
    the path itself when ``data`` gives no id on the way."""
    out = ""
    node: Any = data
    keys: list[str] = []
    pos = 0
    while pos < len(path):
        m = _STEP.match(path, pos)
        if m is None or m.end() == pos:
            return path
        pos = m.end()
        index, name = m.group(1), m.group(2)
        if name is not None:
            out += ("." if out else "") + name
            keys.append(name)
            node = node.get(name) if isinstance(node, dict) else None
            continue
        out += f"[{index}]"
        i = int(index)
        if isinstance(node, list):
            node = node[i] if i < len(node) else None
        elif not (isinstance(node, dict) and i == 0):  # one item given for a list of one
            node = None
        label = LABELS.get(".".join(keys))
        text = label(node) if label is not None and isinstance(node, dict) else None
        if text:
            out += f" ({_bounded(text)})"
    return out


def with_labels(problems: list[Problem], data: Any) -> list[Problem]:
    """The problems, each with its labelled path (``Problem.label``) when that adds an id."""
    out = []
    for p in problems:
        label = labelled_path(p.path, data) if p.path else ""
        out.append(dataclasses.replace(p, label=label) if label != p.path else p)
    return out
