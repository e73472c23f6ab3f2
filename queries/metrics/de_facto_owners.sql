-- de_facto_owners: one row per (repo, path, team) whose members changed the path in the
-- ownership window ([git] ownership_days up to as_of, on the repo's default branch):
-- who actually changes each path, by commits and by lines, beside who CODEOWNERS says owns it.
--
-- A commit counts for each team of its author (a person in two teams counts for both); authors
-- no identity ties to a login, and people in no team, count as 'unassigned'. Bots' commits
-- (dependency bumps, formatters) do not count. `rank` orders a path's teams by commits, then
-- lines, then name: rank 1 is the path's de facto owner. Binary files count commits, no lines.
-- `commit_share` is the share of the path's commits (in the window, bots' left out) the team's
-- members made: the teams of a person in two both have their commits, so shares may sum past 1.
with changes as (
    select org, repo, path, unnest(author_teams) as team, sha,
        coalesce(added, 0) + coalesce(deleted, 0) as lines
    from commit_files
    where in_ownership_window and not author_is_bot
),
by_team as (
    select org, repo, path, team, count(distinct sha) as commits, sum(lines)::bigint as lines
    from changes
    group by org, repo, path, team
),
path_commits as (
    select org, repo, path, count(distinct sha) as path_commits
    from changes
    group by org, repo, path
)
select
    org,
    repo,
    path,
    team,
    commits,
    lines,
    commits / path_commits as commit_share,
    row_number() over (
        partition by org, repo, path order by commits desc, lines desc, team
    ) as rank
from by_team
join path_commits using (org, repo, path)
