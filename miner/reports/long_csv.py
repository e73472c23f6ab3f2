"""The report in one long CSV table: section, period (window or previous), row number within
the section, column and value; one line per value, for a spreadsheet or a pivot."""

from __future__ import annotations

import csv
import io
from typing import Any


def report_csv(data: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("section", "period", "row", "column", "value"))
    for section, periods in data["sections"].items():
        for period, key in (("window", "rows"), ("previous", "previous")):
            for number, row in enumerate(periods.get(key, []), start=1):
                for column, value in row.items():
                    writer.writerow(
                        (section, period, number, column, "" if value is None else value)
                    )
    return out.getvalue()
