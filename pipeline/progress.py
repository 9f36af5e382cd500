"""Progress reporting: a rich progress bar on a terminal, nothing otherwise."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress


class Progress:
    """Silent progress: the interface long-running jobs report to."""

    def start(self, total: int, what: str) -> None:
        """Begin a job of `total` steps."""

    def advance(self, stored: int = 0, steps: int = 1) -> None:
        """One more step done; `stored` is the running count of documents written."""

    def stop(self) -> None:
        """The job is over."""


class BarProgress(Progress):
    """A progress bar on stderr."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._bar = RichProgress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[what]}"),
            TextColumn("· {task.fields[stored]} stored"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._task: TaskID | None = None

    def start(self, total: int, what: str) -> None:
        self._bar.start()
        self._task = self._bar.add_task(self.label, total=total, what=what, stored=0)

    def advance(self, stored: int = 0, steps: int = 1) -> None:
        if self._task is not None:
            self._bar.update(self._task, advance=steps, stored=stored)

    def stop(self) -> None:
        self._bar.stop()


def progress_for(label: str, quiet: bool) -> Progress:
    """A bar when stderr is a terminal and the user did not ask for quiet."""
    if quiet or not sys.stderr.isatty():
        return Progress()
    return BarProgress(label)
