"""An audit of the handoff views against METRICS.md, rule by rule, on small hand-made orgs.

Every expected number is worked out by hand from METRICS.md in the comments (never copied from
a view). T0 (hour 0) is Monday 2026-03-02 09:00 UTC; as_of is hour 336, Monday 2026-03-16
09:00 UTC; the default calendar is 09:00-17:00 UTC, Monday to Friday, so hour h of a Monday is
working time for 0 <= h <= 8, Tuesday's are 24..32, and so on. Where METRICS.md leaves a case
open, the reading the view's header comment chooses is what is tested."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from miner.config import parse
from miner.warehouse import Warehouse
from tests.mirror_builder import MirrorBuilder
from tests.test_review_findings import build, rows

AS_OF = 24 * 14  # Monday 2026-03-16 09:00 UTC
MERGED: dict[str, Any] = {"state": "closed", "merged": True}


def hours_after_t0(wh: Warehouse, column: str, view: str, where: str) -> list[float | None]:
    """`column` of the matching rows as hours after T0 (NULL stays None)."""
    found = wh.query(
        f"select epoch({column} - timestamptz '2026-03-02 09:00:00+00') / 3600.0 "
        f"from {view} where {where} order by all"
    )
    return [r[0] for r in found]


# approval_latency -------------------------------------------------------------------------------
def test_every_team_of_an_individually_requested_reviewer_needs_to_approve(tmp_path: Path) -> None:
    """METRICS.md approval_latency: "The teams whose approval a PR needs: ... every team of an
    individually requested reviewer"; People: "A person may be in several teams"; header: "A
    reviewer in no team stands for the team 'unassigned'"."""
    b = MirrorBuilder(
        teams={"web": ["alice", "bob"], "security": ["sam"], "data": ["sam", "dana"]}, as_of=AS_OF
    )
    # alice asks sam (security + data) at 1 h and zed (in no team) at 1 h; sam approves at 4 h;
    # merged at 6 h; zed never reviews
    b.pull("app", "alice", 0, closed=6, **MERGED).request(1, reviewer="sam").request(
        1, reviewer="zed"
    ).review("sam", 4).event("merged", 6).event("closed", 6)
    with build(tmp_path, b) as wh:
        found = rows(wh, "select * from approval_latency order by approver_team")
        got = [
            (r["approver_team"], r["outcome"], r["approver"], r["is_cross_team"],
             r["latency_hours"], r["latency_business_hours"], r["sources"])
            for r in found
        ]  # fmt: skip
        # data, security: start max(ready 0, request 1) = 1 h, sam approves at 4: 3 h, Monday
        # 10:00-13:00, all working. unassigned (zed's): start 1, merged 6 unapproved: 5 h
        assert got == [
            ("data", "approved", "sam", True, 3.0, 3.0, ["requested member"]),
            ("security", "approved", "sam", True, 3.0, 3.0, ["requested member"]),
            ("unassigned", "unapproved", None, True, 5.0, 5.0, ["requested member"]),
        ]


def test_withdrawn_team_request_needs_nothing_but_removal_after_review_counts(
    tmp_path: Path,
) -> None:
    """METRICS.md approval_latency: "A request withdrawn before that reviewer reviewed does not
    count." - so one withdrawn after the reviewer reviewed still counts."""
    b = MirrorBuilder(teams={"web": ["alice"], "security": ["sam"], "data": ["dana"]}, as_of=AS_OF)
    # 1: team security asked at 0 and withdrawn at 2 h, before any member reviewed; sam approves
    #    unasked at 5 h. Nothing else makes security needed (no CODEOWNERS): no row at all.
    b.pull("app", "alice", 0).request(0, team_slug="security").request(
        2, team_slug="security", removed=True
    ).review("sam", 5)
    # 2: dana asked at 0, comments at 1 h, the request is removed at 2 h (after her review):
    #    data is needed; nobody approves; open: waiting 0 -> 336 h, 2 weeks x 5 days x 8 h = 80
    b.pull("app", "alice", 0).request(0, reviewer="dana").review("dana", 1, "COMMENTED").request(
        2, reviewer="dana", removed=True
    )
    with build(tmp_path, b) as wh:
        assert rows(wh, "select * from approval_latency where pr_number = 1") == []
        (a,) = rows(wh, "select * from approval_latency where pr_number = 2")
        assert (a["approver_team"], a["outcome"], a["latency_hours"]) == ("data", "waiting", 336.0)
        assert a["latency_business_hours"] == 80.0


