"""What `miner sync` shows: a live bar on a terminal, plain time-stamped lines from cron."""

from __future__ import annotations

import io
import re

from rich.console import Console

from miner.sync import SyncProgress
from miner.sync_display import SyncDisplay


def _console(*, terminal: bool) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=terminal, width=160, color_system=None), out


def _walk(display: SyncDisplay) -> None:
    status = SyncProgress("acme", repos=2)
    status.repo = "acme/api"
    display.progress(status)
    status.pulls, status.requests, status.remaining = 40, 3, {"graphql": 4990, "core": 4999}
    display.progress(status)  # same repo: no second line from cron
    status.done, status.repo = 1, "acme/web"
    display.progress(status)
    display.countdown(125.2, "graphql", 1_800_000_000)
    display.countdown(124.9, "graphql", 1_800_000_000)  # same minute: said once
    display.countdown(59.0, "graphql", 1_800_000_000)


def test_from_cron_each_repo_and_each_minute_of_a_wait_is_one_stamped_line() -> None:
    console, out = _console(terminal=False)
    with SyncDisplay(console) as display:
        _walk(display)
    lines = out.getvalue().splitlines()
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ "
    assert len(lines) == 4
    assert all(re.match(stamp, line) for line in lines)
    assert lines[0].endswith("[1/2] acme/api (so far this run: 0 PRs stored, 0 requests)")
    assert lines[1].endswith(
        "[2/2] acme/web (so far this run: 40 PRs stored, 3 requests; core 4999 left graphql "
        "4990 left)"
    )
    assert lines[2].endswith("GitHub's graphql rate limit is spent: 2:05 to its reset (08:00:00Z)")
    assert lines[3].endswith("rate limit is spent: 0:59 to its reset (08:00:00Z)")


def test_on_a_terminal_a_bar_shows_the_repo_counts_budget_and_countdown() -> None:
    console, out = _console(terminal=True)
    with SyncDisplay(console) as display:
        _walk(display)
        assert display._bar is not None
        display._bar.refresh()
    shown = out.getvalue()
    assert "acme/web" in shown
    assert "1/2" in shown
    assert "40 PRs · 3 requests" in shown
    assert "0:59 to its reset" in shown
    # no time-stamped log lines on a terminal
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \[", shown)


def test_counts_of_one_are_said_in_the_singular() -> None:
    from datetime import UTC, datetime

    from miner.sync import SyncResult

    console, out = _console(terminal=False)
    with SyncDisplay(console) as display:
        status = SyncProgress("acme", repos=1)
        status.repo, status.pulls, status.requests = "acme/api", 1, 1
        display.progress(status)
    assert out.getvalue().rstrip().endswith("(so far this run: 1 PR stored, 1 request)")
    one = SyncResult("acme", repos=1, pulls_stored=1, requests=1, seconds=1.0,
                     as_of=datetime(2026, 6, 30, 18, tzinfo=UTC), graphql_points=1, pulls_new=1,
                     pulls_changed=1)  # fmt: skip
    assert one.summary() == (
        "acme: 1 repo, 1 PR new, 0 updated, 1 request, 1 GraphQL point (GraphQL), 1.0s, as of "
        "2026-06-30 18:00Z"
    )
    two = SyncResult("acme", repos=2, pulls_stored=2, requests=2, seconds=1.0, as_of=None,
                     graphql_points=2, pulls_new=2, pulls_changed=2)  # fmt: skip
    assert two.summary() == (
        "acme: 2 repos, 2 PRs new, 0 updated, 2 requests, 2 GraphQL points (GraphQL), 1.0s"
    )
