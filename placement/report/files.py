"""Writing a Markdown report with its plot images beside it, all or nothing.

``report.md`` links its plots as ``report-plots/<figure id>.png``. The images are written
to a temporary directory next to the report first; only when every image is written is
the directory renamed into place (a previous ``report-plots/`` set aside, not merged), and
the report file is written last, atomically. If anything fails, the previous directory is
put back and the temporary files are removed: never a report that links images of another
run, never half a set of images.

A plots directory that holds anything other than PNG files is not ours: it is refused,
never replaced.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from placement.errors import PlacementError, Problem
from placement.output import write_output

PLOTS_SUFFIX = "-plots"


class ReportWriteError(PlacementError):
    """The report and its images cannot be written where asked (``.problems`` says why)."""


def plots_dir_for(output: str | os.PathLike[str]) -> Path:
    """Where the images of a Markdown report go: ``<stem>-plots`` beside it."""
    out = Path(output)
    return out.parent / f"{out.stem}{PLOTS_SUFFIX}"


def check_plots_dir(plots_dir: Path) -> None:
    """Raise ReportWriteError unless ``plots_dir`` is absent or a directory of PNG files only
    (the images of an earlier report, which the new set replaces)."""
    if not os.path.lexists(plots_dir):
        return
    if plots_dir.is_symlink() or not plots_dir.is_dir():
        raise ReportWriteError([Problem(str(plots_dir), "exists and is not a directory of "
                                        "report plots; remove it or choose another output")])
    try:
        foreign = sorted(p.name for p in plots_dir.iterdir()
                         if p.is_symlink() or not p.is_file() or p.suffix.lower() != ".png")
    except OSError as exc:
        raise ReportWriteError([Problem(str(plots_dir),
                                        f"cannot read: {exc.strerror or exc}")]) from None
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3
                                          else "")
        raise ReportWriteError([Problem(str(plots_dir), f"holds files that are not report "
                                        f"plots ({shown}); it is not replaced: remove it or "
                                        "choose another output")])


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_with_images(output: str | os.PathLike[str], text: str,
                      images: Mapping[str, bytes]) -> Path | None:
    """Write ``images`` (file name → bytes) to ``plots_dir_for(output)`` and then ``text``
    to ``output``, all or nothing. Returns the plots directory (None: no images). Raises
    ReportWriteError or OSError; on any failure the files are as they were before."""
    target = Path(output)
    if target.is_dir():
        raise IsADirectoryError(21, "is a directory", str(target))
    if not images:
        write_output(target, text)
        return None
    plots_dir = plots_dir_for(target)
    check_plots_dir(plots_dir)
    parent = plots_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=parent, prefix=f".{plots_dir.name}.", suffix=".tmp"))
    old: Path | None = None  # where the previous plots directory is set aside
    moved = swapped = False
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        for name, data in images.items():
            if Path(name).name != name or not name.lower().endswith(".png"):
                raise ValueError(f"not a plain PNG file name: {name!r}")
            with open(tmp / name, "wb") as fh:
                fh.write(data)
        if os.path.lexists(plots_dir):
            old = Path(tempfile.mkdtemp(dir=parent, prefix=f".{plots_dir.name}.",
                                        suffix=".old"))
            os.replace(plots_dir, old)  # an empty directory is replaced by a rename
            moved = True
        os.replace(tmp, plots_dir)
        swapped = True
        write_output(target, text)
    except BaseException:
        if swapped:
            shutil.rmtree(plots_dir, ignore_errors=True)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
        if moved and old is not None:
            os.replace(old, plots_dir)
        elif old is not None:
            old.rmdir()
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return plots_dir


__all__ = ["PLOTS_SUFFIX", "ReportWriteError", "check_plots_dir", "plots_dir_for",
           "write_with_images"]
