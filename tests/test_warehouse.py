"""The warehouse file: migrations, the raw layer's upsert and replace, and plain DuckDB clients."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from miner.config import Config
from miner.errors import MinerError
from miner.raw import CursorUpdate, RawBatch, RawItem, Scope, batch_of
from miner.sql_files import layer
from miner.sync import import_mirror
from miner.warehouse import INTERRUPTED_RUN, MIGRATIONS, Warehouse
from tests.mirror_builder import MirrorBuilder


def test_new_file_is_migrated_to_the_latest_schema(tmp_path: Path) -> None:
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        assert wh.schema_version() == len(MIGRATIONS)
        tables = {r[0] for r in wh.query("select table_name from duckdb_tables()")}
    assert {"sync_runs", "cursors", "raw_pulls", "raw_timeline", "schema_version"} <= tables


def test_reopening_does_not_migrate_again(tmp_path: Path) -> None:
    Warehouse.open(tmp_path / "w.duckdb").close()
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        assert wh.query("select count(*) from schema_version") == [(len(MIGRATIONS),)]


def test_warehouse_from_a_newer_miner_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with Warehouse.open(path) as wh:
        wh.con.execute("insert into schema_version values (999, now(), '99.0')")
    with pytest.raises(MinerError, match="schema version 999, written by a newer miner"):
        Warehouse.open(path)


def test_upsert_replaces_by_key_and_scope_replaces_whole(tmp_path: Path) -> None:
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        run = wh.start_run("sync", "acme", "test")
        wh.store(
            batch_of(
                "pulls",
                "acme",
                "acme/a",
                None,
                [{"number": 1, "v": 1}, {"number": 2, "v": 1}],
                replace=False,
            ),
            run,
        )
        wh.store(
            batch_of("pulls", "acme", "acme/a", None, [{"number": 2, "v": 2}], replace=False), run
        )
        assert wh.query("select key, payload ->> 'v' from raw_pulls order by key") == [
            ("acme/a#1", "1"),
            ("acme/a#2", "2"),
        ]
        wh.store(
            batch_of("reviews", "acme", "acme/a", "1", [{"id": 7}, {"id": 8}], replace=True), run
        )
        wh.store(batch_of("reviews", "acme", "acme/a", "1", [{"id": 8}], replace=True), run)
        assert wh.query("select key from raw_reviews") == [("acme/a#1/8",)]


def test_batch_and_cursor_commit_together_or_not_at_all(tmp_path: Path) -> None:
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        run = wh.start_run("sync", "acme", "test")
        bad = RawBatch(
            "pulls",
            "acme",
            "acme/a",
            [RawItem("k", "{not json")],
            cursors=[CursorUpdate("acme", "acme/a", "pulls", "2026-01-01", None)],
        )
        with pytest.raises(duckdb.Error):
            wh.store(bad, run)
        assert wh.query("select count(*) from raw_pulls") == [(0,)]
        assert wh.cursor("acme", "acme/a", "pulls").value is None
        good = RawBatch(
            "pulls",
            "acme",
            "acme/a",
            [RawItem("k", "{}")],
            Scope("acme/a", (None,)),
            [CursorUpdate("acme", "acme/a", "pulls", "2026-01-01", '"e"')],
        )
        wh.store(good, run)
        assert wh.cursor("acme", "acme/a", "pulls").value == "2026-01-01"


def _demo_warehouse(tmp_path: Path) -> Path:
    b = MirrorBuilder(teams={"web": ["alice", "bob"]})
    b.pull("a", "alice", 0, title="O'Brien; drop table x; --").request(0, reviewer="bob").review(
        "bob", 5
    )
    root = b.write(tmp_path / "mirror")
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db) as wh:
        import_mirror(wh, Config(), root)
    return db


def test_plain_duckdb_python_client_sees_the_views(tmp_path: Path) -> None:
    db = _demo_warehouse(tmp_path)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select wait_hours from review_wait").fetchall() == [(5.0,)]
        comment = con.execute(
            "select comment from duckdb_views() where view_name = 'review_wait'"
        ).fetchone()
        assert comment is not None and "one row per review request episode" in comment[0]
        # the whole header comment, readings included, as queries/metrics/review_wait.sql has it
        header = next(f for f in layer("metrics") if f.name == "review_wait").header
        assert comment[0] == f"{header}\n(definition: queries/metrics/review_wait.sql)"
        assert "the implicit episode the responder's; else the default calendar." in comment[0]
    finally:
        con.close()


def test_duckdb_cli_opens_the_warehouse_and_queries_views(tmp_path: Path) -> None:
    cli = Path(sys.executable).parent / "duckdb"
    if not cli.exists():
        found = shutil.which("duckdb")
        assert found, "the duckdb CLI (pip package duckdb-cli, in the dev extra) is missing"
        cli = Path(found)
    db = _demo_warehouse(tmp_path)
    out = subprocess.run(
        [
            str(cli),
            "-readonly",
            "-csv",
            str(db),
            "-c",
            "select pr_number, reviewer, outcome, wait_hours from review_wait;",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines() == [
        "pr_number,reviewer,outcome,wait_hours",
        "1,bob,reviewed,5.0",
    ]


def _big_repo(wh: Warehouse) -> None:
    """6,000 PRs of 30 KB payloads in acme/big, details stored for all but #7 (an older
    updated_at) and the last 100."""
    from miner.collect_github import DETAILS_PREFIX

    run = wh.start_run("import", "acme", "test")
    for start in range(0, 6000, 500):
        wh.con.execute(
            "insert into raw_pulls (key, org, repo, payload, fetched_at, sync_run) "
            "select i::varchar, 'acme', 'acme/big', json_object('number', i, 'updated_at', "
            "'2026-01-01T00:00:00Z', 'body', repeat('x', 30000)), now(), ? "
            "from range(?, ?) as t(i)",
            [run, start, start + 500],
        )
    wh.con.execute(
        "insert into cursors (org, repo, resource, value, updated_at) "
        "select 'acme', 'acme/big', ? || i, "
        "case when i = 7 then '2025-12-31T00:00:00Z' else '2026-01-01T00:00:00Z' end, now() "
        "from range(5900) as t(i)",
        [DETAILS_PREFIX],
    )


def test_a_query_that_outgrows_the_memory_limit_runs_again_with_more(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A repo of 6,000 PRs with 30 KB payloads (long bodies, and REST's embedded head and base
    repos): finding the PRs whose details are missing scans every payload, 2,048 at a time per
    thread, which the default 200MB cannot hold and a scan cannot spill: the query runs again
    with twice the memory, and says so."""
    from miner.sync import pending_pulls

    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        _big_repo(wh)
        assert wh.memory_limit == 200 * 10**6
        pending = pending_pulls(wh, "acme", "acme/big")
        assert wh.memory_limit in (400 * 10**6, 800 * 10**6)
    assert [p.number for p in pending] == [7, *range(5900, 6000)]
    assert "a query needed more than 190 MiB of working memory" in caplog.text


