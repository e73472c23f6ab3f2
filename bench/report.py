"""bench report: `miner report` over the synthetic warehouse of 1,000,000 PRs, against the time
to build the metric views it reads.

The report is its named queries run twice (the window and the one before) and rendered; the
baseline computes the rows of every metric view those queries read, directly or through
another view, as `miner rebuild` does. The report should add little to the SQL."""

from __future__ import annotations

import functools
import tempfile
import time
from pathlib import Path

from bench.common import figure, timed
from bench.synthetic import build
from miner.reports.data import Scope, parse_since, report_json
from miner.reports.formats import RENDERERS
from miner.sql_files import layer, read_layer
from miner.transform import METRIC_ROWS, ON_READ
from miner.warehouse import Warehouse

SIZE = 1_000_000


def views_read() -> list[str]:
    """The metric views the report's queries read, with the views those read, in build order."""
    metrics = read_layer("metrics")
    wanted: set[str] = set()
    todo = [n for f in layer("reports") for n in f.references(metrics)]
    while todo:
        name = todo.pop()
        if name not in wanted:
            wanted.add(name)
            todo += metrics[name].references(metrics)
    return [f.name for f in layer("metrics") if f.name in wanted]


def _build_views(wh: Warehouse, names: list[str]) -> None:
    metrics = read_layer("metrics")
    with wh.transaction():
        for name in names:
            f = metrics[name]
            if ON_READ not in f.sql:
                wh.con.execute(f"create or replace table {METRIC_ROWS}.{name} as\n{f.body}")


def _report(wh: Warehouse, formats: tuple[str, ...], team: str | None = None) -> None:
    data = report_json(wh, Scope("acme", team), parse_since("30d"))
    for fmt in formats:
        RENDERERS[fmt](data)


def run() -> bool:
    names = views_read()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        wh = build(Path(tmp) / "synthetic.duckdb", SIZE)
        print(
            f"bench report: {SIZE:,} PRs, raw layer and rebuild in "
            f"{time.perf_counter() - started:.0f}s; the report reads {', '.join(names)}"
        )
        views = timed(functools.partial(_build_views, wh, names), repeat=1)
        every = tuple(RENDERERS)
        report = timed(functools.partial(_report, wh, every))
        team = wh.query("select team from person_teams group by team order by count(*) desc")[0][0]
        one_team = timed(functools.partial(_report, wh, ("html",), team))
        print(
            f"bench report: views it reads built in {views:.1f}s; the report in every format "
            f"({', '.join(every)}) {report:.1f}s; --team {team} as HTML {one_team:.1f}s"
        )
        wh.close()
    return figure(
        "report", f"report time over building the views it reads at {SIZE:,} PRs",
        report / views, "<=", 1.5,
    )  # fmt: skip
