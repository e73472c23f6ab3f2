"""The sample org's git repositories: merge commits that are the PRs' merge_commit_sha, synced
through the local server into mirrors, and deploy_lead_time against the generator's truth
(worked out from positions on main, not from git)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import git

from miner.config import Config
from miner.sample_org import LEAD_TIME_TRUTH, TRUTH_DIR
from miner.warehouse import Warehouse


def _pulls(root: Path, repo: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(
        (root / "repos" / "acme" / repo / "pulls.json").read_text(encoding="utf-8")
    )
    return data


def test_merge_commits_are_the_prs_merge_commit_shas(sample_org: Path) -> None:
    checked = 0
    for bare in sorted((sample_org / "git" / "acme").glob("*.git")):
        repo = git.Repo(bare)
        main = {c.hexsha: c for c in repo.iter_commits("main")}
        for pull in _pulls(sample_org, bare.name.removesuffix(".git")):
            assert pull["base"]["sha"] in main  # main's tip when the PR was opened
            if not pull["merged_at"]:
                continue
            commit = main[pull["merge_commit_sha"]]
            assert commit.committed_datetime.isoformat().replace("+00:00", "Z") == pull["merged_at"]
            email = str(commit.author.email)
            assert email.endswith(f"+{pull['user']['login']}@users.noreply.github.com")
            assert str(commit.message).endswith(f"(#{pull['number']})")
            checked += 1
    assert checked > 1000


def test_deploy_lead_time_is_the_generators_truth(sample_org: Path, synced: Path) -> None:
    with (sample_org / TRUTH_DIR / LEAD_TIME_TRUTH).open(newline="") as handle:
        truth = {
            (row["repo"], int(row["pr_number"])): (
                int(row["deployment_id"]) if row["deployment_id"] else None,
                row["deployed_at"] or None,
            )
            for row in csv.DictReader(handle)
        }
    with Warehouse.open(synced, read_only=True) as wh:
        rows = wh.query(
            "select repo, pr_number, deploy_id, "
            "strftime(deployed_at at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ') "
            "from deploy_lead_time"
        )
    got = {
        (repo, number): (int(deploy.removeprefix("deployment:")) if deploy else None, at)
        for repo, number, deploy, at in rows
    }
    assert got == truth
    assert sum(1 for d, _ in truth.values() if d) > 500  # most merged PRs reached production


def test_every_commit_author_is_tied_to_a_login(synced: Path) -> None:
    with Warehouse.open(synced, read_only=True) as wh:
        assert wh.query("select count(*) from commits where author is null") == [(0,)]
        assert wh.query("select count(distinct repo) from commits") == [(12,)]


def test_codeowners_from_git_give_the_handoffs_the_api_file_gives(
    sample_org: Path, synced: Path, tmp_path: Path
) -> None:
    """The sample's CODEOWNERS never changes after the first commit: judged by git history or by
    the file GitHub serves, every PR has the same owners."""
    with Warehouse.open(synced, read_only=True) as wh:
        by_git = wh.query("select * from ownership_handoffs order by repo, pr_number")
        versions = wh.query(
            "select repo, count(*), count(file) from codeowners_versions group by 1 order by 1"
        )
    # per repo: the empty version before the first commit, then the one it made
    assert {(count, files) for _, count, files in versions} == {(2, 1)}
    from miner.sync import import_mirror

    with Warehouse.open(tmp_path / "api.duckdb") as wh:
        import_mirror(wh, Config(), sample_org)
        by_api = wh.query("select * from ownership_handoffs order by repo, pr_number")
    assert by_git == by_api
