-- pr_comments: one row per conversation comment on a pull request (not a review).
-- A comment by a deleted account is by `ghost`, the account GitHub shows in its place (REST
-- names it; a payload with no user, as GraphQL's null author, is read the same way).
select
    c.org,
    c.repo,
    c.parent::integer as pr_number,
    (c.payload ->> 'id')::bigint as comment_id,
    coalesce(c.payload -> 'user' ->> 'login', 'ghost') as author,
    coalesce(p.is_bot, false) as author_is_bot,
    (c.payload ->> 'created_at')::timestamptz as created_at
from raw_comments as c
left join people as p on p.org = c.org and p.login = c.payload -> 'user' ->> 'login'
