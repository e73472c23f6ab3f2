"""Fetch PRs with their reviews, timeline, files, commits and comments through GitHub's GraphQL
API, a page of PRs per call, and a repo's deployments and default-branch files, as raw batches in
the REST payload shapes the core SQL reads."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from miner.collect_github import CursorLookup, details_resource, git_blob
from miner.errors import GitHubTimedOut, GraphQLAnswerError
from miner.github_client import GitHubClient
from miner.graphql_queries import (
    DEPLOYMENT_STATUSES_PAGE,
    DEPLOYMENTS,
    NESTED_PAGE_SIZE,
    PAGE_QUERIES,
    PULL_REQUEST_LISTING,
    PULL_REQUEST_PAGE_SIZE,
    PULL_REQUESTS,
    pull_request_page_variables,
    pull_requests_variables,
    repository_files,
)
from miner.raw import (
    CODEOWNERS_PATHS,
    DEPLOYMENTS_MARK,
    CursorUpdate,
    RawBatch,
    batch_of,
    contents_batch,
    contents_object,
    oldest_first,
    reach,
    refresh_floor,
)

_log = logging.getLogger(__name__)

Json = dict[str, Any]

# GraphQL PatchStatus -> REST `status` of a changed file
# (https://docs.github.com/en/rest/pulls/pulls#list-pull-requests-files).
_FILE_STATUS = {
    "ADDED": "added",
    "DELETED": "removed",
    "MODIFIED": "modified",
    "RENAMED": "renamed",
    "COPIED": "copied",
    "CHANGED": "changed",
}

# GraphQL timeline item type -> REST timeline `event`
# (https://docs.github.com/en/rest/using-the-rest-api/issue-event-types).
_TIMELINE_EVENTS = {
    "ReviewRequestedEvent": "review_requested",
    "ReviewRequestRemovedEvent": "review_request_removed",
    "ReadyForReviewEvent": "ready_for_review",
    "ConvertToDraftEvent": "convert_to_draft",
    "MergedEvent": "merged",
    "ClosedEvent": "closed",
    "ReopenedEvent": "reopened",
    "CrossReferencedEvent": "cross-referenced",
    "HeadRefForcePushedEvent": "head_ref_force_pushed",
    "ReviewDismissedEvent": "review_dismissed",
    "IssueComment": "commented",
    "PullRequestCommit": "committed",
}

# A commit's GitHub account when GraphQL's GitActor.user is empty (bots are never a User): the
# noreply address GitHub gives every account, "<id>+<login>@users.noreply.github.com".
_NOREPLY = re.compile(r"^\d+\+(?P<login>[^@]+)@users\.noreply\.github\.com$")

# The shortest nested pages (reviews, timeline items, files, commits of a PR) a PR page query is
# made lighter to, when GitHub gives up on it: see _lighter.
_SHORTEST_NESTED_PAGE = 10

# A page of PRs as asked when GitHub has given up on none: (PRs a page, nested pages).
_FULL_PAGE = (PULL_REQUEST_PAGE_SIZE, NESTED_PAGE_SIZE)

# The connections of a PR the collector reads, each with the raw resource it fills.
_CONNECTIONS = ("reviews", "timelineItems", "files", "commits")


class GraphQLPullCollector:
    """The GraphQL collector of one org's pull request history."""

    def __init__(self, client: GitHubClient, org: str, since: str | None = None) -> None:
        self.client = client
        self.org = org
        self.since = since  # how far back to read ([github] since, as GitHub writes times)

    def pull_batches(self, repo: str, cursor: CursorLookup) -> Iterator[RawBatch]:
        """PRs updated since the last sync, newest first, each page's PRs with all their details.

        Paging stops at the first PR older than the high-water mark (or than `since`, when
        that is later), as the REST collector's does, and the same "pulls" cursor records it;
        each PR's details cursor is stored with its details, so the REST path finds nothing
        pending afterwards. A PR whose details GitHub's GraphQL API will not give (past the
        lightest page, see _page) is stored without them: the REST path reads them (sync's
        pending details), so one PR GitHub fails on does not hold back the rest of the repo's.
        """
        high_water = reach(cursor(repo, "pulls")[0], self.since)
        new_high_water = high_water
        after: str | None = None
        pace = _Pace(_FULL_PAGE, _FULL_PAGE)
        while True:
            connection, answered, whole = self._page(repo, after, pace.sizes, quick=pace.quick)
            pace = pace.next(answered, whole)
            page: list[Json] = [n for n in connection["nodes"] if n is not None]
            # at the high-water second itself a PR may have changed again after the last sync
            # read it: those come again (their details are in the page anyway)
            fresh = [p for p in page if high_water is None or p["updatedAt"] >= high_water]
            for node in fresh:
                details = self._detail_batches(repo, node, answered[1]) if whole else None
                if details is None:
                    _log.warning(
                        "%s#%s: GitHub's GraphQL API will not give this PR's reviews, timeline, "
                        "files and commits; they are read through its REST API",
                        repo,
                        node["number"],
                    )
                yield from details or ()
            if fresh and (new_high_water is None or fresh[0]["updatedAt"] > new_high_water):
                new_high_water = max(p["updatedAt"] for p in fresh)
            more = bool(connection["pageInfo"]["hasNextPage"])
            # newest first: past a PR older than the mark, every later one is older too
            done = not more or any(
                high_water is not None and p["updatedAt"] < high_water for p in page
            )
            # The high-water mark moves only once every page up to it is stored with its details
            # (or left to the REST path, which reads what a PR was stored without).
            cursors = [CursorUpdate(self.org, repo, "pulls", new_high_water)] if done else []
            pulls = [_pull(p) for p in fresh]
            yield batch_of("pulls", self.org, repo, None, pulls, replace=False, cursors=cursors)
            if done:
                return
            after = connection["pageInfo"]["endCursor"]

    def _page(
        self, repo: str, after: str | None, sizes: tuple[int, int], *, quick: bool = False
    ) -> tuple[Json, tuple[int, int], bool]:
        """The page of PRs after `after`: (its pullRequests connection, the sizes it was read at,
        whether its PRs come with their details).

        Asked at `sizes` (PRs a page, nested pages), with all its retries unless `quick`; a
        page GitHub cannot answer in time is asked again lighter (_lighter), each lighter one
        once, without the minutes of retries the first had; and a page GitHub answers with
        errors, with half the PRs, to find the PR they are of. Past the lightest, the one PR
        there is read without its details (PULL_REQUEST_LISTING), and the sizes returned are
        the lightest asked (see _Pace for the sizes of the pages after it).

        A 502, 504 or no answer at all is what GitHub gives a query too heavy for it, and what
        it gives every query in an outage: the lightest query tells the two apart (an outage
        fails it too), so an outage fails the sync after one page's retries, not ten."""
        owner, name = repo.split("/", 1)
        while True:
            try:
                data = self.client.post_graphql(
                    PULL_REQUESTS,
                    pull_requests_variables(
                        owner, name, after, page_size=sizes[0], nested_page_size=sizes[1]
                    ),
                    quick=quick,
                )
                return _repository(data, repo)["pullRequests"], sizes, True
            except GitHubTimedOut as exc:
                if self.client.ask_again_in_full(exc, quick):
                    quick = False
                    continue
                lighter = _lighter(*sizes)
            except GraphQLAnswerError as exc:
                if exc.status is not None:
                    raise  # the repo itself, refused or gone: sync says so
                lighter = (sizes[0] // 2, sizes[1]) if sizes[0] > 1 else None
            if lighter is None:
                variables = {"owner": owner, "name": name, "cursor": after, "pageSize": 1}
                listed = self.client.post_graphql(PULL_REQUEST_LISTING, variables)
                return _repository(listed, repo)["pullRequests"], sizes, False
            sizes, quick = lighter, True

    def _detail_batches(self, repo: str, pr: Json, page_size: int) -> list[RawBatch] | None:
        """A PR's reviews, timeline, files, commits and comments with its details cursor; None
        when GitHub will not answer a follow-up page of them (they are read through REST)."""
        owner, name = repo.split("/", 1)
        number: int = pr["number"]
        try:
            nodes = {
                c: self._all_nodes(owner, name, number, c, pr[c], page_size) for c in _CONNECTIONS
            }
        except GitHubTimedOut as exc:
            if self.client.in_outage(exc):
                raise  # an outage, not this PR
            return None
        except GraphQLAnswerError as exc:
            if exc.status is not None:
                raise
            return None
        reviews = [_review(r) for r in nodes["reviews"]]
        timeline = _timeline(nodes["timelineItems"], reviews)
        comments = [
            _comment(i) for i in nodes["timelineItems"] if i["__typename"] == "IssueComment"
        ]
        parent = str(number)
        done = CursorUpdate(self.org, repo, details_resource(number), pr["updatedAt"])
        batches = [
            batch_of(resource, self.org, repo, parent, payloads, replace=True)
            for resource, payloads in (
                ("reviews", reviews),
                ("timeline", timeline),
                ("files", [_file(f) for f in nodes["files"]]),
                ("commits", [_commit(c) for c in nodes["commits"]]),
            )
        ]
        comments_batch = batch_of(
            "comments", self.org, repo, parent, comments, replace=True, cursors=[done]
        )
        return [*batches, comments_batch]

    def _all_nodes(
        self, owner: str, name: str, number: int, field: str, connection: Json, page_size: int
    ) -> list[Json]:
        """Every node of a PR's connection: the first page, then follow-up pages of `page_size`
        (the PR page's nested size: shorter once GitHub gave up on longer ones) to the end."""
        nodes: list[Json] = [n for n in connection["nodes"] if n is not None]
        while connection["pageInfo"]["hasNextPage"]:
            variables = pull_request_page_variables(
                owner, name, number, connection["pageInfo"]["endCursor"], page_size=page_size
            )
            data = self.client.post_graphql(PAGE_QUERIES[field], variables)
            pull = _repository(data, f"{owner}/{name}")["pullRequest"]
            connection = pull[field]
            nodes.extend(n for n in connection["nodes"] if n is not None)
        return nodes


class GraphQLRepoCollector:
    """The GraphQL collector of a repo's deployments and default-branch files."""

    def __init__(self, client: GitHubClient, org: str, since: str | None = None) -> None:
        self.client = client
        self.org = org
        self.since = since  # how far back to read ([github] since, as GitHub writes times)

    def file_batches(self, repo: str, fetch: list[str], drop: list[str]) -> Iterator[RawBatch]:
        """The files at `fetch` (paths the snapshot found changed) in one call, then an empty
        batch for each path in `drop`."""
        if fetch:
            owner, name = repo.split("/", 1)
            paths = {f"p{i}": f"HEAD:{path}" for i, path in enumerate(fetch)}
            data = self.client.post_graphql(
                repository_files(len(fetch)), {"owner": owner, "name": name, **paths}
            )
            found = _repository(data, repo)
            for i, path in enumerate(fetch):
                blob = found.get(f"f{i}") or {}
                # gone since the snapshot, or a folder now: nothing the core tables could read
                # (a binary file's text is NULL)
                content = _contents(path, blob) if "byteSize" in blob else None
                if content is not None and blob.get("isTruncated"):
                    # Blob.text stops short of a big file (some 500 kB): the git blob by its
                    # oid has all of it, from REST, in the contents API's base64
                    whole = git_blob(self.client, repo, str(blob["oid"]))
                    content = {**content, "content": whole.get("content")}
                yield contents_batch(self.org, repo, path, content)
        for path in drop:
            yield contents_batch(self.org, repo, path, None)

    def deployment_batches(self, repo: str, cursor: CursorLookup, mark: str) -> Iterator[RawBatch]:
        """Deployments created since REFRESH_WINDOW before the newest stored, newest first, each
        with all its statuses; `mark` (the snapshot's) is saved with them, so the next sync
        asks again only if the 20 newest deployments or their statuses change."""
        owner, name = repo.split("/", 1)
        newest, _ = cursor(repo, "deployments")
        floor = refresh_floor(newest, self.since)
        after: str | None = None
        while True:
            data = self.client.post_graphql(
                DEPLOYMENTS, {"owner": owner, "name": name, "cursor": after, "pageSize": 100}
            )
            connection = _repository(data, repo)["deployments"]
            page = [n for n in connection["nodes"] if n is not None]
            fresh = [d for d in page if floor is None or d["createdAt"] >= floor]
            for node in fresh:
                statuses = self._statuses(node)
                yield batch_of(
                    "deployment_statuses",
                    self.org,
                    repo,
                    str(node["databaseId"]),
                    oldest_first([_deployment_status(s) for s in statuses]),
                    replace=True,
                )
            if fresh and (newest is None or fresh[0]["createdAt"] > newest):
                newest = max(d["createdAt"] for d in fresh)
            done = not connection["pageInfo"]["hasNextPage"] or len(fresh) < len(page)
            cursors = (
                [
                    CursorUpdate(self.org, repo, "deployments", newest),
                    CursorUpdate(self.org, repo, DEPLOYMENTS_MARK, mark),
                ]
                if done
                else []
            )
            deployments = [_deployment(d) for d in fresh]
            yield batch_of(
                "deployments", self.org, repo, None, deployments, replace=False, cursors=cursors
            )
            if done:
                return
            after = connection["pageInfo"]["endCursor"]

    def _statuses(self, deployment: Json) -> list[Json]:
        connection = deployment["statuses"] or {"nodes": [], "pageInfo": {"hasNextPage": False}}
        nodes = [n for n in connection["nodes"] if n is not None]
        while connection["pageInfo"]["hasNextPage"]:
            data = self.client.post_graphql(
                DEPLOYMENT_STATUSES_PAGE,
                {"id": deployment["id"], "cursor": connection["pageInfo"]["endCursor"]},
            )
            connection = (data.get("node") or {}).get("statuses") or {}
            if not connection:
                raise LookupError(f"GraphQL: deployment {deployment['id']} vanished")
            nodes.extend(n for n in connection["nodes"] if n is not None)
        return nodes


@dataclass(frozen=True)
class _Pace:
    """The sizes a repo's next page of PRs is asked at (PRs a page, nested pages), the most they
    may grow to (`ceiling`), whether it is asked once (`quick`, without the minutes of retries
    a page asked in full has), and how many pages in a row answered at a ceiling lighter than a
    full page (`calm`: the page that answered lighter, or a heavier one that answered, is the
    first)."""

    sizes: tuple[int, int]
    ceiling: tuple[int, int]
    quick: bool = False
    calm: int = 0

    def next(self, answered: tuple[int, int], whole: bool) -> _Pace:
        """The pace after a page asked at `sizes` was read at `answered` (`whole`: with its
        PRs' details).

        A lighter page that answered in place of a heavier one is the most the repo's pages
        are asked at: a repo of big PRs is not asked again and again for pages too heavy for
        GitHub. But the page it was may have been heavy for a few big PRs alone, and the rest
        of a repo of thousands would go at one PR a query; so after _CALM_PAGES pages in a row
        answered at that ceiling, a page twice as heavy is asked once, and becomes the ceiling
        if GitHub answers it (else the lighter page answers next, and stays): a repo of big PRs
        pays one page in _CALM_PAGES for it. A PR GitHub fails on however light its page (an
        error of its own, not the page's weight) says nothing of the pages after it, which may
        be as heavy as at first; but it may be one of a run of such PRs, each costing the whole
        walk down from a full page (some 14 queries). So the page after it starts at the
        lightest, asked once (a PR GitHub fails on there is listed at once: 2 queries), and
        each page that answers as asked doubles both sizes, up to the ceiling, as TCP's window
        grows back: a repo with one such PR among thousands is back to full pages some 7 pages
        on, and one whose every PR fails costs 2 queries a PR past its first."""
        if not whole:
            return _Pace(answered, _FULL_PAGE, quick=True)
        if answered != self.sizes:
            return _Pace(answered, answered, calm=1)  # the first page answered at it
        if answered == self.ceiling != _FULL_PAGE:
            if self.calm + 1 < _CALM_PAGES:
                return replace(self, quick=False, calm=self.calm + 1)
            heavier = _doubled(answered, _FULL_PAGE)
            return _Pace(heavier, heavier, quick=True)
        grown = _doubled(answered, self.ceiling)
        # a larger page is asked once: should GitHub give up on it, the lighter one answers next
        return _Pace(grown, self.ceiling, quick=grown != answered)


# How many pages in a row a repo's PRs answer at a ceiling lighter than a full page before a
# page twice as heavy is tried (_Pace.next).
_CALM_PAGES = 8


def _doubled(sizes: tuple[int, int], most: tuple[int, int]) -> tuple[int, int]:
    """Both sizes of a page of PRs doubled, each at most `most`'s."""
    return (min(2 * sizes[0], most[0]), min(2 * sizes[1], most[1]))


def _lighter(prs: int, nested: int) -> tuple[int, int] | None:
    """The next lighter PR page than `prs` PRs with `nested` of each connection, or None.

    GitHub gives up on a query it cannot answer within its time limit ("Something went wrong
    while executing your query. This may be the result of a timeout", or a 502), and a repo of
    big PRs (thousands of files, long timelines) can make every page of 37 PRs too heavy, so
    the repo would never sync. Halving the PRs a page, then the nested pages down to
    _SHORTEST_NESTED_PAGE, asks the same page for less at a time; what a shorter nested page
    leaves out comes in the follow-up pages every PR's connections are read to their end with."""
    if prs > 1:
        return prs // 2, nested
    if nested > _SHORTEST_NESTED_PAGE:
        return 1, max(nested // 2, _SHORTEST_NESTED_PAGE)
    return None


def default_branch_blobs(repository: Json) -> dict[str, Json]:
    """The blobs a Repository node of ORG_SNAPSHOT shows, by path: its root
    tree's files (`rootTree`) and the CODEOWNERS in .github/ and docs/ (`githubCodeowners`,
    `docsCodeowners`), each with its `oid` and whatever else the query asked of it."""
    blobs: dict[str, Json] = {}
    for entry in ((repository.get("rootTree") or {}).get("entries")) or []:
        if entry.get("type") == "blob":
            blobs[entry["name"]] = {**(entry.get("object") or {}), "oid": entry["oid"]}
    for alias, path in (
        ("githubCodeowners", CODEOWNERS_PATHS[0]),
        ("docsCodeowners", CODEOWNERS_PATHS[2]),
    ):
        found = repository.get(alias)
        if found is not None and found.get("oid"):
            blobs[path] = found
    return blobs


def _contents(path: str, blob: Json) -> Json:
    """A GraphQL Blob as the contents API's file object; a binary or cut-off blob has no
    content (its text is NULL in repo_files, as a file REST gives that is not UTF-8 text) until
    the cut-off one's is fetched whole (file_batches)."""
    text = blob.get("text")
    readable = text is not None and not blob.get("isBinary") and not blob.get("isTruncated")
    payload = contents_object(path, str(text).encode("utf-8") if readable else None, blob["oid"])
    return {**payload, "size": blob.get("byteSize", payload["size"])}


def _deployment(node: Json) -> Json:
    ref = node.get("ref")
    return {
        "id": node["databaseId"],
        "node_id": node["id"],
        "sha": node["commitOid"],
        # REST's ref is what was asked to deploy; GraphQL has no Ref for a bare sha
        "ref": ref["name"] if ref else node["commitOid"],
        "task": node.get("task"),
        "payload": _payload(node.get("payload")),
        "environment": node.get("environment"),
        "original_environment": node.get("originalEnvironment"),
        "description": node.get("description"),
        "creator": user_payload(node.get("creator")),
        "created_at": node["createdAt"],
        "updated_at": node["updatedAt"],
    }


def _payload(text: str | None) -> Any:
    """GraphQL's payload (a string) as REST gives it: the JSON it holds, else the string."""
    if not text:
        return {}
    try:
        return json.loads(text)
    except ValueError:
        return text


def _deployment_status(node: Json) -> Json:
    return {
        "node_id": node["id"],
        # GraphQL's DeploymentStatusState, as REST writes states: lower case
        "state": str(node["state"]).lower(),
        "description": node.get("description"),
        "environment": node.get("environment"),
        "environment_url": node.get("environmentUrl"),
        "log_url": node.get("logUrl"),
        "creator": user_payload(node.get("creator")),
        "created_at": node["createdAt"],
        "updated_at": node["updatedAt"],
    }


def _repository(data: Json, repo: str) -> Json:
    found = data.get("repository")
    if not isinstance(found, dict):
        raise LookupError(f"GraphQL: repository {repo} not found")
    return found


def user_payload(actor: Json | None) -> Json | None:
    """A GraphQL Actor as REST's user object: login (with "[bot]" for bots, as REST spells
    them) and type."""
    if actor is None:
        return None
    kind = actor.get("__typename", "User")
    login = actor["login"]
    if kind == "Bot" and not login.endswith("[bot]"):
        login += "[bot]"
    user: Json = {"login": login, "type": kind}
    if actor.get("databaseId") is not None:
        user["id"] = actor["databaseId"]
    return user


# GitHub's one account standing for every deleted one: REST names it as the user of what a
# deleted account did; GraphQL gives a null author or actor instead.
GHOST: Json = {"login": "ghost", "id": 10137, "type": "User"}


def author_payload(actor: Json | None) -> Json:
    """Who wrote or did something, as REST's user object: a deleted account is REST's ghost."""
    return user_payload(actor) or dict(GHOST)


def _big_int(value: object) -> int | None:
    """A GraphQL BigInt (GitHub sends it as a string) as the integer REST gives."""
    return None if value is None else int(str(value))


def _oid(commit: Json | None) -> str | None:
    return None if commit is None else commit.get("oid")


def _pull(pr: Json) -> Json:
    merge = pr.get("mergeCommit")
    return {
        "number": pr["number"],
        "id": _big_int(pr["fullDatabaseId"]),
        "node_id": pr["id"],
        "title": pr["title"],
        # REST gives null for an empty body; GraphQL an empty string
        "body": pr.get("body") or None,
        "user": author_payload(pr["author"]),
        # REST has two states: a merged PR is closed.
        "state": "open" if pr["state"] == "OPEN" else "closed",
        "draft": pr["isDraft"],
        "created_at": pr["createdAt"],
        "updated_at": pr["updatedAt"],
        "closed_at": pr["closedAt"],
        "merged_at": pr["mergedAt"],
        "merge_commit_sha": _oid(merge),
        "html_url": pr["url"],
        "base": {"ref": pr["baseRefName"]},
        "head": {"ref": pr["headRefName"], "sha": pr["headRefOid"]},
    }


def _review(review: Json) -> Json:
    return {
        "id": _big_int(review["fullDatabaseId"]),
        "node_id": review["id"],
        "user": author_payload(review["author"]),
        "state": review["state"],
        "submitted_at": review["submittedAt"],
        "commit_id": _oid(review.get("commit")),
        "author_association": review["authorAssociation"],
    }


def _reviewed_event(review: Json) -> Json:
    """A submitted review as the REST timeline lists it: event "reviewed", state lower-case."""
    return {**review, "event": "reviewed", "state": str(review["state"]).lower()}


def _comment(item: Json) -> Json:
    return {
        "id": _big_int(item["fullDatabaseId"]),
        "node_id": item["id"],
        "user": author_payload(item["author"]),
        "created_at": item["createdAt"],
        "updated_at": item["updatedAt"],
        "author_association": item["authorAssociation"],
        "html_url": item["url"],
        "body": item.get("body"),
    }


def _file(changed: Json) -> Json:
    # GraphQL's PullRequestChangedFile has no previous path: previous_filename stays unknown.
    return {
        "filename": changed["path"],
        "status": _FILE_STATUS.get(changed["changeType"], str(changed["changeType"]).lower()),
        "additions": changed["additions"],
        "deletions": changed["deletions"],
    }


def _commit_login(git_author: Json | None) -> Json | None:
    if git_author is None:
        return None
    user = git_author.get("user")
    if user is not None:
        return {"login": user["login"], "type": "User", "id": user.get("databaseId")}
    match = _NOREPLY.match(git_author.get("email") or "")
    if match is None:
        return None
    login = match.group("login")
    return {"login": login, "type": "Bot" if login.endswith("[bot]") else "User"}


def _commit(node: Json) -> Json:
    commit = node["commit"]
    author = commit.get("author") or {}
    return {
        "sha": commit["oid"],
        "node_id": node["id"],
        "html_url": node["url"],
        "author": _commit_login(commit.get("author")),
        "commit": {
            "author": {
                "name": author.get("name"),
                "email": author.get("email"),
                "date": commit["authoredDate"],
            },
            "committer": {"date": commit["committedDate"]},
        },
    }


def _timeline_item(item: Json) -> Json:
    kind = item["__typename"]
    event: Json = {"event": _TIMELINE_EVENTS[kind], "node_id": item["id"]}
    if kind == "PullRequestCommit":
        commit = item["commit"]
        event.update(
            sha=commit["oid"],
            html_url=item["url"],
            author={"date": commit["authoredDate"]},
            committer={"date": commit["committedDate"]},
        )
        return event
    if kind == "IssueComment":
        comment = _comment(item)
        return {**comment, "event": "commented", "actor": comment["user"]}
    event.update(created_at=item["createdAt"], actor=author_payload(item.get("actor")))
    if kind in ("ReviewRequestedEvent", "ReviewRequestRemovedEvent"):
        reviewer = item.get("requestedReviewer")
        if reviewer is not None and reviewer["__typename"] == "Team":
            event["requested_team"] = {"slug": reviewer["slug"], "id": reviewer.get("databaseId")}
        else:
            event["requested_reviewer"] = user_payload(reviewer)
    elif kind == "MergedEvent":
        event["commit_id"] = _oid(item.get("mergeCommit"))
    elif kind == "HeadRefForcePushedEvent":
        event["commit_id"] = _oid(item.get("afterCommit"))
    elif kind == "ReviewDismissedEvent":
        # REST's dismissed_review: the review's id and the state it had, lower-case
        event["dismissed_review"] = {
            "state": str(item["previousReviewState"]).lower(),
            "review_id": _big_int((item.get("review") or {}).get("fullDatabaseId")),
            "dismissal_message": item.get("dismissalMessage"),
            "dismissal_commit_id": _oid((item.get("pullRequestCommit") or {}).get("commit")),
        }
    elif kind == "CrossReferencedEvent":
        source = item.get("source") or {}
        issue: Json = {
            "number": source.get("number"),
            "html_url": source.get("url"),
            "repository": {"full_name": (source.get("repository") or {}).get("nameWithOwner")},
        }
        if source.get("__typename") == "PullRequest":  # REST marks a PR so
            issue["pull_request"] = {"html_url": source.get("url")}
        event["source"] = {"type": "issue", "issue": issue}
    return event


def _when(event: Json) -> str:
    return str(event.get("created_at") or event.get("submitted_at") or event["author"]["date"])


def _timeline(items: list[Json], reviews: list[Json]) -> list[Json]:
    """The REST timeline: GitHub's order of the timeline items, with each submitted review (its
    own connection in GraphQL) as a "reviewed" event placed after what happened before it."""
    submitted = [_reviewed_event(r) for r in reviews if r["submitted_at"] is not None]
    submitted.sort(key=_when)  # stable: reviews in the same second keep GitHub's order
    events: list[Json] = []
    for item in items:
        event = _timeline_item(item)
        while submitted and _when(submitted[0]) < _when(event):
            events.append(submitted.pop(0))
        events.append(event)
    events.extend(submitted)
    return events
