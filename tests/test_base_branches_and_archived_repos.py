"""A PR judged by the CODEOWNERS of its base branch, and the waits of a PR in a repo archived
since: branch switches, renames, odd branch names, force pushes, the final read of a repo found
archived, and the courts that end at the archiving. Expected values are worked out by hand in
each test's docstring."""

from __future__ import annotations

import contextlib
import json
import subprocess
from collections.abc import Collection, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from miner.collect_git import codeowners_history
from miner.config import Config, GitConfig, GitHubConfig
from miner.fixtures_server import FixtureServer
from miner.github_client import GitHubClient
from miner.query import run_named
from miner.sample_payloads import (
    RepoRef,
    RunFacts,
    deployment,
    deployment_status,
    workflow_run,
)
from miner.sync import FINAL_READ_CURSOR, sync
from miner.warehouse import Warehouse
from tests.git_builder import GitBuilder
from tests.local_sync import sync_from
from tests.mirror_builder import T0, MirrorBuilder, at, user

TOKEN = "ghp_review-token"
ALICE = {"name": "Alice", "email": "12345+alice@users.noreply.github.com"}


@contextlib.contextmanager
def _served(
    root: Path, tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Config, Warehouse]]:
    """The mirror folder `root` served with git mirrors on, and an empty warehouse."""
    monkeypatch.setenv("MINER_REVIEW_TOKEN", TOKEN)
    with (
        FixtureServer(root, token=TOKEN, port=0) as server,
        Warehouse.open(tmp / "w.duckdb") as wh,
    ):
        config = Config(
            github=GitHubConfig(org="acme", api_url=server.url, token_env="MINER_REVIEW_TOKEN"),
            git=GitConfig(mirrors=True, cache=str(tmp / "cache"), ownership_days=30),
        )
        yield config, wh


def _hours(month: int, day: int) -> float:
    """Hours after T0 of noon on that day of 2026."""
    return (datetime(2026, month, day, 12, tzinfo=UTC) - T0).total_seconds() / 3600


def _owners(wh: Warehouse) -> list[tuple[int, list[str]]]:
    return wh.query("select pr_number, owner_teams from ownership_handoffs order by 1")


def _one_row_per_pr(wh: Warehouse) -> None:
    """pr_codeowners has exactly one row per PR, and versions are unique per repo."""
    prs = wh.query("select count(*) from pull_requests")[0][0]
    assert wh.query(
        "select count(*), count(distinct (org, repo, pr_number)) from pr_codeowners"
    ) == [(prs, prs)]
    assert (
        wh.query(
            "select org, repo, version from codeowners_versions group by all having count(*) > 1"
        )
        == []
    )


def _set_repo(root: Path, repo: str, **fields: Any) -> None:
    """Change a listed repo's JSON in place (keeping its id)."""
    repos = root / "orgs" / "acme" / "repos.json"
    listed = json.loads(repos.read_text(encoding="utf-8"))
    for r in listed:
        if r["name"] == repo:
            r.update(fields)
    repos.write_text(json.dumps(listed), encoding="utf-8")


def _production_deploy(root: Path, sha: str, git_ref: str, hours: float) -> None:
    """acme/web's one deployment, 101 to production of `sha`, succeeding `hours` after T0."""
    ref = RepoRef("acme", "web")
    created = T0 + timedelta(hours=hours)
    listing = deployment(
        ref, 101, sha=sha, git_ref=git_ref, environment="production", description=None,
        creator=user("alice"), created_at=created, updated_at=created,
    )  # fmt: skip
    status = deployment_status(
        ref, 101, 1010, state="success", creator=user("alice"), description="",
        environment="production", log_url="", environment_url="", at=created,
    )  # fmt: skip
    base = root / "repos" / "acme" / "web"
    (base / "deployments" / "101").mkdir(parents=True)
    (base / "deployments" / "101" / "statuses.json").write_text(json.dumps([status]))
    (base / "deployments.json").write_text(json.dumps([listing]))


