"""``placement risk``: Monte Carlo of a fixed plan and its baseline under cost multipliers;
with ``--cvar-weight``, the risk-averse plan (CVaR in the MILP) against the risk-neutral one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from placement.analysis.results import RiskStats
from placement.cli import render
from placement.cli.app import Exit, app, err, load_input, out, read_plan_file
from placement.cli.options import (
    MAX_RISK_SCENARIOS,
    MAX_SAMPLES,
    MAX_SEED,
    GapOpt,
    InstanceArg,
    OutputOpt,
    PrintJsonOpt,
    SchedulerOpt,
    SetOpt,
    Solver,
    SolverOpt,
    ThreadsOpt,
    TimeLimitOpt,
    WorkersOpt,
    bounded_float,
    solve_options,
)
from placement.cli.sweep import executor_failed, whole, write_result
from placement.errors import InstanceError, PlanFormatError, Problem
from placement.result import Status, Termination
from placement.schema import Instance
from placement.schema.options import DEFAULT_GAP, SolveOptions

if TYPE_CHECKING:
    from placement.analysis.risk import RiskAnalysis, RiskAverseResult


def _stats_row(t: Table, label: str, s: RiskStats, short: float | None = None) -> None:
    t.add_row(label, *(whole(x) for x in (s.mean, s.p5, s.p50, s.p95, s.var, s.cvar)),
              "—" if short is None else f"{short:.1%}")


@dataclass(frozen=True)
class Sampling:
    """The Monte Carlo draws: ``samples`` of the multipliers from ``distributions`` (None:
    the built-in set) with ``seed``; VaR and CVaR at ``level``."""

    samples: int
    seed: int
    level: float
    distributions: Mapping[str, Any] | None


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
    as_json: PrintJsonOpt = False,
    output: OutputOpt = None,
    overrides: SetOpt = None,
) -> None:
    """Risk of the recommended (or a given) plan: NPV statistics, VaR/CVaR and the chance of
    beating the baseline under sampled cost multipliers; or a risk-averse plan (CVaR)."""
    from placement.cli.output import refuse_inputs

    refuse_inputs(output, [instance, plan_file])
    options = solve_options(solver, time_limit, gap, threads)
    inst = load_input(instance, overrides)
    sampling = Sampling(samples, seed, level, _read_distributions(distributions))
    if not 0 < level < 1:
        render.problems(err, "Invalid option", [Problem("--level", "must be in (0, 1)")])
        raise typer.Exit(Exit.USAGE)
    if cvar_weight is not None:
        _check_averse_options(cvar_weight, plan_file)
        averse = _solve_averse(inst, cvar_weight, scenarios, sampling, options, workers,
                               scheduler)
        if not as_json:
            _render_averse(averse, inst.currency)
        write_result(averse, output, as_json)
        _exit_unless_solved(averse)
        return
    analysis = _analyse(inst, plan_file, sampling, options)
    if not as_json:
        _render_risk(analysis, inst.currency)
    else:
        for n in [*analysis.notes, *_headroom(analysis)]:
            err.print(f"[yellow]note:[/] {escape(n)}")
    write_result(analysis.result, output, as_json)


def _read_distributions(path: Path | None) -> dict[str, Any] | None:
    """The ``--distributions`` file's distributions (None: the built-in set); exit 3 if bad."""
    from placement.analysis import risk as rk

    try:
        return rk.load_distributions(path) if path else None
    except InstanceError as exc:
        render.problems(err, f"Invalid distributions file {path}", exc.problems)
        raise typer.Exit(Exit.INVALID) from None


def _check_averse_options(cvar_weight: float, plan_file: Path | None) -> None:
    """``--cvar-weight`` takes no ``--plan`` and is in [0, 1]; else exit 2."""
    if plan_file is not None:
        render.problems(err, "Invalid options", [Problem(
            "--plan", "--cvar-weight solves its own plans; it takes no --plan")])
        raise typer.Exit(Exit.USAGE)
    if not 0 <= cvar_weight <= 1:
        render.problems(err, "Invalid option", [Problem("--cvar-weight",
                                                        "must be in [0, 1]")])
        raise typer.Exit(Exit.USAGE)


def _solve_averse(inst: Instance, cvar_weight: float, scenarios: int, sampling: Sampling,
                  options: SolveOptions, workers: int | None,
                  scheduler: str | None) -> RiskAverseResult:
    """The risk-neutral and the risk-averse plan, compared; exit 1 if the solves cannot run."""
    from placement.analysis import risk as rk

    try:
        return rk.risk_averse(inst, cvar_weight, scenarios=scenarios, level=sampling.level,
                              samples=sampling.samples, seed=sampling.seed,
                              distributions=sampling.distributions, options=options,
                              workers=workers, scheduler=scheduler)
    except (RuntimeError, OSError) as exc:  # Dask not installed / unreachable
        raise executor_failed("Cannot run the solves", exc) from None


def _exit_unless_solved(averse: RiskAverseResult) -> None:
    """Exit 4 (infeasible) or 1 when the risk-neutral plan failed, 1 when the risk-averse
    one did (or its check did)."""
    if averse.neutral.npv is None:
        raise typer.Exit(Exit.INFEASIBLE if averse.neutral.status == Status.INFEASIBLE
                         else Exit.ERROR)
    if averse.averse.npv is None:
        raise typer.Exit(Exit.ERROR)


def _analyse(inst: Instance, plan_file: Path | None, sampling: Sampling,
             options: SolveOptions) -> RiskAnalysis:
    """Monte Carlo of the given plan (or the recommended one, solved). A plan file that is
    not a plan of the instance exits 3, one that breaks its rules 6; no plan to evaluate
    exits 4 (infeasible), 5 (out of time) or 1."""
    from placement.analysis import risk as rk

    given = (read_plan_file(plan_file, f"Invalid plan file {plan_file}")
             if plan_file is not None else None)
    try:
        return rk.risk(inst, given, samples=sampling.samples, seed=sampling.seed,
                       level=sampling.level, distributions=sampling.distributions,
                       options=options)
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
        code = Exit.INFEASIBLE if exc.plan.status == Status.INFEASIBLE else Exit.ERROR
        if exc.plan.termination == Termination.TIME_LIMIT:
            code = Exit.NO_SOLUTION
        raise typer.Exit(code) from None


def _render_risk(a: RiskAnalysis, cur: str) -> None:
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
    _stats_row(t, "plan", r.plan, r.prob_capacity_shortfall)
    if r.baseline is not None:
        _stats_row(t, "baseline", r.baseline, r.baseline_prob_capacity_shortfall)
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


def _headroom(a: RiskAnalysis) -> list[str]:
    out = []
    for who, room, over in (("plan", a.plan_headroom, a.samples_over_headroom),
                            ("baseline", a.baseline_headroom, a.baseline_samples_over_headroom)):
        if room is not None and (over or who == "plan"):
            out.append(f"the {who}'s units and links carry up to x{room:.3f} today's demand; "
                       f"{over} of {a.result.samples} samples ask for more"
                       + (" (its NPV in those samples is a lower bound: it would need more "
                          "units)" if over else ""))
    return out


def _render_averse(r: RiskAverseResult, cur: str) -> None:
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
        t.add_row(p.label, p.status, whole(p.npv), whole(p.expected_npv), whole(p.cvar),
                  whole(p.objective), whole(mc.mean if mc else None),
                  whole(mc.cvar if mc else None))
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
