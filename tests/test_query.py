"""`miner query`: named report queries with parameters, any SQL read-only, three formats."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import duckdb
import pytest

from tests.test_cli import _mirror, miner


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    mirror = _mirror(tmp_path)
    assert miner("--db", "w.duckdb", "import", str(mirror), cwd=tmp_path).returncode == 0
    return tmp_path


def _march(warehouse: Path, name: str) -> subprocess.CompletedProcess[str]:
    """The named query over March 1-20 for acme, as JSON (exit code checked)."""
    out = miner("--db", "w.duckdb", "query", name, "--param", "org=acme", "--param",
                "since=2026-03-01", "--param", "until=2026-03-20", "--format", "json",
                cwd=warehouse)  # fmt: skip
    assert out.returncode == 0, out.stderr
    return out


def test_list_names_each_query_its_description_and_parameters(warehouse: Path) -> None:
    out = miner("--db", "w.duckdb", "query", "--list", cwd=warehouse)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    named = {line.split()[0] for line in lines if not line.startswith(" ")}
    reports = Path(__file__).resolve().parent.parent / "queries" / "reports"
    assert named == {p.stem for p in reports.glob("*.sql")}
    i = lines.index(
        "waiting_longest  --param org=... --param limit=... [--param repo=...] [--param team=...]"
    )
    assert lines[i + 1].strip().startswith("one row per open pull request")


def test_list_as_json_and_csv_gives_a_row_per_query_for_scripts(warehouse: Path) -> None:
    out = miner("query", "--list", "--format", "json", cwd=warehouse)
    assert out.returncode == 0, out.stderr
    listed = {q["name"]: q for q in json.loads(out.stdout)}
    reports = Path(__file__).resolve().parent.parent / "queries" / "reports"
    assert set(listed) == {p.stem for p in reports.glob("*.sql")}
    waiting = listed["waiting_longest"]
    assert waiting["params"] == ["org", "limit"]
    assert waiting["optional_params"] == ["repo", "team"]
    # one order for every query, whatever order its SQL names them in
    assert {tuple(q["params"]) for q in listed.values()} == {
        ("org",),
        ("org", "limit"),
        ("org", "since", "until"),
        ("org", "since", "until", "limit"),
    }
    assert waiting["description"].startswith("one row per open pull request")
    out = miner("query", "--list", "--format", "csv", cwd=warehouse)
    assert out.returncode == 0, out.stderr
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(out.stdout))}
    assert set(rows) == set(listed)
    assert json.loads(rows["waiting_longest"]["optional_params"]) == ["repo", "team"]


def test_named_query_with_params_as_csv_and_json(warehouse: Path) -> None:
    args = (
        "--db",
        "w.duckdb",
        "query",
        "waiting_longest",
        "--param",
        "org=acme",
        "--param",
        "limit=5",
    )
    out = miner(*args, "--format", "csv", cwd=warehouse)
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    # the one PR still waiting: web#5, asked 50 hours before as_of
    assert [(r["repo"], r["pr_number"], r["waiting_on"]) for r in rows] == [
        ("acme/web", "5", "dana")
    ]
    assert float(rows[0]["wait_hours"]) == 50.0
    as_json = json.loads(miner(*args, "--format", "json", cwd=warehouse).stdout)
    assert as_json[0]["pr_number"] == 5 and as_json[0]["wait_hours"] == 50.0
    assert as_json[0]["title"] == "Stuck [bold]forever[/bold]"


def test_named_query_agrees_with_the_same_sql_run_directly(warehouse: Path) -> None:
    out = _march(warehouse, "review_wait_by_team")
    by_team = {r["team"]: r["reviewed"] for r in json.loads(out.stdout)}
    # hand-counted in tests/test_cli.py's org: bob answered 2, dana 2 (both in their teams)
    assert by_team["web"] == 2 and by_team["data"] == 2


def test_sql_runs_read_only(warehouse: Path) -> None:
    out = miner(
        "--db",
        "w.duckdb",
        "query",
        "--sql",
        "select count(*) as n from review_wait",
        "--format",
        "json",
        cwd=warehouse,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [{"n": 5}]
    refused = miner("--db", "w.duckdb", "query", "--sql", "delete from reviews", cwd=warehouse)
    assert refused.returncode == 2
    assert "DELETE is not a reading statement" in refused.stderr
    assert "Traceback" not in refused.stderr
    with duckdb.connect(str(warehouse / "w.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from reviews").fetchone() == (4,)


@pytest.mark.parametrize(
    ("sql", "word"),
    [
        # the warehouse attached again, writable, through the same connection
        ("select 1; attach 'w.duckdb' as again; delete from again.reviews", "ATTACH"),
        ("copy (select * from reviews) to 'out.csv'", "COPY"),
        ("export database 'dump'", "EXPORT"),
        ("install json", "INSTALL"),
        # EXPLAIN ANALYZE runs the statement it explains
        ("explain analyze copy (select * from reviews) to 'out.csv'", "EXPLAIN ANALYZE COPY"),
        (
            "/* a */ EXPLAIN (ANALYZE, FORMAT json) copy reviews to 'out.csv'",
            "EXPLAIN (ANALYZE, FORMAT JSON) COPY",
        ),
        ("explain analyse set memory_limit = '10GB'", "EXPLAIN ANALYSE SET"),
        ("with x as (select 1 as n) insert into reviews select * from reviews", "INSERT"),
        # a PIVOT taking its columns from the data is two statements to DuckDB (an ENUM made
        # of the values, then the query): around one, a write is still refused
        ("copy (pivot reviews on state using count(*)) to 'out.csv'", "COPY"),
        ("create table t as pivot reviews on state using count(*)", "CREATE"),
        ("with x as (select 1 as n) insert into reviews pivot x on n using count(*)", "WITH ..."),
        ("pragma table_info('reviews')", "PRAGMA"),
    ],
)
def test_sql_writes_nothing_anywhere(warehouse: Path, sql: str, word: str) -> None:
    refused = miner("--db", "w.duckdb", "query", "--sql", sql, cwd=warehouse)
    assert refused.returncode == 2, refused.stdout
    assert f"--sql: {word} is not a reading statement" in refused.stderr
    if word == "PRAGMA":  # what reads the same, named
        assert "CALL pragma_table_info('reviews'), or DESCRIBE reviews" in refused.stderr
    assert sorted(p.name for p in warehouse.iterdir() if p.name not in {"mirror"}) == ["w.duckdb"]
    with duckdb.connect(str(warehouse / "w.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from reviews").fetchone() == (4,)


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        # a CALL reads as a table function, but this one would write a log file
        (
            "call enable_logging(level='trace', storage='file', storage_path='logs')",
            'Cannot change configuration option "enable_logging"',
        ),
        ("select * from read_csv('elsewhere.csv')", 'Cannot access file "elsewhere.csv"'),
        # an extension not loaded is not fetched (unlocked, DuckDB tries to install it)
        ("select * from sqlite_scan('x.db', 't')", '"sqlite_scan" is not in the catalog'),
    ],
)
def test_sql_touches_no_file_but_the_warehouse(warehouse: Path, sql: str, message: str) -> None:
    (warehouse / "elsewhere.csv").write_text("a\n1\n", encoding="utf-8")
    try:
        refused = miner("--db", "w.duckdb", "query", "--sql", sql, cwd=warehouse)
    finally:
        (warehouse / "elsewhere.csv").unlink()
    assert refused.returncode == 2, refused.stdout  # refused as the user's slip: a usage error
    assert refused.stderr.startswith("Error: query failed: "), refused.stderr
    assert message in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in warehouse.iterdir() if p.name not in {"mirror"}) == ["w.duckdb"]


def test_sql_runs_one_statement_at_a_time(warehouse: Path) -> None:
    """Two reading statements: DuckDB would print the second's rows alone, silently."""
    out = miner("--db", "w.duckdb", "query", "--sql", "select 1; select 2", cwd=warehouse)
    assert out.returncode == 2
    assert "--sql: 2 statements; give one at a time" in out.stderr
    one = miner("--db", "w.duckdb", "query", "--sql", "select 1 as n;", "--format", "csv",
                cwd=warehouse)  # fmt: skip
    assert one.returncode == 0 and one.stdout == "n\n1\n"


