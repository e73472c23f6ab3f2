"""`miner owners`: find the CODEOWNERS to ask (a file, a checkout, the warehouse) and print
who owns each path and which line decided it."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from miner.codeowners import Codeowners, LineError, Match, locate, parse
from miner.errors import ConfigError, MinerError, named_there
from miner.ownership import owner_label
from miner.query import INSTANT
from miner.raw import CODEOWNERS_PATHS
from miner.reports.markdown import md
from miner.warehouse import Warehouse

FORMATS = ("table", "md", "json")


@dataclass(frozen=True)
class Lookup(Codeowners):
    """A CODEOWNERS that takes paths as a user types them: from `folder` (the current
    folder's path in the checkout, "" at its root or for a file or a synced repo), with
    `./`, `//` and `..` worked out; an empty path or one leading out of the repository is a
    usage error. In a checkout (`root`: its folder on disk), an absolute path inside it is that
    file, as git takes it."""

    folder: str = ""
    root: str = ""

    def match(self, path: str) -> Match:
        return super().match(repo_path(self._on_disk(path), self.folder))

    def _on_disk(self, path: str) -> str:
        """An absolute path inside the checkout on disk (as it is, or with its symlinks
        resolved) as a path from the repository's root ('/' first); any other path as given."""
        if not self.root or not path.startswith("/"):
            return path
        for candidate in (path, os.path.realpath(path)):
            if candidate == self.root or candidate.startswith(self.root.rstrip("/") + "/"):
                return "/" + candidate[len(self.root) :]
        return path


def repo_path(path: str, folder: str = "") -> str:
    """`path` as a path from the repository's root: a relative one is taken from `folder`, a
    leading '/' is the root, and '.', '..' and empty segments are worked out as a shell would."""
    if not path.strip():
        raise ConfigError(f"PATH {path!r} is empty: give a path in the repository, like docs/a.md")
    parts: list[str] = [] if path.startswith("/") else list(PurePosixPath(folder).parts)
    for part in path.split("/"):
        if part == "..":
            if not parts:
                raise ConfigError(
                    f"PATH {path!r} leads out of the repository: give a path inside it, "
                    "like docs/a.md"
                )
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    if not parts:
        raise ConfigError(
            f"PATH {path!r} is the repository's root, not a path in it: give one like docs/a.md"
        )
    return "/".join(parts)


def from_file(path: Path) -> Lookup:
    return _lookup(parse(_read(path), str(path)))


def from_checkout(folder: Path) -> Lookup:
    """The CODEOWNERS of the git checkout `folder` is in (the nearest folder up from it with a
    .git, else `folder` itself), taking paths from `folder` as git does."""
    root = next((d for d in (folder, *folder.parents) if (d / ".git").exists()), folder)
    found = locate([p for p in CODEOWNERS_PATHS if (root / p).is_file()])
    if found is None:
        # no file given, and none where one was looked for: a usage error (exit 2), as a
        # --repo the warehouse lacks (a CODEOWNERS a synced repo lacks is its state: exit 1)
        raise ConfigError(
            f"{root}: no CODEOWNERS at {', '.join(CODEOWNERS_PATHS)}: "
            "pass --codeowners FILE or --repo ORG/REPO"
        )
    return _lookup(from_file(root / found), folder.relative_to(root).as_posix(), root.as_posix())


def from_warehouse(wh: Warehouse, repo: str, org: str | None = None) -> Lookup:
    """The CODEOWNERS synced for `repo`: ORG/NAME, or NAME of `org` (the config's), else of
    the only org whose repo has that name."""
    repo = _full_name(wh, repo, org)
    found = wh.query(
        "select path, text from repo_files "
        "where repo = ? and path in (?, ?, ?) and text is not null",
        [repo, *CODEOWNERS_PATHS],
    )
    texts = dict(found)
    chosen = locate(texts)
    if chosen is None:
        raise MinerError(f"{repo}: no CODEOWNERS was synced for it ({wh.path})")
    return _lookup(parse(texts[chosen], f"{repo}:{chosen}"))


def from_history(
    wh: Warehouse, repo: str, org: str | None, branch: str | None, at: str | None
) -> Lookup:
    """The CODEOWNERS `repo` had on `branch` (its default branch when None) at `at` (an instant
    or a date; now when None), from the versions a rebuild keeps (codeowners_versions): the
    file the views judged a PR by, ready at that instant into that branch."""
    repo = _full_name(wh, repo, org)
    default = wh.query("select default_branch from repos where repo = ?", [repo])
    stored = None if branch is None or branch == default[0][0] else branch
    instant = None
    if at is not None:
        found = wh.query("select try_cast(? as timestamptz)", [at])[0][0]
        if found is None:
            raise ConfigError(f"--at {at!r}: expected {INSTANT}")
        instant = found
    versions = wh.query(
        "select file, sha, source from codeowners_versions "
        "where repo = ? and branch is not distinct from ? "
        "and (valid_from is null or valid_from <= coalesce(?, now())) "
        "and (valid_to is null or valid_to > coalesce(?, now())) "
        "order by valid_from desc nulls last limit 1",
        [repo, stored, instant, instant],
    )
    on = branch or default[0][0] or "its default branch"  # an empty repo has none
    where = f"{repo}@{on}" + (f" at {at}" if at is not None else "")
    if not versions:
        mined = wh.query(
            "select count(*) from codeowners_versions where repo = ? and branch is not distinct "
            "from ?",
            [repo, stored],
        )[0][0]
        if mined:
            raise MinerError(f"{where}: before the first CODEOWNERS version mined")
        if stored is None:
            raise MinerError(f"{where}: no CODEOWNERS was synced for it ({wh.path})")
        # a --branch the warehouse does not have is a slip of the user's, named with those it has
        branches = [r[0] for r in wh.query(
            "select distinct coalesce(branch, ?) from codeowners_versions where repo = ? "
            "order by 1",
            [default[0][0] or "the default branch", repo],
        )]  # fmt: skip
        raise ConfigError(
            f"{where}: no CODEOWNERS history of that branch was mined (with [git] mirrors, a "
            f"sync mines the branches PRs are based on) ({wh.path}; branches mined: "
            f"{', '.join(branches) or 'none'})"
        )
    file, sha, source = versions[0]
    if file is None:  # no CODEOWNERS in force then: nothing is owned, said as the reason
        return Lookup(
            where, (), (LineError(0, "", "no CODEOWNERS in force then: nothing is owned"),)
        )
    if source == "git":
        # the file's text as that commit left it: its last change along the branch up to that
        # commit, which may be an older one (the commit that made this version may have changed
        # another of the three files: deleting a root CODEOWNERS brings docs/CODEOWNERS back)
        texts = wh.query(
            "select text from raw_git_codeowners where repo = $1 and branch is not distinct "
            "from $2 and path = $3 and seq <= (select max(seq) from raw_git_codeowners where "
            "repo = $1 and branch is not distinct from $2 and sha = $4) order by seq desc limit 1",
            [repo, stored, file, sha],
        )
    else:
        texts = wh.query("select text from repo_files where repo = ? and path = ?", [repo, file])
    return _lookup(parse(str(texts[0][0]) if texts else "", f"{where}:{file}"))


def _lookup(rules: Codeowners, folder: str = "", root: str = "") -> Lookup:
    folder = "" if folder == "." else folder
    return Lookup(rules.source, rules.rules, rules.errors, folder=folder, root=root)


def _full_name(wh: Warehouse, repo: str, org: str | None) -> str:
    """The repo as the warehouse spells it (GitHub's names ignore letter case, as `report
    --repo` does); one it does not hold is a usage error."""
    if "/" in repo or org is not None:
        full = repo if "/" in repo else f"{org}/{repo}"
        names = [r[0] for r in wh.query(
            "select repo from repos where lower(repo) = lower(?)", [full]
        )]  # fmt: skip
    else:
        names = [r[0] for r in wh.query(
            "select repo from repos where lower(split_part(repo, '/', 2)) = lower(?) order by 1",
            [repo],
        )]  # fmt: skip
    if len(names) > 1:
        raise ConfigError(f"--repo {repo}: which one? {', '.join(names)}: give ORG/NAME")
    if not names:
        there = [r[0] for r in wh.query("select repo from repos order by 1")]
        raise ConfigError(
            f"--repo {repo}: no such repo in the warehouse ({wh.path}; "
            f"{named_there('repos', there)})"
        )
    return str(names[0])


def render(matches: Sequence[Match], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(
            [
                {
                    "path": m.path,
                    "owners": [owner_label(o.kind, o.name) for o in m.owners],
                    "line": m.rule.line if m.rule else None,
                    "pattern": m.rule.pattern if m.rule else None,
                }
                for m in matches
            ],
            indent=2,
        )
    rows = [_row(m) for m in matches]
    if fmt == "md":
        return "\n".join(
            [
                "| path | owners | line | pattern |",
                "|---|---|---:|---|",
                *("| " + " | ".join(md(cell) for cell in row) + " |" for row in rows),
            ]
        )
    table = Table(box=None, header_style="bold")
    for header in ("path", "owners", "line", "pattern"):
        # folded, never cut short with '…': the path asked about and its owners are the answer
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
    out = io.StringIO()
    Console(width=120, file=out).print(table)
    return out.getvalue().rstrip()


def _row(m: Match) -> tuple[str, str, str, str]:
    """A match as the table shows it: path, owners, line and pattern."""
    if m.rule is None:
        return m.path, "(no rule matches)", "", ""
    owners = " ".join(owner_label(o.kind, o.name) for o in m.owners)
    return m.path, owners or "(unowned: the line has no owners)", str(m.rule.line), m.rule.pattern


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise MinerError(f"{path}: not UTF-8 text, which GitHub requires of CODEOWNERS") from exc
    except OSError as exc:
        raise MinerError(f"{path}: cannot read it: {exc.strerror or exc}") from exc
