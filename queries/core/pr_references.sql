-- pr_references: one row per reference a pull request makes to a PR or issue of another repo:
-- `ORG/REPO#N` or a github.com URL of a pull request or issue in its body (`source` 'body', at
-- the PR's creation) or in one of its conversation comments ('comment', at the comment), and
-- GitHub's cross-referenced timeline event, which the referenced PR's timeline holds ('timeline',
-- at the event). `phrase` is 'depends_on' for a reference after "depends on", "depending on",
-- "blocked by", "requires", "needs" or "after" on the same line, 'blocks' after "blocks",
-- "blocking" or "required by", else 'mention'. A bare `#N` names the PR's own repo and is left
-- out; references inside the same repo are too. Hosts other than github.com are not read.
with texts as (
    select org, repo, (payload ->> 'number')::integer as pr_number, payload ->> 'body' as body,
        (payload ->> 'created_at')::timestamptz as referenced_at, 'body' as source
    from raw_pulls
    union all
    select org, repo, parent::integer, payload ->> 'body', (payload ->> 'created_at')::timestamptz,
        'comment'
    from raw_comments
),
lines as (
    select org, repo, pr_number, referenced_at, source, unnest(string_split(body, chr(10))) as line
    from texts
    where regexp_matches(body, '(#|/pull/|/issues/)[0-9]')
),
segments as (
    -- a line cut before each phrase: a reference takes the phrase its piece starts with
    select
        l.* exclude (line),
        unnest(string_split(regexp_replace(l.line,
            '(?i)\b(depends on|depending on|blocked by|requires|needs|after|blocks|blocking'
            || '|required by)\b',
            chr(1) || '\1', 'g'), chr(1))) as piece
    from lines as l
),
refs as (
    select
        s.* exclude (piece),
        lower(regexp_extract(s.piece,
            '^(?i)(depends on|depending on|blocked by|requires|needs|after|blocks|blocking'
            || '|required by)\b', 1)) as said,
        unnest(regexp_extract_all(
            s.piece,
            'https?://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/(?:pull|issues)/[0-9]+'
            || '|[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+#[0-9]+'
        )) as ref
    from segments as s
),
parsed as (
    select
        org,
        repo,
        pr_number,
        referenced_at,
        source,
        coalesce(
            nullif(regexp_extract(ref, 'github\.com/([^/]+/[^/]+)/', 1), ''),
            split_part(ref, '#', 1)
        ) as target_repo,
        regexp_extract(ref, '([0-9]+)$', 1)::integer as target_number,
        said
    from refs
),
timeline as (
    -- the event sits on the referenced PR; the PR that made the reference is its source
    select
        t.org,
        t.payload -> 'source' -> 'issue' -> 'repository' ->> 'full_name' as repo,
        (t.payload -> 'source' -> 'issue' ->> 'number')::integer as pr_number,
        (t.payload ->> 'created_at')::timestamptz as referenced_at,
        'timeline' as source,
        t.repo as target_repo,
        t.parent::integer as target_number,
        'mention' as phrase
    from raw_timeline as t
    where t.payload ->> 'event' = 'cross-referenced'
      and (t.payload -> 'source' -> 'issue' -> 'pull_request') is not null
)
select distinct org, repo, pr_number, target_repo, target_number, phrase, source, referenced_at
from (
    select
        org, repo, pr_number, target_repo, target_number,
        case
            when said in ('blocks', 'blocking', 'required by') then 'blocks'
            when said <> '' then 'depends_on'
            else 'mention'
        end as phrase,
        source,
        referenced_at
    from parsed
    union all
    select org, repo, pr_number, target_repo, target_number, phrase, source, referenced_at
    from timeline
)
where lower(target_repo) <> lower(repo)