def test_code_owner_team_asked_later_starts_at_the_request(tmp_path: Path) -> None:
    """METRICS.md approval_latency: "start_at: max(ready_at, first request that names the team
    or one of its members); for a team that is only a code owner with no request, ready_at" and
    "approved_at: the first approval by a member of the team at or after start_at"."""
    b = MirrorBuilder(teams={"web": ["alice"], "security": ["sam"]}, as_of=AS_OF)
    b.files[("app", ".github/CODEOWNERS")] = "* @acme/security\n"
    # security owns the file and is also asked as a team at 5 h: start = max(0, 5) = 5 h; sam's
    # approval at 2 h is before the start; his approval at 7 h is the first at or after it
    b.pull("app", "alice", 0, files=["a.py"]).review("sam", 2).request(
        5, team_slug="security"
    ).review("sam", 7)
    with build(tmp_path, b) as wh:
        (a,) = rows(wh, "select * from approval_latency")
        assert hours_after_t0(wh, "start_at", "approval_latency", "true") == [5.0]
        assert hours_after_t0(wh, "approved_at", "approval_latency", "true") == [7.0]
        # 7 - 5 = 2 h, Monday 14:00-16:00: 2 business hours
        assert (a["outcome"], a["approver"], a["latency_hours"], a["latency_business_hours"]) == (
            "approved",
            "sam",
            2.0,
            2.0,
        )
        assert a["sources"] == ["code owner", "requested team"]


def test_request_made_during_draft_starts_at_ready(tmp_path: Path) -> None:
    """METRICS.md approval_latency: "start_at: max(ready_at, first request ...)"; ready_at of a
    PR opened as a draft is its first ready_for_review event."""
    b = MirrorBuilder(teams={"web": ["alice"], "security": ["sam"]}, as_of=AS_OF)
    # opened as draft at 0, sam asked at 1 h, ready at 3 h, sam approves at 5 h
    b.pull("app", "alice", 0).request(1, reviewer="sam").event("ready_for_review", 3).review(
        "sam", 5
    )
    with build(tmp_path, b) as wh:
        (a,) = rows(wh, "select * from approval_latency")
        # start = max(3, 1) = 3 h; 5 - 3 = 2 h, Monday 12:00-14:00, all working
        assert hours_after_t0(wh, "start_at", "approval_latency", "true") == [3.0]
        assert (a["outcome"], a["latency_hours"], a["latency_business_hours"]) == (
            "approved",
            2.0,
            2.0,
        )


def test_child_team_member_approves_for_the_parent_and_is_not_cross_team(tmp_path: Path) -> None:
    """METRICS.md People: teams of a person include "child teams included in their parent";
    approval_latency: "approved_at: the first approval by a member of the team" and
    "is_cross_team: the author is not a member of the team"; cross_team_approval_latency "is the
    same view filtered on is_cross_team"; ownership_handoffs: handoff_teams is "owner_teams minus
    the author's teams"."""
    b = MirrorBuilder(
        teams={"web": ["alice"], "platform": [], "infra": ["ivan", "ina"]},
        parents={"infra": "platform"},
        as_of=AS_OF,
    )
    b.files[("app", ".github/CODEOWNERS")] = "* @acme/platform\n"
    # 1: alice (web) changes a platform file; ivan (infra, so platform) approves at 3 h
    b.pull("app", "alice", 0, files=["a.py"]).review("ivan", 3)
    # 2: ivan's own change to a platform file; ina (infra) approves at 4 h
    b.pull("app", "ivan", 0, files=["b.py"]).review("ina", 4)
    with build(tmp_path, b) as wh:
        found = rows(wh, "select * from approval_latency order by pr_number")
        # 1: platform, approved by ivan after 3 h, cross-team (alice is not in platform)
        # 2: platform, approved by ina after 4 h, ivan is in platform through infra: not cross
        assert [
            (r["pr_number"], r["approver_team"], r["approver"], r["latency_hours"],
             r["is_cross_team"])
            for r in found
        ] == [(1, "platform", "ivan", 3.0, True), (2, "platform", "ina", 4.0, False)]  # fmt: skip
        cross = wh.query("select pr_number, approver_team from cross_team_approval_latency")
        assert cross == [(1, "platform")]
        handoffs = wh.query(
            "select pr_number, handoff_teams from ownership_handoffs order by pr_number"
        )
        assert handoffs == [(1, ["platform"]), (2, [])]


