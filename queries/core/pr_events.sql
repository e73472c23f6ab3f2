-- pr_events: one row per issue-timeline event of a pull request, in GitHub's order (seq).
-- `occurred_at` is when it happened: created_at, or submitted_at for `reviewed`, or the author date for
-- `committed` (those two kinds carry no created_at).
select
    org,
    repo,
    parent::integer as pr_number,
    split_part(key, '/', -1)::integer as seq,
    payload ->> 'event' as event,
    coalesce(
        (payload ->> 'created_at')::timestamptz,
        (payload ->> 'submitted_at')::timestamptz,
        (payload -> 'author' ->> 'date')::timestamptz
    ) as occurred_at,
    coalesce(payload -> 'actor' ->> 'login', payload -> 'user' ->> 'login') as actor,
    payload -> 'requested_reviewer' ->> 'login' as requested_reviewer,
    payload -> 'requested_team' ->> 'slug' as requested_team,
    payload ->> 'state' as review_state,
    coalesce(payload ->> 'commit_id', payload ->> 'sha') as commit_sha,
    (payload ->> 'id')::bigint as event_id
from raw_timeline
qualify row_number() over (partition by key order by fetched_at desc) = 1