def _server_git(bare: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=bare, check=True, capture_output=True)
    subprocess.run(["git", "update-server-info"], cwd=bare, check=True, capture_output=True)


# -- the CODEOWNERS of the base branch ----------------------------------------------------------


def test_a_base_branch_that_becomes_the_default_is_judged_by_its_history_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """develop is mined as a base branch (git/codeowners/develop), then the repo's default
    branch becomes develop. From then on develop's history is the default one (branch NULL),
    mined at every sync; what was mined of it as a base is left out, or a CODEOWNERS change on
    develop after the switch would never be seen by the PRs into it.

    By hand: main has `* @acme/web` from Jan 5; develop, branched there, `* @acme/ops` from
    Feb 1. PR 1 (into develop, Mar 1): ops. The default becomes develop; on Mar 5 develop says
    `* @acme/security`; PR 2 (into develop, Mar 10) is judged by that: security. PR 3 (into
    main, now a non-default branch, Mar 10): main's file, web."""
    g = GitBuilder(tmp_path / "work")
    g.commit({"app.py": "x\n"}, at="2025-12-01T10:00:00+00:00", **ALICE)
    g.commit({".github/CODEOWNERS": "* @acme/web\n"}, at="2026-01-05T10:00:00+00:00", **ALICE)
    g.git("checkout", "-q", "-b", "develop")
    g.commit({".github/CODEOWNERS": "* @acme/ops\n"}, at="2026-02-01T10:00:00+00:00", **ALICE)
    b = MirrorBuilder(teams={"web": ["alice"], "security": ["sam"], "ops": ["olga"]})
    b.as_of = _hours(3, 20)
    b.pull("web", "alice", _hours(3, 1), base="develop").files = ["app.py"]
    root = b.write(tmp_path / "mirror")
    bare = g.publish(root / "git" / "acme" / "web.git", ("develop",))
    with _served(root, tmp_path, monkeypatch) as (config, wh):
        assert sync(wh, config).failures == ()
        assert _owners(wh) == [(1, ["ops"])]

        # develop becomes the default branch on GitHub, and moves on
        g.commit({".github/CODEOWNERS": "* @acme/security\n"}, at="2026-03-05T10:00:00+00:00",
                 **ALICE)  # fmt: skip
        b.pull("web", "alice", _hours(3, 10), base="develop").files = ["app.py"]
        b.pull("web", "alice", _hours(3, 10), base="main").files = ["app.py"]
        b.write(root)
        g.publish(bare, ("develop",))
        _server_git(bare, "symbolic-ref", "HEAD", "refs/heads/develop")
        _set_repo(root, "web", default_branch="develop", pushed_at="2026-03-05T10:00:00Z")
        assert sync(wh, config).failures == ()
        _one_row_per_pr(wh)
        assert _owners(wh) == [(1, ["ops"]), (2, ["security"]), (3, ["web"])]


