"""GitHub REST (v2022-11-28) objects for the sample org, shaped as the API answers them."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Json = dict[str, Any]

API = "https://api.github.com"
WEB = "https://github.com"

# A user's `*_url` templates, in the order GitHub writes them (simple-user schema).
_USER_LINKS = (
    ("followers_url", "/followers"),
    ("following_url", "/following{/other_user}"),
    ("gists_url", "/gists{/gist_id}"),
    ("starred_url", "/starred{/owner}{/repo}"),
    ("subscriptions_url", "/subscriptions"),
    ("organizations_url", "/orgs"),
    ("repos_url", "/repos"),
    ("events_url", "/events{/privacy}"),
    ("received_events_url", "/received_events"),
)
# A repository's `*_url` templates (repository schema), each relative to its API url.
_REPO_LINKS = (
    ("forks_url", "/forks"),
    ("keys_url", "/keys{/key_id}"),
    ("collaborators_url", "/collaborators{/collaborator}"),
    ("teams_url", "/teams"),
    ("hooks_url", "/hooks"),
    ("issue_events_url", "/issues/events{/number}"),
    ("events_url", "/events"),
    ("assignees_url", "/assignees{/user}"),
    ("branches_url", "/branches{/branch}"),
    ("tags_url", "/tags"),
    ("blobs_url", "/git/blobs{/sha}"),
    ("git_tags_url", "/git/tags{/sha}"),
    ("git_refs_url", "/git/refs{/sha}"),
    ("trees_url", "/git/trees{/sha}"),
    ("statuses_url", "/statuses/{sha}"),
    ("languages_url", "/languages"),
    ("stargazers_url", "/stargazers"),
    ("contributors_url", "/contributors"),
    ("subscribers_url", "/subscribers"),
    ("subscription_url", "/subscription"),
    ("commits_url", "/commits{/sha}"),
    ("git_commits_url", "/git/commits{/sha}"),
    ("comments_url", "/comments{/number}"),
    ("issue_comment_url", "/issues/comments{/number}"),
    ("contents_url", "/contents/{+path}"),
    ("compare_url", "/compare/{base}...{head}"),
    ("merges_url", "/merges"),
    ("archive_url", "/{archive_format}{/ref}"),
    ("downloads_url", "/downloads"),
    ("issues_url", "/issues{/number}"),
    ("pulls_url", "/pulls{/number}"),
    ("milestones_url", "/milestones{/number}"),
    ("notifications_url", "/notifications{?since,all,participating}"),
    ("labels_url", "/labels{/name}"),
    ("releases_url", "/releases{/id}"),
    ("deployments_url", "/deployments"),
)
_REACTIONS = ("+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes")


def iso(t: datetime) -> str:
    """GitHub's timestamp form: UTC, whole seconds, `Z`."""
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def node_id(kind: str, ident: int | str) -> str:
    """A legacy global node id, as GitHub mints them: base64 of `0<len>:<Kind><id>`."""
    return base64.b64encode(f"0{len(kind)}:{kind}{ident}".encode()).decode()


@dataclass(frozen=True)
class RepoRef:
    """Where a repository's objects live on the API and on the web."""

    org: str
    name: str

    @property
    def api(self) -> str:
        return f"{API}/repos/{self.org}/{self.name}"

    @property
    def html(self) -> str:
        return f"{WEB}/{self.org}/{self.name}"


def user(login: str, uid: int, kind: str = "User") -> Json:
    """A simple-user object (`User`, `Bot` or `Organization`)."""
    path = login.replace("[", "%5B").replace("]", "%5D")
    api = f"{API}/users/{path}"
    if kind == "Bot":
        html, avatar = f"{WEB}/apps/{login.removesuffix('[bot]')}", f"{uid % 100000}"
        avatar_url = f"https://avatars.githubusercontent.com/in/{avatar}?v=4"
    else:
        html, avatar_url = f"{WEB}/{login}", f"https://avatars.githubusercontent.com/u/{uid}?v=4"
    out: Json = {
        "login": login,
        "id": uid,
        "node_id": node_id(kind, uid),
        "avatar_url": avatar_url,
        "gravatar_id": "",
        "url": api,
        "html_url": html,
    }
    out.update({key: api + suffix for key, suffix in _USER_LINKS})
    out.update({"type": kind, "user_view_type": "public", "site_admin": False})
    return out


