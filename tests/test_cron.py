"""`miner sync` from cron: --quiet prints nothing when all is well, --log-format json makes
every line on stderr one JSON object (progress records, the summary, errors), and the exit
codes say ok (0), failed (1), usage (2)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from miner.fixtures_server import FixtureServer
from tests.test_secrets import _miner

TOKEN = "ghp_secretTokenThatMustNeverLeak0123456789"


@pytest.fixture(scope="module")
def served(small_org: Path) -> Path:
    return small_org


def _config(folder: Path, url: str) -> None:
    (folder / "miner.toml").write_text(f'[github]\norg = "acme"\napi_url = "{url}"\n')


def _lines(out: subprocess.CompletedProcess[bytes]) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.stderr.decode().splitlines()]


def test_quiet_and_json_logs(served: Path, tmp_path: Path) -> None:
    with FixtureServer(served, token=TOKEN, port=0) as server:
        _config(tmp_path, server.url)
        quiet = _miner(tmp_path, "sync", "--quiet")
        assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, b"", b"")
        logged = _miner(tmp_path, "sync", "--log-format", "json", "--api", "rest")
    assert logged.returncode == 0
    records = _lines(logged)  # every line parses
    # the sample org deploys to production, and this config mirrors no git: a note, as a JSON line
    assert [r["event"] for r in records] == ["repo", "repo", "log", "synced"]
    assert records[2]["level"] == "warning"
    assert "with production deploys but no git mirror" in str(records[2]["message"])
    assert [r["repo"] for r in records[:2]] == ["acme/mobile-app", "acme/web-app"]
    summary = records[-1]
    assert summary["org"] == "acme" and summary["repos"] == 2 and summary["api"] == "rest"
    assert summary["prs_new"] == 0 and summary["repos_failed"] == 0  # the quiet run had them
    assert all(isinstance(r["time"], str) and r["time"].endswith("Z") for r in records)


def test_exit_codes_and_json_errors(served: Path, tmp_path: Path) -> None:
    with FixtureServer(served, token=TOKEN, port=0) as server:
        _config(tmp_path, server.url)
        refused = _miner(tmp_path, "sync", "--log-format", "json", token="wrong")
    assert refused.returncode == 1
    (error,) = _lines(refused)
    assert error["event"] == "error" and "401" in str(error["message"])
    usage = _miner(tmp_path, "sync", "--log-format", "xml")
    assert usage.returncode == 2


@pytest.mark.parametrize("api", ["rest", "graphql"])
def test_a_repo_the_token_cannot_read_leaves_the_others_and_a_partial_run(
    served: Path, tmp_path: Path, api: str
) -> None:
    import shutil

    from miner.fixtures_server import FORBIDDEN

    mirror = tmp_path / "mirror"
    shutil.copytree(served, mirror)
    (mirror / "repos" / "acme" / "web-app" / FORBIDDEN).touch()
    with FixtureServer(mirror, token=TOKEN, port=0) as server:
        _config(tmp_path, server.url)
        out = _miner(tmp_path, "sync", "--api", api)
        runs = _miner(tmp_path, "query", "--sql",
                      "select status, repos_failed from sync_runs", "--format", "json")  # fmt: skip
        stored = _miner(tmp_path, "query", "--sql",
                        "select repo, count(*) as prs from pull_requests group by repo",
                        "--format", "json")  # fmt: skip
    assert out.returncode == 3  # partial
    errors = [line for line in out.stderr.decode().splitlines() if line.startswith("Error:")]
    # REST: GET /repos/acme/web-app/pulls: 403 ...; GraphQL: POST /graphql: ... (FORBIDDEN)
    assert errors[0].startswith("Error: acme/web-app: not readable with this token (")
    assert errors[0].endswith("Resource not accessible by personal access token)")
    assert errors[-1] == "Error: 1 repo not synced whole this run"
    assert json.loads(runs.stdout) == [{"status": "partial", "repos_failed": 1}]
    # the other repo synced whole
    assert [r["repo"] for r in json.loads(stored.stdout)] == ["acme/mobile-app"]


@pytest.mark.parametrize("api", ["rest", "graphql"])
def test_a_part_of_a_repo_the_token_is_refused_leaves_the_rest_of_it(
    served: Path, tmp_path: Path, api: str
) -> None:
    """A fine-grained token without Actions and Deployments permissions: the repo's workflow
    runs and deployments are refused (REST: 403; GraphQL: FORBIDDEN at the repo's deployments,
    which nulls the repo in the org snapshot), its pull requests and everything else sync, and
    the run says which parts are missing, the same on either API."""
    import shutil

    from miner.fixtures_server import FORBIDDEN

    mirror = tmp_path / "mirror"
    shutil.copytree(served, mirror)
    (mirror / "repos" / "acme" / "web-app" / FORBIDDEN).write_text("actions\ndeployments\n")
    count = (
        "select repo, count(*) as n from {} group by repo order by repo"
    )  # fmt: skip
    with FixtureServer(mirror, token=TOKEN, port=0) as server:
        _config(tmp_path, server.url)
        out = _miner(tmp_path, "sync", "--api", api)
        runs = _miner(tmp_path, "query", "--sql",
                      "select status, repos_failed from sync_runs", "--format", "json")  # fmt: skip
        prs = _miner(tmp_path, "query", "--sql", count.format("pull_requests"), "--format", "json")
        ci = _miner(tmp_path, "query", "--sql", count.format("workflow_runs"), "--format", "json")
    assert out.returncode == 3  # partial: the repo's CI time is missing
    errors = [line for line in out.stderr.decode().splitlines() if line.startswith("Error:")]
    assert errors[0].startswith(
        "Error: acme/web-app: deployments and workflow runs not readable with this token, which "
        "needs read access to Actions and Deployments ("
    )
    assert errors[0].endswith(
        "Resource not accessible by personal access token); the rest of the repo synced"
    )
    assert errors[-1] == "Error: 1 repo not synced whole this run"
    # said once, by miner: not PyGithub's note of the 403 before it knew it for no rate limit
    assert "failed with 403" not in out.stderr.decode()
    assert json.loads(runs.stdout) == [{"status": "partial", "repos_failed": 1}]
    # both repos' pull requests, and the other repo's workflow runs, as the mirror has them
    wanted_prs = {
        repo: len(json.loads((served / "repos/acme" / repo / "pulls.json").read_text()))
        for repo in ("web-app", "mobile-app")
    }
    assert {r["repo"]: r["n"] for r in json.loads(prs.stdout)} == {
        f"acme/{repo}": n for repo, n in wanted_prs.items()
    }
    assert [r["repo"] for r in json.loads(ci.stdout)] == ["acme/mobile-app"]


@pytest.mark.parametrize("api", ["rest", "graphql"])
def test_a_token_without_deployments_permission_syncs_the_rest_and_keeps_stored_deployments(
    served: Path, tmp_path: Path, api: str
) -> None:
    """Deployments refused (a fine-grained token or an app without Deployments permission), the
    same on either API. Of one repo: the other repo's deployments are stored, the refused one
    is named with the permission, every PR syncs, exit 3. Of every repo: still no failed sync
    (each repo is readable but for its deployments), and those stored before stay. Once the
    token may read them again the next run is whole."""
    import shutil

    from miner.fixtures_server import FORBIDDEN

    mirror = tmp_path / "mirror"
    shutil.copytree(served, mirror)
    repos = mirror / "repos" / "acme"
    # the sample org deploys web-app alone: refusing mobile-app's deployments tells whether
    # web-app's, on the same snapshot page, are still read
    web_deploys = len(json.loads((repos / "web-app" / "deployments.json").read_text()))
    wanted_prs = {
        f"acme/{repo}": len(json.loads((repos / repo / "pulls.json").read_text()))
        for repo in ("mobile-app", "web-app")
    }

    def refused(repo: str) -> str:
        return (
            f"Error: acme/{repo}: deployments not readable with this token, which needs read "
            "access to Deployments ("
        )

    def rows(table: str) -> dict[str, int]:
        sql = f"select repo, count(*) as n from {table} group by repo"
        got = _miner(tmp_path, "query", "--sql", sql, "--format", "json")
        return {r["repo"]: r["n"] for r in json.loads(got.stdout)}

    with FixtureServer(mirror, token=TOKEN, port=0) as server:
        _config(tmp_path, server.url)
        (repos / "mobile-app" / FORBIDDEN).write_text("deployments\n")
        one = _miner(tmp_path, "sync", "--api", api, "--quiet")
        one_prs, one_deploys = rows("pull_requests"), rows("deployments")
        (repos / "web-app" / FORBIDDEN).write_text("deployments\n")
        every = _miner(tmp_path, "sync", "--api", api, "--quiet")
        every_prs, every_deploys = rows("pull_requests"), rows("deployments")
        for repo in ("mobile-app", "web-app"):
            (repos / repo / FORBIDDEN).unlink()
        again = _miner(tmp_path, "sync", "--api", api, "--quiet")
        runs = _miner(tmp_path, "query", "--sql",
                      "select status, repos_failed from sync_runs order by id",
                      "--format", "json")  # fmt: skip

    lines = one.stderr.decode().splitlines()
    assert one.returncode == 3, lines
    assert lines[0].startswith(refused("mobile-app")), lines
    assert lines[0].endswith(
        "Resource not accessible by personal access token); the rest of the repo synced"
    )
    assert lines[1:] == ["Error: 1 repo not synced whole this run"]
    assert one_prs == wanted_prs and one_deploys == {"acme/web-app": web_deploys}

    lines = every.stderr.decode().splitlines()
    assert every.returncode == 3, lines
    assert [line.split("(")[0] for line in lines[:2]] == [
        refused("mobile-app").split("(")[0],
        refused("web-app").split("(")[0],
    ]
    assert lines[2:] == ["Error: 2 repos not synced whole this run"]
    # nothing stored was dropped, and the PRs are all there
    assert every_prs == wanted_prs and every_deploys == {"acme/web-app": web_deploys}

    assert again.returncode == 0, again.stderr.decode()
    assert json.loads(runs.stdout) == [
        {"status": "partial", "repos_failed": 1},
        {"status": "partial", "repos_failed": 2},
        {"status": "ok", "repos_failed": 0},
    ]


@pytest.mark.parametrize("api", ["rest", "graphql"])
def test_a_token_without_contents_permission_syncs_the_prs_and_names_the_permission(
    served: Path, tmp_path: Path, api: str
) -> None:
    """A fine-grained token without Contents permission: GitHub refuses the repo's files (403
    on REST, FORBIDDEN fields inside a GraphQL answer) and git. Its PRs and deployments still
    sync; CODEOWNERS, manifests and git history are said missing, in one line naming the
    permission; files stored by an earlier sync stay; the other repo syncs whole."""
    import shutil

    from miner.fixtures_server import FORBIDDEN

    mirror = tmp_path / "mirror"
    shutil.copytree(served, mirror)
    with FixtureServer(mirror, token=TOKEN, port=0) as server:
        (tmp_path / "miner.toml").write_text(
            f'[github]\norg = "acme"\napi_url = "{server.url}"\n\n[git]\nmirrors = true\n'
        )
        first = _miner(tmp_path, "sync", "--api", api, "--quiet")
        (mirror / "repos" / "acme" / "web-app" / FORBIDDEN).write_text("contents\n")
        out = _miner(tmp_path, "sync", "--api", api, "--quiet")
        cold = tmp_path / "cold"  # a first sync with the token so limited
        cold.mkdir()
        (cold / "miner.toml").write_text((tmp_path / "miner.toml").read_text())
        fresh = _miner(cold, "sync", "--api", api, "--quiet")

        def rows(folder: Path, table: str) -> dict[str, int]:
            sql = f"select repo, count(*) as n from {table} group by repo"
            got = _miner(folder, "query", "--sql", sql, "--format", "json")
            return {r["repo"]: r["n"] for r in json.loads(got.stdout)}

        files, fresh_files = rows(tmp_path, "repo_files"), rows(cold, "repo_files")
        prs, deploys, commits = (
            rows(cold, "pull_requests"), rows(cold, "deployments"), rows(cold, "commits")
        )  # fmt: skip
    assert first.returncode == 0, first.stderr.decode()
    for run in (out, fresh):
        assert run.returncode == 3, run.stderr.decode()  # partial
        assert (
            run.stderr.decode()
            .splitlines()[0]
            .startswith(
                "Error: acme/web-app: CODEOWNERS, manifests and git history not readable with this "
                "token, which needs read access to Contents ("
            )
        )
        assert (
            run.stderr.decode()
            .splitlines()[0]
            .endswith(
                "Resource not accessible by personal access token); the rest of the repo synced"
            )
        )
        assert run.stderr.decode().splitlines()[1:] == ["Error: 1 repo not synced whole this run"]
    # the mirror's files: web-app .github/CODEOWNERS and package.json, mobile-app
    # .github/CODEOWNERS and build.gradle.kts; README.md is neither
    assert files == {"acme/web-app": 2, "acme/mobile-app": 2}  # kept from the first sync
    assert fresh_files == {"acme/mobile-app": 2}
    wanted = {
        f"acme/{repo}": len(json.loads((served / "repos/acme" / repo / "pulls.json").read_text()))
        for repo in ("web-app", "mobile-app")
    }
    assert prs == wanted
    web_deploys = json.loads((served / "repos/acme/web-app/deployments.json").read_text())
    assert deploys == {"acme/web-app": len(web_deploys)}
    assert set(commits) == {"acme/mobile-app"}  # no git history of web-app, and no clone tried


def test_a_graphql_error_of_one_repo_names_it_and_leaves_the_others(
    served: Path, tmp_path: Path
) -> None:
    """GitHub answers one repo's PR query with `data` and `errors` even for PR 1 alone without
    its details (here PR 1's title, which GraphQL says is never null, missing): the repo's PRs
    are not stored with a hole, the error names the repo and what GitHub said, the other repo
    syncs whole, the run is partial (exit 3), and once GitHub answers whole the next run
    completes the repo. The rest of the repo (its deployments, here) syncs meanwhile: an error
    that lasted would otherwise keep them from the warehouse night after night."""
    import shutil

    mirror = tmp_path / "mirror"
    shutil.copytree(served, mirror)
    listing = mirror / "repos/acme/web-app/pulls.json"
    good = listing.read_text()
    pulls = json.loads(good)
    listing.write_text(json.dumps([{**p, "title": None} if p["number"] == 1 else p for p in pulls]))
    count = "select repo, count(*) as n from pull_requests group by repo"
    with FixtureServer(mirror, token=TOKEN, port=0) as server:
        _config(tmp_path, server.url)
        out = _miner(tmp_path, "sync", "--quiet")
        stored = _miner(tmp_path, "query", "--sql", count, "--format", "json")
        deploys = "select count(*) as n from deployments where repo = 'acme/web-app'"
        deployed = _miner(tmp_path, "query", "--sql", deploys, "--format", "json")
        listing.write_text(good)
        again = _miner(tmp_path, "sync", "--quiet")
        whole = _miner(tmp_path, "query", "--sql", count, "--format", "json")
    assert out.returncode == 3, out.stderr.decode()
    assert out.stderr.decode().splitlines() == [
        "Error: acme/web-app: not synced whole, the next run tries again: POST /graphql: Cannot "
        "return null for non-nullable field PullRequest.title.",
        "Error: 1 repo not synced whole this run",
    ]
    prs = {
        f"acme/{repo}": len(json.loads((served / "repos/acme" / repo / "pulls.json").read_text()))
        for repo in ("web-app", "mobile-app")
    }
    # what was read of web-app's PRs is stored only once a whole transaction of them is: none
    assert {r["repo"]: r["n"] for r in json.loads(stored.stdout)} == {
        "acme/mobile-app": prs["acme/mobile-app"]
    }
    web_deploys = json.loads((served / "repos/acme/web-app/deployments.json").read_text())
    assert json.loads(deployed.stdout) == [{"n": len(web_deploys)}] and web_deploys
    assert (again.returncode, again.stderr) == (0, b"")
    assert {r["repo"]: r["n"] for r in json.loads(whole.stdout)} == prs


def test_a_repo_github_gives_up_on_at_the_lightest_page_is_read_through_rest(
    served: Path, tmp_path: Path
) -> None:
    """GitHub gives up on every PR page of both repos, down to one PR with the shortest nested
    pages (a query too heavy for its time limit): each PR is then listed alone, without its
    reviews, timeline, files and commits, and those are read through REST, so the repos sync
    whole (exit 0) rather than stay partial, at the same PR, night after night."""
    limits = {"PullRequests": 0}  # every page holds more nodes than that
    count = "select count(*) as n from reviews"
    with FixtureServer(served, token=TOKEN, port=0) as whole:
        (tmp_path / "whole").mkdir()
        _config(tmp_path / "whole", whole.url)
        assert _miner(tmp_path / "whole", "sync", "--quiet").returncode == 0
        expected = _miner(tmp_path / "whole", "query", "--sql", count, "--format", "json")
    with FixtureServer(served, token=TOKEN, port=0, graphql_time_limits=limits) as server:
        _config(tmp_path, server.url)
        out = _miner(tmp_path, "sync", "--quiet")
        got = _miner(tmp_path, "query", "--sql", count, "--format", "json")
        listed = [r for r in server.requests if r.query.get("operation") == "PullRequestListing"]
    assert (out.returncode, out.stderr) == (0, b""), out.stderr.decode()
    prs = sum(
        len(json.loads((served / "repos/acme" / repo / "pulls.json").read_text()))
        for repo in ("web-app", "mobile-app")
    )
    assert len(listed) == prs
    assert json.loads(got.stdout) == json.loads(expected.stdout)
    assert json.loads(got.stdout)[0]["n"] > 0


def test_the_readmes_cron_line_makes_the_report_after_a_partial_sync(
    served: Path, tmp_path: Path
) -> None:
    """The README's crontab line, run by sh as cron runs it: a night on which one repo's
    workflow runs are refused (exit 3) still makes the report; a token GitHub refuses does
    not, and the line says why."""
    import os
    import re
    import shutil
    import sys

    from miner.fixtures_server import FORBIDDEN

    readme = (Path(__file__).parents[1] / "README.md").read_text()
    (line,) = re.findall(r"^15 3 \* \* \*  (cd /srv/miner .*)$", readme, re.M)
    mirror = tmp_path / "mirror"
    shutil.copytree(served, mirror)
    (mirror / "repos" / "acme" / "web-app" / FORBIDDEN).write_text("actions\n")
    home = tmp_path / "srv"
    (home / ".venv/bin").mkdir(parents=True)
    shim = home / ".venv/bin/miner"
    shim.write_text(
        f'#!/bin/sh\nexec {sys.executable} -c "from miner.cli import main; main()" "$@"\n'
    )
    shim.chmod(0o755)

    def night(token: str) -> subprocess.CompletedProcess[bytes]:
        command = line.replace("/srv/miner", str(home)).replace("GITHUB_TOKEN=...", "")
        return subprocess.run(["sh", "-c", command], capture_output=True, timeout=600,
                              check=False, env={**os.environ, "GITHUB_TOKEN": token})  # fmt: skip

    with FixtureServer(mirror, token=TOKEN, port=0) as server:
        _config(home, server.url)
        refused = night("wrong")
        made_after_refusal = (home / "report.html").exists()
        partial = night(TOKEN)
    assert not made_after_refusal
    assert b"401" in refused.stderr
    said = partial.stderr.decode().splitlines()
    # errors only: the report's --quiet leaves out the line naming its file
    assert said[1:] == ["Error: 1 repo not synced whole this run"]
    assert partial.returncode == 0, partial.stderr.decode()
    assert (home / "report.html").read_text().startswith("<!")


@pytest.mark.parametrize("api", ["rest", "graphql"])
def test_a_token_refused_the_orgs_teams_says_which_permission(
    served: Path, tmp_path: Path, api: str
) -> None:
    """A fine-grained token without the org's Members permission: GitHub refuses its teams
    (403 on REST, a FORBIDDEN error at organization.teams on GraphQL). The sync fails in one
    line naming the permission, and doctor says the same."""
    import shutil

    from miner.fixtures_server import FORBIDDEN

    mirror = tmp_path / "mirror"
    shutil.copytree(served, mirror)
    (mirror / "orgs" / "acme" / FORBIDDEN).write_text("teams\n")
    with FixtureServer(mirror, token=TOKEN, port=0) as server:
        _config(tmp_path, server.url)
        out = _miner(tmp_path, "sync", "--api", api, "--quiet")
        doctor = _miner(tmp_path, "doctor")
    (line,) = out.stderr.decode().splitlines()
    assert out.returncode == 1
    assert line.startswith("Error: acme: GitHub refuses this token the org's members or teams (")
    assert line.endswith(
        "Resource not accessible by personal access token): a GitHub App or a fine-grained "
        "token needs read access to the organization's Members permission, a classic token the "
        "read:org scope (`miner doctor` checks it)"
    )
    assert doctor.returncode == 1
    assert (
        "FAIL teams of acme: grant the token read access to the organization's Members "
        "permission (a classic token: the read:org scope)"
    ) in doctor.stdout.decode().splitlines()
    # the repos are still checked
    assert "ok   all 2 repos a sync reads are readable" in doctor.stdout.decode().splitlines()


def test_an_org_that_is_not_there_is_one_line(served: Path, tmp_path: Path) -> None:
    with FixtureServer(served, token=TOKEN, port=0) as server:
        _config(tmp_path, server.url)
        out = _miner(tmp_path, "sync", "--org", "nope")
        url = server.url
    assert out.returncode == 2
    assert out.stderr.decode().strip().splitlines() == [
        f"Error: --org nope: organization 'nope' not found at {url} (or the token cannot see it)"
    ]


def test_doctor_says_what_is_well_and_what_to_fix(served: Path, tmp_path: Path) -> None:
    import shutil

    from miner.fixtures_server import FORBIDDEN

    mirror = tmp_path / "mirror"
    shutil.copytree(served, mirror)
    # a mirror without a repo's runs or deployments (the server answers 404, as GitHub does for
    # a missing file): nothing there, as a sync reads it, and no failure
    for missing in ("actions/runs.json", "deployments.json"):
        (mirror / "repos" / "acme" / "web-app" / missing).unlink(missing_ok=True)
    with FixtureServer(mirror, token=TOKEN, port=0) as server:
        _config(tmp_path, server.url)
        well = _miner(tmp_path, "doctor")
        (mirror / "repos" / "acme" / "mobile-app" / FORBIDDEN).write_text("actions\n")
        no_actions = _miner(tmp_path, "doctor")
        (mirror / "repos" / "acme" / "mobile-app" / FORBIDDEN).write_text("contents\n")
        no_contents = _miner(tmp_path, "doctor")
        (mirror / "repos" / "acme" / "web-app" / FORBIDDEN).touch()
        forbidden = _miner(tmp_path, "doctor")
        refused = _miner(tmp_path, "doctor", token="wrong")
        pasted = _miner(tmp_path, "doctor", token=TOKEN + "\nwrong")  # two lines pasted in
        (tmp_path / "miner.toml").write_text(
            (tmp_path / "miner.toml")
            .read_text()
            .replace("[github]", "[github]\ntoken_env = 'NONE'")
        )
        no_token = _miner(tmp_path, "doctor")
        url = server.url
    lines = well.stdout.decode().splitlines()
    assert well.returncode == 0, well.stdout.decode() + well.stderr.decode()
    assert lines[0] == "ok   config: miner.toml"
    assert lines[1] == "ok   token from $GITHUB_TOKEN"
    assert lines[2].startswith(f"ok   GitHub at {url}: REST ")
    assert lines[3:] == [
        "ok   org acme",
        "ok   members and teams of acme",
        "ok   all 2 repos a sync reads are readable",
        "ok   contents, workflow runs and deployments of every readable repo",
        "ok   warehouse miner.duckdb: not there yet, the first sync makes it",
    ]
    assert no_actions.returncode == 1
    assert "ok   all 2 repos a sync reads are readable" in no_actions.stdout.decode()
    # the refusal is its FAIL line alone, not also PyGithub's "Request GET ... failed with 403"
    assert no_actions.stderr.decode().splitlines() == [
        "Error: some checks failed: fix what they say, then run `miner doctor` again"
    ]
    assert ("FAIL contents, workflow runs and deployments: grant the token read access to "
            "Actions of acme/mobile-app" in no_actions.stdout.decode().splitlines())  # fmt: skip
    # a fine-grained token without Contents: no CODEOWNERS, manifests or git mirror
    assert no_contents.returncode == 1
    assert ("FAIL contents, workflow runs and deployments: grant the token read access to "
            "Contents of acme/mobile-app" in no_contents.stdout.decode().splitlines())  # fmt: skip
    # the README's command table says so: the permissions doctor names are the ones it lists
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    (row,) = [r for r in readme.splitlines() if r.startswith("| `miner doctor")]
    for permission in ("Members", "Contents", "Actions", "Deployments"):
        assert permission in row, permission
    assert forbidden.returncode == 1
    assert ("FAIL 1 of 2 repos readable: grant the token read access to acme/web-app (403)"
            in forbidden.stdout.decode().splitlines())  # fmt: skip
    assert refused.returncode == 1
    assert f"FAIL GitHub at {url}: the token is refused: make a new one" in refused.stdout.decode()
    # a token miner will not send is one failure, under its own name, not a GitHub App's
    said = [line for line in pasted.stdout.decode().splitlines() if line.startswith("FAIL")]
    assert said[0] == (
        "FAIL token: $GITHUB_TOKEN: the token holds spaces, line breaks, control characters "
        "or letters beyond ASCII; set it to the token alone"
    )
    assert not [line for line in said if line.startswith(("FAIL GitHub App", "FAIL token: set"))]
    # no token at all: said once, and the server's 401 is no refused token
    said = [line for line in no_token.stdout.decode().splitlines() if line.startswith("FAIL")]
    assert said[:2] == [
        "FAIL token: set NONE",
        f"FAIL GitHub at {url}: it needs a token (see above)",
    ]
    for out in (well, no_actions, no_contents, forbidden, refused, pasted):
        assert TOKEN.encode() not in out.stdout + out.stderr


def test_doctor_on_an_enterprise_server_without_rate_limits(served: Path, tmp_path: Path) -> None:
    """An Enterprise Server with rate limiting off (its default) answers GET /rate_limit 404
    "Rate limiting is not enabled.": doctor says GitHub answers with no limit, and goes on to
    the org and its repos, rather than failing there with nothing else checked."""
    with FixtureServer(served, token=TOKEN, port=0, rate_limit=None) as server:
        _config(tmp_path, server.url)
        out = _miner(tmp_path, "doctor")
        url = server.url
    lines = out.stdout.decode().splitlines()
    assert out.returncode == 0, out.stdout.decode() + out.stderr.decode()
    assert lines[2:6] == [
        f"ok   GitHub at {url}: rate limiting is off there",
        "ok   org acme",
        "ok   members and teams of acme",
        "ok   all 2 repos a sync reads are readable",
    ]


def _doctor_with(served: Path, tmp_path: Path, more: str) -> subprocess.CompletedProcess[bytes]:
    """`miner doctor` against the local server, with `more` after the config's [github]."""
    with FixtureServer(served, token=TOKEN, port=0) as server:
        _config(tmp_path, server.url)
        config = tmp_path / "miner.toml"
        config.write_text(config.read_text() + more)
        return _miner(tmp_path, "doctor")


def test_doctor_checks_a_classic_tokens_scopes_wherever_github_says_them(
    served: Path, tmp_path: Path
) -> None:
    """A classic token's scopes come with each answer to it (X-OAuth-Scopes): doctor reads them
    from GET /rate_limit's, and where an Enterprise Server with rate limiting off answers that
    404, from the org's. `repo` alone lacks read:org; admin:org includes it; a fine-grained
    token (no header) is asked of what it reads instead, with no scope lines."""

    def doctor(scopes: str | None, rate_limit: int | None) -> tuple[int, list[str]]:
        with FixtureServer(
            served, token=TOKEN, port=0, rate_limit=rate_limit, scopes=scopes
        ) as server:
            _config(tmp_path, server.url)
            out = _miner(tmp_path, "doctor")
        return out.returncode, out.stdout.decode().splitlines()

    code, lines = doctor("repo", 5000)
    assert code == 1
    assert lines[3:6] == [
        "ok   token scope repo (read private repos)",
        "FAIL token scope read:org (read the org's members and teams): add the read:org scope "
        "to the token",
        "ok   org acme",
    ]
    code, lines = doctor("repo, admin:org", None)
    assert code == 0, lines
    assert lines[2].endswith(": rate limiting is off there")
    assert lines[3:6] == [
        "ok   org acme",
        "ok   token scope repo (read private repos)",
        "ok   token scope read:org (read the org's members and teams)",
    ]
    code, lines = doctor(None, None)
    assert code == 0 and not [line for line in lines if "token scope" in line]


def test_doctor_says_how_far_back_a_sync_reads(served: Path, tmp_path: Path) -> None:
    """[github] since is said, after the config, and checked no further."""
    out = _doctor_with(served, tmp_path, "since = 2025-01-31\n")
    lines = out.stdout.decode().splitlines()
    assert out.returncode == 0, out.stdout.decode() + out.stderr.decode()
    assert lines[:3] == [
        "ok   config: miner.toml",
        "ok   history since 2025-01-31 ([github] since): PRs updated, runs and deployments "
        "created before it are not synced",
        "ok   token from $GITHUB_TOKEN",
    ]


def test_doctor_with_the_rate_limit_spent_says_so_in_its_own_words(
    served: Path, tmp_path: Path
) -> None:
    """A REST budget spent midway (1 request: the org's) stops doctor's GitHub checks: said as
    the budget and its reset, and to run doctor again then, not as a sync's clean stop (doctor
    has no --max-wait and stores nothing); the warehouse is still checked."""
    with FixtureServer(served, token=TOKEN, port=0, rate_limit=1) as server:
        _config(tmp_path, server.url)
        out = _miner(tmp_path, "doctor")
        url = server.url
    lines = out.stdout.decode().splitlines()
    assert out.returncode == 1, out.stdout.decode() + out.stderr.decode()
    assert lines[2] == (
        f"ok   GitHub at {url}: REST 1 of 1 requests left, GraphQL 5000 of 5000 points"
    )
    assert lines[3] == "ok   org acme"
    assert re.fullmatch(
        rf"FAIL GitHub at {re.escape(url)}: GitHub's core rate limit is spent until "
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(\d+ min\): the checks after this one were not made; "
        r"run `miner doctor` again after the reset \(a sync waits for it, up to its --max-wait\)",
        lines[4],
    ), lines[4]
    assert lines[5:] == ["ok   warehouse miner.duckdb: not there yet, the first sync makes it"]


def test_doctor_checks_the_git_mirror_folder_can_be_written(served: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    with FixtureServer(served, token=TOKEN, port=0) as server:
        _config(tmp_path, server.url)
        config = tmp_path / "miner.toml"
        base = config.read_text()
        config.write_text(base + f'[git]\nmirrors = true\ncache = "{blocked / "mirrors"}"\n')
        refused = _miner(tmp_path, "doctor")
        config.write_text(base + f'[git]\nmirrors = true\ncache = "{tmp_path / "m"}"\n')
        well = _miner(tmp_path, "doctor")
    assert refused.returncode == 1
    assert (f"FAIL git mirrors in {blocked / 'mirrors'}: Not a directory: set [git] cache to a "
            "folder miner may write") in refused.stdout.decode().splitlines()  # fmt: skip
    assert well.returncode == 0, well.stdout.decode()
    assert f"ok   git mirrors in {tmp_path / 'm'}" in well.stdout.decode().splitlines()


def test_doctor_checks_the_warehouse_can_be_made(served: Path, tmp_path: Path) -> None:
    refused = _doctor_with(served, tmp_path, '[warehouse]\npath = "no/such/folder/w.duckdb"\n')
    assert refused.returncode == 1
    # the config is ./miner.toml: its relative path stays relative to the current folder
    assert ("FAIL warehouse no/such/folder/w.duckdb: cannot be made in no/such/folder: No such "
            "file or directory: set [warehouse] path (or --db) to a file in a folder miner may "
            "write"
            in refused.stdout.decode().splitlines())  # fmt: skip


def test_doctor_names_a_team_calendar_or_level_for_no_team_of_the_org(
    served: Path, tmp_path: Path
) -> None:
    slugs = sorted(t["slug"] for t in json.loads((served / "orgs/acme/teams.json").read_text()))
    with FixtureServer(served, token=TOKEN, port=0) as server:
        _config(tmp_path, server.url)
        config = tmp_path / "miner.toml"
        base = config.read_text()
        config.write_text(base + f'[calendar.teams.{slugs[0].upper()}]\ntimezone = "UTC"\n'
                          '[teams]\nnightshift = ["dana"]\n'
                          "[sla.teams.nightshift]\nfirst_review_business_hours = 2\n")  # fmt: skip
        well = _miner(tmp_path, "doctor")
        config.write_text(base + "[sla.teams.secruity]\nfirst_review_business_hours = 2\n")
        typo = _miner(tmp_path, "doctor")
    assert well.returncode == 0, well.stdout.decode()
    assert "ok   teams of [calendar.teams] and [sla.teams]" in well.stdout.decode().splitlines()
    assert typo.returncode == 1
    assert ("FAIL teams of [calendar.teams] and [sla.teams]: no team secruity in acme or [teams]: "
            f"check the spelling (teams there: {', '.join(slugs)})"
            ) in typo.stdout.decode().splitlines()  # fmt: skip


def test_doctor_names_an_include_glob_that_matches_no_repo(served: Path, tmp_path: Path) -> None:
    """The served org's repos are acme/mobile-app and acme/web-app: 'web-*' matches one, 'wbe-*'
    none (a typo a sync only warns of, under --quiet not at all), and with 'wbe-*' alone a sync
    would have nothing to sync."""
    with FixtureServer(served, token=TOKEN, port=0) as server:
        _config(tmp_path, server.url)
        config = tmp_path / "miner.toml"
        base = config.read_text()
        lines = {}
        for globs in ('["web-*"]', '["web-*", "wbe-*"]', '["wbe-*"]'):
            config.write_text(base.replace("[github]\n", f"[github]\ninclude = {globs}\n", 1))
            out = _miner(tmp_path, "doctor")
            lines[globs] = (
                out.returncode,
                [line for line in out.stdout.decode().splitlines() if "include" in line],
            )
    assert lines == {
        '["web-*"]': (0, ["ok   [github] include: each glob matches a repo"]),
        '["web-*", "wbe-*"]': (
            1,
            ["FAIL [github] include: 'wbe-*' matches none of the 2 repos of acme (mobile-app and "
             "web-app): check the spelling"],
        ),
        '["wbe-*"]': (
            1,
            ["FAIL [github] include: 'wbe-*' matches none of the 2 repos of acme (mobile-app and "
             "web-app): check the spelling"],
        ),
    }  # fmt: skip


def test_doctor_fails_settings_that_leave_no_repo_to_sync_as_a_sync_warns_of_them(
    served: Path, tmp_path: Path
) -> None:
    """The served org's repos are acme/mobile-app and acme/web-app: `exclude = ["*-app"]`
    leaves neither, which a sync only warns of; doctor says it in the sync's words, as a FAIL
    (a sync that would read nothing), instead of "all 0 repos a sync reads are readable"."""
    with FixtureServer(served, token=TOKEN, port=0) as server:
        _config(tmp_path, server.url)
        config = tmp_path / "miner.toml"
        config.write_text(config.read_text().replace(
            "[github]\n", '[github]\nexclude = ["*-app"]\n', 1))  # fmt: skip
        out = _miner(tmp_path, "doctor")
    lines = out.stdout.decode().splitlines()
    assert out.returncode == 1
    assert [line for line in lines if "repo" in line] == [
        "FAIL [github] selects none of the 2 repos of acme (exclude leaves out 2): nothing to sync"
    ]


def test_json_logs_stay_json_through_retries_and_quiet_stays_quiet(
    served: Path, tmp_path: Path
) -> None:
    from miner.fixtures_server import FaultPlan

    with FixtureServer(served, token=TOKEN, port=0, faults=FaultPlan(["secondary"], 3)) as server:
        _config(tmp_path, server.url)
        logged = _miner(tmp_path, "sync", "--log-format", "json")
        quiet = _miner(tmp_path, "sync", "--quiet")
    assert logged.returncode == 0 and quiet.returncode == 0
    records = _lines(logged)  # PyGithub's notes as it waits out the limits are JSON too
    assert any(r["event"] == "log" and str(r["logger"]).startswith("github") for r in records)
    assert records[-1]["event"] == "synced"
    assert quiet.stderr == b""


@pytest.mark.parametrize("command", ["sync", "doctor"])
def test_pygithubs_notes_as_it_waits_out_a_rate_limit_say_what_they_are_about(
    served: Path, tmp_path: Path, command: str
) -> None:
    """In text logs, a secondary rate limit's "Retrying after 1 seconds" and a primary one's
    "Setting next backoff to ...s" (PyGithub's words) are named as GitHub's rate limit's, not
    printed bare with nothing saying what retries or backs off: by sync and by doctor."""
    from miner.fixtures_server import FaultPlan

    faults = FaultPlan(["secondary", "primary"], 3)
    with FixtureServer(served, token=TOKEN, port=0, faults=faults) as server:
        _config(tmp_path, server.url)
        out = _miner(tmp_path, command)
    assert out.returncode == 0, out.stderr.decode()
    assert faults.injected["secondary"] and faults.injected["primary"]
    notes = [
        line for line in out.stderr.decode().splitlines()
        if "Retrying after" in line or "Setting next backoff" in line
    ]  # fmt: skip
    assert any("Retrying after 1 seconds" in line for line in notes)
    assert any("Setting next backoff to" in line for line in notes)
    assert all(line.startswith("GitHub's rate limit: ") for line in notes), notes
    # a pause in tenths of a second, not PyGithub's 2.8170830000000002s
    assert not [line for line in notes if re.search(r"\d\.\d\d", line)], notes


def test_when_no_repo_can_be_read_the_sync_fails(served: Path, tmp_path: Path) -> None:
    import shutil

    from miner.fixtures_server import FORBIDDEN

    mirror = tmp_path / "mirror"
    shutil.copytree(served, mirror)
    for repo in ("web-app", "mobile-app"):
        (mirror / "repos" / "acme" / repo / FORBIDDEN).touch()
    with FixtureServer(mirror, token=TOKEN, port=0) as server:
        _config(tmp_path, server.url)
        out = _miner(tmp_path, "sync", "--api", "rest")
    assert out.returncode == 1  # failed, not partial: the token is what is wrong
    assert (
        out.stderr.decode()
        .strip()
        .splitlines()[-1]
        .startswith(
            "Error: no repo of acme could be read; the first: acme/mobile-app: not readable with "
            "this token (GET /repos/acme/mobile-app/pulls: 403"
        )
    )


def test_json_errors_before_the_sync_starts(tmp_path: Path) -> None:
    (tmp_path / "miner.toml").write_text("[github\n")
    bad_config = _miner(tmp_path, "sync", "--log-format", "json")
    (tmp_path / "miner.toml").unlink()
    bad_option = _miner(tmp_path, "sync", "--log-format=json", "--max-wait", "soon")
    assert (bad_config.returncode, bad_option.returncode) == (2, 2)
    (config_error,) = _lines(bad_config)
    assert str(config_error["message"]).startswith("miner.toml: not valid TOML")
    (usage,) = _lines(bad_option)
    assert usage["event"] == "error" and "--max-wait" in str(usage["message"])


def test_doctor_says_what_github_said_of_an_org_behind_saml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An org enforcing SAML single sign-on answers a token not yet authorized for it 403, with
    what to do in its message (as GitHub words it). doctor says that, not "not found": a user
    told the org is not there looks for a typo that is not there."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from miner import doctor
    from miner.config import Config, GitHubConfig

    saml = (
        "Resource protected by organization SAML enforcement. You must grant your Personal "
        "Access token access to this organization."
    )

    class GitHub(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            data: dict[str, object]
            if self.path.startswith("/rate_limit"):
                status, data = 200, {"resources": {"core": {"limit": 5000, "remaining": 4999}}}
            else:
                status, data = (
                    403,
                    {"message": saml, "documentation_url": "https://docs.github.com"},
                )
            body = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            if status == 403:
                self.send_header("X-GitHub-SSO", "required; url=https://github.com/orgs/acme/sso")
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), GitHub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    said: list[str] = []
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        config = Config(github=GitHubConfig(org="acme", api_url=url, token_env="MINER_T"))
        monkeypatch.setenv("MINER_T", "secret-token")
        assert not doctor.run(config, tmp_path / "w.duckdb", None, said.append)
    finally:
        server.shutdown()
        server.server_close()
    org = [line for line in said if " org acme" in line]
    assert org == [f"FAIL org acme: GET /orgs/acme: 403 {saml}"]


@pytest.mark.parametrize(("code", "step_fails"), [(0, False), (3, False), (1, True), (2, True)])
def test_the_readmes_actions_sync_step_passes_a_partial_sync_alone(
    tmp_path: Path, code: int, step_fails: bool
) -> None:
    """The README's GitHub Actions sync step, run as Actions runs a step (bash -e): a partial
    sync (exit 3) lets the job go on to its report, as the crontab line does; a failed one
    (1, or 2 for a config slip) fails the job there."""
    import os
    import re
    import stat

    readme = (Path(__file__).parents[1] / "README.md").read_text()
    (step,) = re.findall(r"^      - run: (miner sync --org acme .*)$", readme, re.M)
    shim = tmp_path / "miner"
    shim.write_text(f"#!/bin/sh\nexit {code}\n")
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    env = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    ran = subprocess.run(["bash", "-e", "-c", step], env=env, check=False, timeout=30)
    assert (ran.returncode != 0) == step_fails


@pytest.mark.parametrize(
    ("parts", "git", "said"),
    [
        (["workflow runs"], False, "workflow runs not readable with this token, which needs "
         "read access to Actions"),
        (["CODEOWNERS and manifests", "workflow runs"], False, "CODEOWNERS, manifests and "
         "workflow runs not readable with this token, which needs read access to Actions and "
         "Contents"),
        (["CODEOWNERS and manifests", "deployments", "workflow runs"], True, "CODEOWNERS, "
         "manifests, git history, deployments and workflow runs not readable with this token, "
         "which needs read access to Actions, Contents and Deployments"),
    ],
)  # fmt: skip
def test_a_repos_refused_parts_are_one_list_in_one_line(
    parts: list[str], git: bool, said: str
) -> None:
    """Each part refused is one item of one list, as the permissions they need are: not
    'CODEOWNERS, manifests and git history and workflow runs'."""
    from miner.sync import _refused_parts

    line = _refused_parts("acme/api", parts, "403 nope", git=git, app=False)
    assert line == f"acme/api: {said} (403 nope); the rest of the repo synced"


def test_pygithubs_note_of_its_own_wait_limit_is_left_to_miners_countdown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """PyGithub says "Required backoff of 61s exceeds max_rate_limit_wait of 5s" before giving
    the wait to miner, whose countdown says it: its own parameter's name is no user's."""
    import logging

    from miner.cli import _RateLimitNotes

    def note(message: str) -> None:
        record = logging.LogRecord("github.GithubRetry", logging.INFO, "", 0, message, (), None)
        _RateLimitNotes().emit(record)

    note("Required backoff of 61s exceeds max_rate_limit_wait of 5s")
    note("Setting next backoff to 61.04s")
    assert capsys.readouterr().err == "GitHub's rate limit: Setting next backoff to 61.0s\n"


def test_warnings_routed_twice_in_one_process_are_said_once() -> None:
    """A command run twice in one process (tests, a caller of main) routes PyGithub's notes
    again: the same handler, kept once by logging, not a second saying every note twice."""
    import logging

    from miner.cli import _route_warnings

    root, pygithub = logging.getLogger(), logging.getLogger("github")
    retry = logging.getLogger("github.GithubRetry")
    before, theirs, level = list(retry.handlers), list(pygithub.handlers), root.level
    try:
        _route_warnings(quiet=False, json_lines=False)
        _route_warnings(quiet=False, json_lines=False)
        assert len(retry.handlers) == len(before) + 1
    finally:  # as this process had them
        retry.handlers[:], pygithub.handlers[:] = before, theirs
        root.setLevel(level)


def test_each_mistake_of_a_config_is_an_error_line_of_its_own(tmp_path: Path) -> None:
    """Two mistakes in two sections: two `Error:` lines (two JSON objects under --log-format
    json), each naming the file and key, and exit 2."""
    (tmp_path / "miner.toml").write_text(
        "[warehouse]\nmemory_limit = 64\n[sla]\nfirst_review_business_hours = 'soon'\n"
    )
    plain = _miner(tmp_path, "sync")
    logged = _miner(tmp_path, "sync", "--log-format", "json")
    assert (plain.returncode, logged.returncode) == (2, 2)
    lines = plain.stderr.decode().splitlines()
    assert [line.split(": ")[:3] for line in lines] == [
        ["Error", "miner.toml", "[warehouse] memory_limit = 64"],
        ["Error", "miner.toml", "[sla] first_review_business_hours = 'soon'"],
    ]
    assert [r["message"] for r in _lines(logged)] == [
        line.removeprefix("Error: ") for line in lines
    ]
