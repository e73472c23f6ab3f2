-- review_wait_by_team: one row per team waited on: the reviewed episodes that began in the
-- window and were answered by its end (one answered later still waited then: each window is
-- judged at its end, so the previous one compares like with like), with median, p75 and p90
-- wait. A team request counts for that team; a request to a person counts for each of their
-- teams; an implicit episode (nobody asked) for '(anyone)'. `median_business_hours` is the
-- median wait in business hours (each episode on the calendar review_wait counts it on), and
-- `cross_team_reviewed` how many of the reviewed episodes were cross-team (is_cross_team).
-- `waiting` counts the episodes still waiting at as_of whenever they started before the
-- window's end, as review_wait_summary does: work stuck now does not depend on the window.
-- Params: $org, $since, $until; optional $team, $repo (NAME or ORG/NAME).
with episodes as (
    select w.*, p.teams as reviewer_teams
    from review_wait as w
    left join people as p on p.org = w.org and p.login = w.reviewer
    where w.org = $org and w.start_at < $until and (w.start_at >= $since or w.outcome = 'waiting')
      and w.outcome in ('reviewed', 'waiting', 'unanswered')
      and ($repo is null or w.repo in ($repo, $org || '/' || $repo))
      and ($team is null or exists (from pr_teams as t where t.org = w.org and t.repo = w.repo
                                    and t.pr_number = w.pr_number and t.team = lower($team)))
),
by_team as (
    select
        unnest(
            case
                when reviewer_team is not null then [reviewer_team]
                when reviewer is not null then reviewer_teams
                else ['(anyone)']
            end
        ) as team,
        if(outcome = 'reviewed' and ended_at >= $until, 'waited past the window', outcome)
            as outcome,
        wait_hours,
        wait_business_hours,
        is_cross_team
    from episodes
)
select
    team,
    count(*) filter (where outcome = 'reviewed') as reviewed,
    quantile_cont(wait_hours, 0.5) filter (where outcome = 'reviewed') as median_hours,
    quantile_cont(wait_hours, 0.75) filter (where outcome = 'reviewed') as p75_hours,
    quantile_cont(wait_hours, 0.9) filter (where outcome = 'reviewed') as p90_hours,
    quantile_cont(wait_business_hours, 0.5) filter (where outcome = 'reviewed')
        as median_business_hours,
    count(*) filter (where outcome = 'reviewed' and is_cross_team) as cross_team_reviewed,
    count(*) filter (where outcome = 'waiting') as waiting
from by_team
group by team
order by median_hours desc nulls last, team
