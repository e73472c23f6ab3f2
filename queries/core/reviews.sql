-- reviews: one row per submitted pull request review (pending reviews have no submitted_at and
-- are left out: they do not exist for anyone but their author yet).
select
    r.org,
    r.repo,
    r.parent::integer as pr_number,
    (r.payload ->> 'id')::bigint as review_id,
    r.payload -> 'user' ->> 'login' as reviewer,
    coalesce(p.is_bot, false) as reviewer_is_bot,
    r.payload ->> 'state' as state,
    (r.payload ->> 'submitted_at')::timestamptz as submitted_at,
    r.payload ->> 'commit_id' as commit_sha,
    r.payload ->> 'author_association' as author_association
from raw_reviews as r
left join people as p on p.org = r.org and p.login = r.payload -> 'user' ->> 'login'
where r.payload ->> 'submitted_at' is not null and r.payload ->> 'state' <> 'PENDING'
qualify row_number() over (partition by r.key order by r.fetched_at desc) = 1