def organization(login: str, oid: int, name: str, created_at: datetime, repos: int) -> Json:
    """GET /orgs/{org}, as a member (not an owner) sees it."""
    api = f"{API}/orgs/{login}"
    return {
        "login": login,
        "id": oid,
        "node_id": node_id("Organization", oid),
        "url": api,
        "repos_url": f"{api}/repos",
        "events_url": f"{api}/events",
        "hooks_url": f"{api}/hooks",
        "issues_url": f"{api}/issues",
        "members_url": f"{api}/members{{/member}}",
        "public_members_url": f"{api}/public_members{{/member}}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{oid}?v=4",
        "description": f"{name} builds things that need reviewing.",
        "name": name,
        "company": None,
        "blog": f"https://{login}.example.com",
        "location": "Remote",
        "email": None,
        "twitter_username": None,
        "is_verified": False,
        "has_organization_projects": True,
        "has_repository_projects": True,
        "public_repos": 0,
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "html_url": f"{WEB}/{login}",
        "created_at": iso(created_at),
        "updated_at": iso(created_at),
        "archived_at": None,
        "type": "Organization",
        "total_private_repos": repos,
        "owned_private_repos": repos,
    }


def repository(
    ref: RepoRef,
    rid: int,
    owner: Json,
    *,
    description: str,
    language: str,
    created_at: datetime,
    pushed_at: datetime,
    open_issues: int,
) -> Json:
    """A repository as GET /orgs/{org}/repos lists it (private, default branch `main`)."""
    out: Json = {
        "id": rid,
        "node_id": node_id("Repository", rid),
        "name": ref.name,
        "full_name": f"{ref.org}/{ref.name}",
        "private": True,
        "owner": owner,
        "html_url": ref.html,
        "description": description,
        "fork": False,
        "url": ref.api,
    }
    out.update({key: ref.api + suffix for key, suffix in _REPO_LINKS})
    out.update(
        {
            "created_at": iso(created_at),
            "updated_at": iso(pushed_at),
            "pushed_at": iso(pushed_at),
            "git_url": f"git://github.com/{ref.org}/{ref.name}.git",
            "ssh_url": f"git@github.com:{ref.org}/{ref.name}.git",
            "clone_url": f"{ref.html}.git",
            "svn_url": ref.html,
            "homepage": None,
            "size": 1000 + rid % 9000,
            "stargazers_count": 0,
            "watchers_count": 0,
            "language": language,
            "has_issues": True,
            "has_projects": True,
            "has_downloads": True,
            "has_wiki": False,
            "has_pages": False,
            "has_discussions": False,
            "forks_count": 0,
            "mirror_url": None,
            "archived": False,
            "disabled": False,
            "open_issues_count": open_issues,
            "license": None,
            "allow_forking": False,
            "is_template": False,
            "web_commit_signoff_required": False,
            "topics": [],
            "visibility": "private",
            "forks": 0,
            "open_issues": open_issues,
            "watchers": 0,
            "default_branch": "main",
            "permissions": {
                "admin": False,
                "maintain": False,
                "push": True,
                "triage": True,
                "pull": True,
            },
        }
    )
    return out


def team(org: str, slug: str, name: str, tid: int, parent: Json | None) -> Json:
    """A team as GET /orgs/{org}/teams lists it; `parent` is the parent's team object or null."""
    api = f"{API}/organizations/{org}/team/{tid}"
    return {
        "name": name,
        "id": tid,
        "node_id": node_id("Team", tid),
        "slug": slug,
        "description": f"The {name} team",
        "privacy": "closed",
        "notification_setting": "notifications_enabled",
        "url": api,
        "html_url": f"{WEB}/orgs/{org}/teams/{slug}",
        "members_url": f"{api}/members{{/member}}",
        "repositories_url": f"{api}/repos",
        "permission": "pull",
        "parent": parent,
    }


def label(ref: RepoRef, lid: int, name: str, color: str, description: str) -> Json:
    return {
        "id": lid,
        "node_id": node_id("Label", lid),
        "url": f"{ref.api}/labels/{name}",
        "name": name,
        "color": color,
        "default": name in ("bug", "enhancement", "documentation"),
        "description": description,
    }


