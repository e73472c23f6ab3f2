"""The GraphQL queries the collector sends GitHub for bulk PR history, and their variables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

__all__ = [
    "DEPLOYMENTS",
    "DEPLOYMENT_STATUSES_PAGE",
    "NESTED_PAGE_SIZE",
    "NODE_LIMIT",
    "ORG_MEMBERS_PAGE",
    "ORG_SNAPSHOT",
    "ORG_SNAPSHOT_PAGE_SIZE",
    "ORG_TEAMS_PAGE",
    "PAGE_QUERIES",
    "PROBE",
    "PR_COMMITS_PAGE",
    "PR_FILES_PAGE",
    "PR_REVIEWS_PAGE",
    "PR_TIMELINE_PAGE",
    "PULL_REQUESTS",
    "PULL_REQUESTS_COST",
    "PULL_REQUEST_LISTING",
    "PULL_REQUEST_PAGE_SIZE",
    "QUERIES",
    "TEAM_MEMBERS_PAGE",
    "TIMELINE_ITEM_TYPES",
    "org_page_variables",
    "org_snapshot_cost",
    "org_snapshot_variables",
    "pull_request_page_variables",
    "pull_requests_variables",
    "rate_limit_cost",
    "repository_files",
]

# GitHub's limits and cost rule for one GraphQL call, from "Rate limits and node limits for the
# GraphQL API" (https://docs.github.com/en/graphql/overview/rate-limits-and-node-limits-for-the-graphql-api):
# every connection needs `first` or `last` between 1 and 100; one call may ask for at most
# 500,000 nodes; its cost is the number of requests needed to fulfil each connection (one per
# parent node, assuming every `first` is reached), summed, divided by 100 and rounded to the
# nearest whole number, and never less than 1 point.
MAX_PAGE_SIZE: Final = 100
NODE_LIMIT: Final = 500_000
REQUESTS_PER_POINT: Final = 100
MIN_COST: Final = 1

# The PR page size that keeps a page at 1 point: the page itself is 1 request and each of its four
# nested connections is one request per PR, so the aggregate is 1 + 4 * 37 = 149, and 149 / 100
# rounds to 1; at 38 PRs it is 153, which rounds to 2. 37 PRs a point is the cheapest rate the rule
# allows (50 PRs a page would cost 2 points, 100 PRs 4: 25 PRs a point).
PULL_REQUEST_PAGE_SIZE: Final = 37
# Nested pages cost nothing extra (only their parents' sizes count), so they take GitHub's maximum:
# fewer PRs overflow into follow-up queries. Nodes: 37 + 37 * 4 * 100 = 14,837, far below the limit.
NESTED_PAGE_SIZE: Final = MAX_PAGE_SIZE

# The timeline items the raw layer keeps, as GitHub's PullRequestTimelineItemsItemType names them.
# Reviews have their own connection, so PULL_REQUEST_REVIEW is not asked twice.
TIMELINE_ITEM_TYPES: Final = (
    "REVIEW_REQUESTED_EVENT",
    "REVIEW_REQUEST_REMOVED_EVENT",
    "READY_FOR_REVIEW_EVENT",
    "CONVERT_TO_DRAFT_EVENT",
    "MERGED_EVENT",
    "CLOSED_EVENT",
    "REOPENED_EVENT",
    "CROSS_REFERENCED_EVENT",
    "HEAD_REF_FORCE_PUSHED_EVENT",
    "REVIEW_DISMISSED_EVENT",
    "ISSUE_COMMENT",
    "PULL_REQUEST_COMMIT",
)
_ITEM_TYPES = "[" + ", ".join(TIMELINE_ITEM_TYPES) + "]"

# Fragments shared by the bulk query and its follow-ups, so a follow-up page has the same shape
# as the first page it continues.
# Accounts and teams keep `databaseId` (Int): GitHub's schema gives them no fullDatabaseId, and
# their ids still fit 32 bits. PRs, reviews and comments, whose ids outgrew Int, are asked their
# fullDatabaseId (BigInt, sent as a string).
_ACTOR = """
fragment ActorFields on Actor {
  __typename
  login
  ... on User { databaseId }
  ... on Bot { databaseId }
}
"""

_PULL_REQUEST = """
fragment PullRequestFields on PullRequest {
  id
  number
  fullDatabaseId
  title
  body
  author { ...ActorFields }
  state
  isDraft
  createdAt
  updatedAt
  closedAt
  mergedAt
  mergeCommit { oid }
  baseRefName
  headRefName
  headRefOid
  url
}
"""

_REVIEWS = """
fragment ReviewPage on PullRequestReviewConnection {
  totalCount
  pageInfo { hasNextPage endCursor }
  nodes {
    id
    fullDatabaseId
    author { ...ActorFields }
    state
    submittedAt
    commit { oid }
    authorAssociation
  }
}
"""

_TIMELINE = """
fragment TimelinePage on PullRequestTimelineItemsConnection {
  totalCount
  pageInfo { hasNextPage endCursor }
  nodes {
    __typename
    ... on ReviewRequestedEvent {
      id
      createdAt
      actor { ...ActorFields }
      requestedReviewer { ...RequestedReviewerFields }
    }
    ... on ReviewRequestRemovedEvent {
      id
      createdAt
      actor { ...ActorFields }
      requestedReviewer { ...RequestedReviewerFields }
    }
    ... on ReadyForReviewEvent { id createdAt actor { ...ActorFields } }
    ... on ConvertToDraftEvent { id createdAt actor { ...ActorFields } }
    # aliased: PullRequestCommit.commit is Commit! and GraphQL refuses to merge the two here
    ... on MergedEvent { id createdAt actor { ...ActorFields } mergeCommit: commit { oid } }
    ... on ClosedEvent { id createdAt actor { ...ActorFields } }
    ... on ReopenedEvent { id createdAt actor { ...ActorFields } }
    ... on CrossReferencedEvent {
      id
      createdAt
      referencedAt
      actor { ...ActorFields }
      isCrossRepository
      willCloseTarget
      source {
        __typename
        ... on Issue { number url repository { nameWithOwner } }
        ... on PullRequest { number url repository { nameWithOwner } }
      }
    }
    ... on HeadRefForcePushedEvent {
      id
      createdAt
      actor { ...ActorFields }
      beforeCommit { oid }
      afterCommit { oid }
    }
    ... on ReviewDismissedEvent {
      id
      createdAt
      actor { ...ActorFields }
      dismissalMessage
      previousReviewState
      review { fullDatabaseId }
      pullRequestCommit { commit { oid } }
    }
    ... on IssueComment {
      id
      fullDatabaseId
      createdAt
      updatedAt
      author { ...ActorFields }
      authorAssociation
      url
      body
    }
    ... on PullRequestCommit {
      id
      url
      commit { oid authoredDate committedDate }
    }
  }
}

