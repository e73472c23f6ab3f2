"""The report on a terminal: one rich table per section, each figure with its change against the
previous window, laid out for 100 columns when it goes to a file or a pipe."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from miner.reports.data import history_note
from miner.reports.layout import (
    SECTIONS,
    Section,
    capitalized,
    shown,
    table_cells,
    visible,
)
from miner.reports.matrix import LEGEND, matrix

# The width the report is laid out for when it is not shown on a terminal (a file, CI logs).
REPORT_WIDTH = 100
# What names a row (a team, a repo) is kept whole on one line while none is longer than this; a
# longer name folds, or two of them would squeeze the figures beside them out of the table.
KEY_WHOLE = 20


def report_console() -> Console:
    """The terminal as it is; 100 columns when the report goes to a file or a pipe."""
    console = Console()
    return console if console.is_terminal else Console(width=REPORT_WIDTH)


def print_report(data: dict[str, Any], console: Console) -> None:
    """Print the JSON report's data (report_json) on `console`."""
    console.print(f"[bold]miner report[/bold] · {escape(headline(data))}")
    console.print(f"Changes in brackets are against {escape(previous_window(data))}.")
    note = history_note(data)
    if note is not None:
        console.print(escape(capitalized(note)) + ".")
    for section in SECTIONS:
        entry = data["sections"][section.name]
        rows = visible(section, entry["rows"])
        if not rows:
            console.print(f"\n[bold]{escape(section.title)}[/bold]: {escape(section.empty)}")
            continue
        console.print(f"\n[bold]{escape(section.title)}[/bold]")
        if section.shape == "matrix":
            console.print(_matrix(rows))
            console.print(f"Rows wait on columns; {LEGEND}.")
        else:
            rows, more = shown(section, rows)
            console.print(_table(section, rows, entry.get("previous", []), console.width))
            if more:
                console.print(capitalized(more) + ".")
        if section.note:
            console.print(escape(section.note) + ".")


def _minute(instant: str) -> str:
    """An ISO instant to the minute: `2026-06-30 18:00`."""
    return instant[:16].replace("T", " ")


def previous_window(data: dict[str, Any]) -> str:
    """`2026-05-01 18:00 → 2026-05-31 18:00 UTC`: the window the changes are against."""
    before = data["previous_window"]
    return f"{_minute(before['from'])} → {_minute(before['to'])} UTC"


def headline(data: dict[str, Any]) -> str:
    """`acme · team web · 2026-05-31 18:00 → 2026-06-30 18:00 UTC (as of the last sync)`; a
    window ending before the last sync (--to) names when that was instead: `(last sync
    2026-07-15 06:00 UTC)`, the instant its `waiting now` counts are of."""
    scope = data["scope"]
    parts = [data["org"]]
    if scope["team"]:
        parts.append(f"team {scope['team']}")
    if scope["repo"]:
        parts.append(f"repo {scope['repo']}")
    window = data["window"]
    synced = (
        "as of the last sync"
        if window["to"] == data["as_of"]
        else f"last sync {_minute(data['as_of'])} UTC"
    )
    parts.append(f"{_minute(window['from'])} → {_minute(window['to'])} UTC ({synced})")
    return " · ".join(parts)


def _table(
    section: Section,
    rows: list[dict[str, Any]],
    previous: list[dict[str, Any]],
    width: int = REPORT_WIDTH,
) -> Table:
    table = Table()
    cells = table_cells(section, rows, previous)
    texts = [[_one_line(c.plain()) for c in row] for row in cells]
    keep_whole = []
    for column in section.columns:
        short = max((len(str(r.get(column.key) or "")) for r in rows), default=0) <= KEY_WHOLE
        # a title is cut with an ellipsis on one line, never wrapped over several; a PR or a
        # short name of the row (a team, a repo) is whole on one line: the figures wrap instead
        keep_whole.append(
            column.kind == "pr" or column.key == "title" or (column.key in section.key and short)
        )
    widths = _widths(section, texts, keep_whole, width)
    for i, column in enumerate(section.columns):
        table.add_column(
            column.label,
            justify="right" if column.kind in ("count", "hours", "share") else "left",
            no_wrap=keep_whole[i],
            overflow="ellipsis" if column.key == "title" else "fold",
            max_width=TITLE_WIDTH if column.key == "title" else None,
            width=widths[i],
        )
    for row, text in zip(cells, texts, strict=True):
        table.add_row(
            *(
                f"[link={c.url}]{escape(_one_line(c.text))}[/link]" if c.url else escape(t)
                for c, t in zip(row, text, strict=True)
            )
        )
    return table


# A title is cut to this many characters (with an ellipsis), and to no fewer than TITLE_LEAST
# where the table is short of room.
TITLE_WIDTH = 36
TITLE_LEAST = 12


def _widths(
    section: Section, texts: list[list[str]], keep_whole: list[bool], width: int
) -> list[int | None]:
    """Each column's width when the table does not fit `width` on one line a row but does with
    no word cut (a list of teams or of link kinds wraps between its words: `cross_reference,`
    stays whole): each column its longest word (its longest text where it is kept whole), and
    the room left shared out by how much more each would take. None each where the table fits
    as it is, or cannot without cutting words: rich's own layout then."""
    longest: list[int] = []
    least: list[int] = []
    for i, column in enumerate(section.columns):
        lines = [column.label, *(r[i] for r in texts)]
        full = max(len(t) for t in lines)
        word = max((len(w) for t in lines for w in t.split()), default=1)
        if column.key == "title":
            full, word = min(full, TITLE_WIDTH), min(full, TITLE_LEAST)
        longest.append(full)
        least.append(full if keep_whole[i] and column.key != "title" else word)
    room = width - (3 * len(longest) + 1)  # each column's padding and left border, the last
    if sum(longest) <= room or sum(least) > room:
        return [None] * len(longest)
    spare, wants = room - sum(least), [f - n for f, n in zip(longest, least, strict=True)]
    shares = [spare * w // sum(wants) for w in wants]
    return [n + s for n, s in zip(least, shares, strict=True)]


def _one_line(text: str) -> str:
    """A cell's text on one line: a PR title may hold line breaks and tabs."""
    return " ".join(text.split()) if any(c in text for c in "\r\n\t") else text


def _matrix(rows: list[dict[str, Any]]) -> Table:
    grid = matrix(rows)
    table = Table()
    # a team's name whole on one line while short (the cells wrap instead), else folded
    short = max(map(len, grid.rows), default=0) <= KEY_WHOLE
    table.add_column("author team ↓", no_wrap=short, overflow="fold")
    for name in grid.columns:
        table.add_column(escape(name), justify="right")
    for name in grid.rows:
        table.add_row(escape(name), *(escape(grid.text(name, col)) for col in grid.columns))
    return table
