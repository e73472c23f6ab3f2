-- workflow_run_attempts: one row per attempt of a GitHub Actions workflow run: its latest attempt
-- (is_latest), as workflow_runs has it, and each earlier attempt of a re-run that a sync fetched
-- (GET .../actions/runs/{id}/attempts/{n}: GitHub lists only the latest). An earlier attempt
-- GitHub no longer had (404: expired with the run's logs) has no row; nor has any of a run
-- stored before miner fetched attempts until the next sync fetches them.
-- started_at is when the attempt began to hold its commit: the run's queueing (created_at) for
-- attempt 1, and for a re-run its run_started_at (when it was asked for: GitHub keeps the first
-- attempt's created_at on the run); ended_at its updated_at once completed, else NULL (an
-- earlier attempt is over, whatever status GitHub gave it: its updated_at).
-- Between a failed attempt's end and its re-run's start no attempt is queued or running.
with earlier as (
    select
        org,
        repo,
        from_json(payload, '{
            "id": "BIGINT", "run_attempt": "BIGINT", "status": "VARCHAR",
            "conclusion": "VARCHAR", "created_at": "VARCHAR", "run_started_at": "VARCHAR",
            "updated_at": "VARCHAR"
        }') as a
    from raw_workflow_run_attempts
),
attempts as (
    select
        org, repo, run_id, run_attempt, true as is_latest, status, conclusion, created_at,
        run_started_at, updated_at
    from workflow_runs
    union all
    select
        e.org, e.repo, e.a.id, e.a.run_attempt, false, e.a.status, e.a.conclusion,
        e.a.created_at::timestamptz, e.a.run_started_at::timestamptz,
        e.a.updated_at::timestamptz
    from earlier as e
    -- only a run still stored, and attempts before its latest (a mirror's file of the latest
    -- attempt is the run's row already)
    join workflow_runs as r on r.org = e.org and r.repo = e.repo and r.run_id = e.a.id
    where e.a.run_attempt < r.run_attempt
)
select
    org,
    repo,
    run_id,
    run_attempt,
    is_latest,
    status,
    conclusion,
    created_at,
    run_started_at,
    updated_at,
    case when run_attempt > 1 then coalesce(run_started_at, created_at) else created_at end
        as started_at,
    -- an earlier attempt is over (GitHub re-runs only a completed run), whatever status its
    -- answer gave
    case when status = 'completed' or not is_latest then updated_at end as ended_at
from attempts