fragment RequestedReviewerFields on RequestedReviewer {
  __typename
  ... on User { login databaseId }
  ... on Team { slug databaseId }
  ... on Bot { login databaseId }
  ... on Mannequin { login databaseId }
}
"""

_FILES = """
fragment FilePage on PullRequestChangedFileConnection {
  totalCount
  pageInfo { hasNextPage endCursor }
  nodes { path additions deletions changeType }
}
"""

_COMMITS = """
fragment CommitPage on PullRequestCommitConnection {
  totalCount
  pageInfo { hasNextPage endCursor }
  nodes {
    id
    url
    commit {
      oid
      authoredDate
      committedDate
      author { name email user { login databaseId } }
    }
  }
}
"""

PULL_REQUESTS: Final = (
    """
query PullRequests(
  $owner: String!
  $name: String!
  $cursor: String
  $pageSize: Int!
  $nestedPageSize: Int!
) {
  repository(owner: $owner, name: $name) {
    pullRequests(
      first: $pageSize
      after: $cursor
      orderBy: {field: UPDATED_AT, direction: DESC}
      states: [OPEN, CLOSED, MERGED]
    ) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        ...PullRequestFields
        reviews(first: $nestedPageSize) { ...ReviewPage }
        timelineItems(first: $nestedPageSize, itemTypes: """
    + _ITEM_TYPES
    + """) {
          ...TimelinePage
        }
        files(first: $nestedPageSize) { ...FilePage }
        commits(first: $nestedPageSize) { ...CommitPage }
      }
    }
  }
  rateLimit { cost remaining resetAt }
}
"""
    + _PULL_REQUEST
    + _ACTOR
    + _REVIEWS
    + _TIMELINE
    + _FILES
    + _COMMITS
)
"""One page of a repository's PRs, most recently updated first, each with the first page of its
reviews, timeline items, files and commits; a nested connection whose `pageInfo.hasNextPage` is
true continues with the PR_*_PAGE query for that PR. Cost: 1 + 4 * pageSize requests, so 1 point
at the default 37 PRs."""

PULL_REQUEST_LISTING: Final = (
    """
