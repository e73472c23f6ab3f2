-- cross_team_approval_latency: one row per pull request and team whose approval it needs, for
-- teams the author is not a member of: approval_latency filtered on is_cross_team.
-- computed on read
select *
from approval_latency
where is_cross_team
