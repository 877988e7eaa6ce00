"""``placement``: solve, validate, explain and check instances and plans.

Exit codes: 0 plan found / valid; 1 other error; 2 usage; 3 invalid instance or plan
file; 4 infeasible; 5 no solution within the time limit; 6 plan check found violations.
"""

from __future__ import annotations

import json
import os
import sys
import time
from enum import IntEnum
from pathlib import Path
from typing import Annotated, Any, NotRequired, TypedDict

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from placement import api
from placement.cli import render
from placement.cli.options import (
    GapOpt,
    InstanceArg,
    MachineJsonOpt,
    Search,
    SearchOpt,
    SetOpt,
    Solver,
    SolverOpt,
    ThreadsOpt,
    TimeLimitOpt,
    WarmStartOpt,
    solve_options,
)
from placement.data import prepare
from placement.diagnose import candidate_counts, short_of_candidates
from placement.errors import InstanceError, PlacementError, PlanFormatError, Problem
from placement.evaluate import evaluate
from placement.io import bundled_examples, parse_text, read_text
from placement.plan import Diagnosis
from placement.result import Status, Termination
from placement.schema import Instance
from placement.schema.options import DEFAULT_GAP


class Exit(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    INVALID = 3
    INFEASIBLE = 4
    NO_SOLUTION = 5
    VIOLATIONS = 6


app = typer.Typer(
    name="placement",
    help="Where to run generative-AI workloads, and how to get there in phased waves.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

def load_input(source: str, overrides: list[str] | None = None) -> Instance:
    """The instance, with the ``--set`` overrides applied; exit 3 listing every problem."""
    try:
        inst = api.load_instance(source)
    except InstanceError as exc:
        render.problems(err, f"Invalid instance {source}", exc.problems)
        raise typer.Exit(Exit.INVALID) from None
    if not overrides:
        return inst
    from placement.analysis.overrides import apply_overrides

    try:
        return apply_overrides(inst, overrides)
    except InstanceError as exc:
        render.problems(err, f"Invalid --set override of {source}", exc.problems)
        raise typer.Exit(Exit.INVALID) from None


def read_plan_file(path: Path, title: str) -> dict[str, Any]:
    """A plan file (JSON, or YAML) as a mapping; exit 3 with the problem under ``title`` if
    it cannot be read."""
    try:
        return parse_text(read_text(path), str(path), json_first=True)
    except InstanceError as exc:
        render.problems(err, title, exc.problems)
        raise typer.Exit(Exit.INVALID) from None


def _warn(inst: Instance) -> None:
    """The instance's near-misses (``placement.nearmiss``) on stderr, one line each."""
    from placement.nearmiss import warnings

    found = warnings(inst)
    if found:
        n = len(found)
        err.print(f"[bold yellow]Warning[/] ({n} near-miss{'es' if n != 1 else ''}: "
                  "the instance is valid, but check these):", soft_wrap=True)
        for p in found:
            err.print(Text("  • ") + Text(str(p)), soft_wrap=True)


#: Reading gets this long past the limit before the timer ends it: a small instance is
#: always read, and the solve's own clock then reports the limit in the plan JSON.
LOAD_GRACE_SECONDS = 2.0


def _load_within(source: str, overrides: list[str] | None, limit: float | None) -> Instance:
    """``load_input`` within the command's time limit: reading and validating a very large
    instance has no clock of its own, so a timer ends it (exit 5) when the limit passes."""
    from placement.cli.signals import OutOfTime, deadline

    started = time.perf_counter()
    try:
        with deadline(None if limit is None else limit + LOAD_GRACE_SECONDS):
            return load_input(source, overrides)
    except OutOfTime:
        err.print(f"[bold red]Out of time[/]: the time limit of {limit:g} s was reached while "
                  f"reading and validating {source} (after {time.perf_counter() - started:.1f} "
                  "s); nothing was solved. Give a longer --time-limit (a JSON instance reads "
                  "several times faster than YAML).")
        raise typer.Exit(Exit.NO_SOLUTION) from None


@app.command()
def solve(
    instance: InstanceArg,
    output: Annotated[Path | None, typer.Option("-o", "--output",
                      help="Write the plan JSON here ('-' for stdout).")] = None,
    solver: SolverOpt = Solver.highs,
    time_limit: TimeLimitOpt = None,
    gap: GapOpt = DEFAULT_GAP,
    threads: ThreadsOpt = None,
    baseline: Annotated[bool, typer.Option(help="Also solve the stay-put baseline.")] = True,
    warm_start: WarmStartOpt = False,
    search: SearchOpt = Search.auto,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary.")] = False,
    overrides: SetOpt = None,
    write_model: Annotated[Path | None, typer.Option(
        "--write-model", help="Also write the plan's MILP here, as MPS or LP (by the suffix: "
        ".mps or .lp), before solving it.")] = None,
) -> None:
    """Solve an instance: the recommended phased plan, its cost and savings vs staying put."""
    started = time.perf_counter()  # --time-limit counts the loading
    options = solve_options(solver, time_limit, gap, threads, search=search,
                            warm_start=warm_start, baseline=baseline)
    from placement.cli.output import refuse_inputs, to_stdout, write_or_exit

    if write_model is not None and write_model.suffix.lower() not in (".mps", ".lp"):
        err.print(f"error: --write-model {write_model}: the file must end in .mps or .lp",
                  highlight=False, soft_wrap=True)
        raise typer.Exit(Exit.USAGE)
    refuse_inputs(output, [instance])
    refuse_inputs(write_model, [instance])
    inst = _load_within(instance, overrides, options.time_limit)
    _warn(inst)
    if write_model is not None:
        try:
            api.write_model(inst, write_model, options)
        except OSError as exc:
            err.print(f"error: --write-model {write_model}: {exc.strerror or exc}",
                      highlight=False, soft_wrap=True)
            raise typer.Exit(Exit.ERROR) from exc
    plan = api.solve(inst, options, started)
    stdout = to_stdout(output)
    if output is not None:  # the file first: a slow or broken summary never loses it
        write_or_exit(output, plan.to_json(), "plan")
    if not quiet:
        render.plan_summary(err if stdout else out, plan, inst)
        if plan.baseline is not None and plan.baseline.status == Status.INFEASIBLE:
            (err if stdout else out).print(
                f"Why staying put breaks a rule: placement explain {instance} --baseline",
                highlight=False, soft_wrap=True)
        if output is not None and not stdout:
            out.print(f"Plan written to [bold]{output}[/]")
    if plan.status == Status.INFEASIBLE:
        raise typer.Exit(Exit.INFEASIBLE)
    if plan.status == Status.ERROR:
        raise typer.Exit(
            Exit.NO_SOLUTION if plan.termination == Termination.TIME_LIMIT else Exit.ERROR
        )


@app.command()
def validate(instance: InstanceArg, overrides: SetOpt = None) -> None:
    """Check an instance: every problem with its path, or a short summary."""
    inst = load_input(instance, overrides)
    _warn(inst)
    out.print(f"[green]✓[/] {instance}: valid — {len(inst.workloads)} workloads, "
              f"{len(inst.sites)} sites, {len(inst.hardware)} hardware options, "
              f"{len(inst.horizon.periods)} periods")


@app.command()
def explain(
    instance: InstanceArg,
    all_rules: Annotated[
        bool, typer.Option("--all", help="Show exclusions for every workload.")
    ] = False,
    as_json: MachineJsonOpt = False,
    repair: Annotated[bool, typer.Option("--repair", help="Find the smallest relaxations of "
                      "caps, bandwidth, power, migrations, budgets and SLOs that make the "
                      "instance feasible.")] = False,
    baseline: Annotated[bool, typer.Option("--baseline", help="Diagnose the stay-put "
                        "baseline: which current placement breaks which rule, and which "
                        "unit caps, power, bandwidth or budgets they overrun together.")] = False,
    solver: SolverOpt = Solver.highs,
    time_limit: TimeLimitOpt = None,
    gap: GapOpt = DEFAULT_GAP,
    threads: ThreadsOpt = None,
    overrides: SetOpt = None,
) -> None:
    """Per workload: surviving candidates per period, and the rules that excluded the rest.
    The solver options apply to --repair (its elastic solve)."""
    options = solve_options(solver, time_limit, gap, threads, baseline=False)
    if not repair and options != solve_options(baseline=False):
        render.problems(err, "Invalid options", [Problem(
            "--solver/--time-limit/--gap/--threads", "apply to the elastic solve of --repair; "
            "without --repair, explain solves nothing")])
        raise typer.Exit(Exit.USAGE)
    inst = load_input(instance, overrides)
    if repair and baseline:
        render.problems(err, "Invalid options", [Problem(
            "--baseline", "cannot be combined with --repair")])
        raise typer.Exit(Exit.USAGE)
    if repair:
        from placement.cli.commands.repair import explain_repair

        raise typer.Exit(explain_repair(inst, instance, as_json, overrides, options))
    if baseline:
        raise typer.Exit(_explain_baseline(inst, as_json))
    if _explain_candidates(inst, all_rules, as_json):
        raise typer.Exit(Exit.INFEASIBLE)


class ExplainDoc(TypedDict):
    """``explain --json``: surviving candidates per workload and period, the diagnoses of
    the workloads short of candidates and, with ``--all``, every excluded placement."""

    candidates: dict[str, dict[str, int]]
    infeasible: list[dict[str, Any]]
    exclusions: NotRequired[dict[str, list[dict[str, Any]]]]


def _explain_candidates(inst: Instance, all_rules: bool, as_json: bool) -> bool:
    """``explain``: the candidates of every workload per period, as JSON or tables (with
    ``all_rules``, the rules excluding the others); whether a workload is short of them."""
    from placement.candidates import exclusions
    from placement.diagnose import exclusion_rows

    data = prepare(inst, presolve=False)
    counts = candidate_counts(data)
    short = short_of_candidates(data)
    periods = [p.name for p in inst.horizon.periods]
    excluded = ({w: exclusion_rows(exclusions(data.lk, data.routes, w), data) for w in counts}
                if all_rules else None)
    if as_json:
        doc: ExplainDoc = {
            "candidates": {w: dict(zip(periods, c, strict=True)) for w, c in counts.items()},
            "infeasible": [d.model_dump() for d in short],
        }
        if excluded is not None:
            doc["exclusions"] = excluded
        out.print_json(json.dumps(doc))
        return bool(short)
    t = Table(title="Feasible candidates per workload and period", title_justify="left")
    t.add_column("workload")
    for p in periods:
        t.add_column(p, justify="right")
    for w, c in counts.items():
        t.add_row(w, *(f"[red]{n}[/]" if n == 0 else str(n) for n in c))
    out.print(t)
    for w, rows in (excluded or {}).items():
        render.diagnosis(out, [Diagnosis(workload=w, period=None,
                                         message=f"{w}: excluded placements",
                                         exclusions=rows)])
    if short:
        render.diagnosis(out, short)
    else:
        out.print("[green]✓[/] every workload has enough candidates in every period")
    return bool(short)


def _explain_baseline(inst: Instance, as_json: bool) -> int:
    """``explain --baseline``: every rule the stay-put baseline breaks; exit 4 if any."""
    from placement.diagnose_baseline import baseline_breaches

    pinned = [w.id for w in inst.workloads if w.current]
    free = [w.id for w in inst.workloads if not w.current]
    found = baseline_breaches(prepare(inst, presolve=False)) if pinned else []
    if not pinned:
        note = ("no workload has a `current` placement: the baseline is the plan itself "
                "(run `placement explain` without --baseline)")
    elif found:
        note = f"the stay-put baseline is infeasible: {len(found)} broken rule(s)"
    else:
        note = ("the current placements break no rule, alone or together"
                + (f"; the free workloads ({', '.join(free)}) may still not fit around them"
                   if free else ""))
    if as_json:
        out.print_json(json.dumps({"baseline": {
            "breaks_rules": bool(found), "pinned": pinned, "free": free, "message": note,
            "breaches": [b.to_dict() for b in found]}}))
    else:
        out.print(("[bold red]✗[/] " if found else "[green]✓[/] ") + note, highlight=False)
        shown: tuple[str | None, str] | None = None
        for b in found:
            head = (b.workload, b.where if b.workload else "")
            if head != shown:
                out.print(f"    {b.workload} at {b.where}" if b.workload else "    together:",
                          highlight=False)
                shown = head
            when = f" in {b.period}" if b.period else ""
            at = "" if b.workload or b.where == b.period else f" at {b.where}"
            out.print(f"        [bold]{b.rule}[/]{at}{when}: {b.detail}", highlight=False,
                      soft_wrap=True)
    return Exit.INFEASIBLE if found else Exit.OK


@app.command()
def check(
    instance: InstanceArg,
    plan_file: Annotated[Path, typer.Argument(help="Plan JSON written by `placement solve -o`.")],
    overrides: SetOpt = None,
) -> None:
    """Recompute every cost and check every constraint of a plan, independently of the MILP.

    Strict: a number that is not finite, a row listed twice, periods other than the
    instance's, or a status the plan contradicts (an 'optimal' plan outside its gap) is a
    violation. An 'infeasible' plan is confirmed when a workload has too few candidates,
    contradicted when the greedy heuristic finds a plan meeting every rule, and otherwise
    reported as not verified (exit 0: only a solve can prove infeasibility)."""
    inst = load_input(instance, overrides)
    invalid = f"Invalid plan file {plan_file}"
    data = read_plan_file(plan_file, invalid)
    try:
        ev = evaluate(inst, data)
    except (InstanceError, PlanFormatError) as exc:
        render.problems(err, invalid, exc.problems)
        raise typer.Exit(Exit.INVALID) from None
    if ev.violations:
        render.problems(err, f"Plan {plan_file} violates its instance",
                        [Problem("", v) for v in ev.violations])
        raise typer.Exit(Exit.VIOLATIONS)
    if ev.npv is not None:
        npv = render.money(ev.npv, inst.currency)
        out.print(f"[green]✓[/] {plan_file}: every constraint holds; recomputed NPV {npv}")
    for note in ev.notes:
        mark = "[green]✓[/]" if note.startswith("infeasibility confirmed") else "[yellow]![/]"
        out.print(f"{mark} {plan_file}: {escape(note)}", highlight=False)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the instance format."""
    sys.stdout.write(json.dumps(Instance.model_json_schema(), indent=2) + "\n")


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


def _register_commands() -> None:
    """Import every module of ``placement.cli.commands``: each adds its commands to ``app``
    (one module per feature, so features do not edit this file)."""
    import importlib
    import pkgutil

    from placement.cli import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        importlib.import_module(f"{commands.__name__}.{info.name}")


_register_commands()


def _quiet_broken_pipe() -> None:
    """The reader of stdout went away (``| head``): exit quietly like a Unix tool."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second EPIPE when Python flushes at exit
    except (OSError, ValueError):
        pass
    sys.exit(Exit.ERROR)


def main() -> None:
    """Console entry point: never a traceback for expected errors (PLACEMENT_DEBUG=1 shows one).
    SIGINT / SIGTERM stop the command (worker processes included) with exit 130 / 143."""
    from placement.cli.signals import Interrupted, install

    install()
    try:
        app()
    except Interrupted as exc:
        err.print(f"[bold red]Interrupted[/] by {exc}: stopped (worker processes ended; "
                  "a file not yet written is left as it was).")
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        _quiet_broken_pipe()
    except InstanceError as exc:  # found past loading: a v2 feature not modelled yet
        render.problems(err, "Invalid instance", exc.problems)
        sys.exit(Exit.INVALID)
    except PlacementError as exc:
        render.problems(err, "Error", exc.problems)
        sys.exit(Exit.ERROR)
    except Exception as exc:
        if os.environ.get("PLACEMENT_DEBUG"):
            raise
        err.print(f"[bold red]Internal error:[/] {type(exc).__name__}: {exc}")
        err.print("Set PLACEMENT_DEBUG=1 to see the traceback, and please report it.")
        sys.exit(Exit.ERROR)


if __name__ == "__main__":
    main()
