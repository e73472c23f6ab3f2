-- deploy_lead_time: one row per merged pull request: when it merged, the first successful
-- production deploy whose commit has its merge commit as an ancestor (git), when that deploy
-- happened, and the hours between (METRICS.md, Deploys and lead time).
--
-- Readings: ancestry comes from the repo's git mirror (deploy_commits): a PR whose merge commit
-- the mirror lacks, or a repo without a mirror or without production deploys, has deployed_at
-- NULL, as does a PR no deploy has shipped yet. `merge_commit_sha` is the commit GitHub put on
-- the base branch (the merge, squash or last rebased commit). A deploy recorded before the merge
-- (a clock skew between systems) gives lead_hours 0, never negative. `deploy_tracked` says
-- whether the PR can be followed to production at all: its repo's deploys are tied to commits
-- by git, and its merge commit is on the mined default branch or a production deploy shipped it
-- (a PR merged into a release branch and deployed from there is followed; one merged into
-- another branch and not deployed is not, until that branch lands). deployed_at NULL with
-- deploy_tracked true: not deployed yet.
-- lead_business_hours counts the default calendar: the party waited on is a release train, as in
-- pr_phases and pr_time_in_court.
with tracked_repos as (
    select distinct org, repo from deploy_commits
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
    r.repo is not null and (m.sha is not null or d.deploy_id is not null) as deploy_tracked,
    if(d.deployed_at < p.merged_at, 0, working_seconds(d.deployed_at, w2)
        - working_seconds(p.merged_at, w1)) / 3600.0 as lead_business_hours,
    p.author_is_bot
from pull_requests as p
left join deploy_commits as c
    on c.org = p.org and c.repo = p.repo and c.sha = p.merge_commit_sha
left join production_deploys as d
    on d.org = c.org and d.repo = c.repo and d.deploy_id = c.deploy_id
left join tracked_repos as r on r.org = p.org and r.repo = p.repo
left join commits as m on m.org = p.org and m.repo = p.repo and m.sha = p.merge_commit_sha
left join working_days as w1 on w1.calendar = 'default' and w1.day = utc_day(p.merged_at)
left join working_days as w2 on w2.calendar = 'default' and w2.day = utc_day(d.deployed_at)
where p.merged_at is not null
