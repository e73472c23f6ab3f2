"""The core SQL parses GitHub's real payloads: recorded responses go through the real store
function into a real DuckDB warehouse, and the core tables read back hold what the recordings say.

Every expected value below was read by hand from the recording named next to it (paths under
../shared/realdata, see its SOURCES.md), never from a query's own output.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from miner.config import Config
from miner.raw import RawBatch, batch_of, trimmed_run
from miner.transform import rebuild
from miner.warehouse import Warehouse
from tests.realdata import (
    GITHUB3PY_CASSETTES,
    OCTOKIT_RB_CASSETTES,
    PYGITHUB_REPLAY,
    REALDATA,
    Exchange,
    RecordingError,
    cassette_exchanges,
    devlake_rows,
    replay_exchanges,
    replay_json,
    require_realdata,
)


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, sec: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, sec, tzinfo=UTC)


def _hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


@dataclass(frozen=True)
class Load:
    """What one warehouse is built from: an org's batches and when the data was taken."""

    org: str
    batches: Sequence[RawBatch]
    as_of: datetime


def _warehouse(path: Path, loads: Sequence[Load]) -> Warehouse:
    """A real warehouse file holding `loads` through Warehouse.store, rebuilt with no config."""
    wh = Warehouse.open(path)
    for load in loads:
        run = wh.start_run("import", load.org, "realdata")
        for batch in load.batches:
            wh.store(batch, run)
        wh.finish_run(run, status="ok", as_of=load.as_of)
    rebuild(wh, Config())
    return wh


def _single(wh: Warehouse, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...]:
    rows = wh.query(sql, params)
    assert len(rows) == 1, rows
    return rows[0]


# -- PyGithub/PyGithub: PRs 31 and 538 from PyGithub's ReplayData ----------------------------

PYGITHUB = "PyGithub"
PYGITHUB_REPO = "PyGithub/PyGithub"


def _pygithub_load() -> Load:
    repo = replay_json("PullRequest.setUp.txt", "GET", "/repos/PyGithub/PyGithub")
    pr31 = replay_json("PullRequest.setUp.txt", "GET", "/repos/PyGithub/PyGithub/pulls/31")
    pr538 = replay_json(
        "PullRequestReview.testDoesNotModifyPullRequest.txt",
        "GET",
        "/repos/PyGithub/PyGithub/pulls/538",
    )
    timeline31 = replay_json(
        "PullRequest.testGetIssueTimeline.txt", "GET", "/repos/PyGithub/PyGithub/issues/31/timeline"
    )
    commits31 = replay_json(
        "PullRequest.testGetCommits.txt", "GET", "/repos/PyGithub/PyGithub/pulls/31/commits"
    )
    files31 = replay_json(
        "PullRequest.testGetFiles.txt", "GET", "/repos/PyGithub/PyGithub/pulls/31/files"
    )
    reviews538 = replay_json(
        "PullRequestReview.testAttributes.txt", "GET", "/repos/PyGithub/PyGithub/pulls/538/reviews"
    )
    # IssueEvent.setUp.txt fetched issue events one by one. The timeline of an issue lists the
    # same event objects oldest first, so each PR's events, in time order, are its timeline
    # (less the kinds only the timeline has, like commits and reviews).
    events: dict[int, list[Any]] = {}
    for exchange in replay_exchanges(PYGITHUB_REPLAY / "IssueEvent.setUp.txt"):
        if "/issues/events/" in exchange.path:
            event = exchange.json()
            if "pull_request" in event["issue"]:
                events.setdefault(event["issue"]["number"], []).append(event)
    batches = [
        batch_of("repos", PYGITHUB, None, None, [repo], replace=True),
        batch_of("pulls", PYGITHUB, PYGITHUB_REPO, None, [pr31, pr538], replace=False),
        batch_of("timeline", PYGITHUB, PYGITHUB_REPO, "31", timeline31, replace=True),
        batch_of("commits", PYGITHUB, PYGITHUB_REPO, "31", commits31, replace=True),
        batch_of("files", PYGITHUB, PYGITHUB_REPO, "31", files31, replace=True),
        batch_of("reviews", PYGITHUB, PYGITHUB_REPO, "538", reviews538, replace=True),
        *(
            batch_of(
                "timeline",
                PYGITHUB,
                PYGITHUB_REPO,
                str(number),
                sorted(evs, key=lambda e: (e["created_at"], e["id"])),
                replace=True,
            )
            for number, evs in events.items()
        ),
    ]
    # The Date header of the timeline recording: when this data was taken.
    return Load(PYGITHUB, batches, _utc(2025, 3, 9, 13, 8, 59))


@pytest.fixture(scope="module")
def pygithub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    require_realdata()
    wh = _warehouse(tmp_path_factory.mktemp("pygithub") / "w.duckdb", [_pygithub_load()])
    yield wh
    wh.close()


