-- pull_requests: one row per pull request, with ready_at: when it first asked for review.
-- ready_at (METRICS.md, The life of a PR): created_at unless the PR was opened as a draft, else
-- its first ready_for_review. GitHub does not record that a PR was opened as a draft: it was when
-- its first draft-related timeline event is ready_for_review, or when it is a draft now with no
-- such event (then it has no ready_at yet).
-- A renamed account is named by the login it has now (accounts), as GitHub shows it.
-- A PR by a deleted account is by `ghost`, the account GitHub shows in its place (REST
-- names it; a payload with no user, as GraphQL's null author, is read the same way).
-- merge_commit_sha: the commit the merge put on the base branch; NULL until the PR is merged
-- (REST names GitHub's test merge of an unmerged PR's head into its base there, a commit no
-- branch holds; GraphQL's mergeCommit is null until the merge).
-- archived_at: when its repo was archived, for a PR still open (repos.archived_at). Nothing can
-- be reviewed, approved, merged or closed in an archived repo, so the metric views end the PR's
-- waits there as a close would end them, rather than letting them run on to as_of.
with pulls as (
    -- from_json parses each payload once, into the fields read here
    select
        org,
        repo,
        from_json(payload, '{
            "number": "INTEGER", "id": "BIGINT", "title": "VARCHAR",
            "user": {"login": "VARCHAR", "id": "BIGINT"}, "state": "VARCHAR", "draft": "BOOLEAN",
            "created_at": "VARCHAR", "updated_at": "VARCHAR", "closed_at": "VARCHAR",
            "merged_at": "VARCHAR", "merge_commit_sha": "VARCHAR", "html_url": "VARCHAR",
            "base": {"ref": "VARCHAR"}, "head": {"ref": "VARCHAR", "sha": "VARCHAR"}
        }') as pr
    from raw_pulls
),
draft_events as (
    select org, repo, pr_number, event, occurred_at, seq
    from pr_events
    where event in ('ready_for_review', 'convert_to_draft')
),
draft_history as (
    select
        org,
        repo,
        pr_number,
        arg_min(event, seq) as first_event,
        min(occurred_at) filter (where event = 'ready_for_review') as first_ready_at
    from draft_events
    group by org, repo, pr_number
)
select
    p.org,
    p.repo,
    p.pr.number as number,
    p.pr.id as pr_id,
    p.pr.title as title,
    coalesce(u.login, p.pr.user.login, 'ghost') as author,
    coalesce(a.is_bot, false) as author_is_bot,
    coalesce(a.teams, ['unassigned']) as author_teams,
    p.pr.state as state,
    coalesce(p.pr.draft, false) as is_draft,
    p.pr.created_at::timestamptz as created_at,
    p.pr.updated_at::timestamptz as updated_at,
    p.pr.closed_at::timestamptz as closed_at,
    p.pr.merged_at::timestamptz as merged_at,
    if(p.pr.merged_at is null, null, p.pr.merge_commit_sha) as merge_commit_sha,
    p.pr.base.ref as base_ref,
    p.pr.head.ref as head_ref,
    p.pr.head.sha as head_sha,
    -- a PR stored before GitHub renamed its repo keeps its old link until it changes: the link
    -- is given the repo's name now, as GitHub's redirect would
    case
        when contains(p.pr.html_url, '/' || p.repo || '/pull/') then p.pr.html_url
        else regexp_replace(p.pr.html_url, '/[^/]+/[^/]+/pull/', '/' || p.repo || '/pull/')
    end as html_url,
    case
        when d.first_event = 'ready_for_review' then d.first_ready_at
        when d.first_event = 'convert_to_draft' then p.pr.created_at::timestamptz
        when coalesce(p.pr.draft, false) then null
        else p.pr.created_at::timestamptz
    end as ready_at,
    if(p.pr.closed_at is null, r.archived_at, null) as archived_at
from pulls as p
left join repos as r on r.org = p.org and r.repo = p.repo
left join draft_history as d
    on d.org = p.org and d.repo = p.repo and d.pr_number = p.pr.number
-- a renamed author by the login they have now (accounts)
left join accounts as u
    on u.org = p.org and u.user_id = p.pr.user.id and len(u.former_logins) > 0
left join people as a on a.org = p.org and a.login = coalesce(u.login, p.pr.user.login)
