"""A sync through every fault the local server injects (5xx, secondary and primary rate limits,
429, a connection dropped mid-body, a body cut short, an answer slower than the client's
timeout) ends with the warehouse a clean sync gives; it prints how many faults it survived."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from miner.config import Config, GitHubConfig
from miner.fixtures_server import FAULTS, FaultPlan, FixtureServer
from miner.github_client import GitHubClient
from miner.sample_org import generate
from miner.sync import sync
from miner.warehouse import Warehouse

# The tables a sync's outcome is judged by: the core tables and two metric views over them.
COMPARED = ("pull_requests", "reviews", "pr_events", "pr_files", "pr_commits", "pr_comments",
            "repo_files", "deployments", "deployment_statuses", "workflow_runs",
            "workflow_run_attempts", "people", "teams", "review_wait",
            "repo_dependencies")  # fmt: skip
INJECTED: Counter[str] = Counter()


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("faults") / "acme"
    generate(root, prs=40, repos=2)
    return root


def _sync(org: Path, db: Path, api: str, plan: FaultPlan | None) -> dict[str, list[str]]:
    with FixtureServer(org, faults=plan) as server, Warehouse.open(db) as wh:
        # a 2 s timeout, so the `slow` fault (3 s) is a timeout
        client = GitHubClient(server.url, token=None, timeout=2)
        result = sync(wh, Config(github=GitHubConfig(org="acme")), client=client, api=api)
        assert result.pulls_stored == 40
        return {t: sorted(map(repr, wh.query(f"select * from {t}"))) for t in COMPARED}


@pytest.fixture(scope="module")
def clean(org: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    folder = tmp_path_factory.mktemp("clean")
    yield {api: _sync(org, folder / f"{api}.duckdb", api, None) for api in ("graphql", "rest")}
    survived = sum(INJECTED.values())
    print(f"\nfaults injected: {survived}, survived: {survived} ({dict(sorted(INJECTED.items()))})")


# REST sends about 270 requests for this org: every 40th fails; GraphQL about 10: every 3rd.
# A primary limit waits 2 s for its reset and `slow` 3 s, so REST meets those less often.
@pytest.mark.parametrize("api", ["graphql", "rest"])
@pytest.mark.parametrize("kind", FAULTS)
def test_a_sync_through_the_fault_ends_as_a_clean_one(
    org: Path, clean: dict[str, object], tmp_path: Path, api: str, kind: str
) -> None:
    every = 3 if api == "graphql" else (90 if kind in ("primary", "slow") else 40)
    plan = FaultPlan([kind], every=every, slow_seconds=3)
    got = _sync(org, tmp_path / "w.duckdb", api, plan)
    assert plan.injected[kind] >= 2
    INJECTED.update(plan.injected)
    expected = clean[api]
    assert isinstance(expected, dict)
    for table in COMPARED:
        assert got[table] == expected[table], f"{kind} ({api}): {table} differs"


def test_a_server_that_keeps_failing_is_one_short_line(org: Path, tmp_path: Path) -> None:
    """Every answer a 500: past its retries the sync stops, saying so in words a cron user can
    act on, not urllib3's "Max retries exceeded ... (Caused by ResponseError(...))"."""
    from miner.errors import GitHubError

    with (
        FixtureServer(org, faults=FaultPlan(["500"], every=1)) as server,
        Warehouse.open(tmp_path / "w.duckdb") as wh,
        pytest.raises(GitHubError) as caught,
    ):
        sync(wh, Config(github=GitHubConfig(org="acme")), client=GitHubClient(server.url, None))
    assert str(caught.value) == (
        "POST /graphql: the server kept answering 500 (a GitHub outage?); what was fetched is "
        "stored, and the next run goes on from there"
    )
