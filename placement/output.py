"""Writing a command's output file: atomically for regular files, in place for devices and pipes."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from placement import io


def is_stdout(path: str | os.PathLike[str]) -> bool:
    """``-`` means standard output."""
    return str(path) == "-"


def same_file(output: str | os.PathLike[str], source: str | os.PathLike[str]) -> bool:
    """Whether ``output`` is the same file as ``source`` (symlinks and hard links too)."""
    if is_stdout(output) or is_stdout(source):
        return False
    try:
        return os.path.samefile(output, source)
    except OSError:  # either does not exist (an ``example:`` name, a new file)
        return os.path.realpath(output) == os.path.realpath(source)


def write_output(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path``: ``-`` is stdout; a device or FIFO is opened and written
    (never replaced by a regular file); anything else is written atomically."""
    if is_stdout(path):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = 0
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISBLK(mode):
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        return
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(21, "is a directory", str(path))
    io.write_atomic(Path(path), text)
