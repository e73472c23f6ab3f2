-- pr_workflow_runs: one row per pull request and workflow run of it: a run listing the PR, or a
-- run of one of the PR's commits (GitHub lists no PR on runs of forks' PRs). The ci court of
-- pr_time_in_court and pr_ci_runs both read it.
select org, repo, unnest(pr_numbers) as pr_number, run_id from workflow_runs
union
select r.org, r.repo, c.pr_number, r.run_id
from workflow_runs as r
join pr_commits as c on c.org = r.org and c.repo = r.repo and c.sha = r.head_sha
