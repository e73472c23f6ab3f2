"""The raw layer's unit of work: a batch of GitHub payloads with their natural keys, as fetched."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from miner.errors import CleanStop, GitHubError
from miner.manifests import kind_of

# One raw table per resource, named raw_<resource>. The order is the order a sync walks them.
RESOURCES = (
    "orgs",
    "repos",
    "members",
    "teams",
    "team_members",
    "pulls",
    "reviews",
    "timeline",
    "files",
    "commits",
    "comments",
    "contents",
    "sbom",
    "deployments",
    "deployment_statuses",
    "workflow_runs",
    "workflow_run_attempts",
)

# The resources fetched for each pull request once it is new or has changed.
PR_DETAILS = ("reviews", "timeline", "files", "commits", "comments")


@dataclass(frozen=True)
class RawItem:
    """One API object: its natural key, the parent it was listed under, and its JSON text."""

    key: str
    payload: str
    parent: str | None = None


@dataclass(frozen=True)
class Scope:
    """Everything of one resource under some parents of one repo (None: the org-wide or
    repo-wide list itself): a batch with a scope replaces all of it."""

    repo: str | None
    parents: tuple[str | None, ...]


@dataclass(frozen=True)
class CursorUpdate:
    """Where a sync got to for one repo and resource, saved in the same transaction as the data."""

    org: str
    repo: str
    resource: str
    value: str | None
    etag: str | None = None


@dataclass(frozen=True)
class RawBatch:
    """A page (or a whole small list) of one resource, stored in one transaction.

    Without `replace`, items are upserted by key. With `replace`, every stored row of that
    scope is deleted first, so objects GitHub no longer lists disappear too. `gone` names the
    keys of stored objects a complete listing no longer holds (deleted on GitHub): they go.
    """

    resource: str
    org: str
    repo: str | None
    items: Sequence[RawItem]
    replace: Scope | None = None
    cursors: Sequence[CursorUpdate] = field(default_factory=tuple)
    gone: Sequence[str] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.resource not in RESOURCES:
            raise ValueError(f"unknown raw resource {self.resource!r}")


def merged(batches: Sequence[RawBatch]) -> RawBatch:
    """One batch holding several batches of the same resource, repo and kind (upsert, or scope
    replace): one delete and one insert instead of one each."""
    first = batches[0]
    if any(
        (b.resource, b.org, b.repo, b.replace is None)
        != (first.resource, first.org, first.repo, first.replace is None)
        for b in batches
    ):
        raise ValueError("only batches of one resource, repo and kind merge")
    scope = None
    if first.replace is not None:
        parents = tuple(p for b in batches for p in b.replace.parents)  # type: ignore[union-attr]
        scope = Scope(first.repo, parents)
    # A key listed twice is stored once, the last copy winning: Warehouse.store sees to that.
    items = [item for b in batches for item in b.items]
    return RawBatch(
        first.resource,
        first.org,
        first.repo,
        items,
        scope,
        tuple(c for b in batches for c in b.cursors),
        tuple(k for b in batches for k in b.gone),
    )


def transactions(
    batches: Iterable[RawBatch], size: int = 5000, *, each_whole: bool = False
) -> Iterator[list[RawBatch]]:
    """Group consecutive batches into transactions of about `size` items, batches of the same
    resource, repo and kind merged. Each batch keeps its cursors, so a crash between two
    transactions loses only what the next run fetches again. The batches read before a
    chosen stop (CleanStop) are stored, then it is raised; with `each_whole` (each batch whole
    alone: no cursor of one speaks for a later one) so are those before GitHub failed or
    refused the next (a refusal, a 5xx past its retries, a timeout)."""
    group: list[RawBatch] = []
    count = 0
    try:
        for batch in batches:
            group.append(batch)
            count += len(batch.items) + 1
            if count >= size:
                yield _merge_group(group)
                group, count = [], 0
    except (CleanStop, GitHubError) as exc:
        # the batches read before a chosen stop are whole: store them, then stop
        whole = isinstance(exc, CleanStop) or each_whole
        if group and whole:
            yield _merge_group(group)
        raise
    if group:
        yield _merge_group(group)


def _merge_group(group: list[RawBatch]) -> list[RawBatch]:
    kinds: dict[tuple[str, str, str | None, bool], list[RawBatch]] = {}
    for batch in group:
        kinds.setdefault((batch.resource, batch.org, batch.repo, batch.replace is None), []).append(
            batch
        )
    return [merged(same) for same in kinds.values()]


def dumps(payload: Any) -> str:
    """Serialise a payload compactly, as it is stored."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def item_key(resource: str, repo: str | None, parent: str | None, payload: Any, index: int) -> str:
    """The natural key of a payload: stable across syncs and imports of the same data."""
    match resource:
        case "orgs":
            return str(payload["login"])
        case "repos":
            return str(payload["full_name"])
        case "members":
            return str(payload["login"])
        case "teams":
            return str(payload["slug"])
        case "team_members":
            return f"{parent}/{payload['login']}"
        case "pulls":
            return f"{repo}#{payload['number']}"
        case "reviews" | "comments":
            return f"{repo}#{parent}/{payload['id']}"
        case "files":
            return f"{repo}#{parent}/{payload['filename']}"
        case "commits":
            return f"{repo}#{parent}/{payload['sha']}"
        case "timeline":
            # Timeline items have no common id (committed events have a sha, cross-references
            # nothing); the scope is always replaced whole, so the position is a stable key.
            return f"{repo}#{parent}/{index:06d}"
        case "contents":
            return f"{repo}:{parent}"
        case "sbom":  # one per repo
            return f"{repo}:sbom"
        case "deployments" | "workflow_runs":
            return f"{repo}/{payload['id']}"
        case "workflow_run_attempts":
            # an earlier attempt of a re-run: GitHub lists only a run's latest attempt
            return f"{repo}/{payload['id']}/attempts/{payload['run_attempt']}"
        case "deployment_statuses":
            # GraphQL gives a status no numeric id; a deployment's statuses are always replaced
            # whole, oldest first, so the position is a stable key.
            return f"{repo}/{parent}/{index:04d}"
    raise ValueError(resource)