def test_pull_request_fields_come_from_the_real_pr_payload(pygithub: Warehouse) -> None:
    # PullRequest.setUp.txt, GET /repos/PyGithub/PyGithub/pulls/31
    row = _single(
        pygithub,
        "select org, repo, number, pr_id, author, state, is_draft, created_at, closed_at, "
        "merged_at, merge_commit_sha, base_ref, head_ref, head_sha, html_url, ready_at "
        "from pull_requests where number = 31",
    )
    assert row == (
        "PyGithub",
        "PyGithub/PyGithub",
        31,
        1436215,
        "jacquev6",
        "closed",
        False,
        _utc(2012, 5, 27, 9, 25, 36),
        _utc(2012, 5, 27, 10, 29, 7),
        _utc(2012, 5, 27, 10, 29, 7),
        "28ae6dd10ebccd5eaf8db8dacb5b699ee7f4a663",
        "topic/RewriteWithGeneratedCode",
        "master",
        "8a4f306d4b223682dd19410d4a9150636ebe4206",
        "https://github.com/PyGithub/PyGithub/pull/31",
        _utc(2012, 5, 27, 9, 25, 36),
    )


def test_pr_payload_without_a_draft_key_is_not_a_draft(pygithub: Warehouse) -> None:
    # PR 538 was recorded before GitHub had drafts (2019): its payload has no "draft" key at all.
    pr = replay_json(
        "PullRequestReview.testDoesNotModifyPullRequest.txt",
        "GET",
        "/repos/PyGithub/PyGithub/pulls/538",
    )
    assert "draft" not in pr
    row = _single(
        pygithub,
        "select author, is_draft, created_at, merged_at, ready_at "
        "from pull_requests where number = 538",
    )
    created = _utc(2017, 3, 20, 21, 0, 37)
    assert row == ("allevin", False, created, _utc(2017, 3, 25, 16, 52, 49), created)


def test_committed_timeline_item_takes_author_date(pygithub: Warehouse) -> None:
    # PullRequest.testGetIssueTimeline.txt item 0: {"sha": "4aadfff…", "author": {"date":
    # "2012-05-27T07:33:23Z", …}} with no created_at, no id and no actor.
    item = replay_json(
        "PullRequest.testGetIssueTimeline.txt", "GET", "/repos/PyGithub/PyGithub/issues/31/timeline"
    )[0]
    assert item["event"] == "committed" and "created_at" not in item and "id" not in item
    row = _single(
        pygithub,
        "select event, occurred_at, actor, commit_sha, event_id from pr_events "
        "where pr_number = 31 and seq = 0",
    )
    assert row == (
        "committed",
        _utc(2012, 5, 27, 7, 33, 23),
        None,
        "4aadfff21cdd2d2566b0e4bd7309c233b5f4ae23",
        None,
    )


def test_reviewed_timeline_item_takes_submitted_at_and_its_user(pygithub: Warehouse) -> None:
    # Timeline item 12: a review object (user, state "commented" in lower case, submitted_at).
    row = _single(
        pygithub,
        "select event, occurred_at, actor, review_state, commit_sha, event_id from pr_events "
        "where pr_number = 31 and seq = 12",
    )
    assert row == (
        "reviewed",
        _utc(2018, 3, 21, 12, 34, 59),
        "sfdye",
        "commented",
        "8a4f306d4b223682dd19410d4a9150636ebe4206",
        105701257,
    )


def test_every_timeline_item_becomes_one_event_in_github_order(pygithub: Warehouse) -> None:
    rows = pygithub.query(
        "select seq, event, occurred_at, actor from pr_events where pr_number = 31 order by seq"
    )
    assert [(seq, event) for seq, event, _, _ in rows] == list(
        enumerate(
            [
                "committed",
                "committed",
                "committed",
                "subscribed",
                "referenced",
                "merged",
                "closed",
                "commented",
                "line-commented",
                "assigned",
                "labeled",
                "cross-referenced",
                "reviewed",
                "reviewed",
            ]
        )
    )
    by_seq = {seq: (occurred_at, actor) for seq, _, occurred_at, actor in rows}
    assert by_seq[5] == (_utc(2012, 5, 27, 10, 29, 7), "jacquev6")  # merged
    assert by_seq[11] == (_utc(2018, 2, 3, 18, 9, 23), "byohay")  # cross-referenced: no id
    # line-commented carries only its comments: no created_at, actor or id. It stays, with NULLs.
    assert by_seq[8] == (None, None)


def test_review_requested_event_names_actor_and_requested_reviewer(pygithub: Warehouse) -> None:
    # IssueEvent.setUp.txt, GET /repos/PyGithub/PyGithub/issues/events/1011101309
    row = _single(
        pygithub,
        "select event, occurred_at, actor, requested_reviewer, requested_team, event_id "
        "from pr_events where pr_number = 538 and event = 'review_requested'",
    )
    assert row == (
        "review_requested",
        _utc(2017, 3, 22, 19, 6, 44),
        "jzelinskie",
        "jzelinskie",
        None,
        1011101309,
    )


def test_review_request_removed_event_names_the_removed_reviewer(pygithub: Warehouse) -> None:
    # IssueEvent.setUp.txt, GET /repos/PyGithub/PyGithub/issues/events/1783779835
    row = _single(
        pygithub,
        "select occurred_at, actor, requested_reviewer, requested_team from pr_events "
        "where pr_number = 857 and event = 'review_request_removed'",
    )
    assert row == (_utc(2018, 8, 11, 12, 32, 59), "sfdye", "jasonwhite", None)


def test_review_dismissed_event_names_the_review_and_the_state_it_had(pygithub: Warehouse) -> None:
    # IssueEvent.setUp.txt, GET /repos/PyGithub/PyGithub/issues/events/1783605084:
    # "dismissed_review": {"state": "changes_requested", "review_id": 145431295,
    # "dismissal_message": "dismiss"}, no dismissal_commit_id key, and "commit_id": null.
    row = _single(
        pygithub,
        "select occurred_at, actor, dismissed_review_id, dismissed_state, commit_sha, event_id "
        "from pr_events where pr_number = 857 and event = 'review_dismissed'",
    )
    assert row == (
        _utc(2018, 8, 11, 1, 7, 10),
        "sfdye",
        145431295,
        "CHANGES_REQUESTED",
        None,
        1783605084,
    )


