-- pr_time_in_court: one row per pull request: the hours its ball spent in each court, from
-- created_at to its merge or close (or as_of while open; its repo's archiving, for a PR open in
-- a repo archived since: nothing happens there after it), then, for a merged PR of a repo that
-- deploys to production, to its deploy (or as_of while not deployed, its repo's archiving if
-- that came first), and its flow efficiency, the author's share
-- (METRICS.md#pr_phases-and-pr_time_in_court).
--
-- Until the merge, at every moment the PR is in exactly one court, checked in this order:
-- `author` while it is a draft; `reviewers` while a review_wait episode is open (withdrawn ones
-- until their removal); `ci` while a workflow run of the PR's head commit is queued or in
-- progress (a run listing the PR, or of one of its commits: GitHub does not say which runs
-- branch protection requires, so every run counts; a run still unfinished at as_of runs on).
-- Each attempt of a re-run counts apart (workflow_run_attempts): the first from the run's
-- queueing to its end, a re-run from when it was asked for (run_started_at) to its end, so the
-- time between a failed attempt and its re-run falls in the court the PR is otherwise in (a
-- re-run whose earlier attempts were never fetched counts its latest attempt alone). A
-- run stops counting when a run of another commit is created after it (a push starts the runs:
-- its commit is no longer the head; a push that starts no run is not seen); `author` while a
-- reviewer's latest decisive review (APPROVED or CHANGES_REQUESTED, by someone not the author
-- and not a bot) requests changes, as GitHub shows "Changes requested" until that reviewer
-- approves, whoever approved since; `merge` while some reviewer's latest decisive review is an
-- approval; else `author` (a comment to answer, and no new request yet). A review dismissed
-- since (its state DISMISSED now) held the verdict it had (its review_dismissed event says
-- which) until its dismissal, and then its reviewer has none, as GitHub shows: an approval
-- dismissed by a push leaves the merge court then, not at its submission. After the merge:
-- `deploy` until the first production deploy that shipped it (deploy_lead_time), or as_of while
-- none has; NULL for a PR not merged, or one that cannot be followed to production
-- (deploy_lead_time.deploy_tracked: no production deploys tied to commits by a git mirror, or a
-- merge commit neither on the default branch nor shipped by a production deploy).
-- Waiting is everything but the author's court. total_business_hours is the courts' business
-- hours summed, each on its own calendar, and waiting_business_hours all but the author's.
--
-- Business hours: the author's court and the merge court count the author's calendar; the
-- reviewers' court the calendar of the earliest-started open episode's party (of episodes
-- started together, the calendar first by name); ci and deploy the default calendar (the party
-- waited on is a machine, or a release train).
with prs as (
    select
        p.org,
        p.repo,
        p.number as pr_number,
        p.author,
        p.author_teams,
        p.author_is_bot,
        p.created_at,
        p.ready_at,
        greatest(coalesce(p.merged_at, p.closed_at, p.archived_at, s.as_of), p.created_at)
            as life_end,
        case when d.deploy_tracked then
            -- nothing is deployed from a repo archived since: the deploy court ends there
            greatest(coalesce(d.deployed_at, least(s.as_of, r.archived_at)), p.merged_at)
        end as deploy_end,
        p.merged_at,
        coalesce(pc.calendar, 'default') as author_calendar
    from pull_requests as p
    left join snapshots as s on s.org = p.org
    left join repos as r on r.org = p.org and r.repo = p.repo
    left join party_calendars as pc
        on pc.org = p.org and pc.kind = 'person' and pc.name = p.author
    left join deploy_lead_time as d
        on d.org = p.org and d.repo = p.repo and d.pr_number = p.number
),
episodes as (
    select
        w.org,
        w.repo,
        w.pr_number,
        w.start_at,
        least(coalesce(w.ended_at, p.life_end), p.life_end) as end_at,
        w.calendar
    from review_wait as w
    join prs as p on p.org = w.org and p.repo = w.repo and p.pr_number = w.pr_number
),
draft_events as (
    select org, repo, pr_number, occurred_at, seq, event = 'convert_to_draft' as is_draft
    from pr_events
    where event in ('ready_for_review', 'convert_to_draft')
),
pr_runs as (
    -- the PR's runs (pr_workflow_runs): the commit each ran on, and when it was created
    select l.org, l.repo, l.pr_number, q.run_id, q.head_sha, q.created_at
    from pr_workflow_runs as l
    join workflow_runs as q on q.org = l.org and q.repo = l.repo and q.run_id = l.run_id
    join prs as p on p.org = l.org and p.repo = l.repo and p.pr_number = l.pr_number
),
superseded as (
    -- a run's commit stops being the head when a run of another commit is created after it (a
    -- push starts the runs): a push back to the commit starts its new runs as the head again
    select r.org, r.repo, r.pr_number, r.run_id, min(o.created_at) as superseded_at
    from pr_runs as r
    join pr_runs as o
        on o.org = r.org and o.repo = r.repo and o.pr_number = r.pr_number
        and o.head_sha <> r.head_sha and o.created_at > r.created_at
    group by r.org, r.repo, r.pr_number, r.run_id
),
ci as (
    -- each attempt of a run (workflow_run_attempts: its latest, and a re-run's earlier ones
    -- where fetched) holds the PR in the ci court from its start (attempt 1 from the run's
    -- queueing, a re-run from its run_started_at) to its end, or to the end of the PR's life
    -- while unfinished at as_of; the time between a failed attempt and its re-run is not ci.
    -- A run holds the PR only while its commit is the head.
    select r.org, r.repo, r.pr_number, a.started_at as start_at,
        least(coalesce(a.ended_at, p.life_end), p.life_end,
            coalesce(s.superseded_at, p.life_end)) as end_at
    from pr_runs as r
    join workflow_run_attempts as a on a.org = r.org and a.repo = r.repo and a.run_id = r.run_id
    join prs as p on p.org = r.org and p.repo = r.repo and p.pr_number = r.pr_number
    left join superseded as s
        on s.org = r.org and s.repo = r.repo and s.pr_number = r.pr_number and s.run_id = r.run_id
),
dismissed as (
    -- GitHub's review_dismissed events: the review, the state it had until then, and when
    select org, repo, pr_number, dismissed_review_id as review_id,
        any_value(dismissed_state) as was_state, min(occurred_at) as dismissed_at
    from pr_events
    where event = 'review_dismissed' and dismissed_review_id is not null
    group by org, repo, pr_number, dismissed_review_id
),
verdicts as (
    -- each decisive review (APPROVED or CHANGES_REQUESTED, by someone not the author and not a
    -- bot) with the verdict it gave when submitted: a review dismissed since says DISMISSED now,
    -- its dismissal event says what it was
    select r.org, r.repo, r.pr_number, r.reviewer, r.submitted_at, r.review_id,
        if(r.state = 'DISMISSED', d.was_state, r.state) as verdict,
        case when r.state = 'DISMISSED' then greatest(d.dismissed_at, r.submitted_at) end
            as dismissed_at
    from reviews as r
    join prs as p on p.org = r.org and p.repo = r.repo and p.pr_number = r.pr_number
    left join dismissed as d
        on d.org = r.org and d.repo = r.repo and d.pr_number = r.pr_number
        and d.review_id = r.review_id
    where if(r.state = 'DISMISSED', d.was_state, r.state) in ('APPROVED', 'CHANGES_REQUESTED')
      and not r.reviewer_is_bot and r.reviewer <> p.author
),
verdict_changes as (
    -- a reviewer's verdict is their latest decisive review's, from its submission until it is
    -- dismissed (then they have none, as GitHub shows) or they submit another
    select org, repo, pr_number, reviewer, submitted_at as at_time, 0 as step, review_id, verdict
    from verdicts
    union all
    select v.org, v.repo, v.pr_number, v.reviewer, v.dismissed_at, 1, v.review_id, null
    from verdicts as v
    where v.dismissed_at is not null
      and not exists (
          select 1 from verdicts as n
          where n.org = v.org and n.repo = v.repo and n.pr_number = v.pr_number
            and n.reviewer = v.reviewer and n.submitted_at <= v.dismissed_at
            and (n.submitted_at > v.submitted_at
                or (n.submitted_at = v.submitted_at and n.review_id > v.review_id))
      )
),
decisive_reviews as (
    -- each change of a reviewer's verdict turns what they say, from their previous verdict: +1
    -- or -1 to the reviewers requesting changes, and to those approving
    select org, repo, pr_number, at_time as submitted_at, review_id,
        coalesce((verdict = 'CHANGES_REQUESTED')::integer, 0)
            - coalesce((was = 'CHANGES_REQUESTED')::integer, 0) as changes_turn,
        coalesce((verdict = 'APPROVED')::integer, 0)
            - coalesce((was = 'APPROVED')::integer, 0) as approvals_turn
    from (
        select *,
            lag(verdict) over (
                partition by pr_number, repo, org, reviewer order by at_time, step, review_id
            ) as was
        from verdict_changes
    ) as turns
),
marks as (
    -- every instant the ball may change court, with what changes then: the draft state, how
    -- many reviewers request changes (`changes`) or approve (`approvals`), or how many
    -- review_wait episodes (`opened`) or workflow runs (`ci_opened`) are open (+1 as one
    -- starts, -1 as it ends; none for one that ends before it starts). `tiebreak` orders the
    -- marks of one instant: draft events in timeline order, so the last one decides.
    select org, repo, pr_number, created_at as at_time, 0 as tiebreak,
        null::boolean as draft_says, 0 as changes, 0 as approvals, 0 as opened, 0 as ci_opened
    from prs
    union all
    select org, repo, pr_number, ready_at, 0, null, 0, 0, 0, 0 from prs where ready_at is not null
    union all
    select org, repo, pr_number, occurred_at, seq, is_draft, 0, 0, 0, 0 from draft_events
    union all
    select org, repo, pr_number, submitted_at, review_id, null, changes_turn, approvals_turn, 0, 0
    from decisive_reviews
    union all
    select org, repo, pr_number, start_at, 0, null, 0, 0, 1, 0 from episodes where end_at > start_at
    union all
    select org, repo, pr_number, end_at, 0, null, 0, 0, -1, 0 from episodes where end_at > start_at
    union all
    select org, repo, pr_number, start_at, 0, null, 0, 0, 0, 1 from ci where end_at > start_at
    union all
    select org, repo, pr_number, end_at, 0, null, 0, 0, 0, -1 from ci where end_at > start_at
),
states as (
    -- one window pass: each mark starts a segment that runs to the next mark, in the draft
    -- state, review state and number of open episodes in force once all marks up to it are
    -- applied; between marks of one instant a segment lasts nothing and is dropped below
    select
        org,
        repo,
        pr_number,
        at_time as seg_start,
        -- lead() takes no frame (Spark refuses one): its own window, w's order
        lead(at_time) over (partition by pr_number, repo, org order by at_time, tiebreak)
            as next_at,
        last_value(draft_says ignore nulls) over w as draft_event_says,
        sum(changes) over w as changes_requested,
        sum(approvals) over w as approved,
        sum(opened) over w as open_episodes,
        sum(ci_opened) over w as open_runs
    from marks
    -- the PR number first: a sort compares it before the strings, which rarely decide
    window w as (partition by pr_number, repo, org order by at_time, tiebreak
        rows between unbounded preceding and current row)
),
segments as (
    select
        s.org,
        s.repo,
        s.pr_number,
        s.seg_start,
        least(coalesce(s.next_at, p.life_end), p.life_end) as seg_end,
        s.draft_event_says,
        s.changes_requested > 0 as has_changes_requested,
        s.approved > 0 as is_approved,
        s.open_episodes > 0 as has_open_episode,
        s.open_runs > 0 as has_open_run
    from states as s
    join prs as p on p.org = s.org and p.repo = s.repo and p.pr_number = s.pr_number
    where s.seg_start >= p.created_at and s.seg_start < p.life_end
      and s.seg_start < coalesce(s.next_at, p.life_end)
),
episode_calendars as (
    -- the reviewers' court counts the calendar of the earliest-started open episode's party
    select s.org, s.repo, s.pr_number, s.seg_start,
        arg_min(e.calendar, (e.start_at, e.calendar)) as calendar
    from segments as s
    join episodes as e
        on e.org = s.org and e.repo = s.repo and e.pr_number = s.pr_number
        and e.start_at <= s.seg_start and s.seg_start < e.end_at
    where s.has_open_episode
    group by s.org, s.repo, s.pr_number, s.seg_start
),
with_episode as (
    select s.*, c.calendar as episode_calendar
    from segments as s
    left join episode_calendars as c using (org, repo, pr_number, seg_start)
),
courts as (
    select
        s.*,
        case
            when p.ready_at is null or s.seg_start < p.ready_at or coalesce(s.draft_event_says, false)
                then 'author'
            when s.has_open_episode then 'reviewers'
            when s.has_open_run then 'ci'
            when s.has_changes_requested then 'author'
            when s.is_approved then 'merge'
            else 'author'
        end as court,
        p.author_calendar
    from with_episode as s
    join prs as p on p.org = s.org and p.repo = s.repo and p.pr_number = s.pr_number
),
calendared as (
    select
        *,
        case court
            when 'reviewers' then episode_calendar
            when 'ci' then 'default'
            else author_calendar
        end as calendar
    from courts
),
clocked_start as (
    select c.*, working_seconds(c.seg_start, w) as w_start
    from calendared as c
    left join working_days as w on w.calendar = c.calendar and w.day = utc_day(c.seg_start)
),
clocked as (
    select c.*, working_seconds(c.seg_end, w) as w_end
    from clocked_start as c
    left join working_days as w on w.calendar = c.calendar and w.day = utc_day(c.seg_end)
),
totals as (
    select
        org,
        repo,
        pr_number,
        sum(epoch(seg_end - seg_start)) filter (where court = 'author') / 3600.0 as author_hours,
        sum(epoch(seg_end - seg_start)) filter (where court = 'reviewers') / 3600.0
            as reviewers_hours,
        sum(epoch(seg_end - seg_start)) filter (where court = 'ci') / 3600.0 as ci_hours,
        sum(epoch(seg_end - seg_start)) filter (where court = 'merge') / 3600.0 as merge_hours,
        sum(w_end - w_start) filter (where court = 'author') / 3600.0 as author_business_hours,
        sum(w_end - w_start) filter (where court = 'reviewers') / 3600.0
            as reviewers_business_hours,
        sum(w_end - w_start) filter (where court = 'ci') / 3600.0 as ci_business_hours,
        sum(w_end - w_start) filter (where court = 'merge') / 3600.0 as merge_business_hours
    from clocked
    group by org, repo, pr_number
),
deploy_clock as (
    -- merged, not yet in production: from the merge to the deploy, on the default calendar
    select
        p.org,
        p.repo,
        p.pr_number,
        epoch(p.deploy_end - p.merged_at) / 3600.0 as deploy_hours,
        (working_seconds(p.deploy_end, w2) - working_seconds(p.merged_at, w1)) / 3600.0
            as deploy_business_hours
    from prs as p
    left join working_days as w1 on w1.calendar = 'default' and w1.day = utc_day(p.merged_at)
    left join working_days as w2 on w2.calendar = 'default' and w2.day = utc_day(p.deploy_end)
    where p.deploy_end is not null
),
ends as (
    select p.*, coalesce(p.deploy_end, p.life_end) as clock_end from prs as p
)
select
    p.org,
    p.repo,
    p.pr_number,
    p.author,
    p.author_teams,
    coalesce(t.author_hours, 0) as author_hours,
    coalesce(t.reviewers_hours, 0) as reviewers_hours,
    coalesce(t.ci_hours, 0) as ci_hours,
    coalesce(t.merge_hours, 0) as merge_hours,
    d.deploy_hours,
    coalesce(t.author_business_hours, 0) as author_business_hours,
    coalesce(t.reviewers_business_hours, 0) as reviewers_business_hours,
    coalesce(t.ci_business_hours, 0) as ci_business_hours,
    coalesce(t.merge_business_hours, 0) as merge_business_hours,
    d.deploy_business_hours,
    epoch(p.clock_end - p.created_at) / 3600.0 as total_hours,
    epoch(p.clock_end - p.created_at) / 3600.0 - coalesce(t.author_hours, 0) as waiting_hours,
    case
        when p.clock_end > p.created_at
            then coalesce(t.author_hours, 0) / (epoch(p.clock_end - p.created_at) / 3600.0)
    end as flow_efficiency,
    coalesce(t.author_business_hours, 0) + coalesce(t.reviewers_business_hours, 0)
        + coalesce(t.ci_business_hours, 0) + coalesce(t.merge_business_hours, 0)
        + coalesce(d.deploy_business_hours, 0) as total_business_hours,
    coalesce(t.reviewers_business_hours, 0) + coalesce(t.ci_business_hours, 0)
        + coalesce(t.merge_business_hours, 0) + coalesce(d.deploy_business_hours, 0)
        as waiting_business_hours,
    p.author_is_bot
from ends as p
left join totals as t on t.org = p.org and t.repo = p.repo and t.pr_number = p.pr_number
left join deploy_clock as d on d.org = p.org and d.repo = p.repo and d.pr_number = p.pr_number
