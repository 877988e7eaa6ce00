"""SIGINT and SIGTERM end a command cleanly: the signal becomes an :class:`Interrupted`
exception in the main thread, so the work under way unwinds (a sweep's pool ends its
worker processes, a file being written is removed, earlier outputs stay as they were) and
the command exits ``128 + signal number`` (130 for SIGINT, 143 for SIGTERM).

A second signal of the same kind, while the first is being handled, ends the process at
once (the default action).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["Interrupted", "OutOfTime", "deadline", "install"]

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


_INSTALLED_IN: list[int] = []  # the process that installed the handler


def _raise(signum: int, _frame: FrameType | None) -> None:
    if _INSTALLED_IN and os.getpid() != _INSTALLED_IN[0]:
        # a pool worker just forked, before its initializer reset the handlers: it has
        # nothing to unwind, and an exception here would be "ignored" with a traceback
        os._exit(128 + signum)
    signal.signal(signum, signal.SIG_DFL)  # a second one ends the process at once
    raise Interrupted(signum)


def install() -> None:
    """Turn SIGINT and SIGTERM into :class:`Interrupted` (call from the main thread)."""
    _INSTALLED_IN[:] = [os.getpid()]
    for sig in SIGNALS:
        signal.signal(sig, _raise)


class OutOfTime(BaseException):
    """The deadline of :func:`deadline` passed (a BaseException, like Interrupted)."""


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Raise :class:`OutOfTime` in the main thread if the block runs past ``seconds`` (a
    SIGALRM timer; no limit when None). For phases with no clock of their own, such as
    reading a large instance: Python code is interrupted between bytecodes."""
    if seconds is None or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _fire(_signum: int, _frame: FrameType | None) -> None:
        raise OutOfTime()

    previous = signal.signal(signal.SIGALRM, _fire)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 1e-3))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
