"""The sample org: deterministic, GitHub-shaped, with every review-wait situation and its truth."""

from __future__ import annotations

import csv
import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import git
import pytest

from miner import sample_org
from miner.raw import is_manifest
from miner.sample_org import (
    ACTIVITY_TRUTH,
    ATTEMPTS_TRUTH,
    DEPENDENCIES_TRUTH,
    DEPLOYMENTS_TRUTH,
    RUNS_TRUTH,
    TRUTH_DIR,
    generate,
    time_zones,
)
from tests import realdata

Json = dict[str, Any]
AS_OF = datetime(2026, 6, 30, 18, 0, tzinfo=UTC)
HEADER = (
    "org,repo,pr_number,author,reviewer,reviewer_team,episode,requested_at,start_at,ended_at,"
    "outcome,responder,wait_hours,is_cross_team"
)
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
OUTCOMES = {"reviewed", "withdrawn", "unanswered", "waiting"}
NO_REALDATA = "../shared/realdata not present: the key checks compare with GitHub's real payloads"


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _is_bot(user: Json) -> bool:
    return bool(user["type"] == "Bot" or user["login"].endswith("[bot]"))


def _hours(start: datetime, end: datetime) -> str:
    """wait_hours as the truth writes it."""
    return f"{max(0.0, (end - start).total_seconds() / 3600):.6f}"


def _read(path: Path) -> Any:
    return json.loads(path.read_text())


class Review(NamedTuple):
    at: datetime
    login: str
    state: str


@dataclass
class Pull:
    """One PR of the mirror, with its detail files, and the facts the hand derivations need."""

    repo: str
    item: Json
    timeline: list[Json]
    reviews: list[Json]
    commits: list[Json]
    comments: list[Json]
    files: list[Json]

    @property
    def number(self) -> int:
        return int(self.item["number"])

    @property
    def author(self) -> str:
        return str(self.item["user"]["login"])

    def events(self, name: str) -> list[Json]:
        return [e for e in self.timeline if e["event"] == name]

    @cached_property
    def flips(self) -> list[Json]:
        return [e for e in self.timeline if e["event"] in ("ready_for_review", "convert_to_draft")]

    @cached_property
    def ready_at(self) -> datetime | None:
        """METRICS.md: created_at, or the first ready_for_review of a PR opened as a draft."""
        if self.flips and self.flips[0]["event"] == "ready_for_review":
            return _ts(self.flips[0]["created_at"])
        return None if self.item["draft"] and not self.flips else _ts(self.item["created_at"])

    def asked(self, login: str | None = None, team: str | None = None) -> list[datetime]:
        """When the user `login` (or the team `team`, or anyone) was asked to review."""
        return [
            _ts(e["created_at"])
            for e in self.events("review_requested")
            if (login is None or e.get("requested_reviewer", {}).get("login") == login)
            and (team is None or e.get("requested_team", {}).get("slug") == team)
        ]

    def answers(self, logins: set[str] | None = None) -> list[Review]:
        """The reviews that count (not the author's, not a bot's), by `logins` or anyone."""
        return sorted(
            Review(_ts(r["submitted_at"]), r["user"]["login"], r["state"])
            for r in self.reviews
            if (logins is None or r["user"]["login"] in logins)
            and r["user"]["login"] != self.author
            and not _is_bot(r["user"])
        )

    def closed_between(self, start: datetime, end: datetime) -> bool:
        return any(start <= _ts(e["created_at"]) <= end for e in self.events("closed"))


@dataclass
class Mirror:
    root: Path
    repos: list[Json]
    teams: list[Json]
    members: dict[str, set[str]]  # team slug -> logins, the child teams' included
    org_members: list[Json]
    pulls: list[Pull]
    truth: list[dict[str, str]]
    summary: Json

    def rows(self, p: Pull) -> list[dict[str, str]]:
        repo, number = f"acme/{p.repo}", str(p.number)
        return [r for r in self.truth if r["repo"] == repo and r["pr_number"] == number]

    def row(self, p: Pull, **match: str) -> dict[str, str]:
        found = [r for r in self.rows(p) if all(r[k] == v for k, v in match.items())]
        assert len(found) == 1, f"{p.repo}#{p.number} {match}: {found}"
        return found[0]

    def find(self, what: str, case: Callable[[Pull], Any]) -> tuple[Pull, Any]:
        """The first PR that is such a case, with what `case` found in it."""
        for p in self.pulls:
            if found := case(p):
                return p, found
        raise AssertionError(f"the sample org has no {what}")


def _load(root: Path) -> Mirror:
    org = root / "orgs" / "acme"
    teams = _read(org / "teams.json")
    members = {t["slug"]: {u["login"] for u in _read(org / f"teams/{t['slug']}/members.json")}
               for t in teams}  # fmt: skip
    pulls: list[Pull] = []
    for repo in _read(org / "repos.json"):
        base = root / "repos" / "acme" / repo["name"]
        for item in reversed(_read(base / "pulls.json")):
            pr, issue = base / "pulls" / str(item["number"]), base / "issues" / str(item["number"])
            reviews, commits, files = (
                _read(pr / f"{n}.json") for n in ("reviews", "commits", "files")
            )
            timeline, comments = (_read(issue / f"{n}.json") for n in ("timeline", "comments"))
            pulls.append(Pull(repo["name"], item, timeline, reviews, commits, comments, files))
    with (root / TRUTH_DIR / "review_wait.csv").open(newline="") as f:
        truth = list(csv.DictReader(f))
    summary = _read(root / TRUTH_DIR / "summary.json")
    return Mirror(root, _read(org / "repos.json"), teams, members, _read(org / "members.json"),
                  pulls, truth, summary)  # fmt: skip


@pytest.fixture(scope="module")
def mirror(sample_org: Path) -> Mirror:
    """The 2,000-PR sample org (seed 7; conftest generates it once per session), read in."""
    return _load(sample_org)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# -- determinism, speed, the folder ---------------------------------------------------------


def test_same_seed_writes_the_same_bytes(sample_org: Path, tmp_path: Path) -> None:
    generate(tmp_path / "again")
    first, again = _files(sample_org), _files(tmp_path / "again")
    assert sorted(first) == sorted(again)
    assert [name for name in first if first[name] != again[name]] == []


