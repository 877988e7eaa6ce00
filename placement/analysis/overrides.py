"""What-if overrides: ``PATH=VALUE`` strings that change one field of an instance.

Collections are addressed by id, never by position (positions shift when a file is
edited)::

    workloads[chat-eu].latency_slo_ms=150
    offers[aws-eu-central-1/g5-xlarge].price_per_hour=1.2      # site/hardware
    profiles[llama3-8b/int4/orin-agx-64].rps=3                  # model/variant/hardware
    links[berlin-users|store-berlin].bandwidth_mbps=640         # a|b, either order
    periods[wave-1].capex_budget=null                           # by name
    models[llama3-8b].variants[int4].quality=0.97
    sites[store-berlin].energy_per_kwh=0.31
    horizon.discount_rate=0.1
    policy.max_utilization=0.7
    workloads[chat-eu].demand_rps[2]=20                         # one period of a list
    workloads[chat-eu].current={site: a, hardware: b, variant: c}

``links`` and ``periods`` are short for ``network.links`` and ``horizon.periods``. A
numeric selector (``workloads[0]``) is a position when no item has that id. Plain lists
(``demand_rps``, ``residency``, ``current``...) take positions; a scalar ``demand_rps``
indexed by period is first expanded to one value per period.

VALUE is read as YAML 1.2: scalars (``150``, ``1e-3``, ``null``, ``true``, ``NO``
is a string) and flow collections (``[1, 2, 3]``, ``{site: a, ...}``).

The overridden instance is validated again, so an override that makes it invalid is
refused like a bad instance file; an override that names nothing (unknown id or field,
bad syntax) is refused with the override as the problem's path. Every problem of every
override is reported at once.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from placement.errors import InstanceError, Problem
from placement.io import StrictLoader
from placement.schema import Instance
from placement.validate import validate

__all__ = ["apply_overrides", "parse_value"]

# --------------------------------------------------------------------------- values


class _ValueLoader(StrictLoader):
    """YAML 1.2 core scalars: only true/false are booleans; ``1e-3`` is a number."""


_BOOL = "tag:yaml.org,2002:bool"
_FLOAT = "tag:yaml.org,2002:float"
_ValueLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ValueLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_ValueLoader.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    list("-+0123456789."),
)


def parse_value(text: str) -> Any:
    """An override's VALUE: a YAML 1.2 scalar or flow collection. Raises ValueError."""
    if not text.strip():
        raise ValueError("no value after '=' (write null to clear an optional field)")
    try:
        return yaml.load(text, Loader=_ValueLoader)
    except yaml.YAMLError as exc:
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ValueError(f"value {text!r} is not valid YAML: {what}") from None


# --------------------------------------------------------------------------- paths


@dataclass(frozen=True)
class _Step:
    name: str
    selector: str | None  # text inside [...], or None


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _split(text: str) -> tuple[str, str]:
    """``PATH=VALUE`` → (PATH, VALUE), splitting at the first '=' outside brackets."""
    depth = 0
    for i, ch in enumerate(text):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
        elif ch == "=" and depth == 0:
            return text[:i].strip(), text[i + 1 :].strip()
    raise ValueError("expected PATH=VALUE, e.g. workloads[chat-eu].latency_slo_ms=150")


def _steps(path: str) -> list[_Step]:
    """``a.b[x].c[0]`` → steps; selectors may hold any character but ']'."""
    if not path:
        raise ValueError("empty path before '='")
    steps: list[_Step] = []
    i = 0
    while True:
        m = _NAME.match(path, i)
        if not m:
            raise ValueError(f"expected a field name at position {i + 1} of the path {path!r}")
        name, i = m.group(), m.end()
        selectors: list[str] = []
        while i < len(path) and path[i] == "[":
            end = path.find("]", i)
            if end < 0:
                raise ValueError(f"unclosed '[' in the path {path!r}")
            sel = path[i + 1 : end].strip()
            if not sel:
                raise ValueError(f"empty [] in the path {path!r}")
            selectors.append(sel)
            i = end + 1
        if len(selectors) > 1:
            raise ValueError(f"one [selector] per field in the path {path!r}")
        steps.append(_Step(name, selectors[0] if selectors else None))
        if i == len(path):
            return steps
        if path[i] != ".":
            raise ValueError(f"unexpected {path[i]!r} at position {i + 1} of the path {path!r}")
        i += 1


