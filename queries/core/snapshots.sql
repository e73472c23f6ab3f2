-- snapshots: one row per org: as_of, the time its data was taken (the GitHub server's clock at
-- the last sync, or an imported mirror's as_of.txt). Open work is measured up to this instant.
-- A failed run makes an org only when a run stored its data (raw_orgs): a sync of an org GitHub
-- does not have, a typo in --org, records its run and its as_of, and makes no org. (When each
-- run started and finished is in sync_runs: a rebuild inside a sync runs before its run ends.)
select org, max(as_of) as as_of
from sync_runs
where org is not null and as_of is not null
  and (status <> 'failed' or org in (select org from raw_orgs))
group by org
