"""The `miner` command line: each command wires config, warehouse, collectors and report."""

from __future__ import annotations

import errno
import functools
import itertools
import logging
import re
import signal
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import duckdb
from rich.console import Console

from miner import __version__, warehouse
from miner.config import DEFAULT_CONFIG, Config, load
from miner.errors import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    ConfigError,
    MinerError,
    NotAMirror,
    PartialSync,
    counted,
)
from miner.owners_lookup import FORMATS as OWNERS_FORMATS
from miner.query import FORMATS as QUERY_FORMATS
from miner.reports.formats import FORMATS as REPORT_FORMATS
from miner.sync_display import SyncDisplay, json_line
from miner.warehouse import AT_MEMORY_CEILING, Warehouse, interrupt_all, opened_for_writing


class _Path(click.Path):
    """A path argument or option that is not empty: '' (an unset shell variable) would mean the
    current folder, and a command would write its files there."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("is empty (an unset shell variable?)", param, ctx)
        return super().convert(value, param, ctx)


@dataclass
class Context:
    """What a command runs with: the config, read when a command first asks for it (help,
    sample-org and serve-fixtures need none, so a broken config does not stop them), and the
    warehouse file."""

    config_path: Path | None
    db_option: Path | None

    @functools.cached_property
    def config(self) -> Config:
        global _CONFIG
        _CONFIG = load(self.config_path)
        return _CONFIG

    @property
    def db(self) -> Path:
        return self.db_option or Path(self.config.warehouse.path)

    def open(self) -> Warehouse:
        """The warehouse for writing (created and migrated if need be)."""
        return self._open(read_only=False)

    def read(self, *, views: bool = True) -> Warehouse:
        """The warehouse read-only; with `views`, only once a sync or rebuild has built them:
        a warehouse whose first sync never finished is told in one line."""
        wh = self._open(read_only=True)
        if views:
            from miner.transform import require_views

            try:
                require_views(wh)
            except MinerError:
                wh.close()
                raise
        return wh

    def _open(self, *, read_only: bool) -> Warehouse:
        command = click.get_current_context().info_name
        return Warehouse.open(
            self.db,
            read_only=read_only,
            memory_limit=self.config.warehouse.memory_limit,
            command=f"miner {command}" if command else None,
        )


pass_context = click.make_pass_decorator(Context)


def _err(message: str) -> None:
    click.echo(message, err=True)


# Set by `sync --log-format json`: errors are then JSON lines too.
_JSON_ERRORS = False
# The config the command runs with, once loaded: an error may name its settings.
_CONFIG: Config | None = None


class _JsonLines(logging.Handler):
    """Log records (miner's warnings, PyGithub's notes as it retries) as JSON lines on
    stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        _err(json_line("log", level=record.levelname.lower(), logger=record.name,
                       message=record.getMessage()))  # fmt: skip


class _RateLimitNotes(logging.Handler):
    """PyGithub's notes as it waits out a rate-limited answer ("Retrying after 1 seconds",
    "Setting next backoff to 2s": all it says above DEBUG, of a 403 it retries), one line each
    on stderr naming what they are about, as miner's own lines do."""

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "max_rate_limit_wait" in message:
            return  # PyGithub's own parameter: miner's countdown says the wait it takes instead
        # its pauses in tenths of a second ("Setting next backoff to 2.8170830000000002s")
        message = _LONG_FRACTION.sub(lambda m: f"{float(m.group()):.1f}", message)
        _err(f"GitHub's rate limit: {message}")


_LONG_FRACTION = re.compile(r"\d+\.\d{2,}")
# One of each: a command run twice in one process (tests, a caller of main) adds the same
# handler again, which logging keeps once, not a second that says every line twice.
_JSON_LINES, _RATE_LIMIT_NOTES = _JsonLines(), _RateLimitNotes()


