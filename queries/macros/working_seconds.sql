-- working_seconds: a macro: the working seconds of a calendar before instant `t`, given the
-- working_time row found for `t` by an as-of join (the last interval starting at or before
-- it). Business seconds between a and b are working_seconds(b) - working_seconds(a).
create or replace macro working_seconds(t, interval_start, interval_end, seconds_before) as
    coalesce(
        seconds_before
        + least(greatest(epoch(t) - epoch(interval_start), 0), epoch(interval_end) - epoch(interval_start)),
        0
    )
