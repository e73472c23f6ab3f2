"""Review findings: each test asserts the value METRICS.md calls for, worked out by hand in its
comments, on a case the metric SQL gets wrong. T0 is Monday 2026-03-02 09:00 UTC; as_of is
T0 + 336 h (Monday 2026-03-16 09:00 UTC); the default calendar is 09:00-17:00 UTC, Mon-Fri."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from miner.config import Config, parse
from miner.fixtures_server import FixtureServer
from miner.sync import import_mirror
from miner.warehouse import Warehouse
from tests.local_sync import sync_from
from tests.mirror_builder import MirrorBuilder, team

AS_OF = 24 * 14


def build(tmp: Path, b: MirrorBuilder, config: Config | None = None) -> Warehouse:
    root = b.write(tmp / "mirror")
    wh = Warehouse.open(tmp / "w.duckdb")
    import_mirror(wh, config or Config(), root)
    return wh


def rows(wh: Warehouse, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = wh.con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def waits(wh: Warehouse, pr: int = 1) -> list[tuple[Any, ...]]:
    return [
        (r["reviewer"] or r["reviewer_team"], r["episode"], r["outcome"], r["responder"],
         r["wait_hours"])
        for r in rows(
            wh,
            "select * from review_wait where pr_number = ? "
            "order by coalesce(requested_at, start_at), episode",
            [pr],
        )
    ]  # fmt: skip


# 1 ----------------------------------------------------------------------------------------------
def test_bot_requested_as_reviewer_opens_no_episode(tmp_path: Path) -> None:
    """review_wait.sql requests/implicit_prs: bots never count as reviewers, so a request to a
    bot (Copilot-style auto review) is no episode and does not suppress the implicit one."""
    b = MirrorBuilder(teams={"web": ["alice", "bob"]}, as_of=AS_OF)
    b.pull("app", "alice", 0).request(0, reviewer="copilot[bot]").review(
        "copilot[bot]", 0.1, "COMMENTED"
    ).review("bob", 5)
    with build(tmp_path, b) as wh:
        # implicit episode from ready_at 0, ended by bob's review at 5 h: 5 hours
        assert waits(wh) == [(None, 1, "reviewed", "bob", 5.0)]
        # nothing waits, so nothing breaches; no team needs to approve (no code owners)
        assert rows(wh, "select * from sla_breaches") == []
        assert rows(wh, "select * from approval_latency") == []


# 2 ----------------------------------------------------------------------------------------------
CASE_CONFIG = parse(
    {
        "teams": {"Web": ["alice", "bob"]},
        "sla": {"teams": {"Security": {"first_review_business_hours": 100}}},
        "calendar": {"teams": {"Security": {"timezone": "America/New_York"}}},
    },
    Path("t.toml"),
)


def _case_org() -> MirrorBuilder:
    b = MirrorBuilder(teams={"web": ["alice", "bob"], "security": ["sam"]}, as_of=AS_OF)
    b.files[("app", ".github/CODEOWNERS")] = "* @acme/web\n"
    # 1 alice (config team "Web") asks GitHub team "web"; bob (Web) approves at 5 h
    b.pull("app", "alice", 0, files=["src/a.py"]).request(0, team_slug="web").review("bob", 5)
    # 2 bob asks team "security" (config keys "Security"), unanswered since Thursday 03:00 UTC
    b.pull("app", "bob", AS_OF - 102, files=["src/b.py"]).request(AS_OF - 102, team_slug="security")
    return b


def test_team_request_matches_member_whatever_the_letter_case(tmp_path: Path) -> None:
    """review_wait.sql l.75 (pt.team = q.reviewer_team) and l.212 (list_contains) compare team
    names case-sensitively; ownership_handoffs compares them case-insensitively, as GitHub does."""
    with build(tmp_path, _case_org(), CASE_CONFIG) as wh:
        (w,) = rows(wh, "select * from review_wait where pr_number = 1")
        # bob is a member of Web = web: reviewed at 5 h; alice is in web: not cross-team
        assert (w["outcome"], w["responder"], w["wait_hours"], w["is_cross_team"]) == (
            "reviewed",
            "bob",
            5.0,
            False,
        )


def test_code_owner_team_approved_by_member_whatever_the_letter_case(tmp_path: Path) -> None:
    """approval_latency.sql l.65 (a.team = s.team), l.45 (group by team), l.130 (list_contains)."""
    with build(tmp_path, _case_org(), CASE_CONFIG) as wh:
        found = rows(wh, "select * from approval_latency where pr_number = 1")
        # one team, web (requested and code owner), approved by bob at 5 h, alice's own team
        assert [
            (r["approver_team"].lower(), r["outcome"], r["approver"], r["is_cross_team"])
            for r in found
        ] == [("web", "approved", "bob", False)]
        # and so no cross-team approval breach for PR 1
        assert (
            rows(wh, "select * from sla_breaches where pr_number = 1 and kind = 'approval'") == []
        )


def test_team_sla_and_calendar_apply_whatever_the_letter_case(tmp_path: Path) -> None:
    """sla_breaches.sql l.40 (l.team = r.team_waited_on) and party_calendars.sql l.12
    (s.calendar = t.team): config keys "Security" vs GitHub slug "security"."""
    with build(tmp_path, _case_org(), CASE_CONFIG) as wh:
        (w,) = rows(wh, "select * from review_wait where pr_number = 2")
        breaches = rows(wh, "select * from sla_breaches where pr_number = 2")
        # security's own calendar applies: Thursday and Friday 13:00-21:00 UTC (09-17 New
        # York, EDT) = 16 business hours, under security's level of 100: no breach
        assert (w["calendar"].lower(), w["wait_business_hours"], breaches) == ("security", 16.0, [])


def test_config_logins_match_github_logins_whatever_the_letter_case(tmp_path: Path) -> None:
    """people.sql l.48, l.57, l.65: config logins compared case-sensitively to GitHub's
    (GitHub logins are case-insensitive; path_owner_teams already lowers them)."""
    b = MirrorBuilder(teams={"web": ["alice"], "data": ["erin"]}, as_of=AS_OF)
    b.pull("app", "alice", 0).request(0, reviewer="erin").review("deploy-helper", 1, "COMMENTED")
    config = parse({"teams": {"web": ["Erin"]}, "bots": ["Deploy-Helper"]}, Path("t.toml"))
    with build(tmp_path, b, config) as wh:
        found = rows(
            wh, "select login, teams, is_bot from people where login in ('erin', 'deploy-helper')"
        )
        # the config's mapping wins for erin; deploy-helper is a listed bot
        assert {r["login"]: (r["teams"], r["is_bot"]) for r in found} == {
            "erin": (["web"], False),
            "deploy-helper": (["unassigned"], True),
        }


# 3 ----------------------------------------------------------------------------------------------
def test_config_mapped_code_owner_never_seen_keeps_config_team(tmp_path: Path) -> None:
    """people.sql l.20-25/l.60: people only holds logins seen in raw data, so a CODEOWNERS @user
    the config maps (an outside collaborator who never reviewed) falls to 'unassigned'."""
    b = MirrorBuilder(teams={"web": ["alice"]}, as_of=AS_OF)
    b.files[("app", ".github/CODEOWNERS")] = "* @carl\n"
    b.pull("app", "alice", 0, files=["src/a.py"])
    config = parse({"teams": {"web": ["alice", "carl"]}}, Path("t.toml"))
    with build(tmp_path, b, config) as wh:
        (h,) = rows(wh, "select * from ownership_handoffs")
        # carl stands for web, alice's own team: no handoff, no file owned by others
        assert (h["owner_teams"], h["handoff_count"], h["files_owned_by_others"]) == (
            ["web"],
            0,
            0,
        )


# 4 ----------------------------------------------------------------------------------------------
def test_coding_business_hours_count_before_the_first_pr(tmp_path: Path) -> None:
    """working_time.sql l.9: the calendar starts 7 days before the first created_at, so a first
    commit older than that counts working time only from the calendar's start."""
    b = MirrorBuilder(teams={"web": ["alice", "bob"]}, as_of=AS_OF)
    b.pull("app", "alice", 0, state="closed", closed=10, merged=True).commit(-24 * 14).request(
        0, reviewer="bob"
    ).review("bob", 2).event("merged", 10).event("closed", 10)
    with build(tmp_path, b) as wh:
        (p,) = rows(wh, "select * from pr_phases")
        # Monday 2026-02-16 09:00 to Monday 2026-03-02 09:00: 10 workdays x 8 h = 80
        assert (p["coding_hours"], p["coding_business_hours"]) == (336.0, 80.0)


