-- commit_files: one row per file a non-merge commit on a repo's default branch changed, with
-- the lines added and deleted (NULL for a binary file) and the commit's author and date. A
-- rename is a delete of the old path and an add of the new one, so each path keeps its history.
-- `in_ownership_window`: committed within [git] ownership_days of the repo's latest commit, the
-- window de facto ownership looks at.
with latest as (
    select org, repo, max(committed_at) as newest from commits group by org, repo
)
select
    f.org,
    f.repo,
    f.sha,
    f.path,
    f.added,
    f.deleted,
    c.author,
    c.author_teams,
    c.author_is_bot,
    c.authored_at,
    c.committed_at,
    c.committed_at > l.newest - (select any_value(ownership_days) from settings_git) * interval 1 day
        as in_ownership_window
from raw_git_files as f
join commits as c on c.org = f.org and c.repo = f.repo and c.sha = f.sha
join latest as l on l.org = c.org and l.repo = c.repo
