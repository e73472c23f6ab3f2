"""bench load: storing a page of raw payloads in bulk (Arrow) against one INSERT per row."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.common import figure, timed
from miner.raw import batch_of, dumps
from miner.warehouse import Warehouse

PAGES = 20
PER_PAGE = 100  # GitHub's largest page


def _payloads(page: int) -> list[dict[str, object]]:
    return [
        {
            "number": page * PER_PAGE + i,
            "title": f"Change {i}",
            "user": {"login": f"dev{i % 40}"},
            "body": "x" * 400,
            "updated_at": "2026-06-01T10:00:00Z",
        }
        for i in range(PER_PAGE)
    ]


def run() -> bool:
    with tempfile.TemporaryDirectory() as tmp, Warehouse.open(Path(tmp) / "b.duckdb") as wh:
        run_id = wh.start_run("bench", "acme", "bench")
        pages = [_payloads(p) for p in range(PAGES)]

        def bulk() -> None:
            for page in pages:
                wh.store(batch_of("pulls", "acme", "acme/a", None, page, replace=False), run_id)

        def row_by_row() -> None:
            with wh.transaction():
                for page in pages:
                    wh.con.executemany(
                        "insert into raw_commits "
                        "values (?, 'acme', 'acme/a', null, ?::json, now(), 0)",
                        [(f"k{p['number']}", dumps(p)) for p in page],
                    )
                wh.con.execute("delete from raw_commits")

        speedup = timed(row_by_row) / timed(bulk)
    return figure("load", "bulk store speedup over executemany", speedup, ">=", 5)