def branch(ref: RepoRef, name: str, sha: str, owner: Json, repo: Json) -> Json:
    """A PR's `head` or `base`."""
    return {"label": f"{ref.org}:{name}", "ref": name, "sha": sha, "user": owner, "repo": repo}


def pull(
    ref: RepoRef,
    pid: int,
    number: int,
    *,
    state: str,
    title: str,
    author: Json,
    body: str,
    times: tuple[datetime, datetime, datetime | None, datetime | None],
    merge_commit_sha: str,
    reviewers: list[Json],
    teams: list[Json],
    labels: list[Json],
    draft: bool,
    head: Json,
    base: Json,
    association: str,
) -> Json:
    """A PR as GET /repos/{o}/{r}/pulls lists it; `times` = (created, updated, closed, merged)."""
    created, updated, closed, merged = times
    api, html, issue = (
        f"{ref.api}/pulls/{number}",
        f"{ref.html}/pull/{number}",
        f"{ref.api}/issues/{number}",
    )
    statuses = f"{ref.api}/statuses/{head['sha']}"
    return {
        "url": api,
        "id": pid,
        "node_id": node_id("PullRequest", pid),
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": issue,
        "number": number,
        "state": state,
        "locked": False,
        "title": title,
        "user": author,
        "body": body,
        "created_at": iso(created),
        "updated_at": iso(updated),
        "closed_at": iso(closed) if closed else None,
        "merged_at": iso(merged) if merged else None,
        "merge_commit_sha": merge_commit_sha,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": reviewers,
        "requested_teams": teams,
        "labels": labels,
        "milestone": None,
        "draft": draft,
        "commits_url": f"{api}/commits",
        "review_comments_url": f"{api}/comments",
        "review_comment_url": f"{ref.api}/pulls/comments{{/number}}",
        "comments_url": f"{issue}/comments",
        "statuses_url": statuses,
        "head": head,
        "base": base,
        "_links": {
            "self": {"href": api},
            "html": {"href": html},
            "issue": {"href": issue},
            "comments": {"href": f"{issue}/comments"},
            "review_comments": {"href": f"{api}/comments"},
            "review_comment": {"href": f"{ref.api}/pulls/comments{{/number}}"},
            "commits": {"href": f"{api}/commits"},
            "statuses": {"href": statuses},
        },
        "author_association": association,
        "auto_merge": None,
        "active_lock_reason": None,
    }


def review(
    ref: RepoRef,
    number: int,
    rid: int,
    reviewer: Json,
    *,
    state: str,
    body: str,
    submitted_at: datetime,
    commit_id: str,
    association: str,
) -> Json:
    """One item of GET .../pulls/{n}/reviews (state in upper case)."""
    html, api = f"{ref.html}/pull/{number}#pullrequestreview-{rid}", f"{ref.api}/pulls/{number}"
    return {
        "id": rid,
        "node_id": node_id("PullRequestReview", rid),
        "user": reviewer,
        "body": body,
        "state": state,
        "html_url": html,
        "pull_request_url": api,
        "author_association": association,
        "_links": {"html": {"href": html}, "pull_request": {"href": api}},
        "submitted_at": iso(submitted_at),
        "commit_id": commit_id,
    }


def reviewed_event(rev: Json) -> Json:
    """The timeline's `reviewed` item: the review with its state in lower case and no created_at."""
    return {**rev, "state": rev["state"].lower(), "event": "reviewed"}


def issue_event(
    ref: RepoRef, eid: int, event: str, actor: Json, at: datetime, **extra: Any
) -> Json:
    """A timeline issue event (review_requested, ready_for_review, merged, closed, ...)."""
    kind = "".join(part.title() for part in event.split("_")) + "Event"
    commit_id = extra.pop("commit_id", None)
    out: Json = {
        "id": eid,
        "node_id": node_id(kind, eid),
        "url": f"{ref.api}/issues/events/{eid}",
        "actor": actor,
        "event": event,
        "commit_id": commit_id,
        "commit_url": f"{ref.api}/commits/{commit_id}" if commit_id else None,
        "created_at": iso(at),
    }
    out.update(extra)
    out["performed_via_github_app"] = None
    return out