def test_inside_a_transaction_only_the_work_that_opened_it_runs_again(tmp_path: Path) -> None:
    """DuckDB aborts a transaction that runs out of memory: a query in it cannot run again on
    its own; the whole transaction can (as a rebuild does)."""
    from miner.sync import pending_pulls

    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        _big_repo(wh)
        with pytest.raises(duckdb.OutOfMemoryException), wh.transaction():
            pending_pulls(wh, "acme", "acme/big")
        assert wh.memory_limit == 200 * 10**6

        def whole() -> int:
            with wh.transaction():
                return len(pending_pulls(wh, "acme", "acme/big"))

        assert wh.retrying(whole) == 101
        assert wh.memory_limit > 200 * 10**6


def test_a_second_process_is_told_who_holds_the_warehouse(tmp_path: Path) -> None:
    """One writer: a second sync (or a report) while a miner holds the file stops at once, in
    one line naming the holder, not with a DuckDB traceback; the holder's data is untouched."""
    from tests.test_cli import miner

    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        wh.con.execute("create table marker as select 42 as answer")
        for command, *args in (("rebuild",), ("report",), ("query", "--sql", "select 1")):
            out = miner("--db", "w.duckdb", command, *args, cwd=tmp_path)
            assert out.returncode == 1
            lines = out.stderr.strip().splitlines()
            assert len(lines) == 1, out.stderr
            assert lines[0].startswith(f"Error: w.duckdb: in use by process {os.getpid()} (")
            # the command the user ran, to run again
            assert lines[0].endswith(f"run `miner {command}` again once it has finished")
            # a reader is kept out by a writer alone, such as a shell opened without -readonly
            assert ("DuckDB shell opened without -readonly" in lines[0]) == (command != "rebuild")
        assert wh.query("select answer from marker") == [(42,)]


def test_a_run_its_process_left_running_is_recorded_failed_by_the_next(tmp_path: Path) -> None:
    folder = MirrorBuilder(teams={"web": ["alice"]})
    folder.pull("web", "alice", 1)
    mirror = folder.write(tmp_path / "m")
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        wh.start_run("sync", "acme", "test")  # then killed: no end is recorded
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        assert wh.query("select status from sync_runs") == [("running",)]
        import_mirror(wh, Config(), mirror)
        assert wh.query("select kind, status, error from sync_runs order by id") == [
            ("sync", "failed", INTERRUPTED_RUN),
            ("import", "ok", None),
        ]
    assert INTERRUPTED_RUN.startswith("interrupted: its process ended without recording")


def test_a_migration_backs_the_warehouse_up_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import miner.warehouse as warehouse

    path = tmp_path / "w.duckdb"
    with monkeypatch.context() as older:  # a warehouse written by a miner knowing 6 versions
        older.setattr(warehouse, "MIGRATIONS", MIGRATIONS[:6])
        with Warehouse.open(path) as wh:
            wh.con.execute("insert into cursors values ('acme', '', 'marker', 'kept', null, now())")
    with Warehouse.open(path) as wh:
        assert wh.schema_version() == len(MIGRATIONS)
        backup = wh.backup_path(6)
    assert sorted(p.name for p in tmp_path.iterdir() if ".bak" in p.name) == [
        "w.duckdb.schema6.bak"
    ]
    with duckdb.connect(str(backup), read_only=True) as old:
        assert old.execute("select max(version) from schema_version").fetchall() == [(6,)]
        assert old.execute("select value from cursors").fetchall() == [("kept",)]
    # an up-to-date warehouse is not copied again
    Warehouse.open(path).close()
    assert len([p for p in tmp_path.iterdir() if ".bak" in p.name]) == 1


