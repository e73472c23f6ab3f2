-- teams: one row per GitHub team of the org, with its parent team (nested teams).
select
    org,
    payload ->> 'slug' as team,
    payload ->> 'name' as name,
    (payload ->> 'id')::bigint as team_id,
    payload -> 'parent' ->> 'slug' as parent_team,
    payload ->> 'privacy' as privacy
from raw_teams
