-- pr_files: one row per file a pull request changes (GitHub lists at most 3,000 per PR).
with parsed as (
    -- from_json parses each payload once, into the fields read here
    select
        org,
        repo,
        parent,
        from_json(payload, '{
            "filename": "VARCHAR", "status": "VARCHAR", "additions": "INTEGER",
            "deletions": "INTEGER", "previous_filename": "VARCHAR"
        }') as f
    from raw_files
)
select
    org,
    repo,
    parent::integer as pr_number,
    f.filename as path,
    f.status as status,
    f.additions as additions,
    f.deletions as deletions,
    f.previous_filename as previous_path
from parsed
