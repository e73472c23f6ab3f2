-- tip_files: one row per file on a repo's default branch at its tip, as the last sync's git
-- mirror had it ([git] mirrors): what is there now, so a path deleted or moved away since a
-- commit changed it is told from one that still is. A submodule is a path here, as in
-- commit_files: CODEOWNERS can own it. A repo with no git mirror (or none read since miner began
-- to list its files) has no rows, and so has one whose tip has no files.
select org, repo, path
from raw_git_tree
