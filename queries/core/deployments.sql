-- deployments: one row per GitHub deployment of a repository (any environment), as GitHub lists
-- it: the commit and ref deployed, by whom and when. Its outcome is in deployment_statuses.
with parsed as (
    select
        org,
        repo,
        from_json(payload, '{
            "id": "BIGINT", "sha": "VARCHAR", "ref": "VARCHAR", "task": "VARCHAR",
            "environment": "VARCHAR", "original_environment": "VARCHAR",
            "creator": {"login": "VARCHAR"}, "created_at": "VARCHAR", "updated_at": "VARCHAR"
        }') as d
    from raw_deployments
)
select
    org,
    repo,
    d.id as deployment_id,
    d.sha as sha,
    d.ref as ref,
    d.task as task,
    d.environment as environment,
    coalesce(d.original_environment, d.environment) as original_environment,
    d.creator.login as creator,
    d.created_at::timestamptz as created_at,
    d.updated_at::timestamptz as updated_at
from parsed