def test_base_branches_follow_a_repo_rename_without_being_mined_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pins: a repo renamed on GitHub takes its base branches' CODEOWNERS rows and cursors
    along (Warehouse._move_repo moves raw_git_codeowners and every cursor), so the next sync
    does not mine release/1 again, and its PR keeps release/1's owners (security), not main's
    (web)."""
    g = GitBuilder(tmp_path / "work")
    g.commit({".github/CODEOWNERS": "* @acme/web\n"}, at="2026-01-05T10:00:00+00:00", **ALICE)
    g.git("checkout", "-q", "-b", "release/1")
    g.commit({".github/CODEOWNERS": "* @acme/security\n"}, at="2026-02-01T10:00:00+00:00",
             **ALICE)  # fmt: skip
    g.git("checkout", "-q", "main")
    b = MirrorBuilder(teams={"web": ["alice"], "security": ["sam"]})
    b.as_of = _hours(3, 20)
    b.pull("web", "alice", _hours(3, 1), base="release/1").files = ["app.py"]
    b.pull("web", "alice", _hours(3, 1)).files = ["app.py"]
    root = b.write(tmp_path / "mirror")
    g.publish(root / "git" / "acme" / "web.git", ("release/1",))
    mined: list[str] = []

    def counted(repo: Any, tip: str, name: str = "", told: Collection[str] = ()) -> pa.Table:
        mined.append(tip)
        return codeowners_history(repo, tip, name, told)

    monkeypatch.setattr("miner.sync.codeowners_history", counted)
    with _served(root, tmp_path, monkeypatch) as (config, wh):
        assert sync(wh, config).failures == ()
        assert _owners(wh) == [(1, ["security"]), (2, ["web"])]
        assert len(mined) == 2  # main's history and release/1's

        (root / "repos" / "acme" / "web").rename(root / "repos" / "acme" / "portal")
        (root / "git" / "acme" / "web.git").rename(root / "git" / "acme" / "portal.git")
        _set_repo(root, "web", name="portal", full_name="acme/portal")
        assert sync(wh, config).failures == ()
        assert len(mined) == 2  # nothing moved: nothing mined again
        assert wh.query(
            "select repo, branch, count(*) from raw_git_codeowners group by all order by all"
        ) == [("acme/portal", "release/1", 2), ("acme/portal", None, 1)]
        assert wh.query(
            "select resource from cursors where repo = 'acme/portal' "
            "and starts_with(resource, 'git/codeowners/')"
        ) == [("git/codeowners/release/1",)]
        assert _owners(wh) == [(1, ["security"]), (2, ["web"])]
        _one_row_per_pr(wh)


def test_branch_names_with_slashes_dots_and_unicode_and_a_force_pushed_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pins: branch names as GitHub's base.ref spells them (slashes, dots, '#', non-ASCII) are
    found in the mirror (for-each-ref's strip=2 keeps the slashes, GitPython decodes UTF-8),
    and a base branch rewritten by a force push is mined again from its new tip, the old
    history replaced.

    By hand: main `* @acme/web` from Jan 5; 'rel/2026.1' `* @acme/ops` from Feb 1; 'fix/#12-été'
    `* @acme/security` from Feb 2. PRs on Mar 1: ops, security, and web for main. Then
    rel/2026.1 is force-pushed back to main's commit plus `* @acme/security` on Feb 20: PR 1
    becomes security, PR 4 (Feb 10, before that commit) is web: the rewritten branch had only
    main's file until Feb 20."""
    g = GitBuilder(tmp_path / "work")
    g.commit({".github/CODEOWNERS": "* @acme/web\n"}, at="2026-01-05T10:00:00+00:00", **ALICE)
    base = g.shas[-1]
    release, fix = "rel/2026.1", "fix/#12-été"
    g.git("checkout", "-q", "-b", release)
    g.commit({".github/CODEOWNERS": "* @acme/ops\n"}, at="2026-02-01T10:00:00+00:00", **ALICE)
    g.git("checkout", "-q", "-b", fix, "main")
    g.commit({".github/CODEOWNERS": "* @acme/security\n"}, at="2026-02-02T10:00:00+00:00",
             **ALICE)  # fmt: skip
    g.git("checkout", "-q", "main")
    b = MirrorBuilder(teams={"web": ["alice"], "security": ["sam"], "ops": ["olga"]})
    b.as_of = _hours(3, 20)
    b.pull("web", "alice", _hours(3, 1), base=release).files = ["app.py"]
    b.pull("web", "alice", _hours(3, 1), base=fix).files = ["app.py"]
    b.pull("web", "alice", _hours(3, 1)).files = ["app.py"]
    b.pull("web", "alice", _hours(2, 10), base=release).files = ["app.py"]
    root = b.write(tmp_path / "mirror")
    bare = g.publish(root / "git" / "acme" / "web.git", (release, fix))
    with _served(root, tmp_path, monkeypatch) as (config, wh):
        assert sync(wh, config).failures == ()
        assert _owners(wh) == [(1, ["ops"]), (2, ["security"]), (3, ["web"]), (4, ["ops"])]
        assert wh.query(
            "select distinct branch from codeowners_versions where branch is not null order by 1"
        ) == [(fix,), (release,)]
        _one_row_per_pr(wh)

        g.git("checkout", "-q", release)
        g.git("reset", "-q", "--hard", base)
        g.commit({".github/CODEOWNERS": "* @acme/security\n"}, at="2026-02-20T10:00:00+00:00",
                 **ALICE)  # fmt: skip
        g.git("checkout", "-q", "main")
        g.publish(bare, (release, fix))
        _set_repo(root, "web", pushed_at="2026-02-20T10:00:00Z")
        assert sync(wh, config).failures == ()
        assert _owners(wh) == [(1, ["security"]), (2, ["security"]), (3, ["web"]), (4, ["web"])]
        _one_row_per_pr(wh)


