-- handoff_pairs: one row per (author team, owning team) with PRs opened in the window whose
-- changed files that other team owns by CODEOWNERS: how many PRs passed through it, how many were
-- merged, and their median hours from opening to merge. Bot-authored PRs are left out.
-- Params: $org, $since, $until; optional $team, $repo (NAME or ORG/NAME).
with handoffs as (
    select h.*, unnest(h.author_teams) as author_team
    from ownership_handoffs as h
    join pull_requests as p on p.org = h.org and p.repo = h.repo and p.number = h.pr_number
    where h.org = $org and h.created_at >= $since and h.created_at < $until
      and h.handoff_count > 0 and not p.author_is_bot
      and ($repo is null or h.repo in ($repo, $org || '/' || $repo))
      and ($team is null or exists (from pr_teams as t where t.org = h.org and t.repo = h.repo
                                    and t.pr_number = h.pr_number and t.team = lower($team)))
),
pairs as (
    select author_team, unnest(handoff_teams) as owner_team, created_at, merged_at
    from handoffs
)
select
    author_team,
    owner_team,
    count(*) as prs,
    count(merged_at) as merged,
    quantile_cont(epoch(merged_at - created_at) / 3600.0, 0.5) as median_cycle_hours
from pairs
group by author_team, owner_team
order by prs desc, author_team, owner_team