def _route_warnings(*, quiet: bool, json_lines: bool) -> None:
    """Where log records go during a sync: stderr as they are (Python's default for warnings),
    PyGithub's notes as it retries a rate-limited request named as such, all as JSON lines
    under --log-format json, nowhere under --quiet but errors."""
    root, pygithub = logging.getLogger(), logging.getLogger("github")
    retry = logging.getLogger("github.GithubRetry")
    # a 403 PyGithub's retry looks at, noted before it knows: a rate limit goes on to say it
    # waits ("Retrying after", "Setting next backoff"), a refusal is said once, by miner, with
    # the permission it needs
    retry.addFilter(_not_a_403_note)
    for handler in list(pygithub.handlers):
        pygithub.removeHandler(handler)  # its own, which prints them bare
    if json_lines:
        root.addHandler(_JSON_LINES)  # PyGithub's records reach it through root
    else:
        retry.addHandler(_RATE_LIMIT_NOTES)  # PyGithub's other records: as Python says warnings
    root.setLevel(logging.ERROR if quiet else logging.WARNING)
    if quiet:
        pygithub.setLevel(logging.ERROR)


def _not_a_403_note(record: logging.LogRecord) -> bool:
    return not (record.levelno == logging.INFO and " failed with 403" in record.getMessage())


def _error_line(message: str) -> None:
    """An error on stderr: `Error: ...`, or a JSON object under --log-format json."""
    if _JSON_ERRORS:
        _err(json_line("error", message=message))
    else:
        _err(f"Error: {message}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="miner")
@click.option(
    "--config",
    "config_path",
    type=_Path(path_type=Path, dir_okay=False),
    help="Config file (TOML). Default: ./miner.toml if present.",
)
@click.option(
    "--db",
    type=_Path(path_type=Path, dir_okay=False),
    help="Warehouse file. Default: [warehouse] path, else miner.duckdb.",
)
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, db: Path | None) -> None:
    """Make the handoffs in an engineering org visible: review waits, approvals, ownership."""
    ctx.obj = Context(config_path, db)


@cli.command()
@click.option("--org", help="GitHub organization. Default: [github] org.")
@click.option(
    "--api",
    type=click.Choice(["graphql", "rest"]),
    default="graphql",
    show_default=True,
    help="How PR history is fetched: GraphQL, a page of 37 PRs with all their reviews, timeline, "
    "files and commits per request; or REST, five detail requests per PR. Both store the same "
    "data.",
)
@click.option(
    "--max-wait",
    default="1h",
    show_default=True,
    metavar="DURATION",
    help="Longest wait for a spent rate limit to reset (e.g. 90s, 15m, 1h; 0: never wait). "
    "Past it the sync stops cleanly (exit 3) with all it fetched stored; the next run goes on.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print errors only (for cron).")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: each record, the summary and any error as one JSON object a line on stderr.",
)
@pass_context
def sync(
    ctx: Context, org: str | None, api: str, max_wait: str, quiet: bool, log_format: str
) -> None:
    """Fetch the org's teams, repos and pull requests from GitHub, then rebuild the views."""
    from miner.sync import check_can_sync
    from miner.sync import sync as run_sync

    global _JSON_ERRORS
    _JSON_ERRORS = log_format == "json"
    _route_warnings(quiet=quiet, json_lines=_JSON_ERRORS)
    console = Console(stderr=True)
    display = SyncDisplay(console, quiet=quiet, json_lines=_JSON_ERRORS)
    wait = _seconds("--max-wait", max_wait)  # a usage error before the warehouse is touched
    # as is a missing org or token, or a GitHub App GitHub refuses: no stray warehouse file
    signed_in = check_can_sync(ctx.config, org, first=not ctx.db.exists(), max_wait=wait)
    with ctx.open() as wh, display:
        result = run_sync(
            wh,
            ctx.config,
            org=org,
            progress=display.progress,
            api=api,
            max_wait=wait,
            countdown=display.countdown,
            signed_in=signed_in,
        )
    if _JSON_ERRORS:
        _err(json_line("synced", **result.record()))
    elif not quiet:
        _err(f"synced {result.summary()}")
    if result.failures:
        for failure in result.failures:
            _error_line(failure)
        raise PartialSync(f"{counted(len(result.failures), 'repo')} not synced whole this run")


