-- pr_phases: one row per merged pull request, its life split into consecutive phases: coding
-- (first commit's author date to ready_at, work), pickup (ready_at to first review, wait), review
-- (first review to last approval before merge, mixed), merge (last approval, or last review, to
-- merged_at, wait) and deploy (merged_at to production, wait) (METRICS.md#pr_phases).
--
-- Readings where METRICS.md leaves a case open:
-- * A review counts here as in review_wait (not the author, not a bot), and only from ready_at
--   on: reviews of the draft are part of coding.
-- * A PR merged with no review: pickup runs from ready_at to the merge; review and merge are 0.
-- * A first commit dated after ready_at (a rebase rewrites dates) makes coding 0, never negative;
--   a PR with no commits fetched has coding NULL. cycle_hours runs from the first commit (else
--   created_at) to the merge.
-- * deploy runs from the merge to the first production deploy that shipped the merge commit
--   (deploy_lead_time); NULL while the PR is not deployed, or where the repo has no production
--   deploys or no git mirror to tell.
-- * Business hours count the author's working calendar (the author holds or awaits the PR
--   through all phases); `calendar` names it.
with merged as (
    select org, repo, number as pr_number, author, author_teams, author_is_bot, created_at,
        ready_at, merged_at
    from pull_requests
    where merged_at is not null
),
commits as (
    select org, repo, pr_number, min(authored_at) as first_commit_at
    from pr_commits
    group by org, repo, pr_number
),
eligible as (
    select r.org, r.repo, r.pr_number, r.state, r.submitted_at
    from reviews as r
    join merged as m on m.org = r.org and m.repo = r.repo and m.pr_number = r.pr_number
    where not r.reviewer_is_bot and r.reviewer <> m.author
      and r.submitted_at >= coalesce(m.ready_at, m.created_at) and r.submitted_at <= m.merged_at
),
review_times as (
    select
        org,
        repo,
        pr_number,
        min(submitted_at) as first_review_at,
        max(submitted_at) filter (where state = 'APPROVED') as last_approval_at,
        max(submitted_at) as last_review_at
    from eligible
    group by org, repo, pr_number
),
bounds as (
    select
        m.*,
        case
            when c.first_commit_at is not null
                then least(c.first_commit_at, coalesce(m.ready_at, m.created_at))
        end as t_coding,
        coalesce(m.ready_at, m.created_at) as t_ready,
        r.first_review_at,
        r.last_approval_at,
        coalesce(r.last_approval_at, r.last_review_at) as t_merge_wait,
        dl.deployed_at,
        coalesce(pc.calendar, 'default') as calendar
    from merged as m
    left join commits as c on c.org = m.org and c.repo = m.repo and c.pr_number = m.pr_number
    left join review_times as r on r.org = m.org and r.repo = m.repo and r.pr_number = m.pr_number
    left join party_calendars as pc
        on pc.org = m.org and pc.kind = 'person' and pc.name = m.author
    left join deploy_lead_time as dl
        on dl.org = m.org and dl.repo = m.repo and dl.pr_number = m.pr_number
),
instants as (
    -- the phases' boundaries, each clocked once on the author's calendar
    select
        b.*,
        coalesce(b.first_review_at, b.merged_at) as t_review,
        coalesce(b.t_merge_wait, b.merged_at) as t_merge,
        working_seconds(b.t_coding, w1) as w_coding,
        working_seconds(b.t_ready, w2) as w_ready,
        working_seconds(coalesce(b.first_review_at, b.merged_at), w3) as w_review,
        working_seconds(coalesce(b.t_merge_wait, b.merged_at), w4) as w_merge,
        working_seconds(b.merged_at, w5) as w_merged,
        working_seconds(b.deployed_at, w6) as w_deployed
    from bounds as b
    left join working_days as w1 on w1.calendar = b.calendar and w1.day = utc_day(b.t_coding)
    left join working_days as w2 on w2.calendar = b.calendar and w2.day = utc_day(b.t_ready)
    left join working_days as w3
        on w3.calendar = b.calendar and w3.day = utc_day(coalesce(b.first_review_at, b.merged_at))
    left join working_days as w4
        on w4.calendar = b.calendar and w4.day = utc_day(coalesce(b.t_merge_wait, b.merged_at))
    left join working_days as w5 on w5.calendar = b.calendar and w5.day = utc_day(b.merged_at)
    left join working_days as w6 on w6.calendar = b.calendar and w6.day = utc_day(b.deployed_at)
)
select
    org,
    repo,
    pr_number,
    author,
    author_teams,
    author_is_bot,
    t_coding as first_commit_at,
    t_ready as ready_at,
    first_review_at,
    last_approval_at,
    merged_at,
    deployed_at,
    -- a phase whose either end is unknown (no commits, not deployed) is NULL; none is negative
    -- (if() keeps the NULL that greatest() would drop)
    if(t_ready < t_coding, 0, epoch(t_ready - t_coding)) / 3600.0 as coding_hours,
    if(t_review < t_ready, 0, epoch(t_review - t_ready)) / 3600.0 as pickup_hours,
    if(t_merge < t_review, 0, epoch(t_merge - t_review)) / 3600.0 as review_hours,
    if(merged_at < t_merge, 0, epoch(merged_at - t_merge)) / 3600.0 as merge_hours,
    if(deployed_at < merged_at, 0, epoch(deployed_at - merged_at)) / 3600.0 as deploy_hours,
    if(w_ready < w_coding, 0, w_ready - w_coding) / 3600.0 as coding_business_hours,
    if(w_review < w_ready, 0, w_review - w_ready) / 3600.0 as pickup_business_hours,
    if(w_merge < w_review, 0, w_merge - w_review) / 3600.0 as review_business_hours,
    if(w_merged < w_merge, 0, w_merged - w_merge) / 3600.0 as merge_business_hours,
    if(w_deployed < w_merged, 0, w_deployed - w_merged) / 3600.0 as deploy_business_hours,
    epoch(merged_at - coalesce(t_coding, created_at)) / 3600.0 as cycle_hours,
    calendar
from instants