def test_another_seed_draws_another_org(tmp_path: Path) -> None:
    generate(tmp_path / "a", seed=7, prs=50)
    generate(tmp_path / "b", seed=8, prs=50)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a[f"{TRUTH_DIR}/review_wait.csv"] != b[f"{TRUTH_DIR}/review_wait.csv"]
    assert a["orgs/acme/teams.json"] == b["orgs/acme/teams.json"]  # the same people and teams


def test_a_small_org_replaces_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "small"
    (out / "repos").mkdir(parents=True)
    (out / "repos" / "left-over.json").write_text("[]")
    summary = generate(out, prs=50)
    assert not (out / "repos" / "left-over.json").exists()
    assert (summary.org, summary.repos, summary.prs, summary.as_of) == ("acme", 12, 50, AS_OF)
    assert (out / "as_of.txt").read_text() == "2026-06-30T18:00:00Z"
    assert sum(len(_read(p)) for p in out.glob("repos/acme/*/pulls.json")) == 50
    assert (out / TRUTH_DIR / "review_wait.csv").read_text().splitlines()[0] == HEADER
    assert _read(out / TRUTH_DIR / "summary.json")["features"]["prs"] == 50


# -- the org ----------------------------------------------------------------------------------


def test_the_org_has_its_repos_teams_and_people(mirror: Mirror) -> None:
    assert len(mirror.repos) == 12
    assert {r["owner"]["type"] for r in mirror.repos} == {"Organization"}
    assert len(mirror.teams) >= 6
    children = [t for t in mirror.teams if t["parent"]]
    assert len(children) >= 2
    for child in children:  # GitHub lists a parent team's members with its child teams' members
        assert mirror.members[child["slug"]] <= mirror.members[child["parent"]["slug"]]
    parents = {c["parent"]["slug"] for c in children}
    teams_of = {u["login"]: [s for s in mirror.members if s not in parents and u["login"] in
                             mirror.members[s]] for u in mirror.org_members}  # fmt: skip
    assert any(len(teams) >= 2 for teams in teams_of.values()), "someone is in two teams"
    assert any(not teams for teams in teams_of.values()), "someone is in no team"
    assert 35 <= len(mirror.org_members) <= 45
    assert {u["type"] for u in mirror.org_members} == {"User"}
    assert len(mirror.pulls) == 2000


def test_prs_are_numbered_in_created_order_and_updated_at_their_last_event(mirror: Mirror) -> None:
    by_repo: dict[str, list[Pull]] = {}
    for p in mirror.pulls:
        by_repo.setdefault(p.repo, []).append(p)
    for repo, pulls in by_repo.items():
        assert [p.number for p in pulls] == list(range(1, len(pulls) + 1))
        created = [p.item["created_at"] for p in pulls]
        assert created == sorted(created)
        for p in pulls:
            assert p.item["html_url"] == f"https://github.com/acme/{repo}/pull/{p.number}"
            times = [e.get("created_at") or e.get("submitted_at") or e["committer"]["date"]
                     for e in p.timeline]  # fmt: skip
            assert times == sorted(times), f"{repo}#{p.number}: timeline out of order"
            assert p.item["updated_at"] == max([p.item["created_at"], *times])
            assert max(times) <= "2026-06-30T18:00:00Z"


def test_people_act_only_in_their_working_hours(mirror: Mirror) -> None:
    zones = {login: ZoneInfo(tz) for login, tz in time_zones().items()}
    acted: set[str] = set()
    outside: list[str] = []

    def check(login: str, text: str, what: str) -> None:
        if login.endswith("[bot]"):
            return
        acted.add(login)
        local = _ts(text).astimezone(zones[login])
        if local.weekday() >= 5 or not 9 <= local.hour < 18:
            outside.append(f"{what}: {login} at {local.isoformat()}")

    for p in mirror.pulls:
        where = f"{p.repo}#{p.number}"
        check(p.author, p.item["created_at"], f"{where} opened")
        for c in p.commits:
            check(c["author"]["login"], c["commit"]["author"]["date"], f"{where} commit")
        for r in p.reviews:
            check(r["user"]["login"], r["submitted_at"], f"{where} review")
        for c in p.comments:
            check(c["user"]["login"], c["created_at"], f"{where} comment")
        for e in p.timeline:
            if "actor" in e and "created_at" in e:
                check(e["actor"]["login"], e["created_at"], f"{where} {e['event']}")
    assert outside == []
    assert len({time_zones()[login] for login in acted}) >= 3


# -- every situation occurs, seen in the files ------------------------------------------------


def _opened_as_draft(p: Pull) -> bool:
    return bool(p.flips) and p.flips[0]["event"] == "ready_for_review"


def _asked_while_draft(p: Pull) -> bool:
    return _opened_as_draft(p) and any(t < (p.ready_at or t) for t in p.asked())


def _redrafted(p: Pull) -> bool:
    kinds = [e["event"] for e in p.flips]
    return (
        "convert_to_draft" in kinds
        and "ready_for_review" in kinds[kinds.index("convert_to_draft") :]
    )


def _code_owner_request(p: Pull) -> bool:
    ready = p.ready_at
    return ready is not None and any(
        "requested_team" in e and e["actor"]["login"] == p.author
        and timedelta(seconds=1) <= _ts(e["created_at"]) - ready <= timedelta(seconds=5)
        for e in p.events("review_requested")
    )  # fmt: skip


def _re_request_after_changes(p: Pull) -> str | None:
    for changes in (r for r in p.answers() if r.state == "CHANGES_REQUESTED"):
        asks = p.asked(changes.login)
        if any(t < changes.at for t in asks) and any(t > changes.at for t in asks):
            return changes.login
    return None


def _withdrawn(p: Pull) -> tuple[str, datetime] | None:
    for e in p.events("review_request_removed"):
        login, gone = e["requested_reviewer"]["login"], _ts(e["created_at"])
        asks = [t for t in p.asked(login) if t <= gone]
        if asks and not any(asks[-1] <= r.at <= gone for r in p.answers({login})):
            return login, gone
    return None


def _repeated(p: Pull) -> str | None:
    for login in {e["requested_reviewer"]["login"] for e in p.events("review_requested")
                  if "requested_reviewer" in e}:  # fmt: skip
        for first, second in pairwise(p.asked(login)):
            if not any(first <= r.at <= second for r in p.answers({login})):
                return str(login)
    return None


