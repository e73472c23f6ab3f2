"""Fetch an org's teams, repos, pull requests and their details from GitHub's REST API as raw
batches; cursors come in as arguments and go out inside the batches, the database stays unseen."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from miner.errors import GitHubError, GraphQLAnswerError, OrgNotFound
from miner.github_client import GitHubClient, Response, list_items
from miner.raw import (
    CODEOWNERS_PATHS,
    CursorUpdate,
    RawBatch,
    batch_of,
    contents_batch,
    file_changes,
    item_key,
    oldest_first,
    reach,
    refresh_floor,
    sbom_batch,
    trimmed_run,
)

_log = logging.getLogger(__name__)

# Cursor rows for org-wide resources use this in place of a repo name.
ORG_WIDE = ""

Json = dict[str, Any]

CursorLookup = Callable[[str, str], "tuple[str | None, str | None]"]


@dataclass(frozen=True)
class PendingPull:
    """A pull request whose details (reviews, timeline, ...) must be fetched."""

    repo: str
    number: int
    updated_at: str


DETAILS_PREFIX = "pull_details/"


# The cursor holding the sync run that began reading a repo's deployments through REST, until
# the list is read to its end (then NULL): see GitHubCollector.deployment_batches.
DEPLOYMENTS_LISTING = "deployments/listing"


def details_resource(number: int) -> str:
    """The cursor name recording the updated_at whose details were stored for PR `number`."""
    return f"{DETAILS_PREFIX}{number}"


def git_blob(client: GitHubClient, repo: str, sha: str) -> Json:
    """The git blob `sha` of `repo` with its whole content in base64, up to 100 MB (docs: Git
    blobs, "Get a blob"): the text of a file the contents API (over 1 MB) or GraphQL's
    Blob.text (isTruncated) leaves out. A blob never changes, so it is asked unconditionally,
    and only when the file's sha is one not stored yet."""
    response = client.get(f"/repos/{repo}/git/blobs/{sha}")
    return response.data if isinstance(response.data, dict) else {}


