"""The org snapshot's follow-up pages (the org's members, its teams, a team's members past the
first page) are made lighter when GitHub gives up on them, as its first pages are, and the
people and team memberships stored are whole."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from miner import org_snapshot
from miner.config import Config, GitHubConfig
from miner.errors import GitHubError
from miner.fixtures_server import FORBIDDEN, FixtureServer
from miner.github_client import GitHubClient
from miner.sample_payloads import RepoRef, deployment, deployment_status
from miner.sync import sync
from miner.warehouse import Warehouse
from tests.local_sync import sync_from
from tests.mirror_builder import T0, MirrorBuilder, user


def _users(first: int, past: int) -> list[str]:
    return [f"u{i:03d}" for i in range(first, past)]


# 104 teams: t000..t099 of one member each (u000..u099), all on the snapshot's first page of 100
# teams; then four large ones, which only an OrgTeamsPage brings. t102 is t103's child team, so
# t103 lists t102's members too (membership ALL, as REST lists them).
_TEAMS = {
    **{f"t{i:03d}": [f"u{i:03d}"] for i in range(100)},
    "t100": _users(100, 160),
    "t101": _users(110, 170),
    "t102": _users(140, 200),
    "t103": _users(0, 80),
}


def _mirror(root: Path) -> Path:
    b = MirrorBuilder(teams=_TEAMS, parents={"t102": "t103"})
    b.pull("app", "u000", 0)
    return b.write(root)


# Worked out by hand from _TEAMS: each team's members, t103 with its child t102's.
_MEMBERSHIPS = {
    **{f"t{i:03d}": {f"u{i:03d}"} for i in range(100)},
    "t100": set(_users(100, 160)),  # 60
    "t101": set(_users(110, 170)),  # 60
    "t102": set(_users(140, 200)),  # 60
    "t103": set(_users(0, 80)) | set(_users(140, 200)),  # 140: 100 with its team, 40 past
}


def _follow_ups(server: FixtureServer) -> list[tuple[str, int, bool]]:
    """Each follow-up page asked: (operation, pageSize, whether GitHub gave up on it)."""
    return [
        (r.query["operation"], int(r.query["pageSize"]), "errors" in r.query)
        for r in server.requests
        if r.query.get("operation") in ("OrgMembersPage", "OrgTeamsPage", "TeamMembersPage")
    ]


def _stored(wh: Warehouse) -> tuple[dict[str, set[str]], set[str]]:
    """The team memberships and the org's members the sync stored."""
    teams: dict[str, set[str]] = {}
    for slug, login in wh.query(
        "select parent, payload ->> 'login' from raw_team_members where org = 'acme'"
    ):
        teams.setdefault(slug, set()).add(login)
    members = {r[0] for r in wh.query("select payload ->> 'login' from raw_members")}
    return teams, members


def test_follow_up_pages_are_one_each_at_100_when_github_answers_them(tmp_path: Path) -> None:
    root = _mirror(tmp_path / "mirror")
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        sync_from(server, wh, token="t")
        teams, members = _stored(wh)
        asked = _follow_ups(server)
    assert teams == _MEMBERSHIPS
    assert members == set(_users(0, 200))
    # the members past the first 100; the 4 teams past the first 100; t103's 40 past its 100
    assert asked == [
        ("OrgMembersPage", 100, False),
        ("OrgTeamsPage", 100, False),
        ("TeamMembersPage", 100, False),
    ]


