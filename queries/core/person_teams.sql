-- person_teams: one row per (org, login, team) a person counts for (unnested people.teams).
select org, login, unnest(teams) as team
from people
