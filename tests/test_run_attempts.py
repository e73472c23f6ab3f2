"""Earlier attempts of re-run workflow runs: GitHub lists only a run's latest attempt, so a sync
asks for each earlier one once (GET .../actions/runs/{id}/attempts/{n}), and the ci court of
pr_time_in_court counts each attempt's own span, not the wait between a failed attempt and its
re-run."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from miner.config import Config
from miner.fixtures_server import FORBIDDEN, FixtureServer
from miner.rate_limits import RateLimiter, RateLimitStop
from miner.sample_payloads import RepoRef, RunFacts, workflow_run
from miner.sync import ATTEMPTS_CHECKED, import_mirror
from miner.warehouse import Warehouse
from tests.local_sync import sync_from
from tests.mirror_builder import T0, MirrorBuilder, user

REF = RepoRef("acme", "web")
ATTEMPTS = "/attempts/"


def _t(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def _facts(rid: int, sha: str, created: float, started: float, ended: float,
           attempt: int, conclusion: str) -> RunFacts:  # fmt: skip
    return RunFacts(
        rid=rid, run_number=rid, workflow_id=2, check_suite_id=rid, name="CI",
        path=".github/workflows/ci.yml", event="pull_request", head_branch="feature",
        head_sha=sha, display_title="CI", status="completed", conclusion=conclusion,
        created_at=_t(created), updated_at=_t(ended), run_started_at=_t(started),
        run_attempt=attempt,
    )  # fmt: skip


def _payload(run: RunFacts, prs: list[int]) -> dict[str, Any]:
    return workflow_run(
        REF, run, actor=user("alice"), triggering_actor=user("alice"),
        pull_requests=[{"url": "", "id": n, "number": n, "head": {}, "base": {}} for n in prs],
        commit_json={}, repo={"id": 1, "name": "web", "full_name": "acme/web"},
    )  # fmt: skip


def _dump(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    """acme/web#1 (alice, open at as_of 100 h): bob comments at 0.5 h, which ends the implicit
    review episode, so the ball is the author's but while CI runs. Its commit's run 1 failed on
    attempt 1 (queued 1 h, ran to 3 h) and passed on attempt 2 (re-run asked at 10 h, to 12 h).
    Run 2, of a commit no PR holds, was re-run twice: GitHub has its attempt 1 but answers 404
    for attempt 2 (expired)."""
    b = MirrorBuilder(teams={"web": ["alice", "bob"]})
    b.as_of = 100
    pr = b.pull("web", "alice", 0).commit(0)
    pr.review("bob", 0.5, "COMMENTED")
    root = b.write(tmp_path / "mirror")
    (head,) = (c["sha"] for c in pr.commits)
    first = _facts(1, head, 1, 1, 3, 1, "failure")
    # GitHub's run keeps attempt 1's created_at; run_started_at is the re-run's
    latest = replace(first, run_started_at=_t(10), updated_at=_t(12), run_attempt=2,
                     conclusion="success")  # fmt: skip
    other = _facts(2, "f" * 40, 20, 20, 21, 1, "failure")
    third = replace(other, run_started_at=_t(30), updated_at=_t(31), run_attempt=3)
    runs = root / "repos" / "acme" / "web" / "actions"
    listed = [_payload(third, []), _payload(latest, [1])]
    _dump(runs / "runs.json", {"total_count": 2, "workflow_runs": listed})
    # the attempt as GitHub answers it: its own created_at and times
    _dump(runs / "runs" / "1" / "attempts" / "1.json", _payload(first, [1]))
    _dump(runs / "runs" / "2" / "attempts" / "1.json", _payload(other, []))
    return root


def _attempt_requests(server: FixtureServer) -> list[tuple[str, int]]:
    return sorted((r.path, r.status) for r in server.requests if ATTEMPTS in r.path)


def _courts(wh: Warehouse) -> tuple[Any, ...]:
    ((row),) = wh.query(
        "select reviewers_hours, ci_hours, author_hours, total_hours from pr_time_in_court"
    )
    return tuple(row)


def _looked_at(wh: Warehouse) -> str | None:
    """The sync run of the newest runs of acme/web whose earlier attempts were asked for."""
    return wh.cursor("acme", "acme/web", ATTEMPTS_CHECKED).value


# reviewers 0-0.5; author 0.5-1; ci 1-3 (attempt 1, failed); author 3-10 (the wait for the
# re-run is not CI's); ci 10-12 (attempt 2); author 12-100 (open at as_of)
RERUN_COURTS = (0.5, (3 - 1) + (12 - 10), 0.5 + (10 - 3) + (100 - 12), 100.0)


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_a_failed_attempt_before_its_rerun_is_ci_time_and_the_wait_between_is_not(
    mirror: Path, tmp_path: Path, api: str
) -> None:
    with FixtureServer(mirror, port=0) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        result = sync_from(server, wh, api=api)
        assert result.failures == ()
        assert _courts(wh) == RERUN_COURTS
        assert wh.query(
            "select run_id, run_attempt, is_latest, conclusion, started_at, ended_at "
            "from workflow_run_attempts order by 1, 2"
        ) == [
            (1, 1, False, "failure", _t(1), _t(3)),
            (1, 2, True, "success", _t(10), _t(12)),
            (2, 1, False, "failure", _t(20), _t(21)),
            (2, 3, True, "failure", _t(30), _t(31)),
        ]
        # pr_ci_runs keeps one row per run, its latest attempt's times
        assert wh.query("select run_id, run_attempt, queue_hours, run_hours from pr_ci_runs") == [
            (1, 2, None, 2.0)
        ]


def test_a_second_sync_asks_for_no_attempt_again(mirror: Path, tmp_path: Path) -> None:
    with FixtureServer(mirror, port=0) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        sync_from(server, wh)
        assert _attempt_requests(server) == [
            ("/repos/acme/web/actions/runs/1/attempts/1", 200),
            ("/repos/acme/web/actions/runs/2/attempts/1", 200),
            ("/repos/acme/web/actions/runs/2/attempts/2", 404),
        ]
        server.clear_log()
        for api in ("graphql", "rest"):
            sync_from(server, wh, api=api)
        # the stored attempts, and the one GitHub had no more, are asked for by neither path
        assert _attempt_requests(server) == []
        assert _courts(wh) == RERUN_COURTS


def test_an_attempt_github_has_no_more_leaves_the_sync_whole(mirror: Path, tmp_path: Path) -> None:
    with FixtureServer(mirror, port=0) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        result = sync_from(server, wh, api="rest")
        assert ("/repos/acme/web/actions/runs/2/attempts/2", 404) in _attempt_requests(server)
        assert result.failures == ()
        ((status,),) = wh.query("select status from sync_runs")
        assert status == "ok"
        # the attempts before and after the one gone are stored
        assert wh.query(
            "select run_attempt from workflow_run_attempts where run_id = 2 order by 1"
        ) == [(1,), (3,)]


def test_import_reads_the_earlier_attempts(mirror: Path, tmp_path: Path) -> None:
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        import_mirror(wh, Config(), mirror)
        assert _courts(wh) == RERUN_COURTS
        assert wh.query("select count(*) from raw_workflow_run_attempts") == [(2,)]


def test_without_earlier_attempts_a_rerun_counts_its_latest_attempt_alone(
    mirror: Path, tmp_path: Path
) -> None:
    """A warehouse with no earlier attempt stored (GitHub answered 404 for it) reads a re-run as
    before: its latest attempt from when it was asked for."""
    (mirror / "repos/acme/web/actions/runs/1/attempts/1.json").unlink()
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        import_mirror(wh, Config(), mirror)
        # reviewers 0-0.5; ci 10-12 only; the author's court the rest
        assert _courts(wh) == (0.5, 2.0, 97.5, 100.0)


def test_runs_stored_before_attempts_were_fetched_get_them_at_the_next_sync(
    mirror: Path, tmp_path: Path
) -> None:
    """A warehouse an earlier miner synced holds re-runs without their earlier attempts (nor the
    cursor saying which runs were looked at for them): the next sync fetches them, though
    nothing changed on GitHub (no run is read again)."""
    with FixtureServer(mirror, port=0) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        sync_from(server, wh)
        wh.con.execute("delete from raw_workflow_run_attempts")
        wh.con.execute(
            "delete from cursors where starts_with(resource, 'workflow_run_attempts/') "
            "or resource = ?",
            [ATTEMPTS_CHECKED],
        )
        server.clear_log()
        sync_from(server, wh)
        assert not any(r.path.endswith("/actions/runs") for r in server.requests)
        assert [path for path, _ in _attempt_requests(server)] == [
            "/repos/acme/web/actions/runs/1/attempts/1",
            "/repos/acme/web/actions/runs/2/attempts/1",
            "/repos/acme/web/actions/runs/2/attempts/2",
        ]
        assert _courts(wh) == RERUN_COURTS


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_an_attempt_github_fails_on_is_asked_again_by_the_next_sync(
    mirror: Path, tmp_path: Path, api: str
) -> None:
    """GitHub failing on one earlier attempt (a 500 past the client's retries) while it answers
    the rest keeps no other repo or attempt from syncing: that attempt is not noted as gone,
    the repo's workflow runs are named as not synced whole (the run is partial), and the next
    sync fetches it."""
    attempt = mirror / "repos/acme/web/actions/runs/1/attempts/1.json"
    good = attempt.read_text(encoding="utf-8")
    attempt.write_text("{not json", encoding="utf-8")  # the local server answers 500
    with FixtureServer(mirror, port=0) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        result = sync_from(server, wh, api=api)
        assert result.failures == (
            "acme/web: workflow runs not synced whole (GitHub kept failing: GET "
            "/repos/acme/web/actions/runs/1/attempts/1: the server kept answering 500); the "
            "rest of the repo synced, the next run asks again",
        )
        assert ("/repos/acme/web/actions/runs/1/attempts/1", 500) in _attempt_requests(server)
        # the attempts after it are read; the re-run counts its latest attempt alone meanwhile
        assert wh.query("select key from raw_workflow_run_attempts") == [("acme/web/2/attempts/1",)]
        assert _courts(wh) == (0.5, 2.0, 97.5, 100.0)
        # the runs of this sync are not marked looked at while one attempt is left
        assert _looked_at(wh) is None
        attempt.write_text(good, encoding="utf-8")
        server.clear_log()
        result = sync_from(server, wh, api=api)
        assert result.failures == ()
        assert _attempt_requests(server) == [("/repos/acme/web/actions/runs/1/attempts/1", 200)]
        assert _courts(wh) == RERUN_COURTS
        assert _looked_at(wh) == "1"  # the runs the first sync run stored, none since


def test_attempts_github_fails_three_in_a_row_leave_the_rest_for_the_next_run(
    mirror: Path, tmp_path: Path
) -> None:
    """Three earlier attempts in a row GitHub fails on while it answers are GitHub failing the
    repo's attempts, not each: the ones after them are not asked (each would take its retries,
    minutes, in vain), the repo's workflow runs are named, and the next run reads them all.
    Runs 3 to 6 are re-runs too (attempt 2 each); GitHub fails attempt 1 of runs 3, 4 and 5.
    In id order run 1's attempt is read, run 2's attempt 1 read and its attempt 2 answered 404
    (an answer: no failure), then 3, 4 and 5 fail: run 6's is left for the next run."""
    runs = mirror / "repos/acme/web/actions"
    listing = json.loads((runs / "runs.json").read_text(encoding="utf-8"))
    for rid in (3, 4, 5, 6):
        run = _facts(rid, "e" * 40, 40 + rid, 40 + rid, 41 + rid, 1, "failure")
        _dump(runs / "runs" / str(rid) / "attempts" / "1.json", _payload(run, []))
        rerun = replace(run, run_started_at=_t(50 + rid), updated_at=_t(51 + rid), run_attempt=2)
        listing["workflow_runs"].append(_payload(rerun, []))
    listing["total_count"] = len(listing["workflow_runs"])
    _dump(runs / "runs.json", listing)
    failing = [runs / "runs" / str(rid) / "attempts" / "1.json" for rid in (3, 4, 5)]
    good = [path.read_text(encoding="utf-8") for path in failing]
    for path in failing:
        path.write_text("{not json", encoding="utf-8")  # the local server answers 500
    asked = "/repos/acme/web/actions/runs/{}/attempts/{}"
    with FixtureServer(mirror, port=0) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        result = sync_from(server, wh, api="rest")
        assert result.failures == (
            "acme/web: workflow runs not synced whole (GitHub kept failing: 3 earlier attempts "
            f"of re-run runs in a row, the last: GET {asked.format(5, 1)}: the server kept "
            "answering 500; 1 more attempt asked next run); the rest of the repo synced, the "
            "next run asks again",
        )
        requests = _attempt_requests(server)
        assert {path for path, _ in requests} == {
            asked.format(run, number)
            for run, number in ((1, 1), (2, 1), (2, 2), (3, 1), (4, 1), (5, 1))
        }
        assert (asked.format(2, 2), 404) in requests
        assert wh.query("select key from raw_workflow_run_attempts order by key") == [
            ("acme/web/1/attempts/1",),
            ("acme/web/2/attempts/1",),
        ]
        assert _looked_at(wh) is None
        for path, text in zip(failing, good, strict=True):
            path.write_text(text, encoding="utf-8")
        server.clear_log()
        result = sync_from(server, wh, api="rest")
        assert result.failures == ()
        # the attempts not stored nor noted gone, and no other
        assert _attempt_requests(server) == [(asked.format(run, 1), 200) for run in (3, 4, 5, 6)]
        assert _looked_at(wh) == "1"
        assert _courts(wh) == RERUN_COURTS


