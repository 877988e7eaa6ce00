"""SIGINT and SIGTERM end a command cleanly: the signal becomes an :class:`Interrupted`
exception in the main thread, so the work under way unwinds (a sweep's pool ends its
worker processes, a file being written is removed, earlier outputs stay as they were) and
the command exits ``128 + signal number`` (130 for SIGINT, 143 for SIGTERM).

A second signal of the same kind, while the first is being handled, ends the process at
once (the default action).
"""

from __future__ import annotations

import signal
from types import FrameType

__all__ = ["Interrupted", "install"]

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """A SIGINT or SIGTERM arrived (a BaseException: ``except Exception`` does not swallow
    it, and click does not turn it into its own "Aborted!")."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def _raise(signum: int, _frame: FrameType | None) -> None:
    signal.signal(signum, signal.SIG_DFL)  # a second one ends the process at once
    raise Interrupted(signum)


def install() -> None:
    """Turn SIGINT and SIGTERM into :class:`Interrupted` (call from the main thread)."""
    for sig in SIGNALS:
        signal.signal(sig, _raise)
