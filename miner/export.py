"""`miner export DIR`: the warehouse's core tables and metric views as hive-partitioned Parquet
(org / repo / month), for a data team that runs them beside other orgs' on a bigger engine.

DIR/core/TABLE/, DIR/metrics/VIEW/ and DIR/settings/TABLE/ (the config as the views read it),
then org=ORG/repo_name=NAME/month=YYYY-MM/ where the table has those columns, which are in the
folder names alone, as Hive lays them out. The month is that of the row's first instant of
MONTH_COLUMNS ('none' when NULL).

With a dialect (spark, trino), DIR/sql/DIALECT/ also holds the metric views as that engine's
SQL over those files (see miner.transpile)."""

from __future__ import annotations

import shutil
from pathlib import Path

from miner import transpile
from miner.sql_files import layer, read_layer, sql_string
from miner.transform import ON_READ, PYTHON_STEPS
from miner.warehouse import Warehouse

# The instant a row is filed under, the first of these a table has: when the thing the row is
# about began (a review request when asked, not when its wait started).
MONTH_COLUMNS = (
    "created_at", "occurred_at", "submitted_at", "requested_at", "start_at", "merged_at",
    "committed_at", "authored_at", "deployed_at", "valid_from", "linked_at", "referenced_at",
    "released_at",
)  # fmt: skip


def export(
    wh: Warehouse, folder: Path, dialect: str | None = None, location: str | None = None
) -> dict[str, int]:
    """Write every core table and metric view under `folder`; rows written, by name. With a
    `dialect`, also the SQL that runs the metric views on that engine over the Parquet files
    (found at `location`, the folder's own URI unless given: where the data team puts them)."""
    core = set(read_layer("core")) | {n for step in PYTHON_STEPS for n in step.writes}
    metrics = set(read_layer("metrics"))
    # what the config said at the last rebuild (calendars, service levels, teams...): the views
    # read it, so an engine running them elsewhere needs it too
    settings = {r[0] for r in wh.query(
        "select table_name from duckdb_tables() where schema_name = 'main' "
        "and starts_with(table_name, 'settings_')"
    )}  # fmt: skip
    # an export replaces what an earlier one wrote of these orgs (rows since gone, a repo
    # renamed) and keeps other orgs' partitions: several orgs export into one folder
    orgs = [str(r[0]) for r in wh.query("select distinct org from repos")]
    written: dict[str, int] = {}
    for kind, names in (
        ("core", sorted(core)),
        ("metrics", sorted(metrics)),
        ("settings", sorted(settings)),
    ):
        for name in names:
            written[f"{kind}/{name}"] = _replace(wh, name, folder / kind / name, orgs)
    if dialect is not None:
        # file:// and the path as it is: Spark and Trino read LOCATION's path unencoded, and
        # look for "%20" itself in a percent-encoded one (Path.as_uri's)
        base = (location or f"file://{folder.resolve().as_posix()}").rstrip("/")
        tables = [(kind, name) for kind, names in (("core", core), ("settings", settings))
                  for name in sorted(names)]  # fmt: skip
        write_sql(wh, tables, folder / "sql" / dialect, base, dialect)
    return written


def write_sql(
    wh: Warehouse, tables: list[tuple[str, str]], target: Path, base: str, dialect: str
) -> None:
    """00_tables.sql registering the exported tables (found under `base`), then one numbered
    file per metric view, in the order they must be created."""
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.sql"):
        old.unlink()
    header = f"-- miner's warehouse as {dialect} SQL, written by `miner export --dialect {dialect}`"
    if dialect == "trino":
        header += (
            "\n-- Trino: transpiled by the same rules as the Spark SQL, which miner's tests run on "
            "Spark;\n-- this Trino SQL is not run by them. Instants are UTC TIMESTAMPs: set the "
            "catalog's\n-- hive.timestamp-precision = MICROSECONDS to read them whole."
        )
    # every table's and view's columns, in order: the tables' DDL, and the types Trino needs
    schema: dict[str, dict[str, str]] = {}
    for table, column, kind in wh.query(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'main' order by table_name, ordinal_position"
    ):
        schema.setdefault(str(table), {})[str(column)] = str(kind)
    statements = [f"CREATE SCHEMA IF NOT EXISTS {transpile.FILES_SCHEMA}"]
    if dialect == "spark":
        statements.append(f"CREATE SCHEMA IF NOT EXISTS {transpile.STEPS_SCHEMA}")
    for kind, name in tables:
        columns = list(schema[name].items())
        location = f"{base}/{kind}/{name}"
        partitions = list(partition_columns(list(schema[name])))
        statements += transpile.table_ddl(name, columns, partitions, location, dialect)
    (target / "00_tables.sql").write_text(
        f"{header}\n-- the exported Parquet as tables of {transpile.FILES_SCHEMA}, and a view "
        "of each with the warehouse's name and columns\n"
        + "".join(f"{s};\n\n" for s in statements),
        encoding="utf-8",
    )
    for i, f in enumerate(layer("metrics"), start=1):
        comment = "".join(f"{line}\n" for line in f.sql.splitlines() if line.startswith("--"))
        statements = transpile.view_statements(f.name, f.body, dialect, ON_READ in f.sql, schema)
        (target / f"{i:02d}_{f.name}.sql").write_text(
            f"{header}\n{comment}" + "".join(f"{s};\n\n" for s in statements), encoding="utf-8"
        )


