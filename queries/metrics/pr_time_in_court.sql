-- pr_time_in_court: one row per pull request: the hours its ball spent in each court, from
-- created_at to its merge or close (or as_of while open), and its flow efficiency, the author's
-- share (METRICS.md#pr_phases-and-pr_time_in_court).
--
-- At every moment the PR is in exactly one court, checked in this order: `author` while it is a
-- draft; `reviewers` while a review_wait episode is open (withdrawn ones until their removal);
-- `ci` while the head commit's required runs are queued or running (0 until CI runs are
-- collected); `merge` while its latest decisive review (APPROVED or CHANGES_REQUESTED, by someone
-- not the author and not a bot) is an approval; else `author` (changes requested, or a comment
-- to answer, and no new request yet). `deploy` (merged, not yet in production) stays NULL until
-- production deploys are collected. Waiting is everything but the author's court.
--
-- Business hours: the author's court and the merge court count the author's calendar; the
-- reviewers' court the calendar of the earliest-started open episode's party; ci the default.
with prs as (
    select
        p.org,
        p.repo,
        p.number as pr_number,
        p.author,
        p.author_teams,
        p.created_at,
        p.ready_at,
        greatest(coalesce(p.merged_at, p.closed_at, s.as_of), p.created_at) as life_end,
        coalesce(pc.calendar, 'default') as author_calendar
    from pull_requests as p
    left join snapshots as s on s.org = p.org
    left join party_calendars as pc
        on pc.org = p.org and pc.kind = 'person' and pc.name = p.author
),
episodes as (
    select
        w.org,
        w.repo,
        w.pr_number,
        w.start_at,
        least(coalesce(w.ended_at, p.life_end), p.life_end) as end_at,
        w.calendar
    from review_wait as w
    join prs as p on p.org = w.org and p.repo = w.repo and p.pr_number = w.pr_number
),
draft_events as (
    select org, repo, pr_number, occurred_at, event = 'convert_to_draft' as is_draft
    from pr_events
    where event in ('ready_for_review', 'convert_to_draft')
),
decisive_reviews as (
    select r.org, r.repo, r.pr_number, r.submitted_at, r.state = 'APPROVED' as is_approval
    from reviews as r
    join prs as p on p.org = r.org and p.repo = r.repo and p.pr_number = r.pr_number
    where r.state in ('APPROVED', 'CHANGES_REQUESTED')
      and not r.reviewer_is_bot and r.reviewer <> p.author
),
points as (
    select org, repo, pr_number, created_at as at_time from prs
    union
    select org, repo, pr_number, ready_at from prs where ready_at is not null
    union
    select org, repo, pr_number, occurred_at from draft_events
    union
    select org, repo, pr_number, start_at from episodes
    union
    select org, repo, pr_number, end_at from episodes
    union
    select org, repo, pr_number, submitted_at from decisive_reviews
),
segments as (
    select
        pt.org,
        pt.repo,
        pt.pr_number,
        pt.at_time as seg_start,
        coalesce(
            lead(pt.at_time) over (partition by pt.org, pt.repo, pt.pr_number order by pt.at_time),
            p.life_end
        ) as seg_end
    from points as pt
    join prs as p on p.org = pt.org and p.repo = pt.repo and p.pr_number = pt.pr_number
    where pt.at_time >= p.created_at and pt.at_time < p.life_end
),
with_draft as (
    select s.*, d.is_draft as draft_event_says
    from segments as s
    asof left join draft_events as d
        on d.org = s.org and d.repo = s.repo and d.pr_number = s.pr_number
        and s.seg_start >= d.occurred_at
),
with_review as (
    select s.*, r.is_approval
    from with_draft as s
    asof left join decisive_reviews as r
        on r.org = s.org and r.repo = s.repo and r.pr_number = s.pr_number
        and s.seg_start >= r.submitted_at
),
with_episode as (
    select
        s.org,
        s.repo,
        s.pr_number,
        s.seg_start,
        s.seg_end,
        s.draft_event_says,
        s.is_approval,
        arg_min(e.calendar, e.start_at) as episode_calendar,
        count(e.start_at) > 0 as has_open_episode
    from with_review as s
    left join episodes as e
        on e.org = s.org and e.repo = s.repo and e.pr_number = s.pr_number
        and e.start_at <= s.seg_start and s.seg_start < e.end_at
    group by all
),
courts as (
    select
        s.*,
        case
            when p.ready_at is null or s.seg_start < p.ready_at or coalesce(s.draft_event_says, false)
                then 'author'
            when s.has_open_episode then 'reviewers'
            when coalesce(s.is_approval, false) then 'merge'
            else 'author'
        end as court,
        p.author_calendar
    from with_episode as s
    join prs as p on p.org = s.org and p.repo = s.repo and p.pr_number = s.pr_number
),
calendared as (
    select
        *,
        case court when 'reviewers' then episode_calendar else author_calendar end as calendar
    from courts
),
clocked_start as (
    select c.*, working_seconds(c.seg_start, w.start_at, w.end_at, w.seconds_before) as w_start
    from calendared as c
    asof left join working_time as w on w.calendar = c.calendar and c.seg_start >= w.start_at
),
clocked as (
    select c.*, working_seconds(c.seg_end, w.start_at, w.end_at, w.seconds_before) as w_end
    from clocked_start as c
    asof left join working_time as w on w.calendar = c.calendar and c.seg_end >= w.start_at
),
totals as (
    select
        org,
        repo,
        pr_number,
        sum(epoch(seg_end - seg_start)) filter (where court = 'author') / 3600.0 as author_hours,
        sum(epoch(seg_end - seg_start)) filter (where court = 'reviewers') / 3600.0
            as reviewers_hours,
        sum(epoch(seg_end - seg_start)) filter (where court = 'merge') / 3600.0 as merge_hours,
        sum(w_end - w_start) filter (where court = 'author') / 3600.0 as author_business_hours,
        sum(w_end - w_start) filter (where court = 'reviewers') / 3600.0
            as reviewers_business_hours,
        sum(w_end - w_start) filter (where court = 'merge') / 3600.0 as merge_business_hours
    from clocked
    group by org, repo, pr_number
)
select
    p.org,
    p.repo,
    p.pr_number,
    p.author,
    p.author_teams,
    coalesce(t.author_hours, 0) as author_hours,
    coalesce(t.reviewers_hours, 0) as reviewers_hours,
    0.0::double as ci_hours,
    coalesce(t.merge_hours, 0) as merge_hours,
    null::double as deploy_hours,
    coalesce(t.author_business_hours, 0) as author_business_hours,
    coalesce(t.reviewers_business_hours, 0) as reviewers_business_hours,
    0.0::double as ci_business_hours,
    coalesce(t.merge_business_hours, 0) as merge_business_hours,
    null::double as deploy_business_hours,
    epoch(p.life_end - p.created_at) / 3600.0 as total_hours,
    epoch(p.life_end - p.created_at) / 3600.0 - coalesce(t.author_hours, 0) as waiting_hours,
    case
        when p.life_end > p.created_at
            then coalesce(t.author_hours, 0) / (epoch(p.life_end - p.created_at) / 3600.0)
    end as flow_efficiency
from prs as p
left join totals as t on t.org = p.org and t.repo = p.repo and t.pr_number = p.pr_number
