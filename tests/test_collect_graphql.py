"""The GraphQL PR collector stores what the REST collector stores, in far fewer requests."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from miner.collect_graphql import GraphQLPullCollector
from miner.fixtures_server import FixtureServer
from miner.github_client import GitHubClient
from miner.graphql_queries import NESTED_PAGE_SIZE, PULL_REQUEST_PAGE_SIZE
from miner.raw import RawBatch
from miner.sample_org import generate
from miner.warehouse import Warehouse
from tests.local_sync import sync_from

ORG = "acme"


def _sync(wh: Warehouse, server: FixtureServer, *, api: str) -> int:
    """`miner sync --api API` against the local server; the requests it made."""
    before = len(server.requests)
    result = sync_from(server, wh, api=api)
    assert result.api == api
    queries = [r for r in server.requests[before:] if r.path == "/graphql"]
    # every query the collector sends costs GitHub's minimum, 1 point (37 PRs a page), but the
    # org snapshot's first page: 1 + 100 + 100 repos' connections + 1 + 1 + 100 teams' = 3
    snapshots = sum(r.query.get("operation") == "OrgSnapshot" for r in queries)
    assert snapshots == (api == "graphql")
    assert result.graphql_points == len(queries) + 2 * snapshots
    assert f"{result.graphql_points} GraphQL points" in result.summary() or api == "rest"
    return len(server.requests) - before


# Columns compared: all but those GraphQL cannot give as REST does, each named with why.
_COMPARED = {
    # merge_commit_sha too: REST's of an unmerged PR (GitHub's test merge) is read as NULL,
    # as GraphQL's mergeCommit is until the merge
    "pull_requests": "*",
    "reviews": "*",
    # event_id: GraphQL timeline events are not asked their databaseId (GitHub's event ids have
    # outgrown its 32-bit Int, and these types have no fullDatabaseId); comments and reviews keep
    # theirs (see the test).
    "pr_events": "* exclude (event_id)",
    # previous_path: GraphQL's PullRequestChangedFile has no previous path of a renamed file.
    "pr_files": "* exclude (previous_path)",
    "pr_commits": "*",
    "pr_comments": "*",
    "repos": "*",
    "teams": "*",
    "people": "*",
    "repo_files": "*",
    "deployments": "*",
    "deployment_statuses": "*",
    "workflow_runs": "*",
    "review_wait": "*",
    "approval_latency": "*",
    "pr_time_in_court": "*",
    # PR and comment bodies and cross-referenced events, read from both paths' payloads
    "pr_references": "*",
    "repo_dependencies": "*",
}


def _rows(wh: Warehouse, table: str) -> list[tuple[object, ...]]:
    return sorted(wh.query(f"select {_COMPARED[table]} from {table}"), key=repr)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("org")
    generate(root, prs=160, repos=4)
    return root


@pytest.fixture(scope="module")
def server(sample: Path) -> Iterator[FixtureServer]:
    running = FixtureServer(sample, rate_limit=10**6).start()
    yield running
    running.stop()


def _web_app_batches(running: FixtureServer, client: GitHubClient | None = None) -> list[RawBatch]:
    """web-app's PRs as the GraphQL collector gives them from `running`, nothing stored before,
    through `client` (a new one by default); the client is closed after."""
    client = client or GitHubClient(running.url, None)
    try:
        return list(
            GraphQLPullCollector(client, ORG).pull_batches(
                "acme/web-app", lambda r, n: (None, None)
            )
        )
    finally:
        client.close()


def test_graphql_sync_stores_the_same_core_tables_as_rest(
    server: FixtureServer, tmp_path: Path
) -> None:
    with (
        Warehouse.open(tmp_path / "a.duckdb") as rest,
        Warehouse.open(tmp_path / "b.duckdb") as gql,
    ):
        rest_requests = _sync(rest, server, api="rest")
        graphql_requests = _sync(gql, server, api="graphql")
        for table in _COMPARED:
            expected, got = _rows(rest, table), _rows(gql, table)
            assert expected, table
            assert got == expected, table
        # event_id is kept wherever GraphQL has a database id: comments and reviews, whose ids
        # in the sample org (17,000,000,159 and 2,600,000,077) are past GraphQL's Int, as
        # GitHub's real ones are: they come as fullDatabaseId, a BigInt.
        ids = "select event_id from pr_events where event in ('commented', 'reviewed') order by 1"
        assert gql.query(ids) == rest.query(ids)
        assert gql.query("select max(review_id) > 2147483647 from reviews") == [(True,)]
        # review_dismissed events come through GraphQL too, with the dismissed review's id
        dismissed = (
            "select count(*), count(distinct payload -> 'dismissed_review' ->> 'review_id') "
            "from raw_timeline where payload ->> 'event' = 'review_dismissed'"
        )
        assert gql.query(dismissed) == rest.query(dismissed)
        assert gql.query(dismissed)[0][0] > 0
        # nothing was left for REST to fetch: every PR's details came with its page
        assert gql.query(
            "select count(*) from cursors where resource like 'pull_details/%'"
        ) == gql.query("select count(*) from raw_pulls")
    assert graphql_requests * 10 < rest_requests, (graphql_requests, rest_requests)


def test_a_pr_page_github_gives_up_on_is_asked_again_lighter_and_nothing_is_lost(
    sample: Path, server: FixtureServer, tmp_path: Path
) -> None:
    """GitHub gives up on a query past its time limit, and a repo of big PRs can make every page
    of 37 PRs too heavy: the page is asked again with half the PRs, until GitHub answers."""
    # the sample org's PRs hold some 15 nodes each (reviews, timeline items, files, commits): a
    # page of 37 far more than 200, one of 9 fewer
    limits = {"PullRequests": 200}
    heavy = FixtureServer(sample, rate_limit=10**6, graphql_time_limits=limits).start()
    try:
        with (
            Warehouse.open(tmp_path / "a.duckdb") as whole,
            Warehouse.open(tmp_path / "b.duckdb") as lighter,
        ):
            _sync(whole, server, api="graphql")
            sync_from(heavy, lighter, api="graphql")
            for table in ("pull_requests", "reviews", "pr_events", "pr_files", "pr_commits"):
                assert _rows(lighter, table) == _rows(whole, table), table
    finally:
        heavy.stop()
    pages = [
        (int(r.query["pageSize"]), "errors" in r.query)
        for r in heavy.requests
        if r.query.get("operation") == "PullRequests"
    ]
    gave_up = [size for size, failed in pages if failed]
    # the first page was sent 4 times (a give-up is most often a blip), then halved: 37, 18,
    # 9..., each lighter page sent once; a lighter size, once answered, stays for the repo's
    # pages. Four repos: four times 37 four times, and 18 once each.
    assert gave_up[:5] == [37, 37, 37, 37, 18], pages
    assert gave_up.count(37) == 16 and gave_up.count(18) == 4, pages
    assert {size for size, _ in pages} <= {37, 18, 9, 4, 2, 1}
    assert min(size for size, failed in pages if not failed) < 37


def test_an_org_snapshot_github_gives_up_on_is_asked_again_with_fewer_repos_and_teams(
    sample: Path, server: FixtureServer, tmp_path: Path
) -> None:
    """An org of many teams, or repos of big root folders, can make a snapshot page of 100 repos
    and teams more than GitHub gathers in time: it is asked again with half as many, until
    GitHub answers, and the org comes out as it does whole."""
    # the sample's first snapshot page holds 180 nodes at 100 (its 4 repos, their newest PR and
    # deployments, the members, the teams with theirs), 135 at 4 and 106 at 3: at most 120, the
    # page of 3 is the first GitHub answers
    heavy = FixtureServer(sample, rate_limit=10**6, graphql_time_limits={"OrgSnapshot": 120})
    with (
        heavy,
        Warehouse.open(tmp_path / "a.duckdb") as whole,
        Warehouse.open(tmp_path / "b.duckdb") as lighter,
    ):
        sync_from(server, whole, api="graphql")
        sync_from(heavy, lighter, api="graphql")
        for table in ("repos", "teams", "people", "repo_files", "deployments", "pull_requests"):
            assert _rows(lighter, table) == _rows(whole, table), table
        asked = [
            (int(r.query["pageSize"]), "errors" in r.query)
            for r in heavy.requests
            if r.query.get("operation") == "OrgSnapshot"
        ]
    # the first page four times (a give-up is most often a blip), each lighter one once, then
    # the rest of the repos at the size that answered
    assert asked == [
        *[(100, True)] * 4,
        (50, True),
        (25, True),
        (12, True),
        (6, True),
        (3, False),
        (3, False),
    ]


def test_a_pr_too_big_for_a_page_of_one_is_read_in_shorter_nested_pages_to_its_end(
    sample: Path, tmp_path: Path
) -> None:
    """PR 1 changes 130 files: even alone on a page its 100 files are more than GitHub will
    gather in time, so the page asks for 50, then 25 of each connection, and the files past
    them come in follow-up pages of 25 (of 100, GitHub would give up on those too)."""
    root = tmp_path / "mirror"
    _copy(sample, root)
    files = root / "repos" / ORG / "web-app" / "pulls" / "1" / "files.json"
    payload = [
        {"filename": f"src/f{i:03d}.py", "status": "added", "additions": i, "deletions": 0}
        for i in range(130)
    ]
    files.write_text(json.dumps(payload))
    limits = {"PullRequests": 60, "PullRequestFilesPage": 60}
    with FixtureServer(root, rate_limit=10**6, graphql_time_limits=limits) as running:
        batches = _web_app_batches(running)
        asked = [r.query for r in running.requests if r.method == "POST"]
    stored = [
        b for b in batches if b.resource == "files" and b.replace and b.replace.parents == ("1",)
    ]
    assert [json.loads(i.payload) for i in stored[0].items] == payload
    follow_ups = [q for q in asked if q.get("operation") == "PullRequestFilesPage"]
    # 130 files: 25 with the PR's page, then 25, 25, 25, 25 and 5 in follow-ups of 25 each
    assert [q["pageSize"] for q in follow_ups] == ["25"] * 5
    assert all("errors" not in q for q in follow_ups)


def test_graphql_sync_resumes_at_the_high_water_mark(server: FixtureServer, tmp_path: Path) -> None:
    with Warehouse.open(tmp_path / "b.duckdb") as wh:
        _sync(wh, server, api="graphql")
        before = len(server.requests)
        client = GitHubClient(server.url, None)

        def cursor(repo: str, resource: str) -> tuple[str | None, str | None]:
            c = wh.cursor(ORG, repo, resource)
            return c.value, c.etag

        batches = list(GraphQLPullCollector(client, ORG).pull_batches("acme/web-app", cursor))
        client.close()
    # Nothing changed: one page, holding only the PRs updated at the high-water second itself.
    assert len(server.requests) - before == 1
    assert 1 <= sum(len(b.items) for b in batches if b.resource == "pulls") <= 2


def test_a_change_in_the_high_water_second_itself_is_not_lost(sample: Path, tmp_path: Path) -> None:
    """A PR edited again within the second the last sync saw it keeps its updated_at: the next
    sync must still take it (GitHub's timestamps count whole seconds), though the org snapshot
    shows the same newest update time as before."""
    root = tmp_path / "mirror"
    _copy(sample, root)
    pulls_file = root / "repos" / ORG / "web-app" / "pulls.json"
    newest = max(json.loads(pulls_file.read_text()), key=lambda p: p["updated_at"])
    # the first sync reads the repo within the second its newest PR was updated
    (root / "as_of.txt").write_text(newest["updated_at"] + "\n", encoding="utf-8")
    with (
        FixtureServer(root, rate_limit=10**6) as running,
        Warehouse.open(tmp_path / "w.duckdb") as wh,
    ):
        _sync(wh, running, api="graphql")
        pulls = json.loads(pulls_file.read_text())
        newest = max(pulls, key=lambda p: p["updated_at"])
        newest["title"] = "Edited in the same second"
        pulls_file.write_text(json.dumps(pulls))
        _sync(wh, running, api="graphql")
        title = wh.query(
            "select title from pull_requests where repo = 'acme/web-app' and number = ?",
            [newest["number"]],
        )
    assert title == [("Edited in the same second",)]


def test_files_past_the_nested_page_are_fetched_by_follow_up_query(
    sample: Path, tmp_path: Path
) -> None:
    root = tmp_path / "mirror"
    _copy(sample, root)
    files = root / "repos" / ORG / "web-app" / "pulls" / "1" / "files.json"
    many = NESTED_PAGE_SIZE + 30
    payload = [
        {"filename": f"src/f{i:03d}.py", "status": "added", "additions": i, "deletions": 0}
        for i in range(many)
    ]
    files.write_text(json.dumps(payload))
    with FixtureServer(root, rate_limit=10**6) as running:
        batches = _web_app_batches(running)
        follow_ups = [r for r in running.requests if r.method == "POST"]
    stored = [
        b for b in batches if b.resource == "files" and b.replace and b.replace.parents == ("1",)
    ]
    assert len(stored) == 1
    assert [json.loads(i.payload) for i in stored[0].items] == payload
    pulls = len(json.loads((root / "repos" / ORG / "web-app" / "pulls.json").read_text()))
    pages = -(-pulls // PULL_REQUEST_PAGE_SIZE)
    assert len(follow_ups) == pages + 1  # the PR pages, and one follow-up for PR 1's files


def _copy(source: Path, target: Path) -> None:
    shutil.copytree(source, target)


def test_a_pr_github_fails_on_is_left_to_rest_and_the_rest_of_the_repo_advances(
    sample: Path, tmp_path: Path
) -> None:
    """GitHub fails on PR 1 of web-app whichever way it is asked (a bug on GitHub's side: its
    reviews do not parse, so the GraphQL page holding it answers with an error there, and REST
    answers 500). The page is halved down to PR 1 alone, which is stored as listed; every other
    PR comes whole, the high-water mark moves past PR 1, the run is partial naming PR 1 (in the
    sync's failures and in sync_runs), and the next run, GitHub serving PR 1 again, reads PR 1
    alone and is whole."""
    root = tmp_path / "mirror"
    _copy(sample, root)
    repo = root / "repos" / ORG / "web-app"
    reviews = repo / "pulls" / "1" / "reviews.json"
    good = reviews.read_text()
    reviews.write_text("{not JSON")
    pulls = json.loads((repo / "pulls.json").read_text())
    newest = max(p["updated_at"] for p in pulls)
    expected_reviews = len(json.loads(good))
    assert expected_reviews > 0
    with (
        FixtureServer(root, rate_limit=10**6) as running,
        Warehouse.open(tmp_path / "w.duckdb") as wh,
    ):
        first = sync_from(running, wh, api="graphql")
        asked = [r for r in running.requests if r.path == "/graphql"]
        listed = [r for r in asked if r.query.get("operation") == "PullRequestListing"]
        stored = wh.query("select number from pull_requests where repo = 'acme/web-app'")
        high_water = wh.cursor(ORG, "acme/web-app", "pulls").value
        reviewed = wh.query(
            "select count(*) from reviews where repo = 'acme/web-app' and pr_number = 1"
        )
        others = wh.query(
            "select count(*) from cursors where repo = 'acme/web-app' "
            "and resource like 'pull_details/%'"
        )
        runs = wh.query("select status, error from sync_runs")
        reviews.write_text(good)
        running.clear_log()
        second = sync_from(running, wh, api="graphql")
        again = [r.path for r in running.requests if "/pulls/" in r.path or "/issues/" in r.path]
        reviewed_after = wh.query(
            "select count(*) from reviews where repo = 'acme/web-app' and pr_number = 1"
        )
        last = wh.query("select status, error from sync_runs order by id desc limit 1")
    (failure,) = first.failures
    assert failure.startswith("acme/web-app: PR #1 not synced whole (GitHub failed on"), failure
    assert "the next run asks again" in failure
    assert len(listed) == 1  # PR 1 alone, without its reviews
    assert sorted(n for (n,) in stored) == sorted(p["number"] for p in pulls)
    assert high_water == newest
    assert reviewed == [(0,)]
    assert others == [(len(pulls) - 1,)]  # every PR but PR 1 has its details
    assert runs == [("partial", failure)]
    # the next run asks for PR 1's details alone, through REST, and the repo is whole again
    assert second.failures == ()
    assert again and all("/1/" in path for path in again), again
    assert reviewed_after == [(expected_reviews,)]
    assert last == [("ok", None)]


def test_a_pr_rest_fails_on_is_named_and_rest_alone_is_asked_whether_github_answers(
    sample: Path, tmp_path: Path
) -> None:
    """--api rest: REST answers 500 for PR 1's reviews alone. The PR is named, the rest of the
    repo syncs, and whether GitHub answers at all is asked of REST (GET /rate_limit, free), not
    of the GraphQL API a REST sync has no use for (and whose budget may be spent)."""
    root = tmp_path / "mirror"
    _copy(sample, root)
    (root / "repos" / ORG / "web-app" / "pulls" / "1" / "reviews.json").write_text("{not JSON")
    with (
        FixtureServer(root, rate_limit=10**6) as running,
        Warehouse.open(tmp_path / "w.duckdb") as wh,
    ):
        result = sync_from(running, wh, api="rest")
        paths = [r.path for r in running.requests]
    (failure,) = result.failures
    assert failure.startswith("acme/web-app: PR #1 not synced whole (GitHub failed on"), failure
    assert "/graphql" not in paths
    assert "/rate_limit" in paths


def test_an_outage_fails_after_one_pages_retries_not_a_lighter_page_each(
    sample: Path, tmp_path: Path
) -> None:
    """GitHub answers every request 502 (an outage): the first page of PRs is tried with all
    its retries, the lightest query tells that GitHub answers nothing, and the repo fails
    there, rather than going through all the retries again at each of ten lighter pages (some
    25 minutes on GitHub, where one page's retries take some 2.5)."""
    from miner.errors import GitHubTimedOut
    from miner.fixtures_server import FaultPlan

    faults = FaultPlan(["502"], every=1)
    with FixtureServer(sample, rate_limit=10**6, faults=faults) as running:
        with pytest.raises(GitHubTimedOut):
            _web_app_batches(running)
        asked = [r.query for r in running.requests if r.path == "/graphql"]
    operations = [(q.get("operation"), q.get("pageSize")) for q in asked]
    pages = [o for o in operations if o[0] == "PullRequests"]
    # urllib3's tries of the first page (1 + 10 retries), then one probe
    assert pages == [("PullRequests", "37")] * 11, operations
    assert operations[len(pages) :] == [("Probe", None)], operations


def test_an_outage_fails_the_org_snapshot_after_one_pages_retries(sample: Path) -> None:
    """As a page of PRs: in an outage the snapshot is not asked again at each lighter size."""
    from miner.errors import GitHubTimedOut
    from miner.fixtures_server import FaultPlan
    from miner.org_snapshot import OrgSnapshot

    with FixtureServer(sample, rate_limit=10**6, faults=FaultPlan(["502"], every=1)) as running:
        client = GitHubClient(running.url, None)
        try:
            with pytest.raises(GitHubTimedOut):
                OrgSnapshot(client, ORG).take()
        finally:
            client.close()
        asked = [r.query for r in running.requests if r.path == "/graphql"]
    operations = [(q.get("operation"), q.get("pageSize")) for q in asked]
    assert operations == [("OrgSnapshot", "100")] * 11 + [("Probe", None)], operations


def test_a_pr_deleted_between_its_page_and_a_follow_up_is_no_repo_unreadable(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PR 1 of web-app (130 files: a follow-up page for the files past its first 100) is
    deleted between its page and that follow-up: GitHub answers the follow-up NOT_FOUND at
    repository.pullRequest. That is a PR gone, not the repo: the sync does not call web-app
    "not readable with this token" (as it did, and for every sync after); PR 1 is stored as
    listed and its details are asked through REST, and the run is whole."""
    from miner.graphql_queries import PAGE_QUERIES

    root = tmp_path / "mirror"
    _copy(sample, root)
    repo = root / "repos" / ORG / "web-app"
    files = [
        {"filename": f"src/f{i:03d}.py", "status": "added", "additions": i, "deletions": 0}
        for i in range(NESTED_PAGE_SIZE + 30)
    ]
    (repo / "pulls" / "1" / "files.json").write_text(json.dumps(files))
    listing = repo / "pulls.json"
    pulls = json.loads(listing.read_text())
    sent = GitHubClient.post_graphql

    def post_graphql(
        self: GitHubClient, query: str, variables: dict[str, Any], **kw: Any
    ) -> dict[str, Any]:
        if query == PAGE_QUERIES["files"] and variables.get("number") == 1:
            listing.write_text(json.dumps([p for p in pulls if p["number"] != 1]))
        return sent(self, query, variables, **kw)

    monkeypatch.setattr(GitHubClient, "post_graphql", post_graphql)
    with (
        FixtureServer(root, rate_limit=10**6) as running,
        Warehouse.open(tmp_path / "w.duckdb") as wh,
    ):
        result = sync_from(running, wh, api="graphql")
        stored = wh.query("select count(*) from pull_requests where repo = 'acme/web-app'")
        asked = [r.path for r in running.requests if r.path.startswith("/repos/acme/web-app/")]
    assert result.failures == ()
    assert stored == [(len(pulls),)]
    # its details, through REST
    assert "/repos/acme/web-app/pulls/1/files" in asked, asked


@pytest.fixture(scope="module")
def one_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An org of one repo, web-app, of 101 PRs."""
    root = tmp_path_factory.mktemp("one-repo")
    generate(root, prs=101, repos=1)
    return root


def _newest_first(root: Path) -> list[dict[str, Any]]:
    """web-app's PRs as GitHub's GraphQL API pages them: newest update first."""
    pulls = json.loads((root / "repos" / ORG / "web-app" / "pulls.json").read_text())
    ordered: list[dict[str, Any]] = sorted(pulls, key=lambda p: p["updated_at"], reverse=True)
    assert len({p["updated_at"] for p in ordered}) == len(ordered)  # one order only
    return ordered


def test_a_repo_whose_every_pr_github_gives_up_on_costs_two_queries_a_pr_past_the_first(
    one_repo: Path, tmp_path: Path
) -> None:
    """GitHub gives up on every page of web-app's PRs, however light ("Something went wrong",
    a PR at a time): every PR is stored as listed, its details read through REST, the
    high-water mark moves, and the run is whole. Each PR cost some 14 queries (a walk down
    from a full page after each), 28,000 for a repo of 2,000: more than GitHub's 5,000 points
    an hour, so a nightly sync never ended. Now the page after such a PR starts at the
    lightest, asked once."""
    pulls = _newest_first(one_repo)
    expected_reviews = sum(
        len(json.loads((one_repo / "repos" / ORG / "web-app" / "pulls" / str(p["number"])
                        / "reviews.json").read_text()))
        for p in pulls
    )  # fmt: skip
    assert expected_reviews > 0
    limits = {"PullRequests": 0}  # any answer holding a node is past the time limit
    with (
        FixtureServer(one_repo, rate_limit=10**6, graphql_time_limits=limits) as running,
        Warehouse.open(tmp_path / "w.duckdb") as wh,
    ):
        result = sync_from(running, wh, api="graphql")
        asked = [r.query.get("operation") for r in running.requests if r.path == "/graphql"]
        stored = wh.query("select count(*) from pull_requests")
        reviews = wh.query("select count(*) from reviews")
        high_water = wh.cursor(ORG, "acme/web-app", "pulls").value
    assert result.failures == ()
    assert stored == [(len(pulls),)]
    assert reviews == [(expected_reviews,)]  # through REST
    assert high_water == pulls[0]["updated_at"]
    # The first PR: the full page 4 times (a give-up is most often a blip), then 9 lighter
    # pages once each (18, 9, 4, 2, 1 PRs, then one PR with 50, 25, 12, 10 of each
    # connection), then its listing: 14. Every later PR: one page of one PR at the lightest,
    # asked once, then its listing: 2.
    pages = asked.count("PullRequests") + asked.count("PullRequestListing")
    assert pages == 14 + 2 * (len(pulls) - 1), asked
    assert pages <= 3 * len(pulls)


def test_a_pr_github_fails_on_costs_few_queries_and_full_pages_come_back(
    one_repo: Path, tmp_path: Path
) -> None:
    """The second newest of web-app's 101 PRs has reviews GitHub fails on (an error at that
    PR, however light its page). Its page is halved down to it alone (the newest PR answers
    alone first), it is listed, and the pages after it grow back to full ones, doubling:
    before, every later PR of the repo was a query of its own (one PR a page, the size that
    last answered), 107 queries here."""
    root = tmp_path / "mirror"
    _copy(one_repo, root)
    pulls = _newest_first(root)
    bad = pulls[1]["number"]
    (root / "repos" / ORG / "web-app" / "pulls" / str(bad) / "reviews.json").write_text("{x")
    with FixtureServer(root, rate_limit=10**6) as running:
        batches = _web_app_batches(running)
        asked = [
            (r.query.get("operation"), int(r.query["pageSize"]), "errors" in r.query)
            for r in running.requests
            if r.path == "/graphql"
        ]
    listed = [json.loads(i.payload)["number"] for b in batches if b.resource == "pulls"
              for i in b.items]  # fmt: skip
    detailed = {
        c.resource for b in batches for c in b.cursors if c.resource.startswith("pull_details/")
    }
    (high_water,) = [c.value for b in batches for c in b.cursors if c.resource == "pulls"]
    assert sorted(listed) == sorted(p["number"] for p in pulls)
    assert detailed == {f"pull_details/{p['number']}" for p in pulls if p["number"] != bad}
    assert high_water == pulls[0]["updated_at"]
    # PR at 0 answers alone after 37, 18, 9, 4 and 2 fail; PR at 1 fails alone and is listed;
    # then pages of 1, 2, 4, 8, 16, 32 and 37 PRs hold PRs 2 to 100
    assert asked == [
        *[("PullRequests", n, True) for n in (37, 18, 9, 4, 2)],
        ("PullRequests", 1, False),
        ("PullRequests", 1, True),
        ("PullRequestListing", 1, False),
        *[("PullRequests", n, False) for n in (1, 2, 4, 8, 16, 32, 37)],
    ], asked


def test_pages_made_lighter_for_a_while_grow_back_after_eight_calm_pages(
    one_repo: Path, tmp_path: Path
) -> None:
    """GitHub gives up on web-app's pages of 37 and 18 PRs (some 15 nodes each, past 200), then,
    once a page of 9 answered, on nothing (a busy spell over, or the few big PRs past). The
    lighter size stays the ceiling while pages answer at it, but not for the rest of the repo:
    after 8 calm pages a page twice as heavy is asked once, and stays when it answers. Before,
    a repo of 2,000 PRs one big PR made go one PR a page went so to its end."""
    root = tmp_path / "mirror"
    _copy(one_repo, root)
    running = FixtureServer(root, rate_limit=10**6, graphql_time_limits={"PullRequests": 200})
    with running:
        client = GitHubClient(running.url, None)
        post = client.post_graphql

        def then_fast(query: str, variables: dict[str, Any], **kwargs: Any) -> Any:
            answer = post(query, variables, **kwargs)
            if variables.get("pageSize") == 9:
                running.graphql_time_limits.clear()
            return answer

        client.post_graphql = then_fast  # type: ignore[method-assign]
        batches = _web_app_batches(running, client)
        asked = [
            (int(r.query["pageSize"]), "errors" in r.query)
            for r in running.requests
            if r.query.get("operation") == "PullRequests"
        ]
    listed = [json.loads(i.payload)["number"] for b in batches if b.resource == "pulls"
              for i in b.items]  # fmt: skip
    assert sorted(listed) == sorted(p["number"] for p in _newest_first(root))
    # 37 four times (a give-up is most often a blip) and 18 once give up; 9 answers, and it
    # and 7 pages of 9 after it make 8 calm pages (72 PRs); then 18, asked once, answers (PRs
    # 73 to 90) and stays for the last 11
    assert asked == [
        *[(37, True)] * 4,
        (18, True),
        *[(9, False)] * 8,
        (18, False),
        (18, False),
    ], asked


def test_a_heavier_page_github_gives_up_on_leaves_the_lighter_one_for_eight_pages_more(
    one_repo: Path, tmp_path: Path
) -> None:
    """GitHub gives up on web-app's pages of 18 PRs and more (some 15 nodes a PR, past 200)
    throughout: the page of 18 tried after 8 calm pages of 9 is asked once, the page of 9
    answers in its place and is the ceiling again, and the next page of 18 would come 8 pages
    later (past the repo's 101 PRs): one page in 8 pays for a query GitHub gives up on."""
    root = tmp_path / "mirror"
    _copy(one_repo, root)
    running = FixtureServer(root, rate_limit=10**6, graphql_time_limits={"PullRequests": 200})
    with running:
        batches = _web_app_batches(running)
        asked = [
            int(r.query["pageSize"])
            for r in running.requests
            if r.query.get("operation") == "PullRequests"
        ]
    listed = [json.loads(i.payload)["number"] for b in batches if b.resource == "pulls"
              for i in b.items]  # fmt: skip
    assert sorted(listed) == sorted(p["number"] for p in _newest_first(root))
    # page 1: 37 four times and 18 once give up, 9 answers (PRs 1 to 9); pages 2 to 8 at 9
    # (PRs 10 to 72); page 9: 18 gives up, 9 answers (73 to 81); pages 10 to 12 at 9 (82 to
    # 101), the ceiling again
    assert asked == [37, 37, 37, 37, 18, *[9] * 8, 18, 9, 9, 9, 9], asked


def test_a_pr_page_too_heavy_for_github_answered_502_is_asked_lighter_not_called_an_outage(
    sample: Path, server: FixtureServer
) -> None:
    """GitHub's front end answers 502 for a page of PRs it could not gather in time (no GraphQL
    error saying so), while the lightest query (Probe) answers: that is a page too heavy, not
    an outage. The page is asked again lighter, each lighter one once, and web-app's PRs come
    whole, as from a server that gives up on nothing."""
    limits = {"PullRequests": 200}  # the sample's PRs: some 15 nodes each, see above

    def collect(running: FixtureServer) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """Every item collected (resource, payload) and every cursor (resource, value)."""
        batches = _web_app_batches(running)
        items = sorted((b.resource, str(i.payload)) for b in batches for i in b.items)
        cursors = sorted((c.resource, str(c.value)) for b in batches for c in b.cursors)
        return items, cursors

    with FixtureServer(
        sample, rate_limit=10**6, graphql_time_limits=limits, graphql_timed_out=502
    ) as heavy:
        got = collect(heavy)
        asked = [
            (r.query.get("operation"), r.query.get("pageSize"), r.status)
            for r in heavy.requests
            if r.path == "/graphql"
        ]
    assert got == collect(server)
    # the first page of 37 with all its retries (urllib3's: 1 + 10), then Probe answers: the
    # page is too heavy, not GitHub down; 18 is asked once (502 again, Probe again), then 9
    # answers and stays the repo's size
    assert asked[:14] == [
        *[("PullRequests", "37", 502)] * 11,
        ("Probe", None, 200),
        ("PullRequests", "18", 502),
        ("Probe", None, 200),
    ], asked
    assert asked[14] == ("PullRequests", "9", 200), asked
    assert ("PullRequestListing", "1", 200) not in asked
