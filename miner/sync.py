"""Wire collectors to the warehouse: `sync` from GitHub, `import_mirror` from a folder, then
rebuild; every batch is committed with its cursor, so a crash loses nothing and a rerun resumes."""

from __future__ import annotations

import contextlib
import json
import logging
import time
import traceback
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import git
import pyarrow as pa

from miner.collect_git import (
    BRANCH_CODEOWNERS_CURSOR,
    CODEOWNERS_SCHEMA,
    HISTORY_CURSOR,
    MANIFEST_SCHEMA,
    UNDATED_TOLD_CURSOR,
    GitCollector,
    branch_tips,
    codeowners_history,
    tags,
    tip_files,
    workspace_manifests,
)
from miner.collect_github import (
    ATTEMPT_GONE_PREFIX,
    DEPLOYMENTS_LISTING,
    DETAILS_PREFIX,
    GitHubCollector,
    PendingPull,
)
from miner.collect_graphql import GraphQLPullCollector, GraphQLRepoCollector
from miner.config import Config
from miner.errors import (
    ConfigError,
    GitHubError,
    GraphQLAnswerError,
    MinerError,
    OrgNotFound,
    counted,
    scrub,
    spoken_list,
)
from miner.git_mirror import GitMirrorError
from miner.github_auth import Credentials, credentials
from miner.github_client import RUN_STOPPED, GitHubClient
from miner.mirror import Mirror
from miner.org_snapshot import SNAPSHOT_DEPLOYMENTS, OrgSnapshot, RepoMarks
from miner.rate_limits import DEFAULT_MAX_WAIT_SECONDS, Countdown, RateLimiter, RateLimitStop
from miner.raw import (
    BLOB_TEXT_LIMIT,
    CONTENTS_PREFIX,
    DEPLOYMENTS_MARK,
    HISTORY_SINCE,
    SBOM_MARK,
    WHOLE_HISTORY,
    CursorUpdate,
    RawBatch,
    file_changes,
    is_manifest,
    parse_time,
    refresh_floor,
    sbom_batch,
    transactions,
)
from miner.transform import rebuild
from miner.warehouse import Warehouse, run_error

_log = logging.getLogger(__name__)


@dataclass
class SyncProgress:
    """Where a sync is, handed to the progress callback at each step (the same object, updated)."""

    org: str
    repos: int = 0  # repos this sync collects
    done: int = 0  # of them, finished
    repo: str | None = None  # the one being collected
    pulls: int = 0  # PRs stored so far
    requests: int = 0
    # what GitHub's last answer said is left of each budget ("core", "graphql"): requests/points
    remaining: dict[str, int] = field(default_factory=dict)


Progress = Callable[[SyncProgress], None]

# How the org is read. "graphql" (the default): one snapshot call per 100 repos says what changed
# in each (an unchanged repo then costs nothing), PRs come a page with all their details per call
# (about 37 PRs a request), deployments and files through GraphQL too; workflow runs, which GraphQL
# does not expose (no run_attempt, no run_started_at), through REST. "rest": everything through
# REST, conditionally (ETags) where GitHub allows it: a listing plus five detail lists per PR.
APIS = ("graphql", "rest")


@dataclass(frozen=True)
class SyncResult:
    org: str
    repos: int
    pulls_stored: int
    requests: int
    seconds: float
    as_of: datetime | None
    api: str = "graphql"
    graphql_points: int = 0
    pulls_new: int = 0
    # PRs stored that were new or changed (their updated_at moved): those stored again as
    # they were (the one at a cursor's edge, a listing read again) are not "updated"
    pulls_changed: int = 0
    # one line per repo that failed, wholly or in part (not readable, a part of it refused,
    # git could not mirror it): the sync is partial
    failures: tuple[str, ...] = ()

    def record(self) -> dict[str, object]:
        """The summary as data (for --log-format json)."""
        return {
            "org": self.org,
            "repos": self.repos,
            "prs_new": self.pulls_new,
            "prs_updated": self.pulls_updated,
            "requests": self.requests,
            "graphql_points": self.graphql_points,
            "api": self.api,
            "seconds": round(self.seconds, 1),
            "as_of": f"{self.as_of:%Y-%m-%dT%H:%M:%SZ}" if self.as_of else None,
            "repos_failed": len(self.failures),
        }

    @property
    def pulls_updated(self) -> int:
        """PRs stored before that changed since (a PR gone from the org, moved away, may make
        the new ones fewer than the changed: never below none)."""
        return max(0, self.pulls_changed - self.pulls_new)

    def summary(self) -> str:
        """One line for the log: repos, PRs new and updated, requests, points, duration."""
        updated = self.pulls_updated
        graphql = self.api == "graphql"
        points = f", {counted(self.graphql_points, 'GraphQL point')}" if graphql else ""
        as_of = f", as of {self.as_of:%Y-%m-%d %H:%M}Z" if self.as_of else ""
        return (
            f"{self.org}: {counted(self.repos, 'repo')}, {counted(self.pulls_new, 'PR')} new, "
            f"{updated} updated, {counted(self.requests, 'request')}{points} "
            f"({'GraphQL' if self.api == 'graphql' else 'REST'}), "
            f"{self.seconds:.1f}s{as_of}"
        )


def _quiet(_: SyncProgress) -> None:
    pass


def check_can_sync(
    config: Config,
    org: str | None,
    *,
    first: bool = False,
    max_wait: float = DEFAULT_MAX_WAIT_SECONDS,
) -> Credentials:
    """What a sync can tell before it opens the warehouse, so that a slip (no org, no token,
    run from a folder without miner.toml, a GitHub App GitHub refuses) leaves no empty
    warehouse file behind: an org to sync, and credentials; those, for sync(). `first`: no
    warehouse exists yet, so GitHub is asked too whether it takes the token and knows the org
    (a spent rate limit waited for up to `max_wait` seconds, as the sync would, else
    RateLimitStop)."""
    given_org = org
    org = org or config.github.org
    if not org:
        raise _missing_org(config)
    signed_in = credentials(config, org)  # a GitHub App's is asked of GitHub now
    if signed_in is None:
        raise _no_token(config)
    if first:
        # one request: a token GitHub refuses or an org it does not know is said before the
        # warehouse file exists, so a first run's slip leaves none holding one failed run
        limiter = RateLimiter(max_wait=max_wait)
        client = GitHubClient(config.github.api_url, None, limiter=limiter, auth=signed_in.auth)
        try:
            client.get(f"/orgs/{org}")
        except GitHubError as exc:
            if exc.status == 404:
                exc = OrgNotFound(org, client.api_url)
            raise _said(exc, signed_in, config, given_org) or exc from None
        finally:
            client.close()
    return signed_in


def _missing_org(config: Config) -> ConfigError:
    if config.source is None:
        return ConfigError(
            "[github] org: missing: no config file here (miner.toml), so pass --org, or "
            "--config FILE, or run miner from the folder of your miner.toml"
        )
    return ConfigError(f"{config.source}: [github] org: missing (or pass --org)")


def _no_token(config: Config) -> ConfigError:
    return ConfigError(
        f"no GitHub token: set {config.github.token_source()} "
        "(a token with read access to the org's repos, members and teams), or [github.app]"
    )


