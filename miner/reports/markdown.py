"""The report as GitHub-flavoured Markdown (a job summary, a wiki page): one table per section,
the team-to-team handoff map as a Mermaid diagram. User text is escaped, never markup."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from miner.errors import counted
from miner.reports.charts import PALETTE
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
from miner.reports.terminal import headline, previous_window


def report_markdown(data: dict[str, Any]) -> str:
    out = [
        f"# miner report · {md(headline(data))}",
        "",
        f"Changes in brackets are against {previous_window(data)}, the window before of the "
        "same length.",
    ]
    note = history_note(data)
    if note is not None:
        out += ["", md(capitalized(note)) + "."]
    for section in SECTIONS:
        entry = data["sections"][section.name]
        rows = visible(section, entry["rows"])
        out += ["", f"## {md(section.title)}", ""]
        if not rows:
            out.append(md(capitalized(section.empty)))
            continue
        if section.shape == "map":
            out += [*_mermaid(rows), ""]
        if section.shape == "deps":
            out += [*_dependency_graph(rows), ""]
        if section.shape == "matrix":
            out += _matrix(rows)
        else:
            out += _table(section, rows, entry.get("previous", []))
        if section.note:
            out += ["", md(section.note) + "."]
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
    for cells in table_cells(section, rows, previous):
        texts = (f"[{md(c.text)}]({_target(c.url)})" if c.url else md(c.plain()) for c in cells)
        out.append("| " + " | ".join(texts) + " |")
    return [*out, "", md(capitalized(more)) + "."] if more else out


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
    teams = _numbered(rows, ("author_team", "owner_team"), "t")
    out = ["```mermaid", "flowchart LR"]
    for r in rows:
        ends = [_node(str(r[k]), teams[str(r[k])]) for k in ("author_team", "owner_team")]
        out.append(f"  {ends[0]} -->|{counted(r['prs'], 'PR')}| {ends[1]}")
    return [*out, "```"]


def md(text: str) -> str:
    """User text in Markdown: shown as text, never read as markup, HTML, a link (GitHub links
    bare `https://` and `www.` text: an entity for the `:` or the `.` stops it) or a mention
    (`@security`, a team waited on, would link the user `security` and, pasted in an issue,
    notify them: an invisible word joiner after the `@` stops it)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char in "\\|`*_[]#~":
        escaped = escaped.replace(char, "\\" + char)
    escaped = re.sub(r"(?i)(https?|ftp):", r"\1&#58;", escaped)
    escaped = re.sub(r"(?i)\bwww\.", "www&#46;", escaped)
    escaped = re.sub(r"@(?=\w)", "@\u2060", escaped)
    return escaped.replace("\r", " ").replace("\n", " ")


def _target(url: str) -> str:
    """A link target: characters that would end it or start markup, percent-encoded."""
    return quote(url, safe=":/?#=&%+,;@!$'*-._~")


def _dependency_graph(rows: list[dict[str, Any]]) -> list[str]:
    """Repos as nodes coloured by their owning team, an arrow from each repo to the repos whose
    packages it consumes, with a legend of the teams' colours."""
    teams = _numbered(rows, ("repo_team", "depends_on_team"), "team")
    repos = _numbered(rows, ("repo", "depends_on_repo"), "r")
    out = ["```mermaid", "flowchart LR"]
    for r in rows:
        ends = [
            _node(str(r[repo]).split("/", 1)[-1], repos[str(r[repo])], teams[str(r[team])])
            for repo, team in (("repo", "repo_team"), ("depends_on_repo", "depends_on_team"))
        ]
        out.append(f"  {ends[0]} --> {ends[1]}")
    for i, _ in enumerate(teams):
        colour = PALETTE[i % len(PALETTE)]
        out.append(f"  classDef team{i} fill:{colour},stroke:#333,color:{_ink(colour)}")
    legend = ", ".join(f"{md(t)} {PALETTE[i % len(PALETTE)]}" for i, t in enumerate(teams))
    return [*out, "```", "", f"Owning teams by colour: {legend}."]


def _numbered(rows: list[dict[str, Any]], keys: tuple[str, ...], prefix: str) -> dict[str, str]:
    """A Mermaid id per name under `keys`, by the name's place in name order: names that
    differ only in characters an id cannot hold ("web-app", "web_app") stay two nodes."""
    names = sorted({str(r[k]) for r in rows for k in keys})
    return {name: f"{prefix}{i}" for i, name in enumerate(names)}


def _ink(fill: str) -> str:
    """Black or white text, whichever reads better on `fill` (#RRGGBB)."""
    r, g, b = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    return "#000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#fff"


def _node(name: str, ident: str, css: str = "") -> str:
    """A Mermaid node: its id (safe characters, never a keyword such as `end`), the name
    quoted as its label, and its class."""
    label = name.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    return f'{ident}["{label}"]' + (f":::{css}" if css else "")
