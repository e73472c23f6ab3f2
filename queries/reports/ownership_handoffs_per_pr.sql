-- ownership_handoffs_per_pr: one row per number of handoffs (0, 1, 2, '3+': other teams owning
-- a PR's changed files by CODEOWNERS) among the PRs opened in the window: how many PRs, their
-- share, how many were merged and the median and p90 hours from opening to merge, so the cost
-- of each further team shows. Bot-authored PRs are left out. Params: $org, $since, $until;
-- optional $team, $repo (NAME or ORG/NAME).
with prs as (
    select
        least(h.handoff_count, 3) as bucket,
        h.merged_at,
        epoch(h.merged_at - h.created_at) / 3600.0 as cycle_hours
    from ownership_handoffs as h
    join pull_requests as p on p.org = h.org and p.repo = h.repo and p.number = h.pr_number
    where h.org = $org and h.created_at >= $since and h.created_at < $until
      and not p.author_is_bot
      and ($repo is null or h.repo in ($repo, $org || '/' || $repo))
      and ($team is null or exists (from pr_teams as t where t.org = h.org and t.repo = h.repo
                                    and t.pr_number = h.pr_number and t.team = lower($team)))
)
select
    case when bucket = 3 then '3+' else bucket::varchar end as handoffs,
    count(*) as prs,
    count(*) / sum(count(*)) over () as share,
    count(merged_at) as merged,
    quantile_cont(cycle_hours, 0.5) as median_cycle_hours,
    quantile_cont(cycle_hours, 0.9) as p90_cycle_hours
from prs
group by bucket
order by bucket
