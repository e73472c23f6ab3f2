-- time_in_court: one row per court: the hours PRs that ended (merged or closed) in the window
-- spent there, summed, with each court's share of all their hours and the median, p75 and p90
-- PR's hours in it (`median`, `p75`, `p90`), over how many PRs; the row 'flow efficiency' has,
-- as its `share`, the median PR's flow efficiency (the author court's share of that PR's hours).
-- Deploy hours count only PRs that can be followed to production. A merged PR not deployed by
-- the window's end (nor its repo archived by then, which ends the court) was still in the deploy
-- court: its hours up to the window's end count in `hours` and `share` (time spent there), and
-- in its flow efficiency, but its unfinished wait is left out of the PRs and percentiles, and
-- counted apart in `waiting` (METRICS.md, Aggregates: a wait still open is shown apart), as the
-- deploy lead time section does. Judged at the window's end, the previous window is cut off as
-- the window is, so their change compares like with like. Every other court of a PR that ended
-- is over.
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
    where c.org = $org
      and coalesce(p.merged_at, p.closed_at) >= $since
      and coalesce(p.merged_at, p.closed_at) < $until
      and ($repo is null or c.repo in ($repo, $org || '/' || $repo))
      and ($team is null or exists (from pr_teams as t where t.org = c.org and t.repo = c.repo
                                    and t.pr_number = c.pr_number and t.team = lower($team)))
),
judged as (
    -- a deploy court open at the window's end, up to that end (least() would skip a NULL one),
    -- and the flow efficiency of its PR then: the author's hours of its hours so far
    select
        * replace (
            if(deploy_open and deploy_hours > merged_to_end, merged_to_end, deploy_hours)
                as deploy_hours,
            if(deploy_open and deploy_hours > merged_to_end,
               author_hours / (total_hours - deploy_hours + merged_to_end),
               flow_efficiency) as flow_efficiency
        )
    from ended
),
courts as (
    select 'author' as court, 1 as position, author_hours as hours, false as open from judged
    union all
    select 'reviewers', 2, reviewers_hours, false from judged
    union all
    select 'ci', 3, ci_hours, false from judged
    union all
    select 'merge', 4, merge_hours, false from judged
    union all
    select 'deploy', 5, deploy_hours, deploy_open from judged
),
total as (
    select sum(coalesce(hours, 0)) as hours from courts
),
by_court as (
    select
        court,
        position,
        count(hours) filter (where not open) as prs,
        sum(hours) as hours,
        sum(hours) / nullif((select hours from total), 0) as share,
        quantile_cont(hours, 0.5) filter (where not open) as median,
        quantile_cont(hours, 0.75) filter (where not open) as p75,
        quantile_cont(hours, 0.9) filter (where not open) as p90,
        -- only the deploy court of a PR that ended can be open
        if(court = 'deploy', count(hours) filter (where open), null) as waiting
    from courts
    group by court, position
    union all
    select 'flow efficiency', 6, count(flow_efficiency), null,
        quantile_cont(flow_efficiency, 0.5), null, null, null, null
    from judged
    having count(flow_efficiency) > 0  -- no PR ended: no row, as no court has one then
)
select court, prs, hours, share, median, p75, p90, waiting
from by_court
order by position
