-- slowest_cross_repo_handoffs: one row per cross-repo handoff (a PR that waited on a PR of
-- another repo) whose downstream PR merged in the window, or that still waits at as_of (the
-- upstream merged before the window's end, the downstream open: a wait that began after the
-- window is not the window's, as in every other section), slowest first: both PRs with links, their teams, how
-- they are linked and the hours from the upstream merge to the downstream merge (or to as_of).
-- `$team` keeps the handoffs of PRs the team took part in, either side (pr_teams), as every
-- other section does. Params: $org, $since, $until, $limit; optional $team, $repo (NAME or
-- ORG/NAME).
select
    h.upstream_repo,
    h.upstream_pr,
    u.html_url as upstream_url,
    array_to_string(h.upstream_teams, ', ') as upstream_teams,
    h.downstream_repo,
    h.downstream_pr,
    d.html_url as downstream_url,
    array_to_string(h.downstream_teams, ', ') as downstream_teams,
    array_to_string(h.links, ', ') as links,
    h.status,
    coalesce(h.handoff_hours, h.waiting_hours) as hours
from cross_repo_handoffs as h
join pull_requests as u
    on u.org = h.org and u.repo = h.upstream_repo and u.number = h.upstream_pr
join pull_requests as d
    on d.org = h.org and d.repo = h.downstream_repo and d.number = h.downstream_pr
where h.org = $org
  and ((h.downstream_merged_at >= $since and h.downstream_merged_at < $until)
       or (h.status = 'downstream open' and h.upstream_merged_at < $until))
  and ($repo is null or $repo in (h.upstream_repo, h.downstream_repo)
       or $org || '/' || $repo in (h.upstream_repo, h.downstream_repo))
  and ($team is null or exists (
      from pr_teams as t
      where t.org = h.org and t.team = lower($team)
        and ((t.repo = h.upstream_repo and t.pr_number = h.upstream_pr)
             or (t.repo = h.downstream_repo and t.pr_number = h.downstream_pr))))
order by hours desc nulls last, h.downstream_repo, h.downstream_pr
limit $limit
