"""The GraphQL PR collector stores what the REST collector stores, in far fewer requests."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from miner.collect_github import GitHubCollector
from miner.collect_graphql import GraphQLPullCollector
from miner.config import Config
from miner.fixtures_server import FixtureServer
from miner.github_client import GitHubClient
from miner.graphql_queries import NESTED_PAGE_SIZE, PULL_REQUEST_PAGE_SIZE
from miner.raw import RawBatch, transactions
from miner.sample_org import generate
from miner.sync import pending_pulls
from miner.transform import rebuild
from miner.warehouse import Warehouse

ORG = "acme"


def _store(wh: Warehouse, batches: Iterable[RawBatch], run: int) -> None:
    for batch in batches:
        wh.store(batch, run)


def _sync(wh: Warehouse, server: FixtureServer, *, graphql: bool) -> int:
    """What miner/sync.py does, PRs through REST or GraphQL; the requests it made."""
    before = len(server.requests)
    client = GitHubClient(server.url, None)
    rest = GitHubCollector(client, ORG)
    run = wh.start_run("sync", ORG, server.url)

    def cursor(repo: str, resource: str) -> tuple[str | None, str | None]:
        c = wh.cursor(ORG, repo, resource)
        return c.value, c.etag

    _store(wh, rest.org_batches(cursor), run)
    teams = [r[0] for r in wh.query("select payload ->> 'slug' from raw_teams order by 1")]
    _store(wh, rest.team_member_batches(teams, cursor), run)
    repos = [r[0] for r in wh.query("select payload ->> 'full_name' from raw_repos order by 1")]
    for repo in repos:
        if graphql:
            _store(wh, GraphQLPullCollector(client, ORG).pull_batches(repo, cursor), run)
        else:
            _store(wh, rest.pull_batches(repo, cursor), run)
        pending = pending_pulls(wh, ORG, repo)
        # The GraphQL path stores every PR's details with its page: nothing is left pending.
        assert not graphql or pending == []
        fetched = (b for pull in pending for b in rest.pull_detail_batches(pull))
        for group in transactions(fetched):
            wh.store_all(group, run)
        _store(wh, rest.codeowners_batches(repo, cursor), run)
    wh.finish_run(run, status="ok", requests=client.requests, as_of=client.server_time)
    client.close()
    rebuild(wh, Config())
    return len(server.requests) - before


# Columns compared: all but those GraphQL cannot give as REST does, each named with why.
_COMPARED = {
    "pull_requests": "* replace (case when merged_at is not null then merge_commit_sha end "
    # REST's merge_commit_sha of an unmerged PR is GitHub's test merge commit; GraphQL's
    # mergeCommit exists only once merged, so the column is compared for merged PRs only.
    "as merge_commit_sha)",
    "reviews": "*",
    # event_id: GraphQL timeline events have no databaseId (only comments and reviews do).
    # seq: REST lists review_dismissed events, which the query's TIMELINE_ITEM_TYPES does not
    # ask for; the order is compared instead of the position (see _events).
    "pr_events": "* exclude (event_id, seq)",
    # previous_path: GraphQL's PullRequestChangedFile has no previous path of a renamed file.
    "pr_files": "* exclude (previous_path)",
    "pr_commits": "*",
    "pr_comments": "*",
    "review_wait": "*",
}


def _rows(wh: Warehouse, table: str) -> list[tuple[object, ...]]:
    source = table
    if table == "pr_events":
        source = (
            "(select *, row_number() over (partition by org, repo, pr_number order by seq) "
            "as seq_rank from pr_events where event <> 'review_dismissed')"
        )
    return sorted(wh.query(f"select {_COMPARED[table]} from {source}"), key=repr)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("org")
    generate(root, prs=150, repos=3)
    _shrink_ids(root)
    return root


# GraphQL's Int is 32-bit, and the queries ask `databaseId: Int`; the sample org's review and
# comment ids (2,600,000,077, 17,000,000,159) are past it, as GitHub's real ones are, so the server
# refuses the query. Until the queries ask fullDatabaseId (GitHub's BigInt), the sample's ids are
# cut to 32 bits, in every file alike, so REST and GraphQL still read the same ids.
_INT_MAX = 2**31 - 1


def _shrink_ids(root: Path) -> None:
    for file in root.glob("repos/*/*/*/*/*.json"):
        file.write_text(json.dumps(_shrunk(json.loads(file.read_text()))))


def _shrunk(value: Any) -> Any:
    if isinstance(value, list):
        return [_shrunk(v) for v in value]
    if isinstance(value, dict):
        return {
            k: v % 10**9 if isinstance(v, int) and v > _INT_MAX else _shrunk(v)
            for k, v in value.items()
        }
    return value


@pytest.fixture(scope="module")
def server(sample: Path) -> Iterator[FixtureServer]:
    running = FixtureServer(sample, rate_limit=10**6).start()
    yield running
    running.stop()


def test_graphql_sync_stores_the_same_core_tables_as_rest(
    server: FixtureServer, tmp_path: Path
) -> None:
    with (
        Warehouse.open(tmp_path / "a.duckdb") as rest,
        Warehouse.open(tmp_path / "b.duckdb") as gql,
    ):
        rest_requests = _sync(rest, server, graphql=False)
        graphql_requests = _sync(gql, server, graphql=True)
        for table in _COMPARED:
            expected, got = _rows(rest, table), _rows(gql, table)
            assert expected, table
            assert got == expected, table
        # event_id is kept wherever GraphQL has a databaseId: comments and reviews.
        ids = "select event_id from pr_events where event in ('commented', 'reviewed') order by 1"
        assert gql.query(ids) == rest.query(ids)
    assert graphql_requests * 10 < rest_requests, (graphql_requests, rest_requests)


def test_graphql_sync_resumes_at_the_high_water_mark(server: FixtureServer, tmp_path: Path) -> None:
    with Warehouse.open(tmp_path / "b.duckdb") as wh:
        _sync(wh, server, graphql=True)
        before = len(server.requests)
        client = GitHubClient(server.url, None)

        def cursor(repo: str, resource: str) -> tuple[str | None, str | None]:
            c = wh.cursor(ORG, repo, resource)
            return c.value, c.etag

        batches = list(GraphQLPullCollector(client, ORG).pull_batches("acme/web-app", cursor))
        client.close()
    # Nothing changed: one page, holding only the PRs updated at the high-water mark itself.
    assert len(server.requests) - before == 1
    assert sum(len(b.items) for b in batches if b.resource == "pulls") <= 2


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
        client = GitHubClient(running.url, None)
        batches = list(
            GraphQLPullCollector(client, ORG).pull_batches(
                "acme/web-app", lambda r, n: (None, None)
            )
        )
        client.close()
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
