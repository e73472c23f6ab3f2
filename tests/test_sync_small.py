"""Sync small hand-built orgs from the local GitHub-compatible server: what changes between
syncs reaches the warehouse, and what GitHub refuses is said plainly."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from miner.config import Config, GitHubConfig
from miner.errors import GitHubError
from miner.fixtures_server import FixtureServer
from miner.github_client import GitHubClient
from miner.sync import sync
from miner.warehouse import Warehouse
from tests.local_sync import sync_from
from tests.mirror_builder import MirrorBuilder, account_renamed


def _org() -> MirrorBuilder:
    b = MirrorBuilder(teams={"web": ["alice", "bob"], "security": ["sam"]})
    b.files[("app", ".github/CODEOWNERS")] = "* @acme/web\n"
    b.pull("app", "alice", 0, files=["a.py"]).request(0, reviewer="bob").review("bob", 3)
    return b


def _sync(server: FixtureServer, wh: Warehouse, token: str | None = "t") -> None:
    sync_from(server, wh, token=token)


def test_moved_codeowners_replaces_the_old_location(tmp_path: Path) -> None:
    root = _org().write(tmp_path / "mirror")
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        _sync(server, wh)
        assert wh.query("select path from repo_files") == [(".github/CODEOWNERS",)]
        contents = root / "repos" / "acme" / "app" / "contents"
        (contents / "docs").mkdir()
        shutil.move(contents / ".github" / "CODEOWNERS", contents / "docs" / "CODEOWNERS")
        (contents / "docs" / "CODEOWNERS").write_text("* @acme/security\n")
        _sync(server, wh)
        assert wh.query("select path, text from repo_files") == [
            ("docs/CODEOWNERS", "* @acme/security\n")
        ]
        assert wh.query("select owner_teams from ownership_handoffs") == [(["security"],)]


def _asked(server: FixtureServer) -> list[tuple[str, str]]:
    """The requests the server answered, a GraphQL one by its operation's name."""
    return [
        (r.method, r.query.get("operation", r.path) if r.path == "/graphql" else r.path)
        for r in server.requests
    ]


def test_a_graphql_sync_of_an_unchanged_org_is_one_request(tmp_path: Path) -> None:
    b = _org()
    b.files[("app", "pyproject.toml")] = '[project]\nname = "app"\ndependencies = ["acme-lib"]\n'
    b.pull("lib", "sam", 1, files=["lib.py"])
    root = b.write(tmp_path / "mirror")
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        _sync(server, wh)
        server.clear_log()
        _sync(server, wh)
        assert _asked(server) == [("POST", "OrgSnapshot")]
        # one file changes: the snapshot shows its new blob id, one call fetches the text
        contents = root / "repos" / "acme" / "app" / "contents"
        (contents / ".github" / "CODEOWNERS").write_text("* @acme/security\n")
        server.clear_log()
        _sync(server, wh)
        assert _asked(server) == [("POST", "OrgSnapshot"), ("POST", "RepositoryFiles")]
        assert wh.query("select path, kind, text from repo_files order by path") == [
            (".github/CODEOWNERS", "codeowners", "* @acme/security\n"),
            (
                "pyproject.toml",
                "manifest",
                '[project]\nname = "app"\ndependencies = ["acme-lib"]\n',
            ),
        ]


def test_a_rest_sync_of_unchanged_files_lists_folders_and_fetches_no_file(
    tmp_path: Path,
) -> None:
    root = _org().write(tmp_path / "mirror")
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        sync_from(server, wh, token="t", api="rest")
        server.clear_log()
        sync_from(server, wh, token="t", api="rest")
        asked = [(r.path, r.status) for r in server.requests if "/contents" in r.path]
        # the root and .github listings give each file's blob sha, asked conditionally: nothing
        # changed, so GitHub answers 304 (free of rate limit) and no file is fetched
        assert asked == [
            ("/repos/acme/app/contents/", 304),
            ("/repos/acme/app/contents/.github", 304),
        ]
        assert wh.query("select path from repo_files") == [(".github/CODEOWNERS",)]