def batch_of(
    resource: str,
    org: str,
    repo: str | None,
    parent: str | None,
    payloads: Sequence[Any],
    *,
    replace: bool,
    cursors: Sequence[CursorUpdate] = (),
) -> RawBatch:
    """Build a batch from API objects listed under (`repo`, `parent`)."""
    items = [
        RawItem(item_key(resource, repo, parent, p, i), dumps(p), parent)
        for i, p in enumerate(payloads)
    ]
    return RawBatch(
        resource,
        org,
        repo,
        items,
        replace=Scope(repo, (parent,)) if replace else None,
        cursors=tuple(cursors),
    )


# Where GitHub looks for CODEOWNERS, in order; the first that exists is used
# (docs: "About code owners", CODEOWNERS file location).
CODEOWNERS_PATHS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")


def is_manifest(name: str) -> bool:
    """Whether a root file of this name is a dependency manifest miner keeps (and parses)."""
    return kind_of(name) is not None


def wanted_files(root_files: Iterable[str], codeowners_found: Iterable[str]) -> list[str]:
    """The default-branch files a repo's raw_contents should hold: the CODEOWNERS GitHub reads
    (the first of its locations that exists) and every root manifest, sorted."""
    found = set(codeowners_found)
    first = next((path for path in CODEOWNERS_PATHS if path in found), None)
    manifests = sorted(name for name in root_files if is_manifest(name))
    return ([first] if first else []) + manifests


def file_changes(
    present: Mapping[str, str], stored: Mapping[str, str | None]
) -> tuple[list[str], list[str]]:
    """What to fetch and what to drop, given the blob shas of the candidate files on the default
    branch (`present`: CODEOWNERS locations found, root files) and the shas stored before."""
    wanted = wanted_files(
        (path for path in present if "/" not in path and path != "CODEOWNERS"),
        (path for path in present if path in CODEOWNERS_PATHS),
    )
    fetch = [path for path in wanted if stored.get(path) != present[path]]
    drop = sorted(path for path, sha in stored.items() if sha is not None and path not in wanted)
    return fetch, drop


def contents_batch(
    org: str, repo: str, path: str, payload: Any | None, etag: str | None = None
) -> RawBatch:
    """The file at `path` on the default branch (None: no file kept there now) with its cursor,
    whose value is the file's blob sha."""
    sha = None if payload is None else str(payload.get("sha"))
    update = CursorUpdate(org, repo, f"{CONTENTS_PREFIX}{path}", sha, etag)
    items = [payload] if payload is not None else []
    return batch_of("contents", org, repo, path, items, replace=True, cursors=[update])


