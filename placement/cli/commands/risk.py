"""``placement risk``: Monte Carlo of a fixed plan and its baseline under cost multipliers;
with ``--cvar-weight``, the risk-averse plan (CVaR in the MILP) against the risk-neutral one."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from placement.cli import render
from placement.cli.app import Exit, InstanceArg, SetOpt, _load, app, err, out
from placement.cli.options import (
    MAX_RISK_SCENARIOS,
    MAX_SAMPLES,
    MAX_SEED,
    GapOpt,
    SchedulerOpt,
    Solver,
    SolverOpt,
    ThreadsOpt,
    TimeLimitOpt,
    WorkersOpt,
    bounded_float,
    solve_options,
)
from placement.errors import InstanceError, PlanFormatError, Problem
from placement.io import dumps_json, parse_text, read_text
from placement.result import Status, Termination
from placement.schema.options import DEFAULT_GAP


def write_result(doc: dict[str, Any], output: Path | None, as_json: bool) -> None:
    """``--json``: the result on stdout; ``-o FILE``: the result to FILE ('-': stdout)."""
    text = dumps_json(doc)
    if as_json or (output is not None and str(output) == "-"):
        sys.stdout.write(text)
    if output is not None and str(output) != "-":
        from placement.cli.output import write_or_exit

        write_or_exit(output, text, "result")
        (err if as_json else out).print(f"Result written to [bold]{escape(str(output))}[/]")


def _read_plan(path: Path) -> dict[str, Any]:
    try:
        return parse_text(read_text(path), str(path), json_first=True)
    except InstanceError as exc:
        render.problems(err, f"Invalid plan file {path}", exc.problems)
    raise typer.Exit(Exit.INVALID)


def _whole(x: float | None) -> str:
    return "—" if x is None else f"{x:,.0f}"


def _stats_row(t: Table, label: str, s: Any, cur: str, short: float | None = None) -> None:
    t.add_row(label, *(_whole(getattr(s, k)) for k in ("mean", "p5", "p50", "p95", "var", "cvar")),
              "—" if short is None else f"{short:.1%}")


@app.command()
def risk(
    instance: InstanceArg,
    plan_file: Annotated[Path | None, typer.Option(
        "--plan", help="Evaluate this plan JSON (default: solve for the recommended plan).")
    ] = None,
    samples: Annotated[int, typer.Option(
        min=1, max=MAX_SAMPLES, help="Monte Carlo samples.")] = 1000,
    seed: Annotated[int, typer.Option(
        min=0, max=MAX_SEED, help="Random seed (same seed, same numbers).")] = 0,
    level: Annotated[float, typer.Option(
        parser=bounded_float(0, 1, low_open=True, high_open=True),
        help="VaR/CVaR level in (0, 1).")] = 0.95,
    distributions: Annotated[Path | None, typer.Option(
        help="YAML/JSON file of distributions per multiplier (default: the built-in set).")
    ] = None,
    cvar_weight: Annotated[float | None, typer.Option(
        "--cvar-weight", parser=bounded_float(0, 1),
        help="Solve the risk-averse plan with this weight on CVaR in [0, 1] "
        "and compare it with the risk-neutral one.")] = None,
    scenarios: Annotated[int, typer.Option(
        min=1, max=MAX_RISK_SCENARIOS, help="Sampled scenarios in the risk-averse MILP.")] = 20,
    solver: SolverOpt = Solver.highs,
    time_limit: TimeLimitOpt = None,
    gap: GapOpt = DEFAULT_GAP,
    threads: ThreadsOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Write the result JSON here ('-' for stdout).")] = None,
    overrides: SetOpt = None,
) -> None:
    """Risk of the recommended (or a given) plan: NPV statistics, VaR/CVaR and the chance of
    beating the baseline under sampled cost multipliers; or a risk-averse plan (CVaR)."""
    from placement.cli.output import refuse_inputs

    refuse_inputs(output, [instance, plan_file])
    from placement.analysis import risk as rk

    options = solve_options(solver, time_limit, gap, threads)
    inst = _load(instance, overrides)
    try:
        dists = rk.load_distributions(distributions) if distributions else None
    except InstanceError as exc:
        render.problems(err, f"Invalid distributions file {distributions}", exc.problems)
        raise typer.Exit(Exit.INVALID) from None
    if not 0 < level < 1:
        render.problems(err, "Invalid option", [Problem("--level", "must be in (0, 1)")])
        raise typer.Exit(Exit.USAGE)
    if cvar_weight is not None:
        if plan_file is not None:
            render.problems(err, "Invalid options", [Problem(
                "--plan", "--cvar-weight solves its own plans; it takes no --plan")])
            raise typer.Exit(Exit.USAGE)
        if not 0 <= cvar_weight <= 1:
            render.problems(err, "Invalid option", [Problem("--cvar-weight",
                                                            "must be in [0, 1]")])
            raise typer.Exit(Exit.USAGE)
        try:
            averse = rk.risk_averse(inst, cvar_weight, scenarios=scenarios, level=level,
                                    samples=samples, seed=seed, distributions=dists,
                                    options=options, workers=workers, scheduler=scheduler)
        except (RuntimeError, OSError) as exc:  # Dask not installed / unreachable
            render.problems(err, "Cannot run the solves", [Problem("--scheduler", str(exc))])
            raise typer.Exit(Exit.ERROR) from None
        if not as_json:
            _render_averse(averse, inst.currency)
        write_result(averse.model_dump(mode="json"), output, as_json)
        if averse.neutral.npv is None:
            raise typer.Exit(Exit.INFEASIBLE if averse.neutral.status == Status.INFEASIBLE
                             else Exit.ERROR)
        if averse.averse.npv is None:  # the risk-averse plan failed (or its check did)
            raise typer.Exit(Exit.ERROR)
        return
    given = _read_plan(plan_file) if plan_file is not None else None
    try:
        analysis = rk.risk(inst, given, samples=samples, seed=seed, level=level,
                           distributions=dists, options=options)
    except PlanFormatError as exc:
        violations = any(not p.path for p in exc.problems)
        render.problems(err, f"Plan {plan_file} " + ("violates its instance" if violations
                                                     else "is not a plan of this instance"),
                        exc.problems)
        raise typer.Exit(Exit.VIOLATIONS if violations else Exit.INVALID) from None
    except rk.NoPlanError as exc:
        render.problems(err, "No plan to evaluate", exc.problems)
        for d in exc.plan.diagnosis:
            err.print(f"  [red]✗[/] {escape(d.message)}")
        code = {Status.INFEASIBLE: Exit.INFEASIBLE}.get(exc.plan.status, Exit.ERROR)
        if exc.plan.termination == Termination.TIME_LIMIT:
            code = Exit.NO_SOLUTION
        raise typer.Exit(code) from None
    if not as_json:
        _render_risk(analysis, inst.currency)
    else:
        for n in [*analysis.notes, *_headroom(analysis)]:
            err.print(f"[yellow]note:[/] {escape(n)}")
    write_result(analysis.result.model_dump(mode="json"), output, as_json)


def _render_risk(a: Any, cur: str) -> None:
    r = a.result
    out.print(f"[bold]Risk of the plan for [cyan]{escape(r.instance)}[/][/]: {r.samples} samples, "
              f"seed {r.seed}, level {r.level:g} (NPV as a cost, {cur})")
    dt = Table(title="Multiplier distributions", title_justify="left")
    for col in ("multiplier", "distribution"):
        dt.add_column(col)
    for key, d in r.distributions.items():
        params = ", ".join(f"{k} {v:g}" for k, v in d.items() if k != "type")
        dt.add_row(key, f"{d['type']}({params})")
    out.print(dt)
    t = Table(title="NPV under the sampled multipliers", title_justify="left",
              caption="short: share of samples whose demand exceeds what the units carry at "
                      "max_utilization in some period", caption_justify="left")
    t.add_column("", no_wrap=True)
    for col in ("mean", "P5", "P50", "P95", f"VaR {r.level:g}", f"CVaR {r.level:g}", "short"):
        t.add_column(col, justify="right")
    _stats_row(t, "plan", r.plan, cur, r.prob_capacity_shortfall)
    if r.baseline is not None:
        _stats_row(t, "baseline", r.baseline, cur, r.baseline_prob_capacity_shortfall)
    out.print(t)
    short = r.prob_capacity_shortfall
    if r.prob_plan_beats_baseline is not None:
        out.print(f"The plan costs less than staying put in "
                  f"[bold]{r.prob_plan_beats_baseline:.1%}[/] of the samples"
                  + (f", but its units fall short of the sampled demand in [bold red]"
                     f"{short:.1%}[/] of them (its cost there is a lower bound)." if short
                     else "."))
    elif short:
        out.print(f"The plan's units fall short of the sampled demand in [bold red]{short:.1%}"
                  "[/] of the samples (its cost there is a lower bound).")
    for n in [*_headroom(a), *a.notes]:
        out.print(f"[yellow]note:[/] {escape(n)}")


def _headroom(a: Any) -> list[str]:
    out = []
    for who, room, over in (("plan", a.plan_headroom, a.samples_over_headroom),
                            ("baseline", a.baseline_headroom, a.baseline_samples_over_headroom)):
        if room is not None and (over or who == "plan"):
            out.append(f"the {who}'s units and links carry up to x{room:.3f} today's demand; "
                       f"{over} of {a.result.samples} samples ask for more"
                       + (" (its NPV in those samples is a lower bound: it would need more "
                          "units)" if over else ""))
    return out


def _render_averse(r: Any, cur: str) -> None:
    out.print(f"[bold]Risk-neutral vs risk-averse plan for [cyan]{escape(r.instance)}[/][/]: "
              f"weight {r.weight:g} on CVaR {r.level:g} over {r.scenarios} scenarios "
              f"(seed {r.seed}); out of sample: {r.samples} draws ({cur})")
    t = Table(title_justify="left")
    t.add_column("")
    for col in ("status", "NPV today", "E[NPV] (K)", "CVaR (K)", "objective",
                "MC mean", "MC CVaR"):
        t.add_column(col, justify="right")
    for p in (r.neutral, r.averse):
        mc = p.monte_carlo
        t.add_row(p.label, p.status, _whole(p.npv), _whole(p.expected_npv), _whole(p.cvar),
                  _whole(p.objective), _whole(mc.mean if mc else None),
                  _whole(mc.cvar if mc else None))
    out.print(t)
    for p in (r.neutral, r.averse):
        if p.npv is None and p.message:
            out.print(f"[red]✗[/] {p.label}: {p.status}: {escape(p.message)}", highlight=False)
    if r.differences:
        out.print("[bold]Placements that differ[/] (risk-neutral → risk-averse):")
        for d in r.differences:
            out.print(f"  • {escape(d)}", highlight=False)
        same = all(
            a is not None and b is not None and abs(a - b) <= 0.01
            for a, b in ((r.neutral.npv, r.averse.npv),
                         (r.neutral.expected_npv, r.averse.expected_npv),
                         (r.neutral.cvar, r.averse.cvar)))
        if same:
            out.print("  (both plans cost the same today and in every scenario: these are ties "
                      "between equally good placements, not a hedge)")
    elif r.neutral.npv is not None and r.averse.npv is not None:
        out.print("Both recommendations place every workload alike.")