@cli.command("import")
@click.argument("folder", type=_Path(path_type=Path, exists=True, file_okay=False))
@pass_context
def import_(ctx: Context, folder: Path) -> None:
    """Load an API mirror folder (README: "API mirror folders") with no network, then rebuild."""
    from miner.mirror import Mirror
    from miner.sync import import_mirror

    Mirror(folder).org()  # a folder that is no API mirror leaves no stray warehouse file
    with ctx.open() as wh:
        org, stored = import_mirror(wh, ctx.config, folder)
    _err(f"imported {org}: {stored} objects from {folder}")


@cli.command()
@pass_context
def rebuild(ctx: Context) -> None:
    """Recompute core tables and metric views from the raw layer, with no network."""
    from miner.transform import rebuild as run_rebuild

    if not ctx.db.exists():  # nothing to rebuild from: a stray empty warehouse helps no one
        raise MinerError(f"{ctx.db}: no warehouse here yet: run `miner sync` or `miner import`")
    with ctx.open() as wh:
        run_rebuild(wh, ctx.config)
    _err(f"rebuilt core tables and views in {ctx.db}")


@cli.command()
@click.argument("name", required=False)
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter of the named query; give it once per parameter.")  # fmt: skip
@click.option("--sql", help="Run this SQL instead of a named query: reading statements only "
              "(SELECT, DESCRIBE, EXPLAIN...), the warehouse opened read-only.")  # fmt: skip
@click.option("--list", "list_", is_flag=True, help="List the named queries and what they "
              "say (with --format csv or json: name, params, optional_params, "
              "description).")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS), default="table",
              show_default=True)  # fmt: skip
@pass_context
def query(
    ctx: Context, name: str | None, params: tuple[str, ...], sql: str | None, list_: bool, fmt: str
) -> None:
    """Run a named query of queries/reports/, or any SQL, read-only against the warehouse."""
    from miner import query as queries

    if list_:
        if name is not None or sql is not None or params:
            raise click.UsageError("--list lists the named queries: give it alone")
        if fmt != "table":  # for scripts: one row per query, as any result is written
            click.echo(queries.render(queries.listing(), fmt, Console()), nl=False)
            return
        for q in queries.named_queries().values():
            args = " ".join(
                f"[--param {p}=...]" if p in queries.OPTIONAL_PARAMS else f"--param {p}=..."
                for p in q.params
            )
            click.echo(f"{q.name}  {args}".rstrip())
            click.echo(f"    {q.description}")
        return
    if name is None and sql is None:
        raise click.UsageError("give a query NAME or --sql (miner query --list shows the names)")
    if name is not None and sql is not None:
        raise click.UsageError("give a query NAME or --sql, not both (miner query --list)")
    if sql is not None and params:
        raise click.UsageError("--param goes with a named query, not --sql")
    # a table written to a file or a pipe keeps every character of every cell, at its natural
    # width (rich would fit it to 80 columns, cutting cells short); a terminal's fits the screen
    console = Console() if sys.stdout.isatty() else Console(width=_UNBOUNDED)
    # any SQL may read what a sync stored before any view was built (sync_runs, raw_*)
    with ctx.read(views=sql is None) as wh:
        if sql is not None:
            result = queries.run_sql(wh, sql)
        else:
            result = queries.run_named(wh, str(name), queries.parse_params(params))
    text = queries.render(result, fmt, console)
    if text is not None:
        click.echo(text, nl=False)


@cli.command()
@click.option(
    "--org", help="Organization to report on. Default: [github] org, else the only one synced."
)
@click.option(
    "--since", default="30d", show_default=True, help="Look back from as_of: 30d, 12h, 6w."
)
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]),
              help="The window's first day (UTC), instead of --since.")  # fmt: skip
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]),
              help="The day after the window's last (UTC); as_of at the latest, "
                   "its default.")  # fmt: skip
