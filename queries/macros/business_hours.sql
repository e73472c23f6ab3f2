-- business_hours: a macro for ad hoc queries: the working hours of `calendar` between two
-- instants, e.g. `select business_hours('default', start_at, ended_at) from review_wait`.
-- It sums working_time's intervals; the metric views compute the same from working_days with
-- hash joins (see working_seconds), which scale better.
create or replace macro business_hours(cal, from_at, to_at) as (
    select coalesce(sum(greatest(0, epoch(least(to_at, w.end_at)) - epoch(greatest(from_at, w.start_at)))), 0) / 3600.0
    from working_time as w
    where w.calendar = cal and w.start_at < to_at and w.end_at > from_at
)