def test_unknown_org_is_named(tmp_path: Path) -> None:
    root = _org().write(tmp_path / "mirror")
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        config = Config(github=GitHubConfig(org="globex", api_url=server.url))
        with pytest.raises(GitHubError, match="organization 'globex' not found at http://127"):
            sync(wh, config, client=GitHubClient(server.url, "t"))
        assert wh.query("select status, error is not null from sync_runs") == [("failed", True)]
        # a typo in --org makes no org: the next sync's rebuild knows acme alone, so a report
        # with no --org is of acme
        _sync(server, wh)
        assert wh.query("select org from snapshots") == [("acme",)]


def test_bad_token_is_a_clear_error_and_never_echoed(tmp_path: Path) -> None:
    root = _org().write(tmp_path / "mirror")
    with (
        FixtureServer(root, token="right-token") as server,
        Warehouse.open(tmp_path / "w.duckdb") as wh,
    ):
        with pytest.raises(GitHubError) as err:
            _sync(server, wh, token="wrong-token-value")
        assert "401 Bad credentials" in str(err.value)
        assert "wrong-token-value" not in str(err.value)
        assert wh.query("select count(*) from raw_pulls") == [(0,)]


def _rename(root: Path, names: dict[str, str]) -> None:
    """Rename repos on the mirror as GitHub does: each keeps its id, PRs and files, under its
    new name (two repos may swap names)."""
    base = root / "repos" / "acme"
    for old in names:
        (base / old).rename(base / f"{old}.moving")
    for old, new in names.items():
        (base / f"{old}.moving").rename(base / new)
    listing = root / "orgs" / "acme" / "repos.json"
    repos = json.loads(listing.read_text())
    for r in repos:
        if r["name"] in names:
            new = names[r["name"]]
            r.update(name=new, full_name=f"acme/{new}", html_url=f"https://github.com/acme/{new}")
    listing.write_text(json.dumps(repos))


def _stored_repos(wh: Warehouse) -> set[str]:
    """Every repo name any raw table or cursor holds rows of."""
    names: set[str] = set()
    for (table,) in wh.query(
        "select table_name from information_schema.columns where column_name = 'repo' "
        "and table_name like 'raw%'"
    ):
        names |= {r[0] for r in wh.query(f"select distinct repo from {table}") if r[0]}
    return names | {r[0] for r in wh.query("select distinct repo from cursors") if r[0]}


def _two_repos() -> MirrorBuilder:
    b = _org()
    b.pull("app", "alice", 10, files=["b.py"]).request(10, reviewer="bob").review("bob", 12)
    lib = b.pull("lib", "sam", 1, files=["lib.py"], body="Depends on acme/app#1")
    lib.request(1, reviewer="alice").review("alice", 2)
    return b


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_a_renamed_repo_keeps_its_history_under_its_new_name(
    tmp_path: Path, api: str, caplog: pytest.LogCaptureFixture
) -> None:
    root = _two_repos().write(tmp_path / "mirror")
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        sync_from(server, wh, token="t", api=api)
        before = wh.query(
            "select number, author, created_at from pull_requests where repo = 'acme/app'"
        )
        assert len(before) == 2
        _rename(root, {"app": "web"})
        server.clear_log()
        sync_from(server, wh, token="t", api=api)
        # moved, not fetched again: no PR's details are asked for under the new name
        details = [r.path for r in server.requests if re.search(r"/(pulls|issues)/\d+/", r.path)]
        assert details == []
        if api == "graphql":
            assert _asked(server) == [("POST", "OrgSnapshot")]
        assert "acme/app is now acme/web on GitHub" in caplog.text
        assert sorted(wh.query(
            "select number, author, created_at from pull_requests where repo = 'acme/web'"
        )) == sorted(before)  # fmt: skip
        assert wh.query("select count(*) from pull_requests") == [(3,)]
        assert _stored_repos(wh) == {"acme/web", "acme/lib"}
        # their links name the repo as it is called now (GitHub redirects the old ones)
        assert wh.query(
            "select html_url from pull_requests where repo = 'acme/web' order by number"
        ) == [("https://github.com/acme/web/pull/1",), ("https://github.com/acme/web/pull/2",)]
        # written before the rename, a reference by the old name still finds the PR
        assert wh.query("select repo, target_repo, target_number, phrase from pr_references") == [
            ("acme/lib", "acme/web", 1, "depends_on")
        ]
        assert wh.query(
            "select upstream_repo, upstream_pr, downstream_repo from cross_repo_handoffs"
        ) == [("acme/web", 1, "acme/lib")]
        assert wh.query("select repo, count(*) from review_wait group by repo order by repo") == [
            ("acme/lib", 1),
            ("acme/web", 2),
        ]
        # a PR opened after the rename arrives under the new name, beside the moved ones
        b = _two_repos()
        b.pull("app", "bob", 20, files=["c.py"])
        fresh = b.write(tmp_path / "again")
        shutil.copy(fresh / "repos/acme/app/pulls.json", root / "repos/acme/web/pulls.json")
        for folder in ("pulls/3", "issues/3"):
            shutil.copytree(fresh / "repos/acme/app" / folder, root / "repos/acme/web" / folder)
        sync_from(server, wh, token="t", api=api)
        assert wh.query(
            "select number, author from pull_requests where repo = 'acme/web' order by number"
        ) == [(1, "alice"), (2, "alice"), (3, "bob")]


