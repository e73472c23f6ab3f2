"""The report's newer sections and scope, worked out by hand on one small org: the named queries
approval_latency_by_team_pair, ownership_handoffs_per_pr and sla_breaches_now, `miner report
--team/--repo` (schema miner.report/5), and how a figure's change against the previous window is
written.

T0 is Monday 2026-03-02 09:00 UTC and hours below are offsets from it. as_of is T0 + 340 h,
Monday 2026-03-16 13:00 UTC, so `--since 7d` is [T0 + 172 h, T0 + 340 h) (Monday 2026-03-09
13:00 to as_of) and the previous window [T0 + 4 h, T0 + 172 h). No config: the default calendar is
Monday to Friday 09:00-17:00 UTC, the default service levels 8 business hours for a review and 16
for a cross-team approval.

Teams: web = alice, bob, mia; data = dana, dave; ops = olga, mia (mia is in two teams);
security = sam. erin is in no team ('unassigned'), renovate[bot] is a bot.

CODEOWNERS (the last matching line wins):
  web: *  @acme/web, /db/ @acme/data, /deploy/ @acme/ops, /auth/ @acme/security, /vendor/ (none)
  api: *  @acme/data, /infra/ @acme/ops

PRs of the previous window (opened before T0 + 172 h):
  web#1  alice, db/        opened 10, dana asked 10, approves 15 (5 h), merged 16 h 02 m
  web#2  bob,   src/       opened 30, alice asked 30 approves 32; sam asked 30.5, withdrawn 31;
                           merged 33
  api#1  dana,  src/       opened 50, dave asked 50 approves 51, merged 52
PRs of the window:
  web#3  alice, db/                opened 172, dana asked 172, approves 179, merged 180
  web#4  bob,   db/ + src/         opened 174, team data asked 174, dave approves 177, merged 178
  web#5  alice, db/ + deploy/      opened 176, dana asked 176 approves 188; olga (code owner,
                                   not asked) approves 186; merged 190
  web#6  mia,   db/                opened 200, dana asked 200, approves 205, merged 206
  web#7  alice, auth/              opened 241 (Thu 10:00), sam asked 241: open, nobody answered
  web#8  renovate[bot], vendor/    opened 300, merged 301, nobody reviewed
  web#9  dana,  db/ deploy/ auth/ src/   opened 180; olga approves 182, sam 184, bob 186;
                                   merged 190
  web#10 erin,  db/ deploy/ auth/ src/   opened 212, closed unmerged 214, nobody reviewed
  api#2  alice, infra/             opened 336 (Mon 09:00), team ops asked 336: open
  api#3  dave,  src/               opened 264 (Fri 09:00), nobody asked: open, nobody answered
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from miner.reports.layout import Column, change_text, figure_cell
from tests.mirror_builder import MirrorBuilder, Pull
from tests.test_cli import miner

AS_OF = 340  # Monday 2026-03-16 13:00 UTC
# the window of `--since 7d` as dates for `miner query`: every PR of the window is opened (and
# every approval wait starts) at or after T0 + 159 h (2026-03-09 00:00), those before it earlier
WINDOW = ("2026-03-09", "2026-03-17")
PREVIOUS = ("2026-03-02", "2026-03-09")

WEB_CODEOWNERS = """\
*          @acme/web
/db/       @acme/data
/deploy/   @acme/ops
/auth/     @acme/security
/vendor/
"""
API_CODEOWNERS = """\
*          @acme/data
/infra/    @acme/ops
"""


def _merged(pr: Pull, hours: float, *, merged: bool = True) -> Pull:
    """Close `pr` at `hours` (merged unless told otherwise), in its payload and its timeline."""
    pr.state, pr.closed, pr.merged = "closed", hours, merged
    if merged:
        pr.event("merged", hours)
    return pr.event("closed", hours)


def _org() -> MirrorBuilder:
    b = MirrorBuilder(
        teams={
            "web": ["alice", "bob", "mia"],
            "data": ["dana", "dave"],
            "ops": ["olga", "mia"],
            "security": ["sam"],
        },
        as_of=AS_OF,
    )
    b.files[("web", ".github/CODEOWNERS")] = WEB_CODEOWNERS
    b.files[("api", "CODEOWNERS")] = API_CODEOWNERS

    def pull(repo: str, author: str, opened: float, files: list[str]) -> Pull:
        pr = b.pull(repo, author, opened)
        pr.files = files
        return pr

    # the previous window
    _merged(
        pull("web", "alice", 10, ["db/p.sql"]).request(10, reviewer="dana").review("dana", 15),
        16 + 2 / 60,
    )
    _merged(
        pull("web", "bob", 30, ["src/p.py"])
        .request(30, reviewer="alice")
        .request(30.5, reviewer="sam")
        .request(31, reviewer="sam", removed=True)
        .review("alice", 32),
        33,
    )
    _merged(
        pull("api", "dana", 50, ["src/q.py"]).request(50, reviewer="dave").review("dave", 51), 52
    )
    # the window
    _merged(
        pull("web", "alice", 172, ["db/a.sql"]).request(172, reviewer="dana").review("dana", 179),
        180,
    )
    _merged(
        pull("web", "bob", 174, ["db/b.sql", "src/b.py"])
        .request(174, team_slug="data")
        .review("dave", 177),
        178,
    )
    _merged(
        pull("web", "alice", 176, ["db/c.sql", "deploy/c.yaml"])
        .request(176, reviewer="dana")
        .review("olga", 186)
        .review("dana", 188),
        190,
    )
    _merged(
        pull("web", "mia", 200, ["db/m.sql"]).request(200, reviewer="dana").review("dana", 205), 206
    )
    pull("web", "alice", 241, ["auth/login.py"]).request(241, reviewer="sam")
    _merged(pull("web", "renovate[bot]", 300, ["vendor/lib.js"]), 301)
    everywhere = ["db/{}.sql", "deploy/{}.yaml", "auth/{}.py", "src/{}.py"]
    _merged(
        pull("web", "dana", 180, [f.format("d") for f in everywhere])
        .review("olga", 182)
        .review("sam", 184)
        .review("bob", 186),
        190,
    )
    _merged(pull("web", "erin", 212, [f.format("e") for f in everywhere]), 214, merged=False)
    pull("api", "alice", 336, ["infra/main.tf"]).request(336, team_slug="ops")
    pull("api", "dave", 264, ["src/main.py"])
    return b


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The org above imported once into tmp/w.duckdb; returns tmp."""
    tmp = tmp_path_factory.mktemp("sections")
    mirror = _org().write(tmp / "mirror")
    out = miner("--db", "w.duckdb", "import", str(mirror), cwd=tmp)
    assert out.returncode == 0, out.stderr
    return tmp