def test_an_attempt_answered_as_another_is_not_asked_for_again(
    mirror: Path, tmp_path: Path
) -> None:
    """GitHub answering attempt 1 of run 1 with a run saying attempt 2 (not the attempt asked):
    it was stored under attempt 2's key, never the one the next sync looks for, so every
    nightly sync asked for it again. Now it is not stored (the re-run counts its latest
    attempt alone) and noted, as one GitHub has no more."""
    path = mirror / "repos/acme/web/actions/runs/1/attempts/1.json"
    _dump(path, {**json.loads(path.read_text(encoding="utf-8")), "run_attempt": 2})
    with FixtureServer(mirror, port=0) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        result = sync_from(server, wh, api="rest")
        assert result.failures == ()
        assert ("/repos/acme/web/actions/runs/1/attempts/1", 200) in _attempt_requests(server)
        assert wh.query("select count(*) from raw_workflow_run_attempts where parent = '1'") == [
            (0,)
        ]
        # reviewers 0-0.5; ci 10-12 only; the author's court the rest
        assert _courts(wh) == (0.5, 2.0, 97.5, 100.0)
        server.clear_log()
        for api in ("graphql", "rest"):
            sync_from(server, wh, api=api)
        assert _attempt_requests(server) == []


def test_an_earlier_attempt_github_says_unfinished_is_over_at_its_update(
    mirror: Path, tmp_path: Path
) -> None:
    """An earlier attempt is over (GitHub re-runs only a completed run), whatever status its
    answer gives: GitHub answering attempt 1 of run 1 as in_progress held the PR in the ci
    court from its queueing to as_of, over the re-run and past it, and every nightly sync asked
    for it again. Now it ends at its updated_at, as a completed one, and is asked for once."""
    path = mirror / "repos/acme/web/actions/runs/1/attempts/1.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(status="in_progress", conclusion=None)
    _dump(path, data)
    with FixtureServer(mirror, port=0) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        sync_from(server, wh, api="rest")
        assert _courts(wh) == RERUN_COURTS
        server.clear_log()
        for api in ("graphql", "rest"):
            sync_from(server, wh, api=api)
        assert _attempt_requests(server) == []


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_a_nightly_sync_looks_only_at_the_runs_stored_since_its_last_look(
    mirror: Path, tmp_path: Path, api: str
) -> None:
    """A sync that asked for every earlier attempt of the runs it stored notes the sync run it
    got to; the next looks at runs stored after it alone, not the repo's whole CI history. A
    stored attempt deleted afterwards shows it: of a run stored before, the next sync does not
    ask for it again; a warehouse without that cursor (an older miner's) looks at every run
    and does."""
    with FixtureServer(mirror, port=0) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        sync_from(server, wh, api=api)
        # the first sync run (id 1) stored both runs and asked for their 3 earlier attempts
        assert _looked_at(wh) == "1"
        wh.con.execute("delete from raw_workflow_run_attempts where key = 'acme/web/1/attempts/1'")
        server.clear_log()
        sync_from(server, wh, api=api)
        assert _attempt_requests(server) == []
        # no run was stored again: the cursor stays where it was
        assert wh.query("select distinct sync_run from raw_workflow_runs") == [(1,)]
        assert _looked_at(wh) == "1"
        wh.con.execute("delete from cursors where resource = ?", [ATTEMPTS_CHECKED])
        sync_from(server, wh, api=api)
        # run 2's attempt 1 is stored and its attempt 2 noted gone: run 1's alone is asked for
        assert _attempt_requests(server) == [("/repos/acme/web/actions/runs/1/attempts/1", 200)]
        assert _looked_at(wh) == "1"
        assert _courts(wh) == RERUN_COURTS


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_attempts_refused_are_asked_for_again_by_the_next_sync(
    mirror: Path, tmp_path: Path, api: str
) -> None:
    """A token refused run 2's attempts (403) after run 1's was read: run 1's attempt is stored,
    but the runs the sync stored are not marked looked at, so the next sync, which reads no run
    again, asks for the attempts it lacks (run 2's), and no other."""
    forbidden = mirror / "repos/acme/web" / FORBIDDEN
    forbidden.write_text("actions/runs/2/attempts\n", encoding="utf-8")
    with FixtureServer(mirror, port=0) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        result = sync_from(server, wh, api=api)
        assert len(result.failures) == 1 and "workflow runs" in result.failures[0]
        assert _attempt_requests(server) == [
            ("/repos/acme/web/actions/runs/1/attempts/1", 200),
            ("/repos/acme/web/actions/runs/2/attempts/1", 403),
        ]
        assert wh.query("select key from raw_workflow_run_attempts") == [("acme/web/1/attempts/1",)]
        assert _looked_at(wh) is None
        forbidden.unlink()
        server.clear_log()
        assert sync_from(server, wh, api=api).failures == ()
        assert not any(
            r.path.endswith("/actions/runs") and r.status == 200 for r in server.requests
        )
        assert _attempt_requests(server) == [
            ("/repos/acme/web/actions/runs/2/attempts/1", 200),
            ("/repos/acme/web/actions/runs/2/attempts/2", 404),
        ]
        assert _looked_at(wh) == "1"
        assert _courts(wh) == RERUN_COURTS
        server.clear_log()
        sync_from(server, wh, api=api)
        assert _attempt_requests(server) == []