CONTENTS_PREFIX = "contents/"
# GraphQL's Blob.text stops after this many bytes (isTruncated): GitHub documents no number; the
# cut is observed at exactly 512,000 bytes (github.com/sveltia/sveltia-cms/issues/950). Past
# it, and past the contents API's 1 MB, a file's text is the git blob's.
BLOB_TEXT_LIMIT = 512_000
# The cursor of a repo's dependency-graph SBOM: the manifests (path and blob sha) it was asked for.
SBOM_MARK = "sbom/manifests"


def sbom_batch(
    org: str, repo: str, payload: Any | None, manifests: str, etag: str | None = None
) -> RawBatch:
    """A repo's SBOM as GitHub exported it (None: the dependency graph is off or hidden from the
    token), with the mark of the manifests it was asked for."""
    update = CursorUpdate(org, repo, SBOM_MARK, manifests, etag)
    items = [payload] if payload is not None else []
    return batch_of("sbom", org, repo, None, items, replace=True, cursors=[update])


# The GraphQL snapshot's mark of a repo's newest deployments, saved when they were read.
DEPLOYMENTS_MARK = "deployments/mark"
# How far back a repo's history was read ([github] since, as GitHub writes times), or
# WHOLE_HISTORY.
HISTORY_SINCE = "history/since"
WHOLE_HISTORY = "*"

# Deployments gain statuses, and workflow runs finish or are re-run, after they were first stored:
# each sync looks again at those created this long before the newest it had stored (or before the
# oldest it stored unfinished). Older changes (a re-run a week later) are not seen.
REFRESH_WINDOW = timedelta(days=3)


def parse_time(text: str) -> datetime:
    """A GitHub timestamp ("2026-01-02T03:04:05Z")."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def reach(floor: str | None, since: str | None) -> str | None:
    """The oldest time a listing reads back to: the later of `floor` (a listing's own, by its
    marks) and `since` ([github] since); each as GitHub writes times, None for no bound."""
    return max(floor, since) if floor is not None and since is not None else floor or since


def refresh_floor(mark: str | None, since: str | None = None) -> str | None:
    """The oldest creation time a sync looks at again, as GitHub writes times; None: all.
    `since`: how far back a sync reads at all ([github] since)."""
    floor = None if mark is None else (parse_time(mark) - REFRESH_WINDOW)
    return reach(f"{floor:%Y-%m-%dT%H:%M:%SZ}" if floor is not None else None, since)


def oldest_first(statuses: Sequence[Any]) -> list[Any]:
    """A deployment's statuses as stored: oldest first by created_at. GitHub lists them newest
    first (REST and GraphQL alike); statuses of the same second keep GitHub's order, reversed."""
    return sorted(reversed(statuses), key=lambda status: str(status.get("created_at") or ""))


def contents_object(path: str, data: bytes | None, sha: str | None = None) -> dict[str, Any]:
    """What GitHub's contents API answers for a file (the fields our core tables read): its
    bytes base64-encoded in lines of 60, and its git blob sha (computed when not given). No
    bytes (a binary blob GraphQL gives no text of): no content."""
    if sha is None:
        sha = hashlib.sha1(b"blob %d\0" % len(data or b"") + (data or b"")).hexdigest()
    encoded = base64.b64encode(data).decode("ascii") if data is not None else None
    return {
        "type": "file",
        "encoding": "base64",
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "size": len(data) if data is not None else None,
        "sha": sha,
        "content": None
        if encoded is None
        else "\n".join(encoded[i : i + 60] for i in range(0, len(encoded), 60)) + "\n",
    }


def trimmed_run(run: dict[str, Any]) -> dict[str, Any]:
    """A workflow run as stored: GitHub's object but the repository and accounts it repeats in
    full (two repository objects and two users, two thirds of its size) cut to their names and
    ids, which is all the core tables read of them."""
    out = dict(run)
    for key in ("repository", "head_repository"):
        if isinstance(run.get(key), dict):
            out[key] = {k: run[key].get(k) for k in ("id", "full_name")}
    for key in ("actor", "triggering_actor"):
        if isinstance(run.get(key), dict):
            out[key] = {k: run[key].get(k) for k in ("login", "id", "type")}
    return out