def cross_referenced_event(source: str, number: int, actor: Json, at: datetime) -> Json:
    """GitHub's timeline item on a PR another one named (REST "Timeline events"): the naming PR
    as its `source`, an issue with a `pull_request` key; like GitHub's, it has no id. The issue
    carries what its name gives: its own and its repository's addresses (`repository_url`,
    `url`, as GitHub's do), not the naming PR's title, author or state."""
    ref = RepoRef(*source.split("/", 1))
    issue, html = f"{ref.api}/issues/{number}", f"{ref.html}/pull/{number}"
    return {
        "actor": actor,
        "event": "cross-referenced",
        "created_at": iso(at),
        "updated_at": iso(at),
        "source": {
            "type": "issue",
            "issue": {
                "url": issue,
                "repository_url": ref.api,
                "labels_url": f"{issue}/labels{{/name}}",
                "comments_url": f"{issue}/comments",
                "events_url": f"{issue}/events",
                "html_url": html,
                "number": number,
                "pull_request": {"url": f"{ref.api}/pulls/{number}", "html_url": html,
                                 "diff_url": f"{html}.diff", "patch_url": f"{html}.patch"},
                "timeline_url": f"{issue}/timeline",
                "repository": {"name": ref.name, "full_name": source, "url": ref.api,
                               "html_url": ref.html},
            },
        },
    }  # fmt: skip


def commit(
    ref: RepoRef, sha: str, parent: str, tree: str, who: Json, name: str, at: datetime, message: str
) -> Json:
    """One item of GET .../pulls/{n}/commits."""
    email = f"{who['id']}+{who['login']}@users.noreply.github.com"
    signature = {"name": name, "email": email, "date": iso(at)}
    return {
        "sha": sha,
        "node_id": node_id("Commit", f"{who['id']}:{sha}"),
        "commit": {
            "author": signature,
            "committer": dict(signature),
            "message": message,
            "tree": {"sha": tree, "url": f"{ref.api}/git/trees/{tree}"},
            "url": f"{ref.api}/git/commits/{sha}",
            "comment_count": 0,
            "verification": _unsigned(),
        },
        "url": f"{ref.api}/commits/{sha}",
        "html_url": f"{ref.html}/commit/{sha}",
        "comments_url": f"{ref.api}/commits/{sha}/comments",
        "author": who,
        "committer": who,
        "parents": [_parent(ref, parent)],
    }


def committed_event(ref: RepoRef, item: Json) -> Json:
    """The timeline's `committed` item for a PR commit (git commit shape, no id, no actor)."""
    sha, git = item["sha"], item["commit"]
    return {
        "sha": sha,
        "node_id": item["node_id"],
        "url": git["url"],
        "html_url": item["html_url"],
        "author": git["author"],
        "committer": git["committer"],
        "tree": git["tree"],
        "message": git["message"],
        "parents": item["parents"],
        "verification": git["verification"],
        "event": "committed",
    }


def comment(
    ref: RepoRef, number: int, cid: int, who: Json, at: datetime, body: str, association: str
) -> Json:
    """One item of GET .../issues/{n}/comments."""
    api = f"{ref.api}/issues/comments/{cid}"
    return {
        "url": api,
        "html_url": f"{ref.html}/pull/{number}#issuecomment-{cid}",
        "issue_url": f"{ref.api}/issues/{number}",
        "id": cid,
        "node_id": node_id("IssueComment", cid),
        "user": who,
        "created_at": iso(at),
        "updated_at": iso(at),
        "author_association": association,
        "body": body,
        "reactions": {"url": f"{api}/reactions", "total_count": 0, **dict.fromkeys(_REACTIONS, 0)},
        "performed_via_github_app": None,
    }


def commented_event(item: Json) -> Json:
    """The timeline's `commented` item: the issue comment plus `event` and `actor`."""
    return {**item, "event": "commented", "actor": item["user"]}


def changed_file(
    ref: RepoRef, sha: str, blob: str, filename: str, additions: int, deletions: int
) -> Json:
    """One item of GET .../pulls/{n}/files."""
    status = "added" if deletions == 0 else "modified"
    hunk = f"@@ -1,{deletions} +1,{additions} @@"
    return {
        "sha": blob,
        "filename": filename,
        "status": status,
        "additions": additions,
        "deletions": deletions,
        "changes": additions + deletions,
        "blob_url": f"{ref.html}/blob/{sha}/{filename}",
        "raw_url": f"{ref.html}/raw/{sha}/{filename}",
        "contents_url": f"{ref.api}/contents/{filename}?ref={sha}",
        "patch": hunk,
    }


