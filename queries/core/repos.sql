-- repos: one row per repository of the org, as GitHub lists it. archived_at is GraphQL's
-- archivedAt: NULL for a repo not archived, and for an archived one listed by REST, whose
-- repository object does not say when (`[github] api = "rest"`, an import of a REST mirror).
select
    org,
    payload ->> 'full_name' as repo,
    payload ->> 'name' as name,
    (payload ->> 'id')::bigint as repo_id,
    payload ->> 'default_branch' as default_branch,
    coalesce((payload ->> 'private')::boolean, false) as is_private,
    coalesce((payload ->> 'archived')::boolean, false) as is_archived,
    -- when it was archived: GraphQL's archivedAt (a REST listing does not say)
    if(coalesce((payload ->> 'archived')::boolean, false),
        (payload ->> 'archived_at')::timestamptz, null) as archived_at,
    coalesce((payload ->> 'fork')::boolean, false) as is_fork,
    payload ->> 'html_url' as html_url,
    (payload ->> 'created_at')::timestamptz as created_at,
    (payload ->> 'pushed_at')::timestamptz as pushed_at
from raw_repos
