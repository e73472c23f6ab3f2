"""Production deploys from GitHub deployments, workflow runs and tags; the PRs each one shipped,
by git ancestry; deploy_lead_time, the deploy phase and the ci and deploy courts, on a
hand-built org whose merge commits are real commits of a real repository.

T0 is Monday 2026-03-02 09:00 UTC; every time below is hours after it, and every expected
number is worked out in the comments."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from miner.config import Calendar, Config, DeployConfig, GitConfig, GitHubConfig
from miner.deploy_ancestry import unmirrored
from miner.fixtures_server import FixtureServer
from miner.query import run_named
from miner.sample_payloads import (
    RepoRef,
    RunFacts,
    deployment,
    deployment_status,
    workflow_run,
)
from miner.sync import import_mirror, sync
from miner.transform import rebuild
from miner.warehouse import Warehouse
from tests.git_builder import GitBuilder
from tests.mirror_builder import T0, MirrorBuilder, at, user
from tests.test_git_sync import _rows, served

REF = RepoRef("acme", "web")


def _t(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def _deployments(root: Path, rows: list[tuple[int, str, str, list[tuple[str, float]]]]) -> None:
    """(id, environment, sha, [(state, hours)]) as GitHub's deployments and statuses lists."""
    base = root / "repos" / "acme" / "web"
    listing = []
    for did, env, sha, statuses in rows:
        listing.append(
            deployment(
                REF, did, sha=sha, git_ref="main", environment=env, description=None,
                creator=user("alice"), created_at=_t(statuses[0][1]),
                updated_at=_t(statuses[-1][1]),
            )
        )  # fmt: skip
        items = [
            deployment_status(
                REF, did, did * 10 + i, state=state, creator=user("alice"), description="",
                environment=env, log_url="", environment_url="", at=_t(hours),
            )
            for i, (state, hours) in enumerate(statuses)
        ]  # fmt: skip
        target = base / "deployments" / str(did) / "statuses.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(items[::-1]), encoding="utf-8")  # newest first
    # GitHub lists deployments newest first
    (base / "deployments.json").write_text(json.dumps(listing[::-1]), encoding="utf-8")


def _runs(
    root: Path,
    runs: list[RunFacts],
    prs: dict[int, list[int]],
    elsewhere: dict[int, list[int]] | None = None,
) -> None:
    """`prs`: per run id, the numbers of acme/web's PRs it lists (repo id 1, with no `base` as an
    older payload); `elsewhere`: those of another repo's PRs (id 99) it lists too."""
    other = {"repo": {"id": 99, "url": "", "name": "web"}}
    items = [
        _run_payload(
            r,
            [{"url": "", "id": n, "number": n, "head": {}, "base": {}}
             for n in prs.get(r.rid, [])]
            + [{"url": "", "id": n, "number": n, "head": other, "base": other}
               for n in (elsewhere or {}).get(r.rid, [])],
        )
        for r in runs
    ]  # fmt: skip
    target = root / "repos" / "acme" / "web" / "actions" / "runs.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        json.dumps({"total_count": len(items), "workflow_runs": items[::-1]}), encoding="utf-8"
    )


def _run_payload(run: RunFacts, pull_requests: list[dict[str, object]]) -> dict[str, object]:
    """A run (or one attempt of it) of acme/web as GitHub answers it."""
    return workflow_run(
        REF, run, actor=user("alice"), triggering_actor=user("alice"),
        pull_requests=pull_requests, commit_json={},
        repo={"id": 1, "name": "web", "full_name": "acme/web"},
    )  # fmt: skip


def _run(rid: int, name: str, path: str, sha: str, start: float, end: float | None,
         event: str = "push") -> RunFacts:  # fmt: skip
    return RunFacts(
        rid=rid, run_number=rid, workflow_id=1 if "deploy" in path else 2, check_suite_id=rid,
        name=name, path=path, event=event, head_branch="main", head_sha=sha,
        display_title=name, status="completed" if end is not None else "in_progress",
        conclusion="success" if end is not None else None, created_at=_t(start),
        updated_at=_t(end if end is not None else start), run_started_at=_t(start),
        run_attempt=1,
    )  # fmt: skip