def sync(
    wh: Warehouse,
    config: Config,
    *,
    org: str | None = None,
    client: GitHubClient | None = None,
    progress: Progress = _quiet,
    api: str = "graphql",
    max_wait: float = DEFAULT_MAX_WAIT_SECONDS,
    countdown: Countdown | None = None,
    signed_in: Credentials | None = None,
) -> SyncResult:
    """Bring the warehouse up to date with the org on GitHub, then rebuild tables and views.
    `api` is how PR history is fetched (APIS); both store the same raw payloads. A spent rate
    limit is waited for (`countdown` is told each second) up to `max_wait` seconds; past that
    the sync stops with RateLimitStop, everything fetched stored, and does not rebuild.
    `signed_in`: the credentials check_can_sync found (else found here)."""
    if api not in APIS:
        raise ConfigError(f"--api {api}: one of {', '.join(APIS)}")
    given_org = org
    org = org or config.github.org
    if not org:
        raise _missing_org(config)
    if signed_in is None:
        signed_in = credentials(config, org)
    if client is None:
        if signed_in is None:
            raise _no_token(config)
        limiter = RateLimiter(max_wait=max_wait)
        if countdown is not None:
            limiter.countdown = countdown
        client = GitHubClient(config.github.api_url, None, limiter=limiter, auth=signed_in.auth)
    # git sends the same credentials (an installation's token, renewed as it nears expiry)
    token = signed_in.token if signed_in is not None else None
    started = time.monotonic()
    org = wh.org_spelling(org)
    run = wh.start_run("sync", org, config.github.api_url)
    pulls_before = _count_pulls(wh, org)
    status = SyncProgress(org)

    def tell() -> None:
        status.pulls = repo_sync.pulls_stored
        status.requests = client.requests
        status.remaining = {r: b.remaining for r, b in client.limiter.budgets.items()}
        progress(status)

    repo_sync = _RepoSync(wh, org, client, run, tell, config.github.since_time)
    try:
        if api == "graphql":
            # one call per 100 repos: repos, people, teams, and what changed in each repo
            snapshot = OrgSnapshot(client, org).take()
            if snapshot.org != org:
                org, repo_sync = _respelled(wh, run, snapshot.org, status, repo_sync)
            wh.store_all(snapshot.batches, run)
            marks: dict[str, RepoMarks] | None = snapshot.repos
        else:
            # the org, its repos, members, teams and each team's members stored as one, as the
            # snapshot is: GitHub refusing, failing or rate-limiting a team's members partway
            # leaves the last run's whole (not this run's members of the teams before it and
            # the last run's of the others), and the next run asks for all of them again
            lists = list(repo_sync.rest.org_batches(repo_sync.cursor))
            if repo_sync.rest.org != org:
                org, repo_sync = _respelled(wh, run, repo_sync.rest.org, status, repo_sync)
            teams = _team_slugs(wh, org, lists)
            lists.extend(repo_sync.rest.team_member_batches(teams, repo_sync.cursor))
            wh.store_all(lists, run)
            marks = None
        finals = final_reads(wh, config, org)
        repos = sorted({*selected_repos(wh, config, org, finals), *finals})
        status.repos = len(repos)
        unread: dict[str, str] = {}
        refused_repos: set[str] = set()  # of those, the ones the token may not read
        app = config.github.app_id is not None  # a GitHub App's installation token
        failing = 0  # repos in a row GitHub failed on while it answered (see below)
        for repo in repos:
            status.repo = repo
            tell()
            try:
                if marks is None:
                    repo_sync.rest_repo(repo)
                else:
                    repo_sync.graphql_repo(marks[repo])
            except GitHubError as exc:
                # a repo the token may not read (403), gone since it was listed (404) or
                # blocked for legal reasons (451), or one a GraphQL query of which GitHub
                # answered with errors (a page is not stored with holes in it), or one GitHub
                # kept failing on (a 5xx past its retries) while it answers the rest: what was
                # stored stays, the other repos go on, and the run is partial (exit 3), so a
                # repo GitHub fails on night after night keeps no other repo from syncing. A
                # few such repos in a row are GitHub failing, not the repos: the run fails.
                if exc.status in (403, 404, 451):
                    unread[repo] = f"{repo}: not readable {_by(app=app)} ({exc})"
                    refused_repos.add(repo)
                elif isinstance(exc, GraphQLAnswerError):
                    unread[repo] = _not_whole(repo, str(exc))
                elif failing + 1 < FAILING_IN_A_ROW and repo_sync.failed_alone(exc):
                    failing += 1
                    unread[repo] = _not_whole(repo, _alone(exc))
                else:
                    raise
            else:
                failing = failing + 1 if repo in repo_sync.kept_failing else 0
                if failing >= FAILING_IN_A_ROW:
                    raise GitHubError(
                        f"GitHub kept failing {FAILING_IN_A_ROW} repos in a row while it answered "
                        f"(the last: {repo_sync.kept_failing[repo]}){RUN_STOPPED}"
                    )
            status.done += 1
        if repos and len(refused_repos) == len(repos):
            # not one repo: the token, not the repos, is what is wrong (a suspended app, say);
            # repos GitHub answered with errors (a query it gave up on) are a partial run
            raise GitHubError(f"no repo of {org} could be read; the first: {unread[repos[0]]}")
        # what failed of each repo: wholly unread, or a part of it refused, then its mirror
        # git reads what the API calls Contents: a repo refused it is not cloned in vain
        no_contents = {r for r, (parts, _) in repo_sync.refused.items() if CONTENTS_PART in parts}
        failed: dict[str, list[str]] = {r: [message] for r, message in unread.items()}
        for r, error in repo_sync.pulls_unread.items():
            if r not in unread:  # else what made the rest of it unread says more
                failed[r] = [_not_whole(r, error)]
        for r, missing in repo_sync.pulls_missing.items():
            if r not in unread:
                failed.setdefault(r, []).append(_prs_missing(r, missing))
        for r, (parts, error) in repo_sync.refused.items():
            if r not in unread:
                failed.setdefault(r, []).append(
                    _refused_parts(r, parts, error, git=config.git.mirrors, app=app)
                )
        for r, (parts, error) in repo_sync.failed_parts.items():
            if r not in unread:
                failed.setdefault(r, []).append(_failed_parts(r, parts, error))
        status.repo = None
        tell()
        if config.git.mirrors:
            readable = [r for r in repos if r not in unread and r not in no_contents]
            for r, message in _sync_git(wh, config, org, readable, token, run, status, progress):
                failed.setdefault(r, []).append(message)
        # a final read is done once all of the repo was read, its mirror too: one that failed in
        # part (a part refused, git failing) is read again by the next sync, which completes it
        for repo, marker in finals.items():
            if repo not in failed:
                wh.save_cursor(CursorUpdate(org, repo, FINAL_READ_CURSOR, marker))
        # one line per repo, so a repo counts once in repos_failed
        failures = ["; ".join(messages) for messages in failed.values()]
        wh.drop_old_names(org)
    except BaseException as exc:
        refused = _said(exc, signed_in, config, given_org)
        # a rate limit past --max-wait is a clean stop, anything else a failure
        wh.finish_run(
            run,
            status="stopped" if isinstance(exc, RateLimitStop) else "failed",
            requests=client.requests,
            as_of=client.server_time,
            error=run_error(refused or exc),
            points=client.graphql_points,
        )
        if refused is not None:
            raise refused from None
        raise
    wh.finish_run(
        run,
        status=None,  # until the rebuild is done
        requests=client.requests,
        as_of=client.server_time,
        error="; ".join(failures) or None,
        points=client.graphql_points,
        repos_failed=len(failures),
    )
    _rebuild(wh, config, run)
    wh.end_run(run, "partial" if failures else "ok")
    return SyncResult(
        org,
        len(repos),
        repo_sync.pulls_stored,
        client.requests,
        time.monotonic() - started,
        client.server_time,
        api,
        client.graphql_points,
        _count_pulls(wh, org) - pulls_before,
        repo_sync.pulls_changed,
        tuple(failures),
    )


