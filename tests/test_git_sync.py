"""Git mirrors cloned and fetched from the local server over HTTP, the token only ever in the
git process's environment; history stored incrementally; identities, de facto ownership and
ownership drift worked out by hand."""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import socket
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import git
import pyarrow as pa
import pytest

from miner.collect_git import (
    CODEOWNERS_SCHEMA,
    HISTORY_CURSOR,
    GitCollector,
    branch_tips,
    codeowners_history,
    tags,
)
from miner.config import Config, GitConfig, GitHubConfig
from miner.fixtures_server import FixtureServer
from miner.git_mirror import GitMirrorError, clone_url, use_default_branch, web_root
from miner.ownership import _follow_api, _Version
from miner.sync import sync
from miner.transform import rebuild
from miner.warehouse import Warehouse
from tests.git_builder import GitBuilder
from tests.mirror_builder import T0, MirrorBuilder

TOKEN = "ghp_test-token-never-stored"


@contextlib.contextmanager
def served(
    root: Path, tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[FixtureServer, Warehouse]]:
    """The mirror folder `root` served with TOKEN (in MINER_TEST_TOKEN for the config), and an
    empty warehouse in `tmp`."""
    monkeypatch.setenv("MINER_TEST_TOKEN", TOKEN)
    with (
        FixtureServer(root, token=TOKEN, port=0) as server,
        Warehouse.open(tmp / "w.duckdb") as wh,
    ):
        yield server, wh


def _files_containing(folder: Path, needle: bytes) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_web_root_from_api_url() -> None:
    assert web_root("https://api.github.com") == "https://github.com"
    assert web_root("https://ghe.example.com/api/v3") == "https://ghe.example.com"
    assert web_root("http://127.0.0.1:8765") == "http://127.0.0.1:8765"
    assert clone_url("https://api.github.com/", "acme/web") == "https://github.com/acme/web.git"


def test_server_asks_git_for_the_token_and_serves_only_the_repositories(tmp_path: Path) -> None:
    root = tmp_path / "mirror"
    b = GitBuilder(tmp_path / "work")
    b.commit({"a": "1\n"})
    b.publish(root / "git" / "acme" / "web.git")
    with FixtureServer(root, token=TOKEN, port=0) as server:
        url = f"{server.url}/acme/web.git/info/refs"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url)
        assert refused.value.code == 401
        assert refused.value.headers["WWW-Authenticate"] == 'Basic realm="GitHub"'
        basic = base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()
        request = urllib.request.Request(url, headers={"Authorization": f"Basic {basic}"})
        with urllib.request.urlopen(request) as answer:
            assert b.shas[-1].encode() in answer.read()
        escape = urllib.request.Request(
            f"{server.url}/acme/web.git/../../../orgs/acme.json",
            headers={"Authorization": f"Basic {basic}"},
        )
        with pytest.raises(urllib.error.HTTPError) as outside:
            urllib.request.urlopen(escape)
        assert outside.value.code in (401, 404)  # never the file


def test_mirror_clone_fetch_and_rewrite(tmp_path: Path) -> None:
    root = tmp_path / "mirror"
    bare = root / "git" / "acme" / "web.git"
    b = GitBuilder(tmp_path / "work")
    first = b.commit({"a": "1\n"})
    b.publish(bare)
    cache = tmp_path / "cache"
    with FixtureServer(root, token=TOKEN, port=0) as server:
        collector = GitCollector(cache, server.url, TOKEN)
        new = collector.new_history("acme/web", None)
        assert (new.tip, new.replace) == (first, True)
        assert [c.commits.num_rows for c in new.chunks] == [1]
        # the token is nowhere in the mirror: not in its config, its remote URL, anywhere
        assert _files_containing(cache, TOKEN.encode()) == []
        assert (cache / "acme" / "web.git" / "HEAD").is_file()

        # unchanged: nothing to mine
        same = collector.new_history("acme/web", first)
        assert (same.tip, same.replace, list(same.chunks)) == (first, False, [])

        # two commits later: only they are mined
        added = [b.commit({"a": "2\n"}), b.commit({"b": "1\n"})]
        b.publish(bare)
        more = collector.new_history("acme/web", first)
        assert (more.tip, more.replace) == (added[-1], False)
        assert [r["sha"] for c in more.chunks for r in c.commits.to_pylist()] == added[::-1]

        # the default branch rewritten (a force push): everything again, replacing what was
        b.git("reset", "-q", "--hard", first)
        rewritten = b.commit({"c": "1\n"}, message="rewritten")
        b.publish(bare)
        redo = collector.new_history("acme/web", added[-1])
        assert (redo.tip, redo.replace) == (rewritten, True)
        assert sorted(r["sha"] for c in redo.chunks for r in c.commits.to_pylist()) == sorted(
            [first, rewritten]
        )
        assert _files_containing(cache, TOKEN.encode()) == []


def test_a_wrong_token_is_a_clear_error_without_the_token(tmp_path: Path) -> None:
    root = tmp_path / "mirror"
    work = GitBuilder(tmp_path / "work")
    work.commit({"a": "1\n"})
    work.publish(root / "git" / "acme" / "web.git")
    with FixtureServer(root, token=TOKEN, port=0) as server:
        wrong = "ghp_wrong-token-value"
        url = server.url
        with pytest.raises(GitMirrorError) as failed:
            GitCollector(tmp_path / "cache", url, wrong).mirror("acme/web")
    message = str(failed.value)
    assert message.startswith(f"acme/web: git could not mirror {url}/acme/web.git: ")
    assert "Authentication failed" in message
    assert wrong not in message and TOKEN not in message
    # nothing half-cloned is left where the mirror goes
    assert not (tmp_path / "cache" / "acme" / "web.git").exists()


# -- a whole sync: identities, de facto ownership, drift -----------------------------------

CODEOWNERS = "*  @acme/web\n/auth/  @acme/security\n/docs/  @alice\n"


def _org() -> MirrorBuilder:
    b = MirrorBuilder(teams={"web": ["alice", "bob"], "security": ["sam"]})
    pr = b.pull("web", "bob", 1).commit(1)
    # GitHub matched this PR's commit e-mail to bob
    pr.commits[0]["commit"]["author"]["email"] = "bob@corp.example"
    b.pull("api", "sam", 2)  # a repo git has no repository for
    b.files[("web", ".github/CODEOWNERS")] = CODEOWNERS
    return b


def _history(work: Path) -> GitBuilder:
    g = GitBuilder(work)
    # outside the 30-day window (the latest commit is 2026-03-31): never counted
    # the CODEOWNERS GitHub also serves, committed long before the window
    g.commit(
        {".github/CODEOWNERS": CODEOWNERS},
        email="12345+alice@users.noreply.github.com",
        at="2026-01-05T10:00:00+00:00",
    )
    for day in (1, 2, 3):
        g.commit(
            {"app.py": f"v{day}\n"},
            name="Sam",
            email="sam@users.noreply.github.com",
            at=f"2026-02-0{day}T10:00:00+00:00",
        )
    # in the window. auth/login.py: web 2 commits (alice 2 lines, bob 2), security 1 (1 line).
    g.commit(
        {"auth/login.py": "a\nb\n"},
        name="Alice",
        email="12345+alice@users.noreply.github.com",
        at="2026-03-10T10:00:00+00:00",
    )
    g.commit(
        {"auth/login.py": "a\nB\n"},
        name="Bob",
        email="bob@corp.example",
        at="2026-03-11T10:00:00+00:00",
    )
    g.commit(
        {"auth/login.py": "a\nB\nc\n"},
        name="Sam",
        email="sam@users.noreply.github.com",
        at="2026-03-12T10:00:00+00:00",
    )
    # a bot's bumps count for nobody
    for day in (20, 21, 22):
        g.commit(
            {"auth/login.py": f"a\nB\nc\n{day}\n"},
            name="renovate[bot]",
            email="29139614+renovate[bot]@users.noreply.github.com",
            at=f"2026-03-{day}T10:00:00+00:00",
        )
    # app.py: web's (by CODEOWNERS and in fact); docs/guide.md: owned by @alice (web),
    # changed only by someone the config names (dana, security)
    g.commit(
        {"app.py": "v4\n"},
        name="Alice",
        email="12345+alice@users.noreply.github.com",
        at="2026-03-25T10:00:00+00:00",
    )
    g.commit(
        {"docs/guide.md": "x\n"},
        name="Dana",
        email="dana@home.example",
        at="2026-03-31T10:00:00+00:00",
    )
    return g


def _published(tmp_path: Path) -> tuple[Path, GitBuilder, Path]:
    """The org's API mirror and web's history published as its git repository: the mirror's
    root, the history, and the bare repository the server serves."""
    root = _org().write(tmp_path / "mirror")
    g = _history(tmp_path / "work")
    return root, g, g.publish(root / "git" / "acme" / "web.git")


def _config(server: FixtureServer, tmp: Path) -> Config:
    return Config(
        github=GitHubConfig(org="acme", api_url=server.url, token_env="MINER_TEST_TOKEN"),
        git=GitConfig(
            mirrors=True,
            cache=str(tmp / "cache"),
            ownership_days=30,
            identities={"dana@home.example": "dana"},
        ),
        teams={"security": ("sam", "dana"), "web": ("alice", "bob")},
    )


