-- time_in_court_by_team: one row per author team: the PRs its members authored that ended
-- (merged or closed) in the window, each court's share of those PRs' hours (author: the work;
-- reviewers, ci, merge, deploy: the waiting), the median, p75 and p90 PR's waiting hours
-- (every court but the author's), the team waiting the largest share of its hours first. The hours are
-- judged as time_in_court judges them: a merged PR not deployed by the window's end (nor its
-- repo archived by then) counts its deploy court up to that end in the shares, but, its wait
-- unfinished, is left out of the percentiles and counted in `waiting` (METRICS.md, Aggregates:
-- a wait still open is shown apart). An
-- author in two teams counts for each; an author in none is 'unassigned'; bot-authored PRs
-- (dependency bumps) are no team's work and are left out, so the teams' PRs need not add up to
-- time_in_court's.
-- Params: $org, $since, $until; optional $team, $repo (NAME or ORG/NAME).
with ended as (
    select
        c.*,
        coalesce(d.deployed_at >= $until, true) and coalesce(r.archived_at >= $until, true)
            as deploy_open,
        epoch($until - p.merged_at) / 3600.0 as merged_to_end
    from pr_time_in_court as c
    join pull_requests as p on p.org = c.org and p.repo = c.repo and p.number = c.pr_number
    left join deploy_lead_time as d
        on d.org = c.org and d.repo = c.repo and d.pr_number = c.pr_number
    left join repos as r on r.org = c.org and r.repo = c.repo
    where c.org = $org and not c.author_is_bot
      and coalesce(p.merged_at, p.closed_at) >= $since
      and coalesce(p.merged_at, p.closed_at) < $until
      and ($repo is null or c.repo in ($repo, $org || '/' || $repo))
      and ($team is null or exists (from pr_teams as t where t.org = c.org and t.repo = c.repo
                                    and t.pr_number = c.pr_number and t.team = lower($team)))
),
judged as (
    -- a deploy court open at the window's end, up to that end, as in time_in_court
    select
        unnest(author_teams) as team,
        author_hours,
        reviewers_hours,
        ci_hours,
        merge_hours,
        if(deploy_open and deploy_hours > merged_to_end, merged_to_end, deploy_hours)
            as deploy_hours,
        deploy_open and deploy_hours is not null as open
    from ended
),
by_team as (
    select
        team,
        count(*) as prs,
        sum(author_hours) as author,
        sum(reviewers_hours) as reviewers,
        sum(ci_hours) as ci,
        sum(merge_hours) as merge,
        sum(coalesce(deploy_hours, 0)) as deploy,
        quantile_cont(reviewers_hours + ci_hours + merge_hours + coalesce(deploy_hours, 0), 0.5)
            filter (where not open) as median_waiting_hours,
        quantile_cont(reviewers_hours + ci_hours + merge_hours + coalesce(deploy_hours, 0), 0.75)
            filter (where not open) as p75_waiting_hours,
        quantile_cont(reviewers_hours + ci_hours + merge_hours + coalesce(deploy_hours, 0), 0.9)
            filter (where not open) as p90_waiting_hours,
        count(*) filter (where open) as waiting
    from judged
    group by team
)
select
    team,
    prs,
    author / nullif(author + reviewers + ci + merge + deploy, 0) as author_share,
    reviewers / nullif(author + reviewers + ci + merge + deploy, 0) as reviewers_share,
    ci / nullif(author + reviewers + ci + merge + deploy, 0) as ci_share,
    merge / nullif(author + reviewers + ci + merge + deploy, 0) as merge_share,
    deploy / nullif(author + reviewers + ci + merge + deploy, 0) as deploy_share,
    median_waiting_hours,
    p75_waiting_hours,
    p90_waiting_hours,
    waiting
from by_team
order by author_share asc nulls last, team