def _team_answered_by_member(p: Pull, members: dict[str, set[str]]) -> tuple[str, Review] | None:
    for e in p.events("review_requested"):
        slug = e.get("requested_team", {}).get("slug")
        asks = p.asked(team=slug) if slug else []
        first = (
            next((r for r in p.answers(members[slug]) if r.at >= asks[0]), None) if asks else None
        )
        if first and len(asks) == 1 and not p.asked(first.login):  # asked as a team only
            return None if p.closed_between(asks[0], first.at) else (slug, first)
    return None


def _nobody_asked_at_ready(p: Pull) -> bool:
    ready = p.ready_at
    return ready is not None and all(t > ready + timedelta(seconds=60) for t in p.asked())


def _waiting_for_days(p: Pull) -> bool:
    pending = p.item["requested_reviewers"] or p.item["requested_teams"]
    return (
        p.item["state"] == "open" and bool(pending) and min(p.asked()) < AS_OF - timedelta(days=3)
    )


def test_every_situation_occurs_in_the_files(mirror: Mirror) -> None:
    situations: dict[str, Callable[[Pull], Any]] = {
        "draft made ready later": _opened_as_draft,
        "request while still a draft": _asked_while_draft,
        "converted back to draft and ready again": _redrafted,
        "draft never made ready, still open": lambda p: p.item["draft"] and not p.flips
        and p.item["state"] == "open",
        "user request": lambda p: any("requested_reviewer" in e
                                      for e in p.events("review_requested")),
        "team request": lambda p: any("requested_team" in e for e in p.events("review_requested")),
        "code-owner request seconds after ready": _code_owner_request,
        "re-request after changes requested": _re_request_after_changes,
        "withdrawn request": _withdrawn,
        "repeated request while still open": _repeated,
        "team request answered by one member": lambda p: _team_answered_by_member(
            p, mirror.members),
        "no request at all, reviewed anyway": lambda p: _nobody_asked_at_ready(p)
        and not p.asked() and p.answers(),
        "no request at ready, asked hours later": lambda p: _nobody_asked_at_ready(p)
        and any(t > (p.ready_at or t) + timedelta(hours=1) for t in p.asked()),
        "bot-authored PR": lambda p: p.item["user"]["type"] == "Bot",
        "bot review": lambda p: any(r["user"]["type"] == "Bot" for r in p.reviews),
        "self review": lambda p: any(r["user"]["login"] == p.author for r in p.reviews),
        "dismissed review": lambda p: p.events("review_dismissed")
        and any(r["state"] == "DISMISSED" for r in p.reviews),
        "merged": lambda p: p.item["merged_at"] and p.events("merged"),
        "closed unmerged": lambda p: p.item["state"] == "closed" and not p.item["merged_at"],
        "open with a request waiting over 3 days": _waiting_for_days,
        "reopened": lambda p: p.events("reopened"),
    }  # fmt: skip
    assert [name for name, case in situations.items() if not any(map(case, mirror.pulls))] == []
    features = mirror.summary["features"]
    for name in ("opened_as_draft", "requested_while_draft", "converted_to_draft",
                 "drafts_never_ready", "code_owner_requests", "re_request_episodes",
                 "withdrawn_requests", "repeated_requests", "implicit_episodes", "late_requests",
                 "drive_by_reviews", "bot_authored_prs", "bot_reviews", "bot_approvals",
                 "self_reviews", "reopened",
                 "waiting_over_3_days"):  # fmt: skip
        assert features.get(name, 0) > 0, name
    assert set(mirror.summary["outcomes"]) == OUTCOMES


def test_self_reviews_only_comment_and_bots_approve_only_bumps(mirror: Mirror) -> None:
    own = {r["state"] for p in mirror.pulls for r in p.reviews if r["user"]["login"] == p.author}
    assert own == {"COMMENTED"}
    bots = {(r["state"], p.item["user"]["type"]) for p in mirror.pulls for r in p.reviews
            if _is_bot(r["user"])}  # fmt: skip
    assert bots == {("COMMENTED", "User"), ("COMMENTED", "Bot"), ("APPROVED", "Bot")}


def test_requested_reviewers_are_the_requests_still_pending_in_the_timeline(mirror: Mirror) -> None:
    for p in mirror.pulls:
        users: dict[str, None] = {}
        teams: dict[str, None] = {}
        for e in p.timeline:
            if e["event"] in ("review_requested", "review_request_removed"):
                if "requested_team" in e:
                    pending, name = teams, e["requested_team"]["slug"]
                else:
                    pending, name = users, e["requested_reviewer"]["login"]
                if e["event"] == "review_requested":
                    pending[name] = None
                else:
                    pending.pop(name, None)
            elif (
                e["event"] == "reviewed"
                and e["user"]["login"] != p.author
                and not _is_bot(e["user"])
            ):
                users.pop(e["user"]["login"], None)  # a review answers the user and their teams
                for slug in [s for s in teams if e["user"]["login"] in mirror.members[s]]:
                    del teams[slug]
        where = f"{p.repo}#{p.number}"
        assert [u["login"] for u in p.item["requested_reviewers"]] == list(users), where
        assert [t["slug"] for t in p.item["requested_teams"]] == list(teams), where


# -- payloads carry every key GitHub's real ones do ------------------------------------------


def _keys(objects: list[Any]) -> set[str]:
    return {key for o in objects for key in o}


def _replay_bodies(name: str, path_part: str) -> list[Any]:
    bodies: list[Any] = []
    for ex in realdata.replay_exchanges(realdata.PYGITHUB_REPLAY / name):
        if ex.status == 200 and path_part in ex.path:
            body = ex.json()
            bodies += body if isinstance(body, list) else [body]
    return bodies


def _devlake(table: str) -> list[Any]:
    return [row.data for row in realdata.devlake_rows(f"_raw_github_api_{table}.csv")]


def _timeline_keys() -> dict[str, set[str]]:
    """Keys per timeline event kind: from timelines, and from issue events without `issue`."""
    events = _replay_bodies("PullRequest.testGetIssueTimeline.txt", "/timeline")
    events += _replay_bodies("Issue.testGetTimeline.txt", "/timeline")
    events += _replay_bodies("IssueEvent.setUp.txt", "/issues/events/")
    events += _devlake("events")
    keys: dict[str, set[str]] = {}
    for e in events:  # only /issues/events embeds the issue; a timeline never does
        keys.setdefault(e["event"], set()).update(set(e) - {"issue"})
    keys["convert_to_draft"] = keys["ready_for_review"]  # not recorded; its twin event is
    return keys


