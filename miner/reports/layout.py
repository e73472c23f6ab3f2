"""What each report section shows, for every format: its title, its columns and how each is
written, which figures carry their change against the previous window, and the one line said
when a section has no data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["text", "count", "hours", "share", "pr"]
Shape = Literal["table", "matrix", "map", "deps"]


@dataclass(frozen=True)
class Column:
    """`key` in the query's rows (for kind 'pr': the row's repo, pr_number and html_url)."""

    key: str
    label: str
    kind: Kind = "text"
    # written with its change against the previous window, as in "12.5 (+2.0)"
    change: bool = False


@dataclass(frozen=True)
class Section:
    """`name` is the query of queries/reports/ it shows."""

    name: str
    title: str
    columns: tuple[Column, ...]
    # the columns naming a row, to find the same row in the previous window
    key: tuple[str, ...] = ()
    # the query takes $since and $until; the others show the state at as_of
    windowed: bool = True
    empty: str = "no data in the window."
    shape: Shape = "table"
    # the most rows a table shows (the JSON and CSV have them all); 0: all
    limit: int = 0
    # said under the table in every format: how to read a figure that is easy to misread
    note: str = ""


# How many PRs the lists of PRs (waiting longest, SLA breaches, cross-repo handoffs) show.
LIST_LIMIT = 10


def _hours(key: str, label: str, change: bool = False) -> Column:
    return Column(key, label, "hours", change)


def _count(key: str, label: str, change: bool = False) -> Column:
    return Column(key, label, "count", change)


_PR = Column("pr", "PR", "pr")

SECTIONS: tuple[Section, ...] = (
    Section(
        "review_wait_summary",
        "Review wait, answered requests (hours)",
        (
            _count("prs_ready", "PRs ready", change=True),
            _count("reviewed", "answered", change=True),
            _hours("median_hours", "median", change=True),
            _hours("p75_hours", "p75"),
            _hours("p90_hours", "p90", change=True),
            _hours("median_business_hours", "median business"),
            _count("waiting", "waiting now"),
        ),
        empty="no PR became ready and no review was asked for in the window.",
    ),
    Section(
        "review_wait_by_week",
        "Review wait week by week: requests answered each week (hours), and waiting at its end",
        (
            Column("week", "week (UTC)"),
            _count("answered", "answered"),
            _hours("median_hours", "median"),
            _hours("p75_hours", "p75"),
            _hours("p90_hours", "p90"),
            _hours("median_business_hours", "median business"),
            _count("waiting_at_end", "waiting at end"),
        ),
        empty="no review was asked for or answered in the window.",
        note=(
            "A request counts in the week its answer came, whenever it was asked; a week from "
            "Monday 00:00 UTC, the first and last cut to the window (part)"
        ),
    ),
    Section(
        "time_in_court",
        "Where the time goes: PRs that ended in the window, hours per court",
        (
            Column("court", "court"),
            _count("prs", "PRs", change=True),
            _hours("hours", "hours"),
            Column("share", "share", "share", change=True),
            _hours("median", "median PR", change=True),
            _hours("p75", "p75 PR"),
            _hours("p90", "p90 PR"),
            _count("waiting", "waiting"),
        ),
        key=("court",),
        empty="no PR was merged or closed in the window.",
        note=(
            "Only the author's court is work on the PR; every other court is waiting, on "
            "reviewers, CI, a merge or a deploy. Flow efficiency: the median PR's share of its "
            "hours in the author's court; 0% when most PRs were never in it (opened with their "
            "reviewers asked, and approved with no change requested)"
        ),
    ),
    Section(
        "time_in_court_by_team",
        "Where the time goes by author team: share of its PRs' hours per court",
        (
            Column("team", "team"),
            _count("prs", "PRs"),
            Column("author_share", "author", "share"),
            Column("reviewers_share", "reviewers", "share"),
            Column("ci_share", "ci", "share"),
            Column("merge_share", "merge", "share"),
            Column("deploy_share", "deploy", "share"),
            _hours("median_waiting_hours", "median wait", change=True),
            _hours("p75_waiting_hours", "p75"),
            _hours("p90_waiting_hours", "p90"),
            _count("waiting", "waiting"),
        ),
        key=("team",),
        empty="no PR by a person was merged or closed in the window.",
        note=(
            "Only the author's court is work; the team waiting the largest share of its PRs' "
            "hours comes first. A PR's wait is its hours in every other court; waiting: of the "
            "PRs, those merged but not deployed by the window's end, left out of the wait's "
            "percentiles. An "
            "author in two teams counts for each, bots' PRs for none"
        ),
    ),
    Section(
        "review_wait_by_team",
        "Review wait by team waited on (hours)",
        (
            Column("team", "team"),
            _count("reviewed", "answered", change=True),
            _hours("median_hours", "median", change=True),
            _hours("p75_hours", "p75"),
            _hours("p90_hours", "p90"),
            _hours("median_business_hours", "median bus."),
            _count("cross_team_reviewed", "cross-team"),
            _count("waiting", "waiting now"),
        ),
        key=("team",),
    ),
    Section(
        "cross_team_approvals_by_team",
        "Cross-team approval latency by approving team (hours)",
        (
            Column("team", "team"),
            _count("approved", "approved", change=True),
            _hours("median_hours", "median", change=True),
            _hours("p75_hours", "p75"),
            _hours("p90_hours", "p90"),
            _hours("median_business_hours", "median bus."),
            _count("waiting", "waiting now"),
        ),
        key=("team",),
    ),
    Section(
        "approval_latency_by_team_pair",
        "Cross-team approval latency by team pair: median hours (approvals)",
        (
            Column("author_team", "author team"),
            Column("approver_team", "approving team"),
            _count("approved", "approved", change=True),
            _hours("median_hours", "median", change=True),
            _hours("p75_hours", "p75"),
            _hours("p90_hours", "p90"),
            _count("waiting", "waiting now"),
        ),
        key=("author_team", "approver_team"),
        shape="matrix",
    ),
    Section(
        "ownership_handoffs_per_pr",
        "Ownership handoffs per PR: other teams owning its files (PRs opened in the window)",
        (
            Column("handoffs", "handoffs"),
            _count("prs", "PRs", change=True),
            Column("share", "share", "share"),
            _count("merged", "merged"),
            _hours("median_cycle_hours", "median cycle h", change=True),
            _hours("p75_cycle_hours", "p75 cycle h"),
            _hours("p90_cycle_hours", "p90 cycle h"),
        ),
        key=("handoffs",),
        empty="no PR was opened in the window.",
    ),
    Section(
        "handoff_pairs",
        "Handoffs between teams: author team → team owning the files",
        (
            Column("author_team", "author team"),
            Column("owner_team", "owning team"),
            _count("prs", "PRs", change=True),
            _count("merged", "merged"),
            _hours("median_cycle_hours", "median cycle h", change=True),
            _hours("p75_cycle_hours", "p75 cycle h"),
            _hours("p90_cycle_hours", "p90 cycle h"),
        ),
        key=("author_team", "owner_team"),
        empty="no PR opened in the window changed files another team owns.",
        shape="map",
        limit=15,
    ),
    Section(
        "repo_dependency_map",
        "Repo dependencies: who consumes whose packages, by owning team (now)",
        (
            Column("repo", "repo"),
            Column("repo_team", "team"),
            Column("depends_on_repo", "depends on"),
            Column("depends_on_team", "its team"),
            Column("packages", "packages"),
        ),
        windowed=False,
        empty="no repo of the org consumes another's package (manifests and [dependencies]).",
        shape="deps",
    ),
    Section(
        "slowest_cross_repo_handoffs",
        "Slowest cross-repo handoffs: upstream merge to downstream merge (hours)",
        (
            Column("upstream", "upstream PR", "pr"),
            Column("upstream_teams", "team"),
            Column("downstream", "waiting PR", "pr"),
            Column("downstream_teams", "team"),
            Column("links", "linked by"),
            Column("status", "status"),
            _hours("hours", "hours"),
        ),
        empty="no cross-repo handoff ended in the window, and none waits now.",
        limit=LIST_LIMIT,
    ),
    Section(
        "deploy_lead_time_by_repo",
        "Deploy lead time, merge to production (hours)",
        (
            Column("repo", "repo"),
            _count("deployed", "deployed", change=True),
            _hours("median_hours", "median", change=True),
            _hours("p75_hours", "p75"),
            _hours("p90_hours", "p90"),
            _count("not_deployed", "not deployed"),
        ),
        key=("repo",),
        empty=(
            "no merged PR in the window can be followed to production: that takes production "
            "deploys (README: Deploys and CI) and the repo's git history ([git] mirrors = true)."
        ),
    ),
    Section(
        "sla_breaches_now",
        "Over the service level now (business hours)",
        (
            _PR,
            Column("kind", "waiting for"),
            Column("waiting_on", "waiting on"),
            _hours("waited_business_hours", "waited"),
            _hours("sla_business_hours", "SLA"),
            _hours("over_business_hours", "over"),
        ),
        windowed=False,
        empty="no open wait is over its service level.",
        limit=LIST_LIMIT,
    ),
    Section(
        "waiting_longest",
        "Open PRs waiting longest for review",
        (
            _PR,
            _hours("wait_hours", "hours"),
            _hours("wait_business_hours", "business"),
            Column("waiting_on", "waiting on"),
            Column("title", "title"),
        ),
        windowed=False,
        empty="no open PR waits for a review.",
        limit=LIST_LIMIT,
    ),
)

BY_NAME = {s.name: s for s in SECTIONS}


def capitalized(clause: str) -> str:
    """A clause to open a sentence with: its first letter upper-case."""
    return clause[:1].upper() + clause[1:]


def visible(section: Section, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows worth a line: a row whose counts are all 0 says nothing (a team nobody waited
    on, a summary of an empty window)."""
    counts = [c.key for c in section.columns if c.kind == "count"]
    if not counts:
        return rows
    return [r for r in rows if any(r.get(c) for c in counts)]


