-- ownership_handoff_pairs: one row per (author_team, owner_team): how many PRs of the author's
-- team had to pass through the owning team by CODEOWNERS, how many of their files it owns, and
-- the median, p75 and p90 cycle_hours of those PRs (METRICS.md#codeowners-and-ownership_handoffs).
--
-- Readings: a PR's cycle is pr_phases' (its first commit, else created_at, to its merge; business
-- hours on the author's calendar), for merged PRs only (`merged_prs` is the count the
-- percentiles rest on); an author in two teams counts for both; bot-authored PRs are left out
-- (they are nobody's handoff).
with handoffs as (
    select
        h.org,
        h.repo,
        h.pr_number,
        unnest(h.author_teams) as author_team,
        h.handoff_teams,
        c.cycle_hours,
        c.cycle_business_hours
    from ownership_handoffs as h
    left join pr_phases as c on c.org = h.org and c.repo = h.repo and c.pr_number = h.pr_number
    where h.handoff_count > 0 and not h.author_is_bot
),
pairs as (
    select org, repo, pr_number, author_team, unnest(handoff_teams) as owner_team, cycle_hours,
        cycle_business_hours
    from handoffs
),
owned_files as (
    select f.org, f.repo, f.pr_number, t.team, count(distinct f.path) as files
    from pr_files as f
    join pr_codeowners as c on c.org = f.org and c.repo = f.repo and c.pr_number = f.pr_number
    join path_owner_teams as t
        on t.org = f.org and t.repo = f.repo and t.version = c.version and t.path = f.path
    group by f.org, f.repo, f.pr_number, t.team
)
select
    p.org,
    p.author_team,
    p.owner_team,
    count(*) as prs,
    sum(coalesce(o.files, 0))::bigint as files,
    count(p.cycle_hours) as merged_prs,
    quantile_cont(p.cycle_hours, 0.5) as median_cycle_hours,
    quantile_cont(p.cycle_hours, 0.75) as p75_cycle_hours,
    quantile_cont(p.cycle_hours, 0.9) as p90_cycle_hours,
    quantile_cont(p.cycle_business_hours, 0.5) as median_cycle_business_hours,
    quantile_cont(p.cycle_business_hours, 0.75) as p75_cycle_business_hours,
    quantile_cont(p.cycle_business_hours, 0.9) as p90_cycle_business_hours
from pairs as p
left join owned_files as o
    on o.org = p.org and o.repo = p.repo and o.pr_number = p.pr_number
    and lower(o.team) = lower(p.owner_team)
group by p.org, p.author_team, p.owner_team
