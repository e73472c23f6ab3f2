-- path_owners: one row per (repo, CODEOWNERS version, path) that matters: each path a pull
-- request changed, under the version it is judged by (pr_codeowners), and each path a commit on
-- the default branch changed within the ownership window (commit_files), under the latest
-- version, and each dependency manifest on the default branch (workspace members' too), under
-- the latest version. With
-- it the CODEOWNERS line that decides the path's owners: the last matching line
-- (GitHub's rule), its owners (an empty list for an owner-less line: the path is unowned), or
-- line NULL and no owners when nothing matched (or no CODEOWNERS was in force).
with paths as (
    select distinct f.org, f.repo, c.version, f.path
    from pr_files as f
    join pr_codeowners as c on c.org = f.org and c.repo = f.repo and c.pr_number = f.pr_number
    union
    select distinct f.org, f.repo, v.version, f.path
    from commit_files as f
    join codeowners_versions as v on v.org = f.org and v.repo = f.repo and v.is_latest
    where f.in_ownership_window
    union
    -- each dependency manifest, under the latest version: who owns the repo's dependencies
    select distinct f.org, f.repo, v.version, f.path
    from repo_files as f
    join codeowners_versions as v on v.org = f.org and v.repo = f.repo and v.is_latest
    where f.kind = 'manifest'
    union
    -- and each workspace member's manifest (read from the git mirror): a monorepo's packages
    select distinct f.org, f.repo, v.version, f.path
    from raw_git_manifests as f
    join codeowners_versions as v on v.org = f.org and v.repo = f.repo and v.is_latest
),
deciding as (
    select p.org, p.repo, p.version, p.path, max(r.line) as line
    from paths as p
    join codeowners_rules as r
        on r.org = p.org and r.repo = p.repo and r.version = p.version
        and regexp_full_match(p.path, r.regex)
    group by p.org, p.repo, p.version, p.path
)
select
    p.org,
    p.repo,
    p.version,
    p.path,
    r.file as codeowners_file,
    d.line,
    r.pattern,
    coalesce(r.owners, []::varchar[]) as owners
from paths as p
left join deciding as d
    on d.org = p.org and d.repo = p.repo and d.version = p.version and d.path = p.path
left join codeowners_rules as r
    on r.org = d.org and r.repo = d.repo and r.version = d.version and r.line = d.line