def shown(section: Section, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str]:
    """The rows a table shows, and the line saying how many more there are (or '')."""
    if not section.limit or len(rows) <= section.limit:
        return rows, ""
    more = len(rows) - section.limit
    return rows[: section.limit], f"and {more} more (all of them in --format json or csv)"


def previous_row(
    section: Section, row: dict[str, Any], previous: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The same row (same key) in the previous window, if there is one."""
    for other in previous:
        if all(other.get(k) == row.get(k) for k in section.key):
            return other
    return None


def value_text(column: Column, value: Any) -> str:
    """A figure as the report writes it: hours with one decimal, shares in per cent, '–' for
    none. User text (kind 'text') is returned as it is: each format escapes it its own way."""
    if value is None:
        return "–"
    if column.kind == "hours":
        return f"{value:.1f}"
    if column.kind == "share":
        return f"{value:.0%}"
    return str(value)


def change_text(column: Column, now: Any, before: Any) -> str:
    """How a figure moved since the previous window: '+2.0', '−3', '+5 pp', 'new' or ''."""
    if now is None:
        return ""
    if before is None:
        # a row the window before did not have; a count of 0 is no news
        return "" if now == 0 else "new"
    delta = now - before
    if column.kind == "share":
        text, moved = f"{abs(delta) * 100:.0f}", " pp"
    elif column.kind == "hours":
        text, moved = f"{abs(delta):.1f}", ""
    else:
        text, moved = f"{abs(delta):,.0f}", ""
    # a change that rounds to nothing has no sign: never "−0"
    sign = "−" if delta < 0 and text.strip("0.") else "+"
    return f"{sign}{text}{moved}"


@dataclass(frozen=True)
class Cell:
    """One cell of a section's table, before a format writes it: `text` as plain text (each
    format escapes it its own way), the figure's `change` ('' for none) and a PR's `url`."""

    column: Column
    text: str
    change: str = ""
    url: str | None = None

    @property
    def numeric(self) -> bool:
        return self.column.kind in ("count", "hours", "share")

    def plain(self) -> str:
        """The cell as one line of text: '12.5 (+2.0)'."""
        return f"{self.text} ({self.change})" if self.change else self.text


def table_cells(
    section: Section, rows: list[dict[str, Any]], previous: list[dict[str, Any]]
) -> list[list[Cell]]:
    """The cells of a section's rows, each figure with its change against the same row of the
    previous window."""
    out = []
    for row in rows:
        before = previous_row(section, row, previous) or {}
        cells = []
        for column in section.columns:
            if column.kind == "pr":
                text, url = pr_link(row, column.key)
                cells.append(Cell(column, text, url=url))
            else:
                cells.append(figure_cell(column, row, before))
        out.append(cells)
    return out


def figure_cell(column: Column, row: dict[str, Any], before: dict[str, Any] | None) -> Cell:
    """A figure and, where the column carries one, its change since `before`."""
    value = row.get(column.key)
    moved = change_text(column, value, (before or {}).get(column.key)) if column.change else ""
    return Cell(column, value_text(column, value), moved)


def pr_link(row: dict[str, Any], key: str = "pr") -> tuple[str, str | None]:
    """A PR column's `name#N` (the org is the report's) and its link, when it is a web address.
    Column `pr` reads the row's repo, pr_number and html_url; column K reads K_repo, K_pr and
    K_url (a row naming two PRs, upstream and downstream)."""
    repo, number, url = ("repo", "pr_number", "html_url")
    if key != "pr":
        repo, number, url = f"{key}_repo", f"{key}_pr", f"{key}_url"
    return f"{str(row[repo]).split('/', 1)[-1]}#{row[number]}", safe_url(row.get(url))


def safe_url(url: Any) -> str | None:
    """A link target only when it is a web address: a hostile `javascript:` never becomes one."""
    text = str(url or "")
    return text if text.startswith(("https://", "http://")) else None