def test_close_ends_the_approval_wait_on_the_approving_teams_calendar(tmp_path: Path) -> None:
    """METRICS.md approval_latency: outcome "unapproved (PR closed or merged first)", measured to
    the close (header); Calendars: a business-hours duration counts the working time of "the
    approving team for approvals"."""
    b = MirrorBuilder(teams={"web": ["alice"], "security": ["sam"]}, as_of=AS_OF)
    b.files[("app", ".github/CODEOWNERS")] = "* @acme/security\n"
    # 1: merged at 6 h, sam approves only at 8 h: unapproved
    b.pull("app", "alice", 0, closed=6, files=["a.py"], **MERGED).event("merged", 6).event(
        "closed", 6
    ).review("sam", 8)
    # 2: sam approves in the very second of the merge (6 h): nothing closed first: approved
    b.pull("app", "alice", 0, closed=6, files=["a.py"], **MERGED).review("sam", 6).event(
        "merged", 6
    ).event("closed", 6)
    config = parse(
        {"calendar": {"teams": {"security": {"timezone": "America/New_York"}}}}, Path("t.toml")
    )
    with build(tmp_path, b, config) as wh:
        found = rows(wh, "select * from approval_latency order by pr_number")
        # both waited Monday 09:00-15:00 UTC = 6 h; New York is UTC-5 until 8 March, so its
        # 09:00-17:00 is 14:00-22:00 UTC: 14:00-15:00 = 1 business hour
        assert [
            (r["pr_number"], r["outcome"], r["approver"], r["latency_hours"],
             r["latency_business_hours"])
            for r in found
        ] == [(1, "unapproved", None, 6.0, 1.0), (2, "approved", "sam", 6.0, 1.0)]  # fmt: skip
        assert hours_after_t0(wh, "approved_at", "approval_latency", "pr_number = 1") == [None]


# ownership_handoffs -----------------------------------------------------------------------------
def test_codeowners_file_is_the_first_of_githubs_three_locations(tmp_path: Path) -> None:
    """METRICS.md: "the file is the first of `.github/CODEOWNERS`, `CODEOWNERS`,
    `docs/CODEOWNERS`"."""
    b = MirrorBuilder(teams={"web": ["alice"], "security": ["sam"], "data": ["dana"]}, as_of=AS_OF)
    b.files[("a", ".github/CODEOWNERS")] = "* @acme/data\n"
    b.files[("a", "CODEOWNERS")] = "* @acme/security\n"
    b.files[("b", "CODEOWNERS")] = "* @acme/security\n"
    b.files[("b", "docs/CODEOWNERS")] = "* @acme/data\n"
    b.files[("c", "docs/CODEOWNERS")] = "* @acme/data\n"
    for repo in ("a", "b", "c"):
        b.pull(repo, "alice", 0, files=["x.py"])
    with build(tmp_path, b) as wh:
        # a: .github/ beats the root; b: the root beats docs/; c: docs/ alone is used
        assert wh.query("select repo, owner_teams from ownership_handoffs order by repo") == [
            ("acme/a", ["data"]),
            ("acme/b", ["security"]),
            ("acme/c", ["data"]),
        ]


def test_user_owners_stand_for_their_teams_and_the_author_owns_own_files(tmp_path: Path) -> None:
    """METRICS.md: "A user owner stands for that user's teams"; "handoff_teams: owner_teams minus
    the author's teams"; "files_owned_by_others: changed files that have owners of which none is
    the author or one of the author's teams"; "the last matching line wins"."""
    b = MirrorBuilder(
        teams={
            "web": ["alice", "bob"],
            "data": ["alice", "dana"],
            "security": ["sam"],
            "ops": ["olga"],
        },
        as_of=AS_OF,
    )
    b.files[("app", ".github/CODEOWNERS")] = (
        "/auth/      @acme/data\n"  # loses to the later lines matching auth/
        "*           @bob\n"
        "/auth/      @sam @acme/ops\n"
        "/data/      @acme/data\n"
        "/scripts/   @alice @acme/security\n"
    )
    # alice (web + data) changes one file under each rule
    b.pull("app", "alice", 0, files=["src/a.py", "auth/x.py", "data/y.sql", "scripts/z.sh"])
    with build(tmp_path, b) as wh:
        (h,) = rows(wh, "select * from ownership_handoffs")
        # src/a.py: bob -> web (alice's); auth/x.py: the last matching line, sam -> security, and
        # ops (line 1's data loses); data/y.sql: data (alice's); scripts/z.sh: alice herself and
        # security. owner_teams = {web, security, ops, data} sorted; minus {web, data}
        assert h["owner_teams"] == ["data", "ops", "security", "web"]
        assert (h["handoff_teams"], h["handoff_count"]) == (["ops", "security"], 2)
        # only auth/x.py has no owner that is alice or one of her teams (scripts/z.sh names her)
        assert (h["files_changed"], h["files_unowned"], h["files_owned_by_others"]) == (4, 0, 1)


