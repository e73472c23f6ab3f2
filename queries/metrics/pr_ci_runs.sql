-- pr_ci_runs: one row per pull request and workflow run of it (a run listing the PR, or of one
-- of its commits): how long the run queued (created_at to run_started_at) and ran (to its end),
-- and whether it ran on the PR's head commit as GitHub lists it now.
--
-- What the queue is: GitHub sets run_started_at when an attempt is asked for, not when a runner
-- takes it (real runs give attempt 1's run_started_at equal to its created_at, or seconds
-- after, already on the queued run), so queue_hours is that gap, near 0 on GitHub, and a run
-- waiting for a runner waits inside run_hours: a workflow run says nothing of when its jobs were
-- picked up (the jobs API does; not fetched). The sample org does the same: its runs wait for a
-- runner inside run_hours (a run still waiting at as_of is queued), never before run_started_at.
--
-- Readings: a re-run is one run whose latest attempt GitHub lists (run_attempt > 1): its run
-- time is the latest attempt's, and its queue time is NULL (GitHub keeps the first attempt's
-- created_at, not when the re-run was asked for). Each attempt's own times, the failed ones
-- before a re-run included, are rows of workflow_run_attempts (pr_time_in_court's ci court
-- counts them one by one); a row here stays one run. A run not completed at as_of has ended_at NULL
-- and its run (or queue) time runs to as_of, or to its repo's archiving, for a repo archived
-- since (nothing runs there after it; least() skips a NULL archived_at). A workflow run's
-- updated_at is its end once completed; a completed run that never started queued until it
-- ended. The business hours count the default calendar (the party waited on is a machine, as
-- in pr_time_in_court's ci court).
with runs as (
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
        -- where the queue ends (NULL for a re-run) and where the run ends
        case when r.run_attempt = 1 then greatest(coalesce(
            r.run_started_at, case when r.status = 'completed' then r.updated_at end,
            least(s.as_of, rp.archived_at)
        ), r.created_at) end as queue_end,
        case when r.run_started_at is not null then greatest(
            coalesce(
                case when r.status = 'completed' then r.updated_at end,
                least(s.as_of, rp.archived_at)
            ),
            r.run_started_at
        ) end as run_end
    from pr_workflow_runs as q
    join workflow_runs as r on r.org = q.org and r.repo = q.repo and r.run_id = q.run_id
    join pull_requests as p on p.org = q.org and p.repo = q.repo and p.number = q.pr_number
    left join snapshots as s on s.org = q.org
    left join repos as rp on rp.org = q.org and rp.repo = q.repo
)
select
    r.org,
    r.repo,
    r.pr_number,
    r.run_id,
    r.workflow,
    r.workflow_path,
    r.event,
    r.head_sha,
    r.is_head_commit,
    r.run_attempt,
    r.status,
    r.conclusion,
    r.created_at,
    r.run_started_at,
    r.ended_at,
    epoch(r.queue_end - r.created_at) / 3600.0 as queue_hours,
    epoch(r.run_end - r.run_started_at) / 3600.0 as run_hours,
    (working_seconds(r.queue_end, w2) - working_seconds(r.created_at, w1)) / 3600.0
        as queue_business_hours,
    (working_seconds(r.run_end, w4) - working_seconds(r.run_started_at, w3)) / 3600.0
        as run_business_hours
from runs as r
left join working_days as w1 on w1.calendar = 'default' and w1.day = utc_day(r.created_at)
left join working_days as w2 on w2.calendar = 'default' and w2.day = utc_day(r.queue_end)
left join working_days as w3 on w3.calendar = 'default' and w3.day = utc_day(r.run_started_at)
left join working_days as w4 on w4.calendar = 'default' and w4.day = utc_day(r.run_end)