query PullRequestListing($owner: String!, $name: String!, $cursor: String, $pageSize: Int!) {
  repository(owner: $owner, name: $name) {
    pullRequests(
      first: $pageSize
      after: $cursor
      orderBy: {field: UPDATED_AT, direction: DESC}
      states: [OPEN, CLOSED, MERGED]
    ) {
      pageInfo { hasNextPage endCursor }
      nodes { ...PullRequestFields }
    }
  }
  rateLimit { cost remaining resetAt }
}
"""
    + _PULL_REQUEST
    + _ACTOR
)
"""PULL_REQUESTS's page without the PRs' reviews, timeline items, files and commits: the PRs
alone, for a page GitHub will not answer with them. Cost: 1 point."""

PROBE: Final = "query Probe { rateLimit { cost remaining resetAt } }"
"""The lightest query: GitHub answers it at once unless it is failing every query."""


def _page_query(name: str, connection: str, fragment_name: str, fragments: str) -> str:
    return (
        f"""
query {name}(
  $owner: String!
  $name: String!
  $number: Int!
  $cursor: String
  $pageSize: Int!
) {{
  repository(owner: $owner, name: $name) {{
    pullRequest(number: $number) {{
      {connection} {{ ...{fragment_name} }}
    }}
  }}
  rateLimit {{ cost remaining resetAt }}
}}
"""
        + fragments
    )


PR_REVIEWS_PAGE: Final = _page_query(
    "PullRequestReviewsPage",
    "reviews(first: $pageSize, after: $cursor)",
    "ReviewPage",
    _REVIEWS + _ACTOR,
)
"""The next page of one PR's reviews after `cursor`. Cost: 1 request, so GitHub's minimum, 1."""

PR_TIMELINE_PAGE: Final = _page_query(
    "PullRequestTimelinePage",
    f"timelineItems(first: $pageSize, after: $cursor, itemTypes: {_ITEM_TYPES})",
    "TimelinePage",
    _TIMELINE + _ACTOR,
)
"""The next page of one PR's timeline items (the same item types) after `cursor`. Cost: 1 point."""

PR_FILES_PAGE: Final = _page_query(
    "PullRequestFilesPage",
    "files(first: $pageSize, after: $cursor)",
    "FilePage",
    _FILES,
)
"""The next page of one PR's changed files after `cursor`. Cost: 1 point."""

PR_COMMITS_PAGE: Final = _page_query(
    "PullRequestCommitsPage",
    "commits(first: $pageSize, after: $cursor)",
    "CommitPage",
    _COMMITS,
)
"""The next page of one PR's commits after `cursor`. Cost: 1 point."""

# -- the org snapshot: what changed, for every repo, in one call ------------------------------

_REPOSITORY_PROBE = """
fragment RepositoryProbe on Repository {
  nameWithOwner
  name
  databaseId
  description
  isPrivate
  isArchived
  archivedAt
  isFork
  url
  createdAt
  pushedAt
  updatedAt
  defaultBranchRef { name }
  pullRequests(
    first: 1
    orderBy: {field: UPDATED_AT, direction: DESC}
    states: [OPEN, CLOSED, MERGED]
  ) {
    nodes { updatedAt }
  }
  deployments(first: 20, orderBy: {field: CREATED_AT, direction: DESC})
    @include(if: $withDeployments) {
    nodes { databaseId createdAt updatedAt latestStatus { createdAt } }
  }
  rootTree: object(expression: "HEAD:") { ... on Tree { entries { name type oid } } }
  githubCodeowners: object(expression: "HEAD:.github/CODEOWNERS") { oid }
  docsCodeowners: object(expression: "HEAD:docs/CODEOWNERS") { oid }
}
"""

