-- approval_latency: one row per pull request and team whose approval it needs
-- (METRICS.md#approval_latency-and-cross_team_approval_latency).
--
-- The teams: every team requested as a team reviewer, every team of an individually requested
-- reviewer, and every team owning a changed file by CODEOWNERS (`sources` says which). A request
-- withdrawn before that reviewer reviewed does not count (its review_wait episode is
-- 'withdrawn'). Readings where METRICS.md leaves a case open:
-- * PRs that never became ready have no rows (nothing was asked of anyone yet).
-- * The PR's final close or merge ends the wait (a close undone by a reopen ends nothing): an
--   approval after it does not count (outcome 'unapproved', measured to the close, 0 hours when
--   the team was only asked after it). A PR still open in a repo archived since ends there, as
--   if closed: nothing can be approved in an archived repo.
-- * A reviewer in no team stands for the team 'unassigned', as everywhere else.
-- * An approval dismissed since is no approval: GitHub's API gives it the state DISMISSED, and
--   METRICS.md's approval is a review whose state is APPROVED. As branch protection asks that
--   team again, its wait goes on from its start_at (and may breach its service level) until a
--   member approves anew. pr_time_in_court, following the ball, counts the approval as standing
--   until its dismissal.
-- * An approval given while the PR was still a draft, before start_at, is not counted: METRICS.md
--   asks for one at or after start_at (GitHub's branch protection would count it once the PR is
--   ready; review_wait, which ends an episode at a review at or after its request, counts the
--   same review as an answer after 0 hours).
-- * latency_business_hours counts the approving team's calendar; `calendar` names it.
with prs as (
    select p.org, p.repo, p.number as pr_number, p.author, p.author_teams, p.author_is_bot,
        p.ready_at, coalesce(p.closed_at, p.archived_at) as closed_at, s.as_of
    from pull_requests as p
    left join snapshots as s on s.org = p.org
    where p.ready_at is not null
),
counted_requests as (
    select org, repo, pr_number, reviewer, reviewer_team, requested_at
    from review_wait
    where requested_at is not null and outcome <> 'withdrawn'
),
needed as (
    -- `source` is a bit per reason a team is needed, in the alphabetical order of their names
    select org, repo, pr_number, reviewer_team as team, requested_at, 4 as source
    from counted_requests
    where reviewer_team is not null
    union all
    select c.org, c.repo, c.pr_number, pt.team, c.requested_at, 2
    from counted_requests as c
    join person_teams as pt on pt.org = c.org and pt.login = c.reviewer
    union all
    select org, repo, pr_number, unnest(owner_teams), null, 1
    from ownership_handoffs
),
teams_needed as (
    select org, repo, pr_number, team, min(requested_at) as first_request_at,
        bit_or(source) as sources
    from needed
    group by org, repo, pr_number, team
),
started as (
    select t.*, p.author, p.author_teams, p.author_is_bot, p.closed_at, p.as_of,
        greatest(p.ready_at, t.first_request_at) as start_at
    from teams_needed as t
    join prs as p on p.org = t.org and p.repo = t.repo and p.pr_number = t.pr_number
),
approvals as (
    select r.org, r.repo, r.pr_number, r.reviewer, r.submitted_at, r.review_id, pt.team
    from reviews as r
    join prs as p on p.org = r.org and p.repo = r.repo and p.pr_number = r.pr_number
    join person_teams as pt on pt.org = r.org and pt.login = r.reviewer
    where r.state = 'APPROVED' and not r.reviewer_is_bot and r.reviewer <> p.author
),
first_approvals as (
    select s.org, s.repo, s.pr_number, s.team,
        min(a.submitted_at) as approved_at,
        arg_min(a.reviewer, (a.submitted_at, a.review_id)) as approver
    from started as s
    join approvals as a
        on a.org = s.org and a.repo = s.repo and a.pr_number = s.pr_number and a.team = s.team
        and a.submitted_at >= s.start_at
    group by s.org, s.repo, s.pr_number, s.team
),
outcomes as (
    select
        s.*,
        case
            when fa.approved_at <= coalesce(s.closed_at, 'infinity'::timestamptz) then 'approved'
            when s.closed_at is not null then 'unapproved'
            else 'waiting'
        end as outcome,
        fa.approved_at,
        fa.approver
    from started as s
    left join first_approvals as fa using (org, repo, pr_number, team)
),
measured as (
    select
        o.*,
        case
            when o.outcome = 'approved' then o.approved_at
            when o.outcome = 'unapproved' then greatest(o.closed_at, o.start_at)
            else greatest(o.as_of, o.start_at)
        end as clock_end,
        coalesce(c.calendar, 'default') as calendar
    from outcomes as o
    left join party_calendars as c on c.org = o.org and c.kind = 'team' and c.name = o.team
),
clocked_start as (
    select m.*, working_seconds(m.start_at, w) as w_start
    from measured as m
    left join working_days as w on w.calendar = m.calendar and w.day = utc_day(m.start_at)
),
clocked as (
    select s.*, working_seconds(s.clock_end, w) as w_end
    from clocked_start as s
    left join working_days as w on w.calendar = s.calendar and w.day = utc_day(s.clock_end)
)
select
    org,
    repo,
    pr_number,
    author,
    author_teams,
    team as approver_team,
    not list_contains(author_teams, team) as is_cross_team,
    start_at,
    case when outcome = 'approved' then approved_at end as approved_at,
    case when outcome = 'approved' then approver end as approver,
    outcome,
    epoch(clock_end - start_at) / 3600.0 as latency_hours,
    (w_end - w_start) / 3600.0 as latency_business_hours,
    -- the source bits as their names, in alphabetical order (a constant list per case is
    -- cheaper than building one per row)
    case sources
        when 1 then ['code owner']
        when 2 then ['requested member']
        when 3 then ['code owner', 'requested member']
        when 4 then ['requested team']
        when 5 then ['code owner', 'requested team']
        when 6 then ['requested member', 'requested team']
        else ['code owner', 'requested member', 'requested team']
    end as sources,
    calendar,
    author_is_bot
from clocked
