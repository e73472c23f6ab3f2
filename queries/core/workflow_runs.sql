-- workflow_runs: one row per GitHub Actions workflow run (its latest attempt, as GitHub lists it):
-- the commit and event that triggered it, when it was queued (created_at), started
-- (run_started_at: the latest attempt's start) and last changed (updated_at: the end, once
-- status is 'completed'), its conclusion, and the numbers of the PRs of this repo it ran for
-- (empty for runs of forks' PRs: GitHub does not list those). GitHub's list can also hold a PR
-- of another repo (a run in a fork lists the upstream PR its branch is open against); its
-- number says nothing of this repo's PRs, so only items whose base repo is the run's own count.
with parsed as (
    select
        org,
        repo,
        from_json(payload, '{
            "id": "BIGINT", "name": "VARCHAR", "path": "VARCHAR", "workflow_id": "BIGINT",
            "head_sha": "VARCHAR", "head_branch": "VARCHAR", "event": "VARCHAR",
            "status": "VARCHAR", "conclusion": "VARCHAR", "run_number": "BIGINT",
            "run_attempt": "BIGINT", "created_at": "VARCHAR", "run_started_at": "VARCHAR",
            "updated_at": "VARCHAR", "repository": {"id": "BIGINT"},
            "pull_requests": [{"number": "INTEGER", "base": {"repo": {"id": "BIGINT"}}}]
        }') as r
    from raw_workflow_runs
)
select
    org,
    repo,
    r.id as run_id,
    r.name as name,
    r.path as workflow_path,
    r.workflow_id as workflow_id,
    r.head_sha as head_sha,
    r.head_branch as head_branch,
    r.event as event,
    r.status as status,
    r.conclusion as conclusion,
    r.run_number as run_number,
    coalesce(r.run_attempt, 1) as run_attempt,
    r.created_at::timestamptz as created_at,
    r.run_started_at::timestamptz as run_started_at,
    r.updated_at::timestamptz as updated_at,
    coalesce(list_sort([
        p.number for p in r.pull_requests
        if p.base.repo.id is null or r.repository.id is null or p.base.repo.id = r.repository.id
    ]), []) as pr_numbers
from parsed
