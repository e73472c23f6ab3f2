"""A team-pair section as a matrix: one row per author team, one column per team waited on, each
cell the median hours with the count it rests on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# What a cell says, for the caption under every matrix.
LEGEND = "each cell: median hours to approve (approvals given, w: waiting now)"


@dataclass(frozen=True)
class Matrix:
    rows: list[str]
    columns: list[str]
    cells: dict[tuple[str, str], dict[str, Any]]

    def text(self, row: str, column: str) -> str:
        """'12.5 (4)': median hours over 4 approvals; '12.5 (4, 2w)' with 2 waiting now;
        '' for no pair."""
        cell = self.cells.get((row, column))
        if cell is None:
            return ""
        median = "–" if cell["median_hours"] is None else f"{cell['median_hours']:.1f}"
        waiting = f", {cell['waiting']}w" if cell["waiting"] else ""
        return f"{median} ({cell['approved']}{waiting})"

    def median(self, row: str, column: str) -> float | None:
        cell = self.cells.get((row, column))
        return None if cell is None else cell["median_hours"]


def matrix(
    rows: list[dict[str, Any]], row_key: str = "author_team", column_key: str = "approver_team"
) -> Matrix:
    return Matrix(
        sorted({str(r[row_key]) for r in rows}),
        sorted({str(r[column_key]) for r in rows}),
        {(str(r[row_key]), str(r[column_key])): r for r in rows},
    )
