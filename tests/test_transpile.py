"""`miner export --dialect spark`: the SQL it writes, run on a local Spark over the exported
Parquet, gives every metric view's rows as DuckDB computes them in the warehouse."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from miner.sql_files import layer
from miner.transpile import to_dialect
from miner.warehouse import Warehouse
from tests.test_cli import miner


def _java() -> str:
    found = shutil.which("java")
    if not found:
        pytest.fail("no java on PATH: `make test` installs Debian's openjdk-17-jre-headless")
    return found


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A local Spark session: two cores, UTC, listening on loopback only, its warehouse in a
    temporary folder."""
    _java()
    from pyspark.sql import SparkSession

    folder = tmp_path_factory.mktemp("spark")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SPARK_LOCAL_IP", "127.0.0.1")
        session = (
            SparkSession.builder.master("local[2]")
            .appName("miner-tests")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.warehouse.dir", str(folder / "warehouse"))
            .config("spark.driver.memory", "1g")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("OFF")  # its errors reach us as exceptions
        try:
            yield session
        finally:
            session.stop()


def _statements(path: Path) -> list[str]:
    """A file's statements: export writes each ending its line with `;`."""
    text = "\n".join(line for line in path.read_text().splitlines() if not line.startswith("--"))
    return [s.strip() for s in text.split(";\n") if s.strip().rstrip(";")]


def _kind(t: pa.DataType) -> str:
    """What a column holds, whatever its width: Spark's int32 count is DuckDB's int64 one, and
    a sum DuckDB holds as HUGEINT (Arrow's decimal(38, 0)) is Spark's bigint."""
    for kind, test in (
        ("integer", pa.types.is_integer),
        ("integer", lambda t: pa.types.is_decimal(t) and t.scale == 0),
        ("double", pa.types.is_floating),
        ("decimal", pa.types.is_decimal),
        ("text", lambda t: pa.types.is_string(t) or pa.types.is_large_string(t)),
        ("instant", pa.types.is_timestamp),
        ("boolean", pa.types.is_boolean),
        ("date", pa.types.is_date),
        ("null", pa.types.is_null),
    ):
        if test(t):
            return kind
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return f"list of {_kind(t.value_type)}"
    if pa.types.is_struct(t):
        return "struct of " + ", ".join(f"{f.name} {_kind(f.type)}" for f in t)
    return str(t)


def _same_rows(con: duckdb.DuckDBPyConnection, view: str, theirs: pa.Table) -> tuple[int, int]:
    """Rows of `view` in DuckDB (table `ours`) that Spark lacks, and the other way round, each
    counted with its multiplicity; doubles compared to 6 decimals, everything in DuckDB's types."""
    con.register("theirs_raw", theirs)
    described = con.execute("describe ours").fetchall()
    cast = []
    for name, kind, *_ in described:
        column = f'"{name}"'
        if kind == "DOUBLE":
            cast.append(f"round({column}::double, 6) as {column}")
        else:
            cast.append(f"{column}::{kind} as {column}")
    listed = ", ".join(cast)
    ours, theirs_ = f"select {listed} from ours", f"select {listed} from theirs_raw"
    missing = con.execute(f"select count(*) from ({ours} except all {theirs_})").fetchall()[0]
    extra = con.execute(f"select count(*) from ({theirs_} except all {ours})").fetchall()[0]
    con.unregister("theirs_raw")
    assert missing is not None and extra is not None
    return int(missing[0]), int(extra[0])


def test_every_metric_view_gives_on_spark_the_rows_it_gives_in_duckdb(
    synced: Path, tmp_path: Path, spark: Any
) -> None:
    shutil.copy(synced, tmp_path / "w.duckdb")
    # a folder whose path has a space and a letter outside ASCII: the default --location is its
    # path as Spark reads it, not percent-encoded
    out = miner("--db", "w.duckdb", "export", "my lake é", "--dialect", "spark", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    folder = tmp_path / "my lake é" / "sql" / "spark"
    files = sorted(folder.glob("*.sql"))
    views = [f.name for f in layer("metrics")]
    assert [p.name for p in files] == [
        "00_tables.sql",
        *(f"{i:02d}_{v}.sql" for i, v in enumerate(views, start=1)),
    ]
    # first the tables as an older miner registered them, pull_requests with a column fewer:
    # the export's own SQL registers them anew, as the files are now
    for statement in _statements(files[0]):
        if statement.startswith(("CREATE SCHEMA", "CREATE TABLE")):
            if ".pull_requests (" in statement:
                statement = re.sub(r"\(\n  [^\n]*,\n  ", "(\n  ", statement, count=1)
            spark.sql(statement)
    for statement in _statements(files[0]):
        spark.sql(statement)
    con = duckdb.connect()
    con.execute("set timezone = 'UTC'")
    compared = 0
    with Warehouse.open(tmp_path / "w.duckdb", read_only=True) as wh:
        for path, view in zip(files[1:], views, strict=True):
            for statement in _statements(path):
                spark.sql(statement)
            ours = wh.con.sql(f"select * from {view}").to_arrow_table()
            con.register("ours_arrow", ours)
            con.execute("create or replace temp table ours as select * from ours_arrow")
            con.unregister("ours_arrow")
            theirs: pa.Table = spark.sql(f"select * from {view}").toArrow()
            assert theirs.column_names == ours.column_names, view
            # the comparison below casts Spark's values to DuckDB's types: first, each column
            # must be of the same kind (a count an integer, an hour a double, an instant...)
            assert [_kind(t) for t in theirs.schema.types] == [
                _kind(t) for t in ours.schema.types
            ], view
            assert theirs.num_rows == ours.num_rows, view
            assert _same_rows(con, view, theirs) == (0, 0), view
            assert ours.num_rows > 0, f"{view}: no rows in the sample org compare nothing"
            compared += ours.num_rows
    assert compared > 1000
    print(f"\nviews run on Spark: {len(views)} of {len(views)}, rows equal to DuckDB's: {compared}")


@pytest.mark.parametrize(
    ("duckdb_sql", "rows"),
    [
        # a macro inlined, with the working_days row passed as a table alias
        (
            "select utc_day(t) from (select timestamptz '2026-03-08 23:59:59+00' as t)",
            [(20520,)],
        ),
        # epoch of an interval is the difference of epochs, fractions kept
        (
            "select epoch(b - a) from (select timestamptz '2026-01-01 00:00:00+00' as a, "
            "timestamptz '2026-01-02 01:00:00.5+00' as b)",
            [(90000.5,)],
        ),
        # list() keeps its order and its NULLs
        (
            "select list(v order by k) from (values (2, 'b'), (1, null), (3, 'a')) as t(k, v)",
            [([None, "b", "a"],)],
        ),
        (
            "select list(distinct v order by v) from (values ('b'), ('a'), ('b')) as t(v)",
            [(["a", "b"],)],
        ),
        # an exact median: the mean of the two middle values
        (
            "select quantile_cont(v, 0.5) from (values (1.0), (2.0), (10.0), (11.0)) as t(v)",
            [(6.0,)],
        ),
        ("select array_length(['a', 'b']), array_length([])", [(2, 0)]),
        # a NULL key sorts last, as DuckDB's ORDER BY puts it
        (
            "select list(v order by k) from (values (2, 'b'), (null, 'n'), (1, 'a')) as t(k, v)",
            [(["a", "b", "n"],)],
        ),
        (
            "select list(distinct v order by v) from (values ('b'), (null), ('a')) as t(v)",
            [(["a", "b", None],)],
        ),
        # a FILTER no row passes: NULL, not an empty list
        ("select list(v) filter (where v > 5) from (values (1), (2)) as t(v)", [(None,)]),
        # a rewrite inside another: the median of exact differences (1.5 s and 4 s)
        (
            "select quantile_cont(epoch(b - a), 0.5) from (values "
            "(timestamptz '2026-01-01 00:00:00+00', timestamptz '2026-01-01 00:00:01.5+00'), "
            "(timestamptz '2026-01-01 00:00:00+00', timestamptz '2026-01-01 00:00:04+00')) "
            "as t(a, b)",
            [(2.75,)],
        ),
        # nothing in common, though a list holds a NULL: false, as in DuckDB; NULL only when
        # an argument is
        (
            "select list_has_any([1, null], [2]), list_has_any([1], [1, null]), "
            "list_has_any(null::int[], [1]), list_contains([1, null], 2), "
            "list_contains([1], null::int), list_contains(null::int[], 1)",
            [(False, True, None, False, None, None)],
        ),
        # greatest() and least() skip NULLs
        ("select greatest(1, null, 3), least(null, 2)", [(3, 2)]),
        # arg_min: a NULL field of a tuple key sorts last (largest for arg_max), and a row
        # whose value is NULL is skipped
        (
            "select arg_min(x, (k1, k2)), arg_max(x, (k1, k2)), arg_min(y, k1) from (values "
            "('a', 1, null, null), ('b', 1, 2, 'y'), ('c', 2, 0, 'z')) as t(x, k1, k2, y)",
            [("b", "c", "y")],
        ),
    ],
)
def test_a_rewrite_gives_on_spark_what_duckdb_gives(
    spark: Any, duckdb_sql: str, rows: list[tuple[Any, ...]]
) -> None:
    con = duckdb.connect()
    # what business_hours reads, so the macros can be created
    con.execute(
        "create table working_time (calendar varchar, start_at timestamptz, end_at timestamptz)"
    )
    con.execute("create table working_days (calendar varchar, day bigint)")
    for f in layer("macros"):
        con.execute(f.body)
    assert con.sql(duckdb_sql).fetchall() == rows  # the worked value, in DuckDB
    got = [tuple(r) for r in spark.sql(to_dialect(duckdb_sql, "spark")).collect()]
    assert got == rows


def test_working_seconds_inlined_runs_against_a_calendar_row(spark: Any) -> None:
    """working_seconds(t, w) reads the columns of `w`, the calendar row a join gives: inlined,
    `w.day` must become the join's own alias."""
    duckdb_sql = (
        "select working_seconds(t, cal) from (select timestamptz '1970-01-02 10:30:00+00' as t) "
        "join (select 1 as day, 3600 as seconds_before, 32400 as p1_from, 61200 as p1_to, "
        "0 as p2_from, 0 as p2_to, 0 as p3_from, 0 as p3_to) as cal on true"
    )
    # an hour before the day, then 09:00 to 10:30: 3600 + 5400
    got = [tuple(r) for r in spark.sql(to_dialect(duckdb_sql, "spark")).collect()]
    assert got == [(9000,)] or got == [(9000.0,)]


def test_trino_sql_is_written_without_duckdb_functions(synced: Path, tmp_path: Path) -> None:
    import sqlglot

    shutil.copy(synced, tmp_path / "w.duckdb")
    out = miner(
        "--db", "w.duckdb", "export", "out", "--dialect", "trino",
        "--location", "s3://lake/miner", cwd=tmp_path,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    folder = tmp_path / "out" / "sql" / "trino"
    tables = (folder / "00_tables.sql").read_text()
    assert "external_location = 's3://lake/miner/core/pull_requests'" in tables
    assert "partitioned_by = ARRAY['org', 'repo_name', 'month']" in tables
    for path in sorted(folder.glob("*.sql")):
        text = path.read_text()
        assert "this Trino SQL is not run by them" in text, path.name
        # nor what Trino has under another meaning: greatest/least return NULL on any NULL
        # argument there, approx_percentile is no interpolation
        code = " ".join(_statements(path)).lower()
        for wrong in ("approx_percentile", "timestamp with time zone"):
            assert wrong not in code, (path.name, wrong)
        for statement in _statements(path):
            parsed = sqlglot.parse_one(statement, read="trino")  # raises on what Trino lacks
            # sqlglot's own unnest writes greatest() of one argument: no NULL to skip there
            assert not [
                g for g in parsed.find_all(sqlglot.exp.Greatest, sqlglot.exp.Least) if g.expressions
            ], path.name
        for duckdb_only in ("epoch_us", "working_seconds", "utc_day", "list_", "quantile_cont"):
            assert duckdb_only not in " ".join(_statements(path)).lower(), (path.name, duckdb_only)


def test_location_without_dialect_is_a_usage_error(tmp_path: Path) -> None:
    out = miner("--db", "w.duckdb", "export", "out", "--location", "s3://x", cwd=tmp_path)
    assert out.returncode == 2
    assert "--location says where --dialect's SQL finds the files: add --dialect" in out.stderr
    assert not os.path.exists(tmp_path / "out")
