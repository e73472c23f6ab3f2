"""GitHub failing one repo, or one part of it, night after night (a 500 past every retry: the
local server answers 500 for a mirror file that does not parse) while it answers the rest: that
repo or part is named, every other repo syncs, the run is partial (exit 3), and the next run
once GitHub answers completes it. A few repos in a row failing is GitHub failing: the run
fails."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from miner.collect_github import CursorLookup
from miner.collect_graphql import GraphQLPullCollector
from miner.errors import GitHubError
from miner.fixtures_server import FixtureServer
from miner.github_client import GitHubClient
from miner.sample_org import generate
from miner.sync import FAILING_IN_A_ROW
from miner.warehouse import Warehouse
from tests.local_sync import sync_from

ORG = "acme"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("org") / ORG
    generate(root, prs=120, repos=4)
    return root


@pytest.fixture
def mirror(sample: Path, tmp_path: Path) -> Path:
    root = tmp_path / ORG
    shutil.copytree(sample, root)
    return root


def _repos(mirror: Path) -> list[str]:
    return sorted(p.name for p in (mirror / "repos" / ORG).iterdir())


def _listed(mirror: Path, repo: str, listing: str) -> int:
    data = json.loads((mirror / "repos" / ORG / repo / listing).read_text())
    return len(data["workflow_runs"] if isinstance(data, dict) else data)


def _break(mirror: Path, repo: str, listing: str) -> str:
    """Make GitHub fail `listing` of `repo` (a 500 each time); gives back what it held."""
    path = mirror / "repos" / ORG / repo / listing
    good = path.read_text()
    path.write_text("{not JSON")
    return good


def _count(wh: Warehouse, table: str, repo: str) -> int:
    return int(wh.query(f"select count(*) from {table} where repo = ?", [f"{ORG}/{repo}"])[0][0])


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_a_part_github_keeps_failing_is_named_and_the_rest_syncs(
    mirror: Path, tmp_path: Path, api: str
) -> None:
    """The first repo's workflow runs answer 500 whatever is tried: its PRs and every other
    repo (the ones after it too) sync, the run is partial naming the part, and the next run,
    GitHub answering again, reads the runs and ends ok."""
    first, *others = _repos(mirror)
    runs = {repo: _listed(mirror, repo, "actions/runs.json") for repo in _repos(mirror)}
    pulls = {repo: _listed(mirror, repo, "pulls.json") for repo in _repos(mirror)}
    assert all(runs.values()) and all(pulls.values())
    good = _break(mirror, first, "actions/runs.json")
    with (
        FixtureServer(mirror, rate_limit=10**6) as server,
        Warehouse.open(tmp_path / "w.duckdb") as wh,
    ):
        result = sync_from(server, wh, api=api)
        stored = {r: (_count(wh, "pull_requests", r), _count(wh, "workflow_runs", r)) for r in runs}
        (status,) = wh.query("select status, error from sync_runs")
        (mirror / "repos" / ORG / first / "actions" / "runs.json").write_text(good)
        again = sync_from(server, wh, api=api)
        first_runs = _count(wh, "workflow_runs", first)
        (last,) = wh.query("select status, error from sync_runs order by id desc limit 1")
    (failure,) = result.failures
    assert failure.startswith(
        f"{ORG}/{first}: workflow runs not synced whole (GitHub kept failing: "
        f"GET /repos/{ORG}/{first}/actions/runs"
    ), failure
    assert failure.endswith("the rest of the repo synced, the next run asks again"), failure
    # what a run GitHub stopped would say ("a GitHub outage?") is not said of a part
    assert "outage" not in failure and "what was fetched" not in failure, failure
    assert stored[first] == (pulls[first], 0)
    for repo in others:
        assert stored[repo] == (pulls[repo], runs[repo]), repo
    assert status == ("partial", failure)
    assert again.failures == ()
    assert first_runs == runs[first]
    assert last == ("ok", None)


def test_a_repo_github_keeps_failing_is_left_for_the_next_run(mirror: Path, tmp_path: Path) -> None:
    """--api rest: the first repo's PR listing answers 500 whatever is tried. The rest of the
    repo (its workflow runs) and the repos after it sync whole, the run is partial naming the
    repo, and the next run completes it."""
    first, *others = _repos(mirror)
    pulls = {repo: _listed(mirror, repo, "pulls.json") for repo in _repos(mirror)}
    runs = _listed(mirror, first, "actions/runs.json")
    good = _break(mirror, first, "pulls.json")
    with (
        FixtureServer(mirror, rate_limit=10**6) as server,
        Warehouse.open(tmp_path / "w.duckdb") as wh,
    ):
        result = sync_from(server, wh, api="rest")
        stored = {r: _count(wh, "pull_requests", r) for r in pulls}
        first_runs = _count(wh, "workflow_runs", first)
        (mirror / "repos" / ORG / first / "pulls.json").write_text(good)
        again = sync_from(server, wh, api="rest")
        after = {r: _count(wh, "pull_requests", r) for r in pulls}
        statuses = wh.query("select status from sync_runs order by id")
    (failure,) = result.failures
    assert failure.startswith(
        f"{ORG}/{first}: not synced whole, the next run tries again: GET /repos/{ORG}/{first}/pulls"
    ), failure
    assert stored == {first: 0, **{r: pulls[r] for r in others}}
    assert first_runs == runs
    assert again.failures == ()
    assert after == pulls
    assert statuses == [("partial",), ("ok",)]


def test_repos_failing_in_a_row_are_github_failing_and_the_run_fails(
    mirror: Path, tmp_path: Path
) -> None:
    """The workflow runs of FAILING_IN_A_ROW repos in a row answer 500 while GitHub answers GET
    /rate_limit: GitHub is failing them, not each repo, and the run fails on the last (after
    storing what it read), rather than take every repo's retries to say so."""
    repos = _repos(mirror)
    assert len(repos) > FAILING_IN_A_ROW
    for repo in repos[:FAILING_IN_A_ROW]:
        _break(mirror, repo, "actions/runs.json")
    with (
        FixtureServer(mirror, rate_limit=10**6) as server,
        Warehouse.open(tmp_path / "w.duckdb") as wh,
        pytest.raises(GitHubError) as caught,
    ):
        try:
            sync_from(server, wh, api="rest")
        finally:
            runs = wh.query("select status from sync_runs")
            # no rebuild after a failure: what was stored is in the raw layer
            synced = {r: _count(wh, "raw_pulls", r) > 0 for r in repos}
    last = repos[FAILING_IN_A_ROW - 1]
    assert str(caught.value).startswith(
        f"GitHub kept failing {FAILING_IN_A_ROW} repos in a row while it answered (the last: "
        f"{ORG}/{last}: workflow runs: GET /repos/{ORG}/{last}/actions/runs"
    ), caught.value
    assert str(caught.value).endswith(
        "what was fetched is stored, and the next run goes on from there"
    )
    assert runs == [("failed",)]
    assert synced == {r: i < FAILING_IN_A_ROW for i, r in enumerate(repos)}