# -- waits in a repo archived since -------------------------------------------------------------


def _sync(root: Path, tmp: Path, wh: Warehouse, api: str) -> None:
    with FixtureServer(root) as server:
        client = GitHubClient(server.url, "t")
        try:
            config = Config(github=GitHubConfig(org="acme", api_url=server.url, archived=True))
            sync(wh, config, client=client, api=api)
        finally:
            client.close()


def _waits(wh: Warehouse) -> list[tuple[Any, ...]]:
    return wh.query(
        "select pr_number, outcome, wait_hours from review_wait where repo = 'acme/old' order by 1"
    )


def test_archiving_spares_prs_closed_before_it_and_ends_with_an_unarchiving(tmp_path: Path) -> None:
    """Pins, on GraphQL (archivedAt): in repo old, archived at hour 100 (synced, `archived =
    true`), PR 1 asks bob at 0 and stays open: unanswered at 100. PR 2 asks bob at 0 and is
    closed at 20, before the archiving: unanswered at its own close, 20, and no archived_at. PR 3
    is a draft that never became ready: its author court ends at the archiving, 100 hours. The
    repo unarchived (GitHub then answers archivedAt null): PR 1 waits on to as_of, 336."""
    b = MirrorBuilder(teams={"web": ["alice"], "api": ["bob"]})
    b.pull("old", "alice", 0, files=["a.py"]).request(0, reviewer="bob")
    b.pull("old", "alice", 0, files=["a.py"], state="closed", closed=20).request(0, reviewer="bob")
    b.pull("old", "alice", 0, files=["a.py"], draft=True)
    b.repo_fields["old"] = {"archived": True, "archived_at": at(100)}
    root = b.write(tmp_path / "mirror")
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        _sync(root, tmp_path, wh, "graphql")
        archived = T0 + timedelta(hours=100)
        assert wh.query("select number, archived_at from pull_requests order by 1") == [
            (1, archived),
            (2, None),
            (3, archived),
        ]
        assert _waits(wh) == [(1, "unanswered", 100.0), (2, "unanswered", 20.0)]
        assert wh.query(
            "select pr_number, author_hours, reviewers_hours from pr_time_in_court order by 1"
        ) == [(1, 0.0, 100.0), (2, 0.0, 20.0), (3, 100.0, 0.0)]

        b.repo_fields["old"] = {"archived": False, "archived_at": None}
        b.write(root)
        _sync(root, tmp_path, wh, "graphql")
        assert wh.query("select count(*) from pull_requests where archived_at is not null") == [
            (0,)
        ]
        assert _waits(wh) == [(1, "waiting", 336.0), (2, "unanswered", 20.0)]