def _parent(ref: RepoRef, sha: str) -> Json:
    return {"sha": sha, "url": f"{ref.api}/commits/{sha}", "html_url": f"{ref.html}/commit/{sha}"}


def _unsigned() -> Json:
    return {
        "verified": False,
        "reason": "unsigned",
        "signature": None,
        "payload": None,
        "verified_at": None,
    }


# -- one PR's history as the payloads GitHub serves for it ----------------------------------

# Our kinds of history item -> the timeline's `event` name (REST "Timeline events").
_EVENT_NAMES = {
    "requested": "review_requested",
    "removed": "review_request_removed",
    "ready": "ready_for_review",
    "draft": "convert_to_draft",
    "merged": "merged",
    "closed": "closed",
    "reopened": "reopened",
    "force_pushed": "head_ref_force_pushed",
    "dismissed": "review_dismissed",
}


@dataclass(frozen=True)
class Happening:
    """One thing that happened to a PR: a commit, review, comment, or a timeline event."""

    at: datetime
    kind: str  # commit, review, comment, or a key of _EVENT_NAMES
    actor: str  # login
    reviewer: str | None = None  # whom a request or removal names: a user's login...
    team: str | None = None  # ...or a team's slug
    state: str = ""  # a review's state
    sha: str = ""  # a commit's or a merge's sha
    text: str = ""  # a body or a commit message
    ident: int = 0  # a review's id (for a dismissal: the dismissed review's)


@dataclass(frozen=True)
class PullFacts:
    """What a PR is apart from its history: who opened it when, on which files, what is pending."""

    number: int
    pid: int
    title: str
    author: str
    created_at: datetime
    opened_as_draft: bool
    files: tuple[str, ...]
    base_sha: str
    pending_users: tuple[str, ...]  # requested_reviewers now
    pending_teams: tuple[str, ...]  # requested_teams now
    notes: tuple[str, ...] = ()  # lines of the body after its summary (links to other PRs)


@dataclass(frozen=True)
class PullPayloads:
    """Every file GitHub serves for one PR: its list entry and its detail lists."""

    pull: Json
    reviews: list[Json]
    files: list[Json]
    commits: list[Json]
    timeline: list[Json]
    comments: list[Json]


