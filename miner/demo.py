"""`miner demo`: the sample org served on 127.0.0.1, synced by the real collector, reported."""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console

from miner.config import Config, GitHubConfig, WarehouseConfig
from miner.fixtures_server import FixtureServer
from miner.github_client import GitHubClient
from miner.report import parse_since, render
from miner.sample_org import generate
from miner.sync import sync
from miner.warehouse import Warehouse

DEMO_ORG = "acme"


def run_demo(folder: Path, console: Console) -> None:
    mirror = folder / DEMO_ORG
    db = folder / "miner.duckdb"
    if not (mirror / "as_of.txt").exists():
        started = time.monotonic()
        summary = generate(mirror)
        console.print(
            f"built the sample org {summary.org}: {summary.repos} repos, {summary.teams} teams, "
            f"{summary.prs} PRs ({time.monotonic() - started:.0f}s) in {mirror}"
        )
    # GitHub allows 5,000 requests an hour; the first sync of the sample org makes ~12,000.
    with FixtureServer(mirror, rate_limit=1_000_000) as server:
        config = Config(
            github=GitHubConfig(org=DEMO_ORG, api_url=server.url),
            warehouse=WarehouseConfig(path=str(db)),
        )
        client = GitHubClient(server.url, token=None)
        with Warehouse.open(db) as wh:
            result = sync(
                wh,
                config,
                client=client,
                progress=lambda m: console.print(m, style="dim", highlight=False),
            )
            console.print(f"synced {result.summary()} from {server.url}")
    with Warehouse.open(db, read_only=True) as wh:
        render(wh, DEMO_ORG, parse_since("30d"), console)
    console.print(
        f"\nExplore it: [bold]duckdb {db}[/bold] then e.g. "
        "[bold]select * from review_wait where outcome = 'waiting' order by wait_hours desc;[/bold]"
    )
