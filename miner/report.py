"""Render the terminal report: review waits in a window, by team, and the PRs waiting now."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from miner.errors import ConfigError, MinerError
from miner.sql_files import layer
from miner.warehouse import Warehouse

# The width the report is laid out for when it is not shown on a terminal (a file, CI logs).
REPORT_WIDTH = 100
_DURATION = re.compile(r"^(\d+)([hdw])$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class Window:
    since: datetime
    until: datetime
    as_of: datetime


def parse_since(text: str) -> timedelta:
    """A look-back like 30d, 12h or 6w."""
    match = _DURATION.match(text.strip())
    if not match:
        raise ConfigError(f"--since {text!r}: expected a number and a unit, like 30d, 12h or 6w")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def window(
    wh: Warehouse,
    org: str,
    since: timedelta,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Window:
    """`since` back from as_of, or from `start` to `end` (default as_of) when `start` is given."""
    row = wh.query("select as_of from snapshots where org = ?", [org])
    if not row or row[0][0] is None:
        known = ", ".join(r[0] for r in wh.query("select org from snapshots order by 1")) or "none"
        raise MinerError(f"no data for org {org!r} in {wh.path} (orgs there: {known})")
    as_of: datetime = row[0][0]
    if start is None:
        return Window(as_of - since, as_of, as_of)
    until = end or as_of
    if until <= start:
        raise ConfigError(f"--from {start:%Y-%m-%d} --to {until:%Y-%m-%d}: the end must be later")
    return Window(start, until, as_of)


def default_org(wh: Warehouse) -> str:
    orgs = [r[0] for r in wh.query("select org from snapshots order by 1")]
    if len(orgs) != 1:
        raise ConfigError(f"--org: which org? the warehouse holds {', '.join(orgs) or 'none'}")
    return str(orgs[0])


def run_report_query(wh: Warehouse, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Run queries/reports/NAME.sql with named parameters; rows as dicts."""
    files = {f.name: f for f in layer("reports")}
    cursor = wh.con.execute(files[name].body, params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def render(
    wh: Warehouse,
    org: str,
    since: timedelta,
    console: Console,
    start: datetime | None = None,
    end: datetime | None = None,
) -> None:
    w = window(wh, org, since, start, end)
    params = {"org": org, "since": w.since, "until": w.until}
    summary = run_report_query(wh, "review_wait_summary", params)[0]
    teams = run_report_query(wh, "review_wait_by_team", params)
    waiting = run_report_query(wh, "waiting_longest", {"org": org, "limit": 10})

    console.print(
        f"[bold]miner report[/bold] · {org} · {w.since:%Y-%m-%d} → {w.until:%Y-%m-%d %H:%M} UTC "
        f"(as of the last sync)"
    )
    console.print(
        f"PRs ready for review in the window: [bold]{summary['prs_ready']}[/bold]; "
        f"review requests answered: {summary['reviewed']}, unanswered at close: "
        f"{summary['unanswered']}, still waiting: {summary['waiting']}"
    )
    headline = Table(title="Review wait, answered requests (hours)", title_justify="left")
    for column in ("episodes", "median", "p75", "p90", "median business", "p90 business"):
        headline.add_column(column, justify="right")
    headline.add_row(
        str(summary["reviewed"]),
        _hours(summary["median_hours"]),
        _hours(summary["p75_hours"]),
        _hours(summary["p90_hours"]),
        _hours(summary["median_business_hours"]),
        _hours(summary["p90_business_hours"]),
    )
    console.print(headline)

    by_team = Table(title="Review wait by team waited on (hours)", title_justify="left")
    by_team.add_column("team")
    for column in (
        "reviewed",
        "median",
        "p75",
        "p90",
        "median business",
        "cross-team",
        "waiting now",
    ):
        by_team.add_column(column, justify="right")
    for row in teams:
        if not row["reviewed"] and not row["waiting"]:
            continue
        by_team.add_row(
            escape(str(row["team"])),
            str(row["reviewed"]),
            _hours(row["median_hours"]),
            _hours(row["p75_hours"]),
            _hours(row["p90_hours"]),
            _hours(row["median_business_hours"]),
            str(row["cross_team_reviewed"]),
            str(row["waiting"]),
        )
    console.print(by_team)

    longest = Table(title="Open PRs waiting longest for review", title_justify="left")
    longest.add_column("PR", no_wrap=True)
    longest.add_column("hours", justify="right")
    longest.add_column("business", justify="right")
    longest.add_column("waiting on", overflow="fold")
    longest.add_column("title", overflow="ellipsis", no_wrap=True, max_width=36)
    for row in waiting:
        label = f"{row['repo'].split('/', 1)[-1]}#{row['pr_number']}"
        longest.add_row(
            f"[link={row['html_url']}]{escape(label)}[/link]",
            _hours(row["wait_hours"]),
            _hours(row["wait_business_hours"]),
            escape(str(row["waiting_on"])),
            escape(str(row["title"] or "")),
        )
    if not waiting:
        console.print("Open PRs waiting for review: none.")
    else:
        console.print(longest)
    _courts(console, run_report_query(wh, "time_in_court", params))
    _hour_table(
        console,
        "Cross-team approvals by approving team (hours)",
        "team",
        run_report_query(wh, "cross_team_approvals_by_team", params),
        ("approved", "waiting"),
    )
    _hour_table(
        console,
        "Deploy lead time, merge to production (hours)",
        "repo",
        run_report_query(wh, "deploy_lead_time_by_repo", params),
        ("deployed", "not_deployed"),
    )


def _courts(console: Console, rows: list[dict[str, Any]]) -> None:
    """Where the time of the PRs that ended in the window went, court by court."""
    ended = max((r["prs"] for r in rows), default=0)
    if not ended:
        console.print("Where the time goes: no PR merged or closed in the window.")
        return
    table = Table(title=f"Where the time goes: {ended} PRs ended in the window",
                  title_justify="left")  # fmt: skip
    for column in ("court", "PRs", "hours", "share", "median PR hours"):
        table.add_column(column, justify="left" if column == "court" else "right")
    for r in rows:
        if r["court"] == "flow efficiency":
            share = "–" if r["median"] is None else f"{r['median']:.0%}"
            table.add_row("flow efficiency (median)", str(r["prs"]), "", share, "")
            continue
        share = "–" if r["share"] is None else f"{r['share']:.0%}"
        table.add_row(r["court"], str(r["prs"]), _hours(r["hours"]), share, _hours(r["median"]))
    console.print(table)


def _hour_table(
    console: Console, title: str, key: str, rows: list[dict[str, Any]], counts: tuple[str, str]
) -> None:
    """A table of median, p75 and p90 hours per `key`, with the count they rest on."""
    rows = [r for r in rows if r[counts[0]] or r[counts[1]]]
    if not rows:
        console.print(f"{title.split(' (')[0]}: no data in the window.")
        return
    table = Table(title=title, title_justify="left")
    table.add_column(key)
    for column in (counts[0], "median", "p75", "p90", counts[1].replace("_", " ")):
        table.add_column(column, justify="right")
    for r in rows:
        hours = (_hours(r["median_hours"]), _hours(r["p75_hours"]), _hours(r["p90_hours"]))
        table.add_row(escape(str(r[key])), str(r[counts[0]]), *hours, str(r[counts[1]]))
    console.print(table)


def report_console() -> Console:
    """The terminal as it is; 100 columns when the report goes to a file or a pipe."""
    console = Console()
    return console if console.is_terminal else Console(width=REPORT_WIDTH)


def _hours(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


# The JSON report's schema: bump the number when a key changes meaning or goes away.
JSON_SCHEMA = "miner.report/1"
# Its sections: each the rows of the named query, for the window and the previous window.
WINDOWED_SECTIONS = (
    "review_wait_summary",
    "review_wait_by_team",
    "time_in_court",
    "cross_team_approvals_by_team",
    "deploy_lead_time_by_repo",
    "handoff_pairs",
)


def report_json(
    wh: Warehouse,
    org: str,
    since: timedelta,
    start: datetime | None = None,
    end: datetime | None = None,
) -> dict[str, Any]:
    """The report as data: each section's rows for the window and for the previous window of
    the same length (so every figure has its count and its change), and the PRs waiting now."""
    w = window(wh, org, since, start, end)
    before = w.since - (w.until - w.since)
    previous: dict[str, Any] = {"org": org, "since": before, "until": w.since}
    current: dict[str, Any] = {"org": org, "since": w.since, "until": w.until}
    sections: dict[str, Any] = {
        name: {
            "rows": _plain(run_report_query(wh, name, current)),
            "previous": _plain(run_report_query(wh, name, previous)),
        }
        for name in WINDOWED_SECTIONS
    }
    sections["waiting_longest"] = {
        "rows": _plain(run_report_query(wh, "waiting_longest", {"org": org, "limit": 10}))
    }
    return {
        "schema": JSON_SCHEMA,
        "org": org,
        "as_of": w.as_of.isoformat(),
        "window": {"from": w.since.isoformat(), "to": w.until.isoformat()},
        "previous_window": {"from": before.isoformat(), "to": w.since.isoformat()},
        "sections": sections,
    }


def _plain(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with instants as ISO 8601 text, as JSON carries them."""
    return [
        {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()} for row in rows
    ]


def report_markdown(data: dict[str, Any]) -> str:
    """The JSON report as GitHub-flavoured Markdown (a job summary, a wiki page): tables, and
    the team-to-team handoff map as a Mermaid diagram. User text is escaped, never markup."""
    sections = data["sections"]
    out = [
        f"# miner report · {_md(data['org'])}",
        "",
        f"Window {data['window']['from'][:10]} → {data['window']['to'][:16]} UTC (as of the "
        f"last sync); changes are against {data['previous_window']['from'][:10]} → "
        f"{data['previous_window']['to'][:10]}.",
        "",
        "## Review wait",
        "",
    ]
    now, before = (
        sections["review_wait_summary"]["rows"],
        sections["review_wait_summary"]["previous"],
    )
    if now and now[0]["reviewed"]:
        r, p = now[0], (before[0] if before else {})
        out += [
            "| answered requests | median h | p75 h | p90 h | median business h | waiting now |",
            "|---:|---:|---:|---:|---:|---:|",
            f"| {r['reviewed']} ({_delta(r['reviewed'], p.get('reviewed'))}) "
            f"| {_hours(r['median_hours'])} ({_delta(r['median_hours'], p.get('median_hours'))}) "
            f"| {_hours(r['p75_hours'])} | {_hours(r['p90_hours'])} "
            f"| {_hours(r['median_business_hours'])} | {r['waiting']} |",
        ]
    else:
        out.append("No review request was answered in the window.")
    out += _md_table(
        "Review wait by team waited on",
        sections["review_wait_by_team"]["rows"],
        ("team", "reviewed", "median_hours", "p75_hours", "p90_hours", "waiting"),
    )
    out += _md_table(
        "Where the time goes (PRs that ended in the window)",
        [r for r in sections["time_in_court"]["rows"] if r["court"] != "flow efficiency"],
        ("court", "prs", "hours", "share", "median"),
    )
    out += _md_table(
        "Cross-team approvals by approving team",
        sections["cross_team_approvals_by_team"]["rows"],
        ("team", "approved", "median_hours", "p75_hours", "p90_hours", "waiting"),
    )
    pairs = sections["handoff_pairs"]["rows"]
    out += ["", "## Handoffs between teams", ""]
    if pairs:
        out += ["```mermaid", "flowchart LR"]
        for r in pairs:
            out.append(f"  {_node(r['author_team'])} -->|{r['prs']} PRs| {_node(r['owner_team'])}")
        out += ["```"]
    else:
        out.append("No PR opened in the window had files another team owns.")
    out += _md_table(
        "Deploy lead time, merge to production",
        sections["deploy_lead_time_by_repo"]["rows"],
        ("repo", "deployed", "median_hours", "p75_hours", "p90_hours", "not_deployed"),
    )
    waiting = sections["waiting_longest"]["rows"]
    out += ["", "## Open PRs waiting longest for review", ""]
    if waiting:
        out += ["| PR | hours | waiting on | title |", "|---|---:|---|---|"]
        for r in waiting:
            label = f"{r['repo'].split('/', 1)[-1]}#{r['pr_number']}"
            out.append(
                f"| [{_md(label)}]({r['html_url']}) | {_hours(r['wait_hours'])} "
                f"| {_md(str(r['waiting_on']))} | {_md(str(r['title'] or ''))} |"
            )
    else:
        out.append("None.")
    return "\n".join(out) + "\n"


def _md_table(title: str, rows: list[dict[str, Any]], columns: tuple[str, ...]) -> list[str]:
    out = ["", f"## {title}", ""]
    # a row whose counts are all 0 says nothing (a team nobody waited on)
    rows = [r for r in rows if any(r[c] for c in columns if isinstance(r[c], int))]
    if not rows:
        return [*out, "No data in the window."]
    out.append("| " + " | ".join(c.replace("_", " ") for c in columns) + " |")
    out.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(columns))) + "|")
    for r in rows:
        out.append("| " + " | ".join(_cell(c, r[c]) for c in columns) + " |")
    return out


def _cell(column: str, value: Any) -> str:
    if value is None:
        return "–"
    if column == "share":
        return f"{value:.0%}"
    if isinstance(value, float):
        return _hours(value)
    return _md(str(value))


def _md(text: str) -> str:
    """User text in a Markdown table cell: shown as text, never read as markup or HTML."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char in "\\|`*_[]#":
        escaped = escaped.replace(char, "\\" + char)
    return escaped.replace("\n", " ")


def _node(team: str) -> str:
    """A Mermaid node for a team: an id of safe characters, the name quoted as its label."""
    ident = re.sub(r"[^A-Za-z0-9_]", "_", team)
    label = team.replace('"', "'")
    return f'{ident}["{label}"]'


def _delta(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return "new" if before is None and now is not None else "–"
    change = now - before
    return (
        f"{'+' if change >= 0 else '−'}{abs(change):.1f}"
        if isinstance(now, float)
        else (f"{'+' if change >= 0 else '−'}{abs(change):g}")
    )


def report_csv(data: dict[str, Any]) -> str:
    """The JSON report in one long table: section, period (window or previous), row number
    within the section, column and value; one line per value, for a spreadsheet or a pivot."""
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
