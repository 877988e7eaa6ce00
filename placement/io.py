"""Reading instances (YAML or JSON) and writing outputs atomically."""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from placement.errors import InstanceError, Problem

MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64  # nested lists/mappings; an instance needs fewer than 10
MAX_NODES = 5_000_000  # values after expanding YAML aliases (stops alias bombs)
EXAMPLE_PREFIX = "example:"


class StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe loader (libyaml's C parser when available: ~10x faster) that refuses
    duplicate keys (the later one would silently win)."""


def _mapping(loader: StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", key_node.start_mark
            )
        seen.add(key)
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=deep)
    return mapping


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
# YAML 1.2 / JSON floats: PyYAML's YAML 1.1 resolver reads `1.4e4` (no dot, no
# exponent sign) as a string. Added after the int resolver, so ints stay ints.
StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)$"),
    list("-+0123456789."),
)


def _check_nodes(root: yaml.Node) -> None:
    """Refuse too-deep nesting, complex keys and alias expansions beyond MAX_NODES,
    walking iteratively (no recursion) and counting each alias use as a copy."""
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise yaml.YAMLError(f"more than {MAX_NODES} values once aliases are expanded")
        if depth > MAX_DEPTH:
            raise yaml.constructor.ConstructorError(
                None, None, f"nested more than {MAX_DEPTH} levels deep", node.start_mark
            )
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    raise yaml.constructor.ConstructorError(
                        None, None, "a mapping key must be a plain value, not a list or mapping",
                        key.start_mark,
                    )
                stack.append((value, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)


def _load_yaml(text: str) -> Any:
    loader = StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_nodes(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _json_depth_ok(data: Any) -> bool:
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return True


class _DuplicateKey(ValueError):
    """A JSON object names the same key twice."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def bundled_examples() -> dict[str, Path]:
    """Bundled instances by name (``example:NAME``)."""
    root = resources.files("placement.instances")
    return {
        Path(str(f)).stem: Path(str(f))
        for f in sorted(root.iterdir(), key=lambda f: f.name)
        if f.name.endswith(".yaml")
    }


def resolve_source(source: str | os.PathLike[str]) -> Path:
    """A path, or ``example:NAME`` for a bundled instance."""
    text = os.fspath(source)
    if text.startswith(EXAMPLE_PREFIX):
        name = text[len(EXAMPLE_PREFIX) :]
        examples = bundled_examples()
        if name not in examples:
            known = ", ".join(sorted(examples))
            raise InstanceError([Problem(text, f"no bundled instance '{name}' (have: {known})")])
        return examples[name]
    return Path(text)


def read_mapping(source: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a YAML or JSON file into a mapping; problems reading it are InstanceErrors."""
    path = resolve_source(source)
    return parse_text(read_text(path), str(path), json_first=path.suffix.lower() == ".json")


def read_text(path: str | os.PathLike[str]) -> str:
    """Any input file's text (instance, plan, analysis result, scenarios...), bounded as
    ``read_bounded``; every problem reading it is an InstanceError naming the file."""
    where = str(path)
    try:
        return read_bounded(Path(path))
    except FileNotFoundError:
        raise InstanceError([Problem(where, "no such file")]) from None
    except IsADirectoryError:
        raise InstanceError([Problem(where, "is a directory, not a file")]) from None
    except UnicodeDecodeError:
        raise InstanceError([Problem(where, "not a UTF-8 text file")]) from None
    except OSError as exc:
        raise InstanceError([Problem(where, f"cannot read: {exc.strerror or exc}")]) from None


def read_bounded(path: Path) -> str:
    """A regular file's text, at most MAX_BYTES. Devices, pipes and sockets are
    refused (opened non-blocking, so a FIFO without a writer cannot block)."""
    where = str(path)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError
        if not stat.S_ISREG(mode):
            raise InstanceError([Problem(where, "not a regular file (a device, pipe or socket)")])
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(MAX_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise InstanceError([Problem(where, f"file is larger than the limit of {MAX_BYTES} bytes")])
    return data.decode("utf-8")


def parse_text(text: str, where: str = "<input>", json_first: bool = False) -> dict[str, Any]:
    """Parse YAML (JSON is YAML too) into a mapping, refusing empty files and non-mappings."""
    if not text.strip():
        raise InstanceError([Problem(where, "file is empty")])
    try:
        if json_first:
            data = json.loads(text, object_pairs_hook=_unique_keys)
            if not _json_depth_ok(data):
                raise RecursionError
        else:
            data = _load_yaml(text)  # a safe loader (see StrictLoader)
    except RecursionError:
        raise InstanceError([Problem(where, f"nested more than {MAX_DEPTH} levels deep")]) from None
    except _DuplicateKey as exc:
        raise InstanceError([Problem(where, f"not valid JSON: duplicate key '{exc}'")]) from None
    except json.JSONDecodeError as exc:
        raise InstanceError(
            [Problem(where, f"not valid JSON: {exc.msg} at line {exc.lineno}")]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = getattr(exc, "problem", None) or str(exc)
        raise InstanceError([Problem(where, f"not valid YAML: {what}{at}")]) from None
    if not isinstance(data, dict):
        kind = "nothing" if data is None else type(data).__name__
        raise InstanceError([Problem(where, f"expected a mapping of instance fields, got {kind}")])
    return data


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename: never half a file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; a plan is an ordinary file
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dumps_json(data: Any) -> str:
    """Canonical JSON: sorted nothing (order is meaningful), 2-space indent, newline at end."""
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
