-- business_hours: a macro for ad hoc queries: the working hours of `calendar` between two
-- instants, e.g. `select business_hours('default', start_at, ended_at) from review_wait`.
-- It sums working_time's intervals; the metric views compute the same from working_days with
-- hash joins (see working_seconds), which scale better. NULL where it cannot answer, never a
-- silent 0: a NULL instant (a wait still open has ended_at NULL: give it the snapshot's as_of),
-- a calendar the warehouse does not have (names are 'default' and the config's team names, in
-- lower case), or an instant outside the calendar's range (working_days: 2008 to 2039, and
-- wider where the data is). An end before the start gives 0.
create or replace macro business_hours(cal, from_at, to_at) as (
    select case when from_at is not null and to_at is not null
                 and utc_day(from_at::timestamptz) between r.first_day and r.last_day
                 and utc_day(to_at::timestamptz) between r.first_day and r.last_day then
        coalesce((
            select sum(greatest(0, epoch(least(to_at, w.end_at)) - epoch(greatest(from_at, w.start_at))))
            from working_time as w
            where w.calendar = cal and w.start_at < to_at and w.end_at > from_at
        ), 0) / 3600.0
    end
    from (select min(day) as first_day, max(day) as last_day from working_days where calendar = cal) as r
)
