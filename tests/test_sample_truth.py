"""The sample org's metric views, synced from the local server and rebuilt under calendars of the
teams' own time zones (daylight saving changes and holidays inside the waits), against the
generator's truth: approvals needed, code ownership, cross-team waits, and every business-hours
figure and SLA breach, reckoned here again in plain Python from the truth's instants."""

from __future__ import annotations

import csv
import itertools
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
from miner.sample_org import (
    APPROVAL_TRUTH,
    ATTEMPTS_TRUTH,
    COURTS_TRUTH,
    OWNERSHIP_TRUTH,
    PHASES_TRUTH,
    RUNS_TRUTH,
    TRUTH_DIR,
)
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
            # the synced fixture's git mirrors: deploys are followed to production through them
            "git": {"mirrors": True, "cache": str(synced.parent / "mirrors")},
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
    crossing = set(wh.query(
        "select repo, pr_number, approver_team from cross_team_approval_latency"
    ))  # fmt: skip
    assert crossing == {row[:3] for row in truth if row[3]}
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
        author_teams = org.teams.get(r["author"], ["unassigned"])
        truth[key] = (cross, calendar, round(hours, 4), author_teams)
        spans.update(s for s, (a, b) in SPANS.items() if start < b and ended > a)
    got = _keyed(
        wh,
        "select repo, pr_number, coalesce(reviewer, ''), coalesce(reviewer_team, ''), "
        "episode, is_cross_team, calendar, round(wait_business_hours, 4), author_teams "
        "from review_wait",
        5,
    )
    wrong = _mismatches(truth, got)
    assert not wrong and set(got) == set(truth), wrong[:5]
    # the waits cross the daylight-saving changes and the holidays, on calendars of teams and
    # the default's (people in no team)
    assert spans == set(SPANS)
    assert {t[1] for t in truth.values()} >= {"default", "security", "web", "data"}
    assert {t[0] for t in truth.values()} == {True, False, None}


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
            over = ("approval", r["repo"], int(r["pr_number"]), team, None)
            breaches.add((*over, round(hours, 4), SLA_APPROVAL))
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
            late = ("review", r["repo"], int(r["pr_number"]), waited_on, r["reviewer"] or None)
            breaches.add((*late, round(hours, 4), level))
    got_breaches = set(wh.query(
        "select kind, repo, pr_number, team, reviewer, round(waited_business_hours, 4), "
        "sla_business_hours from sla_breaches"
    ))  # fmt: skip
    assert got_breaches == breaches
    assert {b[0] for b in breaches} == {"review", "approval"}
    assert {b[6] for b in breaches} == {SLA_REVIEW, SLA_APPROVAL, SLA_SECURITY_REVIEW}


@dataclass
class Life:
    """One PR's life as its payloads and the truth tell it, for following its ball."""

    created: datetime
    end: datetime  # its merge or final close, else as_of
    ready: datetime | None
    drafts: list[tuple[datetime, bool]]  # (when, is a draft since) from the timeline's flips
    episodes: list[tuple[datetime, datetime, str]]  # open (start, end, calendar), truth's
    runs: list[tuple[datetime, datetime]]  # while a run of the head commit is unfinished
    verdicts: dict[str, list[tuple[datetime, int, str, datetime | None]]]  # by reviewer

    def court(self, t: datetime) -> str:
        """Whose court the ball is in just after `t` (METRICS.md: pr_time_in_court)."""
        flips = [is_draft for at, is_draft in self.drafts if at <= t]
        if self.ready is None or t < self.ready or (flips and flips[-1]):
            return "author"
        if any(a <= t < b for a, b, _ in self.episodes):
            return "reviewers"
        if any(a <= t < b for a, b in self.runs):
            return "ci"
        says = set()
        for reviews in self.verdicts.values():
            given = [v for v in reviews if v[0] <= t]
            if given and (given[-1][3] is None or given[-1][3] > t):
                says.add(given[-1][2])
        return (
            "author"
            if "CHANGES_REQUESTED" in says
            else "merge"
            if "APPROVED" in says
            else ("author")
        )

    def calendar(self, t: datetime) -> str:
        """The reviewers' court's calendar: the earliest-started open episode's party's."""
        return min((a, cal) for a, b, cal in self.episodes if a <= t < b)[1]


