-- working_days: one row per calendar and UTC day (`day`, days since 1970-01-01 UTC), with
-- `seconds_before`, the calendar's working seconds before that day's UTC midnight, and the day's
-- working pieces as seconds after that midnight (p1_from..p1_to, then p2, then p3; an unused
-- piece is 0..0). A working interval lies within one local day, and a UTC day overlaps at most
-- three local days (a local day is at least 23 hours long), so three pieces always suffice.
-- The working seconds of a calendar before instant t are found by an equality join on
-- (calendar, utc_day(t)) and the macro working_seconds(t, row): the metric views compute
-- business hours this way, with hash joins that scale better than as-of joins.
-- The range is working_time's (2008 to 2039, and wider where the data is); outside it, no row
-- matches.
with pieces as (
    -- each working interval cut at UTC midnights
    select
        w.calendar,
        d.day,
        epoch(greatest(w.start_at, make_timestamptz(d.day * 86400000000))) - d.day * 86400
            as p_from,
        epoch(least(w.end_at, make_timestamptz((d.day + 1) * 86400000000))) - d.day * 86400
            as p_to
    from working_time as w,
        unnest(range(
            epoch_us(w.start_at) // 86400000000, (epoch_us(w.end_at) - 1) // 86400000000 + 1
        )) as d(day)
),
per_day as (
    select
        calendar,
        day,
        list(struct_pack(f := p_from, t := p_to) order by p_from) as parts,
        sum(p_to - p_from) as seconds
    from pieces
    group by calendar, day
),
spans as (
    select calendar, min(day) - 1 as first_day, max(day) + 1 as last_day
    from per_day
    group by calendar
),
all_days as (
    select calendar, unnest(range(first_day, last_day + 1)) as day
    from spans
)
select
    a.calendar,
    a.day,
    coalesce(
        sum(p.seconds) over (
            partition by a.calendar order by a.day
            rows between unbounded preceding and 1 preceding
        ),
        0
    ) as seconds_before,
    coalesce(p.parts[1].f, 0) as p1_from,
    coalesce(p.parts[1].t, 0) as p1_to,
    coalesce(p.parts[2].f, 0) as p2_from,
    coalesce(p.parts[2].t, 0) as p2_to,
    coalesce(p.parts[3].f, 0) as p3_from,
    coalesce(p.parts[3].t, 0) as p3_to
from all_days as a
left join per_day as p on p.calendar = a.calendar and p.day = a.day
