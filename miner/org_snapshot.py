"""The org in one GraphQL call per 100 repos: its repos, members and teams as raw batches in the
REST payload shapes, and for each repo the marks that tell a sync what changed since the last."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from miner.collect_github import people_refused
from miner.collect_graphql import default_branch_blobs, user_payload
from miner.errors import GitHubError, GitHubTimedOut, OrgNotFound
from miner.github_client import GitHubClient
from miner.graphql_queries import (
    ORG_MEMBERS_PAGE,
    ORG_SNAPSHOT,
    ORG_SNAPSHOT_PAGE_SIZE,
    ORG_SNAPSHOT_WITHOUT_ARCHIVED_AT,
    ORG_TEAMS_PAGE,
    TEAM_MEMBERS_PAGE,
    org_page_variables,
    org_snapshot_cost,
    org_snapshot_variables,
)
from miner.raw import RawBatch, batch_of

_log = logging.getLogger(__name__)

Json = dict[str, Any]
_Answer = TypeVar("_Answer")

# GraphQL TeamPrivacy -> REST `privacy` (REST calls a visible team "closed").
_PRIVACY = {"SECRET": "secret", "VISIBLE": "closed"}


# How many of a repo's newest deployments the snapshot query shows (graphql_queries' deployments
# of the org snapshot, `first: 20`).
SNAPSHOT_DEPLOYMENTS = 20


@dataclass(frozen=True)
class RepoMarks:
    """What the snapshot says about one repo's state now."""

    repo: str
    pushed_at: str | None
    # updatedAt of the repo's most recently updated PR (None: no PRs)
    newest_pull: str | None
    # the 20 newest deployments, each with its updatedAt and latest status, as one string
    deployments: str | None
    # blob sha of each candidate default-branch file present: root files, CODEOWNERS locations
    files: dict[str, str] = field(default_factory=dict)
    # what GitHub said refusing the token those files (a fine-grained token or an app without
    # Contents permission); None when it showed them
    contents_refused: str | None = None
    # what GitHub said refusing the token the repo's deployments (a fine-grained token or an app
    # without Deployments permission); None when it showed them. `deployments` is then None
    deployments_refused: str | None = None


@dataclass
class Snapshot:
    """The org-wide raw batches (orgs, repos, members, teams, team members), and repo marks."""

    batches: list[RawBatch]
    repos: dict[str, RepoMarks]
    org: str  # the org's login as GitHub spells it


