-- commits: one row per commit reachable from a repo's default branch in its git mirror, with
-- the GitHub login and teams of its author. The login comes from identities (config, noreply
-- address, PR commits); an author no identity ties to a login has `author` NULL and counts for
-- the team 'unassigned', like anyone in no team. A merge commit lists no files (git log shows
-- none): its changes are its parents'. A date git cannot print (before 1970, or a time zone
-- out of range, as repos imported from older systems have) is NULL; a commit whose
-- committed_at is NULL is in no ownership window. An author git cannot read (a NUL written
-- into the commit's author line by hand: git log shows no Author for it) has author_name,
-- author_email and authored_at NULL, and counts as 'unassigned', like anyone no identity ties
-- to a login; likewise a committer git cannot read.
with files as (
    select org, repo, sha, count(*) as files_changed, sum(added)::bigint as lines_added,
        sum(deleted)::bigint as lines_deleted
    from raw_git_files
    group by org, repo, sha
)
select
    c.org,
    c.repo,
    c.sha,
    c.parents,
    len(c.parents) > 1 as is_merge,
    c.author_name,
    c.author_email,
    coalesce(p.login, i.login) as author,
    coalesce(p.teams, ['unassigned']) as author_teams,
    coalesce(
        p.is_bot,
        i.login like '%[bot]' or lower(i.login) in (select login from settings_bots),
        false
    ) or coalesce(lower(c.author_email) like '%[bot]@%', false) as author_is_bot,
    c.authored_at,
    c.committer_email,
    c.committed_at,
    coalesce(f.files_changed, 0) as files_changed,
    coalesce(f.lines_added, 0) as lines_added,
    coalesce(f.lines_deleted, 0) as lines_deleted
from raw_git_commits as c
left join identities as i on i.org = c.org and i.email = lower(c.author_email)
left join people as p on p.org = c.org and lower(p.login) = lower(i.login)
left join files as f on f.org = c.org and f.repo = c.repo and f.sha = c.sha
