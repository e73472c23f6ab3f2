-- tip_files: one row per file on a repo's default branch at its tip, as the last sync's git
-- mirror had it ([git] mirrors): what is there now, so a path deleted or moved away since a
-- commit changed it is told from one that still is. Submodules are not files of the repo's. A
-- repo with no git mirror (or none read since miner began to list its files) has no rows.
select org, repo, path
from raw_git_tree
