"""The report's data: the window, the scope (--team, --repo) and each section's rows from its
named query, for the window and for the previous window of the same length."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from miner.errors import ConfigError, named_there
from miner.raw import HISTORY_SINCE, WHOLE_HISTORY, parse_time
from miner.reports.layout import SECTIONS
from miner.sql_files import layer
from miner.warehouse import Warehouse

_log = logging.getLogger(__name__)

# The JSON report's schema: bump the number when a key changes meaning or goes away.
# 2: time_in_court's 'flow efficiency' row carries the median in `share`; sections gained
# `title`; the report gained `scope`.
# 3: the cycle of ownership_handoffs_per_pr and handoff_pairs is pr_phases' (from the first
# commit, not the opening); both gained p75 and handoff_pairs p90.
# 4: time_in_court's deploy row counts in `prs` and its percentiles only the PRs deployed; those
# still waiting for a deploy are in its new `waiting`.
# 5: every window is judged at its own end: an answer, approval, merge or deploy after it is not
# the window's (it still waited then), and an open deploy court counts its hours up to that end;
# the window ending at as_of reads as before, the previous window (and any --to before as_of) not.
JSON_SCHEMA = "miner.report/5"
_DURATION = re.compile(r"^(\d+)([hdw])$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
# The longest look-back --since takes: a century, past any repo's history (and the report's
# previous window, as long again, stays within the calendar).
_MAX_SINCE = timedelta(days=36500)


@dataclass(frozen=True)
class Window:
    since: datetime
    until: datetime
    as_of: datetime


@dataclass(frozen=True)
class Scope:
    """What the report covers: an org, and optionally the PRs one team took part in (pr_teams)
    and one repo (ORG/NAME)."""

    org: str
    team: str | None = None
    repo: str | None = None


def parse_since(text: str) -> timedelta:
    """A look-back like 30d, 12h or 6w."""
    match = _DURATION.match(text.strip())
    if not match:
        raise ConfigError(f"--since {text!r}: expected a number and a unit, like 30d, 12h or 6w")
    try:
        since = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    except OverflowError:  # past timedelta's 999,999,999 days
        since = timedelta.max
    if not since:
        raise ConfigError(f"--since {text!r}: an empty window; look back at least 1h")
    if since > _MAX_SINCE:
        raise ConfigError(f"--since {text!r}: at most {_MAX_SINCE.days}d (a century) back")
    return since


def window(
    wh: Warehouse,
    org: str,
    since: timedelta,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Window:
    """`since` back from as_of, or from `start` to `end` (default as_of) when `start` is given.
    A window ends at as_of at the latest: past it there is no data, and a longer window would
    be compared with a previous window as long, which the data does not fill the same way (a
    month to date is compared with the as many days before it)."""
    as_of: datetime = _as_of(wh, org)
    if start is None:
        return Window(as_of - since, as_of, as_of)
    until = min(end or as_of, as_of)
    if start >= as_of:
        raise ConfigError(
            f"--from {start:%Y-%m-%d}: after the last sync's data ({as_of:%Y-%m-%d %H:%M}Z), "
            "where a window ends"
        )
    if until <= start:
        raise ConfigError(f"--from {start:%Y-%m-%d} --to {until:%Y-%m-%d}: the end must be later")
    try:
        start - (until - start)  # the previous window, which the report compares it with
    except OverflowError:
        raise ConfigError(
            f"--from {start.date().isoformat()}: too early: the report compares the window with "
            "the one as long before it, which would start before the year 1"
        ) from None
    return Window(start, until, as_of)


def _as_of(wh: Warehouse, org: str) -> datetime:
    """When the org's data was taken; an org with none is a usage error naming those there."""
    row = wh.query("select as_of from snapshots where org = ?", [org])
    if not row or row[0][0] is None:
        known = [r[0] for r in wh.query("select org from snapshots order by 1")]
        raise ConfigError(f"no data for org {org!r} in {wh.path} ({named_there('orgs', known)})")
    as_of: datetime = row[0][0]
    return as_of


def default_org(wh: Warehouse) -> str:
    orgs = [r[0] for r in wh.query("select org from snapshots order by 1")]
    if len(orgs) != 1:
        raise ConfigError(f"--org: which org? the warehouse holds {', '.join(orgs) or 'none'}")
    return str(orgs[0])


def _option(name: str, value: str) -> str:
    """How `miner report` says an option and its value: --team 'web'."""
    return f"--{name} {value!r}"


