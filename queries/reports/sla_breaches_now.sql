-- sla_breaches_now: one row per wait open at as_of that is over its service level, furthest
-- over first: the PR and its link, whether a review or an approval, the team waited on, the
-- business hours waited and the service level. Params: $org, $limit;
-- optional $team, $repo (NAME or ORG/NAME).
select
    b.repo,
    b.pr_number,
    p.title,
    b.kind,
    coalesce(b.reviewer, '@' || b.team, '(nobody asked)') as waiting_on,
    b.waited_business_hours,
    b.sla_business_hours,
    b.over_business_hours,
    b.html_url
from sla_breaches as b
join pull_requests as p on p.org = b.org and p.repo = b.repo and p.number = b.pr_number
where b.org = $org
  and ($repo is null or b.repo in ($repo, $org || '/' || $repo))
  and ($team is null or exists (from pr_teams as t where t.org = b.org and t.repo = b.repo
                                and t.pr_number = b.pr_number and t.team = lower($team)))
order by b.over_business_hours desc, b.repo, b.pr_number, b.kind, waiting_on
limit $limit
