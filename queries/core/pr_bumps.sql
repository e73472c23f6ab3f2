-- pr_bumps: one row per pull request whose title bumps a package another of the org's repos
-- publishes (dependabot's "Bump P from A to B" and "Update P requirement from >=A to >=B",
-- renovate's "Update dependency P to vB", "Update module P to vB" and "Update Rust crate P to
-- B", or a hand-made "Upgrade P to B"), not a package its own repo publishes (whoever else
-- publishes that name too: a fork, the repo it moved out of): the package (a Go module of any
-- major version: every major version of a module is its one repo's), the version it moves to (NULL when the
-- title's target is a range, such as dependabot's widened ">=1.0,<3.0": it names no release),
-- the repo publishing it, and the upstream PR it picks up. That is the last PR merged in the publishing repo at or before the
-- release: the time of the upstream mirror's tag for the version (named B or vB, or the
-- package's name, whole or its last part, then @B, -B or -vB; a Go module in a subfolder of its
-- repo, `sub/dir/go.mod`, by that folder's tag alone, `sub/dir/vB`, as Go tags it), or, with no
-- such tag (no git mirror, or no tags), the bump PR's creation. The package is the one its own repo consumes,
-- in the ecosystem the other repo publishes it in; a repo that consumes it no more (its
-- manifests are read as they are now) keeps its past bumps when one ecosystem alone publishes
-- a package of that name.
with titled as (
    select
        org,
        repo,
        number as pr_number,
        created_at,
        regexp_extract(
            title,
            '(?i)\b(?:bump|update|upgrade)s?\s+'
            || '(?:(?:dependency|module|package|gem|(?:rust\s+)?crate)\s+)?(\S+)\s+'
            || '(?:requirement\s+)?(?:from\s+\S+\s+)?to\s+([~^=<>!]*v?[0-9]\S*)',
            ['package', 'target']
        ) as bump
    from pull_requests
    where regexp_matches(title, '(?i)\b(bump|update|upgrade)')
),
versioned as (
    -- the version a bump moves to: its target when that names one version, or a lower bound
    -- (">=2.1", "^2.1", "~=2.1"); a range (">=1.0,<3.0") or an upper bound ("<3.0") names none
    select *,
        nullif(regexp_extract(bump.target,
                              '^(?:[~^]|~=|==?|>=?)?v?([0-9][0-9A-Za-z.+-]*?)[.,;:)]*$', 1),
               '') as version
    from titled
),
published as (
    -- a Go module in a subfolder is tagged with that folder before the version, less a major
    -- version subfolder (`sub/dir/v1.2.0` for sub/dir/go.mod, `api/v2.0.1` for api/v2/go.mod
    -- of the module .../api/v2: go.dev/ref/mod#vcs-version)
    select distinct org, repo, ecosystem, package, package_key,
        if(folder = '', '', folder || '/') as tag_prefix
    from (
        select *,
            if(regexp_matches(package, '/v[0-9]+$'),
               regexp_replace(go_folder, '(?:^|/)v[0-9]+$', ''), go_folder) as folder
        from (
            select *,
                coalesce(if(ecosystem = 'go',
                            regexp_extract(manifest_path, '^(.+)/go\.mod$', 1), ''), '')
                    as go_folder
            from repo_packages
            where role = 'publishes'
        )
    )
),
candidates as (
    -- the packages of that name other repos publish, and whether the bump's own repo consumes
    -- each in its ecosystem now
    select distinct t.org, t.repo, t.pr_number, t.created_at, p.package, t.version,
        p.repo as upstream_repo, p.ecosystem, p.tag_prefix,
        exists (
            select 1 from repo_packages as c
            where c.org = t.org and c.repo = t.repo and c.role = 'consumes'
              and c.ecosystem = p.ecosystem and c.package_key = p.package_key
        ) as consumed
    from versioned as t
    join published as p
        on p.org = t.org and p.repo <> t.repo
        and (lower(p.package) = lower(t.bump.package)
             or p.package_key = regexp_replace(lower(t.bump.package), '[-_.]+', '-', 'g')
             -- a Go module of another major version than the one its repo's go.mod says now
             -- (its key has no major version suffix: miner.manifests.normalize)
             or p.ecosystem = 'go' and p.package_key = regexp_replace(t.bump.package,
                 '/v[2-9]$|/v[1-9][0-9]+$|^(gopkg\.in/.+)\.v(?:0|[1-9][0-9]*)(?:-unstable)?$',
                 '\1'))
    where t.bump.package <> ''
      -- a package of the bump's own repo is its own, whoever else publishes the name
      and not exists (
        select 1 from published as o
        where o.org = t.org and o.repo = t.repo and o.ecosystem = p.ecosystem
          and o.package_key = p.package_key
      )
),
matched as (
    -- the consumed ones; with none consumed now, the package when one ecosystem alone has it
    select org, repo, pr_number, created_at, package, version, upstream_repo, tag_prefix
    from (
        select *,
            bool_or(consumed) over (partition by org, repo, pr_number) as any_consumed,
            count(distinct ecosystem) over (partition by org, repo, pr_number) as ecosystems
        from candidates
    ) as c
    where consumed or (not any_consumed and ecosystems = 1)
),
released as (
    -- the release tag of that version: V or vV, or the package's name (whole, or its last
    -- part: ui for @acme/ui, client for com.acme:client) then @V, -V or -vV; a Go module in a
    -- subfolder's, that folder then /vV alone
    select m.* exclude (tag_prefix), min(g.tagged_at) as released_at
    from matched as m
    left join raw_git_tags as g
        on g.org = m.org and g.repo = m.upstream_repo and if(
            m.tag_prefix <> '',
            g.tag = m.tag_prefix || 'v' || m.version,
            g.tag in (
                m.version, 'v' || m.version,
                m.package || '@' || m.version, m.package || '-' || m.version,
                m.package || '-v' || m.version,
                regexp_extract(m.package, '([^/:]+)$', 1) || '@' || m.version,
                regexp_extract(m.package, '([^/:]+)$', 1) || '-' || m.version,
                regexp_extract(m.package, '([^/:]+)$', 1) || '-v' || m.version
            )
        )
    group by all
),
upstream_merges as (
    select org, repo, number, merged_at from pull_requests where merged_at is not null
)
select
    r.org,
    r.repo,
    r.pr_number,
    r.package,
    r.version,
    r.upstream_repo,
    u.number as upstream_pr,
    r.released_at,
    if(r.released_at is null, 'bump opened', 'release tag') as tied_by
from released as r
asof left join upstream_merges as u
    on u.org = r.org and u.repo = r.upstream_repo
    and u.merged_at <= coalesce(r.released_at, r.created_at)
