"""The nightly promise: a sync that fetches only what changed since the night before ends with
the core tables and metric views a fresh sync of the same GitHub state gives."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from miner.fixtures_server import FixtureServer
from miner.sql_files import layer
from miner.warehouse import Warehouse
from tests.local_sync import sync_from
from tests.mirror_builder import MirrorBuilder

APIS = ("graphql", "rest")

Org = Callable[[int], MirrorBuilder]  # the org as GitHub shows it on night 1, 2...


def _differences(nightly: Warehouse, fresh: Warehouse) -> list[str]:
    """The core tables and metric views whose rows differ between the two warehouses."""
    differ = []
    for f in (*layer("core"), *layer("metrics")):
        query = f"select * from {f.name} order by all"
        if nightly.query(query) != fresh.query(query):
            differ.append(f.name)
    return differ


def _nightly_and_fresh(tmp_path: Path, org: Org, api: str, nights: int = 2) -> list[str]:
    """Sync `org` as it is each night into one warehouse, then its last state into a new one:
    the tables and views that differ (none, as promised)."""
    root = tmp_path / "mirror"
    with Warehouse.open(tmp_path / "nightly.duckdb") as nightly:
        for night in range(1, nights + 1):
            shutil.rmtree(root, ignore_errors=True)
            org(night).write(root)
            with FixtureServer(root) as server:
                sync_from(server, nightly, token="t", api=api)
        with Warehouse.open(tmp_path / "fresh.duckdb") as fresh, FixtureServer(root) as server:
            sync_from(server, fresh, token="t", api=api)
            return _differences(nightly, fresh)


def _waits(db: Path) -> list[tuple[object, ...]]:
    with Warehouse.open(db) as wh:
        return wh.query(
            "select pr_number, reviewer, outcome, responder, wait_hours from review_wait "
            "order by 1, 2 nulls first"
        )


@pytest.mark.parametrize("api", APIS)
def test_what_changed_between_two_nights_ends_as_a_fresh_sync_of_it(
    tmp_path: Path, api: str
) -> None:
    """Between night 1 (as of 20 h) and night 2 (as of 44 h) GitHub sees what a day brings:
    a review dismissed, a request withdrawn, a re-request, a PR back to draft, one closed and
    reopened, one retargeted to another base branch, a team member moving team, CODEOWNERS
    changed and a new repo. The nightly warehouse is the fresh one, table for table."""

    def org(night: int) -> MirrorBuilder:
        b = MirrorBuilder(teams={"web": ["alice", "bob"], "api": ["carol", "dave"]})
        b.as_of = 24.0 * night - 4
        b.files[("app", ".github/CODEOWNERS")] = "* @acme/web\napi/ @acme/api\n"
        dismissed = b.pull("app", "alice", 0, files=["api/x.py"]).request(1, reviewer="carol")
        dismissed.review("carol", 3)
        withdrawn = b.pull("app", "bob", 1, files=["b.py"]).request(2, reviewer="alice")
        again = b.pull("app", "carol", 2, files=["c.py"]).request(2, reviewer="bob")
        again.review("bob", 4, "CHANGES_REQUESTED")
        drafted = b.pull("app", "dave", 3, files=["api/y.py"]).request(3, reviewer="carol")
        reopened = b.pull("app", "alice", 4, files=["d.py"]).request(4, team_slug="api")
        retargeted = b.pull("app", "bob", 5, files=["e.py"]).request(5, reviewer="dave")
        if night == 2:
            dismissed.dismiss(27, 0)
            withdrawn.request(26, reviewer="alice", removed=True)
            again.request(28, reviewer="bob")
            drafted.event("convert_to_draft", 29)
            drafted.draft = True
            reopened.event("closed", 30).event("reopened", 31)
            retargeted.event("base_ref_changed", 32)
            retargeted.base = "release"
            b.teams = {"web": ["alice"], "api": ["bob", "carol", "dave"]}
            b.files[("app", ".github/CODEOWNERS")] = "* @acme/api\n"
            b.pull("tool", "dave", 33, files=["t.py"]).request(34, reviewer="alice")
        return b

    assert _nightly_and_fresh(tmp_path, org, api) == []


@pytest.mark.parametrize("api", APIS)
def test_a_review_given_in_the_second_its_pr_was_read_reaches_the_next_sync(
    tmp_path: Path, api: str
) -> None:
    """alice asks bob for a review at 12:00:00; a sync reads PR 1 within that same second, and
    bob approves a moment later, still at 12:00:00. The PR's updated_at stays 12:00:00 (GitHub
    counts whole seconds), its listing does not change: only the read's own time shows that the
    PR may have moved after it. The next sync, in that second still, then a day later, has the
    review, as a fresh sync has: bob answered at once (0 h), not waiting for ever."""

    def org(night: int) -> MirrorBuilder:
        b = MirrorBuilder(teams={"web": ["alice", "bob"]})
        b.as_of = 3 if night < 3 else 27  # the server's clock: 12:00:00, then a day later
        pr = b.pull("app", "alice", 0, files=["a.py"]).request(3, reviewer="bob")
        if night >= 2:
            pr.review("bob", 3)
        return b

    assert _nightly_and_fresh(tmp_path, org, api, nights=3) == []
    # alice opened it at 09:00 and asked nobody until 12:00: the implicit episode waits 3 h
    assert _waits(tmp_path / "nightly.duckdb") == [
        (1, None, "reviewed", "bob", 3.0),
        (1, "bob", "reviewed", "bob", 0.0),
    ]


@pytest.mark.parametrize("api", APIS)
def test_a_deleted_teams_member_who_left_the_org_is_nobody_the_next_night(
    tmp_path: Path, api: str
) -> None:
    """Night 1: web is alice and bob, api is carol and dave; carol reviews alice's PR. By night
    2 the api team is deleted, carol has joined web and dave has left the org. GitHub lists api
    no more, but its last member list stays in the raw layer: it no longer names dave as
    anyone the org knows, as a fresh sync does not know him."""

    def org(night: int) -> MirrorBuilder:
        teams = {"web": ["alice", "bob"], "api": ["carol", "dave"]}
        b = MirrorBuilder(teams=teams if night == 1 else {"web": ["alice", "bob", "carol"]})
        b.pull("app", "alice", 0, files=["a.py"]).request(1, reviewer="carol").review("carol", 2)
        return b

    assert _nightly_and_fresh(tmp_path, org, api) == []
    with Warehouse.open(tmp_path / "nightly.duckdb") as wh:
        assert wh.query("select login, teams from people order by login") == [
            ("alice", ["web"]),
            ("bob", ["web"]),
            ("carol", ["web"]),
        ]


@pytest.mark.parametrize("api", APIS)
def test_a_quiet_night_still_moves_open_waits_to_the_new_as_of(tmp_path: Path, api: str) -> None:
    """alice (web) opens a PR at 09:00 on Monday asking bob, and nothing happens after. Night 1
    is as of Tuesday 05:00: bob's wait is 20 h, 8 business hours (09:00-17:00: not over the 8 of
    a first review). Night 2 is as of Wednesday 05:00 and GitHub shows nothing new: the wait is
    44 h, 16 business hours, and now an SLA breach, as a fresh sync says."""

    def org(night: int) -> MirrorBuilder:
        b = MirrorBuilder(teams={"web": ["alice", "bob"]})
        b.as_of = 24.0 * night - 4
        b.pull("app", "alice", 0, files=["a.py"]).request(0, reviewer="bob")
        return b

    root = tmp_path / "mirror"
    expected = {1: (20.0, 8.0, []), 2: (44.0, 16.0, [(1, "web", 16.0)])}
    with Warehouse.open(tmp_path / "nightly.duckdb") as wh:
        for night in (1, 2):
            shutil.rmtree(root, ignore_errors=True)
            org(night).write(root)
            with FixtureServer(root) as server:
                sync_from(server, wh, token="t", api=api)
            hours, business, breaches = expected[night]
            waits = wh.query("select outcome, wait_hours, wait_business_hours from review_wait")
            assert waits == [("waiting", hours, business)]
            over = wh.query("select pr_number, team, waited_business_hours from sla_breaches")
            assert over == breaches
        with Warehouse.open(tmp_path / "fresh.duckdb") as fresh, FixtureServer(root) as server:
            sync_from(server, fresh, token="t", api=api)
            assert _differences(wh, fresh) == []
