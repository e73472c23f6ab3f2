"""The command line as a user runs it: a real `miner` process, its output and exit codes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.mirror_builder import MirrorBuilder

MINER = [sys.executable, "-c", "from miner.cli import main; main()"]


def miner(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "COLUMNS": "120", **(env or {})}
    return subprocess.run(
        [*MINER, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=full_env,
        check=False,
    )


def _mirror(root: Path) -> Path:
    b = MirrorBuilder(teams={"web": ["alice", "bob"], "data": ["dana"]}, as_of=24 * 10)
    # Reviewed waits: 2, 4, 6 and 8 hours → median 5, p75 6.5, p90 7.4 (linear interpolation).
    for hours, reviewer in ((2, "bob"), (4, "bob"), (6, "dana"), (8, "dana")):
        b.pull("web", "alice", 0).request(0, reviewer=reviewer).review(reviewer, hours)
    b.pull("web", "alice", 24 * 10 - 50, title="Stuck [bold]forever[/bold]").request(
        24 * 10 - 50, reviewer="dana"
    )
    return b.write(root / "mirror")


def test_import_then_report_prints_waits_by_team_and_the_waiting(tmp_path: Path) -> None:
    mirror = _mirror(tmp_path)
    assert miner("--db", "w.duckdb", "import", str(mirror), cwd=tmp_path).returncode == 0
    out = miner("--db", "w.duckdb", "report", "--org", "acme", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    headline = next(line for line in text.splitlines() if "│" in line and "5.0" in line)
    # five PRs became ready, four waits answered (2, 4, 6 and 8 hours: median 5, p75 6.5, p90
    # 7.4), nothing the month before; all inside Monday's working hours, so business hours are
    # the same; one request still waits
    assert [c.strip() for c in headline.strip("│ ").split("│")] == [
        "5 (+5)", "4 (+4)", "5.0 (new)", "6.5", "7.4 (new)", "5.0", "1"]  # fmt: skip
    data = next(line for line in text.splitlines() if line.startswith("│ data"))
    assert [c.strip() for c in data.strip("│ ").split("│")] == [
        "data", "2 (new)", "7.0 (new)", "7.5", "7.8", "7.0", "2", "1"]  # fmt: skip
    assert "web#5" in text and "50.0" in text
    assert "Stuck [bold]forever[/bold]" in text  # user text is shown, not read as markup


def test_rebuild_needs_no_network_and_keeps_the_views(tmp_path: Path) -> None:
    mirror = _mirror(tmp_path)
    miner("--db", "w.duckdb", "import", str(mirror), cwd=tmp_path)
    out = miner(
        "--db", "w.duckdb", "rebuild", cwd=tmp_path, env={"HTTPS_PROXY": "http://0.0.0.0:9"}
    )
    assert out.returncode == 0, out.stderr
    assert "rebuilt" in out.stderr


def test_a_rebuild_with_another_config_file_than_the_last_says_so(tmp_path: Path) -> None:
    mirror = _mirror(tmp_path)
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    home.mkdir()
    elsewhere.mkdir()
    config = home / "miner.toml"
    config.write_text('[teams]\nweb = ["alice", "bob"]\nplatform = ["dana"]\n')
    db = str(home / "w.duckdb")
    imported = miner("--db", db, "import", str(mirror), cwd=home)
    assert imported.returncode == 0, imported.stderr
    assert "note:" not in imported.stderr  # the first build: nothing to compare with

    def teams(cwd: Path) -> set[str]:
        out = miner("--db", db, "query", "--sql", "select distinct team from person_teams",
                    "--format", "csv", cwd=cwd)  # fmt: skip
        return set(out.stdout.split()[1:])

    assert "platform" in teams(home)
    # run by hand from another folder, where no miner.toml is: the config's teams go
    moved = miner("--db", db, "rebuild", cwd=elsewhere)
    assert moved.returncode == 0, moved.stderr
    assert (
        "note: rebuilt with the settings of no config file (the defaults); the rebuild before "
        f"took them from {config.resolve()}: the teams, calendars, service levels, bots and "
        f"deploy rules it set are no longer in the views (pass --config {config.resolve()} to "
        "keep them)"
    ) in moved.stderr
    assert "platform" not in teams(elsewhere)
    again = miner("--db", db, "rebuild", cwd=elsewhere)
    assert again.returncode == 0 and "note:" not in again.stderr
    back = miner("--db", db, "--config", str(config), "rebuild", cwd=elsewhere)
    assert (
        f"note: rebuilt with the settings of {config.resolve()}; the rebuild before had no "
        "config file (the defaults)"
    ) in back.stderr
    assert "platform" in teams(elsewhere)


def test_repos_the_config_excludes_leave_the_views_and_come_back(tmp_path: Path) -> None:
    b = MirrorBuilder(teams={"web": ["alice", "bob"]}, as_of=24 * 10)
    b.pull("web", "alice", 0).request(0, reviewer="bob").review("bob", 2)
    # an experiment left waiting in a repo the team then excludes: it must not wait on
    b.pull("web-sandbox", "alice", 24).request(24, reviewer="bob")
    b.pulls["docs-sandbox"] = []  # in the org's listing, excluded too, with nothing stored
    mirror = b.write(tmp_path / "mirror")
    assert miner("--db", "w.duckdb", "import", str(mirror), cwd=tmp_path).returncode == 0

    def rows(sql: str) -> list[list[str]]:
        out = miner("--db", "w.duckdb", "query", "--sql", sql, "--format", "csv", cwd=tmp_path)
        assert out.returncode == 0, out.stderr
        return [line.split(",") for line in out.stdout.splitlines()[1:]]

    everything = "select repo, count(*) from pull_requests group by repo order by repo"
    waiting = "select repo from review_wait where outcome = 'waiting'"
    assert rows(everything) == [["acme/web", "1"], ["acme/web-sandbox", "1"]]
    assert rows(waiting) == [["acme/web-sandbox"]]
    (tmp_path / "miner.toml").write_text('[github]\nexclude = ["*-sandbox"]\n')
    assert miner("--db", "w.duckdb", "rebuild", cwd=tmp_path).returncode == 0
    assert rows(everything) == [["acme/web", "1"]]
    assert rows(waiting) == []
    assert rows("select repo from settings_left_out_repos order by repo") == [
        ["acme/docs-sandbox"], ["acme/web-sandbox"]]  # fmt: skip
    assert rows("select count(*) from repos") == [["3"]]  # the org's listing stays whole
    # a report of an excluded repo would be empty, as if nothing happened there: it is refused,
    # whether or not anything of it was stored
    for repo in ("web-sandbox", "docs-sandbox"):
        for command in (
            ["report", "--repo", repo],
            ["query", "waiting_longest", "--param", "org=acme", "--param", "limit=5",
             "--param", f"repo={repo}"],
        ):  # fmt: skip
            out = miner("--db", "w.duckdb", *command, cwd=tmp_path)
            assert out.returncode == 2, command
            assert f"'acme/{repo}': left out of the views by [github] include or exclude" in (
                out.stderr
            )
    assert miner("--db", "w.duckdb", "report", "--repo", "web", cwd=tmp_path).returncode == 0
    # what was stored stays: without the glob it is all back, with no sync
    assert rows("select count(*) from raw_pulls") == [["2"]]
    (tmp_path / "miner.toml").write_text("")
    assert miner("--db", "w.duckdb", "rebuild", cwd=tmp_path).returncode == 0
    assert rows(everything) == [["acme/web", "1"], ["acme/web-sandbox", "1"]]


def test_a_team_calendar_or_service_level_for_no_known_team_is_warned_of(tmp_path: Path) -> None:
    mirror = _mirror(tmp_path)
    (tmp_path / "miner.toml").write_text(
        '[calendar.teams.dta]\ntimezone = "Asia/Tokyo"\n'
        "[sla.teams.WEB]\nfirst_review_business_hours = 2\n"  # WEB is web: slugs ignore case
        "[sla.teams.dta]\nfirst_review_business_hours = 2\n"
    )
    out = miner("--db", "w.duckdb", "import", str(mirror), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    warned = [line for line in out.stderr.splitlines() if "no team" in line]
    assert warned == [
        f"miner.toml: [{section}.teams.dta]: no team 'dta' in the warehouse or [teams] (teams "
        f"there: data, web); its {what} is not used"
        for section, what in (("calendar", "calendar"), ("sla", "service level"))
    ]


def test_python_dash_m_miner_runs_the_command(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "miner", "report", "--since", "2m"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert out.returncode == 2, out.stderr  # the command's own usage error, not Python's
    assert "Error: --since '2m': expected a number and a unit" in out.stderr


def test_bad_config_is_one_line_with_exit_code_2(tmp_path: Path) -> None:
    (tmp_path / "miner.toml").write_text("[github]\norg = 1\n")
    out = miner("report", cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "Error: miner.toml: [github] org = 1: expected a string"
    ]


def test_sync_without_token_says_which_variable(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GH_TOKEN")}
    out = subprocess.run(
        [*MINER, "--db", "w.duckdb", "sync", "--org", "acme"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert out.returncode == 2
    assert "no GitHub token: set GITHUB_TOKEN or GH_TOKEN" in out.stderr
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "w.duckdb").exists()  # a slip leaves no empty warehouse behind


def test_a_sync_or_import_that_cannot_start_leaves_no_warehouse_file(tmp_path: Path) -> None:
    # run from a folder without miner.toml: no org to sync, said with what to do
    out = miner("sync", cwd=tmp_path, env={"GITHUB_TOKEN": "t"})
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "Error: [github] org: missing: no config file here (miner.toml), so pass --org, or "
        "--config FILE, or run miner from the folder of your miner.toml"
    ]
    (tmp_path / "c.toml").write_text('[github]\napi_url = "http://127.0.0.1:9"\n', "utf-8")
    out = miner("--config", "c.toml", "sync", cwd=tmp_path, env={"GITHUB_TOKEN": "t"})
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "Error: c.toml: [github] org: missing (or pass --org)"
    ]
    # a folder that is no API mirror
    (tmp_path / "empty").mkdir()
    out = miner("import", "empty", cwd=tmp_path)
    assert out.returncode == 2  # pointed at the wrong folder: a usage error
    assert "expected one ORG.json (found none)" in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "miner.duckdb").exists()


def test_report_on_an_org_not_synced_names_the_orgs_there(tmp_path: Path) -> None:
    miner("--db", "w.duckdb", "import", str(_mirror(tmp_path)), cwd=tmp_path)
    out = miner("--db", "w.duckdb", "report", "--org", "globex", cwd=tmp_path)
    assert out.returncode == 2
    assert "no data for org 'globex'" in out.stderr and "acme" in out.stderr


def test_serve_fixtures_serves_a_mirror_on_loopback(tmp_path: Path) -> None:
    import json
    import re
    import time
    import urllib.request

    mirror = _mirror(tmp_path)
    proc = subprocess.Popen(
        [*MINER, "serve-fixtures", str(mirror), "--port", "0", "--rate-limit", "40",
         "--graphql-rate-limit", "7", "--rate-limit-window", "60"],
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+)", line)
        assert match, line
        with urllib.request.urlopen(f"{match.group(1)}/repos/acme/web/pulls?state=all") as r:
            pulls = json.load(r)
            assert (r.headers["X-RateLimit-Limit"], r.headers["X-RateLimit-Remaining"]) == (
                "40",
                "39",
            )
            assert 0 < int(r.headers["X-RateLimit-Reset"]) - time.time() <= 61
        assert sorted(p["number"] for p in pulls) == [1, 2, 3, 4, 5]
        query = json.dumps({"query": "{ rateLimit { limit remaining } }"}).encode()
        asked = urllib.request.Request(f"{match.group(1)}/graphql", data=query, method="POST")
        with urllib.request.urlopen(asked) as r:
            assert json.load(r)["data"]["rateLimit"] == {"limit": 7, "remaining": 6}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    # SIGTERM (as a service manager stops it), like Ctrl-C, is how it stops: no error
    assert proc.stderr is not None
    assert (proc.returncode, proc.stderr.read().strip()) == (0, "stopped")


def test_serve_fixtures_without_rate_limits_plays_an_enterprise_server(tmp_path: Path) -> None:
    """--rate-limit 0: rate limiting off, as an Enterprise Server has it by default: no
    X-RateLimit headers, GraphQL's rateLimit null, GET /rate_limit 404 in GHES's words."""
    import json
    import re
    import urllib.error
    import urllib.request

    proc = subprocess.Popen(
        [*MINER, "serve-fixtures", str(_mirror(tmp_path)), "--port", "0", "--rate-limit", "0"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        match = re.search(r"(http://127\.0\.0\.1:\d+)", proc.stderr.readline())
        assert match
        with urllib.request.urlopen(f"{match.group(1)}/repos/acme/web/pulls?state=all") as r:
            assert len(json.load(r)) == 5
            assert not [h for h in r.headers if h.lower().startswith("x-ratelimit")]
        query = json.dumps({"query": "{ rateLimit { limit remaining } }"}).encode()
        asked = urllib.request.Request(f"{match.group(1)}/graphql", data=query, method="POST")
        with urllib.request.urlopen(asked) as r:
            assert json.load(r)["data"] == {"rateLimit": None}
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{match.group(1)}/rate_limit")
        assert refused.value.code == 404
        assert json.load(refused.value)["message"] == "Rate limiting is not enabled."
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_sync_past_max_wait_stops_with_exit_3_and_says_when_to_run_again(tmp_path: Path) -> None:
    from miner.fixtures_server import FixtureServer

    root = _mirror(tmp_path)
    # a GraphQL budget of no points at all: the first query is refused, the reset is an hour off
    with FixtureServer(root, graphql_rate_limit=0) as server:
        (tmp_path / "miner.toml").write_text(
            f'[github]\norg = "acme"\napi_url = "{server.url}"\n', encoding="utf-8"
        )
        out = miner(
            "--config", "miner.toml", "--db", "w.duckdb", "sync", "--max-wait", "2m",
            cwd=tmp_path, env={"GITHUB_TOKEN": "t"},
        )  # fmt: skip
    assert out.returncode == 3, out.stderr
    assert "graphql rate limit is spent until" in out.stderr
    assert "--max-wait 120s" in out.stderr
    assert "run miner sync again after the reset" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_first_sync_on_a_spent_rate_limit_stops_past_max_wait(tmp_path: Path) -> None:
    """The first sync's question for the org waits for a spent rate limit no longer than
    --max-wait, as the sync does: it stopped cleanly, not waiting for the reset (an hour)."""
    from miner.fixtures_server import FixtureServer

    root = _mirror(tmp_path)
    # a REST budget of no requests at all: GET /orgs/acme is refused, the reset an hour off
    with FixtureServer(root, rate_limit=0) as server:
        (tmp_path / "miner.toml").write_text(
            f'[github]\norg = "acme"\napi_url = "{server.url}"\n', encoding="utf-8"
        )
        out = miner("sync", "--quiet", "--max-wait", "2m", cwd=tmp_path, env={"GITHUB_TOKEN": "t"})
    assert out.returncode == 3, out.stderr
    assert "core rate limit is spent until" in out.stderr
    assert "--max-wait 120s" in out.stderr
    assert not (tmp_path / "miner.duckdb").exists()


def test_a_first_sync_github_refuses_leaves_no_warehouse_and_names_where_the_org_was_given(
    tmp_path: Path,
) -> None:
    from miner.fixtures_server import FixtureServer

    root = _mirror(tmp_path)
    with FixtureServer(root, token="right-token") as server:
        (tmp_path / "miner.toml").write_text(
            f'[github]\norg = "acne"\napi_url = "{server.url}"\n', encoding="utf-8"
        )

        def sync(*args: str, token: str = "right-token") -> subprocess.CompletedProcess[str]:
            return miner("sync", "--quiet", *args, cwd=tmp_path, env={"GITHUB_TOKEN": token})

        refused = sync("--org", "acme", token="wrong-token")
        typo_in_config = sync()
        typo_on_command_line = sync("--org", "acme-corp")
        # nothing of the three slips is stored: no warehouse holding a failed run
        assert not (tmp_path / "miner.duckdb").exists()
        good = sync("--org", "acme")
        assert good.returncode == 0, good.stderr
        later_typo = sync()  # a warehouse there: the run is recorded, and said the same way
        where = f"{server.url} (or the token cannot see it)"
    assert refused.returncode == 1
    assert "401 Bad credentials" in refused.stderr
    assert "GitHub refused the credentials from $GITHUB_TOKEN" in refused.stderr
    assert "wrong-token" not in refused.stderr
    assert typo_in_config.returncode == 2  # an org named wrong: no later run mends it
    assert typo_in_config.stderr.strip().splitlines() == [
        f"Error: miner.toml: [github] org = 'acne': organization 'acne' not found at {where}"
    ]
    assert typo_on_command_line.returncode == 2
    assert typo_on_command_line.stderr.strip().splitlines() == [
        f"Error: --org acme-corp: organization 'acme-corp' not found at {where}"
    ]
    assert later_typo.returncode == 2
    assert later_typo.stderr.strip().splitlines() == typo_in_config.stderr.strip().splitlines()
    import duckdb

    with duckdb.connect(str(tmp_path / "miner.duckdb"), read_only=True) as con:
        runs = con.execute("select org, status from sync_runs order by started_at").fetchall()
    assert runs == [("acme", "ok"), ("acne", "failed")]


def test_sync_max_wait_must_be_a_duration(tmp_path: Path) -> None:
    out = miner("--db", "w.duckdb", "sync", "--org", "acme", "--max-wait", "soon", cwd=tmp_path)
    assert out.returncode == 2
    assert "--max-wait" in out.stderr and "15m" in out.stderr


def test_durations_take_seconds_minutes_hours_and_days() -> None:
    from miner.cli import _seconds

    seconds = [_seconds("--max-wait", t) for t in ("90", "90s", "15m", "1.5h", "1d")]
    assert seconds == [90, 90, 900, 5400, 86400]


def test_demo_builds_syncs_and_reports_the_sample_org(tmp_path: Path) -> None:
    """`make demo`'s command, as a user runs it: the sample org served, synced, reported."""
    out = miner("demo", "--dir", "demo", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "miner report · acme" in out.stdout
    assert "Review wait by team waited on" in out.stdout
    html = (tmp_path / "demo" / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.count('<svg class="chart"') == 9
    # its settings are a miner.toml there: a rebuild from that folder keeps the teams' own
    # calendars (the sample org's 8 teams), one from elsewhere names what it drops
    demo = tmp_path / "demo"
    assert "[calendar.teams.security]" in (demo / "miner.toml").read_text(encoding="utf-8")
    calendars = "select count(*) from settings_calendars where calendar <> 'default'"
    kept = miner("rebuild", cwd=demo)
    assert (kept.returncode, kept.stderr.count("note:")) == (0, 0), kept.stderr
    out = miner("query", "--sql", calendars, "--format", "csv", cwd=demo)
    assert out.stdout.split() == ["count_star()", "8"]
    dropped = miner("--db", "demo/miner.duckdb", "rebuild", cwd=tmp_path)
    assert "note: rebuilt with the settings of no config file" in dropped.stderr


def test_a_warning_of_an_unknown_team_names_at_most_twenty_of_those_there(tmp_path: Path) -> None:
    from miner.config import Calendar, Config, ServiceLevels
    from miner.transform import unknown_teams
    from miner.warehouse import Warehouse

    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        wh.con.execute("create table teams as select 't' || lpad(i::text, 2, '0') as team "
                       "from range(25) as r(i)")  # fmt: skip
        wh.con.execute("create table person_teams as select 'solo' as team")
        config = Config(team_calendars={"T03": Calendar(), "nope": Calendar()},
                        team_sla={"solo": ServiceLevels()})  # fmt: skip
        assert unknown_teams(wh, config) == [
            "the config: [calendar.teams.nope]: no team 'nope' in the warehouse or [teams] "
            f"(teams there: solo, {', '.join(f't{i:02d}' for i in range(19))}, and 6 more); "
            "its calendar is not used"
        ]


def test_serve_fixtures_sample_org_and_demo_say_what_is_wrong_in_one_line(tmp_path: Path) -> None:
    """A port taken, a port out of range, a request log in no folder, an as_of.txt that is no
    time, a folder that cannot be written: one line each, no traceback."""
    made = miner("sample-org", "s", "--prs", "10", "--repos", "1", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stderr == "wrote acme: 1 repo, 8 teams, 40 people, 10 PRs to s\n"  # not "1 repos"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = miner("serve-fixtures", "s", "--port", str(port), cwd=tmp_path)
    no_log = miner("serve-fixtures", "s", "--port", "0", "--request-log", "no/such/log",
                   cwd=tmp_path)  # fmt: skip
    out_of_range = miner("serve-fixtures", "s", "--port", "70000", cwd=tmp_path)
    never = miner("serve-fixtures", "s", "--fault-every", "0", "--faults", "500", cwd=tmp_path)
    unknown = miner("serve-fixtures", "s", "--faults", "500,bogus", cwd=tmp_path)
    (tmp_path / "s" / "as_of.txt").write_text("yesterday\n")
    clock = miner("serve-fixtures", "s", "--port", "0", cwd=tmp_path)
    (tmp_path / "file").write_text("")
    sample = miner("sample-org", "file/s", cwd=tmp_path)
    demo = miner("demo", "--dir", "file/d", cwd=tmp_path)
    assert busy.stderr == f"Error: 127.0.0.1:{port}: cannot serve: Address already in use\n"
    assert no_log.stderr == "Error: no/such/log: cannot serve: No such file or directory\n"
    assert clock.stderr == (
        'Error: s/as_of.txt: "yesterday" is not an ISO-8601 time; write e.g. 2026-06-30T18:00:00Z\n'
    )
    assert sample.stderr.startswith("Error: file/s") and "Not a directory" in sample.stderr
    assert demo.stderr.startswith("Error: file/d") and "Not a directory" in demo.stderr
    for out in (busy, no_log, clock, sample, demo):
        assert out.returncode == 1 and out.stderr.count("\n") == 1, out.stderr
    for out in (out_of_range, never, unknown):
        assert out.returncode == 2 and "Traceback" not in out.stderr
    assert unknown.stderr.endswith(
        "Error: --faults '500,bogus': unknown fault 'bogus': known ones are 500, 502, 503, "
        "secondary, 429, primary, reset, truncated, slow\n"
    )
    assert "70000 is not in the range 0<=x<=65535" in out_of_range.stderr
    assert "--fault-every" in never.stderr


def test_a_broken_config_stops_only_the_commands_that_read_it(tmp_path: Path) -> None:
    (tmp_path / "miner.toml").write_text("x = 1\n")
    helped = miner("report", "--help", cwd=tmp_path)
    made = miner("sample-org", "s", "--prs", "5", "--repos", "1", cwd=tmp_path)
    report = miner("report", cwd=tmp_path)
    assert helped.returncode == 0 and "Print where the time goes" in helped.stdout
    assert made.returncode == 0, made.stderr
    assert report.returncode == 2
    assert report.stderr.startswith("Error: miner.toml: x: unknown key (known: bots, github")


def test_rebuild_without_a_warehouse_makes_none(tmp_path: Path) -> None:
    out = miner("--db", "w.duckdb", "rebuild", cwd=tmp_path)
    assert out.returncode == 1
    assert out.stderr == (
        "Error: w.duckdb: no warehouse here yet: run `miner sync` or `miner import`\n"
    )
    assert not (tmp_path / "w.duckdb").exists()


def test_serve_fixtures_wants_a_mirror_folder_and_query_list_stands_alone(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    served = miner("serve-fixtures", "empty", "--port", "0", cwd=tmp_path)
    assert (served.returncode, served.stderr) == (
        2, "Error: empty: no orgs/ORG.json: not an API mirror folder (see README)\n"
    )  # fmt: skip
    for extra in (["waiting_longest"], ["--sql", "select 1"], ["--param", "org=acme"]):
        listed = miner("query", "--list", *extra, cwd=tmp_path)
        assert listed.returncode == 2, extra
        assert "--list lists the named queries: give it alone" in listed.stderr
