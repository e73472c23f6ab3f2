-- repo_dependency_map: one row per (repo, repo it depends on) of the org now: the first owning
-- team of each side (repo_dependencies), the packages of the edge and the manifests that name
-- them. Params: $org; optional $team (either side owned by it), $repo (either side).
select
    repo,
    coalesce(repo_teams[1], '(unowned)') as repo_team,
    depends_on_repo,
    coalesce(depends_on_teams[1], '(unowned)') as depends_on_team,
    string_agg(distinct coalesce(package, '(config: ' || coalesce(note, 'added') || ')'), ', '
        order by coalesce(package, '(config: ' || coalesce(note, 'added') || ')')) as packages,
    count(distinct manifest_path) as manifests
from repo_dependencies
where org = $org
  and ($repo is null or $repo in (repo, depends_on_repo)
       or $org || '/' || $repo in (repo, depends_on_repo))
  and ($team is null or list_contains(repo_teams, lower($team))
       or list_contains(depends_on_teams, lower($team)))
group by repo, repo_teams, depends_on_repo, depends_on_teams
order by repo, depends_on_repo