def test_sql_reads_through_describe_show_and_table_functions(warehouse: Path) -> None:
    reading = (
        "describe reviews",
        "show tables",
        "call pragma_table_info('reviews')",
        "-- the plan\nexplain analyze select * from reviews",
        "explain (select 1)",
        "explain (select 1) union select 2",
        "explain (format json) select 1",
    )
    for sql in reading:
        out = miner("--db", "w.duckdb", "query", "--sql", sql, "--format", "csv", cwd=warehouse)
        assert out.returncode == 0, out.stderr
        assert len(out.stdout.splitlines()) > 2


def test_sql_pivots_on_the_values_in_the_data(warehouse: Path) -> None:
    """PIVOT without an IN list, as analysts write it, alone, after WITH, in a subquery and
    explained: a query, though DuckDB makes it two statements."""
    with duckdb.connect(str(warehouse / "w.duckdb"), read_only=True) as con:
        states = sorted(r[0] for r in con.execute("select distinct state from reviews").fetchall())
    pivots = (
        "pivot reviews on state using count(*) group by repo order by repo",
        "-- per repo\nwith r as (select * from reviews) pivot r on state using count(*) "
        "group by repo order by repo",
        "select * from (pivot reviews on state using count(*) group by repo) order by repo;",
    )
    for sql in pivots:
        out = miner("--db", "w.duckdb", "query", "--sql", sql, "--format", "csv", cwd=warehouse)
        assert out.returncode == 0, out.stderr
        header = out.stdout.splitlines()[0].split(",")
        assert header == ["repo", *states], sql
    explained = miner("--db", "w.duckdb", "query", "--sql",
                      "explain pivot reviews on state using count(*)", cwd=warehouse)  # fmt: skip
    assert explained.returncode == 0, explained.stderr


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (("nope",), "no query named 'nope'", 2),
        (("waiting_longest",), "missing --param org=..., limit=...", 2),
        (("waiting_longest", "--param", "org"), "expected NAME=VALUE", 2),
        (
            ("waiting_longest", "--param", "org=a", "--param", "limit=1", "--param", "x=1"),
            "unknown --param x (it takes org, limit, repo, team)",
            2,
        ),
        ((), "Error: give a query NAME or --sql (miner query --list shows the names)", 2),
        (("waiting_longest", "--sql", "select 1"), "give a query NAME or --sql, not both", 2),
        # SQL DuckDB cannot parse or bind is the user's slip, as a wrong option is; a cast the
        # data refuses is a failure of the query run
        (("--sql", "select nonsense"), "query failed: Binder Error", 2),
        (("--sql", "selec 1"), "query failed: Parser Error", 2),
        (("--sql", "select * from no_such_table"), "query failed: Catalog Error", 2),
        (("--sql", "select 'x'::int"), "query failed: Conversion Error", 1),
        # DuckDB's guess at what was meant is kept, on the error's one line
        (
            ("--sql", "select * from review_wai"),
            "Error: query failed: Catalog Error: Table with name review_wai does not exist! "
            'Did you mean "review_wait"?\n',
            2,
        ),
        (
            ("--sql", "select lenght('a')"),
            "Error: query failed: Catalog Error: Scalar Function with name lenght does not "
            'exist! Did you mean "length"?\n',
            2,
        ),
        (
            ("--sql", "select outcom from review_wait"),
            'Error: query failed: Binder Error: Referenced column "outcom" not found in FROM '
            'clause! Candidate bindings: "outcome"',
            2,
        ),
        (("--sql", ""), "--sql: no statement to run, only blanks or comments", 2),
        (("--sql", "   "), "--sql: no statement to run, only blanks or comments", 2),
        (("--sql", "-- just a comment"), "--sql: no statement to run, only blanks or comments", 2),
        (
            ("waiting_longest", "--param", "org=acme", "--param", "limit=abc"),
            "--param limit='abc': expected a whole number of rows, like 10",
            2,
        ),
        # DuckDB would round these to a count of rows: a fraction is not one
        (
            ("waiting_longest", "--param", "org=acme", "--param", "limit=2.5"),
            "--param limit='2.5': expected a whole number of rows, like 10",
            2,
        ),
        (
            ("waiting_longest", "--param", "org=acme", "--param", "limit=1e1"),
            "--param limit='1e1': expected a whole number of rows, like 10",
            2,
        ),
        (
            (
                "review_wait_by_team",
                "--param",
                "org=acme",
                "--param",
                "since=notadate",
                "--param",
                "until=2026-03-20",
            ),
            "--param since='notadate': expected a date or an instant, like 2026-03-01",
            2,
        ),
        (
            (
                "review_wait_by_team",
                "--param",
                "org=acme",
                "--param",
                "since=2026-03-20",
                "--param",
                "until=2026-03-01",
            ),
            "--param since=2026-03-20 --param until=2026-03-01: until must be later than since",
            2,
        ),
        (
            (
                "review_wait_by_team",
                "--param",
                "org=acme",
                "--param",
                "since=2026-03-01",
                "--param",
                "since=2026-03-02",
                "--param",
                "until=2026-03-20",
            ),
            "--param since given twice ('2026-03-01', then '2026-03-02'): give it once",
            2,
        ),
        (
            ("waiting_longest", "--param", "org=acme", "--param", "limit=5", "--param", "repo="),
            "--param repo= has no value: give one, or leave it out for every repo",
            2,
        ),
        (
            ("waiting_longest", "--param", "org=", "--param", "limit=5"),
            "--param org= has no value: give one",
            2,
        ),
    ],
)
def test_bad_queries_say_what_is_wrong(
    warehouse: Path, args: tuple[str, ...], message: str, code: int
) -> None:
    out = miner("--db", "w.duckdb", "query", *args, cwd=warehouse)
    assert out.returncode == code
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def test_named_query_checks_org_team_and_repo_as_report_does(warehouse: Path) -> None:
    def waiting(*params: str) -> subprocess.CompletedProcess[str]:
        args = [a for p in ("limit=5", *params) for a in ("--param", p)]
        return miner("--db", "w.duckdb", "query", "waiting_longest", *args, "--format", "json",
                     cwd=warehouse)  # fmt: skip

    # any case of the org, the team and the repo (NAME or ORG/NAME) means the stored one
    cases = (("org=ACME",), ("org=acme", "repo=WEB"), ("org=Acme", "repo=ACME/web", "team=Data"),
             ("org=acme", "team=ACME/data"), ("org=acme", "team=@Acme/Data"))  # fmt: skip
    for params in cases:
        out = waiting(*params)
        assert out.returncode == 0, out.stderr
        assert [(r["repo"], r["pr_number"]) for r in json.loads(out.stdout)] == [("acme/web", 5)]
    # an unknown one is a usage error naming the ones there, not zero rows
    unknown = (
        (("org=nosuch",), "no data for org 'nosuch' in"),
        (
            ("org=acme", "team=nosuch"),
            "--param team='nosuch': no team of that name in acme (teams there: data, web)",
        ),
        (
            ("org=acme", "repo=nosuch"),
            "--param repo='acme/nosuch': no repo of that name in acme (repos there: acme/web)",
        ),
    )
    for params, message in unknown:
        out = waiting(*params)
        assert out.returncode == 2, out.stdout
        assert message in out.stderr and "Traceback" not in out.stderr


