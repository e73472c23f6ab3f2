"""Sync the sample org from the local GitHub-compatible server on 127.0.0.1 through PyGithub,
PRs through GraphQL and through REST, and check the warehouse against the generator's ground
truth and against `miner import`."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from miner.config import Config
from miner.fixtures_server import FixtureServer
from miner.sample_org import TRUTH_DIR
from miner.sql_files import layer
from miner.sync import SyncResult, import_mirror
from miner.warehouse import Warehouse
from tests.local_sync import sync_from

TOKEN = "test-token-do-not-leak"
# A first sync of the sample org makes about 12,000 requests: more than one hour of GitHub's
# 5,000; the server grants enough that the test measures the sync, not the wait for a reset.
SAMPLE_ORG_BUDGET = 1_000_000


@dataclass
class Synced:
    server: FixtureServer
    wh: Warehouse
    mirror: Path
    api: str


def _sync(synced: Synced) -> SyncResult:
    return _sync_with(synced.server, synced.wh, synced.api)


def _sync_with(server: FixtureServer, wh: Warehouse, api: str) -> SyncResult:
    return sync_from(server, wh, api=api, token=TOKEN)


@pytest.fixture(scope="module", params=["graphql", "rest"])
def synced(
    request: pytest.FixtureRequest, sample_org: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Synced]:
    api: str = request.param
    # A private copy: some tests change the mirror to see what the next sync fetches.
    mirror = tmp_path_factory.mktemp("served") / "acme"
    shutil.copytree(sample_org, mirror)
    with (
        FixtureServer(mirror, token=TOKEN, rate_limit=SAMPLE_ORG_BUDGET) as server,
        Warehouse.open(tmp_path_factory.mktemp("wh") / f"sync-{api}.duckdb") as wh,
    ):
        _sync_with(server, wh, api)
        yield Synced(server, wh, mirror, api)


# What GraphQL cannot give as REST does (see tests/test_collect_graphql.py): the columns of each
# core table left out when a GraphQL sync is compared with an import of the REST mirror.
GRAPHQL_GAPS = {
    "pr_events": "* exclude (event_id)",
    "pr_files": "* exclude (previous_path)",
}


def test_review_wait_matches_the_generators_ground_truth(synced: Synced) -> None:
    truth = synced.mirror / TRUTH_DIR / "review_wait.csv"
    wh = synced.wh
    wh.con.execute(
        f"create or replace temp table truth as select * from read_csv('{truth}', all_varchar=true)"
    )
    key = (
        "repo, pr_number::integer as pr_number, coalesce(reviewer, '') as reviewer, "
        "coalesce(reviewer_team, '') as reviewer_team, episode::integer as episode"
    )
    cols = (
        "outcome, coalesce(responder, '') as responder, "
        "strftime(requested_at::timestamptz, '%Y-%m-%dT%H:%M:%SZ') as requested_at, "
        "strftime(start_at::timestamptz, '%Y-%m-%dT%H:%M:%SZ') as start_at, "
        "strftime(ended_at::timestamptz, '%Y-%m-%dT%H:%M:%SZ') as ended_at, "
        "round(wait_hours::double, 4) as wait_hours"
    )
    expected = wh.query(f"select {key}, {cols} from truth order by all")
    actual = wh.query(f"select {key}, {cols} from review_wait order by all")
    assert len(expected) > 2000
    missing = sorted(set(expected) - set(actual))[:5]
    extra = sorted(set(actual) - set(expected))[:5]
    assert not missing and not extra, f"truth rows not in the view: {missing}; extra: {extra}"
    outcomes = Counter(r[5] for r in expected)
    assert {"reviewed", "withdrawn", "unanswered", "waiting"} <= set(outcomes)


def test_import_of_the_mirror_gives_the_same_warehouse(synced: Synced, tmp_path: Path) -> None:
    with Warehouse.open(tmp_path / "import.duckdb") as imported:
        import_mirror(imported, Config(), synced.mirror)
        for f in layer("core"):
            if f.name == "snapshots":
                continue
            columns = GRAPHQL_GAPS.get(f.name, "*") if synced.api == "graphql" else "*"
            a = synced.wh.query(f"select {columns} from {f.name} order by all")
            b = imported.query(f"select {columns} from {f.name} order by all")
            assert a == b, f"core table {f.name} differs between sync and import"
        assert imported.query("select as_of from snapshots") == synced.wh.query(
            "select as_of from snapshots"
        )


def test_sync_fetches_each_object_once_and_never_one_by_one(synced: Synced) -> None:
    log = [r for r in synced.server.requests if r.status == 200]
    prs = synced.wh.query("select count(*) from pull_requests")[0][0]
    queries = [r for r in log if r.method == "POST" and r.path == "/graphql"]
    details = [r for r in log if re.search(r"/(pulls|issues)/\d+/", r.path)]
    if synced.api == "graphql":
        # every PR's details came with its page of 37 (a few PRs overflow a nested page of 100)
        assert details == []
        assert 0 < len(queries) < prs / 20
    else:
        assert queries == []
        assert len({r.path for r in details}) == 5 * prs
    first_pages = Counter((r.path, r.query.get("page", "1")) for r in log if r.method == "GET")
    assert max(first_pages.values()) == 1
    # PyGithub's lazy completion would GET each listed PR (or review) again by itself.
    singles = [r.path for r in log if re.fullmatch(r"/repos/[^/]+/[^/]+/pulls/\d+", r.path)]
    assert singles == []
    pulls = [r for r in log if re.fullmatch(r"/repos/[^/]+/[^/]+/pulls", r.path)]
    assert all(r.query.get("per_page") == "100" for r in pulls)


def test_second_sync_of_unchanged_org_fetches_no_pr_details(synced: Synced) -> None:
    synced.server.clear_log()
    result = _sync(synced)
    # nothing changed: nothing new, nothing updated (a PR stored again as it was is neither)
    assert (result.pulls_new, result.pulls_updated) == (0, 0)
    assert "0 PRs new, 0 updated" in result.summary()
    log = synced.server.requests
    details = [r.path for r in log if re.search(r"/(pulls|issues)/\d+/", r.path)]
    assert details == []
    repos = synced.wh.query("select count(*) from repos")[0][0]
    pull_lists = [r for r in log if r.path.endswith("/pulls")]
    queries = [r for r in log if r.path == "/graphql"]
    if synced.api == "graphql":
        # the org snapshot says nothing changed; only repos with runs stored unfinished are
        # asked about those, conditionally (GitHub answers 304, which its rate limit ignores)
        assert [r.query.get("operation") for r in queries] == ["OrgSnapshot"]
        unfinished = synced.wh.query(
            "select distinct '/repos/' || repo || '/actions/runs' from workflow_runs "
            "where status <> 'completed' order by 1"
        )
        others = [(r.path, r.status) for r in log if r.path != "/graphql"]
        assert others == [(path, 304) for (path,) in unfinished]
        assert len(log) <= repos
    else:
        assert (len(pull_lists), queries) == (repos, [])
        assert all(r.status == 304 for r in pull_lists)


def test_sync_after_one_pr_changed_fetches_only_its_details(synced: Synced) -> None:
    repo_dir = next(p for p in sorted((synced.mirror / "repos" / "acme").iterdir()) if p.is_dir())
    pulls_file = repo_dir / "pulls.json"
    pulls = json.loads(pulls_file.read_text())
    # the PR updated longest ago: the one updated last before it is listed again too (at the
    # cursor's instant), stored as it was, and not counted as updated
    changed = min(pulls, key=lambda p: str(p["updated_at"]))
    changed["updated_at"] = "2026-06-30T17:59:00Z"
    changed["title"] = "Retitled <b>after</b> the first sync"
    pulls_file.write_text(json.dumps(pulls))
    synced.server.clear_log()
    result = _sync(synced)
    assert (result.pulls_new, result.pulls_updated) == (0, 1)
    details = {r.path for r in synced.server.requests if re.search(r"/(pulls|issues)/\d+/", r.path)}
    queries = [r for r in synced.server.requests if r.path == "/graphql"]
    n = changed["number"]
    repo = f"acme/{repo_dir.name}"
    repos = synced.wh.query("select count(*) from repos")[0][0]
    if synced.api == "graphql":
        # the snapshot, then one page of PRs for the changed repo only: the changed PR and its
        # details lead it
        operations = [r.query.get("operation") for r in queries]
        assert (operations, details) == (["OrgSnapshot", "PullRequests"], set())
        assert repos > 2
    else:
        assert details == {
            f"/repos/{repo}/pulls/{n}/reviews",
            f"/repos/{repo}/issues/{n}/timeline",
            f"/repos/{repo}/pulls/{n}/files",
            f"/repos/{repo}/pulls/{n}/commits",
            f"/repos/{repo}/issues/{n}/comments",
        }
    title = synced.wh.query(
        "select title from pull_requests where repo = ? and number = ?", [repo, n]
    )
    assert title == [("Retitled <b>after</b> the first sync",)]


def test_raw_tables_hold_one_row_per_key_after_repeated_syncs(synced: Synced) -> None:
    from miner.raw import RESOURCES

    _sync(synced)
    for resource in RESOURCES:
        (row,) = synced.wh.query(f"select count(*), count(distinct (org, key)) from raw_{resource}")
        assert row[0] == row[1], f"raw_{resource} holds a key twice"


def test_token_never_reaches_the_warehouse(synced: Synced) -> None:
    synced.wh.con.execute("checkpoint")
    assert TOKEN.encode() not in synced.wh.path.read_bytes()
