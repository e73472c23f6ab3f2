-- deploy_lead_time: one row per merged pull request: when it merged, the first successful
-- production deploy whose commit has its merge commit as an ancestor (git), when that deploy
-- happened, and the hours between (METRICS.md, Deploys and lead time).
--
-- Readings: ancestry comes from the repo's git mirror (deploy_commits): a PR whose merge commit
-- the mirror lacks, or a repo without a mirror or without production deploys, has deployed_at
-- NULL, as does a PR no deploy has shipped yet. `merge_commit_sha` is the commit GitHub put on
-- the base branch (the merge, squash or last rebased commit). A deploy recorded before the merge
-- (a clock skew between systems) gives lead_hours 0, never negative. `deploys_to_production`
-- says whether the repo has any production deploy at all, so a report can tell "not deployed
-- yet" from "this repo does not deploy".
with deployed_repos as (
    select distinct org, repo from production_deploys
)
select
    p.org,
    p.repo,
    p.number as pr_number,
    p.author,
    p.author_teams,
    p.merge_commit_sha,
    p.merged_at,
    d.deploy_id,
    d.source as deploy_source,
    d.name as deploy_name,
    d.deployed_at,
    -- if() keeps the NULL of an undeployed PR that greatest() would drop
    if(d.deployed_at < p.merged_at, 0, epoch(d.deployed_at - p.merged_at)) / 3600.0 as lead_hours,
    r.repo is not null as deploys_to_production
from pull_requests as p
left join deploy_commits as c
    on c.org = p.org and c.repo = p.repo and c.sha = p.merge_commit_sha
left join production_deploys as d
    on d.org = c.org and d.repo = c.repo and d.deploy_id = c.deploy_id
left join deployed_repos as r on r.org = p.org and r.repo = p.repo
where p.merged_at is not null
