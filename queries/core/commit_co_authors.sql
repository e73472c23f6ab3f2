-- commit_co_authors: one row per (commit, co-author) of a commit on a repo's default branch:
-- each person its Co-authored-by trailers name (GitHub credits each with the commit, as it
-- does its author), with their GitHub login and teams, found as an author's are (identities,
-- by the address after the repository's .mailmap). A co-author no identity ties to a login has
-- `co_author` NULL and counts for the team 'unassigned', like anyone in no team. A person named
-- twice (at one address, or at two tied to one login), or who is the commit's author too (at
-- the author's address, or at another tied to the author's login), is one person: named once
-- (at the first of their addresses, by text), and never beside the author.
with named as (
    select
        a.org, a.repo, a.sha, lower(a.email) as email, min(a.name) as name,
        lower(c.author_email) as author_email
    from raw_git_co_authors as a
    join raw_git_commits as c on c.org = a.org and c.repo = a.repo and c.sha = a.sha
    where lower(a.email) is distinct from lower(c.author_email)
    group by a.org, a.repo, a.sha, lower(a.email), lower(c.author_email)
)
select
    n.org,
    n.repo,
    n.sha,
    n.name,
    n.email,
    coalesce(p.login, i.login) as co_author,
    coalesce(p.teams, ['unassigned']) as co_author_teams,
    coalesce(
        p.is_bot,
        i.login like '%[bot]' or lower(i.login) in (select login from settings_bots),
        false
    ) or n.email like '%[bot]@%' as co_author_is_bot
from named as n
left join identities as i on i.org = n.org and i.email = n.email
left join people as p on p.org = n.org and lower(p.login) = lower(i.login)
left join identities as author on author.org = n.org and author.email = n.author_email
where i.login is null or author.login is null or lower(i.login) <> lower(author.login)
qualify row_number() over (
    partition by n.org, n.repo, n.sha, coalesce(lower(i.login), n.email) order by n.email
) = 1