def _columns(wh: Warehouse, name: str) -> list[tuple[str, str]]:
    return [(str(c), str(t)) for c, t in wh.query(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'main' and table_name = ? order by ordinal_position",
        [name],
    )]  # fmt: skip


def partition_columns(columns: list[str]) -> dict[str, str | None]:
    """The hive partitions of a table with these columns, in order: each with the expression
    export adds to its rows (None: the table's own column)."""
    found: dict[str, str | None] = {}
    if "org" in columns:
        found["org"] = None
    if "repo" in columns:
        found["repo_name"] = "split_part(repo, '/', 2)"
    month = next((c for c in MONTH_COLUMNS if c in columns), None)
    if month is not None:
        found["month"] = f"coalesce(strftime({month}, '%Y-%m'), 'none')"
    return found


# The file of a table written whole, and the partitions below the org of a table with no rows
# of it: a value, as the month of a row without an instant is, since a reader can type a
# partition column only from the values it sees (pyarrow finds no type for Hive's NULL alone).
_SINGLE_FILE = "data_0.parquet"
_EMPTY_PARTITION = "none"


def _replace(wh: Warehouse, name: str, target: Path, orgs: list[str]) -> int:
    """Write one table over what an earlier export wrote of it: of a table with an org column,
    these orgs' partitions (other orgs' stay); of any other table (the settings), all of it."""
    described = _columns(wh, name)
    if "org" in (c for c, _ in described):
        for org in orgs:
            shutil.rmtree(target / f"org={org}", ignore_errors=True)
        # a file beside the partitions (an empty table, as earlier exports wrote it) makes
        # the folder unreadable as hive partitions
        (target / _SINGLE_FILE).unlink(missing_ok=True)
    else:
        shutil.rmtree(target, ignore_errors=True)
    return _write(wh, name, described, target, orgs)


def _write(
    wh: Warehouse, name: str, described: list[tuple[str, str]], target: Path, orgs: list[str]
) -> int:
    """`name`'s rows (its columns and types `described`) under `target`."""
    columns = [c for c, _ in described]
    # Parquet has no 128-bit integer (DuckDB would write a sum's HUGEINT as a double): a
    # defence, as our queries cast their sums, for a column a later query leaves uncast
    fields = [f'cast("{c}" as bigint) as "{c}"' if t == "HUGEINT" else f'"{c}"'
              for c, t in described]  # fmt: skip
    added = partition_columns(columns)
    partitions = list(added)
    extra = [f"{sql} as {p}" for p, sql in added.items() if sql is not None]
    select = ", ".join([*fields, *extra])
    rows = wh.query(f"select count(*) from {name}")[0][0]
    target.mkdir(parents=True, exist_ok=True)
    options = "format parquet, overwrite_or_ignore true"
    if partitions and rows:
        # the partition columns are in the folder names alone, as Hive, Spark and pyarrow write
        # them: readers that take them from there (pyarrow's read_table, pandas) refuse a file
        # that has them too, typed otherwise
        options += f", partition_by ({', '.join(partitions)})"
        wh.con.execute(
            f"copy (select {select} from {name}) to '{sql_string(str(target))}' ({options})"
        )
    elif partitions and "org" in partitions:
        # no rows: an empty file in each org's partition, as deep as the others, so the folder
        # still reads as hive partitions beside other orgs' rows (and with its columns)
        kept = ", ".join(f for f, c in zip(fields, columns, strict=True) if c not in added)
        for org in orgs:
            place = target / f"org={org}"
            for p in partitions[1:]:
                place = place / f"{p}={_EMPTY_PARTITION}"
            place.mkdir(parents=True, exist_ok=True)
            _copy_file(wh, f"select {kept} from {name} limit 0", place / _SINGLE_FILE)
    else:  # nothing to partition by, or no rows of a table export replaces whole: one file
        _copy_file(wh, f"select {select} from {name}", target / _SINGLE_FILE)
    return int(rows)


def _copy_file(wh: Warehouse, select: str, path: Path) -> None:
    wh.con.execute(f"copy ({select}) to '{sql_string(str(path))}' (format parquet)")
