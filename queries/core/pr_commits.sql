-- pr_commits: one row per commit of a pull request, with its git author and GitHub login.
-- A renamed account is named by the login it has now (accounts), as GitHub shows it.
with parsed as (
    -- from_json parses each payload once, into the fields read here
    select
        org,
        repo,
        parent,
        from_json(payload, '{
            "sha": "VARCHAR", "author": {"login": "VARCHAR", "id": "BIGINT"},
            "commit": {"author": {"email": "VARCHAR", "date": "VARCHAR"},
                       "committer": {"date": "VARCHAR"}}
        }') as c
    from raw_commits
)
select
    parsed.org,
    repo,
    parent::integer as pr_number,
    c.sha as sha,
    -- a renamed author by the login they have now (accounts)
    coalesce(u.login, c.author.login) as author,
    c.commit.author.email as author_email,
    c.commit.author.date::timestamptz as authored_at,
    c.commit.committer.date::timestamptz as committed_at
from parsed
left join accounts as u
    on u.org = parsed.org and u.user_id = c.author.id and len(u.former_logins) > 0
