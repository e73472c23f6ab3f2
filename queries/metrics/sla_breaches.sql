-- sla_breaches: one row per wait still open at as_of that is over its service level: a waiting
-- review episode over `first_review_business_hours`, or a waiting cross-team approval over
-- `cross_team_approval_business_hours`, in business hours of the team waited on
-- (METRICS.md#sla-breaches).
--
-- The team waited on, whose [sla.teams.NAME] overrides the default: the requested team; for a
-- request to a person, the team whose calendar review_wait counted (the first of their teams,
-- alphabetically, with a calendar of its own), else the first of their teams with a service
-- level of its own, so the level and the hours measured against it are one team's, else the
-- first of their teams ('unassigned' for a person in none), held to the default level; for an
-- approval, the approving team. Every waiting episode counts, re-reviews included, and the
-- implicit one (nobody asked: review_wait's reviewer and reviewer_team NULL) too: it waits on
-- no team, so its `team` and `reviewer` are NULL and the default level holds it.
-- A team's override row in settings_sla is already complete (the config's defaults filled in).
with defaults as (
    select * from settings_sla where team is null
),
review_waits as (
    select
        w.*,
        coalesce(
            w.reviewer_team,
            -- a person's calendar is their team's of that name, or 'default'
            case when w.reviewer is not null and w.calendar <> 'default' then w.calendar end,
            (select min(pt.team) from person_teams as pt
             join settings_sla as s on s.team = pt.team
             where pt.org = w.org and pt.login = w.reviewer),
            (select min(pt.team) from person_teams as pt
             where pt.org = w.org and pt.login = w.reviewer),
            case when w.reviewer is not null then 'unassigned' end
        ) as team_waited_on
    from review_wait as w
    where w.outcome = 'waiting'
),
reviews_over as (
    select
        'review' as kind,
        r.org,
        r.repo,
        r.pr_number,
        r.author,
        coalesce(r.team_waited_on, r.reviewer_team) as team,
        r.reviewer,
        r.start_at,
        r.wait_hours as waited_hours,
        r.wait_business_hours as waited_business_hours,
        coalesce(l.first_review_business_hours, d.first_review_business_hours) as sla_business_hours
    from review_waits as r
    cross join defaults as d
    left join settings_sla as l on l.team = r.team_waited_on
),
approvals_over as (
    select
        'approval' as kind,
        a.org,
        a.repo,
        a.pr_number,
        a.author,
        a.approver_team as team,
        null::varchar as reviewer,
        a.start_at,
        a.latency_hours as waited_hours,
        a.latency_business_hours as waited_business_hours,
        coalesce(l.cross_team_approval_business_hours, d.cross_team_approval_business_hours)
            as sla_business_hours
    from approval_latency as a
    cross join defaults as d
    left join settings_sla as l on l.team = a.approver_team
    where a.outcome = 'waiting' and a.is_cross_team
),
breaches as (
    select * from reviews_over
    union all
    select * from approvals_over
)
select
    b.kind,
    b.org,
    b.repo,
    b.pr_number,
    b.author,
    b.team,
    b.reviewer,
    b.start_at,
    b.waited_hours,
    b.waited_business_hours,
    b.sla_business_hours,
    b.waited_business_hours - b.sla_business_hours as over_business_hours,
    p.html_url,
    p.author_is_bot
from breaches as b
join pull_requests as p on p.org = b.org and p.repo = b.repo and p.number = b.pr_number
where b.waited_business_hours > b.sla_business_hours
