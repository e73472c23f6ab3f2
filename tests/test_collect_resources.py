"""Deployments, workflow runs, manifests and which repos a sync takes, through both APIs, from
the local GitHub-compatible server: what GitHub changes between syncs reaches the warehouse."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import responses

from miner.collect_github import GitHubCollector
from miner.config import Config, GitHubConfig
from miner.fixtures_server import FixtureServer
from miner.github_client import GitHubClient
from miner.raw import file_changes, trimmed_run
from miner.sync import sync
from miner.warehouse import Warehouse
from tests.mirror_builder import T0, MirrorBuilder, at

APIS = ("graphql", "rest")


def _user(login: str) -> dict[str, Any]:
    return {"login": login, "id": abs(hash(login)) % 10**6, "type": "User"}


def _deployment(n: int, hours: float, env: str = "production") -> dict[str, Any]:
    return {
        "id": 1000 + n,
        "node_id": f"DE_{n}",
        "sha": f"{n:040x}",
        "ref": "main",
        "task": "deploy",
        "payload": {},
        "original_environment": env,
        "environment": env,
        "description": None,
        "creator": _user("deployer"),
        "created_at": at(hours),
        "updated_at": at(hours),
    }


def _status(n: int, state: str, hours: float, env: str = "production") -> dict[str, Any]:
    return {
        "id": 5000 + n,
        "node_id": f"DES_{n}",
        "state": state,
        "creator": _user("deployer"),
        "description": "",
        "environment": env,
        "target_url": "",
        "log_url": f"https://ci.example/{n}",
        "environment_url": "",
        "created_at": at(hours),
        "updated_at": at(hours),
    }


def _run(n: int, hours: float, status: str = "completed", conclusion: str | None = "success",
         prs: tuple[int, ...] = ()) -> dict[str, Any]:  # fmt: skip
    return {
        "id": 9000 + n,
        "name": "CI",
        "path": ".github/workflows/ci.yml",
        "workflow_id": 77,
        "head_sha": f"{n:040x}",
        "head_branch": "topic",
        "event": "pull_request" if prs else "push",
        "status": status,
        "conclusion": conclusion,
        "run_number": n,
        "run_attempt": 1,
        "created_at": at(hours),
        "run_started_at": at(hours + 0.1),
        "updated_at": at(hours + 0.5),
        "pull_requests": [{"number": p, "id": p} for p in prs],
    }


def _write(root: Path, repo: str, path: str, data: Any) -> None:
    target = root / "repos" / "acme" / repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data), encoding="utf-8")


def _org(tmp_path: Path) -> Path:
    b = MirrorBuilder(teams={"web": ["alice", "bob"]})
    b.files[("app", ".github/CODEOWNERS")] = "* @acme/web\n"
    b.files[("app", "package.json")] = '{"name": "app", "dependencies": {"acme-lib": "^1"}}\n'
    b.files[("app", "requirements-dev.txt")] = "pytest\n"
    b.files[("app", "README.md")] = "# app\n"
    b.pull("app", "alice", 0, files=["a.py"]).request(0, reviewer="bob").review("bob", 3)
    b.repo_fields["app"] = {"pushed_at": at(10)}
    root = b.write(tmp_path / "mirror")
    _write(root, "app", "deployments.json", [_deployment(2, 30), _deployment(1, 20, "staging")])
    _write(root, "app", "deployments/1002/statuses.json",
           [_status(3, "success", 30.2), _status(2, "in_progress", 30.1)])  # fmt: skip
    _write(root, "app", "deployments/1001/statuses.json", [_status(1, "failure", 20.5, "staging")])
    runs = [_run(2, 12, "in_progress", None, prs=(1,)), _run(1, 5, prs=(1,))]
    _write(root, "app", "actions/runs.json", {"total_count": 2, "workflow_runs": runs})
    return root


def _sync(server: FixtureServer, wh: Warehouse, api: str, **github: Any) -> None:
    client = GitHubClient(server.url, "t")
    try:
        config = Config(github=GitHubConfig(org="acme", api_url=server.url, **github))
        sync(wh, config, client=client, api=api)
    finally:
        client.close()


@pytest.mark.parametrize("api", APIS)
def test_deployments_statuses_runs_and_manifests_arrive_and_their_changes_follow(
    tmp_path: Path, api: str
) -> None:
    root = _org(tmp_path)
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        _sync(server, wh, api)
        assert wh.query(
            "select deployment_id, environment, sha, ref, creator from deployments order by 1"
        ) == [
            (1001, "staging", f"{1:040x}", "main", "deployer"),
            (1002, "production", f"{2:040x}", "main", "deployer"),
        ]
        # statuses oldest first, whatever order the API listed them in
        assert wh.query(
            "select deployment_id, seq, state, log_url from deployment_statuses order by 1, 2"
        ) == [
            (1001, 1, "failure", "https://ci.example/1"),
            (1002, 1, "in_progress", "https://ci.example/2"),
            (1002, 2, "success", "https://ci.example/3"),
        ]
        assert wh.query(
            "select run_id, status, conclusion, pr_numbers from workflow_runs order by 1"
        ) == [(9001, "completed", "success", [1]), (9002, "in_progress", None, [1])]
        assert wh.query("select path, kind from repo_files order by path") == [
            (".github/CODEOWNERS", "codeowners"),
            ("package.json", "manifest"),
            ("requirements-dev.txt", "manifest"),
        ]

        # GitHub moves on: the running CI run finishes, a new deployment gets its first status,
        # a manifest is deleted and another changes
        runs = [_run(2, 12, "completed", "failure", prs=(1,)), _run(1, 5, prs=(1,))]
        _write(root, "app", "actions/runs.json", {"total_count": 2, "workflow_runs": runs})
        deployments = [_deployment(3, 40), _deployment(2, 30), _deployment(1, 20, "staging")]
        # an older deployment gets a status too (GitHub bumps its updated_at)
        deployments[2]["updated_at"] = at(41)
        _write(root, "app", "deployments.json", deployments)
        _write(root, "app", "deployments/1003/statuses.json", [_status(4, "queued", 40.1)])
        staging = [_status(5, "inactive", 41, "staging"), _status(1, "failure", 20.5, "staging")]
        _write(root, "app", "deployments/1001/statuses.json", staging)
        contents = root / "repos" / "acme" / "app" / "contents"
        (contents / "requirements-dev.txt").unlink()
        (contents / "package.json").write_text('{"name": "app"}\n', encoding="utf-8")
        _sync(server, wh, api)
        assert wh.query("select run_id, conclusion from workflow_runs order by 1") == [
            (9001, "success"),
            (9002, "failure"),
        ]
        assert wh.query(
            "select deployment_id, state from deployment_statuses where deployment_id = 1003"
        ) == [(1003, "queued")]
        assert wh.query("select count(*) from deployments") == [(3,)]
        assert wh.query(
            "select seq, state from deployment_statuses where deployment_id = 1001 order by seq"
        ) == [(1, "failure"), (2, "inactive")]
        assert wh.query("select path, text from repo_files where kind = 'manifest'") == [
            ("package.json", '{"name": "app"}\n')
        ]


def test_a_graphql_sync_with_nothing_changed_asks_nothing_but_the_snapshot(
    tmp_path: Path,
) -> None:
    root = _org(tmp_path)
    # every run finished: nothing left to look at again
    _write(root, "app", "actions/runs.json", {"total_count": 1, "workflow_runs": [_run(1, 5)]})
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        _sync(server, wh, "graphql")
        server.clear_log()
        _sync(server, wh, "graphql")
        assert [(r.path, r.query.get("operation")) for r in server.requests] == [
            ("/graphql", "OrgSnapshot")
        ]
        # a push (pushed_at moves) makes the next sync look at the workflow runs again
        repos_file = root / "orgs" / "acme" / "repos.json"
        repos = json.loads(repos_file.read_text())
        repos[0]["pushed_at"] = at(50)
        repos_file.write_text(json.dumps(repos))
        server.clear_log()
        _sync(server, wh, "graphql")
        assert [r.path for r in server.requests] == ["/graphql", "/repos/acme/app/actions/runs"]


@pytest.mark.parametrize("api", APIS)
def test_a_run_deleted_while_unfinished_leaves_the_warehouse_and_is_not_looked_for_again(
    tmp_path: Path, api: str
) -> None:
    root = _org(tmp_path)
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        _sync(server, wh, api)
        assert wh.query("select run_id, status from workflow_runs order by 1") == [
            (9001, "completed"),
            (9002, "in_progress"),
        ]
        # the local server answers for one run as GitHub does, from the mirror's list
        one = GitHubClient(server.url, "t").get("/repos/acme/app/actions/runs/9002")
        assert (one.data["id"], one.data["status"]) == (9002, "in_progress")
        # the running run is deleted on GitHub (a user may delete a run of any status); a new
        # one runs to completion
        runs = [_run(3, 14, prs=(1,)), _run(1, 5, prs=(1,))]
        _write(root, "app", "actions/runs.json", {"total_count": 2, "workflow_runs": runs})
        _sync(server, wh, api)
        assert wh.query("select run_id, status from workflow_runs order by 1") == [
            (9001, "completed"),
            (9003, "completed"),
        ]
        # its PR is no longer held in the ci court by a run that will never finish
        assert wh.query("select ci_hours from pr_time_in_court") == [(0.5 + 0.5,)]
        if api == "graphql":
            # nothing unfinished is stored: nothing changed is asked for
            server.clear_log()
            _sync(server, wh, api)
            assert [r.path for r in server.requests] == ["/graphql"]


@pytest.mark.parametrize("api", APIS)
def test_repos_are_chosen_by_globs_and_archived_and_forks_only_when_asked(
    tmp_path: Path, api: str
) -> None:
    b = MirrorBuilder(teams={"web": ["alice"]})
    for name in ("app", "app-sandbox", "old", "fork", "lib"):
        b.pull(name, "alice", 0, files=["a.py"])
    b.repo_fields["old"] = {"archived": True}
    b.repo_fields["fork"] = {"fork": True}
    root = b.write(tmp_path / "mirror")
    with FixtureServer(root) as server:
        cases: list[tuple[dict[str, Any], list[str]]] = [
            ({}, ["acme/app", "acme/app-sandbox", "acme/lib"]),
            ({"exclude": ("*-sandbox",)}, ["acme/app", "acme/lib"]),
            ({"include": ("acme/app*",), "archived": True}, ["acme/app", "acme/app-sandbox"]),
            ({"archived": True, "forks": True, "exclude": ("lib",)},
             ["acme/app", "acme/app-sandbox", "acme/fork", "acme/old"]),
        ]  # fmt: skip
        for i, (github, expected) in enumerate(cases):
            with Warehouse.open(tmp_path / f"{i}-{api}.duckdb") as wh:
                _sync(server, wh, api, **github)
                synced = wh.query("select distinct repo from raw_pulls order by 1")
                assert [r[0] for r in synced] == expected, github
                # every repo of the org is listed, synced or not
                assert wh.query("select count(*) from repos") == [(5,)]


@pytest.mark.parametrize("api", APIS)
def test_waits_in_a_repo_archived_since_end_at_its_archiving(tmp_path: Path, api: str) -> None:
    """alice's PR asks bob (team api) at hour 0 and nobody answers; it depends on bob's PR in
    lib, merged at hour 10. The sync is at hour 336 (two weeks). The repo is archived at hour
    100: nothing can be reviewed or merged there after it. GraphQL says when (archivedAt); a
    REST listing does not, so there the waits run on."""
    b = MirrorBuilder(teams={"web": ["alice"], "api": ["bob"]})
    b.pull("old", "alice", 0, files=["a.py"], body="Depends on acme/lib#1").request(
        0, reviewer="bob"
    )
    b.pull("lib", "bob", 5, state="closed", closed=10, merged=True)
    root = b.write(tmp_path / "mirror")
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        _sync(server, wh, api)

        def waits() -> list[tuple[Any, ...]]:
            return wh.query(
                "select outcome, wait_hours from review_wait where repo = 'acme/old' union all "
                "select outcome, latency_hours from approval_latency where repo = 'acme/old' "
                "union all select 'court', reviewers_hours from pr_time_in_court "
                "where repo = 'acme/old' union all "
                "select 'breach', count(*) from sla_breaches union all "
                "select status, waiting_hours from cross_repo_handoffs"
            )

        running_on = [
            ("waiting", 336.0),
            ("waiting", 336.0),
            ("court", 336.0),
            ("breach", 2),
            ("downstream open", 326.0),
        ]
        assert waits() == running_on
        # GitHub's REST repository has no archived_at; the local server's GraphQL answers
        # archivedAt from a mirror's
        b.repo_fields["old"] = {"archived": True}
        if api == "graphql":
            b.repo_fields["old"]["archived_at"] = at(100)
        b.write(root)
        _sync(server, wh, api)  # an archived repo is listed, not read
        if api == "graphql":
            assert wh.query("select repo, archived_at from repos order by 1") == [
                ("acme/lib", None),
                ("acme/old", T0 + timedelta(hours=100)),
            ]
            assert waits() == [
                ("unanswered", 100.0),
                ("unapproved", 100.0),
                ("court", 100.0),
                ("breach", 0),
                ("closed", None),
            ]
        else:
            assert wh.query(
                "select is_archived, archived_at from repos where repo = 'acme/old'"
            ) == [(True, None)]
            assert waits() == running_on


def test_file_changes_follow_githubs_codeowners_order_and_keep_root_manifests() -> None:
    present = {
        "CODEOWNERS": "r",
        "docs/CODEOWNERS": "d",
        "go.mod": "g",
        "requirements.txt": "q",
        "README.md": "m",
        "setup.py": "s",
    }
    # the root CODEOWNERS shadows docs/; README and setup.py are no manifests miner reads
    assert file_changes(present, {}) == (["CODEOWNERS", "go.mod", "requirements.txt"], [])
    stored = {"CODEOWNERS": "r", "go.mod": "old", "docs/CODEOWNERS": "d", "Gemfile": None}
    assert file_changes(present, stored) == (["go.mod", "requirements.txt"], ["docs/CODEOWNERS"])
    with_github = {**present, ".github/CODEOWNERS": "h"}
    assert file_changes(with_github, {"CODEOWNERS": "r"})[1] == ["CODEOWNERS"]


def test_a_stored_run_keeps_the_names_of_the_repository_and_accounts_it_repeats() -> None:
    repo = {"id": 7, "full_name": "acme/app", "name": "app", "hooks_url": "https://x/hooks"}
    user = {"login": "alice", "id": 3, "type": "User", "avatar_url": "https://x/a.png"}
    run = {**_run(1, 5), "repository": repo, "head_repository": repo, "actor": user,
           "triggering_actor": user}  # fmt: skip
    stored = trimmed_run(run)
    assert stored["repository"] == stored["head_repository"] == {"id": 7, "full_name": "acme/app"}
    assert (
        stored["actor"] == stored["triggering_actor"] == {"login": "alice", "id": 3, "type": "User"}
    )
    # everything else as GitHub gave it, and the run itself untouched
    assert {k: v for k, v in stored.items() if k not in ("repository", "head_repository",
            "actor", "triggering_actor")} == _run(1, 5)  # fmt: skip
    assert run["repository"] is repo


@responses.activate
def test_an_unfinished_run_missing_from_the_list_is_asked_for_alone() -> None:
    api = "http://127.0.0.1:9"
    listed = [_run(3, 14)]
    responses.get(f"{api}/repos/acme/app/actions/runs", headers={"ETag": '"e1"'},
                  json={"total_count": 1, "workflow_runs": listed})  # fmt: skip
    # 9002 was missed while the list shifted (it runs still); 9004 was deleted
    running = _run(2, 12, "in_progress", None, prs=(1,))
    responses.get(f"{api}/repos/acme/app/actions/runs/9002", json=running)
    responses.get(f"{api}/repos/acme/app/actions/runs/9004", status=404,
                  json={"message": "Not Found"})  # fmt: skip
    collector = GitHubCollector(GitHubClient(api, "t"), "acme")
    (batch,) = collector.run_batches(
        "acme/app", lambda repo, resource: (None, None), ["acme/app/9002", "acme/app/9004"]
    )
    assert sorted(json.loads(i.payload)["id"] for i in batch.items) == [9002, 9003]
    assert batch.gone == ["acme/app/9004"]
    # the mark stays at the run still running, and the next listing is asked in full
    (mark,) = batch.cursors
    assert (mark.value, mark.etag) == (running["created_at"], None)


@responses.activate
def test_an_attempt_github_answers_with_a_4xx_of_its_own_is_not_asked_for_again() -> None:
    """GitHub's word on an attempt (404: expired; 422: one it will not serve) stands: it is
    noted gone, not asked again night after night (a 5xx is a failure of the moment: see
    test_run_attempts)."""
    api = "http://127.0.0.1:9"
    runs = f"{api}/repos/acme/app/actions/runs"
    responses.get(f"{runs}/7/attempts/1", status=404, json={"message": "Not Found"})
    responses.get(f"{runs}/8/attempts/1", status=422, json={"message": "Unprocessable"})
    collector = GitHubCollector(GitHubClient(api, "t"), "acme")
    batches = [collector.attempt_batch("acme/app", run, 1) for run in ("7", "8")]
    gone = [(c.resource, c.value) for b in batches for c in b.cursors]
    assert gone == [("workflow_run_attempts/7/1", "gone"), ("workflow_run_attempts/8/1", "gone")]
    assert all(not b.items for b in batches)


@pytest.mark.parametrize("api", APIS)
def test_an_org_spelled_in_another_case_is_stored_as_github_spells_it(
    tmp_path: Path, api: str
) -> None:
    from miner.reports.data import scope

    root = _org(tmp_path)
    keys = (
        "select org from raw_orgs union select org from raw_repos union select org from "
        "raw_pulls union select org from raw_reviews union select org from sync_runs"
    )
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        client = GitHubClient(server.url, "t")
        try:
            config = Config(github=GitHubConfig(api_url=server.url))
            # GitHub answers /orgs/ACME as /orgs/acme: the first sync keys every row by the
            # login GitHub gives, as the repos' full names are
            first = sync(wh, config, org="ACME", client=client, api=api)
            assert first.org == "acme"
            assert wh.query(keys) == [("acme",)]
            assert wh.query("select org, repo, number from pull_requests") == [
                ("acme", "acme/app", 1)
            ]
            # another spelling the next night is the same org, not a second one
            again = sync(wh, config, org="Acme", client=client, api=api)
            assert again.org == "acme"
            assert wh.query(keys) == [("acme",)]
            assert wh.query("select count(*) from raw_pulls") == [(1,)]
        finally:
            client.close()
        assert scope(wh, "ACME", repo="APP").org == "acme"


def test_a_sync_whose_rebuild_fails_is_recorded_failed_and_the_next_completes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import miner.sync
    from miner.transform import rebuild

    root = _org(tmp_path)

    def failing(*_: object) -> None:
        raise RuntimeError("the rebuild broke")

    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        monkeypatch.setattr(miner.sync, "rebuild", failing)
        with pytest.raises(RuntimeError, match="the rebuild broke"):
            _sync(server, wh, "graphql")
        # all it fetched is stored, with its as_of; the run says it failed, and why
        assert wh.query("select status, error, as_of is not null from sync_runs") == [
            ("failed", "rebuild: the rebuild broke", True)
        ]
        assert wh.query("select count(*) from raw_pulls") == [(1,)]
        monkeypatch.setattr(miner.sync, "rebuild", rebuild)
        _sync(server, wh, "graphql")
        assert wh.query("select status from sync_runs order by id") == [("failed",), ("ok",)]
        assert wh.query("select count(*) from pull_requests") == [(1,)]


def test_a_rebuild_that_cannot_even_record_its_failure_leaves_no_ok_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk that fills up invalidates DuckDB's database: the rebuild fails, and so does
    recording it. The run was recorded what it fetched, not 'ok', before the rebuild: it stays
    'running', with no end, and the next run records it failed."""
    import miner.sync
    from miner.transform import rebuild

    root = _org(tmp_path)

    def failing(*_: object) -> None:
        raise OSError(28, "No space left on device")

    def unrecordable(*_: object) -> None:
        raise RuntimeError("the database has been invalidated")

    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        monkeypatch.setattr(miner.sync, "rebuild", failing)
        monkeypatch.setattr(wh, "fail_run", unrecordable)
        with pytest.raises(OSError, match="No space left"):
            _sync(server, wh, "graphql")
        assert wh.query("select status, finished_at, as_of is not null from sync_runs") == [
            ("running", None, True)
        ]
        monkeypatch.setattr(miner.sync, "rebuild", rebuild)
        _sync(server, wh, "graphql")
        assert wh.query("select status, finished_at is null from sync_runs order by id") == [
            ("failed", True),
            ("ok", False),
        ]