_MEMBERS = """
fragment MemberPage on OrganizationMemberConnection {
  totalCount
  pageInfo { hasNextPage endCursor }
  nodes { login databaseId }
}
"""

_TEAM_MEMBERS = """
fragment TeamMemberPage on TeamMemberConnection {
  totalCount
  pageInfo { hasNextPage endCursor }
  nodes { login databaseId }
}
"""

_TEAMS = (
    """
fragment TeamPage on TeamConnection {
  totalCount
  pageInfo { hasNextPage endCursor }
  nodes {
    slug
    name
    databaseId
    description
    privacy
    parentTeam { slug }
    members(first: 100, membership: ALL) { ...TeamMemberPage }
  }
}
"""
    + _TEAM_MEMBERS
)

ORG_SNAPSHOT: Final = (
    """
query OrgSnapshot(
  $org: String!
  $cursor: String
  $withPeople: Boolean!
  $withDeployments: Boolean!
  $pageSize: Int!
) {
  organization(login: $org) {
    login
    databaseId
    name
    url
    repositories(first: $pageSize, after: $cursor, orderBy: {field: NAME, direction: ASC}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ...RepositoryProbe }
    }
    membersWithRole(first: 100) @include(if: $withPeople) { ...MemberPage }
    teams(first: $pageSize) @include(if: $withPeople) { ...TeamPage }
  }
  rateLimit { cost remaining resetAt }
}
"""
    + _REPOSITORY_PROBE
    + _MEMBERS
    + _TEAMS
)
"""A page of 100 (`pageSize`) of the org's repositories, each with what tells whether it changed
since the last sync: its newest PR's updatedAt, its 20 newest deployments with their latest
statuses, pushedAt, and the blob ids of its root files and CODEOWNERS. With `withPeople` (the
first page) also the org's members and teams (`pageSize` of them), each team with its members
(membership ALL: child teams' members too, as REST lists them); a list that overflows its page
continues with ORG_MEMBERS_PAGE, ORG_TEAMS_PAGE or TEAM_MEMBERS_PAGE. A smaller `pageSize` makes
a lighter query of it; without `withDeployments` (a token GitHub refuses deployments, which
nulls the whole repository: DeploymentConnection! is never null) the repos come without them.
Cost at 100: 1 + 100 + 100 requests for the repos' connections, 1 + 1 + 100 for the people and
each team's members: 303 requests, 3 points, on the first page; 201, 2 points, on later ones (100
fewer requests without deployments). One call stands for a whole unchanged org of up to 100
repos."""

# ORG_SNAPSHOT for a GitHub whose schema has no Repository.archivedAt (an Enterprise Server older
# than github.com's schema): the same page, without when each repo was archived.
ORG_SNAPSHOT_WITHOUT_ARCHIVED_AT: Final = ORG_SNAPSHOT.replace("  archivedAt\n", "", 1)

ORG_MEMBERS_PAGE: Final = (
    """
query OrgMembersPage($org: String!, $cursor: String, $pageSize: Int!) {
  organization(login: $org) {
    membersWithRole(first: $pageSize, after: $cursor) { ...MemberPage }
  }
  rateLimit { cost remaining resetAt }
}
"""
    + _MEMBERS
)
"""The org's members after `cursor`, `pageSize` of them (100 unless made lighter). Cost: 1 point."""

ORG_TEAMS_PAGE: Final = (
    """
query OrgTeamsPage($org: String!, $cursor: String, $pageSize: Int!) {
  organization(login: $org) {
    teams(first: $pageSize, after: $cursor) { ...TeamPage }
  }
  rateLimit { cost remaining resetAt }
}
"""
    + _TEAMS
)
"""The org's teams after `cursor`, `pageSize` of them (100 unless made lighter: 100 teams of 100
members are 10,000 nodes, more than GitHub may gather in time), each with its first 100 members.
Cost: 1 + pageSize requests: 1 point."""

