-- ownership_handoffs: one row per pull request: the teams owning its changed files by
-- CODEOWNERS, which of them are not the author's (the handoffs), and how its files are owned
-- (METRICS.md#codeowners-and-ownership_handoffs).
--
-- Readings: team names compare case-insensitively, as GitHub's team slugs do. A user owner stands
-- for the user and each of their teams; an owner matched to nobody (an unknown e-mail, a team of
-- another org) counts as an owner of the file but for no team. The CODEOWNERS used is the one on
-- the PR's base branch as of ready_at (created_at for a draft) from the repo's git mirror (the
-- default branch's where that branch's history was never mined), else the latest fetched from
-- GitHub (pr_codeowners).
with prs as (
    select org, repo, number as pr_number, author, author_teams, author_is_bot, created_at,
        merged_at
    from pull_requests
),
paths as (
    -- per changed path and CODEOWNERS version, once for all the PRs that change it: whether a rule gives it owners,
    -- the teams its owners stand for, and (lower case, for comparing) those teams and its
    -- owners' logins
    select
        po.org,
        po.repo,
        po.version,
        po.path,
        array_length(po.owners) > 0 as is_owned,
        list(distinct t.team) filter (where t.team is not null) as teams,
        list(distinct lower(t.team)) filter (where t.team is not null) as teams_lower,
        list(distinct lower(t.owner_login)) filter (where t.owner_login is not null) as logins
    from path_owners as po
    left join path_owner_teams as t
        on t.org = po.org and t.repo = po.repo and t.version = po.version and t.path = po.path
    group by po.org, po.repo, po.version, po.path, po.owners
),
files as (
    select
        f.org,
        f.repo,
        f.pr_number,
        coalesce(t.is_owned, false) as is_owned,
        t.teams,
        -- the author's file: an owner is the author, or stands for one of the author's teams
        coalesce(
            list_contains(t.logins, lower(p.author))
            or list_has_any(t.teams_lower, list_transform(p.author_teams, lambda x: lower(x))),
            false
        ) as is_authors
    from pr_files as f
    join prs as p on p.org = f.org and p.repo = f.repo and p.pr_number = f.pr_number
    left join pr_codeowners as c
        on c.org = f.org and c.repo = f.repo and c.pr_number = f.pr_number
    left join paths as t
        on t.org = f.org and t.repo = f.repo and t.version = c.version and t.path = f.path
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
    array_length(handoff_teams) as handoff_count,
    coalesce(c.files_changed, 0) as files_changed,
    coalesce(c.files_unowned, 0) as files_unowned,
    coalesce(c.files_owned_by_others, 0) as files_owned_by_others,
    p.created_at,
    p.merged_at,
    p.author_is_bot
from prs as p
left join pr_files_counted as c on c.org = p.org and c.repo = p.repo and c.pr_number = p.pr_number