def test_repos_that_swap_names_each_keep_their_own_history(tmp_path: Path) -> None:
    root = _two_repos().write(tmp_path / "mirror")
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        sync_from(server, wh, token="t")
        _rename(root, {"app": "lib", "lib": "app"})
        sync_from(server, wh, token="t")
        assert sorted(wh.query("select repo, number, author from pull_requests")) == [
            ("acme/app", 1, "sam"),
            ("acme/lib", 1, "alice"),
            ("acme/lib", 2, "alice"),
        ]
        assert wh.query("select count(*) from raw_reviews") == [(3,)]
        # both names are repos' names now: a reference means the repo of that name today.
        # lib's PR (now in acme/app) named acme/app#1: its own repo now, so left out
        assert wh.query("select count(*) from pr_references") == [(0,)]


def test_a_deleted_repos_name_taken_by_a_renamed_one_leaves_no_rows_behind(
    tmp_path: Path,
) -> None:
    root = _two_repos().write(tmp_path / "mirror")
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        sync_from(server, wh, token="t")
        # lib is deleted, and app renamed to lib
        listing = root / "orgs" / "acme" / "repos.json"
        listing.write_text(json.dumps([r for r in json.loads(listing.read_text())
                                       if r["name"] != "lib"]))  # fmt: skip
        shutil.rmtree(root / "repos" / "acme" / "lib")
        _rename(root, {"app": "lib"})
        sync_from(server, wh, token="t")
        assert sorted(wh.query("select repo, number, author from pull_requests")) == [
            ("acme/lib", 1, "alice"),
            ("acme/lib", 2, "alice"),
        ]
        assert _stored_repos(wh) == {"acme/lib"}


def _listing(root: Path) -> list[dict[str, object]]:
    return list(json.loads((root / "orgs" / "acme" / "repos.json").read_text()))


def _list(root: Path, repos: list[dict[str, object]]) -> None:
    (root / "orgs" / "acme" / "repos.json").write_text(json.dumps(repos))


def test_a_repo_renamed_while_it_was_not_listed_is_still_followed(tmp_path: Path) -> None:
    root = _two_repos().write(tmp_path / "mirror")
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        sync_from(server, wh, token="t")
        everything = _listing(root)
        # app drops out of one listing (an App installation's repo selection, say)
        _list(root, [r for r in everything if r["name"] != "app"])
        sync_from(server, wh, token="t")
        # then it is back, renamed app2; and lib has taken its old name, app
        _list(root, everything)
        _rename(root, {"app": "app2", "lib": "app"})
        sync_from(server, wh, token="t")
        assert sorted(wh.query("select repo, number, author from pull_requests")) == [
            ("acme/app", 1, "sam"),
            ("acme/app2", 1, "alice"),
            ("acme/app2", 2, "alice"),
        ]
        assert _stored_repos(wh) == {"acme/app", "acme/app2"}