def test_owner_matched_to_nobody_owns_for_no_team_and_emails_map_to_users(tmp_path: Path) -> None:
    """METRICS.md: owners are "an e-mail address (mapped to a user where the org knows it)";
    patterns "are case-sensitive". Header reading: "an owner matched to nobody (an unknown
    e-mail, a team of another org) counts as an owner of the file but for no team"."""
    b = MirrorBuilder(teams={"web": ["alice", "bob"], "security": ["sam"]}, as_of=AS_OF)
    b.files[("app", ".github/CODEOWNERS")] = (
        "/vendor/   @other-org/core\n"
        "/lib/      nobody@nowhere.example\n"
        "/Docs/     @acme/security\n"
        "/web/      bob@example.com\n"
    )
    b.pull("app", "alice", 0, files=["vendor/a.js", "lib/m.py", "docs/x.md", "web/i.ts"])
    # bob's PR commit (author e-mail bob@example.com) lets the org tie that address to bob
    b.pull("app", "bob", 0, files=["other.txt"]).commit(-1)
    with build(tmp_path, b) as wh:
        (h,) = rows(wh, "select * from ownership_handoffs where pr_number = 1")
        # vendor/a.js and lib/m.py: owned, for no team, by nobody of alice's: owned by others.
        # docs/x.md: /Docs/ does not match docs/ (case-sensitive): unowned.
        # web/i.ts: bob@example.com = bob -> web, alice's team: hers.
        assert (h["owner_teams"], h["handoff_teams"], h["handoff_count"]) == (["web"], [], 0)
        assert (h["files_changed"], h["files_unowned"], h["files_owned_by_others"]) == (4, 1, 2)


def test_an_email_owner_nobody_committed_with_maps_by_the_configs_identities(
    tmp_path: Path,
) -> None:
    """[git.identities] ties sam@corp.example to sam (security), though no commit has that
    address: /auth/'s owner is sam, so alice's (web) PR hands off to security, and sue's
    approval (security) at 3 h ends that team's wait. A noreply address names its login too."""
    b = MirrorBuilder(teams={"web": ["alice"], "security": ["sam", "sue"], "ops": ["olga"]},
                      as_of=AS_OF)  # fmt: skip
    b.files[("app", ".github/CODEOWNERS")] = (
        "/auth/ Sam@Corp.example\n/ops/ 4242+olga@users.noreply.github.com\n"
    )
    b.pull("app", "alice", 0, files=["auth/a.py", "ops/run.sh"]).review("sue", 3)
    config = parse({"git": {"identities": {"sam@corp.example": "sam"}}}, Path("t.toml"))
    with build(tmp_path, b, config) as wh:
        (h,) = rows(wh, "select * from ownership_handoffs")
        assert (h["owner_teams"], h["handoff_count"]) == (["ops", "security"], 2)
        approvals = rows(
            wh,
            "select approver_team as team, outcome, latency_hours from approval_latency order by 1",
        )
    assert [(a["team"], a["outcome"]) for a in approvals] == [("ops", "waiting"),
                                                              ("security", "approved")]  # fmt: skip
    assert approvals[1]["latency_hours"] == 3.0


