-- waiting_longest: one row per review episode still waiting at as_of, longest first, with a
-- link to its PR. Params: $org, $limit.
select
    w.repo,
    w.pr_number,
    p.title,
    w.author,
    coalesce(w.reviewer, '@' || w.reviewer_team, '(nobody asked)') as waiting_on,
    w.start_at,
    w.wait_hours,
    p.html_url
from review_wait as w
join pull_requests as p on p.org = w.org and p.repo = w.repo and p.number = w.pr_number
where w.org = $org and w.outcome = 'waiting'
order by w.wait_hours desc, w.repo, w.pr_number
limit $limit
