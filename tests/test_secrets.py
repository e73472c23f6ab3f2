"""The token never leaves the process that uses it: after `miner sync` as a user runs it (git
mirrors on), it is in no byte of the warehouse, the mirrors or anything miner printed, nor in
any report format; a wrong token's error does not echo it either."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from miner.fixtures_server import FixtureServer

TOKEN = "ghp_secretTokenThatMustNeverLeak0123456789"
MINER = [sys.executable, "-c", "from miner.cli import main; main()"]


def _miner(cwd: Path, *args: str, token: str = TOKEN) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GH_TOKEN")}
    return subprocess.run(
        [*MINER, *args], cwd=cwd, capture_output=True, timeout=600, check=False,
        env={**env, "GITHUB_TOKEN": token, "COLUMNS": "120"},
    )  # fmt: skip


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


@pytest.fixture(scope="module")
def served(small_org: Path) -> Path:
    return small_org


def test_the_token_is_nowhere_after_a_sync_and_every_report(served: Path, tmp_path: Path) -> None:
    printed: list[bytes] = []
    with FixtureServer(served, token=TOKEN, port=0) as server:
        (tmp_path / "miner.toml").write_text(
            f'[github]\norg = "acme"\napi_url = "{server.url}"\n\n[git]\nmirrors = true\n'
        )
        out = _miner(tmp_path, "sync")
        assert out.returncode == 0, out.stderr.decode()
        printed += [out.stdout, out.stderr]
        # a second sync, which fetches the mirrors again and records another run
        again = _miner(tmp_path, "sync")
        assert again.returncode == 0, again.stderr.decode()
        printed += [again.stdout, again.stderr]
    for fmt in ("table", "md", "html", "json", "csv"):
        report = _miner(tmp_path, "report", "--format", fmt)
        assert report.returncode == 0, report.stderr.decode()
        assert len(report.stdout) > 1000
        printed += [report.stdout, report.stderr]
    runs = _miner(tmp_path, "query", "--sql", "select * from sync_runs", "--format", "json")
    printed += [runs.stdout, runs.stderr]
    recorded = json.loads(runs.stdout)
    # each run: its status, requests, GraphQL points spent and repos that failed
    assert [(r["status"], r["repos_failed"]) for r in recorded] == [("ok", 0), ("ok", 0)]
    assert recorded[0]["points"] > 0 and recorded[0]["requests"] > recorded[1]["requests"]
    for text in printed:
        assert TOKEN.encode() not in text
    stored = _files(tmp_path)
    # the warehouse, its write-ahead log and spill folder if any, the bare mirrors
    assert any(p.suffix == ".duckdb" for p in stored)
    assert any(p.name == "HEAD" for p in stored)  # the mirrors are there to search
    for path in stored:
        assert TOKEN.encode() not in path.read_bytes(), path


def test_a_wrong_token_is_refused_without_echoing_it(served: Path, tmp_path: Path) -> None:
    with FixtureServer(served, token=TOKEN, port=0) as server:
        (tmp_path / "miner.toml").write_text(f'[github]\norg = "acme"\napi_url = "{server.url}"\n')
        wrong = TOKEN[:-4] + "XXXX"
        out = _miner(tmp_path, "sync", token=wrong)
    assert out.returncode == 1
    # whose credentials GitHub refused, and what to do: a cron user sees this line alone (the
    # first sync's question, before the warehouse is made)
    assert out.stderr.decode() == (
        "Error: GET /orgs/acme: 401 Bad credentials: GitHub refused the credentials from "
        "$GITHUB_TOKEN: renew them (`miner doctor` checks them)\n"
    )
    assert wrong.encode() not in out.stderr + out.stdout
    assert b"Traceback" not in out.stderr


@pytest.mark.parametrize(
    ("text", "token", "scrubbed"),
    [
        # a GitHub token goes wherever it appears, even run into other characters
        (f"https://x-access-token:{TOKEN}@host/acme/web.git", TOKEN,
         "https://x-access-token:***@host/acme/web.git"),
        (f"sent token{TOKEN}x", TOKEN, "sent token***x"),
        # a short one (a test server's) only where it stands as a word: the rest of the message
        # stays readable
        ("GET https://x-access-token:x@example/x: fix x", "x",
         "GET https://x-access-token:***@example/***: fix ***"),
        ("acme/ci-bot on the ci branch, ci.yml", "ci", "acme/ci-bot on the *** branch, ci.yml"),
        # as Python quotes it in an error: the HTTP library's about a header
        ("Invalid header value: 'token sekrit-token-1\\nx'", "sekrit-token-1\nx",
         "Invalid header value: 'token ***'"),
        ("nothing to hide", None, "nothing to hide"),
        ("nothing to hide", "", "nothing to hide"),
    ],
)  # fmt: skip
def test_scrub_writes_the_token_as_stars_and_leaves_the_rest(
    text: str, token: str | None, scrubbed: str
) -> None:
    from miner.errors import scrub

    assert scrub(text, token) == scrubbed
