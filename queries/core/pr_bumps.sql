-- pr_bumps: one row per pull request whose title bumps a package another of the org's repos
-- publishes (dependabot's "Bump P from A to B", renovate's "Update dependency P to vB", or a
-- hand-made "Upgrade P to B"): the package, the version it moves to, the repo publishing it, and
-- the upstream PR it picks up. That is the last PR merged in the publishing repo at or before the
-- release: the time of the upstream mirror's tag for the version (named B, vB, or ending in
-- -B, -vB or @B), or, with no such tag (no git mirror, or no tags), the bump PR's creation.
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
    select distinct org, repo, package, package_key from repo_packages where role = 'publishes'
),
matched as (
    select t.org, t.repo, t.pr_number, t.created_at, p.package, t.bump.version as version,
        p.repo as upstream_repo
    from titled as t
    join published as p
        on p.org = t.org and p.repo <> t.repo
        and (lower(p.package) = lower(t.bump.package)
             or p.package_key = regexp_replace(lower(t.bump.package), '[-_.]+', '-', 'g'))
    where t.bump.package <> ''
),
released as (
    select m.*, min(g.tagged_at) as released_at
    from matched as m
    left join raw_git_tags as g
        on g.org = m.org and g.repo = m.upstream_repo
        and (g.tag in (m.version, 'v' || m.version)
             or g.tag like '%-' || m.version or g.tag like '%-v' || m.version
             or g.tag like '%@' || m.version)
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
