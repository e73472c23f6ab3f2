-- reviews: one row per submitted pull request review (pending reviews have no submitted_at and
-- are left out: they do not exist for anyone but their author yet).
-- A renamed account is named by the login it has now (accounts), as GitHub shows it.
-- A review by a deleted account is by `ghost`, the account GitHub shows in its place (REST
-- names it; a payload with no user, as GraphQL's null author, is read the same way).
-- Deleted accounts are all one `ghost`: a deleted reviewer of a deleted author's PR
-- counts as its author, as GitHub cannot tell them apart either.
with parsed as (
    -- from_json parses each payload once, into the fields read here (wrapped in a one-element
    -- list and unnested so the filter below cannot copy the parse into itself and run it twice)
    select
        org,
        repo,
        parent,
        unnest([from_json(payload, '{
            "id": "BIGINT", "user": {"login": "VARCHAR", "id": "BIGINT"}, "state": "VARCHAR",
            "submitted_at": "VARCHAR", "commit_id": "VARCHAR", "author_association": "VARCHAR"
        }')]) as r
    from raw_reviews
)
select
    v.org,
    v.repo,
    v.parent::integer as pr_number,
    v.r.id as review_id,
    coalesce(u.login, v.r.user.login, 'ghost') as reviewer,
    coalesce(p.is_bot, false) as reviewer_is_bot,
    v.r.state as state,
    v.r.submitted_at::timestamptz as submitted_at,
    v.r.commit_id as commit_sha,
    v.r.author_association as author_association
from parsed as v
-- a renamed reviewer by the login they have now (accounts)
left join accounts as u
    on u.org = v.org and u.user_id = v.r.user.id and len(u.former_logins) > 0
left join people as p on p.org = v.org and p.login = coalesce(u.login, v.r.user.login)
where v.r.submitted_at is not null and v.r.state <> 'PENDING'