def _sync_git(
    wh: Warehouse,
    config: Config,
    org: str,
    repos: list[str],
    token: Callable[[], str | None] | None,
    run: int,
    status: SyncProgress,
    progress: Progress,
) -> list[tuple[str, str]]:
    """Bring each repo's mirror up to date and store the default branch's new commits with the
    tip they reach. A repo git cannot mirror is reported and the others go on."""
    collector = GitCollector(config.git.cache_folder(wh.path), config.github.api_url, token or None)
    branches = dict(
        wh.query(
            "select payload ->> 'full_name', payload ->> 'default_branch' from raw_repos "
            "where org = ?",
            [org],
        )
    )
    # a repo renamed on GitHub takes its mirror along (not cloned again); from the table, so a
    # sync that stopped after storing the rename moves it the next time
    renames = wh.query(
        "select old_name, new_name from repo_renames where org = ? and lower(old_name) not in "
        "(select lower(payload ->> 'full_name') from raw_repos where org = ?)",
        [org, org],
    )
    for was, now in renames:
        collector.follow_rename(was, now)
    bases = _base_branches(wh, org, run, branches)
    failures: list[tuple[str, str]] = []  # (repo, what failed)
    status.done = 0
    for repo in repos:
        status.repo = f"{repo} (git)"
        progress(status)
        mined = wh.cursor(org, repo, HISTORY_CURSOR).value
        try:
            mirror = collector.mirror(repo, branches.get(repo))
            wh.store_git_tags(org, repo, tags(mirror))
            new = collector.history_since(mirror, mined)
            # read at every sync (two git calls), so a warehouse from before miner read them
            # has them without waiting for a commit
            members = (
                workspace_manifests(mirror, new.tip) if new.tip else MANIFEST_SCHEMA.empty_table()
            )
            wh.store_git_manifests(org, repo, members)
            # the files at the tip, listed again once it moved (a monorepo's are many), or
            # when none are stored (a warehouse from before miner listed them)
            listed = wh.query(
                "select 1 from raw_git_tree where org = ? and repo = ? limit 1", [org, repo]
            )
            if new.tip != mined or new.replace or not listed:
                wh.store_git_tree(org, repo, tip_files(mirror, new.tip))
            if new.tip != mined or new.replace:
                told = _undated_told(wh, org, repo)
                if new.tip is None:  # an empty repository: no CODEOWNERS either
                    changes = CODEOWNERS_SCHEMA.empty_table()
                else:
                    changes = codeowners_history(mirror, new.tip, repo, told)
                wh.store_git_codeowners(org, repo, changes)
                _tell_undated(wh, org, repo, changes, told)
                wh.store_git_history(
                    org,
                    repo,
                    new.chunks,
                    replace=new.replace,
                    cursor=CursorUpdate(org, repo, HISTORY_CURSOR, new.tip),
                    run_id=run,
                )
            for message in _mine_base_branches(wh, org, repo, mirror, bases.get(repo, [])):
                failures.append((repo, scrub(message, collector.token()).strip()))
        except GitMirrorError as exc:
            failures.append((repo, str(exc)))
        except (git.GitCommandError, OSError) as exc:  # reading the mirror, not fetching it
            words = scrub(str(exc), collector.token()).strip()
            failures.append((repo, f"{repo}: git failed on its mirror: {words}"))
        except (MinerError, MemoryError):
            raise  # GitHub (renewing the token), a rate limit, the machine: not this repo's
        except duckdb.Error as exc:
            if not isinstance(exc, duckdb.DataError):
                raise  # the warehouse itself (a full disk, Ctrl-C): no other repo would do better
            failures.append((repo, _unexpected_git_failure(repo, exc, collector.token())))
        except Exception as exc:
            # something in this repo's history miner cannot read (a commit no tool wrote, a
            # bug): what was stored of it stays, its cursors unmoved, and the next sync tries
            # again; the other repos go on
            failures.append((repo, _unexpected_git_failure(repo, exc, collector.token())))
        finally:
            status.done += 1
    status.repo = None
    progress(status)
    return failures


def _unexpected_git_failure(repo: str, exc: Exception, token: str | None) -> str:
    """The failure line of a repo whose git step raised what miner did not expect. Its
    traceback goes to the log (stderr) first, so the bug behind it can be reported."""
    trace = "".join(traceback.format_exception(exc)).rstrip()
    _log.error("%s: the error in its git step, for a bug report:\n%s", repo, scrub(trace, token))
    words = scrub(str(exc), token).strip().splitlines()
    return (
        f"{repo}: miner could not read its git mirror ({type(exc).__name__}: "
        f"{words[0] if words else 'no message'}); the next sync tries again (traceback above)"
    )


def _base_branches(
    wh: Warehouse, org: str, run: int, defaults: dict[str, str]
) -> dict[str, list[str]]:
    """Per repo, the branches other than its default one (`defaults`) that its PRs are based
    on: those the last rebuild knows (pull_requests), and those of the PRs this run stored.
    Only a first sync, before any rebuild, reads every PR payload."""
    built = wh.has_table("pull_requests")
    known = "select repo, base_ref from pull_requests where org = $1 union all " if built else ""
    stored = "sync_run = $2" if built else "$2 = $2"
    rows = wh.query(
        f"""
        select distinct repo, base_ref from (
            {known}select repo, payload -> 'base' ->> 'ref' from raw_pulls
            where org = $1 and {stored}
        ) as bases(repo, base_ref)
        order by all
        """,
        [org, run],
    )
    out: dict[str, list[str]] = {}
    for repo, branch in rows:
        default = defaults.get(repo)  # None: an empty repo, with no branch to mine
        if branch is not None and default is not None and branch != default:
            out.setdefault(repo, []).append(branch)
    return out


def _mine_base_branches(
    wh: Warehouse, org: str, repo: str, mirror: git.Repo, branches: list[str]
) -> list[str]:
    """Mine the CODEOWNERS history of each branch in `branches` the mirror has, when its tip
    moved since it was last mined. A branch deleted since keeps what was mined of it (its PRs
    are still judged by it); one never mined leaves its PRs to the default branch's file. What
    git could not read of a branch, one message each: the other branches go on."""
    if not branches:
        return []
    tips = branch_tips(mirror)
    failures: list[str] = []
    for branch in branches:
        tip = tips.get(branch)
        resource = BRANCH_CODEOWNERS_CURSOR + branch
        if tip is None or wh.cursor(org, repo, resource).value == tip:
            continue
        try:
            told = _undated_told(wh, org, repo)
            changes = codeowners_history(mirror, tip, f"{repo} ({branch})", told)
        except git.GitCommandError as exc:
            failures.append(f"{repo}: git could not read the CODEOWNERS of {branch!r}: {exc}")
            continue
        wh.store_git_codeowners(org, repo, changes, branch, CursorUpdate(org, repo, resource, tip))
        _tell_undated(wh, org, repo, changes, told)
    return failures


