"""Read miner's TOML config into frozen dataclasses, naming the file and key of every mistake."""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import math
import os
import re
import shutil
import subprocess
import tomllib
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from miner.errors import ConfigError, counted, spoken_list

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_TOKEN_ENVS = ("GITHUB_TOKEN", "GH_TOKEN")
DEFAULT_WAREHOUSE = "miner.duckdb"
DEFAULT_CONFIG = "miner.toml"
# DuckDB's working memory unless [warehouse] memory_limit says otherwise: a nightly sync of a
# 50,000-PR org stays under 500 MB of RSS. Sorts, joins and aggregates spill to disk past it; a
# scan cannot, so a query that outgrows it is run again with twice as much (Warehouse.retrying).
DEFAULT_MEMORY_LIMIT = "200MB"
# The least [warehouse] memory_limit may be: opening a warehouse and reading the sample org's
# report and queries take about 24MB (with 2 to 64 threads); below 16MB they run out of memory.
MIN_MEMORY_LIMIT = "64MB"
# The longest look-back [git] ownership_days may give: a century, past any repo's history.
MAX_OWNERSHIP_DAYS = 36500

# DuckDB reads units without case ("64mb" is 64MB)
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)
_UNIT = {"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
         "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}  # fmt: skip


def size_bytes(text: str) -> int:
    """A size as the config and DuckDB write it ("200MB", "1.5GiB"), in bytes."""
    match = _SIZE.match(text)
    if not match:
        raise ValueError(f"not a size: {text!r}")
    return int(float(match.group(1)) * _UNIT[match.group(2).lower()])


@functools.cache
def duckdb_time_zones() -> frozenset[str]:
    """The time zones DuckDB knows (its ICU's), in which a rebuild counts working hours. The
    system's tz database, which ZoneInfo reads, holds more: localtime, posixrules, right/...,
    posix/... (read once a process: each calendar is checked against it)."""
    with duckdb.connect() as con:
        rows = con.execute("select name from pg_timezone_names()").fetchall()
    return frozenset(str(row[0]) for row in rows)


def _glob_matches(glob: str, full_name: str) -> bool:
    """Whether an include or exclude glob names the repo `full_name` ("org/name"): a glob with
    a "/" matches "org/name", one without the name. GitHub's owner and repo names ignore
    letter case, so do the globs."""
    full = full_name.lower()
    return fnmatch.fnmatchcase(full if "/" in glob else full.split("/", 1)[-1], glob.lower())


@dataclass(frozen=True)
class GitHubConfig:
    org: str | None = None
    api_url: str = DEFAULT_API_URL
    token_env: str | None = None
    # Which of the org's repos a sync collects: names matching an `include` glob (all when
    # empty) and no `exclude` glob; archived repos and forks only when asked. A glob with a
    # "/" matches "org/name", one without matches the name.
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    archived: bool = False
    forks: bool = False
    # [github.app]: sync as a GitHub App's installation instead of with a token: the app's id,
    # its private key file (PEM), and the installation (default: the app's installation on
    # the org)
    app_id: int | None = None
    app_private_key: str | None = None
    app_installation_id: int | None = None
    # How far back a sync reads (a UTC date): PRs updated, workflow runs and deployments created
    # on or after it. None: the whole history.
    since: date | None = None

    @property
    def since_time(self) -> str | None:
        """`since` as GitHub writes times (its first second), for comparing with theirs."""
        return f"{self.since:%Y-%m-%d}T00:00:00Z" if self.since is not None else None

    def selects(self, full_name: str, *, archived: bool, fork: bool) -> bool:
        """Whether a sync collects the repo `full_name` ("org/name")."""
        return not self.left_out_by(full_name, archived=archived, fork=fork)

    def left_out_by(self, full_name: str, *, archived: bool, fork: bool) -> list[str]:
        """The settings that leave the repo `full_name` ("org/name") out of a sync, in the order
        the config has them: `include`, `exclude`, `archived = false`, `forks = false`."""

        def matches(globs: tuple[str, ...]) -> bool:
            return any(_glob_matches(g, full_name) for g in globs)

        return [
            setting for setting, leaves in (
                ("include", bool(self.include) and not matches(self.include)),
                ("exclude", matches(self.exclude)),
                ("archived = false", archived and not self.archived),
                ("forks = false", fork and not self.forks),
            ) if leaves
        ]  # fmt: skip

    def none_selected_said(self, org: str, repos: list[tuple[str, bool, bool]]) -> str | None:
        """When these settings leave out every one of the org's repos ((full name, archived,
        fork)), that said, with how many each setting leaves out (a repo may count under two):
        "[github] selects none of the 4 repos of acme (exclude leaves out 1, archived = false 3):
        nothing to sync", as sync warns it and `miner doctor` fails it. None when one is
        selected, when the org has none, and when no include glob matches any repo
        (unmatched_said says that)."""
        names = [name for name, _, _ in repos]
        if not repos or len(self.unmatched_includes(names)) == len(self.include) > 0:
            return None
        counts: dict[str, int] = {}
        for name, archived, fork in repos:
            left_out = self.left_out_by(name, archived=archived, fork=fork)
            if not left_out:
                return None
            for setting in left_out:
                counts[setting] = counts.get(setting, 0) + 1
        order = ("include", "exclude", "archived = false", "forks = false")
        (first, n), *rest = [(s, counts[s]) for s in order if s in counts]
        by = ", ".join([f"{first} leaves out {n}", *(f"{s} {m}" for s, m in rest)])
        return (
            f"[github] selects none of the {counted(len(repos), 'repo')} of {org} ({by}): "
            "nothing to sync"
        )

    def unmatched_includes(self, full_names: list[str]) -> list[str]:
        """The `include` globs matching none of these repos ("org/name"): a typo, most likely."""
        return [g for g in self.include if not any(_glob_matches(g, n) for n in full_names)]

    def unmatched_said(self, org: str, full_names: list[str]) -> str | None:
        """The `include` globs matching none of the org's repos ("org/name"), said: "'wbe' and
        'api*' match none of the 12 repos of acme (api, billing, …)"; None when each matches
        one (or there is none)."""
        unmatched = self.unmatched_includes(full_names)
        if not unmatched:
            return None
        globs = spoken_list([repr(g) for g in unmatched])
        verb = "matches" if len(unmatched) == 1 else "match"
        some = spoken_list([n.split("/", 1)[-1] for n in sorted(full_names)[:5]])
        more = ", …" if len(full_names) > 5 else ""
        listed = f" ({some}{more})" if full_names else ""
        return f"{globs} {verb} none of the {counted(len(full_names), 'repo')} of {org}{listed}"

    def token(self) -> str | None:
        """The token from the configured environment variable, else GITHUB_TOKEN, then GH_TOKEN,
        else the one the `gh` CLI is logged in with for this host (`gh auth token`)."""
        return self.found_token()[0]

    def found_token(self) -> tuple[str | None, str]:
        """The token (see token()) and where it was found: `$NAME` or `the gh CLI (HOST)`."""
        names = (self.token_env,) if self.token_env else DEFAULT_TOKEN_ENVS
        for name in names:
            value = (os.environ.get(name) or "").strip()  # an env file's newline is no part
            if value:
                return _usable(value, f"${name}", "set it to the token alone"), f"${name}"
        if self.token_env:
            return None, ""
        found = gh_token(self.host())
        where = f"the gh CLI ({self.host()})"
        return _usable(found, where, "check `gh auth token`") if found else None, where

    def host(self) -> str:
        """The GitHub host the API belongs to: github.com, or an Enterprise Server's."""
        host = urllib.parse.urlsplit(self.api_url).hostname or ""
        return "github.com" if host == "api.github.com" else host

    def token_source(self) -> str:
        if self.token_env:
            return self.token_env
        return " or ".join(DEFAULT_TOKEN_ENVS) + ", or log in with `gh auth login`"


def _usable(token: str, where: str, fix: str) -> str:
    """The token, when an HTTP header can carry it: GitHub's tokens are ASCII letters, digits
    and `_`. Anything else is refused here, with none of its text: the HTTP library's own error
    would quote the header, token and all."""
    if any(c.isspace() or not c.isprintable() or not c.isascii() for c in token):
        raise ConfigError(
            f"{where}: the token holds spaces, line breaks, control characters or letters "
            f"beyond ASCII; {fix}"
        )
    return token


def gh_token(host: str) -> str | None:
    """The token the GitHub CLI holds for `host`, when `gh` is installed and logged in there."""
    gh = shutil.which("gh")
    if gh is None or not host:
        return None
    try:
        out = subprocess.run(
            [gh, "auth", "token", "--hostname", host],
            capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    token = out.stdout.strip()
    return token if out.returncode == 0 and token else None


@dataclass(frozen=True)
class WarehouseConfig:
    path: str = DEFAULT_WAREHOUSE
    # DuckDB's working memory ("256MB", "2GB"); past it DuckDB spills to <path>.tmp
    memory_limit: str = DEFAULT_MEMORY_LIMIT


@dataclass(frozen=True)
class GitConfig:
    """Local mirrors of the org's repos: their history, CODEOWNERS over time and identities."""

    mirrors: bool = False
    # where the bare mirrors live (ORG/REPO.git); None: the folder <warehouse path>.mirrors
    cache: str | None = None
    # how far back de facto ownership (who changes each path) looks, from the latest commit
    ownership_days: int = 90
    # commit e-mail (lower case) -> GitHub login, over every other way of telling
    identities: dict[str, str] = field(default_factory=dict)

    def cache_folder(self, warehouse: Path) -> Path:
        return Path(self.cache) if self.cache else warehouse.with_name(warehouse.name + ".mirrors")


@dataclass(frozen=True)
class DeployConfig:
    """What counts as a production deploy (METRICS.md, Deploys and lead time): globs, compared
    without letter case, on a GitHub deployment's environment (it must reach `success`), on a
    workflow run's name or workflow file (it must conclude `success`), or on a tag's name."""

    production: tuple[str, ...] = ("production", "prod")
    workflows: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class DependencyEdge:
    """`repo` depends on `depends_on` (each NAME or ORG/NAME); `note` says why, for the map."""

    repo: str
    depends_on: str
    note: str = ""


def _same_repo(a: str, b: str) -> bool:
    """Whether NAME or ORG/NAME `a` and `b` name one repo (GitHub's names ignore case; a NAME is
    of the other side's org, as repo_dependencies reads it)."""
    a, b = a.strip().lower(), b.strip().lower()
    return a == b if "/" in a and "/" in b else a.rsplit("/", 1)[-1] == b.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class DependencyConfig:
    """What the manifests do not say: packages a repo publishes (ECOSYSTEM:NAME, say
    "npm:@acme/ui"), and repo-to-repo edges to add or to remove."""

    publishes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    add: tuple[DependencyEdge, ...] = ()
    remove: tuple[DependencyEdge, ...] = ()


# The ecosystems a published package may name in [dependencies] publishes.
ECOSYSTEMS = ("pypi", "npm", "go", "cargo", "maven", "rubygems")

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


@dataclass(frozen=True)
class Calendar:
    """Working time: a time zone, working weekdays (Monday = 0), hours and holidays."""

    timezone: str = "UTC"
    workdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    start_minute: int = 9 * 60  # minutes after local midnight
    end_minute: int = 17 * 60
    holidays: tuple[date, ...] = ()


@dataclass(frozen=True)
class ServiceLevels:
    """How long, in business hours of the party waited on, a wait may last before it breaches."""

    first_review_business_hours: float = 8.0
    cross_team_approval_business_hours: float = 16.0


@dataclass(frozen=True)
class Config:
    source: Path | None = None
    github: GitHubConfig = field(default_factory=GitHubConfig)
    warehouse: WarehouseConfig = field(default_factory=WarehouseConfig)
    git: GitConfig = field(default_factory=GitConfig)
    deploys: DeployConfig = field(default_factory=DeployConfig)
    dependencies: DependencyConfig = field(default_factory=DependencyConfig)
    bots: tuple[str, ...] = ()
    teams: dict[str, tuple[str, ...]] = field(default_factory=dict)
    calendar: Calendar = field(default_factory=Calendar)
    team_calendars: dict[str, Calendar] = field(default_factory=dict)
    sla: ServiceLevels = field(default_factory=ServiceLevels)
    team_sla: dict[str, ServiceLevels] = field(default_factory=dict)


def load(path: Path | None) -> Config:
    """Load the config at `path`; with None, ./miner.toml if it exists, else the defaults."""
    if path is None:
        default = Path(DEFAULT_CONFIG)
        if not default.exists():
            return Config()
        path = default
    if not path.exists():
        raise ConfigError(f"{path}: no such config file")
    try:
        # utf-8-sig: a byte-order mark, as some Windows editors write, is no part of the TOML
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text: {exc}") from exc
    return parse(data, path)


# The config file's top-level keys: its sections, and bots.
_SECTIONS = ("bots", "github", "warehouse", "git", "deploys", "dependencies", "teams", "calendar",
             "sla")  # fmt: skip


def parse(data: dict[str, Any], path: Path) -> Config:
    """Check `data` key by key and build a Config; `path` names the file in errors. Each section,
    and each key of one, is checked whatever another's mistakes: one ConfigError says them all,
    a line each."""
    r = _Reader(path)
    with r.kept():
        r.keys("", data, _SECTIONS)
    github, warehouse, git = GitHubConfig(), WarehouseConfig(), GitConfig()
    deploys, dependencies = DeployConfig(), DependencyConfig()
    with r.kept():
        github = r.github(r.table("github", data.get("github", {})))
    with r.kept():
        warehouse = r.warehouse(r.table("warehouse", data.get("warehouse", {})))
    with r.kept():
        git = r.git(r.table("git", data.get("git", {})))
    with r.kept():
        deploys = r.deploys(r.table("deploys", data.get("deploys", {})))
    with r.kept():
        dependencies = r.dependencies(r.table("dependencies", data.get("dependencies", {})))
    bots: tuple[str, ...] = ()
    with r.kept():
        bots = tuple(r.filled("bots", data.get("bots", []), "logins"))
    teams: dict[str, tuple[str, ...]] = {}
    for team, members in r.section("teams", data).items():
        with r.kept():
            teams[team] = tuple(r.filled(f"[teams] {team}", members, "logins"))

    default_calendar, team_calendars = r.with_teams("calendar", data, Calendar(), r.calendar)
    default_sla, team_sla = r.with_teams("sla", data, ServiceLevels(), r.levels)
    if r.problems:
        raise ConfigError(*r.problems)
    return Config(
        source=path,
        github=github,
        warehouse=warehouse,
        git=git,
        deploys=deploys,
        dependencies=dependencies,
        bots=bots,
        teams=teams,
        calendar=default_calendar,
        team_calendars=team_calendars,
        sla=default_sla,
        team_sla=team_sla,
    )


def _has_host(url: str) -> bool:
    """Whether `url` is an http(s) URL naming a host (and a port, if any, that is a number)."""
    try:
        parts = urllib.parse.urlsplit(url)
        return parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a port that is not a number, or past 65535
        return False


# A section a team may override ([calendar], [sla]).
_Overridden = TypeVar("_Overridden", Calendar, ServiceLevels)
# What one key of a table reads as.
_Value = TypeVar("_Value")


class _Reader:
    """Type checks that name the file and key of whatever is wrong."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []  # what each() caught, in the order found

    @contextlib.contextmanager
    def kept(self) -> Iterator[None]:
        """A part of the file checked: its ConfigError is kept in `problems` and the next part
        is checked, so one part wrong leaves the others checked and every mistake is said at
        once (a part whose mistake stops it keeps its defaults, never used: parse raises)."""
        try:
            yield
        except ConfigError as exc:
            self.problems.extend(exc.lines)

    def checked(self, default: _Value, read: Callable[[], _Value]) -> _Value:
        """What `read` makes of one key, or `default` when it is wrong, said as a problem: each
        key of a table is checked whatever another's mistakes."""
        with self.kept():
            return read()
        return default

    def section(self, name: str, parent: dict[str, Any], key: str | None = None) -> dict[str, Any]:
        """The table `name` (under `key` of `parent`, by default its last dotted part), or none
        when it is no table, said as a problem."""
        with self.kept():
            return self.table(name, parent.get(key or name.rsplit(".", 1)[-1], {}))
        return {}

    def with_teams(
        self,
        section: str,
        data: dict[str, Any],
        empty: _Overridden,
        read: Callable[[str, dict[str, Any], _Overridden], _Overridden],
    ) -> tuple[_Overridden, dict[str, _Overridden]]:
        """A section with per-team overrides ([calendar] and [calendar.teams.NAME], [sla] and
        [sla.teams.NAME]): its values over `empty`, and each team's over those, read by `read`
        (the table's name as the file spells it, the table, what it overrides)."""
        table = self.section(section, data)
        base = empty
        with self.kept():
            base = read(f"[{section}]", table, empty)
        teams: dict[str, _Overridden] = {}
        for team, over in self.section(f"{section}.teams", table, "teams").items():
            name = f"{section}.teams.{team}"
            with self.kept():
                teams[team] = read(f"[{name}]", self.table(name, over), base)
        return base, teams

    def github(self, gh: dict[str, Any]) -> GitHubConfig:
        with self.kept():
            self.keys(
                "[github] ",
                gh,
                (
                    "org", "api_url", "token_env", "include", "exclude", "archived", "forks",
                    "since", "app",
                ),
            )  # fmt: skip
        app: dict[str, Any] = self.checked({}, lambda: self.app(gh.get("app", {})))
        api_url = self.checked(DEFAULT_API_URL, lambda: self.api_url(gh))
        org = gh.get("org")
        return GitHubConfig(
            org=self.checked(None, lambda: self.string("[github] org", org))
            if org is not None
            else None,
            api_url=api_url.rstrip("/"),
            token_env=self.checked(None, lambda: self.token_env(gh.get("token_env"))),
            include=self.checked((), lambda: self.globs("[github] include", gh, "include")),
            exclude=self.checked((), lambda: self.globs("[github] exclude", gh, "exclude")),
            archived=self.checked(
                False, lambda: self.boolean("[github] archived", gh.get("archived", False))
            ),
            forks=self.checked(
                False, lambda: self.boolean("[github] forks", gh.get("forks", False))
            ),
            app_id=app.get("id"),
            app_private_key=(
                self.checked(
                    None, lambda: self.string("[github.app] private_key", app["private_key"])
                )
                if app
                else None
            ),
            app_installation_id=app.get("installation_id"),
            since=self.checked(None, lambda: self._since(gh["since"])) if "since" in gh else None,
        )

    def globs(self, where: str, table: dict[str, Any], key: str) -> tuple[str, ...]:
        return tuple(self.filled(where, table.get(key, []), "globs"))

    def app(self, value: object) -> dict[str, Any]:
        """[github.app]: its keys, each checked (none, when it is wrong)."""
        app = self.table("github.app", value)
        self.keys("[github.app] ", app, ("id", "private_key", "installation_id"))
        if app and ("id" not in app or "private_key" not in app):
            raise ConfigError(f"{self.path}: [github.app] needs id and private_key (a PEM file)")
        for key in ("id", "installation_id"):
            value = app.get(key)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 1
            ):
                raise self.fail(f"[github.app] {key}", value, "a positive whole number")
        return app

    def token_env(self, token_env: object) -> str | None:
        if token_env is not None and not (
            isinstance(token_env, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", token_env)
        ):
            # never echoed: a value that is no variable's name may be the token itself
            raise ConfigError(
                f"{self.path}: [github] token_env: expected the name of an environment variable, "
                "such as GITHUB_TOKEN, never the token itself (nor a leading $)"
            )
        return token_env

    def api_url(self, gh: dict[str, Any]) -> str:
        api_url = self.string("[github] api_url", gh.get("api_url", DEFAULT_API_URL))
        # what may hold a token is refused before the URL is echoed as not an http(s) one
        # (ghe.example/api?access_token=..., no scheme; a port that is not a number; a stray [
        # or ], which urllib cannot split at all): by its characters, not by how the URL parses
        if "@" in api_url:
            # a password or token in the URL would be kept and shown wherever the URL is (an @
            # with no scheme before it, me:tok@host, parses as scheme "me": no user, yet a token)
            raise ConfigError(
                f"{self.path}: [github] api_url: holds a user name or password: give the URL "
                "alone, and the token in the environment"
            )
        if "?" in api_url or "#" in api_url:
            # the API root takes no query (?access_token=... would be kept in sync_runs.source
            # and shown in each sync's summary): never echoed, as it may hold the token
            raise ConfigError(
                f"{self.path}: [github] api_url: holds a ?query or #fragment: give the API root "
                "alone (https://HOST/api/v3), and the token in the environment"
            )
        if not _has_host(api_url):
            raise self.fail(
                "[github] api_url",
                api_url,
                "an http(s) URL with a host, like https://api.github.com",
            )
        return api_url

    def _since(self, value: object) -> date:
        since = self._date("[github] since", value)
        if since > datetime.now(UTC).date():  # a typo (2062): no sync would read anything
            raise self.fail("[github] since", value, "a date no later than today")
        return since

    def warehouse(self, wh: dict[str, Any]) -> WarehouseConfig:
        with self.kept():
            self.keys("[warehouse] ", wh, ("path", "memory_limit"))
        return WarehouseConfig(
            path=self.checked(DEFAULT_WAREHOUSE, lambda: self.file("[warehouse] path", wh["path"]))
            if "path" in wh
            else DEFAULT_WAREHOUSE,
            memory_limit=self.checked(DEFAULT_MEMORY_LIMIT, lambda: self.memory_limit(wh)),
        )

    def memory_limit(self, wh: dict[str, Any]) -> str:
        memory_limit = wh.get("memory_limit", DEFAULT_MEMORY_LIMIT)
        # a bare number (64) has no unit: told as the size it must be, not as "a string"
        if not isinstance(memory_limit, str) or not _SIZE.match(memory_limit):
            raise self.fail(
                "[warehouse] memory_limit", memory_limit, 'a size such as "256MB" or "2GB"'
            )
        if size_bytes(memory_limit) < size_bytes(MIN_MEMORY_LIMIT):
            raise self.fail(
                "[warehouse] memory_limit",
                memory_limit,
                f'at least "{MIN_MEMORY_LIMIT}", which opening a warehouse and a report need',
            )
        return memory_limit.strip()

    def file(self, where: str, value: object, *, folder: bool = False) -> str:
        """A path the config names: `~` is the home folder, and a relative one is from the config
        file's folder (as [github.app] private_key is), wherever miner runs from (cron's)."""
        text = self.string(where, value)
        if not text.strip():
            raise self.fail(where, value, "a folder" if folder else "a file path")
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = self.path.parent / path
        if not folder and path.is_dir():
            raise self.fail(where, value, "a file, not a folder")
        return str(path)

    def fail(self, where: str, value: object, expected: str) -> ConfigError:
        return ConfigError(f"{self.path}: {where} = {value!r}: expected {expected}")

    def keys(self, prefix: str, table: dict[str, Any], known: tuple[str, ...]) -> None:
        unknown = [
            f"{self.path}: {prefix}{key}: unknown key (known: {', '.join(known)})"
            for key in table
            if key not in known
        ]
        if unknown:
            raise ConfigError(*unknown)

    def table(self, name: str, value: object) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ConfigError(f"{self.path}: {name} must be a table [{name}]")
        return value

    def string(self, where: str, value: object) -> str:
        if not isinstance(value, str):
            raise self.fail(where, value, "a string")
        return value

    def strings(self, where: str, value: object) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(where, value, "an array of strings")
        return value

    def filled(self, where: str, value: object, what: str) -> list[str]:
        """An array of strings none of which is blank: `what` ("globs", "logins") names them
        in the error. A blank one matches nothing, or everything: a slip."""
        found = self.strings(where, value)
        if any(not v.strip() for v in found):
            raise self.fail(where, value, f"{what}, none of them empty")
        return found

    def boolean(self, where: str, value: object) -> bool:
        if not isinstance(value, bool):
            raise self.fail(where, value, "true or false")
        return value

    def git(self, table: dict[str, Any]) -> GitConfig:
        with self.kept():
            self.keys("[git] ", table, ("mirrors", "cache", "ownership_days", "identities"))
        cache = table.get("cache")
        return GitConfig(
            mirrors=self.checked(
                False, lambda: self.boolean("[git] mirrors", table.get("mirrors", False))
            ),
            cache=self.checked(None, lambda: self.file("[git] cache", cache, folder=True))
            if cache is not None
            else None,
            ownership_days=self.checked(
                GitConfig.ownership_days, lambda: self.ownership_days(table)
            ),
            identities=self.checked({}, lambda: self.identities(table)),
        )

    def ownership_days(self, table: dict[str, Any]) -> int:
        days = table.get("ownership_days", GitConfig.ownership_days)
        if (
            isinstance(days, bool)
            or not isinstance(days, int)
            or not 0 < days <= MAX_OWNERSHIP_DAYS
        ):
            raise self.fail(
                "[git] ownership_days",
                days,
                f"a positive whole number of days, at most {MAX_OWNERSHIP_DAYS}",
            )
        return days

    def identities(self, table: dict[str, Any]) -> dict[str, str]:
        identities = self.table("git.identities", table.get("identities", {}))
        for email, login in identities.items():
            if "@" not in email:
                raise self.fail(f"[git.identities] {email!r}", login, "an e-mail address as key")
            if not self.string(f"[git.identities] {email!r}", login).strip("@ "):
                raise self.fail(f"[git.identities] {email!r}", login, "a GitHub login")
        return {e.lower(): str(v).removeprefix("@") for e, v in identities.items()}

    def deploys(self, table: dict[str, Any]) -> DeployConfig:
        with self.kept():
            self.keys("[deploys] ", table, ("production", "workflows", "tags"))

        def globs(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
            value = table.get(key, list(default))
            if isinstance(value, str):  # one pattern may be given alone
                value = [value]
            return self.checked(
                default, lambda: tuple(self.filled(f"[deploys] {key}", value, "patterns"))
            )

        return DeployConfig(
            production=globs("production", DeployConfig.production),
            workflows=globs("workflows", ()),
            tags=globs("tags", ()),
        )

    def dependencies(self, table: dict[str, Any]) -> DependencyConfig:
        with self.kept():
            self.keys("[dependencies] ", table, ("publishes", "add", "remove"))
        return DependencyConfig(
            publishes=self.checked({}, lambda: self.publishes(table)),
            add=self.checked((), lambda: self._edges("add", table.get("add", []))),
            remove=self.checked((), lambda: self._edges("remove", table.get("remove", []))),
        )

    def publishes(self, table: dict[str, Any]) -> dict[str, tuple[str, ...]]:
        publishes: dict[str, tuple[str, ...]] = {}
        for repo, packages in self.table(
            "dependencies.publishes", table.get("publishes", {})
        ).items():
            where = f"[dependencies.publishes] {repo!r}"
            for package in self.strings(where, packages):
                ecosystem, sep, name = package.partition(":")
                if not sep or ecosystem not in ECOSYSTEMS or not name:
                    raise self.fail(
                        where,
                        package,
                        f"ECOSYSTEM:NAME, the ecosystem one of {', '.join(ECOSYSTEMS)}",
                    )
            publishes[repo] = tuple(packages)
        return publishes

    def _edges(self, key: str, value: object) -> tuple[DependencyEdge, ...]:
        where = f"[dependencies] {key}"
        if not isinstance(value, list):
            raise self.fail(
                where, value, 'an array of tables like { repo = "web", depends_on = "api" }'
            )
        edges = []
        for i, item in enumerate(value):
            entry = self.table(f"dependencies.{key}[{i}]", item)
            self.keys(f"[dependencies] {key}[{i}].", entry, ("repo", "depends_on", "note"))
            for needed in ("repo", "depends_on"):
                if needed not in entry:
                    raise ConfigError(
                        f"{self.path}: [dependencies] {key}[{i}]: {needed} is missing"
                    )
            edge = DependencyEdge(
                self.string(f"[dependencies] {key}[{i}].repo", entry["repo"]),
                self.string(f"[dependencies] {key}[{i}].depends_on", entry["depends_on"]),
                self.string(f"[dependencies] {key}[{i}].note", entry.get("note", "")),
            )
            if _same_repo(edge.repo, edge.depends_on):
                raise self.fail(
                    f"[dependencies] {key}[{i}].depends_on", entry["depends_on"], "another repo"
                )
            sides = (edge.repo, edge.depends_on)
            orgs = {n.split("/", 1)[0].strip().lower() for n in sides if "/" in n}
            if len(orgs) > 1:  # repo_dependencies joins within an org: it would count for nothing
                raise self.fail(
                    f"[dependencies] {key}[{i}].depends_on",
                    entry["depends_on"],
                    f"a repo of {edge.repo.split('/', 1)[0]}, the org of {edge.repo!r}",
                )
            edges.append(edge)
        return tuple(edges)

    def number(self, where: str, value: object) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)  # nan and inf, which TOML allows
            or value <= 0
        ):
            raise self.fail(where, value, "a positive number of hours")
        return float(value)

    def calendar(self, name: str, table: dict[str, Any], base: Calendar) -> Calendar:
        if name.lower() == "[calendar.teams.default]":
            # the views name the default calendar 'default': a team's of that name would
            # replace it for everyone
            raise ConfigError(
                f"{self.path}: {name}: 'default' is the default calendar's name, which a team's "
                "calendar cannot take; a team named default works on [calendar]"
            )
        known = ("timezone", "workdays", "hours", "holidays")
        with self.kept():
            self.keys(f"{name} ", table, (*known, "teams") if name == "[calendar]" else known)
        result = base
        for key, read in (
            ("timezone", self._timezone),
            ("workdays", self._workdays),
            ("hours", self._hours),
            ("holidays", self._holidays),
        ):
            if key in table:
                result = self.checked(result, functools.partial(read, name, table[key], result))
        return result

    def _timezone(self, name: str, tz: object, result: Calendar) -> Calendar:
        try:
            if not isinstance(tz, str):  # an offset as a number (-5) is no zone either
                raise ValueError(tz)
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise self.fail(f"{name} timezone", tz, "an IANA time zone like Europe/Berlin") from exc
        if tz not in duckdb_time_zones():
            raise ConfigError(
                f"{self.path}: {name} timezone = {tz!r}: not a time zone DuckDB knows; use "
                'an IANA name such as "Europe/Berlin"'
            )
        return replace(result, timezone=tz)

    def _workdays(self, name: str, value: object, result: Calendar) -> Calendar:
        days = self.strings(f"{name} workdays", value)
        if not days or any(d.lower() not in _WEEKDAYS for d in days):
            raise self.fail(f"{name} workdays", days, f"days among {', '.join(_WEEKDAYS)}")
        return replace(result, workdays=tuple(sorted({_WEEKDAYS.index(d.lower()) for d in days})))

    def _hours(self, name: str, hours: object, result: Calendar) -> Calendar:
        if not isinstance(hours, str):
            raise self.fail(f"{name} hours", hours, 'one range a day, "HH:MM-HH:MM"')
        match = _HOURS.match(hours)
        if not match:
            raise self.fail(f"{name} hours", hours, '"HH:MM-HH:MM"')
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end <= start or end > 24 * 60:
            raise self.fail(f"{name} hours", hours, "an end after the start, within one day")
        return replace(result, start_minute=start, end_minute=end)

    def _holidays(self, name: str, value: object, result: Calendar) -> Calendar:
        return replace(result, holidays=tuple(self._dates(f"{name} holidays", value)))

    def _dates(self, where: str, value: object) -> list[date]:
        if not isinstance(value, list):
            raise self.fail(where, value, 'an array of dates like "2026-12-25"')
        return [self._date(where, item) for item in value]

    def _date(self, where: str, value: object) -> date:
        """A date, as TOML writes one (2026-12-25) or as a string ("2026-12-25")."""
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        try:
            return date.fromisoformat(value if isinstance(value, str) else "")
        except ValueError as exc:
            raise self.fail(where, value, 'a date like "2026-12-25"') from exc

    def levels(self, name: str, table: dict[str, Any], base: ServiceLevels) -> ServiceLevels:
        known = ("first_review_business_hours", "cross_team_approval_business_hours")
        with self.kept():
            self.keys(f"{name} ", table, (*known, "teams") if name == "[sla]" else known)
        result = base
        for key in ("first_review_business_hours", "cross_team_approval_business_hours"):
            if key in table:
                hours = self.checked(
                    None, functools.partial(self.number, f"{name} {key}", table[key])
                )
                if hours is not None:
                    result = replace(result, **{key: hours})
        return result