# 5 ----------------------------------------------------------------------------------------------
def test_removal_and_new_request_at_the_same_instant(tmp_path: Path) -> None:
    """review_wait.sql l.84 (x.removed_at >= q.requested_at) ignores timeline order (seq): a
    removal listed before a re-request in the same second also ends the re-request."""
    b = MirrorBuilder(teams={"web": ["alice", "bob"]}, as_of=AS_OF)
    b.pull("app", "alice", 0).request(0, reviewer="bob").request(
        5, reviewer="bob", removed=True
    ).request(5, reviewer="bob").review("bob", 8)
    with build(tmp_path, b) as wh:
        # episode 1: 0 -> removal at 5 (withdrawn, 5 h); episode 2: asked again at 5, bob
        # reviews at 8: 3 h
        assert waits(wh) == [
            ("bob", 1, "withdrawn", None, 5.0),
            ("bob", 2, "reviewed", "bob", 3.0),
        ]


# 6 ----------------------------------------------------------------------------------------------
def test_draft_request_withdrawn_before_ready_leaves_the_implicit_episode(tmp_path: Path) -> None:
    """review_wait.sql l.131-139: a request made and withdrawn while the PR was a draft still
    suppresses the implicit episode, although the PR reached ready_at with no request."""
    b = MirrorBuilder(teams={"web": ["alice", "bob", "carol"]}, as_of=AS_OF)
    b.pull("app", "alice", 0).request(1, reviewer="bob").request(
        2, reviewer="bob", removed=True
    ).event("ready_for_review", 10).review("carol", 12)
    with build(tmp_path, b) as wh:
        found = rows(wh, "select * from review_wait where outcome <> 'withdrawn'")
        # ready at 10 with nobody asked: implicit episode, carol reviews at 12: 2 hours
        assert [(r["reviewer"], r["outcome"], r["responder"], r["wait_hours"]) for r in found] == [
            (None, "reviewed", "carol", 2.0)
        ]


