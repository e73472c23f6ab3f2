"""Serve an API mirror folder on localhost as if it were api.github.com, so syncs run offline."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import itertools
import json
import math
import os
import re
import socket
import threading
import time
import urllib.parse
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from miner.fixtures_graphql import GraphQLBudget

__all__ = [
    "FAULTS",
    "FaultPlan",
    "FixtureServer",
    "GitEntry",
    "LoggedRequest",
    "git_blob_sha",
    "git_tree",
    "refused_parts",
]

# The REST API version the mirror files were recorded with; GitHub echoes the version it
# used in X-GitHub-Api-Version-Selected.
# https://docs.github.com/en/rest/about-the-rest-api/api-versions
API_VERSION = "2022-11-28"

# Page sizes of list endpoints: 30 by default, at most 100 (larger values are capped).
# https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api
DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 100

# The primary rate limit is a budget per hour; `X-RateLimit-Reset` is when it refills.
# https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
RATE_LIMIT_WINDOW_SECONDS = 3600
# GraphQL points per hour and search requests per minute for an authenticated user, only
# reported by GET /rate_limit (same page as above).
GRAPHQL_RATE_LIMIT = 5000
SEARCH_RATE_LIMIT = 30
SEARCH_WINDOW_SECONDS = 60

# Objects whose one array GitHub pages through like a plain list, keeping `total_count`.
# https://docs.github.com/en/rest/actions/workflow-runs#list-workflow-runs-for-a-repository
# https://docs.github.com/en/rest/checks/runs#list-check-runs-for-a-git-reference
PAGINATED_OBJECT_KEYS = frozenset(
    {"workflow_runs", "workflows", "jobs", "artifacts", "check_runs", "check_suites"}
)


def _paginated_key(data: Any) -> str | None:
    """The key of an object answer whose list GitHub pages (workflow runs...), if it has one."""
    if not isinstance(data, dict):
        return None
    keys = [k for k in PAGINATED_OBJECT_KEYS if isinstance(data.get(k), list)]
    return keys[0] if len(keys) == 1 else None


# The contents API answers base64 wrapped every 60 characters, with a final newline.
# https://docs.github.com/en/rest/repos/contents#get-repository-content
CONTENT_BASE64_LINE = 60
# The contents API gives a file's text up to 1 MB; a bigger one (to 100 MB) comes as an object
# with "encoding": "none" and "content": "", its bytes only by the raw media type or the git
# blob (docs: Repository contents, "Get repository content", size limits).
CONTENT_TEXT_LIMIT = 1024 * 1024
# Media types that ask the contents API for the file's bytes instead of the JSON object.
# https://docs.github.com/en/rest/using-the-rest-api/getting-started-with-the-rest-api#media-types
RAW_MEDIA_TYPES = ("application/vnd.github.raw", "application/vnd.github.v3.raw")

_REST_DOCS = "https://docs.github.com/rest"
# Body of the primary rate limit answer as GitHub sends it today (403, remaining 0).
# https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
_RATE_LIMIT_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
_RATE_LIMIT_MESSAGE = (
    "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, "
    "please include the request ID {request_id}."
)

# A mirror's contents/ folder stands for the default branch's git tree: every file a regular blob
# (mode 100644), every folder a tree (mode 40000), as `git write-tree` would record them.
# https://git-scm.com/book/en/v2/Git-Internals-Git-Objects
_GIT_BLOB_MODE = b"100644"
_GIT_TREE_MODE = b"40000"
_BLOB_SHA_CACHE_ENTRIES = 65536

_JSON_TYPE = "application/json; charset=utf-8"
_RAW_TYPE = "text/plain; charset=utf-8"
# Parsed mirror files kept in memory, so paging through a big file parses it once.
_PARSED_CACHE_BYTES = 512 * 1024 * 1024
_SELECTION_CACHE_ENTRIES = 64

_PULLS = re.compile(r"^/repos/[^/]+/[^/]+/pulls$")
_COMMENTS_SINCE = re.compile(
    r"^/repos/[^/]+/[^/]+/(?:issues/[^/]+/comments|issues/comments|pulls/comments"
    r"|pulls/[^/]+/comments)$"
)
_RUNS = re.compile(r"^/repos/[^/]+/[^/]+/actions/(?:runs|workflows/[^/]+/runs)$")
_DEPLOYMENTS = re.compile(r"^/repos/[^/]+/[^/]+/deployments$")
_OPERATION = re.compile(r"\b(?:query|mutation)\s+([A-Za-z_]\w*)")
_CONTENTS = re.compile(r"^/repos/([^/]+)/([^/]+)/contents(?:/(.*))?$")
_BLOB = re.compile(r"^/repos/([^/]+)/([^/]+)/git/blobs/([0-9a-f]{40})$")
# git's "dumb" HTTP protocol: the files of the bare repository DIR/git/ORG/REPO.git, as GitHub
# serves git beside its API (github.com/ORG/REPO.git).
_GIT = re.compile(r"^/([^/]+)/([^/]+\.git)/(.+)$")
_STATUSES = re.compile(r"^/repos/[^/]+/[^/]+/deployments/(\d+)/statuses$")
_RUN = re.compile(r"^/repos/[^/]+/[^/]+/actions/runs/(\d+)$")
_ATTEMPT = re.compile(r"^/repos/[^/]+/[^/]+/actions/runs/(\d+)/attempts/(\d+)$")


@dataclass(frozen=True)
class LoggedRequest:
    """One request the server answered, as benchmarks and tests count them."""

    method: str
    path: str
    query: dict[str, str]
    status: int
    conditional: bool


class _BadRequest(Exception):
    """A query parameter GitHub would reject with 422."""


class _ClockError(ValueError):
    """as_of.txt holds something that is not an ISO-8601 time."""


@dataclass(frozen=True)
class _Answer:
    status: int
    body: bytes
    content_type: str = _JSON_TYPE
    link: str | None = None


def _error(status: int, message: str) -> _Answer:
    payload = {"message": message, "documentation_url": _REST_DOCS, "status": str(status)}
    return _Answer(status, _dump(payload))


def _not_found() -> _Answer:
    return _error(404, "Not Found")


def _dump(data: Any) -> bytes:
    # GitHub answers compact JSON in UTF-8.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def _etag_matches(if_none_match: str, etag: str) -> bool:
    for candidate in if_none_match.split(","):
        tag = candidate.strip()
        if tag == "*":
            return True
        tag = tag.removeprefix("W/")
        if tag == etag:
            return True
    return False


def git_blob_sha(data: bytes) -> str:
    """The sha git gives these bytes as a blob, as the contents API reports it."""
    # https://git-scm.com/book/en/v2/Git-Internals-Git-Objects
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass(frozen=True)
class GitEntry:
    """One entry of a mirror folder read as a git tree: a file (blob) or a folder (tree)."""

    name: str
    path: Path
    type: str  # "blob" or "tree", as git and GitHub's TreeEntry.type name them
    sha: str
    size: int  # the blob's bytes; 0 for a tree, as the contents API reports a dir


_blob_shas: OrderedDict[tuple[str, int, int, int], str] = OrderedDict()
_blob_shas_lock = threading.Lock()


def _cached_blob_sha(file: Path, stat: os.stat_result) -> str:
    # A root tree's sha hashes every file below it; re-read only the files that changed.
    key = (str(file), stat.st_ino, stat.st_mtime_ns, stat.st_size)
    with _blob_shas_lock:
        hit = _blob_shas.get(key)
        if hit is not None:
            _blob_shas.move_to_end(key)
            return hit
    sha = git_blob_sha(file.read_bytes())
    with _blob_shas_lock:
        _blob_shas[key] = sha
        while len(_blob_shas) > _BLOB_SHA_CACHE_ENTRIES:
            _blob_shas.popitem(last=False)
    return sha


def git_tree(folder: Path) -> tuple[str, list[GitEntry]]:
    """The git tree a mirror folder stands for: its sha and its entries in git's order.

    The sha is the one git computes for the tree when every file is a regular (100644) blob, so
    it changes whenever any file below changes. Folders without files are left out (git has no
    empty trees), and so are symbolic links and other non-regular files (a mirror holds plain
    files). A folder that is missing or empty gives no entries.
    """
    found: list[tuple[bytes, GitEntry]] = []
    try:
        children = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        children = []
    for child in children:
        if child.is_symlink():
            continue
        path = Path(child.path)
        raw = os.fsencode(child.name)
        if child.is_dir():
            sha, entries = git_tree(path)
            if entries:
                # git orders a tree as if its name ended with "/".
                found.append((raw + b"/", GitEntry(child.name, path, "tree", sha, 0)))
        elif child.is_file():
            stat = child.stat()
            sha = _cached_blob_sha(path, stat)
            found.append((raw, GitEntry(child.name, path, "blob", sha, stat.st_size)))
    found.sort(key=lambda pair: pair[0])
    body = b"".join(
        (_GIT_TREE_MODE if entry.type == "tree" else _GIT_BLOB_MODE)
        + b" "
        + os.fsencode(entry.name)
        + b"\0"
        + bytes.fromhex(entry.sha)
        for _, entry in found
    )
    return hashlib.sha1(b"tree %d\0" % len(body) + body).hexdigest(), [e for _, e in found]


def _find_blob(folder: Path, sha: str) -> Path | None:
    """The file below `folder`, read as a git tree, whose blob sha is `sha`."""
    _, entries = git_tree(folder)
    for entry in entries:
        if entry.type == "blob" and entry.sha == sha:
            return entry.path
    for entry in entries:
        if entry.type == "tree":
            found = _find_blob(entry.path, sha)
            if found is not None:
                return found
    return None


def _wrapped_base64(data: bytes) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    lines = [
        encoded[i : i + CONTENT_BASE64_LINE] for i in range(0, len(encoded), CONTENT_BASE64_LINE)
    ]
    return "".join(line + "\n" for line in lines)


def _parse_time(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise _BadRequest(f"{value!r} is not an ISO-8601 timestamp") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _item_time(item: Any, field: str) -> datetime | None:
    value = item.get(field) if isinstance(item, dict) else None
    if not isinstance(value, str):
        return None
    try:
        return _parse_time(value)
    except _BadRequest:
        return None


def _positive_int(value: str | None, default: int) -> int:
    if value is None or not value.strip().isdigit():
        return default
    number = int(value)
    return number if number >= 1 else default


def dig(item: Any, *keys: str) -> Any:
    """`item[k1][k2]...`, or None where a level is missing or not an object."""
    for key in keys:
        if not isinstance(item, dict):
            return None
        item = item.get(key)
    return item


# Filters, one per endpoint family: each keeps what GitHub would return before paging.


def _select_pulls(items: list[Any], query: dict[str, str]) -> list[Any]:
    # https://docs.github.com/en/rest/pulls/pulls#list-pull-requests
    state = query.get("state", "open")
    if state not in ("open", "closed", "all"):
        raise _BadRequest(f"state must be open, closed or all, not {state!r}")
    sort = query.get("sort", "created")
    if sort not in ("created", "updated", "popularity", "long-running"):
        raise _BadRequest(f"sort must be created, updated, popularity or long-running: {sort!r}")
    # "Default: desc when sort is created or sort is not specified, otherwise asc."
    direction = query.get("direction", "desc" if sort == "created" else "asc")
    if direction not in ("asc", "desc"):
        raise _BadRequest(f"direction must be asc or desc, not {direction!r}")
    kept = [
        item
        for item in items
        if (state == "all" or dig(item, "state") == state)
        and ("base" not in query or dig(item, "base", "ref") == query["base"])
        and ("head" not in query or dig(item, "head", "label") == query["head"])
    ]
    # popularity (comments) and long-running are not in list payloads: order them by creation.
    field = "updated_at" if sort == "updated" else "created_at"

    def key(item: Any) -> tuple[str, int]:
        number = dig(item, "number")
        stamp = _item_time(item, field)
        return (stamp.isoformat() if stamp else "", number if isinstance(number, int) else 0)

    return sorted(kept, key=key, reverse=direction == "desc")


def _select_since(items: list[Any], query: dict[str, str]) -> list[Any]:
    # https://docs.github.com/en/rest/issues/comments#list-issue-comments
    if "since" not in query:
        return items
    since = _parse_time(query["since"])
    kept = []
    for item in items:
        updated = _item_time(item, "updated_at")
        if updated is not None and updated >= since:
            kept.append(item)
    return kept


def _select_runs(items: list[Any], query: dict[str, str]) -> list[Any]:
    # https://docs.github.com/en/rest/actions/workflow-runs#list-workflow-runs-for-a-repository
    def keep(item: Any) -> bool:
        if "branch" in query and dig(item, "head_branch") != query["branch"]:
            return False
        if "event" in query and dig(item, "event") != query["event"]:
            return False
        if "head_sha" in query and dig(item, "head_sha") != query["head_sha"]:
            return False
        if "actor" in query and dig(item, "actor", "login") != query["actor"]:
            return False
        # `status` takes a status or a conclusion, as the docs list both.
        return "status" not in query or query["status"] in (
            dig(item, "status"),
            dig(item, "conclusion"),
        )

    return [item for item in items if keep(item)]


def _select_deployments(items: list[Any], query: dict[str, str]) -> list[Any]:
    # https://docs.github.com/en/rest/deployments/deployments#list-deployments
    fields = [name for name in ("environment", "sha", "ref", "task") if name in query]
    return [item for item in items if all(dig(item, f) == query[f] for f in fields)]


_Selector = Callable[[list[Any], dict[str, str]], list[Any]]
_SELECTOR_PARAMS: dict[str, tuple[str, ...]] = {
    "pulls": ("state", "sort", "direction", "base", "head"),
    "since": ("since",),
    "runs": ("branch", "event", "head_sha", "actor", "status"),
    "deployments": ("environment", "sha", "ref", "task"),
}


def _selector_for(path: str) -> tuple[str, _Selector] | None:
    if _PULLS.match(path):
        return "pulls", _select_pulls
    if _COMMENTS_SINCE.match(path):
        return "since", _select_since
    if _RUNS.match(path):
        return "runs", _select_runs
    if _DEPLOYMENTS.match(path):
        return "deployments", _select_deployments
    return None


class _RateBudget:
    """The core rate limit: `limit` requests per window, refilled when the window ends."""

    def __init__(self, limit: int, window_seconds: int = RATE_LIMIT_WINDOW_SECONDS) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self._lock = threading.Lock()
        self._window_start = time.time()
        self._used = 0

    def _roll(self, now: float) -> None:
        if now >= self._window_start + self.window_seconds:
            self._window_start = now
            self._used = 0

    def spend(self) -> bool:
        """Use one request; False (nothing used) when the budget is exhausted."""
        with self._lock:
            self._roll(time.time())
            if self._used >= self.limit:
                return False
            self._used += 1
            return True

    def snapshot(self) -> tuple[int, int, int]:
        """(used, remaining, reset epoch seconds)."""
        with self._lock:
            self._roll(time.time())
            reset = int(self._window_start) + self.window_seconds
            return self._used, self.limit - self._used, reset


# The faults the server can inject (issue: a nightly sync you can trust), as GitHub and the
# networks in between produce them.
FAULTS = ("500", "502", "503", "secondary", "429", "primary", "reset", "truncated", "slow")


# The one installation of the server's GitHub App, on every org of the mirror.
_INSTALLATION_ID = 4242
_APP_ROUTES = re.compile(
    r"^/orgs/(?P<org>[^/]+)/installation$|^/app/installations/(?P<installation>\d+)/access_tokens$"
)
# A file of this name in a mirror's repo folder makes the server refuse that repo's API (403):
# all of it when empty, else the parts its lines name (`actions`, `deployments`, `contents`: what
# a fine-grained token without that permission is refused; `contents` refuses git too; on REST a
# longer path too, `actions/runs/2/attempts` refusing that run's attempts alone). GraphQL
# refuses them as GitHub does (fixtures_graphql): FORBIDDEN errors at the repo's file fields, or
# at its `deployments`, whose null nulls the repository. In an org's folder (orgs/ORG/), it
# refuses the org's `teams` or `members` its lines name, or one team's members (`teams/SLUG`:
# REST only, as a permission taken away partway through a sync).
FORBIDDEN = ".forbidden"
# GitHub's words refusing a token what it has no permission for (REST's 403, GraphQL's FORBIDDEN):
# a personal access token's, and a GitHub App installation token's (an "integration")
REFUSED_TOKEN = "Resource not accessible by personal access token"
REFUSED_APP = "Resource not accessible by integration"
_REPO_PATH = re.compile(r"^/repos/([^/]+)/([^/]+)/")
# In an org's folder (orgs/ORG/), the file refuses the parts its lines name: `teams`, `members`,
# `teams/SLUG`.
_ORG_PART = re.compile(r"^/orgs/([^/]+)/((?:teams|members)(?:/.*)?)$")


def mirrored_name(folder: Path, name: str) -> str:
    """The mirror's spelling of an org, owner or repo `name` in `folder` (a NAME folder or a
    NAME.json file): GitHub's logins and repository names compare without case, so /orgs/ACME
    answers as /orgs/acme does. `name` itself when the folder holds nothing by that name."""
    if (folder / name).exists() or (folder / f"{name}.json").exists():
        return name
    try:
        entries = sorted(os.listdir(folder))
    except OSError:
        return name
    wanted = name.lower()
    return next((e.removesuffix(".json") for e in entries
                 if e.removesuffix(".json").lower() == wanted), name)  # fmt: skip


# /orgs/{org}... and /repos/{owner}/{repo}...: the names mirrored_name spells as the mirror does
_NAMED_PATH = re.compile(r"^/(?:orgs/(?P<org>[^/]+)|repos/(?P<owner>[^/]+)/(?P<repo>[^/]+))")


def refused_parts(repo_folder: Path) -> list[str] | None:
    """What the FORBIDDEN file of a mirror's repo folder refuses: None when there is none, []
    for the whole repo, else the parts its lines name."""
    marker = repo_folder / FORBIDDEN
    return marker.read_text(encoding="utf-8").split() if marker.exists() else None


class FaultPlan:
    """Every `every`-th API request (REST or GraphQL; git traffic aside) fails with the next
    fault of `kinds`, round robin; the request after it is answered as usual. `slow` holds the
    answer for `slow_seconds`, past the client's timeout; `secondary` and `429` ask the client
    to wait `retry_after` seconds. Counts what it injected."""

    def __init__(
        self,
        kinds: Sequence[str],
        every: int = 7,
        slow_seconds: float = 3.0,
        retry_after: int = 1,
    ) -> None:
        unknown = [k for k in kinds if k not in FAULTS]
        if unknown or not kinds:
            named = ", ".join(repr(k) for k in unknown) or "none"
            raise ValueError(f"unknown fault {named}: known ones are {', '.join(FAULTS)}")
        if every < 1:
            raise ValueError(f"every {every}: a fault every 1 request or more")
        self.kinds, self.every, self.slow_seconds = tuple(kinds), every, slow_seconds
        self.retry_after = retry_after
        self.injected: Counter[str] = Counter()
        self._seen = 0
        self._lock = threading.Lock()

    def next(self) -> str | None:
        with self._lock:
            self._seen += 1
            if self._seen % self.every:
                return None
            kind = self.kinds[(self._seen // self.every - 1) % len(self.kinds)]
            self.injected[kind] += 1
            return kind

    def skipped(self, kind: str) -> None:
        """A fault `next` chose that the answer could not carry (no body to cut short)."""
        with self._lock:
            self.injected[kind] -= 1


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: FixtureServer) -> None:
        self.app = app
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client hanging up mid-answer is normal for keep-alive clients; stay quiet.
        return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so PyGithub's session reuses connections
    # Headers and body leave in two writes; with Nagle's algorithm on, the body waits for the
    # client's delayed ACK of the headers (40 ms on Linux), which made every request cost 40 ms.
    disable_nagle_algorithm = True
    server_version = "miner-fixtures"
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        with self.server.sockets_lock:
            self.server.open_sockets.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.sockets_lock:
                self.server.open_sockets.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        # Quiet: the request log is the record, stderr stays clean for the CLI.
        return None

    def _serve(self) -> None:
        request_body = b""
        length = self.headers.get("Content-Length")
        if length is not None:
            if length.isdigit():
                request_body = self.rfile.read(int(length))
            else:
                self.close_connection = True
        host = self.headers.get("Host")
        status, headers, body = self.server.app._respond(
            self.command, self.path, self.headers, host, request_body
        )
        plan = self.server.app.faults
        fault = plan.next() if plan is not None and not _GIT.match(self.path) else None
        if fault in ("truncated", "reset") and (not body or self.command == "HEAD"):
            plan.skipped(fault)  # type: ignore[union-attr]  # nothing to cut: no fault after all
            fault = None
        if fault is not None:
            status, headers, body = _fault(fault, status, headers, body, plan)  # type: ignore[arg-type]
        self.send_response_only(status)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command == "HEAD" or not body:
            return
        if fault == "reset":  # the connection drops mid-body
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        self.wfile.write(body)

    do_GET = _serve
    do_HEAD = _serve
    do_POST = _serve
    do_PUT = _serve
    do_PATCH = _serve
    do_DELETE = _serve
    do_OPTIONS = _serve


def _fault(
    kind: str, status: int, headers: list[tuple[str, str]], body: bytes, plan: FaultPlan
) -> tuple[int, list[tuple[str, str]], bytes]:
    """The answer `kind` makes of a good one (status, headers, body)."""
    keep = [(k, v) for k, v in headers if k not in ("Content-Length", "Content-Type", "ETag")]

    def error(
        code: int, message: str, extra: list[tuple[str, str]]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        data = _dump({"message": message, "documentation_url": _REST_DOCS})
        return code, [*keep, *extra, ("Content-Type", _JSON_TYPE),
                      ("Content-Length", str(len(data)))], data  # fmt: skip

    if kind in ("500", "502", "503"):
        return error(int(kind), "Server Error", [])
    wait = [("Retry-After", str(plan.retry_after))]
    if kind == "secondary":
        return error(403, "You have exceeded a secondary rate limit. Please wait a few minutes "
                     "before you try again.", wait)  # fmt: skip
    if kind == "429":
        return error(429, "Too many requests", wait)
    if kind == "primary":
        reset = str(int(time.time()) + 2)
        limits = [(k, v) for k, v in keep if not k.startswith("X-RateLimit-")]
        data = _dump({"message": "API rate limit exceeded", "documentation_url": _REST_DOCS})
        return 403, [*limits, ("X-RateLimit-Limit", "5000"), ("X-RateLimit-Remaining", "0"),
                     ("X-RateLimit-Reset", reset), ("Content-Type", _JSON_TYPE),
                     ("Content-Length", str(len(data)))], data  # fmt: skip
    if kind == "truncated":  # a body cut short, its length saying so: JSON that does not parse
        cut = body[: max(len(body) // 2, 1)]
        return status, [*keep, ("Content-Type", _JSON_TYPE), ("Content-Length", str(len(cut)))], cut
    if kind == "slow":
        time.sleep(plan.slow_seconds)
    return status, headers, body  # reset: cut while it is written


class FixtureServer:
    """A GitHub REST look-alike on localhost that answers from an API mirror folder."""

    def __init__(
        self,
        root: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limit: int | None = 5000,
        graphql_rate_limit: int = GRAPHQL_RATE_LIMIT,
        rate_limit_window: int = RATE_LIMIT_WINDOW_SECONDS,
        token: str | None = None,
        request_log: Path | None = None,
        faults: FaultPlan | None = None,
        app: tuple[int, str] | None = None,
        graphql_time_limits: Mapping[str, int] | None = None,
        graphql_timed_out: int = 200,
        scopes: str | None = None,
    ) -> None:
        self.root = Path(root)
        # a classic token's scopes, sent as X-OAuth-Scopes ("repo, read:org"), as GitHub sends
        # them with each answer to one; None: a fine-grained token's answers, which send none
        self.scopes = scopes
        self.faults = faults
        # GitHub gives up on a query it cannot answer in time; here, on an operation this names
        # ({"PullRequests": 200}) whose answer holds more nodes than it says, as a repo of big
        # PRs makes a page of them too heavy
        self.graphql_time_limits = dict(graphql_time_limits or {})
        # and how it says so: 200 with its GraphQL error, or 502 or 504, as GitHub's front end
        # does when it stops waiting for the query first
        if graphql_timed_out not in (200, 502, 504):
            raise ValueError(f"graphql_timed_out {graphql_timed_out}: 200, 502 or 504")
        self.graphql_timed_out = graphql_timed_out
        # a GitHub App the server knows: its id and public key (PEM); the installation tokens
        # it has issued are good for the API as `token` is
        self.app = app
        self._installation_tokens: set[str] = set()
        self.host = host
        self.port = port
        self.token = token
        self.request_log = request_log
        # GitHub's budgets refill an hour after the window opens; tests shorten the window.
        # rate_limit None: REST rate limiting off, as an Enterprise Server has it by default:
        # no X-RateLimit headers, no budget, and GET /rate_limit answers 404
        self.rate_limited = rate_limit is not None
        self._budget = _RateBudget(rate_limit or 0, rate_limit_window)
        self.graphql_rate_limit = graphql_rate_limit
        self._graphql_budget: GraphQLBudget | None = None  # made on the first POST /graphql
        self._log_lock = threading.Lock()
        self._requests: list[LoggedRequest] = []
        self._log_file: IO[str] | None = None
        self._cache_lock = threading.Lock()
        self._parsed: OrderedDict[Path, tuple[int, int, Any]] = OrderedDict()
        self._parsed_bytes = 0
        self._selections: OrderedDict[tuple[Any, ...], list[Any]] = OrderedDict()
        self._request_ids = itertools.count(1)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # Lifecycle -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("FixtureServer.url: the server is not started; call start() first")
        port = self._httpd.server_address[1]
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        return f"http://{host}:{port}"

    @property
    def requests(self) -> list[LoggedRequest]:
        with self._log_lock:
            return list(self._requests)

    def clear_log(self) -> None:
        with self._log_lock:
            self._requests.clear()

    def _bind(self) -> _HTTPServer:
        if self._httpd is None:
            if not self.root.is_dir():
                raise FileNotFoundError(f"{self.root}: API mirror folder not found")
            self._clock()  # a malformed as_of.txt should fail now, not on every request
            if self.request_log is not None:
                self._log_file = self.request_log.open("a", encoding="utf-8")
            self._httpd = _HTTPServer((self.host, self.port), self)
        return self._httpd

    def start(self) -> FixtureServer:
        httpd = self._bind()
        if self._thread is None:
            self._thread = threading.Thread(
                target=httpd.serve_forever, name="miner-fixtures", daemon=True
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        try:
            if self._thread is not None:
                # Already serving in the background (e.g. to print url first): wait for Ctrl-C.
                while self._thread.is_alive():
                    self._thread.join(0.5)
            else:
                self._bind().serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        if self._thread is not None:
            httpd.shutdown()
            self._thread.join()
            self._thread = None
        # Keep-alive connections would otherwise go on being served after stop().
        with httpd.sockets_lock:
            for sock in list(httpd.open_sockets):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        with self._log_lock:
            if self._log_file is not None:
                self._log_file.close()
                self._log_file = None

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # Answering -----------------------------------------------------------------------

    def _respond(
        self, method: str, target: str, headers: Message, host: str | None, body: bytes = b""
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        split = urllib.parse.urlsplit(target)
        path = urllib.parse.unquote(split.path)
        pairs = urllib.parse.parse_qsl(split.query, keep_blank_values=True)
        query = dict(pairs)
        if_none_match = headers.get("If-None-Match")
        request_id = self._next_request_id()
        if method == "POST" and path.rstrip("/") == "/graphql":
            return self._graphql(headers, body, request_id)
        app_route = _APP_ROUTES.match(path.rstrip("/"))
        if app_route is not None:
            return self._app(method, app_route, headers, request_id)
        git_file = _GIT.match(path)
        if git_file is not None and method in ("GET", "HEAD"):
            owner, repo, file = git_file.groups()
            return self._git(owner, repo, file, headers)
        base = self._base_url(host)

        answer, free = self._answer(method, path, query, pairs, headers, base, request_id)
        etag = _etag(answer.body) if answer.status == 200 else None
        status = answer.status
        if etag is not None and if_none_match is not None and _etag_matches(if_none_match, etag):
            status = 304  # "does not count against your primary rate limit"
        elif not free and self.rate_limited and not self._budget.spend():
            message = _RATE_LIMIT_MESSAGE.format(request_id=request_id)
            answer = _Answer(
                403, _dump({"message": message, "documentation_url": _RATE_LIMIT_DOCS})
            )
            status, etag = 403, None

        out = self._common_headers(request_id)
        if etag is not None:
            out.append(("ETag", etag))
        if status != 304:
            if answer.link is not None:
                out.append(("Link", answer.link))
            out.append(("Content-Type", answer.content_type))
            out.append(("Content-Length", str(len(answer.body))))
        if status == 405:
            out.append(("Allow", "GET, HEAD"))
        self._record(LoggedRequest(method, path, query, status, if_none_match is not None))
        return status, out, answer.body if status != 304 else b""

    def _answer(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        pairs: list[tuple[str, str]],
        headers: Message,
        base: str,
        request_id: str,
    ) -> tuple[_Answer, bool]:
        """The answer before rate limiting, and whether it is free of the rate limit."""
        if self.token is not None and not self._authorized(headers.get("Authorization")):
            return _error(401, "Bad credentials"), True
        path = self._mirrored_path(path)
        if method not in ("GET", "HEAD"):
            return _error(405, "Method Not Allowed"), False
        if self._forbidden(path):
            # a repo the token may list but not read, as a fine-grained token or an app without it
            return _error(403, self._refusal(headers.get("Authorization"))), False
        if path.rstrip("/") == "/rate_limit":
            # GET /rate_limit "does not count against your primary rate limit".
            if not self.rate_limited:  # GitHub Enterprise Server's words
                return _error(404, "Rate limiting is not enabled."), True
            return _Answer(200, _dump(self._rate_limit_payload())), True
        try:
            contents = _CONTENTS.match(path)
            if contents is not None:
                owner, repo, file_path = contents.groups()
                accept = headers.get("Accept") or ""
                return self._contents(owner, repo, file_path or "", query, accept, base), False
            blob = _BLOB.match(path)
            if blob is not None:
                owner, repo, sha = blob.groups()
                accept = headers.get("Accept") or ""
                found = self._blob(owner, repo, sha, accept, base)
                if found is not None:
                    return found, False
            return self._json(path, query, pairs, base), False
        except _BadRequest as exc:
            # GitHub's 422 shape: a fixed message, the details under `errors`.
            body = {
                "message": "Validation Failed",
                "errors": [{"code": "invalid", "message": str(exc)}],
                "documentation_url": _REST_DOCS,
                "status": "422",
            }
            return _Answer(422, _dump(body)), False
        except _ClockError as exc:
            return _error(500, str(exc)), False
        except json.JSONDecodeError:
            # a mirror file that does not parse stands for a record GitHub fails on (a bug on
            # one PR, say): GitHub's 500, which its GraphQL API says as an error at that field
            return _error(500, "Server Error"), False

    def _graphql(
        self, headers: Message, body: bytes, request_id: str
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """POST /graphql: GitHub's GraphQL API over the mirror (miner/fixtures_graphql.py)."""
        # Imported here so REST-only uses never load graphql-core.
        from miner import fixtures_graphql

        budget = self._graphql_points()
        if self.token is not None and not self._authorized(headers.get("Authorization")):
            status, payload = fixtures_graphql.unauthorized()
        else:
            status, payload = fixtures_graphql.respond(
                self.root,
                body,
                budget,
                self.graphql_time_limits,
                self.graphql_timed_out,
                refusal=self._refusal(headers.get("Authorization")),
            )
        answered = payload.get("data") if isinstance(payload, dict) else None
        if not self.rate_limited and isinstance(answered, dict) and "rateLimit" in answered:
            answered["rateLimit"] = None  # as an Enterprise Server without rate limits says
        data = _dump(payload)
        out = [
            (name, value)
            for name, value in self._common_headers(request_id)
            if not name.startswith(("X-RateLimit-", "X-GitHub-Media-Type", "X-GitHub-Api-"))
        ]
        limits = budget.snapshot().headers() if self.rate_limited else []
        out += [("X-GitHub-Media-Type", "github.v4; format=json"), *limits]
        out += [("Content-Type", _JSON_TYPE), ("Content-Length", str(len(data)))]
        # GraphQL says errors inside a 200: the log names their types, so a refusal is countable
        errors = payload.get("errors") if isinstance(payload, dict) else None
        types = sorted({str(e.get("type")) for e in errors or [] if isinstance(e, dict)})
        logged = {"errors": ",".join(types)} if types else {}
        # and the operation's name (and page size), so tests and benchmarks can tell the
        # queries apart
        try:
            sent = json.loads(body)
            text, variables = sent.get("query"), sent.get("variables")
        except (ValueError, AttributeError):
            text, variables = None, None
        operation = _OPERATION.search(text) if isinstance(text, str) else None
        if operation is not None:
            logged["operation"] = operation.group(1)
        if isinstance(variables, dict) and "pageSize" in variables:
            logged["pageSize"] = str(variables["pageSize"])
        self._record(LoggedRequest("POST", "/graphql", logged, status, False))
        return status, out, data

    def _git(
        self, owner: str, repo: str, file: str, headers: Message
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """A file of a bare repository under DIR/git, for `git clone` and `git fetch` (free of
        the API's rate limit, as on GitHub). With a token, git must answer the Basic challenge
        with it as the password, as GitHub asks."""
        if self.token is not None and not self._git_authorized(headers.get("Authorization")):
            body = b"Authentication required"
            return 401, [("WWW-Authenticate", 'Basic realm="GitHub"'),
                         ("Content-Length", str(len(body)))], body  # fmt: skip
        refused = refused_parts(self.root / "repos" / owner / repo.removesuffix(".git"))
        if refused is not None and (not refused or "contents" in refused):
            # git needs what the API calls Contents: GitHub refuses a token without it
            body = b"remote: Permission to " + f"{owner}/{repo}".encode() + b" denied.\n"
            return 403, [("Content-Length", str(len(body)))], body
        top = (self.root / "git").resolve()
        target = (top / owner / repo / file).resolve()
        if not target.is_relative_to(top) or not target.is_file():
            return 404, [("Content-Length", "9")], b"Not Found"
        data = target.read_bytes()
        text = file.startswith("info/") or file == "HEAD"
        kind = "text/plain" if text else "application/octet-stream"
        return 200, [("Content-Type", kind), ("Content-Length", str(len(data)))], data

    def _git_authorized(self, header: str | None) -> bool:
        scheme, _, credential = (header or "").strip().partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(credential.strip(), validate=True).decode("utf-8")
        except ValueError:
            return False
        password = decoded.partition(":")[2]
        return password == self.token or password in self._installation_tokens

    def _graphql_points(self) -> GraphQLBudget:
        from miner.fixtures_graphql import GraphQLBudget

        with self._cache_lock:
            if self._graphql_budget is None:
                self._graphql_budget = GraphQLBudget(
                    self.graphql_rate_limit, window_seconds=self._budget.window_seconds
                )
            return self._graphql_budget

    def _mirrored_path(self, path: str) -> str:
        """`path` with its org, or owner and repo, spelled as the mirror spells them."""
        named = _NAMED_PATH.match(path)
        if named is None:
            return path
        if named["org"] is not None:
            head = f"/orgs/{mirrored_name(self.root / 'orgs', named['org'])}"
        else:
            owner = mirrored_name(self.root / "repos", named["owner"])
            repo = mirrored_name(self.root / "repos" / owner, named["repo"])
            head = f"/repos/{owner}/{repo}"
        return head + path[named.end() :]

    def _forbidden(self, path: str) -> bool:
        match = _REPO_PATH.match(path)
        if match is None:
            # an org's teams or members, as a token without the org's Members permission
            org = _ORG_PART.match(path.rstrip("/"))
            if org is None:
                return False
            rest = org[2]
            refused = refused_parts(self.root / "orgs" / org[1]) or []
            return any(rest == p or rest.startswith(f"{p}/") for p in refused)
        parts = refused_parts(self.root / "repos" / match[1] / match[2])
        if parts is None:
            return False
        rest = path[match.end() :]
        return not parts or any(rest == p or rest.startswith(f"{p}/") for p in parts)

    def _authorized(self, header: str | None) -> bool:
        if header is None:
            return False
        scheme, _, credential = header.strip().partition(" ")
        good = credential.strip() == self.token or credential.strip() in self._installation_tokens
        return scheme.lower() in ("token", "bearer") and good

    def _refusal(self, header: str | None) -> str:
        """GitHub's words refusing the token in the Authorization `header` what it has no
        permission for: an installation token this server made is an app's."""
        credential = (header or "").strip().partition(" ")[2].strip()
        return REFUSED_APP if credential in self._installation_tokens else REFUSED_TOKEN

    def _app(
        self, method: str, route: re.Match[str], headers: Message, request_id: str
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """A GitHub App's endpoints, signed with the app's JWT: the org's installation
        (GET /orgs/{org}/installation) and a new installation token
        (POST /app/installations/{id}/access_tokens)."""
        import jwt  # PyGithub's own dependency, which signs the JWT on the client's side

        def answer(status: int, payload: Any) -> tuple[int, list[tuple[str, str]], bytes]:
            data = _dump(payload)
            out = [*self._common_headers(request_id), ("Content-Type", _JSON_TYPE),
                   ("Content-Length", str(len(data)))]  # fmt: skip
            self._record(LoggedRequest(method, route.group(0), {}, status, False))
            return status, out, data

        scheme, _, credential = (headers.get("Authorization") or "").partition(" ")
        try:
            if self.app is None or scheme.lower() != "bearer":
                raise jwt.InvalidTokenError("no app")
            claims = jwt.decode(credential.strip(), self.app[1], algorithms=["RS256"])
            if str(claims.get("iss")) != str(self.app[0]):
                raise jwt.InvalidTokenError("another app")
        except jwt.InvalidTokenError:
            return answer(401, {"message": "A JSON web token could not be decoded"})
        org, installation = route.group("org"), route.group("installation")
        if org is not None and method == "GET":
            if not (self.root / "orgs" / f"{org}.json").exists():
                return answer(404, {"message": "Not Found"})
            found = {"id": _INSTALLATION_ID, "app_id": self.app[0],
                     "target_type": "Organization", "account": {"login": org}}  # fmt: skip
            return answer(200, found)
        if installation is not None and method == "POST":
            if installation != str(_INSTALLATION_ID):  # another app's, or none at all
                return answer(404, {"message": "Not Found"})
            token = f"ghs_{next(self._request_ids):08d}{os.urandom(8).hex()}"
            self._installation_tokens.add(token)
            expires = datetime.fromtimestamp(time.time() + 3600, UTC)
            granted = {"contents": "read", "pull_requests": "read"}
            return answer(201, {"token": token, "expires_at": f"{expires:%Y-%m-%dT%H:%M:%SZ}",
                                "permissions": granted})  # fmt: skip
        return answer(405, {"message": "Method Not Allowed"})

    def _common_headers(self, request_id: str) -> list[tuple[str, str]]:
        used, remaining, reset = self._budget.snapshot()
        try:
            date = format_datetime(self._clock(), usegmt=True)
        except _ClockError:
            date = format_datetime(datetime.now(UTC), usegmt=True)
        limits = [
            ("X-RateLimit-Limit", str(self._budget.limit)),
            ("X-RateLimit-Remaining", str(remaining)),
            ("X-RateLimit-Reset", str(reset)),
            ("X-RateLimit-Used", str(used)),
            ("X-RateLimit-Resource", "core"),
        ]
        return [
            ("Server", "miner-fixtures"),
            ("Date", date),
            ("X-GitHub-Api-Version-Selected", API_VERSION),
            ("X-GitHub-Media-Type", "github.v3; format=json"),
            *(limits if self.rate_limited else []),
            *([("X-OAuth-Scopes", self.scopes)] if self.scopes is not None else []),
            ("X-GitHub-Request-Id", request_id),
        ]

    def _next_request_id(self) -> str:
        # Shaped like GitHub's (colon-separated hex), unique within this server's life.
        number = next(self._request_ids)
        return f"{os.getpid() & 0xFFFF:04X}:{id(self) & 0xFFFF:04X}:{number:X}:{int(time.time()):X}"

    def _base_url(self, host: str | None) -> str:
        # Links point where the client reached us, so they work behind 0.0.0.0 or localhost too.
        if host and re.fullmatch(r"[A-Za-z0-9.\-:\[\]]+", host):
            return f"http://{host}"
        return self.url

    def _clock(self) -> datetime:
        """The mirror's frozen "now" from as_of.txt, else the real time."""
        as_of = self.root / "as_of.txt"
        try:
            text = as_of.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return datetime.now(UTC)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError as exc:
            raise _ClockError(
                f'{as_of}: "{text}" is not an ISO-8601 time; write e.g. 2026-06-30T18:00:00Z'
            ) from exc
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)

    def _rate_limit_payload(self) -> dict[str, Any]:
        used, remaining, reset = self._budget.snapshot()
        core = {"limit": self._budget.limit, "used": used, "remaining": remaining, "reset": reset}
        now = int(time.time())
        return {
            "resources": {
                "core": core,
                "graphql": self._graphql_limits(now),
                "search": {
                    "limit": SEARCH_RATE_LIMIT,
                    "used": 0,
                    "remaining": SEARCH_RATE_LIMIT,
                    "reset": now + SEARCH_WINDOW_SECONDS,
                },
            },
            "rate": dict(core),
        }

    def _graphql_limits(self, now: int) -> dict[str, int]:
        budget = self._graphql_budget
        if budget is None:
            limit = self.graphql_rate_limit
            return {
                "limit": limit,
                "used": 0,
                "remaining": limit,
                "reset": now + self._budget.window_seconds,
            }
        state = budget.snapshot()
        return {
            "limit": state.limit,
            "used": state.used,
            "remaining": state.remaining,
            "reset": state.reset,
        }

    def _record(self, entry: LoggedRequest) -> None:
        with self._log_lock:
            self._requests.append(entry)
            if self._log_file is not None:
                line = {
                    "method": entry.method,
                    "path": entry.path,
                    "query": entry.query,
                    "status": entry.status,
                    "conditional": entry.conditional,
                }
                self._log_file.write(json.dumps(line) + "\n")
                self._log_file.flush()

    # Files ---------------------------------------------------------------------------

    def _resolve(self, segments: Iterable[str], suffix: str = "") -> Path | None:
        parts = list(segments)
        if not parts:
            return None
        candidate = self.root.joinpath(*parts[:-1], parts[-1] + suffix)
        try:
            resolved = candidate.resolve()
        except OSError:
            return None
        if not resolved.is_relative_to(self.root.resolve()) or not resolved.is_file():
            return None
        return resolved

    def _load(self, file: Path) -> Any:
        stat = file.stat()
        with self._cache_lock:
            hit = self._parsed.get(file)
            if hit is not None and hit[:2] == (stat.st_mtime_ns, stat.st_size):
                self._parsed.move_to_end(file)
                return hit[2]
        data = json.loads(file.read_bytes())
        with self._cache_lock:
            old = self._parsed.pop(file, None)
            if old is not None:
                self._parsed_bytes -= old[1]
            if stat.st_size <= _PARSED_CACHE_BYTES:
                self._parsed[file] = (stat.st_mtime_ns, stat.st_size, data)
                self._parsed_bytes += stat.st_size
            while self._parsed_bytes > _PARSED_CACHE_BYTES and self._parsed:
                _, (_, size, _) = self._parsed.popitem(last=False)
                self._parsed_bytes -= size
        return data

    def _json(
        self, path: str, query: dict[str, str], pairs: list[tuple[str, str]], base: str
    ) -> _Answer:
        segments = _segments(path)
        if segments is None or any(s.startswith("_") for s in segments):
            return _not_found()
        file = self._resolve(segments, ".json")
        route = path.rstrip("/")
        if file is None:
            # repos/{o}/{r}/deployments.json: a mirror may leave out a listed deployment's
            # empty statuses file; GitHub answers an empty list
            if self._listed(route, _STATUSES, 4) is not None:
                return _Answer(200, _dump([]))
            # repos/{o}/{r}/actions/runs.json: one run, as GET .../actions/runs/{id} gives it,
            # and its latest attempt (GET .../attempts/{n}); an earlier attempt is a file of
            # its own (actions/runs/ID/attempts/N.json), or gone (404)
            run = self._listed(route, _RUN, 5)
            attempt = _ATTEMPT.match(route)
            if attempt is not None:
                run = self._listed(route.rsplit("/", 2)[0], _RUN, 5)
                if run is not None and dig(run, "run_attempt") != int(attempt.group(2)):
                    run = None
            return _Answer(200, _dump(run)) if run is not None else _not_found()
        data = self._load(file)
        if isinstance(data, list):
            items = self._selected(file, route, data, query)
            page_items, link = _page(items, query, pairs, base + route)
            return _Answer(200, _dump(page_items), link=link)
        key = _paginated_key(data)
        if key is not None:
            items = self._selected(file, route, data[key], query)
            page_items, link = _page(items, query, pairs, base + route)
            wrapped = {k: (page_items if k == key else v) for k, v in data.items()}
            if "total_count" in wrapped and len(items) != len(data[key]):
                wrapped["total_count"] = len(items)  # counts what the filters matched
            return _Answer(200, _dump(wrapped), link=link)
        return _Answer(200, _dump(data))

    def _listed(self, route: str, pattern: re.Pattern[str], depth: int) -> Any:
        """The item whose id `route` names (`pattern`'s group) as the mirror's list at the
        route's first `depth` segments holds it; None when it holds none."""
        found = pattern.match(route)
        segments = _segments(route)
        if found is None or segments is None:
            return None
        listed = self._resolve(segments[:depth], ".json")
        data: Any = self._load(listed) if listed is not None else None
        key = _paginated_key(data)
        items = data if isinstance(data, list) else data[key] if key is not None else []
        number = int(found.group(1))
        return next((i for i in items if dig(i, "id") == number), None)

    def _selected(
        self, file: Path, route: str, items: list[Any], query: dict[str, str]
    ) -> list[Any]:
        found = _selector_for(route)
        if found is None:
            return items
        family, select = found
        stat = file.stat()
        params = tuple((name, query.get(name)) for name in _SELECTOR_PARAMS[family])
        key = (str(file), stat.st_mtime_ns, stat.st_size, params)
        # Sorting 50,000 pulls once per page would dominate a paged sync; remember the result.
        with self._cache_lock:
            hit = self._selections.get(key)
            if hit is not None:
                self._selections.move_to_end(key)
                return hit
        selected = select(items, query)
        with self._cache_lock:
            self._selections[key] = selected
            while len(self._selections) > _SELECTION_CACHE_ENTRIES:
                self._selections.popitem(last=False)
        return selected

    def _contents(
        self, owner: str, repo: str, file_path: str, query: dict[str, str], accept: str, base: str
    ) -> _Answer:
        head = [owner, repo]
        if _segments("/" + "/".join(head)) is None or any(s.startswith("_") for s in head):
            return _not_found()
        # The root (`contents` or `contents/`) is the default branch's root directory.
        inner = _segments("/" + file_path) if file_path.strip("/") else []
        if inner is None:
            return _not_found()
        ref = query.get("ref") or self._default_branch(owner, repo)
        folder = self._resolve_dir(["repos", owner, repo, "contents", *inner])
        if folder is not None:
            return self._directory(owner, repo, inner, folder, ref, base)
        file = self._resolve(["repos", owner, repo, "contents", *inner]) if inner else None
        if file is None:
            return _not_found()
        data = file.read_bytes()
        if any(media in accept for media in RAW_MEDIA_TYPES):
            return _Answer(200, data, content_type=_RAW_TYPE)
        name = "/".join(inner)
        sha = git_blob_sha(data)
        quoted = urllib.parse.quote(name)
        api_url = f"{base}/repos/{owner}/{repo}/contents/{quoted}?ref={urllib.parse.quote(ref)}"
        git_url = f"{base}/repos/{owner}/{repo}/git/blobs/{sha}"
        html_url = f"https://github.com/{owner}/{repo}/blob/{ref}/{quoted}"
        big = len(data) > CONTENT_TEXT_LIMIT
        payload = {
            "type": "file",
            "encoding": "none" if big else "base64",
            "size": len(data),
            "name": inner[-1],
            "path": name,
            "content": "" if big else _wrapped_base64(data),
            "sha": sha,
            "url": api_url,
            "git_url": git_url,
            "html_url": html_url,
            "download_url": f"https://raw.githubusercontent.com/{owner}/{repo}/{ref}/{quoted}",
            "_links": {"self": api_url, "git": git_url, "html": html_url},
        }
        return _Answer(200, _dump(payload))

    def _blob(self, owner: str, repo: str, sha: str, accept: str, base: str) -> _Answer | None:
        """GET /repos/{o}/{r}/git/blobs/{sha}: a file of the repo's contents/ folder by its blob
        sha, base64 whatever its size (or its bytes, by the raw media type); None when no file
        there has that sha (a mirror file at the URL's path may answer instead)."""
        # https://docs.github.com/en/rest/git/blobs#get-a-blob
        head = [owner, repo]
        if _segments("/" + "/".join(head)) is None or any(s.startswith("_") for s in head):
            return None
        folder = self._resolve_dir(["repos", owner, repo, "contents"])
        file = _find_blob(folder, sha) if folder is not None else None
        if file is None:
            return None
        data = file.read_bytes()
        if any(media in accept for media in RAW_MEDIA_TYPES):
            return _Answer(200, data, content_type=_RAW_TYPE)
        payload = {
            "sha": sha,
            "node_id": "B_" + base64.b64encode(f"{owner}/{repo}:{sha}".encode()).decode("ascii"),
            "size": len(data),
            "url": f"{base}/repos/{owner}/{repo}/git/blobs/{sha}",
            "content": _wrapped_base64(data),
            "encoding": "base64",
        }
        return _Answer(200, _dump(payload))

    def _resolve_dir(self, segments: list[str]) -> Path | None:
        try:
            resolved = self.root.joinpath(*segments).resolve()
        except OSError:
            return None
        if not resolved.is_relative_to(self.root.resolve()) or not resolved.is_dir():
            return None
        return resolved

    def _directory(
        self, owner: str, repo: str, inner: list[str], folder: Path, ref: str, base: str
    ) -> _Answer:
        """A directory as the contents API lists it: its entries in git's order, no content."""
        # https://docs.github.com/en/rest/repos/contents#get-repository-content
        _, entries = git_tree(folder)
        if not entries:
            return _not_found()  # git has no empty directories
        listing = []
        for entry in entries:
            quoted = urllib.parse.quote("/".join([*inner, entry.name]))
            api_url = f"{base}/repos/{owner}/{repo}/contents/{quoted}?ref={urllib.parse.quote(ref)}"
            if entry.type == "blob":
                git_url = f"{base}/repos/{owner}/{repo}/git/blobs/{entry.sha}"
                html_url = f"https://github.com/{owner}/{repo}/blob/{ref}/{quoted}"
                download: str | None = (
                    f"https://raw.githubusercontent.com/{owner}/{repo}/{ref}/{quoted}"
                )
            else:
                git_url = f"{base}/repos/{owner}/{repo}/git/trees/{entry.sha}"
                html_url = f"https://github.com/{owner}/{repo}/tree/{ref}/{quoted}"
                download = None
            listing.append(
                {
                    "name": entry.name,
                    "path": "/".join([*inner, entry.name]),
                    "sha": entry.sha,
                    "size": entry.size,
                    "url": api_url,
                    "html_url": html_url,
                    "git_url": git_url,
                    "download_url": download,
                    "type": "file" if entry.type == "blob" else "dir",
                    "_links": {"self": api_url, "git": git_url, "html": html_url},
                }
            )
        return _Answer(200, _dump(listing))

    def _default_branch(self, owner: str, repo: str) -> str:
        file = self._resolve(["repos", owner, repo], ".json")
        if file is not None:
            data = self._load(file)
            if isinstance(data, dict) and isinstance(data.get("default_branch"), str):
                return str(data["default_branch"])
        return "main"


def _segments(path: str) -> list[str] | None:
    """The path's segments, or None when it tries to leave the mirror."""
    parts = path.strip("/").split("/")
    if parts == [""]:
        return None
    for part in parts:
        if part in ("", ".", "..") or "\\" in part or "\0" in part:
            return None
    return parts


def _page(
    items: list[Any], query: dict[str, str], pairs: list[tuple[str, str]], url: str
) -> tuple[list[Any], str | None]:
    """Slice one page out of `items` and build GitHub's RFC 8288 Link header for it."""
    per_page = min(_positive_int(query.get("per_page"), DEFAULT_PER_PAGE), MAX_PER_PAGE)
    page = _positive_int(query.get("page"), 1)
    start = (page - 1) * per_page
    chunk = items[start : start + per_page]
    last = max(1, math.ceil(len(items) / per_page))
    # GitHub keeps the other parameters in order, then page, then per_page if it was given.
    kept = [(k, v) for k, v in pairs if k not in ("page", "per_page")]
    with_per_page = "per_page" in query

    def link(number: int, rel: str) -> str:
        params = [*kept, ("page", str(number))]
        if with_per_page:
            params.append(("per_page", str(per_page)))
        return f'<{url}?{urllib.parse.urlencode(params)}>; rel="{rel}"'

    rels = []
    if page > 1:
        rels.append(link(page - 1, "prev"))
    if page < last:
        rels.append(link(page + 1, "next"))
    if page != last:
        rels.append(link(last, "last"))
    if page > 1:
        rels.append(link(1, "first"))
    return chunk, ", ".join(rels) if rels else None
