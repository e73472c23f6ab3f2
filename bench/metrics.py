"""bench metrics: build every metric view over synthetic warehouses of 100,000 and 1,000,000 PRs,
against the time DuckDB takes to scan the GitHub fields those views rest on.

Building is what `miner rebuild` does: the raw payloads typed into core tables, then every
metric view's rows computed. The baseline scans the same payload fields straight from the raw
layer, once: the floor for any tool that reads that data. A third line, with no target, copies
every table the rebuild wrote, computing nothing: the floor for any rebuild that stores its rows."""

from __future__ import annotations

import functools
import tempfile
import time
from pathlib import Path

from bench.common import figure, timed
from bench.synthetic import build
from miner.config import Config
from miner.sql_files import read_layer
from miner.transform import METRIC_ROWS, ON_READ, RebuildTimes, core_tables, rebuild
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


def _stored_tables() -> list[str]:
    """Every table a rebuild writes: the core tables (SQL and Python steps) and the metric rows."""
    core = sorted(core_tables())
    metrics = [
        f"{METRIC_ROWS}.{f.name}" for f in read_layer("metrics").values() if ON_READ not in f.sql
    ]
    return [*core, *metrics]


def _copy_outputs(wh: Warehouse) -> None:
    """Copy every table the rebuild wrote, in one transaction, computing nothing: what storing
    the rebuild's rows costs by itself, the floor of any rebuild that stores them."""
    with wh.transaction():
        wh.con.execute("create schema bench_copy")
        for i, table in enumerate(_stored_tables()):
            wh.con.execute(f"create table bench_copy.t{i} as select * from {table}")
    wh.con.execute("drop schema bench_copy cascade")


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
            copy_seconds = timed(functools.partial(_copy_outputs, wh), repeat=1)
            print(
                f"bench metrics: {size:,} PRs: rebuild {view_seconds[size]:.1f}s (core tables "
                f"{t.core:.1f}s, metric rows {t.metrics:.1f}s, commit {t.commit:.1f}s), "
                f"input scan {scan_seconds[size]:.2f}s"
            )
            print(
                f"bench metrics: {size:,} PRs: storing the rebuild's rows alone (copied, nothing "
                f"computed) takes {copy_seconds:.1f}s, "
                f"{copy_seconds / scan_seconds[size]:.1f}x the input scan"
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