# Collections addressed by id: schema path (no indices) → (singular noun, key of an item).
def _key_id(d: dict[str, Any]) -> str:
    return str(d.get("id"))


def _key_link(d: dict[str, Any]) -> str:
    return "|".join(sorted((str(d.get("a")), str(d.get("b")))))


_COLLECTIONS: dict[str, tuple[str, Callable[[dict[str, Any]], str]]] = {
    "sites": ("site", _key_id),
    "hardware": ("hardware", _key_id),
    "models": ("model", _key_id),
    "workloads": ("workload", _key_id),
    "models.variants": ("variant", _key_id),
    "offers": ("offer", lambda d: f"{d.get('site')}/{d.get('hardware')}"),
    "profiles": ("profile", lambda d: f"{d.get('model')}/{d.get('variant')}/{d.get('hardware')}"),
    "network.links": ("link", _key_link),
    "horizon.periods": ("period", lambda d: str(d.get("name"))),
}
_ALIASES = {"links": ("network", "links"), "periods": ("horizon", "periods")}
_ID_FORMS = {
    "offer": "SITE/HARDWARE",
    "profile": "MODEL/VARIANT/HARDWARE",
    "link": "A|B",
}


def _have(keys: list[str], limit: int = 8) -> str:
    shown = ", ".join(keys[:limit])
    return shown + (f", … ({len(keys)} in all)" if len(keys) > limit else "")


