"""Bare mirror clones of the org's repositories, fetched incrementally, with GitPython.

The token reaches git only through the environment of the git process: a credential helper
given by GIT_CONFIG_* variables reads it from MINER_GIT_TOKEN when the server asks. It is never
in the remote URL, the mirror's config file, an argument list or a log line."""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import urllib.parse
from pathlib import Path

import git

from miner.errors import MinerError, scrub

_log = logging.getLogger(__name__)

# Printed by git's credential protocol on `get`; GitHub takes any user name with a token.
_HELPER = (
    '!f() { test "$1" = get || exit 0; echo username=x-access-token; '
    'echo "password=$MINER_GIT_TOKEN"; }; f'
)


class GitMirrorError(MinerError):
    """A clone or fetch failed: the repo, and git's own words (which never hold the token)."""


def web_root(api_url: str) -> str:
    """Where a GitHub serves git, from its API root: api.github.com → github.com, a GitHub
    Enterprise Server's https://HOST/api/v3 → https://HOST, anything else (miner's local server)
    itself."""
    parts = urllib.parse.urlsplit(api_url.rstrip("/"))
    host, path = parts.netloc, parts.path
    if host.startswith("api."):
        host = host[len("api.") :]
    if path.endswith("/api/v3"):
        path = path[: -len("/api/v3")]
    return urllib.parse.urlunsplit((parts.scheme, host, path, "", ""))


def clone_url(api_url: str, full_name: str) -> str:
    return f"{web_root(api_url)}/{full_name}.git"


def credential_env(token: str | None) -> dict[str, str]:
    """The environment a git process needs to answer the server's credential challenge."""
    env = {"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "SSH_ASKPASS": ""}
    if token is None:
        return env
    return {
        **env,
        "MINER_GIT_TOKEN": token,
        # an empty helper first clears the user's own helpers (a stored password must not win)
        "GIT_CONFIG_COUNT": "2",
        "GIT_CONFIG_KEY_0": "credential.helper",
        "GIT_CONFIG_VALUE_0": "",
        "GIT_CONFIG_KEY_1": "credential.helper",
        "GIT_CONFIG_VALUE_1": _HELPER,
    }


def mirror_path(cache: Path, full_name: str) -> Path:
    return cache / f"{full_name}.git"


def is_mirror(path: Path) -> bool:
    """Whether a bare repository is at `path`: a folder there without HEAD is no mirror (a
    clone cut short, or nothing at all)."""
    return (path / "HEAD").is_file()


# What a mirror keeps: branches and tags. Not GitHub's refs/pull/* (every PR's head and test
# merge, fetched again whenever a base moves), which `git clone --mirror` would take.
_REFSPECS = ("+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*")


def update_mirror(url: str, path: Path, token: str | None, full_name: str) -> git.Repo:
    """Clone `url` as a bare mirror at `path`, or fetch into the mirror already there. A clone
    cut short leaves nothing at `path`: it is made beside it and moved in when complete. A
    mirror git can no longer fetch into (a lock left by a fetch killed outright, objects
    damaged on disk) is cloned anew beside it, and replaced once that clone is complete."""
    env = credential_env(token)
    unusable = None  # why the mirror there could not be fetched into
    if is_mirror(path):
        try:
            repo = git.Repo(path)
            # the repo's URL now: it was renamed, or [github] api_url changed
            repo.git.remote("set-url", "origin", url)
            repo.git.fetch("--prune", "--quiet", "origin", env=env)
            return repo
        except git.GitCommandError as exc:
            unusable = _words(exc, token)
            if _REMOTE_FAILURE.search(unusable):
                # the network or the server, not the mirror: a clone would fail as the fetch
                # did, or download a big repo whole again for a blip; the mirror stays for
                # the next sync
                raise GitMirrorError(
                    f"{full_name}: git could not fetch {url} into its mirror: {unusable}"
                ) from None
        except git.InvalidGitRepositoryError as exc:
            unusable = f"not a git repository: {exc}"
    try:
        partial = path.with_name(path.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.parent.mkdir(parents=True, exist_ok=True)
        repo = git.Repo.clone_from(url, partial, bare=True, env=env, multi_options=["--quiet"])
        repo.git.config("--replace-all", "remote.origin.fetch", _REFSPECS[0])
        repo.git.config("--add", "remote.origin.fetch", _REFSPECS[1])
        shutil.rmtree(path, ignore_errors=True)  # a folder there without HEAD is no mirror
        partial.rename(path)
        if unusable is not None:
            first = unusable.splitlines()[0] if unusable else "git said nothing"
            _log.warning("%s: its mirror could not be fetched into (%s): cloned anew",
                         full_name, first)  # fmt: skip
        return git.Repo(path)
    except git.GitCommandError as exc:
        raise GitMirrorError(
            f"{full_name}: git could not mirror {url}: {_words(exc, token)}"
        ) from None
    except OSError as exc:
        raise GitMirrorError(f"{full_name}: the mirror at {path}: {exc}") from None


# What git says when the network or the server failed a fetch, not the mirror on disk: no
# reason to clone anew (see update_mirror).
_REMOTE_FAILURE = re.compile(
    r"unable to access|Could not resolve|Failed to connect|Connection (refused|reset|timed out)"
    r"|timed out|RPC failed|early EOF|remote end hung up|The requested URL returned error"
    r"|Authentication failed|could not read (Username|Password)|SSL|TLS",
    re.IGNORECASE,
)


def use_default_branch(repo: git.Repo, branch: str | None, full_name: str) -> None:
    """Point the mirror's HEAD at the repo's default branch as GitHub names it now (a clone
    keeps the HEAD it found, and a renamed default branch would leave it dangling). An empty
    repository has no branch at all, and keeps its HEAD."""
    # one a line: a branch's name may hold what str.split() splits at (U+00A0, U+2028)
    heads = [h for h in repo.git.for_each_ref("--format=%(refname)", "refs/heads").split("\n") if h]
    if branch is None or not heads:
        return
    if f"refs/heads/{branch}" not in heads:
        raise GitMirrorError(f"{full_name}: its default branch {branch!r} is not in the mirror")
    repo.git.symbolic_ref("HEAD", f"refs/heads/{branch}")


def _words(exc: git.GitCommandError, token: str | None) -> str:
    """git's own message, without GitPython's framing, and never the token."""
    words = scrub(str(exc.stderr or exc), token).strip().removeprefix("stderr: ")
    return words.strip("'").strip()


def git_with_input(repo: git.Repo, args: list[str], data: bytes) -> str:
    """Run `git ARGS` in `repo` with `data` on its standard input; what it prints."""
    with tempfile.TemporaryFile() as stdin:
        stdin.write(data)
        stdin.seek(0)
        return str(repo.git.execute(["git", *args], istream=stdin))