TEAM_MEMBERS_PAGE: Final = (
    """
query TeamMembersPage($org: String!, $slug: String!, $cursor: String, $pageSize: Int!) {
  organization(login: $org) {
    team(slug: $slug) {
      members(first: $pageSize, after: $cursor, membership: ALL) { ...TeamMemberPage }
    }
  }
  rateLimit { cost remaining resetAt }
}
"""
    + _TEAM_MEMBERS
)
"""A team's members after `cursor`, `pageSize` of them (100 unless made lighter). Cost: 1 point."""

# -- files at the default branch ------------------------------------------------------------


# What a blob is asked for: its text, and whether that text can be read.
_BLOB_TEXT = "byteSize isBinary isTruncated text"


def repository_files(count: int) -> str:
    """A query for the text of `count` files at the default branch, each at the expression in
    its variable `$pN` ("HEAD:package.json"): only the files the snapshot found changed, not
    every file at the root (a lockfile there can be megabytes). No connections: 1 point."""
    params = "".join(f", $p{i}: String!" for i in range(count))
    fields = "\n".join(
        f"    f{i}: object(expression: $p{i}) {{ oid ... on Blob {{ {_BLOB_TEXT} }} }}"
        for i in range(count)
    )
    return (
        f"query RepositoryFiles($owner: String!, $name: String!{params}) {{\n"
        f"  repository(owner: $owner, name: $name) {{\n{fields}\n  }}\n"
        "  rateLimit { cost remaining resetAt }\n}\n"
    )


# -- deployments ----------------------------------------------------------------------------

_DEPLOYMENT_STATUSES = """
fragment DeploymentStatusPage on DeploymentStatusConnection {
  totalCount
  pageInfo { hasNextPage endCursor }
  nodes {
    id
    state
    description
    environment
    environmentUrl
    logUrl
    createdAt
    updatedAt
    creator { ...ActorFields }
  }
}
"""

DEPLOYMENTS: Final = (
    """
query Deployments($owner: String!, $name: String!, $cursor: String, $pageSize: Int!) {
  repository(owner: $owner, name: $name) {
    deployments(
      first: $pageSize
      after: $cursor
      orderBy: {field: CREATED_AT, direction: DESC}
    ) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        databaseId
        commitOid
        ref { name }
        task
        environment
        originalEnvironment
        description
        payload
        createdAt
        updatedAt
        creator { ...ActorFields }
        statuses(first: 100) { ...DeploymentStatusPage }
      }
    }
  }
  rateLimit { cost remaining resetAt }
}
"""
    + _DEPLOYMENT_STATUSES
    + _ACTOR
)
"""A page of a repository's deployments, newest first, each with its first 100 statuses (more
continue with DEPLOYMENT_STATUSES_PAGE). Cost: 1 + pageSize requests: 1 point at 100."""

DEPLOYMENT_STATUSES_PAGE: Final = (
    """
query DeploymentStatusesPage($id: ID!, $cursor: String) {
  node(id: $id) {
    ... on Deployment { statuses(first: 100, after: $cursor) { ...DeploymentStatusPage } }
  }
  rateLimit { cost remaining resetAt }
}
"""
    + _DEPLOYMENT_STATUSES
    + _ACTOR
)
"""One deployment's statuses after `cursor`. Cost: 1 point."""

PAGE_QUERIES: Final[Mapping[str, str]] = {
    "reviews": PR_REVIEWS_PAGE,
    "timelineItems": PR_TIMELINE_PAGE,
    "files": PR_FILES_PAGE,
    "commits": PR_COMMITS_PAGE,
}
"""The follow-up query for each nested connection of a PR, by the connection's field name."""

QUERIES: Final[Mapping[str, str]] = {
    "PULL_REQUESTS": PULL_REQUESTS,
    "PULL_REQUEST_LISTING": PULL_REQUEST_LISTING,
    "PROBE": PROBE,
    "PR_REVIEWS_PAGE": PR_REVIEWS_PAGE,
    "PR_TIMELINE_PAGE": PR_TIMELINE_PAGE,
    "PR_FILES_PAGE": PR_FILES_PAGE,
    "PR_COMMITS_PAGE": PR_COMMITS_PAGE,
    "ORG_SNAPSHOT": ORG_SNAPSHOT,
    "ORG_MEMBERS_PAGE": ORG_MEMBERS_PAGE,
    "ORG_TEAMS_PAGE": ORG_TEAMS_PAGE,
    "TEAM_MEMBERS_PAGE": TEAM_MEMBERS_PAGE,
    "REPOSITORY_FILES": repository_files(3),
    "DEPLOYMENTS": DEPLOYMENTS,
    "DEPLOYMENT_STATUSES_PAGE": DEPLOYMENT_STATUSES_PAGE,
}
"""Every query the collector can send, by constant name (tests validate each against GitHub)."""