def _lives(sample_org: Path, org: Org) -> dict[tuple[str, int], tuple[str, Life]]:
    episodes: dict[tuple[str, int], list[tuple[datetime, datetime, str]]] = {}
    for r in _truth(sample_org, "review_wait.csv"):
        party = r["reviewer"] or r["responder"]
        calendar = r["reviewer_team"] or (org.person_calendar(party) if party else "default")
        start = _start(r)
        episodes.setdefault((r["repo"], int(r["pr_number"])), []).append(
            (start, _at(r["ended_at"]) or org.as_of, calendar)
        )
    attempts: dict[str, list[dict[str, str]]] = {}
    for a in _truth(sample_org, ATTEMPTS_TRUTH):
        attempts.setdefault(a["run_id"], []).append(a)
    lives: dict[tuple[str, int], tuple[str, Life]] = {}
    for folder in sorted((sample_org / "repos" / "acme").iterdir()):
        repo = f"acme/{folder.name}"
        runs = json.loads((folder / "actions" / "runs.json").read_text())["workflow_runs"]
        for pull in json.loads((folder / "pulls.json").read_text()):
            n = pull["number"]
            created = _ts(pull["created_at"])
            end = _ts(pull["merged_at"] or pull["closed_at"]) if pull["closed_at"] else org.as_of
            timeline = json.loads((folder / "issues" / str(n) / "timeline.json").read_text())
            flips = [(_ts(e["created_at"]), e["event"] == "convert_to_draft") for e in timeline
                     if e.get("event") in ("ready_for_review", "convert_to_draft")]  # fmt: skip
            ready = created if not pull["draft"] else None
            if flips:
                ready = flips[0][0] if not flips[0][1] else created
            shas = {c["sha"] for c in json.loads(
                (folder / "pulls" / str(n) / "commits.json").read_text())}  # fmt: skip
            mine = sorted(
                (_ts(r["created_at"]), r["head_sha"], r) for r in runs
                if r["head_sha"] in shas or any(p["number"] == n for p in r["pull_requests"])
            )  # fmt: skip
            held = []
            for created_at, sha, r in mine:
                # a push (a run of another commit) makes the run's commit no longer the head
                pushed = [c for c, s, _ in mine if s != sha and c > created_at]
                # each attempt on its own: the first from the run's queueing, a re-run from
                # when it was asked for; the wait between them is not the run's
                for a in attempts[str(r["id"])]:
                    start = created_at if a["run_attempt"] == "1" else _ts(a["run_started_at"])
                    done = _ts(a["updated_at"]) if a["status"] == "completed" else end
                    held.append((start, min([done, end, *pushed[:1]])))
            dismissals = {e["dismissed_review"]["review_id"]: _ts(e["created_at"])
                          for e in timeline if e.get("event") == "review_dismissed"}  # fmt: skip
            was = {e["dismissed_review"]["review_id"]: e["dismissed_review"]["state"].upper()
                   for e in timeline if e.get("event") == "review_dismissed"}  # fmt: skip
            verdicts: dict[str, list[tuple[datetime, int, str, datetime | None]]] = {}
            reviews = json.loads((folder / "pulls" / str(n) / "reviews.json").read_text())
            for r in sorted(reviews, key=lambda r: (r["submitted_at"], r["id"])):
                state = was.get(r["id"], r["state"]) if r["state"] == "DISMISSED" else r["state"]
                who = r["user"]["login"]
                if (
                    state in ("APPROVED", "CHANGES_REQUESTED")
                    and who != pull["user"]["login"]
                    and r["user"]["type"] != "Bot"
                ):
                    gone = dismissals.get(r["id"]) if r["state"] == "DISMISSED" else None
                    verdicts.setdefault(who, []).append(
                        (_ts(r["submitted_at"]), r["id"], state, gone)
                    )
            eps = [(a, min(b, end), cal) for a, b, cal in episodes.get((repo, n), [])]
            author = pull["user"]["login"]
            lives[(repo, n)] = (author, Life(created, end, ready, flips, eps, held, verdicts))
    return lives


