-- cross_team_approvals_by_team: one row per team whose approval PRs of other teams needed, for
-- waits that started in the window: approvals given by the window's end (one given later
-- still waited then: each window is judged at its end, so the previous one compares like with
-- like), median, p75 and p90 hours to approve (and the median in that team's business hours),
-- and how many still wait, whenever their wait started before the window's end (work stuck now
-- does not depend on the window). Params: $org, $since, $until; optional $team, $repo (NAME or
-- ORG/NAME).
with approvals as (
    select
        a.approver_team,
        if(a.outcome = 'approved' and a.approved_at >= $until, 'waited past the window',
           a.outcome) as outcome,
        a.latency_hours,
        a.latency_business_hours
    from cross_team_approval_latency as a
    where a.org = $org and a.start_at < $until
      and (a.start_at >= $since or a.outcome = 'waiting')
      and ($repo is null or a.repo in ($repo, $org || '/' || $repo))
      and ($team is null or exists (from pr_teams as t where t.org = a.org and t.repo = a.repo
                                    and t.pr_number = a.pr_number and t.team = lower($team)))
)
select
    approver_team as team,
    count(*) filter (where outcome = 'approved') as approved,
    quantile_cont(latency_hours, 0.5) filter (where outcome = 'approved') as median_hours,
    quantile_cont(latency_hours, 0.75) filter (where outcome = 'approved') as p75_hours,
    quantile_cont(latency_hours, 0.9) filter (where outcome = 'approved') as p90_hours,
    quantile_cont(latency_business_hours, 0.5) filter (where outcome = 'approved')
        as median_business_hours,
    count(*) filter (where outcome = 'waiting') as waiting
from approvals
group by approver_team
order by median_hours desc nulls last, team