def test_sql_as_json_writes_every_type_as_json_can_carry_it(warehouse: Path) -> None:
    sql = (
        "select interval 1 day + interval 90 minute as wait, '\\x00\\xff'::blob as blob, "
        "time '09:30:00.5' as at, '4c2b1a7e-0b57-4f5e-9d3a-2f1e6c8b9a01'::uuid as id, "
        "'nan'::double as nan, 'inf'::double as inf, ['-inf'::double, 1.5] as list"
    )
    out = miner("--db", "w.duckdb", "query", "--sql", sql, "--format", "json", cwd=warehouse)
    assert out.returncode == 0, out.stderr
    assert "NaN" not in out.stdout and "Infinity" not in out.stdout
    # an interval in seconds, a blob in base64, a time in ISO 8601, NaN and infinity as null
    assert json.loads(out.stdout) == [
        {
            "wait": 86400 + 5400.0,
            "blob": "AP8=",
            "at": "09:30:00.500000",
            "id": "4c2b1a7e-0b57-4f5e-9d3a-2f1e6c8b9a01",
            "nan": None,
            "inf": None,
            "list": [None, 1.5],
        }
    ]


def test_sql_as_csv_writes_each_type_as_the_json_does(warehouse: Path) -> None:
    sql = (
        "select interval 1 day + interval 90 minute as wait, '\\x00\\xff'::blob as blob, "
        "time '09:30:00.5' as at, 1.50::decimal(4, 2) as price"
    )
    out = miner("--db", "w.duckdb", "query", "--sql", sql, "--format", "csv", cwd=warehouse)
    assert out.returncode == 0, out.stderr
    # not Python's "1 day, 1:30:00" and "b'\\x00\\xff'"; a decimal keeps its digits
    assert out.stdout == "wait,blob,at,price\n91800.0,AP8=,09:30:00.500000,1.50\n"