def _undated_told(wh: Warehouse, org: str, repo: str) -> set[str]:
    """The CODEOWNERS commits of a repo (along any branch) git cannot date whose warning a sync
    showed: the syncs after it, which read the history again, need not repeat it."""
    told = wh.cursor(org, repo, UNDATED_TOLD_CURSOR).value
    return set(told.split()) if told else set()


def _tell_undated(wh: Warehouse, org: str, repo: str, changes: pa.Table, told: set[str]) -> None:
    """Keep the undated commits of `changes` as told, where codeowners_history's warning of them
    was shown: under --quiet it was not, and the next sync that shows warnings says it."""
    if not logging.getLogger(codeowners_history.__module__).isEnabledFor(logging.WARNING):
        return
    undated = {
        sha
        for sha, at in zip(
            changes.column("sha").to_pylist(),
            changes.column("committed_at").to_pylist(),
            strict=True,
        )
        if at is None
    }
    if not undated <= told:
        value = " ".join(sorted(told | undated))
        wh.save_cursor(CursorUpdate(org, repo, UNDATED_TOLD_CURSOR, value))


def _respelled(
    wh: Warehouse, run: int, login: str, status: SyncProgress, was: _RepoSync
) -> tuple[str, _RepoSync]:
    """The first sync of an org the config spells otherwise than GitHub does (ACME for acme):
    its rows are keyed by GitHub's login from the start, as its repos' full names are."""
    wh.rename_run_org(run, login)
    status.org = login
    return login, _RepoSync(wh, login, was.client, run, was.tell, was.since)


def _team_slugs(wh: Warehouse, org: str, lists: list[RawBatch]) -> list[str]:
    """The org's teams by slug: as this run listed them, else (the listing unchanged since the
    last run: 304, no batch) as stored."""
    listed = [b for b in lists if b.resource == "teams"]
    if listed:
        return sorted(json.loads(i.payload)["slug"] for b in listed for i in b.items)
    rows = wh.query("select payload ->> 'slug' from raw_teams where org = ? order by 1", [org])
    return [r[0] for r in rows]


def _count_pulls(wh: Warehouse, org: str) -> int:
    return int(wh.query("select count(*) from raw_pulls where org = ?", [org])[0][0])


def selected_repos(
    wh: Warehouse, config: Config, org: str, finals: Collection[str] = ()
) -> list[str]:
    """The org's repos a sync collects ([github] include, exclude, archived, forks), by name.
    An include glob that matches none of the org's repos is warned of (a typo would
    otherwise give an empty sync and no word); include globs none of which matches any is a
    config error: nothing would be synced. Settings that leave out every repo of the org
    (none of them archived repos read once more, `finals`) are warned of, with what each
    leaves out: no error, as an org whose repos are all archived is nothing to fix."""
    rows = wh.query(
        """
        select payload ->> 'full_name',
            coalesce((payload ->> 'archived')::boolean, false),
            coalesce((payload ->> 'fork')::boolean, false)
        from raw_repos where org = ? order by 1
        """,
        [org],
    )
    names = [name for name, _, _ in rows]
    unmatched = config.github.unmatched_includes(names)
    said = config.github.unmatched_said(org, names)
    if said and names and len(unmatched) == len(config.github.include):
        # nothing to sync: an error, so a cron's --quiet sync says it (a warning it would not)
        raise ConfigError(
            f"{config.source or 'the config'}: [github] include {said}: nothing to sync"
        )
    if said:
        _log.warning("[github] include %s", said)
    none_said = config.github.none_selected_said(org, [(n, a, f) for n, a, f in rows])
    if none_said and not finals:
        _log.warning("%s", none_said)
    return [
        name for name, archived, fork in rows
        if config.github.selects(name, archived=archived, fork=fork)
    ]  # fmt: skip


# The cursor holding what said a repo was archived (GraphQL's archivedAt, else REST's updated_at)
# when it was last read in full: its final read (see final_reads).
FINAL_READ_CURSOR = "archived/read"


def final_reads(wh: Warehouse, config: Config, org: str) -> dict[str, str]:
    """The repos archived since a sync last read them, which [github] leaves out for being
    archived: each is read once more, so what happened between that sync and the archiving (a
    PR opened, reviewed, merged; the close of every open PR) is not lost, even in a repo that
    had no PR then; nothing happens there after it. One read back only to a later date than
    [github] since now says (moved earlier since: HISTORY_SINCE) is read once more too, back
    to it, as every other repo is.
    By name, with what says when it was archived, saved as FINAL_READ_CURSOR once read."""
    rows = wh.query(
        """
        with listed as (
            select payload ->> 'full_name' as repo,
                coalesce((payload ->> 'fork')::boolean, false) as fork,
                coalesce(payload ->> 'archived_at', payload ->> 'updated_at', 'archived') as marker
            from raw_repos
            where org = $1 and coalesce((payload ->> 'archived')::boolean, false)
        )
        select l.repo, l.fork, l.marker
        from listed as l
        left join cursors as c on c.org = $1 and c.repo = l.repo and c.resource = $2
        left join cursors as h on h.org = $1 and h.repo = l.repo and h.resource = $3
        where (c.value is distinct from l.marker
               -- read back to a later date than since now says (reach_back)
               or (h.value <> $4 and ($5::varchar is null or h.value > $5)))
          -- read by a sync before (each leaves cursors), PRs or none
          and l.repo in (select repo from cursors where org = $1 and resource <> $2
                         union select repo from raw_pulls where org = $1)
        order by 1
        """,
        [org, FINAL_READ_CURSOR, HISTORY_SINCE, WHOLE_HISTORY, config.github.since_time],
    )
    gh = config.github  # with [github] archived = true, an archived repo is read at every sync
    return {
        repo: marker for repo, fork, marker in rows
        if not gh.archived and gh.selects(repo, archived=False, fork=fork)
    }  # fmt: skip


