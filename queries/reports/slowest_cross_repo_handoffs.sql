-- slowest_cross_repo_handoffs: one row per cross-repo handoff (a PR that waited on a PR of
-- another repo) whose downstream PR merged in the window, or that still waited at the window's
-- end (the upstream merged before it, the downstream opened before it and neither merged nor
-- closed by then: a wait that began after the window, or a downstream PR not yet opened at its
-- end, is not the window's, as in every other section), slowest first:
-- both PRs with links, their teams, how they are linked and the hours from the upstream merge
-- to the downstream merge, or to the window's end for one waiting then (status 'downstream
-- open', as it was at that end: each window is judged at its end, so the previous one compares
-- like with like with one ending at as_of, where that is the hours to as_of). A downstream
-- merged in the window on an upstream still open at its end is 'upstream open', no hours, even
-- when the upstream merged later (a mention that was no wait).
-- `$team` keeps the handoffs of PRs the team took part in, either side (pr_teams), as every
-- other section does. Params: $org, $since, $until, $limit; optional $team, $repo (NAME or
-- ORG/NAME).
with judged as (
    select
        h.*,
        u.html_url as upstream_url,
        d.html_url as downstream_url,
        -- the window's end, or as_of for a window that runs past it (nothing is known after)
        least($until, s.as_of) as window_end,
        -- opened by the window's end, merged or closed after it (or not yet), in a repo not
        -- archived by then: a PR opened later did not wait then (at as_of every PR is opened)
        h.upstream_merged_at < $until
            and d.created_at < $until
            and coalesce(d.closed_at >= $until, true)
            and coalesce(d.archived_at >= $until, true) as waiting_at_end,
        -- a downstream merged by the window's end on an upstream neither merged nor closed by
        -- then (nor its repo archived): 'upstream open' then, with no hours yet, not the
        -- 'merged' (and negative hours) of an upstream merge after that end
        h.downstream_merged_at < $until
            and coalesce(h.upstream_merged_at >= $until, true)
            and coalesce(u.closed_at >= $until, true)
            and coalesce(u.archived_at >= $until, true) as upstream_open_at_end
    from cross_repo_handoffs as h
    join pull_requests as u
        on u.org = h.org and u.repo = h.upstream_repo and u.number = h.upstream_pr
    join pull_requests as d
        on d.org = h.org and d.repo = h.downstream_repo and d.number = h.downstream_pr
    join snapshots as s on s.org = h.org
    where h.org = $org
)
select
    h.upstream_repo,
    h.upstream_pr,
    h.upstream_url,
    array_to_string(h.upstream_teams, ', ') as upstream_teams,
    h.downstream_repo,
    h.downstream_pr,
    h.downstream_url,
    array_to_string(h.downstream_teams, ', ') as downstream_teams,
    array_to_string(h.links, ', ') as links,
    case
        when h.waiting_at_end then 'downstream open'
        when h.upstream_open_at_end then 'upstream open'
        else h.status
    end as status,
    case
        when h.waiting_at_end then epoch(h.window_end - h.upstream_merged_at) / 3600.0
        when not h.upstream_open_at_end then h.handoff_hours
    end as hours
from judged as h
where ((h.downstream_merged_at >= $since and h.downstream_merged_at < $until)
       or h.waiting_at_end)
  and ($repo is null or $repo in (h.upstream_repo, h.downstream_repo)
       or $org || '/' || $repo in (h.upstream_repo, h.downstream_repo))
  and ($team is null or exists (
      from pr_teams as t
      where t.org = h.org and t.team = lower($team)
        and ((t.repo = h.upstream_repo and t.pr_number = h.upstream_pr)
             or (t.repo = h.downstream_repo and t.pr_number = h.downstream_pr))))
order by hours desc nulls last, h.downstream_repo, h.downstream_pr
limit $limit
