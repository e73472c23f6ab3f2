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
-- * deploy stays NULL until production deploys are collected.
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
        null::timestamptz as deployed_at,
        coalesce(pc.calendar, 'default') as calendar
    from merged as m
    left join commits as c on c.org = m.org and c.repo = m.repo and c.pr_number = m.pr_number
    left join review_times as r on r.org = m.org and r.repo = m.repo and r.pr_number = m.pr_number
    left join party_calendars as pc
        on pc.org = m.org and pc.kind = 'person' and pc.name = m.author
),
phases as (
    select org, repo, pr_number, calendar, 'coding' as phase, t_coding as from_at, t_ready as to_at
    from bounds
    union all
    select org, repo, pr_number, calendar, 'pickup', t_ready, coalesce(first_review_at, merged_at)
    from bounds
    union all
    select org, repo, pr_number, calendar, 'review', coalesce(first_review_at, merged_at),
        coalesce(t_merge_wait, merged_at)
    from bounds
    union all
    select org, repo, pr_number, calendar, 'merge', coalesce(t_merge_wait, merged_at), merged_at
    from bounds
    union all
    select org, repo, pr_number, calendar, 'deploy', merged_at, deployed_at
    from bounds
),
clocked_from as (
    select p.*, working_seconds(p.from_at, w.start_at, w.end_at, w.seconds_before) as w_from
    from phases as p
    asof left join working_time as w on w.calendar = p.calendar and p.from_at >= w.start_at
),
clocked as (
    select f.*, working_seconds(f.to_at, w.start_at, w.end_at, w.seconds_before) as w_to
    from clocked_from as f
    asof left join working_time as w on w.calendar = f.calendar and f.to_at >= w.start_at
),
durations as (
    select
        org,
        repo,
        pr_number,
        phase,
        case when to_at is not null and from_at is not null
            then greatest(0, epoch(to_at - from_at)) / 3600.0 end as hours,
        case when to_at is not null and from_at is not null
            then greatest(0, w_to - w_from) / 3600.0 end as business_hours
    from clocked
),
wide as (
    select
        org,
        repo,
        pr_number,
        max(hours) filter (where phase = 'coding') as coding_hours,
        max(hours) filter (where phase = 'pickup') as pickup_hours,
        max(hours) filter (where phase = 'review') as review_hours,
        max(hours) filter (where phase = 'merge') as merge_hours,
        max(hours) filter (where phase = 'deploy') as deploy_hours,
        max(business_hours) filter (where phase = 'coding') as coding_business_hours,
        max(business_hours) filter (where phase = 'pickup') as pickup_business_hours,
        max(business_hours) filter (where phase = 'review') as review_business_hours,
        max(business_hours) filter (where phase = 'merge') as merge_business_hours,
        max(business_hours) filter (where phase = 'deploy') as deploy_business_hours
    from durations
    group by org, repo, pr_number
)
select
    b.org,
    b.repo,
    b.pr_number,
    b.author,
    b.author_teams,
    b.author_is_bot,
    b.t_coding as first_commit_at,
    b.t_ready as ready_at,
    b.first_review_at,
    b.last_approval_at,
    b.merged_at,
    b.deployed_at,
    w.coding_hours,
    w.pickup_hours,
    w.review_hours,
    w.merge_hours,
    w.deploy_hours,
    w.coding_business_hours,
    w.pickup_business_hours,
    w.review_business_hours,
    w.merge_business_hours,
    w.deploy_business_hours,
    epoch(b.merged_at - coalesce(b.t_coding, b.created_at)) / 3600.0 as cycle_hours,
    b.calendar
from bounds as b
join wide as w on w.org = b.org and w.repo = b.repo and w.pr_number = b.pr_number