def test_what_happened_between_the_last_sync_and_the_archiving_is_never_read(
    tmp_path: Path,
) -> None:
    """A repo archived is left out of the sync (`[github] archived` defaults to false), but the
    first sync that finds it archived reads it once more (sync.final_reads): bob approved PR 1
    at hour 50, after the first sync (as_of 40) and before the repo was archived (hour 100).
    By hand: review_wait reviewed after 50 hours, not unanswered at the archiving (100)."""
    b = MirrorBuilder(teams={"web": ["alice"], "api": ["bob"]})
    pr = b.pull("old", "alice", 0, files=["a.py"]).request(0, reviewer="bob")
    b.pull("lib", "bob", 0, files=["b.py"])
    b.as_of = 40
    root = b.write(tmp_path / "mirror")
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        with FixtureServer(root) as server:
            client = GitHubClient(server.url, "t")
            try:
                config = Config(github=GitHubConfig(org="acme", api_url=server.url))
                sync(wh, config, client=client, api="graphql")
                assert _waits(wh) == [(1, "waiting", 40.0)]
                pr.review("bob", 50)
                b.as_of = 336
                b.repo_fields["old"] = {"archived": True, "archived_at": at(100)}
                b.write(root)
                sync(wh, config, client=client, api="graphql")
            finally:
                client.close()
        assert _waits(wh) == [(1, "reviewed", 50.0)]


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_a_repo_with_no_pr_at_the_last_sync_is_read_once_more_when_archived(
    tmp_path: Path, api: str
) -> None:
    """quiet has no PR at the first sync (as_of 40). Then alice opens PR 1 at hour 50 asking
    bob, bob reviews at 55, it merges at 60, and the repo is archived at 100. The sync that
    finds it archived reads it once more: by hand, one review_wait episode, reviewed after 5
    hours. A sync after that does not read it again (its cursor holds the archiving)."""
    b = MirrorBuilder(teams={"web": ["alice"], "api": ["bob"]})
    b.pull("web", "alice", 0, files=["a.py"])
    b.pulls.setdefault("quiet", [])
    b.as_of = 40
    root = b.write(tmp_path / "mirror")
    with Warehouse.open(tmp_path / "w.duckdb") as wh, FixtureServer(root) as server:
        client = GitHubClient(server.url, "t")
        try:
            config = Config(github=GitHubConfig(org="acme", api_url=server.url))
            sync(wh, config, client=client, api=api)
            assert wh.query("select count(*) from raw_pulls where repo = 'acme/quiet'") == [(0,)]
            pr = b.pull("quiet", "alice", 50, files=["q.py"], state="closed", closed=60)
            pr.merged = True
            pr.request(50, reviewer="bob").review("bob", 55)
            b.as_of = 336
            b.repo_fields["quiet"] = {"archived": True, "archived_at": at(100)}
            b.write(root)
            sync(wh, config, client=client, api=api)
            assert wh.query(
                "select pr_number, outcome, wait_hours from review_wait where repo = 'acme/quiet'"
            ) == [(1, "reviewed", 5.0)]
            server.clear_log()
            sync(wh, config, client=client, api=api)
            if api == "rest":  # REST asks per repo: nothing of quiet now
                assert not [r.path for r in server.requests if "/quiet" in r.path]
        finally:
            client.close()


