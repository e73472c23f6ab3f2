-- repo_files: one row per file fetched from a repository's default branch (CODEOWNERS and
-- dependency manifests), with its text decoded from the contents API's base64. A file that is
-- not UTF-8 text (GitHub reads CODEOWNERS only as UTF-8) has NULL text rather than failing the
-- rebuild.
select
    org,
    repo,
    parent as path,
    payload ->> 'sha' as blob_sha,
    try(decode(from_base64(replace(payload ->> 'content', chr(10), '')))) as text
from raw_contents
