"""Build small API mirror folders by hand for worked-example tests, in GitHub's payload shapes."""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

API = "https://api.github.com"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def at(hours: float) -> str:
    """T0 plus `hours`, as GitHub writes timestamps."""
    return (T0 + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def user(login: str) -> dict[str, Any]:
    bot = login.endswith("[bot]")
    return {
        "login": login,
        "id": zlib.crc32(login.encode()) % 10_000_000,
        "node_id": "MDQ6VXNlcjE=",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{login}",
        "gravatar_id": "",
        "url": f"{API}/users/{login}",
        "html_url": f"https://github.com/{login}",
        "type": "Bot" if bot else "User",
        "site_admin": False,
    }


def team(org: str, slug: str, parent: str | None = None) -> dict[str, Any]:
    return {
        "id": zlib.crc32(slug.encode()) % 1_000_000,
        "node_id": "T_1",
        "url": f"{API}/organizations/1/team/1",
        "html_url": f"https://github.com/orgs/{org}/teams/{slug}",
        "name": slug.title(),
        "slug": slug,
        "description": None,
        "privacy": "closed",
        "notification_setting": "notifications_enabled",
        "permission": "pull",
        "members_url": f"{API}/organizations/1/team/1/members{{/member}}",
        "repositories_url": f"{API}/organizations/1/team/1/repos",
        "parent": team(org, parent) if parent else None,
    }


@dataclass
class Pull:
    """One PR being written: its payload fields and its timeline, reviews and files."""

    number: int
    author: str
    created: float
    state: str = "open"
    draft: bool = False
    closed: float | None = None
    merged: bool = False
    title: str = "Change"
    timeline: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    commits: list[dict[str, Any]] = field(default_factory=list)
    merge_commit_sha: str = "b" * 40
    body: str | None = None
    comments: list[dict[str, Any]] = field(default_factory=list)
    base: str = "main"  # the branch it is to be merged into

    def commit(self, hours: float) -> Pull:
        """A commit authored `hours` after T0 (its git author date) by the PR's author."""
        sha = f"{self.number:04d}{len(self.commits):036d}"
        stamp = at(hours)
        person = {"name": self.author.title(), "email": f"{self.author}@example.com", "date": stamp}
        self.commits.append(
            {
                "sha": sha,
                "node_id": "C_1",
                "commit": {
                    "author": person,
                    "committer": person,
                    "message": "Work",
                    "tree": {"sha": "f" * 40, "url": ""},
                    "url": "",
                    "comment_count": 0,
                    "verification": {
                        "verified": False,
                        "reason": "unsigned",
                        "signature": None,
                        "payload": None,
                    },
                },
                "url": "",
                "html_url": "",
                "comments_url": "",
                "author": user(self.author),
                "committer": user(self.author),
                "parents": [],
            }
        )
        return self

    def request(
        self,
        hours: float,
        *,
        reviewer: str | None = None,
        team_slug: str | None = None,
        org: str = "acme",
        removed: bool = False,
    ) -> Pull:
        event: dict[str, Any] = {
            "id": 1000 + len(self.timeline),
            "node_id": "RRE_1",
            "url": f"{API}/repos/x/issues/events/1",
            "actor": user(self.author),
            "event": "review_request_removed" if removed else "review_requested",
            "commit_id": None,
            "commit_url": None,
            "created_at": at(hours),
            "review_requester": user(self.author),
            "performed_via_github_app": None,
        }
        if reviewer:
            event["requested_reviewer"] = user(reviewer)
        if team_slug:
            event["requested_team"] = team(org, team_slug)
        self.timeline.append(event)
        return self

    def event(self, kind: str, hours: float) -> Pull:
        self.timeline.append(
            {
                "id": 1000 + len(self.timeline),
                "node_id": "E_1",
                "url": f"{API}/repos/x/issues/events/1",
                "actor": user(self.author),
                "event": kind,
                "commit_id": None,
                "commit_url": None,
                "created_at": at(hours),
                "performed_via_github_app": None,
            }
        )
        return self

    def comment(self, login: str, hours: float, body: str) -> Pull:
        """A conversation comment (and its `commented` timeline item)."""
        item = {
            "id": 7000 + len(self.comments) + 100 * self.number,
            "node_id": "IC_1",
            "user": user(login),
            "body": body,
            "created_at": at(hours),
            "updated_at": at(hours),
            "html_url": f"https://github.com/x/pull/{self.number}#issuecomment-1",
            "author_association": "MEMBER",
        }
        self.comments.append(item)
        self.timeline.append({**item, "event": "commented", "actor": user(login)})
        return self

    def cross_referenced(self, source: str, number: int, hours: float, by: str) -> Pull:
        """GitHub's timeline item for PR `source`#`number` naming this one (no id, as GitHub's)."""
        url = f"https://github.com/{source}/pull/{number}"
        self.timeline.append(
            {
                "actor": user(by),
                "event": "cross-referenced",
                "created_at": at(hours),
                "updated_at": at(hours),
                "source": {
                    "type": "issue",
                    "issue": {
                        "number": number,
                        "html_url": url,
                        "pull_request": {"html_url": url},
                        "repository": {"full_name": source},
                    },
                },
            }
        )
        return self

    def review(
        self, login: str, hours: float, state: str = "APPROVED", *, listed: bool = False
    ) -> Pull:
        """A submitted review; `listed` also puts GitHub's `reviewed` item for it in the
        timeline, where the REST timeline lists every submitted review (no created_at: it is
        dated by submitted_at; its id is the review's)."""
        self.reviews.append(
            {
                "id": 5000 + len(self.reviews) + 100 * self.number,
                "node_id": "PRR_1",
                "user": user(login),
                "body": "",
                "state": state,
                "html_url": "https://github.com/x/pull/1#pullrequestreview-1",
                "pull_request_url": f"{API}/repos/x/pulls/1",
                "author_association": "MEMBER",
                "submitted_at": at(hours),
                "commit_id": "a" * 40,
            }
        )
        if listed:
            self.timeline.append({**self.reviews[-1], "event": "reviewed", "state": state.lower()})
        return self

    def dismiss(self, hours: float, review: int, by: str = "admin") -> Pull:
        """Dismiss this PR's `review`-th review (0-based) `hours` after T0: the review says
        DISMISSED from then on, as GitHub's API answers, and the timeline gets GitHub's
        review_dismissed event naming it and the state it had."""
        dismissed = self.reviews[review]
        was = dismissed["state"]
        dismissed["state"] = "DISMISSED"
        self.timeline.append(
            {
                "id": 1000 + len(self.timeline),
                "node_id": "RDE_1",
                "url": f"{API}/repos/x/issues/events/1",
                "actor": user(by),
                "event": "review_dismissed",
                "commit_id": None,
                "commit_url": None,
                "created_at": at(hours),
                "performed_via_github_app": None,
                "dismissed_review": {
                    "state": was.lower(),
                    "review_id": dismissed["id"],
                    "dismissal_message": "Stale",
                    "dismissal_commit_id": None,
                },
            }
        )
        return self

    def payload(self, org: str, repo: str) -> dict[str, Any]:
        closed_at = at(self.closed) if self.closed is not None else None
        updated = max(
            [self.created, self.closed or 0.0]
            + [_hours(e.get("created_at") or e["submitted_at"]) for e in self.timeline]
            + [_hours(r["submitted_at"]) for r in self.reviews]
        )
        return {
            "url": f"{API}/repos/{org}/{repo}/pulls/{self.number}",
            "id": 900_000 + self.number,
            "node_id": "PR_1",
            "html_url": f"https://github.com/{org}/{repo}/pull/{self.number}",
            "number": self.number,
            "state": self.state,
            "locked": False,
            "title": self.title,
            "user": user(self.author),
            "body": self.body,
            "created_at": at(self.created),
            "updated_at": at(updated),
            "closed_at": closed_at,
            "merged_at": closed_at if self.merged else None,
            "merge_commit_sha": self.merge_commit_sha,
            "assignee": None,
            "assignees": [],
            "requested_reviewers": [],
            "requested_teams": [],
            "labels": [],
            "milestone": None,
            "draft": self.draft,
            "head": {"label": f"{org}:topic", "ref": "topic", "sha": "c" * 40},
            "base": {"label": f"{org}:{self.base}", "ref": self.base, "sha": "d" * 40},
            "author_association": "MEMBER",
            "auto_merge": None,
            "active_lock_reason": None,
        }


def _hours(stamp: str) -> float:
    when = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return (when - T0).total_seconds() / 3600


@dataclass
class MirrorBuilder:
    """An org with teams and one or more repos of hand-written PRs."""

    org: str = "acme"
    teams: dict[str, list[str]] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)
    pulls: dict[str, list[Pull]] = field(default_factory=dict)
    files: dict[tuple[str, str], str] = field(default_factory=dict)
    # more fields of a repo's JSON (archived, fork, pushed_at...), by repo name
    repo_fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    as_of: float = 24 * 14

    def pull(self, repo: str, author: str, created: float, **kw: Any) -> Pull:
        prs = self.pulls.setdefault(repo, [])
        pr = Pull(len(prs) + 1, author, created, **kw)
        prs.append(pr)
        return pr

    def write(self, root: Path) -> Path:
        org = self.org
        _dump(root / "orgs" / f"{org}.json", {"login": org, "id": 1, "type": "Organization"})
        _dump(
            root / "orgs" / org / "teams.json",
            [team(org, slug, self.parents.get(slug)) for slug in self.teams],
        )
        members = sorted({m for ms in self.teams.values() for m in ms})
        _dump(root / "orgs" / org / "members.json", [user(m) for m in members])
        for slug, logins in self.teams.items():
            # As GitHub answers: a parent team's members include its child teams' members.
            everyone = set(logins)
            for child, parent in self.parents.items():
                if parent == slug:
                    everyone |= set(self.teams.get(child, []))
            _dump(
                root / "orgs" / org / "teams" / slug / "members.json",
                [user(m) for m in sorted(everyone)],
            )
        repos = []
        # ids by place in name order: a repo added between two writes of one mirror shifts the
        # ids of those after it, which a sync reads as renames (rename a written mirror's repos
        # in place instead, keeping their ids)
        for i, (name, prs) in enumerate(sorted(self.pulls.items())):
            repos.append(
                {
                    "id": i + 1,
                    "name": name,
                    "full_name": f"{org}/{name}",
                    "private": True,
                    "fork": False,
                    "archived": False,
                    "default_branch": "main",
                    "html_url": f"https://github.com/{org}/{name}",
                    **self.repo_fields.get(name, {}),
                }
            )
            base = root / "repos" / org / name
            _dump(base / "pulls.json", [p.payload(org, name) for p in prs])
            for p in prs:
                _dump(
                    base / "issues" / str(p.number) / "timeline.json",
                    sorted(p.timeline, key=lambda e: e.get("created_at") or e["submitted_at"]),
                )
                _dump(base / "pulls" / str(p.number) / "reviews.json", p.reviews)
                _dump(base / "pulls" / str(p.number) / "commits.json", p.commits)
                _dump(base / "issues" / str(p.number) / "comments.json", p.comments)
                _dump(
                    base / "pulls" / str(p.number) / "files.json",
                    [
                        {
                            "sha": "e" * 40,
                            "filename": f,
                            "status": "modified",
                            "additions": 1,
                            "deletions": 0,
                            "changes": 1,
                        }
                        for f in p.files
                    ],
                )
        for (repo, path), text in self.files.items():
            target = root / "repos" / org / repo / "contents" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        _dump(root / "orgs" / org / "repos.json", repos)
        (root / "as_of.txt").write_text(at(self.as_of) + "\n", encoding="utf-8")
        return root


def account_renamed(root: Path, old: str, new: str) -> None:
    """GitHub after the user `old` renamed their account `new`: every payload of the mirror
    that names `new` gives it the account id `old` had."""
    account = user(old)["id"]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("login") == new:
                node["id"] = account
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in root.rglob("*.json"):
        data = json.loads(path.read_text())
        walk(data)
        path.write_text(json.dumps(data))


def _dump(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