def run(warehouse: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return miner("--db", "w.duckdb", *args, cwd=warehouse)


def query(
    warehouse: Path, name: str, window: tuple[str, str] | None = WINDOW, **params: str
) -> list[dict[str, Any]]:
    """Named query NAME as JSON rows, for org acme (and the window, if the query takes one)."""
    args = ["query", name, "--param", "org=acme"]
    if window is not None:
        args += ["--param", f"since={window[0]}", "--param", f"until={window[1]}"]
    for key, value in params.items():
        args += ["--param", f"{key}={value}"]
    out = run(warehouse, *args, "--format", "json")
    assert out.returncode == 0, out.stderr
    rows: list[dict[str, Any]] = json.loads(out.stdout)
    return rows


def report(warehouse: Path, *args: str) -> dict[str, Any]:
    out = run(warehouse, "report", "--org", "acme", "--since", "7d", "--format", "json", *args)
    assert out.returncode == 0, out.stderr
    data: dict[str, Any] = json.loads(out.stdout)
    return data


def pairs(
    rows: list[dict[str, Any]],
) -> list[tuple[str, str, int, float | None, float | None, int]]:
    return [
        (r["author_team"], r["approver_team"], r["approved"], r["median_hours"], r["p90_hours"],
         r["waiting"])
        for r in rows
    ]  # fmt: skip


def buckets(rows: list[dict[str, Any]]) -> list[tuple[str, int, int, float | None, float | None]]:
    """(handoffs, prs, merged, median, p90); the shares are checked apart."""
    return [
        (r["handoffs"], r["prs"], r["merged"], r["median_cycle_hours"], r["p90_cycle_hours"])
        for r in rows
    ]


def breaches(rows: list[dict[str, Any]]) -> list[tuple[str, int, str, str, float, float, float]]:
    return [
        (r["repo"], r["pr_number"], r["kind"], r["waiting_on"], r["waited_business_hours"],
         r["sla_business_hours"], r["over_business_hours"])
        for r in rows
    ]  # fmt: skip


# approval_latency_by_team_pair ------------------------------------------------------------------

# Cross-team approvals whose wait started in the window, by (author team, approving team):
# * data → ops, security, web: web#9 (dana) asks nobody: the code owners wait from ready at
#   180,: olga 182 (2 h),
#   sam 184 (4 h), bob 186 (6 h)
# * ops → data: mia (ops and web) asks dana at 200, approved 205: 5 h (mia counts for both teams)
# * unassigned → data, ops, security, web: erin's web#10 needs all four, closed at 214 before any
#   approval: 'unapproved', neither approved nor waiting, so each pair reads 0, –, –, 0
# * web → data: web#3 7 h (172 → 179), web#4 3 h (team data asked 174, dave 177), web#5 12 h
#   (176 → 188), web#6 5 h (mia) → [3, 5, 7, 12]: median 6.0, p90 at rank 0.9 × 3 = 2.7:
#   7 + 0.7 × (12 − 7) = 10.5
# * web → ops: web#5 olga as code owner 176 → 186: 10 h; api#2 asks team ops at 336: waiting
# * web → security: web#7 asks sam at 241, nobody answers: waiting
# bob's PR web#4 also needs web (its src/) and dave's api#3 data: the author's own teams, left out.
WINDOW_PAIRS: list[tuple[Any, ...]] = [
    ("data", "ops", 1, 2.0, 2.0, 0),
    ("data", "security", 1, 4.0, 4.0, 0),
    ("data", "web", 1, 6.0, 6.0, 0),
    ("ops", "data", 1, 5.0, 5.0, 0),
    ("unassigned", "data", 0, None, None, 0),
    ("unassigned", "ops", 0, None, None, 0),
    ("unassigned", "security", 0, None, None, 0),
    ("unassigned", "web", 0, None, None, 0),
    ("web", "data", 4, 6.0, pytest.approx(10.5), 0),
    ("web", "ops", 1, 10.0, 10.0, 1),
    ("web", "security", 0, None, None, 1),
]


def test_approval_latency_by_team_pair_in_the_window(warehouse: Path) -> None:
    assert pairs(query(warehouse, "approval_latency_by_team_pair")) == WINDOW_PAIRS


def test_approval_latency_by_team_pair_in_the_previous_window(warehouse: Path) -> None:
    # only web#1: alice (web) asks dana (data) at 10, approved at 15; web#2's approval is web's
    # own (alice) and sam's request to web#2 was withdrawn, so security's approval is not needed
    rows = query(warehouse, "approval_latency_by_team_pair", PREVIOUS)
    assert pairs(rows) == [("web", "data", 1, 5.0, 5.0, 0)]


def test_approval_latency_by_team_pair_for_one_team_keeps_all_pairs_of_its_prs(
    warehouse: Path,
) -> None:
    # ops took part in web#5 (code owner), web#6 (mia, the author, is in ops), web#9 and web#10
    # (code owner) and api#2 (team asked). Every cross-team pair of those PRs stays, ops's or not:
    # web → data now has web#5's 12 h and web#6's 5 h: median 8.5, p90 5 + 0.9 × 7 = 11.3
    rows = query(warehouse, "approval_latency_by_team_pair", team="ops")
    assert pairs(rows) == [
        ("data", "ops", 1, 2.0, 2.0, 0),
        ("data", "security", 1, 4.0, 4.0, 0),
        ("data", "web", 1, 6.0, 6.0, 0),
        ("ops", "data", 1, 5.0, 5.0, 0),
        ("unassigned", "data", 0, None, None, 0),
        ("unassigned", "ops", 0, None, None, 0),
        ("unassigned", "security", 0, None, None, 0),
        ("unassigned", "web", 0, None, None, 0),
        ("web", "data", 2, 8.5, pytest.approx(11.3), 0),
        ("web", "ops", 1, 10.0, 10.0, 1),
    ]


def test_approval_latency_by_team_pair_for_one_repo(warehouse: Path) -> None:
    # api's only cross-team wait in the window: api#2, team ops asked at 336, still waiting
    rows = query(warehouse, "approval_latency_by_team_pair", repo="acme/api")
    assert pairs(rows) == [("web", "ops", 0, None, None, 1)]


# ownership_handoffs_per_pr ----------------------------------------------------------------------

# PRs opened in the window by the number of other teams owning their files (bots left out):
# * 0: api#3 (dave, data's own src/), open → 1 PR, none merged, no cycle. renovate[bot]'s web#8
#   (vendor/, nobody's) would be a second, but bots are left out
# * 1: web#3 (data; 172 → 180: 8 h), web#4 (data and bob's own web: 174 → 178: 4 h), web#6 (mia:
#   200 → 206: 6 h), web#7 (security, open), api#2 (ops, open) → 5 PRs, 3 merged, cycles
#   [4, 6, 8]: median 6.0, p75 at rank 1.5: 6 + 0.5 × 2 = 7.0, p90 at rank 1.8: 6 + 0.8 × 2 = 7.6
# * 2: web#5 (data, ops; 176 → 190) → 1 PR, 14 h
# * 3+: web#9 (dana: ops, security, web; 180 → 190: 10 h) and web#10 (erin: all four, closed
#   unmerged) → 2 PRs, 1 merged, 10 h
# 9 PRs in all: shares 1/9, 5/9, 1/9, 2/9
WINDOW_BUCKETS: list[tuple[Any, ...]] = [
    ("0", 1, 0, None, None),
    ("1", 5, 3, 6.0, pytest.approx(7.6)),
    ("2", 1, 1, 14.0, 14.0),
    ("3+", 2, 1, 10.0, 10.0),
]
# the previous window: web#2 (bob, web's own src/: 30 → 33: 3 h) and api#1 (dana, data's own:
# 50 → 52: 2 h) have none → median 2.5, p90 2 + 0.9 × 1 = 2.9; web#1 (alice, data's db/:
# 10 → 16 h 02 m) one → 6.0333 h
PREVIOUS_BUCKETS: list[tuple[Any, ...]] = [
    ("0", 2, 2, 2.5, pytest.approx(2.9)),
    ("1", 1, 1, pytest.approx(6 + 2 / 60), pytest.approx(6 + 2 / 60)),
]


def test_ownership_handoffs_per_pr_in_the_window(warehouse: Path) -> None:
    rows = query(warehouse, "ownership_handoffs_per_pr")
    assert buckets(rows) == WINDOW_BUCKETS
    assert [r["p75_cycle_hours"] for r in rows] == [None, 7.0, 14.0, 10.0]
    assert [r["share"] for r in rows] == pytest.approx([1 / 9, 5 / 9, 1 / 9, 2 / 9])


def test_ownership_handoffs_per_pr_in_the_previous_window(warehouse: Path) -> None:
    rows = query(warehouse, "ownership_handoffs_per_pr", PREVIOUS)
    assert buckets(rows) == PREVIOUS_BUCKETS
    assert [r["share"] for r in rows] == pytest.approx([2 / 3, 1 / 3])


def test_ownership_handoffs_per_pr_for_a_repo_and_a_team(warehouse: Path) -> None:
    # api in the window: api#3 none (open), api#2 one (open)
    api = query(warehouse, "ownership_handoffs_per_pr", repo="acme/api")
    assert buckets(api) == [("0", 1, 0, None, None), ("1", 1, 0, None, None)]
    assert [r["share"] for r in api] == [0.5, 0.5]
    # data took part in web#3-6 (code owner), web#9 (dana's own), web#10 (code owner) and api#3
    # (dave's): 0 → api#3; 1 → web#3, web#4, web#6 (8, 4, 6 h); 2 → web#5; 3+ → web#9, web#10.
    # Not web#7 (security's) nor api#2 (ops's), both alice's
    data = query(warehouse, "ownership_handoffs_per_pr", team="data")
    assert buckets(data) == [
        ("0", 1, 0, None, None),
        ("1", 3, 3, 6.0, pytest.approx(7.6)),
        ("2", 1, 1, 14.0, 14.0),
        ("3+", 2, 1, 10.0, 10.0),
    ]


# sla_breaches_now -------------------------------------------------------------------------------

# Waits open at as_of (Monday 13:00), in business hours (Mon-Fri 09:00-17:00 UTC):
# * web#7: sam asked Thursday 10:00: Thu 7 + Fri 8 + Mon 4 = 19 > 8 → 11 over; security's
#   approval (cross-team for alice) waits as long: 19 > 16 → 3 over
# * api#3: nobody asked, ready Friday 09:00: Fri 8 + Mon 4 = 12 > 8 → 4 over
# * api#2: team ops asked Monday 09:00: 4 business hours, under both levels: no breach
# Furthest over first.
BREACHES = [
    ("acme/web", 7, "review", "sam", 19.0, 8.0, 11.0),
    ("acme/api", 3, "review", "(nobody asked)", 12.0, 8.0, 4.0),
    ("acme/web", 7, "approval", "@security", 19.0, 16.0, 3.0),
]


def test_sla_breaches_now(warehouse: Path) -> None:
    rows = query(warehouse, "sla_breaches_now", None, limit="10")
    assert breaches(rows) == BREACHES
    assert [r["html_url"] for r in rows] == [
        "https://github.com/acme/web/pull/7",
        "https://github.com/acme/api/pull/3",
        "https://github.com/acme/web/pull/7",
    ]
    assert [r["title"] for r in rows] == ["Change"] * 3


def test_sla_breaches_now_limit_repo_and_team(warehouse: Path) -> None:
    assert breaches(query(warehouse, "sla_breaches_now", None, limit="2")) == BREACHES[:2]
    # by repo, in ORG/NAME form as the warehouse stores it
    assert breaches(query(warehouse, "sla_breaches_now", None, limit="10", repo="acme/api")) == [
        BREACHES[1]
    ]
    # security took part in web#7 only of the PRs that breach; data (dave) in api#3 only
    assert breaches(query(warehouse, "sla_breaches_now", None, limit="10", team="security")) == [
        BREACHES[0],
        BREACHES[2],
    ]
    assert breaches(query(warehouse, "sla_breaches_now", None, limit="10", team="data")) == [
        BREACHES[1]
    ]
    # web (alice) authored web#7; ops took part in none of the breaching PRs
    assert len(query(warehouse, "sla_breaches_now", None, limit="10", team="web")) == 2
    assert query(warehouse, "sla_breaches_now", None, limit="10", team="ops") == []
    # a repo may be named without its org, as `miner report --repo` takes it
    assert breaches(query(warehouse, "sla_breaches_now", None, limit="10", repo="api")) == [
        BREACHES[1]
    ]
    # team names compare without case, as GitHub's slugs do
    upper = query(warehouse, "sla_breaches_now", None, limit="10", team="Security")
    assert breaches(upper) == [BREACHES[0], BREACHES[2]]


# miner report --team --repo ---------------------------------------------------------------------


def test_report_json_whole_org_has_each_new_section_with_its_previous_window(
    warehouse: Path,
) -> None:
    data = report(warehouse)
    assert data["schema"] == "miner.report/5"
    assert data["scope"] == {"team": None, "repo": None}
    assert data["as_of"] == "2026-03-16T13:00:00+00:00"
    # web#3 opens at exactly T0 + 172 h, the window's first instant: it counts in the window and
    # not in the previous one (which ends there, exclusive)
    assert data["window"] == {
        "from": "2026-03-09T13:00:00+00:00",
        "to": "2026-03-16T13:00:00+00:00",
    }
    assert data["previous_window"] == {
        "from": "2026-03-02T13:00:00+00:00",
        "to": "2026-03-09T13:00:00+00:00",
    }
    sections = data["sections"]
    pair = sections["approval_latency_by_team_pair"]
    assert pair["title"] == "Cross-team approval latency by team pair: median hours (approvals)"
    assert pairs(pair["rows"]) == WINDOW_PAIRS
    assert pairs(pair["previous"]) == [("web", "data", 1, 5.0, 5.0, 0)]
    handoffs = sections["ownership_handoffs_per_pr"]
    assert handoffs["title"].startswith("Ownership handoffs per PR")
    assert buckets(handoffs["rows"]) == WINDOW_BUCKETS
    assert buckets(handoffs["previous"]) == PREVIOUS_BUCKETS
    sla = sections["sla_breaches_now"]
    assert sla["title"] == "Over the service level now (business hours)"
    assert breaches(sla["rows"]) == BREACHES
    assert "previous" not in sla  # the state at as_of: no window, no previous window


def test_report_json_for_a_team_and_a_repo(warehouse: Path) -> None:
    # "@acme/Security" and "WEB" name security and acme/web: slugs compare without case
    data = report(warehouse, "--team", "@acme/Security", "--repo", "WEB")
    assert data["scope"] == {"team": "security", "repo": "acme/web"}
    sections = data["sections"]
    # security took part in web#7 (asked, code owner), web#9 and web#10 (code owner) in the
    # window, and in web#2 before it (sam asked, then withdrawn: a reviewer all the same)
    assert pairs(sections["approval_latency_by_team_pair"]["rows"]) == [
        ("data", "ops", 1, 2.0, 2.0, 0),
        ("data", "security", 1, 4.0, 4.0, 0),
        ("data", "web", 1, 6.0, 6.0, 0),
        ("unassigned", "data", 0, None, None, 0),
        ("unassigned", "ops", 0, None, None, 0),
        ("unassigned", "security", 0, None, None, 0),
        ("unassigned", "web", 0, None, None, 0),
        ("web", "security", 0, None, None, 1),
    ]
    # web#2 needed no cross-team approval (sam's request withdrawn)
    assert sections["approval_latency_by_team_pair"]["previous"] == []
    handoffs = sections["ownership_handoffs_per_pr"]
    # 1 → web#7 (open); 3+ → web#9 (10 h) and web#10 (closed unmerged); before: web#2, 3 h
    assert buckets(handoffs["rows"]) == [("1", 1, 0, None, None), ("3+", 2, 1, 10.0, 10.0)]
    assert [r["share"] for r in handoffs["rows"]] == pytest.approx([1 / 3, 2 / 3])
    assert buckets(handoffs["previous"]) == [("0", 1, 1, 3.0, 3.0)]
    assert [r["share"] for r in handoffs["previous"]] == [1.0]
    # api#3's breach is neither in web nor security's
    assert breaches(sections["sla_breaches_now"]["rows"]) == [BREACHES[0], BREACHES[2]]


def test_report_json_for_a_repo_alone(warehouse: Path) -> None:
    data = report(warehouse, "--repo", "acme/api")
    assert data["scope"] == {"team": None, "repo": "acme/api"}
    sections = data["sections"]
    assert pairs(sections["approval_latency_by_team_pair"]["rows"]) == [
        ("web", "ops", 0, None, None, 1)
    ]
    assert buckets(sections["ownership_handoffs_per_pr"]["rows"]) == [
        ("0", 1, 0, None, None),
        ("1", 1, 0, None, None),
    ]
    # api#1 (dana, data's own, 2 h) before
    assert buckets(sections["ownership_handoffs_per_pr"]["previous"]) == [("0", 1, 1, 2.0, 2.0)]
    assert breaches(sections["sla_breaches_now"]["rows"]) == [BREACHES[1]]


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        (
            "--team",
            "Nope",
            "Error: --team 'nope': no team of that name in acme "
            "(teams there: data, ops, security, unassigned, web)",
        ),
        (
            "--repo",
            "nope",
            "Error: --repo 'acme/nope': no repo of that name in acme "
            "(repos there: acme/api, acme/web)",
        ),
        (
            "--repo",
            "globex/web",
            "Error: --repo 'globex/web': no repo of that name in acme "
            "(repos there: acme/api, acme/web)",
        ),
    ],
)
def test_report_unknown_team_or_repo_is_one_line_with_exit_code_2(
    warehouse: Path, flag: str, value: str, message: str
) -> None:
    out = run(warehouse, "report", "--org", "acme", flag, value, "--format", "json")
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.strip().splitlines() == [message]