# ownership_handoff_pairs ------------------------------------------------------------------------
def test_handoff_pairs_count_prs_files_and_cycle_percentiles(tmp_path: Path) -> None:
    """METRICS.md: "`ownership_handoff_pairs` aggregates it: one row per (`author_team`,
    `owner_team`) with `prs`, `files`, and the median and p90 `cycle_hours` of those PRs".
    Header readings: merged PRs only for the cycle; an author in two teams counts for both."""
    b = MirrorBuilder(
        teams={"web": ["alice", "carl"], "data": ["carl"], "security": ["sam"]}, as_of=AS_OF
    )
    b.files[("app", ".github/CODEOWNERS")] = "*  @acme/web\n/auth/  @acme/security\n"
    # alice: merged after 10, 20 and 40 h (two security files in the first), one still open
    for n, end in ((1, 10), (2, 20), (3, 40)):
        files = ["auth/a.py", "auth/b.py", "src/x.py"] if n == 1 else ["auth/a.py"]
        b.pull("app", "alice", 0, closed=end, files=files, **MERGED).event("merged", end).event(
            "closed", end
        )
    b.pull("app", "alice", 0, files=["auth/c.py"])
    # carl (web + data): merged after 5 h, one security file
    b.pull("app", "carl", 0, closed=5, files=["auth/d.py"], **MERGED).event("merged", 5).event(
        "closed", 5
    )
    with build(tmp_path, b) as wh:
        found = rows(wh, "select * from ownership_handoff_pairs order by author_team, owner_team")
        got = [
            (r["author_team"], r["owner_team"], r["prs"], r["files"], r["merged_prs"],
             r["median_cycle_hours"], r["p90_cycle_hours"])
            for r in found
        ]  # fmt: skip
        # data -> security: carl's PR only: 1 PR, 1 file, cycle 5.
        # data -> web: carl is in web: no handoff. web -> security: alice's 4 + carl's 1 = 5
        # PRs; files 2 + 1 + 1 + 1 + 1 = 6; merged cycles [5, 10, 20, 40]: median (10+20)/2 = 15;
        # p90 (linear): position 0.9 x 3 = 2.7 -> 20 + 0.7 x (40 - 20) = 34
        assert got == [
            ("data", "security", 1, 1, 1, 5.0, 5.0),
            ("web", "security", 5, 6, 4, 15.0, 34.0),
        ]
        # the percentiles in the order the header names them, median, p75, p90, in hours
        # then in business hours (a `select *` reads them in that order): web -> security's
        # cycles [5, 10, 20, 40] give p75 at 0.75 x 3 = 2.25 -> 20 + 0.25 x 20 = 25; on the
        # default calendar (09:00-17:00 UTC, from Monday 09:00) they are [5, 8, 8, 16]:
        # median 8, p75 8 + 0.25 x 8 = 10, p90 8 + 0.7 x 8 = 13.6
        listed = wh.query(
            "select * exclude (org, author_team, owner_team, prs, files, merged_prs) "
            "from ownership_handoff_pairs where author_team = 'web'"
        )
        assert listed == [pytest.approx((15.0, 25.0, 34.0, 8.0, 10.0, 13.6))]


# sla_breaches -----------------------------------------------------------------------------------
def test_sla_breach_is_strictly_over_the_level(tmp_path: Path) -> None:
    """METRICS.md sla_breaches: "every `waiting` review episode or approval whose business-hours
    wait is over the service level ... (default 8 business hours for a first review, 16 for a
    cross-team approval)". Header reading: only cross-team approvals have a level."""
    b = MirrorBuilder(teams={"web": ["alice", "bob"], "security": ["sam"]}, as_of=AS_OF)
    b.files[("app", ".github/CODEOWNERS")] = "/auth/ @acme/security\n/src/ @acme/web\n"
    # 1: bob asked Friday 13th 09:00 (h 264): Friday 09-17 = 8 h, exactly the level: no breach
    b.pull("app", "alice", 264).request(264, reviewer="bob")
    # 2: bob asked Thursday 12th 16:00 (h 247): 1 + 8 = 9 h: 1 over
    b.pull("app", "alice", 247).request(247, reviewer="bob")
    # 3: security's file, ready Thursday 12th 09:00 (h 240), bob asked at once and reviews at
    #    once: the approval waits Thursday + Friday = 16 h, exactly the level: no breach
    b.pull("app", "alice", 240, files=["auth/a.py"]).request(240, reviewer="bob").review(
        "bob", 240, "COMMENTED"
    )
    # 4: as 3 from Wednesday 11th 16:00 (h 223): 1 + 8 + 8 = 17 h: 1 over
    b.pull("app", "alice", 223, files=["auth/b.py"]).request(223, reviewer="bob").review(
        "bob", 223, "COMMENTED"
    )
    # 5: web's own file waits from h 0 (80 business hours) for web's approval: same team, no
    #    level; bob reviewed at once, so no review waits
    b.pull("app", "alice", 0, files=["src/c.py"]).request(0, reviewer="bob").review(
        "bob", 0, "COMMENTED"
    )
    with build(tmp_path, b) as wh:
        found = rows(wh, "select * from sla_breaches order by pr_number")
        assert [
            (r["kind"], r["pr_number"], r["team"], r["waited_business_hours"],
             r["sla_business_hours"], r["over_business_hours"])
            for r in found
        ] == [
            ("review", 2, "web", 9.0, 8.0, 1.0),  # bob's only team
            ("approval", 4, "security", 17.0, 16.0, 1.0),
        ]  # fmt: skip


