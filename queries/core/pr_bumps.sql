-- pr_bumps: one row per pull request whose title bumps a package another of the org's repos
-- publishes (dependabot's "Bump P from A to B", renovate's "Update dependency P to vB", or a
-- hand-made "Upgrade P to B"): the package, the version it moves to, the repo publishing it, and
-- the upstream PR it picks up. That is the last PR merged in the publishing repo at or before the
-- release: the time of the upstream mirror's tag for the version (named B or vB, or the
-- package's name, whole or its last part, then @B, -B or -vB), or, with no such tag (no git
-- mirror, or no tags), the bump PR's creation. Only a bump of a package its own repo consumes,
-- in the ecosystem the other repo publishes it in, counts.
with titled as (
    select
        org,
        repo,
        number as pr_number,
        created_at,
        regexp_extract(
            title,
            '(?i)\b(?:bump|update|upgrade)s?\s+(?:dependency\s+)?(\S+)\s+'
            || '(?:requirement\s+)?(?:from\s+\S+\s+)?to\s+v?([0-9][0-9A-Za-z.+-]*)',
            ['package', 'version']
        ) as bump
    from pull_requests
    where regexp_matches(title, '(?i)\b(bump|update|upgrade)')
),
published as (
    select distinct org, repo, ecosystem, package, package_key
    from repo_packages
    where role = 'publishes'
),
matched as (
    -- the package another repo publishes, of an ecosystem the bump's own repo consumes it in
    select distinct t.org, t.repo, t.pr_number, t.created_at, p.package, t.bump.version as version,
        p.repo as upstream_repo
    from titled as t
    join published as p
        on p.org = t.org and p.repo <> t.repo
        and (lower(p.package) = lower(t.bump.package)
             or p.package_key = regexp_replace(lower(t.bump.package), '[-_.]+', '-', 'g'))
    join repo_packages as c
        on c.org = t.org and c.repo = t.repo and c.role = 'consumes'
        and c.ecosystem = p.ecosystem and c.package_key = p.package_key
    where t.bump.package <> ''
),
released as (
    -- the release tag of that version: V or vV, or the package's name (whole, or its last
    -- part: ui for @acme/ui, client for com.acme:client) then @V, -V or -vV
    select m.*, min(g.tagged_at) as released_at
    from matched as m
    left join raw_git_tags as g
        on g.org = m.org and g.repo = m.upstream_repo
        and g.tag in (
            m.version, 'v' || m.version,
            m.package || '@' || m.version, m.package || '-' || m.version,
            m.package || '-v' || m.version,
            regexp_extract(m.package, '([^/:]+)$', 1) || '@' || m.version,
            regexp_extract(m.package, '([^/:]+)$', 1) || '-' || m.version,
            regexp_extract(m.package, '([^/:]+)$', 1) || '-v' || m.version
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
