"""Which phases a HiGHS solve runs, chosen from the model's size and the options.

The phases: an LP bound (one LP, or column generation on models too large for one), the
neighbourhood search from the warm start (``placement.milp.lns``), the MIP, and the
search's sub-MIPs in a child process that can be killed. Every threshold lives here, with
the measurement behind it (docs/performance.md); the HiGHS adapter
(``placement.milp.highs``) runs what ``choose`` gives it and decides nothing.

Without a time limit only the MIP runs (from the warm start when there is one): the
search has no proof to give, only the MIP does.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from placement.schema.options import SolveOptions

#: With a time limit, HiGHS's presolve is switched off above this many nonzeros: at XL
#: (3.4 million) its MIP presolve ran for over 30 minutes of a 10-minute limit without
#: checking the clock, while without it the limit is kept and the warm start is returned
#: on time. Below it (L: 0.2 million) presolve takes about a second.
PRESOLVE_NONZERO_LIMIT = 1_000_000

#: ``search="auto"`` runs the neighbourhood search before the MIP when there is a time
#: limit and at least this many candidates (M: about 5,000; S, proven optimal by HiGHS in
#: seconds: under 1,000).
LNS_MIN_CANDIDATES = 2_000

#: Above this many nonzeros the bound comes from column generation (at XL, 3.4 million,
#: one LP does not finish in 10 minutes), with at most COLUMN_GENERATION_SHARE of the time
#: limit; below it from one LP with at most LP_SHARE (L: 0.2 million, about 7 s). Above it
#: the MIP does not run after the search either: without presolve its root LP does not
#: finish, and it overruns its limit (at XL, given 6 s it ran about 25 s; given 17 s,
#: 24 s); the search's plan is the result, and its sub-MIPs run in a child process that is
#: killed when it overruns (at XL sub-MIPs given 3 s ran up to 25 s).
LP_NONZERO_LIMIT = PRESOLVE_NONZERO_LIMIT
LP_SHARE = 0.15
COLUMN_GENERATION_SHARE = 0.35

#: The search ends at SEARCH_SHARE of the time limit (the MIP, started from its plan, gets
#: the rest to raise the bound), or at SEARCH_SHARE_NO_BOUND when the LP was not solved in
#: its share; with no MIP after it, at the end of the limit.
SEARCH_SHARE = 0.7
SEARCH_SHARE_NO_BOUND = 0.9

#: The MIP after the search gets at least this long (it checks the search's plan).
MIN_MIP_SECONDS = 1.0

#: ``search="decompose"`` with a time limit: the LP and the Lagrangian bound end at
#: DECOMPOSE_BOUND_SHARE of it, the restricted master at DECOMPOSE_MASTER_SHARE, the
#: neighbourhood search at SEARCH_SHARE; the MIP gets the rest. (At M one evaluation of
#: the 24 sites' sub-MIPs takes 9 to 14 s on one core: a 60 s limit allows two or three.)
DECOMPOSE_BOUND_SHARE = 0.4
DECOMPOSE_MASTER_SHARE = 0.55


class Bound(StrEnum):
    """How the bound before the MIP is found."""

    NONE = "none"
    LP = "lp"
    COLUMN_GENERATION = "column_generation"
    LAGRANGIAN = "lagrangian"  # the per-site decomposition, with its restricted master


@dataclass(frozen=True)
class Strategy:
    """The phases of one solve, in order: presolve on or off; with ``search``, a bound
    (``bound``, within ``bound_share`` of the time limit), then the neighbourhood search
    until ``search_share`` of it (``search_share_no_bound`` if no bound was found), its
    sub-MIPs isolated in a child process if ``isolate``; then the MIP if ``mip``."""

    presolve: bool = True
    search: bool = False
    bound: Bound = Bound.NONE
    bound_share: float = 0.0
    master_share: float = 0.0
    search_share: float = SEARCH_SHARE
    search_share_no_bound: float = SEARCH_SHARE_NO_BOUND
    isolate: bool = False
    mip: bool = True


def uses_search(options: SolveOptions, n_candidates: int) -> bool:
    """Whether a phase runs before the MIP from a start plan: ``search="decompose"`` (with
    or without a time limit), or the neighbourhood search: ``search="lns"``, or ``"auto"``
    with at least LNS_MIN_CANDIDATES candidates, only with a time limit."""
    if options.search == "decompose":
        return True
    if options.time_limit is None or options.search == "mip":
        return False
    return options.search == "lns" or n_candidates >= LNS_MIN_CANDIDATES


def choose(
    options: SolveOptions, n_candidates: int, n_nonzeros: int, complete_start: bool
) -> Strategy:
    """The phases for a model of ``n_candidates`` candidates and ``n_nonzeros`` nonzeros;
    the search needs a ``complete_start`` (a value for every column)."""
    timed = options.time_limit is not None
    presolve = not (timed and n_nonzeros > PRESOLVE_NONZERO_LIMIT)
    if options.search == "decompose":  # the solve checks the start (and says if it is not run)
        huge = timed and n_nonzeros > LP_NONZERO_LIMIT  # as below: no MIP after the search
        return Strategy(
            presolve=presolve,
            search=True,
            bound=Bound.LAGRANGIAN,
            bound_share=DECOMPOSE_BOUND_SHARE,
            master_share=DECOMPOSE_MASTER_SHARE,
            search_share=1.0 if huge else SEARCH_SHARE,
            search_share_no_bound=1.0 if huge else SEARCH_SHARE_NO_BOUND,
            isolate=huge,
            mip=not huge,
        )
    if not (complete_start and uses_search(options, n_candidates)):
        return Strategy(presolve=presolve)
    if n_nonzeros > LP_NONZERO_LIMIT:
        return Strategy(
            presolve=presolve,
            search=True,
            bound=Bound.COLUMN_GENERATION,
            bound_share=COLUMN_GENERATION_SHARE,
            search_share=1.0,
            search_share_no_bound=1.0,
            isolate=True,
            mip=False,
        )
    return Strategy(presolve=presolve, search=True, bound=Bound.LP, bound_share=LP_SHARE)
