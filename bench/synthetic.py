"""A synthetic warehouse of N pull requests, written straight into the raw layer by SQL (a JSON
mirror of a million PRs would take hours to write and read); shapes follow GitHub's payloads."""

from __future__ import annotations

from pathlib import Path

from miner.config import Config
from miner.transform import rebuild
from miner.warehouse import Warehouse

TEAMS = 12
PEOPLE = 300
REPOS = 60

# A team member as the org's lists give them now: one account in a hundred renamed since the PR
# payloads (which keep its old login) were fetched, so the core tables name it by its account id.
_MEMBER = (
    "json_object('login', 'dev' || p || if(p % 100 = 0, '-renamed', ''), 'type', 'User', 'id', p)"
)

# Each statement fills one raw table; {n} is the number of PRs. Randomness comes from hash(),
# so the warehouse is the same on every run.
_RAW_SQL = (
    """insert into raw_orgs select 'acme', 'acme', null, null,
        '{"login":"acme","type":"Organization"}'::json, now(), 0""",
    f"""insert into raw_teams
        select 't' || i, 'acme', null, null,
            json_object('slug', 't' || i, 'name', 'Team ' || i, 'id', i,
                'parent', case when i >= 8 then json_object('slug', 't' || (i % 4)) end),
            now(), 0
        from range({TEAMS}) as r(i)""",
    f"""insert into raw_team_members
        select 't' || (p % {TEAMS}) || '/dev' || p, 'acme', null, 't' || (p % {TEAMS}), {_MEMBER},
            now(), 0
        from range({PEOPLE}) as r(p)
        union all
        select 't' || ((p * 7) % {TEAMS}) || '/dev' || p, 'acme', null, 't' || ((p * 7) % {TEAMS}),
            {_MEMBER}, now(), 0
        from range({PEOPLE}) as r(p) where p % 5 = 0 and (p * 7) % {TEAMS} <> p % {TEAMS}""",
    f"""insert into raw_repos
        select 'acme/r' || i, 'acme', null, null,
            json_object('full_name', 'acme/r' || i, 'name', 'r' || i, 'default_branch', 'main'),
            now(), 0
        from range({REPOS}) as r(i)""",
    f"""insert into raw_contents
        select 'acme/r' || i || ':.github/CODEOWNERS', 'acme', 'acme/r' || i, '.github/CODEOWNERS',
            json_object('path', '.github/CODEOWNERS', 'encoding', 'base64', 'content',
                to_base64(encode('* @acme/t' || (i % {TEAMS}) || chr(10)
                    || '/src/core/ @acme/t' || ((i + 1) % {TEAMS}) || chr(10)
                    || '/src/auth/ @acme/t' || ((i + 2) % {TEAMS}) || ' @dev' || i || chr(10)
                    || '/docs/' || chr(10)))),
            now(), 0
        from range({REPOS}) as r(i)""",
    # The PRs: a year of history; 85% merged, 8% closed, the rest open; 5% opened as drafts.
    f"""create temp table synth_prs as
        select
            n,
            'acme/r' || (n % {REPOS}) as repo,
            'dev' || (hash(n) % {PEOPLE}) as author,
            hash(n) % {PEOPLE} as author_id,
            timestamptz '2025-06-01 00:00:00+00' + (hash(n, 1) % 31536000) * interval 1 second
                as created_at,
            (hash(n, 2) % 100) as fate,
            (hash(n, 3) % 100) < 5 as was_draft,
            (1 + hash(n, 4) % 96) * interval 1 hour as life
        from range(1, {{n}} + 1) as r(n)""",
    """insert into raw_pulls
        select repo || '#' || n, 'acme', repo, null,
            json_object('number', n, 'id', n, 'title', 'Change ' || n,
                'user', json_object('login', author, 'type', 'User', 'id', author_id),
                'state', case when fate < 93 then 'closed' else 'open' end,
                'draft', false,
                'created_at', strftime(created_at, '%Y-%m-%dT%H:%M:%SZ'),
                'updated_at', strftime(created_at + life, '%Y-%m-%dT%H:%M:%SZ'),
                'closed_at', case when fate < 93 then strftime(created_at + life, '%Y-%m-%dT%H:%M:%SZ') end,
                'merged_at', case when fate < 85 then strftime(created_at + life, '%Y-%m-%dT%H:%M:%SZ') end,
                'merge_commit_sha', md5(n::varchar), 'html_url', 'https://github.com/' || repo || '/pull/' || n,
                'head', json_object('ref', 'topic' || n, 'sha', md5('h' || n)),
                'base', json_object('ref', 'main')),
            now(), 0
        from synth_prs""",
    # Timeline: a request (a person or a team) at opening, ready_for_review for drafts, and
    # merged + closed at the end.
    f"""insert into raw_timeline
        select repo || '#' || n || '/' || lpad(k::varchar, 6, '0'), 'acme', repo, n::varchar, payload,
            now(), 0
        from (
            select n, repo, 0 as k, json_object('event', 'ready_for_review', 'id', n * 10,
                'actor', json_object('login', author, 'id', author_id),
                'created_at', strftime(created_at + interval 3 hour, '%Y-%m-%dT%H:%M:%SZ')) as payload
            from synth_prs where was_draft
            union all
            select n, repo, 1, json_object('event', 'review_requested', 'id', n * 10 + 1,
                'actor', json_object('login', author, 'id', author_id),
                'created_at', strftime(created_at + interval 2 second, '%Y-%m-%dT%H:%M:%SZ'),
                'requested_team', case when n % 3 = 0 then json_object('slug', 't' || (n % {TEAMS})) end,
                'requested_reviewer', case when n % 3 <> 0
                    then json_object('login', 'dev' || (hash(n, 5) % {PEOPLE}), 'type', 'User',
                        'id', hash(n, 5) % {PEOPLE}) end)
            from synth_prs
            union all
            select n, repo, 2, json_object('event', 'merged', 'id', n * 10 + 2,
                'actor', json_object('login', author, 'id', author_id),
                'created_at', strftime(created_at + life, '%Y-%m-%dT%H:%M:%SZ'))
            from synth_prs where fate < 85
            union all
            select n, repo, 3, json_object('event', 'closed', 'id', n * 10 + 3,
                'actor', json_object('login', author, 'id', author_id),
                'created_at', strftime(created_at + life, '%Y-%m-%dT%H:%M:%SZ'))
            from synth_prs where fate < 93
        )""",
    # Reviews: two per PR, the first a comment or changes requested, the second an approval.
    f"""insert into raw_reviews
        select repo || '#' || n || '/' || (n * 10 + k), 'acme', repo, n::varchar,
            json_object('id', n * 10 + k,
                'user', json_object('login', 'dev' || (hash(n, 5 + k) % {PEOPLE}), 'type', 'User',
                    'id', hash(n, 5 + k) % {PEOPLE}),
                'state', case when k = 0 then (case when n % 2 = 0 then 'COMMENTED'
                    else 'CHANGES_REQUESTED' end) else 'APPROVED' end,
                'submitted_at', strftime(created_at + life * (0.3 + 0.6 * k), '%Y-%m-%dT%H:%M:%SZ'),
                'commit_id', md5('h' || n)),
            now(), 0
        from synth_prs, range(2) as r(k)""",
    """insert into raw_files
        select repo || '#' || n || '/' || path, 'acme', repo, n::varchar,
            json_object('filename', path, 'status', 'modified', 'additions', 3, 'deletions', 1),
            now(), 0
        from (
            select n, repo, unnest([
                'src/core/m' || (n % 97) || '.py',
                case when n % 4 = 0 then 'src/auth/a' || (n % 13) || '.py' else 'docs/d' || (n % 31) || '.md' end,
                'lib/x' || (n % 211) || '.py']) as path
            from synth_prs
        )""",
    """insert into raw_commits
        select repo || '#' || n || '/' || md5('c' || n), 'acme', repo, n::varchar,
            json_object('sha', md5('c' || n), 'author', json_object('login', author, 'id', author_id),
                'commit', json_object('author', json_object('email', author || '@example.com',
                    'date', strftime(created_at - interval 5 hour, '%Y-%m-%dT%H:%M:%SZ')))),
            now(), 0
        from synth_prs""",
    """insert into sync_runs (id, kind, org, source, started_at, finished_at, status, as_of)
        values (0, 'bench', 'acme', 'synthetic', now(), now(), 'ok',
            timestamptz '2026-06-05 00:00:00+00')""",
)


def build(path: Path, prs: int) -> Warehouse:
    """Write a synthetic warehouse of `prs` pull requests at `path` and rebuild it."""
    # DuckDB's default memory (80% of RAM): whoever keeps a 1,000,000-PR warehouse raises
    # [warehouse] memory_limit, and the bench measures the views, not the spilling
    wh = Warehouse.open(path, memory_limit=None)
    with wh.transaction():
        for statement in _RAW_SQL:
            wh.con.execute(statement.replace("{n}", str(prs)))
    rebuild(wh, Config())
    return wh