def test_report_team_named_in_the_config_with_capitals(tmp_path: Path) -> None:
    """A team only the config names, as "Platform": --team Platform finds it (the config's team
    names are read lower case, as GitHub's slugs are, and --team compares without case)."""
    b = MirrorBuilder(teams={"web": ["alice"]}, as_of=AS_OF)
    b.pull("web", "pat", 172).request(172, reviewer="alice").review("alice", 175)
    mirror = b.write(tmp_path / "mirror")
    (tmp_path / "miner.toml").write_text('[teams]\nPlatform = ["pat"]\n', encoding="utf-8")
    base = ("--config", "miner.toml", "--db", "w.duckdb")
    assert miner(*base, "import", str(mirror), cwd=tmp_path).returncode == 0
    out = miner(*base, "report", "--org", "acme", "--team", "Platform", "--format", "json",
                cwd=tmp_path)  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["scope"] == {"team": "platform", "repo": None}
    # pat's one PR, opened at 172 (the window's first instant), still open; with no CODEOWNERS
    # no team owns its files: 0 handoffs
    assert buckets(data["sections"]["ownership_handoffs_per_pr"]["rows"]) == [
        ("0", 1, 0, None, None)
    ]


def test_report_of_a_team_and_a_repo_with_no_pr_yet_is_empty_not_an_error(tmp_path: Path) -> None:
    """A new team (in the config, or on GitHub) and a new repo have no PR yet: their weekly
    report job gets an empty report, not a usage error."""
    b = MirrorBuilder(teams={"web": ["alice"], "infra": ["olga"]}, as_of=AS_OF)
    b.pull("web", "pat", 172).request(172, reviewer="alice").review("alice", 175)
    b.pulls["docs"] = []  # synced, no PR
    mirror = b.write(tmp_path / "mirror")
    (tmp_path / "miner.toml").write_text('[teams]\nnewcomers = ["zoe"]\n', encoding="utf-8")
    base = ("--config", "miner.toml", "--db", "w.duckdb")
    assert miner(*base, "import", str(mirror), cwd=tmp_path).returncode == 0
    for flag, value in (("--team", "newcomers"), ("--team", "infra"), ("--repo", "docs")):
        out = miner(*base, "report", "--org", "acme", flag, value, "--format", "json",
                    cwd=tmp_path)  # fmt: skip
        assert out.returncode == 0, (value, out.stderr)
        sections = json.loads(out.stdout)["sections"]
        assert sections["review_wait_summary"]["rows"][0]["reviewed"] == 0, value
        assert sections["ownership_handoffs_per_pr"]["rows"] == [], value


