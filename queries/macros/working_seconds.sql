-- working_seconds: a macro: the working seconds of a calendar before instant `t`, given `w`, the
-- calendar's working_days row for t's UTC day (joined on w.day = utc_day(t)). Business seconds
-- between a and b are working_seconds(b, wb) - working_seconds(a, wa); NULL outside the range.
create or replace macro working_seconds(t, w) as
    w.seconds_before
    + least(greatest(epoch(t) - w.day * 86400 - w.p1_from, 0), w.p1_to - w.p1_from)
    + least(greatest(epoch(t) - w.day * 86400 - w.p2_from, 0), w.p2_to - w.p2_from)
    + least(greatest(epoch(t) - w.day * 86400 - w.p3_from, 0), w.p3_to - w.p3_from)
