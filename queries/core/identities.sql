-- identities: one row per (org, e-mail address) seen in git commits (authors, committers and
-- co-authors) or PR commits, or named as
-- an owner in a CODEOWNERS file (an address nobody committed with may own files), that can be
-- tied to a GitHub login, with `source` saying how, the first of: 'config' ([git.identities]),
-- 'noreply' (a GitHub noreply address, ID+login@users.noreply.HOST or login@users.noreply.HOST,
-- names its login; with an ID, the login that account has now, as accounts knows it),
-- 'pr_commits' (GitHub matched PR commits with that author e-mail to the login: the login it
-- matched most often, then the first by name). E-mails compare lower-case; git already applied
-- each repository's .mailmap to the addresses it wrote.
with emails as (
    select distinct org, lower(author_email) as email from raw_git_commits
    where author_email is not null
    union
    select distinct org, lower(committer_email) from raw_git_commits
    where committer_email is not null
    union
    select distinct org, lower(email) from raw_git_co_authors
    union
    select distinct org, lower(author_email) from pr_commits where author_email is not null
    union
    -- an owner that is no @user or @org/team is an e-mail address (GitHub's syntax)
    select distinct org, lower(owner)
    from (select org, unnest(owners) as owner from codeowners_rules)
    where owner not like '@%' and owner like '%@%'
),
configured as (
    select e.org, e.email, s.login, 'config' as source, 1 as rank
    from settings_identities as s
    join emails as e on e.email = s.email
),
noreply as (
    -- ID+login: the account of that id by the login it has now (accounts), as the address
    -- keeps the login of when it was made
    select n.org, n.email, coalesce(a.login, n.login) as login, 'noreply' as source, 2 as rank
    from (
        select org, email,
            regexp_extract(email, '^(?:[0-9]+\+)?([^@]+)@users\.noreply\.', 1) as login,
            try_cast(regexp_extract(email, '^([0-9]+)\+', 1) as bigint) as user_id
        from emails
        where regexp_matches(email, '^(?:[0-9]+\+)?[^@]+@users\.noreply\.')
    ) as n
    left join accounts as a on a.org = n.org and a.user_id = n.user_id
),
matched as (
    select org, email, arg_min(author, (-matches, author)) as login
    from (
        select org, lower(author_email) as email, author, count(*) as matches
        from pr_commits
        where author is not null and author_email is not null
        group by all
    )
    group by org, email
),
candidates as (
    select * from configured
    union all
    select * from noreply
    union all
    select org, email, login, 'pr_commits', 3 from matched
)
select org, email, arg_min(login, rank) as login, arg_min(source, rank) as source
from candidates
where login is not null and login <> ''
group by org, email
