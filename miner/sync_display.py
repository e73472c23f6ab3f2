"""What `miner sync` shows while it runs: on a terminal, a live progress bar (repos, PRs stored,
requests, what is left of each rate-limit budget, a countdown while waiting for a reset); from
cron, plain time-stamped log lines, one per repo and one a minute while waiting."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from miner.errors import counted

if TYPE_CHECKING:
    from miner.sync import SyncProgress


def json_line(event: str, **fields: object) -> str:
    """One record of --log-format json: the time, the event and its fields, as one line."""
    return json.dumps({"time": f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}", "event": event,
                       **fields})  # fmt: skip


class SyncDisplay:
    """Use as a context manager around a sync; pass `progress` and `countdown` to it."""

    def __init__(self, console: Console, *, quiet: bool = False, json_lines: bool = False) -> None:
        """`quiet`: no progress and no waits told (errors and the summary are the caller's);
        `json_lines`: each record one JSON object a line (for a log collector), never a bar."""
        self.console = console
        self.quiet = quiet
        self.json_lines = json_lines
        self.live = console.is_terminal and not quiet and not json_lines
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._said: set[tuple[str, float, int]] = set()  # waits logged: resource, reset, minute
        self._repo: str | None = None

    def __enter__(self) -> SyncDisplay:
        if self.live:
            self._bar = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(bar_width=24),
                MofNCompleteColumn(),
                TextColumn("repos · {task.fields[pulls]} PRs · {task.fields[requests]} requests"),
                TextColumn("{task.fields[budget]}", style="dim"),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("starting", total=None, pulls=0, requests=0, budget="")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()

    def progress(self, status: SyncProgress) -> None:
        budget = " ".join(f"{name} {left} left" for name, left in sorted(status.remaining.items()))
        if self._bar is not None and self._task is not None:
            self._bar.update(
                self._task,
                description=status.repo or status.org,
                total=status.repos or None,
                completed=status.done,
                pulls=status.pulls,
                requests=status.requests,
                budget=budget,
            )
            return
        if status.repo is not None and status.repo != self._repo:
            self._repo = status.repo
            if self.json_lines:
                self._record(
                    "repo", repo=status.repo, done=status.done, repos=status.repos,
                    prs_stored=status.pulls, requests=status.requests,
                    remaining=dict(sorted(status.remaining.items())),
                )  # fmt: skip
                return
            self._log(
                f"[{status.done + 1}/{status.repos}] {status.repo} (so far this run: "
                f"{counted(status.pulls, 'PR')} stored, {counted(status.requests, 'request')}"
                f"{'; ' + budget if budget else ''})"
            )

    def countdown(self, left: float, resource: str, reset: float) -> None:
        """A rate-limit wait, told each second: in the bar on a terminal; from cron, one line
        when the wait starts and one a minute after."""
        at = datetime.fromtimestamp(reset, UTC).strftime("%H:%M:%SZ")
        minutes, seconds = divmod(int(left + 0.5), 60)
        line = (
            f"GitHub's {resource} rate limit is spent: {minutes}:{seconds:02d} to its reset ({at})"
        )
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, budget=f"[yellow]{line}[/]")
        elif (resource, reset, minutes) not in self._said:
            self._said.add((resource, reset, minutes))
            if self.json_lines:
                self._record("rate_limit_wait", resource=resource, seconds=int(left + 0.5),
                             reset=at)  # fmt: skip
            else:
                self._log(line)

    def _record(self, event: str, **fields: object) -> None:
        if self.quiet:
            return
        self.console.print(json_line(event, **fields), highlight=False, soft_wrap=True,
                           markup=False)  # fmt: skip

    def _log(self, message: str) -> None:
        if self.quiet:
            return
        stamp = f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ} " if not self.live else ""
        self.console.print(f"{stamp}{message}", highlight=False, soft_wrap=True, markup=False)