# 7 ----------------------------------------------------------------------------------------------
def test_close_then_reopen_does_not_end_the_wait(tmp_path: Path) -> None:
    """review_wait.sql l.37-45 and approval_latency.sql l.69-75 take every `closed` event as the
    end, even one followed by `reopened` (GitHub keeps the request; closed_at is cleared)."""
    b = MirrorBuilder(teams={"web": ["alice", "bob"], "security": ["sam"]}, as_of=AS_OF)
    # closed 2 h, reopened 3 h, sam approves at 5 h, merged at 6 h
    b.pull("app", "alice", 0, state="closed", closed=6, merged=True).request(
        0, reviewer="sam"
    ).event("closed", 2).event("reopened", 3).review("sam", 5).event("merged", 6).event("closed", 6)
    with build(tmp_path, b) as wh:
        # the PR was merged (its only final close) after sam's review at 5 h
        assert waits(wh) == [("sam", 1, "reviewed", "sam", 5.0)]
        (a,) = rows(wh, "select * from approval_latency")
        assert (a["approver_team"], a["outcome"], a["approver"], a["latency_hours"]) == (
            "security",
            "approved",
            "sam",
            5.0,
        )


# 8 ----------------------------------------------------------------------------------------------
def test_request_after_the_merge_is_not_waiting(tmp_path: Path) -> None:
    """review_wait.sql l.93 / approval_latency.sql l.81 (closed_at >= requested_at): a request
    made after the merge finds no close and is 'waiting' on a merged PR, and breaches SLAs."""
    b = MirrorBuilder(teams={"web": ["alice", "bob"], "security": ["sam"]}, as_of=AS_OF)
    b.pull("app", "alice", 0, state="closed", closed=10, merged=True).request(
        0, reviewer="bob"
    ).review("bob", 2).event("merged", 10).event("closed", 10).request(12, team_slug="security")
    with build(tmp_path, b) as wh:
        # 'waiting' means still open at as_of; this PR is merged: nothing waits, nothing breaches
        assert rows(wh, "select * from review_wait where outcome = 'waiting'") == []
        assert rows(wh, "select * from approval_latency where outcome = 'waiting'") == []
        assert rows(wh, "select * from sla_breaches") == []


