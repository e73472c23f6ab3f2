"""A sync killed with SIGKILL at any moment loses nothing: the next sync gives exactly the
warehouse an uninterrupted sync gives. Each kill is real: a `miner sync` process, killed as the
local server sees its Nth request."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from miner.fixtures_server import FixtureServer
from miner.sample_org import generate
from miner.sql_files import layer
from miner.sync import ATTEMPTS_CHECKED
from miner.warehouse import INTERRUPTED_RUN, Warehouse
from tests.local_sync import sync_from

ORG = "acme"
MINER = [sys.executable, "-c", "from miner.cli import main; main()"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("org") / ORG
    generate(root, prs=150, repos=3)
    return root


def _state(wh: Warehouse, server: FixtureServer) -> dict[str, list[tuple[object, ...]]]:
    """Every core table, and every raw payload with its key: what a warehouse holds (the links
    in payloads name the server, whose port differs from run to run: they are cut out)."""
    tables = {f.name: f"select * from {f.name}" for f in layer("core") if f.name != "snapshots"}
    from miner.raw import RESOURCES

    for resource in RESOURCES:
        tables[f"raw_{resource}"] = (
            f"select org, key, replace(payload::varchar, '{server.url}', '') from raw_{resource}"
        )
    # the runs whose earlier attempts were asked for are named by a sync run's id, which the
    # runs a warehouse saw number: whether they are all the repo's stored runs
    tables["cursors"] = f"""
        select org, repo, resource, case when resource = '{ATTEMPTS_CHECKED}' then (
                value::integer = (select max(sync_run) from raw_workflow_runs as r
                                  where r.org = c.org and r.repo = c.repo))::varchar
            else value end
        from cursors as c"""
    return {name: sorted(wh.query(sql), key=repr) for name, sql in tables.items()}


@pytest.fixture(scope="module")
def reference(
    sample: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, dict[str, list[tuple[object, ...]]]]]:
    folder = tmp_path_factory.mktemp("ref")
    states = {}
    with FixtureServer(sample, rate_limit=10**6) as server:
        for api in ("graphql", "rest"):
            with Warehouse.open(folder / f"{api}.duckdb") as wh:
                sync_from(server, wh, api=api)
                states[api] = _state(wh, server)
    yield states


def _kill_after(
    server: FixtureServer,
    cwd: Path,
    api: str,
    requests: int,
    delay: float,
    seconds: float = 120.0,
) -> int:
    """Start `miner sync`, SIGKILL it `delay` seconds after the server has seen `requests`
    requests, or `seconds` after its first request (its run is recorded by then, however
    long a busy machine takes to start Python), whichever comes first; the process's exit code
    (-9 when killed)."""
    server.clear_log()
    process = subprocess.Popen(
        [*MINER, "--config", "miner.toml", "--db", "w.duckdb", "sync", "--api", api],
        cwd=cwd,
        env={**os.environ, "GITHUB_TOKEN": "t"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = None
    while process.poll() is None:
        if deadline is None and server.requests:
            deadline = time.monotonic() + seconds
        if len(server.requests) >= requests or (
            deadline is not None and time.monotonic() >= deadline
        ):
            time.sleep(delay)
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.002)
    return process.wait(timeout=60)


# Where the kill falls, by the requests a full sync of the sample makes (GraphQL 16: the org
# snapshot, then per repo PR pages, files, deployments and workflow runs; REST 901) and a pause
# after: in the org lists or snapshot, in the first repo's PR pages or details, its deployments,
# a later repo's workflow runs, and a little after the last answer, as the views are rebuilt
# (about half a second), by when the run may be recorded as ok already.
KILL_POINTS = [
    ("graphql", 1, 0.0),
    ("graphql", 3, 0.0),
    ("graphql", 5, 0.0),
    ("graphql", 10, 0.0),
    ("graphql", 16, 0.15),
    ("rest", 5, 0.0),
    ("rest", 100, 0.0),
    ("rest", 500, 0.0),
    ("rest", 901, 0.15),
]


@pytest.mark.parametrize(("api", "kill_at", "delay"), KILL_POINTS)
def test_sigkill_at_any_moment_then_sync_gives_the_uninterrupted_warehouse(
    api: str,
    kill_at: int,
    delay: float,
    sample: Path,
    reference: dict[str, dict[str, list[tuple[object, ...]]]],
    tmp_path: Path,
) -> None:
    with FixtureServer(sample, rate_limit=10**6) as server:
        (tmp_path / "miner.toml").write_text(
            f'[github]\norg = "{ORG}"\napi_url = "{server.url}"\n', encoding="utf-8"
        )
        # a first sync asks for the org once before it makes the warehouse: the points count
        # from the request after
        code = _kill_after(server, tmp_path, api, 1 + kill_at, delay)
        with Warehouse.open(tmp_path / "w.duckdb") as wh:
            unfinished = wh.query("select status from sync_runs")
            sync_from(server, wh, api=api)
            state = _state(wh, server)
            runs = wh.query("select status from sync_runs order by id")
    # the process was killed mid-sync: it did not finish on its own, nor record an end (but
    # in the rebuild, which comes after the run is recorded); the next sync records it failed
    assert code == -signal.SIGKILL
    assert (unfinished, runs) == ([("running",)], [("failed",), ("ok",)]) or (
        delay > 0 and (unfinished, runs) == ([("ok",)], [("ok",), ("ok",)])
    )
    for name, rows in reference[api].items():
        assert state[name] == rows, name


def test_twenty_kills_at_random_moments_then_a_clean_run_lose_nothing(
    sample: Path,
    reference: dict[str, dict[str, list[tuple[object, ...]]]],
    tmp_path: Path,
) -> None:
    """The same warehouse, killed again and again at random moments (seeded): in the org
    lists, between pages, mid-transaction, in the rebuild; then one sync runs to its end and
    finds nothing lost and nothing twice."""
    rng = random.Random(20261206)
    kills = attempts = 0
    with FixtureServer(sample, rate_limit=10**6) as server:
        (tmp_path / "miner.toml").write_text(
            f'[github]\norg = "{ORG}"\napi_url = "{server.url}"\n', encoding="utf-8"
        )
        while kills < 20:
            attempts += 1
            assert attempts <= 60, f"only {kills} kills in {attempts} runs"
            # at its Nth request, or while it stores or rebuilds (by time)
            code = _kill_after(server, tmp_path, "rest", rng.randint(1, 80),
                               rng.uniform(0, 0.05), seconds=rng.uniform(0.5, 2.5))  # fmt: skip
            kills += code == -signal.SIGKILL
        with Warehouse.open(tmp_path / "w.duckdb") as wh:
            statuses = [
                "killed" if error == INTERRUPTED_RUN or status == "running" else status
                for status, error in wh.query("select status, error from sync_runs")
            ]
            sync_from(server, wh, api="rest")
            state = _state(wh, server)
            # nothing twice: every raw row's key is unique
            from miner.raw import RESOURCES

            for resource in RESOURCES:
                dupes = wh.query(
                    f"select count(*) - count(distinct (org, key)) from raw_{resource}"
                )
                assert dupes == [(0,)], resource
    print(f"\ncrash safety: {kills} kills at random moments in {attempts} runs, then one clean")
    # a run killed while it works stays "running" until the next run records it failed (or
    # "ok", killed in the rebuild after its end was recorded)
    assert set(statuses) <= {"killed", "ok"} and statuses.count("killed") >= 10
    for name, rows in reference["rest"].items():
        assert state[name] == rows, name