def test_an_implicit_episode_breaches_on_no_team_at_the_default_level(tmp_path: Path) -> None:
    """Header: the implicit episode (nobody asked) "waits on no team, so its `team` and
    `reviewer` are NULL and the default level holds it", even where a team has a level of its
    own. 1: alice (web) opens it at 0 and nobody is asked: it waits from Monday 2nd 09:00 to
    as_of, Monday 16th 09:00, ten working days of 8 h = 80 business hours, 72 over the default
    8 (web's own level, 100, is not the one)."""
    b = MirrorBuilder(teams={"web": ["alice", "bob"]}, as_of=AS_OF)
    b.pull("app", "alice", 0)
    config = parse(
        {"sla": {"teams": {"web": {"first_review_business_hours": 100}}}}, Path("t.toml")
    )
    with build(tmp_path, b, config) as wh:
        found = rows(wh, "select * from sla_breaches")
        assert [
            (r["kind"], r["pr_number"], r["team"], r["reviewer"], r["waited_business_hours"],
             r["sla_business_hours"], r["over_business_hours"])
            for r in found
        ] == [("review", 1, None, None, 80.0, 8.0, 72.0)]  # fmt: skip


def test_only_waiting_episodes_breach_re_reviews_included(tmp_path: Path) -> None:
    """METRICS.md sla_breaches: "every `waiting` review episode" (withdrawn and unanswered ones
    are not waiting); header: "Every waiting episode counts, re-reviews included"."""
    b = MirrorBuilder(teams={"web": ["alice", "bob", "dana"]}, as_of=AS_OF)
    # 1: bob asked at 0 h, requests changes at 1 h, asked again Thursday 12th 16:00 (h 247):
    #    episode 2 waits 1 + 8 = 9 business hours: 1 over the default 8
    b.pull("app", "alice", 0).request(0, reviewer="bob").review(
        "bob", 1, "CHANGES_REQUESTED"
    ).request(247, reviewer="bob")
    # 2: dana asked at 0 h and withdrawn at 1 h; bob asked at 0 h and reviews at 2 h
    b.pull("app", "alice", 0).request(0, reviewer="dana").request(
        1, reviewer="dana", removed=True
    ).request(0, reviewer="bob").review("bob", 2)
    # 3: bob asked at 0 h, the PR closed unanswered at 30 h
    b.pull("app", "alice", 0, state="closed", closed=30).request(0, reviewer="bob").event(
        "closed", 30
    )
    with build(tmp_path, b) as wh:
        found = rows(wh, "select * from sla_breaches")
        assert [
            (r["kind"], r["pr_number"], r["reviewer"], r["waited_business_hours"],
             r["over_business_hours"])
            for r in found
        ] == [("review", 1, "bob", 9.0, 1.0)]  # fmt: skip


# pr_time_in_court -------------------------------------------------------------------------------
def _courts(wh: Warehouse) -> list[tuple[Any, ...]]:
    return [
        (r["pr_number"], r["author_hours"], r["reviewers_hours"], r["ci_hours"],
         r["merge_hours"], r["deploy_hours"], r["total_hours"], r["waiting_hours"],
         r["flow_efficiency"])
        for r in rows(wh, "select * from pr_time_in_court order by pr_number")
    ]  # fmt: skip


def test_back_to_draft_is_the_authors_court_even_with_a_review_asked(tmp_path: Path) -> None:
    """METRICS.md: "A PR that is converted back to draft and made ready again keeps its first
    `ready_at`; the time it spent in draft after that is author time"; pr_time_in_court: "at every
    moment the PR is in exactly one court, `author` (draft, ...)", "`merge` (approved, not
    merged)"; "flow efficiency is the author's share"."""
    b = MirrorBuilder(teams={"web": ["alice", "bob"]}, as_of=AS_OF)
    # ready at 0 with bob asked; back to draft 2 h; ready again 5 h; bob approves 7 h; merged 8 h
    b.pull("app", "alice", 0, closed=8, **MERGED).request(0, reviewer="bob").event(
        "convert_to_draft", 2
    ).event("ready_for_review", 5).review("bob", 7).event("merged", 8).event("closed", 8)
    with build(tmp_path, b) as wh:
        # reviewers 0-2 and 5-7 = 4; author (draft) 2-5 = 3; merge 7-8 = 1; total 8;
        # waiting 8 - 3 = 5; flow 3 / 8 = 0.375; no deploys tracked: deploy NULL
        assert _courts(wh) == [(1, 3.0, 4.0, 0.0, 1.0, None, 8.0, 5.0, 0.375)]
        (c,) = rows(wh, "select * from pr_time_in_court")
        # all inside Monday 09:00-17:00
        assert (c["total_business_hours"], c["waiting_business_hours"]) == (8.0, 5.0)


