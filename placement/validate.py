"""Cross-reference checks of an instance, each a ``check_*`` returning problems.

``validate(data)`` turns a raw mapping into an :class:`Instance` or raises one
:class:`InstanceError` listing every problem (schema and cross-reference) at once.
"""

from __future__ import annotations

import contextlib
import copy
import difflib
import reprlib
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel, ValidationError

from placement.errors import InstanceError, Problem
from placement.labels import with_labels
from placement.schema import Instance
from placement.validate_v2 import CHECKS_V2, unknown_node


def _path(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _field_names(model: type[BaseModel], seen: set[type] | None = None) -> set[str]:
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names = set(model.model_fields)
    for field in model.model_fields.values():
        for arg in _type_args(field.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                names |= _field_names(arg, seen)
    return names


def _type_args(tp: Any) -> Iterator[Any]:
    yield tp
    for arg in getattr(tp, "__args__", ()) or ():
        yield from _type_args(arg)


_KNOWN_FIELDS = sorted(_field_names(Instance))
_QUOTE = reprlib.Repr()
_QUOTE.maxlevel, _QUOTE.maxlist, _QUOTE.maxdict = 2, 4, 4
_QUOTE.maxstring, _QUOTE.maxother, _QUOTE.maxlong = 60, 60, 40


def quoted(value: Any, limit: int = 80) -> str:
    """A bounded repr for messages: never the whole of a huge or deeply nested value."""
    text = _QUOTE.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _message(err: Any) -> str:  # pydantic ErrorDetails
    kind, msg = err["type"], err["msg"]
    if kind == "missing":
        return "missing required field"
    if kind == "extra_forbidden":
        key = str(err["loc"][-1])
        others = [name for name in _KNOWN_FIELDS if name != key]
        close = difflib.get_close_matches(key, others, n=1)
        shown = quoted(key).strip("'\"")
        return f"unknown field '{shown}'" + (f" (did you mean '{close[0]}'?)" if close else "")
    if kind == "value_error":
        msg = msg.removeprefix("Value error, ")
    got = err.get("input")
    if kind.endswith("_type") or kind in {"literal_error", "finite_number"}:
        msg = f"{msg}, got {quoted(got)}"
    return str(msg)


def schema_problems(exc: ValidationError) -> list[Problem]:
    """Pydantic's errors as problems with spec-style paths."""
    problems = []
    for err in exc.errors():
        path = _path(err["loc"])
        problems.append(Problem(path, _message(err)))
    return problems


def check_unique_ids(inst: Instance) -> list[Problem]:
    """Ids unique per collection (variants per model; offers per site/hardware; ...)."""
    groups: list[tuple[str, list[str]]] = [
        ("horizon.periods", [p.name for p in inst.horizon.periods]),
        ("sites", [s.id for s in inst.sites]),
        ("hardware", [h.id for h in inst.hardware]),
        ("models", [m.id for m in inst.models]),
        ("workloads", [w.id for w in inst.workloads]),
        ("offers", [f"{o.site}/{o.hardware}" for o in inst.offers]),
        ("profiles", [f"{p.model}/{p.variant}/{p.hardware}" for p in inst.profiles]),
        ("network.links", ["|".join(sorted((lk.a, lk.b))) for lk in inst.network.links]),
    ]
    groups += [
        (f"models[{i}].variants", [v.id for v in m.variants]) for i, m in enumerate(inst.models)
    ]
    groups += [
        (f"offers[{i}].commitments", [c.id for c in o.commitments])
        for i, o in enumerate(inst.offers)
    ]
    problems = []
    for path, ids in groups:
        counts = Counter(ids)
        for i, key in enumerate(ids):
            if counts[key] > 1 and ids.index(key) != i:
                problems.append(Problem(f"{path}[{i}]", f"duplicate id '{key}'"))
    return problems


def check_network(inst: Instance) -> list[Problem]:
    """No link joins a node to itself."""
    return [
        Problem(f"network.links[{i}]", f"link joins node '{lk.a}' to itself")
        for i, lk in enumerate(inst.network.links)
        if lk.a == lk.b
    ]


def check_hardware(inst: Instance) -> list[Problem]:
    """Owned hardware states its capex and lifetime."""
    return [
        Problem(f"hardware[{i}].{name}", "required for owned hardware")
        for i, h in enumerate(inst.hardware)
        for name in ("capex", "lifetime_months")
        if h.kind == "owned" and getattr(h, name) is None
    ]


def check_offers(inst: Instance) -> list[Problem]:
    """Offers name a site and hardware; rented needs a price; existing units are owned only."""
    sites = {s.id for s in inst.sites}
    hardware = {h.id: h for h in inst.hardware}
    problems = []
    for i, o in enumerate(inst.offers):
        path = f"offers[{i}]"
        if o.site not in sites:
            problems.append(Problem(f"{path}.site", f"unknown site '{o.site}'"))
        hw = hardware.get(o.hardware)
        if hw is None:
            problems.append(Problem(f"{path}.hardware", f"unknown hardware '{o.hardware}'"))
            continue
        if hw.kind == "rented" and o.price_per_hour is None:
            problems.append(Problem(f"{path}.price_per_hour", "required for rented hardware"))
        if hw.kind == "owned" and o.price_per_hour is not None:
            problems.append(
                Problem(f"{path}.price_per_hour", "owned hardware has capex, not an hourly price")
            )
        if hw.kind == "rented" and o.existing_units:
            problems.append(Problem(f"{path}.existing_units", "only owned hardware has units"))
        if o.max_units is not None and o.existing_units > o.max_units:
            problems.append(
                Problem(
                    f"{path}.existing_units",
                    f"{o.existing_units} exceeds max_units {o.max_units}",
                )
            )
    return problems


def check_profiles(inst: Instance) -> list[Problem]:
    """Profiles name a model, one of its variants, and a hardware option."""
    variants = {m.id: {v.id for v in m.variants} for m in inst.models}
    hardware = {h.id for h in inst.hardware}
    problems = []
    for i, p in enumerate(inst.profiles):
        if p.model not in variants:
            problems.append(Problem(f"profiles[{i}].model", f"unknown model '{p.model}'"))
        elif p.variant not in variants[p.model]:
            problems.append(
                Problem(
                    f"profiles[{i}].variant",
                    f"model '{p.model}' has no variant '{p.variant}'",
                )
            )
        if p.hardware not in hardware:
            problems.append(Problem(f"profiles[{i}].hardware", f"unknown hardware '{p.hardware}'"))
    return problems


def check_workloads(inst: Instance) -> list[Problem]:
    """Models and origins resolve, current names offers (demand's length:
    ``check_period_values``)."""
    nodes = inst.nodes
    variants = {m.id: {v.id for v in m.variants} for m in inst.models}
    offers = {(o.site, o.hardware) for o in inst.offers}
    problems = []
    for i, w in enumerate(inst.workloads):
        path = f"workloads[{i}]"
        if w.model not in variants:
            problems.append(Problem(f"{path}.model", f"unknown model '{w.model}'"))
        problems += unknown_node(f"{path}.origin", w.origin, nodes)
        problems += _check_current(w, path, variants.get(w.model), offers)
    return problems


def _check_current(
    w: Any, path: str, variants: set[str] | None, offers: set[tuple[str, str]]
) -> list[Problem]:
    if w.current is None:
        return []
    problems = []
    if len(w.current) != w.replicas:
        problems.append(
            Problem(
                f"{path}.current",
                f"lists {len(w.current)} placements but replicas is {w.replicas}",
            )
        )
    seen: set[str] = set()
    for j, c in enumerate(w.current):
        cpath = f"{path}.current[{j}]"
        if (c.site, c.hardware) not in offers:
            problems.append(Problem(cpath, f"no offer of hardware '{c.hardware}' at '{c.site}'"))
        if variants is not None and c.variant not in variants:
            problems.append(
                Problem(f"{cpath}.variant", f"model '{w.model}' has no variant '{c.variant}'")
            )
        if c.site in seen:
            problems.append(Problem(f"{cpath}.site", f"site '{c.site}' listed twice"))
        seen.add(c.site)
    return problems


CHECKS = (
    check_unique_ids, check_network, check_hardware, check_offers, check_profiles, check_workloads,
    *CHECKS_V2,
)


def validate(data: Any) -> Instance:
    """A raw mapping → a valid :class:`Instance`, or :class:`InstanceError` with every problem.

    Every problem's ``label`` names the ids along its path (:mod:`placement.labels`).
    Schema problems do not hide cross-reference problems: the offending values are swapped
    for neutral stand-ins (:func:`_stand_ins`) and the cross-reference checks run on that
    copy; their problems at or under a swapped path are dropped (they would be about the
    stand-in, not the user's value).
    """
    if not isinstance(data, dict):
        raise InstanceError(
            [Problem("", f"expected a mapping at the top level, got {type(data).__name__}")]
        )
    try:
        inst = Instance.model_validate(data)
    except ValidationError as exc:
        problems = schema_problems(exc)
        stand_in = _stand_ins(data, exc)
        if stand_in is not None:
            patched, swapped = stand_in
            problems += [
                p
                for check in CHECKS
                for p in check(patched)
                if not any(_under(p.path, s) or _under(s, p.path) for s in swapped)
            ]
        raise InstanceError(with_labels(problems, data)) from None
    problems = [p for check in CHECKS for p in check(inst)]
    if problems:
        raise InstanceError(with_labels(problems, data))
    return inst


_DELETE = object()
_MAX_SWAPS = 100


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith((prefix + ".", prefix + "["))


def _stand_ins(data: dict[str, Any], exc: ValidationError) -> tuple[Instance, list[str]] | None:
    """A valid instance made from ``data`` by swapping each value the schema refused for a
    neutral one, and the swapped paths; None when some value has no stand-in.

    A refused value is deleted when that makes it valid (unknown keys; fields with a
    default), else replaced by the first candidate that validates: the value converted
    (``"7"`` for an id given as 7), then 0, 1, false, an empty list, ``"?"``.
    """
    doc = copy.deepcopy(data)
    errors = exc.errors()
    if len(errors) > _MAX_SWAPS:
        return None
    swapped: list[str] = []
    for err in errors:
        parent, key, where = _locate(doc, err["loc"])
        if parent is None:
            return None
        original = parent[key] if _has(parent, key) else _DELETE
        for candidate in _candidates(original, isinstance(parent, dict)):
            _assign(parent, key, candidate)
            if not _still_refused(doc, parent, key):
                break
        else:
            return None
        swapped.append(_path(where))
    try:
        return Instance.model_validate(doc), swapped
    except ValidationError:
        return None


def _locate(doc: Any, loc: tuple[Any, ...]) -> tuple[Any, Any, list[Any]]:
    """The container and key that ``loc`` addresses in ``doc``, and the data path to it
    (pydantic adds union-member tags such as 'list[Placement]' to a location: skipped)."""
    parent: Any = None
    key: Any = None
    node: Any = doc
    where: list[Any] = []
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str):
            parent, key, node = node, part, node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            parent, key, node = node, part, node[part]
        elif isinstance(part, str):
            continue
        else:
            return None, None, []
        where.append(part)
    return parent, key, where


def _has(parent: Any, key: Any) -> bool:
    return key in parent if isinstance(parent, dict) else True


def _assign(parent: Any, key: Any, value: Any) -> None:
    if value is _DELETE:
        parent.pop(key, None)
    else:
        parent[key] = value


def _candidates(original: Any, deletable: bool) -> Iterator[Any]:
    if deletable and original is not _DELETE:
        yield _DELETE
    if isinstance(original, int | float) and not isinstance(original, bool):
        yield str(original)
    if isinstance(original, str):
        for convert in (int, float):
            with contextlib.suppress(ValueError):
                yield convert(original)
    yield from (0, 1, False, [], "?")


def _still_refused(doc: dict[str, Any], parent: Any, key: Any) -> bool:
    """Whether the schema still refuses the value at ``parent[key]``."""
    try:
        Instance.model_validate(doc)
    except ValidationError as exc:
        for err in exc.errors():
            p, k, _ = _locate(doc, err["loc"])
            if p is parent and k == key:
                return True
    return False