class PullRenderer:
    """Renders one repo's PR histories as GitHub's payloads, embedding objects as GitHub does."""

    def __init__(
        self,
        ref: RepoRef,
        repo_json: Json,
        owner: Json,
        users: dict[str, Json],
        teams: dict[str, Json],
        ids: Iterator[int],
    ) -> None:
        self.ref, self.repo, self.owner, self.users, self.teams = (
            ref,
            repo_json,
            owner,
            users,
            teams,
        )
        self.ids = ids  # event and comment ids, in the order things are rendered

    def render(self, facts: PullFacts, history: list[Happening]) -> PullPayloads:
        """The payloads of a PR whose history (in time order, up to as_of) is `history`."""
        ref, users, author = self.ref, self.users, self.users[facts.author]
        head, merge_sha, state, draft = (
            facts.base_sha,
            facts.base_sha[::-1],
            "open",
            facts.opened_as_draft,
        )
        closed_at: datetime | None = None
        merged_at: datetime | None = None
        commits: list[Json] = []
        reviews: dict[int, Json] = {}
        timeline: list[Json] = []
        comments: list[Json] = []
        for h in history:
            who = users[h.actor]
            assoc = "NONE" if who["type"] == "Bot" else "MEMBER"
            if h.kind == "commit":
                commits.append(
                    commit(ref, h.sha, head, h.sha[::-1], who, h.actor.title(), h.at, h.text)
                )
                timeline.append(committed_event(ref, commits[-1]))
                head = h.sha
            elif h.kind == "review":
                reviews[h.ident] = review(
                    ref, facts.number, h.ident, who, state=h.state, body=h.text,
                    submitted_at=h.at, commit_id=head, association=assoc,
                )  # fmt: skip
                timeline.append(
                    reviews[h.ident]
                )  # a `reviewed` item below, once its state is final
            elif h.kind == "cross_referenced":  # another PR named this one; text: REPO#N
                source, _, number = h.text.rpartition("#")
                timeline.append(cross_referenced_event(source, int(number), who, h.at))
            elif h.kind == "comment":
                comments.append(
                    comment(ref, facts.number, next(self.ids), who, h.at, h.text, assoc)
                )
                timeline.append(commented_event(comments[-1]))
            else:
                extra: dict[str, Any] = {}
                if h.reviewer or h.team:
                    extra["review_requester"] = author
                    if h.team:
                        extra["requested_team"] = self.teams[h.team]
                    else:
                        extra["requested_reviewer"] = users[str(h.reviewer)]
                elif h.kind == "dismissed":
                    reviews[h.ident]["state"] = "DISMISSED"
                    extra["dismissed_review"] = {
                        "state": "approved", "review_id": h.ident, "dismissal_commit_id": head,
                        "dismissal_message": "Stale after a force push",
                    }  # fmt: skip
                elif h.kind == "merged":
                    extra["commit_id"], merge_sha, merged_at = h.sha, h.sha, h.at
                elif h.kind == "closed":
                    extra["state_reason"] = None
                    state, closed_at = "closed", h.at
                elif h.kind == "reopened":
                    extra["state_reason"] = None
                    state, closed_at = "open", None
                draft = {"ready": False, "draft": True}.get(h.kind, draft)
                timeline.append(
                    issue_event(ref, next(self.ids), _EVENT_NAMES[h.kind], who, h.at, **extra)
                )
        timeline = [reviewed_event(e) if "submitted_at" in e else e for e in timeline]
        bump = author["type"] == "Bot"
        labels = [
            label(ref, self.repo["id"] * 10 + 1, "dependencies", "0366d6", "Dependency bumps")
        ]
        branch_name = (
            f"dependabot/{facts.number}" if bump else f"{facts.author}/change-{facts.number}"
        )
        updated = max([facts.created_at, *(h.at for h in history)])
        listed = pull(
            ref, facts.pid, facts.number, state=state, title=facts.title, author=author,
            body="\n\n".join([f"{facts.title}.", f"Touches {len(facts.files)} file(s).",
                               *facts.notes]),
            times=(facts.created_at, updated, closed_at, merged_at), merge_commit_sha=merge_sha,
            reviewers=[users[login] for login in facts.pending_users],
            teams=[self.teams[slug] for slug in facts.pending_teams],
            labels=labels if bump else [], draft=draft,
            head=branch(ref, branch_name, head, self.owner, self.repo),
            base=branch(ref, "main", facts.base_sha, self.owner, self.repo),
            association="CONTRIBUTOR" if bump else "MEMBER",
        )  # fmt: skip
        files = [
            changed_file(ref, head, hashlib.sha1(f"{facts.number}/{f}".encode()).hexdigest(), f,
                         3 + len(f) % 17, len(f) % 5)
            for f in facts.files
        ]  # fmt: skip
        return PullPayloads(listed, list(reviews.values()), files, commits, timeline, comments)


# -- delivery: workflow runs and deployments -------------------------------------------------

# The keys of a minimal repository (what a workflow run embeds): no dates, counts or settings.
_MINIMAL_REPO_KEYS = (
    "id",
    "node_id",
    "name",
    "full_name",
    "private",
    "owner",
    "html_url",
    "description",
    "fork",
    "url",
    *(key for key, _ in _REPO_LINKS),
)


def minimal_repository(repo: Json) -> Json:
    """A repository as a workflow run embeds it (`repository`, `head_repository`)."""
    return {key: repo[key] for key in _MINIMAL_REPO_KEYS}


def run_pull_request(
    ref: RepoRef, repo: Json, pid: int, number: int, head: Json, base: Json
) -> Json:
    """A workflow run's `pull_requests` item: the PR and its two ends, with a three-key repo."""
    small = {"id": repo["id"], "url": repo["url"], "name": repo["name"]}
    return {
        "url": f"{ref.api}/pulls/{number}",
        "id": pid,
        "number": number,
        "head": {"ref": head["ref"], "sha": head["sha"], "repo": small},
        "base": {"ref": base["ref"], "sha": base["sha"], "repo": small},
    }


def head_commit(
    sha: str, tree: str, message: str, at: datetime, author: Json, committer: Json
) -> Json:
    """A workflow run's `head_commit`; `author`, `committer`: {"name", "email"}."""
    return {
        "id": sha,
        "tree_id": tree,
        "message": message,
        "timestamp": iso(at),
        "author": author,
        "committer": committer,
    }