@pytest.fixture(scope="module")
def real() -> dict[str, set[str]]:
    """The keys GitHub's recorded payloads have, per kind of object."""
    if not realdata.REALDATA.is_dir():
        pytest.skip(NO_REALDATA)
    pulls = _devlake("pull_requests")
    teams = realdata.REALDATA / "octokit-webhooks/payload-examples/api.github.com/team"
    actors = [e[k] for e in _replay_bodies("PullRequest.testGetIssueTimeline.txt", "/timeline")
              for k in ("actor", "user") if isinstance(e.get(k), dict)]  # fmt: skip
    keys = {
        "pull": _keys(pulls),
        "pull.head": _keys([p["head"] for p in pulls]),
        "pull._links": _keys([p["_links"] for p in pulls]),
        "repo": _keys([p[side]["repo"] for p in pulls for side in ("base", "head")
                       if p[side]["repo"]]),
        "review": _keys(_devlake("pull_request_reviews")
                        + _replay_bodies("PullRequestReview.setUp.txt", "/reviews")),
        "commit": _keys(_devlake("pull_request_commits")),
        "commit.commit": _keys([c["commit"] for c in _devlake("pull_request_commits")]),
        "comment": _keys(_devlake("comments")),
        "file": _keys(_replay_bodies("PullRequest.testGetFiles.txt", "/files")),
        "team": _keys([_read(f)["team"] for f in sorted(teams.glob("*.json"))]),
        "user": _keys(actors),
    }  # fmt: skip
    keys.update({f"event.{kind}": k for kind, k in _timeline_keys().items()})
    keys.update(_delivery_keys())
    return keys


def _delivery_keys() -> dict[str, set[str]]:
    """Keys of GitHub's deployments, their statuses and workflow runs (REST lists; a webhook's
    run for the `pull_requests` item, which no recorded REST list has)."""
    deployments = _replay_bodies("Deployment.setUp.txt", "/deployments/")
    statuses = _replay_bodies("DeploymentStatus.testGetStatuses.txt", "/statuses")
    runs = [run for name in ("Repository.testGetWorkflowRunsCreated.txt",
                             "Workflow.testGetRunsWithHeadSha.txt")
            for body in _replay_bodies(name, "/runs") for run in body["workflow_runs"]]  # fmt: skip
    hook = realdata.REALDATA / "octokit-webhooks/payload-examples/api.github.com/workflow_run"
    hooked = _read(hook / "completed.with-pull-requests.payload.json")["workflow_run"]
    return {
        "deployment": _keys(deployments), "deployment_status": _keys(statuses),
        "run": _keys(runs), "run.head_commit": _keys([r["head_commit"] for r in runs]),
        "run.repository": _keys([r["repository"] for r in runs]),
        "run.pull_request": _keys(hooked["pull_requests"]),
    }  # fmt: skip


def _lacking(real: set[str], ours: list[Json]) -> list[set[str]]:
    return [real - set(o) for o in ours if real - set(o)]


def test_prs_and_repos_carry_githubs_keys(mirror: Mirror, real: dict[str, set[str]]) -> None:
    items = [p.item for p in mirror.pulls]
    assert _lacking(real["pull"], items) == []
    assert _lacking(real["pull.head"], [i[side] for i in items for side in ("head", "base")]) == []
    assert _lacking(real["pull._links"], [i["_links"] for i in items]) == []
    assert _lacking(real["repo"], mirror.repos + [i["base"]["repo"] for i in items]) == []


def test_details_carry_githubs_keys(mirror: Mirror, real: dict[str, set[str]]) -> None:
    commits = [c for p in mirror.pulls for c in p.commits]
    assert _lacking(real["review"], [r for p in mirror.pulls for r in p.reviews]) == []
    assert _lacking(real["commit"], commits) == []
    assert _lacking(real["commit.commit"], [c["commit"] for c in commits]) == []
    assert _lacking(real["comment"], [c for p in mirror.pulls for c in p.comments]) == []
    assert _lacking(real["file"], [f for p in mirror.pulls for f in p.files]) == []


def test_timeline_events_carry_githubs_keys_per_kind(
    mirror: Mirror, real: dict[str, set[str]]
) -> None:
    issue_event = {"id", "node_id", "url", "actor", "event", "commit_id", "commit_url",
                   "created_at", "performed_via_github_app"}  # fmt: skip
    seen: set[str] = set()
    for e in (e for p in mirror.pulls for e in p.timeline):
        kind = e["event"]
        seen.add(kind)
        expected = real[f"event.{kind}"]
        if "requested_team" in e:  # a team request names a team instead of a user
            expected = expected - {"requested_reviewer"} | {"requested_team", "review_requester"}
        assert not expected - set(e), f"{kind} lacks {expected - set(e)}"
        if kind not in ("committed", "reviewed", "commented", "cross-referenced"):
            assert issue_event <= set(e), kind  # those four have shapes of their own
        if kind == "cross-referenced":  # GitHub's has no id: actor, times, event, source
            assert set(e) == {"actor", "created_at", "updated_at", "event", "source"}
            assert e["source"]["issue"]["pull_request"]["html_url"].startswith("https://")
        if kind == "reviewed":
            assert "created_at" not in e and e["state"] == e["state"].lower()
    assert seen >= {"review_requested", "review_request_removed", "ready_for_review",
                    "convert_to_draft", "reviewed", "committed", "commented", "merged", "closed",
                    "reopened", "head_ref_force_pushed", "review_dismissed",
                    "cross-referenced"}  # fmt: skip