def test_follow_up_pages_github_gives_up_on_are_asked_again_lighter_and_nothing_is_lost(
    tmp_path: Path,
) -> None:
    """An org of many large teams: GitHub gives up on a page of 100 teams of 100 members (and
    on long pages of members): each is asked again with half as many, down to what it answers,
    and every member of every team is stored."""
    root = _mirror(tmp_path / "mirror")
    # nodes of an answer, at most: OrgTeamsPage's 4 teams past the first page with their
    # members (60, 60, 60, 100) are 284 nodes, 3 of them 183, 1 61 or 101; the 100 members
    # past the first page 100 (50 a page: 50); t103's 40 members past its first 100 are 40 (25
    # a page: 25, then 15)
    limits = {"OrgTeamsPage": 130, "OrgMembersPage": 60, "TeamMembersPage": 30}
    with (
        FixtureServer(root, graphql_time_limits=limits) as server,
        Warehouse.open(tmp_path / "w.duckdb") as wh,
    ):
        result = sync_from(server, wh, token="t")
        teams, members = _stored(wh)
        asked = _follow_ups(server)
    assert not result.failures, result.failures
    assert teams == _MEMBERSHIPS
    assert len(teams["t103"]) == 140
    assert members == set(_users(0, 200))
    # a page's first size is asked 4 times (a give-up is most often a blip), each lighter once
    gave_up = (True,) * 4
    assert asked == [
        # the 100 members past the first page: 50 a page answers, and stays
        *[("OrgMembersPage", 100, failed) for failed in gave_up],
        ("OrgMembersPage", 50, False),
        ("OrgMembersPage", 50, False),
        # t100..t103: halved, each lighter size once, 3 teams still too heavy (183 nodes); one
        # team a page answers, and stays for t101, t102 and t103
        *[("OrgTeamsPage", 100, failed) for failed in gave_up],
        ("OrgTeamsPage", 50, True),
        ("OrgTeamsPage", 25, True),
        ("OrgTeamsPage", 12, True),
        ("OrgTeamsPage", 6, True),
        ("OrgTeamsPage", 3, True),
        *[("OrgTeamsPage", 1, False)] * 4,
        # t103's 40 members past its first 100: 25, then 15
        *[("TeamMembersPage", 100, failed) for failed in gave_up],
        ("TeamMembersPage", 50, True),
        ("TeamMembersPage", 25, False),
        ("TeamMembersPage", 25, False),
    ]


def test_the_teams_past_a_lighter_first_page_are_asked_as_many_a_page_as_it_held(
    tmp_path: Path,
) -> None:
    """GitHub gave up on the snapshot's first page of 100 and 50 repos and teams, answering 25:
    the teams past those 25 are asked 25 a page, not 100 (which GitHub would likely give up on
    too, each time after the retries that wait out a blip)."""
    root = _mirror(tmp_path / "mirror")
    # the first page: its repo and PR, 100 members, and N teams with their members: 2 + 100 +
    # 2 * N nodes for N teams of the first 100 (one member each): 302 at 100, 202 at 50, 152 at 25
    with (
        FixtureServer(root, graphql_time_limits={"OrgSnapshot": 200}) as server,
        Warehouse.open(tmp_path / "w.duckdb") as wh,
    ):
        result = sync_from(server, wh, token="t")
        teams, _ = _stored(wh)
        snapshot = [
            (int(r.query["pageSize"]), "errors" in r.query)
            for r in server.requests
            if r.query.get("operation") == "OrgSnapshot"
        ]
        asked = _follow_ups(server)
    assert not result.failures, result.failures
    assert teams == _MEMBERSHIPS
    assert snapshot == [*[(100, True)] * 4, (50, True), (25, False)]
    # t025..t049, t050..t074, t075..t099, then t100..t103
    assert [a for a in asked if a[0] == "OrgTeamsPage"] == [("OrgTeamsPage", 25, False)] * 4


