"""Edge cases of the metric views against METRICS.md, each worked out by hand in its docstring.
T0 (hour 0) is Monday 2026-03-02 09:00 UTC; as_of is hour 336 (Monday 2026-03-16 09:00 UTC);
the default calendar is 09:00-17:00 UTC, Monday to Friday."""

from __future__ import annotations

from pathlib import Path

from tests.mirror_builder import MirrorBuilder
from tests.test_review_findings import build, rows

AS_OF = 24 * 14


def test_a_re_request_in_the_second_of_the_review_it_follows_waits_for_the_next(
    tmp_path: Path,
) -> None:
    """review_wait: "The episode ends at the first review submitted at or after requested_at"
    and "A new review_requested for a reviewer who already reviewed opens a new episode". GitHub
    dates events to the second; its timeline lists them in the order they happened. A re-request
    listed after the review it answers, in the same second, asks for a review after that one:
    the view took the review as the re-request's answer too, folded the re-request into the
    first episode, and lost the second wait (and pr_time_in_court gave it to the author).

    1: bob asked at 0; he requests changes at 5 h, and in that second (listed after his review)
       alice asks him again; bob approves at 8 h; open at as_of. Episode 1: 0 -> 5, 5 h;
       episode 2: 5 -> 8, 3 h. Courts: reviewers 0-8 = 8 h (an episode open throughout), merge
       8-336 = 328 h (bob approves), author 0.
    2: the same, but alice's second request is listed before bob's review in that second: a
       repeated request to a reviewer whose episode is open changes nothing: one episode,
       0 -> 5, 5 h."""
    b = MirrorBuilder(teams={"web": ["alice", "bob"]}, as_of=AS_OF)
    b.pull("app", "alice", 0).request(0, reviewer="bob").review(
        "bob", 5, "CHANGES_REQUESTED", listed=True
    ).request(5, reviewer="bob").review("bob", 8, listed=True)
    b.pull("app", "alice", 0).request(0, reviewer="bob").request(5, reviewer="bob").review(
        "bob", 5, "CHANGES_REQUESTED", listed=True
    ).review("bob", 8, listed=True)
    with build(tmp_path, b) as wh:
        got = [
            (r["pr_number"], r["episode"], r["outcome"], r["responder"], r["wait_hours"])
            for r in rows(wh, "select * from review_wait order by pr_number, episode")
        ]
        assert got == [
            (1, 1, "reviewed", "bob", 5.0),
            (1, 2, "reviewed", "bob", 3.0),
            (2, 1, "reviewed", "bob", 5.0),
        ]
        (c,) = rows(wh, "select * from pr_time_in_court where pr_number = 1")
        assert (c["author_hours"], c["reviewers_hours"], c["merge_hours"]) == (0.0, 8.0, 328.0)