def test_a_cross_reference_names_its_source_as_githubs_does(mirror: Mirror) -> None:
    """A cross-referenced event's source issue has the addresses GitHub's recorded ones have
    (its own, its pull_request's, its repository's; a consumer may read repository_url or url
    to place the naming PR), pointing at the PR that named this one."""
    if not realdata.REALDATA.is_dir():
        pytest.skip(NO_REALDATA)
    recorded = [e["source"]["issue"] for name in ("PullRequest.testGetIssueTimeline.txt",
                                                   "Issue.testGetTimeline.txt")
                for e in _replay_bodies(name, "/timeline")
                if e.get("event") == "cross-referenced"]  # fmt: skip
    assert recorded
    addresses = {k for i in recorded for k in i if k == "url" or k.endswith("_url")}
    assert {"url", "repository_url", "html_url"} <= addresses
    pull_keys = {k for i in recorded for k in i["pull_request"]} - {"merged_at"}  # not always
    ours = [e["source"]["issue"] for p in mirror.pulls for e in p.timeline
            if e["event"] == "cross-referenced"]  # fmt: skip
    assert len(ours) >= 5
    for i in ours:
        assert addresses | {"number"} <= set(i) and pull_keys <= set(i["pull_request"])
        full_name, n = i["repository"]["full_name"], i["number"]
        api = f"https://api.github.com/repos/{full_name}"
        assert (i["repository_url"], i["url"], i["repository"]["url"]) == (
            api, f"{api}/issues/{n}", api)  # fmt: skip
        assert i["html_url"] == i["pull_request"]["html_url"] == (
            f"https://github.com/{full_name}/pull/{n}")  # fmt: skip
        assert i["pull_request"]["url"] == f"{api}/pulls/{n}"
        assert i["repository"]["name"] == full_name.split("/")[1]


def test_teams_and_users_carry_githubs_keys(mirror: Mirror, real: dict[str, set[str]]) -> None:
    assert _lacking(real["team"], mirror.teams) == []
    users = [p.item["user"] for p in mirror.pulls] + [
        r["user"] for p in mirror.pulls for r in p.reviews
    ]
    assert _lacking(real["user"], mirror.org_members + users) == []
    bots = {u["login"]: u["type"] for u in users if u["login"].endswith("[bot]")}
    assert set(bots) >= {"dependabot[bot]", "github-actions[bot]"}
    assert set(bots.values()) == {"Bot"}


# -- the truth, re-derived by hand for a few PRs ---------------------------------------------


def test_truth_file_is_well_formed(mirror: Mirror) -> None:
    assert (mirror.root / TRUTH_DIR / "review_wait.csv").read_text().splitlines()[0] == HEADER
    for r in mirror.truth:
        assert r["org"] == "acme" and r["repo"].startswith("acme/")
        assert all(ISO.fullmatch(r[k]) for k in ("requested_at", "start_at", "ended_at") if r[k])
        assert re.fullmatch(r"\d+\.\d{6}", r["wait_hours"])
        assert bool(r["ended_at"]) == (r["outcome"] != "waiting")
        assert bool(r["responder"]) == (r["outcome"] == "reviewed")
        assert not (r["reviewer"] and r["reviewer_team"])
        assert bool(r["requested_at"]) == bool(r["reviewer"] or r["reviewer_team"])
    assert {r["outcome"] for r in mirror.truth} == OUTCOMES


def test_withdrawn_request_ends_at_its_removal(mirror: Mirror) -> None:
    def case(p: Pull) -> tuple[str, datetime, datetime] | None:
        found = _withdrawn(p)
        if found is None or p.ready_at is None or len(p.asked(found[0])) != 1:
            return None
        (login, gone), asked = found, p.asked(found[0])[0]
        return None if p.closed_between(asked, gone) else (login, asked, gone)

    p, (login, asked, gone) = mirror.find("withdrawn request", case)
    row = mirror.row(p, reviewer=login)
    assert (row["outcome"], row["responder"], row["episode"]) == ("withdrawn", "", "1")
    assert (_ts(row["requested_at"]), _ts(row["ended_at"])) == (asked, gone)
    assert row["wait_hours"] == _hours(max(asked, p.ready_at or asked), gone)


def test_re_request_after_changes_requested_opens_a_second_episode(mirror: Mirror) -> None:
    def case(p: Pull) -> tuple[str, list[datetime], list[Review]] | None:
        login = _re_request_after_changes(p)
        if login is None or p.events("review_request_removed") or len(p.asked(login)) != 2:
            return None
        asks, reviews = p.asked(login), p.answers({login})
        firsts = [r for r in (next((r for r in reviews if r.at >= a), None) for a in asks) if r]
        if len(firsts) < 2 or firsts[0] == firsts[1] or p.closed_between(asks[0], firsts[1].at):
            return None
        return login, asks, firsts

    p, (login, asks, firsts) = mirror.find("clean re-request", case)
    assert firsts[0].state == "CHANGES_REQUESTED" and firsts[0].at < asks[1]
    for number, (asked, answer) in enumerate(zip(asks, firsts, strict=True), 1):
        row = mirror.row(p, reviewer=login, episode=str(number))
        assert (row["outcome"], row["responder"]) == ("reviewed", login)
        assert (_ts(row["requested_at"]), _ts(row["ended_at"])) == (asked, answer.at)
        assert row["wait_hours"] == _hours(max(asked, p.ready_at or asked), answer.at)


def test_team_request_is_answered_by_its_first_reviewing_member(mirror: Mirror) -> None:
    p, (slug, first) = mirror.find(
        "team request answered by a member", lambda p: _team_answered_by_member(p, mirror.members)
    )
    asked = p.asked(team=slug)[0]
    row = mirror.row(p, reviewer_team=slug)
    assert first.login in mirror.members[slug] and not p.asked(first.login)
    assert (row["reviewer"], row["outcome"], row["responder"]) == ("", "reviewed", first.login)
    assert (_ts(row["requested_at"]), _ts(row["ended_at"])) == (asked, first.at)
    assert row["wait_hours"] == _hours(max(asked, p.ready_at or asked), first.at)


def test_request_made_on_a_draft_waits_for_ready(mirror: Mirror) -> None:
    def case(p: Pull, looked_at_the_draft: bool) -> tuple[str, datetime, datetime] | None:
        ready = p.ready_at
        if not _asked_while_draft(p) or ready is None:
            return None
        e = next(e for e in p.events("review_requested") if _ts(e["created_at"]) < ready)
        login, asked = e["requested_reviewer"]["login"], _ts(e["created_at"])
        answered = [r.at for r in p.answers({login}) if r.at >= asked]
        if len(p.asked(login)) != 1 or not answered or (answered[0] < ready) != looked_at_the_draft:
            return None
        return login, asked, answered[0]

    p, (login, asked, answered) = mirror.find("draft request", lambda p: case(p, False))
    row = mirror.row(p, reviewer=login)
    assert p.ready_at and asked < p.ready_at < answered
    assert (_ts(row["requested_at"]), _ts(row["start_at"])) == (asked, p.ready_at)
    assert (_ts(row["ended_at"]), row["wait_hours"]) == (answered, _hours(p.ready_at, answered))
    # a reviewer who looks at the draft before it is ready waits 0
    p, (login, asked, answered) = mirror.find("draft reviewed as a draft", lambda p: case(p, True))
    row = mirror.row(p, reviewer=login)
    assert (row["outcome"], _ts(row["ended_at"]), row["wait_hours"]) == (
        "reviewed",
        answered,
        "0.000000",
    )