def test_pr_commits_read_offset_dates_as_the_same_instant(pygithub: Warehouse) -> None:
    # PullRequest.testGetCommits.txt dates are "2012-05-27T00:33:23-07:00"; the timeline has the
    # same commit at "2012-05-27T07:33:23Z".
    rows = pygithub.query(
        "select sha, author, author_email, authored_at, committed_at from pr_commits "
        "where pr_number = 31 order by authored_at"
    )
    assert rows == [
        (
            "4aadfff21cdd2d2566b0e4bd7309c233b5f4ae23",
            "jacquev6",
            "vincent@vincent-jacques.net",
            _utc(2012, 5, 27, 7, 33, 23),
            _utc(2012, 5, 27, 7, 33, 23),
        ),
        (
            "93dcae5cf207de376c91d0599226e7c7563e1d16",
            "jacquev6",
            "vincent@vincent-jacques.net",
            _utc(2012, 5, 27, 7, 37, 17),
            _utc(2012, 5, 27, 7, 37, 17),
        ),
        (
            "8a4f306d4b223682dd19410d4a9150636ebe4206",
            "jacquev6",
            "vincent@vincent-jacques.net",
            _utc(2012, 5, 27, 9, 7, 47),
            _utc(2012, 5, 27, 9, 7, 47),
        ),
    ]
    committed = pygithub.query(
        "select commit_sha, occurred_at from pr_events where pr_number = 31 "
        "and event = 'committed' order by seq"
    )
    assert committed == [(sha, at) for sha, _, _, at, _ in rows]


def test_pr_files_keep_every_listed_file_with_its_counts(pygithub: Warehouse) -> None:
    files = replay_json(
        "PullRequest.testGetFiles.txt", "GET", "/repos/PyGithub/PyGithub/pulls/31/files"
    )
    rows = pygithub.query(
        "select path, status, additions, deletions, previous_path from pr_files "
        "where pr_number = 31 order by path"
    )
    assert len(rows) == len(files) == 45
    assert rows == sorted(
        (f["filename"], f["status"], f["additions"], f["deletions"], None) for f in files
    )
    assert ("src/github/AuthenticatedUser.py", "modified", 25, 25, None) in rows
    assert ("test/ReplayData/Issue.testGetLabels.txt", "added", 5, 0, None) in rows


def test_review_fields_come_from_the_real_reviews_list(pygithub: Warehouse) -> None:
    # PullRequestReview.testAttributes.txt, GET /repos/PyGithub/PyGithub/pulls/538/reviews
    rows = pygithub.query(
        "select review_id, reviewer, reviewer_is_bot, state, submitted_at, commit_sha, "
        "author_association from reviews where pr_number = 538 order by submitted_at"
    )
    assert len(rows) == 5
    assert rows[0] == (
        28482091,
        "jzelinskie",
        False,
        "APPROVED",
        _utc(2017, 3, 22, 19, 6, 59),
        "7a0fcb27b7cd6c346fc3f76216ccb6e0f4ca3bcc",
        "OWNER",
    )
    assert rows[1][:5] == (
        104584375,
        "electrofelix",
        False,
        "COMMENTED",
        _utc(2018, 3, 16, 14, 23, 47),
    )


def test_repo_fields_come_from_the_real_repo_payload(pygithub: Warehouse) -> None:
    row = _single(
        pygithub,
        "select org, repo, name, repo_id, default_branch, is_private, is_archived, is_fork, "
        "created_at, pushed_at from repos",
    )
    assert row == (
        "PyGithub",
        "PyGithub/PyGithub",
        "PyGithub",
        3544490,
        "master",
        False,
        False,
        False,
        _utc(2012, 2, 25, 12, 53, 47),
        _utc(2023, 6, 7, 6, 56, 40),
    )


def test_review_wait_of_a_real_pr_with_its_request_and_reviews(pygithub: Warehouse) -> None:
    # PR 538 (allevin), opened 2017-03-20T21:00:37Z, merged 2017-03-25T16:52:49Z. jzelinskie was
    # asked at 2017-03-22T19:06:44Z and approved 15 seconds later, at 19:06:59Z. The request came
    # two days after the PR opened, so the PR also waited from ready_at with nobody asked (the
    # implicit episode, review_wait.sql's reading), until that same first eligible review.
    # No teams are loaded, so author and reviewer are both 'unassigned': not cross-team.
    opened, asked, approved = (
        _utc(2017, 3, 20, 21, 0, 37),
        _utc(2017, 3, 22, 19, 6, 44),
        _utc(2017, 3, 22, 19, 6, 59),
    )
    rows = pygithub.query(
        "select reviewer, reviewer_team, episode, requested_at, start_at, ended_at, outcome, "
        "responder, is_cross_team, wait_hours from review_wait "
        "where pr_number = 538 order by requested_at nulls first"
    )
    assert [r[:-1] for r in rows] == [
        (None, None, 1, None, opened, approved, "reviewed", "jzelinskie", False),
        ("jzelinskie", None, 1, asked, asked, approved, "reviewed", "jzelinskie", False),
    ]
    assert [r[-1] for r in rows] == pytest.approx([46 + 6 / 60 + 22 / 3600, 15 / 3600])