def test_a_graphql_sync_stopped_after_the_prs_reads_the_runs_next_time(tmp_path: Path) -> None:
    """A PR changed, so the repo's workflow runs are due; the sync stores the PRs (their marks
    move) and then GitHub keeps failing the runs (the run is partial, naming them). The next
    sync, seeing no PR changed and no push, must still read them: a new run of the PR arrives,
    as an uninterrupted sync would have stored it."""
    root = _org(tmp_path)
    runs_file = root / "repos" / "acme" / "app" / "actions" / "runs.json"
    _write(root, "app", "actions/runs.json", {"total_count": 1, "workflow_runs": [_run(1, 5)]})
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        _sync(server, wh, "graphql")
        # the PR is updated (a review, say) and a new run of it finishes; no push
        pulls_file = root / "repos" / "acme" / "app" / "pulls.json"
        pulls = json.loads(pulls_file.read_text())
        pulls[0]["updated_at"] = at(60)
        pulls_file.write_text(json.dumps(pulls))
        runs = {"total_count": 2, "workflow_runs": [_run(3, 55, prs=(1,)), _run(1, 5)]}
        runs_file.write_text("{ not JSON")  # the server fails on the runs: a 500
        _sync(server, wh, "graphql")
        (failed,) = wh.query("select status, error from sync_runs order by id desc limit 1")
        assert failed[0] == "partial"
        assert failed[1].startswith("acme/app: workflow runs not synced whole"), failed
        # the PR was stored (its marks moved) before the runs failed
        assert wh.query("select payload ->> 'updated_at' from raw_pulls") == [(at(60),)]
        runs_file.write_text(json.dumps(runs))
        _sync(server, wh, "graphql")
        assert wh.query("select run_id from workflow_runs order by 1") == [(9001,), (9003,)]


