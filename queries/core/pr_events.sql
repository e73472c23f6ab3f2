-- pr_events: one row per issue-timeline event of a pull request, in GitHub's order (seq).
-- `occurred_at` is when it happened: created_at, or submitted_at for `reviewed`, or the author
-- date for `committed` (those two kinds carry no created_at). A requested team is named as the
-- org's team of that id is now: a team renamed since the event was fetched keeps its requests
-- (GitHub shows the new slug in old events; the stored payload has the old one).
-- A renamed account is named by the login it has now (accounts), as GitHub shows it.
-- A `review_dismissed` event names the review it dismissed (`dismissed_review_id`) and the state
-- that review had until then (`dismissed_state`, upper case as reviews.state: the review itself
-- now says DISMISSED).
with events as (
    -- from_json parses each payload once, into the fields read here
    select
        org,
        repo,
        parent,
        key,
        from_json(payload, '{
            "event": "VARCHAR", "id": "BIGINT", "created_at": "VARCHAR",
            "submitted_at": "VARCHAR", "author": {"date": "VARCHAR"},
            "actor": {"login": "VARCHAR", "id": "BIGINT"},
            "user": {"login": "VARCHAR", "id": "BIGINT"},
            "requested_reviewer": {"login": "VARCHAR", "id": "BIGINT"},
            "requested_team": {"slug": "VARCHAR", "id": "BIGINT"},
            "state": "VARCHAR", "commit_id": "VARCHAR", "sha": "VARCHAR",
            "dismissed_review": {"review_id": "BIGINT", "state": "VARCHAR"}
        }') as e
    from raw_timeline
)
select
    events.org,
    repo,
    parent::integer as pr_number,
    split_part(key, '/', -1)::integer as seq,
    e.event as event,
    coalesce(
        e.created_at::timestamptz, e.submitted_at::timestamptz, e.author.date::timestamptz
    ) as occurred_at,
    coalesce(a.login, e.actor.login, e.user.login) as actor,
    coalesce(r.login, e.requested_reviewer.login) as requested_reviewer,
    coalesce(t.team, e.requested_team.slug) as requested_team,
    e.state as review_state,
    coalesce(e.commit_id, e.sha) as commit_sha,
    e.id as event_id,
    e.dismissed_review.review_id as dismissed_review_id,
    upper(e.dismissed_review.state) as dismissed_state
from events
left join teams as t on t.org = events.org and t.team_id = e.requested_team.id
-- a renamed actor or requested reviewer by the login they have now (accounts)
left join accounts as a
    on a.org = events.org and a.user_id = coalesce(e.actor.id, e.user.id)
    and len(a.former_logins) > 0
left join accounts as r
    on r.org = events.org and r.user_id = e.requested_reviewer.id and len(r.former_logins) > 0
