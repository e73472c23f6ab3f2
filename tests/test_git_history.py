"""Commit history streamed from `git log`: checked against hand-built repositories and against
GitPython's own per-commit diff statistics over this project's history."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import git
import pyarrow as pa
import pytest

from miner.git_history import log_args, parse_stream, stream_history
from tests.git_builder import GitBuilder

PROJECT = Path(__file__).resolve().parent.parent


def _project_repo() -> git.Repo:
    if not (PROJECT / ".git").exists():
        pytest.skip("this checkout has no .git folder (a tarball, not a clone): no history to mine")
    repo = git.Repo(PROJECT)
    if repo.git.rev_parse("--is-shallow-repository") == "true":
        pytest.skip("this clone is shallow: its history is cut off")
    return repo


def _concat(tables: list[pa.Table]) -> list[dict[str, object]]:
    return pa.concat_tables(tables).to_pylist() if tables else []


def test_blocks_cut_anywhere_parse_the_same() -> None:
    repo = _project_repo()
    out = subprocess.run(
        ["git", "log", *log_args("HEAD")], cwd=PROJECT, check=True, capture_output=True
    ).stdout
    whole = list(parse_stream(iter([out])))
    expected_commits = _concat([c.commits for c in whole])
    expected_files = _concat([c.files for c in whole])
    assert len(expected_commits) == int(repo.git.rev_list("--count", "HEAD"))
    for size in (1, 7, 4093):
        blocks = iter([out[i : i + size] for i in range(0, len(out), size)])
        chunks = list(parse_stream(blocks, chunk_commits=5))
        assert _concat([c.commits for c in chunks]) == expected_commits
        assert _concat([c.files for c in chunks]) == expected_files
        assert all(c.commits.num_rows == 5 for c in chunks[:-1])


def test_every_commit_of_this_project_matches_gitpython() -> None:
    """GitPython asks git for each commit's diff against its first parent on its own (what
    PyDriller does): the streamed rows must say the same, commit by commit."""
    repo = _project_repo()
    chunks = list(stream_history(repo, "HEAD", chunk_commits=17))
    commits = _concat([c.commits for c in chunks])
    files = _concat([c.files for c in chunks])
    by_sha: dict[str, dict[str, tuple[int, int]]] = {}
    for f in files:
        by_sha.setdefault(str(f["sha"]), {})[str(f["path"])] = (
            int(f["added"] or 0),  # type: ignore[call-overload]
            int(f["deleted"] or 0),  # type: ignore[call-overload]
        )
    checked = 0
    for row in commits:
        commit = repo.commit(str(row["sha"]))
        assert row["parents"] == [p.hexsha for p in commit.parents]
        assert row["author_email"] == commit.author.email
        assert datetime.fromisoformat(str(row["authored_at"])) == commit.authored_datetime
        if len(commit.parents) > 1:
            assert str(row["sha"]) not in by_sha  # git log lists no files for a merge
            continue
        expected = {
            path: (int(s["insertions"]), int(s["deletions"]))
            for path, s in commit.stats.files.items()
        }
        assert by_sha.get(str(row["sha"]), {}) == expected
        checked += 1
    assert checked > 0


def test_hand_built_history(tmp_path: Path) -> None:
    b = GitBuilder(tmp_path / "work")
    first = b.commit(
        {"a.py": "one\ntwo\nthree\n", "dir with space/ü.txt": "hello\n"},
        at="2026-03-02T11:00:00+02:00",  # 09:00 UTC
    )
    second = b.commit(
        {"a.py": "one\nTWO\nthree\n", "logo.png": b"\x89PNG\r\n\x1a\n\x00\x00binary"},
        name="Bob",
        email="bob@old.example",
        at="2026-03-03T09:30:00+00:00",
    )
    b.git("mv", "a.py", "b.py")
    third = b.commit({".mailmap": "Bob <bob@new.example> <bob@old.example>\n"})

    chunks = list(stream_history(git.Repo(b.path), "HEAD"))
    commits = {r["sha"]: r for r in _concat([c.commits for c in chunks])}
    files = sorted(
        (r["sha"], r["path"], r["added"], r["deleted"]) for r in _concat([c.files for c in chunks])
    )
    assert list(commits) == [third, second, first]  # newest first
    assert commits[first]["parents"] == []
    assert commits[second]["parents"] == [first]
    # .mailmap applies to history written before it
    assert commits[second]["author_email"] == "bob@new.example"
    assert commits[second]["author_name"] == "Bob"
    assert datetime.fromisoformat(str(commits[first]["authored_at"])) == datetime(
        2026, 3, 2, 9, 0, tzinfo=UTC
    )
    assert files == sorted(
        [
            (first, "a.py", 3, 0),
            (first, "dir with space/ü.txt", 1, 0),
            (second, "a.py", 1, 1),
            (second, "logo.png", None, None),  # binary: no line counts
            # a rename is a delete and an add
            (third, ".mailmap", 1, 0),
            (third, "a.py", 0, 3),
            (third, "b.py", 3, 0),
        ]
    )


def test_excluding_a_mined_tip_gives_only_what_is_new(tmp_path: Path) -> None:
    b = GitBuilder(tmp_path / "work")
    old = b.commit({"a": "1\n"})
    new = [b.commit({"a": "2\n"}), b.commit({"b": "1\n"})]
    chunks = list(stream_history(git.Repo(b.path), "HEAD", exclude=[old]))
    assert [r["sha"] for r in _concat([c.commits for c in chunks])] == new[::-1]


def test_a_bad_tip_is_an_error_naming_it(tmp_path: Path) -> None:
    b = GitBuilder(tmp_path / "work")
    b.commit({"a": "1\n"})
    with pytest.raises(git.GitCommandError, match="no-such-branch"):
        list(stream_history(git.Repo(b.path), "no-such-branch"))


def test_a_history_left_unread_ends_git_quietly(tmp_path: Path) -> None:
    """Storing stops midway (Ctrl-C, a full disk): git, still writing a history bigger than
    the pipe and the reader's buffer, ends on the pipe closed under it. That is not reported as
    git failing (from the generator's cleanup, as a traceback on stderr, or in place of the
    reason the sync stopped)."""
    repo = tmp_path / "big"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    commands = []
    for n in range(1, 10_001):  # about 2 MB of `git log` output
        commands.append(
            f"commit refs/heads/main\nauthor A <a@example.com> {1_700_000_000 + n} +0000\n"
            f"committer A <a@example.com> {1_700_000_000 + n} +0000\ndata 1\nm\n"
            f"M 644 inline f{n % 100}.txt\ndata {len(str(n)) + 1}\n{n}\n\n"
        )
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=repo, input="".join(commands).encode(), check=True
    )
    chunks = stream_history(git.Repo(repo), "main", chunk_commits=10)
    assert next(chunks).commits.num_rows == 10
    chunks.close()  # as a `for` loop over it ends when storing fails


def test_names_addresses_trailers_and_paths_may_hold_any_byte_but_newline(
    tmp_path: Path,
) -> None:
    """\\x1e and \\x1f (what git log's records and fields were once split by) and \\x1d (what the
    co-authors were) are bytes git lets a name, an address, a Co-authored-by trailer and a path
    hold: each is read back as it was written, whole and in its field. A co-author's trailer
    folded over two lines is one co-author, its lines joined by a space as git unfolds them."""
    b = GitBuilder(tmp_path / "work")
    first = b.commit(
        {"odd\x1epath\x1f.txt": "x\n", "plain.txt": "1\n2\n"},
        name="Ann\x1fMarie\x1eLee",
        email="ann\x1f1\x1e@example.com",
        message="one\n\nCo-authored-by: Bo\x1eb\x1d\tTab <bob\x1f@example.com>\n"
        "Co-authored-by: Folded\n Over <fold@example.com>",
    )
    b.git("commit", "-q", "--allow-empty", "-m", "two", env={
        "GIT_AUTHOR_NAME": "Plain", "GIT_AUTHOR_EMAIL": "plain@example.com",
        "GIT_COMMITTER_NAME": "Cy\x1e\x1fRus", "GIT_COMMITTER_EMAIL": "cy\x1d@example.com",
    })  # fmt: skip
    second = b.git("rev-parse", "HEAD")

    repo = git.Repo(b.path)
    chunks = list(stream_history(repo, "HEAD"))
    commits = {r["sha"]: r for r in _concat([c.commits for c in chunks])}
    assert list(commits) == [second, first]
    assert (commits[first]["author_name"], commits[first]["author_email"]) == (
        "Ann\x1fMarie\x1eLee",
        "ann\x1f1\x1e@example.com",
    )
    assert (commits[second]["author_name"], commits[second]["committer_name"]) == (
        "Plain",
        "Cy\x1e\x1fRus",
    )
    assert commits[second]["committer_email"] == "cy\x1d@example.com"
    assert commits[second]["parents"] == [first]
    assert sorted(
        (r["sha"], r["path"], r["added"], r["deleted"]) for r in _concat([c.files for c in chunks])
    ) == [(first, "odd\x1epath\x1f.txt", 1, 0), (first, "plain.txt", 2, 0)]
    assert sorted(
        (r["sha"], r["name"], r["email"]) for r in _concat([c.co_authors for c in chunks])
    ) == [
        (first, "Bo\x1eb\x1d\tTab", "bob\x1f@example.com"),
        (first, "Folded Over", "fold@example.com"),
    ]
    # cut anywhere and one commit a chunk, the same rows, each file in its commit's chunk
    out = subprocess.run(
        ["git", "log", *log_args("HEAD")], cwd=b.path, check=True, capture_output=True
    ).stdout
    cut = list(parse_stream(iter([out[i : i + 1] for i in range(len(out))]), chunk_commits=1))
    assert [c.commits["sha"].to_pylist() for c in cut] == [[second], [first]]
    assert [c.files.num_rows for c in cut] == [0, 2]
    assert _concat([c.commits for c in cut]) == list(commits.values())


def test_a_co_author_whose_name_starts_with_a_dash_is_read(tmp_path: Path) -> None:
    """A Co-authored-by name may start with "-": git check-mailmap, given it as an argument,
    took it for an option and failed, and with it the repo's history at every sync."""
    b = GitBuilder(tmp_path / "work")
    b.commit({".mailmap": "Dee <dee@new.example> <dee@old.example>\n"})
    sha = b.commit(
        {"a.txt": "x\n"},
        message="one\n\nCo-authored-by: -dash <d@example.com>\n"
        "Co-authored-by: --help <dee@old.example>",
    )
    chunks = list(stream_history(git.Repo(b.path), "HEAD"))
    assert sorted(
        (r["sha"], r["name"], r["email"]) for r in _concat([c.co_authors for c in chunks])
    ) == [(sha, "-dash", "d@example.com"), (sha, "Dee", "dee@new.example")]


