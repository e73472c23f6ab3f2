"""`miner export DIR`: the warehouse's core tables and metric views as hive-partitioned Parquet
(org / repo / month), for a data team that runs them beside other orgs' on a bigger engine.

Each row is written whole (the partition columns are in the files too): DIR/core/TABLE/,
DIR/metrics/VIEW/ and DIR/settings/TABLE/ (the config as the views read it), then
org=ORG/repo_name=NAME/month=YYYY-MM/ where the table has those columns. The month is that
of the row's first instant of MONTH_COLUMNS ('none' when NULL)."""

from __future__ import annotations

from pathlib import Path

from miner.sql_files import read_layer
from miner.transform import PYTHON_STEPS
from miner.warehouse import Warehouse

# The instant a row is filed under, the first of these a table has.
MONTH_COLUMNS = (
    "created_at", "occurred_at", "submitted_at", "start_at", "merged_at", "committed_at",
    "authored_at", "deployed_at", "valid_from",
)  # fmt: skip


def export(wh: Warehouse, folder: Path) -> dict[str, int]:
    """Write every core table and metric view under `folder`; rows written, by name."""
    core = set(read_layer("core")) | {n for step in PYTHON_STEPS for n in step.writes}
    metrics = set(read_layer("metrics"))
    # what the config said at the last rebuild (calendars, service levels, teams...): the views
    # read it, so an engine running them elsewhere needs it too
    settings = {r[0] for r in wh.query(
        "select table_name from duckdb_tables() where schema_name = 'main' "
        "and starts_with(table_name, 'settings_')"
    )}  # fmt: skip
    written: dict[str, int] = {}
    for kind, names in (
        ("core", sorted(core)),
        ("metrics", sorted(metrics)),
        ("settings", sorted(settings)),
    ):
        for name in names:
            written[f"{kind}/{name}"] = _write(wh, name, folder / kind / name)
    return written


def _write(wh: Warehouse, name: str, target: Path) -> int:
    described = wh.query(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'main' and table_name = ? order by ordinal_position",
        [name],
    )
    columns = [c for c, _ in described]
    # Parquet has no 128-bit integer (DuckDB would write a sum's HUGEINT as a double)
    fields = [f'cast("{c}" as bigint) as "{c}"' if t == "HUGEINT" else f'"{c}"'
              for c, t in described]  # fmt: skip
    extra, partitions = [], []
    if "org" in columns:
        partitions.append("org")
    if "repo" in columns:
        extra.append("split_part(repo, '/', 2) as repo_name")
        partitions.append("repo_name")
    month = next((c for c in MONTH_COLUMNS if c in columns), None)
    if month is not None:
        extra.append(f"coalesce(strftime({month}, '%Y-%m'), 'none') as month")
        partitions.append("month")
    select = ", ".join([*fields, *extra])
    rows = wh.query(f"select count(*) from {name}")[0][0]
    target.mkdir(parents=True, exist_ok=True)
    options = "format parquet, overwrite_or_ignore true"
    if partitions and rows:
        options += f", partition_by ({', '.join(partitions)}), write_partition_columns true"
        wh.con.execute(f"copy (select {select} from {name}) to '{_quote(target)}' ({options})")
    else:  # nothing to partition by (or no rows): one file
        wh.con.execute(
            f"copy (select {select} from {name}) to '{_quote(target / 'data_0.parquet')}' "
            "(format parquet)"
        )
    return int(rows)


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
