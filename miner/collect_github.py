"""Fetch an org's teams, repos, pull requests and their details from GitHub's REST API as raw
batches; cursors come in as arguments and go out inside the batches, the database stays unseen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from miner.errors import GitHubError
from miner.github_client import GitHubClient, list_items
from miner.raw import CODEOWNERS_PATHS, CursorUpdate, RawBatch, batch_of

# Cursor rows for org-wide resources use this in place of a repo name.
ORG_WIDE = ""

CursorLookup = Callable[[str, str], "tuple[str | None, str | None]"]


@dataclass(frozen=True)
class PendingPull:
    """A pull request whose details (reviews, timeline, ...) must be fetched."""

    repo: str
    number: int
    updated_at: str


DETAILS_PREFIX = "pull_details/"


def details_resource(number: int) -> str:
    """The cursor name recording the updated_at whose details were stored for PR `number`."""
    return f"{DETAILS_PREFIX}{number}"


class GitHubCollector:
    """The REST collector for one org. Each method yields batches to store in order."""

    def __init__(self, client: GitHubClient, org: str) -> None:
        self.client = client
        self.org = org

    # -- org-wide lists ----------------------------------------------------------------------

    def org_batches(self, cursor: CursorLookup) -> Iterator[RawBatch]:
        """The org itself, its repos, members, teams and each team's members."""
        try:
            org = self.client.get(f"/orgs/{self.org}")
        except GitHubError as exc:
            if exc.status == 404:
                raise GitHubError(
                    f"organization {self.org!r} not found at {self.client.api_url} "
                    "(or the token cannot see it)",
                    status=404,
                ) from exc
            raise
        yield batch_of("orgs", self.org, None, None, [org.data], replace=True)
        for resource, url, params in (
            ("repos", f"/orgs/{self.org}/repos", {"type": "all"}),
            ("members", f"/orgs/{self.org}/members", {}),
            ("teams", f"/orgs/{self.org}/teams", {}),
        ):
            batch = self._whole_list(resource, ORG_WIDE, None, url, params, cursor)
            if batch is not None:
                yield batch

    def team_member_batches(self, teams: list[str], cursor: CursorLookup) -> Iterator[RawBatch]:
        for slug in teams:
            batch = self._whole_list(
                "team_members", ORG_WIDE, slug, f"/orgs/{self.org}/teams/{slug}/members", {}, cursor
            )
            if batch is not None:
                yield batch

    def _whole_list(
        self,
        resource: str,
        repo: str,
        parent: str | None,
        url: str,
        params: dict[str, Any],
        cursor: CursorLookup,
    ) -> RawBatch | None:
        """A small list fetched whole; None when a one-page list answers 304 Not Modified."""
        name = resource if parent is None else f"{resource}/{parent}"
        pages_before, etag = cursor(repo, name)
        # Only a one-page list can be known unchanged from its first page's ETag.
        response = self.client.get(
            url, {"per_page": 100, **params}, etag=etag if pages_before == "1" else None
        )
        if response.not_modified:
            return None
        first_etag, pages = response.etag, 1
        items = list(list_items(response.data))
        while response.next_url:
            response = self.client.get(response.next_url)
            pages += 1
            items.extend(list_items(response.data))
        update = CursorUpdate(self.org, repo, name, str(pages), first_etag)
        return batch_of(
            resource, self.org, repo or None, parent, items, replace=True, cursors=[update]
        )

    # -- pull requests -----------------------------------------------------------------------

    def pull_batches(self, repo: str, cursor: CursorLookup) -> Iterator[RawBatch]:
        """Pull requests updated since the last sync, newest first, a page per batch.

        The list is sorted by updated_at, so paging stops at the first PR older than the
        high-water mark; PRs updated at exactly that instant are listed again (they may have
        changed within the same second), which costs nothing but an upsert.
        """
        high_water, etag = cursor(repo, "pulls")
        url = f"/repos/{repo}/pulls"
        params = {"state": "all", "sort": "updated", "direction": "desc", "per_page": 100}
        response = self.client.get(url, params, etag=etag if high_water else None)
        if response.not_modified:
            return
        new_high_water = high_water
        first_etag = response.etag
        while True:
            page = list_items(response.data)
            fresh = [p for p in page if high_water is None or p["updated_at"] >= high_water]
            if fresh and (new_high_water is None or fresh[0]["updated_at"] > new_high_water):
                new_high_water = max(p["updated_at"] for p in fresh)
            done = response.next_url is None or len(fresh) < len(page)
            cursors = (
                [CursorUpdate(self.org, repo, "pulls", new_high_water, first_etag)] if done else []
            )
            yield batch_of("pulls", self.org, repo, None, fresh, replace=False, cursors=cursors)
            if done:
                return
            assert response.next_url is not None
            response = self.client.get(response.next_url)

    def pull_detail_batches(self, pull: PendingPull) -> list[RawBatch]:
        """Reviews, timeline, files, commits and comments of one PR, stored together."""
        repo, n = pull.repo, pull.number
        parent = str(n)
        sources = (
            ("reviews", f"/repos/{repo}/pulls/{n}/reviews"),
            ("timeline", f"/repos/{repo}/issues/{n}/timeline"),
            ("files", f"/repos/{repo}/pulls/{n}/files"),
            ("commits", f"/repos/{repo}/pulls/{n}/commits"),
            ("comments", f"/repos/{repo}/issues/{n}/comments"),
        )
        batches = [
            batch_of(resource, self.org, repo, parent, self.client.get_all(url), replace=True)
            for resource, url in sources
        ]
        done = CursorUpdate(self.org, repo, details_resource(n), pull.updated_at)
        return [*batches[:-1], _with_cursor(batches[-1], done)]

    # -- files at the default branch ---------------------------------------------------------

    def codeowners_batches(self, repo: str, cursor: CursorLookup) -> Iterator[RawBatch]:
        """The CODEOWNERS GitHub uses (the first of its three locations); a file stored before
        at a location GitHub no longer reads (deleted, or shadowed by an earlier one) goes."""
        found = False
        for path in CODEOWNERS_PATHS:
            stored, etag = cursor(repo, f"contents/{path}")
            if found:
                if stored:
                    yield self._contents_batch(repo, path, None, None)
                continue
            try:
                response = self.client.get(f"/repos/{repo}/contents/{path}", etag=etag)
            except GitHubError as exc:
                if exc.status != 404:
                    raise
                if stored:
                    yield self._contents_batch(repo, path, None, None)
                continue
            found = True
            if not response.not_modified:
                yield self._contents_batch(repo, path, response.data, response.etag)

    def _contents_batch(
        self, repo: str, path: str, payload: Any | None, etag: str | None
    ) -> RawBatch:
        """The file at `path` (None: no file there now) and its cursor."""
        update = CursorUpdate(
            self.org, repo, f"contents/{path}", "found" if payload is not None else None, etag
        )
        items = [payload] if payload is not None else []
        return batch_of("contents", self.org, repo, path, items, replace=True, cursors=[update])


def _with_cursor(batch: RawBatch, update: CursorUpdate) -> RawBatch:
    return RawBatch(
        batch.resource, batch.org, batch.repo, batch.items, batch.replace, (*batch.cursors, update)
    )
