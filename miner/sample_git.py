"""Real git repositories for the sample org: a bare repository per repo whose main branch is a
line of commits written in one `git fast-import`, so their SHAs are known before the PR payloads
that name them (merge_commit_sha, deployment and workflow-run SHAs) are written."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import git

from miner.git_mirror import git_with_input


@dataclass(frozen=True)
class LineCommit:
    """One commit of a straight main branch: the files it writes (path -> text), its author and
    committer (name, e-mail), when, and its message."""

    files: Mapping[str, str]
    author: tuple[str, str]
    committer: tuple[str, str]
    at: datetime
    message: str


def write_bare_repository(path: Path, commits: Sequence[LineCommit]) -> list[str]:
    """Create the bare repository `path` with `commits` (oldest first) as its main branch and
    the files git's dumb HTTP protocol serves; returns the commits' SHAs in order."""
    repo = git.Repo.init(path, bare=True, initial_branch="main")
    stream = bytearray()
    for mark, c in enumerate(commits, start=1):
        stamp = f"{int(c.at.timestamp())} +0000"
        message = c.message.encode()
        stream += b"commit refs/heads/main\n"
        stream += f"mark :{mark}\n".encode()
        stream += f"author {c.author[0]} <{c.author[1]}> {stamp}\n".encode()
        stream += f"committer {c.committer[0]} <{c.committer[1]}> {stamp}\n".encode()
        stream += f"data {len(message)}\n".encode() + message + b"\n"
        if mark > 1:
            stream += f"from :{mark - 1}\n".encode()
        for file, text in sorted(c.files.items()):
            data = text.encode()
            stream += f"M 100644 inline {file}\ndata {len(data)}\n".encode() + data + b"\n"
    with tempfile.TemporaryDirectory() as tmp:
        marks = Path(tmp) / "marks"
        git_with_input(repo, ["fast-import", "--quiet", f"--export-marks={marks}"], bytes(stream))
        shas = dict(line.split() for line in marks.read_text().splitlines())
    repo.git.update_server_info()
    return [shas[f":{mark}"] for mark in range(1, len(commits) + 1)]
