"""Bad input, each with its exact message and nothing written: a config that is not TOML, an
import folder holding a file that is not JSON; and input that is odd but real, taken as it is:
hostile strings in titles and branch names, a PR with more than 3,000 files, timestamps with
offsets."""

from __future__ import annotations

import json
from pathlib import Path

from miner.warehouse import Warehouse
from tests.mirror_builder import MirrorBuilder
from tests.test_cli import miner


def test_a_config_that_is_not_toml_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "miner.toml").write_text('[github\norg = "acme"\n')
    out = miner("--db", "w.duckdb", "report", cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "Error: miner.toml: not valid TOML: Expected ']' at the end of a table declaration "
        "(at line 1, column 8)"
    ]
    assert not (tmp_path / "w.duckdb").exists()


def test_an_import_folder_with_a_file_that_is_not_json_names_it_and_keeps_nothing(
    tmp_path: Path,
) -> None:
    mirror = MirrorBuilder(teams={"web": ["alice"]})
    mirror.pull("web", "alice", 1)
    folder = mirror.write(tmp_path / "m")
    assert miner("--db", "w.duckdb", "import", str(folder), cwd=tmp_path).returncode == 0
    (folder / "repos" / "acme" / "web" / "pulls.json").write_text('[{"number": 1,')
    out = miner("--db", "w.duckdb", "import", "m", cwd=tmp_path)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        "Error: m/repos/acme/web/pulls.json: not valid JSON: Expecting property name enclosed "
        "in double quotes: line 1 column 15 (char 14)"
    ]
    with Warehouse.open(tmp_path / "w.duckdb", read_only=True) as wh:
        # the first import's PR is still there, whole; the failed run is recorded as failed
        assert wh.query("select number from pull_requests") == [(1,)]
        assert [s for (s,) in wh.query("select status from sync_runs order by id")] == [
            "ok", "failed"]  # fmt: skip


def test_an_import_whose_team_members_file_is_not_json_keeps_the_last_imports_teams_whole(
    tmp_path: Path,
) -> None:
    """The org's lists are one state of the org: a members file that does not parse stores
    none of this import's, not the teams before it (here 5,200 members of `big`, past a
    transaction's size) over the last import's."""
    mirror = MirrorBuilder(teams={"big": ["alice"], "web": ["bob"]})
    mirror.pull("web", "alice", 1)
    folder = mirror.write(tmp_path / "m")
    assert miner("--db", "w.duckdb", "import", str(folder), cwd=tmp_path).returncode == 0
    teams = folder / "orgs" / "acme" / "teams"
    many = [{"login": f"dev{i}", "id": 10_000 + i, "type": "User"} for i in range(5200)]
    (teams / "big" / "members.json").write_text(json.dumps(many))
    (teams / "web" / "members.json").write_text('[{"login": "bob",')
    out = miner("--db", "w.duckdb", "import", "m", cwd=tmp_path)
    assert out.returncode == 1
    assert out.stderr.startswith("Error: m/orgs/acme/teams/web/members.json: not valid JSON")
    with Warehouse.open(tmp_path / "w.duckdb", read_only=True) as wh:
        assert wh.query(
            "select parent, payload ->> 'login' from raw_team_members order by 1, 2"
        ) == [("big", "alice"), ("web", "bob")]


HOSTILE = "'; drop table pull_requests; -- \" \\ $org {{x}} \x1b[31mred\x1b[0m ünï 🚀"


def test_hostile_strings_are_stored_as_they_are(tmp_path: Path) -> None:
    b = MirrorBuilder(teams={"web": ["alice"], "data": ["dana"]})
    pr = b.pull("web", "alice", 1, title=HOSTILE, body=HOSTILE)
    pr.request(1, reviewer="dana").review("dana", 3)
    folder = b.write(tmp_path / "m")
    pulls = json.loads((folder / "repos/acme/web/pulls.json").read_text())
    pulls[0]["head"]["ref"] = HOSTILE  # a branch name too
    (folder / "repos/acme/web/pulls.json").write_text(json.dumps(pulls))
    assert miner("--db", "w.duckdb", "import", str(folder), cwd=tmp_path).returncode == 0
    with Warehouse.open(tmp_path / "w.duckdb", read_only=True) as wh:
        assert wh.query("select title from pull_requests") == [(HOSTILE,)]
        assert wh.query("select payload ->> 'body' from raw_pulls") == [(HOSTILE,)]
        assert wh.query("select count(*) from review_wait") == [(1,)]
    for fmt in ("json", "csv", "md", "html"):
        out = miner("--db", "w.duckdb", "report", "--format", fmt, cwd=tmp_path)
        assert out.returncode == 0, out.stderr


def test_a_pr_with_3500_files_keeps_them_all(tmp_path: Path) -> None:
    b = MirrorBuilder(teams={"web": ["alice"], "data": ["dana"]})
    b.files[("web", "CODEOWNERS")] = "*.sql @acme/data\n"
    pr = b.pull("web", "alice", 1)
    pr.files = [f"src/f{i:04d}.py" for i in range(3490)] + [f"db/m{i}.sql" for i in range(10)]
    folder = b.write(tmp_path / "m")
    assert miner("--db", "w.duckdb", "import", str(folder), cwd=tmp_path).returncode == 0
    with Warehouse.open(tmp_path / "w.duckdb", read_only=True) as wh:
        assert wh.query("select count(*) from pr_files") == [(3500,)]
        assert wh.query(
            "select files_changed, files_owned_by_others, handoff_teams from ownership_handoffs"
        ) == [(3500, 10, ["data"])]


def test_timestamps_with_offsets_are_the_same_instants(tmp_path: Path) -> None:
    b = MirrorBuilder(teams={"web": ["alice"], "data": ["dana"]})
    b.pull("web", "alice", 0).request(0, reviewer="dana").review("dana", 5)
    folder = b.write(tmp_path / "m")
    # GitHub writes UTC with Z; an Enterprise Server or a proxy may write an offset: the same
    # instants, 2026-03-02 09:00 UTC and 14:00 UTC, written at +02:00 and -05:00
    path = folder / "repos/acme/web/pulls.json"
    pulls = json.loads(path.read_text())
    pulls[0]["created_at"] = "2026-03-02T11:00:00+02:00"
    path.write_text(json.dumps(pulls))
    reviews = folder / "repos/acme/web/pulls/1/reviews.json"
    data = json.loads(reviews.read_text())
    data[0]["submitted_at"] = "2026-03-02T09:00:00-05:00"
    reviews.write_text(json.dumps(data))
    assert miner("--db", "w.duckdb", "import", str(folder), cwd=tmp_path).returncode == 0
    with Warehouse.open(tmp_path / "w.duckdb", read_only=True) as wh:
        assert wh.query(
            "select strftime(created_at at time zone 'UTC', '%H:%M') from pull_requests"
        ) == [("09:00",)]
        assert wh.query("select wait_hours from review_wait") == [(5.0,)]
