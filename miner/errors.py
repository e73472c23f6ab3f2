"""The errors miner shows its users: one line saying what happened, where, and what to do."""

from __future__ import annotations

import re
from collections.abc import Sequence

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
# Ctrl-C, as shells report a process ended by SIGINT (128 + 2)
EXIT_INTERRUPTED = 130
# SIGTERM (`timeout`, `systemctl stop`), as shells report a process it ended (128 + 15)
EXIT_TERMINATED = 143


class MinerError(Exception):
    """An error meant for the user; the CLI prints its message alone, with no traceback."""

    exit_code = EXIT_FAILED


class CleanStop(MinerError):
    """A stop the sync chose (a rate limit it may not wait for): what was fetched before it is
    complete and worth storing, unlike what a failure leaves."""


class ConfigError(MinerError):
    """The config file (or a command-line value standing for it) is wrong. `more`: further
    mistakes found with it (every section of a config file is checked), a line each."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *more: str) -> None:
        super().__init__("\n".join((message, *more)))
        self.lines = (message, *more)


class GitHubError(MinerError):
    """GitHub (or the server standing in for it) refused or failed a request."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    @property
    def refused(self) -> bool:
        """A 403 that is no rate limit: GitHub refuses the token what was asked."""
        return self.status == 403 and "rate limit" not in str(self).lower()

    @property
    def of_graphql(self) -> bool:
        """Whether it was GitHub's GraphQL API that failed (each such error names its request
        first, as every request's error does)."""
        return str(self).startswith("POST /graphql")


class OrgNotFound(GitHubError):
    """GitHub (or GHES) knows no org by that login, or the token cannot see it: a 404. The org
    named (by --org or the config) is wrong for this token: a usage error, as a typo is, which
    no later run mends by itself."""

    exit_code = EXIT_USAGE

    def __init__(self, org: str, api_url: str, *, where: str | None = None) -> None:
        said = f"organization {org!r} not found at {api_url} (or the token cannot see it)"
        super().__init__(f"{where}: {said}" if where else said, status=404)
        self.org, self.api_url = org, api_url

    def named(self, where: str) -> OrgNotFound:
        """The same, saying where the org was named (--org, the config's key)."""
        return OrgNotFound(self.org, self.api_url, where=where)


class GitHubTimedOut(GitHubError):
    """GitHub gave up on a request, asked again: past its time limit (a GraphQL query too heavy
    for it, most often), or timing out on the way. A smaller query may go through."""


class GraphQLAnswerError(GitHubError):
    """GitHub answered a GraphQL query with errors (inside a 200): what it said of that query,
    not of the network or the token at large, so the other repos of a sync go on. `paths`:
    where in the answer each error is, dotted ("organization.teams"), where GitHub says."""

    def __init__(
        self, message: str, *, status: int | None = None, paths: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message, status=status)
        self.paths = paths


class GraphQLGaveUp(GraphQLAnswerError, GitHubTimedOut):
    """GitHub gave up on a GraphQL query each time it was asked ("Something went wrong while
    executing your query"): its answer to that query (the PR collector asks a lighter one;
    past the lightest, that repo alone is left for the next run)."""


class MirrorError(MinerError):
    """An API mirror folder holds something that is not what GitHub would answer."""


class NotAMirror(MirrorError):
    """The folder given is no API mirror at all (no orgs/ORG.json, or more than one): the
    command was pointed at the wrong folder, a usage error."""

    exit_code = EXIT_USAGE


class PartialSync(MinerError):
    """The sync stored what it could and rebuilt, but some repos failed: exit 3."""

    exit_code = EXIT_PARTIAL


# A token this long is written as *** wherever it appears; a shorter one (a test server's, not
# GitHub's, whose tokens run to 40 characters and more) only where it stands apart from letters,
# digits, "_", "-" and ".", so that a token "x" leaves the x of "x-access-token" and "example".
_LONG_TOKEN = 8


def scrub(text: str, token: str | None) -> str:
    """`text` with the token written as ***, as it is or as Python quotes it (`repr` writes a
    line break as `\\n`)."""
    if not token:
        return text
    if len(token) >= _LONG_TOKEN:
        quoted = repr(token)[1:-1]
        return text.replace(token, "***").replace(quoted, "***")
    return re.sub(rf"(?<![\w.-]){re.escape(token)}(?![\w.-])", "***", text)


def counted(n: int, noun: str) -> str:
    """`1 repo`, `2 repos`: a count as a message says it (nouns whose plural takes an s)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def named_there(what: str, names: Sequence[str], limit: int = 20) -> str:
    """`repos there: a, b, c`: the names a message offers for a name it found none of, the first
    `limit` ("…, and 12 more": a big org's repos are many), or `none`."""
    shown = ", ".join(names[:limit]) or "none"
    more = f", and {len(names) - limit} more" if len(names) > limit else ""
    return f"{what} there: {shown}{more}"


def spoken_list(words: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`: words listed as a message says them."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