def _rows(wh: Warehouse, sql: str) -> list[dict[str, Any]]:
    cur = wh.con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def test_sync_mines_history_ties_identities_and_finds_drift(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, g, _ = _published(tmp_path)
    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = _config(server, tmp_path)
        result = sync(wh, config)
        # acme/api has no git repository: reported, the rest stored, the run partial
        assert len(result.failures) == 1
        assert result.failures[0].startswith("acme/api: git could not mirror")
        assert wh.query("select status from sync_runs") == [("partial",)]
        assert wh.cursor("acme", "acme/web", HISTORY_CURSOR).value == g.shas[-1]

        authors = dict(wh.query("select author_email, author from commits"))
        assert authors == {
            "sam@users.noreply.github.com": "sam",  # noreply address
            "12345+alice@users.noreply.github.com": "alice",
            "bob@corp.example": "bob",  # GitHub matched it on a PR commit
            "29139614+renovate[bot]@users.noreply.github.com": "renovate[bot]",
            "dana@home.example": "dana",  # [git.identities]
        }
        sources = dict(wh.query("select email, source from identities"))
        assert sources["bob@corp.example"] == "pr_commits"
        assert sources["dana@home.example"] == "config"

        owners = _rows(
            wh,
            "select path, team, commits, lines, rank from de_facto_owners order by path, rank",
        )
        assert owners == [
            {"path": "app.py", "team": "web", "commits": 1, "lines": 2, "rank": 1},
            # alice: 2 added; bob: 1 added 1 deleted; sam: 1 added
            {"path": "auth/login.py", "team": "web", "commits": 2, "lines": 4, "rank": 1},
            {"path": "auth/login.py", "team": "security", "commits": 1, "lines": 1, "rank": 2},
            {"path": "docs/guide.md", "team": "security", "commits": 1, "lines": 1, "rank": 1},
        ]
        drift = _rows(
            wh,
            "select path, codeowner_teams, top_team, top_team_commits, codeowner_commits, "
            "commits from ownership_drift order by path",
        )
        assert drift == [
            {
                "path": "auth/login.py",
                "codeowner_teams": ["security"],
                "top_team": "web",
                "top_team_commits": 2,
                "codeowner_commits": 1,
                "commits": 3,
            },
            {
                "path": "docs/guide.md",
                "codeowner_teams": ["web"],
                "top_team": "security",
                "top_team_commits": 1,
                "codeowner_commits": 0,
                "commits": 1,
            },
        ]

        # a second sync with nothing new mines nothing and changes nothing
        before = wh.query("select count(*) from raw_git_commits")
        sync(wh, config)
        assert wh.query("select count(*) from raw_git_commits") == before == [(len(g.shas),)]
    for place in (tmp_path / "cache", tmp_path):
        assert _files_containing(place, TOKEN.encode()) == []


def test_a_path_deleted_or_moved_away_is_no_drift(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/guide.md is drift (owned by @alice's web, changed by security's dana) until it is
    deleted; auth/login.py (security's, changed most by web) until bob moves it: the new path
    is web's by its one commit in the window, and drift in turn, the old one no longer."""
    root, g, bare = _published(tmp_path)
    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = _config(server, tmp_path)
        sync(wh, config)
        before = [p for (p,) in wh.query("select path from ownership_drift order by path")]
        assert before == ["auth/login.py", "docs/guide.md"]
        # the tip's files are listed again only once it moved, or when none are stored
        import miner.collect_git
        import miner.sync

        listed: list[str | None] = []

        def tip_files(repo: git.Repo, tip: str | None) -> Any:
            listed.append(tip)
            return miner.collect_git.tip_files(repo, tip)

        monkeypatch.setattr(miner.sync, "tip_files", tip_files)
        sync(wh, config)
        assert listed == []
        wh.con.execute("delete from raw_git_tree")
        sync(wh, config)
        assert listed == [g.shas[-1]]
        # .github/CODEOWNERS, app.py, auth/login.py, docs/guide.md
        assert wh.query("select count(*) from tip_files") == [(4,)]
        g.commit({"docs/guide.md": None}, name="Sam", email="sam@users.noreply.github.com",
                 at="2026-04-01T10:00:00+00:00")  # fmt: skip
        g.commit({"auth/login.py": None, "auth/signin.py": "a\nB\nc\n"}, name="Bob",
                 email="bob@corp.example", at="2026-04-02T10:00:00+00:00")  # fmt: skip
        g.publish(bare)
        sync(wh, config)
        drift = _rows(wh, "select path, top_team, top_team_commits, commits from ownership_drift")
        assert drift == [
            {"path": "auth/signin.py", "top_team": "web", "top_team_commits": 1, "commits": 1}
        ]
        # who changed the paths that are gone is still history: de_facto_owners keeps them
        assert wh.query(
            "select count(*) from de_facto_owners where path in ('docs/guide.md', 'auth/login.py')"
        ) != [(0,)]


def test_each_pr_is_judged_by_the_codeowners_in_force_when_it_became_ready(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def hours(month: int, day: int) -> float:
        return (datetime(2026, month, day, 12, tzinfo=UTC) - T0).total_seconds() / 3600

    g = GitBuilder(tmp_path / "work")
    alice = {"name": "Alice", "email": "12345+alice@users.noreply.github.com"}
    g.commit({"app.py": "x\n"}, at="2025-12-01T10:00:00+00:00", **alice)
    g.commit({".github/CODEOWNERS": "* @acme/web\n"}, at="2026-01-05T10:00:00+00:00", **alice)
    g.commit(
        {".github/CODEOWNERS": "* @acme/web\n/auth/ @acme/security\n"},
        at="2026-02-01T10:00:00+00:00",
        **alice,
    )
    # a root CODEOWNERS changes nothing while .github/CODEOWNERS exists (GitHub reads that one)
    g.commit({"CODEOWNERS": "* @acme/ops\n"}, at="2026-02-10T10:00:00+00:00", **alice)
    # ... and takes over when it goes
    g.commit({".github/CODEOWNERS": None}, at="2026-03-01T10:00:00+00:00", **alice)

    b = MirrorBuilder(teams={"web": ["alice"], "security": ["sam"], "ops": ["olga"]})
    b.as_of = 24 * 10
    b.pull("web", "alice", hours(1, 20)).files = ["auth/x.py"]  # 1: web's then
    draft = b.pull("web", "alice", hours(1, 25), draft=True)  # 2: a draft, ready on Feb 5
    draft.event("ready_for_review", hours(2, 5))
    draft.files = ["auth/x.py"]
    b.pull("web", "alice", hours(3, 3)).files = ["auth/x.py"]  # 3: ops's by the root file
    b.pull("web", "alice", hours(1, 1)).files = ["auth/x.py"]  # 4: before any CODEOWNERS
    b.files[("web", "CODEOWNERS")] = "* @acme/ops\n"  # what GitHub's API serves now
    root = b.write(tmp_path / "mirror")
    g.publish(root / "git" / "acme" / "web.git")
    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = replace(_config(server, tmp_path), teams={})
        assert sync(wh, config).failures == ()
        versions = wh.query(
            "select version, file, valid_from::date, valid_to::date, is_latest, sha "
            "from codeowners_versions order by version"
        )
        d = date
        assert versions == [
            (1, None, None, d(2026, 1, 5), False, None),
            (2, ".github/CODEOWNERS", d(2026, 1, 5), d(2026, 2, 1), False, g.shas[1]),
            (3, ".github/CODEOWNERS", d(2026, 2, 1), d(2026, 3, 1), False, g.shas[2]),
            (4, "CODEOWNERS", d(2026, 3, 1), None, True, g.shas[4]),
        ]
        handoffs = wh.query(
            "select pr_number, owner_teams, files_unowned from ownership_handoffs order by 1"
        )
        assert handoffs == [
            (1, ["web"], 0),
            (2, ["security"], 0),  # judged when it became ready (Feb 5), not when opened
            (3, ["ops"], 0),
            (4, [], 1),
        ]


def test_each_pr_is_judged_by_the_codeowners_of_its_base_branch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """METRICS.md: "the one on its base branch as of ready_at". Worked by hand: alice (web)
    changes app.py in every PR; who owns it depends on the base branch and the day."""

    def hours(month: int, day: int) -> float:
        return (datetime(2026, month, day, 12, tzinfo=UTC) - T0).total_seconds() / 3600

    g = GitBuilder(tmp_path / "work")
    alice = {"name": "Alice", "email": "12345+alice@users.noreply.github.com"}
    g.commit({"app.py": "x\n"}, at="2025-12-01T10:00:00+00:00", **alice)
    # legacy: branched before any CODEOWNERS, and never given one
    g.git("branch", "legacy")
    g.commit({".github/CODEOWNERS": "* @acme/web\n"}, at="2026-01-05T10:00:00+00:00", **alice)
    # release/1: branched here; security owns everything on it from Feb 1
    g.git("checkout", "-q", "-b", "release/1")
    # (with a line GitHub skips: reported for the branch)
    g.commit(
        {".github/CODEOWNERS": "* @acme/security\n[Docs] @acme/web\n"},
        at="2026-02-01T10:00:00+00:00",
        **alice,
    )
    g.git("checkout", "-q", "main")
    g.commit({".github/CODEOWNERS": "* @acme/ops\n"}, at="2026-02-10T10:00:00+00:00", **alice)

    b = MirrorBuilder(teams={"web": ["alice"], "security": ["sam"], "ops": ["olga"]})
    b.as_of = 24 * 100

    def pr(base: str, month: int, day: int) -> None:
        b.pull("web", "alice", hours(month, day), base=base).files = ["app.py"]

    pr("main", 3, 1)  # 1: ops, by main's file
    pr("release/1", 3, 1)  # 2: security, by release/1's
    pr("release/1", 1, 20)  # 3: web: release/1 before its own change
    pr("gone", 3, 1)  # 4: a branch deleted before any sync: main's file, ops
    pr("legacy", 3, 1)  # 5: a branch that never had a CODEOWNERS: unowned
    b.files[("web", ".github/CODEOWNERS")] = "* @acme/ops\n"
    root = b.write(tmp_path / "mirror")
    bare = g.publish(root / "git" / "acme" / "web.git", ("release/1", "legacy"))

    def owners(wh: Warehouse) -> list[tuple[int, list[str], int]]:
        return wh.query(
            "select pr_number, owner_teams, files_unowned from ownership_handoffs order by 1"
        )

    def mined(wh: Warehouse) -> list[tuple[str | None, int]]:
        return wh.query("select branch, count(*) from raw_git_codeowners group by all order by all")

    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = replace(_config(server, tmp_path), teams={})
        assert sync(wh, config).failures == ()
        assert owners(wh) == [
            (1, ["ops"], 0),
            (2, ["security"], 0),
            (3, ["web"], 0),
            (4, ["ops"], 0),
            (5, [], 1),
        ]
        # main's changes, release/1's (its first-parent line: main's first one, then its own)
        assert mined(wh) == [("release/1", 2), (None, 2)]
        branches = wh.query(
            "select branch, file, valid_from::date, is_latest from codeowners_versions "
            "order by version"
        )
        d = date
        assert branches == [
            (None, None, None, False),
            (None, ".github/CODEOWNERS", d(2026, 1, 5), False),
            (None, ".github/CODEOWNERS", d(2026, 2, 10), True),
            ("legacy", None, None, False),
            ("release/1", None, None, False),
            ("release/1", ".github/CODEOWNERS", d(2026, 1, 5), False),
            ("release/1", ".github/CODEOWNERS", d(2026, 2, 1), False),
        ]
        assert wh.query("select branch, file, line, text from codeowners_errors") == [
            ("release/1", ".github/CODEOWNERS", 2, "[Docs] @acme/web")
        ]

        # release/1 moves on: web owns it again from Mar 5, for a PR ready on Mar 10; PR 2 keeps
        # the version in force when it became ready
        g.git("checkout", "-q", "release/1")
        g.commit({".github/CODEOWNERS": "* @acme/web\n"}, at="2026-03-05T10:00:00+00:00", **alice)
        g.git("checkout", "-q", "main")
        pr("release/1", 3, 10)  # 6
        b.write(root)
        g.publish(bare, ("release/1", "legacy"))
        assert sync(wh, config).failures == ()
        assert owners(wh)[1] == (2, ["security"], 0)
        assert owners(wh)[5] == (6, ["web"], 0)
        assert mined(wh) == [("release/1", 3), (None, 2)]

        # release/1 deleted on the server: what was mined of it still judges its PRs
        g.git("push", "-q", str(bare), ":release/1")
        subprocess.run(["git", "update-server-info"], cwd=bare, check=True)
        assert sync(wh, config).failures == ()
        assert [row[1] for row in owners(wh)] == [
            ["ops"], ["security"], ["web"], ["ops"], [], ["web"]
        ]  # fmt: skip


# -- [git] mirrors turned off after mirrored syncs ------------------------------------------
# web's CODEOWNERS gives * to web from Jan 5 10:00; release/1, branched there, gives it to ops
# from Feb 1. alice (web) changes app.py in every PR. The first sync mirrors, on Mar 8 by the
# warehouse's clock (which dates what a sync fetches: raw_contents.fetched_at); then GitHub's
# CODEOWNERS changes on Mar 10 10:00 (in its git repo and in the file its API serves, as on
# GitHub), and the syncs after it run on Mar 12 and Mar 14.


_ALICE = {"name": "Alice", "email": "12345+alice@users.noreply.github.com"}
_WEB = "* @acme/web\n"


def _at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@dataclass
class _Owned:
    """web's API mirror (`b`, written to `root`) and git repo (`g`, published to `bare`)."""

    b: MirrorBuilder
    g: GitBuilder
    root: Path
    bare: Path

    def pr(self, base: str, month: int, day: int) -> None:
        """A PR of alice's into `base`, ready at noon that day."""
        ready = (_at(month, day, 12) - T0).total_seconds() / 3600
        self.b.pull("web", "alice", ready, base=base).files = ["app.py"]

    def change(self, text: str | None, month: int, day: int) -> None:
        """web's CODEOWNERS changed on GitHub at 10:00 that day (None: deleted)."""
        at = _at(month, day, 10).isoformat()
        self.g.commit({".github/CODEOWNERS": text}, at=at, **_ALICE)
        self.g.publish(self.bare, ("release/1",))
        if text is None:
            del self.b.files[("web", ".github/CODEOWNERS")]
            (self.root / "repos/acme/web/contents/.github/CODEOWNERS").unlink()
        else:
            self.b.files[("web", ".github/CODEOWNERS")] = text

    def sync(self, wh: Warehouse, config: Config, mirrors: bool, when: datetime) -> None:
        """The mirror written out again, then synced at `when` by the warehouse's clock."""
        self.b.write(self.root)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("miner.warehouse._now", lambda: when)
            run = replace(config, git=replace(config.git, mirrors=mirrors))
            assert sync(wh, run).failures == ()


def _owned(tmp_path: Path) -> _Owned:
    g = GitBuilder(tmp_path / "work")
    g.commit({"app.py": "x\n"}, at="2025-12-01T10:00:00+00:00", **_ALICE)
    g.commit({".github/CODEOWNERS": _WEB}, at="2026-01-05T10:00:00+00:00", **_ALICE)
    g.git("checkout", "-q", "-b", "release/1")
    g.commit({".github/CODEOWNERS": "* @acme/ops\n"}, at="2026-02-01T10:00:00+00:00", **_ALICE)
    g.git("checkout", "-q", "main")
    b = MirrorBuilder(teams={"web": ["alice"], "security": ["sam"], "ops": ["olga"]})
    b.as_of = 24 * 30
    b.files[("web", ".github/CODEOWNERS")] = _WEB
    root = b.write(tmp_path / "mirror")
    owned = _Owned(b, g, root, g.publish(root / "git" / "acme" / "web.git", ("release/1",)))
    owned.pr("main", 3, 5)  # 1
    owned.pr("release/1", 3, 5)  # 2
    return owned


def _versions(wh: Warehouse) -> list[tuple[Any, ...]]:
    return wh.query(
        "select version, branch, file, valid_from, valid_to, is_latest, sha, source "
        "from codeowners_versions order by version"
    )


def _handoffs(wh: Warehouse) -> list[tuple[int, list[str], int]]:
    return wh.query(
        "select pr_number, owner_teams, files_unowned from ownership_handoffs order by 1"
    )


def _mined_before(o: _Owned) -> list[tuple[Any, ...]]:
    """The versions the mirrored sync of Mar 8 mined: main's, then release/1's."""
    jan_5, feb_1 = _at(1, 5, 10), _at(2, 1, 10)
    return [
        (1, None, None, None, jan_5, False, None, "git"),
        (2, None, ".github/CODEOWNERS", jan_5, None, True, o.g.shas[1], "git"),
        (3, "release/1", None, None, jan_5, False, None, "git"),
        (4, "release/1", ".github/CODEOWNERS", jan_5, feb_1, False, o.g.shas[1], "git"),
        (5, "release/1", ".github/CODEOWNERS", feb_1, None, False, o.g.shas[2], "git"),
    ]


def test_with_mirrors_turned_off_a_codeowners_changed_on_github_counts_from_its_fetch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Security takes * on main on Mar 10; the sync of Mar 12, without mirrors, mines no git
    but fetches the new file: it is in force on main from that fetch (Mar 12 00:00), so PR 3,
    ready Mar 11 (after the commit, before any sync saw it), is still web's and PR 4, ready
    Mar 13, security's. release/1's history stays as mined: PR 5 into it, on Mar 13, is ops'."""
    o = _owned(tmp_path)
    with served(o.root, tmp_path, monkeypatch) as (server, wh):
        config = replace(_config(server, tmp_path), teams={})
        o.sync(wh, config, True, _at(3, 8))
        assert _versions(wh) == _mined_before(o)
        o.change("* @acme/security\n", 3, 10)
        o.pr("main", 3, 11)  # 3
        o.sync(wh, config, False, _at(3, 12))
        o.pr("main", 3, 13)  # 4
        o.pr("release/1", 3, 13)  # 5
        o.sync(wh, config, False, _at(3, 14))  # the file unchanged: not fetched again
        # no git was mined without mirrors: the Mar 10 commit came through the API alone
        assert wh.query("select count(*) from raw_git_codeowners where branch is null") == [(1,)]
        jan_5, feb_1, mar_12 = _at(1, 5, 10), _at(2, 1, 10), _at(3, 12)
        assert _versions(wh) == [
            (1, None, None, None, jan_5, False, None, "git"),
            (2, None, ".github/CODEOWNERS", jan_5, mar_12, False, o.g.shas[1], "git"),
            (3, None, ".github/CODEOWNERS", mar_12, None, True, None, "api"),
            (4, "release/1", None, None, jan_5, False, None, "git"),
            (5, "release/1", ".github/CODEOWNERS", jan_5, feb_1, False, o.g.shas[1], "git"),
            (6, "release/1", ".github/CODEOWNERS", feb_1, None, False, o.g.shas[2], "git"),
        ]
        assert wh.query("select version, owners from codeowners_rules order by version") == [
            (2, ["@acme/web"]),
            (3, ["@acme/security"]),
            (5, ["@acme/web"]),
            (6, ["@acme/ops"]),
        ]
        assert _handoffs(wh) == [
            (1, ["web"], 0),
            (2, ["ops"], 0),
            (3, ["web"], 0),
            (4, ["security"], 0),
            (5, ["ops"], 0),
        ]


def test_with_mirrors_turned_off_a_codeowners_deleted_on_github_unsets_ownership(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """main's CODEOWNERS deleted on Mar 10; the sync of Mar 12 finds none: from then main has
    an empty version, so PR 3, ready Mar 13, is unowned; PR 1 (Mar 5) stays web's."""
    o = _owned(tmp_path)
    with served(o.root, tmp_path, monkeypatch) as (server, wh):
        config = replace(_config(server, tmp_path), teams={})
        o.sync(wh, config, True, _at(3, 8))
        o.change(None, 3, 10)
        o.sync(wh, config, False, _at(3, 12))
        o.pr("main", 3, 13)  # 3
        o.sync(wh, config, False, _at(3, 14))
        jan_5, mar_12 = _at(1, 5, 10), _at(3, 12)
        assert _versions(wh)[:3] == [
            (1, None, None, None, jan_5, False, None, "git"),
            (2, None, ".github/CODEOWNERS", jan_5, mar_12, False, o.g.shas[1], "git"),
            (3, None, None, mar_12, None, True, None, "api"),
        ]
        assert [v[1:] for v in _versions(wh)[3:]] == [v[1:] for v in _mined_before(o)[2:]]
        assert _handoffs(wh) == [(1, ["web"], 0), (2, ["ops"], 0), (3, [], 1)]
        assert wh.query("select count(*) from codeowners_errors") == [(0,)]


def test_with_mirrors_turned_off_an_unchanged_codeowners_adds_no_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    o = _owned(tmp_path)
    with served(o.root, tmp_path, monkeypatch) as (server, wh):
        config = replace(_config(server, tmp_path), teams={})
        o.sync(wh, config, True, _at(3, 8))
        o.pr("main", 3, 13)  # 3
        o.sync(wh, config, False, _at(3, 14))
        assert _versions(wh) == _mined_before(o)
        assert _handoffs(wh) == [(1, ["web"], 0), (2, ["ops"], 0), (3, ["web"], 0)]


def test_with_mirrors_on_a_codeowners_change_counts_from_its_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same change as with mirrors turned off, synced with them on: git dates it (Mar 10
    10:00, its commit), so PR 3, ready Mar 11, is already security's; no version from the API."""
    o = _owned(tmp_path)
    with served(o.root, tmp_path, monkeypatch) as (server, wh):
        config = replace(_config(server, tmp_path), teams={})
        o.sync(wh, config, True, _at(3, 8))
        o.change("* @acme/security\n", 3, 10)
        o.pr("main", 3, 11)  # 3
        o.sync(wh, config, True, _at(3, 12))
        jan_5, mar_10 = _at(1, 5, 10), _at(3, 10, 10)
        assert _versions(wh)[:3] == [
            (1, None, None, None, jan_5, False, None, "git"),
            (2, None, ".github/CODEOWNERS", jan_5, mar_10, False, o.g.shas[1], "git"),
            (3, None, ".github/CODEOWNERS", mar_10, None, True, o.g.shas[3], "git"),
        ]
        assert [v[1:] for v in _versions(wh)[3:]] == [v[1:] for v in _mined_before(o)[2:]]
        assert _handoffs(wh) == [(1, ["web"], 0), (2, ["ops"], 0), (3, ["security"], 0)]


def test_with_mirrors_off_the_api_file_never_counts_before_the_version_it_follows() -> None:
    """A commit dated after the fetch (its clock ahead): the API's version starts with it,
    never before (the commit's version then lasts no time), as versions never overlap."""
    later = _at(3, 20)
    mined: dict[tuple[str, str], dict[str | None, list[_Version]]] = {
        ("acme", "acme/web"): {None: [_Version(".github/CODEOWNERS", _WEB, later, "a" * 40, "git")]}
    }
    api = {("acme", "acme/web"): _Version("CODEOWNERS", _WEB, _at(3, 12), None, "api")}
    _follow_api(mined, api)
    assert mined[("acme", "acme/web")][None][-1] == _Version("CODEOWNERS", _WEB, later, None, "api")


def test_renamed_default_branch_keeps_its_history_and_pr_refs_stay_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, g, bare = _published(tmp_path)
    # GitHub's refs for a PR's head: a mirror has no use for them
    g.git("push", "-q", str(bare), f"{g.shas[1]}:refs/pull/1/head")
    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = _config(server, tmp_path)
        sync(wh, config)
        before = wh.query("select count(*) from raw_git_commits")[0][0]
        mirror = tmp_path / "cache" / "acme" / "web.git"
        refs = git.Repo(mirror).git.for_each_ref("--format=%(refname)").split()
        assert refs == ["refs/heads/main"]

        # main becomes trunk on GitHub, with one more commit; the API says so
        g.git("branch", "-m", "main", "trunk")
        g.commit({"app.py": "v5\n"}, at="2026-04-01T10:00:00+00:00")
        g.git("push", "-q", str(bare), "trunk:trunk")
        subprocess.run(["git", "symbolic-ref", "HEAD", "refs/heads/trunk"], cwd=bare, check=True)
        g.git("push", "-q", str(bare), ":main")
        subprocess.run(["git", "update-server-info"], cwd=bare, check=True)
        repos = root / "orgs" / "acme" / "repos.json"
        listed = json.loads(repos.read_text(encoding="utf-8"))
        for r in listed:
            if r["name"] == "web":
                r["default_branch"] = "trunk"
                r["pushed_at"] = "2026-04-01T10:00:00Z"
        repos.write_text(json.dumps(listed), encoding="utf-8")

        result = sync(wh, config)
        assert [f for f in result.failures if f.startswith("acme/web")] == []
        # nothing lost, the new commit added
        assert wh.query("select count(*) from raw_git_commits")[0][0] == before + 1
        assert wh.cursor("acme", "acme/web", HISTORY_CURSOR).value == g.shas[-1]


def test_a_renamed_repos_mirror_and_history_move_to_its_new_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, g, _ = _published(tmp_path)
    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = _config(server, tmp_path)
        sync(wh, config)
        commits = wh.query("select sha from raw_git_commits where repo = 'acme/web' order by 1")
        assert len(commits) == len(g.shas)

        # web becomes portal on GitHub: same id, its git repository under the new name
        (root / "repos" / "acme" / "web").rename(root / "repos" / "acme" / "portal")
        (root / "git" / "acme" / "web.git").rename(root / "git" / "acme" / "portal.git")
        repos = root / "orgs" / "acme" / "repos.json"
        listed = json.loads(repos.read_text(encoding="utf-8"))
        for r in listed:
            if r["name"] == "web":
                r.update(name="portal", full_name="acme/portal")
        repos.write_text(json.dumps(listed), encoding="utf-8")

        result = sync(wh, config)
        assert [f for f in result.failures if "portal" in f or "web" in f] == []
        cache = tmp_path / "cache" / "acme"
        assert not (cache / "web.git").exists()
        moved = git.Repo(cache / "portal.git")
        assert moved.git.remote("get-url", "origin") == clone_url(server.url, "acme/portal")
        assert wh.query("select distinct repo from raw_git_commits") == [("acme/portal",)]
        assert wh.query("select sha from raw_git_commits order by 1") == commits
        assert wh.cursor("acme", "acme/portal", HISTORY_CURSOR).value == g.shas[-1]


def test_a_repo_with_a_part_refused_and_no_mirror_fails_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _, _ = _published(tmp_path)
    # acme/api: its workflow runs refused to this token, and no git repository to mirror
    (root / "repos" / "acme" / "api" / ".forbidden").write_text("actions\n")
    with served(root, tmp_path, monkeypatch) as (server, wh):
        result = sync(wh, _config(server, tmp_path), api="rest")
        (line,) = result.failures
        assert line.startswith("acme/api: workflow runs not readable with this token")
        assert "; acme/api: git could not mirror" in line
        assert wh.query("select status, repos_failed from sync_runs") == [("partial", 1)]


def test_codeowners_changed_twice_in_one_second_ends_with_the_later_text(tmp_path: Path) -> None:
    """A rebase-merge gives its commits one committer second: the line order decides."""
    g = GitBuilder(tmp_path / "work")
    second = "2026-03-02T10:00:00+00:00"
    # SHAs decide nothing: whichever sorts first, the later commit's text is the latest
    g.commit({"CODEOWNERS": "* @acme/first\n"}, at=second)
    g.commit({"CODEOWNERS": "* @acme/second\n"}, at=second)
    g.commit({"CODEOWNERS": "* @acme/third\n"}, at=second)
    changes = codeowners_history(git.Repo(g.path), "HEAD").to_pylist()
    assert [(c["seq"], c["text"]) for c in changes] == [
        (2, "* @acme/third\n"),
        (1, "* @acme/second\n"),
        (0, "* @acme/first\n"),
    ]
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        wh.con.execute(
            "insert into raw_git_commits values ('acme', 'acme/web', 'x', [], null, null, null, "
            "null, null, null, 1)"
        )
        wh.store_git_codeowners(
            "acme", "acme/web", pa.Table.from_pylist(changes, CODEOWNERS_SCHEMA)
        )
        rebuild(wh, Config())
        assert wh.query(
            "select r.owners from codeowners_rules as r join codeowners_versions as v "
            "using (org, repo, version) where v.is_latest"
        ) == [(["@acme/third"],)]


def test_only_tags_of_commits_are_kept(tmp_path: Path) -> None:
    g = GitBuilder(tmp_path / "work")
    sha = g.commit({"a": "1\n"}, at="2026-03-02T10:00:00+00:00")
    g.git("tag", "light", sha)
    env = {"GIT_COMMITTER_DATE": "2026-03-05T10:00:00+00:00", "GIT_COMMITTER_NAME": "A",
           "GIT_COMMITTER_EMAIL": "a@example.com"}  # fmt: skip
    g.git("tag", "-a", "annotated", "-m", "release", sha, env=env)
    g.git("tag", "-a", "of-a-tree", "-m", "tree", f"{sha}^{{tree}}", env=env)
    g.git("tag", "-a", "of-a-tag", "-m", "tag", "annotated", env=env)
    found = {r["tag"]: (r["sha"], r["tagged_at"]) for r in tags(git.Repo(g.path)).to_pylist()}
    assert found == {
        "light": (sha, "2026-03-02T10:00:00+00:00"),
        "annotated": (sha, "2026-03-05T10:00:00+00:00"),
    }


def test_tags_and_branches_named_with_what_python_breaks_lines_at_are_read_whole(
    tmp_path: Path,
) -> None:
    """git lets a ref's name hold U+0085, U+2028, U+2029 and U+00A0 (it forbids bytes below
    0x20, a space and a few marks), where str.splitlines() or str.split() would cut it: each
    tag and branch is read whole, and a default branch so named becomes the mirror's HEAD."""
    g = GitBuilder(tmp_path / "work")
    sha = g.commit({"a": "1\n"}, at="2026-03-02T10:00:00+00:00")
    for name in ("v1\u2028rc", "v2\x85", "v3\u00a0final"):
        g.git("tag", name, sha)
    g.git("branch", "feat\u2029x")
    g.git("branch", "trunk\u00a0x")
    repo = git.Repo(g.path)
    found = {r["tag"]: (r["sha"], r["tagged_at"]) for r in tags(repo).to_pylist()}
    at = "2026-03-02T10:00:00+00:00"
    assert found == {"v1\u2028rc": (sha, at), "v2\x85": (sha, at), "v3\u00a0final": (sha, at)}
    assert branch_tips(repo) == {"feat\u2029x": sha, "main": sha, "trunk\u00a0x": sha}
    use_default_branch(repo, "trunk\u00a0x", "acme/web")
    assert g.git("symbolic-ref", "HEAD") == "refs/heads/trunk\u00a0x"


def test_a_stale_mirror_under_an_old_name_goes_when_the_new_name_has_one(tmp_path: Path) -> None:
    """A repo renamed before miner followed renames was cloned again under its new name: once
    the rename is known, the mirror under the old name (no repo holds it now) goes."""
    cache = tmp_path / "cache"
    g = GitBuilder(tmp_path / "work")
    g.commit({"app.py": "v1\n"}, at="2026-01-05T10:00:00+00:00")
    for name in ("web", "portal"):
        git.Repo.clone_from(g.path, cache / "acme" / f"{name}.git", bare=True)
    GitCollector(cache, "http://127.0.0.1:9", TOKEN).follow_rename("acme/web", "acme/portal")
    assert not (cache / "acme" / "web.git").exists()
    assert git.Repo(cache / "acme" / "portal.git").head.commit.hexsha == g.shas[-1]
    # and a mirror alone under the old name moves, as before
    git.Repo.clone_from(g.path, cache / "acme" / "app.git", bare=True)
    GitCollector(cache, "http://127.0.0.1:9", TOKEN).follow_rename("acme/app", "acme/site")
    assert not (cache / "acme" / "app.git").exists()
    assert (cache / "acme" / "site.git" / "HEAD").is_file()


def test_ownership_counts_each_commit_once_ties_are_no_drift_and_the_window_ends_at_as_of(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """payments (carol) is a child team of eng, so carol's commits count for both. By hand, with
    as_of 2026-03-16 09:00 and a 30-day window: carol changes pay/a.py twice (Mar 2 and Mar 3,
    a line added each time): eng and payments tie on 2 commits and 2 lines, each with all of
    the path's commits (share 1.0, not 0.5), and payments owns the path by CODEOWNERS: no
    drift, though the tie ranks eng first by name. bob's commit to ops/b.py is dated 2027 (a
    wrong clock): it is in the window, and carol's commits stay in it too. The CODEOWNERS
    commit (Mar 1) is by an author no identity ties to a login: unassigned."""
    b = MirrorBuilder(teams={"eng": [], "payments": ["carol"], "ops": ["bob"]})
    b.parents["payments"] = "eng"
    b.pull("web", "carol", 1)
    b.files[("web", ".github/CODEOWNERS")] = "/pay/ @acme/payments\n"
    root = b.write(tmp_path / "mirror")
    g = GitBuilder(tmp_path / "work")
    g.commit({".github/CODEOWNERS": "/pay/ @acme/payments\n"}, at="2026-03-01T10:00:00+00:00")
    carol = {"name": "Carol", "email": "7+carol@users.noreply.github.com"}
    g.commit({"pay/a.py": "1\n"}, at="2026-03-02T10:00:00+00:00", **carol)
    g.commit({"pay/a.py": "1\n2\n"}, at="2026-03-03T10:00:00+00:00", **carol)
    g.commit({"ops/b.py": "x\n"}, name="Bob", email="8+bob@users.noreply.github.com",
             at="2027-06-01T10:00:00+00:00")  # fmt: skip
    g.publish(root / "git" / "acme" / "web.git")
    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = Config(
            github=GitHubConfig(org="acme", api_url=server.url, token_env="MINER_TEST_TOKEN"),
            git=GitConfig(mirrors=True, cache=str(tmp_path / "cache"), ownership_days=30),
        )
        assert sync(wh, config).failures == ()
        owners = wh.query(
            "select path, team, commits, lines, commit_share, rank from de_facto_owners "
            "order by path, rank"
        )
        assert owners == [
            (".github/CODEOWNERS", "unassigned", 1, 1, 1.0, 1),
            ("ops/b.py", "ops", 1, 1, 1.0, 1),
            ("pay/a.py", "eng", 2, 2, 1.0, 1),
            ("pay/a.py", "payments", 2, 2, 1.0, 2),
        ]
        assert wh.query("select path from ownership_drift") == []


def test_a_user_who_shows_signatures_in_git_log_still_gets_the_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GitHub signs the commits its merge button makes. With `log.showSignature` in the user's
    git config, `git log` prints gpg's verdict on each signed commit among the records miner
    reads: the history is still read, the signed CODEOWNERS change with it."""
    gpg = tmp_path / "gpg"
    gpg.write_text('#!/bin/sh\necho "gpg: Signature made by someone" >&2\nexit 1\n')
    gpg.chmod(0o755)
    user_config = tmp_path / "gitconfig"
    user_config.write_text(f"[log]\n\tshowSignature = true\n[gpg]\n\tprogram = {gpg}\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(user_config))
    b = MirrorBuilder(teams={"web": ["alice"]})
    b.pull("web", "alice", 1)
    root = b.write(tmp_path / "mirror")
    g = GitBuilder(tmp_path / "work")
    first = g.commit({"app.py": "1\n"}, at="2026-03-02T10:00:00+00:00")
    (g.path / "CODEOWNERS").write_text("* @acme/web\n")
    g.git("add", "CODEOWNERS")
    signature = "-----BEGIN PGP SIGNATURE-----\n \n wsBcBAABCAAQ\n -----END PGP SIGNATURE-----"
    signed = g.raw_commit(
        "author Alice <7+alice@users.noreply.github.com> 1772532000 +0000\n"
        "committer GitHub <noreply@github.com> 1772532000 +0000\n"
        f"gpgsig {signature}\n"
    )
    g.publish(root / "git" / "acme" / "web.git")
    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = replace(_config(server, tmp_path), teams={})
        assert sync(wh, config).failures == ()
        assert sorted(wh.query("select sha, author, files_changed from commits")) == sorted(
            [(first, None, 1), (signed, "alice", 1)]
        )
        assert wh.query("select sha from codeowners_versions where is_latest") == [(signed,)]


def test_a_user_whose_git_log_hides_the_root_commits_diff_still_gets_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`log.showRoot = false` in the user's git config makes `git log` show no diff for a
    repository's first commit. Worked by hand: the first commit adds .github/CODEOWNERS
    (`* @acme/web`) and app.py (one line each), the second changes app.py (one line for one):
    the first commit changed two files, CODEOWNERS is in force from it (Mar 2), and alice's PR
    of Mar 10 is web's."""
    user_config = tmp_path / "gitconfig"
    user_config.write_text("[log]\n\tshowRoot = false\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(user_config))
    b = MirrorBuilder(teams={"web": ["alice"]})
    b.as_of = 24 * 10
    b.pull("web", "alice", 24 * 8).files = ["app.py"]
    root = b.write(tmp_path / "mirror")
    g = GitBuilder(tmp_path / "work")
    alice = {"name": "Alice", "email": "7+alice@users.noreply.github.com"}
    first = g.commit({".github/CODEOWNERS": "* @acme/web\n", "app.py": "1\n"},
                     at="2026-03-02T10:00:00+00:00", **alice)  # fmt: skip
    second = g.commit({"app.py": "2\n"}, at="2026-03-03T10:00:00+00:00", **alice)
    g.publish(root / "git" / "acme" / "web.git")
    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = replace(_config(server, tmp_path), teams={})
        assert sync(wh, config).failures == ()
        assert sorted(wh.query("select sha, files_changed, lines_added from commits")) == sorted(
            [(first, 2, 2), (second, 1, 1)]
        )
        assert wh.query(
            "select file, valid_from::date, sha from codeowners_versions order by version"
        ) == [(None, None, None), (".github/CODEOWNERS", date(2026, 3, 2), first)]
        assert wh.query("select pr_number, owner_teams from ownership_handoffs") == [(1, ["web"])]


def test_a_codeowners_change_merged_in_counts_whatever_the_users_log_diff_merges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`log.diffMerges = combined` in the user's git config makes `git log -m` show a merge's
    combined diff, which leaves out a file the merge took whole from its second parent. Worked
    by hand: main gets `* @acme/web` on Mar 2; a branch makes it `* @acme/ops` on Mar 3, and
    is merged into main (a merge commit, as GitHub's merge button makes) on Mar 5: ops owns
    everything from Mar 5, so PR 1 (ready Mar 3) is web's and PR 2 (ready Mar 7) ops's."""
    user_config = tmp_path / "gitconfig"
    user_config.write_text("[log]\n\tdiffMerges = combined\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(user_config))
    b = MirrorBuilder(teams={"web": ["alice"], "ops": ["olga"]})
    b.as_of = 24 * 10
    b.pull("web", "alice", 24 * 1).files = ["app.py"]
    b.pull("web", "alice", 24 * 5).files = ["app.py"]
    root = b.write(tmp_path / "mirror")
    g = GitBuilder(tmp_path / "work")
    first = g.commit({".github/CODEOWNERS": "* @acme/web\n", "app.py": "1\n"},
                     at="2026-03-02T10:00:00+00:00")  # fmt: skip
    g.git("checkout", "-q", "-b", "ops")
    g.commit({".github/CODEOWNERS": "* @acme/ops\n"}, at="2026-03-03T10:00:00+00:00")
    g.git("checkout", "-q", "main")
    g.commit({"other.py": "1\n"}, at="2026-03-04T10:00:00+00:00")
    when = "2026-03-05T10:00:00+00:00"
    g.git("merge", "-q", "--no-ff", "ops", "-m", "Merge ops", env={
        "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "Alice",
        "GIT_AUTHOR_EMAIL": "alice@example.com", "GIT_COMMITTER_NAME": "Alice",
        "GIT_COMMITTER_EMAIL": "alice@example.com",
    })  # fmt: skip
    merge = g.git("rev-parse", "HEAD")
    g.publish(root / "git" / "acme" / "web.git")
    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = replace(_config(server, tmp_path), teams={})
        assert sync(wh, config).failures == ()
        assert wh.query(
            "select file, valid_from::date, sha from codeowners_versions order by version"
        ) == [
            (None, None, None),
            (".github/CODEOWNERS", date(2026, 3, 2), first),
            (".github/CODEOWNERS", date(2026, 3, 5), merge),
        ]
        handoffs = wh.query("select pr_number, owner_teams from ownership_handoffs order by 1")
        assert handoffs == [(1, ["web"]), (2, ["ops"])]


def test_a_commit_git_cannot_date_is_kept_without_that_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A repo imported from an older VCS may hold an author date before 1970 (git prints none
    for it) or a time zone out of range (+99999): such a commit is stored with that date NULL,
    and the rest of the history with it. By hand: the 1969 commit was committed 2026-03-03 and
    counts in the window; the +99999 one was committed 2026-03-04 by git's clock, which git
    writes with an offset no time can have: undated, it is in no window."""
    b = MirrorBuilder(teams={"web": ["alice"]})
    b.pull("web", "alice", 1)
    root = b.write(tmp_path / "mirror")
    g = GitBuilder(tmp_path / "work")
    alice = "Alice <7+alice@users.noreply.github.com>"
    first = g.commit({"a.py": "1\n"}, email="7+alice@users.noreply.github.com",
                     at="2026-03-02T10:00:00+00:00")  # fmt: skip
    (g.path / "a.py").write_text("1\n2\n")
    g.git("add", "a.py")
    # 1969-12-31T00:00:00Z, committed 2026-03-03T10:00:00Z
    old = g.raw_commit(f"author {alice} -86400 +0000\ncommitter {alice} 1772532000 +0000\n")
    (g.path / "b.py").write_text("x\n")
    g.git("add", "b.py")
    zone = g.raw_commit(f"author {alice} 1772618400 +99999\ncommitter {alice} 1772618400 +99999\n")
    g.publish(root / "git" / "acme" / "web.git")
    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = replace(_config(server, tmp_path), teams={})
        assert sync(wh, config).failures == ()
        assert sorted(wh.query("select sha, authored_at, committed_at from commits")) == sorted(
            [
                (first, datetime(2026, 3, 2, 10, tzinfo=UTC), datetime(2026, 3, 2, 10, tzinfo=UTC)),
                (old, None, datetime(2026, 3, 3, 10, tzinfo=UTC)),
                (zone, None, None),
            ]
        )
        owners = wh.query("select path, team, commits, lines from de_facto_owners")
        assert owners == [("a.py", "web", 2, 2)]


def test_an_author_git_cannot_read_is_no_one_and_counts_as_unassigned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """alice (web) adds a.py's first line on 2026-03-02; a commit written by hand with a NUL in
    its author's name ("Ann\\0Evil <ann@...>": git reads "Ann", no address, and shows no
    author) adds its second on 2026-03-03, committed by alice. That commit's author is NULL
    (name, address, date), not git's placeholders "%aN" "%aE", and its change counts for
    'unassigned' (no identity ties it to a login): by hand, a.py has web 1 commit 1 line and
    unassigned 1 commit 1 line, and no identity is "%ae"."""
    b = MirrorBuilder(teams={"web": ["alice"]})
    b.pull("web", "alice", 1)
    root = b.write(tmp_path / "mirror")
    g = GitBuilder(tmp_path / "work")
    noreply = "7+alice@users.noreply.github.com"
    first = g.commit({"a.py": "1\n"}, email=noreply, at="2026-03-02T10:00:00+00:00")
    (g.path / "a.py").write_text("1\n2\n")
    g.git("add", "a.py")
    nul = g.raw_commit(
        "author Ann\0Evil <ann@example.com> 1772532000 +0000\n"
        f"committer Alice <{noreply}> 1772532000 +0000\n"
    )
    g.publish(root / "git" / "acme" / "web.git")
    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = replace(_config(server, tmp_path), teams={})
        assert sync(wh, config).failures == ()
        rows = wh.query(
            "select sha, author_name, author_email, author, author_teams, author_is_bot, "
            "authored_at, committer_email from commits"
        )
        assert sorted(rows) == sorted(
            [
                (first, "Alice", noreply, "alice", ["web"], False,
                 datetime(2026, 3, 2, 10, tzinfo=UTC), noreply),
                (nul, None, None, None, ["unassigned"], False, None, noreply),
            ]
        )  # fmt: skip
        owners = wh.query("select team, commits, lines from de_facto_owners order by team")
        assert owners == [("unassigned", 1, 1), ("web", 1, 1)]
        assert wh.query("select email from identities where email like '%\\%%' escape '\\'") == []


def test_a_mailmap_added_later_maps_the_commits_mined_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """alice commits from her home address, which nothing ties to a login; after the first
    sync the repo's .mailmap maps it to her noreply address. The next sync gives her first
    commit her login too (and web's commit on a.py), as git would for a fresh clone."""
    b = MirrorBuilder(teams={"web": ["alice"]})
    b.pull("web", "alice", 1)
    root = b.write(tmp_path / "mirror")
    g = GitBuilder(tmp_path / "work")
    noreply = "7+alice@users.noreply.github.com"
    first = g.commit({"a.py": "1\n"}, email="alice@home.example", at="2026-03-02T10:00:00+00:00")
    bare = g.publish(root / "git" / "acme" / "web.git")
    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = replace(_config(server, tmp_path), teams={})
        assert sync(wh, config).failures == ()
        assert wh.query("select author_email, author from commits") == [
            ("alice@home.example", None)
        ]
        mailmap = f"Alice <{noreply}> <alice@home.example>\n"
        second = g.commit({".mailmap": mailmap}, email=noreply, at="2026-03-03T10:00:00+00:00")
        g.publish(bare)
        assert sync(wh, config).failures == ()
        assert sorted(wh.query("select sha, author_email, author from commits")) == sorted(
            [(first, noreply, "alice"), (second, noreply, "alice")]
        )
        owners = wh.query("select path, team, commits from de_facto_owners order by path")
        assert owners == [(".mailmap", "web", 1), ("a.py", "web", 1)]
        assert wh.cursor("acme", "acme/web", HISTORY_CURSOR).value == second


def test_a_fetch_the_network_fails_keeps_the_mirror_and_clones_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server out of reach (a blip, an outage) fails the fetch: that is no damage to the
    mirror, and cloning a big repo whole again would fail as well or cost it all again."""
    from miner.git_mirror import GitMirrorError, update_mirror

    g = GitBuilder(tmp_path / "work")
    g.commit({"a.py": "1\n"})
    bare = g.publish(tmp_path / "served" / "web.git")
    mirror = tmp_path / "cache" / "web.git"
    update_mirror(str(bare), mirror, None, "acme/web")
    clones: list[str] = []
    real_clone = git.Repo.clone_from

    def clone_from(url: str, *args: Any, **kwargs: Any) -> git.Repo:
        clones.append(url)
        return real_clone(url, *args, **kwargs)

    monkeypatch.setattr(git.Repo, "clone_from", clone_from)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        gone = f"http://127.0.0.1:{sock.getsockname()[1]}/acme/web.git"
    with pytest.raises(GitMirrorError) as err:
        update_mirror(gone, mirror, None, "acme/web")
    assert str(err.value).startswith(f"acme/web: git could not fetch {gone} into its mirror: ")
    assert clones == []
    assert git.Repo(mirror).git.rev_parse("main") == g.shas[-1]


def test_a_mirror_git_cannot_fetch_into_is_cloned_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A sync killed outright while git fetched leaves git's lock on a branch in the mirror;
    a disk fault damages its objects. Either way git refuses every later fetch: the next sync
    clones the repo anew beside the mirror, replaces it, says so, and mines what is new."""
    b = MirrorBuilder(teams={"web": ["alice"]})
    b.pull("web", "alice", 1)
    root = b.write(tmp_path / "mirror")
    g = GitBuilder(tmp_path / "work")
    alice = {"email": "7+alice@users.noreply.github.com"}
    g.commit({"a.py": "1\n"}, at="2026-03-02T10:00:00+00:00", **alice)
    bare = g.publish(root / "git" / "acme" / "web.git")
    mirror = tmp_path / "cache" / "acme" / "web.git"
    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = replace(_config(server, tmp_path), teams={})
        assert sync(wh, config).failures == ()
        # killed while fetching: the lock git makes beside the ref it updates stays
        (mirror / "refs" / "heads" / "main.lock").write_text("")
        g.commit({"a.py": "2\n"}, at="2026-03-03T10:00:00+00:00", **alice)
        g.publish(bare)
        assert sync(wh, config).failures == ()
        assert wh.query("select count(*) from commits") == [(2,)]
        assert not (mirror / "refs" / "heads" / "main.lock").exists()
        assert "acme/web: its mirror could not be fetched into (" in caplog.text
        # damaged objects
        for obj in (mirror / "objects").rglob("*"):
            if obj.is_file() and obj.parent.name not in ("info", "pack"):
                obj.chmod(0o644)
                obj.write_bytes(b"damaged")
        for obj in (mirror / "objects" / "pack").glob("*"):
            obj.chmod(0o644)
            obj.write_bytes(b"damaged")
        g.commit({"b.py": "1\n"}, at="2026-03-04T10:00:00+00:00", **alice)
        g.publish(bare)
        assert sync(wh, config).failures == ()
        assert sorted(wh.query("select sha from commits")) == sorted((s,) for s in g.shas)
        assert git.Repo(mirror).git.fsck("--no-dangling") == ""
    assert _files_containing(tmp_path / "cache", TOKEN.encode()) == []


def test_names_that_are_not_utf8_keep_their_bytes_escaped_and_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A repo from a Latin-1 machine: workspace members' folders `pkgs/café` and `pkgs/cafè`
    and a tag `café-1` written in Latin-1 bytes (é is 0xE9, è 0xE8). They are stored with each
    such byte as \\xNN, so the two folders stay two paths (as U+FFFD, both were `caf\ufffd`:
    one path changed twice by one commit), and the sync goes on."""
    b = MirrorBuilder(teams={"web": ["alice"]})
    b.pull("web", "alice", 1)
    root = b.write(tmp_path / "mirror")
    g = GitBuilder(tmp_path / "work")
    g.commit({"package.json": '{"workspaces": ["pkgs/*"]}', "pkgs/a/package.json": "{}"})
    for name in (b"caf\xe9", b"caf\xe8"):
        member = os.path.join(os.fsencode(g.path), b"pkgs", name)
        os.makedirs(member)
        with open(os.path.join(member, b"package.json"), "wb") as f:
            f.write(b'{"name": "%s"}' % name[-1:].hex().encode())
    g.git("add", "-A")
    sha = g.commit({}, email="7+alice@users.noreply.github.com", at="2026-03-03T10:00:00+00:00")
    subprocess.run(["git", "tag", b"caf\xe9-1"], cwd=g.path, check=True)
    g.publish(root / "git" / "acme" / "web.git")
    e8, e9 = "pkgs/caf\\xe8/package.json", "pkgs/caf\\xe9/package.json"
    with served(root, tmp_path, monkeypatch) as (server, wh):
        assert sync(wh, replace(_config(server, tmp_path), teams={})).failures == ()
        assert wh.query("select path from raw_git_manifests order by path") == [
            ("pkgs/a/package.json",),
            (e8,),
            (e9,),
        ]
        assert wh.query("select path from commit_files where sha = ? order by path", [sha]) == [
            (e8,),
            (e9,),
        ]
        assert wh.query("select path from tip_files where path like 'pkgs/caf%' order by 1") == [
            (e8,),
            (e9,),
        ]
        assert wh.query(
            "select path, commits, lines from de_facto_owners where path like 'pkgs/caf%' "
            "order by path"
        ) == [(e8, 1, 1), (e9, 1, 1)]
        assert wh.query("select tag, sha from raw_git_tags") == [("caf\\xe9-1", sha)]


def test_a_commit_miner_cannot_read_fails_only_its_repo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """acme/api's history is one the parser cannot read (made so here, as git prints no such
    history now), a ValueError, no git or mirror error. Only api fails, named with the error;
    web is mined whole; the run is partial (exit 3); api's history cursor stays unset, so the
    next sync tries it again; the traceback is in the log for a bug report."""
    import miner.collect_git
    import miner.git_history

    root, g, _ = _published(tmp_path)
    api = GitBuilder(tmp_path / "api")
    api.commit({"x.py": "1\n"}, at="2026-03-02T10:00:00+00:00")
    api.publish(root / "git" / "acme" / "api.git")

    real = miner.git_history.stream_history

    def stream_history(repo: git.Repo, tip: str, exclude: Any = ()) -> Any:
        if Path(repo.git_dir).name == "api.git":
            raise ValueError("git log: neither a commit nor a file of one: b'?'")
        return real(repo, tip, exclude)

    monkeypatch.setattr(miner.collect_git, "stream_history", stream_history)
    with served(root, tmp_path, monkeypatch) as (server, wh):
        result = sync(wh, _config(server, tmp_path))
        (line,) = result.failures
        assert line.startswith("acme/api: miner could not read its git mirror (ValueError: ")
        assert "the next sync tries again" in line
        assert wh.query("select status, repos_failed from sync_runs") == [("partial", 1)]
        assert wh.cursor("acme", "acme/api", HISTORY_CURSOR).value is None
        assert wh.query("select count(*) from raw_git_commits where repo = 'acme/api'") == [(0,)]
        assert wh.cursor("acme", "acme/web", HISTORY_CURSOR).value == g.shas[-1]
        assert wh.query("select count(*) from commits where repo = 'acme/web'") == [(len(g.shas),)]
        traced = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
        assert len(traced) == 1 and "Traceback (most recent call last)" in traced[0]
        assert TOKEN not in traced[0]


def test_names_holding_git_logs_old_separator_bytes_sync_clean_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """web's commits name an author `Odd\x1fName`, a committer `Cy\x1eRus` and a co-author
    `Co\x1fAuthor` (bytes `git commit` lets a name hold, that git log's records and fields were
    once split by: the repo then failed at every sync, its history never moving), and a tag
    `v1\u2028rc`. The first sync stores them as written; the second, with nothing new, and a
    third, after a new commit, are clean too and move the history's cursor to the tip."""
    b = MirrorBuilder(teams={"web": ["alice"]})
    b.pull("web", "alice", 1)
    root = b.write(tmp_path / "mirror")
    g = GitBuilder(tmp_path / "work")
    first = g.commit({"app.py": "1\n"}, at="2026-03-30T10:00:00+00:00")
    odd = g.commit(
        {"app.py": "odd\n"},
        name="Odd\x1fName",
        email="odd@example.com",
        at="2026-03-31T11:00:00+00:00",
        message="odd\n\nCo-authored-by: Co\x1fAuthor <co\x1e@example.com>",
    )
    g.git("commit", "-q", "--allow-empty", "-m", "empty", env={
        "GIT_AUTHOR_NAME": "Alice", "GIT_AUTHOR_EMAIL": "alice@example.com",
        "GIT_AUTHOR_DATE": "2026-03-31T12:00:00+00:00", "GIT_COMMITTER_NAME": "Cy\x1eRus",
        "GIT_COMMITTER_EMAIL": "cy@example.com", "GIT_COMMITTER_DATE": "2026-03-31T12:00:00+00:00",
    })  # fmt: skip
    empty = g.git("rev-parse", "HEAD")
    g.git("tag", "v1\u2028rc", odd)  # U+2028: where str.splitlines() cuts a line
    bare = g.publish(root / "git" / "acme" / "web.git")
    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = replace(_config(server, tmp_path), teams={})
        assert sync(wh, config).failures == ()
        assert wh.query(
            "select sha, author_name, committer_name from raw_git_commits order by authored_at"
        ) == [
            (first, "Alice", "Alice"),
            (odd, "Odd\x1fName", "Odd\x1fName"),
            (empty, "Alice", "Cy\x1eRus"),
        ]
        assert wh.query("select sha, name, email from raw_git_co_authors") == [
            (odd, "Co\x1fAuthor", "co\x1e@example.com")
        ]
        assert wh.cursor("acme", "acme/web", HISTORY_CURSOR).value == empty
        assert wh.query("select tag, sha from raw_git_tags") == [("v1\u2028rc", odd)]
        assert sync(wh, config).failures == ()
        latest = g.commit({"app.py": "later\n"}, at="2026-04-01T10:00:00+00:00")
        g.publish(bare)
        assert sync(wh, config).failures == ()
        assert wh.cursor("acme", "acme/web", HISTORY_CURSOR).value == latest
        assert wh.query("select count(*) from commits") == [(4,)]
        assert wh.query("select status from sync_runs order by id") == [("ok",)] * 3


def test_a_codeowners_change_git_cannot_date_counts_from_the_version_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """web's CODEOWNERS gives * to web on 2026-03-01; a commit with a time zone no time can
    have (+99999, as imports from older systems write; git prints +999:99) gives it to ops;
    a.py changes on 2026-03-05. The sync does not fail: the undated version counts from
    2026-03-01 (the web version before it then lasted no time) and is the one in force now, so
    ops owns a.py; the log names the commit."""
    b = MirrorBuilder(teams={"web": ["alice"], "ops": ["olga"]})
    b.pull("web", "alice", 1)
    root = b.write(tmp_path / "mirror")
    g = GitBuilder(tmp_path / "work")
    g.commit({"CODEOWNERS": "* @acme/web\n"}, at="2026-03-01T10:00:00+00:00")
    (g.path / "CODEOWNERS").write_text("* @acme/ops\n")
    g.git("add", "CODEOWNERS")
    alice = "Alice <alice@example.com>"
    undated = g.raw_commit(
        f"author {alice} 1772618400 +99999\ncommitter {alice} 1772618400 +99999\n"
    )
    g.commit({"a.py": "1\n"}, at="2026-03-05T10:00:00+00:00")
    g.publish(root / "git" / "acme" / "web.git")
    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = replace(_config(server, tmp_path), teams={})
        assert sync(wh, config).failures == ()
        march_1 = datetime(2026, 3, 1, 10, tzinfo=UTC)
        versions = wh.query(
            "select version, file, valid_from, valid_to, is_latest, sha "
            "from codeowners_versions order by version"
        )
        assert versions == [
            (1, None, None, march_1, False, None),
            (2, "CODEOWNERS", march_1, march_1, False, g.shas[0]),
            (3, "CODEOWNERS", march_1, None, True, undated),
        ]
        assert wh.query("select version, owners from path_owners where path = 'a.py'") == [
            (3, ["@acme/ops"])
        ]
        said = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
        assert any(undated[:12] in m and "acme/web" in m for m in said)


# An author line whose time zone (+99999) git cannot print: the commit has no date.
_UNDATABLE = "Alice <alice@example.com> 1772618400 +99999"


def _undated_codeowners(tmp_path: Path) -> tuple[Path, GitBuilder, Path, str]:
    """web's mirror and git repo, whose second commit gives * to ops in a CODEOWNERS change git
    cannot date: (the mirror, the work tree, its published bare repo, that commit's sha)."""
    b = MirrorBuilder(teams={"web": ["alice"], "ops": ["olga"]})
    b.pull("web", "alice", 1)
    root = b.write(tmp_path / "mirror")
    g = GitBuilder(tmp_path / "work")
    g.commit({"CODEOWNERS": "* @acme/web\n"}, at="2026-03-01T10:00:00+00:00")
    (g.path / "CODEOWNERS").write_text("* @acme/ops\n")
    g.git("add", "CODEOWNERS")
    undated = g.raw_commit(f"author {_UNDATABLE}\ncommitter {_UNDATABLE}\n")
    return root, g, g.publish(root / "git" / "acme" / "web.git"), undated


def test_a_codeowners_change_git_cannot_date_is_told_of_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The CODEOWNERS history is read again whenever the tip moves; an undated change (+99999)
    is told of by the sync that first mines it, not by every sync after. The second sync, after
    a.py changed and a second undated change gave * back to web, tells of that one alone."""
    root, g, bare, undated = _undated_codeowners(tmp_path)

    def told() -> list[str]:
        said = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
        caplog.clear()
        return sorted(sha[:12] for sha in (undated, later) if any(sha[:12] in m for m in said))

    later = "no such commit yet"
    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = replace(_config(server, tmp_path), teams={})
        assert sync(wh, config).failures == ()
        assert told() == [undated[:12]]
        g.commit({"a.py": "1\n"}, at="2026-03-05T10:00:00+00:00")
        (g.path / "CODEOWNERS").write_text("* @acme/web\n")
        g.git("add", "CODEOWNERS")
        later = g.raw_commit(f"author {_UNDATABLE}\ncommitter {_UNDATABLE}\n")
        g.publish(bare)
        assert sync(wh, config).failures == ()
        assert told() == [later[:12]]
        g.commit({"a.py": "2\n"}, at="2026-03-06T10:00:00+00:00")
        g.publish(bare)
        assert sync(wh, config).failures == ()
        assert told() == []
        assert wh.query("select count(*) from raw_git_codeowners where committed_at is null") == [
            (2,)
        ]


def test_a_codeowners_change_git_cannot_date_mined_under_quiet_is_told_by_the_next_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A sync whose log leaves warnings out (--quiet, as cron runs it) mines an undated
    CODEOWNERS change (+99999) and tells no one: the next sync that shows warnings, once the tip
    moved, tells of it, and the one after does not repeat it."""
    root, g, bare, undated = _undated_codeowners(tmp_path)

    def told() -> bool:
        said = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
        caplog.clear()
        return any(undated[:12] in m and "CODEOWNERS" in m for m in said)

    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = replace(_config(server, tmp_path), teams={})
        caplog.set_level(logging.ERROR)  # as --quiet sets it (cli._route_warnings)
        assert sync(wh, config).failures == ()
        assert not told()
        caplog.set_level(logging.WARNING)
        g.commit({"a.py": "1\n"}, at="2026-03-05T10:00:00+00:00")
        g.publish(bare)
        assert sync(wh, config).failures == ()
        assert told()
        g.commit({"a.py": "2\n"}, at="2026-03-06T10:00:00+00:00")
        g.publish(bare)
        assert sync(wh, config).failures == ()
        assert not told()


def test_a_first_codeowners_git_cannot_date_is_in_force_since_always() -> None:
    """With no version before it to count from, an undated first CODEOWNERS is in force since
    always (and no empty version before it, which would have no end)."""
    from miner.ownership import _history

    versions = _history([("c1", None, "CODEOWNERS", "* @a\n")])
    assert [(v.file, v.valid_from, v.sha) for v in versions] == [("CODEOWNERS", None, "c1")]


def test_a_default_branch_emptied_of_files_has_no_drift(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """auth/login.py and docs/guide.md are drift; then one commit deletes every file of web's
    default branch. Its tip lists no files (tip_files has none of web's, as for a repo never
    listed), but nothing is drift: the CODEOWNERS went with the rest, so no line owns a path
    any more. Who changed the paths is still history (de_facto_owners)."""
    root, g, bare = _published(tmp_path)
    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = _config(server, tmp_path)
        sync(wh, config)
        before = [p for (p,) in wh.query("select path from ownership_drift order by path")]
        assert before == ["auth/login.py", "docs/guide.md"]
        gone: dict[str, str | bytes | None] = dict.fromkeys(
            (".github/CODEOWNERS", "app.py", "auth/login.py", "docs/guide.md")
        )
        g.commit(gone, at="2026-04-01T10:00:00+00:00")
        g.publish(bare)
        failures = sync(wh, config).failures
        assert [f for f in failures if f.startswith("acme/web")] == []
        assert wh.query("select count(*) from raw_git_commits") == [(len(g.shas),)]
        assert wh.query("select count(*) from tip_files") == [(0,)]
        assert wh.query("select file from codeowners_versions where is_latest") == [(None,)]
        assert wh.query("select path from ownership_drift") == []
        assert wh.query("select count(*) from de_facto_owners where path = 'auth/login.py'") != [
            (0,)
        ]


def test_a_submodule_owned_by_one_team_and_bumped_by_another_is_drift(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CODEOWNERS gives vendor/lib, a submodule, to security; web's alice adds it (+1) and
    bumps it twice in the window (GitHub lists each bump as a change of vendor/lib, +1 -1). It
    is on the tip as a path, so it is drift like a file: top team web with 3 commits and 5
    lines, security none."""
    b = MirrorBuilder(teams={"web": ["alice"], "security": ["sam"]})
    b.pull("web", "alice", 1)
    root = b.write(tmp_path / "mirror")
    g = GitBuilder(tmp_path / "work")
    g.commit({"CODEOWNERS": "* @acme/web\n/vendor/lib @acme/security\n"},
             at="2026-03-01T10:00:00+00:00")  # fmt: skip
    alice = {"email": "7+alice@users.noreply.github.com", "name": "Alice"}
    for n, day in ((1, 2), (2, 3), (3, 4)):  # a submodule added, then bumped twice
        g.git("update-index", "--add", "--cacheinfo", f"160000,{str(n) * 40},vendor/lib")
        g.commit({}, at=f"2026-03-0{day}T10:00:00+00:00", **alice)
    g.publish(root / "git" / "acme" / "web.git")
    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = replace(_config(server, tmp_path), teams={})
        assert sync(wh, config).failures == ()
        assert wh.query("select path from tip_files order by path") == [
            ("CODEOWNERS",),
            ("vendor/lib",),
        ]
        drift = _rows(
            wh,
            "select path, codeowner_teams, top_team, top_team_commits, top_team_lines, "
            "codeowner_commits, commits from ownership_drift",
        )
        assert drift == [
            {
                "path": "vendor/lib",
                "codeowner_teams": ["security"],
                "top_team": "web",
                "top_team_commits": 3,  # added (+1), bumped twice (+1 -1 each)
                "top_team_lines": 5,
                "codeowner_commits": 0,
                "commits": 3,
            }
        ]


def test_co_authors_count_as_github_credits_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CODEOWNERS gives pay/ to payments (carol). pay/a.py, one line added by each commit:
    1. alice (web) with `Co-authored-by: Carol <carol@home.example>`, an address the repo's
       .mailmap maps to carol's noreply one: web and payments;
    2. renovate[bot] with carol as co-author: payments only (a bot counts for no team);
    3. alice, naming herself, carol and carol again (old address) as co-authors: web once,
       payments once;
    4. alice, naming herself at another of her addresses, and carol at two addresses .mailmap
       does not join but both tied to her login: web once, payments once, carol one co-author.
    By hand: payments 4 commits, 4 lines (rank 1); web 3 commits, 3 lines. Payments owns the
    path and changes it most: no drift. Counting authors only, web (3) would be drift."""
    b = MirrorBuilder(teams={"web": ["alice"], "payments": ["carol"]})
    b.pull("web", "alice", 1)
    root = b.write(tmp_path / "mirror")
    g = GitBuilder(tmp_path / "work")
    carol = "7+carol@users.noreply.github.com"
    alice = {"name": "Alice", "email": "12345+alice@users.noreply.github.com"}
    g.commit(
        {
            "CODEOWNERS": "/pay/ @acme/payments\n",
            ".mailmap": f"Carol <{carol}> <carol@home.example>\n",
        },
        at="2026-03-01T10:00:00+00:00",
    )
    trailer = "\n\nCo-authored-by: Carol <carol@home.example>"
    shas = [
        g.commit({"pay/a.py": "1\n"}, at="2026-03-02T10:00:00+00:00", message="one" + trailer,
                 **alice),
        g.commit({"pay/a.py": "1\n2\n"}, at="2026-03-03T10:00:00+00:00", message="two" + trailer,
                 name="renovate[bot]", email="29139614+renovate[bot]@users.noreply.github.com"),
        g.commit({"pay/a.py": "1\n2\n3\n"}, at="2026-03-04T10:00:00+00:00",
                 message=f"three\n\nCo-authored-by: Alice <{alice['email']}>\n"
                 f"Co-authored-by: Carol <{carol}>\n{trailer.strip()}", **alice),
        g.commit({"pay/a.py": "1\n2\n3\n4\n"}, at="2026-03-05T10:00:00+00:00",
                 message="four\n\nCo-authored-by: Alice <alice@users.noreply.github.com>\n"
                 f"Co-authored-by: Carol <{carol}>\n"
                 "Co-authored-by: C <carol@users.noreply.github.com>", **alice),
    ]  # fmt: skip
    g.publish(root / "git" / "acme" / "web.git")
    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = replace(_config(server, tmp_path), teams={})
        assert sync(wh, config).failures == ()
        assert sorted(wh.query("select sha, email, co_author from commit_co_authors")) == sorted(
            [(sha, carol, "carol") for sha in shas]
        )
        owners = wh.query(
            "select team, commits, lines, rank from de_facto_owners where path = 'pay/a.py' "
            "order by rank"
        )
        assert owners == [("payments", 4, 4, 1), ("web", 3, 3, 2)]
        assert wh.query("select path from ownership_drift") == []
