"""bench metrics: build every metric view over synthetic warehouses of 100,000 and 1,000,000 PRs,
against the time DuckDB takes to scan the GitHub fields those views rest on.

Building is what `miner rebuild` does: the raw payloads typed into core tables, then every
metric view's rows computed. The baseline scans the same payload fields straight from the raw
layer, once: the floor for any tool that reads that data."""

from __future__ import annotations

import functools
import tempfile
import time
from pathlib import Path

from bench.common import figure, timed
from bench.synthetic import build
from miner.config import Config
from miner.transform import RebuildTimes, rebuild
from miner.warehouse import Warehouse

SIZES = (100_000, 1_000_000)

# The payload fields the core tables behind the metric views read, per raw table.
INPUT_FIELDS = {
    "raw_pulls": [
        "number",
        "user.login",
        "user.type",
        "state",
        "draft",
        "created_at",
        "updated_at",
        "closed_at",
        "merged_at",
        "html_url",
        "title",
    ],
    "raw_timeline": [
        "event",
        "created_at",
        "actor.login",
        "requested_reviewer.login",
        "requested_team.slug",
    ],
    "raw_reviews": ["user.login", "state", "submitted_at"],
    "raw_files": ["filename"],
    "raw_commits": ["sha", "author.login", "commit.author.email", "commit.author.date"],
}


def _rebuild(wh: Warehouse, times: list[RebuildTimes]) -> None:
    times.append(rebuild(wh, Config()))


def _scan_inputs(wh: Warehouse) -> None:
    """Each payload parsed once for all its fields: the fastest scan DuckDB offers."""
    for table, fields in INPUT_FIELDS.items():
        paths = ", ".join(f"'$.{f}'" for f in fields)
        wh.con.execute(
            f"select count(*), max(hash(key, parent, json_extract_string(payload, [{paths}]))) "
            f"from {table}"
        ).fetchall()


def run() -> bool:
    view_seconds: dict[int, float] = {}
    scan_seconds: dict[int, float] = {}
    for size in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            wh = build(Path(tmp) / "synthetic.duckdb", size)
            built = time.perf_counter() - started
            rows = wh.query(
                "select (select count(*) from reviews) + (select count(*) from pr_events)"
            )[0][0]
            print(
                f"bench metrics: {size:,} PRs, {rows:,} reviews and events, "
                f"raw layer and rebuild in {built:.0f}s"
            )
            times: list[RebuildTimes] = []
            view_seconds[size] = timed(functools.partial(_rebuild, wh, times), repeat=1)
            scan_seconds[size] = timed(functools.partial(_scan_inputs, wh))
            (t,) = times
            print(
                f"bench metrics: {size:,} PRs: rebuild {view_seconds[size]:.1f}s (core tables "
                f"{t.core:.1f}s, metric rows {t.metrics:.1f}s, commit {t.commit:.1f}s), "
                f"input scan {scan_seconds[size]:.2f}s"
            )
            wh.close()
    big, small = SIZES[-1], SIZES[0]
    ok = figure(
        "metrics",
        f"rebuild of every view over a scan of its inputs at {big:,} PRs",
        view_seconds[big] / scan_seconds[big],
        "<=",
        5,
    )
    ok &= figure(
        "metrics",
        f"growth from {small:,} to {big:,} PRs",
        view_seconds[big] / view_seconds[small],
        "<=",
        12,
    )
    return ok