def test_a_request_after_the_close_is_its_own_episode_of_no_wait(tmp_path: Path) -> None:
    """sam asked at 1, the PR closed at 8, sam asked again at 10: episode 1 is unanswered after
    7 hours; the second request, after the close, is episode 2, unanswered at once (0 hours),
    not folded into the first because both 'ended' unanswered."""
    b = MirrorBuilder(teams={"web": ["alice"], "security": ["sam"]}, as_of=AS_OF)
    b.pull("app", "alice", 0, state="closed", closed=8).request(1, reviewer="sam").event(
        "closed", 8
    ).request(10, reviewer="sam")
    with build(tmp_path, b) as wh:
        got = wh.query(
            "select episode, outcome, wait_hours from review_wait where reviewer = 'sam' "
            "order by episode"
        )
    assert got == [(1, "unanswered", 7.0), (2, "unanswered", 0.0)]


# 9 ----------------------------------------------------------------------------------------------
def test_pr_opened_after_as_of_has_no_negative_duration(tmp_path: Path) -> None:
    """pr_time_in_court.sql l.174-175: life_end = as_of before created_at gives negative hours."""
    b = MirrorBuilder(teams={"web": ["alice"]}, as_of=AS_OF)
    b.pull("app", "alice", AS_OF + 1)
    with build(tmp_path, b) as wh:
        (c,) = rows(wh, "select * from pr_time_in_court")
        # nothing of its life lies before as_of: 0 hours, never -1
        assert (c["total_hours"], c["waiting_hours"]) == (0.0, 0.0)


# 10 ---------------------------------------------------------------------------------------------
def test_a_persons_service_level_is_the_team_whose_calendar_counted(tmp_path: Path) -> None:
    """sla_breaches.sql took a person's level from their first team with a level of its own and
    the hours from their first team with a calendar of its own: two teams' measures at once."""
    b = MirrorBuilder(
        teams={"web": ["alice"], "security": ["sam"], "zeta": ["sam", "zoe"]}, as_of=AS_OF
    )
    # 1: sam asked Monday 05:00 UTC, waiting at as_of (Monday 09:00 UTC)
    b.pull("app", "alice", AS_OF - 4).request(AS_OF - 4, reviewer="sam")
    # 2: zoe asked Friday 09:00 UTC, waiting at as_of
    b.pull("app", "alice", AS_OF - 72).request(AS_OF - 72, reviewer="zoe")
    config = parse(
        {
            "calendar": {"teams": {"security": {"timezone": "Asia/Tokyo"}}},
            "sla": {"teams": {"zeta": {"first_review_business_hours": 1}}},
        },
        Path("t.toml"),
    )
    with build(tmp_path, b, config) as wh:
        waited = rows(wh, "select pr_number, calendar, wait_business_hours from review_wait")
        # sam on security's calendar: 09:00-17:00 Tokyo is 00:00-08:00 UTC, so 05:00-08:00 = 3 h;
        # zoe (no team calendar) on the default one: Friday 09:00-17:00 = 8 h
        assert sorted(
            (w["pr_number"], w["calendar"], w["wait_business_hours"]) for w in waited
        ) == [
            (1, "security", 3.0),
            (2, "default", 8.0),
        ]
        breaches = rows(wh, "select * from sla_breaches order by pr_number")
        # sam is waited on as security (level: the default 8 h): 3 h is no breach. zoe as zeta,
        # her only team with a level (1 h): 8 h is 7 over
        assert [
            (r["pr_number"], r["team"], r["sla_business_hours"], r["over_business_hours"])
            for r in breaches
        ] == [(2, "zeta", 1.0, 7.0)]