# changes against the previous window, in Markdown ----------------------------------------------


def _md_block(text: str, title: str) -> list[str]:
    """The lines under `## title` up to the next heading, blank lines left out."""
    body = text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    return [line for line in body.splitlines() if line.strip()]


def test_markdown_report_writes_each_change_against_the_previous_window(warehouse: Path) -> None:
    out = run(warehouse, "report", "--org", "acme", "--since", "7d", "--format", "md")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "Changes in brackets are against 2026-03-02 13:00 → 2026-03-09 13:00 UTC" in text
    handoffs = _md_block(
        text, "Ownership handoffs per PR: other teams owning its files (PRs opened in the window)"
    )
    # PRs and median cycle carry their change (WINDOW_BUCKETS against PREVIOUS_BUCKETS):
    # 0: 1 PR against 2 → −1; no merged PR, so no median and no change
    # 1: 5 against 1 → +4; median 6.0 against 6.033 → −0.033, which rounds to 0.0: "+0.0"
    # 2 and 3+: nothing before → "new"
    # shares 1/9 = 11%, 5/9 = 56%, 2/9 = 22%
    assert handoffs == [
        "| handoffs | PRs | share | merged | median cycle h | p75 cycle h | p90 cycle h |",
        "|---|---:|---:|---:|---:|---:|---:|",
        "| 0 | 1 (−1) | 11% | 0 | – | – | – |",
        "| 1 | 5 (+4) | 56% | 3 | 6.0 (+0.0) | 7.0 | 7.6 |",
        "| 2 | 1 (new) | 11% | 1 | 14.0 (new) | 14.0 | 14.0 |",
        "| 3+ | 2 (new) | 22% | 1 | 10.0 (new) | 10.0 | 10.0 |",
    ]
    assert "−0" not in text
    # the team-pair matrix: median (approvals[, waiting]); erin's unassigned pairs (all 0) hidden
    matrix = _md_block(text, "Cross-team approval latency by team pair: median hours (approvals)")
    assert matrix[1:] == [
        "| author team ↓ | data | ops | security | web |",
        "|---|---:|---:|---:|---:|",
        "| data |  | 2.0 (1) | 4.0 (1) | 6.0 (1) |",
        "| ops | 5.0 (1) |  |  |  |",
        "| web | 6.0 (4) | 10.0 (1, 1w) | – (0, 1w) |  |",
    ]
    sla = _md_block(text, "Over the service level now (business hours)")
    assert sla == [
        "| PR | waiting for | waiting on | waited | SLA | over |",
        "|---|---|---|---:|---:|---:|",
        "| [web\\#7](https://github.com/acme/web/pull/7) | review | sam | 19.0 | 8.0 | 11.0 |",
        "| [api\\#3](https://github.com/acme/api/pull/3) | review | (nobody asked) | 12.0 | 8.0 "
        "| 4.0 |",
        "| [web\\#7](https://github.com/acme/web/pull/7) | approval | @\u2060security | 19.0 "
        "| 16.0 | 3.0 |",
    ]


