"""A second audit of the handoff views against METRICS.md, on small hand-made orgs: each test
is a case a real GitHub org produces that a view got wrong, with the expected numbers worked out
by hand from METRICS.md (or from how GitHub behaves where METRICS.md is silent) in its
docstring. T0 (hour 0) is Monday 2026-03-02 09:00 UTC; as_of is hour 336; the default calendar
is 09:00-17:00 UTC, Monday to Friday, so hours 0..8 are Monday's working hours."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from miner.warehouse import Warehouse
from tests.mirror_builder import MirrorBuilder
from tests.test_review_findings import build, rows

AS_OF = 24 * 14
MERGED: dict[str, Any] = {"state": "closed", "merged": True}


def _courts(wh: Warehouse) -> list[tuple[Any, ...]]:
    return [
        (r["pr_number"], r["author_hours"], r["reviewers_hours"], r["ci_hours"],
         r["merge_hours"], r["total_hours"])
        for r in rows(wh, "select * from pr_time_in_court order by pr_number")
    ]  # fmt: skip


def test_a_dismissed_review_held_its_verdict_until_its_dismissal(tmp_path: Path) -> None:
    """pr_time_in_court: "`author` (draft, or changes requested and no new request yet)",
    "`merge` (approved, not merged)". GitHub's API says DISMISSED of a dismissed review, and the
    view dropped such reviews from the verdicts altogether, as if they had never been given; but
    the PR was approved (or had changes requested) from the review until its dismissal, which the
    review_dismissed timeline event dates and whose dismissed_review.state says what it was.

    1: bob asked at 0, approves at 2; a push dismisses the approval at 3 (stale approvals); bob
       approves again at 5; merged at 6. reviewers 0-2 = 2; merge (approved) 2-3 = 1; author
       (nothing approved, no request) 3-5 = 2; merge 5-6 = 1: author 2, reviewers 2, merge 2
       (the view said author 3, merge 1).
    2: team ops asked at 0; olga requests changes at 1 (the episode ends), oscar approves at 2,
       an admin dismisses olga's review at 4, merged at 5. author 1-4 = 3 (olga's changes stand,
       whoever approved since, until dismissed); merge 4-5 = 1; reviewers 0-1 = 1 (the view said
       author 1, merge 3).
    3: bob asked at 0, approves at 1, requests changes at 2; his approval is dismissed at 3, after
       his later review: his verdict stays "changes requested". closed unmerged at 6: reviewers
       0-1 = 1, merge 1-2 = 1, author 2-6 = 4.
    """
    b = MirrorBuilder(teams={"web": ["alice", "bob"], "ops": ["olga", "oscar"]}, as_of=AS_OF)
    b.pull("app", "alice", 0, closed=6, **MERGED).request(0, reviewer="bob").review(
        "bob", 2
    ).review("bob", 5).dismiss(3, 0).event("merged", 6).event("closed", 6)
    b.pull("app", "alice", 0, closed=5, **MERGED).request(0, team_slug="ops").review(
        "olga", 1, "CHANGES_REQUESTED"
    ).review("oscar", 2).dismiss(4, 0).event("merged", 5).event("closed", 5)
    b.pull("app", "alice", 0, state="closed", closed=6).request(0, reviewer="bob").review(
        "bob", 1
    ).review("bob", 2, "CHANGES_REQUESTED").dismiss(3, 0).event("closed", 6)
    with build(tmp_path, b) as wh:
        assert _courts(wh) == [
            (1, 2.0, 2.0, 0.0, 2.0, 6.0),
            (2, 3.0, 1.0, 0.0, 1.0, 5.0),
            (3, 4.0, 1.0, 0.0, 1.0, 6.0),
        ]
        # approval_latency reads a dismissed approval as none (its state is DISMISSED, and
        # METRICS.md's approval is a review whose state is APPROVED): web's wait on 1 runs to
        # bob's second approval at 5; on 3, to the close at 6, unapproved
        latency = rows(wh, "select * from approval_latency where pr_number in (1, 3)")
        got = {(r["pr_number"], r["approver_team"], r["outcome"], r["latency_hours"])
               for r in latency}  # fmt: skip
        assert got == {(1, "web", "approved", 5.0), (3, "web", "unapproved", 6.0)}


def test_an_approval_given_on_the_draft_is_no_approval_but_answers_its_request(
    tmp_path: Path,
) -> None:
    """approval_latency: "`approved_at`: the first approval by a member of the team at or after
    `start_at`", `start_at` = max(ready_at, first request); review_wait: "The episode ends at the
    first review submitted at or after `requested_at`". alice (web) opens a draft at 0, asks bob
    (data) at 1, bob approves the draft at 2, ready at 4, merged at 6 with no approval since.
    approval_latency: data from 4, no approval at or after it: unapproved, 6 - 4 = 2 hours.
    review_wait: the episode asked at 1 starts at 4 and ends at bob's review at 2: 0 hours."""
    b = MirrorBuilder(teams={"web": ["alice"], "data": ["bob"]}, as_of=AS_OF)
    b.pull("app", "alice", 0, closed=6, **MERGED).request(1, reviewer="bob").review("bob", 2).event(
        "ready_for_review", 4
    ).event("merged", 6).event("closed", 6)
    with build(tmp_path, b) as wh:
        (latency,) = rows(wh, "select * from approval_latency")
        assert (latency["approver_team"], latency["outcome"], latency["latency_hours"]) == (
            "data", "unapproved", 2.0
        )  # fmt: skip
        (wait,) = rows(wh, "select * from review_wait")
        assert (wait["outcome"], wait["responder"], wait["wait_hours"]) == ("reviewed", "bob", 0.0)
