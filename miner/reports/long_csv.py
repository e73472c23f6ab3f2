"""The report in one long CSV table: section, period (window or previous), row number within
the section, column and value; one line per value, for a spreadsheet or a pivot. Its first
lines, section `report`, say what it covers: the org, the scope, as_of and the two windows."""

from __future__ import annotations

import csv
import io
from typing import Any

# A text cell a spreadsheet would take for a formula (CSV injection: a PR title is anyone's
# text); OWASP's remedy is a leading quote, which spreadsheets show as text and do not keep.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _about(data: dict[str, Any]) -> dict[str, Any]:
    """The report's own facts, as the JSON has them."""
    return {
        "schema": data["schema"],
        "org": data["org"],
        "team": data["scope"]["team"],
        "repo": data["scope"]["repo"],
        "as_of": data["as_of"],
        "window_from": data["window"]["from"],
        "window_to": data["window"]["to"],
        "previous_from": data["previous_window"]["from"],
        "previous_to": data["previous_window"]["to"],
    }


def report_csv(data: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("section", "period", "row", "column", "value"))
    for column, value in _about(data).items():
        writer.writerow(("report", "", 1, column, _cell(value)))
    for section, periods in data["sections"].items():
        for period, key in (("window", "rows"), ("previous", "previous")):
            for number, row in enumerate(periods.get(key, []), start=1):
                for column, value in row.items():
                    writer.writerow((section, period, number, column, _cell(value)))
    return out.getvalue()