@click.option("--team", help="Only the PRs this team took part in (authored, reviewed, owned).")
@click.option("--repo", help="Only this repo (NAME or ORG/NAME).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(REPORT_FORMATS),
    default="table",
    show_default=True,
)
@click.option("--out", type=_Path(path_type=Path, dir_okay=False),
              help="Write it here; with no --format, in the format the name says (.html, .md, "
                   ".json, .csv).")  # fmt: skip
@click.option("--quiet", "-q", is_flag=True,
              help="Print errors only (for cron): not the line naming the --out file.")  # fmt: skip
@pass_context
def report(
    ctx: Context,
    org: str | None,
    since: str,
    start: datetime | None,
    end: datetime | None,
    team: str | None,
    repo: str | None,
    fmt: str,
    out: Path | None,
    quiet: bool,
) -> None:
    """Print where the time goes: review waits, approvals, handoffs, deploys, SLA breaches."""
    from miner.reports import data as reports
    from miner.reports.formats import RENDERERS
    from miner.reports.terminal import print_report, report_console

    if quiet:
        _route_warnings(quiet=True, json_lines=False)
    if end is not None and start is None:
        raise click.UsageError("--to goes with --from")
    given = click.get_current_context().get_parameter_source("since")
    if start is not None and given not in _DEFAULTED:
        raise click.UsageError(
            "give --since or --from, not both: each sets where the window starts"
        )
    if out is not None and click.get_current_context().get_parameter_source("fmt") in _DEFAULTED:
        # `--out report.html` alone: the format the file's name says, not the terminal's table
        fmt = _OUT_SUFFIXES.get(out.suffix.lower(), fmt)
    lookback = reports.parse_since(since)
    first = start.replace(tzinfo=UTC) if start else None
    last = end.replace(tzinfo=UTC) if end else None
    with ctx.read() as wh:
        name = org or ctx.config.github.org or reports.default_org(wh)
        where = reports.scope(wh, name, team, repo)
        data = reports.report_json(wh, where, lookback, first, last)
    if fmt == "table" and out is None:
        print_report(data, report_console())
        return
    text = RENDERERS[fmt](data)
    if out is not None:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise _cannot_write(exc, out, "the report ") from None
        if not quiet:
            _err(f"wrote the report to {out}")
    else:
        click.echo(text, nl=False)


@cli.command()
@click.option("--repo", help="Use the CODEOWNERS synced for this repo (NAME or ORG/NAME).")
@click.option(
    "--branch",
    help="With --repo: the CODEOWNERS of this branch (a PR's base), as mined from git; "
    "default: the default branch.",
)
@click.option(
    "--at",
    metavar="INSTANT",
    help="With --repo: the CODEOWNERS in force then (a date or an instant), as the views judged "
    "a PR ready at that time.",
)
@click.option(
    "--codeowners",
    "codeowners_file",
    type=_Path(path_type=Path, dir_okay=False, exists=True),
    help="Use this CODEOWNERS file.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(OWNERS_FORMATS),
    default="table",
    show_default=True,
)
@click.argument("paths", nargs=-1, required=True)
@pass_context
def owners(
    ctx: Context,
    repo: str | None,
    branch: str | None,
    at: str | None,
    codeowners_file: Path | None,
    fmt: str,
    paths: tuple[str, ...],
) -> None:
    """Say who owns each PATH by CODEOWNERS, and which line decided it.

    Without --repo or --codeowners, the CODEOWNERS of the git checkout the current folder is
    in (the first of .github/CODEOWNERS, CODEOWNERS, docs/CODEOWNERS, as GitHub looks), each
    PATH taken from the current folder as git takes it ("/" first: from the checkout's root,
    unless it is an absolute path inside the checkout on disk, which is that file).
    """
    from miner import owners_lookup

    if repo and codeowners_file:
        raise click.UsageError("give --repo or --codeowners, not both")
    if (branch is not None or at is not None) and not repo:
        raise click.UsageError("--branch and --at read a repo's CODEOWNERS history: add --repo")
    if repo and (branch is not None or at is not None):
        with ctx.read() as wh:
            rules = owners_lookup.from_history(wh, repo, ctx.config.github.org, branch, at)
    elif repo:
        with ctx.read() as wh:
            rules = owners_lookup.from_warehouse(wh, repo, ctx.config.github.org)
    else:
        rules = (
            owners_lookup.from_file(codeowners_file)
            if codeowners_file
            else (owners_lookup.from_checkout(Path.cwd()))
        )
    for error in rules.errors:
        if error.line == 0:  # the whole file: GitHub does not load it
            _err(f"{rules.source}: {error.reason}")
        else:
            _err(f"{rules.source}:{error.line}: skipped, as GitHub skips it: {error.reason}")
    click.echo(owners_lookup.render([rules.match(p) for p in paths], fmt))


