"""`miner demo`: the sample org served on 127.0.0.1, synced by the real collector, reported."""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from rich.console import Console

from miner.config import DEFAULT_CONFIG, Calendar, load
from miner.fixtures_server import FixtureServer
from miner.github_client import GitHubClient
from miner.reports.data import Scope, parse_since, report_json
from miner.reports.html import report_html
from miner.reports.terminal import print_report
from miner.sample_org import generate, time_zones
from miner.sync import sync
from miner.sync_display import SyncDisplay
from miner.warehouse import Warehouse

DEMO_ORG = "acme"
# The sample org's people work Mon-Fri 09:00-18:00 in their own time zones.
WORKING_DAY = Calendar(start_minute=9 * 60, end_minute=18 * 60)


def team_calendars(mirror: Path) -> dict[str, Calendar]:
    """Each sample team works in the time zone most of its members live in: what its config
    would say, so the demo's business hours are the teams' own."""
    zones = time_zones()
    calendars: dict[str, Calendar] = {}
    for members in sorted((mirror / "orgs" / DEMO_ORG / "teams").glob("*/members.json")):
        logins = [m["login"] for m in json.loads(members.read_text(encoding="utf-8"))]
        common = Counter(zones[login] for login in logins if login in zones).most_common(1)
        if common:
            calendars[members.parent.name] = replace(WORKING_DAY, timezone=common[0][0])
    return calendars


def demo_config(mirror: Path) -> str:
    """The demo's settings as a miner.toml: what a user of the sample org would write."""
    lines = [
        "# The settings `miner demo` synced the sample org with. Run miner from this folder",
        "# (`miner report`, `miner query`, `miner rebuild`) and they stay the views' settings;",
        "# edit them and `miner rebuild` to see what changes. To sync again, serve the sample",
        "# org first (`miner serve-fixtures acme` here), then, in another terminal here,",
        "# `GITHUB_TOKEN=any miner sync` (the local server takes any token).",
        "[github]",
        f'org = "{DEMO_ORG}"',
        'api_url = "http://127.0.0.1:8765"  # where `miner serve-fixtures` answers',
        "",
        "[git]",
        "mirrors = true  # the sample org's repos are real git repositories the server serves",
        "",
        "[calendar]  # the sample org's people work Mon-Fri 09:00-18:00 in their own time zones",
        f'hours = "{WORKING_DAY.start_minute // 60:02d}:00-{WORKING_DAY.end_minute // 60:02d}:00"',
    ]
    for team, calendar in sorted(team_calendars(mirror).items()):
        lines += ["", f"[calendar.teams.{team}]", f'timezone = "{calendar.timezone}"']
    return "\n".join(lines) + "\n"


def run_demo(folder: Path, console: Console) -> None:
    mirror = folder / DEMO_ORG
    db = folder / "miner.duckdb"
    settings = folder / DEFAULT_CONFIG
    if not (mirror / "as_of.txt").exists() or not (mirror / "git").is_dir():
        started = time.monotonic()
        summary = generate(mirror)
        console.print(
            f"built the sample org {summary.org}: {summary.repos} repos, {summary.teams} teams, "
            f"{summary.prs} PRs ({time.monotonic() - started:.0f}s) in {mirror}"
        )
    if not settings.exists():  # a user's edits stay
        settings.write_text(demo_config(mirror), encoding="utf-8")
    # GitHub allows 5,000 REST requests an hour; a first REST sync of the sample org makes about
    # 13,500 (a GraphQL one about 150): the local server lifts the limit.
    with FixtureServer(mirror, rate_limit=1_000_000) as server:
        # the settings file's, from this server (its port is any free one) into the folder
        config = load(settings)
        config = replace(
            config,
            github=replace(config.github, api_url=server.url),
            warehouse=replace(config.warehouse, path=str(db)),
        )
        client = GitHubClient(server.url, token=None)
        with Warehouse.open(db) as wh, SyncDisplay(console) as display:
            result = sync(
                wh, config, client=client, progress=display.progress, countdown=display.countdown
            )
            console.print(f"synced {result.summary()} from {server.url}")
    with Warehouse.open(db, read_only=True) as wh:
        data = report_json(wh, Scope(DEMO_ORG), parse_since("30d"))
    print_report(data, console)
    html = folder / "report.html"
    html.write_text(report_html(data), encoding="utf-8")
    console.print(f"\nThe same report with charts: [bold]{html}[/bold] (one file, opens offline).")
    console.print(
        f"\nIts settings are in [bold]{settings}[/bold]: run miner from {folder} to keep them."
    )
    console.print(
        f"\nExplore it: [bold]duckdb -readonly {db}[/bold] then e.g. "
        "[bold]select * from review_wait where outcome = 'waiting' order by wait_hours desc;[/bold]"
        " or [bold]select repo, median(lead_hours) from deploy_lead_time group by all;[/bold]"
    )