# 11 ---------------------------------------------------------------------------------------------
def test_pr_phases_count_each_wait_on_the_calendar_of_the_party_waited_on(tmp_path: Path) -> None:
    """pr_phases counted every phase on the author's calendar; METRICS.md counts a wait on the
    party waited on: the pickup on the reviewers'. It also had no first_response_at."""
    b = MirrorBuilder(teams={"web": ["alice"], "security": ["sam"]}, as_of=AS_OF)
    merged = {"state": "closed", "closed": 20, "merged": True}
    # first commit Monday 07:00 UTC; ready Monday 09:00 (T0); sam asked at once
    b.pull("app", "alice", 0, **merged).commit(-2).request(0, reviewer="sam").comment(
        "dependabot[bot]", 0.5, "bump"
    ).comment("alice", 1, "ping").comment("sam", 16, "looking").review("sam", 18).event(
        "merged", 20
    ).event("closed", 20)
    config = parse({"calendar": {"teams": {"security": {"timezone": "Asia/Tokyo"}}}}, Path("t.t"))
    with build(tmp_path, b, config) as wh:
        (p,) = rows(wh, "select * from pr_phases")
        # security works 09:00-17:00 Tokyo = 00:00-08:00 UTC; alice (no team calendar) 09-17 UTC
        assert (p["calendar"], p["pickup_calendar"]) == ("default", "security")
        # pickup Monday 09:00 -> Tuesday 03:00 (sam's review): 18 h, of which Tuesday 00-03 UTC
        # are security's working hours (alice's calendar would have given Monday 09-17, 8 h)
        assert (p["pickup_hours"], p["pickup_business_hours"]) == (18.0, 3.0)
        # first response: sam's comment Tuesday 01:00 (the bot's and alice's own do not count):
        # 16 h, 1 of them security's
        assert p["first_response_at"] == p["ready_at"] + timedelta(hours=16)
        assert (p["response_hours"], p["response_business_hours"]) == (16.0, 1.0)
        # the author's calendar: coding Monday 07-09 (0 working), merge Tuesday 03-05 (0), and
        # the cycle Monday 07:00 -> Tuesday 05:00: 22 h, Monday 09-17 = 8 working
        assert (p["coding_hours"], p["coding_business_hours"]) == (2.0, 0.0)
        assert (p["merge_hours"], p["merge_business_hours"]) == (2.0, 0.0)
        assert (p["cycle_hours"], p["cycle_business_hours"]) == (22.0, 8.0)


# 12 ---------------------------------------------------------------------------------------------
def test_bot_authored_prs_are_kept_and_flagged_in_every_view(tmp_path: Path) -> None:
    """METRICS.md: "PRs authored by bots are kept but flagged (author_is_bot)"; only pr_phases
    carried the flag."""
    b = MirrorBuilder(teams={"web": ["alice", "bob"], "security": ["sam"]}, as_of=AS_OF)
    b.files[("app", ".github/CODEOWNERS")] = "* @acme/security\n"
    # 1: the bot's PR asks bob and waits; 2: alice's, approved by sam at 5 h, merged at 10 h
    b.pull("app", "dependabot[bot]", 0, files=["a.txt"]).request(0, reviewer="bob")
    b.pull("app", "alice", 0, state="closed", closed=10, merged=True, files=["b.txt"]).review(
        "sam", 5
    ).event("merged", 10).event("closed", 10)
    with build(tmp_path, b) as wh:
        for view in (
            "review_wait",
            "approval_latency",
            "ownership_handoffs",
            "pr_time_in_court",
            "sla_breaches",
            "deploy_lead_time",
            "pr_phases",
        ):
            flags = wh.query(f"select distinct pr_number, author_is_bot from {view} order by 1")
            expected = {
                "deploy_lead_time": [(2, False)],  # merged PRs only
                "pr_phases": [(2, False)],
                "sla_breaches": [(1, True)],  # only the bot's PR still waits
            }.get(view, [(1, True), (2, False)])
            assert (view, flags) == (view, expected)
        # the pairs leave bot PRs out: only alice's web -> security, merged in 10 h (no commits:
        # from its opening), Monday 09:00-19:00 = 8 business hours
        pairs = rows(wh, "select * from ownership_handoff_pairs")
        assert [
            (p["author_team"], p["owner_team"], p["prs"], p["median_cycle_hours"],
             p["p75_cycle_hours"], p["p90_cycle_hours"], p["median_cycle_business_hours"],
             p["p75_cycle_business_hours"], p["p90_cycle_business_hours"])
            for p in pairs
        ] == [("web", "security", 1, 10.0, 10.0, 10.0, 8.0, 8.0, 8.0)]  # fmt: skip


# 12 ---------------------------------------------------------------------------------------------
def _deleted(root: Path, login: str) -> None:
    """What a deleted account left: every user object of `login` in the mirror made null, as
    payloads without a user come (GraphQL's null author; a hand-made or older mirror)."""

    def scrub(data: Any) -> Any:
        if isinstance(data, dict):
            if data.get("login") == login:
                return None
            return {k: scrub(v) for k, v in data.items()}
        if isinstance(data, list):
            return [scrub(v) for v in data]
        return data

    for path in root.rglob("*.json"):
        path.write_text(json.dumps(scrub(json.loads(path.read_text()))))


