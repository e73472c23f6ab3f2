"""bench sync: `miner sync` of the sample org scaled up, served by `miner serve-fixtures` in
another process: requests per PR through GraphQL and REST side by side, requests of a sync that
finds nothing changed, and the sync process's own CPU time per PR and peak memory.

Sizes (environment): BENCH_SYNC_PRS for the GraphQL sync (default 50,000, the issue's figure),
BENCH_SYNC_REST_PRS for the REST one (default 5,000: REST needs six requests a PR, so a REST sync
of 50,000 PRs would take this machine most of an hour; requests per PR do not depend on size)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import figure
from miner.sample_org import generate

PRS = int(os.environ.get("BENCH_SYNC_PRS", "50000"))
REST_PRS = int(os.environ.get("BENCH_SYNC_REST_PRS", "5000"))
REPOS = 12
MINER = [sys.executable, "-c", "from miner.cli import main; main()"]
_URL = re.compile(r"at (http://127\.0\.0\.1:\d+)")


@dataclass(frozen=True)
class Run:
    """One `miner sync` process: its requests to the server, CPU seconds and peak RSS."""

    requests: int
    cpu_seconds: float
    peak_rss_mb: float
    seconds: float


class Server:
    """`miner serve-fixtures` in its own process, logging each request to a file."""

    def __init__(self, mirror: Path, log: Path) -> None:
        self.log = log
        serve = ["serve-fixtures", str(mirror), "--port", "0", "--rate-limit", "100000000"]
        self.process = subprocess.Popen(
            [*MINER, *serve, "--request-log", str(log)],
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stderr is not None
        line = self.process.stderr.readline()
        match = _URL.search(line)
        if match is None:
            self.process.kill()
            raise RuntimeError(f"serve-fixtures did not start: {line!r}")
        self.url = match.group(1)

    def requests(self) -> int:
        return sum(1 for _ in self.log.open(encoding="utf-8")) if self.log.exists() else 0

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _sync(server: Server, folder: Path, api: str, warehouse: str) -> Run:
    """`miner sync --api API` into the warehouse file named `warehouse` (a second sync into
    the same file finds what the first stored)."""
    config = folder / "miner.toml"
    config.write_text(f'[github]\norg = "acme"\napi_url = "{server.url}"\n', encoding="utf-8")
    before = server.requests()
    started = time.perf_counter()
    db = folder / f"{warehouse}.duckdb"
    process = subprocess.Popen(
        [*MINER, "--config", str(config), "--db", str(db), "sync", "--api", api],
        env={**os.environ, "GITHUB_TOKEN": "bench"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    # the child's own resource usage, as the kernel counted it (not the server's)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise RuntimeError(f"miner sync --api {api} failed: {error}")
    # ru_maxrss is in KiB on Linux
    peak = usage.ru_maxrss / 1024
    return Run(server.requests() - before, usage.ru_utime + usage.ru_stime, peak, seconds)


def _org(folder: Path, prs: int) -> Path:
    started = time.perf_counter()
    mirror = folder / f"acme-{prs}" / "acme"
    generate(mirror, prs=prs, repos=REPOS)
    print(f"bench sync: sample org of {prs:,} PRs written in {time.perf_counter() - started:.0f}s")
    return mirror


def _syncs(folder: Path, prs: int, runs: list[tuple[str, str]]) -> list[Run]:
    """Serve a sample org of `prs` PRs and make each (api, warehouse) sync of it in turn."""
    mirror = _org(folder, prs)
    server = Server(mirror, folder / f"{prs}.log")
    try:
        return [_sync(server, folder, api, warehouse) for api, warehouse in runs]
    finally:
        server.stop()


def run() -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        graphql, again = _syncs(folder, PRS, [("graphql", "big"), ("graphql", "big")])
        print(
            f"bench sync: GraphQL sync of {PRS:,} PRs: {graphql.requests:,} requests, "
            f"{graphql.seconds:.0f}s; again with nothing changed: {again.requests} requests"
        )
        rest, small_graphql = _syncs(
            folder, REST_PRS, [("rest", "small-rest"), ("graphql", "small-graphql")]
        )
        print(
            f"bench sync: {REST_PRS:,} PRs: REST {rest.requests:,} requests in "
            f"{rest.seconds:.0f}s, GraphQL {small_graphql.requests:,} in "
            f"{small_graphql.seconds:.0f}s"
        )
    graphql_per_pr = graphql.requests / PRS
    ok = figure(
        "sync", f"GraphQL requests per PR, first sync of {PRS:,}", graphql_per_pr, "<=", 0.05
    )
    ok &= figure(
        "sync",
        f"REST over GraphQL requests per PR at {REST_PRS:,} PRs",
        (rest.requests / REST_PRS) / (small_graphql.requests / REST_PRS),
        ">=",
        20,
    )
    ok &= figure(
        "sync", "requests per repo, sync with nothing changed", again.requests / REPOS, "<=", 1
    )
    ok &= figure(
        "sync", "sync process CPU ms per PR (GraphQL)", 1000 * graphql.cpu_seconds / PRS, "<=", 2
    )
    ok &= figure("sync", "sync process peak RSS MB", graphql.peak_rss_mb, "<=", 500)
    return ok
