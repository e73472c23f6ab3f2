-- people: one row per (org, login) seen anywhere in the org's data, with is_bot and teams.
-- Teams: the config's [teams] mapping wins for anyone it names; otherwise the org's GitHub teams
-- the person is a member of, each with all its ancestor teams (a child team's members count for
-- the parent); anyone in no team has the single team 'unassigned' (METRICS.md, People). Logins
-- and team names compare without letter case, as on GitHub (membership is keyed lower-case).
with recursive configured as (
    -- people the config names, who may never appear in GitHub data (a CODEOWNERS owner, say)
    select o.org, s.login, null as type, null::bigint as user_id
    from settings_teams as s
    cross join (select distinct org from accounts) as o
),
logins as (
    -- one row per login whatever its letter case (GitHub logins compare without case),
    -- spelled as GitHub spells it where GitHub data has it (an account's login now first)
    select
        org,
        coalesce(
            max(login) filter (where user_id is not null),
            max(login) filter (where type is not null),
            max(login)
        ) as login,
        max(type) as type
    -- each account once, by the login it has now (accounts: a renamed user is one person)
    from (
        select org, login, type, user_id from accounts
        union all
        select * from configured
    )
    where login is not null
    group by org, lower(login)
),
team_tree as (
    select org, team, team as ancestor from teams
    union all
    select t.org, t.team, p.parent_team
    from team_tree as t
    join teams as p on p.org = t.org and p.team = t.ancestor
    where p.parent_team is not null
),
github_teams as (
    select distinct m.org, lower(m.payload ->> 'login') as login, tt.ancestor as team
    from raw_team_members as m
    join team_tree as tt on tt.org = m.org and tt.team = m.parent
),
explicit_teams as (
    select distinct o.org, s.login, s.team
    from settings_teams as s cross join (select distinct org from logins) as o
),
membership as (
    select org, login, team from explicit_teams
    union all
    select g.org, g.login, g.team
    from github_teams as g
    where not exists (select 1 from explicit_teams as e where e.org = g.org and e.login = g.login)
)
select
    l.org,
    l.login,
    l.type,
    (
        l.type = 'Bot'
        or l.login like '%[bot]'
        or lower(l.login) in (select login from settings_bots)
    ) as is_bot,
    coalesce(t.teams, ['unassigned']) as teams
from logins as l
left join (
    select org, login, list(distinct team order by team) as teams
    from membership
    group by org, login
) as t on t.org = l.org and t.login = lower(l.login)
