-- pr_teams: one row per pull request, team and way that team takes part in it: `role` is
-- 'author' (a team of the author), 'reviewer' (a review was asked of the team or of one of its
-- members, withdrawn requests included) or 'approver' (its approval was needed: asked for, or
-- owning a changed file by CODEOWNERS, as approval_latency counts it). It is what
-- `miner report --team T` keeps: the PRs T took part in.
-- computed on read
select org, repo, number as pr_number, unnest(author_teams) as team, 'author' as role
from pull_requests
union
select w.org, w.repo, w.pr_number, coalesce(w.reviewer_team, pt.team), 'reviewer'
from review_wait as w
left join person_teams as pt on pt.org = w.org and pt.login = w.reviewer
where w.reviewer_team is not null or pt.team is not null
union
select org, repo, pr_number, approver_team, 'approver'
from approval_latency
