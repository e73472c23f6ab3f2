"""raw.transactions: what is stored of a stream of pages that ends in a stop or a failure."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from miner.errors import CleanStop, GitHubError, MinerError
from miner.raw import RawBatch, RawItem, transactions


def _pages(n: int, end: MinerError) -> Iterator[RawBatch]:
    for i in range(n):
        yield RawBatch(
            "workflow_run_attempts", "acme", "web", [RawItem(f"web/{i}/attempts/1", "{}")]
        )
    raise end


def _stored(end: MinerError, *, each_whole: bool) -> list[str]:
    """The keys of the transactions given out before `end` was raised (and raised on)."""
    keys: list[str] = []
    with pytest.raises(type(end)):
        for group in transactions(_pages(3, end), each_whole=each_whole):
            keys += [item.key for batch in group for item in batch.items]
    return keys


@pytest.mark.parametrize(
    "end",
    [
        GitHubError("403 Resource not accessible by integration", status=403),
        GitHubError("502 Bad Gateway, asked 4 times", status=502),
        GitHubError("timed out, asked 4 times"),
    ],
)
def test_pages_each_whole_are_kept_whatever_github_did_to_the_next(end: GitHubError) -> None:
    """Three pages read, each whole alone, then GitHub refuses or fails the fourth: the three
    are stored (and the error raised), so the next sync asks only for what is missing."""
    assert _stored(end, each_whole=True) == [f"web/{i}/attempts/1" for i in range(3)]


def test_pages_that_speak_for_later_ones_are_kept_only_before_a_chosen_stop() -> None:
    """Without each_whole (a listing whose cursor moves with its last page), a failure drops
    the unstored group, and a chosen stop (a rate limit not waited for) keeps it."""
    assert _stored(GitHubError("502 Bad Gateway", status=502), each_whole=False) == []
    assert len(_stored(CleanStop("rate limit: stopped"), each_whole=False)) == 3
