"""bench references: build pr_references (the references PR bodies make, read from their
Markdown) over 5,000 and 50,000 PR bodies of 20 lines, against cutting the same bodies into lines
and counting them; and over 500 bodies of 400 lines against 10,000 of 20 (the same lines).

The bodies are the Markdown PRs are written in: a template's headings and HTML comments, prose,
lists (nested, with indented lines), code fences and indented code, quotes, tables, links and
GitHub URLs, `ORG/REPO#N` references after "Depends on" or "Blocked by". The baseline reads each
body out of its payload and splits it into lines: the floor for any reading of them line by line.
The view is rebuilt at every sync, so its time should grow with the bodies, no faster, and a
long body (release notes, a changelog) should cost what as many lines in short ones do."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from bench.common import figure, timed
from miner.config import Config
from miner.sql_files import read_layer
from miner.transform import rebuild
from miner.warehouse import Warehouse

SIZES = (5_000, 50_000)
LINES = 20
LONG = (500, 400)  # bodies, lines each: as many lines as 10,000 bodies of LINES

# A body's lines, each drawn at random from these ({n}: a PR number); some span several lines.
_LINES = [
    "## Summary",
    "## Depends on",
    "<!-- Describe the change. Link related PRs: acme/r1#1 -->",
    "",
    "",
    "",
    "This change moves the retry loop out of the client, as discussed in acme/r{n}#{n}.",
    "Some longer prose that says what the change does, why it matters and what to look at.",
    "Depends on acme/r{n}#{n}, blocked by https://github.com/acme/r{n}/pull/{n}.",
    "**Blocked by:** acme/r{n}#{n}",
    "- acme/r{n}#{n}",
    "- [x] tests pass",
    "- a list item with a reference to https://github.com/acme/r{n}/issues/{n}",
    "  - nested, after acme/r{n}#{n}",
    "    more of the nested item; see [the design](https://example.com/design#r{n})",
    "1. first step, requires acme/r{n}#{n}",
    "   continued on a second line",
    "```python\nclient.retry(acme_r{n}, 3)  # acme/r{n}#{n}\n```",
    "    indented code acme/r{n}#{n}",
    "> quoted: needs acme/r{n}#{n}",
    "| repo | PR |\n|---|---|\n| acme/r{n} | acme/r{n}#{n} |",
    "See [#{n}](https://github.com/acme/r{n}/pull/{n}/files) and `acme/r{n}#{n}` in code.",
    "Commit https://github.com/acme/r{n}/pull/{n}/commits/0123456789abcdef is in.",
    "---",
]


def _fill(wh: Warehouse, bodies: int, lines_each: int = LINES) -> None:
    """`bodies` PRs into raw_pulls, each body `lines_each` lines drawn by hash() (the same every
    run)."""
    lines = "[" + ", ".join("'" + line.replace("'", "''") + "'" for line in _LINES) + "]"
    wh.con.execute("delete from raw_pulls")
    wh.con.execute(
        f"""insert into raw_pulls
        select 'acme/r' || (n % 60) || '#' || n, 'acme', 'acme/r' || (n % 60), null,
            json_object('number', n, 'created_at', '2026-06-01T10:00:00Z', 'body', body), now(), 0
        from (
            select n, string_agg(
                replace({lines}[(1 + hash(n, k) % {len(_LINES)})::bigint], '{{n}}',
                    (hash(n, k, 1) % 90)::varchar),
                chr(10) order by k) as body
            from range({bodies}) as b(n), range({lines_each}) as l(k)
            group by n
        )"""
    )


def _build(wh: Warehouse, sql: str) -> None:
    wh.con.execute(f"create or replace table bench_references as\n{sql}")


def _lines(wh: Warehouse) -> None:
    wh.con.execute(
        "create or replace table bench_lines as select count(*) as lines from ("
        "select unnest(string_split(payload ->> 'body', chr(10))) from raw_pulls)"
    )


def run() -> bool:
    sql = read_layer("core")["pr_references"].body
    build: dict[int, float] = {}
    scan: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp, Warehouse.open(Path(tmp) / "b.duckdb") as wh:
        rebuild(wh, Config())  # the settings and core tables the view reads besides the bodies
        for size in SIZES:
            _fill(wh, size)
            build[size] = timed(functools.partial(_build, wh, sql))
            scan[size] = timed(functools.partial(_lines, wh))
            rows = wh.query("select count(*) from bench_references")[0][0]
            print(
                f"bench references: {size:,} bodies of {LINES} lines: pr_references "
                f"{build[size]:.2f}s ({rows:,} rows), split into lines {scan[size]:.2f}s"
            )
        bodies, lines_each = LONG
        short = bodies * lines_each // LINES
        _fill(wh, short)
        short_seconds = timed(functools.partial(_build, wh, sql), repeat=2)
        _fill(wh, bodies, lines_each)
        long_seconds = timed(functools.partial(_build, wh, sql), repeat=2)
        print(
            f"bench references: {bodies:,} bodies of {lines_each} lines: pr_references "
            f"{long_seconds:.2f}s; {short:,} bodies of {LINES} lines {short_seconds:.2f}s"
        )
    small, big = SIZES
    ok = figure(
        "references",
        f"pr_references over splitting the same bodies into lines at {big:,} bodies",
        build[big] / scan[big],
        "<=",
        200,
    )
    ok &= figure(
        "references",
        f"growth from {small:,} to {big:,} bodies",
        build[big] / build[small],
        "<=",
        12,
    )
    ok &= figure(
        "references",
        f"{bodies:,} bodies of {lines_each} lines over {short:,} of {LINES}",
        long_seconds / short_seconds,
        "<=",
        2,
    )
    return ok
