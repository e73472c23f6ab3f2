"""bench sync: `miner sync` of the sample org scaled up, served by `miner serve-fixtures` in
another process: requests per PR through GraphQL and REST side by side, requests of a sync that
finds nothing changed, and the sync process's own CPU time per PR and peak memory.

The requests-per-PR target is the PR history's (PR pages with all their details, and follow-ups
of overflowing lists): workflow runs (REST, 100 a request, about two runs a PR in the sample
org) and deployments are a cost per run and per deployment, not per PR; the whole sync's
requests are printed beside it, by kind.

Sizes (environment): BENCH_SYNC_PRS for the GraphQL sync (default 50,000, the issue's figure),
BENCH_SYNC_REST_PRS for the REST one (default 5,000: REST needs six requests a PR, so a REST sync
of 50,000 PRs would take this machine most of an hour; requests per PR do not depend on size)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import figure
from miner.sample_org import generate

PRS = int(os.environ.get("BENCH_SYNC_PRS", "50000"))
REST_PRS = int(os.environ.get("BENCH_SYNC_REST_PRS", "5000"))
REPOS = 12
MINER = [sys.executable, "-c", "from miner.cli import main; main()"]
_URL = re.compile(r"at (http://127\.0\.0\.1:\d+)")


@dataclass(frozen=True)
class Run:
    """One `miner sync` process: its requests to the server (all, and by kind), CPU seconds and
    peak RSS."""

    requests: int
    cpu_seconds: float
    peak_rss_mb: float
    seconds: float
    kinds: dict[str, int]

    def breakdown(self) -> str:
        return ", ".join(f"{kind} {n:,}" for kind, n in sorted(self.kinds.items()))


# What a request fetched, from the server's log line: a GraphQL operation or a REST path.
_PR_OPERATIONS = {"PullRequests", "PullRequestReviewsPage", "PullRequestTimelinePage",
                  "PullRequestFilesPage", "PullRequestCommitsPage"}  # fmt: skip


def _kind(line: dict[str, Any]) -> str:
    operation = (line.get("query") or {}).get("operation")
    path = str(line.get("path"))
    if operation in _PR_OPERATIONS or re.search(r"/(pulls|issues)(/|$)", path):
        return "PR history"
    if operation in ("Deployments", "DeploymentStatusesPage") or "/deployments" in path:
        return "deployments"
    if "/actions/runs" in path:
        return "workflow runs"
    if operation == "RepositoryFiles" or "/contents" in path:
        return "files"
    return "org"


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
        return len(self.lines())

    def lines(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.open(encoding="utf-8")]

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
    lines = server.lines()[before:]
    kinds = Counter(_kind(line) for line in lines)
    return Run(len(lines), usage.ru_utime + usage.ru_stime, peak, seconds, dict(kinds))


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
            f"bench sync: GraphQL sync of {PRS:,} PRs: {graphql.requests:,} requests "
            f"({graphql.breakdown()}), {graphql.seconds:.0f}s; again with nothing changed: "
            f"{again.requests} requests ({again.breakdown()})"
        )
        rest, small_graphql = _syncs(
            folder, REST_PRS, [("rest", "small-rest"), ("graphql", "small-graphql")]
        )
        print(
            f"bench sync: {REST_PRS:,} PRs: REST {rest.requests:,} requests "
            f"({rest.breakdown()}) in {rest.seconds:.0f}s, GraphQL {small_graphql.requests:,} "
            f"({small_graphql.breakdown()}) in {small_graphql.seconds:.0f}s"
        )
    print(
        f"bench sync: whole first sync of {PRS:,} PRs, GraphQL: "
        f"{graphql.requests / PRS:.3f} requests per PR (PR history, runs, deployments, files)"
    )
    ok = figure(
        "sync",
        f"GraphQL requests per PR for PR history, first sync of {PRS:,}",
        graphql.kinds.get("PR history", 0) / PRS,
        "<=",
        0.05,
    )
    ok &= figure(
        "sync",
        f"REST over GraphQL requests per PR for PR history at {REST_PRS:,} PRs",
        rest.kinds.get("PR history", 0) / max(1, small_graphql.kinds.get("PR history", 0)),
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