class _RepoSync:
    """Brings one repo at a time up to date, every batch stored with its cursors."""

    def __init__(
        self,
        wh: Warehouse,
        org: str,
        client: GitHubClient,
        run: int,
        tell: Callable[[], None],
        since: str | None = None,
    ) -> None:
        self.wh, self.org, self.client, self.run, self.tell = wh, org, client, run, tell
        self.since = since
        # each reads the repo being read back to its HISTORY_SINCE, set by reach_back
        self.rest = GitHubCollector(client, org)
        self.pulls = GraphQLPullCollector(client, org)
        self.contents = GraphQLRepoCollector(client, org)
        self.pulls_stored = 0
        self.pulls_changed = 0
        # parts of a repo the token may not read (its workflow runs, say; the rest synced),
        # with the first refusal's error
        self.refused: dict[str, tuple[list[str], str]] = {}
        # repos whose PRs GitHub answered with errors (a page it gave up on even at its
        # lightest, say): the rest of the repo synced, its PRs are read again next sync
        self.pulls_unread: dict[str, str] = {}
        # PRs whose details GitHub failed on, by repo, each with GitHub's words: stored as
        # listed, the rest of the repo synced, each asked for again next sync
        self.pulls_missing: dict[str, list[tuple[int, str]]] = {}
        # parts of a repo GitHub kept failing on (a 5xx past its retries) while it answered
        # the rest, with the first failure's words: the rest synced, each asked again next sync
        self.failed_parts: dict[str, tuple[list[str], str]] = {}
        # repos GitHub kept failing on while it answered (a part of one, or its PR details in
        # a row), with what it said first: a few in a row are GitHub failing (FAILING_IN_A_ROW)
        self.kept_failing: dict[str, str] = {}

    def _changed(self, batch: RawBatch) -> int:
        """How many of a batch's PRs are new, or differ from the stored ones in updated_at."""
        if batch.resource != "pulls" or not batch.items:
            return 0
        items = {i.key: i for i in batch.items}
        stored = dict(
            self.wh.query(
                "select key, payload ->> 'updated_at' from raw_pulls "
                "where org = ? and list_contains(?, key)",
                [self.org, list(items)],
            )
        )
        return sum(
            1
            for key, item in items.items()
            if key not in stored or stored[key] != json.loads(item.payload).get("updated_at")
        )

    def cursor(self, repo: str, resource: str) -> tuple[str | None, str | None]:
        c = self.wh.cursor(self.org, repo, resource)
        return c.value, c.etag

    def reach_back(self, repo: str) -> None:
        """Bring the repo's history back to `since` ([github] since; None: its whole history):
        when it reaches further back than the repo was read to (HISTORY_SINCE; a repo read
        before without it, by an older miner, was read whole), its listings' marks are
        cleared, in one transaction with the new reach, so this sync lists its PRs, workflow
        runs and deployments back to it (what was stored is kept). A later `since` changes
        nothing: what was stored stays, and the repo is read as far back as it was (its
        listings bound by that reach, not `since`), so what changed before the later `since`
        since the last sync (a PR merged) is read too, rather than left stale for good under a
        reach that says it is whole."""
        wanted = self.since or WHOLE_HISTORY
        read_to = self._value(repo, HISTORY_SINCE)
        if read_to is None:
            # a listing's mark, not any cursor: `miner import` stores the files' cursors of a
            # repo whose listings no sync has read yet
            if self.wh.query(
                "select count(*) from cursors where org = ? and repo = ? "
                "and list_contains(?, resource)",
                [self.org, repo, list(_READ_MARKS)],
            )[0][0]:
                self._reading_back_to(WHOLE_HISTORY)
                return  # read before, whole, by a miner without `since`
        elif read_to == WHOLE_HISTORY or (wanted != WHOLE_HISTORY and wanted >= read_to):
            self._reading_back_to(read_to)
            return
        marks = [
            CursorUpdate(self.org, repo, mark, None) for mark in _READ_MARKS
        ] if read_to is not None else []  # fmt: skip
        reach = CursorUpdate(self.org, repo, HISTORY_SINCE, wanted)
        self.wh.store(RawBatch("pulls", self.org, repo, [], cursors=[*marks, reach]), self.run)
        self._reading_back_to(wanted)

    def _reading_back_to(self, reach: str) -> None:
        """The repo about to be read is read back to `reach` (its HISTORY_SINCE), by each
        collector; no later than `since`, as a repo read further back before stays so."""
        back_to = None if reach == WHOLE_HISTORY else reach
        self.rest.since = self.pulls.since = self.contents.since = back_to

    def rest_repo(self, repo: str) -> None:
        self.reach_back(repo)
        try:
            for batch in self.rest.pull_batches(repo, self.cursor):
                self.pulls_changed += self._changed(batch)
                self.wh.store(batch, self.run)
                self.pulls_stored += len(batch.items)
                self.tell()
        except GitHubError as exc:
            # a listing GitHub keeps failing keeps the repo's files, deployments and runs from
            # syncing no more than a GraphQL page of PRs does (graphql_repo); a refusal or a
            # repo gone (failed_alone: no) is the repo's, which sync() says is not readable
            if not self.failed_alone(exc):
                raise
            self._pulls_failed(repo, _alone(exc))
        self._pending_details(repo)
        files = self.rest.file_batches(repo, self._files_read(repo), self.cursor)
        if self._part(repo, CONTENTS_PART, files):
            self._sbom(repo)
        self._part(repo, "deployments", self._rest_deployments(repo))
        runs = self.rest.run_batches(repo, self.cursor, self._unfinished_runs(repo))
        if self._part(repo, "workflow runs", runs):
            self._run_attempts(repo)

    def _rest_deployments(self, repo: str) -> Iterator[RawBatch]:
        """The repo's deployments through REST, taking up a reading of the list a sync before
        stopped partway (DEPLOYMENTS_LISTING): what it stored since is not asked again."""
        listing = self._value(repo, DEPLOYMENTS_LISTING)
        stored: dict[str, str] = {}
        if listing is not None:
            rows = self.wh.query(
                "select payload ->> 'id', payload ->> 'updated_at' from raw_deployments "
                "where org = ? and repo = ? and sync_run >= ?",
                [self.org, repo, int(listing)],
            )
            stored = dict(rows)
        return self.rest.deployment_batches(repo, self.cursor, listing or str(self.run), stored)

    def graphql_repo(self, marks: RepoMarks) -> None:
        """Only what the snapshot shows changed: an unchanged repo costs no request."""
        repo = marks.repo
        self.reach_back(repo)
        pulls_changed = self._pulls_changed(marks)
        if pulls_changed:
            # the runs are due now, and stay due until read: a sync stopped after storing the
            # PRs (which moves their marks) leaves the next sync to read them
            self._save(repo, RUNS_CHECKED, None)
            checked = self.client.server_time
            try:
                for group in transactions(self.pulls.pull_batches(repo, self.cursor)):
                    self.pulls_changed += sum(self._changed(b) for b in group)
                    self.wh.store_all(group, self.run)
                    stored = sum(len(b.items) for b in group if b.resource == "pulls")
                    self.pulls_stored += stored
                    self.tell()
            except GitHubError as exc:
                if exc.status in (403, 404, 451):
                    raise  # the repo, not its PRs: sync() says it is not readable
                # a page of PRs GitHub will not answer whole (or keeps failing while it answers
                # the rest) must not keep the repo's files, deployments, runs and history from
                # syncing night after night
                if isinstance(exc, GraphQLAnswerError):
                    self.pulls_unread[repo] = str(exc)
                elif self.failed_alone(exc):
                    self._pulls_failed(repo, _alone(exc))
                else:
                    raise
            else:
                if checked is not None:
                    self._save(repo, PULLS_CHECKED, f"{checked:%Y-%m-%dT%H:%M:%SZ}")
        self._pending_details(repo)
        if marks.contents_refused is not None:
            # the files GitHub would not show are not gone: what was stored of them stays
            self._refuse(repo, CONTENTS_PART, marks.contents_refused)
        else:
            fetch, drop = file_changes(marks.files, self._files_read(repo))
            files = self.contents.file_batches(repo, fetch, drop) if fetch or drop else ()
            if self._part(repo, CONTENTS_PART, files):
                self._sbom(repo)
        if marks.deployments_refused is not None:
            # as REST's 403 for them: said with the permission, what was stored stays, and the
            # next sync asks again (DEPLOYMENTS would be refused as the snapshot was)
            self._refuse(repo, "deployments", marks.deployments_refused)
        elif marks.deployments is not None and (
            marks.deployments != self._value(repo, DEPLOYMENTS_MARK)
            or self._deployments_unseen(repo)
        ):
            self._part(
                repo,
                "deployments",
                self.contents.deployment_batches(repo, self.cursor, marks.deployments),
            )
        unfinished = self._unfinished_runs(repo)
        if pulls_changed or self._runs_due(repo, marks, unfinished):
            runs = self.rest.run_batches(repo, self.cursor, unfinished)
            if not self._part(repo, "workflow runs", runs):
                return  # asked again next sync
            self._save(repo, PUSHED_AT, marks.pushed_at)
            now = self.client.server_time
            self._save(repo, RUNS_CHECKED, f"{now:%Y-%m-%dT%H:%M:%SZ}" if now else None)
        self._run_attempts(repo)

    def _runs_due(self, repo: str, marks: RepoMarks, unfinished: list[str]) -> bool:
        """Whether a repo's workflow runs are looked at again though no PR changed: a push
        since (new runs), a run stored unfinished, or a week since the last look (a scheduled
        or manual run, or a re-run, changes no mark the snapshot shows)."""
        if marks.pushed_at != self._value(repo, PUSHED_AT) or unfinished:
            return True
        checked, now = self._value(repo, RUNS_CHECKED), self.client.server_time
        return checked is None or now is None or parse_time(checked) + RUNS_RECHECK < now

    def _deployments_unseen(self, repo: str) -> bool:
        """Whether the repo stores more deployments inside the window a sync reads again than
        the snapshot shows (its newest SNAPSHOT_DEPLOYMENTS): a new status on one of the others
        moves no mark, so they are read again every sync, as REST reads them."""
        floor = refresh_floor(self._value(repo, "deployments"), self.contents.since)
        if floor is None:
            return False
        ((count,),) = self.wh.query(
            "select count(*) from raw_deployments where org = ? and repo = ? "
            "and payload ->> 'created_at' >= ?",
            [self.org, repo, floor],
        )
        return bool(count > SNAPSHOT_DEPLOYMENTS)

    def _pulls_changed(self, marks: RepoMarks) -> bool:
        """Whether the repo's PRs may have changed since they were last read: its newest PR is
        newer than the high-water mark, or as new and read no later than that same second
        (a PR edited again within it after the read would look the same)."""
        newest = marks.newest_pull
        high_water = self.cursor(marks.repo, "pulls")[0]
        if newest is None or (high_water is not None and newest < high_water):
            return False
        if high_water is None or newest > high_water:
            return True
        checked = self.cursor(marks.repo, PULLS_CHECKED)[0]
        return checked is None or checked <= high_water

    def _pending_details(self, repo: str) -> None:
        """Read the details of the PRs stored without them (from a REST listing, by a sync
        stopped before their details, or one GitHub's GraphQL API would not give them of). A
        PR GitHub fails on while it answers the rest is named (pulls_missing) and left pending,
        so the next sync asks for it alone again; the repo's other PRs go on. FAILING_IN_A_ROW
        PRs in a row failing are GitHub failing the repo's PR details: the rest are left
        pending too, the repo named (pulls_unread), and its other parts go on."""
        self._store_groups(self._detail_batches(repo, pending_pulls(self.wh, self.org, repo)))

    def _detail_batches(self, repo: str, pending: list[PendingPull]) -> Iterator[RawBatch]:
        streak: list[tuple[int, str]] = []  # the PRs GitHub failed on since one it answered
        for i, pull in enumerate(pending):
            try:
                batches = self.rest.pull_detail_batches(pull)
            except GitHubError as exc:
                # the token refused, the repo gone (a PR gone alone is no error), a rate limit,
                # or GitHub failing every request (an outage): the PR is not what failed
                if not self.failed_alone(exc):
                    raise
                streak.append((pull.number, _alone(exc)))
                if len(streak) < FAILING_IN_A_ROW:
                    continue
                # GitHub fails the repo's PR details, not each PR: the rest are left pending
                # for the next run rather than each PR's retries (minutes) taken in vain
                left = len(pending) - i + len(streak) - 1
                said = (
                    f"GitHub failed the details of {FAILING_IN_A_ROW} PRs in a row "
                    f"({_alone(exc)}); those of {counted(left, 'PR')} are asked next run"
                )
                self._pulls_failed(repo, said)
                return
            self._name_missing(repo, streak)
            streak = []
            yield from batches
        self._name_missing(repo, streak)

    def _name_missing(self, repo: str, failed: list[tuple[int, str]]) -> None:
        """PRs GitHub failed the details of, each alone (pulls_missing)."""
        if failed:
            self.pulls_missing.setdefault(repo, []).extend(failed)

    def _sbom(self, repo: str) -> None:
        """GitHub's dependency graph as an SBOM, a further source of what the repo consumes:
        asked once its manifests are known and again only when one of them changes, so a
        nightly sync of an unchanged repo costs nothing more."""
        manifests = sorted((p, s) for p, s in self._stored_files(repo).items() if is_manifest(p))
        mark = ";".join(f"{path}@{sha}" for path, sha in manifests)
        stored = self._value(repo, SBOM_MARK)
        if stored == mark or (not manifests and stored is None):
            return
        if not manifests:  # the repo dropped its manifests: its SBOM goes too
            self.wh.store(sbom_batch(self.org, repo, None, mark), self.run)
            return
        batch = self.rest.sbom_batch(repo, mark)
        if batch is not None:
            self.wh.store(batch, self.run)

    def _stored_files(self, repo: str) -> dict[str, str | None]:
        rows = self.wh.query(
            "select substr(resource, ?), value from cursors "
            "where org = ? and repo = ? and starts_with(resource, ?)",
            [len(CONTENTS_PREFIX) + 1, self.org, repo, CONTENTS_PREFIX],
        )
        return {path: value for path, value in rows}

    def _files_read(self, repo: str) -> dict[str, str | None]:
        """The stored files' shas, as a sync compares them with GitHub's; a file stored without
        the text GitHub has of it says "" instead, so it is fetched again. Such are the files
        an earlier miner stored of a big file as the contents API answered it (over 1 MB:
        "encoding": "none" and no content) or as GraphQL's Blob.text cut it (no content),
        before it fetched the git blob for their text."""
        files = self._stored_files(repo)
        unread = self.wh.query(
            "select parent from raw_contents where org = ? and repo = ? "
            "and coalesce(payload ->> 'content', '') = '' and (payload ->> 'encoding' = 'none' "
            "or try_cast(payload ->> 'size' as bigint) > ?)",
            [self.org, repo, BLOB_TEXT_LIMIT],
        )
        return {**files, **{path: "" for (path,) in unread if path in files}}

    def _unfinished_runs(self, repo: str) -> list[str]:
        """The keys of the repo's workflow runs stored unfinished."""
        rows = self.wh.query(
            "select key from raw_workflow_runs where org = ? and repo = ? "
            "and payload ->> 'status' <> 'completed'",
            [self.org, repo],
        )
        return [r[0] for r in rows]

    def _run_attempts(self, repo: str) -> None:
        """Fetch the earlier attempts of the repo's re-run workflow runs not stored yet (nor
        answered 404 before). Only the runs stored since the last sync that asked for all its
        runs' attempts are looked at (ATTEMPTS_CHECKED, the sync_run of the newest runs it
        checked; all of them in a warehouse without it, from an older miner): a run listed
        again, a re-run's new attempt among them, is stored again by its sync, so a nightly
        sync reads the payloads of its new runs alone, not the repo's whole CI history, and
        one that stored none asks nothing. The cursor moves with the last attempts once each
        was stored or noted gone: one GitHub failed on (_attempt_batches), a refusal (403), an
        outage or a rate limit leaves it, and the next sync looks at those runs again, asking
        for those not stored (a refusal or a rate limit keeps the ones read before it: each
        attempt is stored alone, under its own key, and says nothing of the others). An earlier
        attempt is over whatever status GitHub gave it (only a completed run is re-run):
        asking again would get the same answer."""
        checked = self._value(repo, ATTEMPTS_CHECKED)
        since = int(checked) if checked is not None else 0  # sync run ids start at 1
        ((newest,),) = self.wh.query(
            "select max(sync_run) from raw_workflow_runs where org = ? and repo = ? "
            "and sync_run > ?",
            [self.org, repo, since],
        )
        if newest is None:
            return  # no run stored since the last look
        wanted = self.wh.query(
            """
            with reruns as (
                select payload ->> 'id' as run_id,
                    unnest(range(1, try_cast(payload ->> 'run_attempt' as integer))) as number
                from raw_workflow_runs
                where org = $1 and repo = $2 and sync_run > $4
                  and try_cast(payload ->> 'run_attempt' as integer) > 1
            )
            select run_id, number from reruns
            where $2 || '/' || run_id || '/attempts/' || number not in (
                    select key from raw_workflow_run_attempts where org = $1 and repo = $2)
              and $3 || run_id || '/' || number not in (
                    select resource from cursors where org = $1 and repo = $2)
            order by run_id, number
            """,
            [self.org, repo, ATTEMPT_GONE_PREFIX, since],
        )
        done = CursorUpdate(self.org, repo, ATTEMPTS_CHECKED, str(newest))
        attempts = self._attempt_batches(repo, [(str(r), int(n)) for r, n in wanted], done)
        self._part(repo, "workflow runs", attempts, each_whole=True)

    def _attempt_batches(
        self, repo: str, wanted: list[tuple[str, int]], done: CursorUpdate
    ) -> Iterator[RawBatch]:
        """Each wanted attempt (run id, number), whole alone, and `done` last, once every one
        was stored or noted gone. An attempt GitHub fails on while it answers the rest is left
        for the next run and the repo's workflow runs named (the run is partial);
        FAILING_IN_A_ROW in a row are GitHub failing the repo's attempts, not each: the rest
        are left too, rather than each attempt's retries (minutes) taken in vain."""
        missed: list[str] = []  # what GitHub said of each attempt it failed on
        streak = 0  # attempts failed on since the last GitHub answered
        for i, (run_id, number) in enumerate(wanted):
            try:
                batch = self.rest.attempt_batch(repo, run_id, number)
            except GitHubError as exc:
                # a refusal, a rate limit or GitHub failing every request (an outage): for
                # _part to say, as for any part
                if not self.failed_alone(exc):
                    raise
                missed.append(_alone(exc))
                streak += 1
                if streak == FAILING_IN_A_ROW:
                    self._failed_part(
                        repo,
                        "workflow runs",
                        f"{FAILING_IN_A_ROW} earlier attempts of re-run runs in a row, the last: "
                        f"{missed[-1]}; {counted(len(wanted) - i - 1, 'more attempt')} asked "
                        "next run",
                    )
                    return
                continue
            streak = 0
            yield batch
        if missed:
            which = f"{len(missed)} earlier attempts of re-run runs, the first: {missed[0]}"
            self._failed_part(
                repo, "workflow runs", missed[0] if len(missed) == 1 else which, in_a_row=False
            )
            return
        yield RawBatch("workflow_run_attempts", self.org, repo, [], cursors=[done])

    def _part(
        self, repo: str, what: str, batches: Iterable[RawBatch], *, each_whole: bool = False
    ) -> bool:
        """Store one part of a repo; whether it could be read. A part the token is refused
        (403: a fine-grained token without Actions, Deployments or Contents permission), or
        GitHub keeps failing on while it answers the rest (failed_alone), is told once per
        sync, with the rest of the repo synced, and the run is partial; with `each_whole` (see
        transactions) what was read of it before a refusal or a failure is stored."""
        try:
            self._store_groups(batches, each_whole=each_whole)
        except GitHubError as exc:
            if exc.refused:
                self._refuse(repo, what, str(exc))
            elif self.failed_alone(exc):
                self._failed_part(repo, what, _alone(exc))
            else:
                raise
            return False
        return True

    def _failed_part(self, repo: str, what: str, error: str, *, in_a_row: bool = True) -> None:
        """A part of a repo GitHub kept failing on while it answers (failed_alone): named, and
        (`in_a_row`: the part, not one request of it) counted toward the repos in a row it
        fails."""
        self.failed_parts.setdefault(repo, ([], error))[0].append(what)
        if in_a_row:
            self.kept_failing.setdefault(repo, f"{repo}: {what}: {error}")

    def _pulls_failed(self, repo: str, error: str) -> None:
        """GitHub kept failing the repo's PRs (their listing, or the details of a few in a row)
        while it answers: named, and counted toward the repos in a row it fails."""
        self.pulls_unread.setdefault(repo, error)
        self.kept_failing.setdefault(repo, f"{repo}: its PRs: {error}")

    def failed_alone(self, exc: GitHubError) -> bool:
        """Whether GitHub failing a request (`exc`: a 5xx past its retries, an answer cut short
        again and again, a 4xx of that request's own) failed that request alone: GitHub still
        answers (GET /rate_limit, which costs no budget, and for a GraphQL query the lightest
        query: its GraphQL API may be down while REST answers). A bad token (401), a repo gone
        (404, 410) or blocked (451), a refusal or a rate limit is not the request's own."""
        if exc.status in (401, 403, 404, 410, 429, 451) or "rate limit" in str(exc).lower():
            return False
        return self.client.answers(rest=True) and (not exc.of_graphql or self.client.answers())

    def _refuse(self, repo: str, what: str, error: str) -> None:
        self.refused.setdefault(repo, ([], error))[0].append(what)

    def _store_groups(self, batches: Iterable[RawBatch], *, each_whole: bool = False) -> None:
        for group in transactions(batches, each_whole=each_whole):
            self.wh.store_all(group, self.run)

    def _value(self, repo: str, resource: str) -> str | None:
        return self.cursor(repo, resource)[0]

    def _save(self, repo: str, resource: str, value: str | None) -> None:
        self.wh.save_cursor(CursorUpdate(self.org, repo, resource, value))


