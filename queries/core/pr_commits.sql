-- pr_commits: one row per commit of a pull request, with its git author and GitHub login.
with parsed as (
    -- from_json parses each payload once, into the fields read here
    select
        org,
        repo,
        parent,
        from_json(payload, '{
            "sha": "VARCHAR", "author": {"login": "VARCHAR"},
            "commit": {"author": {"email": "VARCHAR", "date": "VARCHAR"},
                       "committer": {"date": "VARCHAR"}}
        }') as c
    from raw_commits
)
select
    org,
    repo,
    parent::integer as pr_number,
    c.sha as sha,
    c.author.login as author,
    c.commit.author.email as author_email,
    c.commit.author.date::timestamptz as authored_at,
    c.commit.committer.date::timestamptz as committed_at
from parsed
