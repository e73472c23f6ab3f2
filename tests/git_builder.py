"""Real git repositories written commit by commit with the git CLI, for the git tests."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class GitBuilder:
    """A working repository at `path` on branch main; `commit` writes files (None deletes one)
    and commits them as the given author at the given instant (ISO 8601)."""

    path: Path
    shas: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        out = subprocess.run(
            ["git", *args],
            cwd=self.path,
            check=True,
            capture_output=True,
            env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(self.path), **(env or {})},
        )
        return out.stdout.decode().strip()

    def commit(
        self,
        files: dict[str, str | bytes | None],
        *,
        name: str = "Alice",
        email: str = "alice@example.com",
        at: str = "2026-03-02T10:00:00+00:00",
        message: str = "change",
    ) -> str:
        for rel, content in files.items():
            target = self.path / rel
            if content is None:
                self.git("rm", "-q", "--", rel)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
            self.git("add", "--", rel)
        env = {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_AUTHOR_DATE": at,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_COMMITTER_DATE": at,
        }
        self.git("commit", "-q", "--allow-empty", "-m", message, env=env)
        sha = self.git("rev-parse", "HEAD")
        self.shas.append(sha)
        return sha

    def raw_commit(self, headers: str, message: str = "change") -> str:
        """A commit of the index as written by hand on top of main, for what `git commit` will
        not write: `headers` are the lines after the tree and parent (author, committer, and
        e.g. a gpgsig), as they stand in the commit object."""
        tree = self.git("write-tree")
        parent = f"parent {self.shas[-1]}\n" if self.shas else ""
        body = f"tree {tree}\n{parent}{headers}\n{message}\n"
        sha = (
            subprocess.run(
                ["git", "hash-object", "-t", "commit", "-w", "--literally", "--stdin"],
                cwd=self.path,
                input=body.encode(),
                check=True,
                capture_output=True,
            )
            .stdout.decode()
            .strip()
        )
        self.git("update-ref", "refs/heads/main", sha)
        self.shas.append(sha)
        return sha

    def publish(self, bare: Path, branches: tuple[str, ...] = ()) -> Path:
        """Push main, `branches` and the tags to the bare repository `bare` (made if missing),
        as a server holds it, with the files git's dumb HTTP protocol reads."""
        if not bare.exists():
            subprocess.run(
                ["git", "init", "-q", "--bare", "-b", "main", str(bare)],
                check=True,
                capture_output=True,
            )
        refs = [f"{b}:{b}" for b in ("main", *branches)]
        self.git("push", "-q", "--force", str(bare), *refs, "refs/tags/*:refs/tags/*")
        subprocess.run(["git", "update-server-info"], cwd=bare, check=True, capture_output=True)
        return bare
