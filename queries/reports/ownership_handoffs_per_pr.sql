-- ownership_handoffs_per_pr: one row per number of handoffs (0, 1, 2, '3+': other teams owning
-- a PR's changed files by CODEOWNERS) among the PRs opened in the window: how many PRs, their
-- share, how many were merged by the window's end (one merged later was still open then: each
-- window is judged at its end, so the previous one compares like with like) and the median, p75 and p90 of their cycle (pr_phases: first
-- commit, else opening, to merge), so the cost of each further team shows. Bot-authored PRs are
-- left out. Params: $org, $since, $until;
-- optional $team, $repo (NAME or ORG/NAME).
with prs as (
    select
        least(h.handoff_count, 3) as bucket,
        if(h.merged_at < $until, h.merged_at, null) as merged_at,
        if(h.merged_at < $until, c.cycle_hours, null) as cycle_hours
    from ownership_handoffs as h
    left join pr_phases as c on c.org = h.org and c.repo = h.repo and c.pr_number = h.pr_number
    where h.org = $org and h.created_at >= $since and h.created_at < $until
      and not h.author_is_bot
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
    quantile_cont(cycle_hours, 0.75) as p75_cycle_hours,
    quantile_cont(cycle_hours, 0.9) as p90_cycle_hours
from prs
group by bucket
order by bucket
