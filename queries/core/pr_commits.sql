-- pr_commits: one row per commit of a pull request, with its git author and GitHub login.
select
    org,
    repo,
    parent::integer as pr_number,
    payload ->> 'sha' as sha,
    payload -> 'author' ->> 'login' as author,
    payload -> 'commit' -> 'author' ->> 'email' as author_email,
    (payload -> 'commit' -> 'author' ->> 'date')::timestamptz as authored_at,
    (payload -> 'commit' -> 'committer' ->> 'date')::timestamptz as committed_at
from raw_commits
qualify row_number() over (partition by key order by fetched_at desc) = 1