class OrgSnapshot:
    """Takes the snapshot of one org through GraphQL."""

    def __init__(self, client: GitHubClient, org: str) -> None:
        self.client = client
        self.org = org
        # the size each follow-up page query last answered at (made lighter as the snapshot's
        # pages are), kept for its later pages: a team's members, then the next team's
        self._sizes = {
            query: ORG_SNAPSHOT_PAGE_SIZE
            for query in (ORG_MEMBERS_PAGE, ORG_TEAMS_PAGE, TEAM_MEMBERS_PAGE)
        }

    def take(self) -> Snapshot:
        repos: list[Json] = []
        marks: dict[str, RepoMarks] = {}
        people: Json | None = None
        org_node: Json = {}
        after: str | None = None
        query = ORG_SNAPSHOT
        # a page GitHub cannot answer in time (an org of many teams, repos of big root folders)
        # is asked again with half the repos and teams, down to one (_lightened); a lighter
        # size that answers stays for the later pages
        size = ORG_SNAPSHOT_PAGE_SIZE
        # GitHub's words refusing the token a repo's deployments on this page: a repo's
        # deployments are never null, so the refusal nulls the whole repo, and the page is asked
        # again without them. The next page is asked with them again: GitHub refuses them repo
        # by repo (a fine-grained token without Deployments permission is refused a private
        # repo's and shown a public one's), so a later repo's are not taken to be refused
        no_deployments: str | None = None
        # the repos GitHub showed with their deployments on the page it refused another's on
        shown: dict[str, Json] = {}
        while True:
            try:
                (data, refused), size = self._lightened(
                    partial(self._page, query, after, people is None, no_deployments is None),
                    size,
                )
            except GitHubTimedOut:
                raise  # GitHub answers nothing, or not even a page of one
            except GitHubError as exc:
                if query is ORG_SNAPSHOT and "archivedAt" in str(exc):
                    # an older GitHub Enterprise Server: the page again, without the field
                    _log.warning(
                        "%s: its GraphQL API does not say when a repo was archived: PRs left "
                        "open in archived repos go on waiting",
                        self.client.api_url,
                    )
                    query = ORG_SNAPSHOT_WITHOUT_ARCHIVED_AT
                    continue
                if "Could not resolve to an Organization" not in str(exc):
                    raise people_refused(self.org, exc, graphql=True) or exc from None
                data, refused = {}, []
            org_node = data.get("organization") or {}
            if not org_node:
                raise OrgNotFound(self.org, self.client.api_url)
            if people is None:
                people = org_node
                # the teams past this page come as many a page as it held (a page lighter for
                # its teams asks the next at 100 in vain, four times over)
                self._sizes[ORG_TEAMS_PAGE] = size
                # GitHub's spelling of the login (orgs compare without case): the key of every
                # row stored, and what the later pages ask for
                self.org = org_node.get("login") or self.org
            connection = org_node["repositories"]
            nodes = connection["nodes"]
            deployments_refused = [e for e in refused if e["path"][4] == "deployments"]
            if deployments_refused and no_deployments is None:
                # the same page again without deployments; the repos it showed keep theirs
                no_deployments = _said(deployments_refused[0])
                shown = {n["nameWithOwner"]: n for n in nodes if n is not None}
                continue
            # the repos (by index on this page) whose files the token may not read, and why
            no_files = {e["path"][3]: _said(e) for e in refused}
            if any(not 0 <= i < len(nodes) or nodes[i] is None for i in no_files):
                # a repo the answer left out for the refusal would read as gone from GitHub
                raise GitHubError("; ".join(no_files.values()), status=403)
            for i, node in enumerate(nodes):
                if node is not None:
                    repos.append(_repository(node))
                    name = node["nameWithOwner"]
                    if no_deployments is not None and name in shown:
                        node = {**node, "deployments": shown[name]["deployments"]}
                    marks[name] = _marks(node, no_files.get(i), no_deployments)
            if not connection["pageInfo"]["hasNextPage"]:
                break
            after = connection["pageInfo"]["endCursor"]
            no_deployments, shown = None, {}
        assert people is not None
        org_payload = {
            "login": org_node["login"],
            "id": org_node.get("databaseId"),
            "name": org_node.get("name"),
            "html_url": org_node.get("url"),
            "type": "Organization",
        }
        batches = [
            batch_of("orgs", self.org, None, None, [org_payload], replace=True),
            batch_of("repos", self.org, None, None, repos, replace=True),
            batch_of("members", self.org, None, None, self._members(people), replace=True),
        ]
        teams = list(self._all(people["teams"], ORG_TEAMS_PAGE, ("teams",), {}))
        batches.append(
            batch_of("teams", self.org, None, None, [_team(t) for t in teams], replace=True)
        )
        for team in teams:
            members = self._all(
                team["members"], TEAM_MEMBERS_PAGE, ("team", "members"), {"slug": team["slug"]}
            )
            batches.append(
                batch_of(
                    "team_members",
                    self.org,
                    None,
                    team["slug"],
                    [p for p in map(user_payload, members) if p is not None],
                    replace=True,
                )
            )
        return Snapshot(batches, marks, self.org)

    def _page(
        self, query: str, after: str | None, people: bool, deployments: bool, size: int, quick: bool
    ) -> tuple[Json, list[Json]]:
        """The snapshot's page of `size` repos after `after`: its data, and the refusals of
        parts of repos (_part_refused) GitHub answered it with."""
        return self.client.post_graphql_partly(
            query,
            org_snapshot_variables(
                self.org, after, people=people, page_size=size, deployments=deployments
            ),
            cost=org_snapshot_cost(size, people=people, deployments=deployments),
            tolerated=_part_refused,
            quick=quick,
        )

    def _lightened(self, ask: Callable[[int, bool], _Answer], size: int) -> tuple[_Answer, int]:
        """`ask(size, quick)`'s answer, and the size it answered at. A page GitHub cannot answer
        in time is asked again at half the size, each lighter one once (`quick`, without the
        minutes of retries the first had), down to one. As for a page of PRs (collect_graphql),
        the lightest query tells that from an outage, which fails after one page's retries."""
        quick = False
        while True:
            try:
                return ask(size, quick), size
            except GitHubTimedOut as exc:
                if self.client.ask_again_in_full(exc, quick):
                    quick = False
                    continue
                if size == 1:
                    raise
                size, quick = size // 2, True

    def _follow_up(
        self, query: str, cursor: str, variables: dict[str, str], size: int, quick: bool
    ) -> Json:
        return self.client.post_graphql(
            query,
            org_page_variables(self.org, cursor, page_size=size, **variables),
            quick=quick,
        )

    def _members(self, people: Json) -> list[Json]:
        nodes = self._all(people["membersWithRole"], ORG_MEMBERS_PAGE, ("membersWithRole",), {})
        return [p for p in map(user_payload, nodes) if p is not None]

    def _all(
        self, connection: Json, query: str, path: tuple[str, ...], variables: dict[str, str]
    ) -> Iterator[Json]:
        """Every node of an org connection: its first page, then follow-up pages, made lighter
        as the snapshot's are (an org of many large teams: 100 teams of 100 members a page)."""
        while True:
            yield from (n for n in connection["nodes"] if n is not None)
            if not connection["pageInfo"]["hasNextPage"]:
                return
            cursor = connection["pageInfo"]["endCursor"]
            try:
                data, self._sizes[query] = self._lightened(
                    partial(self._follow_up, query, cursor, variables), self._sizes[query]
                )
            except GitHubError as exc:
                # refused here and not on the first page: the permission was taken away since
                # (the follow-up pages come after every page of repos), said as it is there
                raise people_refused(self.org, exc, graphql=True) or exc from None
            node: Any = data.get("organization") or {}
            for key in path:
                node = (node or {}).get(key)
            if node is None:
                raise LookupError(f"GraphQL: {'.'.join(path)} of {self.org} vanished mid-listing")
            connection = node


