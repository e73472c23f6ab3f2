-- repo_files: one row per file fetched from a repository's default branch: the CODEOWNERS GitHub
-- reads (kind 'codeowners') and the dependency manifests at the root (kind 'manifest'), with its
-- text decoded from the contents API's base64 (for a file too big to come inline, the git blob's
-- base64, which the collectors put in its place). A file that is not UTF-8 text (GitHub reads
-- CODEOWNERS only as UTF-8) has NULL text rather than failing the rebuild.
select
    org,
    repo,
    parent as path,
    if(parent in ('.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'), 'codeowners', 'manifest')
        as kind,
    payload ->> 'sha' as blob_sha,
    try(decode(from_base64(replace(payload ->> 'content', chr(10), '')))) as text
from raw_contents