# Repos in a row GitHub fails on (a whole repo, or a part of it) while it answers GET
# /rate_limit before the run fails: GitHub failing them all (an API degraded, not down), not
# each repo, which would take every repo's retries (minutes each) to say.
FAILING_IN_A_ROW = 3
# The part of a repo read from its default branch's files, which GitHub's Contents permission
# guards (as it guards git); the permission each refusable part needs of a fine-grained token
# or a GitHub App.
CONTENTS_PART = "CODEOWNERS and manifests"
_PERMISSIONS = {"deployments": "Deployments", "workflow runs": "Actions", CONTENTS_PART: "Contents"}


def _alone(exc: GitHubError) -> str:
    """What GitHub said of a request it failed alone (failed_alone): without what a run it
    stopped would add (RUN_STOPPED), as the run goes on."""
    return str(exc).replace(RUN_STOPPED, "")


def _not_whole(repo: str, error: str) -> str:
    """The one line of a repo GitHub answered with errors: what was read of it is stored."""
    return f"{repo}: not synced whole, the next run tries again: {error}"


def _named(parts: list[str], *, git: bool = False) -> list[str]:
    """The parts of a repo in a user's words (`git`: with its mirror, which Contents guards)."""
    contents = ["CODEOWNERS", "manifests", *(["git history"] if git else [])]
    return [word for p in parts for word in (contents if p == CONTENTS_PART else [p])]