@cli.command("serve-fixtures")
@click.argument("folder", type=_Path(path_type=Path, exists=True, file_okay=False))
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0: any free).")  # fmt: skip
@click.option(
    "--rate-limit", default=5000, show_default=True, type=click.IntRange(min=0),
    help="REST requests per window it allows; 0: rate limiting off, as an Enterprise Server has "
    "it by default (no rate-limit headers, no GraphQL rateLimit, GET /rate_limit 404).",
)  # fmt: skip
@click.option(
    "--graphql-rate-limit", default=5000, show_default=True, type=click.IntRange(min=1),
    help="GraphQL points per window it allows.",
)  # fmt: skip
@click.option(
    "--rate-limit-window", default=3600, show_default=True, type=click.IntRange(min=1),
    help="Seconds until each budget refills.",
)  # fmt: skip
@click.option(
    "--request-log",
    type=_Path(path_type=Path, dir_okay=False),
    help="Append one JSON line per request here.",
)
@click.option("--faults", help="Inject these faults, comma-separated: 500, 502, 503, secondary, "
              "429, primary, reset, truncated, slow.")  # fmt: skip
@click.option("--fault-every", default=7, show_default=True, type=click.IntRange(min=1),
              help="Every Nth API request fails with the next fault.")  # fmt: skip
@click.option("--retry-after", default=1, show_default=True, type=click.IntRange(min=0),
              help="Seconds the secondary and 429 faults ask the client to wait.")  # fmt: skip
def serve_fixtures(
    folder: Path,
    port: int,
    rate_limit: int,
    graphql_rate_limit: int,
    rate_limit_window: int,
    request_log: Path | None,
    faults: str | None,
    fault_every: int,
    retry_after: int,
) -> None:
    """Serve an API mirror folder as GitHub's REST and GraphQL APIs, and its git mirrors, on
    127.0.0.1."""
    from miner.fixtures_server import FaultPlan, FixtureServer

    if not any((folder / "orgs").glob("*.json")):
        raise NotAMirror(f"{folder}: no orgs/ORG.json: not an API mirror folder (see README)")
    try:
        plan = (
            FaultPlan(faults.split(","), fault_every, retry_after=retry_after) if faults else None
        )
    except ValueError as exc:
        raise click.UsageError(f"--faults {faults!r}: {exc}") from None
    server = FixtureServer(
        folder,
        port=port,
        rate_limit=rate_limit or None,
        graphql_rate_limit=graphql_rate_limit,
        rate_limit_window=rate_limit_window,
        request_log=request_log,
        faults=plan,
    )
    try:
        server.start()
    except OSError as exc:
        # the port taken, or the request log's folder missing: what and where
        where = exc.filename or f"127.0.0.1:{port}"
        raise MinerError(f"{where}: cannot serve: {_reason(exc)}") from None
    except ValueError as exc:  # as_of.txt that says no time
        raise MinerError(str(exc)) from None
    try:
        _err(f"serving {folder} at {server.url} (Ctrl-C stops)")
        server.serve_forever()  # until Ctrl-C, which it takes as its end
    except (KeyboardInterrupt, _Terminated):
        pass  # Ctrl-C before it began to wait, or a service manager's SIGTERM
    finally:
        server.stop()
    # Ctrl-C or SIGTERM is how it stops: no error, exit 0
    global _INTERRUPTED
    _INTERRUPTED = False
    _err("stopped")


