"""The DuckDB warehouse: one file, a versioned schema, the raw layer, cursors and sync runs."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pyarrow as pa

from miner import __version__
from miner.config import DEFAULT_MEMORY_LIMIT, MIN_MEMORY_LIMIT, size_bytes
from miner.errors import MinerError
from miner.git_history import HistoryChunk
from miner.raw import RESOURCES, CursorUpdate, RawBatch
from miner.sql_files import sql_string

# The oldest on-disk format in use among the DuckDB clients our users open the warehouse with
# (the pip `duckdb-cli` 1.5.x reads storage versions up to v1.4.0's); newer formats lock them out.
STORAGE_VERSION = "v1.4.0"
_ALIAS = "wh"


def _raw_table_sql(resource: str) -> str:
    return f"""
        create table raw_{resource} (
            key varchar not null,
            org varchar not null,
            repo varchar,
            parent varchar,
            payload json not null,
            fetched_at timestamptz not null,
            sync_run integer not null
        )"""


# Each migration takes the schema from version N-1 to N; a new one is appended, never edited.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """create table sync_runs (
            id integer primary key,
            kind varchar not null,          -- sync | import
            org varchar,
            source varchar,                 -- the API URL or mirror folder
            started_at timestamptz not null,
            finished_at timestamptz,
            status varchar not null,        -- running | ok | failed | stopped
            requests integer not null default 0,
            as_of timestamptz,              -- the server's clock (or as_of.txt) when data was taken
            error varchar,
            miner_version varchar
        )""",
        """create table cursors (
            org varchar not null,
            repo varchar not null,          -- '' for org-wide resources
            resource varchar not null,
            value varchar,
            etag varchar,
            updated_at timestamptz not null,
            primary key (org, repo, resource)
        )""",
        *(
            _raw_table_sql(r)
            for r in (
                "orgs",
                "repos",
                "members",
                "teams",
                "team_members",
                "pulls",
                "reviews",
                "timeline",
                "files",
                "commits",
                "comments",
                "contents",
            )
        ),
    ),
    tuple(_raw_table_sql(r) for r in ("deployments", "deployment_statuses", "workflow_runs")),
    # What git itself says, typed as git wrote it (miner/git_history.py): one row per commit
    # reachable from the default branch of a repo's mirror, and one per file a commit changed.
    (
        """create table raw_git_commits (
            org varchar not null,
            repo varchar not null,
            sha varchar not null,
            parents varchar[] not null,
            author_name varchar,
            author_email varchar,           -- after the repository's .mailmap
            authored_at timestamptz,
            committer_name varchar,
            committer_email varchar,
            committed_at timestamptz,
            sync_run integer not null
        )""",
        """create table raw_git_files (
            org varchar not null,
            repo varchar not null,
            sha varchar not null,
            path varchar not null,
            added integer,                  -- NULL for a binary file
            deleted integer
        )""",
    ),
    (
        # a repo's tags as its mirror has them: the commit each points at, and when it was made
        # (an annotated tag's tagger date, else the commit's committer date)
        """create table raw_git_tags (
            org varchar not null,
            repo varchar not null,
            tag varchar not null,
            sha varchar not null,
            tagged_at timestamptz
        )""",
    ),
    (
        # each change to a CODEOWNERS file along a repo's default branch (first parents): the
        # commit, when it was committed, and the file's text after it (NULL: deleted)
        """create table raw_git_codeowners (
            org varchar not null,
            repo varchar not null,
            sha varchar not null,
            committed_at timestamptz,
            path varchar not null,
            text varchar
        )""",
    ),
    # the commit's place on the first-parent line (oldest 0): commits of one second keep order
    ("alter table raw_git_codeowners add column seq integer",),
    # GitHub's dependency graph of a repo as an SPDX SBOM (GET .../dependency-graph/sbom)
    (_raw_table_sql("sbom"),),
    # the manifests of a repo's workspace members (npm, Cargo, Maven modules) at its default
    # branch's tip, read from its git mirror
    (
        """create table raw_git_manifests (
            org varchar not null,
            repo varchar not null,
            path varchar not null,
            sha varchar not null,
            text varchar
        )""",
    ),
    # what a cron job's morning check wants of each run: GraphQL points spent, repos that failed
    (
        "alter table sync_runs add column points integer not null default 0",
        "alter table sync_runs add column repos_failed integer not null default 0",
    ),
    # each name a repo had before GitHub renamed it, and its name now: references written
    # before the rename (`acme/old#12`) still find it
    (
        """create table repo_renames (
            org varchar not null,
            old_name varchar not null,
            new_name varchar not null,
            renamed_at timestamptz not null -- when a sync first saw the new name
        )""",
    ),
    # every repo id GitHub ever listed, with the name it had when last listed (NULL: another
    # repo has taken that name since): a repo missing from one listing and renamed meanwhile is
    # still known by its id
    (
        """create table repo_ids (
            org varchar not null,
            id bigint not null,
            name varchar,
            listed_at timestamptz not null,
            primary key (org, id)
        )""",
    ),
    # the branch whose first-parent line a CODEOWNERS change is on: NULL for the default
    # branch (as every row before this was), else another branch PRs are based on
    ("alter table raw_git_codeowners add column branch varchar",),
    # the sync run that first found a repo missing from the org's listing (deleted, transferred
    # to another owner, or out of the token's reach): its open work ends then (repos.sql)
    ("alter table repo_ids add column unlisted_run integer",),
    # every file on a repo's default branch at its tip, read from its git mirror at each sync:
    # a path deleted or moved away is no longer anyone's to own (ownership_drift)
    (
        """create table raw_git_tree (
            org varchar not null,
            repo varchar not null,
            path varchar not null
        )""",
    ),
    # each co-author a commit's Co-authored-by trailers name (GitHub credits them with the
    # commit), after the repository's .mailmap. The history mined before is mined again whole
    # at the next sync, to find its co-authors (and to write its paths' bytes that are not
    # UTF-8 as \xNN, as miner now does, not as U+FFFD)
    (
        """create table raw_git_co_authors (
            org varchar not null,
            repo varchar not null,
            sha varchar not null,
            name varchar,
            email varchar not null
        )""",
        "delete from cursors where resource = 'git/history'",
    ),
    # the earlier attempts of re-run workflow runs (GET .../actions/runs/{id}/attempts/{n}):
    # GitHub lists only a run's latest attempt, so the time a PR waited on a failed attempt
    # before its re-run was not seen; the next sync fetches those of the runs stored
    (_raw_table_sql("workflow_run_attempts"),),
)


@dataclass(frozen=True)
class Cursor:
    value: str | None
    etag: str | None


_log = logging.getLogger(__name__)

# The tables holding what was fetched of each repo, by its name (a rename moves their rows).
_RAW_TABLES = tuple(f"raw_{r}" for r in RESOURCES)
_REPO_TABLES = (
    *_RAW_TABLES,
    "raw_git_commits",
    "raw_git_files",
    "raw_git_co_authors",
    "raw_git_tags",
    "raw_git_codeowners",
    "raw_git_manifests",
    "raw_git_tree",
)
# The error of a run found still 'running' when a later one starts (see start_run).
INTERRUPTED_RUN = (
    "interrupted: its process ended without recording the end of the run (killed, or the "
    "machine stopped); a later run found it unfinished"
)
# DuckDB's answer when another process holds the file: "Conflicting lock is held in PROGRAM
# (PID N)".
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (.+?) \(PID (\d+)\)")
T = TypeVar("T")


def memory_ceiling() -> int:
    """The most working memory miner lets DuckDB grow to: DuckDB's own default, 80% of the RAM,
    or of a container's memory limit (cgroup v2) where that is lower."""
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        ram = 10 * 2**30
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        ram = min(ram, int(limit)) if limit.isdigit() else ram
    except OSError:
        pass
    return int(ram * 0.8)


