"""The git collector: brings a repo's mirror up to date and yields the commits not mined yet.

It never opens the warehouse: the sync hands it the tip mined last time (a cursor) and stores
what it yields (STYLE.md: fetch and save are separate)."""

from __future__ import annotations

import logging
import posixpath
import re
import shutil
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import git
import pyarrow as pa

from miner.git_history import HistoryChunk, stream_history
from miner.git_mirror import (
    clone_url,
    is_mirror,
    mirror_path,
    update_mirror,
    use_default_branch,
)
from miner.manifests import kind_of, parse
from miner.raw import CODEOWNERS_PATHS

_log = logging.getLogger(__name__)

# The cursor resource holding the default-branch commit a repo's history was mined up to.
HISTORY_CURSOR = "git/history"
# The cursor resource, followed by the branch's name, holding the commit another branch's
# CODEOWNERS history was mined up to (a branch PRs are based on: METRICS.md judges a PR by the
# CODEOWNERS on its base branch).
BRANCH_CODEOWNERS_CURSOR = "git/codeowners/"
# The cursor resource holding the CODEOWNERS commits git cannot date whose warning a sync showed
# (their ids, space-separated): a sync whose log leaves warnings out (--quiet) told no one.
UNDATED_TOLD_CURSOR = "git/codeowners-undated-told"


@dataclass(frozen=True)
class NewHistory:
    """What a repo's default branch gained since `tip` was last mined. `replace`: the branch
    was rewritten (or emptied), or its .mailmap changed, so what was stored of it goes and
    `chunks` is all of it."""

    tip: str | None
    replace: bool
    chunks: Iterator[HistoryChunk] = field(default_factory=lambda: iter(()))


class GitCollector:
    """Mirrors under `cache` (one bare repository per ORG/REPO.git), fetched from the GitHub
    at `api_url` with `token`: a token, or a function giving the token to use now (a GitHub
    App's installation token is renewed as it nears its expiry, an hour after it was made)."""

    def __init__(
        self, cache: Path, api_url: str, token: str | Callable[[], str | None] | None
    ) -> None:
        self.cache, self.api_url = cache, api_url
        self.token: Callable[[], str | None] = token if callable(token) else (lambda: token)

    def mirror(self, full_name: str, default_branch: str | None = None) -> git.Repo:
        """The repo's mirror, fetched now, its HEAD on `default_branch` (GitHub's name for it;
        None: the HEAD the clone found)."""
        url = clone_url(self.api_url, full_name)
        repo = update_mirror(url, mirror_path(self.cache, full_name), self.token(), full_name)
        use_default_branch(repo, default_branch, full_name)
        return repo

    def follow_rename(self, old: str, new: str) -> None:
        """Move the mirror of a repo renamed on GitHub to its new name (not cloned again). The
        sync calls this only for an old name no repo holds now; when a mirror is under the new
        name already (the repo was cloned again there by a miner that did not follow renames),
        the one under the old name is stale and goes. A move that fails is told, and the repo
        is cloned under its new name."""
        source, target = mirror_path(self.cache, old), mirror_path(self.cache, new)
        if not is_mirror(source):
            return
        if target.exists():
            try:
                shutil.rmtree(source)
            except OSError as exc:
                _log.warning("%s: the stale mirror %s could not go (%s)", new, source, exc)
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            source.rename(target)
        except OSError as exc:
            _log.warning("%s: its mirror could not move to %s (%s): cloned anew", new, target, exc)

    def new_history(
        self, full_name: str, mined: str | None, default_branch: str | None = None
    ) -> NewHistory:
        """Fetch the mirror, then the default branch's commits not reachable from `mined`."""
        return self.history_since(self.mirror(full_name, default_branch), mined)

    @staticmethod
    def history_since(repo: git.Repo, mined: str | None) -> NewHistory:
        """The default branch's commits not reachable from `mined`, in a mirror as it is."""
        tip = default_tip(repo)
        if tip is None:  # an empty repository: nothing to mine, and nothing of it stays
            return NewHistory(None, replace=mined is not None)
        if tip == mined:
            return NewHistory(tip, replace=False)
        if (
            mined is not None
            and _is_ancestor(repo, mined, tip)
            and not _mailmap_changed(repo, mined, tip)
        ):
            return NewHistory(tip, False, stream_history(repo, tip, exclude=[mined]))
        # rewritten, or its .mailmap changed: git maps the addresses of every commit anew
        return NewHistory(tip, True, stream_history(repo, tip))


TAG_SCHEMA = pa.schema([("tag", pa.string()), ("sha", pa.string()), ("tagged_at", pa.string())])
# name, the commit an annotated tag points at (empty for a lightweight one), the object the ref
# names, the tagger's date (annotated) and the commit's date (lightweight)
_TAG_FORMAT = "%00".join(
    (
        "%(refname:strip=2)",
        "%(objecttype)",
        "%(objectname)",
        "%(*objecttype)",
        "%(*objectname)",
        "%(taggerdate:iso-strict)",
        "%(committerdate:iso-strict)",
    )
)


def tags(repo: git.Repo) -> pa.Table:
    """The repository's tags that point at commits: name, commit and when it was tagged."""
    rows: dict[str, list[str]] = {"tag": [], "sha": [], "tagged_at": []}
    out = repo.git.for_each_ref("refs/tags", f"--format={_TAG_FORMAT}")
    for line in _ref_lines(out):
        name, kind, target, peeled_kind, peeled, tagger_date, commit_date = line.split("\0")
        if kind == "commit":  # a lightweight tag: the commit's date
            sha, at = target, commit_date
        elif kind == "tag" and peeled_kind == "commit":  # annotated: when it was tagged
            sha, at = peeled, tagger_date or commit_date
        else:
            continue  # a tag of a tree, a blob or another tag: no commit to deploy
        if not at:
            continue
        rows["tag"].append(_text(name))
        rows["sha"].append(sha)
        rows["tagged_at"].append(at)
    return pa.table(rows, schema=TAG_SCHEMA)


CODEOWNERS_SCHEMA = pa.schema(
    [
        ("sha", pa.string()),
        ("committed_at", pa.string()),
        ("path", pa.string()),
        ("text", pa.string()),  # NULL: the commit deleted the file
        ("seq", pa.int32()),  # the commit's place on the first-parent line, oldest 0
    ]
)


def codeowners_history(
    repo: git.Repo, tip: str, name: str = "", told: Collection[str] = ()
) -> pa.Table:
    """Every change to a CODEOWNERS file (any of GitHub's three locations) along a branch's
    first-parent line up to its tip `tip`: the commit, its date and the file's new text. The
    first-parent line is the branch as it stood: each of its commits was its tip for a while.
    A commit git cannot date (before 1970, a time zone out of range) has no date, said in the
    log as the repo `name`'s (ownership.py dates its version from the one before it), unless
    it is among `told`: the history is read whole whenever the tip moves, and a commit mined
    before was said then."""
    # -m is a merge's changes against its first parent (git < 2.31 shows none without it) in
    # the form log.diffMerges names: a user's `combined` would show none of a file the merge
    # took whole from its second parent, so it is set here (git before 2.31 has no such key)
    out = repo.git(c="log.diffMerges=first-parent").log(
        "--first-parent",
        "--no-show-signature",  # gpg's words on signed commits would be among the records
        "-m",
        "--root",  # a CODEOWNERS the first commit made, whatever the user's log.showRoot says
        # \x1e and \x1f split what no name or message is in: an id, a date and --raw lines,
        # whose paths git quotes with each control byte as \ooo (core.quotePath or not)
        "--format=%x1e%H%x1f%cI",
        "--raw",
        "--no-abbrev",
        "--no-renames",
        tip,
        "--",
        *CODEOWNERS_PATHS,
    )
    rows: dict[str, list[str | int | None]] = {name: [] for name in CODEOWNERS_SCHEMA.names}
    texts: dict[str, str] = {}
    records = [r for r in out.split("\x1e") if r.partition("\n")[0]]
    for index, record in enumerate(records):
        head, _, body = record.partition("\n")
        sha, at = head.split("\x1f")
        committed_at = at if _is_date(at) else None
        if committed_at is None and sha not in told:
            _log.warning(
                "%s: commit %s changed CODEOWNERS with a date git cannot print (%r): that "
                "version counts from when the one before it did",
                name or repo.git_dir, sha[:12], at,
            )  # fmt: skip
        seq = len(records) - 1 - index  # git lists the newest first
        for line in body.splitlines():
            if not line.startswith(":"):
                continue
            meta, _, path = line.partition("\t")
            blob, status = meta.split()[3], meta.split()[4]
            text = None
            if not status.startswith("D"):
                if blob not in texts:
                    data = repo.odb.stream(bytes.fromhex(blob)).read()
                    texts[blob] = data.decode("utf-8", "replace")
                text = texts[blob]
            for name, value in zip(
                CODEOWNERS_SCHEMA.names, (sha, committed_at, path, text, seq), strict=True
            ):
                rows[name].append(value)
    return pa.table(rows, schema=CODEOWNERS_SCHEMA)


def _is_date(text: str) -> bool:
    """Whether git printed a date (for one it cannot print: the placeholder itself, or an
    offset no time can have, such as +999:99)."""
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


MANIFEST_SCHEMA = pa.schema([("path", pa.string()), ("sha", pa.string()), ("text", pa.string())])
TREE_SCHEMA = pa.schema([("path", pa.string())])
# The manifest a workspace member has, by the kind of the root manifest naming the members.
_MEMBER_FILES = {
    "package.json": ("package.json",),
    "pnpm-workspace": ("package.json",),
    "cargo": ("Cargo.toml",),
    # a member's hatch.toml holds Hatch's environments beside its pyproject.toml
    "pyproject": ("pyproject.toml", "hatch.toml"),
    "go.work": ("go.mod",),
    "pom": ("pom.xml",),
    "gradle-settings": ("build.gradle", "build.gradle.kts"),
}
# A Gradle build's version catalog, where `gradle init` puts it: its libraries are what the
# build scripts' `libs.NAME` stand for.
_GRADLE_CATALOG = ("gradle", "libs.versions.toml")


def workspace_manifests(repo: git.Repo, tip: str) -> pa.Table:
    """The manifests of the workspace members the root manifests at `tip` name (npm, pnpm,
    Cargo and uv workspaces, a Go workspace's `use` folders, Maven modules: globs of folders;
    a glob led by `!`, or an `exclude`, leaves folders out; a Maven module's own modules count
    too), read from git: the API
    collectors read only the root, and a folder listing per member would cost a request each."""
    # -z: paths as they are (git quotes names with unusual characters otherwise)
    root = set(repo.git.ls_tree("-z", "--name-only", tip).split("\0")) - {""}
    wanted: list[tuple[str, str]] = []  # (member glob, manifest file name)
    for name in sorted(root):
        kind = kind_of(name)
        if kind in _MEMBER_FILES:
            wanted += _member_globs("", name, repo.git.show(f"{tip}:{name}"))
        if kind in ("gradle", "gradle-settings") and _GRADLE_CATALOG not in wanted:
            wanted.append(_GRADLE_CATALOG)
    rows: dict[str, list[str]] = {n: [] for n in MANIFEST_SCHEMA.names}
    if not wanted:
        return pa.table(rows, schema=MANIFEST_SCHEMA)
    files: dict[str, str] = {}  # path: blob sha, of every manifest a member could have
    names = {file for _, file in wanted}
    for line in filter(None, repo.git.ls_tree("-r", "-z", "--full-tree", tip).split("\0")):
        meta, _, path = line.partition("\t")
        if "/" in path and path.rpartition("/")[2] in names:
            files[path] = meta.split()[2]
    found: dict[str, str] = {}  # member manifest path: its text
    while True:
        is_member = _member_test(wanted)
        more = [path for path in files if path not in found and is_member(path)]
        if not more:
            break
        for path in more:
            found[path] = (
                repo.odb.stream(bytes.fromhex(files[path])).read().decode("utf-8", "replace")
            )
            if path.endswith("/pom.xml"):  # a module that is itself a parent of modules
                wanted += _member_globs(path.rpartition("/")[0] + "/", path, found[path])
    for path in sorted(found):
        for key, value in zip(MANIFEST_SCHEMA.names, (_text(path), files[path], found[path]),
                              strict=True):  # fmt: skip
            rows[key].append(value)
    return pa.table(rows, schema=MANIFEST_SCHEMA)


def _member_globs(folder: str, path: str, text: str) -> list[tuple[str, str]]:
    """(glob, manifest file) of the members the manifest at `path` names, under `folder`; an
    exclusion keeps its leading `!`. A manifest that does not parse names none."""
    files = _MEMBER_FILES[kind_of(path) or ""]
    globs = []
    for member in parse(path, text).members:
        excluded = member.startswith("!")
        # a module at "./core" or "../tools/x": the path from the repo's root, or none outside
        glob = posixpath.normpath(f"{folder}{member.removeprefix('!')}")
        if glob not in (".", "..") and not glob.startswith("../"):
            globs += [("!" + glob if excluded else glob, file) for file in files]
    return globs


def _member_test(wanted: list[tuple[str, str]]) -> Callable[[str], bool]:
    """Whether a manifest's path is a member's: its folder matches a glob naming its file
    name, and no exclusion. Globs without wildcards (Maven's modules, mostly) are looked up,
    not matched, so a tree of many modules stays quick."""
    exact: dict[tuple[str, bool], set[str]] = {}
    patterns: dict[tuple[str, bool], list[re.Pattern[str]]] = {}
    for glob, file in wanted:
        excluded = glob.startswith("!")
        glob = glob.removeprefix("!").strip("/")
        if any(c in glob for c in "*?["):
            patterns.setdefault((file, excluded), []).append(_folder_glob(glob))
        else:
            exact.setdefault((file, excluded), set()).add(glob)

    def matches(folder: str, file: str, excluded: bool) -> bool:
        return folder in exact.get((file, excluded), ()) or any(
            g.fullmatch(folder) for g in patterns.get((file, excluded), ())
        )

    def test(path: str) -> bool:
        folder, _, file = path.rpartition("/")
        # an exclusion covers the folders below it too (Cargo's `exclude` is a path prefix)
        parts = folder.split("/")
        above = ("/".join(parts[:n]) for n in range(1, len(parts) + 1))
        return matches(folder, file, False) and not any(matches(f, file, True) for f in above)

    return test


def _folder_glob(glob: str) -> re.Pattern[str]:
    """A workspace glob as npm, pnpm, Cargo and uv read it: `*` and `?` within one folder name,
    `[...]` one character of a set, a `**` folder any number of folders, none included
    (`packages/**` is packages too, `**/test` a top-level test)."""
    parts = glob.split("/")
    if parts == ["**"]:
        return re.compile(".+")  # every folder, at any depth
    out = ""
    for n, part in enumerate(parts):
        if part == "**":
            out += "(?:.*/)?" if n == 0 else "(?:/.*)?"
            continue
        name = _glob_name(part)
        out += name if n == 0 or out.endswith("(?:.*/)?") else "/" + name
    try:
        return re.compile(out)
    except re.error:  # a `[` never closed: the glob names that folder as written
        return re.compile(re.escape(glob))


def _glob_name(part: str) -> str:
    """One folder name of a glob as a regex: `*` and `?` within the name, a `[...]` set (`!`
    or `^` first negating it, ranges as written), every other character as itself."""
    out, i = "", 0
    while i < len(part):
        c = part[i]
        close = part.find("]", i + 2) if c == "[" else -1
        if close != -1:
            inner = part[i + 1 : close]
            negated = inner[:1] in ("!", "^")
            body = inner[1:] if negated else inner
            out += "[" + ("^" if negated else "") + body.replace("\\", "\\\\") + "]"
            i = close + 1
            continue
        out += "[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c)
        i += 1
    return out


def _text(name: str) -> str:
    """A path or ref name as GitPython read it (bytes that are not UTF-8 kept as surrogates,
    which no table can hold) with each of those bytes as \\xNN, as the history's paths have
    them: two names differing only in such bytes stay apart."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def branch_tips(repo: git.Repo) -> dict[str, str]:
    """Each branch of the mirror, by name, and the commit it points at."""
    out = repo.git.for_each_ref("--format=%(refname:strip=2)%00%(objectname)", "refs/heads")
    return dict(line.split("\0", 1) for line in _ref_lines(out))


def _ref_lines(out: str) -> list[str]:
    """`git for-each-ref`'s lines, one a ref. A ref's name holds no newline, nor any byte
    below 0x20 (git check-ref-format), but may hold what str.splitlines() also splits at
    (U+0085, U+2028, U+2029, as UTF-8): a tag `v1\u2028rc` is one line."""
    return [line for line in out.split("\n") if line]


def default_tip(repo: git.Repo) -> str | None:
    """The commit the mirror's HEAD (the default branch) points at; None when it has none."""
    try:
        return str(repo.git.rev_parse("--verify", "--quiet", "HEAD^{commit}")) or None
    except git.GitCommandError:
        return None


def tip_files(repo: git.Repo, tip: str | None) -> pa.Table:
    """Every file on the branch at `tip` (None: an empty repository, no files), by path: what
    is there now, so a path deleted or moved away since it was changed is told from one that
    still is. A submodule is a path of the repo's too: CODEOWNERS can own it, and its bump is a
    changed file to GitHub (and in the history)."""
    paths: list[str] = []
    if tip is not None:
        for line in filter(None, repo.git.ls_tree("-r", "-z", "--full-tree", tip).split("\0")):
            meta, _, path = line.partition("\t")
            if meta.split()[1] in ("blob", "commit"):  # a commit: a submodule's (a gitlink)
                paths.append(_text(path))
    return pa.table({"path": pa.array(paths, pa.string())}, schema=TREE_SCHEMA)


def _mailmap_changed(repo: git.Repo, older: str, newer: str) -> bool:
    """Whether the .mailmap at `newer` differs from the one at `older` (git reads a bare
    repository's from HEAD: the default branch's tip)."""
    try:
        repo.git.diff("--quiet", older, newer, "--", ".mailmap")
    except git.GitCommandError as exc:
        if exc.status == 1:  # --quiet: 1 is "they differ"
            return True
        raise
    return False


def _is_ancestor(repo: git.Repo, older: str, newer: str) -> bool:
    try:
        repo.git.merge_base("--is-ancestor", older, newer)
    except git.GitCommandError:
        return False  # not an ancestor (exit 1), or `older` is gone from the mirror
    return True
