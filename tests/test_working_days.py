"""working_days (the per-UTC-day clock the metric views join on) against hand-worked waits and
against working_time's intervals summed by the business_hours macro, an independent route."""

from __future__ import annotations

from pathlib import Path

from miner.config import parse
from tests.mirror_builder import MirrorBuilder
from tests.test_metrics import build, rows

# Calendars whose working hours cross UTC midnight, sit on half-hour offsets, change with DST in
# either hemisphere (Lord Howe by half an hour) and nearly fill the local day, so that one UTC day
# holds pieces of two local working days. (Three would need a 23-hour local day wholly inside a UTC
# day: an offset between -1 and 0 hours with daylight saving, which no zone has had since 1916.)
CALENDARS = {
    "west": {"timezone": "America/Los_Angeles"},
    "india": {"timezone": "Asia/Kolkata", "hours": "10:00-18:30"},
    "lordhowe": {"timezone": "Australia/Lord_Howe", "hours": "00:15-23:50"},
    "newfoundland": {
        "timezone": "America/St_Johns",
        "hours": "00:10-23:55",
        "workdays": ["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
    },
}


def test_a_wait_across_utc_midnight_counts_the_local_working_day(tmp_path: Path) -> None:
    b = MirrorBuilder(teams={"web": ["alice"], "west": ["wes"]}, as_of=24 * 14)
    # Monday 2026-03-02 16:00 UTC (08:00 in Los Angeles, UTC-8) to Tuesday 18:00 UTC (10:00
    # local): Monday's 09-17 local is 17:00-01:00 UTC, across UTC midnight, 8 hours; Tuesday 9-10
    # is 1 more.
    b.pull("app", "alice", 7).request(7, team_slug="west").review("wes", 33)
    config = parse({"calendar": {"teams": {"west": CALENDARS["west"]}}}, Path("t.toml"))
    with build(tmp_path, b, config) as wh:
        (w,) = rows(wh, "select * from review_wait where reviewer_team = 'west'")
    assert (w["wait_hours"], w["wait_business_hours"], w["calendar"]) == (26.0, 9.0, "west")


def test_working_days_agree_with_the_intervals_all_year(tmp_path: Path) -> None:
    # a PR now and as_of a year on: the calendars span both DST changes of both hemispheres
    b = MirrorBuilder(teams={"web": ["alice"]}, as_of=24 * 400)
    b.pull("app", "alice", 0)
    config = parse({"calendar": {"teams": CALENDARS}}, Path("t.toml"))
    with build(tmp_path, b, config) as wh:
        instants, disagreements = wh.query(
            """
            with bounds as (
                -- the data's span, a week either side (the calendars run 2008 to 2039)
                select calendar, min(start_at) as first_start, max(end_at) as last_end
                from working_time
                where start_at >= timestamptz '2026-02-23 00:00:00+00'
                  and end_at <= timestamptz '2027-04-13 00:00:00+00'
                group by calendar
            ),
            instants as (
                -- every 37 minutes (never on a whole hour twice in a row) across the range
                select calendar, first_start, unnest(generate_series(
                    first_start, last_end, interval 37 minute
                )) as t
                from bounds
            ),
            both_ways as (
                select
                    i.calendar,
                    i.t,
                    (working_seconds(i.t, w) - working_seconds(i.first_start, w0)) / 3600.0
                        as by_days,
                    business_hours(i.calendar, i.first_start, i.t) as by_intervals
                from instants as i
                join working_days as w on w.calendar = i.calendar and w.day = utc_day(i.t)
                join working_days as w0
                    on w0.calendar = i.calendar and w0.day = utc_day(i.first_start)
            )
            select
                count(*) as instants,
                coalesce(list((calendar, t, by_days, by_intervals)) filter (
                    where by_days is null or abs(by_days - by_intervals) > 1e-9
                ), [])[1:5] as disagreements
            from both_ways
            """
        )[0]
        split = wh.query(
            "select list(distinct calendar order by calendar) from working_days "
            "where p2_to > p2_from"
        )[0][0]
        days = wh.query("select count(*) from working_days where calendar = 'lordhowe'")[0][0]
        # every calendar covers 2008 to 2039 whatever the data: an ad hoc query of today has an
        # answer, and warehouses with the same calendars have the same rows
        covered = wh.query(
            "select count(distinct calendar), max(first), min(last) from (select calendar, "
            "min(day) as first, max(day) as last from working_days group by calendar)"
        )[0]
    assert disagreements == []
    # five calendars (the default too), each over 400 days: 400 * 24 * 60 / 37 = 15,567 instants
    assert instants > 5 * 15_567
    # UTC days holding two local working days' pieces happened where hours cross UTC midnight
    assert split == ["lordhowe", "newfoundland", "west"]
    assert days > 400
    # days since 1970: 2008-01-01 is 13,879, 2039-12-31 is 25,566 (a calendar working past UTC
    # midnight has pieces of the next UTC day too)
    assert covered[0] == 5 and covered[1] <= 13_879 and covered[2] >= 25_566