@cli.command()
@click.option("--org", help="GitHub organization. Default: [github] org.")
@pass_context
def doctor(ctx: Context, org: str | None) -> None:
    """Check the config, token, scopes, rate limit and access to each repo; say what to fix."""
    from miner import doctor as checks

    # a repo or part refused is a FAIL line of its own, not also PyGithub's note of the 403;
    # its notes as it waits out a rate limit are named as sync names them
    _route_warnings(quiet=False, json_lines=False)
    if not checks.run(ctx.config, ctx.db, org, click.echo):
        raise MinerError("some checks failed: fix what they say, then run `miner doctor` again")


@cli.command("export")
@click.argument("folder", type=_Path(path_type=Path, file_okay=False))
@click.option(
    "--dialect",
    type=click.Choice(["spark", "trino"]),
    help="Also write the metric views as this engine's SQL over the Parquet, in FOLDER/sql/.",
)
@click.option(
    "--location",
    metavar="URI",
    help="Where the engine will find FOLDER's files (e.g. s3://lake/miner); default: FOLDER.",
)
@pass_context
def export_(ctx: Context, folder: Path, dialect: str | None, location: str | None) -> None:
    """Write the core tables, metric views and settings tables as Parquet (FOLDER/core/,
    metrics/ and settings/), partitioned by org, repo and month where a table has them."""
    from miner.export import export

    if location is not None and dialect is None:
        raise click.UsageError(
            "--location says where --dialect's SQL finds the files: add --dialect"
        )
    with ctx.read() as wh:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            written = export(wh, folder, dialect, location)
        except OSError as exc:
            raise _cannot_write(exc, folder, "the export ") from None
    _err(f"exported {len(written)} tables and views, {sum(written.values())} rows, to {folder}")
    if dialect is not None:
        _err(f"{dialect} SQL in {folder / 'sql' / dialect}: run its files in name order")


@cli.command("sample-org")
@click.argument("folder", type=_Path(path_type=Path, file_okay=False))
@click.option("--seed", default=7, show_default=True,
              help="The same seed writes the same org, byte for byte.")  # fmt: skip
@click.option("--prs", default=2000, show_default=True, type=click.IntRange(min=0),
              help="How many pull requests in all.")  # fmt: skip
@click.option("--repos", default=12, show_default=True, type=click.IntRange(min=1),
              help="How many repos (past the 12 named ones, web-app-2 and so on).")  # fmt: skip
def sample_org(folder: Path, seed: int, prs: int, repos: int) -> None:
    """Write the sample org `acme` as an API mirror folder, with its ground truth."""
    from miner.sample_org import generate

    try:
        summary = generate(folder, seed=seed, prs=prs, repos=repos)
    except OSError as exc:
        raise _cannot_write(exc, folder) from None
    _err(
        f"wrote {summary.org}: {counted(summary.repos, 'repo')}, {counted(summary.teams, 'team')}, "
        f"{summary.people} people, {counted(summary.prs, 'PR')} to {folder}"
    )


@cli.command()
@click.option(
    "--dir",
    "folder",
    type=_Path(path_type=Path, file_okay=False),
    default=Path("demo"),
    show_default=True,
    help="Where the sample org and warehouse go.",
)
def demo(folder: Path) -> None:
    """Build the sample org, sync it from a local GitHub-compatible server, print the report."""
    from miner.demo import run_demo
    from miner.reports.terminal import report_console

    try:
        run_demo(folder, report_console())
    except OSError as exc:
        raise _cannot_write(exc, folder) from None


