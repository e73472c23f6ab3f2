-- working_time: one row per working interval of each calendar (one workday's working hours,
-- in UTC), with `seconds_before`, the calendar's working seconds before it. Business hours
-- between two instants are the difference of that running total at each (METRICS.md,
-- Calendars). Local hours are turned into UTC per day with the calendar's time zone, so
-- daylight-saving changes and holidays fall where they do locally. The range is fixed, from
-- 2008-01-01 (GitHub's first year) to 2039-12-31, and wider where the data is (a week before
-- the first PR or commit, a week after as_of): so ad hoc queries of any instant now or soon
-- have an answer, and two warehouses with the same calendar settings have the same rows for
-- every day since 2008 (an export of several warehouses into one folder keeps the last one's
-- calendar tables, which then serve every org whose data lies in 2008 to 2039).
with bounds as (
    select
        least(
            date '2008-01-01',
            (least(min(p.created_at), (select min(authored_at) from pr_commits))
                - interval 7 day)::date
        ) as first_day,
        greatest(
            date '2039-12-31',
            (greatest(max(p.updated_at), (select max(as_of) from snapshots))
                + interval 7 day)::date
        ) as last_day
    from pull_requests as p
),
days as (
    select unnest(generate_series(first_day, last_day, interval 1 day))::date as day
    from bounds
    where first_day is not null
),
intervals as (
    select
        c.calendar,
        timezone(c.timezone, d.day + c.start_minute * interval 1 minute) as start_at,
        timezone(c.timezone, d.day + c.end_minute * interval 1 minute) as end_at
    from settings_calendars as c
    cross join days as d
    where list_contains(c.workdays, isodow(d.day)) and not list_contains(c.holidays, d.day)
)
select
    calendar,
    start_at,
    end_at,
    coalesce(
        sum(epoch(end_at) - epoch(start_at)) over (
            partition by calendar order by start_at
            rows between unbounded preceding and 1 preceding
        ),
        0
    ) as seconds_before
from intervals