def test_changes_requested_is_the_authors_court_until_a_new_request(tmp_path: Path) -> None:
    """METRICS.md pr_time_in_court: "`author` (draft, or changes requested and no new request
    yet), `reviewers` (an episode is open)", "`merge` (approved, not merged)"."""
    b = MirrorBuilder(teams={"web": ["alice", "bob"]}, as_of=AS_OF)
    # bob asked at 0, requests changes at 2 h, asked again at 5 h, approves at 6 h, merged at 8 h
    b.pull("app", "alice", 0, closed=8, **MERGED).request(0, reviewer="bob").review(
        "bob", 2, "CHANGES_REQUESTED"
    ).request(5, reviewer="bob").review("bob", 6).event("merged", 8).event("closed", 8)
    with build(tmp_path, b) as wh:
        # reviewers 0-2 + 5-6 = 3; author 2-5 = 3; merge 6-8 = 2; total 8, waiting 5, 3/8
        assert _courts(wh) == [(1, 3.0, 3.0, 0.0, 2.0, None, 8.0, 5.0, 0.375)]


def test_an_open_episode_keeps_the_ball_with_reviewers_after_one_approval(tmp_path: Path) -> None:
    """METRICS.md pr_time_in_court: "`reviewers` (an episode is open)", "`merge` (approved, not
    merged)"; header: courts are "checked in this order", reviewers before merge. A PR closed
    unmerged ends at its close and has no deploy court."""
    b = MirrorBuilder(teams={"web": ["alice", "bob"], "security": ["sam"]}, as_of=AS_OF)
    # bob and sam asked at 0; bob approves at 1 h, sam at 4 h; closed unmerged at 6 h
    b.pull("app", "alice", 0, state="closed", closed=6).request(0, reviewer="bob").request(
        0, reviewer="sam"
    ).review("bob", 1).review("sam", 4).event("closed", 6)
    with build(tmp_path, b) as wh:
        # reviewers 0-4 (sam's episode open); merge 4-6 (approved, not merged); author 0
        assert _courts(wh) == [(1, 0.0, 4.0, 0.0, 2.0, None, 6.0, 6.0, 0.0)]


def test_reviewers_court_counts_the_reviewers_calendar_up_to_as_of(tmp_path: Path) -> None:
    """METRICS.md pr_time_in_court gives hours per court; Calendars: "A business-hours duration
    is the overlap of the interval with the working time of the party waited on: the reviewer's
    team for review waits"; review_wait: still open at as_of, "measured up to as_of"."""
    b = MirrorBuilder(teams={"web": ["alice"], "security": ["sam"]}, as_of=AS_OF)
    # opened Friday 13th 03:00 UTC (h 258), sam asked at once, never answers
    b.pull("app", "alice", 258).request(258, reviewer="sam")
    config = parse({"calendar": {"teams": {"security": {"timezone": "Asia/Tokyo"}}}}, Path("t.t"))
    with build(tmp_path, b, config) as wh:
        (c,) = rows(wh, "select * from pr_time_in_court")
        # 258 -> 336: 78 h in the reviewers' court. Tokyo's 09-17 is 00:00-08:00 UTC: Friday
        # 03:00-08:00 (5 h) + Monday 16th 00:00-08:00 (8 h) = 13 (the default calendar: 8)
        assert (c["reviewers_hours"], c["author_hours"], c["total_hours"]) == (78.0, 0.0, 78.0)
        assert (c["reviewers_business_hours"], c["waiting_business_hours"]) == (13.0, 13.0)
        assert c["flow_efficiency"] == 0.0