def test_a_stop_duckdb_swallowed_is_raised_as_the_next_transaction_begins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from miner import warehouse
    from miner.warehouse import interrupt_all, run_error

    # this process's record of the signal, for this test alone
    monkeypatch.setattr(warehouse, "_SIGNALLED", [])
    assert run_error(ValueError("bad")) == "bad"
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        # Ctrl-C landed in a statement DuckDB then finished all the same: nothing was raised
        interrupt_all(KeyboardInterrupt())
        with pytest.raises(KeyboardInterrupt), wh.transaction():
            wh.con.execute("create table t as select 1 as x")
        assert wh.query("select count(*) from duckdb_tables() where table_name = 't'") == [(0,)]
        with wh.transaction():  # raised once: the command may record how it ended
            wh.con.execute("create table t as select 1 as x")
        assert wh.query("select x from t") == [(1,)]
    # a run it ended records the signal, not the words of whatever error it surfaced as
    failed = duckdb.InvalidInputException("reading '_batch' failed: KeyboardInterrupt")
    assert run_error(failed) == "interrupted (Ctrl-C)"


def test_the_end_of_a_run_is_recorded_even_in_a_transaction_an_error_aborted(
    tmp_path: Path,
) -> None:
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        run = wh.start_run("sync", "acme", "test")
        # what an interrupt can leave: a transaction begun, and aborted by an error in it
        wh.con.execute("begin transaction")
        with pytest.raises(duckdb.Error):
            wh.con.execute("select * from no_such_table")
        wh.finish_run(run, status="failed", error="stopped")
        assert wh.query("select status, error from sync_runs") == [("failed", "stopped")]


def test_the_end_of_a_run_outlasts_a_transaction_an_interrupt_left_open(tmp_path: Path) -> None:
    """A signal landing just after `begin transaction`, before transaction() guards it, leaves
    a transaction open and unharmed: the run's end recorded in it would go with it when the
    process exits (the run left 'running')."""
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        run = wh.start_run("sync", "acme", "test")
        wh.con.execute("begin transaction")
        wh.finish_run(run, status="failed", error="stopped")
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        assert wh.query("select status, error from sync_runs") == [("failed", "stopped")]


def test_running_out_of_memory_at_the_ceiling_says_no_setting_helps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A list of 200 MB in one row (an aggregate DuckDB cannot spill) on a machine whose
    ceiling is taken to be 128 MiB: the limit doubles from 64MB to the ceiling, the query runs
    out of memory again, and the error says no setting helps."""
    from miner import cli, warehouse

    monkeypatch.setattr(warehouse, "memory_ceiling", lambda: 128 * 2**20)
    with Warehouse.open(tmp_path / "w.duckdb", memory_limit="64MB") as wh:
        with pytest.raises(duckdb.OutOfMemoryException) as raised:
            wh.query("select list(repeat('x', 100)) from range(2000000)")
        assert wh.memory_limit == 128 * 2**20
    assert "DuckDB may now use 128 MiB" in caplog.text
    assert cli._at_memory_ceiling(raised.value)
    assert cli._out_of_memory_message(True) == (
        "DuckDB ran out of memory although miner had raised its limit from [warehouse] "
        "memory_limit = '200MB' to 128 MiB, 80% of this machine's memory: run it on a machine "
        "with more memory"
    )
    # an error raised before the ceiling (inside a transaction, say) still says to raise it
    with (
        Warehouse.open(tmp_path / "w.duckdb", memory_limit="64MB") as wh,
        pytest.raises(duckdb.OutOfMemoryException) as raised,
        wh.transaction(),
    ):
        wh.con.execute("select list(repeat('x', 100)) from range(2000000)").fetchall()
    assert not cli._at_memory_ceiling(raised.value)


def test_a_run_is_running_until_its_rebuild_ends_and_a_failed_one_keeps_what_failed_before(
    tmp_path: Path,
) -> None:
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        run = wh.start_run("sync", "acme", "test")
        wh.finish_run(run, status=None, requests=7, error="acme/x: refused", repos_failed=1)
        assert wh.query("select status, finished_at, requests from sync_runs") == [
            ("running", None, 7)
        ]
        wh.fail_run(run, "rebuild: out of disk")
        assert wh.query("select status, error, finished_at is not null from sync_runs") == [
            ("failed", "rebuild: out of disk; acme/x: refused", True)
        ]
        done = wh.start_run("sync", "acme", "test")
        wh.finish_run(done, status=None)
        wh.end_run(done, "ok")
        assert wh.query(
            f"select status, finished_at is not null from sync_runs where id = {done}"
        ) == [("ok", True)]
