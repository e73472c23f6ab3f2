-- pr_phases: one row per merged pull request, its life split into consecutive phases: coding
-- (first commit's author date to ready_at, work), pickup (ready_at to first review, wait), review
-- (first review to last approval before merge, mixed), merge (last approval, or last review, to
-- merged_at, wait) and deploy (merged_at to production, wait) (METRICS.md#pr_phases).
--
-- Readings where METRICS.md leaves a case open:
-- * A review counts here as in review_wait (not the author, not a bot), and only from ready_at
--   on: reviews of the draft are part of coding.
-- * A PR merged with no review: pickup runs from ready_at to the merge; review and merge are 0.
-- * A first commit dated after ready_at (a rebase rewrites dates) makes coding 0, never negative:
--   the phases start at ready_at then, and `first_commit_at` says so (it is where coding starts,
--   the first commit's date or ready_at, whichever is earlier). A PR with no commits fetched has
--   coding NULL. cycle_hours runs from first_commit_at (else created_at) to the merge, the sum
--   of the phases to the merge.
-- * first_response_at: the first review or conversation comment, from ready_at to the merge, by
--   someone not the author and not a bot (METRICS.md: comments count for it only);
--   response_hours runs to it from ready_at, NULL when nobody responded before the merge.
-- * deploy runs from the merge to the first production deploy that shipped the merge commit
--   (deploy_lead_time); NULL while the PR is not deployed, or where the repo has no production
--   deploys or no git mirror to tell.
-- * Business hours count the working calendar of the party waited on: pickup (and the first
--   response) the reviewers', the calendar of the PR's earliest-started review_wait episode
--   (`pickup_calendar`; of episodes started together, the calendar first by name), as
--   pr_time_in_court's reviewers' court counts it; deploy the default calendar (a release
--   train: deploy_lead_time's lead_business_hours); coding, review and merge, and
--   cycle_business_hours, the author's (`calendar`), who holds the PR then or merges it.
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
responses as (
    -- the first review or conversation comment by someone else, from ready_at to the merge
    select org, repo, pr_number, min(submitted_at) as first_response_at
    from (
        select org, repo, pr_number, submitted_at from eligible
        union all
        select c.org, c.repo, c.pr_number, c.created_at
        from pr_comments as c
        join merged as m on m.org = c.org and m.repo = c.repo and m.pr_number = c.pr_number
        where not c.author_is_bot and c.author <> m.author
          and c.created_at >= coalesce(m.ready_at, m.created_at) and c.created_at <= m.merged_at
    )
    group by org, repo, pr_number
),
pickup_calendars as (
    select org, repo, pr_number, arg_min(calendar, (start_at, calendar)) as calendar
    from review_wait
    group by org, repo, pr_number
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
        dl.lead_business_hours as deploy_business_hours,
        rs.first_response_at,
        coalesce(pc.calendar, 'default') as calendar,
        coalesce(kc.calendar, pc.calendar, 'default') as pickup_calendar
    from merged as m
    left join commits as c on c.org = m.org and c.repo = m.repo and c.pr_number = m.pr_number
    left join review_times as r on r.org = m.org and r.repo = m.repo and r.pr_number = m.pr_number
    left join party_calendars as pc
        on pc.org = m.org and pc.kind = 'person' and pc.name = m.author
    left join deploy_lead_time as dl
        on dl.org = m.org and dl.repo = m.repo and dl.pr_number = m.pr_number
    left join responses as rs on rs.org = m.org and rs.repo = m.repo and rs.pr_number = m.pr_number
    left join pickup_calendars as kc
        on kc.org = m.org and kc.repo = m.repo and kc.pr_number = m.pr_number
),
instants as (
    -- the phases' boundaries, each clocked on the calendar of the phases it bounds
    select
        b.*,
        coalesce(b.first_review_at, b.merged_at) as t_review,
        coalesce(b.t_merge_wait, b.merged_at) as t_merge,
        working_seconds(coalesce(b.t_coding, b.created_at), w1) as w_start,
        working_seconds(b.t_ready, w2) as w_ready,
        working_seconds(b.t_ready, k2) as k_ready,
        working_seconds(coalesce(b.first_review_at, b.merged_at), k3) as k_review,
        working_seconds(b.first_response_at, k4) as k_response,
        working_seconds(coalesce(b.first_review_at, b.merged_at), w3) as w_review,
        working_seconds(coalesce(b.t_merge_wait, b.merged_at), w4) as w_merge,
        working_seconds(b.merged_at, w5) as w_merged
    from bounds as b
    left join working_days as w1
        on w1.calendar = b.calendar and w1.day = utc_day(coalesce(b.t_coding, b.created_at))
    left join working_days as w2 on w2.calendar = b.calendar and w2.day = utc_day(b.t_ready)
    left join working_days as k2
        on k2.calendar = b.pickup_calendar and k2.day = utc_day(b.t_ready)
    left join working_days as k3
        on k3.calendar = b.pickup_calendar
        and k3.day = utc_day(coalesce(b.first_review_at, b.merged_at))
    left join working_days as k4
        on k4.calendar = b.pickup_calendar and k4.day = utc_day(b.first_response_at)
    left join working_days as w3
        on w3.calendar = b.calendar and w3.day = utc_day(coalesce(b.first_review_at, b.merged_at))
    left join working_days as w4
        on w4.calendar = b.calendar and w4.day = utc_day(coalesce(b.t_merge_wait, b.merged_at))
    left join working_days as w5 on w5.calendar = b.calendar and w5.day = utc_day(b.merged_at)
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
    case when t_coding is not null then if(w_ready < w_start, 0, w_ready - w_start) / 3600.0 end
        as coding_business_hours,
    if(k_review < k_ready, 0, k_review - k_ready) / 3600.0 as pickup_business_hours,
    if(w_merge < w_review, 0, w_merge - w_review) / 3600.0 as review_business_hours,
    if(w_merged < w_merge, 0, w_merged - w_merge) / 3600.0 as merge_business_hours,
    deploy_business_hours,
    epoch(merged_at - coalesce(t_coding, created_at)) / 3600.0 as cycle_hours,
    calendar,
    (w_merged - w_start) / 3600.0 as cycle_business_hours,
    first_response_at,
    epoch(first_response_at - t_ready) / 3600.0 as response_hours,
    if(k_response < k_ready, 0, k_response - k_ready) / 3600.0 as response_business_hours,
    pickup_calendar
from instants