def test_pr_nobody_is_asked_to_review_at_ready_gets_an_implicit_episode(mirror: Mirror) -> None:
    def case(p: Pull) -> Review | None:
        ready, asks = p.ready_at, p.asked()
        if ready is None or not asks or min(asks) < ready + timedelta(hours=1):
            return None
        first = next((r for r in p.answers() if r.at >= ready), None)
        return None if first is None or p.closed_between(ready, first.at) else first

    p, first = mirror.find("request made hours after ready, then a review", case)
    ready = p.ready_at or first.at
    row = mirror.row(p, reviewer="", reviewer_team="")
    assert (row["requested_at"], _ts(row["start_at"]), row["episode"]) == ("", ready, "1")
    assert (row["outcome"], row["responder"]) == ("reviewed", first.login)
    assert (_ts(row["ended_at"]), row["wait_hours"]) == (first.at, _hours(ready, first.at))
    later = [r for r in mirror.rows(p) if r["reviewer"]]  # the late request: an episode of its own
    assert later and all(_ts(r["requested_at"]) >= ready + timedelta(hours=1) for r in later)


def test_request_still_open_at_as_of_is_waiting_measured_to_as_of(mirror: Mirror) -> None:
    def case(p: Pull) -> tuple[str, datetime] | None:
        if p.item["state"] != "open" or p.ready_at is None or not p.item["requested_reviewers"]:
            return None
        login = p.item["requested_reviewers"][0]["login"]
        asks = p.asked(login)
        if len(asks) != 1 or p.answers({login}) or asks[0] > AS_OF - timedelta(days=3):
            return None
        return login, asks[0]

    p, (login, asked) = mirror.find("request waiting for days", case)
    row = mirror.row(p, reviewer=login)
    assert (row["outcome"], row["ended_at"], row["responder"]) == ("waiting", "", "")
    assert row["wait_hours"] == _hours(max(asked, p.ready_at or asked), AS_OF)
    assert float(row["wait_hours"]) > 72


# -- delivery: workflow runs, deployments, root files -----------------------------------------


@dataclass
class Delivery:
    """One repo's workflow runs, deployments with their statuses, and root files."""

    runs: Json
    deployments: list[Json]
    statuses: dict[int, list[Json]]
    files: dict[str, str]  # root file name -> text

    @property
    def workflow_runs(self) -> list[Json]:
        return list(self.runs["workflow_runs"])


@pytest.fixture(scope="module")
def delivery(mirror: Mirror) -> dict[str, Delivery]:
    """Each repo's delivery files, by repo name."""
    found: dict[str, Delivery] = {}
    for repo in mirror.repos:
        base = mirror.root / "repos" / "acme" / repo["name"]
        deployments = _read(base / "deployments.json")
        statuses = {d["id"]: _read(base / f"deployments/{d['id']}/statuses.json")
                    for d in deployments}  # fmt: skip
        files = {f.name: f.read_text() for f in (base / "contents").iterdir() if f.is_file()}
        found[repo["name"]] = Delivery(_read(base / "actions/runs.json"), deployments, statuses,
                                       files)  # fmt: skip
    return found


def _truth_rows(root: Path, name: str) -> list[dict[str, str]]:
    with (root / TRUTH_DIR / name).open(newline="") as f:
        return list(csv.DictReader(f))


def test_deployments_ship_merge_commits_of_merged_prs_after_the_merge(
    mirror: Mirror, delivery: dict[str, Delivery]
) -> None:
    merged = {(p.repo, p.item["merge_commit_sha"]): _ts(p.item["merged_at"])
              for p in mirror.pulls if p.item["merged_at"]}  # fmt: skip
    seen: list[Json] = []
    for repo, found in delivery.items():
        for d in found.deployments:
            assert (repo, d["sha"]) in merged, f"{repo}: deployment {d['id']} ships no merge"
            assert merged[(repo, d["sha"])] < _ts(d["created_at"]) <= AS_OF
            assert d["ref"] in ("main", d["sha"]) and d["task"] == "deploy"
            assert d["production_environment"] == (d["environment"] == "production")
            assert d["statuses_url"] == f"{d['url']}/statuses"
            seen.append(d)
    assert {d["environment"] for d in seen} == {"staging", "production"}
    assert any(d["ref"] == d["sha"] for d in seen), "a deployment of a bare sha"
    assert {d["creator"]["type"] for d in seen} == {"User", "Bot"}
    # the libraries publish packages, the mobile app ships through the app stores
    idle = sorted(r for r, found in delivery.items() if not found.deployments)
    assert idle == ["design-system", "mobile-app", "shared-libs"]


def test_deployment_statuses_end_as_github_leaves_them(delivery: dict[str, Delivery]) -> None:
    latest: list[str] = []
    for repo, found in delivery.items():
        live: dict[str, list[int]] = {}  # environment -> deployments whose last state is success
        successes: dict[str, list[datetime]] = {}
        for d in found.deployments:
            statuses = found.statuses[d["id"]]
            times = [s["created_at"] for s in statuses]
            assert times == sorted(times, reverse=True), f"{repo}/{d['id']}: not newest first"
            assert all(d["created_at"] <= t <= "2026-06-30T18:00:00Z" for t in times)
            assert d["updated_at"] == (times[0] if times else d["created_at"])
            states = [s["state"] for s in reversed(statuses)]
            latest.append(states[-1] if states else "")
            if "inactive" in states:  # only a success is made inactive, by a later one
                assert states[-2:] == ["success", "inactive"], states
            if states and states[-1] == "success":
                live.setdefault(d["environment"], []).append(d["id"])
            successes.setdefault(d["environment"], []).extend(
                _ts(s["created_at"]) for s in statuses if s["state"] == "success"
            )
            assert all(s["environment"] == d["environment"] for s in statuses)
            assert all(s["deployment_url"] == d["url"] for s in statuses)
        for env, ids in live.items():
            assert len(ids) == 1, f"{repo} {env}: {ids} all still live"
        for d in found.deployments:  # an inactive status comes with another deployment's success
            for s in found.statuses[d["id"]]:
                if s["state"] == "inactive":
                    assert _ts(s["created_at"]) in successes[d["environment"]]
    assert set(latest) >= {"", "success", "failure", "error", "inactive"}