def test_cross_team_approvals_by_team_counts_the_other_teams_approvals(warehouse: Path) -> None:
    out = _march(warehouse, "cross_team_approvals_by_team")
    rows = json.loads(out.stdout)
    # alice (web) asked dana (data) three times: approved after 6 and 8 hours, one still waits;
    # bob's approvals are web's own, not cross-team
    assert [r["team"] for r in rows] == ["data"]
    data = rows[0]
    assert (data["approved"], data["waiting"]) == (2, 1)
    assert (data["median_hours"], data["p75_hours"]) == (7.0, 7.5)
    assert data["p90_hours"] == pytest.approx(7.8)


def test_json_report_has_each_section_for_the_window_and_the_one_before(warehouse: Path) -> None:
    out = miner(
        "--db",
        "w.duckdb",
        "report",
        "--org",
        "acme",
        "--since",
        "5d",
        "--format",
        "json",
        "--out",
        "report.json",
        cwd=warehouse,
    )
    assert out.returncode == 0, out.stderr
    report = json.loads((warehouse / "report.json").read_text(encoding="utf-8"))
    assert report["schema"] == "miner.report/5"
    # as_of is T0 + 10 days (Thursday 2026-03-12 09:00 UTC): the window is its last 5 days
    assert report["as_of"] == "2026-03-12T09:00:00+00:00"
    assert report["window"] == {
        "from": "2026-03-07T09:00:00+00:00",
        "to": "2026-03-12T09:00:00+00:00",
    }
    assert report["previous_window"] == {
        "from": "2026-03-02T09:00:00+00:00",
        "to": "2026-03-07T09:00:00+00:00",
    }
    summary = report["sections"]["review_wait_summary"]
    # the four answered waits began at T0: in the previous window; the stuck one (asked 50
    # hours before as_of) in this one
    assert (summary["rows"][0]["reviewed"], summary["rows"][0]["waiting"]) == (0, 1)
    assert (summary["previous"][0]["reviewed"], summary["previous"][0]["median_hours"]) == (4, 5.0)
    # they began Monday 09:00 UTC, and all four ended by 17:00: business hours are clock hours,
    # 2, 4, 6 and 8 (p75 6.5)
    assert summary["previous"][0]["p75_business_hours"] == 6.5
    approvals = report["sections"]["cross_team_approvals_by_team"]
    assert [(r["team"], r["approved"]) for r in approvals["previous"]] == [("data", 2)]
    assert [r["pr_number"] for r in report["sections"]["waiting_longest"]["rows"]] == [5]


