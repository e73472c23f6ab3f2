-- pr_codeowners: one row per pull request and the CODEOWNERS version (codeowners_versions) it is
-- judged by: the one in force on its base branch at its ready_at (created_at while it is a
-- draft). A PR from before the branch had any CODEOWNERS gets the empty version (no rules:
-- every file unowned). Readings: the base branch is the PR's base now (GitHub's `base.ref`);
-- a base branch whose history was never mined (deleted before the repo's first mirrored sync,
-- or any branch but the default one of a repo without a git mirror) stands for the default
-- branch's file. A repo without a git mirror has one version, the file last fetched from
-- GitHub, in force at all times. With `[git] mirrors` turned off after mirrored syncs, the
-- default branch's mined history is followed by the file the API fetched since, where it
-- differs (source 'api', in force from its fetch; an empty version where GitHub deleted it).
with mined_branches as (
    select distinct org, repo, branch from codeowners_versions where branch is not null
)
select p.org, p.repo, p.number as pr_number, v.version, v.file as codeowners_file
from pull_requests as p
left join mined_branches as b on b.org = p.org and b.repo = p.repo and b.branch = p.base_ref
join codeowners_versions as v
    on v.org = p.org and v.repo = p.repo
    and v.branch is not distinct from b.branch
    and coalesce(p.ready_at, p.created_at) >= coalesce(v.valid_from, '-infinity'::timestamptz)
    and coalesce(p.ready_at, p.created_at) < coalesce(v.valid_to, 'infinity'::timestamptz)
