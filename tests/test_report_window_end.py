"""Each window of the report is judged at its own end, so a figure's change against the previous
window compares like with like: a wait that started in the previous window and ended after it
was still open at that window's end, as a wait still open at as_of is in the window that ends
there. The report's named queries run here over small hand-made tables standing for the views
they read, every figure worked out below by hand.

Hours are offsets from T0, Monday 2026-03-02 00:00 UTC. as_of is T0 + 200 h; the window is
[100 h, 200 h) and the previous window [0 h, 100 h). Every PR is web#N, authored by alice (team
web); the team waited on is data.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from miner.reports.data import run_report_query
from miner.reports.layout import BY_NAME
from miner.warehouse import Warehouse

T0 = datetime(2026, 3, 2, tzinfo=UTC)
PREVIOUS: dict[str, float] = {"since": 0, "until": 100}
WINDOW: dict[str, float] = {"since": 100, "until": 200}


def at(hours: float | None) -> datetime | None:
    return None if hours is None else T0 + timedelta(hours=hours)


# review_wait: (pr, start, end, outcome). A request to data's dana.
# * web#1 asked at 10, answered at 12 (2 h); web#2 asked at 20, answered at 24 (4 h);
# * web#3 asked at 90, answered at 150 (60 h): at the previous window's end it still waited;
# * web#4 asked at 110, answered at 113 (3 h);
# * web#5 asked at 190, waiting at as_of (10 h).
# The previous window, judged at its end: 2 answered, median 3.0 (not 3 with 4.0, which takes in
# a 60 h wait the window that ends at as_of could never hold); the window: 1 answered, 3.0.
EPISODES = [
    (1, 10, 12, "reviewed"),
    (2, 20, 24, "reviewed"),
    (3, 90, 150, "reviewed"),
    (4, 110, 113, "reviewed"),
    (5, 190, 200, "waiting"),
]
# cross_team_approval_latency: (pr, start, approved, outcome): web#1 waits from 10, approved at
# 15 (5 h); web#2 from 50, approved at 130 (80 h, after the previous window's end); web#4 from
# 110, approved at 116 (6 h). Previous window: 1 approval, median 5.0; the window: 1, 6.0.
APPROVALS = [
    (1, 10, 15, "approved"),
    (2, 50, 130, "approved"),
    (4, 110, 116, "approved"),
]
# ownership_handoffs with pr_phases' cycle: (pr, opened, merged), each handing off to data, the
# cycle from the opening. web#1 opened at 10, merged at 20 (10 h); web#2 opened at 60, merged
# at 160 (100 h, after the previous window's end); web#4 opened at 110, merged at 130 (20 h).
# Previous window: 2 PRs, 1 merged by its end, median cycle 10.0; the window: 1, 1, 20.0.
HANDOFFS = [(1, 10, 20), (2, 60, 160), (4, 110, 130)]
# deploy_lead_time: (pr, merged, deployed): web#1 merged at 10, deployed at 30 (20 h); web#2
# merged at 50, deployed at 150 (100 h); web#3 merged at 60, never deployed; web#4 merged at
# 110, deployed at 120 (10 h). Previous window: 1 deployed by its end (20 h), 2 not (web#2 and
# web#3); the window: 1 deployed (10 h), none not.
DEPLOYS: list[tuple[int, int, int | None]] = [
    (1, 10, 30),
    (2, 50, 150),
    (3, 60, None),
    (4, 110, 120),
]
# pr_time_in_court: web#2, opened at 0 and merged at 50, was 10 h with its author, 30 h with its
# reviewers and 10 h waiting to be merged; deployed at 150, 100 h after its merge. At the previous
# window's end it had been 50 h in the deploy court: of the window's 100 hours, the deploy court
# holds 50 (0.5), the reviewers 30 (0.3), the author and the merge 10 each (0.1); it is not
# among the deploy court's PRs but waiting. Its flow efficiency then was 10 h of its 100 h so far,
# 0.1 (not 10 of 150, 0.067, which counts deploy hours after the window's end). api#6, merged at
# 40 in a repo whose deploys cannot be followed (no deploy court: NULL), adds no hour and waits
# for nothing; its flow efficiency is 0 (no author hour in 40). The median of 0.1 and 0: 0.05.
COURTS = (2, 10.0, 30.0, 0.0, 10.0, 100.0)


@pytest.fixture(scope="module")
def wh() -> Warehouse:
    con = duckdb.connect()
    con.execute("set timezone = 'UTC'")
    con.execute(
        "create table review_wait (org varchar, repo varchar, pr_number int, reviewer varchar, "
        "reviewer_team varchar, is_cross_team boolean, start_at timestamptz, "
        "ended_at timestamptz, outcome varchar, wait_hours double, wait_business_hours double)"
    )
    for pr, start, end, outcome in EPISODES:
        con.execute(
            "insert into review_wait values ('acme', 'acme/web', ?, 'dana', null, true, ?, ?, ?, "
            "?, ?)",
            [pr, at(start), at(end), outcome, end - start, end - start],
        )
    con.execute("create table people (org varchar, login varchar, teams varchar[])")
    con.execute("insert into people values ('acme', 'dana', ['data'])")
    con.execute(
        "create table pull_requests (org varchar, repo varchar, number int, "
        "ready_at timestamptz, merged_at timestamptz, closed_at timestamptz)"
    )
    for pr in range(1, 6):
        start = next(s for p, s, _, _ in EPISODES if p == pr)
        closed = at(50) if pr == COURTS[0] else None
        con.execute(
            "insert into pull_requests values ('acme', 'acme/web', ?, ?, ?, ?)",
            [pr, at(start), closed, closed],
        )
    con.execute(
        "create table pr_time_in_court (org varchar, repo varchar, pr_number int, "
        "author_hours double, reviewers_hours double, ci_hours double, merge_hours double, "
        "deploy_hours double, total_hours double, flow_efficiency double, "
        "author_teams varchar[] default ['web'], author_is_bot boolean default false)"
    )
    con.execute(
        "insert into pr_time_in_court values ('acme', 'acme/web', ?, ?, ?, ?, ?, ?, ?, ?, "
        "['web'], false)",
        [*COURTS, sum(COURTS[1:]), COURTS[1] / sum(COURTS[1:])],
    )
    con.execute("insert into pull_requests values ('acme', 'acme/api', 6, ?, ?, ?)",
                [at(0), at(40), at(40)])  # fmt: skip
    con.execute(
        "insert into pr_time_in_court values ('acme', 'acme/api', 6, 0, 0, 0, 0, null, 40, 0, "
        "['ops'], false)"
    )
    con.execute("create table repos (org varchar, repo varchar, archived_at timestamptz)")
    con.execute("insert into repos values ('acme', 'acme/web', null)")
    con.execute("create table pr_teams (org varchar, repo varchar, pr_number int, team varchar)")
    con.execute(
        "create table cross_team_approval_latency (org varchar, repo varchar, pr_number int, "
        "author_teams varchar[], approver_team varchar, start_at timestamptz, "
        "approved_at timestamptz, outcome varchar, latency_hours double, "
        "latency_business_hours double)"
    )
    for pr, start, approved, outcome in APPROVALS:
        con.execute(
            "insert into cross_team_approval_latency values ('acme', 'acme/web', ?, ['web'], "
            "'data', ?, ?, ?, ?, ?)",
            [pr, at(start), at(approved), outcome, approved - start, approved - start],
        )
    con.execute(
        "create table ownership_handoffs (org varchar, repo varchar, pr_number int, "
        "author_teams varchar[], handoff_teams varchar[], handoff_count int, "
        "author_is_bot boolean, created_at timestamptz, merged_at timestamptz)"
    )
    con.execute(
        "create table pr_phases (org varchar, repo varchar, pr_number int, cycle_hours double)"
    )
    for pr, opened, merged in HANDOFFS:
        con.execute(
            "insert into ownership_handoffs values ('acme', 'acme/web', ?, ['web'], ['data'], 1, "
            "false, ?, ?)",
            [pr, at(opened), at(merged)],
        )
        con.execute(
            "insert into pr_phases values ('acme', 'acme/web', ?, ?)", [pr, merged - opened]
        )
    con.execute(
        "create table deploy_lead_time (org varchar, repo varchar, pr_number int, "
        "merged_at timestamptz, deployed_at timestamptz, lead_hours double, "
        "deploy_tracked boolean)"
    )
    for pr, merged, deployed in DEPLOYS:
        con.execute(
            "insert into deploy_lead_time values ('acme', 'acme/web', ?, ?, ?, ?, true)",
            [pr, at(merged), at(deployed), None if deployed is None else deployed - merged],
        )
    return Warehouse(con, Path(":memory:"))


def run(wh: Warehouse, name: str, window: dict[str, float]) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"org": "acme", "team": None, "repo": None, "limit": None}
    params |= {k: at(v) for k, v in window.items()}
    return run_report_query(wh, name, params)


def test_review_wait_answered_after_the_window_still_waited_at_its_end(wh: Warehouse) -> None:
    before = run(wh, "review_wait_summary", PREVIOUS)[0]
    assert (before["reviewed"], before["median_hours"]) == (2, 3.0)
    now = run(wh, "review_wait_summary", WINDOW)[0]
    assert (now["reviewed"], now["median_hours"], now["waiting"]) == (1, 3.0, 1)
    teams = run(wh, "review_wait_by_team", PREVIOUS)
    assert [(r["team"], r["reviewed"], r["median_hours"]) for r in teams] == [("data", 2, 3.0)]


def test_approval_given_after_the_window_still_waited_at_its_end(wh: Warehouse) -> None:
    by_team = run(wh, "cross_team_approvals_by_team", PREVIOUS)
    assert [(r["team"], r["approved"], r["median_hours"]) for r in by_team] == [("data", 1, 5.0)]
    pairs = run(wh, "approval_latency_by_team_pair", PREVIOUS)
    assert [(r["author_team"], r["approver_team"], r["approved"], r["median_hours"])
            for r in pairs] == [("web", "data", 1, 5.0)]  # fmt: skip
    now = run(wh, "cross_team_approvals_by_team", WINDOW)
    assert [(r["team"], r["approved"], r["median_hours"]) for r in now] == [("data", 1, 6.0)]


def test_pr_merged_after_the_window_was_still_open_at_its_end(wh: Warehouse) -> None:
    buckets = run(wh, "ownership_handoffs_per_pr", PREVIOUS)
    assert [(r["handoffs"], r["prs"], r["merged"], r["median_cycle_hours"])
            for r in buckets] == [("1", 2, 1, 10.0)]  # fmt: skip
    pairs = run(wh, "handoff_pairs", PREVIOUS)
    assert [(r["author_team"], r["owner_team"], r["prs"], r["merged"], r["median_cycle_hours"])
            for r in pairs] == [("web", "data", 2, 1, 10.0)]  # fmt: skip
    now = run(wh, "ownership_handoffs_per_pr", WINDOW)
    assert [(r["handoffs"], r["prs"], r["merged"], r["median_cycle_hours"])
            for r in now] == [("1", 1, 1, 20.0)]  # fmt: skip


def test_pr_deployed_after_the_window_was_not_deployed_at_its_end(wh: Warehouse) -> None:
    before = run(wh, "deploy_lead_time_by_repo", PREVIOUS)
    assert [(r["repo"], r["deployed"], r["median_hours"], r["not_deployed"])
            for r in before] == [("acme/web", 1, 20.0, 2)]  # fmt: skip
    now = run(wh, "deploy_lead_time_by_repo", WINDOW)
    assert [(r["repo"], r["deployed"], r["median_hours"], r["not_deployed"])
            for r in now] == [("acme/web", 1, 10.0, 0)]  # fmt: skip


def test_deploy_court_open_at_the_windows_end_counts_its_hours_up_to_that_end(
    wh: Warehouse,
) -> None:
    rows = {r["court"]: r for r in run(wh, "time_in_court", PREVIOUS)}
    assert rows["deploy"]["hours"] == 50.0
    assert (rows["deploy"]["prs"], rows["deploy"]["waiting"]) == (0, 1)
    shares = {court: rows[court]["share"] for court in ("author", "reviewers", "merge", "deploy")}
    assert shares == pytest.approx({"author": 0.1, "reviewers": 0.3, "merge": 0.1, "deploy": 0.5})
    flow = rows["flow efficiency"]
    assert (flow["prs"], flow["share"]) == (2, pytest.approx(0.05))


def test_by_team_a_deploy_open_at_the_windows_end_counts_to_it_and_waits_apart(
    wh: Warehouse,
) -> None:
    """time_in_court_by_team judges as time_in_court does: web's one PR, web#2, has 10 h of the
    author's, 30 of the reviewers', 10 of the merge's and, still undeployed at the previous
    window's end, 50 of the deploy court's (to that end, not 100 to its deploy) of 100 h; its
    wait unfinished, no percentile, 1 waiting. ops's api#6 has no hour in any court (no share
    to give: NULL) and a wait of 0, and comes after web, which waits 90% of its hours, though
    it sorts before web by name. No PR ended in the window."""
    rows = run(wh, "time_in_court_by_team", PREVIOUS)
    assert [(r["team"], r["prs"], r["median_waiting_hours"], r["p90_waiting_hours"], r["waiting"])
            for r in rows] == [("web", 1, None, None, 1), ("ops", 1, 0.0, 0.0, 0)]  # fmt: skip
    shares = ("author_share", "reviewers_share", "ci_share", "merge_share", "deploy_share")
    assert [rows[0][k] for k in shares] == pytest.approx([0.1, 0.3, 0.0, 0.1, 0.5])
    assert [rows[1][k] for k in shares] == [None] * 5
    assert run(wh, "time_in_court_by_team", WINDOW) == []


def test_a_count_of_waits_open_at_as_of_says_now_beside_the_windows_figures() -> None:
    # review_wait_by_team and cross_team_approvals_by_team count in `waiting` the waits open at
    # as_of, however long before the window they began (their queries' headers), as the
    # summary's `waiting now` does: in a window ending before as_of (--to), a bare "waiting"
    # would read as the window's
    labels = {
        name: next(c.label for c in BY_NAME[name].columns if c.key == "waiting")
        for name in ("review_wait_summary", "review_wait_by_team", "cross_team_approvals_by_team")
    }
    assert set(labels.values()) == {"waiting now"}, labels


def _handoff_tables() -> duckdb.DuckDBPyConnection:
    """An empty cross_repo_handoffs and the tables slowest_cross_repo_handoffs reads beside it,
    as_of at hour 200."""
    con = duckdb.connect()
    con.execute("set timezone = 'UTC'")
    con.execute(
        "create table cross_repo_handoffs (org varchar, upstream_repo varchar, upstream_pr int, "
        "upstream_teams varchar[], downstream_repo varchar, downstream_pr int, "
        "downstream_teams varchar[], links varchar[], status varchar, handoff_hours double, "
        "waiting_hours double, upstream_merged_at timestamptz, downstream_merged_at timestamptz)"
    )
    con.execute(
        "create table pull_requests (org varchar, repo varchar, number int, html_url varchar, "
        "created_at timestamptz, closed_at timestamptz, archived_at timestamptz)"
    )
    con.execute("create table pr_teams (org varchar, repo varchar, pr_number int, team varchar)")
    con.execute(
        "create table snapshots as select 'acme' as org, ?::timestamptz as as_of", [at(200)]
    )
    return con


def _handoffs(con: duckdb.DuckDBPyConnection, window: dict[str, float]) -> list[tuple[Any, ...]]:
    """slowest_cross_repo_handoffs over `con`'s tables in `window`: (downstream PR, status,
    hours) a row."""
    rows = run(Warehouse(con, Path(":memory:")), "slowest_cross_repo_handoffs", window)
    return [(r["downstream_pr"], r["status"], r["hours"]) for r in rows]


def test_cross_repo_handoff_merged_after_the_window_still_waited_at_its_end() -> None:
    """lib#1 merged at 50 and web#7, waiting on it, merged at 150 (100 h); lib#2 merged at 60
    and web#8 is open at as_of, 200 (140 h); lib#3 merged at 30 and web#9 was closed unmerged at
    80. At the previous window's end, 100: web#7 had waited 50 h and web#8 40 h (not 140, the
    hours to as_of); web#9 was closed already. The window: web#7 merged, 100 h; web#8 waits,
    140 h."""
    con = _handoff_tables()
    # (upstream, merged, downstream, merged, closed, status)
    pairs = [
        (1, 50, 7, 150, 150, "merged"),
        (2, 60, 8, None, None, "downstream open"),
        (3, 30, 9, None, 80, "closed"),
    ]
    for up, up_merged, down, down_merged, down_closed, status in pairs:
        handoff = None if down_merged is None else down_merged - up_merged
        waiting = 200 - up_merged if status == "downstream open" else None
        con.execute(
            "insert into cross_repo_handoffs values ('acme', 'acme/lib', ?, ['data'], "
            "'acme/web', ?, ['web'], ['depends_on'], ?, ?, ?, ?, ?)",
            [up, down, status, handoff, waiting, at(up_merged), at(down_merged)],
        )
        # every PR opened at 0, before any window's end
        con.execute("insert into pull_requests values ('acme', 'acme/lib', ?, 'u', ?, ?, null)",
                    [up, at(0), at(up_merged)])  # fmt: skip
        con.execute("insert into pull_requests values ('acme', 'acme/web', ?, 'd', ?, ?, null)",
                    [down, at(0), at(down_closed)])  # fmt: skip
    assert _handoffs(con, PREVIOUS) == [
        (7, "downstream open", 50.0),
        (8, "downstream open", 40.0),
    ]
    assert _handoffs(con, WINDOW) == [
        (8, "downstream open", 140.0),
        (7, "merged", 100.0),
    ]


def test_cross_repo_handoff_whose_downstream_pr_opened_after_the_window_is_not_its() -> None:
    """lib#1 merged at 50; web#7, a bump of it, was opened only at 120 and is open at as_of,
    200 (150 h from the upstream merge); lib#2 merged at 60 and web#8, opened at 70, is open
    too (140 h). At the previous window's end, 100, web#7 did not exist: nothing waited in it
    then (a window ending at as_of could never list a PR not yet opened), so the previous window
    lists web#8 alone, its 40 h to that end. The window lists both, to as_of."""
    con = _handoff_tables()
    # (upstream, opened, merged, downstream, opened)
    for up, up_opened, up_merged, down, down_opened in [(1, 0, 50, 7, 120), (2, 0, 60, 8, 70)]:
        con.execute(
            "insert into cross_repo_handoffs values ('acme', 'acme/lib', ?, ['data'], "
            "'acme/web', ?, ['web'], ['bump'], 'downstream open', null, ?, ?, null)",
            [up, down, 200 - up_merged, at(up_merged)],
        )
        con.execute("insert into pull_requests values ('acme', 'acme/lib', ?, 'u', ?, ?, null)",
                    [up, at(up_opened), at(up_merged)])  # fmt: skip
        con.execute("insert into pull_requests values ('acme', 'acme/web', ?, 'd', ?, null, null)",
                    [down, at(down_opened)])  # fmt: skip
    assert _handoffs(con, PREVIOUS) == [
        (8, "downstream open", 40.0),
    ]
    assert _handoffs(con, WINDOW) == [
        (7, "downstream open", 150.0),
        (8, "downstream open", 140.0),
    ]