def _ts(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def test_time_in_court_follows_the_ball_as_the_truth_does(
    sample_org: Path, wh: Warehouse, org: Org
) -> None:
    deploys = {r["repo"] for r in _truth(sample_org, "deployments.csv")
               if r["environment"] == "production"}  # fmt: skip
    shipped = {(r["repo"], int(r["pr_number"])): (_at(r["merged_at"]), _at(r["deployed_at"]))
               for r in _truth(sample_org, "deploy_lead_time.csv")}  # fmt: skip
    truth: dict[tuple[str, int], tuple[Any, ...]] = {}
    for key, (author, life) in _lives(sample_org, org).items():
        marks = {life.created, life.end}
        marks |= {t for t in [life.ready] if t}
        marks |= {at for at, _ in life.drafts}
        marks |= {t for a, b, _ in life.episodes for t in (a, b)}
        marks |= {t for a, b in life.runs for t in (a, b)}
        marks |= {v[0] for vs in life.verdicts.values() for v in vs}
        marks |= {v[3] for vs in life.verdicts.values() for v in vs if v[3]}
        cuts = sorted(t for t in marks if life.created <= t <= life.end)
        hours = dict.fromkeys(("author", "reviewers", "ci", "merge"), 0.0)
        business = dict(hours)
        for a, b in itertools.pairwise(cuts):
            court = life.court(a)
            cal = {"reviewers": life.calendar(a) if court == "reviewers" else "",
                   "ci": "default"}.get(court) or org.person_calendar(author)  # fmt: skip
            hours[court] += (b - a).total_seconds() / 3600
            business[court] += org.calendars[cal].hours(a, b)
        merged, deployed = shipped.get(key, (None, None))
        deploy = None
        if merged and key[0] in deploys:
            deploy = ((deployed or org.as_of) - merged).total_seconds() / 3600
        rounded = [round(h, 4) for h in (*hours.values(), *business.values())]
        # flow efficiency: the author's share of the PR's whole life, to production if followed
        total = (life.end - life.created).total_seconds() / 3600 + (deploy or 0.0)
        share = round(hours["author"] / total, 4) if total else None
        truth[key] = (*rounded, None if deploy is None else round(deploy, 4), share)
    got = _keyed(
        wh,
        "select repo, pr_number, round(author_hours, 4), round(reviewers_hours, 4), "
        "round(ci_hours, 4), round(merge_hours, 4), round(author_business_hours, 4), "
        "round(reviewers_business_hours, 4), round(ci_business_hours, 4), "
        "round(merge_business_hours, 4), round(deploy_hours, 4), round(flow_efficiency, 4) "
        "from pr_time_in_court",
        2,
    )
    wrong = _mismatches(truth, got)
    names = ("author", "reviewers", "ci", "merge", "author_b", "reviewers_b", "ci_b", "merge_b",
             "deploy", "flow_efficiency")  # fmt: skip
    diffs = [(k, [(n, x, y) for n, x, y in zip(names, t, g or (), strict=False) if x != y])
             for k, t, g in wrong]  # fmt: skip
    assert not wrong and set(got) == set(truth), (len(wrong), diffs[:8])
    # every court holds some PR's ball
    assert all(any(t[i] for t in truth.values()) for i in range(4))


def test_time_in_court_is_the_generators_truth(sample_org: Path, wh: Warehouse) -> None:
    """Every PR's hours per court against what the planner drew (its episodes, reviews, drafts,
    runs and their attempts, deploys), followed by the generator's own reading of the rules."""
    names = ("author_hours", "reviewers_hours", "ci_hours", "merge_hours", "deploy_hours")
    truth = {
        (r["repo"], int(r["pr_number"])): tuple(float(r[n]) if r[n] else None for n in names)
        for r in _truth(sample_org, COURTS_TRUTH)
    }
    got = _keyed(wh, f"select repo, pr_number, {', '.join(names)} from pr_time_in_court", 2)
    assert set(got) == set(truth)

    def near(x: float | None, y: float | None) -> bool:
        return x == y or (x is not None and y is not None and abs(x - y) <= 1e-6)

    wrong = [
        (key, [(n, t, g) for n, t, g in zip(names, truth[key], got[key], strict=True)
               if not near(t, g)])
        for key in sorted(truth) if not all(map(near, truth[key], got[key]))
    ]  # fmt: skip
    assert not wrong, (len(wrong), wrong[:8])
    # every court holds some PR's ball, and some PRs are followed to production and some not
    assert all(any(t[i] for t in truth.values()) for i in range(5))
    assert any(t[4] is None and t[0] for t in truth.values())


def test_ci_run_queue_and_run_hours_are_the_generators_truth(
    sample_org: Path, wh: Warehouse, org: Org
) -> None:
    """pr_ci_runs against the runs the generator wrote: a first attempt queues from created_at to
    run_started_at, which GitHub gives as one instant (0 hours: a wait for a runner is inside the
    run), and runs from run_started_at to its end (updated_at once completed, else as_of); a
    re-run has no queue time and runs from when it was asked for."""
    truth = {}
    for r in _truth(sample_org, RUNS_TRUTH):
        created, started = _ts(r["created_at"]), _ts(r["run_started_at"])
        end = _ts(r["updated_at"]) if r["status"] == "completed" else org.as_of
        queue = (started - created).total_seconds() / 3600 if r["run_attempt"] == "1" else None
        truth[(r["repo"], int(r["run_id"]))] = (queue, (end - started).total_seconds() / 3600)
    rows = wh.query("select repo, run_id, pr_number, queue_hours, run_hours from pr_ci_runs")
    got = {(repo, run): (queue, hours) for repo, run, _, queue, hours in rows}
    wrong = [(k, truth.get(k), v) for k, v in got.items() if k not in truth or not all(
        t == g or (t is not None and g is not None and abs(t - g) <= 1e-6)
        for t, g in zip(truth[k], v, strict=True))]  # fmt: skip
    assert not wrong, (len(wrong), wrong[:8])
    pr_runs = {(r["repo"], int(r["run_id"])) for r in _truth(sample_org, RUNS_TRUTH)
               if r["pr_number"]}  # fmt: skip
    assert pr_runs <= set(got)
    # GitHub's shape: no first attempt queues; some wait for a runner longer than any CI job
    # takes (30 minutes at most), inside their run time, and some still do at as_of
    assert {q for q, _ in got.values() if q is not None} == {0.0}
    assert any(h > 0.5 for _, h in got.values())
    statuses = {r["status"] for r in _truth(sample_org, RUNS_TRUTH) if r["run_attempt"] == "1"}
    assert "queued" in statuses


def test_phases_of_merged_prs_are_the_generators_truth(
    sample_org: Path, wh: Warehouse, org: Org
) -> None:
    pickup: dict[tuple[str, int], tuple[datetime, str]] = {}
    for r in _truth(sample_org, "review_wait.csv"):
        party = r["reviewer"] or r["responder"]
        calendar = r["reviewer_team"] or (org.person_calendar(party) if party else "default")
        key = (r["repo"], int(r["pr_number"]))
        pickup[key] = min(pickup.get(key, (_start(r), calendar)), (_start(r), calendar))
    truth = {}
    for r in _truth(sample_org, PHASES_TRUTH):
        key = (r["repo"], int(r["pr_number"]))
        at = {k: _at(r[k]) for k in ("first_commit_at", "ready_at", "merged_at")}
        start, ready, merged = at["first_commit_at"], at["ready_at"], at["merged_at"]
        assert start and ready and merged
        # the boundaries again from the phases' hours: coding, pickup, review, merge
        picked = ready + timedelta(hours=float(r["pickup_hours"]))
        last = merged - timedelta(hours=float(r["merge_hours"]))
        mine = org.calendars[org.person_calendar(r["author"])]
        theirs = org.calendars[pickup[key][1]] if key in pickup else mine
        named = ("first_commit_at", "first_review_at", "last_approval_at", "first_response_at")
        instants = tuple(r[k] or None for k in named)
        hours = tuple(round(float(r[k]), 4) for k in
                      ("coding_hours", "pickup_hours", "review_hours", "merge_hours",
                       "cycle_hours"))  # fmt: skip
        business = tuple(round(h, 4) for h in (
            mine.hours(start, ready), theirs.hours(ready, picked), mine.hours(picked, last),
            mine.hours(last, merged), mine.hours(start, merged),
        ))  # fmt: skip
        truth[key] = (*instants, *hours, *business)
    got = _keyed(
        wh,
        f"select repo, pr_number, strftime(first_commit_at, '{STAMP}'), "
        f"strftime(first_review_at, '{STAMP}'), strftime(last_approval_at, '{STAMP}'), "
        f"strftime(first_response_at, '{STAMP}'), round(coding_hours, 4), "
        "round(pickup_hours, 4), round(review_hours, 4), round(merge_hours, 4), "
        "round(cycle_hours, 4), round(coding_business_hours, 4), "
        "round(pickup_business_hours, 4), round(review_business_hours, 4), "
        "round(merge_business_hours, 4), round(cycle_business_hours, 4) from pr_phases",
        2,
    )
    wrong = _mismatches(truth, got)
    assert not wrong and set(got) == set(truth), (len(wrong), wrong[:5])
    assert len(truth) > 1000


def _quantile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (quantile_cont), worked out here again."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def test_handoff_pairs_are_the_generators_truth(sample_org: Path, wh: Warehouse, org: Org) -> None:
    cycles = {(r["repo"], int(r["pr_number"])): float(r["cycle_hours"])
              for r in _truth(sample_org, PHASES_TRUTH)}  # fmt: skip
    pairs: dict[tuple[str, str], tuple[int, int, list[float]]] = {}
    for r in _truth(sample_org, OWNERSHIP_TRUTH):
        if r["author"].endswith("[bot]") or not int(r["handoff_count"]):
            continue  # bots' PRs are nobody's handoff
        owned = dict(item.split(":") for item in r["owner_team_files"].split(";"))
        cycle = cycles.get((r["repo"], int(r["pr_number"])))
        for mine in org.teams.get(r["author"], ["unassigned"]):
            for team in r["handoff_teams"].split(";"):
                prs, files, hours = pairs.get((mine, team), (0, 0, []))
                hours = hours + ([] if cycle is None else [cycle])
                pairs[(mine, team)] = (prs + 1, files + int(owned[team]), hours)
    truth = {
        key: (prs, files, len(hours), *(_round(_quantile(hours, q)) for q in (0.5, 0.75, 0.9)))
        for key, (prs, files, hours) in pairs.items()
    }
    got = _keyed(
        wh,
        "select author_team, owner_team, prs, files, merged_prs, round(median_cycle_hours, 4), "
        "round(p75_cycle_hours, 4), round(p90_cycle_hours, 4) from ownership_handoff_pairs",
        2,
    )
    assert got == truth
    assert len(truth) > 10


def _keyed(wh: Warehouse, sql: str, key: int) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """The query's rows by their first `key` columns: the rest of each row."""
    return {row[:key]: row[key:] for row in wh.query(sql)}


def _mismatches(
    truth: dict[Any, tuple[Any, ...]], got: dict[Any, tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """Each key whose truth the view does not give: (key, truth, what the view gave)."""
    return [(k, truth[k], got.get(k)) for k in sorted(truth) if truth[k] != got.get(k)]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def test_deploy_lead_business_hours_count_the_default_calendar(
    sample_org: Path, wh: Warehouse, org: Org
) -> None:
    truth = {}
    for r in _truth(sample_org, "deploy_lead_time.csv"):
        merged, deployed = _at(r["merged_at"]), _at(r["deployed_at"])
        if merged and deployed:
            hours = org.calendars["default"].hours(merged, deployed)
            truth[(r["repo"], int(r["pr_number"]))] = round(hours, 4)
    got = dict(
        ((repo, n), hours)
        for repo, n, hours in wh.query(
            "select repo, pr_number, round(lead_business_hours, 4) from deploy_lead_time "
            "where deployed_at is not null"
        )
    )
    assert got == truth
    assert len(truth) > 500