def test_review_wait_of_a_pr_merged_before_any_review_is_unanswered(pygithub: Warehouse) -> None:
    # PR 31: opened 09:25:36Z, merged and closed 10:29:07Z the same day; no review_requested in
    # its timeline and its recorded reviews (2018) are timeline items, not in `reviews`.
    row = _single(
        pygithub,
        "select reviewer, requested_at, start_at, ended_at, outcome, responder, wait_hours "
        "from review_wait where pr_number = 31",
    )
    assert row[:-1] == (
        None,
        None,
        _utc(2012, 5, 27, 9, 25, 36),
        _utc(2012, 5, 27, 10, 29, 7),
        "unanswered",
        None,
    )
    assert row[-1] == pytest.approx(1 + 3 / 60 + 31 / 3600)


# -- panjf2000/ants: DevLake's raw tables ----------------------------------------------------

ANTS = "panjf2000"
ANTS_REPO = "panjf2000/ants"


def _issue_number(api_url: str) -> str:
    """The number at the end of an `issue_url` (…/repos/o/r/issues/13)."""
    return api_url.rstrip("/").rsplit("/", 1)[1]


def _by_parent(pairs: Sequence[tuple[str, Any]]) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for parent, payload in pairs:
        grouped.setdefault(parent, []).append(payload)
    return grouped


def _ants_load() -> Load:
    pulls = devlake_rows("_raw_github_api_pull_requests.csv")
    reviews = _by_parent(
        [
            (str(r.input["Number"]), r.data)
            for r in devlake_rows("_raw_github_api_pull_request_reviews.csv")
        ]
    )
    commits = _by_parent(
        [
            (str(r.input["Number"]), r.data)
            for r in devlake_rows("_raw_github_api_pull_request_commits.csv")
        ]
    )
    comments = _by_parent(
        [
            (_issue_number(r.data["issue_url"]), r.data)
            for r in devlake_rows("_raw_github_api_comments.csv")
        ]
    )
    # The repo-wide issue events page lists newest first; an issue's timeline lists oldest first.
    events = _by_parent(
        [
            (str(r.data["issue"]["number"]), r.data)
            for r in sorted(
                devlake_rows("_raw_github_api_events.csv"),
                key=lambda r: (r.data["created_at"], r.data["id"]),
            )
            if "pull_request" in r.data["issue"]
        ]
    )
    batches = [batch_of("pulls", ANTS, ANTS_REPO, None, [r.data for r in pulls], replace=False)]
    for resource, grouped in (
        ("reviews", reviews),
        ("commits", commits),
        ("comments", comments),
        ("timeline", events),
    ):
        batches += [
            batch_of(resource, ANTS, ANTS_REPO, parent, payloads, replace=True)
            for parent, payloads in grouped.items()
        ]
    # DevLake fetched the first page of pulls at 2022-06-13 15:35:59 (its created_at column).
    return Load(ANTS, batches, _utc(2022, 6, 13, 15, 35, 59))


