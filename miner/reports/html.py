"""The report as one self-contained HTML file: inline CSS and SVG charts, no script, nothing
fetched (its Content-Security-Policy forbids it), readable on a laptop and printable. Every
string from the warehouse is escaped."""

from __future__ import annotations

from html import escape
from typing import Any

from miner.errors import counted
from miner.reports import charts
from miner.reports.data import history_note
from miner.reports.layout import (
    SECTIONS,
    Column,
    Section,
    capitalized,
    shown,
    table_cells,
    value_text,
    visible,
)
from miner.reports.matrix import LEGEND, matrix
from miner.reports.terminal import headline, previous_window

_STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1b1b;
       max-width: 1100px; margin: 2em auto; padding: 0 1.5em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.15em; margin: 1.8em 0 0.5em; border-bottom: 1px solid #ddd; }
.lede { color: #555; }
.figures { display: flex; flex-wrap: wrap; gap: 1em; margin: 1.2em 0; }
.figure { border: 1px solid #ddd; border-radius: 6px; padding: 0.6em 1em; min-width: 11em; }
.figure b { display: block; font-size: 1.5em; }
.figure span { color: #555; font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.6em 0; font-variant-numeric: tabular-nums; }
th, td { padding: 0.25em 0.7em; border-bottom: 1px solid #eee; text-align: left; }
th { background: #f6f6f6; }
td.n, th.n { text-align: right; }
.change { color: #666; font-size: 0.85em; }
.empty { color: #666; font-style: italic; }
svg.chart { display: block; margin: 0.6em 0; }
section { break-inside: avoid; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; } }
"""
_HOURS = Column("hours", "", "hours")
_SHARE = Column("share", "", "share")
# Nothing to fetch, nothing to run: a hostile string that slipped through escaping still could
# not load or execute anything.
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def report_html(data: dict[str, Any]) -> str:
    title = f"miner report · {headline(data)}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>miner report · {escape(data['org'])}</h1>",
        f'<p class="lede">{escape(headline(data))}. Changes in brackets are against '
        f"{escape(previous_window(data))}, the window before of the same length.</p>",
    ]
    note = history_note(data)
    if note is not None:
        out.append(f'<p class="lede">{escape(capitalized(note))}.</p>')
    out.append(_figures(data))
    for section in SECTIONS:
        entry = data["sections"][section.name]
        rows = visible(section, entry["rows"])
        out.append(f'<section id="{section.name}"><h2>{escape(section.title)}</h2>')
        if not rows:
            out.append(f'<p class="empty">{escape(section.empty)}</p></section>')
            continue
        out.append(_chart(section, rows))
        if section.shape == "matrix":
            out.append(_heatmap(rows))
        else:
            out.append(_table(section, rows, entry.get("previous", [])))
        if section.note:
            out.append(f'<p class="lede">{escape(section.note)}.</p>')
        out.append("</section>")
    out.append(
        f'<p class="lede">As of {escape(data["as_of"])}; schema {escape(data["schema"])}.</p>'
    )
    return "\n".join(out) + "\n</body></html>\n"


def _figures(data: dict[str, Any]) -> str:
    """The headline figures, each with the count it rests on."""
    sections = data["sections"]
    summary = (sections["review_wait_summary"]["rows"] or [{}])[0]
    courts = {r["court"]: r for r in sections["time_in_court"]["rows"]}
    # the PRs' hours in no author's court: waiting, on reviewers, CI, a merge or a deploy
    author = courts.get("author", {})
    waiting = None if author.get("share") is None else 1.0 - author["share"]
    cards = [
        (
            value_text(_HOURS, summary.get("median_hours")) + " h",
            f"median review wait, {counted(summary.get('reviewed') or 0, 'answered request')}",
        ),
        (
            value_text(_SHARE, waiting),
            f"of the hours of {counted(author.get('prs') or 0, 'PR')} ended spent waiting",
        ),
        (str(summary.get("waiting") or 0), "review requests waiting now"),
    ]
    items = "".join(
        f'<div class="figure"><b>{escape(v)}</b><span>{escape(t)}</span></div>' for v, t in cards
    )
    return f'<div class="figures">{items}</div>'


def _chart(section: Section, rows: list[dict[str, Any]]) -> str:
    name = section.name
    if name == "time_in_court":
        parts = [(r["court"], r["share"] or 0.0) for r in rows if r["court"] != "flow efficiency"]
        return charts.stacked("Share of all hours per court", parts)
    if name == "time_in_court_by_team":
        courts = [c.label for c in section.columns if c.kind == "share"]
        keys = [c.key for c in section.columns if c.kind == "share"]
        shares = [(str(r["team"]), [r[k] or 0.0 for k in keys]) for r in rows]
        return charts.stacked_rows("Share of each team's PR hours per court", courts, shares)
    if name == "handoff_pairs":
        edges = [(r["author_team"], r["owner_team"], int(r["prs"])) for r in rows]
        return charts.flow_map("PRs by author team and the team owning their files", edges)
    if name == "repo_dependency_map":
        deps = [(_short(r["repo"]), _short(r["depends_on_repo"]), 1) for r in rows]
        sides = (("repo", "repo_team"), ("depends_on_repo", "depends_on_team"))
        teams = {_short(r[k]): str(r[t]) for r in rows for k, t in sides}
        title = "Repos (left) and the repos whose packages they consume (right), by owning team"
        return charts.flow_map(title, deps, teams=teams)
    figures = {
        "review_wait_by_week": ("week", "median_hours", "p90_hours", "answered"),
        "review_wait_by_team": ("team", "median_hours", "p90_hours", "reviewed"),
        "cross_team_approvals_by_team": ("team", "median_hours", "p90_hours", "approved"),
        # the cycle is a merged PR's: its median rests on the PRs merged, not all those opened
        "ownership_handoffs_per_pr": (
            "handoffs",
            "median_cycle_hours",
            "p90_cycle_hours",
            "merged",
        ),
        "deploy_lead_time_by_repo": ("repo", "median_hours", "p90_hours", "deployed"),
    }
    if name not in figures:
        return ""
    label, median, p90, count = figures[name]
    items = [
        charts.Bar(str(r[label]), r[median], r[p90], f"({r[count]})")
        for r in rows
        if r[median] is not None
    ]
    return charts.bars(f"{section.title}: median and p90", items)


def _short(repo: object) -> str:
    return str(repo).split("/", 1)[-1]


def _table(section: Section, rows: list[dict[str, Any]], previous: list[dict[str, Any]]) -> str:
    rows, more = shown(section, rows)
    numeric = [c.kind in ("count", "hours", "share") for c in section.columns]
    head = "".join(
        f'<th class="n">{escape(c.label)}</th>' if n else f"<th>{escape(c.label)}</th>"
        for c, n in zip(section.columns, numeric, strict=True)
    )
    body = []
    for cells in table_cells(section, rows, previous):
        out = []
        for c in cells:
            text = escape(c.text)
            if c.url:
                text = f'<a href="{escape(c.url)}">{text}</a>'
            if c.change:
                text += f' <span class="change">({escape(c.change)})</span>'
            out.append(f'<td class="n">{text}</td>' if c.numeric else f"<td>{text}</td>")
        body.append("<tr>" + "".join(out) + "</tr>")
    note = f'<p class="lede">{escape(capitalized(more))}.</p>' if more else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{note}"


def _heatmap(rows: list[dict[str, Any]]) -> str:
    """The team-pair matrix, each cell shaded by its median hours."""
    grid = matrix(rows)
    top = max((r["median_hours"] or 0.0 for r in rows), default=0.0) or 1.0
    head = "".join(f'<th class="n">{escape(c)}</th>' for c in grid.columns)
    body = []
    for name in grid.rows:
        cells = []
        for column in grid.columns:
            median = grid.median(name, column)
            shade = 0.0 if median is None else 0.08 + 0.6 * median / top
            cells.append(
                f'<td class="n" style="background: rgba(213, 94, 0, {shade:.2f})">'
                f"{escape(grid.text(name, column))}</td>"
            )
        body.append(f"<tr><th>{escape(name)}</th>{''.join(cells)}</tr>")
    return (
        '<p class="lede">Rows are the authors\' teams, columns the teams whose approval they '
        f"waited for; {escape(LEGEND)}.</p>"
        f"<table><thead><tr><th>author team ↓</th>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )
