"""A repository's commits and per-file line changes, streamed from one `git log -z` process.

git writes each commit as its fields below, one a line, then NUL, then its `--numstat -z`
entries (`added TAB deleted TAB path NUL`; `-` for binary files). Newline and NUL are the two
bytes no field can hold: a commit object's author and committer are one line each, trailers
are unfolded to one line each, and git prints none of them past a NUL. Any other byte (\\x1f,
\\x1e, a tab) may stand in a name, an address or a trailer, so the fields are never split by
one. The records are parsed as the bytes arrive and handed out as Arrow tables of a few
thousand commits, so a repository of any size streams through in bounded memory. Never one
Commit object per commit: that is what makes PyDriller slow."""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

import git
import pyarrow as pa

from miner.git_mirror import git_with_input

# What each commit record holds, one a line: %H %P %aN %aE %aI %cN %cE %cI, then the values of
# its Co-authored-by trailers, one a line (GitHub credits each such co-author with the commit;
# `unfold` joins a value folded over lines). The N/E forms apply the repository's .mailmap, so
# a person's old addresses come out as the one they chose; git does not map trailers, so
# stream_history maps the co-authors itself. An author or committer line git cannot read (a NUL
# cut into it, by a commit written by hand: `git fsck` calls it nulInHeader) leaves git no
# person: `%an` prints nothing, the default format no Author line, and these forms print
# themselves (`%aN`, `%aE`, `%aI`); such a person is stored as NULLs, not as those words.
_FIELDS = ("sha", "parents", "author_name", "author_email", "authored_at",
           "committer_name", "committer_email", "committed_at")  # fmt: skip
_CO_AUTHORS = "%(trailers:key=Co-authored-by,valueonly,unfold)"
_FORMAT = "%n".join(("%H", "%P", "%aN", "%aE", "%aI", "%cN", "%cE", "%cI", _CO_AUTHORS))
# A commit's record starts with its id (SHA-1, or SHA-256 in a repository of that format) and
# a newline; a --numstat entry with its counts and a tab: the one never looks like the other.
_COMMIT_START = re.compile(rb"[0-9a-f]{40}(?:[0-9a-f]{24})?\n")
_NUMSTAT = re.compile(rb"(\d+|-)\t(\d+|-)\t(.*)", re.DOTALL)
# A trailer's `Name <address>`, as git writes an identity; git trims spaces and tabs around a
# trailer's value, and every other byte is the name's.
_IDENT = re.compile(r"[ \t]*(.*?)[ \t]*<([^<>]*)>[ \t]*")
# How much of git log's output is read at a time.
_READ_SIZE = 1 << 20

COMMIT_SCHEMA = pa.schema(
    [
        ("sha", pa.string()),
        ("parents", pa.list_(pa.string())),
        ("author_name", pa.string()),
        ("author_email", pa.string()),
        ("authored_at", pa.string()),  # ISO 8601 with the author's offset, as git wrote it
        ("committer_name", pa.string()),
        ("committer_email", pa.string()),
        ("committed_at", pa.string()),
    ]
)
CO_AUTHOR_SCHEMA = pa.schema(
    [
        ("sha", pa.string()),
        ("name", pa.string()),
        ("email", pa.string()),  # after the repository's .mailmap, as the author's
    ]
)
FILE_SCHEMA = pa.schema(
    [
        ("sha", pa.string()),
        ("path", pa.string()),
        ("added", pa.int64()),  # NULL for a binary file
        ("deleted", pa.int64()),
    ]
)


@dataclass(frozen=True)
class HistoryChunk:
    """Some commits of a repository, the files they changed (merges list none) and the
    co-authors their Co-authored-by trailers name."""

    commits: pa.Table
    files: pa.Table
    co_authors: pa.Table


def log_args(tip: str, exclude: Sequence[str] = ()) -> list[str]:
    """`git log` arguments for the commits reachable from `tip` and from none of `exclude`."""
    return [
        "--numstat",
        "-z",
        "--no-renames",  # a rename is a delete and an add: each path keeps its own history
        "--no-color",
        # a user's log.showSignature would print gpg's verdict on each signed commit (GitHub
        # signs what its merge button makes) among the records
        "--no-show-signature",
        # the first commit's files too, whatever the user's log.showRoot says
        "--root",
        f"--format={_FORMAT}",
        tip,
        *(f"^{sha}" for sha in exclude),
        "--",
    ]


def stream_history(
    repo: git.Repo, tip: str, exclude: Sequence[str] = (), chunk_commits: int = 5000
) -> Generator[HistoryChunk, None, None]:
    """The commits reachable from `tip` but not from `exclude`, newest first, in chunks."""
    process = repo.git.log(*log_args(tip, exclude), as_process=True)
    stdout: IO[bytes] = process.proc.stdout
    read_to_end = False
    try:
        for chunk in parse_stream(iter(lambda: stdout.read(_READ_SIZE), b""), chunk_commits):
            yield _mailmapped(repo, chunk)
        read_to_end = True
    finally:
        process.proc.stdout.close()
        stderr = process.proc.stderr.read() if process.proc.stderr else b""
        # a reader that stopped early (Ctrl-C, a full disk while storing) leaves git to end on
        # the pipe it closed: that is no failure of git's, and must not hide why it stopped
        if process.proc.wait() != 0 and read_to_end:
            message = stderr.decode("utf-8", "replace").strip()
            raise git.GitCommandError(["git", "log", tip], process.proc.returncode, message)


def _mailmapped(repo: git.Repo, chunk: HistoryChunk) -> HistoryChunk:
    """The chunk with its co-authors' names and addresses mapped by the repository's .mailmap,
    as git maps the authors' (one `git check-mailmap` for all the chunk's distinct identities)."""
    rows = chunk.co_authors.to_pylist()
    if not rows:
        return chunk
    idents = sorted({f"{r['name']} <{r['email']}>" for r in rows})
    # on its standard input, a line each: a name starting with "-" is no option to git there,
    # and however many there are, no command line grows past what the system allows
    out = git_with_input(
        repo, ["check-mailmap", "--stdin"], "".join(f"{i}\n" for i in idents).encode()
    )
    mapped: dict[str, tuple[str, str]] = {}
    for ident, line in zip(idents, out.split("\n"), strict=True):
        match = _IDENT.fullmatch(line)
        if match:
            mapped[ident] = (match[1], match[2])
    for r in rows:
        r["name"], r["email"] = mapped.get(f"{r['name']} <{r['email']}>", (r["name"], r["email"]))
    table = pa.Table.from_pylist(rows, schema=CO_AUTHOR_SCHEMA)
    return HistoryChunk(chunk.commits, chunk.files, table)


def parse_stream(blocks: Iterator[bytes], chunk_commits: int = 5000) -> Iterator[HistoryChunk]:
    """Parse `git log` output given as blocks of bytes cut anywhere. A chunk ends only where a
    commit starts, so each commit's files are in its chunk."""
    columns = _Columns()
    rest = b""
    for block in blocks:
        items = (rest + block).split(b"\0")
        rest = items.pop()
        for item in items:
            yield from _parse_item(columns, item, chunk_commits)
    yield from _parse_item(columns, rest, chunk_commits)
    if columns.count:
        yield columns.flush()


def _parse_item(columns: _Columns, item: bytes, chunk_commits: int) -> Iterator[HistoryChunk]:
    """Add one NUL-ended item of the output (a commit's fields or one of its files)."""
    item = item.removeprefix(b"\n")  # git puts a newline between a commit and its files
    if not item:
        return
    if _COMMIT_START.match(item):
        if columns.count >= chunk_commits:
            yield columns.flush()
        columns.add_commit(item)
        return
    numstat = _NUMSTAT.fullmatch(item)
    if numstat is None or columns.sha is None:
        raise ValueError(f"git log: neither a commit nor a file of one: {item[:80]!r}")
    columns.add_file(*numstat.groups())


class _Columns:
    """Column lists filled record by record and turned into Arrow tables."""

    def __init__(self) -> None:
        self.commit_cols: list[list[object]] = [[] for _ in _FIELDS]
        self.file_cols: tuple[list[str], list[str], list[int | None], list[int | None]] = (
            [], [], [], [],
        )  # fmt: skip
        self.co_author_cols: tuple[list[str], list[str], list[str]] = ([], [], [])
        self.count = 0
        self.sha: str | None = None  # the commit the files that follow belong to

    def add_commit(self, record: bytes) -> None:
        lines = record.decode("utf-8", "replace").split("\n")
        # each field's line and each co-author's ends with a newline: the last part is empty
        if len(lines) <= len(_FIELDS) or lines.pop():
            raise ValueError(f"git log: a commit record has {len(lines)} lines: {record[:80]!r}")
        fields: list[object] = list(lines[: len(_FIELDS)])
        sha = self.sha = lines[0]
        for trailer in lines[len(_FIELDS) :]:
            match = _IDENT.fullmatch(trailer)
            if match and match[2].strip():  # no address: no one to tie to an account
                # a name holds no < or >, as git takes none in an author's: "Foo <bar> <f@x>"
                # is Foo at f@x (and .mailmap, asked with it, reads it so)
                name = re.sub(r"[ \t]*[<>][ \t]*", " ", match[1]).strip()
                for into, part in zip(self.co_author_cols, (sha, name, match[2]), strict=True):
                    into.append(part)
        fields[1] = lines[1].split()
        for start, who in ((2, "a"), (5, "c")):
            if fields[start : start + 3] == [f"%{who}N", f"%{who}E", f"%{who}I"]:
                fields[start : start + 3] = [None, None, None]
        for column, value in zip(self.commit_cols, fields, strict=True):
            column.append(value)
        self.count += 1

    def add_file(self, plus: bytes, minus: bytes, path: bytes) -> None:
        shas, paths, added, deleted = self.file_cols
        shas.append(str(self.sha))
        # bytes that are not UTF-8 as \xNN: two names differing only in them stay apart
        paths.append(path.decode("utf-8", "backslashreplace"))
        added.append(None if plus == b"-" else int(plus))
        deleted.append(None if minus == b"-" else int(minus))

    def flush(self) -> HistoryChunk:
        commits = _table(self.commit_cols, COMMIT_SCHEMA)
        files = _table(self.file_cols, FILE_SCHEMA)
        co_authors = _table(self.co_author_cols, CO_AUTHOR_SCHEMA)
        self.__init__()  # type: ignore[misc]
        return HistoryChunk(commits, files, co_authors)


def _table(columns: Sequence[list[object]] | Sequence[list[Any]], schema: pa.Schema) -> pa.Table:
    arrays = [pa.array(c, type=f.type) for c, f in zip(columns, schema, strict=True)]
    return pa.Table.from_arrays(arrays, schema=schema)