def test_a_name_renamed_away_twice_reads_as_its_latest_holder_once(tmp_path: Path) -> None:
    b = _two_repos()
    b.pull("tool", "bob", 5, files=["t.py"])
    root = b.write(tmp_path / "mirror")
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        sync_from(server, wh, token="t")
        _rename(root, {"app": "web"})
        sync_from(server, wh, token="t")
        # tool takes the name app, then leaves it for APP (a change of case is a rename too)
        _rename(root, {"tool": "app"})
        sync_from(server, wh, token="t")
        _rename(root, {"app": "APP"})
        sync_from(server, wh, token="t")
        assert sorted(wh.query("select old_name, new_name from repo_renames")) == [
            ("acme/app", "acme/APP"),
            ("acme/tool", "acme/APP"),
        ]
        # lib's "Depends on acme/app#1": one reference, to the repo that holds the name now
        # (names compare without case, as on GitHub), spelled as it is now, and so one handoff
        refs = wh.query("select target_repo, target_number from pr_references")
        assert refs == [("acme/APP", 1)]
        handoffs = wh.query("select upstream_repo, downstream_repo from cross_repo_handoffs")
        assert handoffs == [("acme/APP", "acme/lib")]
        assert sorted(wh.query("select repo, count(*) from pull_requests group by repo")) == [
            ("acme/APP", 1),
            ("acme/lib", 1),
            ("acme/web", 2),
        ]


@pytest.mark.parametrize("new", ["web", "App"])  # a change of case is a rename too
def test_a_repo_renamed_before_renames_were_followed_loses_its_copy_under_the_old_name(
    tmp_path: Path, new: str
) -> None:
    root = _two_repos().write(tmp_path / "mirror")
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        sync_from(server, wh, token="t")
        # as an older miner left it: app renamed on GitHub, and nothing kept app's id, so the
        # new name is fetched whole beside app's rows
        wh.con.execute("delete from repo_ids")
        wh.con.execute("delete from raw_repos where payload ->> 'name' = 'app'")
        _rename(root, {"app": new})
        sync_from(server, wh, token="t")
        assert sorted(wh.query("select repo, number from pull_requests")) == sorted(
            [("acme/lib", 1), (f"acme/{new}", 1), (f"acme/{new}", 2)]
        )
        assert _stored_repos(wh) == {f"acme/{new}", "acme/lib"}
        assert wh.query("select old_name, new_name from repo_renames") == [
            ("acme/app", f"acme/{new}")
        ]
        # a repo deleted on GitHub (and unknown by id, as under an older miner) shares no PR
        # with a listed one: its rows stay, as a repo the sync leaves out keeps what was
        # stored. Here its PR's id is the other's #1's too (a hand-written mirror's ids
        # collide), but not its creation
        _list(root, [r for r in _listing(root) if r["name"] != "lib"])
        wh.con.execute("delete from repo_ids")
        lib_id = wh.query("select payload ->> 'id' from raw_pulls where repo = 'acme/lib'")
        other_ids = wh.query("select payload ->> 'id' from raw_pulls where repo <> 'acme/lib'")
        assert lib_id[0] in other_ids
        sync_from(server, wh, token="t")
        assert wh.query("select count(*) from pull_requests where repo = 'acme/lib'") == [(1,)]