@dataclass(frozen=True)
class RunFacts:
    """One workflow run as its latest attempt stands; `status` queued, in_progress or completed."""

    rid: int
    run_number: int
    workflow_id: int
    check_suite_id: int
    name: str
    path: str
    event: str
    head_branch: str
    head_sha: str
    display_title: str
    status: str
    conclusion: str | None
    created_at: datetime
    updated_at: datetime
    run_started_at: datetime
    run_attempt: int


def workflow_run(
    ref: RepoRef,
    run: RunFacts,
    *,
    actor: Json,
    triggering_actor: Json,
    pull_requests: list[Json],
    commit_json: Json,
    repo: Json,
) -> Json:
    """One item of GET .../actions/runs `workflow_runs`; `repo` is the minimal repository."""
    api, suite = f"{ref.api}/actions/runs/{run.rid}", f"{ref.api}/check-suites/{run.check_suite_id}"
    previous = f"{api}/attempts/{run.run_attempt - 1}" if run.run_attempt > 1 else None
    return {
        "id": run.rid,
        "name": run.name,
        "node_id": node_id("WorkflowRun", run.rid),
        "head_branch": run.head_branch,
        "head_sha": run.head_sha,
        "path": run.path,
        "display_title": run.display_title,
        "run_number": run.run_number,
        "event": run.event,
        "status": run.status,
        "conclusion": run.conclusion,
        "workflow_id": run.workflow_id,
        "check_suite_id": run.check_suite_id,
        "check_suite_node_id": node_id("CheckSuite", run.check_suite_id),
        "url": api,
        "html_url": f"{ref.html}/actions/runs/{run.rid}",
        "pull_requests": pull_requests,
        "created_at": iso(run.created_at),
        "updated_at": iso(run.updated_at),
        "actor": actor,
        "run_attempt": run.run_attempt,
        "referenced_workflows": [],
        "run_started_at": iso(run.run_started_at),
        "triggering_actor": triggering_actor,
        "jobs_url": f"{api}/jobs",
        "logs_url": f"{api}/logs",
        "check_suite_url": suite,
        "artifacts_url": f"{api}/artifacts",
        "cancel_url": f"{api}/cancel",
        "rerun_url": f"{api}/rerun",
        "previous_attempt_url": previous,
        "workflow_url": f"{ref.api}/actions/workflows/{run.workflow_id}",
        "head_commit": commit_json,
        "repository": repo,
        "head_repository": repo,
    }


def deployment(
    ref: RepoRef,
    did: int,
    *,
    sha: str,
    git_ref: str,
    environment: str,
    description: str | None,
    creator: Json,
    created_at: datetime,
    updated_at: datetime,
) -> Json:
    """One item of GET .../deployments (task `deploy`, non-transient environments)."""
    api = f"{ref.api}/deployments/{did}"
    return {
        "url": api,
        "id": did,
        "node_id": node_id("Deployment", did),
        "sha": sha,
        "ref": git_ref,
        "task": "deploy",
        "payload": {},
        "original_environment": environment,
        "environment": environment,
        "description": description,
        "creator": creator,
        "created_at": iso(created_at),
        "updated_at": iso(updated_at),
        "statuses_url": f"{api}/statuses",
        "repository_url": ref.api,
        "transient_environment": False,
        "production_environment": environment == "production",
        "performed_via_github_app": None,
    }


def deployment_status(
    ref: RepoRef,
    did: int,
    sid: int,
    *,
    state: str,
    creator: Json,
    description: str,
    environment: str,
    log_url: str,
    environment_url: str,
    at: datetime,
) -> Json:
    """One item of GET .../deployments/{id}/statuses; GitHub copies `log_url` to `target_url`."""
    api = f"{ref.api}/deployments/{did}"
    return {
        "url": f"{api}/statuses/{sid}",
        "id": sid,
        "node_id": node_id("DeploymentStatus", sid),
        "state": state,
        "creator": creator,
        "description": description,
        "environment": environment,
        "target_url": log_url,
        "created_at": iso(at),
        "updated_at": iso(at),
        "deployment_url": api,
        "repository_url": ref.api,
        "environment_url": environment_url,
        "log_url": log_url,
        "performed_via_github_app": None,
    }
