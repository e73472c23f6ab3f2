-- review_wait_by_week: one row per week of the window (Monday 00:00 UTC to the next Monday; the
-- first and the last cut to the window, `week` marked "(part)" then): the review requests
-- answered that week, with the median, p75 and p90 of their waits in hours and the median in
-- business hours, and `waiting_at_end`, the episodes waiting at the week's end (asked, and not
-- yet answered, withdrawn or ended by a close: the review work stuck then). Is review getting
-- faster, and is the queue growing?
-- A request counts in the week its answer came (review_wait's ended_at, outcome 'reviewed'),
-- whenever it was asked: a slow answer shows when it lands, so a week's figures are final at its
-- end. So these weeks' answers are not review_wait_summary's (requests made in the window and
-- answered by its end): an answer this week to a request of last month counts here, not there.
-- The last week's `waiting_at_end` of a window ending at as_of is the summary's `waiting now`.
-- Withdrawn episodes count in no week's answers; they were waiting until withdrawn.
-- Params: $org, $since, $until; optional $team, $repo (NAME or ORG/NAME).
with weeks as (
    -- Mondays in UTC, whatever the session's time zone (timezone() makes UTC wall time of an
    -- instant, and back)
    select
        greatest(timezone('UTC', monday), $since::timestamptz) as week_from,
        least(timezone('UTC', monday + interval 7 day), $until::timestamptz) as week_to
    from range(
        date_trunc('week', timezone('UTC', $since::timestamptz)),
        timezone('UTC', $until::timestamptz),
        interval 7 day
    ) as t(monday)
),
episodes as (
    select w.start_at, w.ended_at, w.outcome, w.wait_hours, w.wait_business_hours
    from review_wait as w
    -- a request answered before its wait began (a draft reviewed before it was ready: 0 hours)
    -- counts in the week of its answer, whenever the PR became ready
    where w.org = $org and least(w.start_at, w.ended_at) < $until
      and ($repo is null or w.repo in ($repo, $org || '/' || $repo))
      and ($team is null or exists (from pr_teams as t where t.org = w.org and t.repo = w.repo
                                    and t.pr_number = w.pr_number and t.team = lower($team)))
),
marked as (
    -- each episode of a week: answered in it, waiting at its end, or neither (ended in it
    -- another way)
    select
        k.week_from,
        k.week_to,
        e.outcome = 'reviewed' and e.ended_at >= k.week_from and e.ended_at < k.week_to
            as answered,
        e.start_at < k.week_to and coalesce(e.ended_at > k.week_to, true) as waiting,
        e.wait_hours,
        e.wait_business_hours
    from weeks as k
    left join episodes as e
        on least(e.start_at, e.ended_at) < k.week_to and coalesce(e.ended_at >= k.week_from, true)
    where k.week_from < k.week_to
)
select
    strftime(timezone('UTC', week_from), '%Y-%m-%d')
        || if(epoch(week_to - week_from) < 7 * 86400, ' (part)', '') as week,
    week_from,
    week_to,
    count(*) filter (where answered) as answered,
    quantile_cont(wait_hours, 0.5) filter (where answered) as median_hours,
    quantile_cont(wait_hours, 0.75) filter (where answered) as p75_hours,
    quantile_cont(wait_hours, 0.9) filter (where answered) as p90_hours,
    quantile_cont(wait_business_hours, 0.5) filter (where answered) as median_business_hours,
    count(*) filter (where waiting) as waiting_at_end
from marked
group by week_from, week_to
order by week_from
