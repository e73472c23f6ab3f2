-- production_deploys: one row per successful production deploy (METRICS.md, Deploys and lead
-- time), whichever way the config's [deploys] rules recognise it (globs, compared lower-case):
-- * source 'deployment': a GitHub deployment whose environment matches `production`, deployed
--   at its first `success` status (a deployment that never succeeded deployed nothing);
-- * source 'workflow': a workflow run whose name or workflow file (its path, or the file name
--   alone) matches `workflows` and one of whose attempts concluded `success`, deployed when the
--   first such attempt ended (workflow_run_attempts: a run re-run counts once, at its first
--   successful attempt's end; one that shipped on attempt 1 and was re-run since, as a redeploy,
--   shipped then whatever the re-run did; where GitHub no longer had an earlier attempt, the
--   latest alone speaks). A run for a pull request (event pull_request, pull_request_target,
--   pull_request_review, pull_request_review_comment or merge_group: a preview or a dry run of
--   a branch not merged yet, its head_sha the PR's head) deploys nothing to production; nor
--   does one on a PR's `closed` event, whose commit is the PR's head, not the merge commit its
--   deploy shipped. A run on a comment (issue_comment: a ChatOps "/deploy") runs on the default
--   branch and counts, its head_sha that branch's head then;
-- * source 'tag': a tag of the repo's git mirror whose name matches `tags`, deployed when it
--   was made (an annotated tag's tagger date, else its commit's date).
-- `deploy_id` is unique per repo: 'deployment:ID', 'workflow:RUN_ID' or 'tag:NAME'.
with patterns as (
    select kind, pattern from settings_deploys
),
from_deployments as (
    select
        d.org,
        d.repo,
        'deployment:' || d.deployment_id as deploy_id,
        'deployment' as source,
        d.environment as name,
        d.sha,
        min(s.created_at) as deployed_at
    from deployments as d
    join deployment_statuses as s
        on s.org = d.org and s.repo = d.repo and s.deployment_id = d.deployment_id
    where s.state = 'success'
      and exists (
        select 1 from patterns as p
        where p.kind = 'environment' and lower(d.environment) glob p.pattern
      )
    group by d.org, d.repo, d.deployment_id, d.environment, d.sha
),
from_workflows as (
    select
        r.org,
        r.repo,
        'workflow:' || r.run_id as deploy_id,
        'workflow' as source,
        r.name,
        r.head_sha as sha,
        min(a.ended_at) as deployed_at
    from workflow_runs as r
    join workflow_run_attempts as a on a.org = r.org and a.repo = r.repo and a.run_id = r.run_id
    where a.conclusion = 'success' and a.ended_at is not null
      and coalesce(r.event, '') not in ('pull_request', 'pull_request_target',
                                        'pull_request_review', 'pull_request_review_comment',
                                        'merge_group')
      and exists (
        select 1 from patterns as p
        where p.kind = 'workflow'
          and (lower(r.name) glob p.pattern
               or lower(r.workflow_path) glob p.pattern
               or lower(regexp_extract(r.workflow_path, '[^/]*$')) glob p.pattern)
      )
    group by r.org, r.repo, r.run_id, r.name, r.head_sha
),
from_tags as (
    select
        t.org,
        t.repo,
        'tag:' || t.tag as deploy_id,
        'tag' as source,
        t.tag as name,
        t.sha,
        t.tagged_at as deployed_at
    from raw_git_tags as t
    where exists (
        select 1 from patterns as p where p.kind = 'tag' and lower(t.tag) glob p.pattern
    )
)
select org, repo, deploy_id, source, name, sha, deployed_at from from_deployments
union all
select org, repo, deploy_id, source, name, sha, deployed_at from from_workflows
union all
select org, repo, deploy_id, source, name, sha, deployed_at from from_tags