def test_a_run_rerun_again_is_looked_at_by_the_sync_that_stores_it(
    mirror: Path, tmp_path: Path
) -> None:
    """Run 1 re-run a second time after a sync looked at it: the sync listing it again stores it
    anew (its sync run with it), and asks for the attempt that was its latest before."""
    with FixtureServer(mirror, port=0) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        sync_from(server, wh, api="rest")
        runs = mirror / "repos/acme/web/actions"
        listed = json.loads((runs / "runs.json").read_text(encoding="utf-8"))
        other, run1 = listed["workflow_runs"]
        _dump(runs / "runs" / "1" / "attempts" / "2.json", run1)
        third = {**run1, "run_attempt": 3, "run_started_at": f"{_t(40):%Y-%m-%dT%H:%M:%SZ}",
                 "updated_at": f"{_t(42):%Y-%m-%dT%H:%M:%SZ}"}  # fmt: skip
        _dump(runs / "runs.json", {"total_count": 2, "workflow_runs": [other, third]})
        server.clear_log()
        assert sync_from(server, wh, api="rest").failures == ()
        assert _attempt_requests(server) == [("/repos/acme/web/actions/runs/1/attempts/2", 200)]
        # the second sync run stored run 1 again; it is the newest looked at
        assert _looked_at(wh) == "2"
        assert wh.query(
            "select run_attempt, is_latest, started_at, ended_at from workflow_run_attempts "
            "where run_id = 1 order by 1"
        ) == [(1, False, _t(1), _t(3)), (2, False, _t(10), _t(12)), (3, True, _t(40), _t(42))]


