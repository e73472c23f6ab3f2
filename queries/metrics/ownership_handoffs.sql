-- ownership_handoffs: one row per pull request: the teams owning its changed files by
-- CODEOWNERS, which of them are not the author's (the handoffs), and how its files are owned
-- (METRICS.md#codeowners-and-ownership_handoffs).
--
-- Readings: team names compare case-insensitively, as GitHub's team slugs do. A user owner stands
-- for the user and each of their teams; an owner matched to nobody (an unknown e-mail, a team of
-- another org) counts as an owner of the file but for no team. The CODEOWNERS used is the latest
-- fetched one on the default branch until git history brings the one in force at ready_at.
with prs as (
    select org, repo, number as pr_number, author, author_teams, created_at, merged_at
    from pull_requests
),
path_teams as (
    -- per changed path, once for all the PRs that change it: the teams its owners stand for,
    -- and (lower case, for comparing) those teams and its owners' logins
    select
        org,
        repo,
        path,
        list(distinct team) as teams,
        list(distinct lower(team)) as teams_lower,
        list(distinct lower(owner_login)) filter (where owner_login is not null) as logins
    from path_owner_teams
    group by org, repo, path
),
files as (
    select
        f.org,
        f.repo,
        f.pr_number,
        len(coalesce(po.owners, []::varchar[])) > 0 as is_owned,
        t.teams,
        -- the author's file: an owner is the author, or stands for one of the author's teams
        coalesce(
            list_contains(t.logins, lower(p.author))
            or list_has_any(t.teams_lower, list_transform(p.author_teams, lambda x: lower(x))),
            false
        ) as is_authors
    from pr_files as f
    join prs as p on p.org = f.org and p.repo = f.repo and p.pr_number = f.pr_number
    left join path_owners as po on po.org = f.org and po.repo = f.repo and po.path = f.path
    left join path_teams as t on t.org = f.org and t.repo = f.repo and t.path = f.path
),
pr_files_counted as (
    select
        org,
        repo,
        pr_number,
        list_sort(list_distinct(flatten(list(teams) filter (where teams is not null))))
            as owner_teams,
        count(*) as files_changed,
        count(*) filter (where not is_owned) as files_unowned,
        count(*) filter (where is_owned and not is_authors) as files_owned_by_others
    from files
    group by org, repo, pr_number
)
select
    p.org,
    p.repo,
    p.pr_number,
    p.author,
    p.author_teams,
    coalesce(c.owner_teams, []::varchar[]) as owner_teams,
    list_filter(
        coalesce(c.owner_teams, []::varchar[]),
        lambda x: not list_contains(list_transform(p.author_teams, lambda y: lower(y)), lower(x))
    ) as handoff_teams,
    len(handoff_teams) as handoff_count,
    coalesce(c.files_changed, 0) as files_changed,
    coalesce(c.files_unowned, 0) as files_unowned,
    coalesce(c.files_owned_by_others, 0) as files_owned_by_others,
    p.created_at,
    p.merged_at
from prs as p
left join pr_files_counted as c on c.org = p.org and c.repo = p.repo and c.pr_number = p.pr_number