@pytest.mark.parametrize("api", ["import", "graphql", "rest"])
def test_a_deleted_accounts_pr_and_review_still_count(tmp_path: Path, api: str) -> None:
    """A review by a deleted account happened: it ends the wait, as GitHub still shows it (by
    `ghost`). A PR whose author was deleted is still reviewed by others."""
    b = MirrorBuilder(teams={"web": ["alice", "bob"]}, as_of=AS_OF)
    # 1: alice's, reviewed at 5 h by an account deleted since; 2: by the deleted account,
    # reviewed by bob at 3 h; both merged at 10 h
    b.pull("app", "alice", 0, state="closed", closed=10, merged=True).review("gone", 5).event(
        "merged", 10
    ).event("closed", 10)
    b.pull("app", "gone", 1, state="closed", closed=10, merged=True).review("bob", 4).event(
        "merged", 10
    ).event("closed", 10)
    root = b.write(tmp_path / "mirror")
    _deleted(root, "gone")
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        if api == "import":
            import_mirror(wh, Config(), root)
        else:
            with FixtureServer(root) as server:
                sync_from(server, wh, api=api)
        assert wh.query("select number, author from pull_requests order by 1") == [
            (1, "alice"),
            (2, "ghost"),
        ]
        assert waits(wh, 1) == [(None, 1, "reviewed", "ghost", 5.0)]
        assert waits(wh, 2) == [(None, 1, "reviewed", "bob", 3.0)]
        phases = wh.query(
            "select pr_number, epoch(first_review_at - ready_at) / 3600 from pr_phases order by 1"
        )
        assert phases == [(1, 5.0), (2, 3.0)]


# 13 ---------------------------------------------------------------------------------------------
def test_changes_requested_hold_the_ball_until_that_reviewer_approves(tmp_path: Path) -> None:
    """pr_time_in_court: GitHub shows "Changes requested" while any reviewer's latest decisive
    review requests changes, whoever approved since. By hand: alice's PR ready at 0; bob
    requests changes at 2 (ending the implicit episode: reviewers 0-2); sam approves at 4, but
    bob's request stands: author until bob approves at 6; merge court to the merge at 8.
    Reviewers 2, author 4, merge 2 (not author 2, merge 4)."""
    b = MirrorBuilder(teams={"web": ["alice", "bob", "sam"]}, as_of=AS_OF)
    b.pull("app", "alice", 0, state="closed", closed=8, merged=True).review(
        "bob", 2, "CHANGES_REQUESTED"
    ).review("sam", 4).review("bob", 6).event("merged", 8).event("closed", 8)
    with build(tmp_path, b) as wh:
        courts = rows(
            wh, "select reviewers_hours, author_hours, merge_hours, ci_hours from pr_time_in_court"
        )
        assert courts == [
            {"reviewers_hours": 2.0, "author_hours": 4.0, "merge_hours": 2.0, "ci_hours": 0.0}
        ]


# 14 ---------------------------------------------------------------------------------------------
def test_a_breach_of_a_person_names_their_team_or_unassigned(tmp_path: Path) -> None:
    """sla_breaches.team is the team waited on: for a person whose teams set no calendar or
    level of their own, the first of their teams; for a person in none, 'unassigned'. By hand:
    both asked Thursday 12th 16:00 (h 247), as_of Monday 16th 09:00: Thursday 1 + Friday 8 =
    9 business hours, 1 over the default 8."""
    b = MirrorBuilder(teams={"web": ["alice", "bob"], "data": ["bob"]}, as_of=AS_OF)
    b.pull("app", "alice", 247).request(247, reviewer="bob")
    b.pull("app", "alice", 247).request(247, reviewer="zed")
    with build(tmp_path, b) as wh:
        found = wh.query(
            "select pr_number, reviewer, team, over_business_hours from sla_breaches order by 1"
        )
        assert found == [(1, "bob", "data", 1.0), (2, "zed", "unassigned", 1.0)]


def test_a_team_renamed_since_keeps_its_requests(tmp_path: Path) -> None:
    """Team api was renamed apis (same id) after a request to it was stored: the request is
    apis's, answered by carol, its member, after 4 hours (not api's, a team no longer there,
    waiting for ever)."""
    b = MirrorBuilder(teams={"web": ["alice"], "apis": ["carol"]}, as_of=AS_OF)
    pr = b.pull("app", "alice", 0).request(0, team_slug="api").review("carol", 4)
    pr.timeline[-1]["requested_team"]["id"] = team("acme", "apis")["id"]
    with build(tmp_path, b) as wh:
        got = wh.query("select reviewer_team, outcome, wait_hours from review_wait")
    assert got == [("apis", "reviewed", 4.0)]