@pytest.fixture(scope="module")
def ants(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    require_realdata()
    wh = _warehouse(tmp_path_factory.mktemp("ants") / "w.duckdb", [_ants_load()])
    yield wh
    wh.close()


def test_a_pr_listed_twice_in_one_page_is_one_pull_request(ants: Warehouse) -> None:
    numbers = {r.data["number"] for r in devlake_rows("_raw_github_api_pull_requests.csv")}
    assert len(numbers) == 49  # 50 rows: PR 4 appears twice
    assert ants.query("select count(*), count(distinct number) from pull_requests") == [(49, 49)]


def test_closed_unmerged_pr_has_null_merged_at(ants: Warehouse) -> None:
    # PR 8 (hongli-my): "closed_at": "…", "merged_at": null, "merge_commit_sha": "…"
    pr = next(
        r.data for r in devlake_rows("_raw_github_api_pull_requests.csv") if r.data["number"] == 8
    )
    assert pr["merged_at"] is None and pr["closed_at"] is not None
    row = _single(
        ants,
        "select author, state, closed_at, merged_at from pull_requests where number = 8",
    )
    assert row == ("hongli-my", "closed", datetime.fromisoformat(pr["closed_at"]), None)


def test_only_a_merged_pr_has_a_merge_commit(ants: Warehouse) -> None:
    # REST gives every PR a merge_commit_sha: for one not merged it is GitHub's test merge of
    # head into base, a commit no branch ever holds (GraphQL's mergeCommit is null until the
    # merge). PR 8 (closed, "merged_at": null) says 74ba726…, PR 211 (open) abc622e…; PR 41
    # merged at 2019-08-20T10:55:19Z as faef79b….
    recorded = {
        r.data["number"]: (r.data["merged_at"], r.data["merge_commit_sha"])
        for r in devlake_rows("_raw_github_api_pull_requests.csv")
    }
    assert recorded[8] == (None, "74ba726f34abe487b7defac6bb9bebf24d342377")
    assert recorded[211] == (None, "abc622e2696d0f5c1521c96dd206fc2a25c45ad4")
    rows = ants.query(
        "select number, state, merged_at, merge_commit_sha from pull_requests "
        "where number in (8, 41, 211) order by number"
    )
    assert rows == [
        (8, "closed", None, None),
        (41, "closed", _utc(2019, 8, 20, 10, 55, 19), "faef79b7d8a4876da8a215d7794cce20c710aaa2"),
        (211, "open", None, None),
    ]


def test_pr_opened_as_draft_is_ready_at_its_first_ready_for_review(ants: Warehouse) -> None:
    # PR 211 (lucafmarques) was created 2022-02-07T21:31:30Z and is not a draft now; its first
    # draft-related event is ready_for_review at 21:31:56Z (events row 83), so it opened as a draft.
    row = _single(
        ants,
        "select author, state, is_draft, created_at, ready_at from pull_requests "
        "where number = 211",
    )
    assert row == (
        "lucafmarques",
        "open",
        False,
        _utc(2022, 2, 7, 21, 31, 30),
        _utc(2022, 2, 7, 21, 31, 56),
    )
    event = _single(
        ants,
        "select event, occurred_at, actor, event_id from pr_events "
        "where pr_number = 211 and event = 'ready_for_review'",
    )
    assert event == ("ready_for_review", _utc(2022, 2, 7, 21, 31, 56), "lucafmarques", 6022440198)


def test_reviews_listed_twice_are_one_review_each(ants: Warehouse) -> None:
    recorded = [r.data for r in devlake_rows("_raw_github_api_pull_request_reviews.csv")]
    assert len(recorded) == 31 and len({r["id"] for r in recorded}) == 30
    assert ants.query("select count(*), count(distinct review_id) from reviews") == [(30, 30)]


def test_changes_requested_review_keeps_its_state_and_time(ants: Warehouse) -> None:
    # _raw_github_api_pull_request_reviews.csv, input {"Number": 53}, review 298229495
    row = _single(
        ants,
        "select pr_number, reviewer, state, submitted_at, author_association from reviews "
        "where review_id = 298229495",
    )
    assert row == (53, "panjf2000", "CHANGES_REQUESTED", _utc(2019, 10, 7, 16, 56, 26), "OWNER")


def test_commit_without_a_github_account_has_null_author_and_keeps_its_email(
    ants: Warehouse,
) -> None:
    # PR 158's commit 9d8f5b0… has "author": null (kn@kode.ru is linked to no GitHub account).
    row = _single(
        ants,
        "select pr_number, author, author_email, authored_at from pr_commits "
        "where sha = '9d8f5b006eeed2b951858ebc01adf5ea0335f895'",
    )
    assert row == (158, None, "kn@kode.ru", _utc(2021, 5, 27, 8, 32, 42))
    recorded = devlake_rows("_raw_github_api_pull_request_commits.csv")
    assert ants.query("select count(*) from pr_commits where author is null") == [
        (sum(1 for r in recorded if r.data["author"] is None),)
    ]


def test_bot_comment_is_flagged_and_a_duplicate_row_is_one_comment(ants: Warehouse) -> None:
    # _raw_github_api_comments.csv rows 316 and 3162 are both comment 407675431 by codecov[bot]
    # (user.type "Bot") on PR 4.
    row = _single(
        ants,
        "select pr_number, author, author_is_bot, created_at from pr_comments "
        "where comment_id = 407675431",
    )
    assert row == (4, "codecov[bot]", True, _utc(2018, 7, 25, 8, 25, 22))
    human = _single(
        ants, "select author, author_is_bot from pr_comments where comment_id = 407714136"
    )
    assert human == ("panjf2000", False)


def test_review_wait_ignores_the_authors_own_review(ants: Warehouse) -> None:
    # PR 41 by choleraehyq, opened 2019-08-20T03:24:27Z, no request events. choleraehyq commented
    # on it first (09:05:02Z); the first review by someone else is panjf2000's at 09:19:55Z.
    row = _single(
        ants,
        "select reviewer, start_at, ended_at, outcome, responder, wait_hours from review_wait "
        "where pr_number = 41",
    )
    start, reviewed = _utc(2019, 8, 20, 3, 24, 27), _utc(2019, 8, 20, 9, 19, 55)
    assert row[:-1] == (None, start, reviewed, "reviewed", "panjf2000")
    assert row[-1] == pytest.approx(5 + 55 / 60 + 28 / 3600)


def test_review_wait_of_an_open_pr_runs_to_as_of_from_ready_at(ants: Warehouse) -> None:
    # PR 211: ready at 2022-02-07T21:31:56Z, no review, open when DevLake took the data.
    row = _single(
        ants,
        "select start_at, ended_at, outcome, responder, wait_hours from review_wait "
        "where pr_number = 211",
    )
    ready = _utc(2022, 2, 7, 21, 31, 56)
    assert row[:-1] == (ready, None, "waiting", None)
    assert row[-1] == pytest.approx(_hours(ready, _utc(2022, 6, 13, 15, 35, 59)))


def test_devlake_reader_keeps_the_malformed_params_row() -> None:
    require_realdata()
    rows = devlake_rows("_raw_github_api_events.csv")
    malformed = [r for r in rows if r.params == '{"ConnectionId":,"Name":"panjf2000/ants"}']
    assert [r.id for r in malformed] == [100]
    with pytest.raises(json.JSONDecodeError):
        json.loads(malformed[0].params)


# -- github3py: teams, members, repos, and PRs from github3.py's Betamax cassettes ------------

GITHUB3PY = "github3py"
SIGMAVIRUS = "sigmavirus24"
GITHUB3_REPO = "sigmavirus24/github3.py"


def _cassette_json(name: str, method: str, request_path: str) -> Any:
    matches = [
        e
        for e in cassette_exchanges(GITHUB3PY_CASSETTES / name)
        if e.method == method and e.path == request_path
    ]
    assert len(matches) == 1, (name, method, request_path, [e.path for e in matches])
    return matches[0].json()


def _github3py_loads() -> list[Load]:
    teams = _cassette_json("Organization_team.json", "GET", "/orgs/github3py/teams?per_page=100")
    owners = _cassette_json(
        "Team_members.json", "GET", "/organizations/1782156/team/189901/members?per_page=100"
    )
    members = _cassette_json(
        "Organization_members.json", "GET", "/orgs/github3py/members?per_page=100"
    )
    repo = _cassette_json("Repository_teams.json", "GET", "/repos/github3py/fork_this")
    pr671 = _cassette_json(
        "PullRequest_pull_reviews.json", "GET", f"/repos/{GITHUB3_REPO}/pulls/671"
    )
    reviews671 = _cassette_json(
        "PullRequest_pull_reviews.json",
        "GET",
        f"/repos/{GITHUB3_REPO}/pulls/671/reviews?per_page=100",
    )
    org = Load(
        GITHUB3PY,
        [
            batch_of("teams", GITHUB3PY, None, None, teams, replace=True),
            batch_of("team_members", GITHUB3PY, None, "owners", owners, replace=True),
            batch_of("members", GITHUB3PY, None, None, members, replace=True),
            batch_of("repos", GITHUB3PY, None, None, [repo], replace=True),
        ],
        _utc(2019, 1, 1),
    )
    prs = Load(
        SIGMAVIRUS,
        [
            batch_of("pulls", SIGMAVIRUS, GITHUB3_REPO, None, [pr671], replace=False),
            batch_of("reviews", SIGMAVIRUS, GITHUB3_REPO, "671", reviews671, replace=True),
        ],
        _utc(2019, 1, 1),
    )
    return [org, prs]


@pytest.fixture(scope="module")
def github3py(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    require_realdata()
    wh = _warehouse(tmp_path_factory.mktemp("github3py") / "w.duckdb", _github3py_loads())
    yield wh
    wh.close()


def test_teams_keep_slug_name_privacy_and_parent_slug(github3py: Warehouse) -> None:
    # Organization_team.json: fork_this-admin has "parent": {"slug": "fork_this-committers", …};
    # the other five have "parent": null.
    rows = github3py.query(
        "select team, name, team_id, parent_team, privacy from teams where org = 'github3py' "
        "order by team"
    )
    assert rows == [
        ("collaborators", "Collaborators", 190083, None, "closed"),
        ("contributors", "Contributors", 190009, None, "closed"),
        ("do-not-delete", "Do Not Delete", 923595, None, "closed"),
        ("fork_this-admin", "fork_this admin", 2588992, "fork_this-committers", "closed"),
        ("fork_this-committers", "fork_this committers", 1833367, None, "closed"),
        ("owners", "Owners", 189901, None, "closed"),
    ]


def test_team_members_count_for_their_team_and_others_are_unassigned(github3py: Warehouse) -> None:
    # Team_members.json: owners = sigmavirus24, omgjlk, esacteksab, itsmemattchung.
    # Organization_members.json adds gh3test and seveas, who are in no recorded team.
    rows = github3py.query(
        "select login, type, is_bot, teams from people where org = 'github3py' order by login"
    )
    assert rows == [
        ("esacteksab", "User", False, ["owners"]),
        ("gh3test", "User", False, ["unassigned"]),
        ("itsmemattchung", "User", False, ["owners"]),
        ("omgjlk", "User", False, ["owners"]),
        ("seveas", "User", False, ["unassigned"]),
        ("sigmavirus24", "User", False, ["owners"]),
    ]
    assert github3py.query(
        "select team, count(*) from person_teams where org = 'github3py' "
        "group by team order by team"
    ) == [("owners", 4), ("unassigned", 2)]


def test_repo_of_a_betamax_cassette_parses(github3py: Warehouse) -> None:
    row = _single(
        github3py,
        "select org, repo, name, repo_id, default_branch, is_private, is_fork, html_url, "
        "created_at, pushed_at from repos",
    )
    assert row == (
        "github3py",
        "github3py/fork_this",
        "fork_this",
        5816984,
        "master",
        False,
        False,
        "https://github.com/github3py/fork_this",
        _utc(2012, 9, 15, 2, 40, 33),
        _utc(2018, 1, 2, 14, 55, 52),
    )


def test_review_wait_of_a_pr_whose_author_also_reviewed(github3py: Warehouse) -> None:
    # PullRequest_pull_reviews.json: PR 671 by omgjlk opened 2017-01-25T22:36:38Z; reviews by
    # sigmavirus24 (2017-01-26T16:35:28Z), omgjlk (the author), itsmemattchung, sigmavirus24 ×2.
    row = _single(
        github3py,
        "select author, reviewer, start_at, ended_at, outcome, responder, wait_hours "
        "from review_wait where pr_number = 671",
    )
    start, reviewed = _utc(2017, 1, 25, 22, 36, 38), _utc(2017, 1, 26, 16, 35, 28)
    assert row[:-1] == ("omgjlk", None, start, reviewed, "reviewed", "sigmavirus24")
    assert row[-1] == pytest.approx(_hours(start, reviewed))


# -- pending reviews -------------------------------------------------------------------------


def test_pending_review_without_submitted_at_is_left_out_until_submitted(tmp_path: Path) -> None:
    # PullReview_submit.json: POST …/pulls/819/reviews answers review 793732374 as PENDING with
    # no submitted_at key; POST …/reviews/793732374/events answers it COMMENTED at
    # 2021-10-31T15:38:50Z.
    require_realdata()
    pending = _cassette_json(
        "PullReview_submit.json", "POST", f"/repos/{GITHUB3_REPO}/pulls/819/reviews"
    )
    submitted = _cassette_json(
        "PullReview_submit.json",
        "POST",
        f"/repos/{GITHUB3_REPO}/pulls/819/reviews/793732374/events",
    )
    assert pending["state"] == "PENDING" and "submitted_at" not in pending
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        run = wh.start_run("import", SIGMAVIRUS, "realdata")
        wh.store(
            batch_of("reviews", SIGMAVIRUS, GITHUB3_REPO, "819", [pending], replace=False), run
        )
        rebuild(wh, Config())
        assert wh.query("select count(*) from raw_reviews") == [(1,)]
        assert wh.query("select count(*) from reviews") == [(0,)]
        wh.store(
            batch_of("reviews", SIGMAVIRUS, GITHUB3_REPO, "819", [submitted], replace=False), run
        )
        rebuild(wh, Config())
        assert wh.query("select review_id, reviewer, state, submitted_at from reviews") == [
            (793732374, "sigmavirus24", "COMMENTED", _utc(2021, 10, 31, 15, 38, 50))
        ]


def test_pending_review_starts_no_wait_and_ends_none(tmp_path: Path) -> None:
    # PullRequestReview1856.testDelete.txt: review 631460061 is PENDING, with no submitted_at.
    require_realdata()
    pending = replay_json(
        "PullRequestReview1856.testDelete.txt",
        "GET",
        "/repos/CS481-Team-Pumpkin/PyGithub/pulls/4/reviews/631460061",
    )
    assert pending["state"] == "PENDING" and "submitted_at" not in pending
    repo = "CS481-Team-Pumpkin/PyGithub"
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        run = wh.start_run("import", "CS481-Team-Pumpkin", "realdata")
        wh.store(batch_of("reviews", "CS481-Team-Pumpkin", repo, "4", [pending], replace=True), run)
        rebuild(wh, Config())
        assert wh.query("select count(*) from reviews") == [(0,)]
        assert wh.query("select count(*) from review_wait") == [(0,)]


def test_dismissed_review_keeps_its_submitted_at(tmp_path: Path) -> None:
    # PullRequestReview.testDismiss.txt: PUT …/reviews/28482091/dismissals answers the review with
    # state DISMISSED and its original submitted_at.
    require_realdata()
    approved = replay_json(
        "PullRequestReview.setUp.txt", "GET", "/repos/PyGithub/PyGithub/pulls/538/reviews/28482091"
    )
    dismissed = replay_json(
        "PullRequestReview.testDismiss.txt",
        "PUT",
        "/repos/PyGithub/PyGithub/pulls/538/reviews/28482091/dismissals",
    )
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        run = wh.start_run("import", PYGITHUB, "realdata")
        for review in (approved, dismissed):
            wh.store(
                batch_of("reviews", PYGITHUB, PYGITHUB_REPO, "538", [review], replace=False), run
            )
        rebuild(wh, Config())
        assert wh.query("select review_id, reviewer, state, submitted_at from reviews") == [
            (28482091, "jzelinskie", "DISMISSED", _utc(2017, 3, 22, 19, 6, 59))
        ]


# -- file contents -----------------------------------------------------------------------------

DEPENDABOT_GITHUB = Path("dependabot-core") / "common" / "spec" / "fixtures" / "github"


def _contents(name: str) -> Any:
    return json.loads((require_realdata() / DEPENDABOT_GITHUB / name).read_text(encoding="utf-8"))


def _store_contents(wh: Warehouse, payloads: Sequence[Any]) -> None:
    run = wh.start_run("import", "dependabot", "realdata")
    for payload in payloads:
        wh.store(
            batch_of(
                "contents",
                "dependabot",
                "dependabot/repo",
                payload["path"],
                [payload],
                replace=True,
            ),
            run,
        )


def test_file_contents_decode_to_utf8_text_and_a_symlink_has_none(tmp_path: Path) -> None:
    # gemfile_content_non_ascii.json: "content": "w7bDpMO2w6Q=\n" is base64 of UTF-8 "öäöä";
    # symlinked_file_content.json is a symlink object with no "content" key.
    gemfile = _contents("gemfile_content_non_ascii.json")
    symlink = _contents("symlinked_file_content.json")
    assert gemfile["content"] == "w7bDpMO2w6Q=\n" and "content" not in symlink
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        _store_contents(wh, [gemfile, symlink])
        rebuild(wh, Config())
        assert wh.query("select path, blob_sha, text from repo_files order by path") == [
            ("Gemfile", "dbce0c9e2e7efd19139c2c0aeb0110e837812c2f", "öäöä"),
            ("requirements.txt", "573fcc3b5952e689528763484bac0b461e844c3b", None),
        ]


def test_a_file_that_is_not_utf8_does_not_stop_the_rebuild(tmp_path: Path) -> None:
    # contents_image.json: the contents API object of images/affine.png (PNG bytes, base64).
    gemfile = _contents("gemfile_content_non_ascii.json")
    image = _contents("contents_image.json")
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        _store_contents(wh, [gemfile, image])
        rebuild(wh, Config())
        assert wh.query("select text from repo_files where path = 'Gemfile'") == [("öäöä",)]
        assert wh.query("select count(*) from repo_files") == [(2,)]
        assert wh.query("select text from repo_files where path like '%.png'") == [(None,)]


# -- review_wait over everything loaded ------------------------------------------------------


def test_review_wait_runs_over_every_real_load(
    pygithub: Warehouse, ants: Warehouse, github3py: Warehouse
) -> None:
    for wh in (pygithub, ants, github3py):
        assert wh.query("select count(*) from review_wait")[0][0] > 0


def test_every_ready_pr_without_requests_has_exactly_one_implicit_episode(ants: Warehouse) -> None:
    # The ants events page holds no review_requested event, and every one of its 49 PRs is ready
    # (none is a draft now), so each PR has one episode: the implicit one.
    events = devlake_rows("_raw_github_api_events.csv")
    pulls = devlake_rows("_raw_github_api_pull_requests.csv")
    assert not [r for r in events if r.data["event"] == "review_requested"]
    assert not [r for r in pulls if r.data["draft"]]
    assert ants.query(
        "select count(*), count(distinct pr_number), count(reviewer), count(reviewer_team) "
        "from review_wait"
    ) == [(49, 49, 0, 0)]


# -- the recording readers -------------------------------------------------------------------


def test_replay_reader_keeps_an_empty_204_body() -> None:
    require_realdata()
    exchanges = replay_exchanges(PYGITHUB_REPLAY / "PullRequest.testMerge.txt")
    assert [(e.method, e.status, e.body) for e in exchanges][2] == ("GET", 204, "")
    assert [(e.method, e.status) for e in exchanges] == [("GET", 404), ("PUT", 200), ("GET", 204)]
    assert len(replay_exchanges(PYGITHUB_REPLAY / "IssueEvent.setUp.txt")) == 28


def test_cassette_reader_gunzips_betamax_bodies() -> None:
    require_realdata()
    body = _cassette_json("GitHub_rate_limit.json", "GET", "/rate_limit")
    assert body["rate"]["limit"] == 60


def test_placeholder_damaged_body_fails_with_the_file_named() -> None:
    # SOURCES.md: octokit.rb's placeholder substitution hit digits inside numbers, e.g.
    # "id":784053<GITHUB_TEST_INTEGRATION_INSTALLATION> in lists_deployments.json.
    require_realdata()
    path = (
        OCTOKIT_RB_CASSETTES
        / "Octokit_Client_Deployments"
        / "_deployments"
        / "lists_deployments.json"
    )
    exchanges: list[Exchange] = cassette_exchanges(path)
    with pytest.raises(RecordingError, match=r"lists_deployments\.json: GET .*not JSON"):
        for exchange in exchanges:
            exchange.json()


def test_github_marks_a_run_started_when_it_is_asked_for(tmp_path: Path) -> None:
    """pr_ci_runs' header: GitHub sets run_started_at when an attempt is asked for, not when a
    runner takes it. In DevLake's ants runs (35 runs, read by hand): the 14 first attempts have
    run_started_at equal to created_at to the second; the 21 re-runs (run_attempt 2) were asked
    for a day or more after their run's created_at, and run_started_at is that moment."""
    require_realdata()
    runs = [r.data for r in devlake_rows("_raw_github_api_runs.csv")]
    load = Load(ANTS, [batch_of("workflow_runs", ANTS, ANTS_REPO, None, runs, replace=True)],
                _utc(2022, 7, 2))  # fmt: skip
    wh = _warehouse(tmp_path / "w.duckdb", [load])
    try:
        rows = wh.query(
            "select run_attempt, count(*), count(*) filter (where run_started_at = created_at), "
            "min(run_started_at - created_at) from workflow_runs group by 1 order by 1"
        )
    finally:
        wh.close()
    first, rerun = rows
    assert first[:3] == (1, 14, 14)
    assert rerun[:3] == (2, 21, 0) and rerun[3].days >= 1


def test_a_runs_pr_of_another_repo_is_none_of_its_own(tmp_path: Path) -> None:
    # octokit/webhooks workflow_run/completed.with-pull-requests.payload.json: run 289782451 of
    # octo-org/octo-repo (repository id 300029405) lists PR #2 whose base repo is Hello-World
    # (id 186853002): its number says nothing of octo-repo's PRs.
    require_realdata()
    hook = REALDATA / "octokit-webhooks/payload-examples/api.github.com/workflow_run"
    run = json.loads((hook / "completed.with-pull-requests.payload.json").read_text("utf-8"))
    run = run["workflow_run"]
    assert [(p["number"], p["base"]["repo"]["id"]) for p in run["pull_requests"]] == [
        (2, 186853002)
    ]
    org, repo = "octo-org", "octo-org/octo-repo"
    load = Load(
        org,
        [batch_of("workflow_runs", org, repo, None, [trimmed_run(run)], replace=True)],
        _utc(2020, 10, 1),
    )
    wh = _warehouse(tmp_path / "w.duckdb", [load])
    try:
        assert wh.query(
            "select run_id, event, status, conclusion, pr_numbers from workflow_runs"
        ) == [(289782451, "repository_dispatch", "completed", "success", [])]
        assert wh.query("select count(*) from pr_workflow_runs") == [(0,)]
    finally:
        wh.close()
