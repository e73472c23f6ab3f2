-- repo_files: one row per file fetched from a repository's default branch (CODEOWNERS and
-- dependency manifests), with its text decoded from the contents API's base64.
select
    org,
    repo,
    parent as path,
    payload ->> 'sha' as blob_sha,
    decode(from_base64(replace(payload ->> 'content', chr(10), ''))) as text
from raw_contents
qualify row_number() over (partition by key order by fetched_at desc) = 1