@pytest.mark.parametrize(
    ("operation", "part"),
    [
        ("OrgMembersPage", "members"),  # refused at organization.membersWithRole
        ("OrgTeamsPage", "teams"),  # at organization.teams
        ("TeamMembersPage", "teams"),  # at organization.team
    ],
)
def test_members_or_teams_refused_past_the_first_page_are_the_one_line_of_a_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, operation: str, part: str
) -> None:
    """The org's Members permission taken away mid-sync (an app's, a fine-grained token's),
    after the snapshot's first page showed the members and teams: GitHub refuses the follow-up
    page (the members past the first 100, the teams past the first 100, t103's members past
    its first 100), and the sync fails with the one line of a refusal on the first page."""
    root = _mirror(tmp_path / "mirror")
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        client = GitHubClient(server.url, "t")
        real = client.post_graphql

        def post(query: str, variables: dict[str, Any], **kw: Any) -> dict[str, Any]:
            if f"query {operation}(" in query:  # the org's owner takes the permission away
                (root / "orgs" / "acme" / FORBIDDEN).write_text(f"{part}\n")
            return real(query, variables, **kw)

        monkeypatch.setattr(client, "post_graphql", post)
        config = Config(github=GitHubConfig(org="acme", api_url=server.url))
        try:
            with pytest.raises(GitHubError) as failed:
                sync(wh, config, client=client, api="graphql")
        finally:
            client.close()
        refused = [r.query for r in server.requests if "FORBIDDEN" in r.query.get("errors", "")]
        stored = wh.query("select count(*) from raw_team_members")[0][0]
    # the snapshot's first page was answered whole; the follow-up page alone was refused
    assert [q["operation"] for q in refused] == [operation]
    assert str(failed.value) == (
        "acme: GitHub refuses this token the org's members or teams (POST /graphql: Resource "
        "not accessible by personal access token): a GitHub App or a fine-grained token needs "
        "read access to the organization's Members permission, a classic token the read:org "
        "scope (`miner doctor` checks it)"
    )
    assert failed.value.status == 403
    assert stored == 0  # no org of some of its people


def _deployed(root: Path, repo: str, did: int) -> None:
    """One production deployment of acme/`repo`, with one success status, in the mirror."""
    ref, who, at = RepoRef("acme", repo), user("u000"), T0 + timedelta(hours=1)
    base = root / "repos" / "acme" / repo
    listing = deployment(ref, did, sha="a" * 40, git_ref="main", environment="production",
                         description=None, creator=who, created_at=at, updated_at=at)  # fmt: skip
    status = deployment_status(ref, did, did * 10, state="success", creator=who, description="",
                               environment="production", log_url="", environment_url="",
                               at=at)  # fmt: skip
    (base / "deployments" / str(did)).mkdir(parents=True)
    (base / "deployments" / str(did) / "statuses.json").write_text(json.dumps([status]))
    (base / "deployments.json").write_text(json.dumps([listing]))


def test_deployments_refused_on_one_page_of_the_snapshot_are_asked_on_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fine-grained token without Deployments permission is refused a private repo's
    deployments and shown a public repo's (it reads public repos without permissions). A page
    of the snapshot refused one repo's deployments does not make the later pages' repos
    refused unasked: their deployments are asked (a page refused them asked again without),
    stored where GitHub shows them, and only the repo GitHub refused is named."""
    # one repo a page: api (private, refused its deployments) on the first, web on the second
    monkeypatch.setattr(org_snapshot, "ORG_SNAPSHOT_PAGE_SIZE", 1)
    b = MirrorBuilder(teams={"core": ["u000"]}, repo_fields={"web": {"private": False}})
    b.pull("api", "u000", 0)
    b.pull("web", "u000", 0)
    root = b.write(tmp_path / "mirror")
    (root / "repos" / "acme" / "api" / FORBIDDEN).write_text("deployments\n")
    _deployed(root, "api", 7)
    _deployed(root, "web", 9)
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        result = sync_from(server, wh, token="t")
        again = sync_from(server, wh, token="t")
        stored = wh.query("select repo, key from raw_deployments order by 1")
    assert [r[0] for r in stored] == ["acme/web"]
    for run in (result, again):
        assert len(run.failures) == 1, run.failures
        assert run.failures[0].startswith("acme/api: "), run.failures
        assert "deployments" in run.failures[0]