def rate_limit_cost(requests: int) -> int:
    """GitHub's points for a call needing `requests` connection requests: /100, rounded, >= 1."""
    # Half rounds up: the docs say "nearest whole number" and give no tie rule.
    return max(MIN_COST, (requests + REQUESTS_PER_POINT // 2) // REQUESTS_PER_POINT)


PULL_REQUESTS_COST: Final = rate_limit_cost(1 + 4 * PULL_REQUEST_PAGE_SIZE)
"""The points one PULL_REQUESTS page costs at the default page size (1)."""


def _page_size(value: int) -> int:
    if not 1 <= value <= MAX_PAGE_SIZE:
        raise ValueError(f"page size {value}: GitHub takes 1 to {MAX_PAGE_SIZE} per connection")
    return value


def pull_requests_variables(
    owner: str,
    name: str,
    cursor: str | None = None,
    *,
    page_size: int = PULL_REQUEST_PAGE_SIZE,
    nested_page_size: int = NESTED_PAGE_SIZE,
) -> dict[str, Any]:
    """Variables for PULL_REQUESTS: the page after `cursor` (None for the first page)."""
    return {
        "owner": owner,
        "name": name,
        "cursor": cursor,
        "pageSize": _page_size(page_size),
        "nestedPageSize": _page_size(nested_page_size),
    }


def pull_request_page_variables(
    owner: str,
    name: str,
    number: int,
    cursor: str | None,
    *,
    page_size: int = NESTED_PAGE_SIZE,
) -> dict[str, Any]:
    """Variables for a PR_*_PAGE query: PR `number`'s connection after `cursor` (its endCursor)."""
    return {
        "owner": owner,
        "name": name,
        "number": number,
        "cursor": cursor,
        "pageSize": _page_size(page_size),
    }


ORG_SNAPSHOT_PAGE_SIZE: Final = 100
"""The repos (and, on the first page, teams) an ORG_SNAPSHOT page asks for, and the members or
teams an ORG_MEMBERS_PAGE, ORG_TEAMS_PAGE or TEAM_MEMBERS_PAGE asks for, unless made lighter."""


def org_snapshot_cost(page_size: int, *, people: bool, deployments: bool = True) -> int:
    """The points an ORG_SNAPSHOT page of `page_size` costs: 3 for the first page (`people`) at
    100, 2 for a later one; each repo's PRs and (with `deployments`) deployments, each team's
    members."""
    per_repo = 2 if deployments else 1
    return rate_limit_cost(1 + per_repo * page_size + (2 + page_size if people else 0))


def org_snapshot_variables(
    org: str,
    cursor: str | None,
    *,
    people: bool,
    page_size: int = ORG_SNAPSHOT_PAGE_SIZE,
    deployments: bool = True,
) -> dict[str, Any]:
    """Variables for ORG_SNAPSHOT: the page of repos after `cursor`; with `people`, the org's
    members and teams too; with `deployments`, each repo's newest deployments."""
    return {
        "org": org,
        "cursor": cursor,
        "withPeople": people,
        "withDeployments": deployments,
        "pageSize": _page_size(page_size),
    }


def org_page_variables(
    org: str, cursor: str | None, *, page_size: int = ORG_SNAPSHOT_PAGE_SIZE, **more: str
) -> dict[str, Any]:
    """Variables for ORG_MEMBERS_PAGE, ORG_TEAMS_PAGE or TEAM_MEMBERS_PAGE (`slug` in `more`):
    `page_size` of the org's members, its teams or a team's members after `cursor`."""
    return {"org": org, "cursor": cursor, "pageSize": _page_size(page_size), **more}
