"""Answer the collector's GitHub GraphQL queries from an API mirror folder, as GitHub would."""

from __future__ import annotations

import base64
import binascii
import bisect
import json
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, cast

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    build_schema,
    execute_sync,
    get_named_type,
    get_operation_ast,
    parse,
    validate,
)
from graphql.execution.values import (
    VariableValues,
    get_argument_values,
    get_directive_values,
    get_variable_values,
)

from miner.fixtures_server import (
    REFUSED_TOKEN,
    GitEntry,
    git_blob_sha,
    git_tree,
    mirrored_name,
    refused_parts,
)
from miner.fixtures_server import dig as _dig
from miner.graphql_queries import MAX_PAGE_SIZE, NODE_LIMIT, rate_limit_cost
from miner.raw import BLOB_TEXT_LIMIT

__all__ = [
    "SCHEMA",
    "SCHEMA_SDL",
    "GraphQLBudget",
    "RateLimitState",
    "execute",
    "respond",
    "unauthorized",
]

# The GraphQL budget: 5,000 points an hour for a user's token, refilled an hour after the window
# opened, reported in x-ratelimit-* headers with resource `graphql`.
# https://docs.github.com/en/graphql/overview/rate-limits-and-node-limits-for-the-graphql-api
POINTS_PER_HOUR: Final = 5000
RATE_LIMIT_WINDOW_SECONDS: Final = 3600
# Past the budget GitHub still answers 200, with an error of this type and code in `errors`
# (github/docs#22607; shape as recorded in yanyongyu/githubkit#271, 2026).
_RATE_LIMITED = {
    "type": "RATE_LIMIT",
    "code": "graphql_rate_limit",
    "message": "API rate limit already exceeded for user ID 1.",
}
_GRAPHQL_DOCS = "https://docs.github.com/graphql"
# Who GitHub names as the author of what a deleted account did: the `ghost` user
# (https://github.com/ghost, user id 10137).
_GHOST: Final = {"__typename": "User", "login": "ghost", "databaseId": 10137}
# What a non-null DateTime reads when the mirror has no timestamp for it.
_NO_TIME: Final = "1970-01-01T00:00:00Z"
_SHA = re.compile(r"[0-9a-f]{40}")

# REST `status` of a changed file -> GraphQL PatchStatus. GraphQL has no UNCHANGED; such a file
# still appears in the diff, so it reads as modified.
# https://docs.github.com/en/rest/pulls/pulls#list-pull-requests-files
_CHANGE_TYPES: Final = {
    "added": "ADDED",
    "removed": "DELETED",
    "modified": "MODIFIED",
    "renamed": "RENAMED",
    "copied": "COPIED",
    "changed": "CHANGED",
    "unchanged": "MODIFIED",
}

# REST timeline `event` -> (GraphQL type, PullRequestTimelineItemsItemType) for the items served.
# https://docs.github.com/en/rest/using-the-rest-api/issue-event-types
_TIMELINE_EVENTS: Final = {
    "review_requested": ("ReviewRequestedEvent", "REVIEW_REQUESTED_EVENT"),
    "review_request_removed": ("ReviewRequestRemovedEvent", "REVIEW_REQUEST_REMOVED_EVENT"),
    "ready_for_review": ("ReadyForReviewEvent", "READY_FOR_REVIEW_EVENT"),
    "convert_to_draft": ("ConvertToDraftEvent", "CONVERT_TO_DRAFT_EVENT"),
    "merged": ("MergedEvent", "MERGED_EVENT"),
    "closed": ("ClosedEvent", "CLOSED_EVENT"),
    "reopened": ("ReopenedEvent", "REOPENED_EVENT"),
    "cross-referenced": ("CrossReferencedEvent", "CROSS_REFERENCED_EVENT"),
    "head_ref_force_pushed": ("HeadRefForcePushedEvent", "HEAD_REF_FORCE_PUSHED_EVENT"),
    "commented": ("IssueComment", "ISSUE_COMMENT"),
    "committed": ("PullRequestCommit", "PULL_REQUEST_COMMIT"),
    "review_dismissed": ("ReviewDismissedEvent", "REVIEW_DISMISSED_EVENT"),
}

