-- repos: one row per repository of the org, as GitHub lists it.
select
    org,
    payload ->> 'full_name' as repo,
    payload ->> 'name' as name,
    (payload ->> 'id')::bigint as repo_id,
    payload ->> 'default_branch' as default_branch,
    coalesce((payload ->> 'private')::boolean, false) as is_private,
    coalesce((payload ->> 'archived')::boolean, false) as is_archived,
    coalesce((payload ->> 'fork')::boolean, false) as is_fork,
    payload ->> 'html_url' as html_url,
    (payload ->> 'created_at')::timestamptz as created_at,
    (payload ->> 'pushed_at')::timestamptz as pushed_at
from raw_repos