def test_attempts_a_rate_limit_stopped_are_asked_for_by_the_next_sync(
    mirror: Path, tmp_path: Path
) -> None:
    """The core rate limit spent after run 1's attempt was answered, past --max-wait: the sync
    stops cleanly, keeping that attempt, with its runs not marked looked at; the next sync,
    which reads no run again, asks for run 2's attempts."""
    with FixtureServer(mirror, port=0) as reference, Warehouse.open(tmp_path / "r.duckdb") as wh:
        sync_from(reference, wh)
        rest = [r.path for r in reference.requests if r.path != "/graphql" and r.status != 304]
    budget = rest.index("/repos/acme/web/actions/runs/2/attempts/1")  # the REST requests before
    with (
        FixtureServer(mirror, port=0, rate_limit=budget) as server,
        Warehouse.open(tmp_path / "w.duckdb") as wh,
    ):
        with pytest.raises(RateLimitStop):
            sync_from(server, wh, limiter=RateLimiter(max_wait=0))
        # the answer said none was left: the client asks for no more
        assert _attempt_requests(server) == [("/repos/acme/web/actions/runs/1/attempts/1", 200)]
        assert wh.query("select key from raw_workflow_run_attempts") == [("acme/web/1/attempts/1",)]
        assert _looked_at(wh) is None
    with FixtureServer(mirror, port=0) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        assert sync_from(server, wh).failures == ()
        assert not any(r.path.endswith("/actions/runs") for r in server.requests)
        assert _attempt_requests(server) == [
            ("/repos/acme/web/actions/runs/2/attempts/1", 200),
            ("/repos/acme/web/actions/runs/2/attempts/2", 404),
        ]
        assert _looked_at(wh) == "1"  # the stopped run stored the runs
        assert _courts(wh) == RERUN_COURTS
