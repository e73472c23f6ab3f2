-- repo_dependency_map: one row per (repo, repo it depends on, and the teams on each side) of the
-- org now: the first team owning the consuming manifests and the first owning the upstream
-- manifests that publish the packages (repo_dependencies.manifest_teams and package_teams,
-- which are the repos' teams unless CODEOWNERS gives a monorepo's packages teams of their own),
-- the packages of the edge and the manifests that name them (manifests whose first teams are the
-- same are one row). Params: $org; optional $team
-- (either side owned by it), $repo (either side).
select
    repo,
    coalesce(manifest_teams[1], '(unowned)') as repo_team,
    depends_on_repo,
    coalesce(package_teams[1], '(unowned)') as depends_on_team,
    string_agg(distinct coalesce(package, '(config: ' || coalesce(note, 'added') || ')'), ', '
        order by coalesce(package, '(config: ' || coalesce(note, 'added') || ')')) as packages,
    count(distinct manifest_path) as manifests
from repo_dependencies
where org = $org
  and ($repo is null or $repo in (repo, depends_on_repo)
       or $org || '/' || $repo in (repo, depends_on_repo))
  and ($team is null or list_contains(manifest_teams, lower($team))
       or list_contains(package_teams, lower($team)))
group by repo, repo_team, depends_on_repo, depends_on_team
order by repo, depends_on_repo, repo_team, depends_on_team
