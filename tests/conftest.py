"""Shared fixtures: the sample org, built once per test session, and helpers to sync it."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def sample_org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2,000-PR sample org `acme` as an API mirror folder, with its ground truth."""
    from miner.sample_org import generate

    root = tmp_path_factory.mktemp("sample") / "acme"
    generate(root)
    return root


# The token the sample org's server wants in the synced fixture; a test may search for it.
SAMPLE_TOKEN = "ghp_sample-org-git"


@pytest.fixture(scope="session")
def synced(sample_org: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample org synced from the local server with git mirrors, into a warehouse file
    (closed afterwards; open it read-only)."""
    from miner.config import Config, GitConfig, GitHubConfig
    from miner.fixtures_server import FixtureServer
    from miner.sync import sync
    from miner.warehouse import Warehouse

    folder = tmp_path_factory.mktemp("sample-git")
    db = folder / "w.duckdb"
    with FixtureServer(sample_org, token=SAMPLE_TOKEN, port=0) as server, Warehouse.open(db) as wh:
        config = Config(
            github=GitHubConfig(org="acme", api_url=server.url, token_env="MINER_SAMPLE_TOKEN"),
            git=GitConfig(mirrors=True, cache=str(folder / "mirrors")),
        )
        mp = pytest.MonkeyPatch()
        mp.setenv("MINER_SAMPLE_TOKEN", SAMPLE_TOKEN)
        try:
            result = sync(wh, config)
        finally:
            mp.undo()
        assert result.failures == ()
    return db


@pytest.fixture(scope="session")
def small_org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 40-PR, 2-repo sample org (mobile-app, web-app) with its git repositories: for tests of
    whole `miner` runs, where the size does not matter."""
    from miner.sample_org import generate

    root = tmp_path_factory.mktemp("small-org") / "acme"
    generate(root, prs=40, repos=2)
    return root