# Wide enough for any table's natural width (rich lays a table out no wider than it needs).
_UNBOUNDED = 1_000_000

# The report format a file's name says, for `report --out` with no --format.
_OUT_SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".json": "json", ".csv": "csv"}
# Where an option's value came from when the user did not give it.
_DEFAULTED = (None, click.core.ParameterSource.DEFAULT, click.core.ParameterSource.DEFAULT_MAP)


def _reason(exc: OSError) -> str:
    """The OS's reason, as `ls` would say it: "No such file or directory"."""
    return exc.strerror or str(exc)


def _cannot_write(exc: OSError, where: Path, what: str = "") -> MinerError:
    """The one line for `what` ("the report ") that could not be written at `where`: the file
    the OS names, else `where`, and the OS's reason."""
    return MinerError(f"{exc.filename or where}: cannot write {what}there: {_reason(exc)}")


_DURATION = re.compile(r"(?P<n>\d+(?:\.\d+)?)(?P<unit>[smhd]?)")


def _seconds(option: str, text: str) -> float:
    """A duration as seconds: 90, 90s, 15m, 1h or 1d."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        hint = f"{text!r}: a duration such as 90s, 15m, 1h or 1d"
        raise click.BadParameter(hint, param_hint=option)
    return float(match["n"]) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match["unit"]]


# Set when Ctrl-C (SIGINT) or SIGTERM lands: whatever it turned into on its way up
# (KeyboardInterrupt, DuckDB's error for the statement it stopped, click's Abort), the command
# was interrupted; _SIGNAL says by which.
_INTERRUPTED = False
_SIGNAL = signal.SIGINT


class _Terminated(BaseException):
    """SIGTERM (`timeout`, `systemctl stop`, a CI job cancelled), stopping miner as Ctrl-C
    does: like a KeyboardInterrupt, no `except Exception` stops it on its way up, and every
    handler it passes runs (a rollback, the sync recording its run failed, saying why). Not
    a KeyboardInterrupt, which click would end with a blank line closing a ^C echo."""


def _on_interrupt(signum: int, frame: object) -> None:
    """Ctrl-C or SIGTERM: a KeyboardInterrupt, as Python's own handler raises for Ctrl-C (for
    SIGTERM, _Terminated), and the statement DuckDB runs stopped. Python runs this when DuckDB
    checks for signals during a statement, and DuckDB may carry on with it all the same; run
    elsewhere, no statement runs and the interrupt does nothing."""
    global _INTERRUPTED, _SIGNAL
    _INTERRUPTED = True
    _SIGNAL = signal.Signals(signum)
    stop = _Terminated("stopped by SIGTERM") if _SIGNAL == signal.SIGTERM else KeyboardInterrupt()
    interrupt_all(stop)
    # a DuckDB error already on its way up stands for the signal: a KeyboardInterrupt now would
    # cut short the handlers it passes (a rollback, the sync recording its run as failed)
    if not isinstance(sys.exception(), duckdb.Error):
        raise stop


def main() -> None:
    global _JSON_ERRORS
    # errors before the sync command runs (a bad config, a bad option) are JSON lines too
    args = sys.argv[1:]
    _JSON_ERRORS = "--log-format=json" in args or any(
        pair == ("--log-format", "json") for pair in itertools.pairwise(args)
    )
    signal.signal(signal.SIGINT, _on_interrupt)
    signal.signal(signal.SIGTERM, _on_interrupt)
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except (Exception, KeyboardInterrupt, _Terminated) as exc:
        if _INTERRUPTED or isinstance(exc, KeyboardInterrupt | _Terminated):
            _exit_interrupted(echoed=isinstance(exc, click.exceptions.Abort))
        if isinstance(exc, click.ClickException):
            if _JSON_ERRORS:
                _error_line(exc.format_message())
            else:
                exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort):
            if _JSON_ERRORS:
                _error_line("Aborted.")
            else:
                _err("Aborted.")
            sys.exit(EXIT_FAILED)
        if _out_of_memory(exc):
            _error_line(_out_of_memory_message(_at_memory_ceiling(exc)))
            sys.exit(EXIT_FAILED)
        full = _disk_full(exc)
        if full is not None:
            _error_line(full)
            sys.exit(EXIT_FAILED)
        if isinstance(exc, MinerError):
            # a config's every mistake a line of its own, each `Error: FILE: KEY ...`
            for line in exc.lines if isinstance(exc, ConfigError) else (str(exc),):
                _error_line(line)
            sys.exit(exc.exit_code)
        raise
    if _INTERRUPTED:
        # Ctrl-C landed while a DuckDB error was being handled (see _on_interrupt) and the
        # command went on to finish: it was interrupted all the same
        _exit_interrupted(echoed=False)


def _exit_interrupted(*, echoed: bool) -> None:
    """Ctrl-C's (or SIGTERM's) one line and exit code. `echoed`: click has ended the terminal's
    ^C line."""
    # every transaction is whole: what was committed before stays, the rest is undone; a
    # command that only reads (a report, serve-fixtures) has nothing to say of it
    kept = ": the warehouse keeps every step finished before it" if opened_for_writing() else ""
    if _SIGNAL == signal.SIGTERM:
        _error_line(f"stopped by SIGTERM{kept}")
        sys.exit(EXIT_TERMINATED)
    if not echoed and not _JSON_ERRORS:
        _err("")  # closes the terminal's ^C echo, as click does for its Abort
    _error_line(f"interrupted{kept}")
    sys.exit(EXIT_INTERRUPTED)


def _chain(exc: BaseException) -> list[BaseException]:
    """The error, the one it was raised from or while handling, and so on."""
    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and seen not in chain:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    return chain


def _disk_full(exc: BaseException) -> str | None:
    """The one line for a disk (or quota) that filled up under DuckDB or miner, whatever the
    error it came up as (DuckDB's IO error, or the commit it made fail); None for any other."""
    for e in _chain(exc):
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            return f"{e.filename or 'the disk'}: no space left on the device: {_FULL_FIX}"
        if isinstance(e, duckdb.Error) and "No space left on device" in str(e):
            where = re.search(r'file "([^"]+)"', str(e))
            return (
                f"{where.group(1) if where else 'the warehouse'}: no space left on the device: "
                f"{_FULL_FIX}"
            )
    return None


# What to do once the disk filled up: nothing stored before is lost (each batch is one
# transaction), and the next run goes on from there.
_FULL_FIX = (
    "free space (or set [warehouse] path elsewhere), then run it again: what was stored stays"
)


def _out_of_memory(exc: BaseException) -> bool:
    """Whether DuckDB ran out of memory, the error raised as it is or behind one it caused."""
    return any(isinstance(e, duckdb.OutOfMemoryException) for e in _chain(exc))


def _at_memory_ceiling(exc: BaseException) -> bool:
    """Whether DuckDB ran out of memory after miner had raised its limit as far as it goes."""
    return any(AT_MEMORY_CEILING in getattr(e, "__notes__", ()) for e in _chain(exc))


def _out_of_memory_message(at_ceiling: bool = False) -> str:
    """What to do when DuckDB ran out of memory: the config's limit, and where to raise it; or,
    when miner had raised it to the most the machine allows, that no setting helps."""
    config = _CONFIG or Config()
    where = f"{config.source}: " if config.source else ""
    if at_ceiling:
        return (
            f"{where}DuckDB ran out of memory although miner had raised its limit from "
            f"[warehouse] memory_limit = {config.warehouse.memory_limit!r} to "
            f"{warehouse.memory_ceiling() // 2**20} MiB, 80% of this machine's memory: run it on a "
            "machine with more memory"
        )
    default = "" if config.source else f" (the default; set it in {DEFAULT_CONFIG})"
    return (
        f"{where}[warehouse] memory_limit = {config.warehouse.memory_limit!r}{default}: DuckDB "
        'ran out of memory within it; raise it (say to "1GB")'
    )
