"""Primary rate limits: a sync waits for the reset with a countdown, or stops cleanly when the
wait would pass --max-wait, and the next sync completes the warehouse as if nothing happened."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from miner.fixtures_server import FaultPlan, FixtureServer
from miner.rate_limits import RESET_MARGIN_SECONDS, RateLimiter, RateLimitStop
from miner.sample_org import generate
from miner.sql_files import layer
from miner.warehouse import Warehouse
from tests.local_sync import sync_from

ORG = "acme"


class FakeClock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _limiter(clock: FakeClock, max_wait: float, told: list[float]) -> RateLimiter:
    return RateLimiter(
        max_wait=max_wait,
        countdown=lambda left, resource, reset: told.append(round(left, 1)),
        clock=clock.time,
        sleep=clock.sleep,
    )


def test_a_spent_budget_is_waited_for_with_a_countdown() -> None:
    clock, told = FakeClock(), list[float]()
    limiter = _limiter(clock, 60, told)
    limiter.observe(
        {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(clock.now) + 4)}, "core"
    )
    limiter.before("core")
    # 4 seconds to the reset, and 1 more for the clocks' difference: one line a second
    assert told == [5.0, 4.0, 3.0, 2.0, 1.0]
    assert sum(clock.slept) == pytest.approx(5.0)
    assert limiter.waited == pytest.approx(5.0)
    limiter.before("core")  # refilled: no second wait
    assert sum(clock.slept) == pytest.approx(5.0)


def test_a_budget_that_can_pay_or_another_resource_is_not_waited_for() -> None:
    clock, told = FakeClock(), list[float]()
    limiter = _limiter(clock, 60, told)
    headers = {
        "x-ratelimit-remaining": "1",
        "x-ratelimit-reset": str(int(clock.now) + 30),
        "x-ratelimit-resource": "graphql",
    }
    limiter.observe(headers, "core")
    limiter.before("graphql")
    limiter.before("core")
    assert (told, clock.slept) == ([], [])
    limiter.before("graphql", cost=2)  # a query costing 2 points cannot be paid with 1
    assert sum(clock.slept) == pytest.approx(31.0)


def test_a_reset_past_max_wait_stops_cleanly_and_says_when() -> None:
    clock, told = FakeClock(), list[float]()
    limiter = _limiter(clock, 60, told)
    limiter.spent("graphql", clock.now + 600)
    with pytest.raises(RateLimitStop) as stop:
        limiter.before("graphql")
    assert clock.slept == []
    assert "graphql rate limit is spent until" in str(stop.value)
    assert "--max-wait 60s" in str(stop.value)
    assert stop.value.exit_code == 3


def test_a_reset_our_clock_says_is_past_is_retried_after_growing_pauses() -> None:
    # GitHub's clock behind ours: it still says "spent" after the reset we were told
    clock, told = FakeClock(), list[float]()
    limiter = _limiter(clock, 60, told)
    for _ in range(3):
        limiter.spent("core", clock.now - 5)
        limiter.before("core")
    assert clock.slept == [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]  # 1 s, then 2, then 4
    # an answer with budget left ends the run of early resets
    limiter.observe({"x-ratelimit-remaining": "10", "x-ratelimit-reset": "0"}, "core")
    limiter.spent("core", clock.now - 5)
    limiter.before("core")
    assert len(clock.slept) == 8


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("org") / ORG
    generate(root, prs=120, repos=2)
    return root


@pytest.fixture(scope="module")
def reference(
    sample: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Warehouse]]:
    """The warehouse a sync with budget to spare gives, through each API."""
    folder = tmp_path_factory.mktemp("ref")
    with (
        FixtureServer(sample, rate_limit=10**6) as server,
        Warehouse.open(folder / "graphql.duckdb") as graphql,
        Warehouse.open(folder / "rest.duckdb") as rest,
    ):
        _sync(server, graphql, max_wait=0, api="graphql")
        _sync(server, rest, max_wait=0, api="rest")
        yield {"graphql": graphql, "rest": rest}


def _sync(server: FixtureServer, wh: Warehouse, *, max_wait: float, api: str = "graphql") -> float:
    """A sync through the real client; the seconds it waited for resets."""
    limiter = RateLimiter(max_wait=max_wait)
    sync_from(server, wh, api=api, limiter=limiter)
    return limiter.waited


def _assert_same_core(wh: Warehouse, reference: Warehouse) -> None:
    for f in layer("core"):
        if f.name != "snapshots":
            query = f"select * from {f.name} order by all"
            assert wh.query(query) == reference.query(query), f.name


def _refused(server: FixtureServer) -> list[object]:
    """Requests GitHub would have refused for the rate limit: REST 403s, GraphQL RATE_LIMITs."""
    return [
        r for r in server.requests if r.status == 403 or "RATE_LIMIT" in r.query.get("errors", "")
    ]


def test_graphql_sync_waits_for_each_reset_and_stores_what_an_unhurried_sync_does(
    sample: Path, reference: dict[str, Warehouse], tmp_path: Path
) -> None:
    # three GraphQL points every 4 seconds: the org snapshot (3 points) spends a window, then
    # each third PR page waits for a reset
    with (
        FixtureServer(
            sample, rate_limit=10**6, graphql_rate_limit=3, rate_limit_window=4
        ) as server,
        Warehouse.open(tmp_path / "w.duckdb") as wh,
    ):
        waited = _sync(server, wh, max_wait=30, api="graphql")
        refused = _refused(server)
        _assert_same_core(wh, reference["graphql"])
    assert waited > 0
    # the limiter saw each spent budget coming in the headers: GitHub refused nothing
    assert refused == []


def test_rest_sync_within_a_small_budget_is_never_refused(
    sample: Path, reference: dict[str, Warehouse], tmp_path: Path
) -> None:
    # 150 REST requests every 2 seconds, for a sync that needs about 600
    with (
        FixtureServer(sample, rate_limit=150, rate_limit_window=2) as server,
        Warehouse.open(tmp_path / "w.duckdb") as wh,
    ):
        _sync(server, wh, max_wait=30, api="rest")
        refused = _refused(server)
        _assert_same_core(wh, reference["rest"])
    assert refused == []


def test_sync_stops_cleanly_past_max_wait_and_the_next_sync_completes(
    sample: Path, reference: dict[str, Warehouse], tmp_path: Path
) -> None:
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        # an hour's budget of 6 GraphQL points: the org snapshot takes 3, the rest go to PR
        # pages and the first repo's files and deployments, then the sync stops
        with (
            FixtureServer(sample, rate_limit=10**6, graphql_rate_limit=6) as server,
            pytest.raises(RateLimitStop),
        ):
            _sync(server, wh, max_wait=60)
        refused = _refused(server)
        runs = wh.query("select status, error like '%graphql rate limit%' from sync_runs")
        assert runs == [("stopped", True)]
        # it stopped before asking what the budget could not pay for
        assert refused == []
        # the PR pages paid for are stored: 37 PRs a page, repo by repo in name order
        sizes = [
            len(json.loads(f.read_text())) for f in sorted(sample.glob("repos/acme/*/pulls.json"))
        ]
        pages = [min(37, n - start) for n in sizes for start in range(0, n, 37)]
        paid = sum(r.query.get("operation") == "PullRequests" for r in server.requests)
        stored = wh.query("select count(*) from raw_pulls")[0][0]
        assert 1 <= paid <= 3
        assert stored == sum(pages[:paid]) < 120
        # what was stored came with all its details: nothing half-written
        assert wh.query("select count(*) from cursors where resource like 'pull_details/%'") == [
            (stored,)
        ]
        # after the reset (a new hour's budget), the next sync completes the warehouse
        with FixtureServer(sample, rate_limit=10**6) as server:
            assert _sync(server, wh, max_wait=0) == 0
        _assert_same_core(wh, reference["graphql"])


def test_nights_on_a_budget_smaller_than_a_page_of_deployments_complete_the_warehouse(
    sample: Path, reference: dict[str, Warehouse], tmp_path: Path
) -> None:
    """A cron sync with --max-wait 0 whose budget left cannot pay for one page of a repo's
    deployments (a request for each one's statuses): each night takes the list up where the
    last one stopped, not from its first page again, so the nights complete the warehouse."""
    deployments = json.loads((sample / "repos/acme/web-app/deployments.json").read_text())
    # one page (up to 100), and one statuses request for each of its deployments
    assert len(deployments) == 78
    budget = 60  # a night's REST requests: fewer than the page's 79
    nights = 0
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        while True:
            nights += 1
            assert nights <= 30, "the nights never complete the warehouse"
            # a new night, a new hour's budget
            with FixtureServer(sample, rate_limit=budget) as server:
                try:
                    _sync(server, wh, max_wait=0, api="rest")
                except RateLimitStop:
                    continue
                break
        stored = wh.query("select count(*) from raw_deployments where repo = 'acme/web-app'")
        _assert_same_core(wh, reference["rest"])
    assert stored == [(78,)] and nights > 2


@pytest.mark.parametrize("kind", ["429", "secondary"])
def test_a_long_retry_after_is_waited_with_a_countdown_or_stops_past_max_wait(
    sample: Path, reference: dict[str, Warehouse], tmp_path: Path, kind: str
) -> None:
    # GitHub asks for a 15-minute pause: more than PyGithub may sleep unseen (5 s)
    plan = FaultPlan([kind], every=40, retry_after=900)
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        with FixtureServer(sample, rate_limit=10**6, faults=plan) as server:
            # --max-wait 10 minutes: a clean stop at the first such answer, not a sleep
            with pytest.raises(RateLimitStop, match=r"until .* \(15 min\), longer than"):
                sync_from(server, wh, api="rest", limiter=RateLimiter(max_wait=600))
            assert plan.injected[kind] == 1
            assert wh.query("select status from sync_runs") == [("stopped",)]

            # --max-wait an hour: waited (on a fake clock) with a countdown, then completed
            clock, told = FakeClock(), list[float]()
            limiter = _limiter(clock, 3600, told)
            sync_from(server, wh, api="rest", limiter=limiter)
        # every pause asked for after the first was waited for in full, and counted down
        pauses = plan.injected[kind] - 1
        assert pauses >= 2
        assert sum(clock.slept) == pauses * (900 + RESET_MARGIN_SECONDS)
        assert told.count(900 + RESET_MARGIN_SECONDS) == pauses
        _assert_same_core(wh, reference["rest"])


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_an_enterprise_server_without_rate_limits_syncs_as_github_does(
    sample: Path, reference: dict[str, Warehouse], tmp_path: Path, api: str
) -> None:
    """An Enterprise Server with rate limiting off (its default): no X-RateLimit headers on any
    answer, GraphQL's rateLimit null, GET /rate_limit 404. Nothing is waited for, no GraphQL
    point is counted, and the warehouse is the one a sync of github.com gives."""
    with (
        FixtureServer(sample, rate_limit=None) as server,
        Warehouse.open(tmp_path / "w.duckdb") as wh,
    ):
        limiter = RateLimiter(max_wait=0)
        result = sync_from(server, wh, api=api, limiter=limiter)
        _assert_same_core(wh, reference[api])
    assert result.failures == ()
    assert limiter.waited == 0
    assert result.graphql_points == 0