def _close(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class _Target:
    """Where an override writes: a container (dict or list), a key in it, and the
    concrete path (``workloads[3].latency_slo_ms``) validation problems will carry."""

    def __init__(self, container: dict[str, Any] | list[Any], key: str | int, path: str) -> None:
        self.container, self.key, self.path = container, key, path


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _select(items: list[Any], sel: str, schema: str, where: str, owner: str) -> int:
    """Position in ``items`` of the selector: by id for id-keyed collections, else by index."""
    coll = _COLLECTIONS.get(schema)
    index = int(sel) if re.fullmatch(r"[0-9]+", sel) else None
    if coll is not None:
        noun, keyfn = coll
        keys = [keyfn(d) if isinstance(d, dict) else "" for d in items]
        wanted = "|".join(sorted(sel.split("|"))) if noun == "link" else sel
        if wanted in keys:
            pos = keys.index(wanted)
            if index is not None and index < len(items) and index != pos:
                raise ValueError(
                    f"'{sel}' is ambiguous in {where}: the id of item {pos} and the position "
                    f"of '{keys[index]}'"
                )
            return pos
        if index is not None and index < len(items):
            return index
        of = f" of {owner}" if noun == "variant" else ""
        form = f" (write {_ID_FORMS[noun]})" if noun in _ID_FORMS else ""
        raise ValueError(f"no {noun} '{sel}'{of}{form}{_close(wanted, keys)}; have: {_have(keys)}")
    field = where.rsplit(".", 1)[-1]
    if index is None:
        raise ValueError(f"{field} of {owner} is a list: select an item by its position, e.g. [0]")
    if index >= len(items):
        raise ValueError(
            f"{field} of {owner} has {len(items)} item(s): positions 0 to {len(items) - 1}"
        )
    return index


def _locate(doc: dict[str, Any], steps: list[_Step]) -> _Target:
    """Walk the dumped instance along ``steps``; the last step names what is set."""
    n_periods = len(doc["horizon"]["periods"])
    first = steps[0]
    if first.name in _ALIASES and first.name not in doc:
        parent, child = _ALIASES[first.name]
        steps = [_Step(parent, None), _Step(child, first.selector), *steps[1:]]
    node: Any = doc
    path = ""  # concrete, with positions (as validation reports it)
    schema = ""  # without positions (to know which collection a list is)
    for k, step in enumerate(steps):
        last = k == len(steps) - 1
        where = _join(path, step.name)
        if not isinstance(node, dict):
            kind = "a list" if isinstance(node, list) else f"a {type(node).__name__}"
            raise ValueError(f"{path or 'the instance'} is {kind}, it has no field '{step.name}'")
        if step.name not in node:
            what = _describe(path, doc)
            raise ValueError(f"{what} has no field '{step.name}'{_close(step.name, sorted(node))}")
        schema = _join(schema, step.name)
        if step.selector is None:
            if last:
                return _Target(node, step.name, where)
            node, path = node[step.name], where
            continue
        items = node[step.name]
        if step.name == "demand_rps" and not isinstance(items, list) and items is not None:
            items = node[step.name] = [items] * n_periods  # scalar → one value per period
        if not isinstance(items, list):
            raise ValueError(f"{where} is not a list (it is {items!r}); drop the [{step.selector}]")
        pos = _select(items, step.selector, schema, where, _describe(path, doc))
        if last:
            return _Target(items, pos, f"{where}[{pos}]")
        node, path = items[pos], f"{where}[{pos}]"
    raise AssertionError("unreachable")


def _describe(path: str, doc: dict[str, Any]) -> str:
    """``workloads[3]`` → ``workload 'chat-eu'`` (for messages)."""
    if not path:
        return "the instance"
    m = re.fullmatch(r"(.*?)([a-z_]+)\[(\d+)\]", path)
    if m:
        schema = re.sub(r"\[\d+\]", "", m.group(1) + m.group(2))
        coll = _COLLECTIONS.get(schema)
        node: Any = doc
        try:
            for part in re.findall(r"[a-z_]+|\[\d+\]", path):
                node = node[int(part[1:-1])] if part.startswith("[") else node[part]
        except (KeyError, IndexError, TypeError):
            node = None
        if coll is not None and isinstance(node, dict):
            return f"{coll[0]} '{coll[1](node)}'"
    return path


# --------------------------------------------------------------------------- apply


def apply_overrides(inst: Instance, overrides: Sequence[str]) -> Instance:
    """The instance with every ``PATH=VALUE`` override applied, validated again.

    Raises :class:`InstanceError` listing every problem at once: overrides that name
    nothing (path = the override text) and the overridden instance's validation problems
    (usual field paths, with the override that caused them).
    """
    if isinstance(overrides, str):
        overrides = [overrides]
    if not overrides:
        return inst
    original = inst.model_dump()
    doc = copy.deepcopy(original)
    problems: list[Problem] = []
    applied: list[tuple[str, str]] = []  # (concrete path, override text)
    for text in overrides:
        try:
            target = _apply_one(doc, text)
        except ValueError as exc:
            problems.append(Problem(text, str(exc)))
            continue
        applied.append((target.path, text))
    try:
        result = validate(doc)
    except InstanceError as exc:
        result = None
        found = [_blame(p, applied) for p in exc.problems]
        if len(applied) > 1:
            # Schema errors hide cross-reference checks: validate each override alone too,
            # so that every override's own problems are listed.
            for _, text in applied:
                alone = copy.deepcopy(original)
                target = _apply_one(alone, text)
                try:
                    validate(alone)
                except InstanceError as one:
                    found += [_blame(p, [(target.path, text)]) for p in one.problems]
        problems += list(dict.fromkeys(found))
    if problems or result is None:
        raise InstanceError(problems)
    return result


def _apply_one(doc: dict[str, Any], text: str) -> _Target:
    """Apply one override to the dumped instance in place; ValueError if it names nothing."""
    path_text, value_text = _split(text)
    steps = _steps(path_text)
    value = parse_value(value_text)
    target = _locate(doc, steps)
    target.container[target.key] = value  # type: ignore[index]
    return target


def _blame(problem: Problem, applied: list[tuple[str, str]]) -> Problem:
    """Name the override behind a validation problem (the instance was valid before)."""
    causes = [
        text
        for path, text in applied
        if problem.path == path
        or problem.path.startswith((path + ".", path + "["))
        or path.startswith((problem.path + ".", problem.path + "["))
    ]
    if not causes:
        return problem
    return dataclasses.replace(problem, message=f"{problem.message} (set by {causes[-1]!r})")
