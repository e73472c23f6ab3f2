"""What `miner` says when a command cannot do its work: a warehouse no sync has finished, Ctrl-C,
a path it cannot write, options that contradict each other. One line each, never a traceback,
and the exit code the README gives."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from miner.fixtures_server import FixtureServer
from miner.warehouse import Warehouse
from tests.mirror_builder import MirrorBuilder
from tests.test_cli import MINER, _mirror, miner

NO_VIEWS = (
    "Error: w.duckdb: no views yet, as no sync has completed: run `miner sync` (or "
    "`miner rebuild` to build them from what is stored)"
)


def _one_error(out: subprocess.CompletedProcess[str]) -> str:
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    return lines[0]


def test_reading_a_warehouse_whose_first_sync_stopped_says_to_sync(tmp_path: Path) -> None:
    # a GraphQL budget of no points: the first sync stops at once (exit 3), nothing built
    with FixtureServer(_mirror(tmp_path), graphql_rate_limit=0) as server:
        (tmp_path / "miner.toml").write_text(
            f'[github]\norg = "acme"\napi_url = "{server.url}"\n', encoding="utf-8"
        )
        sync = miner("--db", "w.duckdb", "sync", "--max-wait", "0", cwd=tmp_path,
                     env={"GITHUB_TOKEN": "t"})  # fmt: skip
    assert sync.returncode == 3, sync.stderr
    for command in (
        ["report"],
        ["report", "--format", "json"],
        ["export", "out"],
        ["owners", "--repo", "web", "a.py"],
        ["query", "waiting_longest", "--param", "org=acme", "--param", "limit=5"],
    ):
        out = miner("--db", "w.duckdb", *command, cwd=tmp_path)
        assert (out.returncode, _one_error(out)) == (1, NO_VIEWS), command
    # any SQL still reads what the sync stored, such as why it stopped
    runs = miner("--db", "w.duckdb", "query", "--sql", "select status from sync_runs",
                 "--format", "json", cwd=tmp_path)  # fmt: skip
    assert json.loads(runs.stdout) == [{"status": "stopped"}]
    # `miner rebuild` builds the views from what is stored: the report then runs
    assert miner("--db", "w.duckdb", "rebuild", cwd=tmp_path).returncode == 0
    assert miner("--db", "w.duckdb", "report", cwd=tmp_path).returncode == 0


def test_a_rebuild_cut_short_is_named_with_what_to_run(tmp_path: Path) -> None:
    assert miner("--db", "w.duckdb", "import", str(_mirror(tmp_path)), cwd=tmp_path).returncode == 0
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("drop view review_wait")  # as if Ctrl-C landed between core and metrics
    out = miner("--db", "w.duckdb", "report", cwd=tmp_path)
    assert out.returncode == 1
    assert _one_error(out).startswith("Error: w.duckdb: not built: review_wait (")
    assert _one_error(out).endswith("run `miner rebuild`")


def test_a_rebuild_stopped_between_core_and_metrics_is_no_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rebuild commits the core tables, then the metric rows: stopped between the two (a
    SIGTERM, an out-of-memory kill), the views are an older rebuild's over newer core tables.
    A report would mix them and say nothing: it refuses instead, until a rebuild."""
    from miner import transform
    from miner.config import Config
    from miner.warehouse import Warehouse

    assert miner("--db", "w.duckdb", "import", str(_mirror(tmp_path)), cwd=tmp_path).returncode == 0

    def stopped(wh: Warehouse, stamp: str) -> None:
        raise KeyboardInterrupt  # as Ctrl-C lands once the core is committed

    monkeypatch.setattr(transform, "_build_metrics", stopped)
    with Warehouse.open(tmp_path / "w.duckdb") as wh, pytest.raises(KeyboardInterrupt):
        transform.rebuild(wh, Config())
    out = miner("--db", "w.duckdb", "report", cwd=tmp_path)
    assert (out.returncode, _one_error(out)) == (
        1,
        "Error: w.duckdb: the last rebuild stopped after the core tables, before the metric "
        "views, which are an older rebuild's: run `miner rebuild`",
    )
    assert miner("--db", "w.duckdb", "rebuild", cwd=tmp_path).returncode == 0
    assert miner("--db", "w.duckdb", "report", cwd=tmp_path).returncode == 0
    # the first rebuild after an upgrade, stopped so: the metric rows an older miner's, whose
    # stamp has no rebuild column; still one line
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("create or replace table metric_rows.built_from as "
                    "select 'an older miner' as sql_digest")  # fmt: skip
        con.execute("update metric_rows.core_built set rebuild = 'a newer one'")
    out = miner("--db", "w.duckdb", "report", cwd=tmp_path)
    assert (out.returncode, _one_error(out)) == (
        1,
        "Error: w.duckdb: its views were built by another version of miner, and their columns "
        "may differ from this one's: run `miner rebuild`",
    )


