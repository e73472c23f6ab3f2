-- pr_ci_runs: one row per pull request and workflow run of it (a run listing the PR, or of one
-- of its commits): how long the run queued (created_at to run_started_at) and ran (to its end),
-- and whether it ran on the PR's head commit as GitHub lists it now.
--
-- Readings: a re-run is one run whose latest attempt GitHub lists (run_attempt > 1): its run
-- time is the latest attempt's, and its queue time is NULL (GitHub keeps the first attempt's
-- created_at, not when the re-run was asked for). A run not completed at as_of has ended_at NULL
-- and its run (or queue) time runs to as_of. A workflow run's updated_at is its end once
-- completed; a completed run that never started queued until it ended.
select
    q.org,
    q.repo,
    q.pr_number,
    r.run_id,
    r.name as workflow,
    r.workflow_path,
    r.event,
    r.head_sha,
    r.head_sha = p.head_sha as is_head_commit,
    r.run_attempt,
    r.status,
    r.conclusion,
    r.created_at,
    r.run_started_at,
    case when r.status = 'completed' then r.updated_at end as ended_at,
    case when r.run_attempt = 1 then
        greatest(epoch(coalesce(
            r.run_started_at, case when r.status = 'completed' then r.updated_at end, s.as_of
        ) - r.created_at), 0) / 3600.0
    end as queue_hours,
    case when r.run_started_at is not null then
        greatest(epoch(
            coalesce(case when r.status = 'completed' then r.updated_at end, s.as_of)
            - r.run_started_at
        ), 0) / 3600.0
    end as run_hours
from pr_workflow_runs as q
join workflow_runs as r on r.org = q.org and r.repo = q.repo and r.run_id = q.run_id
join pull_requests as p on p.org = q.org and p.repo = q.repo and p.number = q.pr_number
left join snapshots as s on s.org = q.org
