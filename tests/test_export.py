"""`miner export DIR`: every core table and metric view as Parquet, partitioned by org, repo and
month, holding every row whole: read back, each equals the warehouse's."""

from __future__ import annotations

from pathlib import Path

import duckdb

from miner.warehouse import Warehouse
from tests.test_cli import miner


def test_every_table_and_view_comes_back_from_parquet_as_it_was(
    small_org: Path, tmp_path: Path
) -> None:
    assert miner("--db", "w.duckdb", "import", str(small_org), cwd=tmp_path).returncode == 0
    out = miner("--db", "w.duckdb", "export", "out", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stderr.startswith("exported ")
    folder = tmp_path / "out"
    # hive partitions: org, then the repo's name, then the month of the row's first instant
    months = sorted(
        p.name for p in (folder / "core/pull_requests/org=acme/repo_name=web-app").iterdir()
    )
    assert months and all(m.startswith("month=2026-") for m in months)
    exported = sorted(p.relative_to(folder).as_posix() for p in folder.glob("*/*"))
    wanted = {"core/pull_requests", "core/reviews", "core/working_days", "metrics/review_wait",
              "metrics/cross_repo_handoffs", "settings/settings_calendars"}  # fmt: skip
    assert wanted <= set(exported)
    reader = duckdb.connect()
    reader.execute("set timezone = 'UTC'")  # instants written as the warehouse writes them
    with Warehouse.open(tmp_path / "w.duckdb", read_only=True) as wh:
        for name in exported:
            table = name.split("/", 1)[1]
            columns = [r[0] for r in wh.query(
                "select column_name from information_schema.columns "
                "where table_schema = 'main' and table_name = ? order by ordinal_position",
                [table])]  # fmt: skip
            listed = ", ".join(f'"{c}"' for c in columns)
            expected = sorted(map(repr, wh.query(f"select {listed} from {table}")))
            files = str(folder / name / "**" / "*.parquet")
            got = sorted(map(repr, reader.sql(
                f"select {listed} from read_parquet('{files}', hive_partitioning = false, "
                "union_by_name = true)").fetchall()))  # fmt: skip
            assert got == expected, name
