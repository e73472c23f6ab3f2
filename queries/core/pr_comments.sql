-- pr_comments: one row per conversation comment on a pull request (not a review).
select
    c.org,
    c.repo,
    c.parent::integer as pr_number,
    (c.payload ->> 'id')::bigint as comment_id,
    c.payload -> 'user' ->> 'login' as author,
    coalesce(p.is_bot, false) as author_is_bot,
    (c.payload ->> 'created_at')::timestamptz as created_at
from raw_comments as c
left join people as p on p.org = c.org and p.login = c.payload -> 'user' ->> 'login'