@pytest.fixture
def org(tmp_path: Path) -> tuple[Path, GitBuilder, MirrorBuilder]:
    # main: a base commit a day before T0, then the merge commits M1 to M4
    g = GitBuilder(tmp_path / "work")
    g.commit({"README": "x\n"}, at=at(-24))
    m1 = g.commit({"a.py": "1\n"}, at=at(2), message="Merge #1")
    m2 = g.commit({"b.py": "1\n"}, at=at(5), message="Merge #2")
    m3 = g.commit({"c.py": "1\n"}, at=at(30), message="Merge #3")
    m4 = g.commit({"d.py": "1\n"}, at=at(50), message="Merge #4")
    g.git("tag", "v1.0", m2)  # a lightweight tag: made at M2's commit date, +5h

    b = MirrorBuilder(teams={"web": ["alice", "bob"]})
    b.as_of = 100
    for _, author, created, merged, sha in (
        (1, "alice", 0, 2, m1),
        (2, "bob", 1, 5, m2),
        (3, "alice", 20, 30, m3),
    ):
        pr = b.pull("web", author, created, state="closed", closed=merged, merged=True)
        pr.merge_commit_sha = sha
        pr.review("bob" if author == "alice" else "alice", created + 0.5)
    # PR 4 (bob): opened +40h (nobody asked: the implicit episode), approved by alice at +41h,
    # a CI run of its commit from +41h to +42h, merged at +43h: reviewers 1h, ci 1h, merge 1h.
    p4 = b.pull("web", "bob", 40, state="closed", closed=43, merged=True).commit(39)
    p4.merge_commit_sha = m4
    p4.review("alice", 41)
    root = b.write(tmp_path / "mirror")

    _deployments(
        root,
        [
            # D1: production, M1, succeeds at +3h: ships M1 (and the base commit)
            (101, "production", m1, [("in_progress", 2.5), ("success", 3)]),
            # D2: staging is not production
            (102, "staging", m2, [("success", 6)]),
            # D3: production, M2, at +8h: ships M2
            (103, "Production", m2, [("queued", 7), ("success", 8)]),
            # D4: a rollback to M1 at +9h ships nothing
            (104, "production", m1, [("success", 9)]),
            # D5: M3 failed: deployed nothing
            (105, "production", m3, [("failure", 31)]),
        ],
    )
    _runs(
        root,
        [
            # the deploy workflow ships M3 when it completes at +40h (with the workflows rule)
            _run(1, "Deploy", ".github/workflows/deploy.yml", m3, 39, 40),
            # the same workflow run for a pull request (a preview) of M4 at +36h deploys nothing
            _run(3, "Deploy", ".github/workflows/deploy.yml", m4, 35, 36, event="pull_request"),
            # and on a review of it (a run GitHub starts with the PR's head): nothing either
            _run(
                4, "Deploy", ".github/workflows/deploy.yml", m4, 36, 37, event="pull_request_review"
            ),
            # CI of PR 4's commit, listed for it: +41h to +42h
            _run(
                2,
                "CI",
                ".github/workflows/ci.yml",
                p4.commits[0]["sha"],
                41,
                42,
                event="pull_request",
            ),
        ],
        {2: [4]},
    )
    g.publish(root / "git" / "acme" / "web.git")
    return root, g, b


def _config(server: FixtureServer, tmp: Path, *, mirrors: bool) -> Config:
    return Config(
        github=GitHubConfig(org="acme", api_url=server.url, token_env="MINER_TEST_TOKEN"),
        git=GitConfig(mirrors=mirrors, cache=str(tmp / "cache")),
        teams={"web": ("alice", "bob")},
    )