# more rules --------------------------------------------------------------------------------------
def test_a_config_listed_bot_in_the_team_never_approves_for_it(tmp_path: Path) -> None:
    """METRICS.md People: "Bot: a GitHub user ... who is listed under `bots` in the config. Bots
    ... never count as reviewers or approvers"; approval_latency: "approved_at: the first
    approval by a member of the team"."""
    b = MirrorBuilder(teams={"web": ["alice"], "security": ["sam", "deploy-helper"]}, as_of=AS_OF)
    b.files[("app", ".github/CODEOWNERS")] = "* @acme/security\n"
    # deploy-helper (a GitHub member of security, a bot by the config) approves at 2 h; sam at 5
    b.pull("app", "alice", 0, files=["a.py"]).review("deploy-helper", 2).review("sam", 5)
    config = parse({"bots": ["deploy-helper"]}, Path("t.toml"))
    with build(tmp_path, b, config) as wh:
        (a,) = rows(wh, "select * from approval_latency")
        # security from ready_at 0 (code owner only), first non-bot approval 5 h
        assert (a["approver_team"], a["approver"], a["latency_hours"]) == ("security", "sam", 5.0)


def test_a_draft_never_ready_is_all_author_time_and_needs_nothing_yet(tmp_path: Path) -> None:
    """METRICS.md: "a draft that never became ready has no `ready_at`"; pr_time_in_court: the
    `author` court is "draft"; approval_latency header: "PRs that never became ready have no
    rows". sla_breaches then has nothing waiting for it."""
    b = MirrorBuilder(teams={"web": ["alice"], "security": ["sam"]}, as_of=AS_OF)
    b.files[("app", ".github/CODEOWNERS")] = "* @acme/security\n"
    # a draft since 0 with sam asked at 1 h, open at as_of (336 h)
    b.pull("app", "alice", 0, draft=True, files=["a.py"]).request(1, reviewer="sam")
    with build(tmp_path, b) as wh:
        # author 336 of 336: flow efficiency 1, nothing waits
        assert _courts(wh) == [(1, 336.0, 0.0, 0.0, 0.0, None, 336.0, 0.0, 1.0)]
        assert rows(wh, "select * from approval_latency") == []
        assert rows(wh, "select * from sla_breaches") == []


def test_approval_sla_counts_the_approving_teams_calendar(tmp_path: Path) -> None:
    """METRICS.md sla_breaches: a waiting approval "whose business-hours wait is over the
    service level" (16 for a cross-team approval); Calendars: business hours are those of "the
    approving team for approvals"."""
    b = MirrorBuilder(teams={"web": ["alice"], "security": ["sam"]}, as_of=AS_OF)
    b.files[("app", ".github/CODEOWNERS")] = "* @acme/security\n"
    # ready Wednesday 11th 20:00 UTC (h 227), security's file, open at as_of
    b.pull("app", "alice", 227, files=["a.py"])
    config = parse(
        {"calendar": {"teams": {"security": {"timezone": "America/New_York"}}}}, Path("t.toml")
    )
    with build(tmp_path, b, config) as wh:
        found = rows(wh, "select * from sla_breaches where kind = 'approval'")
        # New York is UTC-4 from 8 March: its 09-17 is 13:00-21:00 UTC. Wednesday 20-21 (1) +
        # Thursday (8) + Friday (8) = 17 > 16: 1 over (the default calendar would give 0 + 8 + 8
        # = 16, no breach)
        assert [
            (r["team"], r["waited_hours"], r["waited_business_hours"], r["over_business_hours"])
            for r in found
        ] == [("security", 109.0, 17.0, 1.0)]


def test_handoff_pair_files_count_files_a_user_owner_gives_the_team(tmp_path: Path) -> None:
    """METRICS.md: "A user owner stands for that user's teams"; `ownership_handoff_pairs` has
    "one row per (`author_team`, `owner_team`) with `prs`, `files`"."""
    b = MirrorBuilder(teams={"web": ["alice"], "security": ["sam"]}, as_of=AS_OF)
    b.files[("app", ".github/CODEOWNERS")] = "/auth/  @sam\n/ops/  @acme/security\n"
    # merged after 4 h: auth/a.py (sam -> security), ops/b.yml (security), README (unowned)
    b.pull("app", "alice", 0, closed=4, files=["auth/a.py", "ops/b.yml", "README"], **MERGED).event(
        "merged", 4
    ).event("closed", 4)
    with build(tmp_path, b) as wh:
        found = rows(wh, "select * from ownership_handoff_pairs")
        # web -> security: 1 PR, 2 of its files, cycle 0 -> 4 h (no commits: from created_at)
        assert [
            (r["author_team"], r["owner_team"], r["prs"], r["files"], r["median_cycle_hours"])
            for r in found
        ] == [("web", "security", 1, 2, 4.0)]
