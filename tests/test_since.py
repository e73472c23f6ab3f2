"""[github] since: how far back a sync reads. PRs updated, workflow runs and deployments created
before it are not asked for; moved earlier, the next sync reads back to it (and only what is
missing); moved later, what was stored stays and nothing is read again.

acme/web has three of each, 40 days, 20 days and 0 days before T0 (Monday 2026-03-02 09:00
UTC): PR n, run n and deployment n are created then (each PR closed or updated within two
hours, each run and deployment over within one)."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from miner.collect_github import GitHubCollector
from miner.config import Config, GitHubConfig
from miner.fixtures_server import FixtureServer
from miner.github_client import GitHubClient
from miner.rate_limits import RateLimitStop
from miner.raw import HISTORY_SINCE, RawBatch
from miner.sync import SyncResult, import_mirror, sync
from miner.warehouse import Warehouse
from tests.mirror_builder import MirrorBuilder, at
from tests.test_deploys import _deployments
from tests.test_run_attempts import _dump, _facts, _payload

DAY = 24.0
AGES = (40, 20, 0)  # days before T0 of PR, run and deployment 1, 2 and 3
# 2026-03-02 less 10 days is 2026-02-20 (February 2026 has 28 days); less 30, 2026-01-31
TEN_DAYS_BACK = date(2026, 2, 20)
THIRTY_DAYS_BACK = date(2026, 1, 31)


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    b = MirrorBuilder(teams={"web": ["alice", "bob"]})
    for age in AGES:
        closed = -age * DAY + 2
        pr = b.pull("web", "alice", -age * DAY, state="closed", closed=closed).commit(-age * DAY)
        pr.review("bob", -age * DAY + 1)
    root = b.write(tmp_path / "mirror")
    runs = [_facts(n, "e" * 40, -age * DAY, -age * DAY, -age * DAY + 1, 1, "success")
            for n, age in enumerate(AGES, start=1)]  # fmt: skip
    listed = [_payload(run, []) for run in reversed(runs)]  # newest first, as GitHub lists
    _dump(root / "repos/acme/web/actions/runs.json", {"total_count": 3, "workflow_runs": listed})
    _deployments(root, [(n, "production", "a" * 40, [("success", -age * DAY + 0.5)])
                        for n, age in enumerate(AGES, start=1)])  # fmt: skip
    return root


def _sync(server: FixtureServer, wh: Warehouse, api: str, since: date | None) -> SyncResult:
    client = GitHubClient(server.url, "t")
    try:
        github = GitHubConfig(org="acme", api_url=server.url, since=since)
        return sync(wh, Config(github=github), client=client, api=api)
    finally:
        client.close()


def _stored(wh: Warehouse) -> tuple[list[int], list[int], list[int]]:
    """The numbers of the PRs, and the ids of the workflow runs and deployments, stored."""

    def ids(sql: str) -> list[int]:
        return sorted(int(n) for (n,) in wh.query(sql))

    return (
        ids("select payload ->> 'number' from raw_pulls"),
        ids("select payload ->> 'id' from raw_workflow_runs"),
        ids("select payload ->> 'id' from raw_deployments"),
    )


def _details_asked(server: FixtureServer) -> list[int]:
    """The PRs whose reviews were asked for through REST."""
    return sorted(
        int(r.path.split("/")[5])
        for r in server.requests
        if r.path.startswith("/repos/acme/web/pulls/") and r.path.endswith("/reviews")
    )


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_a_sync_reads_back_to_since_and_further_when_it_moves_earlier(
    mirror: Path, tmp_path: Path, api: str
) -> None:
    with FixtureServer(mirror, port=0) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        result = _sync(server, wh, api, TEN_DAYS_BACK)
        assert result.failures == ()
        assert _stored(wh) == ([3], [3], [3])
        assert wh.cursor("acme", "acme/web", HISTORY_SINCE).value == "2026-02-20T00:00:00Z"
        # the metric views see the PR read, with its review
        assert wh.query("select number from pull_requests") == [(3,)]
        assert wh.query("select count(*) from reviews") == [(1,)]
        if api == "rest":
            assert _details_asked(server) == [3]

        server.clear_log()
        _sync(server, wh, api, THIRTY_DAYS_BACK)
        assert _stored(wh) == ([2, 3], [2, 3], [2, 3])
        if api == "rest":
            assert _details_asked(server) == [2]  # PR 3's details are stored already
        assert wh.cursor("acme", "acme/web", HISTORY_SINCE).value == "2026-01-31T00:00:00Z"

        server.clear_log()
        _sync(server, wh, api, None)  # no since: the whole history
        assert _stored(wh) == ([1, 2, 3], [1, 2, 3], [1, 2, 3])
        if api == "rest":
            assert _details_asked(server) == [1]
        assert wh.cursor("acme", "acme/web", HISTORY_SINCE).value == "*"
        assert wh.query("select count(*) from reviews") == [(3,)]

        # a later since keeps what was stored, and reads nothing again
        server.clear_log()
        _sync(server, wh, api, TEN_DAYS_BACK)
        assert _stored(wh) == ([1, 2, 3], [1, 2, 3], [1, 2, 3])
        assert _details_asked(server) == []
        assert wh.cursor("acme", "acme/web", HISTORY_SINCE).value == "*"


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_since_on_a_warehouse_read_whole_reads_nothing_again(
    mirror: Path, tmp_path: Path, api: str
) -> None:
    """A repo read before without since (by a miner that had none, which kept no reach) was
    read whole: a since of any date reaches no further, and nothing is read again."""
    with FixtureServer(mirror, port=0) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        _sync(server, wh, api, None)
        wh.con.execute("delete from cursors where resource = ?", [HISTORY_SINCE])
        server.clear_log()
        _sync(server, wh, api, THIRTY_DAYS_BACK)
        assert _stored(wh) == ([1, 2, 3], [1, 2, 3], [1, 2, 3])
        assert _details_asked(server) == []
        assert wh.cursor("acme", "acme/web", HISTORY_SINCE).value is None


def test_a_report_says_when_its_windows_start_before_the_history_read(
    mirror: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The mirror's as_of is T0 + 14 days, 2026-03-16 09:00. Read since 2026-02-20: a 30-day
    window (from 2026-02-14) starts before it; a 14-day one (from 03-02) does not, but the
    previous window it is compared with (from 02-16) does; a 7-day one and the one before it
    (from 03-02) lie after it. Read whole, nothing is said."""
    from rich.console import Console

    from miner.reports.data import report_json, scope
    from miner.reports.formats import RENDERERS
    from miner.reports.terminal import print_report

    def said(days: int) -> tuple[str | None, list[str]]:
        caplog.clear()
        data = report_json(wh, scope(wh, "acme"), timedelta(days=days))
        return data["history_since"], [r.getMessage() for r in caplog.records]

    with FixtureServer(mirror, port=0) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        _sync(server, wh, "graphql", TEN_DAYS_BACK)
        since = "2026-02-20T00:00:00+00:00"
        warning = (
            "acme: the warehouse holds the history since 2026-02-20 ([github] since): the {} "
            "starts before it, so it counts fewer PRs, runs and deploys than there were"
        )
        assert said(30) == (since, [warning.format("window")])
        assert said(14) == (
            since, [warning.format("previous window (the changes against it)")]
        )  # fmt: skip
        assert said(7) == (since, [])
        # the report's reader is told too, in every format, not only the one who ran it
        note = (
            "The warehouse holds the history since 2026-02-20 ([github] since): the window "
            "starts before it, so it counts fewer PRs, runs and deploys than there were."
        )
        data = report_json(wh, scope(wh, "acme"), timedelta(days=30))
        assert note.replace("[", "\\[").replace("]", "\\]") in RENDERERS["md"](data)
        assert note in RENDERERS["html"](data)
        screen = io.StringIO()
        print_report(data, Console(width=300, file=screen))
        assert note in screen.getvalue()
        data = report_json(wh, scope(wh, "acme"), timedelta(days=7))
        assert "history since" not in RENDERERS["md"](data)
        _sync(server, wh, "graphql", None)
        assert said(30) == (None, [])


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_a_since_moved_past_the_last_sync_leaves_no_gap_when_moved_back(
    tmp_path: Path, api: str
) -> None:
    """A repo read whole, then not synced for a while: PR 2 is merged a day after T0. A sync
    with a since later than that (2026-03-05) must not skip the merge for good: what the repo
    holds is whole back to where it was read (HISTORY_SINCE "*"), so the sync after, without a
    since, asks for nothing further back, and PR 2 would stay open in the warehouse forever."""

    def build(merged: bool) -> Path:
        b = MirrorBuilder(teams={"web": ["alice", "bob"]})
        b.pull("web", "alice", -40 * DAY, state="closed", closed=-40 * DAY + 2)
        if merged:  # merged 30 hours after T0: 2026-03-03 15:00
            b.pull("web", "alice", -20 * DAY, state="closed", closed=30, merged=True)
        else:
            b.pull("web", "alice", -20 * DAY)
        b.pull("web", "alice", 0, state="closed", closed=2)
        return b.write(tmp_path / "mirror")

    def state(wh: Warehouse) -> list[tuple[str, object]]:
        return wh.query(
            "select payload ->> 'state', payload ->> 'merged_at' from raw_pulls "
            "where payload ->> 'number' = '2'"
        )

    root = build(merged=False)
    with FixtureServer(root, port=0) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        _sync(server, wh, api, None)
        assert state(wh) == [("open", None)]
        build(merged=True)
        _sync(server, wh, api, date(2026, 3, 5))  # later than the merge
        _sync(server, wh, api, None)
        assert state(wh) == [("closed", "2026-03-03T15:00:00Z")]


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_a_repo_archived_after_its_final_read_is_read_back_to_a_since_moved_earlier(
    tmp_path: Path, api: str
) -> None:
    """acme/web is read back to ten days before T0 (PR 3), then archived: the sync that finds
    it archived reads it once more, and no sync after reads it. Since moved back to thirty days
    before T0, the next sync reads it back there too (PR 2, twenty days before T0), as it does
    every other repo: an archived repo left out is read once more for it."""
    b = MirrorBuilder(teams={"web": ["alice", "bob"]})
    for age in AGES:
        b.pull("web", "alice", -age * DAY, state="closed", closed=-age * DAY + 2)
    b.pull("lib", "bob", 0)
    root = b.write(tmp_path / "mirror")
    with FixtureServer(root, port=0) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        _sync(server, wh, api, TEN_DAYS_BACK)
        b.repo_fields["web"] = {"archived": True, "archived_at": at(24 * 5)}
        b.write(root)
        _sync(server, wh, api, TEN_DAYS_BACK)  # its final read
        assert _stored(wh)[0] == [1, 3]  # lib's PR 1, web's PR 3
        _sync(server, wh, api, THIRTY_DAYS_BACK)
        web = wh.query("select payload ->> 'number' from raw_pulls where repo = 'acme/web'")
        assert sorted(int(n) for (n,) in web) == [2, 3]
        assert wh.cursor("acme", "acme/web", HISTORY_SINCE).value == "2026-01-31T00:00:00Z"
        server.clear_log()
        _sync(server, wh, api, THIRTY_DAYS_BACK)  # read back to it: not read again
        if api == "rest":
            assert not [r.path for r in server.requests if "/acme/web" in r.path]


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_a_sync_after_an_import_reads_back_to_since_and_keeps_its_reach(
    mirror: Path, tmp_path: Path, api: str
) -> None:
    """`miner import` of a mirror folder stores what it holds (with the cursors of the files at
    the default branch, CODEOWNERS here) and no listing's mark: the sync after it with a since
    has read nothing of the repo yet, so it reads back to since (not the whole history, as for
    a repo an older miner read whole) and keeps that reach, so since moved earlier later on
    reads back further."""
    (mirror / "repos/acme/web/contents").mkdir(parents=True)
    (mirror / "repos/acme/web/contents/CODEOWNERS").write_text("* @acme/web\n", encoding="utf-8")
    with FixtureServer(mirror, port=0) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        import_mirror(wh, Config(), mirror)
        wh.con.execute("delete from raw_pulls where payload ->> 'number' <> '3'")
        _sync(server, wh, api, TEN_DAYS_BACK)
        assert wh.cursor("acme", "acme/web", HISTORY_SINCE).value == "2026-02-20T00:00:00Z"
        assert _stored(wh)[0] == [3]  # PR 1 and 2, before since, not read
        _sync(server, wh, api, THIRTY_DAYS_BACK)
        assert _stored(wh)[0] == [2, 3]
        assert wh.cursor("acme", "acme/web", HISTORY_SINCE).value == "2026-01-31T00:00:00Z"


def test_a_sync_stopped_after_reaching_back_is_followed_back_to_its_reach(
    mirror: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Since moved to thirty days before T0, the sync reaching back (marks cleared, the reach
    saved) is stopped by the rate limit at the first request of acme/web, its PR listing; since
    is moved back to ten days. The repo's reach says thirty: the next sync reads back to it
    (PR, run and deployment 2), rather than leave what lies between for good under it."""

    def spent(*_: object) -> Iterator[RawBatch]:
        raise RateLimitStop("core", time.time() + 3600, 0)

    with FixtureServer(mirror, port=0) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        _sync(server, wh, "rest", TEN_DAYS_BACK)
        with monkeypatch.context() as patched:
            patched.setattr(GitHubCollector, "pull_batches", spent)
            with pytest.raises(RateLimitStop):
                _sync(server, wh, "rest", THIRTY_DAYS_BACK)
        assert wh.cursor("acme", "acme/web", HISTORY_SINCE).value == "2026-01-31T00:00:00Z"
        assert _stored(wh) == ([3], [3], [3])
        _sync(server, wh, "rest", TEN_DAYS_BACK)
        assert _stored(wh) == ([2, 3], [2, 3], [2, 3])
