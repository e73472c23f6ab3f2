"""The sample org's metric views, synced from the local server and rebuilt under calendars of the
teams' own time zones (daylight saving changes and holidays inside the waits), against the
generator's truth: approvals needed, code ownership, cross-team waits, and every business-hours
figure and SLA breach, reckoned here again in plain Python from the truth's instants."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from miner.config import parse
from miner.demo import team_calendars
from miner.sample_org import APPROVAL_TRUTH, OWNERSHIP_TRUTH, TRUTH_DIR
from miner.transform import rebuild
from miner.warehouse import Warehouse

# Holidays inside the sample's history (2025-12-30 to 2026-06-30), both sides of the spring's
# daylight-saving changes (US 2026-03-08, EU 2026-03-29): Good Friday and Whit Monday.
HOLIDAYS = (date(2026, 4, 3), date(2026, 5, 25))
# Moments some waits must span for the test to prove anything of them.
SPANS = {
    "US DST": (datetime(2026, 3, 8, 7, tzinfo=UTC), datetime(2026, 3, 8, 7, tzinfo=UTC)),
    "EU DST": (datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 3, 29, 1, tzinfo=UTC)),
    **{f"holiday {d}": (datetime(d.year, d.month, d.day, 12, tzinfo=UTC),) * 2 for d in HOLIDAYS},
}
SLA_REVIEW, SLA_APPROVAL, SLA_SECURITY_REVIEW = 8.0, 16.0, 4.0
STAMP = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class Cal:
    """A working calendar as the config states it: zone, Mon-Fri, local hours, holidays."""

    zone: ZoneInfo
    start_hour: int = 9
    end_hour: int = 18

    def hours(self, start: datetime, end: datetime) -> float:
        """Working hours between two instants: each local working day's hours, cut to them."""
        if end <= start:
            return 0.0
        seconds = 0.0
        day = start.astimezone(self.zone).date() - timedelta(days=1)
        while day <= end.astimezone(self.zone).date() + timedelta(days=1):
            if day.weekday() < 5 and day not in HOLIDAYS:
                # each day's hours to UTC on their own: the day's offset, DST or not
                opens = datetime(day.year, day.month, day.day, self.start_hour, tzinfo=self.zone)
                closes = datetime(day.year, day.month, day.day, self.end_hour, tzinfo=self.zone)
                opens, closes = opens.astimezone(UTC), closes.astimezone(UTC)
                overlap = min(end, closes) - max(start, opens)
                seconds += max(overlap.total_seconds(), 0.0)
            day += timedelta(days=1)
        return seconds / 3600


@dataclass
class Org:
    calendars: dict[str, Cal]  # by team; 'default' for the rest
    teams: dict[str, list[str]]  # a person's teams, parents included, alphabetically
    as_of: datetime

    def person_calendar(self, login: str) -> str:
        """The first of a person's teams, alphabetically, with a calendar of its own."""
        return next((t for t in self.teams.get(login, []) if t in self.calendars), "default")


@pytest.fixture(scope="module")
def org(sample_org: Path) -> Org:
    zones = {team: cal.timezone for team, cal in team_calendars(sample_org).items()}
    # security keeps shorter hours than the rest: a team's hours are its own too
    calendars = {team: Cal(ZoneInfo(zone)) for team, zone in zones.items()}
    calendars["security"] = Cal(ZoneInfo(zones["security"]), 10, 16)
    calendars["default"] = Cal(ZoneInfo("UTC"))
    teams: dict[str, set[str]] = {}
    for members in (sample_org / "orgs" / "acme" / "teams").glob("*/members.json"):
        for login in _json(members):
            teams.setdefault(login, set()).add(members.parent.name)
    as_of = datetime.fromisoformat((sample_org / "as_of.txt").read_text().strip())
    return Org(calendars, {k: sorted(v) for k, v in teams.items()}, as_of)