def scope(
    wh: Warehouse,
    org: str,
    team: str | None = None,
    repo: str | None = None,
    said: Callable[[str, str], str] = _option,
) -> Scope:
    """The report's scope, checked against the warehouse: an unknown team or repo is named
    with the ones there are, rather than giving an empty report; `said` spells the option
    (team or repo) and its value as the command takes them. A team is known when it is a GitHub
    team of the org, a team of the config's [teams], or took part in a PR; a repo when it was
    synced or has a PR: one with no PR yet gives an empty report (a new team's weekly job
    runs). Team names compare without case, as GitHub's slugs do; a repo may be given as NAME
    or ORG/NAME. The org compares without case too, as GitHub's logins do."""
    org = wh.org_spelling(org)
    _as_of(wh, org)  # the org first: its teams and repos are named only once it is known
    if team is not None:
        team = team.removeprefix("@").lower().removeprefix(f"{org.lower()}/")
        teams = [r[0] for r in wh.query(
            "select team from pr_teams where org = $1 union select lower(team) from teams "
            "where org = $1 union select team from person_teams where org = $1 order by 1",
            [org],
        )]  # fmt: skip
        if team not in teams:
            raise ConfigError(
                f"{said('team', team)}: no team of that name in {org} "
                f"({named_there('teams', teams)})"
            )
    if repo is not None:
        repo = repo if "/" in repo else f"{org}/{repo}"
        repos = [r[0] for r in wh.query(
            "select repo from pull_requests where org = $1 union select repo from repos "
            "where org = $1 order by 1",
            [org],
        )]  # fmt: skip
        if repo.lower() not in {r.lower() for r in repos}:
            raise ConfigError(
                f"{said('repo', repo)}: no repo of that name in {org} "
                f"({named_there('repos', repos)})"
            )
        repo = next(r for r in repos if r.lower() == repo.lower())
        # in the org's listing, but the include and exclude globs keep it out of every view:
        # its report would be empty, as if nothing happened there
        if wh.query("select 1 from settings_left_out_repos where repo = $1", [repo]):
            raise ConfigError(
                f"{said('repo', repo)}: left out of the views by [github] include or exclude "
                "at the last sync or rebuild (settings_left_out_repos): drop the glob and run "
                "`miner rebuild` to report on it"
            )
    return Scope(org, team, repo)


def run_report_query(wh: Warehouse, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Run queries/reports/NAME.sql with named parameters (those it does not take are left
    out); rows as dicts."""
    files = {f.name: f for f in layer("reports")}
    code = files[name].code
    wanted = {k: v for k, v in params.items() if f"${k}" in code}
    cursor = wh.con.execute(files[name].body, wanted)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def report_json(
    wh: Warehouse,
    where: Scope,
    since: timedelta,
    start: datetime | None = None,
    end: datetime | None = None,
) -> dict[str, Any]:
    """The report as data: each section's rows for the window and for the previous window of
    the same length (so every figure has its count and its change), and the PRs waiting or
    over their service level now."""
    w = window(wh, where.org, since, start, end)
    before = w.since - (w.until - w.since)
    history = history_since(wh, where)
    # every row of the lists of PRs: the JSON and CSV carry them all, the tables the first
    # few and how many more (layout.Section.limit)
    base = {"org": where.org, "team": where.team, "repo": where.repo, "limit": None}
    current = {**base, "since": w.since, "until": w.until}
    previous = {**base, "since": before, "until": w.since}
    sections: dict[str, Any] = {}
    for section in SECTIONS:
        entry: dict[str, Any] = {
            "title": section.title,
            "rows": _plain(run_report_query(wh, section.name, current)),
        }
        if section.windowed:
            entry["previous"] = _plain(run_report_query(wh, section.name, previous))
        sections[section.name] = entry
    report = {
        "schema": JSON_SCHEMA,
        "org": where.org,
        "scope": {"team": where.team, "repo": where.repo},
        "as_of": w.as_of.isoformat(),
        "window": {"from": w.since.isoformat(), "to": w.until.isoformat()},
        "previous_window": {"from": before.isoformat(), "to": w.since.isoformat()},
        "history_since": history.isoformat() if history is not None else None,
        "sections": sections,
    }
    note = history_note(report)
    if note is not None:
        _log.warning("%s: %s", where.repo or where.org, note)
    return report


def history_note(report: dict[str, Any]) -> str | None:
    """What the report (report_json's) says of a window starting before the history read
    ([github] since): it counts fewer than there were. None when both windows lie after it."""
    if report.get("history_since") is None:
        return None
    history = datetime.fromisoformat(report["history_since"])
    if history <= datetime.fromisoformat(report["previous_window"]["from"]):
        return None
    which = (
        "window"
        if datetime.fromisoformat(report["window"]["from"]) < history
        else "previous window (the changes against it)"
    )
    return (
        f"the warehouse holds the history since {history:%Y-%m-%d} ([github] since): the "
        f"{which} starts before it, so it counts fewer PRs, runs and deploys than there were"
    )


def history_since(wh: Warehouse, where: Scope) -> datetime | None:
    """How far back the scope's history was read: the latest [github] since any of its repos
    was synced with (the report's windows before it hold less than there was); None when each
    was read whole."""
    ((value,),) = wh.query(
        "select max(value) from cursors where org = ? and resource = ? and value <> ? "
        "and (? is null or repo = ?)",
        [where.org, HISTORY_SINCE, WHOLE_HISTORY, where.repo, where.repo],
    )
    return parse_time(value) if value is not None else None


# Decimals a figure keeps: DuckDB sums doubles in parallel, in no fixed order, so the last
# digits of a sum (and a share) differ from run to run; rounded, the same data gives the same
# report, byte for byte, and a diff of two reports shows only what changed.
_DECIMALS = 9


def _plain(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with instants as ISO 8601 text, as JSON carries them, and figures rounded."""
    return [{k: _value(v) for k, v in row.items()} for row in rows]


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, _DECIMALS)
    return value
