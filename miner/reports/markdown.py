"""The report as GitHub-flavoured Markdown (a job summary, a wiki page): one table per section,
the team-to-team handoff map as a Mermaid diagram. User text is escaped, never markup."""

from __future__ import annotations

import re
from typing import Any

from miner.reports.layout import (
    SECTIONS,
    Section,
    cell_text,
    pr_label,
    previous_row,
    safe_url,
    shown,
    visible,
)
from miner.reports.matrix import LEGEND, matrix
from miner.reports.terminal import headline


def report_markdown(data: dict[str, Any]) -> str:
    out = [
        f"# miner report · {md(headline(data))}",
        "",
        f"Changes in brackets are against {data['previous_window']['from'][:10]} → "
        f"{data['previous_window']['to'][:10]}, the window before of the same length.",
    ]
    for section in SECTIONS:
        entry = data["sections"][section.name]
        rows = visible(section, entry["rows"])
        out += ["", f"## {md(section.title)}", ""]
        if not rows:
            out.append(md(section.empty[0].upper() + section.empty[1:]))
            continue
        if section.shape == "map":
            out += [*_mermaid(rows), ""]
        if section.shape == "matrix":
            out += _matrix(rows)
        else:
            out += _table(section, rows, entry.get("previous", []))
    return "\n".join(out) + "\n"


def _table(
    section: Section, rows: list[dict[str, Any]], previous: list[dict[str, Any]]
) -> list[str]:
    rows, more = shown(section, rows)
    numeric = [c.kind in ("count", "hours", "share") for c in section.columns]
    out = [
        "| " + " | ".join(md(c.label) for c in section.columns) + " |",
        "|" + "|".join("---:" if n else "---" for n in numeric) + "|",
    ]
    for row in rows:
        before = previous_row(section, row, previous)
        cells = []
        for column in section.columns:
            if column.kind == "pr":
                url = safe_url(row.get("html_url"))
                label = md(pr_label(row))
                cells.append(f"[{label}]({url})" if url else label)
            else:
                cells.append(md(cell_text(column, row, before)))
        out.append("| " + " | ".join(cells) + " |")
    return [*out, "", md(more[0].upper() + more[1:]) + "."] if more else out


def _matrix(rows: list[dict[str, Any]]) -> list[str]:
    grid = matrix(rows)
    out = [
        f"Rows are the authors' teams, columns the teams whose approval they waited for; {LEGEND}.",
        "",
        "| author team ↓ | " + " | ".join(md(c) for c in grid.columns) + " |",
        "|---|" + "---:|" * len(grid.columns),
    ]
    for name in grid.rows:
        cells = " | ".join(md(grid.text(name, c)) for c in grid.columns)
        out.append(f"| {md(name)} | {cells} |")
    return out


def _mermaid(rows: list[dict[str, Any]]) -> list[str]:
    out = ["```mermaid", "flowchart LR"]
    for r in rows:
        out.append(f"  {_node(r['author_team'])} -->|{r['prs']} PRs| {_node(r['owner_team'])}")
    return [*out, "```"]


def md(text: str) -> str:
    """User text in Markdown: shown as text, never read as markup or HTML."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char in "\\|`*_[]#":
        escaped = escaped.replace(char, "\\" + char)
    return escaped.replace("\n", " ")


def _node(team: str) -> str:
    """A Mermaid node for a team: an id of safe characters, the name quoted as its label."""
    ident = "t_" + re.sub(r"[^A-Za-z0-9_]", "_", team)  # never a keyword such as `end`
    label = team.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    return f'{ident}["{label}"]'
