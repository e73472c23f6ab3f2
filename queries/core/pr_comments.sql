-- pr_comments: one row per conversation comment on a pull request (not a review).
-- A renamed account is named by the login it has now (accounts), as GitHub shows it.
-- A comment by a deleted account is by `ghost`, the account GitHub shows in its place (REST
-- names it; a payload with no user, as GraphQL's null author, is read the same way).
with comments as (
    select
        org,
        repo,
        parent,
        from_json(payload, '{
            "id": "BIGINT", "user": {"login": "VARCHAR", "id": "BIGINT"}, "created_at": "VARCHAR"
        }') as c
    from raw_comments
)
select
    c.org,
    c.repo,
    c.parent::integer as pr_number,
    c.c.id as comment_id,
    coalesce(u.login, c.c.user.login, 'ghost') as author,
    coalesce(p.is_bot, false) as author_is_bot,
    c.c.created_at::timestamptz as created_at
from comments as c
-- a renamed author by the login they have now (accounts)
left join accounts as u
    on u.org = c.org and u.user_id = c.c.user.id and len(u.former_logins) > 0
left join people as p on p.org = c.org and p.login = coalesce(u.login, c.c.user.login)