# Added to an out-of-memory error raised although the limit had grown to memory_ceiling(): no
# setting helps then (see cli._out_of_memory_message).
AT_MEMORY_CEILING = "miner had raised DuckDB's memory limit to its ceiling"


def interrupt_all(stop: BaseException) -> None:
    """Stop the statement each open warehouse runs (Ctrl-C or SIGTERM: see cli._on_interrupt).
    DuckDB may carry on with the statement all the same, and swallow the exception the signal
    raised in it: then `stop` is raised as the next transaction begins, so the command stops
    there rather than finish as if nothing had been asked."""
    _STOP[:] = [stop]
    _SIGNALLED[:] = [stop]
    for wh in list(_OPEN):
        with contextlib.suppress(duckdb.Error):  # closed meanwhile
            wh.con.interrupt()


class Warehouse:
    """An open warehouse file. Use `Warehouse.open(path)`; close it (or use `with`)."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, path: Path, memory_limit: int | None = None
    ) -> None:
        self.con = con
        self.path = path
        # DuckDB's working memory now (None: DuckDB's default); see retrying()
        self.memory_limit = memory_limit
        self._depth = 0  # open transactions: inside one, only the outermost work can retry
        _OPEN.add(self)

    def retrying(self, work: Callable[[], T]) -> T:
        """Run `work`; when DuckDB runs out of memory, double its memory limit (up to 80% of
        RAM, DuckDB's own default) and run it again. Sorts, joins and aggregates spill to disk
        past the limit, but a scan cannot: it reads 2,048 rows at a time per thread, and 2,048
        payloads of a repo whose PR bodies are long can outgrow a limit chosen to keep a nightly
        sync small. `work` must be safe to repeat (a query, a whole transaction). Inside an
        open transaction the error goes up as it is: DuckDB has aborted that transaction, so
        only the work that opened it can run again."""
        while True:
            try:
                return work()
            except duckdb.OutOfMemoryException as exc:
                if self._depth:
                    raise
                if not self._more_memory():
                    if self.memory_limit is None or self.memory_limit >= memory_ceiling():
                        exc.add_note(AT_MEMORY_CEILING)
                    raise

    def _more_memory(self) -> bool:
        ceiling = memory_ceiling()
        if self.memory_limit is None or self.memory_limit >= ceiling:
            return False
        # twice as much, and never less than the config allows: twice nothing is nothing
        more = min(max(self.memory_limit * 2, size_bytes(MIN_MEMORY_LIMIT)), ceiling)
        self.con.execute(f"set memory_limit = '{more // 2**20}MiB'")
        _log.warning(
            "%s: a query needed more than %d MiB of working memory; DuckDB may now use %d MiB "
            "for the rest of this run ([warehouse] memory_limit)",
            self.path, self.memory_limit // 2**20, more // 2**20,
        )  # fmt: skip
        self.memory_limit = more
        return True

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        read_only: bool = False,
        memory_limit: str | None = DEFAULT_MEMORY_LIMIT,
        command: str | None = None,
    ) -> Warehouse:
        """Open (creating if needed) and migrate the warehouse at `path`. DuckDB works within
        `memory_limit` (a size such as "256MB"; None: DuckDB's default, 80% of RAM), spilling
        past it to the folder `<path>.tmp`. `command` is what the user ran ("miner report"),
        named when another process holds the file."""
        path = Path(path)
        if read_only and not path.exists():
            raise MinerError(f"{path}: no warehouse here yet: run `miner sync` or `miner import`")
        settings: dict[str, str | bool | int | float | list[str]] = {}
        if memory_limit is not None:
            settings = {"memory_limit": memory_limit, "temp_directory": f"{path}.tmp"}
        try:
            con = duckdb.connect(config=settings)
        except duckdb.Error as exc:
            raise MinerError(
                f"[warehouse] memory_limit = {memory_limit!r}: {_first_line(exc)}"
            ) from exc
        options = ["read_only"] if read_only else [f"storage_version '{STORAGE_VERSION}'"]
        try:
            con.execute(f"attach '{sql_string(str(path))}' as {_ALIAS} ({', '.join(options)})")
        except duckdb.IOException as exc:
            con.close()
            holder = _LOCK_HOLDER.search(str(exc))
            if holder:
                # a reader is kept out only by a writer: a sync, import or rebuild, or a DuckDB
                # shell opened as `duckdb FILE`, which opens it for writing
                why = (
                    "it has the file open for writing (a miner sync, import or rebuild, or a "
                    "DuckDB shell opened without -readonly), and no other process reads it "
                    "meanwhile"
                    if read_only
                    else "one miner writes a warehouse at a time, and no other process reads it "
                    "meanwhile"
                )
                raise MinerError(
                    f"{path}: in use by process {holder.group(2)} ({holder.group(1)}): {why}; "
                    f"run {f'`{command}`' if command else 'it'} again once it has finished"
                ) from exc
            raise MinerError(f"{path}: cannot open the warehouse: {_first_line(exc)}") from exc
        con.execute(f"use {_ALIAS}")
        con.execute("set timezone = 'UTC'")
        wh = cls(con, path, size_bytes(memory_limit) if memory_limit is not None else None)
        if not read_only:
            _WRITING[:] = [True]
            wh._migrate()
        return wh

    def close(self) -> None:
        _OPEN.discard(self)
        self.con.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ------------------------------------------------------------------------------

    def schema_version(self) -> int:
        exists = self.con.execute(
            "select count(*) from duckdb_tables() "
            "where database_name = ? and table_name = 'schema_version'",
            [_ALIAS],
        ).fetchone()
        if not exists or not exists[0]:
            return 0
        row = self.con.execute("select max(version) from schema_version").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def _migrate(self) -> None:
        current = self.schema_version()
        if current > len(MIGRATIONS):
            raise MinerError(
                f"{self.path}: this warehouse has schema version {current}, written by a newer "
                f"miner; this miner ({__version__}) knows up to {len(MIGRATIONS)}: upgrade miner"
            )
        if current == len(MIGRATIONS):
            return
        if current > 0:
            self._back_up(current)
        with self.transaction():
            if current == 0:
                self.con.execute(
                    "create table if not exists schema_version "
                    "(version integer not null, applied_at timestamptz not null, "
                    "miner_version varchar)"
                )
                self.con.execute("create sequence if not exists sync_run_ids start 1")
            for version in range(current + 1, len(MIGRATIONS) + 1):
                for statement in MIGRATIONS[version - 1]:
                    self.con.execute(statement)
                self.con.execute(
                    "insert into schema_version values (?, ?, ?)", [version, _now(), __version__]
                )

    def backup_path(self, version: int) -> Path:
        """Where the warehouse is copied before it leaves schema `version`."""
        return self.path.with_name(f"{self.path.name}.schema{version}.bak")

    def _back_up(self, version: int) -> None:
        """A copy of the whole file before a migration changes it: a miner that fails midway,
        or a user going back to the older miner, still has the warehouse as it was."""
        self.con.execute("checkpoint")  # everything in the file itself, nothing in the WAL
        target = self.backup_path(version)
        partial = target.with_name(target.name + ".partial")
        try:
            # copied whole, then named: a copy cut short (a full disk) never looks like a backup
            shutil.copy2(self.path, partial)
            os.replace(partial, target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise MinerError(
                f"{self.path}: could not back it up to {target} before upgrading its schema "
                f"from version {version}: {exc.strerror or exc}"
            ) from exc

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if _STOP:
            raise _STOP.pop()  # a Ctrl-C or SIGTERM DuckDB swallowed (see interrupt_all)
        self.con.execute("begin transaction")
        self._depth += 1
        try:
            yield
        except BaseException:
            self.con.execute("rollback")
            raise
        finally:
            self._depth -= 1
        self.con.execute("commit")

    # -- sync runs ---------------------------------------------------------------------------

    def start_run(self, kind: str, org: str | None, source: str) -> int:
        """Record a new run. A run still 'running' now is one whose process ended without
        recording its end (killed, or its machine stopped): one process writes the warehouse
        at a time, so it is not running anymore. It is recorded as failed, saying so."""
        self.con.execute(
            "update sync_runs set status = 'failed', error = ? where status = 'running'",
            [INTERRUPTED_RUN],
        )
        row = self.con.execute("select nextval('sync_run_ids')").fetchone()
        assert row is not None
        run_id = int(row[0])
        self.con.execute(
            "insert into sync_runs (id, kind, org, source, started_at, status, miner_version) "
            "values (?, ?, ?, ?, ?, 'running', ?)",
            [run_id, kind, org, source, _now(), __version__],
        )
        return run_id

    def finish_run(
        self,
        run_id: int,
        *,
        status: str | None,
        requests: int = 0,
        as_of: datetime | None = None,
        error: str | None = None,
        points: int = 0,
        repos_failed: int = 0,
    ) -> None:
        """Record what a run fetched and, with a `status`, that it ended so. With none, before
        its rebuild (which reads its as_of), it stays 'running' until end_run: a rebuild the
        process does not live through (killed, a disk full) is not left recorded 'ok', and the
        next run records it failed."""
        self._record_run(
            "update sync_runs set requests = ?, as_of = ?, error = ?, points = ?, "
            "repos_failed = ? where id = ?",
            [requests, as_of, error, points, repos_failed, run_id],
        )
        if status is not None:
            self.end_run(run_id, status)

    def end_run(self, run_id: int, status: str) -> None:
        """A run's end: its status (a sync's 'ok' or 'partial' once its rebuild is done) and
        when it ended."""
        self._record_run(
            "update sync_runs set finished_at = ?, status = ? where id = ?",
            [_now(), status, run_id],
        )

    def has_table(self, name: str) -> bool:
        """Whether the warehouse has the table `name` (in its main schema)."""
        return bool(self.query(
            "select count(*) from duckdb_tables() where database_name = current_database() "
            "and schema_name = 'main' and table_name = ?",
            [name],
        )[0][0])  # fmt: skip

    def org_spelling(self, org: str) -> str:
        """The org as the warehouse already spells it (`org` itself if it holds none such):
        GitHub's logins compare without case, and `--org ACME` one night and `acme` the next
        are one org, not two."""
        stored = self.query("select distinct org from raw_orgs where lower(org) = lower(?)", [org])
        return str(stored[0][0]) if len(stored) == 1 else org

    def rename_run_org(self, run_id: int, org: str) -> None:
        """The org of a run as GitHub spells it, once the run has learned it (sync._respelled)."""
        self.con.execute("update sync_runs set org = ? where id = ?", [org, run_id])

    def fail_run(self, run_id: int, error: str) -> None:
        """A run that fetched and stored all it meant to, then failed (its rebuild): what it
        stored and its as_of stay, and the next run or `miner rebuild` builds the views."""
        self._record_run(
            # the repos it failed to read, if any, stay named after the rebuild's error
            "update sync_runs set finished_at = ?, status = 'failed', "
            "error = ? || coalesce('; ' || error, '') where id = ?",
            [_now(), error, run_id],
        )

    def _record_run(self, sql: str, params: list[Any]) -> None:
        """Record how a run ended, even as a Ctrl-C or SIGTERM stops it (cli._on_interrupt):
        the interrupt may land in this very statement, or have left the connection inside a
        transaction it aborted. Outside any transaction of ours, that one is rolled back and
        the record sent again, once, so the run is not left 'running'. A transaction open
        outside ours (an interrupt landing just after its `begin`, before transaction() guards
        it) is rolled back first: the record would go with it when the process exits."""
        for last in (False, True):
            if not self._depth:
                with contextlib.suppress(duckdb.Error):  # no transaction open: nothing to undo
                    self.con.execute("rollback")
            try:
                self.con.execute(sql, params)
                return
            except duckdb.Error:
                if self._depth or last:
                    raise

    # -- cursors -----------------------------------------------------------------------------

    def cursor(self, org: str, repo: str, resource: str) -> Cursor:
        row = self.con.execute(
            "select value, etag from cursors where org = ? and repo = ? and resource = ?",
            [org, repo, resource],
        ).fetchone()
        return Cursor(row[0], row[1]) if row else Cursor(None, None)

    def _save_cursors(self, updates: Sequence[CursorUpdate]) -> None:
        if not updates:
            return
        updates = list({(u.org, u.repo, u.resource): u for u in updates}.values())
        rows = pa.table(
            {
                "org": [u.org for u in updates],
                "repo": [u.repo for u in updates],
                "resource": [u.resource for u in updates],
                "value": pa.array([u.value for u in updates], pa.string()),
                "etag": pa.array([u.etag for u in updates], pa.string()),
            }
        )
        with self._registered(_cursors=rows):
            self.con.execute(
                "insert or replace into cursors select org, repo, resource, value, etag, ? "
                "from _cursors",
                [_now()],
            )

    # -- the raw layer -----------------------------------------------------------------------

    def save_cursor(self, update: CursorUpdate) -> None:
        """One cursor on its own, in its own transaction."""
        with self.transaction():
            self._save_cursors([update])

    def store(self, batch: RawBatch, run_id: int) -> None:
        """Store one batch and its cursors in a single transaction.

        Every raw table holds one row per (org, key): an upsert deletes the keys it brings, a
        scope replace the whole scope, before inserting. Core SQL relies on it and does not
        deduplicate again."""
        with self.transaction():
            self._store(batch, run_id)
            self._save_cursors(batch.cursors)

    def store_all(self, batches: Sequence[RawBatch], run_id: int) -> None:
        """Store several batches (a PR and its details, say) in one transaction."""
        with self.transaction():
            for batch in batches:
                self._store(batch, run_id)
                self._save_cursors(batch.cursors)

    def _store(self, batch: RawBatch, run_id: int) -> None:
        table = f"raw_{batch.resource}"
        fetched_at = _now()
        # the org's repos as GitHub listed them before: a new listing may rename some
        listed = self._repo_names(batch.org) if batch.resource == "repos" else None
        if batch.replace is not None:
            self._delete_scope(table, batch.org, batch.replace.repo, batch.replace.parents)
        if batch.gone:
            self.con.execute(
                f"delete from {table} where org = ? and list_contains(?, key)",
                [batch.org, list(batch.gone)],
            )
        if not batch.items:
            return
        # GitHub can list an object twice when it changes while pages are read: the last wins.
        items = list({i.key: i for i in batch.items}.values())
        rows = pa.table(
            {
                "key": [i.key for i in items],
                "parent": [i.parent for i in items],
                "payload": [i.payload for i in items],
            }
        )
        with self._registered(_batch=rows):
            if batch.replace is None:
                self.con.execute(f"delete from {table} where key in (select key from _batch)")
            self.con.execute(
                f"insert into {table} select key, ?, ?, parent, payload::json, ?, ? from _batch",
                [batch.org, batch.repo, fetched_at, run_id],
            )
        if listed is not None and batch.replace is not None:
            self._follow_renames(batch.org, listed, run_id)

    def _repo_names(self, org: str) -> dict[int, str | None]:
        """The name each repo of the org last had by GitHub's id, which a rename keeps: from
        repo_ids, every id ever listed (a repo missing from one listing keeps its name there;
        None: another repo has taken it since), over the stored listing (a warehouse from
        before repo_ids)."""
        names: dict[int, str | None] = {**self._listed_repos(org)}
        ids = self.con.execute("select id, name from repo_ids where org = ?", [org]).fetchall()
        names.update(ids)
        return names

    def _listed_repos(self, org: str) -> dict[int, str]:
        rows = self.con.execute(
            "select try_cast(payload ->> 'id' as bigint) as id, payload ->> 'full_name' "
            "from raw_repos where org = ? and id is not null",
            [org],
        ).fetchall()
        return dict(rows)

    def _follow_renames(self, org: str, before: dict[int, str | None], run_id: int) -> None:
        """Move what is stored of each repo GitHub now lists under a new name (the same id) to
        that name, in the transaction storing the listing: its history is not fetched again
        under the new name, nor counted twice. Through a placeholder name, so two repos that
        swapped names move too. A name now held by another repo than before (renamed into, or
        a new repo's) keeps nothing of the repo that held it (deleted, or renamed while it was
        not listed: it is fetched anew if it shows up again)."""
        after = self._listed_repos(org)
        moves = [
            (old, after[i])
            for i in sorted(before.keys() & after.keys())
            if (old := before[i]) is not None and old != after[i]
        ]
        for n, (old, new) in enumerate(moves):
            _log.warning(
                "%s is now %s on GitHub: what was stored of it moves to that name", old, new
            )
            self._move_repo(org, old, f"\0renamed/{n}")
        holders = {name.lower(): i for i, name in before.items() if name is not None}
        for i, name in after.items():
            if holders.get(name.lower(), i) != i:
                self._forget(org, name)
        for n, (old, new) in enumerate(moves):
            # what is still under the new name was a repo's that no id here names (deleted
            # before miner kept ids, say): the moving repo's own rows wait under the placeholder
            self._forget(org, new)
            self._move_repo(org, f"\0renamed/{n}", new)
            self._record_rename(org, old, new)
        # every id as listed now; one not listed whose name a listed repo has taken has lost it
        listed = pa.table(
            {"id": pa.array(list(after), pa.int64()), "name": pa.array(list(after.values()))}
        )
        with self._registered(_listed=listed):
            self.con.execute(
                "insert or replace into repo_ids (org, id, name, listed_at, unlisted_run) "
                "select ?, id, name, ?, null from _listed",
                [org, _now()],
            )
            # an id listed before and not now: gone since the last listing, noticed by this run
            self.con.execute(
                "update repo_ids set unlisted_run = ? where org = ? and unlisted_run is null "
                "and id not in (select id from _listed)",
                [run_id, org],
            )
            self.con.execute(
                "update repo_ids set name = null where org = ? "
                "and id not in (select id from _listed) "
                "and lower(name) in (select lower(name) from _listed)",
                [org],
            )

    def drop_old_names(self, org: str) -> None:
        """Repos renamed before miner followed renames were fetched again under their new
        names, their rows under the old ones left behind: PRs counted twice. A stored repo no
        listing names now (letter case included) whose PRs are all a listed repo's (the same
        GitHub id, which is global, number and creation) is such an old name: its rows go, and
        the rename is recorded (references by it still find it). Checked again only once the
        org's stored PRs change."""
        with self.transaction():
            listed = (
                "select payload ->> 'full_name' from raw_repos where org = $org "
                "union select name from repo_ids where org = $org and name is not null"
            )
            unlisted = [
                r[0]
                for r in self.con.execute(
                    "select distinct repo from raw_pulls where org = $org "
                    f"and repo not in ({listed})",
                    {"org": org},
                ).fetchall()
            ]
            if not unlisted:  # the common case, and a column scan: no payload is parsed
                return
            count = self.con.execute(
                "select count(*) from raw_pulls where org = ?", [org]
            ).fetchall()[0][0]
            mark = CursorUpdate(org, "", "renames/checked_pulls", str(count))
            if self.cursor(org, "", mark.resource).value == mark.value:
                return  # nothing stored since the last look found no old name
            pairs = self.con.execute(
                f"""
                with ids as (
                    select repo, payload ->> 'id' as pr_id, payload ->> 'number' as number,
                        payload ->> 'created_at' as created_at
                    from raw_pulls
                    where org = $org
                ),
                old_prs as (
                    select repo, count(*) as prs from ids
                    where list_contains($unlisted, repo) group by repo
                ),
                shared as (
                    -- the same PR: its id, number and creation (ids alone may collide in a
                    -- mirror folder written by hand)
                    select o.repo as old, n.repo as new, count(*) as prs
                    from ids as o
                    join ids as n using (pr_id, number, created_at)
                    where list_contains($unlisted, o.repo) and n.repo in ({listed})
                    group by all
                )
                -- every PR of the old name is the new name's: a rename, not a coincidence
                select s.old, arg_max(s.new, s.prs)
                from shared as s
                join old_prs as p on p.repo = s.old and p.prs = s.prs
                group by s.old
                order by s.old
                """,
                {"org": org, "unlisted": unlisted},
            ).fetchall()
            for old, new in pairs:
                _log.warning(
                    "%s: its PRs are %s's (renamed before miner followed renames): the copy "
                    "under the old name goes", old, new,
                )  # fmt: skip
                # exactly this name: a copy left by a change of case sits beside its repo
                self._drop_rows(org, old, any_case=False)
                self.con.execute(
                    "update repo_renames set new_name = ? where org = ? and new_name = ?",
                    [new, org, old],
                )
                self._record_rename(org, old, new)
            if pairs:  # counted again: what went is not a change to look at next time
                count = self.con.execute(
                    "select count(*) from raw_pulls where org = ?", [org]
                ).fetchall()[0][0]
                mark = CursorUpdate(org, "", mark.resource, str(count))
            self._save_cursors([mark])

    def _forget(self, org: str, name: str) -> None:
        """Drop every row stored under repo `name` (any letter case) and the old names that
        led to it."""
        self._drop_rows(org, name, any_case=True)
        self.con.execute(
            "delete from repo_renames where org = ? and lower(new_name) = lower(?)", [org, name]
        )

    def _drop_rows(self, org: str, name: str, *, any_case: bool) -> None:
        """Drop what was fetched of repo `name`: raw rows, git tables, cursors."""
        same = "lower(repo) = lower(?)" if any_case else "repo = ?"
        for table in (*_REPO_TABLES, "cursors"):
            self.con.execute(f"delete from {table} where org = ? and {same}", [org, name])

    def _record_rename(self, org: str, old: str, new: str) -> None:
        """`old` is now `new`: one row per old name (any letter case), the latest."""
        self.con.execute(
            "delete from repo_renames where org = ? and lower(old_name) = lower(?)", [org, old]
        )
        self.con.execute("insert into repo_renames values (?, ?, ?, ?)", [org, old, new, _now()])

    def _move_repo(self, org: str, old: str, new: str) -> None:
        """Every row stored of repo `old` now of repo `new`; an earlier name of it too (a
        chain of renames: a, then b, now c)."""
        self.con.execute(
            "update repo_renames set new_name = ? where org = ? and new_name = ?", [new, org, old]
        )
        for table in _REPO_TABLES:
            # a raw payload's key starts with its repo's name (raw.item_key)
            key = ", key = ? || substr(key, length(?) + 1)" if table in _RAW_TABLES else ""
            self.con.execute(
                f"update {table} set repo = ?{key} where org = ? and repo = ?",
                [new, *([new, old] if key else []), org, old],
            )
        self.con.execute("update cursors set repo = ? where org = ? and repo = ?", [new, org, old])

    def _delete_scope(
        self, table: str, org: str, repo: str | None, parents: Sequence[str | None]
    ) -> None:
        named = [p for p in parents if p is not None]
        if named:
            self.con.execute(
                f"delete from {table} where org = ? and repo is not distinct from ? "
                "and list_contains(?, parent)",
                [org, repo, named],
            )
        if len(named) < len(parents):
            self.con.execute(
                f"delete from {table} where org = ? and repo is not distinct from ? "
                "and parent is null",
                [org, repo],
            )

    def store_git_history(
        self,
        org: str,
        repo: str,
        chunks: Iterable[HistoryChunk],
        *,
        replace: bool,
        cursor: CursorUpdate,
        run_id: int,
    ) -> int:
        """Store a repo's newly mined commits with the tip they reach, in one transaction (a
        crash leaves the last tip stored, and the next sync mines from it again). `replace`
        drops what was stored of the repo first (its default branch was rewritten). Returns the
        number of commits stored."""
        stored = 0
        with self.transaction():
            if replace:
                for table in ("raw_git_commits", "raw_git_files", "raw_git_co_authors"):
                    self.con.execute(f"delete from {table} where org = ? and repo = ?", [org, repo])
            for chunk in chunks:
                with self._registered(
                    _commits=chunk.commits, _files=chunk.files, _co_authors=chunk.co_authors
                ):
                    # a date git cannot print (before 1970, a time zone out of range, as
                    # imports from older systems have) is NULL, not the end of the sync
                    self.con.execute(
                        "insert into raw_git_commits select ?, ?, sha, parents, author_name, "
                        "author_email, try_cast(authored_at as timestamptz), committer_name, "
                        "committer_email, try_cast(committed_at as timestamptz), ? "
                        "from _commits",
                        [org, repo, run_id],
                    )
                    self.con.execute(
                        "insert into raw_git_files select ?, ?, sha, path, added, deleted "
                        "from _files",
                        [org, repo],
                    )
                    self.con.execute(
                        "insert into raw_git_co_authors select ?, ?, sha, name, email "
                        "from _co_authors",
                        [org, repo],
                    )
                stored += chunk.commits.num_rows
            self._save_cursors([cursor])
        return stored

    def store_git_tags(self, org: str, repo: str, tags: pa.Table) -> None:
        """Replace a repo's tags with `tags` (columns tag, sha, tagged_at as ISO text)."""
        self._replace_repo_rows("raw_git_tags", org, repo, tags, "tag, sha, tagged_at::timestamptz")

    def store_git_codeowners(
        self,
        org: str,
        repo: str,
        changes: pa.Table,
        branch: str | None = None,
        cursor: CursorUpdate | None = None,
    ) -> None:
        """Replace a repo's CODEOWNERS history along `branch` (None: the default branch) with
        `changes` (sha, committed_at, path, text, seq), and save `cursor` with it."""
        with self.transaction():
            self.con.execute(
                "delete from raw_git_codeowners where org = ? and repo = ? "
                "and branch is not distinct from ?",
                [org, repo, branch],
            )
            with self._registered(_rows=changes):
                self.con.execute(
                    "insert into raw_git_codeowners (org, repo, sha, committed_at, path, text, "
                    "seq, branch) select ?, ?, sha, try_cast(committed_at as timestamptz), path, "
                    "text, seq, ? "
                    "from _rows",
                    [org, repo, branch],
                )
            self._save_cursors([cursor] if cursor else [])

    def store_git_manifests(self, org: str, repo: str, manifests: pa.Table) -> None:
        """Replace a repo's workspace member manifests with `manifests` (path, sha, text)."""
        self._replace_repo_rows("raw_git_manifests", org, repo, manifests, "path, sha, text")

    def store_git_tree(self, org: str, repo: str, files: pa.Table) -> None:
        """Replace the files a repo's default branch has at its tip with `files` (path)."""
        self._replace_repo_rows("raw_git_tree", org, repo, files, "path")

    def _replace_repo_rows(
        self, table: str, org: str, repo: str, rows: pa.Table, columns: str
    ) -> None:
        with self.transaction():
            self.con.execute(f"delete from {table} where org = ? and repo = ?", [org, repo])
            with self._registered(_rows=rows):
                self.con.execute(
                    f"insert into {table} select ?, ?, {columns} from _rows", [org, repo]
                )

    @contextlib.contextmanager
    def _registered(self, **tables: pa.Table) -> Iterator[None]:
        """Arrow tables as views of these names for the statements inside. Unregistering fails
        in a transaction DuckDB has aborted: the error that aborted it is the one that goes up."""
        for name, rows in tables.items():
            self.con.register(name, rows)
        try:
            yield
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                for name in tables:
                    self.con.unregister(name)
            raise
        for name in tables:
            self.con.unregister(name)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.retrying(lambda: self.con.execute(sql, list(params)).fetchall())

    def replace_table(self, name: str, table: pa.Table) -> None:
        """Create or replace table `name` with the rows of an Arrow table (a rebuild step's)."""
        with self._registered(_replacement=table):
            self.con.execute(f"create or replace table {name} as select * from _replacement")


# The warehouses open in this process, for interrupt_all.
_OPEN: weakref.WeakSet[Warehouse] = weakref.WeakSet()
# Holds True once this process opened a warehouse for writing (see opened_for_writing).
_WRITING: list[bool] = []


def opened_for_writing() -> bool:
    """Whether this process opened a warehouse for writing: what an interrupt says of it."""
    return bool(_WRITING)


# The stop a signal asked for, until a transaction raises it (see interrupt_all).
_STOP: list[BaseException] = []
# The last stop a signal asked for in this process, kept: what a run it ended records.
_SIGNALLED: list[BaseException] = []


def run_error(exc: BaseException) -> str:
    """What a run that `exc` ended records as its error: the signal that stopped it, if one
    did (the error on its way up may be DuckDB's words for the statement the signal cut
    short: "... failed: KeyboardInterrupt"), else the error's own words."""
    if _SIGNALLED:
        stop = _SIGNALLED[-1]
        return "interrupted (Ctrl-C)" if isinstance(stop, KeyboardInterrupt) else str(stop)
    return str(exc).strip() or type(exc).__name__


def _now() -> datetime:
    return datetime.now(UTC)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