def test_a_merged_pr_of_a_repo_archived_since_stops_waiting_for_a_deploy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing can be deployed from an archived repo either (no deployment, no workflow run):
    pr_time_in_court's deploy court ends at the archiving, not at as_of. By hand: a production
    deploy of the base commit at +1h ties web's deploys to git; PR 1 merges M1 at +2h and is
    never deployed; web is archived at +10h; as_of +100h. Its deploy court ends at the
    archiving: 8 hours (not 98, to as_of). A run of the PR created at +3h, started at +3.5h and
    never finished queued 0.5 hours and ran until the archiving: 6.5 hours (not 96.5)."""
    g = GitBuilder(tmp_path / "work")
    first = g.commit({"README": "x\n"}, at=at(-24))
    m1 = g.commit({"a.py": "1\n"}, at=at(2), message="Merge #1")
    b = MirrorBuilder(teams={"web": ["alice", "bob"]})
    b.as_of = 100
    pr = b.pull("web", "alice", 0, state="closed", closed=2, merged=True)
    pr.merge_commit_sha = m1
    pr.review("bob", 1)
    b.repo_fields["web"] = {"archived": True, "archived_at": at(10)}
    root = b.write(tmp_path / "mirror")
    ref = RepoRef("acme", "web")
    _production_deploy(root, first, "main", 1)
    base = root / "repos" / "acme" / "web"
    running = RunFacts(
        rid=7, run_number=7, workflow_id=2, check_suite_id=7, name="ci", path=".github/ci.yml",
        event="pull_request", head_branch="topic", head_sha="c" * 40, display_title="ci",
        status="in_progress", conclusion=None, created_at=T0 + timedelta(hours=3),
        updated_at=T0 + timedelta(hours=3.5), run_started_at=T0 + timedelta(hours=3.5),
        run_attempt=1,
    )  # fmt: skip
    run = workflow_run(
        ref, running, actor=user("alice"), triggering_actor=user("alice"),
        pull_requests=[{"url": "", "id": 1, "number": 1, "head": {}, "base": {}}],
        commit_json={}, repo={"id": 1, "name": "web", "full_name": "acme/web"},
    )  # fmt: skip
    (base / "actions").mkdir()
    (base / "actions" / "runs.json").write_text(
        json.dumps({"total_count": 1, "workflow_runs": [run]})
    )
    g.publish(root / "git" / "acme" / "web.git")
    with _served(root, tmp_path, monkeypatch) as (config, wh):
        config = replace(config, github=replace(config.github, archived=True))
        assert sync(wh, config).failures == ()
        assert wh.query("select deploy_tracked, deployed_at from deploy_lead_time") == [
            (True, None)
        ]
        assert wh.query("select archived_at from repos") == [(T0 + timedelta(hours=10),)]
        assert wh.query("select deploy_hours from pr_time_in_court") == [(8.0,)]
        # the report's deploy court: over (at the archiving), not waiting
        window = {"org": "acme", "since": at(0), "until": at(100)}
        deploy = {r[0]: r[1:] for r in run_named(wh, "time_in_court", window).rows}["deploy"]
        assert (deploy[0], deploy[1], deploy[3], deploy[-1]) == (1, 8.0, 8.0, 0)
        assert wh.query("select ended_at, queue_hours, run_hours from pr_ci_runs") == [
            (None, 0.5, 6.5)
        ]


def test_a_pr_merged_into_a_release_branch_and_deployed_from_it_is_followed_to_production(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A team that deploys from a release branch: the deploy that shipped the PR's merge commit
    ties it to production though the commit is not on the default branch. By hand: main has B0
    (-24h); release branches off it; PR 1 merges R1 into release at +10h, and a production deploy
    of R1 succeeds at +12h: lead 2 hours, a deploy court of 2 hours (total: created at 0, so 12).
    PR 2 merges R2 into release at +20h and no deploy holds it: not followed (its branch has not
    landed), so no lead and no deploy court (total 20, to the merge)."""
    g = GitBuilder(tmp_path / "work")
    g.commit({"README": "x\n"}, at=at(-24))
    g.git("checkout", "-q", "-b", "release")
    r1 = g.commit({"r.py": "1\n"}, at=at(10), message="Merge #1 into release")
    r2 = g.commit({"r.py": "2\n"}, at=at(20), message="Merge #2 into release")
    g.git("checkout", "-q", "main")
    b = MirrorBuilder(teams={"web": ["alice", "bob"]})
    b.as_of = 100
    for number, merged, sha in ((1, 10, r1), (2, 20, r2)):
        pr = b.pull("web", "alice", 0, state="closed", closed=merged, merged=True, base="release")
        pr.merge_commit_sha = sha
        pr.review("bob", 1)
        assert pr.number == number
    root = b.write(tmp_path / "mirror")
    _production_deploy(root, r1, "release", 12)
    g.publish(root / "git" / "acme" / "web.git", ("release",))
    with _served(root, tmp_path, monkeypatch) as (config, wh):
        assert sync(wh, config).failures == ()
        assert wh.query(
            "select pr_number, deploy_tracked, lead_hours from deploy_lead_time order by 1"
        ) == [(1, True, 2.0), (2, False, None)]
        assert wh.query(
            "select pr_number, deploy_hours, total_hours from pr_time_in_court order by 1"
        ) == [(1, 2.0, 12.0), (2, None, 20.0)]


