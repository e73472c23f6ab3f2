"""Turn each repo's CODEOWNERS, as it stood over time, into versions and rule rows (with
regexes) that SQL matches paths against.

A repo with a git mirror has one version per change of the CODEOWNERS GitHub would use along
its default branch (GitHub's three locations, the first present wins), each in force from the
commit that made it until the next, and likewise along each other branch its PRs are based on
(METRICS.md: "the one on its base branch"); a repo without one has a single version, the file
fetched from GitHub's API, in force at all times ("from git history where a mirror exists, else
the latest fetched version").

With `[git] mirrors` turned off after syncs that mined a repo, no sync mines it again and its
git history stops at the last mirrored sync, while the API sync goes on fetching the default
branch's CODEOWNERS. Where that file (GitHub's choice of the three, and its text) is not the git
history's latest default-branch version, it follows it as one more version of the default branch
(source 'api', no sha), in force from when the sync fetched it (raw_contents.fetched_at; never
before the version it follows); a CODEOWNERS GitHub no longer has is an empty version from when
the sync dropped it. The fetch is only a bound on when the change was made (some time since the
previous sync), and only the last fetch is kept: a file changed twice since the last mirrored
sync is one version, the later. Other branches' histories stay as mined: the API reads the
default branch alone."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import pyarrow as pa

from miner.codeowners import Codeowners, locate, parse
from miner.collect_git import BRANCH_CODEOWNERS_CURSOR
from miner.config import Config
from miner.raw import CODEOWNERS_PATHS, CONTENTS_PREFIX
from miner.warehouse import Warehouse

# Tables this step writes, and the core tables it reads.
WRITES = ("codeowners_versions", "codeowners_rules", "codeowners_errors")
READS = ("repo_files", "repos")
# (and raw_contents and cursors: when the API's files were fetched, or dropped)

VERSION_SCHEMA = pa.schema(
    [
        ("org", pa.string()),
        ("repo", pa.string()),
        ("version", pa.int32()),
        ("branch", pa.string()),  # NULL: the default branch (or the file fetched from the API)
        ("file", pa.string()),  # NULL: no CODEOWNERS in force then
        ("valid_from", pa.timestamp("us", tz="UTC")),  # NULL: since always
        ("valid_to", pa.timestamp("us", tz="UTC")),  # NULL: still in force
        # the commit that made it (NULL: fetched from the API, or dropped there)
        ("sha", pa.string()),
        ("source", pa.string()),  # git | api
        ("is_latest", pa.bool_()),  # the default branch's version in force now
    ]
)
RULE_SCHEMA = pa.schema(
    [
        ("org", pa.string()),
        ("repo", pa.string()),
        ("version", pa.int32()),
        ("file", pa.string()),
        ("line", pa.int32()),
        ("pattern", pa.string()),
        ("regex", pa.string()),
        ("owners", pa.list_(pa.string())),
    ]
)
ERROR_SCHEMA = pa.schema(
    [
        ("org", pa.string()),
        ("repo", pa.string()),
        ("branch", pa.string()),  # NULL: the default branch (or the file fetched from the API)
        ("file", pa.string()),
        ("line", pa.int32()),
        ("text", pa.string()),
        ("reason", pa.string()),
    ]
)


# A change to a CODEOWNERS file: commit, committed_at (None: git could not date it), path, text.
_Change = tuple[str, datetime | None, str, str | None]


@dataclass(frozen=True)
class _Version:
    file: str | None
    text: str | None
    valid_from: datetime | None
    sha: str | None
    source: str


def write_codeowners_tables(wh: Warehouse, config: Config) -> None:
    """codeowners_versions: one row per CODEOWNERS version of each repo and when it was in
    force; codeowners_rules: one row per valid line of each version; codeowners_errors: one row
    per line that GitHub would skip, with the reason, of the version in force now on each
    branch (the default one, and each base branch mined). With `[git] mirrors` off, the file the
    API last fetched follows a mined default branch's history where it differs from its latest
    version (_follow_api)."""
    api = _api_now(wh)
    # git history wins where mined; elsewhere the file last fetched, in force at all times
    versions: dict[tuple[str, str], dict[str | None, list[_Version]]] = {
        key: {None: [replace(now, valid_from=None)]}
        for key, now in api.items()
        if now.file is not None
    }
    mined = _git_versions(wh)
    if not config.git.mirrors:
        _follow_api(mined, api)
    versions.update(mined)
    cols: dict[str, dict[str, list[object]]] = {
        name: {k: [] for k in schema.names}
        for name, schema in (("v", VERSION_SCHEMA), ("r", RULE_SCHEMA), ("e", ERROR_SCHEMA))
    }
    parsed: dict[tuple[str, str, str], Codeowners] = {}
    for (org, repo), branches in sorted(versions.items()):
        number = 0  # versions are numbered per repo, the default branch's first
        for branch in sorted(branches, key=lambda b: (b is not None, b or "")):
            history = branches[branch]
            for i, v in enumerate(history):
                number += 1
                last = i + 1 == len(history)
                latest = last and branch is None
                valid_to = history[i + 1].valid_from if not last else None
                _append(cols["v"], org, repo, number, branch, v.file, v.valid_from, valid_to,
                        v.sha, v.source, latest)  # fmt: skip
                if v.file is None or v.text is None:
                    continue
                key = (repo, v.file, v.text)
                if key not in parsed:
                    parsed[key] = parse(v.text, f"{repo}:{v.file}")
                for rule in parsed[key].rules:
                    owners = [owner_label(o.kind, o.name) for o in rule.owners]
                    _append(cols["r"], org, repo, number, v.file, rule.line, rule.pattern,
                            rule.regex, owners)  # fmt: skip
                if last:
                    for error in parsed[key].errors:
                        _append(cols["e"], org, repo, branch, v.file, error.line, error.text,
                                error.reason)  # fmt: skip
    for name, data, schema in (
        ("codeowners_versions", cols["v"], VERSION_SCHEMA),
        ("codeowners_rules", cols["r"], RULE_SCHEMA),
        ("codeowners_errors", cols["e"], ERROR_SCHEMA),
    ):
        wh.replace_table(name, pa.table(data, schema=schema))


def _append(columns: dict[str, list[object]], *values: object) -> None:
    for column, value in zip(columns.values(), values, strict=True):
        column.append(value)


def _api_now(wh: Warehouse) -> dict[tuple[str, str], _Version]:
    """Each repo's CODEOWNERS as the API sync saw it last, from when it saw it so: the file
    GitHub reads (the first of its three places with text) from when it was fetched, or, where
    the API holds none now, an empty version from when the last one it held was dropped (its
    contents/ cursor went NULL then). A repo the API never held a CODEOWNERS of has none:
    nothing says when it went."""
    files: dict[tuple[str, str], dict[str, tuple[str | None, datetime]]] = {}
    for org, repo, path, text, at in wh.query(
        "select f.org, f.repo, f.path, f.text, c.fetched_at from repo_files as f "
        "join raw_contents as c on c.org = f.org and c.repo = f.repo and c.parent = f.path "
        "where f.path in (?, ?, ?) order by all",
        list(CODEOWNERS_PATHS),
    ):
        files.setdefault((org, repo), {})[path] = (text, at)
    dropped: dict[tuple[str, str], datetime] = {
        (org, repo): at
        for org, repo, at in wh.query(
            "select org, repo, max(updated_at) from cursors "
            "where resource in (?, ?, ?) and value is null group by org, repo",
            [f"{CONTENTS_PREFIX}{path}" for path in CODEOWNERS_PATHS],
        )
    }
    out: dict[tuple[str, str], _Version] = {}
    for key in files.keys() | dropped.keys():
        found = files.get(key, {})
        chosen = locate([p for p, (t, _) in found.items() if t is not None])
        if chosen is not None:
            text, at = found[chosen]
            out[key] = _Version(chosen, text, at, None, "api")
            continue
        # none GitHub reads as text: since the last drop, or the fetch of a file with no text
        times = [at for _, at in found.values()] + ([dropped[key]] if key in dropped else [])
        out[key] = _Version(None, None, max(times), None, "api")
    return out


def _follow_api(
    mined: dict[tuple[str, str], dict[str | None, list[_Version]]],
    api: dict[tuple[str, str], _Version],
) -> None:
    """Append to each mined default branch's history the API's CODEOWNERS (_api_now) where it
    is not the history's latest version (file and text): a change made on GitHub since the last
    mirrored sync, in force from its fetch, never before the version it follows."""
    for key, branches in mined.items():
        history = branches.get(None)
        now = api.get(key)
        if not history or now is None:
            continue
        last = history[-1]
        if (now.file, now.text) == (last.file, last.text):
            continue
        at = now.valid_from
        if last.valid_from is not None and at is not None and at < last.valid_from:
            at = last.valid_from
        history.append(_Version(now.file, now.text, at, None, "api"))


def _git_versions(wh: Warehouse) -> dict[tuple[str, str], dict[str | None, list[_Version]]]:
    """Each mined repo's CODEOWNERS after every commit of its default branch (None) that changed
    one, oldest first, and likewise of each other branch mined for the PRs based on it;
    consecutive commits leaving the file GitHub uses unchanged are one version. A branch that
    never had a CODEOWNERS has a single empty version. A branch mined as another's base that
    is the default branch now is left out: the default branch's own history, mined at every
    sync, is its history now."""
    mined = {(org, repo): {None} for org, repo in wh.query(
        "select distinct org, repo from raw_git_commits"
    )}  # fmt: skip
    for org, repo, resource in wh.query(
        "select c.org, c.repo, c.resource from cursors as c "
        "left join repos as r on r.org = c.org and r.repo = c.repo "
        "where starts_with(c.resource, $1) and c.resource is distinct from $1 || r.default_branch",
        [BRANCH_CODEOWNERS_CURSOR],
    ):
        if (org, repo) in mined:
            mined[(org, repo)].add(resource.removeprefix(BRANCH_CODEOWNERS_CURSOR))
    changes: dict[tuple[str, str, str | None], list[_Change]] = {}
    for org, repo, branch, sha, at, path, text in wh.query(
        "select org, repo, branch, sha, committed_at, path, text from raw_git_codeowners "
        "order by org, repo, branch nulls first, seq, path"
    ):
        changes.setdefault((org, repo, branch), []).append((sha, at, path, text))
    return {
        key: {branch: _history(changes.get((*key, branch), [])) for branch in branches}
        for key, branches in mined.items()
    }


def _history(rows: list[_Change]) -> list[_Version]:
    """The versions of the CODEOWNERS GitHub uses along one branch, from the changes to any of
    its three files (sha, committed_at, path, new text), oldest first. A change git could not
    date (committed_at NULL) counts from when the version before it did (that one then lasted
    no time), as one whose clock went back does; the first of all, since always."""
    state: dict[str, str | None] = {}
    history: list[_Version] = []
    for i, (sha, at, path, text) in enumerate(rows):
        state[path] = text
        if i + 1 < len(rows) and rows[i + 1][0] == sha:
            continue  # the commit changes more files: take them all first
        chosen = locate([p for p, t in state.items() if t is not None])
        text_used = state.get(chosen) if chosen else None
        if history and (history[-1].file, history[-1].text) == (chosen, text_used):
            continue
        before = history[-1].valid_from if history else None
        if at is None or (before is not None and at < before):
            at = before  # undated, or a clock gone back: versions never overlap
        history.append(_Version(chosen, text_used, at, sha, "git"))
    if not history:
        history.append(_Version(None, None, None, None, "git"))
    elif history[0].file is not None and history[0].valid_from is not None:
        # before the first commit that made one, there was no CODEOWNERS (unless that commit
        # has no date: its version is then in force since always)
        history.insert(0, _Version(None, None, None, None, "git"))
    return history


def owner_label(kind: str, name: str) -> str:
    """How an owner is written in CODEOWNERS: @user, @org/team, or the e-mail address."""
    return name if kind == "email" else f"@{name}"