def test_views_built_by_another_miner_are_named_with_what_to_run(tmp_path: Path) -> None:
    """A warehouse built by an older miner has views without the columns this one's reports
    read (author_is_bot, say): told in one line, not a DuckDB binder error."""
    assert miner("--db", "w.duckdb", "import", str(_mirror(tmp_path)), cwd=tmp_path).returncode == 0
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("update metric_rows.built_from set sql_digest = 'an older miner'")
    out = miner("--db", "w.duckdb", "report", cwd=tmp_path)
    assert (out.returncode, _one_error(out)) == (
        1,
        "Error: w.duckdb: its views were built by another version of miner, and their columns "
        "may differ from this one's: run `miner rebuild`",
    )
    assert miner("--db", "w.duckdb", "rebuild", cwd=tmp_path).returncode == 0
    assert miner("--db", "w.duckdb", "report", cwd=tmp_path).returncode == 0


def _warehouse_open(pid: int) -> bool:
    try:
        return any(os.readlink(fd).endswith("w.duckdb") for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:  # a descriptor closed while looked at
        return False


def _interrupt(
    args: list[str],
    cwd: Path,
    ready: Callable[[int], bool],
    delay: float,
    env: dict[str, str] | None = None,
    signum: signal.Signals = signal.SIGINT,
) -> subprocess.CompletedProcess[str]:
    """Run miner and send it `signum` (SIGINT: Ctrl-C) `delay` seconds after `ready(pid)`
    holds."""
    process = subprocess.Popen(
        [*MINER, *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None and not ready(process.pid):
        time.sleep(0.01)
    time.sleep(delay)
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


INTERRUPTED = "Error: interrupted: the warehouse keeps every step finished before it"


def test_ctrl_c_while_duckdb_runs_a_statement_is_one_line_and_exit_130(tmp_path: Path) -> None:
    assert miner("--db", "w.duckdb", "import", str(_mirror(tmp_path)), cwd=tmp_path).returncode == 0
    endless = "select count(*) from range(1000000000000)"
    out = _interrupt(
        ["--db", "w.duckdb", "query", "--sql", endless], tmp_path, _warehouse_open, 0.5
    )
    # a query reads the warehouse only: nothing was being written, so nothing is said of it
    assert (out.returncode, _one_error(out)) == (130, "Error: interrupted")
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from reviews").fetchone() == (4,)


@pytest.mark.parametrize(
    ("signum", "code", "said", "recorded"),
    [
        # recorded as the signal, never as DuckDB's error for the statement it cut short
        (signal.SIGINT, 130, INTERRUPTED, "interrupted (Ctrl-C)"),
        # `timeout`, `systemctl stop` or a cancelled CI job stop a sync as Ctrl-C does, with the
        # exit code shells give a process SIGTERM ended (128 + 15)
        (
            signal.SIGTERM,
            143,
            "Error: stopped by SIGTERM: the warehouse keeps every step finished before it",
            "stopped by SIGTERM",
        ),
    ],
)
def test_a_signal_in_a_sync_records_the_run_failed_and_the_next_sync_goes_on(
    small_org: Path,
    tmp_path: Path,
    signum: signal.Signals,
    code: int,
    said: str,
    recorded: str,
) -> None:
    with FixtureServer(small_org, rate_limit=10**6) as server:
        (tmp_path / "miner.toml").write_text(
            f'[github]\norg = "acme"\napi_url = "{server.url}"\n', encoding="utf-8"
        )
        args = ["--db", "w.duckdb", "sync", "--api", "rest", "--quiet"]

        def fetching(pid: int) -> bool:  # at the 100th of the sync's 266 requests
            return len(server.requests) >= 100

        out = _interrupt(args, tmp_path, fetching, 0.01, {"GITHUB_TOKEN": "t"}, signum)
        assert (out.returncode, _one_error(out)) == (code, said)
        with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
            # recorded failed at once, not left 'running' for the next sync to find
            stopped = con.execute("select status, error, finished_at from sync_runs").fetchall()
        again = miner(*args, cwd=tmp_path, env={"GITHUB_TOKEN": "t"})
        assert again.returncode == 0, again.stderr
    assert len(stopped) == 1 and stopped[0][0] == "failed" and stopped[0][2] is not None
    assert stopped[0][1] == recorded, stopped
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        runs = con.execute("select status from sync_runs order by id").fetchall()
        assert con.execute("select count(*) from pull_requests").fetchone() == (40,)
    assert runs == [("failed",), ("ok",)]


def test_running_out_of_memory_says_to_raise_the_memory_limit(tmp_path: Path) -> None:
    assert miner("--db", "w.duckdb", "import", str(_mirror(tmp_path)), cwd=tmp_path).returncode == 0
    # a list of 200 MB in one row: an aggregate DuckDB cannot spill to disk
    huge = "select list(repeat('x', 100)) from range(2000000)"
    out = miner("--db", "w.duckdb", "query", "--sql", huge, cwd=tmp_path)
    assert (out.returncode, _one_error(out)) == (
        1,
        "Error: [warehouse] memory_limit = '200MB' (the default; set it in miner.toml): DuckDB "
        'ran out of memory within it; raise it (say to "1GB")',
    )
    (tmp_path / "miner.toml").write_text('[warehouse]\nmemory_limit = "64MB"\n')
    out = miner("--db", "w.duckdb", "query", "--sql", huge, cwd=tmp_path)
    assert (out.returncode, _one_error(out)) == (
        1,
        "Error: miner.toml: [warehouse] memory_limit = '64MB': DuckDB ran out of memory within "
        'it; raise it (say to "1GB")',
    )


def test_out_of_memory_in_a_report_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Wherever DuckDB runs out of memory (here, a report's query, which no retry covers), the
    error names the setting to raise, in one line."""
    from miner import cli
    from miner.reports import data

    assert miner("--db", "w.duckdb", "import", str(_mirror(tmp_path)), cwd=tmp_path).returncode == 0

    def out_of_memory(*_: object) -> list[dict[str, object]]:
        raise duckdb.OutOfMemoryException("Out of Memory Error: failed to pin block")

    monkeypatch.setattr(data, "run_report_query", out_of_memory)
    monkeypatch.setattr(signal, "signal", lambda *_: None)  # leave pytest's handler alone
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.argv", ["miner", "--db", "w.duckdb", "report"])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 1
    assert capsys.readouterr().err.strip() == (
        "Error: [warehouse] memory_limit = '200MB' (the default; set it in miner.toml): DuckDB "
        'ran out of memory within it; raise it (say to "1GB")'
    )


def test_the_least_memory_limit_is_enough_to_read(small_org: Path, tmp_path: Path) -> None:
    """[warehouse] memory_limit may be no less than what opening a warehouse, the report, the
    queries, owners and export need."""
    from miner.config import MIN_MEMORY_LIMIT

    (tmp_path / "miner.toml").write_text(f'[warehouse]\nmemory_limit = "{MIN_MEMORY_LIMIT}"\n')
    assert miner("--db", "w.duckdb", "import", str(small_org), cwd=tmp_path).returncode == 0
    for command in (
        ["report", "--format", "json"],
        ["query", "waiting_longest", "--param", "org=acme", "--param", "limit=5"],
        ["owners", "--repo", "web-app", "a.py"],
        ["export", "out"],
    ):
        out = miner("--db", "w.duckdb", *command, cwd=tmp_path)
        assert out.returncode == 0, (command, out.stderr)


def test_unwritable_output_paths_are_one_line_errors(tmp_path: Path) -> None:
    assert miner("--db", "w.duckdb", "import", str(_mirror(tmp_path)), cwd=tmp_path).returncode == 0
    (tmp_path / "file").write_text("not a folder")
    report = miner("--db", "w.duckdb", "report", "--out", "file/r.txt", cwd=tmp_path)
    assert (report.returncode, _one_error(report)) == (
        1, "Error: file/r.txt: cannot write the report there: Not a directory")  # fmt: skip
    export = miner("--db", "w.duckdb", "export", "file/x", cwd=tmp_path)
    assert (export.returncode, _one_error(export)) == (
        1, "Error: file/x: cannot write the export there: Not a directory")  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--since", "7d", "--from", "2026-03-01"), "give --since or --from, not both"),
        (("--org", "globex"), "no data for org 'globex'"),
        (("--team", "nosuch"), "--team 'nosuch': no team of that name in acme"),
        (("--repo", "nosuch"), "--repo 'acme/nosuch': no repo of that name in acme"),
        (("--since", "1000000d"), "--since '1000000d': at most 36500d (a century) back"),
        (("--since", "9" * 30 + "w"), "at most 36500d (a century) back"),
        (("--from", "0001-01-02"), "--from 0001-01-02: too early"),
        # no --to: the window would end at as_of, before it begins
        (("--from", "2999-01-01"), "--from 2999-01-01: after the last sync's data ("),
        (("--since", "0d"), "--since '0d': an empty window; look back at least 1h"),
        (("--team", "ACME/nosuch"), "--team 'nosuch': no team of that name in acme"),
    ],
)
def test_report_options_that_cannot_be_met_are_usage_errors(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    assert miner("--db", "w.duckdb", "import", str(_mirror(tmp_path)), cwd=tmp_path).returncode == 0
    out = miner("--db", "w.duckdb", "report", *args, cwd=tmp_path)
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr


def test_report_out_with_no_format_writes_the_format_its_name_says(tmp_path: Path) -> None:
    """`--out report.html` alone writes HTML, not the terminal's table under that name; an
    explicit --format is taken as given, and a name that says no format gets the table."""
    assert miner("--db", "w.duckdb", "import", str(_mirror(tmp_path)), cwd=tmp_path).returncode == 0
    starts = {"r.html": "<!doctype html>", "R.MD": "# ", "r.json": "{", "r.csv": "section,"}
    for name, start in starts.items():
        out = miner("--db", "w.duckdb", "report", "--out", name, cwd=tmp_path)
        assert out.returncode == 0, out.stderr
        assert (tmp_path / name).read_text(encoding="utf-8").lower().startswith(start), name
    for args in (("--format", "json", "--out", "x.html"), ("--out", "r.txt")):
        out = miner("--db", "w.duckdb", "report", *args, cwd=tmp_path)
        assert out.returncode == 0, out.stderr
    assert (tmp_path / "x.html").read_text(encoding="utf-8").startswith("{")
    assert not (tmp_path / "r.txt").read_text(encoding="utf-8").startswith(("{", "<", "#"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--prs", "-5"), "Invalid value for '--prs': -5 is not in the range x>=0."),
        (("--repos", "0"), "Invalid value for '--repos': 0 is not in the range x>=1."),
        (("--repos", "-1"), "Invalid value for '--repos': -1 is not in the range x>=1."),
    ],
)
def test_a_sample_org_needs_a_repo_and_no_fewer_than_no_prs(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    out = miner("sample-org", "org", *args, cwd=tmp_path)
    assert (out.returncode, out.stderr.strip().splitlines()[-1]) == (2, f"Error: {message}")
    assert not (tmp_path / "org").exists()


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (("export", ""), "'FOLDER'"),
        (("sample-org", " "), "'FOLDER'"),
        (("--db", "", "report"), "'--db'"),
        (("--config", "", "report"), "'--config'"),
        (("report", "--out", ""), "'--out'"),
    ],
)
def test_an_empty_path_is_a_usage_error_not_the_current_folder(
    tmp_path: Path, args: tuple[str, ...], name: str
) -> None:
    """An unset shell variable (`miner export "$OUT"`) would write into the working folder."""
    out = miner(*args, cwd=tmp_path)
    message = f"Error: Invalid value for {name}: is empty (an unset shell variable?)"
    assert (out.returncode, out.stderr.strip().splitlines()[-1]) == (2, message)
    assert list(tmp_path.iterdir()) == []


def test_an_include_glob_matching_no_repo_is_said_once_on_stderr(tmp_path: Path) -> None:
    with FixtureServer(_mirror(tmp_path)) as server:
        (tmp_path / "miner.toml").write_text(
            f'[github]\norg = "acme"\napi_url = "{server.url}"\ninclude = ["wbe", "web*"]\n',
            encoding="utf-8",
        )
        out = miner("--db", "w.duckdb", "sync", cwd=tmp_path, env={"GITHUB_TOKEN": "t"})
    assert out.returncode == 0, out.stderr
    warned = [line for line in out.stderr.splitlines() if "include" in line]
    assert warned == ["[github] include 'wbe' matches none of the 1 repo of acme (web)"]


def test_include_globs_matching_no_repo_at_all_are_a_config_error_even_quiet(
    tmp_path: Path,
) -> None:
    """Nothing would be synced: a cron's `sync --quiet` says so (exit 2), not an empty ok run;
    with the typo mended, the next run syncs."""
    with FixtureServer(_mirror(tmp_path)) as server:
        config = f'[github]\norg = "acme"\napi_url = "{server.url}"\n'
        (tmp_path / "miner.toml").write_text(f'{config}include = ["wbe", "api*"]\n')
        out = miner("--db", "w.duckdb", "sync", "-q", cwd=tmp_path, env={"GITHUB_TOKEN": "t"})
        assert out.returncode == 2
        assert out.stderr.strip().splitlines() == [
            "Error: miner.toml: [github] include 'wbe' and 'api*' match none of the 1 repo of "
            "acme (web): nothing to sync"
        ]
        with Warehouse.open(tmp_path / "w.duckdb", read_only=True) as wh:
            assert wh.query("select status from sync_runs") == [("failed",)]
        (tmp_path / "miner.toml").write_text(f'{config}include = ["web"]\n')
        out = miner("--db", "w.duckdb", "sync", "-q", cwd=tmp_path, env={"GITHUB_TOKEN": "t"})
        assert (out.returncode, out.stderr) == (0, "")
        with Warehouse.open(tmp_path / "w.duckdb", read_only=True) as wh:
            assert wh.query("select repo from repos where is_listed") == [("acme/web",)]


def test_settings_leaving_no_repo_to_sync_are_a_warning_naming_each_not_an_error(
    tmp_path: Path,
) -> None:
    """acme's one repo, web, archived: with `archived = false` (the default) there is nothing to
    sync, said as a warning (an org all archived is nothing to fix: exit 0), not under --quiet;
    with web not archived, `exclude = ["web"]` leaves nothing either, said as it is."""
    b = MirrorBuilder(teams={"web": ["alice"]})
    b.pull("web", "alice", 0)
    b.repo_fields["web"] = {"archived": True}
    mirror = b.write(tmp_path / "mirror")
    env = {"GITHUB_TOKEN": "t"}
    with FixtureServer(mirror) as server:
        config = f'[github]\norg = "acme"\napi_url = "{server.url}"\n'
        (tmp_path / "miner.toml").write_text(config, encoding="utf-8")
        said = miner("--db", "w.duckdb", "sync", cwd=tmp_path, env=env)
        quiet = miner("--db", "q.duckdb", "sync", "-q", cwd=tmp_path, env=env)
    assert said.returncode == 0, said.stderr
    warned = [line for line in said.stderr.splitlines() if "[github]" in line]
    assert warned == [
        "[github] selects none of the 1 repo of acme (archived = false leaves out 1): "
        "nothing to sync"
    ]
    assert (quiet.returncode, quiet.stderr) == (0, "")
    b.repo_fields["web"] = {"archived": False}
    mirror = b.write(tmp_path / "mirror2")
    with FixtureServer(mirror) as server:
        config = f'[github]\norg = "acme"\napi_url = "{server.url}"\nexclude = ["web"]\n'
        (tmp_path / "miner.toml").write_text(config, encoding="utf-8")
        out = miner("--db", "e.duckdb", "sync", cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    warned = [line for line in out.stderr.splitlines() if "[github]" in line]
    assert warned == [
        "[github] selects none of the 1 repo of acme (exclude leaves out 1): nothing to sync"
    ]


def test_ctrl_c_while_a_duckdb_error_is_handled_still_ends_in_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C landing while a DuckDB error is being handled raises nothing (see
    cli._on_interrupt); if the command then finishes, it still ends as interrupted."""
    from miner import cli, warehouse

    monkeypatch.setattr(signal, "signal", lambda *_: None)  # leave pytest's handler alone
    monkeypatch.setattr(cli, "_INTERRUPTED", True)  # as _on_interrupt leaves it
    # as a sync's process: it has opened a warehouse for writing
    monkeypatch.setattr(warehouse, "_WRITING", [True])
    monkeypatch.setattr("sys.argv", ["miner", "query", "--list"])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 130
    err = capsys.readouterr().err.strip()
    assert err == "Error: interrupted: the warehouse keeps every step finished before it"


def test_a_full_disk_is_one_line_whatever_error_it_came_up_as() -> None:
    """DuckDB says a full disk in its own words, often behind the commit it made fail; Python
    as an OSError. Either is one line naming the file and what to do; anything else is not."""
    import errno

    from miner.cli import _disk_full

    fix = "free space (or set [warehouse] path elsewhere), then run it again: what was stored stays"
    commit = duckdb.TransactionException(
        'TransactionContext Error: Failed to commit: Checkpoint failed for database "w". The '
        'database has been invalidated. Original error: Could not write file "/srv/w.duckdb": '
        "No space left on device"
    )
    assert _disk_full(commit) == f"/srv/w.duckdb: no space left on the device: {fix}"
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device", "/srv/report.html")
        except OSError as exc:
            raise RuntimeError("writing the report failed") from exc
    except RuntimeError as wrapped:
        assert _disk_full(wrapped) == f"/srv/report.html: no space left on the device: {fix}"
    assert _disk_full(duckdb.BinderException("Referenced column x not found")) is None
    assert _disk_full(OSError(errno.EACCES, "Permission denied", "/srv")) is None


@pytest.mark.parametrize(
    ("names", "said"),
    [
        ([], "repos there: none"),
        (["a"], "repos there: a"),
        ([f"r{i}" for i in range(20)], f"repos there: {', '.join(f'r{i}' for i in range(20))}"),
        (
            [f"r{i}" for i in range(23)],
            f"repos there: {', '.join(f'r{i}' for i in range(20))}, and 3 more",
        ),
    ],
)
def test_a_message_offers_the_first_twenty_names_there(names: list[str], said: str) -> None:
    """An unknown --repo of a big org names the first 20 repos there, not hundreds."""
    from miner.errors import named_there

    assert named_there("repos", names) == said
