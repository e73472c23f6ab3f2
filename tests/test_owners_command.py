"""`miner owners`: who owns each path, from a file, a checkout or the warehouse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from miner import owners_lookup
from miner.errors import MinerError
from miner.sync import sync
from tests.git_builder import GitBuilder
from tests.mirror_builder import MirrorBuilder
from tests.test_base_branches_and_archived_repos import ALICE, _served
from tests.test_cli import miner

CODEOWNERS = """\
*              @acme/web
/auth/         @acme/security @pat
/auth/vendor/
docs/          docs@example.com
[bad] @x
"""


def test_json_gives_owners_and_deciding_line(tmp_path: Path) -> None:
    (tmp_path / "CODEOWNERS").write_text(CODEOWNERS)
    out = miner(
        "owners",
        "--codeowners",
        "CODEOWNERS",
        "--format",
        "json",
        "auth/login.py",
        "auth/vendor/x.js",
        "docs/a.md",
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [
        {
            "path": "auth/login.py",
            "owners": ["@acme/security", "@pat"],
            "line": 2,
            "pattern": "/auth/",
        },
        {"path": "auth/vendor/x.js", "owners": [], "line": 3, "pattern": "/auth/vendor/"},
        {"path": "docs/a.md", "owners": ["docs@example.com"], "line": 4, "pattern": "docs/"},
    ]
    assert "CODEOWNERS:5: skipped" in out.stderr


def test_no_rule_matching_gives_empty_owners_and_null_line(tmp_path: Path) -> None:
    (tmp_path / "CODEOWNERS").write_text("docs/ @acme/docs\n")
    out = miner(
        "owners", "--codeowners", "CODEOWNERS", "--format", "json", "src/a.py", cwd=tmp_path
    )
    assert json.loads(out.stdout) == [
        {"path": "src/a.py", "owners": [], "line": None, "pattern": None}
    ]


def test_checkout_uses_the_first_location_github_reads(tmp_path: Path) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "CODEOWNERS").write_text("* @acme/first\n")
    (tmp_path / "CODEOWNERS").write_text("* @acme/second\n")
    out = miner("owners", "x.py", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "@acme/first" in out.stdout and "@acme/second" not in out.stdout


def test_repo_reads_the_synced_codeowners(tmp_path: Path) -> None:
    b = MirrorBuilder(teams={"web": ["alice"]})
    b.files[("app", "docs/CODEOWNERS")] = CODEOWNERS
    b.pull("app", "alice", 0)
    root = b.write(tmp_path / "mirror")
    assert miner("--db", "w.duckdb", "import", str(root), cwd=tmp_path).returncode == 0
    out = miner(
        "--db",
        "w.duckdb",
        "owners",
        "--repo",
        "acme/app",
        "--format",
        "json",
        "/auth/a.py",
        cwd=tmp_path,
    )
    assert json.loads(out.stdout) == [
        {"path": "auth/a.py", "owners": ["@acme/security", "@pat"], "line": 2, "pattern": "/auth/"}
    ]
    # GitHub's names ignore letter case; a repo the warehouse lacks is a usage error (exit 2),
    # as in `miner report --repo`
    upper = miner("--db", "w.duckdb", "owners", "--repo", "ACME/App", "auth/a.py", cwd=tmp_path)
    assert upper.returncode == 0 and "@acme/security" in upper.stdout, upper.stderr
    missing = miner("--db", "w.duckdb", "owners", "--repo", "acme/zzz", "x", cwd=tmp_path)
    assert missing.returncode == 2
    # named with the repos there are, as `report --repo` names them
    assert missing.stderr == (
        "Error: --repo acme/zzz: no such repo in the warehouse (w.duckdb; repos there: acme/app)\n"
    )


def test_markdown_is_a_table_with_a_header_rule_and_escaped_cells(tmp_path: Path) -> None:
    (tmp_path / "CODEOWNERS").write_text(CODEOWNERS)
    out = miner("owners", "--codeowners", "CODEOWNERS", "--format", "md", "auth/a|b.py", "x.py",
                cwd=tmp_path)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "| path | owners | line | pattern |",
        "|---|---|---:|---|",
        # an owner mentions nobody where the table is pasted: a word joiner after each @
        "| auth/a\\|b.py | @\u2060acme/security @\u2060pat | 2 | /auth/ |",
        "| x.py | @\u2060acme/web | 1 | \\* |",
    ]


def test_repo_may_be_given_by_its_name_alone(tmp_path: Path) -> None:
    b = MirrorBuilder(teams={"web": ["alice"]})
    b.files[("web-app", ".github/CODEOWNERS")] = CODEOWNERS
    b.pull("web-app", "alice", 0)
    b.pull("api", "alice", 0)
    root = b.write(tmp_path / "mirror")
    assert miner("--db", "w.duckdb", "import", str(root), cwd=tmp_path).returncode == 0
    for repo in ("web-app", "acme/web-app"):
        out = miner("--db", "w.duckdb", "owners", "--repo", repo, "--format", "json", "docs/a.md",
                    cwd=tmp_path)  # fmt: skip
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)[0]["owners"] == ["docs@example.com"]
    missing = miner("--db", "w.duckdb", "owners", "--repo", "web", "x", cwd=tmp_path)
    assert missing.returncode == 2 and "web: no such repo in the warehouse" in missing.stderr


def test_dot_segments_are_worked_out_and_dot_dot_out_or_empty_paths_refused(
    tmp_path: Path,
) -> None:
    (tmp_path / "CODEOWNERS").write_text(CODEOWNERS)
    out = miner("owners", "--codeowners", "CODEOWNERS", "--format", "json", "auth/login.py",
                "./auth/login.py", "auth/./login.py", "auth//login.py", "x/../auth/login.py",
                cwd=tmp_path)  # fmt: skip
    assert out.returncode == 0, out.stderr
    # every spelling is the one path, owned by /auth/ (an unanchored './auth' would be '*')
    assert {(m["path"], m["line"]) for m in json.loads(out.stdout)} == {("auth/login.py", 2)}
    for path, message in (
        ("../auth/login.py", "PATH '../auth/login.py' leads out of the repository"),
        ("", "PATH '' is empty"),
        (".", "PATH '.' is the repository's root"),
    ):
        bad = miner("owners", "--codeowners", "CODEOWNERS", "docs/a.md", path, cwd=tmp_path)
        assert bad.returncode == 2, bad.stdout
        assert bad.stdout == "" and message in bad.stderr and "Traceback" not in bad.stderr


def test_checkout_is_found_from_a_subfolder_and_paths_taken_from_there(tmp_path: Path) -> None:
    repo = GitBuilder(tmp_path / "repo")
    repo.commit({".github/CODEOWNERS": "* @acme/web\n/app/ @acme/app\n", "app/sub/x.py": ""})
    out = miner("owners", "--format", "json", "x.py", "./y.py", "../../top.py", "/root.py",
                cwd=repo.path / "app" / "sub")  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert [(m["path"], m["owners"]) for m in json.loads(out.stdout)] == [
        ("app/sub/x.py", ["@acme/app"]),
        ("app/sub/y.py", ["@acme/app"]),
        ("top.py", ["@acme/web"]),
        ("root.py", ["@acme/web"]),  # a leading / is the checkout's root, as in CODEOWNERS
    ]
    out = miner("owners", "../../../x.py", cwd=repo.path / "app" / "sub")
    assert out.returncode == 2 and "leads out of the repository" in out.stderr


def test_repo_history_answers_for_a_branch_and_an_instant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--branch` and `--at` read the versions the views judge PRs by (codeowners_versions):
    main says `* @acme/web` from Jan 5, then `* @acme/platform` from Mar 5; develop, branched on
    Feb 1, says `* @acme/ops`, and is the base of PR 1."""
    g = GitBuilder(tmp_path / "work")
    g.commit({"app.py": "x\n"}, at="2025-12-01T10:00:00+00:00", **ALICE)
    g.commit({".github/CODEOWNERS": "* @acme/web\n"}, at="2026-01-05T10:00:00+00:00", **ALICE)
    g.git("checkout", "-q", "-b", "develop")
    g.commit({".github/CODEOWNERS": "* @acme/ops\n[x @y\n"}, at="2026-02-01T10:00:00+00:00",
             **ALICE)  # fmt: skip
    g.git("checkout", "-q", "main")
    g.commit({".github/CODEOWNERS": "* @acme/platform\n"}, at="2026-03-05T10:00:00+00:00",
             **ALICE)  # fmt: skip
    b = MirrorBuilder(teams={"web": ["alice"]})
    b.as_of = 24 * 100
    b.files[("web", ".github/CODEOWNERS")] = "* @acme/platform\n"
    b.pull("web", "alice", 24 * 60, base="develop").files = ["app.py"]
    root = b.write(tmp_path / "mirror")
    g.publish(root / "git" / "acme" / "web.git", ("develop",))
    with _served(root, tmp_path, monkeypatch) as (config, wh):
        assert sync(wh, config).failures == ()

    def owner(*args: str) -> tuple[int, object, str]:
        out = miner("--db", "w.duckdb", "owners", "--repo", "web", *args, "--format", "json",
                    "app.py", cwd=tmp_path)  # fmt: skip
        owners = json.loads(out.stdout)[0]["owners"] if out.returncode == 0 else None
        return out.returncode, owners, out.stderr

    assert owner()[:2] == (0, ["@acme/platform"])
    assert owner("--at", "2026-02-20")[:2] == (0, ["@acme/web"])
    assert owner("--at", "2026-03-05T10:00:01Z")[:2] == (0, ["@acme/platform"])
    code, owners, err = owner("--branch", "main", "--at", "2026-01-05T09:00:00Z")
    assert (code, owners) == (0, [])  # none yet: said so, not as if no rule matched
    assert err == (
        "acme/web@main at 2026-01-05T09:00:00Z: no CODEOWNERS in force then: nothing is owned\n"
    )
    code, owners, err = owner("--branch", "develop")
    assert (code, owners) == (0, ["@acme/ops"])
    assert "web@develop:.github/CODEOWNERS:2: skipped" in err
    assert owner("--branch", "develop", "--at", "2026-01-10")[:2] == (0, ["@acme/web"])
    code, _, err = owner("--branch", "release")
    assert code == 2 and "acme/web@release: no CODEOWNERS history of that branch was mined" in err
    assert err.rstrip().endswith("(w.duckdb; branches mined: develop, main)")
    code, _, err = owner("--at", "someday")
    assert code == 2 and "--at 'someday': expected a date or an instant" in err
    alone = miner("--db", "w.duckdb", "owners", "--at", "2026-01-10", "x", cwd=tmp_path)
    assert alone.returncode == 2 and "add --repo" in alone.stderr