def test_a_graphql_sync_reads_a_new_status_of_a_deployment_the_snapshot_does_not_show(
    tmp_path: Path,
) -> None:
    """The snapshot shows a repo's 20 newest deployments; with 25 made in the window a sync reads
    again (3 days before the newest), a new status of the oldest moves no mark. It arrives all
    the same, as on REST."""
    root = _org(tmp_path)
    made = [(n, 30 + n) for n in range(1, 26)]  # deployments 1001..1025, one an hour
    _write(root, "app", "deployments.json", [_deployment(n, h) for n, h in reversed(made)])
    for n, h in made:
        _write(root, "app", f"deployments/{1000 + n}/statuses.json",
               [_status(n, "in_progress", h + 0.1)])  # fmt: skip
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        _sync(server, wh, "graphql")
        assert wh.query("select count(*) from deployments") == [(25,)]
        # the oldest finishes (GitHub bumps its updated_at); nothing else moves
        _write(root, "app", "deployments/1001/statuses.json",
               [_status(100, "success", 60), _status(1, "in_progress", 31.1)])  # fmt: skip
        listed = [_deployment(n, h) for n, h in reversed(made)]
        listed[-1]["updated_at"] = at(60)
        _write(root, "app", "deployments.json", listed)
        _sync(server, wh, "graphql")
        assert wh.query(
            "select state from deployment_statuses where deployment_id = 1001 order by seq"
        ) == [("in_progress",), ("success",)]
