"""`miner sync --api rest` stores the org's team memberships as one: GitHub refusing, failing or
rate-limiting one team's members partway through the teams leaves the last run's memberships
whole (never this run's for the teams before it and the last run's for the rest), and the next
run stores all of this run's."""

from __future__ import annotations

from pathlib import Path

import pytest

from miner.errors import GitHubError
from miner.fixtures_server import FORBIDDEN, FixtureServer
from miner.rate_limits import RateLimiter, RateLimitStop
from miner.warehouse import Warehouse
from tests.local_sync import sync_from
from tests.mirror_builder import MirrorBuilder

# Asked in this order (the teams by slug): alpha, beta, then gamma, whose members fail.
_BEFORE = {"alpha": ["ann"], "beta": ["bob"], "gamma": ["cat"]}
# Each team changed since: a member joined alpha, beta's left and another joined, and delta is
# a new team. ("ann" stays in alpha, so alpha's stored list cannot be told apart by her alone.)
_AFTER = {"alpha": ["ann", "dan"], "beta": ["eve"], "delta": ["fay"], "gamma": ["cat", "gus"]}


def _mirror(root: Path, teams: dict[str, list[str]]) -> Path:
    b = MirrorBuilder(teams=teams)
    b.pull("app", "bob", 0)  # bob stays in the data once he left every team
    return b.write(root)


def _memberships(wh: Warehouse) -> dict[str, set[str]]:
    stored: dict[str, set[str]] = {}
    for slug, login in wh.query(
        "select parent, payload ->> 'login' from raw_team_members where org = 'acme'"
    ):
        stored.setdefault(slug, set()).add(login)
    return stored


def _teams(wh: Warehouse) -> set[str]:
    return {r[0] for r in wh.query("select payload ->> 'slug' from raw_teams where org = 'acme'")}


def _people_teams(wh: Warehouse) -> dict[str, list[str]]:
    """The core `people` table: each person's teams, as the views read them."""
    return dict(wh.query("select login, teams from people where org = 'acme' order by login"))


def _fail_gamma(root: Path, how: str) -> dict[str, int]:
    """Make GitHub refuse (403) or fail (500 to the last retry) gamma's members; for a rate
    limit, the server's budget spent by the requests before gamma's. The server's options."""
    if how == "refused":
        (root / "orgs" / "acme" / FORBIDDEN).write_text("teams/gamma\n")
    elif how == "failed":
        # a file that does not parse is the server's 500, on every try
        (root / "orgs" / "acme" / "teams" / "gamma" / "members.json").write_text("[{")
    else:
        # /orgs/acme, its repos (unchanged: 304, free), members, teams, alpha's, beta's members;
        # delta sorts before gamma: its members too
        return {"rate_limit": 6, "rate_limit_window": 3600}
    return {}


@pytest.mark.parametrize("how", ["refused", "failed", "rate limited"])
def test_a_team_failing_partway_keeps_the_last_runs_memberships_whole_and_the_next_run_stores_all(
    tmp_path: Path, how: str
) -> None:
    root = tmp_path / "mirror"
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        with FixtureServer(_mirror(root, _BEFORE)) as server:
            sync_from(server, wh, api="rest")
        before = {slug: set(logins) for slug, logins in _BEFORE.items()}
        assert _memberships(wh) == before
        people_before = _people_teams(wh)
        assert people_before["bob"] == ["beta"]

        _mirror(root, _AFTER)
        options = _fail_gamma(root, how)
        stop = RateLimitStop if how == "rate limited" else GitHubError
        with FixtureServer(root, **options) as server:  # type: ignore[arg-type]
            with pytest.raises(stop):
                sync_from(server, wh, api="rest", limiter=RateLimiter(max_wait=0))
            asked = {r.path: r.status for r in server.requests if "/teams/" in r.path}
        # the server answered alpha's, beta's and delta's members, then not gamma's (with the
        # budget spent, said by delta's answer, the sync stops before asking)
        assert [asked[f"/orgs/acme/teams/{t}/members"] for t in ("alpha", "beta", "delta")] == [
            200,
            200,
            200,
        ]
        assert asked.get("/orgs/acme/teams/gamma/members") == {"refused": 403, "failed": 500}.get(
            how
        )
        # nothing of this run's teams and memberships: the last run's, whole
        assert _memberships(wh) == before
        assert _teams(wh) == set(_BEFORE)
        last = wh.query("select status from sync_runs order by id desc limit 1")[0][0]
        assert last == ("stopped" if how == "rate limited" else "failed")

        # GitHub answers again: the next run stores every team's members as GitHub lists them
        (root / "orgs" / "acme" / FORBIDDEN).unlink(missing_ok=True)
        _mirror(root, _AFTER)
        with FixtureServer(root) as server:
            result = sync_from(server, wh, api="rest")
        assert not result.failures
        assert _teams(wh) == set(_AFTER)
        assert _memberships(wh) == {slug: set(logins) for slug, logins in _AFTER.items()}
        people = _people_teams(wh)
        assert people["bob"] == ["unassigned"]  # left beta, in no team now
        assert people["dan"] == ["alpha"]
        assert people["eve"] == ["beta"]
        assert people["fay"] == ["delta"]
        assert people["gus"] == ["gamma"]
