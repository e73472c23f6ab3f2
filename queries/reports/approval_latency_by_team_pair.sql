-- approval_latency_by_team_pair: one row per (author team, approving team) of cross-team
-- approvals whose wait started in the window: approvals given by the window's end (one given
-- later still waited then: each window is judged at its end), median, p75 and p90 hours to
-- approve, and how many still wait, whenever their wait started before the window's end; the
-- matrix of who waits on whom. An author in two teams counts for each.
-- Params: $org, $since, $until; optional $team, $repo (NAME or ORG/NAME).
with pairs as (
    select
        unnest(a.author_teams) as author_team,
        a.approver_team,
        if(a.outcome = 'approved' and a.approved_at >= $until, 'waited past the window',
           a.outcome) as outcome,
        a.latency_hours
    from cross_team_approval_latency as a
    where a.org = $org and a.start_at < $until
      and (a.start_at >= $since or a.outcome = 'waiting')
      and ($repo is null or a.repo in ($repo, $org || '/' || $repo))
      and ($team is null or exists (from pr_teams as t where t.org = a.org and t.repo = a.repo
                                    and t.pr_number = a.pr_number and t.team = lower($team)))
)
select
    author_team,
    approver_team,
    count(*) filter (where outcome = 'approved') as approved,
    quantile_cont(latency_hours, 0.5) filter (where outcome = 'approved') as median_hours,
    quantile_cont(latency_hours, 0.75) filter (where outcome = 'approved') as p75_hours,
    quantile_cont(latency_hours, 0.9) filter (where outcome = 'approved') as p90_hours,
    count(*) filter (where outcome = 'waiting') as waiting
from pairs
where author_team <> approver_team
group by author_team, approver_team
order by author_team, approver_team
