-- path_owner_teams: one row per (repo, CODEOWNERS version, path, owner, team) of path_owners:
-- each owner of a path as the teams it stands for. `@org/team` is that team (team slugs compare case-insensitively, as on
-- GitHub); `@user` and an e-mail address stand for the user (`owner_login`) and each of the
-- user's teams (a user in no team: 'unassigned'). An e-mail maps to a login as identities ties
-- it (config, noreply address, the PR commits GitHub matched to it); an owner nobody can be
-- matched to stands for no team.
with owners as (
    select org, repo, version, path, unnest(owners) as owner from path_owners
),
emails as (
    select org, email, login from identities
),
resolved as (
    select
        o.org,
        o.repo,
        o.version,
        o.path,
        o.owner,
        case
            when o.owner like '@%/%'
                and lower(split_part(substr(o.owner, 2), '/', 1)) = lower(o.org)
                then lower(split_part(o.owner, '/', 2))
        end as owner_team,
        case
            when o.owner like '@%/%' then null
            when o.owner like '@%' then substr(o.owner, 2)
            else min(e.login)
        end as owner_login
    from owners as o
    left join emails as e on e.org = o.org and e.email = lower(o.owner)
    group by o.org, o.repo, o.version, o.path, o.owner
)
select r.org, r.repo, r.version, r.path, r.owner, null::varchar as owner_login,
    r.owner_team as team
from resolved as r
where r.owner_team is not null
union all
select r.org, r.repo, r.version, r.path, r.owner, r.owner_login,
    coalesce(p.team, 'unassigned') as team
from resolved as r
left join person_teams as p on p.org = r.org and lower(p.login) = lower(r.owner_login)
where r.owner_login is not null
