"""Rebuild the core tables and metric views from the raw layer, with no network."""

from __future__ import annotations

import pyarrow as pa

from miner.config import Config
from miner.sql_files import layer
from miner.warehouse import Warehouse


def rebuild(wh: Warehouse, config: Config) -> None:
    """Recompute settings, core tables and metric views in one transaction."""
    with wh.transaction():
        _write_settings(wh, config)
        for f in layer("core"):
            wh.con.execute(f"create or replace table {f.name} as\n{f.body}")
            wh.con.execute(f"comment on table {f.name} is '{_sql_str(f.description)}'")
        for f in layer("metrics"):
            wh.con.execute(f"create or replace view {f.name} as\n{f.body}")
            wh.con.execute(f"comment on view {f.name} is '{_sql_str(f.description)}'")


def _write_settings(wh: Warehouse, config: Config) -> None:
    """Tables holding what the config says, so the stored views stay plain SQL."""
    bots = pa.table({"login": pa.array(config.bots, pa.string())})
    teams = pa.table(
        {
            "team": pa.array([t for t, ms in config.teams.items() for _ in ms], pa.string()),
            "login": pa.array([m for ms in config.teams.values() for m in ms], pa.string()),
        }
    )
    for name, table in (("settings_bots", bots), ("settings_teams", teams)):
        wh.con.register("_settings", table)
        try:
            wh.con.execute(f"create or replace table {name} as select * from _settings")
        finally:
            wh.con.unregister("_settings")


def _sql_str(text: str) -> str:
    return text.replace("'", "''")