# The subset of GitHub's public schema the collector's queries use: every type, field, argument
# and enum value here exists in GitHub's schema under the same name and type (a test checks it).
SCHEMA_SDL: Final = """
scalar BigInt
scalar DateTime
scalar GitObjectID
scalar GitTimestamp
scalar URI

type Query {
  node(id: ID!): Node
  organization(login: String!): Organization
  rateLimit: RateLimit
  repository(name: String!, owner: String!): Repository
}

interface Node {
  id: ID!
}

type RateLimit {
  cost: Int!
  limit: Int!
  nodeCount: Int!
  remaining: Int!
  resetAt: DateTime!
  used: Int!
}

type PageInfo {
  endCursor: String
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
}

type Repository {
  createdAt: DateTime!
  databaseId: Int
  defaultBranchRef: Ref
  deployments(
    after: String
    first: Int
    orderBy: DeploymentOrder = {field: CREATED_AT, direction: ASC}
  ): DeploymentConnection!
  description: String
  archivedAt: DateTime
  isArchived: Boolean!
  isFork: Boolean!
  isPrivate: Boolean!
  name: String!
  nameWithOwner: String!
  object(expression: String): GitObject
  pullRequest(number: Int!): PullRequest
  pullRequests(
    after: String
    first: Int
    orderBy: IssueOrder
    states: [PullRequestState!]
  ): PullRequestConnection!
  pushedAt: DateTime
  updatedAt: DateTime!
  url: URI!
}

type RepositoryConnection {
  nodes: [Repository]
  pageInfo: PageInfo!
  totalCount: Int!
}

input RepositoryOrder {
  direction: OrderDirection!
  field: RepositoryOrderField!
}

enum RepositoryOrderField { CREATED_AT NAME PUSHED_AT UPDATED_AT }

type Ref {
  name: String!
}

interface GitObject {
  id: ID!
  oid: GitObjectID!
}

type Tree implements GitObject & Node {
  entries: [TreeEntry!]
  id: ID!
  oid: GitObjectID!
}

type TreeEntry {
  name: String!
  object: GitObject
  oid: GitObjectID!
  type: String!
}

type Blob implements GitObject & Node {
  byteSize: Int!
  id: ID!
  isBinary: Boolean
  isTruncated: Boolean!
  oid: GitObjectID!
  text: String
}

type DeploymentConnection {
  nodes: [Deployment]
  pageInfo: PageInfo!
  totalCount: Int!
}

input DeploymentOrder {
  direction: OrderDirection!
  field: DeploymentOrderField!
}

enum DeploymentOrderField { CREATED_AT }

type Deployment implements Node {
  commitOid: String!
  createdAt: DateTime!
  creator: Actor!
  databaseId: Int
  description: String
  environment: String
  id: ID!
  latestStatus: DeploymentStatus
  originalEnvironment: String
  payload: String
  ref: Ref
  statuses(after: String, first: Int): DeploymentStatusConnection
  task: String
  updatedAt: DateTime!
}

type DeploymentStatusConnection {
  nodes: [DeploymentStatus]
  pageInfo: PageInfo!
  totalCount: Int!
}

type DeploymentStatus implements Node {
  createdAt: DateTime!
  creator: Actor!
  description: String
  environment: String
  environmentUrl: URI
  id: ID!
  logUrl: URI
  state: DeploymentStatusState!
  updatedAt: DateTime!
}

enum DeploymentStatusState {
  ERROR FAILURE INACTIVE IN_PROGRESS PENDING QUEUED SUCCESS WAITING
}

input IssueOrder {
  direction: OrderDirection!
  field: IssueOrderField!
}

enum IssueOrderField { COMMENTS CREATED_AT UPDATED_AT }
enum OrderDirection { ASC DESC }
enum PullRequestState { CLOSED MERGED OPEN }
enum PullRequestReviewState { APPROVED CHANGES_REQUESTED COMMENTED DISMISSED PENDING }
enum PatchStatus { ADDED CHANGED COPIED DELETED MODIFIED RENAMED }
enum CommentAuthorAssociation {
  COLLABORATOR CONTRIBUTOR FIRST_TIMER FIRST_TIME_CONTRIBUTOR MANNEQUIN MEMBER NONE OWNER
}

interface Actor {
  login: String!
}

type User implements Actor {
  databaseId: Int
  login: String!
}

type Bot implements Actor {
  databaseId: Int
  login: String!
}

type Mannequin implements Actor {
  databaseId: Int
  login: String!
}

type Organization implements Actor {
  databaseId: Int
  login: String!
  membersWithRole(after: String, first: Int): OrganizationMemberConnection!
  name: String
  repositories(after: String, first: Int, orderBy: RepositoryOrder): RepositoryConnection!
  team(slug: String!): Team
  teams(after: String, first: Int): TeamConnection!
  url: URI!
}

type OrganizationMemberConnection {
  nodes: [User]
  pageInfo: PageInfo!
  totalCount: Int!
}

type TeamConnection {
  nodes: [Team]
  pageInfo: PageInfo!
  totalCount: Int!
}

type Team {
  databaseId: Int
  description: String
  members(
    after: String
    first: Int
    membership: TeamMembershipType = ALL
  ): TeamMemberConnection!
  name: String!
  parentTeam: Team
  privacy: TeamPrivacy!
  slug: String!
}

enum TeamMembershipType { ALL CHILD_TEAM IMMEDIATE }
enum TeamPrivacy { SECRET VISIBLE }

type TeamMemberConnection {
  nodes: [User]
  pageInfo: PageInfo!
  totalCount: Int!
}

union RequestedReviewer = Bot | Mannequin | Team | User

type PullRequestConnection {
  nodes: [PullRequest]
  pageInfo: PageInfo!
  totalCount: Int!
}

type PullRequest {
  author: Actor
  baseRefName: String!
  body: String!
  closedAt: DateTime
  commits(after: String, first: Int): PullRequestCommitConnection!
  createdAt: DateTime!
  databaseId: Int
  files(after: String, first: Int): PullRequestChangedFileConnection
  fullDatabaseId: BigInt
  headRefName: String!
  headRefOid: GitObjectID!
  id: ID!
  isDraft: Boolean!
  mergeCommit: Commit
  mergedAt: DateTime
  number: Int!
  repository: Repository!
  reviews(after: String, first: Int): PullRequestReviewConnection
  state: PullRequestState!
  timelineItems(
    after: String
    first: Int
    itemTypes: [PullRequestTimelineItemsItemType!]
  ): PullRequestTimelineItemsConnection!
  title: String!
  updatedAt: DateTime!
  url: URI!
}

type Issue {
  number: Int!
  repository: Repository!
  url: URI!
}

union ReferencedSubject = Issue | PullRequest

type Commit {
  author: GitActor
  authoredDate: DateTime!
  committedDate: DateTime!
  committer: GitActor
  oid: GitObjectID!
}

type GitActor {
  date: GitTimestamp
  email: String
  name: String
  user: User
}

type PullRequestReviewConnection {
  nodes: [PullRequestReview]
  pageInfo: PageInfo!
  totalCount: Int!
}

type PullRequestReview {
  author: Actor
  authorAssociation: CommentAuthorAssociation!
  commit: Commit
  databaseId: Int
  fullDatabaseId: BigInt
  id: ID!
  state: PullRequestReviewState!
  submittedAt: DateTime
  url: URI!
}

type PullRequestChangedFileConnection {
  nodes: [PullRequestChangedFile]
  pageInfo: PageInfo!
  totalCount: Int!
}

type PullRequestChangedFile {
  additions: Int!
  changeType: PatchStatus!
  deletions: Int!
  path: String!
}

type PullRequestCommitConnection {
  nodes: [PullRequestCommit]
  pageInfo: PageInfo!
  totalCount: Int!
}

type PullRequestCommit {
  commit: Commit!
  id: ID!
  url: URI!
}

enum PullRequestTimelineItemsItemType {
  CLOSED_EVENT
  CONVERT_TO_DRAFT_EVENT
  CROSS_REFERENCED_EVENT
  HEAD_REF_FORCE_PUSHED_EVENT
  ISSUE_COMMENT
  MERGED_EVENT
  PULL_REQUEST_COMMIT
  READY_FOR_REVIEW_EVENT
  REOPENED_EVENT
  REVIEW_REQUESTED_EVENT
  REVIEW_DISMISSED_EVENT
  REVIEW_REQUEST_REMOVED_EVENT
}

union PullRequestTimelineItems =
  | ClosedEvent
  | ConvertToDraftEvent
  | CrossReferencedEvent
  | HeadRefForcePushedEvent
  | IssueComment
  | MergedEvent
  | PullRequestCommit
  | ReadyForReviewEvent
  | ReopenedEvent
  | ReviewDismissedEvent
  | ReviewRequestRemovedEvent
  | ReviewRequestedEvent

type PullRequestTimelineItemsConnection {
  nodes: [PullRequestTimelineItems]
  pageInfo: PageInfo!
  totalCount: Int!
}

type ReviewRequestedEvent {
  actor: Actor
  createdAt: DateTime!
  id: ID!
  requestedReviewer: RequestedReviewer
}

type ReviewRequestRemovedEvent {
  actor: Actor
  createdAt: DateTime!
  id: ID!
  requestedReviewer: RequestedReviewer
}

type ReviewDismissedEvent {
  actor: Actor
  createdAt: DateTime!
  dismissalMessage: String
  id: ID!
  previousReviewState: PullRequestReviewState!
  pullRequestCommit: PullRequestCommit
  review: PullRequestReview
}

type ReadyForReviewEvent {
  actor: Actor
  createdAt: DateTime!
  id: ID!
}

type ConvertToDraftEvent {
  actor: Actor
  createdAt: DateTime!
  id: ID!
}

type MergedEvent {
  actor: Actor
  commit: Commit
  createdAt: DateTime!
  id: ID!
}

type ClosedEvent {
  actor: Actor
  createdAt: DateTime!
  id: ID!
}

type ReopenedEvent {
  actor: Actor
  createdAt: DateTime!
  id: ID!
}

type CrossReferencedEvent {
  actor: Actor
  createdAt: DateTime!
  id: ID!
  isCrossRepository: Boolean!
  referencedAt: DateTime!
  source: ReferencedSubject!
  willCloseTarget: Boolean!
}

type HeadRefForcePushedEvent {
  actor: Actor
  afterCommit: Commit
  beforeCommit: Commit
  createdAt: DateTime!
  id: ID!
}

type IssueComment {
  author: Actor
  authorAssociation: CommentAuthorAssociation!
  body: String!
  createdAt: DateTime!
  databaseId: Int
  fullDatabaseId: BigInt
  id: ID!
  updatedAt: DateTime!
  url: URI!
}
"""


