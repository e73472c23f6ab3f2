"""review_wait on hand-worked cases: each expected number is worked out here from METRICS.md."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from miner.config import Config
from miner.sync import import_mirror
from miner.warehouse import Warehouse
from tests.mirror_builder import T0, MirrorBuilder, at

AS_OF = 24 * 14  # hours after T0

COLUMNS = (
    "reviewer, reviewer_team, is_cross_team, episode, requested_at, start_at, ended_at, "
    "outcome, responder, wait_hours"
)


def _org() -> MirrorBuilder:
    b = MirrorBuilder(
        teams={
            "web": ["alice", "bob", "carol"],
            "data": ["carol", "erin"],
            "platform": ["pat"],
            "security": ["sam", "sue"],
        },
        parents={"security": "platform"},
        as_of=AS_OF,
    )
    # 1 answered user request
    b.pull("a", "alice", 0).request(0, reviewer="bob").review("bob", 5)
    # 2 draft requested before ready: the wait starts when it is ready
    b.pull("a", "alice", 0, draft=False).request(1, reviewer="sam").event(
        "ready_for_review", 10
    ).review("sam", 13)
    # 3 withdrawn, then someone else asked
    b.pull("a", "alice", 0).request(0, reviewer="bob").request(
        2, reviewer="bob", removed=True
    ).request(2, reviewer="carol").review("carol", 6)
    # 4 re-request after changes requested: a second episode
    b.pull("a", "alice", 0).request(0, reviewer="bob").review(
        "bob", 3, "CHANGES_REQUESTED"
    ).request(8, reviewer="bob").review("bob", 10)
    # 5 a repeated request while the first is open changes nothing
    b.pull("a", "alice", 0).request(0, reviewer="bob").request(2, reviewer="bob").review("bob", 5)
    # 6 team request answered by a member of a child team
    b.pull("a", "alice", 0).request(0, team_slug="platform").review("sue", 4, "COMMENTED")
    # 7 a bot and the author reviewing their own PR end nothing
    b.pull("a", "bob", 0).request(0, team_slug="web").review(
        "renovate[bot]", 1, "COMMENTED"
    ).review("bob", 2, "COMMENTED").review("carol", 7)
    # 8 a person in two teams: carol (web, data) asked by erin (data) is not cross-team
    b.pull("a", "erin", 0).request(0, reviewer="carol").review("carol", 1)
    # 9 waiting at as_of
    b.pull("a", "alice", AS_OF - 36).request(AS_OF - 36, reviewer="sam")
    # 10 unanswered at close
    b.pull("a", "alice", 0, state="closed", closed=20).request(0, reviewer="bob").event(
        "closed", 20
    )
    # 11 nobody asked: the implicit episode, ended by the first eligible review
    b.pull("a", "alice", 0).review("dave", 9)
    # 12 a draft that never became ready has no episode
    b.pull("a", "alice", 0, draft=True).request(1, reviewer="bob")
    # 13 converted to draft after opening: ready_at stays created_at
    b.pull("a", "alice", 0).request(0, reviewer="bob").event("convert_to_draft", 2).event(
        "ready_for_review", 5
    ).review("bob", 6)
    # 14 GitHub's code-owner request seconds after opening: no implicit episode
    b.pull("a", "alice", 0).request(3 / 3600, team_slug="security").review("sam", 2)
    # 15 a requested reviewer who reviews the draft before it is ready waited 0 hours
    b.pull("a", "alice", 0, draft=False).request(1, reviewer="bob").review(
        "bob", 2, "COMMENTED"
    ).event("ready_for_review", 5)
    # 16 merged before anyone answered; the author requested a reviewer an hour after opening,
    #    so there is also an implicit episode from ready_at
    b.pull("a", "alice", 0, state="closed", closed=30, merged=True).request(
        1, reviewer="pat"
    ).event("merged", 30).event("closed", 30)
    return b


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    root = tmp_path_factory.mktemp("mirror")
    _org().write(root)
    with Warehouse.open(root / "w.duckdb") as warehouse:
        import_mirror(warehouse, Config(), root)
        yield warehouse


def rows(wh: Warehouse, pr: int) -> list[dict[str, Any]]:
    cur = wh.con.execute(
        f"select {COLUMNS} from review_wait where repo = 'acme/a' and pr_number = ? "
        "order by coalesce(requested_at, start_at), reviewer nulls first, episode",
        [pr],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def ts(hours: float) -> str:
    return at(hours)


def iso(value: Any) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def summary(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        row["reviewer"] or row["reviewer_team"],
        row["outcome"],
        row["responder"],
        round(row["wait_hours"], 4),
    )


def test_answered_user_request_waits_until_the_review(wh: Warehouse) -> None:
    (row,) = rows(wh, 1)
    assert summary(row) == ("bob", "reviewed", "bob", 5.0)
    assert row["is_cross_team"] is False
    assert iso(row["start_at"]) == ts(0) and iso(row["ended_at"]) == ts(5)


def test_draft_request_waits_for_ready(wh: Warehouse) -> None:
    (row,) = rows(wh, 2)
    assert iso(row["requested_at"]) == ts(1)
    assert iso(row["start_at"]) == ts(10)
    assert summary(row) == ("sam", "reviewed", "sam", 3.0)
    assert row["is_cross_team"] is True


def test_withdrawn_request_ends_at_removal(wh: Warehouse) -> None:
    bob, carol = rows(wh, 3)
    assert summary(bob) == ("bob", "withdrawn", None, 2.0)
    assert summary(carol) == ("carol", "reviewed", "carol", 4.0)


def test_re_request_after_review_opens_a_new_episode(wh: Warehouse) -> None:
    first, second = rows(wh, 4)
    assert (first["episode"], second["episode"]) == (1, 2)
    assert summary(first) == ("bob", "reviewed", "bob", 3.0)
    assert summary(second) == ("bob", "reviewed", "bob", 2.0)
    assert iso(second["requested_at"]) == ts(8)


def test_repeated_request_while_open_changes_nothing(wh: Warehouse) -> None:
    (row,) = rows(wh, 5)
    assert iso(row["requested_at"]) == ts(0)
    assert summary(row) == ("bob", "reviewed", "bob", 5.0)


def test_team_request_answered_by_member_of_child_team(wh: Warehouse) -> None:
    (row,) = rows(wh, 6)
    assert summary(row) == ("platform", "reviewed", "sue", 4.0)
    assert row["reviewer"] is None
    assert row["is_cross_team"] is True


def test_bot_and_author_reviews_do_not_end_a_wait(wh: Warehouse) -> None:
    (row,) = rows(wh, 7)
    assert summary(row) == ("web", "reviewed", "carol", 7.0)
    assert row["is_cross_team"] is False


def test_person_in_two_teams_shares_either_with_the_author(wh: Warehouse) -> None:
    (row,) = rows(wh, 8)
    assert row["is_cross_team"] is False


def test_open_request_is_waiting_until_as_of(wh: Warehouse) -> None:
    (row,) = rows(wh, 9)
    assert summary(row) == ("sam", "waiting", None, 36.0)
    assert row["ended_at"] is None


def test_close_before_review_is_unanswered(wh: Warehouse) -> None:
    (row,) = rows(wh, 10)
    assert summary(row) == ("bob", "unanswered", None, 20.0)


def test_pr_with_no_request_gets_an_implicit_episode(wh: Warehouse) -> None:
    (row,) = rows(wh, 11)
    assert row["reviewer"] is None and row["reviewer_team"] is None
    assert row["requested_at"] is None
    assert (row["outcome"], row["responder"], row["wait_hours"]) == ("reviewed", "dave", 9.0)
    assert row["is_cross_team"] is True  # alice (web) and dave (no team: unassigned)


def test_draft_never_ready_has_no_episode(wh: Warehouse) -> None:
    assert rows(wh, 12) == []


def test_convert_to_draft_after_opening_keeps_first_ready_at(wh: Warehouse) -> None:
    (row,) = rows(wh, 13)
    assert iso(row["start_at"]) == ts(0)
    assert summary(row) == ("bob", "reviewed", "bob", 6.0)


def test_code_owner_request_seconds_after_ready_is_not_implicit(wh: Warehouse) -> None:
    (row,) = rows(wh, 14)
    assert summary(row) == ("security", "reviewed", "sam", round(2 - 3 / 3600, 4))


def test_review_of_draft_before_ready_waits_zero(wh: Warehouse) -> None:
    (row,) = rows(wh, 15)
    assert summary(row) == ("bob", "reviewed", "bob", 0.0)


def test_merge_before_answer_is_unanswered_and_late_request_leaves_implicit(
    wh: Warehouse,
) -> None:
    implicit, pat = rows(wh, 16)
    assert (implicit["reviewer"], implicit["outcome"], implicit["wait_hours"]) == (
        None,
        "unanswered",
        30.0,
    )
    assert summary(pat) == ("pat", "unanswered", None, 29.0)


def test_columns_are_the_contract(wh: Warehouse) -> None:
    names = [r[0] for r in wh.query("describe review_wait")]
    assert names[:16] == [
        "org", "repo", "pr_number", "author", "author_teams", "reviewer", "reviewer_team",
        "is_cross_team", "episode", "requested_at", "start_at", "ended_at", "outcome",
        "responder", "wait_hours", "wait_business_hours",
    ]  # fmt: skip
    # added: the calendar wait_business_hours counts in, and the bot-author flag METRICS.md asks
    assert names[16:] == ["calendar", "author_is_bot"]


def test_as_of_comes_from_the_mirror(wh: Warehouse) -> None:
    (row,) = wh.query("select as_of from snapshots where org = 'acme'")
    assert iso(row[0]) == ts(AS_OF)
    assert T0.tzinfo is not None


def test_rebuild_from_raw_is_idempotent(wh: Warehouse, tmp_path: Path) -> None:
    from miner.transform import rebuild

    before = wh.query("select * from review_wait order by all")
    rebuild(wh, Config())
    assert wh.query("select * from review_wait order by all") == before
