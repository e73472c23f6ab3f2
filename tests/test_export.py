"""`miner export DIR`: every core table and metric view as Parquet, partitioned by org, repo and
month, the partition columns in the folder names: read back, each equals the warehouse's."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq

from miner.warehouse import Warehouse
from tests.mirror_builder import MirrorBuilder
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
        # every count is a BIGINT, in the warehouse as in the files: no sum left as DuckDB's
        # 128-bit HUGEINT, which Parquet, Spark and most clients lack
        assert (
            wh.query(
                "select table_name, column_name from information_schema.columns "
                "where data_type = 'HUGEINT'"
            )
            == []
        )
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
                f"select {listed} from read_parquet('{files}', hive_partitioning = true, "
                "hive_types_autocast = false, union_by_name = true)").fetchall()))  # fmt: skip
            assert got == expected, name
    # a review request is filed under the month it was asked in, not the one its wait began
    files = str(folder / "metrics/review_wait/**/*.parquet")
    filed = reader.sql(
        "select count(*), "
        "count(*) filter (month = coalesce(strftime(requested_at, '%Y-%m'), 'none')) "
        f"from read_parquet('{files}', hive_partitioning = true)"
    ).fetchall()
    ((rows, by_request),) = filed
    assert rows == by_request > 0


def test_every_exported_folder_reads_as_one_table_in_pyarrow_and_polars(
    small_org: Path, tmp_path: Path
) -> None:
    """As a data team opens them: pyarrow's read_table (and pandas' read_parquet, which calls
    it) and polars on a table's folder, empty tables (codeowners_errors here) included: a
    partition column in the files too, or a partition whose only value is Hive's NULL, fails
    there."""
    assert miner("--db", "w.duckdb", "import", str(small_org), cwd=tmp_path).returncode == 0
    assert miner("--db", "w.duckdb", "export", "out", cwd=tmp_path).returncode == 0
    folders = sorted((tmp_path / "out").glob("*/*"))
    with Warehouse.open(tmp_path / "w.duckdb", read_only=True) as wh:
        counts = {f.name: wh.query(f"select count(*) from {f.name}")[0][0] for f in folders}
        empty = {name for name, n in counts.items() if n == 0}
        assert "codeowners_errors" in empty
        org_columns = {
            str(r[0])
            for r in wh.query(
                "select table_name from information_schema.columns where column_name = 'org'"
            )
        }
    for folder in folders:
        table = pq.read_table(folder)
        assert table.num_rows == counts[folder.name], folder.name
        if folder.name in org_columns:
            assert "org" in table.column_names, folder.name
            if counts[folder.name]:
                assert set(table.column("org").to_pylist()) == {"acme"}, folder.name
        frame = pl.read_parquet(folder / "**" / "*.parquet", hive_partitioning=True)
        assert frame.height == counts[folder.name], folder.name


def test_an_export_again_replaces_its_orgs_rows_and_keeps_other_orgs(
    small_org: Path, tmp_path: Path
) -> None:
    assert miner("--db", "w.duckdb", "import", str(small_org), cwd=tmp_path).returncode == 0
    assert miner("--db", "w.duckdb", "export", "out", cwd=tmp_path).returncode == 0
    prs = tmp_path / "out/core/pull_requests"
    one = next(prs.glob("org=acme/repo_name=*/month=*/*.parquet"))
    # another org's export into the same folder, and a partition of acme since gone (a repo
    # renamed): the next export of acme drops the second and keeps the first
    other = prs / "org=globex/repo_name=api/month=2026-01"
    stale = prs / "org=acme/repo_name=renamed-away/month=2025-01"
    for folder in (other, stale):
        folder.mkdir(parents=True)
        shutil.copy(one, folder / "data_0.parquet")
    assert miner("--db", "w.duckdb", "export", "out", cwd=tmp_path).returncode == 0
    assert (other / "data_0.parquet").exists()
    assert not stale.exists()
    reader = duckdb.connect()
    files = str(prs / "**" / "*.parquet")
    (exported,) = reader.execute(
        f"select count(*) from read_parquet('{files}', hive_partitioning = true) where org = 'acme'"
    ).fetchall()
    with Warehouse.open(tmp_path / "w.duckdb", read_only=True) as wh:
        (kept,) = wh.query("select count(*) from pull_requests")
    assert exported == kept  # once each, not twice


def test_orgs_exported_into_one_folder_read_back_as_one_table_each(
    small_org: Path, tmp_path: Path
) -> None:
    """acme has rows where globex has none (deploys, CI runs, teams...) and the other way round:
    an empty table's file sits in the org's partitions, so every folder still reads as hive
    partitions with each org's rows once."""
    globex = MirrorBuilder(org="globex", teams={"api": ["zoe"]})
    globex.pull("api", "zoe", 1).review("yan", 5)
    globex.write(tmp_path / "globex")
    for db, mirror in (("acme.duckdb", small_org), ("globex.duckdb", tmp_path / "globex")):
        assert miner("--db", db, "import", str(mirror), cwd=tmp_path).returncode == 0
    for db in ("acme.duckdb", "globex.duckdb", "acme.duckdb"):  # acme again: replaces its own
        out = miner("--db", db, "export", "out", cwd=tmp_path)
        assert out.returncode == 0, out.stderr
    reader = duckdb.connect()
    folders = [p for p in (tmp_path / "out").glob("*/*") if (p / "org=acme").exists()]
    assert len(folders) > 20
    empty_somewhere = 0
    for folder in folders:
        files = str(folder / "**" / "*.parquet")
        counts = dict(reader.execute(
            f"select org, count(*) from read_parquet('{files}', hive_partitioning = true) "
            "group by org").fetchall())  # fmt: skip
        expected = {}
        for org in ("acme", "globex"):
            with Warehouse.open(tmp_path / f"{org}.duckdb", read_only=True) as wh:
                (n,) = wh.query(f"select count(*) from {folder.name}")[0]
            if n:
                expected[org] = n
            else:
                empty_somewhere += 1
        assert counts == expected, folder.name
    assert empty_somewhere  # the case at hand: some table empty in one org and not the other


def test_the_settings_are_the_last_exports_whole(small_org: Path, tmp_path: Path) -> None:
    """The settings carry no org: each export replaces them, partitions by repo included (a repo
    left out by the config then, not now, is not left out in the export)."""
    assert miner("--db", "w.duckdb", "import", str(small_org), cwd=tmp_path).returncode == 0
    (tmp_path / "miner.toml").write_text('[github]\norg = "acme"\nexclude = ["mobile-app"]\n')
    assert miner("--db", "w.duckdb", "rebuild", cwd=tmp_path).returncode == 0
    assert miner("--db", "w.duckdb", "export", "out", cwd=tmp_path).returncode == 0
    left_out = tmp_path / "out/settings/settings_left_out_repos"
    assert [p.name for p in left_out.iterdir()] == ["repo_name=mobile-app"]
    (tmp_path / "miner.toml").write_text('[github]\norg = "acme"\n')
    assert miner("--db", "w.duckdb", "rebuild", cwd=tmp_path).returncode == 0
    assert miner("--db", "w.duckdb", "export", "out", cwd=tmp_path).returncode == 0
    files = str(left_out / "**" / "*.parquet")
    assert duckdb.connect().execute(f"select count(*) from read_parquet('{files}')").fetchall() == [
        (0,)
    ]
