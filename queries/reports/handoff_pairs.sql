-- handoff_pairs: one row per (author team, owning team) with PRs opened in the window whose
-- changed files that other team owns by CODEOWNERS: how many PRs passed through it, how many were
-- merged by the window's end (one merged later was still open then: each window is judged at
-- its end, so the previous one compares like with like), and the median, p75 and p90 of their
-- cycle (pr_phases: first commit, else opening, to
-- merge). Bot-authored PRs are left out.
-- Params: $org, $since, $until; optional $team, $repo (NAME or ORG/NAME).
with handoffs as (
    select
        h.* replace (if(h.merged_at < $until, h.merged_at, null) as merged_at),
        unnest(h.author_teams) as author_team,
        if(h.merged_at < $until, c.cycle_hours, null) as cycle_hours
    from ownership_handoffs as h
    left join pr_phases as c on c.org = h.org and c.repo = h.repo and c.pr_number = h.pr_number
    where h.org = $org and h.created_at >= $since and h.created_at < $until
      and h.handoff_count > 0 and not h.author_is_bot
      and ($repo is null or h.repo in ($repo, $org || '/' || $repo))
      and ($team is null or exists (from pr_teams as t where t.org = h.org and t.repo = h.repo
                                    and t.pr_number = h.pr_number and t.team = lower($team)))
),
pairs as (
    select author_team, unnest(handoff_teams) as owner_team, merged_at, cycle_hours
    from handoffs
)
select
    author_team,
    owner_team,
    count(*) as prs,
    count(merged_at) as merged,
    quantile_cont(cycle_hours, 0.5) as median_cycle_hours,
    quantile_cont(cycle_hours, 0.75) as p75_cycle_hours,
    quantile_cont(cycle_hours, 0.9) as p90_cycle_hours
from pairs
group by author_team, owner_team
order by prs desc, author_team, owner_team
