-- repos: one row per repository of the org, as GitHub lists it, and one per repository it
-- listed before and lists no more (deleted, transferred to another owner, or out of the token's
-- reach), with `is_listed` false: what was stored of it stays, as history.
-- archived_at is when it was archived: GraphQL's archivedAt; NULL for a repo not archived, and
-- for an archived one listed by REST, whose repository object does not say when (`miner sync
-- --api rest`, an import of a REST mirror). For a repo GitHub lists no more it is the as_of of
-- the sync that first found it missing (or the org's as_of, if that sync did not finish):
-- nothing can happen in it here after that, so the metric views end its open PRs' waits there,
-- as they do an archived repo's (GitHub shows them no more). Such a row
-- has its name and id as last listed and NULL for what only the listing said (default_branch,
-- html_url...).
with listed as (
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
        (payload ->> 'pushed_at')::timestamptz as pushed_at,
        true as is_listed
    from raw_repos
)
select * from listed
union all
select
    g.org,
    g.name as repo,
    split_part(g.name, '/', 2) as name,
    g.id as repo_id,
    null as default_branch,
    null as is_private,
    false as is_archived,
    coalesce(r.as_of, s.as_of) as archived_at,
    null as is_fork,
    null as html_url,
    null as created_at,
    null as pushed_at,
    false as is_listed
from repo_ids as g
left join sync_runs as r on r.id = g.unlisted_run
left join snapshots as s on s.org = g.org
where g.unlisted_run is not null and g.name is not null
    and not exists (
        select 1 from listed as l where l.org = g.org and lower(l.repo) = lower(g.name)
    )
