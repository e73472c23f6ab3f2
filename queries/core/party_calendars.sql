-- party_calendars: one row per team and per person of an org (`kind` team or person, `name`
-- the slug or login) with the working calendar that applies when they are the party waited on.
-- A team uses its own calendar from the config ([calendar.teams.NAME]), else 'default'. A person
-- uses the calendar of the first of their teams, alphabetically, that has one, else 'default'.
with all_teams as (
    select org, team from teams
    union
    select org, team from person_teams
)
select t.org, 'team' as kind, t.team as name, coalesce(s.calendar, 'default') as calendar
from all_teams as t
left join settings_calendars as s on s.calendar = t.team
union all
select
    pt.org,
    'person' as kind,
    pt.login as name,
    coalesce(min(s.calendar), 'default') as calendar
from person_teams as pt
left join settings_calendars as s on s.calendar = pt.team
group by pt.org, pt.login
