-- pr_files: one row per file a pull request changes (GitHub lists at most 3,000 per PR).
select
    org,
    repo,
    parent::integer as pr_number,
    payload ->> 'filename' as path,
    payload ->> 'status' as status,
    (payload ->> 'additions')::integer as additions,
    (payload ->> 'deletions')::integer as deletions,
    payload ->> 'previous_filename' as previous_path
from raw_files
qualify row_number() over (partition by key order by fetched_at desc) = 1