def test_deploys_ship_the_prs_their_commits_contain(
    org: tuple[Path, GitBuilder, MirrorBuilder], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, g, _ = org
    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = _config(server, tmp_path, mirrors=True)
        result = sync(wh, config)
        assert result.failures == ()

        deploys = _rows(
            wh, "select deploy_id, source, sha from production_deploys order by deployed_at"
        )
        # staging (D2) and the failed D5 are not production deploys; no workflow or tag rule yet
        assert [d["deploy_id"] for d in deploys] == [
            "deployment:101", "deployment:103", "deployment:104"
        ]  # fmt: skip
        shipped = dict(
            wh.query("select deploy_id, list(sha order by sha) from deploy_commits group by 1")
        )
        assert shipped == {
            "deployment:101": sorted([g.shas[0], g.shas[1]]),  # the base commit and M1
            "deployment:103": [g.shas[2]],  # M2 only: M1 shipped already
        }  # the rollback D4 ships nothing

        lead = _rows(
            wh,
            "select pr_number, deploy_id, lead_hours, deploy_tracked "
            "from deploy_lead_time order by pr_number",
        )
        assert lead == [
            # merged +2h, D1 at +3h
            {"pr_number": 1, "deploy_id": "deployment:101", "lead_hours": 1.0,
             "deploy_tracked": True},
            # merged +5h, D3 at +8h
            {"pr_number": 2, "deploy_id": "deployment:103", "lead_hours": 3.0,
             "deploy_tracked": True},
            # M3 only failed to deploy: not deployed
            {"pr_number": 3, "deploy_id": None, "lead_hours": None,
             "deploy_tracked": True},
            {"pr_number": 4, "deploy_id": None, "lead_hours": None,
             "deploy_tracked": True},
        ]  # fmt: skip
        phases = dict(wh.query("select pr_number, deploy_hours from pr_phases"))
        assert phases == {1: 1.0, 2: 3.0, 3: None, 4: None}

        # PR 4's courts: reviewers 1h (+40 to +41), ci 1h (+41 to +42), merge 1h (+42 to +43),
        # then deploy: not deployed by as_of (+100h): 57h
        courts = _rows(
            wh,
            "select author_hours, reviewers_hours, ci_hours, merge_hours, deploy_hours, "
            "total_hours, waiting_hours from pr_time_in_court where pr_number = 4",
        )
        assert courts == [
            {"author_hours": 0.0, "reviewers_hours": 1.0, "ci_hours": 1.0, "merge_hours": 1.0,
             "deploy_hours": 57.0, "total_hours": 60.0, "waiting_hours": 60.0}
        ]  # fmt: skip
        # ci runs: PR 4's run queued 0h and ran 1h
        ci = _rows(
            wh,
            "select pr_number, workflow, is_head_commit, queue_hours, run_hours from pr_ci_runs",
        )
        assert ci == [
            {"pr_number": 4, "workflow": "CI", "is_head_commit": False, "queue_hours": 0.0,
             "run_hours": 1.0}
        ]  # fmt: skip

        # the report queries over them: all four PRs merged in the window
        window = {"org": "acme", "since": at(0), "until": at(100)}
        by_repo = run_named(wh, "deploy_lead_time_by_repo", window)
        # lead times 1h and 3h: median 2, p75 2.5, p90 2.8; PRs 3 and 4 not deployed
        assert by_repo.rows == [("acme/web", 2, 2.0, 2.5, pytest.approx(2.8), 2)]
        by_court = {r[0]: r[1:] for r in run_named(wh, "time_in_court", window).rows}
        # deploy: PR 1 1h, PR 2 3h, PR 3 70h (+30 to as_of +100), PR 4 57h: 131h spent there;
        # PRs 3 and 4 still wait for a deploy, so the PRs and percentiles are PR 1's and PR 2's:
        # 1, 3: median 2, p75 2.5, p90 2.8
        prs, hours, _, median, p75, p90, waiting = by_court["deploy"]
        assert (prs, hours, median, p75, waiting) == (2, 131.0, 2.0, 2.5, 2)
        assert p90 == pytest.approx(2.8)
        # the other courts of a PR that ended are over: none waits
        assert by_court["ci"][:2] == (4, 1.0) and by_court["ci"][-1] is None
        # by author team (all four are web's): PRs 1-3 each wait 0.5h for their approval (the
        # implicit episode), then for the merge 1.5, 3.5 and 9.5h; PR 4 1h for each of
        # reviewers, ci and merge; deploy 131h as above. Of 150h: reviewers 2.5, ci 1, merge
        # 15.5, deploy 131. PRs 3 and 4 still wait for a deploy: the wait's percentiles are PR
        # 1's (0.5 + 1.5 + 1 = 3h) and PR 2's (0.5 + 3.5 + 3 = 7h): median 5, p75 6, p90 6.6
        (web,) = run_named(wh, "time_in_court_by_team", window).rows
        assert web == pytest.approx(
            ("web", 4, 0.0, 2.5 / 150, 1 / 150, 15.5 / 150, 131 / 150, 5.0, 6.0, 6.6, 2)
        )

        # with the deploy workflow and v* tags as production deploys too (a rebuild, no fetch)
        rebuild(
            wh,
            replace(config, deploys=DeployConfig(workflows=("deploy.yml",), tags=("v*",))),
        )
        lead2 = dict(wh.query("select pr_number, deploy_id from deploy_lead_time"))
        assert lead2 == {
            1: "deployment:101",
            # v1.0 tags M2, made at its commit date +5h: before D3 at +8h
            2: "tag:v1.0",
            # the deploy workflow ran M3 to success at +40h: PR 3 (merged +30h) shipped then
            3: "workflow:1",
            4: None,
        }
        assert dict(wh.query("select pr_number, lead_hours from deploy_lead_time")) == {
            1: 1.0, 2: 0.0, 3: 10.0, 4: None
        }  # fmt: skip
        # a window ending at +35h, before PR 3's deploy (+40h): PR 3 (merged +30h) still waited
        # for its deploy then, as a window ending at as_of would judge a PR not deployed yet.
        # Deploy hours 1 + 0 + 5 = 6 (PR 3's up to the window's end, +35h, not its whole 10);
        # the finished ones, PR 1 (1h) and PR 2 (0h): median 0.5
        early = {"org": "acme", "since": at(0), "until": at(35)}
        deploy = {r[0]: r[1:] for r in run_named(wh, "time_in_court", early).rows}["deploy"]
        assert (deploy[0], deploy[1], deploy[3], deploy[-1]) == (2, 6.0, 0.5, 1)

        # business hours: the machines' and the release train's waits count the default
        # calendar, here Tokyo's (09:00-17:00 JST = 00:00-08:00 UTC); web (alice and bob) works
        # 09:00-17:00 UTC. T0 + 40 h is Wednesday 01:00 UTC, as_of (+100 h) Friday 13:00 UTC.
        rebuild(
            wh,
            replace(config, calendar=Calendar(timezone="Asia/Tokyo"),
                    team_calendars={"web": Calendar(timezone="UTC")}),
        )  # fmt: skip
        # D1 and D3 (Monday 11-12 and 14-17 UTC) fall outside Tokyo's hours; web's would count
        # 1 and 3
        lead_business = "select pr_number, lead_business_hours from deploy_lead_time"
        assert dict(wh.query(lead_business)) == {1: 0.0, 2: 0.0, 3: None, 4: None}
        phases = dict(wh.query("select pr_number, deploy_business_hours from pr_phases"))
        assert phases == {1: 0.0, 2: 0.0, 3: None, 4: None}
        # PR 4's CI run, Wednesday 02:00-03:00 UTC: an hour of Tokyo's, none queued
        assert wh.query("select queue_business_hours, run_business_hours from pr_ci_runs") == [
            (0.0, 1.0)
        ]
        # PR 4: reviewers (web's) 01-02 UTC: 0; ci (Tokyo's) 02-03: 1; merge (bob, web's)
        # 03-04: 0; deploy (Tokyo's) Wednesday 04:00 -> Friday 13:00 UTC: 4 + 8 + 8 = 20
        courts = _rows(
            wh,
            "select reviewers_business_hours, ci_business_hours, merge_business_hours, "
            "deploy_business_hours, total_business_hours, waiting_business_hours "
            "from pr_time_in_court where pr_number = 4",
        )
        assert courts == [
            {"reviewers_business_hours": 0.0, "ci_business_hours": 1.0,
             "merge_business_hours": 0.0, "deploy_business_hours": 20.0,
             "total_business_hours": 21.0, "waiting_business_hours": 21.0}
        ]  # fmt: skip


@pytest.mark.parametrize("rerun", ["failure", "success"])
def test_a_deploy_run_re_run_later_shipped_at_its_first_successful_attempt(
    org: tuple[Path, GitBuilder, MirrorBuilder],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    rerun: str,
) -> None:
    """METRICS.md: a production deploy is "a workflow run matched by the config's deploy rule",
    and lead time runs to "the first production deploy" whose commit has the merge commit as an
    ancestor. The deploy workflow's run 1 shipped M3 on its first attempt (+39h to +40h,
    success); someone re-ran it at +60h (a redeploy), and the re-run ended at +61h in `rerun`.
    GitHub's run now shows the re-run alone (its conclusion, its end); its attempt 1 (GET
    .../attempts/1) says the deploy succeeded at +40h. So the run is a production deploy from
    +40h, and PR 3 (merged +30h; the deployment D5 of M3 failed) shipped then: 10 hours, whatever
    the re-run did. (Read from the latest attempt alone, a failed re-run dropped the deploy and
    left PR 3 undeployed; a passing one dated it +61h, 31 hours.)"""
    root, g, _ = org
    m3 = g.shas[3]
    first = _run(1, "Deploy", ".github/workflows/deploy.yml", m3, 39, 40)
    # GitHub's run keeps attempt 1's created_at; run_started_at and the rest are the re-run's
    latest = replace(first, run_attempt=2, run_started_at=_t(60), updated_at=_t(61),
                     conclusion=rerun)  # fmt: skip
    _runs(root, [latest], {})
    attempt = root / "repos" / "acme" / "web" / "actions" / "runs" / "1" / "attempts" / "1.json"
    attempt.parent.mkdir(parents=True)
    attempt.write_text(json.dumps(_run_payload(first, [])), encoding="utf-8")
    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = replace(
            _config(server, tmp_path, mirrors=True), deploys=DeployConfig(workflows=("deploy.yml",))
        )
        assert sync(wh, config).failures == ()
        assert wh.query(
            "select sha, deployed_at from production_deploys where deploy_id = 'workflow:1'"
        ) == [(m3, _t(40))]
        assert wh.query(
            "select deploy_id, deployed_at, lead_hours from deploy_lead_time where pr_number = 3"
        ) == [("workflow:1", _t(40), 10.0)]


def test_without_a_mirror_nothing_is_deployed_and_the_deploy_court_stays_empty(
    org: tuple[Path, GitBuilder, MirrorBuilder], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ancestry needs git: without mirrors no PR is tied to a deploy (never by time alone)."""
    root, _, _ = org
    with served(root, tmp_path, monkeypatch) as (server, wh):
        config = _config(server, tmp_path, mirrors=False)
        sync(wh, config)
        assert wh.query("select count(*) from deploy_commits") == [(0,)]
        assert wh.query("select count(*) from deploy_lead_time where deployed_at is not null") == [
            (0,)
        ]
        # production deployments exist, but no PR can be followed to them: no deploy court
        assert wh.query("select count(*) from production_deploys") == [(3,)]
        assert wh.query("select count(deploy_hours) from pr_time_in_court") == [(0,)]
        assert wh.query("select total_hours from pr_time_in_court where pr_number = 4") == [(3.0,)]
        # and the user is told why, with the way out
        cache = tmp_path / "cache"
        assert unmirrored(wh, config) == (
            f"note: 1 repo with production deploys but no git mirror in {cache} (acme/web): "
            "which PRs a deploy shipped comes from git ancestry, so their deploy lead times are "
            "empty; set [git] mirrors = true and sync"
        )
        sync(wh, _config(server, tmp_path, mirrors=True))
        assert unmirrored(wh, config) is None


def test_a_run_of_a_commit_pushed_over_leaves_the_ci_court(tmp_path: Path) -> None:
    """pr_time_in_court counts a run only while its commit is the PR's head (METRICS.md: the
    head commit's runs): a push ends the previous commit's runs' hold, as GitHub's merge box
    then shows the new commit's checks."""
    b = MirrorBuilder(teams={"web": ["alice", "bob"]})
    b.as_of = 100
    pr = b.pull("web", "alice", 0).commit(0).commit(1.5)
    pr.review("bob", 0.5, "COMMENTED")  # ends the implicit episode: the author's court from 0.5
    root = b.write(tmp_path / "mirror")
    first, second = (c["sha"] for c in pr.commits)
    # the first commit's run 1 h to 10 h; the second commit, pushed, runs 2 h to 3 h; then a
    # force-push back to the first commit runs it again, 50 h to 52 h
    _runs(
        root,
        [_run(1, "CI", ".github/workflows/ci.yml", first, 1, 10),
         _run(2, "CI", ".github/workflows/ci.yml", second, 2, 3),
         _run(3, "CI", ".github/workflows/ci.yml", first, 50, 52)],
        {1: [1], 2: [1], 3: [1]},
    )  # fmt: skip
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        import_mirror(wh, Config(), root)
        courts = _rows(
            wh, "select reviewers_hours, author_hours, ci_hours, total_hours from pr_time_in_court"
        )
        # reviewers 0-0.5; author 0.5-1; ci 1-3 (the first run until the push at 2, then the
        # second's); author 3-50; ci 50-52 (the first commit is the head again); author 52-100
        # (open at as_of): 0.5 + 47 + 48 = 95.5
        assert courts == [
            {"reviewers_hours": 0.5, "author_hours": 95.5, "ci_hours": 4.0, "total_hours": 100.0}
        ]
        # pr_ci_runs still tells each run's own time
        assert wh.query("select run_id, run_hours from pr_ci_runs order by 1") == [
            (1, 9.0),
            (2, 1.0),
            (3, 2.0),
        ]


def test_a_run_listing_another_repos_pr_is_not_this_repos_prs_run(tmp_path: Path) -> None:
    """GitHub's `pull_requests` of a run can hold a PR of another repo (a fork's run lists the
    upstream PR; octokit's workflow_run payload has one): its number is not this repo's PR's."""
    b = MirrorBuilder(teams={"web": ["alice", "bob"]})
    b.as_of = 10
    pr = b.pull("web", "alice", 0).commit(0)
    pr.review("bob", 1, "APPROVED")
    root = b.write(tmp_path / "mirror")
    (head,) = (c["sha"] for c in pr.commits)
    # run 1 (2 h to 3 h) lists acme/web#1 itself; run 2 (4 h to 8 h), of a commit the PR does not
    # hold, lists #1 of another repo
    _runs(
        root,
        [_run(1, "CI", ".github/workflows/ci.yml", head, 2, 3),
         _run(2, "CI", ".github/workflows/ci.yml", "f" * 40, 4, 8)],
        {1: [1]}, elsewhere={2: [1]},
    )  # fmt: skip
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        import_mirror(wh, Config(), root)
        assert wh.query("select run_id, pr_numbers from workflow_runs order by 1") == [
            (1, [1]),
            (2, []),
        ]
        assert wh.query("select run_id from pr_ci_runs") == [(1,)]
        # reviewers 0-1 (the implicit episode, answered), merge 1-10 (approved, open at as_of)
        # but for run 1's hour in CI: 2-3
        assert _rows(wh, "select reviewers_hours, ci_hours, merge_hours from pr_time_in_court") == [
            {"reviewers_hours": 1.0, "ci_hours": 1.0, "merge_hours": 8.0}
        ]