def _repository(node: Json) -> Json:
    """A GraphQL Repository as REST's repository object (the fields the core tables read)."""
    branch = node.get("defaultBranchRef")
    return {
        "id": node.get("databaseId"),
        "name": node["name"],
        "full_name": node["nameWithOwner"],
        "description": node.get("description"),
        "private": node.get("isPrivate"),
        "archived": node.get("isArchived"),
        # not in REST's repository object: GraphQL alone says when a repo was archived
        "archived_at": node.get("archivedAt"),
        "fork": node.get("isFork"),
        "html_url": node.get("url"),
        "created_at": node.get("createdAt"),
        "pushed_at": node.get("pushedAt"),
        "updated_at": node.get("updatedAt"),
        "default_branch": branch["name"] if branch else None,
    }


def _team(node: Json) -> Json:
    parent = node.get("parentTeam")
    return {
        "slug": node["slug"],
        "name": node["name"],
        "id": node.get("databaseId"),
        "description": node.get("description"),
        "privacy": _PRIVACY.get(node.get("privacy") or "", node.get("privacy")),
        "parent": {"slug": parent["slug"]} if parent else None,
    }


# The snapshot's fields of a repo's default-branch files (graphql_queries' RepositoryProbe),
# which GitHub refuses a token without Contents permission, the rest of the repo answered.
_FILE_FIELDS = frozenset({"rootTree", "githubCodeowners", "docsCodeowners"})


def _part_refused(error: Json) -> bool:
    """Whether a GraphQL error is GitHub refusing a part of a repo in the snapshot: FORBIDDEN at
    organization.repositories.nodes[i].<a file field>, or .deployments (the repo then null)."""
    path = error.get("path")
    return (
        error.get("type") == "FORBIDDEN"
        and isinstance(path, list)
        and len(path) >= 5
        and path[:3] == ["organization", "repositories", "nodes"]
        and isinstance(path[3], int)
        and (path[4] in _FILE_FIELDS or path[4] == "deployments")
    )


def _said(error: Json) -> str:
    """A refusal as miner tells it: GitHub's words, and the request they answered."""
    return f"POST /graphql: {error.get('message')}"


def _marks(
    node: Json, contents_refused: str | None = None, deployments_refused: str | None = None
) -> RepoMarks:
    """The marks of a repo; its deployments refused when the node has none (asked without
    them), with `deployments_refused`, GitHub's words."""
    pulls = [n for n in node["pullRequests"]["nodes"] if n is not None]
    listed = node.get("deployments")
    deployments = [n for n in listed["nodes"] if n is not None] if listed is not None else []
    # a new deployment, or a new status of one of the 20 newest (it bumps updatedAt too)
    deployment = (
        "|".join(
            f"{d['databaseId']}@{d.get('updatedAt')}@{_created(d.get('latestStatus'))}"
            for d in deployments
        )
        or None
    )
    files = {path: blob["oid"] for path, blob in default_branch_blobs(node).items()}
    return RepoMarks(
        repo=node["nameWithOwner"],
        pushed_at=node.get("pushedAt"),
        newest_pull=pulls[0]["updatedAt"] if pulls else None,
        deployments=deployment,
        files=files,
        contents_refused=contents_refused,
        deployments_refused=deployments_refused if listed is None else None,
    )


def _created(node: Json | None) -> str | None:
    return None if node is None else node.get("createdAt")