# review_wait_by_week ----------------------------------------------------------------------------

# `--since 7d` runs from T0 + 172 h (Monday 2026-03-09 13:00) to as_of, T0 + 340 h (Monday
# 2026-03-16 13:00): its weeks are T0 + 172 h to Monday 2026-03-16 00:00 (T0 + 327 h) and that
# Monday to as_of, both cut to the window. Answered in the first: dana for alice 172 -> 179 (7 h),
# @data for bob 174 -> 177 (3 h, dave), dana for alice 176 -> 188 (12 h; olga's review at 186
# answers no one asked), dana for mia 200 -> 205 (5 h), and dana's PR of 180, nobody asked,
# answered by olga at 182 (2 h): 2, 3, 5, 7, 12 h: median 5, p75 7, p90 7 + 0.6 * 5 = 10. Waiting
# at T0 + 327 h: sam for alice's PR of 241, and dave's PR of 264 (nobody asked); at as_of also
# @ops for alice's api PR of 336. The bot's PR and erin's ended unanswered before that week's end.
BY_WEEK = [
    ("2026-03-09 (part)", "2026-03-09T13:00:00+00:00", "2026-03-16T00:00:00+00:00", 5, 5.0, 7.0,
     10.0, 2),
    ("2026-03-16 (part)", "2026-03-16T00:00:00+00:00", "2026-03-16T13:00:00+00:00", 0, None,
     None, None, 3),
]  # fmt: skip