def test_deployments_and_runs_are_listed_newest_first_with_unique_ids(
    delivery: dict[str, Delivery],
) -> None:
    deployments, statuses, runs, suites = [], [], [], []
    for found in delivery.values():
        listed = [(d["created_at"], d["id"]) for d in found.deployments]
        assert listed == sorted(listed, reverse=True)
        deployments += [d["id"] for d in found.deployments]
        statuses += [s["id"] for group in found.statuses.values() for s in group]
        assert found.runs["total_count"] == len(found.workflow_runs)
        ran = [(r["created_at"], r["id"], r["run_number"]) for r in found.workflow_runs]
        assert ran == sorted(ran, reverse=True)
        assert [n for _, _, n in ran] == list(range(len(ran), 0, -1))
        runs += [r["id"] for r in found.workflow_runs]
        suites += [r["check_suite_id"] for r in found.workflow_runs]
    for ids in (deployments, statuses, runs, suites):
        assert ids and len(set(ids)) == len(ids) and min(ids) > 0


def test_every_pr_head_has_a_ci_run_and_every_merge_a_push_run(
    mirror: Mirror, delivery: dict[str, Delivery]
) -> None:
    for p in mirror.pulls:
        runs = [
            r
            for r in delivery[p.repo].workflow_runs
            if r["event"] == "pull_request" and r["pull_requests"][0]["number"] == p.number
        ]
        committed = {c["sha"]: _ts(c["commit"]["committer"]["date"]) for c in p.commits}
        where = f"{p.repo}#{p.number}"
        assert p.item["head"]["sha"] in {r["head_sha"] for r in runs}, where
        for r in runs:
            assert r["head_sha"] in committed, where
            assert _ts(r["created_at"]) >= max(committed[r["head_sha"]], _ts(p.item["created_at"]))
            assert r["head_branch"] == p.item["head"]["ref"], where
            (pr,) = r["pull_requests"]
            assert (pr["id"], pr["head"]["sha"], pr["base"]["sha"]) == (
                p.item["id"], r["head_sha"], p.item["base"]["sha"]
            )  # fmt: skip
        if p.item["merged_at"]:
            pushed = [
                r
                for r in delivery[p.repo].workflow_runs
                if r["event"] == "push" and r["head_sha"] == p.item["merge_commit_sha"]
            ]
            assert len(pushed) == 1, where
            assert (pushed[0]["head_branch"], pushed[0]["pull_requests"]) == ("main", [])
            assert pushed[0]["created_at"] >= p.item["merged_at"]
    events = {r["event"] for found in delivery.values() for r in found.workflow_runs}
    assert events == {"pull_request", "push"}


def test_runs_stand_at_as_of_with_their_latest_attempt(delivery: dict[str, Delivery]) -> None:
    runs = [r for found in delivery.values() for r in found.workflow_runs]
    for r in runs:
        assert r["created_at"] <= r["run_started_at"] <= r["updated_at"] <= "2026-06-30T18:00:00Z"
        assert r["path"] == ".github/workflows/ci.yml" and r["head_commit"]["id"] == r["head_sha"]
        if r["status"] == "completed":
            assert r["conclusion"] in ("success", "failure")
        else:
            assert r["status"] in ("queued", "in_progress") and r["conclusion"] is None
        previous = f"{r['url']}/attempts/1" if r["run_attempt"] == 2 else None
        assert r["run_attempt"] in (1, 2) and r["previous_attempt_url"] == previous
    assert {r["status"] for r in runs} >= {"completed", "queued"} | {"in_progress"}
    assert {(r["run_attempt"], r["conclusion"]) for r in runs} >= {
        (1, "failure"), (2, "success"), (1, "success")
    }  # fmt: skip
    reruns = [r for r in runs if r["run_attempt"] == 2]
    assert all(r["run_started_at"] > r["created_at"] for r in reruns)
    # GitHub starts a first attempt when it is created: a wait for a runner is inside the run,
    # so a run still waiting at as_of is queued, changed last when it was asked for
    firsts = [r for r in runs if r["run_attempt"] == 1]
    assert all(r["run_started_at"] == r["created_at"] for r in firsts)
    assert all(r["updated_at"] == r["run_started_at"] for r in runs if r["status"] == "queued")


def test_a_rerun_keeps_its_failed_first_attempt(
    mirror: Mirror, delivery: dict[str, Delivery], real: dict[str, set[str]]
) -> None:
    """Each re-run's first attempt is a file of its own, as GET .../attempts/1 answers: the run
    with that attempt's times, over and failed before the re-run was asked for."""
    firsts = []
    for repo, found in delivery.items():
        for r in found.workflow_runs:
            path = mirror.root / f"repos/acme/{repo}/actions/runs/{r['id']}/attempts/1.json"
            assert path.is_file() == (r["run_attempt"] == 2)
            if r["run_attempt"] == 2:
                first = _read(path)
                assert (first["id"], first["run_attempt"], first["status"], first["conclusion"],
                        first["created_at"], first["previous_attempt_url"]) == (
                    r["id"], 1, "completed", "failure", r["created_at"], None)  # fmt: skip
                assert first["created_at"] == first["run_started_at"] < first["updated_at"]
                assert first["updated_at"] < r["run_started_at"]
                firsts.append(first)
    assert _lacking(real["run"], firsts) == []
    rows = _truth_rows(mirror.root, ATTEMPTS_TRUTH)
    truth = {
        (a["run_id"], a["conclusion"], a["updated_at"]) for a in rows if a["run_attempt"] == "1"
    }
    assert {(str(f["id"]), "failure", f["updated_at"]) for f in firsts} <= truth
    assert len(firsts) >= 10


# How each kind of manifest names the package its repo publishes ("": none).
_PUBLISHED_BY: dict[str, Callable[[str], str]] = {
    "pyproject.toml": lambda text: tomllib.loads(text)["project"]["name"],
    "package.json": lambda text: json.loads(text)["name"],
    "go.mod": lambda text: text.splitlines()[0].removeprefix("module "),
    "build.gradle.kts": lambda text: "com.acme:" + re.findall(r'artifactId = "(.+)"', text)[0]
    if "artifactId" in text else "",
}  # fmt: skip