def test_a_repos_pr_details_github_keeps_failing_are_left_pending_after_a_few(
    mirror: Path, tmp_path: Path
) -> None:
    """--api rest: GitHub fails the reviews of every PR of the first repo. After FAILING_IN_A_ROW
    PRs in a row it is the repo's PR details GitHub fails, not each PR: the rest are not asked
    (each would take its retries, minutes on GitHub), the repo is named with how many PRs wait,
    its workflow runs and the other repos sync, and the next run completes it."""
    first = _repos(mirror)[0]
    pulls = {repo: _listed(mirror, repo, "pulls.json") for repo in _repos(mirror)}
    runs = _listed(mirror, first, "actions/runs.json")
    folders = sorted((mirror / "repos" / ORG / first / "pulls").iterdir())
    assert len(folders) == pulls[first] > FAILING_IN_A_ROW
    reviews = sum(len(json.loads((f / "reviews.json").read_text())) for f in folders)
    kept = {f: _break(mirror, first, f"pulls/{f.name}/reviews.json") for f in folders}
    with (
        FixtureServer(mirror, rate_limit=10**6) as server,
        Warehouse.open(tmp_path / "w.duckdb") as wh,
    ):
        result = sync_from(server, wh, api="rest")
        asked = {
            r.path.split("/")[-2]
            for r in server.requests
            if r.path.startswith(f"/repos/{ORG}/{first}/pulls/") and r.path.endswith("/reviews")
        }
        stored = {r: _count(wh, "pull_requests", r) for r in pulls}
        first_runs = _count(wh, "workflow_runs", first)
        for folder, good in kept.items():
            (folder / "reviews.json").write_text(good)
        again = sync_from(server, wh, api="rest")
        after = _count(wh, "reviews", first)
        statuses = wh.query("select status from sync_runs order by id")
    (failure,) = result.failures
    assert failure.startswith(
        f"{ORG}/{first}: not synced whole, the next run tries again: GitHub failed the details "
        f"of {FAILING_IN_A_ROW} PRs in a row (GET /repos/{ORG}/{first}/pulls/"
    ), failure
    assert failure.endswith(f"those of {pulls[first]} PRs are asked next run"), failure
    assert len(asked) == FAILING_IN_A_ROW
    assert stored == pulls  # listed, all of them
    assert first_runs == runs
    assert again.failures == ()
    assert after == reviews > 0
    assert statuses == [("partial",), ("ok",)]


