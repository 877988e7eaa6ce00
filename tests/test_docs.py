"""The user docs do not drift from the code.

- docs/instance-format.md is the hand-written intro plus tables generated from the pydantic
  schema by scripts/gen_instance_docs.py: the committed file must equal the generator's
  output (regenerate with ``python scripts/gen_instance_docs.py``).
- docs/cli.md must mention every command, every option and every exit code of the CLI.
"""

from __future__ import annotations

import difflib
import importlib.util
import re
from pathlib import Path
from types import ModuleType

import typer.main

from placement.cli.app import Exit, app
from placement.schema import Instance

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DOC = ROOT / "docs" / "instance-format.md"
CLI_DOC = ROOT / "docs" / "cli.md"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_instance_docs", ROOT / "scripts" / "gen_instance_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_instance_format_doc_matches_the_schema() -> None:
    gen = _generator()
    committed = INSTANCE_DOC.read_text(encoding="utf-8")
    expected = gen.render(committed)
    if committed != expected:
        diff = "".join(difflib.unified_diff(
            committed.splitlines(keepends=True), expected.splitlines(keepends=True),
            "docs/instance-format.md (committed)", "generated", n=1))
        raise AssertionError("docs/instance-format.md is out of date; run "
                             f"python scripts/gen_instance_docs.py\n{diff[:4000]}")


def test_instance_format_doc_covers_every_field() -> None:
    gen = _generator()
    text = INSTANCE_DOC.read_text(encoding="utf-8")
    reference = text.split(gen.MARKER, 1)[1]
    for model, _path in gen.walk(Instance):
        assert f"### {model.__name__}\n" in reference, model.__name__
        section = reference.split(f"### {model.__name__}\n", 1)[1].split("\n### ", 1)[0]
        for name in model.model_fields:
            assert f"| `{name}` |" in section, f"{model.__name__}.{name}"


def test_instance_format_intro_is_hand_written() -> None:
    gen = _generator()
    intro = INSTANCE_DOC.read_text(encoding="utf-8").split(gen.MARKER, 1)[0]
    for topic in ("## Units", "730 hours", "demand_rps", "one value per period", "current",
                  "replicas"):
        assert topic in intro, topic


def test_cli_doc_mentions_every_command_option_and_exit_code() -> None:
    text = CLI_DOC.read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert re.search(rf"^#+ .*`placement {name}", text, re.M), f"no section for {name}"
        for param in command.params:
            for opt in param.opts if param.param_type_name == "option" else []:
                if opt != "--help":
                    assert opt in text, f"{name} {opt}"
            for opt in getattr(param, "secondary_opts", []):
                assert opt in text, f"{name} {opt}"
    for code in Exit:
        assert re.search(rf"^\| *{int(code)} *\|", text, re.M), f"exit code {int(code)}"