def test_manifests_parse_and_repos_depend_on_each_other(
    mirror: Mirror, delivery: dict[str, Delivery]
) -> None:
    published: dict[str, str] = {}  # package -> the repo publishing it
    for repo, found in delivery.items():
        kept = [name for name in found.files if is_manifest(name)]
        assert kept or repo == "infra-live", f"{repo}: no manifest at the root"
        for name, text in found.files.items():
            if name == "pyproject.toml":
                project = tomllib.loads(text)["project"]
                assert project["dependencies"] and all(
                    isinstance(d, str) for d in project["dependencies"]
                )
            elif name == "package.json":
                doc = json.loads(text)
                assert doc["dependencies"] and doc["name"]
            elif name == "requirements.txt":
                lines = [x for x in text.splitlines() if not x.startswith("#")]
                assert all(re.fullmatch(r"[a-z0-9._-]+==[0-9.]+", x) for x in lines), lines
            elif name == "go.mod":
                assert text.startswith(f"module github.com/acme/{repo}\n")
                assert all(re.fullmatch(r"\t\S+ v\d+\.\d+\.\d+", x) for x in
                           text.split("require (\n")[1].split("\n)")[0].splitlines())  # fmt: skip
            if name in _PUBLISHED_BY and (package := _PUBLISHED_BY[name](text)):
                published[package] = repo
    # workspace members publish packages of their own, from manifests in their folders (git)
    for bare in sorted((mirror.root / "git" / "acme").glob("*.git")):
        tree = git.Repo(bare).git.ls_tree("-r", "--name-only", "HEAD").splitlines()
        for path in tree:
            if re.fullmatch(r"packages/[^/]+/package\.json", path):
                text = git.Repo(bare).git.show(f"HEAD:{path}")
                published[json.loads(text)["name"]] = bare.name.removesuffix(".git")
    assert sum("README.md" in found.files for found in delivery.values()) >= 2
    edges = _truth_rows(mirror.root, DEPENDENCIES_TRUTH)
    internal = [(e["repo"], e["package"], e["internal_repo"]) for e in edges if e["internal_repo"]]
    for repo, package, publisher in internal:
        assert published.get(package) == publisher != repo.removeprefix("acme/")
        assert package in delivery[repo.removeprefix("acme/")].files[
            next(e["manifest"] for e in edges if (e["repo"], e["package"]) == (repo, package))
        ]  # fmt: skip
    assert len({(r, p) for r, p, _ in internal}) >= 5 and len({p for _, _, p in internal}) >= 4


def test_delivery_truth_matches_the_files(mirror: Mirror, delivery: dict[str, Delivery]) -> None:
    deployed = {(f"acme/{repo}", str(d["id"]), d["environment"], d["sha"], d["ref"],
                 d["created_at"], found.statuses[d["id"]][0]["state"]
                 if found.statuses[d["id"]] else "")
                for repo, found in delivery.items() for d in found.deployments}  # fmt: skip
    rows = _truth_rows(mirror.root, DEPLOYMENTS_TRUTH)
    assert {(r["repo"], r["deployment_id"], r["environment"], r["sha"], r["ref"],
             r["created_at"], r["state"]) for r in rows} == deployed  # fmt: skip
    ran = {(f"acme/{repo}", str(r["id"]), r["event"], r["status"], r["conclusion"] or "",
            str(r["run_attempt"]), r["updated_at"])
           for repo, found in delivery.items() for r in found.workflow_runs}  # fmt: skip
    rows = _truth_rows(mirror.root, RUNS_TRUTH)
    assert {(r["repo"], r["run_id"], r["event"], r["status"], r["conclusion"], r["run_attempt"],
             r["updated_at"]) for r in rows} == ran  # fmt: skip
    activity = _read(mirror.root / TRUTH_DIR / ACTIVITY_TRUTH)["repos"]
    assert set(activity) == set(delivery)
    for repo, found in delivery.items():
        assert activity[repo] == {
            "workflow_runs": found.runs["total_count"], "deployments": len(found.deployments),
            "deployment_statuses": sum(map(len, found.statuses.values())),
            "manifests": sorted(n for n in found.files if n in _PUBLISHED_BY
                                or n in ("requirements.txt", "versions.tf")),
            "readme": "README.md" in found.files,
        }  # fmt: skip


def test_runs_and_deployments_carry_githubs_keys(
    delivery: dict[str, Delivery], real: dict[str, set[str]]
) -> None:
    runs = [r for found in delivery.values() for r in found.workflow_runs]
    deployments = [d for found in delivery.values() for d in found.deployments]
    statuses = [s for found in delivery.values() for group in found.statuses.values()
                for s in group]  # fmt: skip
    assert _lacking(real["deployment"], deployments) == []
    assert _lacking(real["deployment_status"], statuses) == []
    assert _lacking(real["run"], runs) == []
    assert _lacking(real["run.head_commit"], [r["head_commit"] for r in runs]) == []
    assert _lacking(real["run.repository"], [r["repository"] for r in runs]) == []
    assert set(runs[0]["repository"]) == real["run.repository"]  # minimal: no dates or settings
    pulls = [pr for r in runs for pr in r["pull_requests"]]
    assert _lacking(real["run.pull_request"], pulls) == []


def test_a_run_spliced_with_its_repository_is_the_run_dumped_whole(
    delivery: dict[str, Delivery],
) -> None:
    for run in delivery["billing"].workflow_runs[:50]:
        repo = json.dumps(run["repository"], separators=(",", ":"))
        assert sample_org._run_text(run, repo) == json.dumps(run, separators=(",", ":"))


def test_delivery_draws_leave_the_prs_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(tmp_path / "full", prs=60)

    def nothing(*_: object) -> None:
        return None

    monkeypatch.setattr(sample_org._DeliveryWriter, "write_repo", nothing)
    generate(tmp_path / "bare", prs=60)
    full, bare = _files(tmp_path / "full"), _files(tmp_path / "bare")
    kept = {name for name in bare if not name.startswith(f"{TRUTH_DIR}/")}
    kept |= {f"{TRUTH_DIR}/review_wait.csv", f"{TRUTH_DIR}/summary.json"}
    assert [name for name in sorted(kept) if full[name] != bare[name]] == []
    added = {name.split("/")[3] for name in set(full) - set(bare) if name.startswith("repos/")}
    assert added == {"actions", "deployments", "deployments.json", "contents", "dependency-graph"}
