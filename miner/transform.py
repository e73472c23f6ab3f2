"""Rebuild the core tables and metric views from the raw layer, with no network."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa

from miner import deploy_ancestry, ownership, repo_packages
from miner.config import Config, ServiceLevels
from miner.errors import MinerError, named_there
from miner.git_mirror import web_root
from miner.sql_files import dependency_order, digest, layer, read_layer, sql_string
from miner.warehouse import Warehouse

_log = logging.getLogger(__name__)

# The calendar of everyone and every team the config gives no calendar of its own.
DEFAULT_CALENDAR = "default"


@dataclass(frozen=True)
class PythonStep:
    """A core step SQL cannot do well (parsing CODEOWNERS, say): the tables it writes from the
    tables it reads. It takes its place among the core SQL files by those names."""

    writes: tuple[str, ...]
    reads: tuple[str, ...]
    run: Callable[[Warehouse, Config], None]


PYTHON_STEPS = (
    PythonStep(ownership.WRITES, ownership.READS, ownership.write_codeowners_tables),
    PythonStep(deploy_ancestry.WRITES, deploy_ancestry.READS, deploy_ancestry.write_deploy_commits),
    PythonStep(repo_packages.WRITES, repo_packages.READS, repo_packages.write_repo_packages),
)


@dataclass(frozen=True)
class RebuildTimes:
    """Where a rebuild's time went, in seconds: core tables (with settings and macros), metric
    rows, and the two commits that write them."""

    core: float
    metrics: float
    commit: float


def rebuild(wh: Warehouse, config: Config) -> RebuildTimes:
    """Recompute everything from the raw layer (see _rebuild); a rebuild that runs out of
    memory is rolled back and run again with more (Warehouse.retrying). A rebuild taking its
    settings from another config file than the one before it says so (config_change)."""
    before = last_config_source(wh)
    times = wh.retrying(lambda: _rebuild(wh, config))
    note = config_change(before, config)
    if note is not None:
        _log.warning("%s", note)
    warnings = [*unknown_teams(wh, config), *unknown_repos(wh, config), *renamed_logins(wh, config)]
    for warning in warnings:
        _log.warning("%s", warning)
    unshipped = deploy_ancestry.unmirrored(wh, config)
    if unshipped is not None:
        _log.warning("%s", unshipped)
    return times


def unknown_repos(wh: Warehouse, config: Config) -> list[str]:
    """[dependencies] naming a repo no org here has (NAME or ORG/NAME, in any case): a typo,
    most likely, whose edge or package would count for nothing, with no word. Nothing while no
    repo is known at all (no sync yet)."""
    known = {
        str(name).lower()
        for row in wh.query("select repo, name from repos")
        for name in row
        if name is not None
    }
    if not known:
        return []
    deps = config.dependencies
    named = [("publishes", repo) for repo in deps.publishes]
    named += [(action, repo) for action, edges in (("add", deps.add), ("remove", deps.remove))
              for edge in edges for repo in (edge.repo, edge.depends_on)]  # fmt: skip
    said = f"{config.source or 'the config'}: [dependencies]"
    return [
        f"{said} {where}: no repo {repo!r} in the warehouse; "
        f"{'its packages are' if where == 'publishes' else 'that edge is'} not used"
        for where, repo in dict.fromkeys(named)
        if repo.lower() not in known
    ]


def unknown_teams(wh: Warehouse, config: Config) -> list[str]:
    """The config's per-team calendars and service levels naming a team no org here has, nor
    [teams] (a typo, most likely: that team's waits would be measured by the defaults, with no
    word). Nothing while no team is known at all (no sync yet)."""
    known = {t for (t,) in wh.query("select team from teams union select team from person_teams")}
    if not known:
        return []
    there = named_there("teams", sorted(known))  # the first 20: an org may have hundreds
    return [
        f"{config.source or 'the config'}: [{section}.teams.{team}]: no team {team.lower()!r} "
        f"in the warehouse or [teams] ({there}); its {what} is not used"
        for section, teams, what in (
            ("calendar", config.team_calendars, "calendar"),
            ("sla", config.team_sla, "service level"),
        )
        for team in teams
        if team.lower() not in known
    ]


def renamed_logins(wh: Warehouse, config: Config) -> list[str]:
    """Logins the config names ([teams], `bots`, [git.identities]) that a GitHub account had
    before it was renamed: the views name that person by the new login (accounts), so the old
    one in the config no longer reaches them."""
    accounts = wh.query("select login, former_logins from accounts")
    current = {login.lower() for login, _ in accounts}
    # a login given up and taken by another account is that account's now
    renamed = {
        old.lower(): new for new, former in accounts for old in former if old.lower() not in current
    }
    if not renamed:
        return []
    said = config.source or "the config"
    named = [
        *((f"[teams] {team}", login) for team, logins in config.teams.items() for login in logins),
        *(("bots", login) for login in config.bots),
        *((f"[git.identities] {email!r}", login) for email, login in config.git.identities.items()),
    ]
    return [
        f"{said}: {where}: {login!r} was renamed {renamed[login.lower()]!r} on GitHub, and the "
        f"views name that person so: write {renamed[login.lower()]!r} here, or this does not "
        "reach them"
        for where, login in named
        if login.lower() in renamed
    ]


def _rebuild(wh: Warehouse, config: Config) -> RebuildTimes:
    """Recompute settings, core tables and macros in one transaction, then every metric view's
    rows in a second one.

    Two, because DuckDB reads a table created earlier in the same transaction (still in the
    transaction's own storage) several times slower than a committed one: the metric views,
    which read the core tables many times over, take a third of the time once the core is
    committed. Each transaction is whole, and each stamps the rebuild it belongs to: a crash
    between the two leaves the new core tables with the metric rows of the previous rebuild,
    which require_views tells by the stamps, so no report reads the two together, and the next
    sync or `miner rebuild` computes them again."""
    started = time.perf_counter()
    stamp = uuid.uuid4().hex
    with wh.transaction():
        wh.con.execute(f"create schema if not exists {METRIC_ROWS}")
        wh.con.execute(f"create or replace table {METRIC_ROWS}.{CORE_BUILT} as select ? as rebuild",
                       [stamp])  # fmt: skip
        _write_settings(wh, config)
        core = read_layer("core")
        steps: dict[str, PythonStep] = {}
        deps: dict[str, tuple[str, ...]] = {}
        for step in PYTHON_STEPS:
            first, *rest = step.writes
            steps[first] = step
            deps[first] = step.reads
            deps.update({name: (first,) for name in rest})
        for name in dependency_order(core, deps):
            if name in steps:
                steps[name].run(wh, config)
            elif name in core:
                f = core[name]
                wh.con.execute(f"create or replace table {f.name} as\n{f.body}")
                wh.con.execute(f"comment on table {f.name} is '{sql_string(f.description)}'")
        _leave_out_excluded(wh, config)
        for f in layer("macros"):
            wh.con.execute(f.body)
        core_built = time.perf_counter()
    core_committed = time.perf_counter()
    with wh.transaction():
        _build_metrics(wh, stamp)
        metrics_built = time.perf_counter()
    finished = time.perf_counter()
    return RebuildTimes(
        core_built - started,
        metrics_built - core_committed,
        (core_committed - core_built) + (finished - metrics_built),
    )


def _leave_out_excluded(wh: Warehouse, config: Config) -> None:
    """Take the repos [github] include and exclude leave out from every core table but `repos`,
    the org's listing (so from every view). A sync that stops reading a repo is not enough:
    what earlier syncs stored of it stays in the raw layer, and its PRs would go on showing
    (an open one waiting ever longer). The raw rows stay: a repo included again is back at the
    next rebuild. Archived repos and forks a sync skips keep their history in the views."""
    gh = config.github
    core = core_tables() - {"repos"}
    tables = [name for (name,) in wh.query(
        "select table_name from duckdb_columns() where database_name = current_database() "
        "and schema_name = 'main' and column_name in ('org', 'repo') "
        "group by table_name having count(*) = 2"
    ) if name in core]  # fmt: skip
    names: set[str] = set()
    if gh.include or gh.exclude:
        # the listing's too: a repo a sync never read has nothing stored, yet `report --repo`
        # of it would be as empty as if nothing happened there
        names = {
            repo
            for t in [*tables, "repos"]
            for (repo,) in wh.query(f"select distinct repo from {t}")
        }
    left_out = sorted(n for n in names if n and not gh.selects(n, archived=False, fork=False))
    # named for ad hoc queries, as the other settings are
    wh.replace_table("settings_left_out_repos", pa.table({"repo": pa.array(left_out, pa.string())}))
    for t in tables if left_out else []:
        wh.con.execute(f"delete from {t} where repo in (from settings_left_out_repos)")


def core_tables() -> set[str]:
    """The names of the core tables a rebuild writes: one per core SQL file, and each Python
    step's."""
    return {*read_layer("core"), *(name for step in PYTHON_STEPS for name in step.writes)}


def require_views(wh: Warehouse) -> None:
    """Fail in one line, saying what to run, unless a rebuild has built every core table and
    metric view: a first sync that stopped (a rate limit, a refused token, Ctrl-C) stored raw
    payloads but built nothing yet, and a rebuild cut short may have built the core alone."""
    wanted = sorted(core_tables() | set(read_layer("metrics")))
    built = set(wh.query(
        "select schema_name, table_name from duckdb_tables() "
        "where database_name = current_database() union all "
        "select schema_name, view_name from duckdb_views() "
        "where database_name = current_database()"
    ))  # fmt: skip
    missing = [name for name in wanted if ("main", name) not in built]
    if len(missing) == len(wanted):
        raise MinerError(
            f"{wh.path}: no views yet, as no sync has completed: run `miner sync` (or "
            "`miner rebuild` to build them from what is stored)"
        )
    if missing:
        raise MinerError(
            f"{wh.path}: not built: {', '.join(missing)} (a rebuild cut short, or a newer miner "
            "than the one that built the rest): run `miner rebuild`"
        )
    stamped = (METRIC_ROWS, BUILT_FROM) in built
    said = wh.query(f"select sql_digest from {METRIC_ROWS}.{BUILT_FROM}") if stamped else []
    if said != [(digest(BUILT_LAYERS),)]:
        raise MinerError(
            f"{wh.path}: its views were built by another version of miner, and their columns may "
            "differ from this one's: run `miner rebuild`"
        )
    # this miner's metric rows (their table has its columns): of the core tables' rebuild?
    same = (METRIC_ROWS, CORE_BUILT) in built and wh.query(
        f"select b.rebuild = c.rebuild from {METRIC_ROWS}.{BUILT_FROM} as b, "
        f"{METRIC_ROWS}.{CORE_BUILT} as c"
    ) == [(True,)]  # fmt: skip
    if not same:
        raise MinerError(
            f"{wh.path}: the last rebuild stopped after the core tables, before the metric views, "
            "which are an older rebuild's: run `miner rebuild`"
        )


# The schema holding each metric view's rows, computed once per rebuild: a report or an ad hoc
# query reads them at the cost of a scan, and a view built on another (approval_latency on
# review_wait) does not compute it again.
METRIC_ROWS = "metric_rows"
# A metrics file saying this in its header (a filter of another view, say) stays a plain view.
ON_READ = "-- computed on read"
# The table in METRIC_ROWS saying which SQL built the views (sql_files.digest of these folders).
BUILT_FROM = "built_from"
# The table in METRIC_ROWS naming the rebuild that built the core tables; BUILT_FROM names the
# one that built the metric rows: two names, a rebuild stopped between its two transactions.
CORE_BUILT = "core_built"
BUILT_LAYERS = ("core", "macros", "metrics")


def _build_metrics(wh: Warehouse, stamp: str) -> None:
    """Each queries/metrics file becomes its rows in metric_rows.NAME and the view NAME, built
    from the core tables of the rebuild `stamp` names (whose transaction made the schema)."""
    for f in layer("metrics"):
        if ON_READ in f.sql:
            wh.con.execute(f"create or replace view {f.name} as\n{f.body}")
        else:
            wh.con.execute(f"create or replace table {METRIC_ROWS}.{f.name} as\n{f.body}")
            wh.con.execute(
                f"create or replace view {f.name} as select * from {METRIC_ROWS}.{f.name}"
            )
        # the whole header, as README promises: what a row is and every reading
        comment = sql_string(f"{f.header}\n(definition: queries/metrics/{f.name}.sql)")
        wh.con.execute(f"comment on view {f.name} is '{comment}'")
    wh.con.execute(
        f"create or replace table {METRIC_ROWS}.{BUILT_FROM} as "
        "select ? as sql_digest, ? as rebuild",
        [digest(BUILT_LAYERS), stamp],
    )


def _write_settings(wh: Warehouse, config: Config) -> None:
    """Tables holding what the config says, so the stored views stay plain SQL."""
    # GitHub team slugs are lower case and logins compare without case, so the config's names
    # are stored lower-cased: [teams] Web and @acme/web are one team.
    calendars = {DEFAULT_CALENDAR: config.calendar}
    calendars.update({team.lower(): c for team, c in config.team_calendars.items()})
    levels: dict[str | None, ServiceLevels] = {None: config.sla}
    levels.update({team.lower(): v for team, v in config.team_sla.items()})
    deploy_globs = [
        (kind, glob)
        for kind, globs in (
            ("environment", config.deploys.production),
            ("workflow", config.deploys.workflows),
            ("tag", config.deploys.tags),
        )
        for glob in globs
    ]
    edges = [*config.dependencies.add, *config.dependencies.remove]
    tables = {
        "settings_bots": pa.table(
            {"login": pa.array([b.lower() for b in config.bots], pa.string())}
        ),
        "settings_teams": pa.table(
            {
                "team": pa.array(
                    [t.lower() for t, ms in config.teams.items() for _ in ms], pa.string()
                ),
                "login": pa.array(
                    [m.lower() for ms in config.teams.values() for m in ms], pa.string()
                ),
            }
        ),
        # One row per calendar: 'default' and one per team the config gives its own.
        "settings_calendars": pa.table(
            {
                "calendar": pa.array(list(calendars), pa.string()),
                "timezone": pa.array([c.timezone for c in calendars.values()], pa.string()),
                # ISO weekdays, Monday = 1, as DuckDB's isodow() counts them.
                "workdays": pa.array(
                    [[d + 1 for d in c.workdays] for c in calendars.values()],
                    pa.list_(pa.int32()),
                ),
                "start_minute": pa.array([c.start_minute for c in calendars.values()], pa.int32()),
                "end_minute": pa.array([c.end_minute for c in calendars.values()], pa.int32()),
                "holidays": pa.array(
                    [list(c.holidays) for c in calendars.values()], pa.list_(pa.date32())
                ),
            }
        ),
        # Service levels: team NULL is the default, other rows override it for that team.
        "settings_sla": pa.table(
            {
                "team": pa.array(list(levels), pa.string()),
                "first_review_business_hours": pa.array(
                    [v.first_review_business_hours for v in levels.values()], pa.float64()
                ),
                "cross_team_approval_business_hours": pa.array(
                    [v.cross_team_approval_business_hours for v in levels.values()], pa.float64()
                ),
            }
        ),
        # [git.identities]: commit e-mail (lower case) -> GitHub login, over every other source
        "settings_identities": pa.table(
            {
                "email": pa.array(list(config.git.identities), pa.string()),
                "login": pa.array(list(config.git.identities.values()), pa.string()),
            }
        ),
        # [deploys]: one row per glob; kind is environment, workflow or tag
        "settings_deploys": pa.table(
            {
                "kind": pa.array([kind for kind, _ in deploy_globs], pa.string()),
                "pattern": pa.array([glob.lower() for _, glob in deploy_globs], pa.string()),
            }
        ),
        # [dependencies] add and remove: repo-to-repo edges, as the config names the repos
        "settings_dependency_edges": pa.table(
            {
                "action": pa.array(
                    ["add"] * len(config.dependencies.add)
                    + ["remove"] * len(config.dependencies.remove),
                    pa.string(),
                ),
                "repo": pa.array([e.repo for e in edges], pa.string()),
                "depends_on": pa.array([e.depends_on for e in edges], pa.string()),
                "note": pa.array([e.note for e in edges], pa.string()),
            }
        ),
        "settings_git": pa.table(
            {"ownership_days": pa.array([config.git.ownership_days], pa.int32())}
        ),
        # where [github] api_url's GitHub serves its web pages, without the scheme
        # (ghe.example.com for a GitHub Enterprise Server): links to its PRs are references
        "settings_github": pa.table(
            {"web_host": pa.array([web_root(config.github.api_url).split("://", 1)[-1]])}
        ),
        # the config file these settings came from (NULL: none, the defaults): config_source
        CONFIG_SOURCE: pa.table({"source": pa.array([_source(config)], pa.string())}),
    }
    for name, table in tables.items():
        wh.replace_table(name, table)


# The settings table naming the config file the last rebuild took its settings from.
CONFIG_SOURCE = "settings_config"


def _source(config: Config) -> str | None:
    return str(config.source.resolve()) if config.source is not None else None


def config_change(before: str | None, config: Config) -> str | None:
    """What to tell the user when this rebuild took its settings from another config file than
    the one before it (`before`, from last_config_source): teams, calendars, service levels,
    bots and deploy rules all come from the config, and a rebuild run from another folder, where
    no miner.toml is, would otherwise drop them without a word. None when nothing changed, or
    nothing was recorded before."""
    now = _source(config) or ""
    if before is None or before == now:
        return None
    said = f"note: rebuilt with the settings of {now or 'no config file (the defaults)'}"
    if not before:
        return f"{said}; the rebuild before had no config file (the defaults)"
    return (
        f"{said}; the rebuild before took them from {before}: the teams, calendars, service "
        f"levels, bots and deploy rules it set are no longer in the views (pass --config {before}"
        " to keep them)"
    )


def last_config_source(wh: Warehouse) -> str | None:
    """The config file the last rebuild took its settings from ("": none, the defaults); None
    when no rebuild recorded it (none yet, or one by an older miner)."""
    if not wh.has_table(CONFIG_SOURCE):
        return None
    rows = wh.query(f"select coalesce(source, '') from {CONFIG_SOURCE}")
    return str(rows[0][0]) if rows else None