def test_a_repo_name_two_orgs_have_is_a_usage_error_naming_both(tmp_path: Path) -> None:
    for org in ("acme", "globex"):
        b = MirrorBuilder(org=org, teams={"web": ["alice"]})
        b.files[("app", "CODEOWNERS")] = "* @x/web\n"
        b.pull("app", "alice", 0)
        mirror = b.write(tmp_path / org)
        assert miner("--db", "w.duckdb", "import", str(mirror), cwd=tmp_path).returncode == 0
    out = miner("--db", "w.duckdb", "owners", "--repo", "app", "a.py", cwd=tmp_path)
    assert out.returncode == 2
    assert "--repo app: which one? acme/app, globex/app: give ORG/NAME" in out.stderr


def test_table_shows_a_long_path_and_long_owners_whole(tmp_path: Path) -> None:
    """The table never cuts a cell short with '…': a path longer than the terminal is folded
    onto more lines, every character kept, as the owners are."""
    long_team = "@acme/" + "platform-infrastructure-" * 4 + "team"
    (tmp_path / "CODEOWNERS").write_text(f"* @acme/web {long_team}\n")
    path = "/".join(["src", *(f"segment{i:02d}" for i in range(14)), "module_file.py"])
    assert len(path) > 120
    out = miner("owners", "--codeowners", "CODEOWNERS", path, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "…" not in out.stdout
    header, *lines = out.stdout.splitlines()
    owners_at, line_at = header.index("owners"), header.index("line")
    # each column's text, its folded pieces joined back
    assert "".join(line[:owners_at].strip() for line in lines) == path
    owners = "".join(line[owners_at:line_at].strip() for line in lines)
    assert owners == "@acme/web" + long_team


def test_a_codeowners_that_cannot_be_read_is_an_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CODEOWNERS the OS will not let miner read (no permission, an I/O error) is one line
    naming the file and why, not a traceback."""
    (tmp_path / ".github").mkdir()
    codeowners = tmp_path / ".github" / "CODEOWNERS"
    codeowners.write_text("* @acme/web\n")

    def refuse(self: Path, *args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_text", refuse)
    with pytest.raises(MinerError, match="Permission denied") as raised:
        owners_lookup.from_checkout(tmp_path)
    assert str(codeowners) in str(raised.value)


def test_checkout_takes_an_absolute_path_inside_it_as_git_does(tmp_path: Path) -> None:
    """An editor or `$PWD/x` gives a file's absolute path: inside the checkout it is that file
    (git takes it so), not a path under the repository's root spelled like the whole of it."""
    repo = GitBuilder(tmp_path / "repo")
    repo.commit({".github/CODEOWNERS": "* @acme/web\n/app/ @acme/app\n", "app/sub/x.py": ""})
    inside = repo.path / "app" / "sub" / "x.py"
    (tmp_path / "link").symlink_to(repo.path)  # the checkout reached through a symlink
    out = miner("owners", "--format", "json", str(inside), str(repo.path / "top.py"), "/app/y.py",
                str(tmp_path / "link" / "app" / "z.py"), cwd=repo.path / "app" / "sub")  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert [(m["path"], m["owners"]) for m in json.loads(out.stdout)] == [
        ("app/sub/x.py", ["@acme/app"]),
        ("top.py", ["@acme/web"]),
        ("app/y.py", ["@acme/app"]),  # not inside the checkout on disk: from its root
        ("app/z.py", ["@acme/app"]),
    ]


def test_a_file_over_three_megabytes_is_reported_as_not_loaded_not_as_a_line_zero(
    tmp_path: Path,
) -> None:
    """GitHub does not load a CODEOWNERS of 3 MB or more at all: the warning names the file and
    says so; there is no line 0 that was 'skipped'."""
    text = "* @acme/web\n" + "# padding\n" * (3 * 1024 * 1024 // 10 + 1)
    (tmp_path / "CODEOWNERS").write_text(text)
    out = miner("owners", "--codeowners", "CODEOWNERS", "--format", "json", "a.py", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [{"path": "a.py", "owners": [], "line": None, "pattern": None}]
    assert out.stderr.splitlines() == [
        "CODEOWNERS: the file is over GitHub's 3 MB limit, so GitHub does not load it at all"
    ]


def test_repo_history_reads_the_file_a_deletion_falls_back_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """main gets docs/CODEOWNERS (`* @acme/docs`) on Jan 5, a root CODEOWNERS (`* @acme/root`,
    which GitHub reads first) on Feb 1, and loses the root one on Mar 1: from then GitHub reads
    docs/CODEOWNERS again, though the commit that made that version changed only the root file."""
    g = GitBuilder(tmp_path / "work")
    g.commit({"app.py": "x\n"}, at="2025-12-01T10:00:00+00:00", **ALICE)
    g.commit({"docs/CODEOWNERS": "* @acme/docs\n"}, at="2026-01-05T10:00:00+00:00", **ALICE)
    g.commit({"CODEOWNERS": "* @acme/root\n"}, at="2026-02-01T10:00:00+00:00", **ALICE)
    g.commit({"CODEOWNERS": None}, at="2026-03-01T10:00:00+00:00", **ALICE)
    b = MirrorBuilder(teams={"web": ["alice"]})
    b.as_of = 24 * 100
    b.files[("web", "docs/CODEOWNERS")] = "* @acme/docs\n"
    b.pull("web", "alice", 24 * 60).files = ["app.py"]
    root = b.write(tmp_path / "mirror")
    g.publish(root / "git" / "acme" / "web.git", ())
    with _served(root, tmp_path, monkeypatch) as (config, wh):
        assert sync(wh, config).failures == ()

    def owners_at(at: str) -> object:
        out = miner("--db", "w.duckdb", "owners", "--repo", "web", "--at", at, "--format",
                    "json", "app.py", cwd=tmp_path)  # fmt: skip
        assert out.returncode == 0, out.stderr
        return [(m["owners"], m["line"]) for m in json.loads(out.stdout)]

    assert owners_at("2026-01-20") == [(["@acme/docs"], 1)]
    assert owners_at("2026-02-20") == [(["@acme/root"], 1)]
    assert owners_at("2026-03-20") == [(["@acme/docs"], 1)]


def test_no_codeowners_where_none_was_given_is_a_usage_error(tmp_path: Path) -> None:
    """Outside a checkout with a CODEOWNERS, and with no --codeowners or --repo, there is
    nothing to look paths up in: a usage error (exit 2), saying what to pass."""
    out = miner("owners", "src/a.py", cwd=tmp_path)
    assert out.returncode == 2, out.stderr
    assert out.stderr == (
        f"Error: {tmp_path}: no CODEOWNERS at .github/CODEOWNERS, CODEOWNERS, docs/CODEOWNERS: "
        "pass --codeowners FILE or --repo ORG/REPO\n"
    )