def _failed_parts(repo: str, parts: list[str], error: str) -> str:
    """The one line of a repo some parts of which GitHub kept failing on."""
    return (
        f"{repo}: {spoken_list(_named(parts))} not synced whole (GitHub kept failing: "
        f"{error}); the rest of the repo synced, the next run asks again"
    )


def _prs_missing(repo: str, missing: list[tuple[int, str]]) -> str:
    """The one line of a repo some PRs of which GitHub failed on: which, and what it said of the
    first."""
    numbers = ", ".join(f"#{number}" for number, _ in missing)
    which = f"PR {numbers}" if len(missing) == 1 else f"PRs {numbers}"
    return (
        f"{repo}: {which} not synced whole (GitHub failed on its reviews, timeline, files or "
        f"commits: {missing[0][1]}); the rest of the repo synced, the next run asks again"
    )


def _by(*, app: bool) -> str:
    """Who GitHub refused: a token, or a GitHub App's installation (whose permissions are set on
    the app and accepted on the installation, not a token's to grant)."""
    return "by the GitHub App's installation" if app else "with this token"


def _refused_parts(repo: str, parts: list[str], error: str, *, git: bool, app: bool) -> str:
    """The one line of a repo some parts of which GitHub refused (`git`: its mirror was not made
    for want of Contents; `app`: a GitHub App's installation was refused, not a token)."""
    named = _named(parts, git=git)
    needed = spoken_list(sorted({_PERMISSIONS[p] for p in parts}))
    where = " (set in the app's settings, accepted by an org owner on its installation)"
    return (
        f"{repo}: {spoken_list(named)} not readable {_by(app=app)}, which needs read access to "
        f"{needed}{where if app else ''} ({error}); the rest of the repo synced"
    )


