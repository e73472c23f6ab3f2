"""`miner sync` of the org `acme` from the local GitHub-compatible server, as the tests run it."""

from __future__ import annotations

from miner.config import Config, GitHubConfig
from miner.fixtures_server import FixtureServer
from miner.github_client import GitHubClient
from miner.rate_limits import RateLimiter
from miner.sync import SyncResult, sync
from miner.warehouse import Warehouse


def sync_from(
    server: FixtureServer,
    wh: Warehouse,
    *,
    api: str = "graphql",
    token: str | None = None,
    limiter: RateLimiter | None = None,
) -> SyncResult:
    """Sync `acme` from `server` into `wh` through the real client, closed afterwards."""
    client = GitHubClient(server.url, token, limiter=limiter)
    try:
        config = Config(github=GitHubConfig(org="acme", api_url=server.url))
        return sync(wh, config, client=client, api=api)
    finally:
        client.close()
