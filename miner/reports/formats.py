"""The report's formats, each a function of the report's data (reports.data.report_json)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from rich.console import Console

from miner.reports.html import report_html
from miner.reports.long_csv import report_csv
from miner.reports.markdown import report_markdown
from miner.reports.terminal import REPORT_WIDTH, print_report


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _table(data: dict[str, Any]) -> str:
    """The terminal report as text, 100 columns wide, for a file or a pipe."""
    buffer = io.StringIO()
    print_report(data, Console(file=buffer, width=REPORT_WIDTH))
    return buffer.getvalue()


RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "table": _table,
    "md": report_markdown,
    "html": report_html,
    "json": _json,
    "csv": report_csv,
}
FORMATS = tuple(RENDERERS)
