-- path_owners: one row per (repo, path) that a pull request changed, or a commit on the default
-- branch changed within the ownership window (commit_files), with the CODEOWNERS line
-- that decides its owners: the last matching line (GitHub's rule), its owners (an empty list
-- for an owner-less line: the path is unowned), or line NULL and no owners when nothing matched.
-- The CODEOWNERS is the repo's latest fetched one at the first of GitHub's three locations.
with paths as (
    select distinct org, repo, path from pr_files
    union
    select distinct org, repo, path from commit_files where in_ownership_window
),
deciding as (
    select p.org, p.repo, p.path, max(r.line) as line
    from paths as p
    join codeowners_rules as r
        on r.org = p.org and r.repo = p.repo and regexp_full_match(p.path, r.regex)
    group by p.org, p.repo, p.path
)
select
    p.org,
    p.repo,
    p.path,
    r.file as codeowners_file,
    d.line,
    r.pattern,
    coalesce(r.owners, []::varchar[]) as owners
from paths as p
left join deciding as d on d.org = p.org and d.repo = p.repo and d.path = p.path
left join codeowners_rules as r on r.org = d.org and r.repo = d.repo and r.line = d.line
