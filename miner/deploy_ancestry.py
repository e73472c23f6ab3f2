"""Which commits each production deploy newly shipped, by git ancestry: a rebuild step, since
only the repos' mirrors know which commit is an ancestor of which.

A repo's successful production deploys are taken in the order they happened; a deploy ships the
commits reachable from its commit and from no earlier deploy's commit (`git rev-list D ^E1 ^E2
...`), so each commit is shipped by exactly one deploy, the first whose commit contains it
(METRICS.md: "the first production deploy whose commit has the merge commit as an ancestor").
A rollback to an older commit ships nothing; the deploy after it ships only what no deploy
shipped before. Deploys of commits the mirror does not have (a branch never fetched, history
rewritten since) ship nothing and are skipped."""

from __future__ import annotations

from collections.abc import Iterable

import git
import pyarrow as pa

from miner.config import Config
from miner.errors import counted
from miner.git_mirror import git_with_input, is_mirror, mirror_path
from miner.warehouse import Warehouse

# The table this step writes, and the core table it reads.
WRITES = ("deploy_commits",)
READS = ("production_deploys",)

# Past this many earlier deploy commits, they are reduced to those no other one contains.
_MAX_NEGATIVES = 32

SCHEMA = pa.schema(
    [
        ("org", pa.string()),
        ("repo", pa.string()),
        ("deploy_id", pa.string()),
        ("sha", pa.string()),
    ]
)


def write_deploy_commits(wh: Warehouse, config: Config) -> None:
    """deploy_commits: one row per (repo, deploy, commit) the deploy newly shipped."""
    cache = config.git.cache_folder(wh.path)
    deploys: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for org, repo, deploy_id, sha in wh.query(
        "select org, repo, deploy_id, sha from production_deploys where sha is not null "
        "order by org, repo, deployed_at, deploy_id"
    ):
        deploys.setdefault((org, repo), []).append((deploy_id, sha))
    rows: dict[str, list[str]] = {name: [] for name in SCHEMA.names}
    for (org, repo), ordered in deploys.items():
        path = mirror_path(cache, repo)
        if not is_mirror(path):
            continue
        for deploy_id, shipped in shipped_commits(git.Repo(path), ordered):
            for sha in shipped:
                rows["org"].append(org)
                rows["repo"].append(repo)
                rows["deploy_id"].append(deploy_id)
                rows["sha"].append(sha)
    wh.replace_table("deploy_commits", pa.table(rows, schema=SCHEMA))


# How many repos a warning about deploys without a mirror names.
_REPOS_NAMED = 5


def unmirrored(wh: Warehouse, config: Config) -> str | None:
    """A note when production deploys sit in repos with no git mirror: which PRs a deploy
    shipped comes from ancestry alone, so those repos' lead times, deploy phases and deploy
    courts are empty, and a user who turned [deploys] on would otherwise see nothing."""
    cache = config.git.cache_folder(wh.path)
    repos = [
        str(repo)
        for (repo,) in wh.query(
            "select distinct repo from production_deploys where sha is not null order by repo"
        )
        if not is_mirror(mirror_path(cache, str(repo)))
    ]
    if not repos:
        return None
    named = ", ".join(repos[:_REPOS_NAMED]) + (
        f" and {len(repos) - _REPOS_NAMED} more" if len(repos) > _REPOS_NAMED else ""
    )
    fix = "sync" if config.git.mirrors else "set [git] mirrors = true and sync"
    return (
        f"note: {counted(len(repos), 'repo')} with production deploys but no "
        f"git mirror in {cache} ({named}): which PRs a deploy shipped comes from git ancestry, "
        f"so their deploy lead times are empty; {fix}"
    )


def shipped_commits(
    repo: git.Repo, deploys: list[tuple[str, str]]
) -> Iterable[tuple[str, list[str]]]:
    """For each (deploy_id, sha) in the order deployed: the commits it newly shipped."""
    known = _commits_present(repo, [sha for _, sha in deploys])
    earlier: list[str] = []
    for deploy_id, sha in deploys:
        if sha not in known or sha in earlier:
            continue
        out = _with_input(repo, ["rev-list", "--stdin"], [sha, *(f"^{e}" for e in earlier)])
        earlier.append(sha)
        if len(earlier) > _MAX_NEGATIVES:
            # the earlier deploys none of the others contains stand for them all
            earlier = str(repo.git.merge_base("--independent", *earlier)).split()
        yield deploy_id, out.split()


def _commits_present(repo: git.Repo, shas: list[str]) -> set[str]:
    out = _with_input(repo, ["cat-file", "--batch-check"], [f"{s}^{{commit}}" for s in shas])
    return {line.split()[0] for line in out.splitlines() if not line.endswith(" missing")}


def _with_input(repo: git.Repo, args: list[str], lines: list[str]) -> str:
    return git_with_input(repo, args, "".join(f"{line}\n" for line in lines).encode())
