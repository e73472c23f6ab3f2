-- repo_dependencies: one row per (repo, depends_on_repo, package, manifest_path): a package one of
-- the org's repos consumes (as its manifest at manifest_path says) and another of its repos
-- publishes, with the teams owning each side (METRICS.md#cross-repo-dependencies).
--
-- Readings: packages match by ecosystem and by the name the ecosystem's tools compare (PyPI's
-- normalised names, npm and RubyGems without case, Cargo's `-` for `_`, Go modules without
-- their major version suffix, as every major version is the one repo's; Maven group:artifact
-- as written); a manifest spelling one package several ways has one row, with
-- the spelling of its most binding mention. A repo naming its own package is no edge, even where
-- another repo publishes a package of that name too (a fork, or the repo it moved out of): the
-- name is its own, as its extra naming itself (`acme-x[test]`) or a workspace member's its
-- sibling's. Every scope counts (runtime, dev, build, test, a group or extra): `scope` says
-- which; a manifest naming the package in several scopes gives the most binding (runtime, peer,
-- optional, build, indirect, a group or extra, dev, test) with its requirement. GitHub's dependency-graph SBOM, where the
-- repo has one, is a manifest of its own (manifest_path 'dependency-graph/sbom', source 'sbom'). The config's [dependencies]
-- adds edges no manifest shows (source 'config', package NULL) and removes edges (every row of
-- that pair). A repo's owning teams are the teams the latest CODEOWNERS gives its dependency
-- manifests (path_owner_teams); where no line owns them, the team whose members authored most
-- of the repo's PRs (bots and people in no team aside; ties to the first name); else an empty
-- list. In a monorepo each package may be another team's: `manifest_teams` are the teams the
-- latest CODEOWNERS gives the consuming manifest (workspace members' included), and
-- `package_teams` those it gives the upstream manifests publishing the package; each falls back
-- to the repo's teams where no line owns the manifest.
with consumed as (
    select * from repo_packages where role = 'consumes'
),
published as (
    select distinct org, repo, ecosystem, package_key from repo_packages where role = 'publishes'
),
ranked as (
    -- a manifest may name a package more than once (peer and dev): the most binding counts
    select
        *,
        case scope
            when 'runtime' then 0 when 'peer' then 1 when 'optional' then 2 when 'build' then 3
            when 'indirect' then 4 when 'dev' then 6 when 'test' then 7 else 5
        end as binding
    from consumed
),
manifest_edges as (
    select
        c.org,
        c.repo,
        p.repo as depends_on_repo,
        -- a name spelled several ways in one manifest (acme_utils, Acme.Utils) is one package:
        -- the spelling of its most binding mention
        arg_min(c.package, (c.binding, c.scope, c.requirement)) as package,
        c.ecosystem,
        c.manifest_path,
        arg_min(c.requirement, (c.binding, c.scope, c.requirement)) as requirement,
        arg_min(c.scope, (c.binding, c.scope, c.requirement)) as scope,
        any_value(c.source) as source,
        null::varchar as note,
        c.package_key
    from ranked as c
    join published as p
        on p.org = c.org and p.ecosystem = c.ecosystem and p.package_key = c.package_key
        and p.repo <> c.repo
    -- a package the consuming repo publishes itself is its own, whoever else publishes the name
    where not exists (
        from published as o
        where o.org = c.org and o.repo = c.repo and o.ecosystem = c.ecosystem
          and o.package_key = c.package_key
    )
    group by c.org, c.repo, p.repo, c.package_key, c.ecosystem, c.manifest_path
),
config_edges as (
    select
        r.org,
        r.repo,
        d.repo as depends_on_repo,
        null::varchar as package,
        null::varchar as ecosystem,
        null::varchar as manifest_path,
        null::varchar as requirement,
        null::varchar as scope,
        'config' as source,
        e.note,
        null::varchar as package_key
    from settings_dependency_edges as e
    join repos as r on lower(e.repo) in (lower(r.repo), lower(r.name))
    join repos as d on d.org = r.org and lower(e.depends_on) in (lower(d.repo), lower(d.name))
    where e.action = 'add' and d.repo <> r.repo
),
edges as (
    select * from manifest_edges
    union all
    select * from config_edges
),
kept as (
    select e.*
    from edges as e
    where not exists (
        from settings_dependency_edges as x
        where x.action = 'remove'
          and lower(x.repo) in (lower(e.repo), lower(split_part(e.repo, '/', 2)))
          and lower(x.depends_on)
              in (lower(e.depends_on_repo), lower(split_part(e.depends_on_repo, '/', 2)))
    )
),
latest_owners as (
    -- each path's owning teams by the latest CODEOWNERS
    select t.org, t.repo, t.path, t.team
    from path_owner_teams as t
    join codeowners_versions as v on v.org = t.org and v.repo = t.repo and v.version = t.version
    where v.is_latest
),
codeowners as (
    -- a repo's: the teams owning its root manifests
    select t.org, t.repo, list(distinct t.team order by t.team) as teams
    from latest_owners as t
    join repo_files as f on f.org = t.org and f.repo = t.repo and f.path = t.path
    where f.kind = 'manifest'
    group by t.org, t.repo
),
authors as (
    select org, repo, team, count(*) as prs
    from (select org, repo, unnest(author_teams) as team
          from pull_requests where not author_is_bot)
    where team <> 'unassigned'
    group by org, repo, team
),
busiest as (
    select org, repo, [team] as teams
    from authors
    qualify row_number() over (partition by org, repo order by prs desc, team) = 1
),
owners as (
    select r.org, r.repo, coalesce(c.teams, b.teams) as teams
    from repos as r
    left join codeowners as c on c.org = r.org and c.repo = r.repo
    left join busiest as b on b.org = r.org and b.repo = r.repo
),
manifest_owners as (
    -- the teams owning one manifest: in a monorepo, its package's
    select org, repo, path, list(distinct team order by team) as teams
    from latest_owners
    group by org, repo, path
),
publishers as (
    -- the teams owning the manifests of the upstream repo that publish each package
    select p.org, p.repo, p.ecosystem, p.package_key,
        list(distinct t.team order by t.team) filter (where t.team is not null) as teams
    from repo_packages as p
    left join latest_owners as t
        on t.org = p.org and t.repo = p.repo and t.path = p.manifest_path
    where p.role = 'publishes'
    group by p.org, p.repo, p.ecosystem, p.package_key
)
select
    k.org,
    k.repo,
    k.depends_on_repo,
    k.package,
    k.ecosystem,
    k.manifest_path,
    k.requirement,
    k.scope,
    k.source,
    k.note,
    coalesce(o.teams, []::varchar[]) as repo_teams,
    coalesce(d.teams, []::varchar[]) as depends_on_teams,
    coalesce(mo.teams, o.teams, []::varchar[]) as manifest_teams,
    coalesce(nullif(pu.teams, []), d.teams, []::varchar[]) as package_teams
from kept as k
left join owners as o on o.org = k.org and o.repo = k.repo
left join owners as d on d.org = k.org and d.repo = k.depends_on_repo
left join manifest_owners as mo
    on mo.org = k.org and mo.repo = k.repo and mo.path = k.manifest_path
left join publishers as pu
    on pu.org = k.org and pu.repo = k.depends_on_repo and pu.ecosystem = k.ecosystem
    and pu.package_key = k.package_key
