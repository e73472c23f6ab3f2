-- commit_files: one row per file a non-merge commit on a repo's default branch changed, with
-- the lines added and deleted (NULL for a binary file) and the commit's author and date. A
-- rename is a delete of the old path and an add of the new one, so each path keeps its history.
-- A submodule's bump is a change of its path, of one line added and one deleted (the commit it
-- points at), as GitHub lists it among a pull request's files: CODEOWNERS can own it.
-- A path's bytes that are not UTF-8 (a name from a Latin-1 machine) are each written \xNN (a
-- backslash, x, two hex digits: caf\xe9 for Latin-1 café), so two names differing only in such
-- bytes stay two paths; likewise in tip_files, raw_git_manifests and a tag's name in raw_git_tags.
-- `in_ownership_window`: committed within [git] ownership_days before the org's as_of (the last
-- sync's time), the window de facto ownership looks at; a repo of an org never synced with an
-- as_of, before its latest commit. A commit dated after as_of (a clock gone wrong) is in the
-- window, and moves it for nothing else.
with latest as (
    select c.org, c.repo, coalesce(any_value(s.as_of), max(c.committed_at)) as newest
    from commits as c
    left join snapshots as s on s.org = c.org
    group by c.org, c.repo
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
