"""Progress bars for long commands: on a terminal only, never in a pipe or a log.

A command (or a benchmark, or the seed loader through a callback) asks for a bar
with `progress(description, total)` and is handed the function to call as work
gets done. When stderr is not a terminal the function does nothing, so scripts,
cron jobs and CI logs see only the command's own lines.
"""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

Advance = Callable[[int], None]


def _ignore(amount: int) -> None:
    return None


def shows_progress(stream: TextIO | None = None) -> bool:
    """Whether progress would be shown: the stream (stderr) is a terminal."""
    stream = sys.stderr if stream is None else stream
    return stream.isatty()


@contextmanager
def progress(
    description: str, total: int | None = None, stream: TextIO | None = None
) -> Iterator[Advance]:
    """A bar of `total` steps (a spinner when unknown) while the block runs;
    yields the function that moves it on by a number of steps."""
    stream = sys.stderr if stream is None else stream
    if not shows_progress(stream):
        yield _ignore
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(file=stream), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda amount: bar.advance(task, amount)


@contextmanager
def fraction_progress(
    description: str, stream: TextIO | None = None
) -> Iterator[Callable[[int, int], None]]:
    """A bar for work that reports `(done, total)`, the total known only once
    it starts (SQLite's pages)."""
    stream = sys.stderr if stream is None else stream
    if not shows_progress(stream):
        yield lambda done, total: None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(file=stream),
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total or None)