# Cursors of the GraphQL path's marks: when a repo's PRs were last read (the server's clock),
# the repo's pushedAt when its workflow runs were last read, and when that was.
PULLS_CHECKED = "pulls/checked"
PUSHED_AT = "pushed_at"
RUNS_CHECKED = "workflow_runs/checked"
# The marks a read of a repo's listings leaves (a sync's, not an import's), cleared by
# reach_back when `since` reaches further back than the repo was read (HISTORY_SINCE).
_READ_MARKS = (
    "pulls", "workflow_runs", "deployments", DEPLOYMENTS_MARK, PULLS_CHECKED, PUSHED_AT,
    RUNS_CHECKED,
)  # fmt: skip
# The sync_run of the newest workflow runs of a repo whose earlier attempts were all asked for.
ATTEMPTS_CHECKED = "workflow_runs/attempts_checked"
# The longest a repo's workflow runs go unread on the GraphQL path when nothing else moved.
RUNS_RECHECK = timedelta(days=7)


def pending_pulls(wh: Warehouse, org: str, repo: str) -> list[PendingPull]:
    """PRs stored from a listing whose details were never stored for that updated_at, or were
    read through REST no later than the second of that updated_at (a change later within that
    second leaves updated_at as it was: the details are read again once the second is past)."""
    # The two fields are taken out of the payloads before the join, so the join never holds
    # whole payloads (a repo's REST payloads outgrow the warehouse's memory limit).
    rows = wh.query(
        """
        with pulls as materialized (
            select payload ->> 'number' as number, payload ->> 'updated_at' as updated_at
            from raw_pulls
            where org = ? and repo = ?
        )
        select p.number, p.updated_at
        from pulls as p
        left join cursors as c
            on c.org = ? and c.repo = ?
            and c.resource = ? || p.number  -- details_resource(number)
        where c.value is distinct from p.updated_at
            or c.etag <= p.updated_at  -- read at (collect_github.pull_detail_batches)
        order by p.number::integer
        """,
        [org, repo, org, repo, DETAILS_PREFIX],
    )
    return [PendingPull(repo, int(n), updated) for n, updated in rows]


def _said(
    exc: BaseException, signed_in: Credentials | None, config: Config, given_org: str | None
) -> GitHubError | None:
    """GitHub's 401, saying whose credentials it refused and what to do, or its 404 for the
    org, saying where that org was named (--org or the config's key): the cron user sees this
    line alone. None for any other failure."""
    if not isinstance(exc, GitHubError):
        return None
    if isinstance(exc, OrgNotFound):
        named = (
            f"--org {given_org}"
            if given_org
            else f"{config.source or 'the config'}: [github] org = {config.github.org!r}"
        )
        return exc.named(named)
    if exc.status != 401:
        return None
    if signed_in is None:
        return GitHubError(
            f"{exc}: no token was sent: set one (`miner doctor` says how)", status=401
        )
    return GitHubError(
        f"{exc}: GitHub refused the credentials from {signed_in.source}: renew them "
        "(`miner doctor` checks them)",
        status=401,
    )


def import_mirror(wh: Warehouse, config: Config, folder: Path) -> tuple[str, int]:
    """Fill the raw layer from an API mirror folder (no network), then rebuild."""
    mirror = Mirror(folder)
    org = mirror.org()
    run = wh.start_run("import", org, str(folder))
    stored = 0
    try:
        lists = mirror.org_batches()
        wh.store_all(lists, run)
        stored += sum(len(b.items) for b in lists)
        for group in transactions(mirror.repo_batches()):
            wh.store_all(group, run)
            stored += sum(len(b.items) for b in group)
        as_of = mirror.as_of()
    except BaseException as exc:
        wh.finish_run(run, status="failed", error=run_error(exc))
        raise
    wh.finish_run(run, status=None, as_of=as_of)
    _rebuild(wh, config, run)
    wh.end_run(run, "ok")
    return org, stored


def _rebuild(wh: Warehouse, config: Config, run: int) -> None:
    """Rebuild once the run has recorded what it stored; a rebuild that fails leaves the run
    recorded failed, not ok (what it stored stays, and the next run builds the views)."""
    try:
        rebuild(wh, config)
    except BaseException as exc:
        # a fatal DuckDB error may leave nothing writable: the rebuild's own error goes up
        with contextlib.suppress(Exception):
            wh.fail_run(run, f"rebuild: {run_error(exc)}")
        raise
