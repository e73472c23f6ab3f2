"""`miner doctor`: check the config, the token, its scopes, the rate limit, the org (and its
members and teams), each repo
a sync would read (and its contents, workflow runs and deployments), the warehouse and git, and
say what to fix. The token is never printed."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from miner.config import Config
from miner.errors import GitHubError, MinerError, named_there, spoken_list
from miner.github_auth import credentials
from miner.github_client import GitHubClient, Response
from miner.rate_limits import RateLimiter, RateLimitStop
from miner.warehouse import MIGRATIONS, Warehouse

# What a classic token needs (X-OAuth-Scopes): private repos and the org's members and teams.
NEEDED_SCOPES = (("repo", "read private repos"), ("read:org", "read the org's members and teams"))


@dataclass(frozen=True)
class Check:
    ok: bool
    what: str
    fix: str = ""

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'} {self.what}" + (
            f": {self.fix}" if self.fix else ""
        )


def run(config: Config, db: Path, org: str | None, say: Callable[[str], None]) -> bool:
    """Every check, each told to `say` as it is made; whether all passed."""
    checks: list[Check] = []

    def tell(check: Check) -> None:
        checks.append(check)
        say(check.line())

    where = config.source or "no config file (defaults)"
    tell(Check(True, f"config: {where}"))
    if config.github.since is not None:
        tell(Check(True, f"history since {config.github.since:%Y-%m-%d} ([github] since): PRs "
                   "updated, runs and deployments created before it are not synced"))  # fmt: skip
    org = org or config.github.org
    if not org:
        tell(Check(False, "org", "set [github] org in the config, or pass --org"))
    signed_in = None
    try:
        signed_in = credentials(config, org or "")
    except MinerError as exc:  # a token miner refuses to send, or an app GitHub refuses
        tell(Check(False, "GitHub App" if config.github.app_id is not None else "token", str(exc)))
    else:
        if signed_in is None:
            tell(Check(False, "token", f"set {config.github.token_source()}"))
        elif config.github.app_id is not None:
            tell(Check(True, f"signed in as {signed_in.source}"))
        else:
            tell(Check(True, f"token from {signed_in.source}"))
    client = GitHubClient(
        config.github.api_url,
        None,
        limiter=RateLimiter(max_wait=0),
        auth=signed_in.auth if signed_in else None,
    )
    # an app's permissions are set on the app and accepted on its installation, not on a token
    app = f"GitHub App {config.github.app_id}" if config.github.app_id is not None else None
    try:
        _github(client, org, config, tell, signed_in=signed_in is not None, app=app)
    except RateLimitStop as exc:
        # doctor waits for no reset: the checks left need a budget GitHub says is spent (its
        # RateLimitStop speaks to a sync, of --max-wait and what was stored)
        tell(Check(False, f"GitHub at {config.github.api_url}", exc.spent_said() + (
            ": the checks after this one were not made; run `miner doctor` again after the "
            "reset (a sync waits for it, up to its --max-wait)")))  # fmt: skip
    except MinerError as exc:
        tell(Check(False, f"GitHub at {config.github.api_url}", str(exc)))
    finally:
        client.close()
    _warehouse(db, tell)
    if config.git.mirrors:
        found = shutil.which("git")
        tell(Check(found is not None, "git for [git] mirrors", "" if found else "install git"))
        tell(_mirror_cache(config.git.cache_folder(db)))
    return all(c.ok for c in checks)


def _config_teams(
    client: GitHubClient, org: str, config: Config, tell: Callable[[Check], None]
) -> None:
    """The teams [calendar.teams] and [sla.teams] name: each must be a team of the org on
    GitHub or of [teams], or its calendar or service level is never used (a typo, most likely)."""
    named = {t.lower() for t in (*config.team_calendars, *config.team_sla)}
    if not named:
        return
    known = {t.lower() for t in config.teams}
    known |= {str(t["slug"]).lower() for t in client.get_all(f"/orgs/{org}/teams")}
    unknown = sorted(named - known)
    tell(Check(not unknown, "teams of [calendar.teams] and [sla.teams]",
               f"no team {', '.join(unknown)} in {org} or [teams]: check the spelling "
               f"({named_there('teams', sorted(known))})" if unknown else ""))  # fmt: skip


def _unwritable(folder: Path, *, make: bool = False) -> str | None:
    """Why a file cannot be written in `folder` (made first if `make`), as the OS says it; None
    when one can."""
    try:
        if make:
            folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _mirror_cache(folder: Path) -> Check:
    """Whether git mirrors can be kept in `folder`: made if missing, and written to."""
    why = _unwritable(folder, make=True)
    if why is not None:
        fix = f"{why}: set [git] cache to a folder miner may write"
        return Check(False, f"git mirrors in {folder}", fix)
    return Check(True, f"git mirrors in {folder}")


def _scopes(answer: Response, tell: Callable[[Check], None]) -> None:
    """The scopes a classic token needs, as GitHub says it has them (X-OAuth-Scopes, with each
    answer to one); a fine-grained token has none to say, and nothing is told."""
    scopes = answer.headers.get("x-oauth-scopes")
    if scopes is None:
        return
    have = {s.strip() for s in scopes.split(",") if s.strip()}
    for scope, why in NEEDED_SCOPES:
        # `repo` covers reading; admin:org and write:org include read:org
        ok = scope in have or (scope == "read:org" and have & {"admin:org", "write:org"})
        tell(Check(bool(ok), f"token scope {scope} ({why})",
                   "" if ok else f"add the {scope} scope to the token"))  # fmt: skip


def _github(
    client: GitHubClient,
    org: str | None,
    config: Config,
    tell: Callable[[Check], None],
    *,
    signed_in: bool = True,
    app: str | None = None,
) -> None:
    """GitHub's checks; `app` names the GitHub App miner signs in as (None: a token), whose
    missing permissions are fixed on the app, not on a token."""
    where = f"GitHub at {config.github.api_url}"
    limits: Response | None
    try:
        limits = client.get("/rate_limit")
    except GitHubError as exc:
        if exc.status == 404 and "rate limit" in str(exc).lower():
            # an Enterprise Server with rate limiting off (its default) answers 404 "Rate
            # limiting is not enabled.": GitHub answers, nothing limits a sync, and the token
            # is asked of what it reads below
            tell(Check(True, f"{where}: rate limiting is off there"))
            limits = None
        else:
            if exc.status == 401 and not signed_in:
                fix = "it needs a token (see above)"  # none was sent: the server asks for one
            elif exc.status == 401:
                fix = "the token is refused: make a new one"
            else:
                fix = str(exc)
            tell(Check(False, where, fix))
            return
    else:
        resources = (limits.data or {}).get("resources", {})
        core, graphql = resources.get("core", {}), resources.get("graphql", {})
        tell(Check(True, f"{where}: REST {core.get('remaining')} of {core.get('limit')} requests "
                         f"left, GraphQL {graphql.get('remaining')} of {graphql.get('limit')} "
                         "points"))  # fmt: skip
    if limits is not None:
        _scopes(limits, tell)
    if not org:
        return
    try:
        answer = client.get(f"/orgs/{org}")
    except GitHubError as exc:
        # a 404 is all GitHub says of an org not there or hidden; any other answer says more,
        # in its own words (an org enforcing SAML SSO: authorize the token for it)
        hidden = f"not found, or the token cannot see it ({exc.status})"
        tell(Check(False, f"org {org}", hidden if exc.status == 404 else str(exc)))
        return
    tell(Check(True, f"org {org}"))
    if limits is None:  # no GET /rate_limit answer to say them: the org's says them too
        _scopes(answer, tell)
    refused_people = []
    for part in ("members", "teams"):  # a fine-grained token needs the org's Members permission
        try:
            client.get(f"/orgs/{org}/{part}", {"per_page": 1})
        except GitHubError as exc:
            if not exc.refused:
                raise
            refused_people.append(part)
    if refused_people:
        fix = (
            _app_permissions(app, org, "the organization's Members permission")
            if app
            else "grant the token read access to the organization's Members permission "
            "(a classic token: the read:org scope)"
        )
        tell(Check(False, f"{' and '.join(refused_people)} of {org}", fix))
    else:
        tell(Check(True, f"members and teams of {org}"))
        _config_teams(client, org, config, tell)
    in_org = list(client.get_all(f"/orgs/{org}/repos", {"type": "all"}))
    flags = [(r["full_name"], bool(r.get("archived")), bool(r.get("fork"))) for r in in_org]
    _includes(config, org, [name for name, _, _ in flags], tell)
    none_said = config.github.none_selected_said(org, flags)
    if none_said:
        # FAIL, though a sync only warns of it (an org all archived is nothing to fix): as an
        # include glob matching no repo, which a sync warns of too, a sync that would read
        # nothing is what doctor is run to catch
        tell(Check(False, none_said))
        return
    repos = [
        r for r, (name, archived, fork) in zip(in_org, flags, strict=True)
        if config.github.selects(name, archived=archived, fork=fork)
    ]  # fmt: skip
    unreadable: list[str] = []
    refused: list[tuple[str, str]] = []  # (permission, repo) refused for want of it
    for repo in repos:
        name = repo["full_name"]
        try:
            client.get(f"/repos/{name}/pulls", {"per_page": 1, "state": "all"})
        except GitHubError as exc:
            unreadable.append(f"{name} ({exc.status})")
            continue
        # parts a fine-grained token needs its own permission for: without them a sync is partial
        # (the files at the root: CODEOWNERS, manifests; git mirrors need Contents too). Asked on
        # REST, they stand for GraphQL too: a permission is one for both APIs, and GraphQL
        # refuses the same parts (a repo's deployments, its files) where REST does
        for part, permission in (
            ("contents/", "Contents"),
            ("actions/runs", "Actions"),
            ("deployments", "Deployments"),
        ):
            try:
                client.get(f"/repos/{name}/{part}", {"per_page": 1})
            except GitHubError as exc:
                if exc.status == 404:
                    continue  # nothing there, as a sync reads it (a mirror without the file)
                if exc.status != 403:
                    raise
                refused.append((permission, name))
    if unreadable:
        listed = ", ".join(unreadable)
        fix = (
            f"add {listed} to the repositories of {app}'s installation on {org}, and give the "
            "app read access to Pull requests"
            if app
            else f"grant the token read access to {listed}"
        )
        tell(Check(False, f"{len(repos) - len(unreadable)} of {len(repos)} repos readable", fix))
    else:
        tell(Check(True, f"all {len(repos)} repos a sync reads are readable"))
    if refused:
        which = ", ".join(f"{permission} of {name}" for permission, name in refused)
        if app:  # an app's permission is one for every repo of its installation
            needed = spoken_list(sorted({permission for permission, _ in refused}))
            fix = f"{_app_permissions(app, org, needed)} (refused: {which})"
        else:
            fix = f"grant the token read access to {which}"
        tell(Check(False, "contents, workflow runs and deployments", fix))
    else:
        tell(Check(True, "contents, workflow runs and deployments of every readable repo"))


def _includes(config: Config, org: str, names: list[str], tell: Callable[[Check], None]) -> None:
    """Each [github] include glob matches a repo of the org (one that matches none is a typo,
    most likely); with none matching any, a sync stops: nothing to sync."""
    if not config.github.include:
        return
    said = config.github.unmatched_said(org, names)
    if said:
        tell(Check(False, "[github] include", f"{said}: check the spelling"))
    else:
        tell(Check(True, "[github] include: each glob matches a repo"))


def _app_permissions(app: str, org: str, needed: str) -> str:
    """How a GitHub App gets read access to `needed`: on the app's settings, then accepted by
    an owner of the org on the installation (until then the installation keeps the old ones)."""
    return (
        f"give {app} read access to {needed} (the app's settings, Permissions), and have an "
        f"owner of {org} accept the new permissions on the app's installation"
    )


def _warehouse(db: Path, tell: Callable[[Check], None]) -> None:
    if not db.exists():
        # the first sync makes it: in a folder that is there and that miner may write
        why = _unwritable(db.parent)
        if why is not None:
            fix = f"{why}: set [warehouse] path (or --db) to a file in a folder miner may write"
            tell(Check(False, f"warehouse {db}: cannot be made in {db.parent}", fix))
            return
        tell(Check(True, f"warehouse {db}: not there yet, the first sync makes it"))
        return
    try:
        with Warehouse.open(db, read_only=True) as wh:
            version = wh.schema_version()
    except MinerError as exc:
        tell(Check(False, f"warehouse {db}", str(exc)))
        return
    if version > len(MIGRATIONS):
        newer = f"written by a newer miner (this one knows {len(MIGRATIONS)}): upgrade miner"
        tell(Check(False, f"warehouse {db}: schema version {version}", newer))
        return
    tell(Check(True, f"warehouse {db}: schema version {version}"))