def test_cross_repo_handoff_whose_upstream_merged_after_the_window_was_upstream_open() -> None:
    """web#7 merged at 40, mentioning lib#1, merged only at 150: -110 h, a mention that was no
    wait. At the previous window's end, 100, lib#1 was still open: the row is 'upstream open'
    with no hours, as a window ending at as_of shows a downstream merged beside an open
    upstream, not 'merged' with the -110 h that only came after it. web#8 merged at 60 on lib#2,
    closed unmerged at 30: 'closed' then as now. web#9 merged at 80 on lib#3, merged at 20: 60 h."""
    con = _handoff_tables()
    # (upstream, merged, closed, downstream, merged, status at as_of)
    pairs = [
        (1, 150, 150, 7, 40, "merged"),
        (2, None, 30, 8, 60, "closed"),
        (3, 20, 20, 9, 80, "merged"),
    ]
    for up, up_merged, up_closed, down, down_merged, status in pairs:
        handoff = None if up_merged is None else down_merged - up_merged
        con.execute(
            "insert into cross_repo_handoffs values ('acme', 'acme/lib', ?, ['data'], "
            "'acme/web', ?, ['web'], ['mention'], ?, ?, null, ?, ?)",
            [up, down, status, handoff, at(up_merged), at(down_merged)],
        )
        con.execute("insert into pull_requests values ('acme', 'acme/lib', ?, 'u', ?, ?, null)",
                    [up, at(0), at(up_closed)])  # fmt: skip
        con.execute("insert into pull_requests values ('acme', 'acme/web', ?, 'd', ?, ?, null)",
                    [down, at(0), at(down_merged)])  # fmt: skip
    assert _handoffs(con, PREVIOUS) == [
        (9, "merged", 60.0),
        (7, "upstream open", None),
        (8, "closed", None),
    ]