@pytest.mark.parametrize("outage", [False, True])
def test_graphql_pages_of_prs_github_keeps_failing(
    mirror: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, outage: bool
) -> None:
    """GitHub keeps answering 500 to the first repo's GraphQL pages of PRs (injected into the
    collector: the local server fails a repo's PRs only where its org snapshot fails too) while
    it answers the rest: the repo's workflow runs and the other repos sync, the run is partial
    naming the repo. With GitHub's GraphQL API answering nothing at all, not even the lightest
    query (an outage of it, its REST API up), the run fails there, as before."""
    first, *others = _repos(mirror)
    pulls = {repo: _listed(mirror, repo, "pulls.json") for repo in _repos(mirror)}
    runs = _listed(mirror, first, "actions/runs.json")
    said = "POST /graphql: the server kept answering 500"
    failure = GitHubError(said, status=500)
    real = GraphQLPullCollector.pull_batches
    answers = GitHubClient.answers

    def pull_batches(self: GraphQLPullCollector, repo: str, cursor: CursorLookup) -> Any:
        if repo == f"{ORG}/{first}":
            raise failure
        return real(self, repo, cursor)

    def graphql_down(self: GitHubClient, *, rest: bool = False) -> bool:
        return rest and answers(self, rest=True)

    monkeypatch.setattr(GraphQLPullCollector, "pull_batches", pull_batches)
    if outage:
        monkeypatch.setattr(GitHubClient, "answers", graphql_down)
    with (
        FixtureServer(mirror, rate_limit=10**6) as server,
        Warehouse.open(tmp_path / "w.duckdb") as wh,
    ):
        if outage:
            with pytest.raises(GitHubError) as caught:
                sync_from(server, wh, api="graphql")
            assert caught.value is failure
            assert wh.query("select status from sync_runs") == [("failed",)]
            return
        result = sync_from(server, wh, api="graphql")
        stored = {r: _count(wh, "pull_requests", r) for r in pulls}
        first_runs = _count(wh, "workflow_runs", first)
    assert result.failures == (
        f"{ORG}/{first}: not synced whole, the next run tries again: {said}",
    )
    assert stored == {first: 0, **{r: pulls[r] for r in others}}
    assert first_runs == runs


def test_an_enterprise_server_without_rate_limits_syncs_and_a_failing_part_is_named(
    mirror: Path, tmp_path: Path
) -> None:
    """An Enterprise Server with rate limiting off (its default) sends no X-RateLimit headers and
    answers GET /rate_limit 404 "Rate limiting is not enabled.". A sync goes through, and a part
    it keeps failing is that part's (the 404 is an answer), not an outage failing the run."""
    first, *others = _repos(mirror)
    runs = {repo: _listed(mirror, repo, "actions/runs.json") for repo in _repos(mirror)}
    _break(mirror, first, "actions/runs.json")
    with (
        FixtureServer(mirror, rate_limit=None) as server,
        Warehouse.open(tmp_path / "w.duckdb") as wh,
    ):
        result = sync_from(server, wh, api="rest")
        stored = {r: _count(wh, "workflow_runs", r) for r in runs}
        limits = [r for r in server.requests if r.path == "/rate_limit"]
    (failure,) = result.failures
    assert failure.startswith(f"{ORG}/{first}: workflow runs not synced whole"), failure
    assert stored == {first: 0, **{r: runs[r] for r in others}}
    assert limits and all(r.status == 404 for r in limits)