def test_waiting_now_counts_a_wait_that_began_before_the_window(warehouse: Path) -> None:
    out = miner("--db", "w.duckdb", "report", "--org", "acme", "--since", "1d", "--format",
                "json", cwd=warehouse)  # fmt: skip
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)["sections"]["review_wait_summary"]
    # web#5 was asked 50 hours before as_of, a day before this window began, and still waits;
    # nothing was answered in the window, nor in the day before it
    assert (summary["rows"][0]["reviewed"], summary["rows"][0]["waiting"]) == (0, 1)
    # in the window before (as_of - 2 days to as_of - 1 day) it was already waiting, too
    assert summary["previous"][0]["waiting"] == 1


def test_table_report_to_a_file(warehouse: Path) -> None:
    out = miner("--db", "w.duckdb", "report", "--org", "acme", "--out", "r.txt", cwd=warehouse)
    assert out.returncode == 0, out.stderr
    text = (warehouse / "r.txt").read_text(encoding="utf-8")
    assert "Review wait by team" in text and "Where the time goes" in text
    assert max(len(line) for line in text.splitlines()) <= 100


def test_markdown_report_escapes_user_text_and_draws_the_handoff_map(tmp_path: Path) -> None:
    from tests.mirror_builder import MirrorBuilder

    b = MirrorBuilder(teams={"web": ["alice"], "data": ["dana"]}, as_of=24 * 10)
    hostile = "<script>alert(1)</script> | *bold* [x](y)"
    for hours in (0, 1):
        pr = b.pull("web", "alice", hours).request(hours, reviewer="dana").review("dana", hours + 2)
        pr.files = ["app.py"]
    stuck = b.pull("web", "alice", 24 * 9, title=hostile).request(24 * 9, reviewer="dana")
    stuck.files = ["app.py"]
    b.files[("web", "CODEOWNERS")] = "* @acme/data\n"
    mirror = b.write(tmp_path / "mirror")
    assert miner("--db", "w.duckdb", "import", str(mirror), cwd=tmp_path).returncode == 0
    out = miner("--db", "w.duckdb", "report", "--org", "acme", "--format", "md", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \\| \\*bold\\* \\[x\\](y)" in text
    # all three PRs of web's author pass through data by CODEOWNERS
    assert "```mermaid\nflowchart LR\n" in text
    # nodes numbered by team name: data is t0, web t1
    assert '  t1["web"] -->|3 PRs| t0["data"]\n' in text
    for heading in ("## Review wait", "## Where the time goes", "## Deploy lead time"):
        assert heading in text
    # no deploys in this org: the section says so in one line
    deploy = text.split("## Deploy lead time, merge to production (hours)\n\n", 1)[1]
    said = deploy.split("\n", 1)[0]
    assert said.startswith("No merged PR in the window can be followed to production: that takes")
    assert said.endswith("git history (\\[git\\] mirrors = true).")  # brackets escaped


def test_report_between_two_dates_as_csv(warehouse: Path) -> None:
    out = miner(
        "--db",
        "w.duckdb",
        "report",
        "--org",
        "acme",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-08",
        "--format",
        "csv",
        cwd=warehouse,
    )
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert set(rows[0]) == {"section", "period", "row", "column", "value"}

    def value(section: str, period: str, column: str) -> str:
        return next(
            r["value"]
            for r in rows
            if (r["section"], r["period"], r["column"]) == (section, period, column)
        )

    # the four answered waits began at T0 (2026-03-02), inside; the week before holds nothing
    assert value("review_wait_summary", "window", "reviewed") == "4"
    assert value("review_wait_summary", "window", "median_hours") == "5.0"
    assert value("review_wait_summary", "previous", "reviewed") == "0"
    bad = miner(
        "--db",
        "w.duckdb",
        "report",
        "--org",
        "acme",
        "--from",
        "2026-03-08",
        "--to",
        "2026-03-01",
        cwd=warehouse,
    )
    assert bad.returncode == 2 and "the end must be later" in bad.stderr
    alone = miner(
        "--db", "w.duckdb", "report", "--org", "acme", "--to", "2026-03-01", cwd=warehouse
    )
    assert alone.returncode == 2 and "--to goes with --from" in alone.stderr


def test_a_table_written_to_a_pipe_keeps_every_character(warehouse: Path) -> None:
    """Piped or redirected, the table is as wide as its cells, not cut to 80 columns."""
    long = "x" * 150
    sql = (
        f"select '{long}' as a_rather_long_column_name, 'https://github.com/acme/app/pull/1' as url"
    )
    out = miner("--db", "w.duckdb", "query", "--sql", sql, cwd=warehouse)
    assert out.returncode == 0, out.stderr
    assert long in out.stdout
    assert "a_rather_long_column_name" in out.stdout
    assert "https://github.com/acme/app/pull/1" in out.stdout
    assert "…" not in out.stdout
    assert out.stdout.rstrip().endswith("\n1 row")  # one row, not "1 rows"
    two = miner("--db", "w.duckdb", "query", "--sql", "select 1 union all select 2", cwd=warehouse)
    assert two.stdout.rstrip().endswith("\n2 rows")


def test_a_tables_columns_of_numbers_are_right_aligned(warehouse: Path) -> None:
    """Numbers line up by their last digit (a NULL among them too); text and booleans stay
    left-aligned."""
    sql = (
        "select * from (values ('web', 5, 466.0, true), ('security', 12, null, false), "
        "('ops', null, 3.25, null)) as t(team, prs, hours, late)"
    )
    out = miner("--db", "w.duckdb", "query", "--sql", sql, cwd=warehouse)
    assert out.returncode == 0, out.stderr
    rows = [
        line.replace("┃", "│").split("│")[1:-1]
        for line in out.stdout.splitlines()
        if line.startswith(("│", "┃"))
    ]
    header, *body = rows
    assert [c.strip() for c in header] == ["team", "prs", "hours", "late"]
    width = [len(c) for c in header]
    assert [[c.strip() for c in r] for r in body] == [
        ["web", "5", "466.00", "True"],
        ["security", "12", "", "False"],
        ["ops", "", "3.25", ""],
    ]
    for row in body:
        assert [len(c) for c in row] == width
        team, prs, hours, late = row
        assert team.startswith(" " + team.strip()) and late.startswith(" " + late.strip())
        assert prs.endswith(prs.strip() + " ") and hours.endswith(hours.strip() + " ")