def test_a_github_whose_schema_has_no_archived_at_is_read_without_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An Enterprise Server older than Repository.archivedAt refuses the whole org snapshot
    that asks for it: the sync asks again without it, says so once, and goes on; the archived
    repo's open PR then waits on to as_of (336 hours), as on REST."""
    from miner import fixtures_graphql

    sdl = fixtures_graphql.SCHEMA_SDL.replace("  archivedAt: DateTime\n", "", 1)
    assert sdl != fixtures_graphql.SCHEMA_SDL
    monkeypatch.setattr(fixtures_graphql, "SCHEMA_SDL", sdl)
    monkeypatch.setattr(fixtures_graphql, "SCHEMA", fixtures_graphql._build_schema())
    b = MirrorBuilder(teams={"web": ["alice"], "api": ["bob"]})
    b.pull("old", "alice", 0, files=["a.py"]).request(0, reviewer="bob")
    b.repo_fields["old"] = {"archived": True, "archived_at": at(100)}
    root = b.write(tmp_path / "mirror")
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        _sync(root, tmp_path, wh, "graphql")
        assert wh.query("select is_archived, archived_at from repos") == [(True, None)]
        assert _waits(wh) == [(1, "waiting", 336.0)]
    said = [r.getMessage() for r in caplog.records if "archived" in r.getMessage()]
    assert len(said) == 1 and said[0].endswith(
        "its GraphQL API does not say when a repo was archived: PRs left open in archived "
        "repos go on waiting"
    ), said