def _json(path: Path) -> list[str]:
    return [m["login"] for m in json.loads(path.read_text())]


@pytest.fixture(scope="module")
def wh(
    synced: Path, sample_org: Path, org: Org, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Warehouse]:
    """The synced sample org rebuilt with each team's calendar, two holidays and SLA levels."""
    db = tmp_path_factory.mktemp("calendars") / "w.duckdb"
    shutil.copy(synced, db)
    teams: dict[str, Any] = {
        team: {"timezone": str(cal.zone.key)}
        for team, cal in org.calendars.items()
        if team != "default"
    }
    teams["security"]["hours"] = "10:00-16:00"
    config = parse(
        {
            "calendar": {"hours": "09:00-18:00", "holidays": [d.isoformat() for d in HOLIDAYS],
                         "teams": teams},
            "sla": {"first_review_business_hours": SLA_REVIEW,
                    "cross_team_approval_business_hours": SLA_APPROVAL,
                    "teams": {"security": {"first_review_business_hours": SLA_SECURITY_REVIEW}}},
        },
        Path("truth.toml"),
    )  # fmt: skip
    with Warehouse.open(db) as opened:
        rebuild(opened, config)
        yield opened


def _truth(sample_org: Path, name: str) -> list[dict[str, str]]:
    with (sample_org / TRUTH_DIR / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


def _at(stamp: str) -> datetime | None:
    return datetime.strptime(stamp, STAMP).replace(tzinfo=UTC) if stamp else None


def _start(row: dict[str, str]) -> datetime:
    start = _at(row["start_at"])
    assert start is not None
    return start


def test_approvals_needed_are_the_generators_truth(sample_org: Path, wh: Warehouse) -> None:
    truth = {
        (r["repo"], int(r["pr_number"]), r["approver_team"], r["is_cross_team"] == "true",
         r["start_at"], r["approved_at"] or None, r["approver"] or None, r["outcome"],
         round(float(r["latency_hours"]), 4))
        for r in _truth(sample_org, APPROVAL_TRUTH)
    }  # fmt: skip
    got = set(wh.query(
        f"select repo, pr_number, approver_team, is_cross_team, strftime(start_at, '{STAMP}'), "
        f"strftime(approved_at, '{STAMP}'), approver, outcome, round(latency_hours, 4) "
        "from approval_latency"
    ))  # fmt: skip
    assert not truth - got and not got - truth, (sorted(truth - got)[:5], sorted(got - truth)[:5])
    outcomes = {row[7] for row in truth}
    assert outcomes == {"approved", "unapproved", "waiting"}
    assert sum(row[3] for row in truth) > 500  # cross-team approvals are most of them


def test_ownership_handoffs_are_the_generators_truth(sample_org: Path, wh: Warehouse) -> None:
    truth = {
        (r["repo"], int(r["pr_number"]), r["owner_teams"], r["handoff_teams"],
         int(r["handoff_count"]), int(r["files_changed"]), int(r["files_unowned"]),
         int(r["files_owned_by_others"]))
        for r in _truth(sample_org, OWNERSHIP_TRUTH)
    }  # fmt: skip
    got = set(wh.query(
        "select repo, pr_number, array_to_string(owner_teams, ';'), "
        "array_to_string(list_sort(handoff_teams), ';'), handoff_count, files_changed, "
        "files_unowned, files_owned_by_others from ownership_handoffs"
    ))  # fmt: skip
    assert not truth - got and not got - truth, (sorted(truth - got)[:5], sorted(got - truth)[:5])
    assert len(truth) == 2000
    assert {row[4] for row in truth} >= {0, 1, 2}
    assert any(row[6] for row in truth) and any(row[7] for row in truth)


def test_review_waits_cross_teams_and_business_hours_are_the_truths(
    sample_org: Path, wh: Warehouse, org: Org
) -> None:
    truth: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    spans: set[str] = set()
    for r in _truth(sample_org, "review_wait.csv"):
        party = r["reviewer"] or r["responder"]
        calendar = r["reviewer_team"] or (org.person_calendar(party) if party else "default")
        calendar = calendar if calendar in org.calendars else "default"
        start = _start(r)
        ended = max(_at(r["ended_at"]) or org.as_of, start)
        hours = org.calendars[calendar].hours(start, ended)
        key = (r["repo"], int(r["pr_number"]), r["reviewer"], r["reviewer_team"], int(r["episode"]))
        cross = None if r["is_cross_team"] == "" else r["is_cross_team"] == "true"
        truth[key] = (cross, calendar, round(hours, 4))
        spans.update(s for s, (a, b) in SPANS.items() if start < b and ended > a)
    got = {
        row[:5]: row[5:]
        for row in wh.query(
            "select repo, pr_number, coalesce(reviewer, ''), coalesce(reviewer_team, ''), "
            "episode, is_cross_team, calendar, round(wait_business_hours, 4) from review_wait"
        )
    }
    wrong = [(k, truth[k], got.get(k)) for k in sorted(truth) if truth[k] != got.get(k)]
    assert not wrong and set(got) == set(truth), wrong[:5]
    # the waits cross the daylight-saving changes and the holidays, on calendars of teams and
    # the default's (people in no team)
    assert spans == set(SPANS)
    assert {cal for _, cal, _ in truth.values()} >= {"default", "security", "web", "data"}
    assert {cross for cross, _, _ in truth.values()} == {True, False, None}


def test_approval_business_hours_and_sla_breaches_are_the_truths(
    sample_org: Path, wh: Warehouse, org: Org
) -> None:
    approvals = _truth(sample_org, APPROVAL_TRUTH)
    latency = {}
    breaches: set[tuple[Any, ...]] = set()
    for r in approvals:
        team = r["approver_team"]
        start = _start(r)
        cal = org.calendars.get(team, org.calendars["default"])
        # the truth's instants are whole seconds: its hours give the end (approval, close, as_of)
        end = start + timedelta(seconds=round(float(r["latency_hours"]) * 3600))
        hours = cal.hours(start, end)
        latency[(r["repo"], int(r["pr_number"]), team)] = round(hours, 4)
        if r["outcome"] == "waiting" and r["is_cross_team"] == "true" and hours > SLA_APPROVAL:
            breaches.add(("approval", r["repo"], int(r["pr_number"]), team, None))
    got = {
        row[:3]: row[3]
        for row in wh.query(
            "select repo, pr_number, approver_team, round(latency_business_hours, 4) "
            "from approval_latency"
        )
    }
    wrong = [(k, latency[k], got.get(k)) for k in sorted(latency) if latency[k] != got.get(k)]
    assert not wrong, wrong[:5]
    waits = [r for r in _truth(sample_org, "review_wait.csv") if r["outcome"] == "waiting"]
    for r in waits:
        party = r["reviewer"] or r["responder"]
        calendar = r["reviewer_team"] or (org.person_calendar(party) if party else "default")
        # the team waited on: the requested team, a person's calendar's team ('unassigned' for
        # a person in no team), none for the implicit episode
        waited_on = r["reviewer_team"] or (calendar if calendar != "default" else None)
        waited_on = waited_on or ("unassigned" if r["reviewer"] else None)
        hours = org.calendars[calendar].hours(_start(r), org.as_of)
        level = SLA_SECURITY_REVIEW if waited_on == "security" else SLA_REVIEW
        if hours > level:
            breaches.add(
                ("review", r["repo"], int(r["pr_number"]), waited_on, r["reviewer"] or None)
            )
    got_breaches = set(wh.query(
        "select kind, repo, pr_number, team, reviewer from sla_breaches"
    ))  # fmt: skip
    assert got_breaches == breaches
    assert {b[0] for b in breaches} == {"review", "approval"}