class GitHubCollector:
    """The REST collector for one org. Each method yields batches to store in order."""

    def __init__(self, client: GitHubClient, org: str, since: str | None = None) -> None:
        self.client = client
        self.org = org
        self.since = since  # how far back to read ([github] since, as GitHub writes times)

    # -- org-wide lists ----------------------------------------------------------------------

    def org_batches(self, cursor: CursorLookup) -> Iterator[RawBatch]:
        """The org itself, its repos, members, teams and each team's members."""
        try:
            org = self.client.get(f"/orgs/{self.org}")
        except GitHubError as exc:
            if exc.status == 404:
                raise OrgNotFound(self.org, self.client.api_url) from exc
            raise
        # GitHub's spelling of the login (orgs compare without case): the key of every row
        # stored, and what the later requests ask for
        self.org = (org.data or {}).get("login") or self.org
        yield batch_of("orgs", self.org, None, None, [org.data], replace=True)
        for resource, url, params in (
            ("repos", f"/orgs/{self.org}/repos", {"type": "all"}),
            ("members", f"/orgs/{self.org}/members", {}),
            ("teams", f"/orgs/{self.org}/teams", {}),
        ):
            try:
                batch = self._whole_list(resource, ORG_WIDE, None, url, params, cursor)
            except GitHubError as exc:
                if resource == "repos":
                    raise
                raise people_refused(self.org, exc) or exc from None
            if batch is not None:
                yield batch

    def team_member_batches(self, teams: list[str], cursor: CursorLookup) -> Iterator[RawBatch]:
        for slug in teams:
            try:
                batch = self._whole_list(
                    "team_members", ORG_WIDE, slug, f"/orgs/{self.org}/teams/{slug}/members", {},
                    cursor,
                )  # fmt: skip
            except GitHubError as exc:
                raise people_refused(self.org, exc) or exc from None
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
        high-water mark (or than `since`, when that is later); PRs updated at exactly that
        instant are listed again (they may have changed within the same second), which costs
        nothing but an upsert.
        """
        high_water, etag = cursor(repo, "pulls")
        url = f"/repos/{repo}/pulls"
        params = {"state": "all", "sort": "updated", "direction": "desc", "per_page": 100}
        response = self.client.get(url, params, etag=etag)
        if response.not_modified:
            return
        floor = reach(high_water, self.since)
        new_high_water = floor
        first_etag = response.etag
        while True:
            page = list_items(response.data)
            fresh = [p for p in page if floor is None or p["updated_at"] >= floor]
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
        done = CursorUpdate(self.org, repo, details_resource(n), pull.updated_at)
        # GitHub's clock before the first detail is asked, kept beside the updated_at (the
        # cursor's etag, which a details cursor has no other use for): a PR changed again
        # later within the second of its updated_at keeps that updated_at and, at most, the
        # listing's ETag, so details read no later than that second are read again next sync
        read_at = self.client.server_time
        read = replace(done, etag=f"{read_at:%Y-%m-%dT%H:%M:%SZ}" if read_at else None)
        try:
            batches = [
                batch_of(resource, self.org, repo, parent, self.client.get_all(url), replace=True)
                for resource, url in sources
            ]
        except GitHubError as exc:
            if exc.status not in (404, 410) or not self._pull_gone(repo, n):
                raise
            # listed once, gone since (deleted by GitHub Support, or hidden with an account
            # flagged as spam): what was stored of it stays, and it is asked for no more,
            # rather than its 404 making the whole repo unreadable at every sync
            _log.warning(
                "%s#%d: GitHub has this PR no more (%s); what was stored stays", repo, n, exc
            )
            return [RawBatch("pulls", self.org, repo, [], cursors=[done])]
        return [*batches[:-1], _with_cursor(batches[-1], read)]

    def _pull_gone(self, repo: str, number: int) -> bool:
        """Whether PR `number` is gone from a repo that is still there: the PR answers 404 (or
        410) while the repo's PR listing answers. A repo gone, or hidden from the token (404),
        raises its own 404, as any other request of it does."""
        try:
            self.client.get(f"/repos/{repo}/pulls/{number}")
        except GitHubError as exc:
            if exc.status not in (404, 410):
                raise
        else:
            return False
        self.client.get(f"/repos/{repo}/pulls", {"state": "all", "per_page": 1})
        return True

    # -- files at the default branch ---------------------------------------------------------

    def file_batches(
        self, repo: str, stored: Mapping[str, str | None], cursor: CursorLookup
    ) -> Iterator[RawBatch]:
        """The CODEOWNERS GitHub uses (the first of its three locations) and the dependency
        manifests at the root, each fetched only when its blob sha differs from the one stored
        (`stored`: path -> sha); a stored file GitHub no longer has there, or no longer reads
        (shadowed by an earlier CODEOWNERS), goes. The folder listings that give the shas are
        asked conditionally: an unchanged folder answers 304, which the rate limit ignores."""
        listings: list[CursorUpdate] = []
        present: dict[str, str] = {}
        for folder in ("", ".github", "docs"):
            if folder and any(
                p in present
                for p in CODEOWNERS_PATHS[: CODEOWNERS_PATHS.index(f"{folder}/CODEOWNERS")]
            ):
                continue  # an earlier CODEOWNERS wins: this folder's is never read
            files, update = self._listing(repo, folder, cursor)
            listings.append(update)
            prefix = f"{folder}/" if folder else ""
            present.update(
                (f"{prefix}{name}", sha)
                for name, sha in files.items()
                if not folder or name == "CODEOWNERS"
            )
        fetch, drop = file_changes(present, stored)
        for path in fetch:
            response = self.client.get(f"/repos/{repo}/contents/{path}")
            item = response.data
            if isinstance(item, dict) and item.get("encoding") == "none" and item.get("sha"):
                # a file over 1 MB: the contents API leaves its text out ("encoding": "none",
                # "content": ""); the git blob by its sha has it, base64 as the core SQL reads
                blob = git_blob(self.client, repo, str(item["sha"]))
                item = {**item, "encoding": blob.get("encoding"), "content": blob.get("content")}
            yield contents_batch(self.org, repo, path, item, response.etag)
        for path in drop:
            yield contents_batch(self.org, repo, path, None)
        # the listings' cursors last: a crash before them asks the folders again, nothing lost
        yield RawBatch("contents", self.org, repo, [], cursors=listings)

    def _listing(
        self, repo: str, folder: str, cursor: CursorLookup
    ) -> tuple[dict[str, str], CursorUpdate]:
        """The files of a default-branch folder (name -> blob sha; none if it is missing), from
        the contents API or, when it answers 304, from the cursor that kept the last answer."""
        resource = f"listing/{folder}"
        kept, etag = cursor(repo, resource)
        try:
            response = self.client.get(f"/repos/{repo}/contents/{folder}", etag=etag)
        except GitHubError as exc:
            if exc.status != 404:
                raise
            return {}, CursorUpdate(self.org, repo, resource, "{}")
        if response.not_modified and kept is not None:
            files: dict[str, str] = json.loads(kept)
        else:
            entries = response.data if isinstance(response.data, list) else []
            files = {
                str(e["name"]): str(e["sha"])
                for e in entries
                if isinstance(e, dict) and e.get("type") == "file"
            }
        return files, CursorUpdate(
            self.org, repo, resource, json.dumps(files, sort_keys=True), response.etag
        )

    def sbom_batch(self, repo: str, manifests: str) -> RawBatch | None:
        """GitHub's dependency graph of the repo as an SPDX SBOM: one request. A repo whose
        dependency graph is off (404) or hidden from the token (403) stores none. The SBOM is a
        further source, never a reason to stop a sync: any other failure (GitHub's export
        timing out on a big repo, a 5xx, a rate limit) gives None, keeping what is stored, and
        the next sync asks again."""
        try:
            response = self.client.get(f"/repos/{repo}/dependency-graph/sbom")
        except GitHubError as exc:
            hidden = exc.status == 403 and "rate limit" not in str(exc).lower()
            if exc.status == 404 or hidden:
                return sbom_batch(self.org, repo, None, manifests)
            _log.warning(
                "%s: GitHub's SBOM could not be read (%s); next sync asks again", repo, exc
            )
            return None
        return sbom_batch(self.org, repo, response.data, manifests, response.etag)

    # -- deployments and workflow runs -------------------------------------------------------

    def deployment_batches(
        self,
        repo: str,
        cursor: CursorLookup,
        listing: str,
        stored: Mapping[str, str] | None = None,
    ) -> Iterator[RawBatch]:
        """Deployments created since REFRESH_WINDOW before the newest stored, newest first, each
        with all its statuses (stored oldest first); nothing when the first
        page is unchanged (a new status changes the deployment's updated_at, so the page).
        Each deployment is stored with its statuses, under DEPLOYMENTS_LISTING: `listing`, the
        sync run that began this reading of the list, until the list is read to its end. A
        reading stopped partway (a rate limit past --max-wait) is taken up by the next sync:
        the deployments it stored (`stored`: id -> updated_at, those stored since `listing`)
        whose updated_at is unchanged are not asked for their statuses again, so the list is
        read to its end even when no single run can afford a page of statuses."""
        mark, etag = cursor(repo, "deployments")
        response = self._first_page(f"/repos/{repo}/deployments", etag)
        if response is None or response.not_modified:
            return
        floor, first_etag, newest = refresh_floor(mark, self.since), response.etag, mark
        begun = [CursorUpdate(self.org, repo, DEPLOYMENTS_LISTING, listing)]
        while True:
            page = list_items(response.data)
            fresh = [d for d in page if floor is None or d["created_at"] >= floor]
            for deployment in fresh:
                key = str(deployment["id"])
                if (stored or {}).get(key) == deployment.get("updated_at"):
                    continue  # its statuses stored by this reading of the list already
                statuses = self.client.get_all(
                    f"/repos/{repo}/deployments/{deployment['id']}/statuses"
                )
                yield batch_of(
                    "deployment_statuses", self.org, repo, key,
                    oldest_first(statuses), replace=True, cursors=begun,
                )  # fmt: skip
                yield batch_of("deployments", self.org, repo, None, [deployment], replace=False)
                begun = []
            if fresh and (newest is None or fresh[0]["created_at"] > newest):
                newest = max(d["created_at"] for d in fresh)
            done = response.next_url is None or len(fresh) < len(page)
            cursors = (
                [
                    CursorUpdate(self.org, repo, "deployments", newest, first_etag),
                    CursorUpdate(self.org, repo, DEPLOYMENTS_LISTING, None),
                ]
                if done
                else begun
            )
            begun = []
            yield batch_of(
                "deployments", self.org, repo, None, fresh, replace=False, cursors=cursors
            )
            if done:
                return
            assert response.next_url is not None
            response = self.client.get(response.next_url)

    def _first_page(self, url: str, etag: str | None) -> Response | None:
        """A list's first page; None when GitHub answers 404 (the repo went away since it was
        listed, or the list is not there: the local server's mirror may lack the file)."""
        try:
            return self.client.get(url, {"per_page": 100}, etag=etag)
        except GitHubError as exc:
            if exc.status == 404:
                return None
            raise

    def _run(self, repo: str, run_id: str) -> dict[str, Any] | None:
        """One workflow run; None when GitHub has it no more (404)."""
        try:
            data = self.client.get(f"/repos/{repo}/actions/runs/{run_id}").data
        except GitHubError as exc:
            if exc.status == 404:
                return None
            raise
        return data if isinstance(data, dict) else None

    def run_batches(
        self, repo: str, cursor: CursorLookup, unfinished_keys: Collection[str] = ()
    ) -> Iterator[RawBatch]:
        """Workflow runs created since REFRESH_WINDOW before the mark, newest first (GitHub
        lists the latest attempt of each run). The mark is the creation time of the oldest run
        still unfinished, else of the newest run. The first page is asked conditionally (ETag)
        unless an unfinished run sat on a later page: its change would not change page 1.

        `unfinished_keys`: the runs stored unfinished. The listing covers each of them (the
        mark is never past one it showed); one it does not show is asked for alone, and when
        GitHub answers 404 (deleted) it goes, rather than stay unfinished, and looked for,
        forever."""
        mark, etag = cursor(repo, "workflow_runs")
        response = self._first_page(f"/repos/{repo}/actions/runs", etag)
        if response is None or response.not_modified:
            return
        floor, first_etag = refresh_floor(mark, self.since), response.etag
        newest: str | None = None
        unfinished: list[str] = []
        first_page = True
        seen: set[str] = set()
        while True:
            page = list_items(response.data)
            fresh = [r for r in page if floor is None or r["created_at"] >= floor]
            seen.update(item_key("workflow_runs", repo, None, r, 0) for r in page)
            waiting = [r["created_at"] for r in fresh if r.get("status") != "completed"]
            if waiting and not first_page:
                first_etag = None  # an unfinished run past page 1: ask unconditionally next time
            unfinished += waiting
            if fresh and newest is None:
                newest = max(r["created_at"] for r in fresh)
            done = response.next_url is None or len(fresh) < len(page)
            cursors = []
            gone: list[str] = []
            if done:
                # not listed: deleted, or missed while the list shifted under the pages
                # (another run deleted meanwhile); asked for one by one, rare as they are
                for key in sorted(set(unfinished_keys) - seen):
                    run = self._run(repo, key.rpartition("/")[2])
                    if run is None:
                        gone.append(key)
                        continue
                    fresh.append(run)
                    if run.get("status") != "completed":  # the mark stays before it
                        unfinished.append(run["created_at"])
                        first_etag = None
                new_mark = min(unfinished) if unfinished else (newest or mark)
                cursors = [CursorUpdate(self.org, repo, "workflow_runs", new_mark, first_etag)]
            runs = [trimmed_run(r) for r in fresh]
            yield replace(
                batch_of(
                    "workflow_runs", self.org, repo, None, runs, replace=False, cursors=cursors
                ),
                gone=gone,
            )
            first_page = False
            if done:
                return
            assert response.next_url is not None
            response = self.client.get(response.next_url)

    def attempt_batch(self, repo: str, run_id: str, number: int) -> RawBatch:
        """Attempt `number` of re-run workflow run `run_id` (GET .../actions/runs/{id}/attempts/
        {n}): GitHub lists only a run's latest attempt, and the time a PR waited on a failed
        one before its re-run is CI time too. An earlier attempt is over (only a completed run
        can be re-run) and never changes, so it is asked for once. One GitHub answers 404 for
        (it expired with the run's logs, or the run was deleted), or another 4xx of its own
        (422), or answers as another run or attempt (stored under the key of the one it says,
        it would never be the one asked for), is noted as gone, in a cursor, and not asked
        for again. Any other failure (a 5xx past the client's retries, a refusal, a rate
        limit) is raised: the caller says what it means."""
        url = f"/repos/{repo}/actions/runs/{run_id}/attempts/{number}"
        try:
            data = self.client.get(url).data
        except GitHubError as exc:
            status = exc.status or 0
            # GitHub's word on this attempt (404, 410, 422 ...), not a failure of the moment
            if status in (401, 403, 429, 451) or not 400 <= status < 500:
                raise
            _log.info("%s: GitHub has attempt %d of run %s no more (%s)", repo, number, run_id,
                      exc)  # fmt: skip
            return self._attempt_gone(repo, run_id, number, "gone")
        if not isinstance(data, dict):
            raise GitHubError(f"GET {url}: GitHub answered no workflow run")
        answered = (str(data.get("id")), data.get("run_attempt"))
        if answered != (run_id, number):
            _log.warning("%s: GitHub answered attempt %d of run %s with attempt %s of run %s; "
                         "not stored, not asked for again", repo, number, run_id, answered[1],
                         answered[0])  # fmt: skip
            return self._attempt_gone(repo, run_id, number, "mismatch")
        return batch_of(
            "workflow_run_attempts", self.org, repo, run_id, [trimmed_run(data)], replace=False
        )

    def _attempt_gone(self, repo: str, run_id: str, number: int, why: str) -> RawBatch:
        """No attempt stored, and the cursor that keeps later syncs from asking for it."""
        gone = CursorUpdate(self.org, repo, attempt_gone(run_id, number), why)
        return RawBatch("workflow_run_attempts", self.org, repo, [], cursors=[gone])


ATTEMPT_GONE_PREFIX = "workflow_run_attempts/"


def attempt_gone(run_id: str, number: int) -> str:
    """The cursor saying GitHub answered 404 for attempt `number` of run `run_id`."""
    return f"{ATTEMPT_GONE_PREFIX}{run_id}/{number}"


def people_refused(org: str, exc: GitHubError, *, graphql: bool = False) -> GitHubError | None:
    """GitHub refusing the token the org's members or teams (a 403 to a request for them, not
    a rate limit; with `graphql`, a FORBIDDEN error at organization.teams, .membersWithRole or
    .team (a team's members past its first page) of the query), as the one line that says
    which permission it lacks; None for any other error. Without teams no wait is a team's:
    the sync stops rather than store an org of nobody."""
    if not exc.refused:
        return None
    wanted = (
        ["organization", "teams"],
        ["organization", "membersWithRole"],
        ["organization", "team"],
    )
    if graphql and not (
        isinstance(exc, GraphQLAnswerError) and any(p.split(".")[:2] in wanted for p in exc.paths)
    ):
        return None  # a refusal of something else
    return GitHubError(
        f"{org}: GitHub refuses this token the org's members or teams ({exc}): a GitHub App "
        "or a fine-grained token needs read access to the organization's Members permission, a "
        "classic token the read:org scope (`miner doctor` checks it)",
        status=403,
    )


def _with_cursor(batch: RawBatch, update: CursorUpdate) -> RawBatch:
    return RawBatch(
        batch.resource, batch.org, batch.repo, batch.items, batch.replace, (*batch.cursors, update)
    )
