"""`miner owners`: who owns each path, from a file, a checkout or the warehouse."""

from __future__ import annotations

import json
from pathlib import Path

from tests.mirror_builder import MirrorBuilder
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
        {"path": "auth/login.py", "owners": ["@acme/security", "@pat"], "line": 2},
        {"path": "auth/vendor/x.js", "owners": [], "line": 3},
        {"path": "docs/a.md", "owners": ["docs@example.com"], "line": 4},
    ]
    assert "CODEOWNERS:5: skipped" in out.stderr


def test_no_rule_matching_gives_empty_owners_and_null_line(tmp_path: Path) -> None:
    (tmp_path / "CODEOWNERS").write_text("docs/ @acme/docs\n")
    out = miner(
        "owners", "--codeowners", "CODEOWNERS", "--format", "json", "src/a.py", cwd=tmp_path
    )
    assert json.loads(out.stdout) == [{"path": "src/a.py", "owners": [], "line": None}]


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
        {"path": "auth/a.py", "owners": ["@acme/security", "@pat"], "line": 2}
    ]
    missing = miner("--db", "w.duckdb", "owners", "--repo", "acme/zzz", "x", cwd=tmp_path)
    assert missing.returncode == 1 and "acme/zzz: no such repo" in missing.stderr


def test_markdown_is_a_table_with_a_header_rule_and_escaped_cells(tmp_path: Path) -> None:
    (tmp_path / "CODEOWNERS").write_text(CODEOWNERS)
    out = miner("owners", "--codeowners", "CODEOWNERS", "--format", "md", "auth/a|b.py", "x.py",
                cwd=tmp_path)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "| path | owners | line | pattern |",
        "|---|---|---:|---|",
        "| auth/a\\|b.py | @acme/security @pat | 2 | /auth/ |",
        "| x.py | @acme/web | 1 | \\* |",
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
    assert missing.returncode == 1 and "web: no such repo in the warehouse" in missing.stderr
