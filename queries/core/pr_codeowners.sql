-- pr_codeowners: one row per pull request and the CODEOWNERS version (codeowners_versions) it is
-- judged by: the one in force on the repo's default branch at its ready_at (created_at while it
-- is a draft). A PR from before the repo had any CODEOWNERS gets the empty version (no rules:
-- every file unowned). Readings: a PR based on another branch than the default is still judged
-- by the default branch's CODEOWNERS (only that branch's history is mined); a repo without a
-- git mirror has one version, the file last fetched from GitHub, in force at all times.
select p.org, p.repo, p.number as pr_number, v.version, v.file as codeowners_file
from pull_requests as p
join codeowners_versions as v
    on v.org = p.org and v.repo = p.repo
    and coalesce(p.ready_at, p.created_at) >= coalesce(v.valid_from, '-infinity'::timestamptz)
    and coalesce(p.ready_at, p.created_at) < coalesce(v.valid_to, 'infinity'::timestamptz)