# Rate limit ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateLimitState:
    """The GraphQL budget at one moment: points per window, used, left, and when it refills."""

    limit: int
    used: int
    remaining: int
    reset: int  # epoch seconds

    @property
    def reset_at(self) -> str:
        """`reset` as GitHub writes a DateTime."""
        return datetime.fromtimestamp(self.reset, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def headers(self) -> list[tuple[str, str]]:
        """The x-ratelimit-* headers GitHub sends with every GraphQL answer."""
        return [
            ("X-RateLimit-Limit", str(self.limit)),
            ("X-RateLimit-Remaining", str(self.remaining)),
            ("X-RateLimit-Reset", str(self.reset)),
            ("X-RateLimit-Used", str(self.used)),
            ("X-RateLimit-Resource", "graphql"),
        ]


class GraphQLBudget:
    """GraphQL points per hour for one token, spent by each query's cost and refilled hourly."""

    def __init__(
        self,
        limit: int = POINTS_PER_HOUR,
        *,
        window_seconds: int = RATE_LIMIT_WINDOW_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.limit = limit
        self._window_seconds = window_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._window_start = clock()
        self._used = 0

    def _roll(self) -> None:
        now = self._clock()
        if now >= self._window_start + self._window_seconds:
            self._window_start = now
            self._used = 0

    def _state(self) -> RateLimitState:
        reset = int(self._window_start) + self._window_seconds
        return RateLimitState(self.limit, self._used, self.limit - self._used, reset)

    def spend(self, cost: int) -> RateLimitState | None:
        """Spend `cost` points and return the budget after; None (nothing spent) if too few left."""
        with self._lock:
            self._roll()
            if cost > self.limit - self._used:
                return None
            self._used += cost
            return self._state()

    def snapshot(self) -> RateLimitState:
        """The budget now, spending nothing."""
        with self._lock:
            self._roll()
            return self._state()


# Mirror files -------------------------------------------------------------------------------

_PARSED_CACHE_BYTES = 256 * 1024 * 1024
# Derived values (orders, indexes) are bounded by the items they hold, not by their number: an org
# snapshot derives a PR order, a deployment order and a status list for each of 100 repos a page.
_DERIVED_CACHE_ITEMS = 2_000_000
_NAME = re.compile(r"[A-Za-z0-9_.-]+")


class _MirrorCache:
    """Parsed mirror files and what is derived from them, kept while the file is unchanged."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._parsed: OrderedDict[Path, tuple[tuple[int, int], Any]] = OrderedDict()
        self._parsed_bytes = 0
        self._derived: OrderedDict[tuple[Any, ...], tuple[int, Any]] = OrderedDict()
        self._derived_items = 0

    def load(self, file: Path) -> tuple[tuple[int, int], Any]:
        """(stamp, data) of a JSON file; data is None when the file is missing."""
        try:
            stat = file.stat()
        except FileNotFoundError:
            return (0, 0), None
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            hit = self._parsed.get(file)
            if hit is not None and hit[0] == stamp:
                self._parsed.move_to_end(file)
                return hit
        data = json.loads(file.read_bytes())
        with self._lock:
            old = self._parsed.pop(file, None)
            if old is not None:
                self._parsed_bytes -= old[0][1]
            if stat.st_size <= _PARSED_CACHE_BYTES:
                self._parsed[file] = (stamp, data)
                self._parsed_bytes += stat.st_size
            while self._parsed_bytes > _PARSED_CACHE_BYTES and self._parsed:
                _, (old_stamp, _) = self._parsed.popitem(last=False)
                self._parsed_bytes -= old_stamp[1]
        return stamp, data

    def derived(self, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        """`build()` once per key (which must include the source file's stamp)."""
        with self._lock:
            if key in self._derived:
                self._derived.move_to_end(key)
                return self._derived[key][1]
        value = build()
        items = _items(value)
        with self._lock:
            old = self._derived.pop(key, None)
            if old is not None:
                self._derived_items -= old[0]
            self._derived[key] = (items, value)
            self._derived_items += items
            while self._derived_items > _DERIVED_CACHE_ITEMS and len(self._derived) > 1:
                _, (evicted, _) = self._derived.popitem(last=False)
                self._derived_items -= evicted
        return value


def _items(value: Any) -> int:
    """About how many references a derived value holds: its own length, or its parts'."""
    if isinstance(value, tuple):
        return 1 + sum(_items(part) for part in value)
    if isinstance(value, list | dict):
        return 1 + len(value)
    return 1


_CACHE = _MirrorCache()


def _list_file(file: Path) -> tuple[tuple[int, int], list[Any]]:
    stamp, data = _CACHE.load(file)
    return stamp, data if isinstance(data, list) else []


# REST payload -> GraphQL object -------------------------------------------------------------


def _synthetic_id(*parts: object) -> str:
    # Node ids are opaque to clients; REST omits node_id on some timeline events.
    return base64.b64encode(":".join(str(p) for p in parts).encode()).decode("ascii")


def _actor(user: Any) -> dict[str, Any] | None:
    """A REST user object as the GraphQL Actor it is."""
    if not isinstance(user, dict) or not isinstance(user.get("login"), str):
        return None
    login: str = user["login"]
    kind = user.get("type")
    if kind == "Bot":
        # GraphQL names a Bot without REST's "[bot]" suffix: `dependabot`, not `dependabot[bot]`
        # (observed on GitHub, marcusquinn/aidevops#29778).
        return {
            "__typename": "Bot",
            "login": login.removesuffix("[bot]"),
            "databaseId": user.get("id"),
        }
    typename = kind if kind in ("Organization", "Mannequin") else "User"
    return {"__typename": typename, "login": login, "databaseId": user.get("id")}


def _git_user(user: Any) -> dict[str, Any] | None:
    """GitActor.user is a User: a commit by a bot or an unknown email has none."""
    actor = _actor(user)
    return actor if actor is not None and actor["__typename"] == "User" else None


def _repository(owner: str, name: str) -> dict[str, Any]:
    return {"name": name, "nameWithOwner": f"{owner}/{name}", "_owner": owner, "_name": name}


def _repository_node(rest: Any, owner: str, name: str) -> dict[str, Any]:
    """A REST repository (None if the mirror has none) as GraphQL's Repository at owner/name."""
    rest = rest if isinstance(rest, dict) else {}
    branch = rest.get("default_branch")
    branch = branch if isinstance(branch, str) and branch else None
    created = rest.get("created_at") or rest.get("pushed_at") or rest.get("updated_at")
    node = _repository(owner, name)
    node.update(
        databaseId=rest.get("id"),
        description=rest.get("description"),
        isPrivate=bool(rest.get("private")),
        isArchived=bool(rest.get("archived")),
        # REST's repository has no archived_at: a mirror may add it, as GraphQL's archivedAt
        archivedAt=rest.get("archived_at") if rest.get("archived") else None,
        isFork=bool(rest.get("fork")),
        url=rest.get("html_url") or f"https://github.com/{owner}/{name}",
        # Non-null on GitHub; a hand-made mirror without timestamps gets the epoch, not an error.
        createdAt=created or _NO_TIME,
        pushedAt=rest.get("pushed_at"),
        updatedAt=rest.get("updated_at") or created or _NO_TIME,
        defaultBranchRef=None if branch is None else {"name": branch},
        _default_branch=branch,
    )
    return node


def _organization(rest: dict[str, Any], login: str) -> dict[str, Any]:
    return {
        "__typename": "Organization",
        "login": rest.get("login") or login,
        "databaseId": rest.get("id"),
        "name": rest.get("name"),
        "url": rest.get("html_url") or f"https://github.com/{login}",
        "_login": login,
    }


def _member(user: Any) -> dict[str, Any] | None:
    """A REST user in a member list as the GraphQL User."""
    if not isinstance(user, dict):
        return None
    return {"__typename": "User", "login": user.get("login"), "databaseId": user.get("id")}


def _team(rest: dict[str, Any], org: str) -> dict[str, Any]:
    parent = rest.get("parent")
    return {
        "__typename": "Team",
        "slug": rest.get("slug"),
        "name": rest.get("name") or rest.get("slug"),
        "databaseId": rest.get("id"),
        "description": rest.get("description"),
        # REST privacy "closed" is what GraphQL calls VISIBLE.
        # https://docs.github.com/en/rest/teams/teams#create-a-team
        "privacy": "SECRET" if rest.get("privacy") == "secret" else "VISIBLE",
        "_org": org,
        "_parent": parent if isinstance(parent, dict) else None,
    }


def _deployment(rest: dict[str, Any], owner: str, name: str) -> dict[str, Any]:
    ref = rest.get("ref")
    created = rest.get("created_at")
    return {
        "__typename": "Deployment",
        "id": rest.get("node_id") or _synthetic_id("Deployment", owner, name, rest.get("id")),
        "databaseId": rest.get("id"),
        "commitOid": rest.get("sha") or "",
        # A deployment of a bare commit has no ref in GraphQL; REST repeats the sha as its ref.
        "ref": {"name": ref} if isinstance(ref, str) and ref and not _SHA.fullmatch(ref) else None,
        "task": rest.get("task"),
        "environment": rest.get("environment"),
        "originalEnvironment": rest.get("original_environment") or rest.get("environment"),
        "description": rest.get("description"),
        "payload": _payload_text(rest.get("payload")),
        "createdAt": created or _NO_TIME,
        "updatedAt": rest.get("updated_at") or created or _NO_TIME,
        "creator": _actor(rest.get("creator")) or dict(_GHOST),
        "_owner": owner,
        "_name": name,
        "_database_id": rest.get("id"),
    }


def _payload_text(payload: Any) -> str | None:
    # GraphQL's payload is a String holding the JSON REST shows as an object; `{}` stays "{}",
    # since GitHub keeps whatever was sent. A payload that is already a string is passed as is.
    if payload is None:
        return None
    if isinstance(payload, str):
        return payload
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _deployment_status(rest: dict[str, Any], deployment: dict[str, Any]) -> dict[str, Any]:
    def uri(value: Any) -> str | None:
        return value if isinstance(value, str) and value else None  # REST writes "" for none

    created = rest.get("created_at")
    return {
        "__typename": "DeploymentStatus",
        "id": rest.get("node_id")
        or _synthetic_id(
            "DeploymentStatus",
            deployment["_owner"],
            deployment["_name"],
            deployment["_database_id"],
            rest.get("id"),
        ),
        "state": str(rest.get("state") or "pending").upper(),
        "description": rest.get("description"),
        "environment": rest.get("environment"),
        "environmentUrl": uri(rest.get("environment_url")),
        # target_url is the old name of log_url; REST sends both with the same value.
        "logUrl": uri(rest.get("log_url")) or uri(rest.get("target_url")),
        "createdAt": created or _NO_TIME,
        "updatedAt": rest.get("updated_at") or created or _NO_TIME,
        "creator": _actor(rest.get("creator")) or dict(_GHOST),
    }


def _commit(oid: Any) -> dict[str, Any] | None:
    return {"oid": oid} if isinstance(oid, str) and oid else None


def _git_commit(sha: Any, author: Any, committer: Any, user: Any) -> dict[str, Any]:
    def person(who: Any, account: Any) -> dict[str, Any] | None:
        if not isinstance(who, dict):
            return None
        return {
            "name": who.get("name"),
            "email": who.get("email"),
            "date": who.get("date"),
            "user": _git_user(account),
        }

    return {
        "oid": sha,
        "authoredDate": _dig(author, "date"),
        "committedDate": _dig(committer, "date"),
        "author": person(author, user),
        "committer": person(committer, None),
    }


def _pull_request(rest: dict[str, Any], owner: str, name: str) -> dict[str, Any]:
    merged_at = rest.get("merged_at")
    number = rest.get("number")
    return {
        "__typename": "PullRequest",
        "id": rest.get("node_id") or _synthetic_id("PullRequest", owner, name, number),
        "number": number,
        "databaseId": rest.get("id"),
        "fullDatabaseId": rest.get("id"),
        "title": rest.get("title"),
        "body": rest.get("body") or "",
        "author": _actor(rest.get("user")),
        "state": _pull_request_state(rest),
        "isDraft": bool(rest.get("draft")),
        "createdAt": rest.get("created_at"),
        "updatedAt": rest.get("updated_at"),
        "closedAt": rest.get("closed_at"),
        "mergedAt": merged_at,
        # REST's merge_commit_sha of an unmerged PR is GitHub's test merge; GraphQL has none.
        "mergeCommit": _commit(rest.get("merge_commit_sha")) if merged_at else None,
        "baseRefName": _dig(rest, "base", "ref"),
        "headRefName": _dig(rest, "head", "ref"),
        "headRefOid": _dig(rest, "head", "sha"),
        "url": _url(rest),
        "repository": _repository(owner, name),
        "_owner": owner,
        "_name": name,
    }


def _url(rest: Any) -> str:
    """An object's html_url: every url GraphQL gives is non-null, so an object of a hand-made
    mirror without one is given '' rather than failing the whole query."""
    url = rest.get("html_url") if isinstance(rest, dict) else None
    return url if isinstance(url, str) else ""


def _review(rest: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": rest.get("node_id") or _synthetic_id("PullRequestReview", rest.get("id")),
        "databaseId": rest.get("id"),
        "fullDatabaseId": rest.get("id"),
        "author": _actor(rest.get("user")),
        "state": rest.get("state"),
        "submittedAt": rest.get("submitted_at"),
        "commit": _commit(rest.get("commit_id")),
        "authorAssociation": rest.get("author_association") or "NONE",
        "url": _url(rest),
    }


def _changed_file(rest: dict[str, Any]) -> dict[str, Any]:
    return {
        "path": rest.get("filename"),
        "additions": rest.get("additions", 0),
        "deletions": rest.get("deletions", 0),
        "changeType": _CHANGE_TYPES.get(str(rest.get("status")), "MODIFIED"),
    }


def _pull_request_commit(rest: dict[str, Any]) -> dict[str, Any]:
    inner = rest.get("commit")
    return {
        "__typename": "PullRequestCommit",
        "id": rest.get("node_id") or _synthetic_id("PullRequestCommit", rest.get("sha")),
        "url": _url(rest),
        "commit": _git_commit(
            rest.get("sha"), _dig(inner, "author"), _dig(inner, "committer"), rest.get("author")
        ),
    }


def _requested_reviewer(rest: dict[str, Any], org: str) -> dict[str, Any] | None:
    team = rest.get("requested_team")
    if isinstance(team, dict):
        return _team(team, org)
    actor = _actor(rest.get("requested_reviewer"))
    if actor is not None and actor["__typename"] == "Organization":
        actor["__typename"] = "User"  # not a RequestedReviewer; cannot happen on GitHub
    return actor


def _cross_reference_source(rest: dict[str, Any]) -> dict[str, Any]:
    issue = _dig(rest, "source", "issue")
    full_name = _dig(issue, "repository", "full_name")
    if not isinstance(full_name, str):
        url = _dig(issue, "repository_url")
        full_name = "/".join(str(url).split("/")[-2:]) if isinstance(url, str) else "/"
    owner, _, name = full_name.partition("/")
    return {
        "__typename": "PullRequest" if _dig(issue, "pull_request") else "Issue",
        "number": _dig(issue, "number"),
        "url": _url(issue),
        "repository": _repository(owner, name),
    }


def _timeline_item(
    rest: dict[str, Any], typename: str, owner: str, name: str, number: int, index: int
) -> dict[str, Any]:
    if typename == "PullRequestCommit":
        # The REST "committed" event is the commit itself, with no GitHub account attached.
        return {
            "__typename": typename,
            "id": rest.get("node_id") or _synthetic_id(typename, rest.get("sha")),
            "url": _url(rest),
            "commit": _git_commit(rest.get("sha"), rest.get("author"), rest.get("committer"), None),
        }
    item: dict[str, Any] = {
        "__typename": typename,
        "id": rest.get("node_id") or _synthetic_id(typename, owner, name, number, index),
        "createdAt": rest.get("created_at"),
        "actor": _actor(rest.get("actor")),
    }
    if typename in ("ReviewRequestedEvent", "ReviewRequestRemovedEvent"):
        item["requestedReviewer"] = _requested_reviewer(rest, owner)
    elif typename == "MergedEvent":
        item["commit"] = _commit(rest.get("commit_id"))
    elif typename == "HeadRefForcePushedEvent":
        item["beforeCommit"] = None  # REST records only the new head
        item["afterCommit"] = _commit(rest.get("commit_id"))
    elif typename == "ReviewDismissedEvent":
        dismissed = rest.get("dismissed_review")
        dismissed = dismissed if isinstance(dismissed, dict) else {}
        commit = _commit(dismissed.get("dismissal_commit_id"))
        item["dismissalMessage"] = dismissed.get("dismissal_message")
        item["previousReviewState"] = str(dismissed.get("state") or "commented").upper()
        review_id = dismissed.get("review_id")
        item["review"] = None if review_id is None else {"fullDatabaseId": review_id}
        item["pullRequestCommit"] = (
            None
            if commit is None
            else {
                "id": _synthetic_id("PullRequestCommit", commit["oid"]),
                "url": _url(rest),
                "commit": {**commit, "authoredDate": None, "committedDate": None},
            }
        )
    elif typename == "CrossReferencedEvent":
        source = _cross_reference_source(rest)
        item["referencedAt"] = rest.get("created_at")
        item["source"] = source
        item["isCrossRepository"] = source["repository"]["nameWithOwner"] != f"{owner}/{name}"
        item["willCloseTarget"] = False  # REST does not say
    elif typename == "IssueComment":
        item.update(
            databaseId=rest.get("id"),
            fullDatabaseId=rest.get("id"),
            author=_actor(rest.get("user") or rest.get("actor")),
            authorAssociation=rest.get("author_association") or "NONE",
            updatedAt=rest.get("updated_at") or rest.get("created_at"),
            url=rest.get("html_url"),
            body=rest.get("body") or "",
        )
    return item


# Cursors and pages --------------------------------------------------------------------------

_CURSOR_PREFIX = "cursor:v2:"


def _encode_cursor(value: Any) -> str:
    text = _CURSOR_PREFIX + json.dumps(value, separators=(",", ":"))
    return base64.b64encode(text.encode()).decode("ascii")


def _decode_cursor(cursor: str) -> Any:
    try:
        text = base64.b64decode(cursor.encode("ascii"), validate=True).decode()
        if text.startswith(_CURSOR_PREFIX):
            return json.loads(text[len(_CURSOR_PREFIX) :])
    except (binascii.Error, UnicodeError, ValueError):
        pass
    raise _bad_cursor(cursor)


def _bad_cursor(cursor: str) -> GraphQLError:
    # GitHub's wording and type for a cursor it did not hand out.
    return GraphQLError(
        f"`{cursor}` does not appear to be a valid cursor.",
        extensions={"type": "INVALID_CURSOR_ARGUMENTS"},
    )


def _connection(
    nodes: list[dict[str, Any]], total: int, start_cursor: Any, end_cursor: Any, more: bool
) -> dict[str, Any]:
    return {
        "totalCount": total,
        "nodes": nodes,
        "pageInfo": {
            "hasNextPage": more,
            "hasPreviousPage": False,  # forward pagination only, as the relay spec allows
            "startCursor": _encode_cursor(start_cursor) if nodes else None,
            "endCursor": _encode_cursor(end_cursor) if nodes else None,
        },
    }


def _offset_page(
    items: list[Any], first: int | None, after: str | None, convert: Callable[[Any], Any]
) -> dict[str, Any]:
    """A page of a list whose order never changes, with cursors holding positions."""
    start = 0
    if after is not None:
        position = _decode_cursor(after)
        if not isinstance(position, int) or position < 0:
            raise _bad_cursor(after)
        start = position
    size = MAX_PAGE_SIZE if first is None else first
    chunk = items[start : start + size]
    return _connection(
        [convert(item) for item in chunk],
        len(items),
        start + 1,
        start + len(chunk),
        start + len(chunk) < len(items),
    )


def _keyset_page(
    ordered: list[Any],
    keys: list[list[Any]],
    first: int | None,
    after: str | None,
    descending: bool,
    shape: tuple[type, ...],
    convert: Callable[[Any], Any],
) -> dict[str, Any]:
    """A page of `ordered` (ascending by `keys`, each of types `shape`), either way round.

    Cursors hold the sort key of the last item seen (keyset pagination, as GitHub's do), so an
    item that moves or arrives while a client pages lands ahead of the cursor or behind it
    instead of shifting every later page.
    """
    size = MAX_PAGE_SIZE if first is None else first
    key = None
    if after is not None:
        key = _decode_cursor(after)
        if not (
            isinstance(key, list)
            and len(key) == len(shape)
            and all(isinstance(part, kind) for part, kind in zip(key, shape, strict=True))
        ):
            raise _bad_cursor(after)
    if descending:
        end = len(ordered) if key is None else bisect.bisect_left(keys, key)
        begin = max(0, end - size)
        chunk = list(reversed(ordered[begin:end]))
        chunk_keys = list(reversed(keys[begin:end]))
        more = begin > 0
    else:
        begin = 0 if key is None else bisect.bisect_right(keys, key)
        chunk = ordered[begin : begin + size]
        chunk_keys = keys[begin : begin + size]
        more = begin + size < len(ordered)
    first_key = chunk_keys[0] if chunk_keys else None
    last_key = chunk_keys[-1] if chunk_keys else None
    return _connection([convert(item) for item in chunk], len(ordered), first_key, last_key, more)


# Resolvers ----------------------------------------------------------------------------------


@dataclass
class _Context:
    root: Path
    rate_limit: dict[str, Any] = field(default_factory=dict)
    # GitHub's words refusing the caller's token what it has no permission for
    refusal: str = REFUSED_TOKEN


def _not_found(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"type": "NOT_FOUND"})


def _forbidden(context: _Context) -> GraphQLError:
    """GitHub's refusal of what the token has no permission for, in the words it says it to
    that kind of token (a personal access token's, an app's "by integration"): the field null,
    and its error at the field's path."""
    return GraphQLError(context.refusal, extensions={"type": "FORBIDDEN"})


def _refuse_repo_part(context: _Context, owner: str, name: str, part: str) -> None:
    """FORBIDDEN where the repo's folder refuses `part` (its FORBIDDEN file: `contents`,
    `deployments`), as GitHub answers a token without that repository permission."""
    folder = _repo_dir(context.root, owner, name)
    if folder is not None and part in (refused_parts(folder) or []):
        raise _forbidden(context)


def _safe(part: Any) -> bool:
    """Whether a name can be one folder of the mirror (GitHub's names always can)."""
    return (
        isinstance(part, str)
        and bool(_NAME.fullmatch(part))
        and part not in (".", "..")
        and not part.startswith("_")
    )


def _repo_dir(root: Path, owner: str, name: str) -> Path | None:
    if not (_safe(owner) and _safe(name)):
        return None
    folder = root / "repos" / owner / name
    return folder if folder.is_dir() else None


def _resolve_repository(_: Any, info: GraphQLResolveInfo[_Context], owner: str, name: str) -> Any:
    root = info.context.root
    owner = mirrored_name(root / "repos", owner)
    name = mirrored_name(root / "repos" / owner, name)
    folder = _repo_dir(root, owner, name)
    if folder is None:
        raise _not_found(f"Could not resolve to a Repository with the name '{owner}/{name}'.")
    if refused_parts(folder) == []:  # the whole repo, on the REST side too
        raise _forbidden(info.context)
    return _repository_node(_repository_rest(root, owner, name), owner, name)


def _repository_rest(root: Path, owner: str, name: str) -> dict[str, Any] | None:
    """The REST repository: GET /repos/{owner}/{name} if mirrored, else its org's list entry."""
    _, data = _CACHE.load(root / "repos" / owner / f"{name}.json")
    if isinstance(data, dict):
        return data
    file = root / "orgs" / owner / "repos.json"
    stamp, items = _list_file(file)

    def build() -> dict[str, Any]:
        return {
            r["name"]: r for r in items if isinstance(r, dict) and isinstance(r.get("name"), str)
        }

    found: dict[str, Any] | None = _CACHE.derived((str(file), stamp, "by-name"), build).get(name)
    return found


def _org_login(root: Path, login: str) -> bool:
    return _safe(login) and (root / "orgs" / f"{login}.json").is_file()


def _resolve_organization(_: Any, info: GraphQLResolveInfo[_Context], login: str) -> Any:
    root = info.context.root
    login = mirrored_name(root / "orgs", login)
    data = _CACHE.load(root / "orgs" / f"{login}.json")[1] if _org_login(root, login) else None
    if not isinstance(data, dict):
        raise _not_found(f"Could not resolve to an Organization with the login of '{login}'.")
    return _organization(data, login)


# RepositoryOrderField -> the REST field it sorts by; ties go by name.
_REPOSITORY_ORDER: Final = {
    "NAME": "name",
    "CREATED_AT": "created_at",
    "UPDATED_AT": "updated_at",
    "PUSHED_AT": "pushed_at",
}


def _resolve_repositories(
    org: dict[str, Any],
    info: GraphQLResolveInfo[_Context],
    first: int | None = None,
    after: str | None = None,
    orderBy: dict[str, str] | None = None,  # GitHub's argument name
) -> Any:
    login: str = org["_login"]
    file = info.context.root / "orgs" / login / "repos.json"
    stamp, items = _list_file(file)
    column = _REPOSITORY_ORDER[(orderBy or {}).get("field", "NAME")]
    descending = (orderBy or {}).get("direction", "ASC") == "DESC"

    def key(rest: dict[str, Any]) -> list[Any]:
        name: str = rest["name"]
        if column == "name":
            return [name.lower(), name]
        value = rest.get(column)
        return [value if isinstance(value, str) else "", name]

    def build() -> tuple[list[Any], list[list[Any]]]:
        kept = [r for r in items if isinstance(r, dict) and _safe(r.get("name"))]
        kept = [r for r in kept if all(_safe(p) for p in _full_name(r, login))]
        keyed = sorted(((key(r), r) for r in kept), key=lambda pair: pair[0])
        return [r for _, r in keyed], [k for k, _ in keyed]

    ordered, keys = _CACHE.derived((str(file), stamp, "repositories", column), build)
    return _keyset_page(
        ordered, keys, first, after, descending, (str, str), lambda r: _org_repository(r, login)
    )


def _full_name(rest: dict[str, Any], login: str) -> tuple[str, str]:
    # The mirror keeps a repo's files under its full name, which the org's list gives.
    full_name = rest.get("full_name")
    if isinstance(full_name, str) and "/" in full_name:
        owner, _, name = full_name.partition("/")
        return owner, name
    return login, str(rest.get("name"))


def _org_repository(rest: dict[str, Any], login: str) -> dict[str, Any]:
    return _repository_node(rest, *_full_name(rest, login))


def _resolve_members_with_role(
    org: dict[str, Any],
    info: GraphQLResolveInfo[_Context],
    first: int | None = None,
    after: str | None = None,
) -> Any:
    _refuse_org_part(info.context, org["_login"], "members")
    file = info.context.root / "orgs" / org["_login"] / "members.json"
    members = [m for m in _list_file(file)[1] if isinstance(m, dict)]
    return _offset_page(members, first, after, _member)


@dataclass(frozen=True)
class _Teams:
    by_slug: dict[str, dict[str, Any]]
    children: dict[str, list[str]]


def _org_teams(root: Path, login: str) -> tuple[list[dict[str, Any]], _Teams]:
    file = root / "orgs" / login / "teams.json"
    stamp, items = _list_file(file)
    teams = [t for t in items if isinstance(t, dict) and isinstance(t.get("slug"), str)]

    def build() -> _Teams:
        children: dict[str, list[str]] = {}
        for team in teams:
            parent = _dig(team, "parent", "slug")
            if isinstance(parent, str):
                children.setdefault(parent, []).append(team["slug"])
        return _Teams({t["slug"]: t for t in teams}, children)

    index: _Teams = _CACHE.derived((str(file), stamp, "teams"), build)
    return teams, index


def _resolve_teams(
    org: dict[str, Any],
    info: GraphQLResolveInfo[_Context],
    first: int | None = None,
    after: str | None = None,
) -> Any:
    login: str = org["_login"]
    _refuse_org_part(info.context, login, "teams")
    teams, _ = _org_teams(info.context.root, login)
    return _offset_page(teams, first, after, lambda rest: _team(rest, login))


def _refuse_org_part(context: _Context, login: str, part: str) -> None:
    """FORBIDDEN, as GitHub answers a token without the org's Members permission, where the
    org's folder refuses `part` (its FORBIDDEN file)."""
    if part in (refused_parts(context.root / "orgs" / login) or []):
        raise _forbidden(context)


def _resolve_team(org: dict[str, Any], info: GraphQLResolveInfo[_Context], slug: str) -> Any:
    # GitHub answers null, without an error, for a slug the org has no team for.
    login: str = org["_login"]
    _refuse_org_part(info.context, login, "teams")  # as REST refuses /orgs/{org}/teams/...
    found = _org_teams(info.context.root, login)[1].by_slug.get(slug)
    return None if found is None else _team(found, login)


def _resolve_parent_team(team: dict[str, Any], info: GraphQLResolveInfo[_Context]) -> Any:
    parent = team.get("_parent")
    if parent is None:
        return None
    org: str = team["_org"]
    # REST nests the parent without its own parent: take the full team from the org's list.
    found = _org_teams(info.context.root, org)[1].by_slug.get(str(parent.get("slug")))
    return _team(found if found is not None else parent, org)


def _team_member_list(root: Path, org: str, slug: str) -> list[dict[str, Any]]:
    if not (_safe(org) and _safe(slug)):
        return []
    file = root / "orgs" / org / "teams" / slug / "members.json"
    return [m for m in _list_file(file)[1] if isinstance(m, dict)]


def _resolve_team_members(
    team: dict[str, Any],
    info: GraphQLResolveInfo[_Context],
    first: int | None = None,
    after: str | None = None,
    membership: str = "ALL",
) -> Any:
    root = info.context.root
    org, slug = team.get("_org"), team.get("slug")
    if not isinstance(org, str) or not isinstance(slug, str):
        return _offset_page([], first, after, _member)
    # REST lists a team's members with its child teams' members: GraphQL's ALL. A member of a
    # child team counts as the child's, not as an immediate member too (REST cannot tell).
    members = _team_member_list(root, org, slug)
    if membership != "ALL":
        children = _org_teams(root, org)[1].children.get(slug, [])
        below = {m.get("login") for child in children for m in _team_member_list(root, org, child)}
        wanted = membership == "CHILD_TEAM"
        members = [m for m in members if (m.get("login") in below) == wanted]
    return _offset_page(members, first, after, _member)


def _deployment_list(root: Path, owner: str, name: str) -> tuple[list[Any], list[list[Any]]]:
    """A repository's REST deployments, oldest first, with their (created_at, id) sort keys."""
    file = root / "repos" / owner / name / "deployments.json"
    stamp, items = _list_file(file)

    def key(rest: dict[str, Any]) -> list[Any]:
        created, number = rest.get("created_at"), rest.get("id")
        return [
            created if isinstance(created, str) else "",
            number if isinstance(number, int) else 0,
        ]

    def build() -> tuple[list[Any], list[list[Any]]]:
        keyed = sorted(
            ((key(d), d) for d in items if isinstance(d, dict)), key=lambda pair: pair[0]
        )
        return [d for _, d in keyed], [k for k, _ in keyed]

    result: tuple[list[Any], list[list[Any]]] = _CACHE.derived(
        (str(file), stamp, "by-created"), build
    )
    return result


def _resolve_deployments(
    repo: dict[str, Any],
    info: GraphQLResolveInfo[_Context],
    first: int | None = None,
    after: str | None = None,
    orderBy: dict[str, str] | None = None,  # GitHub's argument name
) -> Any:
    owner, name = repo["_owner"], repo["_name"]
    # a token without Deployments permission: DeploymentConnection! is never null, so GitHub's
    # null for it nulls the repository too (graphql-core does the same with this error)
    _refuse_repo_part(info.context, owner, name, "deployments")
    ordered, keys = _deployment_list(info.context.root, owner, name)
    # The schema's default order is CREATED_AT ASC: oldest first, unlike REST's list.
    descending = (orderBy or {}).get("direction", "ASC") == "DESC"
    return _keyset_page(
        ordered,
        keys,
        first,
        after,
        descending,
        (str, int),
        lambda rest: _deployment(rest, owner, name),
    )


def _status_list(root: Path, deployment: dict[str, Any]) -> list[dict[str, Any]]:
    """A deployment's REST statuses newest first, as GitHub's GraphQL lists them, like REST
    (recorded: realdata/devlake/.../_raw_github_graphql_deployment.csv)."""
    number = deployment.get("_database_id")
    if not isinstance(number, int):
        return []
    file = root / "repos" / deployment["_owner"] / deployment["_name"] / "deployments"
    file = file / str(number) / "statuses.json"
    stamp, items = _list_file(file)

    def build() -> list[dict[str, Any]]:
        def key(rest: dict[str, Any]) -> tuple[str, int]:
            created, ident = rest.get("created_at"), rest.get("id")
            return (
                created if isinstance(created, str) else "",
                ident if isinstance(ident, int) else 0,
            )

        return sorted((s for s in items if isinstance(s, dict)), key=key, reverse=True)

    result: list[dict[str, Any]] = _CACHE.derived((str(file), stamp, "newest-first"), build)
    return result


def _resolve_statuses(
    deployment: dict[str, Any],
    info: GraphQLResolveInfo[_Context],
    first: int | None = None,
    after: str | None = None,
) -> Any:
    statuses = _status_list(info.context.root, deployment)
    return _offset_page(statuses, first, after, lambda s: _deployment_status(s, deployment))


def _resolve_latest_status(deployment: dict[str, Any], info: GraphQLResolveInfo[_Context]) -> Any:
    statuses = _status_list(info.context.root, deployment)
    return _deployment_status(statuses[0], deployment) if statuses else None


def _resolve_node(
    _: Any,
    info: GraphQLResolveInfo[_Context],
    id: str,  # GitHub's argument name
) -> Any:
    found = _find_deployment(info.context.root, id)
    if found is None:
        # GitHub's wording, without a final period.
        raise _not_found(f"Could not resolve to a node with the global id of '{id}'")
    owner, name, rest = found
    _refuse_repo_part(info.context, owner, name, "deployments")
    return _deployment(rest, owner, name)


def _find_deployment(root: Path, node_id: str) -> tuple[str, str, dict[str, Any]] | None:
    """The deployment with this GraphQL id: a REST node_id, or our synthetic id."""
    try:
        text = base64.b64decode(node_id.encode("ascii"), validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    kind, owner, name, number = [*text.split(":"), "", "", ""][:4] if text else ("", "", "", "")
    if kind == "Deployment" and number.isdigit() and _repo_dir(root, owner, name) is not None:
        for rest in _deployment_list(root, owner, name)[0]:
            if rest.get("id") == int(number) and not rest.get("node_id"):
                return owner, name, rest
    files = sorted(root.glob("repos/*/*/deployments.json"))
    stamps = []
    for file in files:
        stat = file.stat()
        stamps.append((str(file), stat.st_mtime_ns, stat.st_size))

    def build() -> dict[str, tuple[str, str, dict[str, Any]]]:
        index: dict[str, tuple[str, str, dict[str, Any]]] = {}
        for file in files:
            for rest in _list_file(file)[1]:
                ident = _dig(rest, "node_id")
                if isinstance(ident, str):
                    # First wins: a hand-made mirror may repeat one node_id.
                    index.setdefault(ident, (file.parent.parent.name, file.parent.name, rest))
        return index

    index = _CACHE.derived(("deployment-node-ids", tuple(stamps)), build)
    found: tuple[str, str, dict[str, Any]] | None = index.get(node_id)
    return found


def _resolve_object(
    repo: dict[str, Any], info: GraphQLResolveInfo[_Context], expression: str | None = None
) -> Any:
    """A git object by `<rev>:<path>` at the default branch; null for anything else or absent."""
    if expression is None:
        return None
    revision, colon, path = expression.partition(":")
    if not colon or revision not in ("HEAD", repo.get("_default_branch") or "HEAD"):
        return None
    owner, name = repo["_owner"], repo["_name"]
    folder = _repo_dir(info.context.root, owner, name)
    parts = path.rstrip("/").split("/") if path.rstrip("/") else []
    if folder is None or any(p in ("", ".", "..") or "\\" in p or "\0" in p for p in parts):
        return None
    _refuse_repo_part(info.context, owner, name, "contents")
    target = folder / "contents"
    for part in parts:
        target = target / part
        if target.is_symlink():
            return None  # outside the tree, as git_tree reads it
    if target.is_file():
        data = target.read_bytes()
        return _blob(target, git_blob_sha(data), len(data), owner, name)
    if target.is_dir():
        sha, entries = git_tree(target)
        return _tree(sha, entries, owner, name) if entries else None
    return None


def _blob(file: Path, sha: str, size: int, owner: str, name: str) -> dict[str, Any]:
    return {
        "__typename": "Blob",
        "id": _synthetic_id("Blob", owner, name, sha),
        "oid": sha,
        "byteSize": size,
        "isTruncated": size > BLOB_TEXT_LIMIT,
        "_file": file,
    }


def _tree(sha: str, entries: list[GitEntry], owner: str, name: str) -> dict[str, Any]:
    return {
        "__typename": "Tree",
        "id": _synthetic_id("Tree", owner, name, sha),
        "oid": sha,
        "_entries": entries,
        "_owner": owner,
        "_name": name,
    }


def _resolve_entries(tree: dict[str, Any], _: GraphQLResolveInfo[_Context]) -> Any:
    return [
        {"name": e.name, "type": e.type, "oid": e.sha, "_entry": e, "_tree": tree}
        for e in tree["_entries"]
    ]


def _resolve_entry_object(entry: dict[str, Any], _: GraphQLResolveInfo[_Context]) -> Any:
    found: GitEntry = entry["_entry"]
    owner, name = entry["_tree"]["_owner"], entry["_tree"]["_name"]
    if found.type == "blob":
        return _blob(found.path, found.sha, found.size, owner, name)
    return _tree(found.sha, git_tree(found.path)[1], owner, name)


def _blob_text(blob: dict[str, Any]) -> str | None:
    """The blob's UTF-8 text, or None for bytes that are binary (a NUL, or not UTF-8)."""
    if "_text" not in blob:
        try:
            data = blob["_file"].read_bytes()
        except OSError:
            data = b""
        try:
            blob["_text"] = None if b"\0" in data else data.decode("utf-8")
        except UnicodeDecodeError:
            blob["_text"] = None
    text: str | None = blob["_text"]
    return text


def _resolve_blob_text(blob: dict[str, Any], _: GraphQLResolveInfo[_Context]) -> Any:
    text = _blob_text(blob)
    if text is None or not blob["isTruncated"]:
        return text
    # GitHub's Blob.text: the first BLOB_TEXT_LIMIT bytes, less a character the cut splits
    return text.encode("utf-8")[:BLOB_TEXT_LIMIT].decode("utf-8", errors="ignore")


def _resolve_blob_is_binary(blob: dict[str, Any], _: GraphQLResolveInfo[_Context]) -> Any:
    return _blob_text(blob) is None


def _resolve_rate_limit(_: Any, info: GraphQLResolveInfo[_Context]) -> Any:
    return info.context.rate_limit


def _pulls_file(info: GraphQLResolveInfo[_Context], repo: dict[str, Any]) -> Path:
    owner: str = repo["_owner"]
    name: str = repo["_name"]
    return info.context.root / "repos" / owner / name / "pulls.json"


_ORDER_FIELDS = {"CREATED_AT": "created_at", "UPDATED_AT": "updated_at", "COMMENTS": "comments"}


def _sort_key(rest: Any, column: str) -> list[Any]:
    value = _dig(rest, column)
    if column == "comments":
        value = f"{value:012d}" if isinstance(value, int) else "000000000000"
    number = _dig(rest, "number")
    return [value if isinstance(value, str) else "", number if isinstance(number, int) else 0]


def _resolve_pull_requests(
    repo: dict[str, Any],
    info: GraphQLResolveInfo[_Context],
    first: int | None = None,
    after: str | None = None,
    orderBy: dict[str, str] | None = None,  # GitHub's argument name
    states: list[str] | None = None,
) -> Any:
    file = _pulls_file(info, repo)
    stamp, items = _list_file(file)
    # GitHub lists PRs oldest first unless told otherwise.
    column = _ORDER_FIELDS[(orderBy or {}).get("field", "CREATED_AT")]
    descending = (orderBy or {}).get("direction", "ASC") == "DESC"
    wanted = frozenset(states or ("OPEN", "CLOSED", "MERGED"))

    def build() -> tuple[list[Any], list[list[Any]]]:
        kept = [p for p in items if isinstance(p, dict) and _pull_request_state(p) in wanted]
        keyed = sorted(((_sort_key(p, column), p) for p in kept), key=lambda pair: pair[0])
        return [p for _, p in keyed], [k for k, _ in keyed]

    ordered, keys = _CACHE.derived((str(file), stamp, column, wanted), build)
    owner, name = repo["_owner"], repo["_name"]
    return _keyset_page(
        ordered,
        keys,
        first,
        after,
        descending,
        (str, int),
        lambda p: _pull_request(p, owner, name),
    )


def _pull_request_state(rest: dict[str, Any]) -> str:
    if rest.get("merged_at"):
        return "MERGED"
    return "CLOSED" if rest.get("state") == "closed" else "OPEN"


def _resolve_pull_request(
    repo: dict[str, Any], info: GraphQLResolveInfo[_Context], number: int
) -> Any:
    file = _pulls_file(info, repo)
    stamp, items = _list_file(file)

    def build() -> dict[int, Any]:
        return {p["number"]: p for p in items if isinstance(p, dict) and "number" in p}

    found = _CACHE.derived((str(file), stamp, "by-number"), build).get(number)
    if found is None:
        raise _not_found(f"Could not resolve to a PullRequest with the number of {number}.")
    return _pull_request(found, repo["_owner"], repo["_name"])


def _pull_file(info: GraphQLResolveInfo[_Context], pr: dict[str, Any], *parts: str) -> list[Any]:
    root = info.context.root
    folder = root / "repos" / pr["_owner"] / pr["_name"]
    return _list_file(folder.joinpath(*parts[:-1], str(pr["number"]), parts[-1]))[1]


def _resolve_reviews(
    pr: dict[str, Any],
    info: GraphQLResolveInfo[_Context],
    first: int | None = None,
    after: str | None = None,
) -> Any:
    items = [r for r in _pull_file(info, pr, "pulls", "reviews.json") if isinstance(r, dict)]
    return _offset_page(items, first, after, _review)


def _resolve_files(
    pr: dict[str, Any],
    info: GraphQLResolveInfo[_Context],
    first: int | None = None,
    after: str | None = None,
) -> Any:
    items = [f for f in _pull_file(info, pr, "pulls", "files.json") if isinstance(f, dict)]
    return _offset_page(items, first, after, _changed_file)


def _resolve_commits(
    pr: dict[str, Any],
    info: GraphQLResolveInfo[_Context],
    first: int | None = None,
    after: str | None = None,
) -> Any:
    items = [c for c in _pull_file(info, pr, "pulls", "commits.json") if isinstance(c, dict)]
    return _offset_page(items, first, after, _pull_request_commit)


def _resolve_timeline(
    pr: dict[str, Any],
    info: GraphQLResolveInfo[_Context],
    first: int | None = None,
    after: str | None = None,
    itemTypes: list[str] | None = None,  # GitHub's argument name
) -> Any:
    wanted = set(itemTypes) if itemTypes else None
    kept: list[tuple[int, str, dict[str, Any]]] = []
    for index, event in enumerate(_pull_file(info, pr, "issues", "timeline.json")):
        kind = _TIMELINE_EVENTS.get(str(_dig(event, "event")))
        # Events outside the served subset are left out, as if filtered by itemTypes.
        if kind is not None and (wanted is None or kind[1] in wanted):
            kept.append((index, kind[0], event))
    owner, name, number = pr["_owner"], pr["_name"], pr["number"]
    return _offset_page(
        kept,
        first,
        after,
        lambda entry: _timeline_item(entry[2], entry[1], owner, name, number, entry[0]),
    )


def _big_int(value: Any) -> str:
    return str(int(value))


def _build_schema() -> GraphQLSchema:
    schema = build_schema(SCHEMA_SDL)
    # GitHub sends a BigInt as a string (its schema: "it's encoded as a string").
    big_int = cast(GraphQLScalarType, schema.type_map["BigInt"])
    big_int.serialize = _big_int  # type: ignore[method-assign]
    resolvers: dict[tuple[str, str], Callable[..., Any]] = {
        ("Query", "repository"): _resolve_repository,
        ("Query", "organization"): _resolve_organization,
        ("Query", "node"): _resolve_node,
        ("Query", "rateLimit"): _resolve_rate_limit,
        ("Organization", "repositories"): _resolve_repositories,
        ("Organization", "membersWithRole"): _resolve_members_with_role,
        ("Organization", "teams"): _resolve_teams,
        ("Organization", "team"): _resolve_team,
        ("Team", "parentTeam"): _resolve_parent_team,
        ("Team", "members"): _resolve_team_members,
        ("Repository", "deployments"): _resolve_deployments,
        ("Repository", "object"): _resolve_object,
        ("Deployment", "statuses"): _resolve_statuses,
        ("Deployment", "latestStatus"): _resolve_latest_status,
        ("Tree", "entries"): _resolve_entries,
        ("TreeEntry", "object"): _resolve_entry_object,
        ("Blob", "text"): _resolve_blob_text,
        ("Blob", "isBinary"): _resolve_blob_is_binary,
        ("Repository", "pullRequests"): _resolve_pull_requests,
        ("Repository", "pullRequest"): _resolve_pull_request,
        ("PullRequest", "reviews"): _resolve_reviews,
        ("PullRequest", "timelineItems"): _resolve_timeline,
        ("PullRequest", "files"): _resolve_files,
        ("PullRequest", "commits"): _resolve_commits,
    }
    for (type_name, field_name), resolve in resolvers.items():
        cast(GraphQLObjectType, schema.type_map[type_name]).fields[field_name].resolve = resolve
    return schema


SCHEMA: Final = _build_schema()
"""Our subset of GitHub's schema, with resolvers over an API mirror folder."""


# Cost and node limit ------------------------------------------------------------------------


@dataclass
class _Cost:
    requests: int = 0
    nodes: int = 0
    errors: list[GraphQLError] = field(default_factory=list)


def _is_connection(definition: GraphQLField) -> bool:
    named = get_named_type(definition.type)
    return "first" in definition.args and named.name.endswith("Connection")


def _measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: VariableValues,
) -> _Cost:
    """Requests and nodes of the call by GitHub's rule, and its pagination errors."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    cost = _Cost()
    counted: set[tuple[str, ...]] = set()

    def walk(
        selections: SelectionSetNode, parent: GraphQLNamedType, parents: int, path: tuple[str, ...]
    ) -> None:
        for selection in selections.selections:
            if not _included(selection, variables):
                continue  # a field @skip or @include leaves out is not fetched and costs nothing
            if isinstance(selection, FieldNode):
                definition = getattr(parent, "fields", {}).get(selection.name.value)
                if definition is None:
                    continue  # __typename and friends
                key = selection.alias.value if selection.alias else selection.name.value
                here = (*path, key)
                multiplier = parents
                if _is_connection(definition):
                    size = _page_size(definition, selection, variables, here, cost)
                    if size is None:
                        continue
                    # One request per parent node; each connection once however often it is spelled.
                    if (parent.name, *here) not in counted:
                        counted.add((parent.name, *here))
                        cost.requests += parents
                        cost.nodes += parents * size
                        if cost.nodes > NODE_LIMIT and not cost.errors:
                            cost.errors.append(
                                GraphQLError(
                                    f"By the time this query traverses to the {key} connection, "
                                    f"it is requesting up to {cost.nodes:,} possible nodes which "
                                    f"exceeds the maximum limit of {NODE_LIMIT:,}.",
                                    selection,
                                    path=list(here),
                                    extensions={"type": "MAX_NODE_LIMIT_EXCEEDED"},
                                )
                            )
                    multiplier = parents * size
                if selection.selection_set is not None:
                    walk(selection.selection_set, get_named_type(definition.type), multiplier, here)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = schema.get_type(condition.name.value) if condition else parent
                walk(selection.selection_set, target or parent, parents, path)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments[selection.name.value]
                target = schema.get_type(fragment.type_condition.name.value)
                walk(fragment.selection_set, target or parent, parents, path)

    root = schema.query_type
    if root is not None:
        walk(operation.selection_set, root, 1, ())
    return cost


def _included(selection: SelectionNode, variables: VariableValues) -> bool:
    """Whether the selection's @skip and @include let it into the answer."""
    skip = get_directive_values(GraphQLSkipDirective, selection, variables)
    if skip is not None and skip.get("if") is True:
        return False
    include = get_directive_values(GraphQLIncludeDirective, selection, variables)
    return include is None or include.get("if") is not False


def _page_size(
    definition: GraphQLField,
    selection: FieldNode,
    variables: VariableValues,
    path: tuple[str, ...],
    cost: _Cost,
) -> int | None:
    """The connection's `first`, or None after recording why GitHub would refuse it."""
    args = get_argument_values(definition, selection, variables)
    size = args.get("first")
    name = selection.name.value
    # Wording and types of GitHub's answers to a connection without or beyond its page limit.
    if size is None:
        cost.errors.append(
            GraphQLError(
                f"You must provide a `first` or `last` value to properly paginate the "
                f"`{name}` connection.",
                selection,
                path=list(path),
                extensions={"type": "MISSING_PAGINATION_BOUNDARIES"},
            )
        )
        return None
    if not 1 <= size <= MAX_PAGE_SIZE:
        cost.errors.append(
            GraphQLError(
                f"Requesting {size} records on the `{name}` connection exceeds the `first` "
                f"limit of {MAX_PAGE_SIZE} records."
                if size > MAX_PAGE_SIZE
                else f"`first` on the `{name}` connection must be between 1 and {MAX_PAGE_SIZE}.",
                selection,
                path=list(path),
                extensions={"type": "EXCESSIVE_PAGINATION"},
            )
        )
        return None
    return int(size)


# Errors as GitHub shapes them ---------------------------------------------------------------

# graphql-core's validation messages -> graphql-ruby's (GitHub's) message and extensions.
_Rewrite = Callable[[re.Match[str]], tuple[str, dict[str, Any]]]
_RUBY_MESSAGES: list[tuple[re.Pattern[str], _Rewrite]] = [
    (
        re.compile(r"Cannot query field '(\w+)' on type '(\w+)'"),
        lambda m: (
            f"Field '{m[1]}' doesn't exist on type '{m[2]}'",
            {"code": "undefinedField", "typeName": m[2], "fieldName": m[1]},
        ),
    ),
    (
        re.compile(r"Unknown argument '(\w+)' on field '\w+\.(\w+)'"),
        lambda m: (
            f"Field '{m[2]}' doesn't accept argument '{m[1]}'",
            {
                "code": "argumentNotAccepted",
                "name": m[2],
                "typeName": "Field",
                "argumentName": m[1],
            },
        ),
    ),
    (
        re.compile(r"Argument '\w+\.(\w+)\((\w+):\)' of type '[^']+' is required"),
        lambda m: (
            f"Field '{m[1]}' is missing required arguments: {m[2]}",
            {
                "code": "missingRequiredArguments",
                "className": "Field",
                "name": m[1],
                "arguments": m[2],
            },
        ),
    ),
    (
        re.compile(r"Variable '\$(\w+)' is never used(?: in operation '(\w+)')?"),
        lambda m: (
            f"Variable ${m[1]} is declared by {m[2] or 'anonymous query'} but not used",
            {"code": "variableNotUsed", "variableName": m[1]},
        ),
    ),
    (
        re.compile(r"Variable '\$(\w+)' is not defined(?: by operation '(\w+)')?"),
        lambda m: (
            f"Variable ${m[1]} is used by {m[2] or 'anonymous query'} but not declared",
            {"code": "variableNotDefined", "variableName": m[1]},
        ),
    ),
]


def _static_paths(document: DocumentNode) -> dict[int, list[str]]:
    """graphql-ruby's path to each field and argument node, for validation errors."""
    paths: dict[int, list[str]] = {}

    def walk(selections: SelectionSetNode | None, path: list[str]) -> None:
        if selections is None:
            return
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                here = [*path, selection.name.value]
                paths[id(selection)] = here
                for argument in selection.arguments or ():
                    paths[id(argument)] = [*here, argument.name.value]
                walk(selection.selection_set, here)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                label = f"... on {condition.name.value}" if condition else "..."
                walk(selection.selection_set, [*path, label])

    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            name = definition.name.value if definition.name else ""
            head = [f"{definition.operation.value} {name}".strip()]
        elif isinstance(definition, FragmentDefinitionNode):
            head = [f"fragment {definition.name.value}"]
        else:
            continue
        paths[id(definition)] = head
        walk(definition.selection_set, head)
    return paths


def _github_error(
    error: GraphQLError, paths: Mapping[int, list[str]] | None = None
) -> dict[str, Any]:
    """One error as GitHub writes it: `type` on top for execution errors, graphql-ruby wording."""
    formatted: dict[str, Any] = dict(cast(Mapping[str, Any], error.formatted))
    extensions = dict(formatted.pop("extensions", None) or {})
    out: dict[str, Any] = {}
    if "type" in extensions:
        out["type"] = extensions.pop("type")
    message = error.message
    if paths is not None:
        for pattern, rewrite in _RUBY_MESSAGES:
            match = pattern.search(message)
            if match:
                message, extensions = rewrite(match)
                break
        node: Node | None = error.nodes[0] if error.nodes else None
        if node is not None and id(node) in paths:
            out["path"] = paths[id(node)]
    if "path" in formatted:
        out["path"] = formatted["path"]
    if "locations" in formatted:
        out["locations"] = formatted["locations"]
    out["message"] = message
    if extensions:
        out["extensions"] = extensions
    return out


def _errors(*errors: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    # GraphQL errors come back with 200 and an `errors` list, as from GitHub.
    return 200, {"errors": list(errors)}


# Entry points -------------------------------------------------------------------------------


def execute(
    root: Path,
    body: dict[str, Any],
    budget: GraphQLBudget,
    time_limits: Mapping[str, int] | None = None,
    timed_out: int = 200,
    *,
    refusal: str = REFUSED_TOKEN,
) -> tuple[int, dict[str, Any]]:
    """Answer one POST /graphql body over the mirror at `root`: (HTTP status, JSON answer).
    An operation `time_limits` names, whose answer holds more nodes than it says, is one GitHub
    gives up on, as it does past its time limit on a query that must gather too much: with
    `timed_out` 200, GitHub's GraphQL error saying so ("Something went wrong"); with 502 or 504,
    its front end's answer when it stops waiting for the query first. A field the mirror
    refuses the token is FORBIDDEN in `refusal`'s words (an app's, or a token's)."""
    query = body.get("query") if isinstance(body, dict) else None
    if not isinstance(query, str):
        return _errors({"message": "A query attribute must be specified and must be a string."})
    variables: Any = body.get("variables")
    if isinstance(variables, str):  # some clients send the variables as a JSON string
        try:
            variables = json.loads(variables) if variables.strip() else None
        except ValueError:
            return _errors({"message": "Variables are invalid JSON."})
    if variables is None:
        variables = {}
    if not isinstance(variables, dict):
        return _errors({"message": "Variables are invalid JSON."})
    operation_name = body.get("operationName") or None
    if operation_name is not None and not isinstance(operation_name, str):
        return _errors({"message": "operationName must be a string."})

    try:
        document = parse(query)
    except GraphQLError as exc:
        return _errors(_github_error(exc))
    problems = validate(SCHEMA, document)
    if problems:
        paths = _static_paths(document)
        return _errors(*(_github_error(p, paths) for p in problems))
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        message = (
            f'No operation named "{operation_name}"'
            if operation_name
            else "An operation name is required"
        )
        return _errors({"message": message})
    coerced = get_variable_values(SCHEMA, operation.variable_definitions or (), variables)
    if isinstance(coerced, list):
        return _errors(*(_github_error(e) for e in coerced))
    cost = _measure(SCHEMA, document, operation, coerced)
    if cost.errors:
        return _errors(*(_github_error(e) for e in cost.errors))

    points = rate_limit_cost(cost.requests)
    state = budget.spend(points)
    if state is None:
        return _errors(dict(_RATE_LIMITED))
    context = _Context(
        root,
        {
            "cost": points,
            "limit": state.limit,
            "nodeCount": cost.nodes,
            "remaining": state.remaining,
            "resetAt": state.reset_at,
            "used": state.used,
        },
        refusal,
    )
    result = execute_sync(
        SCHEMA,
        document,
        context_value=context,
        variable_values=variables,
        operation_name=operation_name,
    )
    limit = (time_limits or {}).get(operation.name.value if operation.name else "")
    if limit is not None and _nodes(result.data) > limit:
        if timed_out != 200:
            return timed_out, dict(_NOT_IN_TIME)
        return 200, {"data": None, "errors": [{"message": _GAVE_UP}]}
    answer: dict[str, Any] = {"data": result.data}
    if result.errors:
        answer["errors"] = [_github_error(e) for e in result.errors]
    return 200, answer


def respond(
    root: Path,
    raw: bytes,
    budget: GraphQLBudget,
    time_limits: Mapping[str, int] | None = None,
    timed_out: int = 200,
    *,
    refusal: str = REFUSED_TOKEN,
) -> tuple[int, dict[str, Any]]:
    """Answer a raw POST /graphql body; a body that is not a JSON object is a 400, as on GitHub."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        body = None
    if not isinstance(body, dict):
        return 400, {"message": "Problems parsing JSON", "documentation_url": _GRAPHQL_DOCS}
    return execute(root, body, budget, time_limits, timed_out, refusal=refusal)


def _nodes(data: Any) -> int:
    """How many nodes an answer holds: the items of every connection's `nodes`, however deep."""
    if isinstance(data, dict):
        inside = sum(_nodes(v) for v in data.values())
        listed = data.get("nodes")
        return inside + (len(listed) if isinstance(listed, list) else 0)
    if isinstance(data, list):
        return sum(_nodes(v) for v in data)
    return 0


# GitHub's answer to a query it gave up on, past its time limit (200, no data, this error).
_GAVE_UP = (
    "Something went wrong while executing your query. This may be the result of a timeout, or "
    "it could be a GitHub bug. Please include `0000:0000:0000000:0000000:00000000` when reporting "
    "this issue."
)


# GitHub's answer (502 or 504) to a request it could not answer in time.
_NOT_IN_TIME = {
    "message": "We couldn't respond to your request in time. Sorry about that. Please try "
    "resubmitting your request and contact us if the problem persists."
}


def unauthorized() -> tuple[int, dict[str, Any]]:
    """GitHub's answer to a GraphQL call with a missing or wrong token."""
    return 401, {"message": "Bad credentials", "documentation_url": _GRAPHQL_DOCS, "status": "401"}
