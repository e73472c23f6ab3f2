-- review_wait_summary: one row: PRs that became ready in the window, and the review wait of
-- the episodes that began in it and were answered, whatever PR they are of (median, p75, p90
-- with the count they rest on). Withdrawn episodes are left out. An episode is answered in the window when it was answered by the window's end:
-- one answered later still waited then (judged at each window's end, so the previous window
-- compares like with like with one ending at as_of). The percentiles come twice, in hours and
-- in business hours (`*_business_hours`, each episode on the calendar review_wait counts it
-- on). `unanswered` counts the episodes that began in the window and ended unanswered (the PR
-- closed or merged first) by its end. `waiting` counts the episodes still
-- waiting at as_of, whenever they started before the window's end: a request asked 40 days ago
-- and never answered waits now too.
-- Params: $org, $since, $until; optional $team, $repo (NAME or ORG/NAME).
with episodes as (
    select w.*, w.outcome = 'reviewed' and w.start_at >= $since and w.ended_at < $until
        as answered_in_window
    from review_wait as w
    where w.org = $org and w.start_at < $until
      and ($repo is null or w.repo in ($repo, $org || '/' || $repo))
      and ($team is null or exists (from pr_teams as t where t.org = w.org and t.repo = w.repo
                                    and t.pr_number = w.pr_number and t.team = lower($team)))
)
select
    (select count(*) from pull_requests as p
     where p.org = $org and p.ready_at >= $since and p.ready_at < $until
       and ($repo is null or p.repo in ($repo, $org || '/' || $repo))
       and ($team is null or exists (from pr_teams as t where t.org = p.org and t.repo = p.repo
                                     and t.pr_number = p.number and t.team = lower($team))))
        as prs_ready,
    count(*) filter (where answered_in_window) as reviewed,
    quantile_cont(wait_hours, 0.5) filter (where answered_in_window) as median_hours,
    quantile_cont(wait_hours, 0.75) filter (where answered_in_window) as p75_hours,
    quantile_cont(wait_hours, 0.9) filter (where answered_in_window) as p90_hours,
    quantile_cont(wait_business_hours, 0.5) filter (where answered_in_window)
        as median_business_hours,
    quantile_cont(wait_business_hours, 0.75) filter (where answered_in_window)
        as p75_business_hours,
    quantile_cont(wait_business_hours, 0.9) filter (where answered_in_window)
        as p90_business_hours,
    count(*) filter (where outcome = 'unanswered' and start_at >= $since and ended_at < $until)
        as unanswered,
    count(*) filter (where outcome = 'waiting') as waiting
from episodes
