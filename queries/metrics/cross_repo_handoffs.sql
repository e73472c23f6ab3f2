-- cross_repo_handoffs: one row per pair of pull requests in different repos of the org where one
-- waits on the other (METRICS.md#cross-repo-dependencies): the upstream PR, the downstream PR,
-- their authors' teams, how they are linked and the hours from the upstream merge to the
-- downstream merge.
--
-- Readings: a PR that names another (`depends on`, `blocked by`, a plain `ORG/REPO#N` or URL, in
-- its body or a comment, or GitHub's cross-referenced event) is downstream of the PR it names;
-- one that says it `blocks` another is upstream of it. A dependency bump of an internal package
-- is downstream of the upstream PR pr_bumps ties it to. A pair named both ways round takes the
-- way its depends_on, blocks or bump link says (a mention or cross-referenced event only names
-- the other PR). `links` lists every way the pair is linked: depends_on, blocks, mention,
-- cross_reference, bump. References to issues, and to PRs
-- not in the warehouse, are left out. `handoff_hours` is NULL until both are merged (negative
-- when the downstream merged first: a mention that was no wait); `status` is 'merged',
-- 'downstream open' (the upstream is merged; `waiting_hours` runs from its merge to as_of),
-- 'upstream open', or 'closed' (one of them closed unmerged, or still open in a repo archived
-- since: nothing can be merged there). `is_cross_team`: the two authors share no team. Once the
-- upstream merged the downstream PR's author holds the ball: the business hours count their
-- calendar (`calendar`). `repo` and `pr_number` repeat the downstream PR's, as
-- the repo and PR the row is about: the one that waits.
with links as (
    select
        org,
        if(phrase = 'blocks', repo, target_repo) as upstream_repo,
        if(phrase = 'blocks', pr_number, target_number) as upstream_pr,
        if(phrase = 'blocks', target_repo, repo) as downstream_repo,
        if(phrase = 'blocks', target_number, pr_number) as downstream_pr,
        case
            when phrase <> 'mention' then phrase
            when source = 'timeline' then 'cross_reference'
            else 'mention'
        end as link,
        referenced_at as linked_at
    from pr_references
    union all
    select org, upstream_repo, upstream_pr, repo, pr_number, 'bump', null
    from pr_bumps
    where upstream_pr is not null
),
resolved as (
    -- both sides as PRs of the warehouse; `direction` 0 where the link says which way the wait
    -- goes (depends_on, blocks, bump), 1 where it only names the other PR
    select
        u.org,
        u.repo as upstream_repo,
        u.number as upstream_pr,
        d.repo as downstream_repo,
        d.number as downstream_pr,
        l.link,
        coalesce(l.linked_at, d.created_at) as linked_at,
        if(l.link in ('mention', 'cross_reference'), 1, 0) as direction,
        -- the pair whichever way round it was named
        least(u.repo || '#' || u.number, d.repo || '#' || d.number) as one,
        greatest(u.repo || '#' || u.number, d.repo || '#' || d.number) as other
    from links as l
    join pull_requests as u
        on u.org = l.org and lower(u.repo) = lower(l.upstream_repo) and u.number = l.upstream_pr
    join pull_requests as d
        on d.org = l.org and lower(d.repo) = lower(l.downstream_repo)
        and d.number = l.downstream_pr
    where u.repo <> d.repo
),
pairs as (
    -- one row per pair: the way round its most telling link says (a mention that points the
    -- other way, GitHub's cross-referenced event on the PR that said "blocks", joins it)
    select
        org,
        arg_min({'repo': upstream_repo, 'pr': upstream_pr,
                 'down_repo': downstream_repo, 'down_pr': downstream_pr},
                (direction, linked_at)) as way,
        list(distinct link order by link) as links,
        min(linked_at) as linked_at
    from resolved
    group by org, one, other
),
oriented as (
    select org, way.repo as upstream_repo, way.pr as upstream_pr,
        way.down_repo as downstream_repo, way.down_pr as downstream_pr, links, linked_at
    from pairs
)
select
    p.org,
    p.upstream_repo,
    p.upstream_pr,
    u.author as upstream_author,
    u.author_teams as upstream_teams,
    u.merged_at as upstream_merged_at,
    p.downstream_repo,
    p.downstream_pr,
    d.author as downstream_author,
    d.author_teams as downstream_teams,
    d.merged_at as downstream_merged_at,
    p.links,
    p.linked_at,
    epoch(d.merged_at - u.merged_at) / 3600.0 as handoff_hours,
    case
        when u.merged_at is not null and d.merged_at is not null then 'merged'
        when u.state = 'closed' and u.merged_at is null then 'closed'
        when d.state = 'closed' and d.merged_at is null then 'closed'
        when u.archived_at is not null or d.archived_at is not null then 'closed'
        when u.merged_at is not null then 'downstream open'
        else 'upstream open'
    end as status,
    if(u.merged_at is not null and d.state = 'open' and d.archived_at is null,
        epoch(s.as_of - u.merged_at) / 3600.0, null) as waiting_hours,
    not list_has_any(u.author_teams, d.author_teams) as is_cross_team,
    (working_seconds(d.merged_at, wd) - working_seconds(u.merged_at, wu)) / 3600.0
        as handoff_business_hours,
    if(u.merged_at is not null and d.state = 'open' and d.archived_at is null,
        (working_seconds(s.as_of, wa) - working_seconds(u.merged_at, wu)) / 3600.0, null)
        as waiting_business_hours,
    coalesce(dc.calendar, 'default') as calendar,
    u.author_is_bot as upstream_author_is_bot,
    d.author_is_bot as downstream_author_is_bot,
    -- the repo every view carries (METRICS.md): the downstream PR's, where the wait is; with
    -- pr_number, it joins the downstream PR's rows in the other views
    p.downstream_repo as repo,
    p.downstream_pr as pr_number
from oriented as p
join pull_requests as u on u.org = p.org and u.repo = p.upstream_repo and u.number = p.upstream_pr
join pull_requests as d
    on d.org = p.org and d.repo = p.downstream_repo and d.number = p.downstream_pr
join snapshots as s on s.org = p.org
left join party_calendars as dc on dc.org = d.org and dc.kind = 'person' and dc.name = d.author
left join working_days as wu
    on wu.calendar = coalesce(dc.calendar, 'default') and wu.day = utc_day(u.merged_at)
left join working_days as wd
    on wd.calendar = coalesce(dc.calendar, 'default') and wd.day = utc_day(d.merged_at)
left join working_days as wa
    on wa.calendar = coalesce(dc.calendar, 'default') and wa.day = utc_day(s.as_of)
