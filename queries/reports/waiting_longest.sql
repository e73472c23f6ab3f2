-- waiting_longest: one row per open pull request with a review request still waiting at as_of,
-- longest wait first: who it waits on and a link. Its hours and business hours are both its
-- longest-waiting request's (each request counts its own party's calendar, so the most business
-- hours may be another request's: a figure of one wait, never of two). Params: $org, $limit;
-- optional $team, $repo (NAME or ORG/NAME).
with waiting as (
    select
        w.org,
        w.repo,
        w.pr_number,
        w.author,
        coalesce(w.reviewer, '@' || w.reviewer_team, '(nobody asked)') as waiting_on,
        w.wait_hours,
        w.wait_business_hours
    from review_wait as w
    where w.org = $org and w.outcome = 'waiting'
      and ($repo is null or w.repo in ($repo, $org || '/' || $repo))
      and ($team is null or exists (from pr_teams as t where t.org = w.org and t.repo = w.repo
                                    and t.pr_number = w.pr_number and t.team = lower($team)))
)
select
    w.repo,
    w.pr_number,
    any_value(p.title) as title,
    any_value(w.author) as author,
    string_agg(distinct w.waiting_on, ', ' order by w.waiting_on) as waiting_on,
    max(w.wait_hours) as wait_hours,
    -- of the longest wait; of two as long, the one with more business hours; NULL when that
    -- wait's are unknown (arg_max_null: arg_max would skip it for another wait's)
    arg_max_null(w.wait_business_hours, (w.wait_hours, coalesce(w.wait_business_hours, -1)))
        as wait_business_hours,
    any_value(p.html_url) as html_url
from waiting as w
join pull_requests as p on p.org = w.org and p.repo = w.repo and p.number = w.pr_number
group by w.repo, w.pr_number
order by wait_hours desc, w.repo, w.pr_number
limit $limit
