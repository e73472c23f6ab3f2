-- ownership_drift: one row per (repo, path) owned by CODEOWNERS whose owning teams do not
-- include the team that changes it most (de_facto_owners rank 1 among known teams) in the
-- ownership window: the paths where the review routing and the people doing the work disagree.
--
-- Readings: who changes a path is its commits' authors and co-authors (Co-authored-by
-- trailers, as GitHub credits them), as de_facto_owners counts them, and `commits` counts every
-- commit of a person's among them. The CODEOWNERS is the repo's latest version (path_owners);
-- a path no line owns is not drift (it has no owner to disagree with); nor is one an owning
-- team changes as much as the top team (as many commits and lines: a tie, which de_facto_owners breaks by name);
-- 'unassigned' (authors in no team, or not tied to a login) is never the de facto owner, as no
-- one could be routed to it. Team names compare case-insensitively, as GitHub's slugs do. A
-- path no longer on the default branch (deleted, or moved away: a rename is a delete and an
-- add) is no drift, as no review is routed by it any more (tip_files; a repo whose files at
-- its tip were never listed keeps every path, and one whose tip has no files has no CODEOWNERS
-- either, so none of its paths is drift). A submodule is a path like a file: CODEOWNERS can own
-- it, and a commit that bumps it changes it (GitHub lists the bump among a PR's files).
with latest as (
    select t.*
    from path_owner_teams as t
    join codeowners_versions as v
        on v.org = t.org and v.repo = t.repo and v.version = t.version and v.is_latest
),
owners as (
    select org, repo, path, list(distinct team order by team) as codeowner_teams
    from latest
    group by org, repo, path
),
top as (
    -- the best-ranked known team (de_facto_owners ranks by commits, lines, then name)
    select org, repo, path,
        arg_min(team, rank) as top_team,
        arg_min(commits, rank) as top_team_commits,
        arg_min(lines, rank) as top_team_lines
    from de_facto_owners
    where team <> 'unassigned'
    group by org, repo, path
),
totals as (
    -- the commits de_facto_owners counts: a person's, author or co-author, not only bots'
    select f.org, f.repo, f.path, count(distinct f.sha) as commits
    from commit_files as f
    where f.in_ownership_window and (
        not f.author_is_bot
        or exists (
            select 1 from commit_co_authors as a
            where a.org = f.org and a.repo = f.repo and a.sha = f.sha and not a.co_author_is_bot
        )
    )
    group by f.org, f.repo, f.path
),
owner_commits as (
    -- the best-ranked owning team's commits and lines
    select d.org, d.repo, d.path,
        arg_min(d.commits, d.rank) as codeowner_commits,
        arg_min(d.lines, d.rank) as codeowner_lines
    from de_facto_owners as d
    join latest as o
        on o.org = d.org and o.repo = d.repo and o.path = d.path and lower(o.team) = lower(d.team)
    group by d.org, d.repo, d.path
)
select
    o.org,
    o.repo,
    o.path,
    o.codeowner_teams,
    t.top_team,
    t.top_team_commits,
    t.top_team_lines,
    coalesce(c.codeowner_commits, 0) as codeowner_commits,
    n.commits
from owners as o
join top as t on t.org = o.org and t.repo = o.repo and t.path = o.path
join totals as n on n.org = o.org and n.repo = o.repo and n.path = o.path
left join owner_commits as c on c.org = o.org and c.repo = o.repo and c.path = o.path
left join tip_files as f on f.org = o.org and f.repo = o.repo and f.path = o.path
where (f.path is not null
        or not exists (select 1 from tip_files as k where k.org = o.org and k.repo = o.repo))
  and not list_contains(list_transform(o.codeowner_teams, lambda x: lower(x)), lower(t.top_team))
  and not (coalesce(c.codeowner_commits, -1) = t.top_team_commits
      and coalesce(c.codeowner_lines, -1) = t.top_team_lines)
