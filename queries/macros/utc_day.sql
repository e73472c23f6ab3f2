-- utc_day: a macro: the UTC day of instant `t` as days since 1970-01-01, the key of
-- working_days (`join working_days as w on w.calendar = c and w.day = utc_day(t)`).
create or replace macro utc_day(t) as epoch_us(t) // 86400000000