def test_co_authors_of_any_length_and_with_brackets_in_their_names_are_read(
    tmp_path: Path,
) -> None:
    """A name with < or > in it is read as git reads an author's, the brackets left out (git
    check-mailmap, asked with them, read the first <...> as the address); and a trailer longer
    than one command-line argument may be (128 KiB on Linux) is read, not the repo failed at
    every sync."""
    b = GitBuilder(tmp_path / "work")
    b.commit({"a.txt": "x\n"})
    long_name = "L" * 200_000  # written as git objects are, no command line holds it
    alice = "Alice <alice@example.com> 1772445600 +0000"
    sha = b.raw_commit(
        f"author {alice}\ncommitter {alice}\n",
        message=f"one\n\nCo-authored-by: Foo <bar> <fb@example.com>\n"
        f"Co-authored-by: {long_name} <long@example.com>",
    )
    chunks = list(stream_history(git.Repo(b.path), "HEAD"))
    assert sorted(
        (r["sha"], r["name"], r["email"]) for r in _concat([c.co_authors for c in chunks])
    ) == [(sha, "Foo bar", "fb@example.com"), (sha, long_name, "long@example.com")]


def test_a_person_git_cannot_read_for_a_nul_in_it_is_stored_as_no_one(tmp_path: Path) -> None:
    """A NUL in a commit's author or committer line (a commit written by hand; `git fsck`
    calls it nulInHeader) cuts the line where git reads it: "Ann" with no address is no person,
    and git prints its placeholders %aN %aE %aI as they are. That person is NULL (name,
    address and date), as `git log` shows no Author for it; the other person of the commit,
    and someone whose name and address really are "%aN" and "%aE", are read whole."""
    b = GitBuilder(tmp_path / "work")
    b.commit({"a.txt": "x\n"})
    cee = "Cee <cee@example.com> 1772532000 +0000"  # 2026-03-03T10:00:00Z
    in_name = b.raw_commit(f"author Ann\0Evil <ann@x.example> 1772532000 +0000\ncommitter {cee}\n")
    in_email = b.raw_commit(f"author {cee}\ncommitter Bo <bo\0@example.com> 1772532000 +0100\n")
    odd = b.raw_commit(f"author %aN <%aE> 1772532000 +0000\ncommitter {cee}\n")
    commits = {
        r["sha"]: r for r in _concat([c.commits for c in stream_history(git.Repo(b.path), "main")])
    }
    at = "2026-03-03T10:00:00+00:00"
    person = ("author_name", "author_email", "authored_at")
    committer = ("committer_name", "committer_email", "committed_at")
    assert [commits[in_name][k] for k in person] == [None, None, None]
    assert [commits[in_name][k] for k in committer] == ["Cee", "cee@example.com", at]
    assert [commits[in_email][k] for k in person] == ["Cee", "cee@example.com", at]
    assert [commits[in_email][k] for k in committer] == [None, None, None]
    assert [commits[odd][k] for k in person] == ["%aN", "%aE", at]
    assert commits[odd]["parents"] == [in_email]
