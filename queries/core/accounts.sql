-- accounts: one row per GitHub account seen in the org's data (its numeric `user_id`), with the
-- login it has now, and one row per login seen only in payloads that carry no account id.
-- A GitHub user may rename their account, or change the letter case of its login: GitHub then
-- shows the new login everywhere, even on what was done before, but the payloads fetched before
-- the rename keep the old one. `login` is the spelling of the latest sync's payloads that name
-- the account (the org's member and team lists are checked every sync, so a member's is
-- current), `former_logins` the other spellings seen for it. The core tables name people by
-- `login` through the account id, so one person's reviews, requests and PRs stay one person's
-- across a rename (a login given up and taken by someone else stays with each account).
-- Seen: org members, members of the teams GitHub lists now, PR authors, reviewers, commenters,
-- requested reviewers.
with seen as (
    -- json_extract_string with a list of paths parses each payload once for all its fields
    select org, f[1] as login, f[2] as type, try_cast(f[3] as bigint) as user_id,
        (sync_run, listed) as fetched
    from (
        -- the org's member lists: each payload is an account
        select org, sync_run, true as listed,
            json_extract_string(payload, ['$.login', '$.type', '$.id']) as f
        from (
            select org, sync_run, payload from raw_members
            union all
            -- a team deleted on GitHub is listed no more, and its last member list (kept in
            -- the raw layer) is no longer GitHub's word on anyone
            select m.org, m.sync_run, m.payload
            from raw_team_members as m
            where exists (
                select 1 from raw_teams as t
                where t.org = m.org and t.payload ->> 'slug' = m.parent
            )
        )
        union all
        -- PRs, reviews and comments: their `user`
        select org, sync_run, false,
            json_extract_string(payload, ['$.user.login', '$.user.type', '$.user.id'])
        from (
            select org, sync_run, payload from raw_pulls
            union all
            select org, sync_run, payload from raw_reviews
            union all
            select org, sync_run, payload from raw_comments
        )
        union all
        -- only review_requested and review_request_removed events name a requested_reviewer;
        -- other events give NULL, dropped below (cheaper than parsing `event` to filter first)
        select org, sync_run, false, json_extract_string(
            payload,
            ['$.requested_reviewer.login', '$.requested_reviewer.type', '$.requested_reviewer.id']
        )
        from raw_timeline
    )
    where f[1] is not null
)
select
    org,
    user_id,
    -- the latest sync's spelling; where one sync saw both, the org's member lists' (what GitHub
    -- says of the account now; a PR's payload may be stored from before), then the greater
    arg_max(login, (fetched, login)) as login,
    max(type) as type,
    list_filter(
        list(distinct login order by login), lambda x: x <> arg_max(login, (fetched, login))
    ) as former_logins
from seen
group by org, user_id, if(user_id is null, lower(login), null)