def test_a_rename_into_a_name_an_unknown_deleted_repo_left_rows_under(tmp_path: Path) -> None:
    b = _two_repos()
    b.pull("tool", "bob", 5, files=["t.py"])
    root = b.write(tmp_path / "mirror")
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        sync_from(server, wh, token="t")
        # tool was deleted under an older miner, which kept no ids: its rows and cursors stay
        _list(root, [r for r in _listing(root) if r["name"] != "tool"])
        shutil.rmtree(root / "repos" / "acme" / "tool")
        wh.con.execute("delete from repo_ids")
        sync_from(server, wh, token="t")
        assert wh.query("select author from pull_requests where repo = 'acme/tool'") == [("bob",)]
        # then app takes the name tool: what was stored under it goes, app's moves in
        _rename(root, {"app": "tool"})
        sync_from(server, wh, token="t")
        assert sorted(wh.query("select repo, number, author from pull_requests")) == [
            ("acme/lib", 1, "sam"),
            ("acme/tool", 1, "alice"),
            ("acme/tool", 2, "alice"),
        ]
        assert _stored_repos(wh) == {"acme/lib", "acme/tool"}


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_a_renamed_account_stays_one_person_in_their_team(tmp_path: Path, api: str) -> None:
    """bob reviews alice's PR 1 at 3 h; alice opens PR 2 at 5 h; bob renames his account Bobby
    (a new name and letter case). PR 1 is not fetched again (nothing on it changed since), so
    its stored payloads still say bob; PR 2 is asked of Bobby at 10 h and reviewed at 12 h. Both
    reviews are one person's, in web, as GitHub shows them: not a 'bob' left in no team."""
    b = MirrorBuilder(teams={"web": ["alice", "bob"]})
    b.pull("app", "alice", 0).request(0, reviewer="bob").review("bob", 3)
    b.pull("app", "alice", 5)
    b.write(tmp_path / "mirror")
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        with FixtureServer(tmp_path / "mirror") as server:
            sync_from(server, wh, token="t", api=api)
        after = MirrorBuilder(teams={"web": ["alice", "Bobby"]})
        after.pull("app", "alice", 0).request(0, reviewer="Bobby").review("Bobby", 3)
        after.pull("app", "alice", 5).request(10, reviewer="Bobby").review("Bobby", 12)
        root = after.write(tmp_path / "renamed")
        account_renamed(root, "bob", "Bobby")
        with FixtureServer(root) as server:
            sync_from(server, wh, token="t", api=api)
        # PR 1's review was not fetched again: the stored payload still names bob
        stored = wh.query("select payload ->> '$.user.login' from raw_reviews where parent = '1'")
        assert stored == [("bob",)]
        assert wh.query("select login, teams from people order by lower(login)") == [
            ("alice", ["web"]),
            ("Bobby", ["web"]),
        ]
        assert wh.query("select pr_number, reviewer from reviews order by 1") == [
            (1, "Bobby"),
            (2, "Bobby"),
        ]
        waits = wh.query(
            "select pr_number, reviewer, outcome, responder, wait_hours from review_wait "
            "order by 1, 2 nulls first"
        )
        # PR 2's implicit episode (ready at 5 h, nobody asked) is answered by Bobby too
        assert waits == [
            (1, "Bobby", "reviewed", "Bobby", 3.0),
            (2, None, "reviewed", "Bobby", 7.0),
            (2, "Bobby", "reviewed", "Bobby", 2.0),
        ]
        by_team = wh.query(
            "select team, count(*) from review_wait join person_teams on login = reviewer "
            "group by team"
        )
        assert by_team == [("web", 2)]


def test_a_pr_gone_from_github_before_its_details_were_read_does_not_stick_its_repo(
    tmp_path: Path,
) -> None:
    """PR 2 of app was stored from a REST listing, and before its details (reviews, timeline...)
    were read it went from GitHub: deleted by GitHub Support, or hidden with an account flagged
    as spam. Its details answer 404. The repo is still read (PR 1's review, the CODEOWNERS),
    the run is ok, PR 2 keeps what was stored of it, and the next sync does not ask again;
    rather than the repo called "not readable with this token" at every sync, for good."""
    b = _org()
    b.pull("app", "carol", 5, files=["c.py"])
    root = b.write(tmp_path / "mirror")
    app = root / "repos" / "acme" / "app"
    for detail in ("pulls/2/reviews", "pulls/2/files", "pulls/2/commits", "issues/2/timeline",
                   "issues/2/comments"):  # fmt: skip
        (app / f"{detail}.json").unlink()
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        client = GitHubClient(server.url, "t")
        try:
            config = Config(github=GitHubConfig(org="acme", api_url=server.url))
            result = sync(wh, config, client=client, api="rest")
            assert result.failures == ()
            server.clear_log()
            sync(wh, config, client=client, api="rest")
        finally:
            client.close()
        assert not [r.path for r in server.requests if "/2/" in r.path]
        assert wh.query("select number from pull_requests order by 1") == [(1,), (2,)]
        assert wh.query("select pr_number, reviewer from reviews") == [(1, "bob")]
        assert wh.query("select path from repo_files") == [(".github/CODEOWNERS",)]
        assert wh.query("select status from sync_runs order by id") == [("ok",), ("ok",)]
