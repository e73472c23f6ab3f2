"""Sync small hand-built orgs from the local GitHub-compatible server: what changes between
syncs reaches the warehouse, and what GitHub refuses is said plainly."""

from __future__ import annotations

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
from tests.mirror_builder import MirrorBuilder


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
