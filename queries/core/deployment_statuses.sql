-- deployment_statuses: one row per status a deployment reached (queued, in_progress, success,
-- failure, error, inactive, ...), with when and in which environment, numbered oldest first
-- (seq): a deployment's latest status is its row with the greatest seq (GitHub lists statuses
-- newest first; two of the same second keep GitHub's order). REST
-- writes an absent URL as "" and GraphQL as null: both are NULL here.
with parsed as (
    select
        org,
        repo,
        parent,
        key,
        from_json(payload, '{
            "state": "VARCHAR", "environment": "VARCHAR", "description": "VARCHAR",
            "creator": {"login": "VARCHAR"}, "log_url": "VARCHAR", "environment_url": "VARCHAR",
            "created_at": "VARCHAR"
        }') as s
    from raw_deployment_statuses
)
select
    org,
    repo,
    parent::bigint as deployment_id,
    -- statuses are stored oldest first, keyed by position
    row_number() over (partition by org, repo, parent order by key) as seq,
    s.state as state,
    s.environment as environment,
    s.description as description,
    s.creator.login as creator,
    nullif(s.log_url, '') as log_url,
    nullif(s.environment_url, '') as environment_url,
    s.created_at::timestamptz as created_at
from parsed
