-- deploy_lead_time_by_repo: one row per repo with PRs merged in the window that can be followed
-- to production: how many reached it by the window's end, the median, p75 and p90 hours from
-- merge to production of those, and how many were merged but not deployed by then (one deployed
-- later was not yet: each window is judged at its end, so the previous one compares like with
-- like). Params: $org, $since,
-- $until; optional $team, $repo (NAME or ORG/NAME).
select
    repo,
    count(*) filter (where deployed_at < $until) as deployed,
    quantile_cont(lead_hours, 0.5) filter (where deployed_at < $until) as median_hours,
    quantile_cont(lead_hours, 0.75) filter (where deployed_at < $until) as p75_hours,
    quantile_cont(lead_hours, 0.9) filter (where deployed_at < $until) as p90_hours,
    count(*) filter (where deployed_at is null or deployed_at >= $until) as not_deployed
from deploy_lead_time as d
where d.org = $org and d.merged_at >= $since and d.merged_at < $until and d.deploy_tracked
  and ($repo is null or d.repo in ($repo, $org || '/' || $repo))
  and ($team is null or exists (from pr_teams as t where t.org = d.org and t.repo = d.repo
                                and t.pr_number = d.pr_number and t.team = lower($team)))
group by repo
order by median_hours desc nulls last, repo
