-- de_facto_owners: one row per (repo, path, team) whose members changed the path in the
-- ownership window ([git] ownership_days up to as_of, on the repo's default branch):
-- who actually changes each path, by commits and by lines, beside who CODEOWNERS says owns it.
--
-- A commit counts for each team of its author and of each co-author its Co-authored-by trailers
-- name (commit_co_authors: GitHub credits them with the commit too), once per team however
-- many of its members made it (a person in two teams counts for both); people no identity ties
-- to a login, and people in no team, count as 'unassigned'. Bots (dependency bumps, formatters)
-- count for no team: a bot's commit counts only for its human co-authors' teams, if any. `rank` orders a path's teams by commits, then
-- lines, then name: rank 1 is the path's de facto owner. Binary files count commits, no lines.
-- `commit_share` is the share of the path's commits (in the window, bots' left out) the team's
-- members made: the teams of a person in two both have their commits, so shares may sum past 1.
with changes as (
    select org, repo, path, unnest(author_teams) as team, sha,
        coalesce(added, 0) + coalesce(deleted, 0) as lines
    from commit_files
    where in_ownership_window and not author_is_bot
    union -- distinct: a team counts a commit (and its lines) once
    select f.org, f.repo, f.path, unnest(a.co_author_teams) as team, f.sha,
        coalesce(f.added, 0) + coalesce(f.deleted, 0) as lines
    from commit_files as f
    join commit_co_authors as a on a.org = f.org and a.repo = f.repo and a.sha = f.sha
    where f.in_ownership_window and not a.co_author_is_bot
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