def _weeks(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    keys = ("week", "week_from", "week_to", "answered", "median_hours", "p75_hours", "p90_hours",
            "waiting_at_end")  # fmt: skip
    return [tuple(r[k] for k in keys) for r in rows]


def test_review_wait_by_week_answers_each_week_and_the_queue_at_its_end(warehouse: Path) -> None:
    data = report(warehouse)
    entry = data["sections"]["review_wait_by_week"]
    assert _weeks(entry["rows"]) == BY_WEEK
    # the last week of a window ending at as_of waits as the summary's `waiting now` says
    assert data["sections"]["review_wait_summary"]["rows"][0]["waiting"] == BY_WEEK[-1][-1]
    # the previous window, T0 + 4 h to T0 + 172 h: Monday 2026-03-02 13:00 to Monday 2026-03-09
    # 00:00 (T0 + 159 h), then to 13:00. Answered in the first: dana 10 -> 15 (5 h), alice 30 ->
    # 32 (2 h; sam's request of 30.5 withdrawn at 31 is answered by nobody), dave 50 -> 51 (1 h):
    # median 2, p75 2 + 0.5 * 3 = 3.5, p90 2 + 0.8 * 3 = 4.4; nothing waits at either end
    assert _weeks(entry["previous"]) == [
        ("2026-03-02 (part)", "2026-03-02T13:00:00+00:00", "2026-03-09T00:00:00+00:00", 3, 2.0,
         3.5, 4.4, 0),
        ("2026-03-09 (part)", "2026-03-09T00:00:00+00:00", "2026-03-09T13:00:00+00:00", 0, None,
         None, None, 0),
    ]  # fmt: skip
    # the api repo alone: nothing answered; dave's PR of 264 waits at the first week's end,
    # alice's of 336 too at as_of
    rows = report(warehouse, "--repo", "api")["sections"]["review_wait_by_week"]["rows"]
    assert [(r["answered"], r["waiting_at_end"]) for r in rows] == [(0, 1), (0, 2)]


def test_review_wait_by_week_takes_mondays_in_utc_whatever_the_sessions_time_zone(
    warehouse: Path,
) -> None:
    """Someone running the report's SQL in their own DuckDB session, set to Tokyo's time, gets
    the same weeks: Monday 00:00 UTC is Monday 09:00 there."""
    from datetime import UTC, datetime

    from miner.reports.data import run_report_query
    from miner.warehouse import Warehouse

    with Warehouse.open(warehouse / "w.duckdb") as wh:
        wh.con.execute("set timezone = 'Asia/Tokyo'")
        rows = run_report_query(
            wh,
            "review_wait_by_week",
            {
                "org": "acme",
                "team": None,
                "repo": None,
                "since": datetime(2026, 3, 9, 13, tzinfo=UTC),
                "until": datetime(2026, 3, 16, 13, tzinfo=UTC),
            },
        )
    assert [(r["week"], r["week_to"].astimezone(UTC), r["answered"]) for r in rows] == [
        ("2026-03-09 (part)", datetime(2026, 3, 16, tzinfo=UTC), 5),
        ("2026-03-16 (part)", datetime(2026, 3, 16, 13, tzinfo=UTC), 0),
    ]


def test_review_wait_by_week_counts_a_draft_answered_a_week_before_it_became_ready(
    tmp_path: Path,
) -> None:
    """bob, asked for a review of alice's draft at T0 + 1 h (Monday 2026-03-02 10:00), reviews
    it at T0 + 2 h; it becomes ready at T0 + 170 h (Monday 2026-03-09 11:00), the week after.
    review_wait reads his answer as given at T0 + 2 h, a wait of 0 hours (ended_at before
    start_at): it is an answer of the first week. It counted in no week, as the week's episodes
    were those started before the week's end."""
    from datetime import UTC, datetime

    from miner.config import Config
    from miner.reports.data import run_report_query
    from miner.sync import import_mirror
    from miner.warehouse import Warehouse

    b = MirrorBuilder(teams={"web": ["alice", "bob"]}, as_of=200)
    b.pull("web", "alice", 0).request(1, reviewer="bob").review("bob", 2, "COMMENTED").event(
        "ready_for_review", 170
    )
    root = b.write(tmp_path / "mirror")
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        import_mirror(wh, Config(), root)
        rows = run_report_query(
            wh,
            "review_wait_by_week",
            {
                "org": "acme",
                "team": None,
                "repo": None,
                "since": datetime(2026, 3, 2, tzinfo=UTC),
                "until": datetime(2026, 3, 16, tzinfo=UTC),
            },
        )
    assert [(r["week"], r["answered"], r["median_hours"], r["waiting_at_end"]) for r in rows] == [
        ("2026-03-02", 1, 0.0, 0),
        ("2026-03-09", 0, None, 0),
    ]


def test_time_in_court_says_how_to_read_flow_efficiency_under_its_table_in_every_format(
    warehouse: Path, tmp_path: Path
) -> None:
    """A median PR's flow efficiency of 0% reads as a fault unless the report says what the
    courts are: the note stands under the time-in-court table (and under no other)."""
    title = "Where the time goes: PRs that ended in the window, hours per court"
    said = "Only the author's court is work on the PR; every other court is waiting"
    md = run(warehouse, "report", "--org", "acme", "--since", "7d", "--format", "md")
    assert md.returncode == 0, md.stderr
    block = _md_block(md.stdout, title)
    assert block[0].startswith("| court |")
    assert block[-1].startswith(said) and "median PR's share" in block[-1]
    assert md.stdout.count(said) == 1
    text = run(warehouse, "report", "--org", "acme", "--since", "7d")
    assert text.returncode == 0, text.stderr
    flat = " ".join(text.stdout.split())
    after = flat.split(title, 1)[1]
    assert after.index(said) < after.index("Review wait by team waited on")
    assert flat.count(said) == 1
    out = tmp_path / "r.html"
    html = run(warehouse, "report", "--org", "acme", "--since", "7d", "--out", str(out))
    assert html.returncode == 0, html.stderr
    page = out.read_text(encoding="utf-8")
    court = page.split('<section id="time_in_court">', 1)[1].split("</section>", 1)[0]
    escaped = said.replace("'", "&#x27;")
    assert court.index("</table>") < court.index(f'<p class="lede">{escaped}')
    assert page.count(escaped) == 1


def _courts(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    keys = ("author_share", "reviewers_share", "ci_share", "merge_share", "deploy_share",
            "median_waiting_hours", "p75_waiting_hours", "p90_waiting_hours")  # fmt: skip
    return [(r["team"], r["prs"], *(pytest.approx(r[k]) for k in keys), r["waiting"]) for r in rows]


def test_time_in_court_by_team_splits_each_author_teams_hours_by_court(
    warehouse: Path, tmp_path: Path
) -> None:
    """By hand, with no CI and no deploys (author, ci and deploy courts 0 throughout: every PR is
    asked for review the moment it opens, and none has changes requested). The PRs that ended in
    the window, [172, 340): web#3 (alice) reviewers 172-179, merge to 180; web#4 (bob) reviewers
    174-177, merge to 178; web#5 (alice) reviewers 176-188 (dana's request is open, olga's
    approval at 186 notwithstanding), merge to 190; web#6 (mia, web and ops) reviewers 200-205,
    merge to 206; web#9 (dana) its implicit episode 180-182 (olga approves), merge to 190; web#10
    (erin, no team) its implicit episode 212-214, closed unanswered. web#8 (renovate[bot]) is no
    team's. So web: reviewers 7+3+12+5 = 27, merge 1+1+2+1 = 5 of 32 h, its PRs waiting 8, 4, 14
    and 6 h (median 7, p75 8 + 0.25 * 6 = 9.5, p90 8 + 0.7 * 6 = 12.2); ops (web#6): 5 and 1 of
    6; data (web#9): 2 and 8 of 10; unassigned (web#10): 2 of 2. The previous window, [4, 172):
    web#1 (alice) reviewers 10-15, merge to 16 h 02 m; web#2 (bob) reviewers 30-32 (sam's request
    withdrawn at 31 inside alice's), merge to 33; api#1 (dana) reviewers 50-51, merge to 52. No
    PR waits for a deploy."""
    data = report(warehouse)
    section = data["sections"]["time_in_court_by_team"]
    # every author share is 0: the teams come by name
    assert _courts(section["rows"]) == [
        ("data", 1, 0.0, 0.2, 0.0, 0.8, 0.0, 10.0, 10.0, 10.0, 0),
        ("ops", 1, 0.0, 5 / 6, 0.0, 1 / 6, 0.0, 6.0, 6.0, 6.0, 0),
        ("unassigned", 1, 0.0, 1.0, 0.0, 0.0, 0.0, 2.0, 2.0, 2.0, 0),
        ("web", 4, 0.0, 27 / 32, 0.0, 5 / 32, 0.0, 7.0, 9.5, 12.2, 0),
    ]
    web1 = 5 + 1 + 2 / 60
    assert _courts(section["previous"]) == [
        ("data", 1, 0.0, 0.5, 0.0, 0.5, 0.0, 2.0, 2.0, 2.0, 0),
        ("web", 2, 0.0, 7 / (web1 + 3), 0.0, 1 - 7 / (web1 + 3), 0.0, (web1 + 3) / 2,
         3 + 0.75 * (web1 - 3), 3 + 0.9 * (web1 - 3), 0),
    ]  # fmt: skip
    # --team keeps the PRs the team took part in, each under its author's teams: ops owns
    # web#5's deploy/ (alice's), web#9's and web#10's, and mia authored web#6
    ops = report(warehouse, "--team", "ops")["sections"]["time_in_court_by_team"]["rows"]
    assert _courts(ops) == [
        ("data", 1, 0.0, 0.2, 0.0, 0.8, 0.0, 10.0, 10.0, 10.0, 0),
        ("ops", 1, 0.0, 5 / 6, 0.0, 1 / 6, 0.0, 6.0, 6.0, 6.0, 0),
        ("unassigned", 1, 0.0, 1.0, 0.0, 0.0, 0.0, 2.0, 2.0, 2.0, 0),
        ("web", 2, 0.0, 17 / 20, 0.0, 3 / 20, 0.0, 10.0, 6 + 0.75 * 8, 6 + 0.9 * 8, 0),
    ]
    # the Markdown table, the median wait with its change against the previous window (web's
    # 7.0 against (6.0333 + 3) / 2 = 4.5167)
    md = run(warehouse, "report", "--org", "acme", "--since", "7d", "--format", "md")
    assert md.returncode == 0, md.stderr
    block = _md_block(
        md.stdout, "Where the time goes by author team: share of its PRs' hours per court"
    )
    assert block[0] == (
        "| team | PRs | author | reviewers | ci | merge | deploy | median wait | p75 | p90 "
        "| waiting |"
    )
    assert "| web | 4 | 0% | 84% | 0% | 16% | 0% | 7.0 (+2.5) | 9.5 | 12.2 | 0 |" in block
    assert "| ops | 1 | 0% | 83% | 0% | 17% | 0% | 6.0 (new) | 6.0 | 6.0 | 0 |" in block
    # the HTML draws a bar per team, each court's part in its colour
    out = tmp_path / "r.html"
    html = run(warehouse, "report", "--org", "acme", "--since", "7d", "--out", str(out))
    assert html.returncode == 0, html.stderr
    page = out.read_text(encoding="utf-8")
    chart = page.split('<section id="time_in_court_by_team">', 1)[1].split("</table>", 1)[0]
    assert "<title>web, reviewers: 84%</title>" in chart
    assert "<title>data, merge: 80%</title>" in chart
    # the headline: no hour of the 7 PRs that ended (web#8, the bot's, among them) was the
    # author's, all were waiting
    assert "<b>100%</b><span>of the hours of 7 PRs ended spent waiting</span>" in page


# change_text and figure_cell ---------------------------------------------------------------------

HOURS = Column("median_hours", "median", "hours", change=True)
COUNT = Column("prs", "PRs", "count", change=True)
SHARE = Column("share", "share", "share", change=True)
PLAIN = Column("p90_hours", "p90", "hours")


@pytest.mark.parametrize(
    ("column", "now", "before", "expected"),
    [
        (HOURS, 5.0, 4.0, "+1.0"),
        (HOURS, 3.0, 5.5, "−2.5"),
        (HOURS, 5.0, None, "new"),
        (HOURS, None, 4.0, ""),
        (HOURS, None, None, ""),
        (HOURS, 6.0, 6.0, "+0.0"),
        # −0.04 and +0.04 both round to 0.0: no sign either way, never "−0.0"
        (HOURS, 6.0, 6.04, "+0.0"),
        (HOURS, 6.04, 6.0, "+0.0"),
        (HOURS, 6.0, 6.06, "−0.1"),
        (HOURS, 12.0, 2.0, "+10.0"),
        (HOURS, 2.0, 12.0, "−10.0"),
        (COUNT, 5, 1, "+4"),
        (COUNT, 1, 2, "−1"),
        (COUNT, 3, 3, "+0"),
        (COUNT, 3, None, "new"),
        (COUNT, 0, 10, "−10"),
        (COUNT, 0, 0, "+0"),
        # a row new in this window with a count of 0 is no news
        (COUNT, 0, None, ""),
        (COUNT, 1_234_567, 0, "+1,234,567"),
        (SHARE, 0.5, 0.25, "+25 pp"),
        (SHARE, 0.25, 0.5, "−25 pp"),
        (SHARE, 0.5, 0.504, "+0 pp"),
        (SHARE, 0.5, 0.5, "+0 pp"),
        (SHARE, 0.2, 0.3, "−10 pp"),
    ],
)
def test_change_text(column: Column, now: Any, before: Any, expected: str) -> None:
    assert change_text(column, now, before) == expected


@pytest.mark.parametrize(
    ("column", "row", "before", "expected"),
    [
        (HOURS, {"median_hours": 5.0}, {"median_hours": 4.0}, "5.0 (+1.0)"),
        (HOURS, {"median_hours": 5.0}, None, "5.0 (new)"),
        # the row was there before, but without this figure (no approvals then)
        (HOURS, {"median_hours": 5.0}, {"median_hours": None}, "5.0 (new)"),
        (HOURS, {"median_hours": 6.0}, {"median_hours": 6.04}, "6.0 (+0.0)"),
        (HOURS, {"median_hours": None}, {"median_hours": 4.0}, "–"),
        (HOURS, {}, None, "–"),
        (COUNT, {"prs": 3}, None, "3 (new)"),
        (COUNT, {"prs": 3}, {"prs": 3}, "3 (+0)"),
        (COUNT, {"prs": 1}, {"prs": 2}, "1 (−1)"),
        (COUNT, {"prs": 0}, {"prs": 0}, "0 (+0)"),
        (SHARE, {"share": 0.5}, {"share": 0.25}, "50% (+25 pp)"),
        # a column without a change is the figure alone, whatever came before
        (PLAIN, {"p90_hours": 7.46}, {"p90_hours": 1.0}, "7.5"),
        (PLAIN, {"p90_hours": 7.0}, None, "7.0"),
        (Column("team", "team"), {"team": "web"}, {"team": "data"}, "web"),
    ],
)
def test_cell_text(
    column: Column, row: dict[str, Any], before: dict[str, Any] | None, expected: str
) -> None:
    assert figure_cell(column, row, before).plain() == expected


def test_markdown_never_links_or_strikes_user_text_and_encodes_link_targets() -> None:
    from miner.reports.markdown import _target, md

    text = md("see https://evil.example/login and www.evil.example ~~gone~~")
    assert text == ("see https&#58;//evil.example/login and www&#46;evil.example \\~\\~gone\\~\\~")
    # no mention: a word joiner (U+2060) parts each @ from the name after it
    assert md("@security, cc @acme/web and bob@") == "@\u2060security, cc @\u2060acme/web and bob@"
    # a target that would end the link and start HTML is percent-encoded
    hostile = "https://github.com/acme/x/pull/1) <img src=x onerror=alert(2)> ("
    assert _target(hostile) == (
        "https://github.com/acme/x/pull/1%29%20%3Cimg%20src=x%20onerror=alert%282%29%3E%20%28"
    )


def test_mermaid_map_keeps_teams_whose_names_differ_only_in_punctuation_apart() -> None:
    from miner.reports.markdown import _mermaid

    rows = [
        {"author_team": "web-app", "owner_team": "web_app", "prs": 3},
        {"author_team": "web_app", "owner_team": "end", "prs": 1},
    ]
    assert _mermaid(rows) == [
        "```mermaid",
        "flowchart LR",
        '  t1["web-app"] -->|3 PRs| t2["web_app"]',
        '  t2["web_app"] -->|1 PR| t0["end"]',  # one PR, not "1 PRs"
        "```",
    ]


def test_work_stuck_now_counts_in_every_section_and_a_team_keeps_handoffs_it_took_part_in(
    tmp_path: Path,
) -> None:
    """app#1 (alice, web) changes data's file and has asked carol (data) since T0, before the
    window [2026-03-15, 2026-03-17): it waits now, so every per-team section counts it waiting,
    as the summary does. app#2 depends on lib#1 (carol's, merged at 10) and merges at 20; dave
    (ops) is asked on it and reviews: ops took part, so `--team ops` keeps the handoff (10 h)."""
    b = MirrorBuilder(teams={"web": ["alice"], "data": ["carol"], "ops": ["dave"]})
    b.files[("app", ".github/CODEOWNERS")] = "/db/ @acme/data\n"
    b.pull("app", "alice", 0, files=["db/x.sql"]).request(0, reviewer="carol")
    _merged(b.pull("lib", "carol", 1), 10)
    _merged(
        b.pull("app", "alice", 5, body="Depends on acme/lib#1", files=["src/a.py"])
        .request(5, reviewer="dave")
        .review("dave", 6),
        20,
    )
    # app#3 depends on lib#2 (merged at 30) and is open at as_of (336): a handoff waiting 306 h
    # since 2026-03-03 15:00, in no window that ended before then
    _merged(b.pull("lib", "carol", 25), 30)
    b.pull("app", "alice", 29, body="Depends on acme/lib#2", files=["src/b.py"]).request(
        31, reviewer="dave"
    ).review("dave", 32)
    out = miner("--db", "w.duckdb", "import", str(b.write(tmp_path / "mirror")), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    window = ("2026-03-15", "2026-03-17")
    by_team = query(tmp_path, "review_wait_by_team", window)
    assert [(r["team"], r["reviewed"], r["waiting"]) for r in by_team] == [("data", 0, 1)]
    approvals = query(tmp_path, "cross_team_approvals_by_team", window)
    assert [(r["team"], r["approved"], r["waiting"]) for r in approvals] == [("data", 0, 1)]
    matrix = query(tmp_path, "approval_latency_by_team_pair", window)
    assert [(r["author_team"], r["approver_team"], r["waiting"]) for r in matrix] == [
        ("web", "data", 1)
    ]
    (summary,) = query(tmp_path, "review_wait_summary", window)
    assert summary["waiting"] == 1
    handoffs = query(
        tmp_path, "slowest_cross_repo_handoffs", ("2026-03-01", "2026-03-17"), limit="10",
        team="ops",
    )  # fmt: skip
    assert [(r["upstream_pr"], r["downstream_pr"], r["hours"]) for r in handoffs] == [
        (2, 3, 306.0),
        (1, 2, 10.0),
    ]
    # a window ended before lib#2 merged: app#3's wait had not begun; app#2, merged after it,
    # was waiting at its end (2026-03-03 00:00) on lib#1, merged 5 h before (2026-03-02 19:00)
    early = ("2026-03-01", "2026-03-03")
    handoffs = query(tmp_path, "slowest_cross_repo_handoffs", early, limit="10", team="ops")
    assert [(r["upstream_pr"], r["downstream_pr"], r["status"], r["hours"])
            for r in handoffs] == [(1, 2, "downstream open", 5.0)]  # fmt: skip
    # a window no PR ended in has no row at all, flow efficiency included (so the window after
    # it reads every court as new, not the flow row as a change from 0)
    assert query(tmp_path, "time_in_court", ("2020-01-01", "2020-02-01")) == []
    assert [r["court"] for r in query(tmp_path, "time_in_court", ("2026-03-01", "2026-03-17"))] == [
        "author", "reviewers", "ci", "merge", "deploy", "flow efficiency"
    ]  # fmt: skip


def test_a_window_ends_at_the_last_sync_and_is_compared_with_as_long_before_it(
    warehouse: Path,
) -> None:
    """--to past as_of (2026-03-16 13:00): the window ends at as_of, so a month to date is
    compared with as many days before it (the 15 days 13 hours from 2026-03-01), not with a
    previous window as long as a whole month."""
    out = run(warehouse, "report", "--org", "acme", "--from", "2026-03-01", "--to", "2026-04-01",
              "--format", "json")  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["window"] == {
        "from": "2026-03-01T00:00:00+00:00",
        "to": "2026-03-16T13:00:00+00:00",
    }
    assert data["previous_window"] == {
        "from": "2026-02-13T11:00:00+00:00",
        "to": "2026-03-01T00:00:00+00:00",
    }
    # a window wholly after the data is none
    out = run(warehouse, "report", "--org", "acme", "--from", "2026-03-17", "--to", "2026-04-01")
    assert out.returncode == 2
    assert "--from 2026-03-17: after the last sync's data (2026-03-16 13:00Z)" in out.stderr
