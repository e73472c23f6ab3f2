"""bench git: mine a repository's history (commits and per-file line changes) as `miner sync`
does, against PyDriller on the same repository and against raw `git log --numstat`, the floor.

The repository is MINER_BENCH_GIT_REPO when set (any clone: point it at a big real one), else
this project's own clone when it holds at least MIN_COMMITS commits, else one written for the
run with `git fast-import`: MIN_COMMITS commits by 40 authors over 1,500 files in 60 folders,
each changing one to six files by a few lines, as a busy service repository does."""

from __future__ import annotations

import os
import random
import subprocess
import tempfile
import time
from pathlib import Path

import git

from bench.common import figure, timed
from miner.git_history import log_args, stream_history

MIN_COMMITS = 5_000
# PyDriller runs one `git diff` per commit: a sample of this many commits gives its rate.
PYDRILLER_SAMPLE = 400
PROJECT = Path(__file__).resolve().parent.parent


def _repository(tmp: Path) -> tuple[Path, str]:
    chosen = os.environ.get("MINER_BENCH_GIT_REPO")
    if chosen:
        return Path(chosen), f"{chosen} (MINER_BENCH_GIT_REPO)"
    if (PROJECT / ".git").exists():
        count = subprocess.run(
            ["git", "rev-list", "--count", "HEAD"], cwd=PROJECT, capture_output=True, text=True
        )
        if count.returncode == 0 and int(count.stdout) >= MIN_COMMITS:
            return PROJECT, "this project's own history"
    path = tmp / "busy-service"
    _write_repository(path, MIN_COMMITS)
    return path, f"a repository of {MIN_COMMITS:,} commits written by git fast-import"


def _write_repository(path: Path, commits: int) -> None:
    """A repository whose history has the shape of a real one, written in one fast-import."""
    rng = random.Random(7)
    folders = [f"services/s{i}/{kind}" for i in range(20) for kind in ("api", "core", "tests")]
    files = [f"{rng.choice(folders)}/module_{i}.py" for i in range(1_500)]
    authors = [(f"Dev {i}", f"dev{i}@example.com") for i in range(40)]
    contents: dict[str, list[str]] = {}
    out: list[bytes] = []
    when = 1_700_000_000
    for n in range(1, commits + 1):
        name, email = rng.choice(authors)
        when += rng.randint(60, 7_200)
        message = f"change {n}".encode()
        out.append(b"commit refs/heads/main\n")
        out.append(f"mark :{n}\n".encode())
        out.append(f"author {name} <{email}> {when} +0000\n".encode())
        out.append(f"committer {name} <{email}> {when} +0000\n".encode())
        out.append(f"data {len(message)}\n".encode() + message + b"\n")
        if n > 1:
            out.append(f"from :{n - 1}\n".encode())
        for file in rng.sample(files, rng.randint(1, 6)):
            lines = contents.setdefault(file, [f"# {file}"])
            for _ in range(rng.randint(1, 12)):
                at = rng.randint(0, len(lines))
                if lines and rng.random() < 0.3:
                    lines.pop(min(at, len(lines) - 1))
                else:
                    lines.insert(at, f"value_{rng.randint(0, 10**6)} = {n}")
            data = ("\n".join(lines) + "\n").encode()
            out.append(f"M 100644 inline {file}\ndata {len(data)}\n".encode() + data + b"\n")
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=path, input=b"".join(out), check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=path, check=True)


def _raw_git_log(path: Path) -> None:
    with open(os.devnull, "wb") as sink:
        subprocess.run(["git", "log", *log_args("HEAD")], cwd=path, stdout=sink, check=True)


def _ours(path: Path) -> int:
    commits = 0
    for chunk in stream_history(git.Repo(path), "HEAD"):
        commits += chunk.commits.num_rows
    return commits


def _pydriller_rate(path: Path) -> float | None:
    """PyDriller's commits per second over the newest PYDRILLER_SAMPLE commits, reading the
    same facts (each modified file's added and deleted lines); None when it is not installed."""
    try:
        from pydriller import Repository
    except ImportError:
        return None
    started = time.perf_counter()
    seen = 0
    for commit in Repository(str(path), order="reverse").traverse_commits():
        for modified in commit.modified_files:
            _ = (modified.new_path or modified.old_path, modified.added_lines)
        seen += 1
        if seen >= PYDRILLER_SAMPLE:
            break
    return seen / (time.perf_counter() - started)


def run() -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        path, what = _repository(Path(tmp))
        commits = _ours(path)  # also warms the OS cache for both timings below
        print(
            f"bench git: {what}: {commits:,} commits, ready in {time.perf_counter() - started:.0f}s"
        )
        floor = timed(lambda: _raw_git_log(path))
        ours = timed(lambda: _ours(path))
        rate = commits / ours
        pydriller = _pydriller_rate(path)
        print(
            f"bench git: raw git log --numstat {floor:.2f}s, miner {ours:.2f}s "
            f"({rate:,.0f} commits/s), PyDriller "
            + (f"{pydriller:,.0f} commits/s" if pydriller else "not installed (make bench)")
        )
    ok = figure("git", "miner's time over raw git log --numstat", ours / floor, "<=", 1.3)
    if pydriller is None:
        print("bench git: miner's commits/s over PyDriller's: not measured: miss")
        return False
    return ok & figure("git", "miner's commits/s over PyDriller's", rate / pydriller, ">=", 10)
