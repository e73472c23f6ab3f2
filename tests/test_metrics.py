"""The handoff views of METRICS.md on hand-worked cases: every expected number is worked out in
the comments here (T0 is Monday 2026-03-02 09:00 UTC; the default calendar is 09:00-17:00 UTC,
Monday to Friday)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from miner.config import Config, parse
from miner.query import run_named
from miner.sync import import_mirror
from miner.warehouse import Warehouse
from tests.mirror_builder import MirrorBuilder

AS_OF = 24 * 14  # Monday 2026-03-16 09:00 UTC
CODEOWNERS = """\
# everything is web's, auth is security's, vendored auth code is nobody's
*              @acme/web
/auth/         @acme/security
/auth/vendor/
"""


def build(tmp: Path, b: MirrorBuilder, config: Config) -> Warehouse:
    root = b.write(tmp / "mirror")
    wh = Warehouse.open(tmp / "w.duckdb")
    import_mirror(wh, config, root)
    return wh


def rows(wh: Warehouse, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = wh.con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _org() -> MirrorBuilder:
    b = MirrorBuilder(
        teams={"web": ["alice", "bob"], "security": ["sam", "sue"], "data": ["dana", "erin"]},
        as_of=AS_OF,
    )
    b.files[("app", ".github/CODEOWNERS")] = CODEOWNERS
    # 1 team request answered by a member; the author's own team approves as code owner
    b.pull("app", "alice", 0, files=["auth/login.py", "auth/vendor/lib.js", "src/app.py"]).request(
        0, team_slug="security"
    ).review("bob", 2).review("sue", 6)
    # 2 a withdrawn request does not count; a requested member's team does; merged unapproved
    b.pull("app", "alice", 0, state="closed", closed=12, merged=True, files=["docs/x.md"]).request(
        1, reviewer="dana"
    ).request(2, reviewer="dana", removed=True).request(3, reviewer="sam").review("sam", 10).event(
        "merged", 12
    ).event("closed", 12)
    # 3 a code owner nobody asked: waiting at as_of
    b.pull("app", "alice", 0, files=["auth/x.py"])
    # 4 a request to sam waiting since Friday 2026-03-13 03:00 UTC (as_of - 78 h)
    b.pull("app", "dana", AS_OF - 78, files=["auth/y.py"]).request(AS_OF - 78, reviewer="sam")
    # 5 phases: first commit 10 h before opening; reviewed, approved, merged
    b.pull("app", "bob", 0, state="closed", closed=10, merged=True, files=["src/b.py"]).commit(
        -10
    ).request(0, reviewer="alice").review("alice", 3, "COMMENTED").review("alice", 8).event(
        "merged", 10
    ).event("closed", 10)
    # 6 a draft for 4 hours, then reviewed and merged
    b.pull("app", "bob", 0, state="closed", closed=7, merged=True, files=["src/c.py"]).event(
        "ready_for_review", 4
    ).request(4, reviewer="alice").review("alice", 6).event("merged", 7).event("closed", 7)
    # 7 a config-listed bot's review ends nothing; erin is web's by the config, not data's
    b.pull("app", "alice", 0, files=["src/d.py"]).request(0, reviewer="erin").review(
        "deploy-helper", 1, "COMMENTED"
    ).review("erin", 4)
    return b


CONFIG = parse(
    {
        "bots": ["deploy-helper"],
        "teams": {"web": ["alice", "bob", "erin"]},
        "sla": {
            "teams": {
                "security": {
                    "first_review_business_hours": 4,
                    "cross_team_approval_business_hours": 100,
                }
            }
        },
    },
    Path("test.toml"),
)


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    warehouse = build(tmp_path_factory.mktemp("metrics"), _org(), CONFIG)
    yield warehouse
    warehouse.close()


def approvals(wh: Warehouse, pr: int) -> dict[str, dict[str, Any]]:
    found = rows(wh, "select * from approval_latency where pr_number = ?", [pr])
    return {r["approver_team"]: r for r in found}


def test_team_approval_by_member_and_own_teams_code_owner_approval(wh: Warehouse) -> None:
    teams = approvals(wh, 1)
    assert set(teams) == {"security", "web"}
    security, web = teams["security"], teams["web"]
    assert (security["approver"], security["latency_hours"], security["is_cross_team"]) == (
        "sue",
        6.0,
        True,
    )
    assert security["sources"] == ["code owner", "requested team"]
    assert (web["approver"], web["latency_hours"], web["is_cross_team"]) == ("bob", 2.0, False)


def test_withdrawn_request_needs_no_approval_and_members_team_does(wh: Warehouse) -> None:
    teams = approvals(wh, 2)
    assert "data" not in teams  # dana's request was withdrawn before she reviewed
    # sam (security) asked at 3 h, approved at 10 h
    assert (teams["security"]["start_at"].hour, teams["security"]["latency_hours"]) == (12, 7.0)
    assert teams["security"]["outcome"] == "approved"
    # web owns docs/x.md; no web member approved before the merge at 12 h
    assert (teams["web"]["outcome"], teams["web"]["latency_hours"]) == ("unapproved", 12.0)


def test_code_owner_nobody_asked_waits_from_ready(wh: Warehouse) -> None:
    (security,) = approvals(wh, 3).values()
    assert (security["outcome"], security["latency_hours"]) == ("waiting", 336.0)
    # two working weeks of 8 hours a day
    assert security["latency_business_hours"] == 80.0


def test_cross_team_view_is_approval_latency_filtered(wh: Warehouse) -> None:
    cross = rows(
        wh, "select pr_number, approver_team from cross_team_approval_latency order by all"
    )
    assert (1, "security") in [(r["pr_number"], r["approver_team"]) for r in cross]
    assert all(r["approver_team"] != "web" or r["pr_number"] in (4,) for r in cross)


def test_owner_less_line_after_broader_rule_leaves_file_unowned(wh: Warehouse) -> None:
    (h,) = rows(wh, "select * from ownership_handoffs where pr_number = 1")
    assert h["owner_teams"] == ["security", "web"]
    assert h["handoff_teams"] == ["security"]
    assert h["handoff_count"] == 1
    # auth/vendor/lib.js: unowned; auth/login.py: security's; src/app.py: the author's team
    assert (h["files_changed"], h["files_unowned"], h["files_owned_by_others"]) == (3, 1, 1)


def test_handoff_pairs_count_prs_files_and_cycle(wh: Warehouse) -> None:
    pairs = rows(wh, "select * from ownership_handoff_pairs order by all")
    web_security = next(
        p for p in pairs if (p["author_team"], p["owner_team"]) == ("web", "security")
    )
    # PRs 1 and 3 (alice) touch security's files; neither is merged
    assert (web_security["prs"], web_security["files"], web_security["merged_prs"]) == (2, 2, 0)
    data_security = next(p for p in pairs if p["author_team"] == "data")
    assert (data_security["owner_team"], data_security["prs"]) == ("security", 1)


def test_sla_team_override_breaches_a_review_the_default_would_not(wh: Warehouse) -> None:
    breaches = rows(wh, "select * from sla_breaches order by all")
    sam = [b for b in breaches if b["pr_number"] == 4 and b["kind"] == "review"]
    # Friday 03:00 to Monday 09:00: Friday's 8 working hours; security's level is 4 (default 8)
    assert [(b["team"], b["waited_business_hours"], b["sla_business_hours"]) for b in sam] == [
        ("security", 8.0, 4.0)
    ]


def test_sla_team_override_lifts_the_cross_team_approval_level(wh: Warehouse) -> None:
    breaches = rows(wh, "select * from sla_breaches where pr_number = 3")
    # the approval waits 80 business hours against security's 100: no breach; the implicit
    # review episode (nobody asked) waits 80 against the default 8: a breach
    assert [(b["kind"], b["team"], b["sla_business_hours"]) for b in breaches] == [
        ("review", None, 8.0)
    ]


def test_pr_phases_split_a_merged_pr(wh: Warehouse) -> None:
    (p,) = rows(wh, "select * from pr_phases where pr_number = 5")
    assert (p["coding_hours"], p["pickup_hours"], p["review_hours"], p["merge_hours"]) == (
        10.0,
        3.0,
        5.0,
        2.0,
    )
    assert p["deploy_hours"] is None and p["cycle_hours"] == 20.0
    # commit Sunday 23:00; ready Monday 09:00; review 12:00; approval 17:00; merge 19:00
    assert (
        p["coding_business_hours"],
        p["pickup_business_hours"],
        p["review_business_hours"],
        p["merge_business_hours"],
    ) == (0.0, 3.0, 5.0, 0.0)


def test_time_in_court_follows_the_ball(wh: Warehouse) -> None:
    (c,) = rows(wh, "select * from pr_time_in_court where pr_number = 5")
    # reviewers 0-3 h (alice asked), author 3-8 h (a comment to answer), merge 8-10 h (approved)
    assert (c["reviewers_hours"], c["author_hours"], c["merge_hours"]) == (3.0, 5.0, 2.0)
    assert c["total_hours"] == 10.0 and c["flow_efficiency"] == 0.5


def test_draft_time_is_the_authors_court(wh: Warehouse) -> None:
    (c,) = rows(wh, "select * from pr_time_in_court where pr_number = 6")
    assert (c["author_hours"], c["reviewers_hours"], c["merge_hours"]) == (4.0, 2.0, 1.0)
    assert c["waiting_hours"] == 3.0


def test_config_bot_does_not_end_a_wait_and_config_team_wins(wh: Warehouse) -> None:
    (w,) = rows(wh, "select * from review_wait where pr_number = 7")
    assert (w["responder"], w["wait_hours"], w["is_cross_team"]) == ("erin", 4.0, False)
    teams = rows(
        wh, "select login, teams, is_bot from people where login in ('erin', 'deploy-helper')"
    )
    assert {r["login"]: (r["teams"], r["is_bot"]) for r in teams} == {
        "erin": (["web"], False),
        "deploy-helper": (["unassigned"], True),
    }


def test_business_hours_follow_dst_in_the_teams_time_zone(tmp_path: Path) -> None:
    b = MirrorBuilder(teams={"web": ["alice"], "security": ["sam"]}, as_of=AS_OF)
    # Friday 2026-03-06 20:00 UTC (15:00 in New York, UTC-5) to Monday 2026-03-09 15:00 UTC
    # (11:00 in New York, UTC-4 since DST began on the 8th): Friday 15-17 and Monday 9-11 local.
    b.pull("app", "alice", 107).request(107, team_slug="security").review("sam", 174)
    config = parse(
        {"calendar": {"teams": {"security": {"timezone": "America/New_York"}}}}, Path("t.toml")
    )
    with build(tmp_path, b, config) as wh:
        (w,) = rows(wh, "select * from review_wait where reviewer_team = 'security'")
    assert (w["wait_hours"], w["wait_business_hours"], w["calendar"]) == (67.0, 4.0, "security")


def test_holiday_inside_a_wait_is_not_working_time(tmp_path: Path) -> None:
    b = MirrorBuilder(teams={"web": ["alice", "bob"]}, as_of=AS_OF)
    # Monday 16:00 to Wednesday 10:00 UTC with Tuesday a holiday: Monday 16-17 and Wednesday 9-10
    b.pull("app", "alice", 7).request(7, reviewer="bob").review("bob", 49)
    config = parse({"calendar": {"holidays": ["2026-03-03"]}}, Path("t.toml"))
    with build(tmp_path, b, config) as wh:
        (w,) = rows(wh, "select * from review_wait")
        assert wh.query(
            "select business_hours('default', ?, ?)", [w["start_at"], w["ended_at"]]
        ) == [(2.0,)]
        # where the macro cannot answer it says NULL, not 0: a wait with no end, a calendar
        # the warehouse lacks, an instant past the calendars' range (2039)
        start, end = w["start_at"], w["ended_at"]
        assert wh.query(
            "select business_hours('default', ?, null), business_hours('nosuch', ?, ?), "
            "business_hours('default', ?, ? + interval 20 year), "
            "business_hours('default', ?, ?)",
            [start, start, end, start, end, end, start],
        ) == [(None, None, None, 0.0)]
    assert (w["wait_hours"], w["wait_business_hours"]) == (42.0, 2.0)


def test_reviewers_court_on_a_tie_counts_the_first_calendar_by_name(tmp_path: Path) -> None:
    """Two teams asked at the same instant, one on New York's calendar ('security') and one on
    the default: the reviewers' court counts the calendar first by name, 'default', every time
    (before, the pick among equally early episodes was arbitrary)."""
    b = MirrorBuilder(teams={"web": ["alice"], "security": ["sam"], "data": ["dana"]}, as_of=AS_OF)
    # Monday 09:00 UTC asked, both teams approve at 16:00 UTC: 7 hours in the reviewers' court,
    # all inside 09-17 UTC, but only 14:00-16:00 of it inside 09-17 in New York (UTC-5)
    b.pull("app", "alice", 0).request(0, team_slug="security").request(0, team_slug="data").review(
        "sam", 7
    ).review("dana", 7)
    config = parse(
        {"calendar": {"teams": {"security": {"timezone": "America/New_York"}}}}, Path("t.toml")
    )
    with build(tmp_path, b, config) as wh:
        (c,) = rows(wh, "select * from pr_time_in_court")
    assert (c["reviewers_hours"], c["reviewers_business_hours"]) == (7.0, 7.0)


def test_waiting_longest_gives_the_longest_waits_own_business_hours(tmp_path: Path) -> None:
    """An open PR waiting on two parties with different calendars: the report's row gives the
    longest wait and that wait's business hours, not the most business hours of another wait.
    By hand: asked of alice (web, the default calendar, 09-17 UTC weekdays) Monday 16:00 and of
    team owls (06-22 UTC every day) Monday 19:00; as_of Thursday 09:00. alice: 65 hours, of
    which Monday 16-17, Tuesday and Wednesday 8 each: 17. owls: 62 hours, of which Monday
    19-22, Tuesday and Wednesday 16 each, Thursday 06-09: 38."""
    b = MirrorBuilder(teams={"web": ["alice", "bob"], "owls": ["olly"]}, as_of=72)
    b.pull("app", "bob", 7).request(7, reviewer="alice").request(10, team_slug="owls")
    owls = {"hours": "06:00-22:00", "workdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}
    config = parse({"calendar": {"teams": {"owls": owls}}}, Path("t.toml"))
    with build(tmp_path, b, config) as wh:
        waits = wh.query(
            "select coalesce(reviewer, reviewer_team), wait_hours, wait_business_hours "
            "from review_wait order by 1"
        )
        assert waits == [("alice", 65.0, 17.0), ("owls", 62.0, 38.0)]
        result = run_named(wh, "waiting_longest", {"org": "acme", "limit": "5"})
        (row,) = [dict(zip(result.columns, r, strict=True)) for r in result.rows]
    assert (row["waiting_on"], row["wait_hours"], row["wait_business_hours"]) == (
        "@owls, alice",
        65.0,
        17.0,
    )