# -- waits in a repo GitHub lists no more ---------------------------------------------------------


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_a_repo_gone_from_the_listing_ends_its_waits_when_found_gone(
    tmp_path: Path, api: str
) -> None:
    """Repo old has PR 1, asking bob at 0, and PR 2, reviewed by bob at 5, both open. Synced at
    hour 50: PR 1 is waiting, 50 hours. Then old is deleted (or moved to another owner) and
    the sync at hour 80 finds it missing: PR 1's wait ends there, unanswered after 80 hours,
    not waiting on to every later as_of (120 at the next sync); PR 2's review stays. It shows
    up again (access given back, say) at hour 150: PR 1 waits on to 150."""
    b = MirrorBuilder(teams={"web": ["alice"], "api": ["bob"]}, as_of=50)
    b.pull("old", "alice", 0, files=["a.py"]).request(0, reviewer="bob")
    b.pull("old", "alice", 0, files=["a.py"]).request(0, reviewer="bob").review("bob", 5)
    b.pull("app", "alice", 10, files=["b.py"])
    root = b.write(tmp_path / "mirror")

    def at_hour(hours: float) -> None:
        (root / "as_of.txt").write_text(at(hours) + "\n", encoding="utf-8")

    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        _sync(root, tmp_path, wh, api)
        assert _waits(wh) == [(1, "waiting", 50.0), (2, "reviewed", 5.0)]
        listing = root / "orgs" / "acme" / "repos.json"
        listed = json.loads(listing.read_text())
        listing.write_text(json.dumps([r for r in listed if r["name"] != "old"]))
        at_hour(80)
        _sync(root, tmp_path, wh, api)
        at_hour(120)
        _sync(root, tmp_path, wh, api)
        gone = T0 + timedelta(hours=80)
        assert wh.query("select repo, is_listed, archived_at from repos order by 1") == [
            ("acme/app", True, None),
            ("acme/old", False, gone),
        ]
        assert wh.query(
            "select number, archived_at from pull_requests where repo = 'acme/old' order by 1"
        ) == [(1, gone), (2, gone)]
        assert _waits(wh) == [(1, "unanswered", 80.0), (2, "reviewed", 5.0)]
        # the app repo's PR, nobody asked, still waits to the as_of of now: 120 - 10 hours
        assert wh.query("select outcome, wait_hours from review_wait where repo = 'acme/app'") == [
            ("waiting", 110.0)
        ]

        listing.write_text(json.dumps(listed))
        at_hour(150)
        _sync(root, tmp_path, wh, api)
        assert wh.query("select repo, is_listed from repos order by 1") == [
            ("acme/app", True),
            ("acme/old", True),
        ]
        assert _waits(wh) == [(1, "waiting", 150.0), (2, "reviewed", 5.0)]


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_a_final_read_refused_a_part_is_read_again_once_the_token_may(
    tmp_path: Path, api: str
) -> None:
    """old is archived after the first sync; the sync that finds it so reads it once more, but
    the token may not read its workflow runs (403: a fine-grained token without Actions). That
    run is partial. Once the token may, the next sync finishes the final read: old's one
    workflow run is stored and the run is ok, rather than the archived repo left for good
    without its CI time."""
    from miner.fixtures_server import FORBIDDEN

    b = MirrorBuilder(teams={"web": ["alice"], "api": ["bob"]})
    b.pull("old", "alice", 0, files=["a.py"])
    b.pull("lib", "bob", 0, files=["b.py"])
    b.as_of = 40
    root = b.write(tmp_path / "mirror")
    run = {"id": 7, "name": "ci", "status": "completed", "conclusion": "success",
           "created_at": at(60), "updated_at": at(61), "run_started_at": at(60),
           "run_attempt": 1, "event": "push", "head_sha": "a" * 40, "head_branch": "main",
           "path": ".github/workflows/ci.yml", "pull_requests": []}  # fmt: skip
    with Warehouse.open(tmp_path / "w.duckdb") as wh, FixtureServer(root) as server:
        client = GitHubClient(server.url, "t")
        try:
            config = Config(github=GitHubConfig(org="acme", api_url=server.url))
            sync(wh, config, client=client, api=api)
            b.as_of = 336
            b.repo_fields["old"] = {"archived": True, "archived_at": at(100),
                                    "pushed_at": at(60)}  # fmt: skip
            b.write(root)
            runs = root / "repos" / "acme" / "old" / "actions" / "runs.json"
            runs.parent.mkdir(parents=True, exist_ok=True)
            runs.write_text(json.dumps({"total_count": 1, "workflow_runs": [run]}))
            forbidden = root / "repos" / "acme" / "old" / FORBIDDEN
            forbidden.write_text("actions\n")
            partial = sync(wh, config, client=client, api=api)
            assert [f.split(":")[0] for f in partial.failures] == ["acme/old"]
            forbidden.unlink()  # the token is given Actions permission
            again = sync(wh, config, client=client, api=api)
        finally:
            client.close()
        assert again.failures == ()
        assert wh.query("select repo, key from raw_workflow_runs") == [("acme/old", "acme/old/7")]
        assert wh.query("select status from sync_runs order by id") == [
            ("ok",),
            ("partial",),
            ("ok",),
        ]


def test_an_org_archived_whole_is_warned_of_once_its_final_reads_are_done(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """acme's one repo, old, archived after the first sync: the sync that reads it once more
    has something to sync, and says nothing of it; the next has nothing, and warns so."""
    b = MirrorBuilder(teams={"web": ["alice"]})
    b.pull("old", "alice", 0)
    root = b.write(tmp_path / "mirror")
    nothing = (
        "[github] selects none of the 1 repo of acme (archived = false leaves out 1): "
        "nothing to sync"
    )
    with Warehouse.open(tmp_path / "w.duckdb") as wh, FixtureServer(root) as server:
        sync_from(server, wh)
        b.repo_fields["old"] = {"archived": True, "archived_at": at(100)}
        b.write(root)
        warned = []
        for _ in range(2):
            caplog.clear()
            assert sync_from(server, wh).failures == ()
            warned.append([r.getMessage() for r in caplog.records if "[github]" in r.message])
        assert warned == [[], [nothing]]
        assert wh.query("select repo, value from cursors where resource = ?",
                        [FINAL_READ_CURSOR]) == [("acme/old", at(100))]  # fmt: skip
