-- review_wait: one row per review request episode (METRICS.md#review_wait).
--
-- Readings where METRICS.md leaves a case open, each the one closest to how GitHub behaves:
-- * An episode is keyed by the requested user (`reviewer`) or team (`reviewer_team`). Each
--   review_requested event ends at the first of: a review by that user (for a team, by any member
--   of it, child teams included) at or after the request; a review_request_removed for the same
--   user or team at or after it; a close or merge at or after it. On a tie a review wins over a
--   removal, and a removal over a close. Requests that end at the same moment in the same way
--   are one episode, opened by the first of them: a repeated request to a reviewer whose episode
--   is still open changes nothing, and a request after the episode ended opens the next one.
-- * Only the PR's final close or merge (closed_at) ends a wait: a close undone by a reopen ends
--   nothing. A request made after the PR was closed is 'unanswered' at once (0 hours).
-- * A PR still open in a repo archived since ends its waits as a close would, at the archiving
--   ('unanswered'): nothing can be reviewed in an archived repo, and the wait is for nobody.
-- * A request to a bot opens no episode (bots never answer for anyone). A removal or a review
--   in the same second as a request ends it only if the timeline lists it after the request (a
--   review whose `reviewed` event the timeline lacks counts as after it). When two reviews land
--   in the same second, the one with the lower review id is the responder.
-- * PRs that never became ready (drafts) have no episodes: GitHub asks no code owner to review a
--   draft, and the wait has not started.
-- * The implicit episode (no reviewer) exists when nobody stood asked as the PR became ready: no
--   review_requested event at or before ready_at + 60 seconds (GitHub's automatic code-owner
--   requests land a few seconds after a PR opens or becomes ready) that was not withdrawn by
--   then. `requested_at` is NULL for it (nobody asked), and so is `is_cross_team`, which
--   compares the author with its responder, while nobody answered it (waiting or unanswered).
-- * wait_hours is never negative: a requested reviewer who reviews the draft before it is ready
--   waited 0 hours (its ended_at, the review, is before start_at). ended_at is NULL while an
--   episode is waiting; its wait runs to as_of.
-- * wait_business_hours counts only the working time of the party waited on: the requested
--   team's calendar, the requested person's (their first team with a calendar of its own), for
--   the implicit episode the responder's; else the default calendar. `calendar` names it.
with prs as (
    select org, repo, number as pr_number, author, author_teams, author_is_bot, ready_at
    from pull_requests
    where ready_at is not null
),
as_of as (
    select org, as_of from snapshots
),
review_places as (
    -- where the timeline lists each review (its `reviewed` event, whose id is the review's)
    select org, repo, pr_number, event_id as review_id, min(seq) as seq
    from pr_events
    where event = 'reviewed' and event_id is not null
    group by org, repo, pr_number, event_id
),
eligible_reviews as (
    select r.org, r.repo, r.pr_number, r.reviewer, r.submitted_at, r.review_id, t.seq
    from reviews as r
    join prs as p on p.org = r.org and p.repo = r.repo and p.pr_number = r.pr_number
    left join review_places as t
        on t.org = r.org and t.repo = r.repo and t.pr_number = r.pr_number
        and t.review_id = r.review_id
    where r.state in ('APPROVED', 'CHANGES_REQUESTED', 'COMMENTED', 'DISMISSED')
      and not r.reviewer_is_bot
      and r.reviewer <> p.author
),
closes as (
    -- the PR's final close or merge (a close undone by a reopen ends nothing), or its repo's
    -- archiving while it was open
    select org, repo, number as pr_number, coalesce(closed_at, archived_at) as closed_at
    from pull_requests
    where coalesce(closed_at, archived_at) is not null
),
requests as (
    select
        e.org,
        e.repo,
        e.pr_number,
        e.seq,
        e.occurred_at as requested_at,
        e.requested_reviewer as reviewer,
        e.requested_team as reviewer_team
    from pr_events as e
    join prs as p on p.org = e.org and p.repo = e.repo and p.pr_number = e.pr_number
    left join people as b on b.org = e.org and b.login = e.requested_reviewer
    where e.event = 'review_requested'
      and (e.requested_reviewer is not null or e.requested_team is not null)
      and not coalesce(b.is_bot, false)
),
removals as (
    select org, repo, pr_number, seq, occurred_at as removed_at,
        requested_reviewer as reviewer, requested_team as reviewer_team
    from pr_events
    where event = 'review_request_removed'
),
request_reviews as (
    select q.org, q.repo, q.pr_number, q.seq,
        min(v.submitted_at) as reviewed_at,
        arg_min(v.reviewer, (v.submitted_at, v.review_id)) as responder
    from requests as q
    join eligible_reviews as v
        on v.org = q.org and v.repo = q.repo and v.pr_number = q.pr_number
        -- a review in the same second answers the request unless the timeline lists it before
        -- the request (a re-request right after a review waits for the next one)
        and (v.submitted_at > q.requested_at
            or (v.submitted_at = q.requested_at and coalesce(v.seq > q.seq, true)))
    left join person_teams as pt
        on pt.org = v.org and pt.login = v.reviewer and pt.team = q.reviewer_team
    where v.reviewer = q.reviewer or pt.team is not null
    group by q.org, q.repo, q.pr_number, q.seq
),
request_removals as (
    select q.org, q.repo, q.pr_number, q.seq, min(x.removed_at) as removed_at
    from requests as q
    join removals as x
        on x.org = q.org and x.repo = q.repo and x.pr_number = q.pr_number
        -- a removal in the same second counts only if the timeline lists it after the request
        and (x.removed_at > q.requested_at or (x.removed_at = q.requested_at and x.seq > q.seq))
        and (x.reviewer = q.reviewer or x.reviewer_team = q.reviewer_team)
    group by q.org, q.repo, q.pr_number, q.seq
),
request_closes as (
    -- a request made after the close ends at once, there: its own episode, of 0 hours
    select q.org, q.repo, q.pr_number, q.seq,
        greatest(min(c.closed_at), any_value(q.requested_at)) as closed_at
    from requests as q
    join closes as c
        on c.org = q.org and c.repo = q.repo and c.pr_number = q.pr_number
    group by q.org, q.repo, q.pr_number, q.seq
),
request_ends as (
    select
        q.*,
        rv.responder,
        case
            when rv.reviewed_at is not null
                and rv.reviewed_at <= coalesce(rm.removed_at, 'infinity'::timestamptz)
                and rv.reviewed_at <= coalesce(rc.closed_at, 'infinity'::timestamptz)
                then 'reviewed'
            when rm.removed_at is not null
                and rm.removed_at <= coalesce(rc.closed_at, 'infinity'::timestamptz)
                then 'withdrawn'
            when rc.closed_at is not null then 'unanswered'
            else 'waiting'
        end as outcome,
        least(rv.reviewed_at, rm.removed_at, rc.closed_at) as ended_at
    from requests as q
    left join request_reviews as rv using (org, repo, pr_number, seq)
    left join request_removals as rm using (org, repo, pr_number, seq)
    left join request_closes as rc using (org, repo, pr_number, seq)
),
requested_episodes as (
    select
        org,
        repo,
        pr_number,
        reviewer,
        reviewer_team,
        min(requested_at) as requested_at,
        ended_at,
        outcome,
        case when outcome = 'reviewed' then any_value(responder) end as responder
    from request_ends
    group by org, repo, pr_number, reviewer, reviewer_team, ended_at, outcome
),
implicit_prs as (
    -- nobody stood asked when the PR became ready: no request by then (plus GitHub's seconds
    -- for code-owner requests) that was not already withdrawn
    select p.*
    from prs as p
    where not exists (
        select 1 from request_ends as q
        where q.org = p.org and q.repo = p.repo and q.pr_number = p.pr_number
          and q.requested_at <= p.ready_at + interval 60 second
          and not (q.outcome = 'withdrawn' and q.ended_at <= p.ready_at + interval 60 second)
    )
),
implicit_reviews as (
    select p.org, p.repo, p.pr_number,
        min(v.submitted_at) as reviewed_at,
        arg_min(v.reviewer, (v.submitted_at, v.review_id)) as responder
    from implicit_prs as p
    join eligible_reviews as v
        on v.org = p.org and v.repo = p.repo and v.pr_number = p.pr_number
        and v.submitted_at >= p.ready_at
    group by p.org, p.repo, p.pr_number
),
implicit_closes as (
    select p.org, p.repo, p.pr_number, min(c.closed_at) as closed_at
    from implicit_prs as p
    join closes as c
        on c.org = p.org and c.repo = p.repo and c.pr_number = p.pr_number
    group by p.org, p.repo, p.pr_number
),
implicit_episodes as (
    select
        p.org,
        p.repo,
        p.pr_number,
        null::varchar as reviewer,
        null::varchar as reviewer_team,
        null::timestamptz as requested_at,
        least(rv.reviewed_at, rc.closed_at) as ended_at,
        case
            when rv.reviewed_at is not null
                and rv.reviewed_at <= coalesce(rc.closed_at, 'infinity'::timestamptz)
                then 'reviewed'
            when rc.closed_at is not null then 'unanswered'
            else 'waiting'
        end as outcome,
        case
            when rv.reviewed_at <= coalesce(rc.closed_at, 'infinity'::timestamptz)
                then rv.responder
        end as responder
    from implicit_prs as p
    left join implicit_reviews as rv using (org, repo, pr_number)
    left join implicit_closes as rc using (org, repo, pr_number)
),
episodes as (
    select * from requested_episodes
    union all
    select * from implicit_episodes
),
measured as (
    select
        e.*,
        p.author,
        p.author_teams,
        p.author_is_bot,
        greatest(e.requested_at, p.ready_at) as start_at,
        row_number() over (
            partition by e.pr_number, e.repo, e.org, e.reviewer, e.reviewer_team
            order by e.requested_at
        ) as episode,
        a.as_of
    from episodes as e
    join prs as p on p.org = e.org and p.repo = e.repo and p.pr_number = e.pr_number
    left join as_of as a on a.org = e.org
),
episode_rows as (
    select
        m.org,
        m.repo,
        m.pr_number,
        m.author,
        m.author_teams,
        m.author_is_bot,
        m.reviewer,
        m.reviewer_team,
        case
            when m.reviewer_team is not null then not list_contains(m.author_teams, m.reviewer_team)
            when m.reviewer is not null then not list_has_any(m.author_teams, rp.teams)
            when m.responder is not null then not list_has_any(m.author_teams, rs.teams)
        end as is_cross_team,
        m.episode,
        m.requested_at,
        m.start_at,
        case when m.outcome <> 'waiting' then m.ended_at end as ended_at,
        m.outcome,
        m.responder,
        -- the clock stops at the end, or runs to as_of while waiting
        greatest(case when m.outcome <> 'waiting' then m.ended_at else m.as_of end, m.start_at)
            as clock_end,
        coalesce(
            tc.calendar,
            case when m.reviewer is not null then pc.calendar else rc.calendar end,
            'default'
        ) as calendar
    from measured as m
    left join people as rp on rp.org = m.org and rp.login = m.reviewer
    left join people as rs on rs.org = m.org and rs.login = m.responder
    left join party_calendars as tc
        on tc.org = m.org and tc.kind = 'team' and tc.name = m.reviewer_team
    left join party_calendars as pc
        on pc.org = m.org and pc.kind = 'person' and pc.name = m.reviewer
    left join party_calendars as rc
        on rc.org = m.org and rc.kind = 'person' and rc.name = m.responder
),
clocked_start as (
    select r.*, working_seconds(r.start_at, w) as w_start
    from episode_rows as r
    left join working_days as w on w.calendar = r.calendar and w.day = utc_day(r.start_at)
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
    reviewer,
    reviewer_team,
    is_cross_team,
    episode,
    requested_at,
    start_at,
    ended_at,
    outcome,
    responder,
    epoch(clock_end - start_at) / 3600.0 as wait_hours,
    (w_end - w_start) / 3600.0 as wait_business_hours,
    calendar,
    author_is_bot
from clocked
