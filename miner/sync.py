"""Wire collectors to the warehouse: `sync` from GitHub, `import_mirror` from a folder, then
rebuild; every batch is committed with its cursor, so a crash loses nothing and a rerun resumes."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from miner.collect_github import DETAILS_PREFIX, GitHubCollector, PendingPull
from miner.collect_graphql import GraphQLPullCollector
from miner.config import Config
from miner.errors import ConfigError
from miner.github_client import GitHubClient
from miner.mirror import Mirror
from miner.rate_limits import DEFAULT_MAX_WAIT_SECONDS, Countdown, RateLimiter, RateLimitStop
from miner.raw import RawBatch, transactions
from miner.transform import rebuild
from miner.warehouse import Warehouse

Progress = Callable[[str], None]

# How PR history is fetched: "graphql", a page of PRs with all their details per request (the
# default: about 1 request per 37 PRs), or "rest", a listing plus five detail lists per PR.
# Everything else (org, teams, repos, members, CODEOWNERS) always comes from REST, conditionally.
APIS = ("graphql", "rest")


@dataclass(frozen=True)
class SyncResult:
    org: str
    repos: int
    pulls_stored: int
    details_fetched: int
    requests: int
    seconds: float
    as_of: datetime | None
    api: str = "graphql"
    graphql_points: int = 0

    def summary(self) -> str:
        points = f", {self.graphql_points} GraphQL points" if self.api == "graphql" else ""
        return (
            f"{self.org}: {self.repos} repos, {self.pulls_stored} PRs stored, "
            f"{self.details_fetched} PR details fetched, {self.requests} requests{points} "
            f"({'GraphQL' if self.api == 'graphql' else 'REST'} for PRs), "
            f"{self.seconds:.1f}s, as of {self.as_of:%Y-%m-%d %H:%M}Z"
            if self.as_of
            else f"{self.org}: {self.repos} repos, {self.requests} requests"
        )


def _quiet(_: str) -> None:
    pass


def sync(
    wh: Warehouse,
    config: Config,
    *,
    org: str | None = None,
    client: GitHubClient | None = None,
    progress: Progress = _quiet,
    api: str = "graphql",
    max_wait: float = DEFAULT_MAX_WAIT_SECONDS,
    countdown: Countdown | None = None,
) -> SyncResult:
    """Bring the warehouse up to date with the org on GitHub, then rebuild tables and views.
    `api` is how PR history is fetched (APIS); both store the same raw payloads. A spent rate
    limit is waited for (`countdown` is told each second) up to `max_wait` seconds; past that
    the sync stops with RateLimitStop, everything fetched stored, and does not rebuild."""
    if api not in APIS:
        raise ConfigError(f"--api {api}: one of {', '.join(APIS)}")
    org = org or config.github.org
    if not org:
        where = config.source or "the config"
        raise ConfigError(f"{where}: [github] org: missing (or pass --org)")
    if client is None:
        token = config.github.token()
        if token is None:
            raise ConfigError(
                f"no GitHub token: set {config.github.token_source()} "
                "(a token with read access to the org's repos, members and teams)"
            )
        limiter = RateLimiter(max_wait=max_wait)
        if countdown is not None:
            limiter.countdown = countdown
        client = GitHubClient(config.github.api_url, token, limiter=limiter)
    started = time.monotonic()
    run = wh.start_run("sync", org, config.github.api_url)
    collector = GitHubCollector(client, org)
    graphql = GraphQLPullCollector(client, org)
    pulls_stored = details = 0

    def cursor(repo: str, resource: str) -> tuple[str | None, str | None]:
        c = wh.cursor(org, repo, resource)
        return c.value, c.etag

    try:
        _store(wh, collector.org_batches(cursor), run)
        teams = [
            r[0]
            for r in wh.query(
                "select payload ->> 'slug' from raw_teams where org = ? order by 1", [org]
            )
        ]
        _store(wh, collector.team_member_batches(teams, cursor), run)
        repos = [
            r[0]
            for r in wh.query(
                "select repo_name from (select payload ->> 'full_name' as repo_name from raw_repos "
                "where org = ?) order by 1",
                [org],
            )
        ]
        for i, repo in enumerate(repos, 1):
            progress(f"[{i}/{len(repos)}] {repo} ({client.requests} requests so far)")
            if api == "graphql":
                # each page's PRs come with all their details, stored with the page
                for group in transactions(graphql.pull_batches(repo, cursor)):
                    wh.store_all(group, run)
                    stored = sum(len(b.items) for b in group if b.resource == "pulls")
                    pulls_stored += stored
                    details += stored
            else:
                for batch in collector.pull_batches(repo, cursor):
                    wh.store(batch, run)
                    pulls_stored += len(batch.items)
            # what a listing stored without its details (REST, or an interrupted earlier sync)
            pending = pending_pulls(wh, org, repo)
            fetched = (b for pull in pending for b in collector.pull_detail_batches(pull))
            for group in transactions(fetched):
                wh.store_all(group, run)
            details += len(pending)
            _store(wh, collector.codeowners_batches(repo, cursor), run)
    except BaseException as exc:
        # a rate limit past --max-wait is a clean stop, anything else a failure
        wh.finish_run(
            run,
            status="stopped" if isinstance(exc, RateLimitStop) else "failed",
            requests=client.requests,
            as_of=client.server_time,
            error=str(exc) or type(exc).__name__,
        )
        raise
    wh.finish_run(run, status="ok", requests=client.requests, as_of=client.server_time)
    rebuild(wh, config)
    return SyncResult(
        org,
        len(repos),
        pulls_stored,
        details,
        client.requests,
        time.monotonic() - started,
        client.server_time,
        api,
        client.graphql_points,
    )


def pending_pulls(wh: Warehouse, org: str, repo: str) -> list[PendingPull]:
    """PRs stored from a listing whose details were never stored for that updated_at."""
    rows = wh.query(
        """
        select p.payload ->> 'number', p.payload ->> 'updated_at'
        from raw_pulls as p
        left join cursors as c
            on c.org = p.org and c.repo = p.repo
            and c.resource = ? || (p.payload ->> 'number')  -- details_resource(number)
        where p.org = ? and p.repo = ?
          and c.value is distinct from p.payload ->> 'updated_at'
        order by (p.payload ->> 'number')::integer
        """,
        [DETAILS_PREFIX, org, repo],
    )
    return [PendingPull(repo, int(n), updated) for n, updated in rows]


def import_mirror(wh: Warehouse, config: Config, folder: Path) -> tuple[str, int]:
    """Fill the raw layer from an API mirror folder (no network), then rebuild."""
    mirror = Mirror(folder)
    org = mirror.org()
    run = wh.start_run("import", org, str(folder))
    stored = 0
    try:
        for group in transactions(mirror.batches()):
            wh.store_all(group, run)
            stored += sum(len(b.items) for b in group)
    except BaseException as exc:
        wh.finish_run(run, status="failed", error=str(exc) or type(exc).__name__)
        raise
    wh.finish_run(run, status="ok", as_of=mirror.as_of())
    rebuild(wh, config)
    return org, stored


def _store(wh: Warehouse, batches: Iterable[RawBatch], run: int) -> None:
    for batch in batches:
        wh.store(batch, run)
