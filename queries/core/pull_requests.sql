-- pull_requests: one row per pull request, with ready_at: when it first asked for review.
-- ready_at (METRICS.md, The life of a PR): created_at unless the PR was opened as a draft, else
-- its first ready_for_review. GitHub does not record that a PR was opened as a draft: it was when
-- its first draft-related timeline event is ready_for_review, or when it is a draft now with no
-- such event (then it has no ready_at yet).
with pulls as (
    select org, repo, payload
    from raw_pulls
    qualify row_number() over (partition by key order by fetched_at desc) = 1
),
draft_events as (
    select
        org,
        repo,
        parent::integer as pr_number,
        payload ->> 'event' as event,
        (payload ->> 'created_at')::timestamptz as occurred_at,
        key
    from raw_timeline
    where payload ->> 'event' in ('ready_for_review', 'convert_to_draft')
),
draft_history as (
    select
        org,
        repo,
        pr_number,
        arg_min(event, key) as first_event,
        min(occurred_at) filter (where event = 'ready_for_review') as first_ready_at
    from draft_events
    group by org, repo, pr_number
)
select
    p.org,
    p.repo,
    (p.payload ->> 'number')::integer as number,
    (p.payload ->> 'id')::bigint as pr_id,
    p.payload ->> 'title' as title,
    p.payload -> 'user' ->> 'login' as author,
    coalesce(a.is_bot, false) as author_is_bot,
    coalesce(a.teams, ['unassigned']) as author_teams,
    p.payload ->> 'state' as state,
    coalesce((p.payload ->> 'draft')::boolean, false) as is_draft,
    (p.payload ->> 'created_at')::timestamptz as created_at,
    (p.payload ->> 'updated_at')::timestamptz as updated_at,
    (p.payload ->> 'closed_at')::timestamptz as closed_at,
    (p.payload ->> 'merged_at')::timestamptz as merged_at,
    p.payload ->> 'merge_commit_sha' as merge_commit_sha,
    p.payload -> 'base' ->> 'ref' as base_ref,
    p.payload -> 'head' ->> 'ref' as head_ref,
    p.payload -> 'head' ->> 'sha' as head_sha,
    p.payload ->> 'html_url' as html_url,
    case
        when d.first_event = 'ready_for_review' then d.first_ready_at
        when d.first_event = 'convert_to_draft' then (p.payload ->> 'created_at')::timestamptz
        when coalesce((p.payload ->> 'draft')::boolean, false) then null
        else (p.payload ->> 'created_at')::timestamptz
    end as ready_at
from pulls as p
left join draft_history as d
    on d.org = p.org and d.repo = p.repo and d.pr_number = (p.payload ->> 'number')::integer
left join people as a on a.org = p.org and a.login = p.payload -> 'user' ->> 'login'
