"""Cross-repo links through a real warehouse: pr_references, pr_bumps, cross_repo_handoffs and
repo_dependencies (their header comments and METRICS.md, "Cross-repo dependencies"), on small
orgs imported with the `miner` command line. Every expected row is worked out by hand below.

T0 is Monday 2026-03-02 09:00 UTC; hours are offsets from it; as_of is T0 + 336 h (the
MirrorBuilder default). Repo names in the warehouse are ORG/NAME.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from miner.config import Config
from miner.transform import rebuild
from miner.warehouse import Warehouse
from tests.mirror_builder import MirrorBuilder
from tests.test_cli import miner

T0_SQL = "timestamptz '2026-03-02 09:00:00+00'"


def _hours(column: str) -> str:
    """SQL for `column` as hours after T0."""
    return f"epoch({column} - {T0_SQL}) / 3600.0"


def _import(folder: Path, b: MirrorBuilder) -> Path:
    """Write the mirror under `folder` and import it with the CLI (cwd `folder`, so a
    miner.toml there is the config); the warehouse file."""
    mirror = b.write(folder / "mirror")
    out = miner("--db", "w.duckdb", "import", str(mirror), cwd=folder)
    assert out.returncode == 0, out.stderr
    return folder / "w.duckdb"


def _query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with Warehouse.open(db, read_only=True) as wh:
        return wh.query(sql)


def _references(folder: Path, b: MirrorBuilder) -> list[tuple[Any, ...]]:
    """Import `b` and give its pr_references as (target_repo, target_number, phrase) rows."""
    return _query(
        _import(folder, b),
        "select target_repo, target_number, phrase from pr_references order by target_number",
    )


def _with_members(db: Path, repo: str, files: dict[str, str]) -> None:
    """Store `files` (path: text) as the manifests the git mirror of `repo` gave (workspace
    members, a Gradle catalog), as a sync with mirrors does, and rebuild."""
    with Warehouse.open(db) as wh:
        wh.store_git_manifests("acme", repo, pa.table({
            "path": list(files), "sha": [str(n) for n in range(len(files))],
            "text": list(files.values()),
        }))  # fmt: skip
        rebuild(wh, Config())


# -- the links org ---------------------------------------------------------------------------------
#
# Teams: ui = uma, ulf; web = wes, wanda; api = ava. dependabot[bot] and renovate[bot] are bots
# (in no team: 'unassigned').
#
# Manifests: lib publishes npm @acme/ui 1.1.0 (package.json) and PyPI Acme_Utils 2.0.1
# (pyproject.toml); web consumes @acme/ui ^1.0.0 and lodash; api consumes acme-utils==2.0.0.
#
# lib (upstream side)
#   #1 uma  opened 0,  merged 10; its timeline: cross-referenced by acme/api#1 at 15
#   #2 wes  opened 2,  merged 20
#   #3 ulf  opened 5,  open
#   #4 uma  opened 6,  closed unmerged 12
#   #5 uma  opened 30, merged 40; body "Blocks acme/web#8"
#   #6 ulf  opened 60, merged 65
#   #7 ulf  opened 80, open; "Bump @acme/ui from 1.1.0 to 1.2.0": lib publishes it itself
# web
#   #1 wes    opened 1,  merged 16; body "Depends on acme/lib#1"              (ORG/REPO#N, body)
#   #2 wanda  opened 3,  merged 29; body "See https://github.com/acme/lib/pull/2 for context"
#                                                                            (URL, body, mention)
#   #3 wanda  opened 4,  open; comment at 7 "Blocked by https://github.com/acme/lib/pull/3"
#                                                                            (URL, comment)
#   #4 wes    opened 8,  open; comment at 9 "Needs acme/lib#4"           (ORG/REPO#N, comment)
#   #5 wes    opened 21, open; body "Ship after acme/lib#2 lands"
#   #6 wanda  opened 22, merged 23; body "Depends on acme/web#1 and #2"   (same repo, bare #N)
#   #7 wanda  opened 24, open; body "Depends on acme/lib#99" / "Fixes .../acme/lib/issues/98"
#                                 / "Mirrors https://ghe.example.com/acme/lib/pull/3" (not GitHub)
#   #8 wanda  opened 31, merged 50; its timeline: cross-referenced by acme/lib#5 at 30.5
#   #9 dependabot[bot] opened 45, merged 48; "Bump @acme/ui from 1.0.0 to 1.1.0"
#   #10 dependabot[bot] opened 46, open; "Bump lodash from 4.17.20 to 4.17.21" (not internal)
#   #11 wes   opened 2,  merged 5; body "Related: https://github.com/acme/lib/pull/1"
# api
#   #1 ava  opened 14, merged 30 (no text: only GitHub's cross-referenced event on lib#1)
#   #2 ava  opened 60, open; body of phrases, every target a lib number no PR has (61-73)
#   #3 renovate[bot] opened 70, open; "Update dependency acme-utils to v2.0.1"
#   #4 ava  opened 90, open; body "Related to acme/lib#740, depends on acme/lib#74" (no such PRs)
#   #5 ava  opened 95, open; body CLAUSES, every target a lib number no PR has (75-90)

PHRASES = """\
Depends on acme/lib#61
depending on acme/lib#62
Requires acme/lib#63
needs acme/lib#64
Merge after acme/lib#65
Blocks acme/lib#66
blocking acme/lib#67
This is required by acme/lib#68
Related: acme/lib#69
Blocked by acme/lib#70, see also acme/lib#71
Blocks acme/lib#72 but depends on acme/lib#73"""

CLAUSES = """\
After the outage, this updates acme/lib#75
This needs more tests. See acme/lib#76
Depends on acme/lib#77. It also touches acme/lib#78
Land after acme/lib#79, acme/lib#80 and acme/lib#81
Needs: [the client](https://github.com/acme/lib/pull/82)
Fixes a crash (see acme/lib#83)! Blocks acme/lib#84
It requires a lot; acme/lib#85 is one
Requires e.g. acme/lib#86 and acme/lib#87... and acme/lib#88

Depends on:
1. acme/lib#89
12. acme/lib#90"""


def _links_org() -> MirrorBuilder:
    b = MirrorBuilder(teams={"ui": ["uma", "ulf"], "web": ["wes", "wanda"], "api": ["ava"]})
    b.files[("lib", "package.json")] = json.dumps({"name": "@acme/ui", "version": "1.1.0"})
    b.files[("lib", "pyproject.toml")] = '[project]\nname = "Acme_Utils"\nversion = "2.0.1"\n'
    b.files[("web", "package.json")] = json.dumps(
        {
            "name": "web",
            "private": True,
            "dependencies": {"@acme/ui": "^1.0.0", "lodash": "^4.17.20"},
        }
    )
    b.files[("api", "requirements.txt")] = "acme-utils==2.0.0\n"

    merged = {"state": "closed", "merged": True}
    b.pull("lib", "uma", 0, closed=10, **merged).cross_referenced("acme/api", 1, 15, by="ava")
    b.pull("lib", "wes", 2, closed=20, **merged)
    b.pull("lib", "ulf", 5)
    b.pull("lib", "uma", 6, state="closed", closed=12)
    b.pull("lib", "uma", 30, closed=40, body="Blocks acme/web#8", **merged)
    b.pull("lib", "ulf", 60, closed=65, **merged)
    b.pull("lib", "ulf", 80, title="Bump @acme/ui from 1.1.0 to 1.2.0")

    b.pull("web", "wes", 1, closed=16, body="Depends on acme/lib#1", **merged)
    b.pull("web", "wanda", 3, closed=29, **merged,
           body="See https://github.com/acme/lib/pull/2 for context")  # fmt: skip
    b.pull("web", "wanda", 4).comment("wanda", 7, "Blocked by https://github.com/acme/lib/pull/3")
    b.pull("web", "wes", 8).comment("wes", 9, "Needs acme/lib#4")
    b.pull("web", "wes", 21, body="Ship after acme/lib#2 lands")
    b.pull("web", "wanda", 22, closed=23, body="Depends on acme/web#1 and #2", **merged)
    b.pull("web", "wanda", 24, body="Depends on acme/lib#99\r\n"
           "Fixes https://github.com/acme/lib/issues/98\r\n"
           "Mirrors https://ghe.example.com/acme/lib/pull/3")  # fmt: skip
    b.pull("web", "wanda", 31, closed=50, **merged).cross_referenced("acme/lib", 5, 30.5, by="uma")
    b.pull("web", "dependabot[bot]", 45, closed=48, title="Bump @acme/ui from 1.0.0 to 1.1.0",
           **merged)  # fmt: skip
    b.pull("web", "dependabot[bot]", 46, title="Bump lodash from 4.17.20 to 4.17.21")
    b.pull("web", "wes", 2, closed=5, body="Related: https://github.com/acme/lib/pull/1", **merged)

    b.pull("api", "ava", 14, closed=30, **merged)
    b.pull("api", "ava", 60, body=PHRASES)
    b.pull("api", "renovate[bot]", 70, title="Update dependency acme-utils to v2.0.1")
    b.pull("api", "ava", 90, body="Related to acme/lib#740, depends on acme/lib#74")
    b.pull("api", "ava", 95, body=CLAUSES)
    return b


@pytest.fixture(scope="module")
def links_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _import(tmp_path_factory.mktemp("links"), _links_org())


def test_pr_references_reads_bodies_comments_and_the_cross_referenced_event(
    links_db: Path,
) -> None:
    rows = _query(
        links_db,
        "select repo, pr_number, target_repo, target_number, phrase, source, "
        f"{_hours('referenced_at')} from pr_references "
        "where not (repo = 'acme/api' and pr_number in (2, 4, 5)) "
        "order by all",
    )
    assert rows == sorted(
        [
            # a body is read at the PR's creation, a comment at the comment
            ("acme/web", 1, "acme/lib", 1, "depends_on", "body", 1.0),
            ("acme/web", 2, "acme/lib", 2, "mention", "body", 3.0),
            ("acme/web", 3, "acme/lib", 3, "depends_on", "comment", 7.0),
            ("acme/web", 4, "acme/lib", 4, "depends_on", "comment", 9.0),
            ("acme/web", 5, "acme/lib", 2, "depends_on", "body", 21.0),  # "after"
            # web#6 names only its own repo (acme/web#1, bare #2): nothing. web#7 names a PR
            # number nobody has and an issue: both are references (handoffs leave them out);
            # its third line's host is not github.com: not read
            ("acme/web", 7, "acme/lib", 99, "depends_on", "body", 24.0),
            ("acme/web", 7, "acme/lib", 98, "mention", "body", 24.0),
            ("acme/web", 11, "acme/lib", 1, "mention", "body", 2.0),
            ("acme/lib", 5, "acme/web", 8, "blocks", "body", 30.0),
            # GitHub's event sits on the referenced PR; the referencing PR is the row's PR
            ("acme/lib", 5, "acme/web", 8, "mention", "timeline", 30.5),
            ("acme/api", 1, "acme/lib", 1, "mention", "timeline", 15.0),
        ]
    )


def test_links_to_the_configured_enterprise_server_are_references(
    links_db: Path, tmp_path: Path
) -> None:
    # the same warehouse rebuilt for a GitHub Enterprise Server at ghe.example.com
    shutil.copy(links_db, tmp_path / "w.duckdb")
    (tmp_path / "miner.toml").write_text(
        '[github]\norg = "acme"\napi_url = "https://ghe.example.com/api/v3"\n'
    )
    out = miner("--db", "w.duckdb", "rebuild", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    rows = _query(
        tmp_path / "w.duckdb",
        "select target_repo, target_number, phrase from pr_references "
        "where repo = 'acme/web' and pr_number = 7 order by all",
    )
    # web#7's third line, "Mirrors https://ghe.example.com/acme/lib/pull/3", is read now, and
    # its acme/lib#99, which the server links to its own acme/lib; its github.com link is not:
    # github.com's acme/lib is another org's repo than the server's
    assert rows == [("acme/lib", 3, "mention"), ("acme/lib", 99, "depends_on")]


def test_pr_references_phrase_is_the_last_phrase_before_the_reference_on_its_line(
    links_db: Path,
) -> None:
    rows = _query(
        links_db,
        "select target_number, phrase from pr_references "
        "where repo = 'acme/api' and pr_number = 2 order by target_number",
    )
    assert rows == [
        (61, "depends_on"),  # Depends on
        (62, "depends_on"),  # depending on
        (63, "depends_on"),  # Requires
        (64, "depends_on"),  # needs
        (65, "depends_on"),  # after
        (66, "blocks"),  # Blocks
        (67, "blocks"),  # blocking
        (68, "blocks"),  # required by
        (69, "mention"),  # no phrase
        (70, "depends_on"),  # Blocked by
        (71, "depends_on"),  # "Blocked by" is still the last phrase before it on the line
        (72, "blocks"),  # Blocks ... but
        (73, "depends_on"),  # ... depends on: the last phrase before #73
    ]


def test_pr_bumps_ties_a_bump_to_the_last_upstream_merge_before_it_opened(links_db: Path) -> None:
    rows = _query(
        links_db,
        "select repo, pr_number, package, version, upstream_repo, upstream_pr, released_at, "
        "tied_by from pr_bumps order by all",
    )
    # no git mirror, so no tags: each is tied by the bump's creation.
    # web#9 opened 45: lib merged #1 at 10, #2 at 20, #5 at 40, #6 at 65 -> #5.
    # api#3 opened 70: "acme-utils" is Acme_Utils by its normalised name -> #6 (merged 65).
    # lib#7 bumps lib's own package and web#10 a package no repo of the org publishes: none.
    assert rows == [
        ("acme/api", 3, "Acme_Utils", "2.0.1", "acme/lib", 6, None, "bump opened"),
        ("acme/web", 9, "@acme/ui", "1.1.0", "acme/lib", 5, None, "bump opened"),
    ]


def test_pr_references_phrase_of_a_reference_whose_text_starts_another_on_the_line(
    links_db: Path,
) -> None:
    # api#4: "Related to acme/lib#740, depends on acme/lib#74". #740 comes after no phrase; #74
    # comes after "depends on". Finding "acme/lib#74" by its text finds it first inside
    # "acme/lib#740", where only "related to " precedes it.
    rows = _query(
        links_db,
        "select target_number, phrase from pr_references "
        "where repo = 'acme/api' and pr_number = 4 order by target_number",
    )
    assert rows == [(74, "depends_on"), (740, "mention")]


def test_a_phrase_reaches_only_the_references_of_its_clause(links_db: Path) -> None:
    # api#5: a phrase governs a reference in its clause (up to . ; ! or ? and a space) with no
    # comma between the phrase and the clause's first reference.
    rows = _query(
        links_db,
        "select target_number, phrase from pr_references "
        "where repo = 'acme/api' and pr_number = 5 order by target_number",
    )
    assert rows == [
        (75, "mention"),  # "After the outage," : a comma before the reference
        (76, "mention"),  # "needs more tests." ends its clause
        (77, "depends_on"),  # "Depends on acme/lib#77."
        (78, "mention"),  # ... a new sentence
        (79, "depends_on"),  # "Land after" a list of three
        (80, "depends_on"),
        (81, "depends_on"),
        (82, "depends_on"),  # "Needs:" a Markdown link
        (83, "mention"),  # no phrase
        (84, "blocks"),  # "! Blocks"
        (85, "mention"),  # "requires a lot;" ends its clause
        (86, "depends_on"),  # "e.g." and "..." end no clause
        (87, "depends_on"),
        (88, "depends_on"),
        (89, "depends_on"),  # a numbered list under "Depends on:"
        (90, "depends_on"),
    ]


HANDOFF_SQL = f"""
select upstream_repo, upstream_pr, downstream_repo, downstream_pr, links,
    {_hours("linked_at")}, handoff_hours, status, waiting_hours, is_cross_team
from cross_repo_handoffs order by downstream_repo, downstream_pr
"""


def test_cross_repo_handoffs_one_row_per_linked_pair(links_db: Path) -> None:
    # fmt: off
    expected = [
        # GitHub's event alone: api#1 names lib#1. Merged 10 and 30: 20 h. ui vs api.
        ("acme/lib", 1, "acme/api", 1, ["cross_reference"], 15.0, 20.0, "merged", None, True),
        # renovate's bump of acme-utils, tied to lib#6 (merged 65); api#3 still open: it has
        # waited from 65 to as_of 336, 271 h. linked at the bump's opening (70)
        ("acme/lib", 6, "acme/api", 3, ["bump"], 70.0, None, "downstream open", 271.0, True),
        # web#1 depends on lib#1: merged 10 and 16, 6 h
        ("acme/lib", 1, "acme/web", 1, ["depends_on"], 1.0, 6.0, "merged", None, True),
        # web#2 mentions lib#2: merged 20 and 29, 9 h; wes and wanda are both web
        ("acme/lib", 2, "acme/web", 2, ["mention"], 3.0, 9.0, "merged", None, False),
        # lib#3 is open
        ("acme/lib", 3, "acme/web", 3, ["depends_on"], 7.0, None, "upstream open", None, True),
        # lib#4 closed unmerged
        ("acme/lib", 4, "acme/web", 4, ["depends_on"], 9.0, None, "closed", None, True),
        # lib#2 merged at 20, web#5 open: waiting 336 - 20 = 316 h
        ("acme/lib", 2, "acme/web", 5, ["depends_on"], 21.0, None, "downstream open", 316.0,
         False),
        # web#6 (same repo), web#7 (unknown PR, an issue, another host) and api#2 and api#4
        # (no such lib PRs) are left out.
        # lib#5 "Blocks acme/web#8" and the event on web#8 naming lib#5 the other way round:
        # one row, lib#5 upstream as "blocks" says; merged 40 and 50, 10 h; linked at 30
        ("acme/lib", 5, "acme/web", 8, ["blocks", "cross_reference"], 30.0, 10.0, "merged",
         None, True),
        # dependabot's bump of @acme/ui, tied to lib#5: merged 40 and 48, 8 h
        ("acme/lib", 5, "acme/web", 9, ["bump"], 45.0, 8.0, "merged", None, True),
        # web#11 merged at 5, before lib#1 (10): -5 h, a mention that was no wait
        ("acme/lib", 1, "acme/web", 11, ["mention"], 2.0, -5.0, "merged", None, True),
    ]
    # fmt: on
    assert _query(links_db, HANDOFF_SQL) == expected


def test_cross_repo_handoffs_in_business_hours(links_db: Path) -> None:
    # the downstream author's calendar, here the default, 09:00-17:00 UTC Monday to Friday; hour
    # 0 is Monday 09:00 and as_of (336) two Mondays later at 09:00
    rows = _query(
        links_db,
        "select handoff_business_hours, waiting_business_hours, calendar "
        "from cross_repo_handoffs order by downstream_repo, downstream_pr",
    )
    assert [r[2] for r in rows] == ["default"] * 10
    assert [r[:2] for r in rows] == [
        (6.0, None),  # lib#1 Monday 19:00 -> api#1 Tuesday 15:00: Tuesday 09-15
        (None, 56.0),  # lib#6 Thursday 02:00 -> as_of: Thursday, Friday and a week: 8 x 7
        (0.0, None),  # lib#1 Monday 19:00 -> web#1 Tuesday 01:00: no working hour
        (5.0, None),  # lib#2 Tuesday 05:00 -> web#2 Tuesday 14:00
        (None, None),  # upstream open
        (None, None),  # closed
        (None, 72.0),  # lib#2 Tuesday 05:00 -> as_of: Tuesday to Friday and a week: 8 x 9
        (2.0, None),  # lib#5 Wednesday 01:00 -> web#8 Wednesday 11:00
        (0.0, None),  # lib#5 Wednesday 01:00 -> web#9 Wednesday 09:00
        (-3.0, None),  # web#11 merged Monday 14:00, before lib#1 (19:00): 5 - 8 worked hours
    ]


def test_cross_repo_handoffs_carry_both_authors_and_their_teams(links_db: Path) -> None:
    rows = _query(
        links_db,
        "select upstream_author, upstream_teams, downstream_author, downstream_teams "
        "from cross_repo_handoffs where downstream_pr in (8, 9) and downstream_repo = 'acme/web' "
        "order by downstream_pr",
    )
    assert rows == [
        ("uma", ["ui"], "wanda", ["web"]),
        ("uma", ["ui"], "dependabot[bot]", ["unassigned"]),  # a bot is in no team
    ]
    bots = _query(
        links_db,
        "select upstream_author_is_bot, downstream_author_is_bot from cross_repo_handoffs "
        "where downstream_pr in (8, 9) and downstream_repo = 'acme/web' order by downstream_pr",
    )
    assert bots == [(False, False), (False, True)]
    # every view carries org and repo (METRICS.md): here the downstream PR's, the one that waits
    plain = _query(
        links_db,
        "select count(*), count(*) filter (where repo = downstream_repo and "
        "pr_number = downstream_pr and repo <> upstream_repo) from cross_repo_handoffs",
    )
    assert plain == [(10, 10)]


def test_cross_repo_handoffs_through_miner_query_json(links_db: Path) -> None:
    out = miner(
        "--db", links_db.name, "query", "--sql",
        "select status, count(*) as pairs from cross_repo_handoffs group by status order by status",
        "--format", "json", cwd=links_db.parent,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    # from the 10 rows above: merged 6 (api#1, web#1, #2, #8, #9, #11), downstream open 2
    # (api#3, web#5), upstream open 1 (web#3), closed 1 (web#4)
    assert json.loads(out.stdout) == [
        {"status": "closed", "pairs": 1},
        {"status": "downstream open", "pairs": 2},
        {"status": "merged", "pairs": 6},
        {"status": "upstream open", "pairs": 1},
    ]


# -- the dependencies org --------------------------------------------------------------------------
#
# Teams: frontend = fay; web = wes, wanda; backend = ava; data = dan; design = uma. erin is in no
# team; dependabot[bot] is a bot.
#
#   data-lib  pyproject.toml: publishes PyPI "Acme.Data-Lib" 3.1.0; its test extra names itself
#             ("acme_data_lib[fixtures]"): no edge. PRs: dan, dan, ava -> busiest team data.
#   api       requirements.txt: acme_data_lib==3.1.0, flask; pyproject.toml: dependency group
#             test = ["Acme.Data-Lib>=3"]; go.mod: module github.com/acme/api, requires
#             github.com/acme/proto v1.4.0. CODEOWNERS "* @acme/backend".
#   proto     go.mod: module github.com/acme/proto. .github/CODEOWNERS owns only /docs/ (no line
#             owns go.mod). PRs: ava, dependabot[bot] x2, erin -> backend (bots, no-team aside).
#   ui-kit    package.json: publishes @acme/ui-kit 2.4.0. PRs: wes, uma: one each, a tie -> the
#             first name, design.
#   web       package.json (private): @acme/ui-kit ^2.0.0 and react (runtime), @acme/lint-config
#             ^1.0.0 (dev). .github/CODEOWNERS "* @acme/web" then "/package.json @acme/frontend":
#             the last match, frontend, although web's people wrote all its PRs.
#   tooling   no manifest; the config says it publishes npm:@acme/lint-config. PR by erin only:
#             no team at all.
#   docs      package.json (private): devDependencies @acme/ui-kit; the config removes docs ->
#             ui-kit. PR by wanda.
#
# miner.toml adds web -> acme/api ("OpenAPI client").

DEPENDENCIES_TOML = """\
[dependencies]
publishes = { tooling = ["npm:@acme/lint-config"] }
add = [{ repo = "web", depends_on = "acme/api", note = "OpenAPI client" }]
remove = [{ repo = "acme/docs", depends_on = "ui-kit" }]
"""


def _dependencies_org() -> MirrorBuilder:
    b = MirrorBuilder(
        teams={
            "frontend": ["fay"],
            "web": ["wes", "wanda"],
            "backend": ["ava"],
            "data": ["dan"],
            "design": ["uma"],
        }
    )
    b.files[("data-lib", "pyproject.toml")] = """\
[project]
name = "Acme.Data-Lib"
version = "3.1.0"
dependencies = ["requests>=2.31"]

[project.optional-dependencies]
test = ["acme_data_lib[fixtures]", "pytest>=8"]
"""
    b.files[("api", "requirements.txt")] = "acme_data_lib==3.1.0\nflask==3.0.3\n"
    b.files[("api", "pyproject.toml")] = '[dependency-groups]\ntest = ["Acme.Data-Lib>=3"]\n'
    b.files[("api", "go.mod")] = (
        "module github.com/acme/api\n\ngo 1.22\n\nrequire github.com/acme/proto v1.4.0\n"
    )
    b.files[("api", "CODEOWNERS")] = "* @acme/backend\n"
    b.files[("proto", "go.mod")] = "module github.com/acme/proto\n\ngo 1.22\n"
    b.files[("proto", ".github/CODEOWNERS")] = "/docs/ @acme/design\n"
    b.files[("ui-kit", "package.json")] = json.dumps(
        {"name": "@acme/ui-kit", "version": "2.4.0", "peerDependencies": {"react": ">=18"}}
    )
    b.files[("web", "package.json")] = json.dumps(
        {
            "name": "web",
            "private": True,
            "dependencies": {"@acme/ui-kit": "^2.0.0", "react": "^18.3.1"},
            "devDependencies": {"@acme/lint-config": "^1.0.0"},
        }
    )
    b.files[("web", ".github/CODEOWNERS")] = "* @acme/web\n/package.json @acme/frontend\n"
    b.files[("docs", "package.json")] = json.dumps(
        {"name": "docs", "private": True, "devDependencies": {"@acme/ui-kit": "^2.0.0"}}
    )
    for repo, authors in {
        "data-lib": ["dan", "dan", "ava"],
        "api": ["ava"],
        "proto": ["ava", "dependabot[bot]", "dependabot[bot]", "erin"],
        "ui-kit": ["wes", "uma"],
        "web": ["wes", "wes"],
        "tooling": ["erin"],
        "docs": ["wanda"],
    }.items():
        for i, author in enumerate(authors):
            b.pull(repo, author, i)
    return b


@pytest.fixture(scope="module")
def dependencies_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dependencies")
    (folder / "miner.toml").write_text(DEPENDENCIES_TOML, encoding="utf-8")
    return _import(folder, _dependencies_org())


def test_repo_dependencies_edges_scopes_config_and_owning_teams(dependencies_db: Path) -> None:
    rows = _query(
        dependencies_db,
        "select repo, depends_on_repo, package, ecosystem, manifest_path, requirement, scope, "
        "source, note, repo_teams, depends_on_teams from repo_dependencies order by all",
    )
    backend, data, frontend = ["backend"], ["data"], ["frontend"]
    assert rows == [
        # one row per manifest: api names data-lib's package in two, spelt two ways that PEP 503
        # makes one (acme-data-lib)
        ("acme/api", "acme/data-lib", "Acme.Data-Lib", "pypi", "pyproject.toml", ">=3",
         "group:test", "manifest", None, backend, data),
        ("acme/api", "acme/data-lib", "acme_data_lib", "pypi", "requirements.txt", "==3.1.0",
         "runtime", "manifest", None, backend, data),
        # go.mod: the module path as written; proto's CODEOWNERS owns no manifest, so its PRs
        # say: ava's backend (the bots and erin count for no team)
        ("acme/api", "acme/proto", "github.com/acme/proto", "go", "go.mod", "v1.4.0",
         "runtime", "manifest", None, backend, backend),
        # the config's edge: no package, its note
        ("acme/web", "acme/api", None, None, None, None, None, "config", "OpenAPI client",
         frontend, backend),
        # the package only the config says tooling publishes; tooling's one PR is by erin,
        # in no team: no owning team
        ("acme/web", "acme/tooling", "@acme/lint-config", "npm", "package.json", "^1.0.0", "dev",
         "manifest", None, frontend, []),
        # ui-kit: one PR by web's wes, one by design's uma: the tie goes to design
        ("acme/web", "acme/ui-kit", "@acme/ui-kit", "npm", "package.json", "^2.0.0", "runtime",
         "manifest", None, frontend, ["design"]),
    ]  # fmt: skip
    # not there: data-lib naming its own package, docs -> ui-kit (removed by the config), and
    # react/flask/requests/pytest (no repo of the org publishes them)


def test_repo_packages_holds_the_configs_published_package(dependencies_db: Path) -> None:
    rows = _query(
        dependencies_db,
        "select repo, manifest_path, role, ecosystem, package, package_key, source "
        "from repo_packages where role = 'publishes' order by repo, package",
    )
    assert rows == [
        ("acme/api", "go.mod", "publishes", "go", "github.com/acme/api", "github.com/acme/api",
         "manifest"),
        ("acme/data-lib", "pyproject.toml", "publishes", "pypi", "Acme.Data-Lib", "acme-data-lib",
         "manifest"),
        ("acme/proto", "go.mod", "publishes", "go", "github.com/acme/proto",
         "github.com/acme/proto", "manifest"),
        ("acme/tooling", None, "publishes", "npm", "@acme/lint-config", "@acme/lint-config",
         "config"),
        ("acme/ui-kit", "package.json", "publishes", "npm", "@acme/ui-kit", "@acme/ui-kit",
         "manifest"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[dependencies]\npublishes = { tooling = ["nuget:Acme.Lint"] }\n',
            "Error: miner.toml: [dependencies.publishes] 'tooling' = 'nuget:Acme.Lint': expected "
            "ECOSYSTEM:NAME, the ecosystem one of pypi, npm, go, cargo, maven, rubygems",
        ),
        (
            '[dependencies]\nadd = [{ repo = "web" }]\n',
            "Error: miner.toml: [dependencies] add[0]: depends_on is missing",
        ),
        (
            '[dependencies]\nremove = "docs"\n',
            "Error: miner.toml: [dependencies] remove = 'docs': expected an array of tables like "
            '{ repo = "web", depends_on = "api" }',
        ),
        (
            '[dependencies]\nadd = [{ repo = "web", depends_on = 7 }]\n',
            "Error: miner.toml: [dependencies] add[0].depends_on = 7: expected a string",
        ),
        (
            "[dependencies]\nedges = []\n",
            "Error: miner.toml: [dependencies] edges: unknown key (known: publishes, add, remove)",
        ),
    ],
    ids=["ecosystem", "missing-depends-on", "not-an-array", "not-a-string", "unknown-key"],
)
def test_a_bad_dependencies_config_is_one_line_and_exit_code_2(
    tmp_path: Path, toml: str, message: str
) -> None:
    (tmp_path / "miner.toml").write_text(toml, encoding="utf-8")
    mirror = MirrorBuilder().write(tmp_path / "mirror")
    out = miner("--db", "w.duckdb", "import", str(mirror), cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [message]
    assert not (tmp_path / "w.duckdb").exists()  # refused before touching the warehouse


def test_repo_dependencies_one_row_per_manifest_even_when_it_names_a_package_twice(
    tmp_path: Path,
) -> None:
    # An npm plugin library declares its host both as a peer (what its users need) and as a dev
    # dependency (to build and test against): the same package in one manifest, two scopes.
    # repo_dependencies promises one row per (repo, depends_on_repo, package, manifest_path).
    b = MirrorBuilder()
    b.files[("ui-kit", "package.json")] = json.dumps({"name": "@acme/ui-kit", "version": "2.4.0"})
    b.files[("charts", "package.json")] = json.dumps(
        {
            "name": "@acme/charts",
            "version": "1.0.0",
            "peerDependencies": {"@acme/ui-kit": "^2.0.0"},
            "devDependencies": {"@acme/ui-kit": "^2.4.0"},
        }
    )
    for repo in ("ui-kit", "charts"):
        b.pull(repo, "wes", 0)
    db = _import(tmp_path, b)
    rows = _query(
        db,
        "select repo, depends_on_repo, package, manifest_path, count(*) from repo_dependencies "
        "group by all",
    )
    assert rows == [("acme/charts", "acme/ui-kit", "@acme/ui-kit", "package.json", 1)]


def test_repo_dependencies_one_row_for_a_name_spelled_several_ways(tmp_path: Path) -> None:
    # PEP 503: acme_utils, Acme.Utils and acme-utils are one package; the row takes the
    # spelling and requirement of its most binding mention (runtime before a group)
    b = MirrorBuilder()
    b.files[("utils", "pyproject.toml")] = '[project]\nname = "acme-utils"\nversion = "1.2"\n'
    b.files[("app", "pyproject.toml")] = (
        '[project]\nname = "app"\ndependencies = ["acme_utils>=1"]\n'
        '[dependency-groups]\ndev = ["Acme.Utils"]\n'
    )
    for repo in ("utils", "app"):
        b.pull(repo, "wes", 0)
    db = _import(tmp_path, b)
    rows = _query(
        db,
        "select repo, depends_on_repo, package, requirement, scope from repo_dependencies",
    )
    assert rows == [("acme/app", "acme/utils", "acme_utils", ">=1", "runtime")]


def test_a_repo_naming_its_own_package_has_no_edge_when_another_repo_publishes_it_too(
    tmp_path: Path,
) -> None:
    """repo_dependencies: "A repo naming its own package is no edge". lib publishes PyPI acme-x
    and its test extra names itself (acme-x[fix]); lib-fork publishes acme-x too (a fork kept
    in the org). ui publishes npm @acme/ui and its dev dependencies name it (a workspace's
    tooling); ui-legacy, the repo it moved out of, still names @acme/ui. web consumes @acme/ui:
    which of the two publishers it means, the manifests do not say, so both edges stay."""
    b = MirrorBuilder()
    b.files[("lib", "pyproject.toml")] = (
        '[project]\nname = "acme-x"\nversion = "1.0"\n'
        '[project.optional-dependencies]\ntest = ["acme-x[fix]"]\n'
    )
    b.files[("lib-fork", "pyproject.toml")] = '[project]\nname = "acme-x"\nversion = "0.9"\n'
    b.files[("ui", "package.json")] = json.dumps(
        {"name": "@acme/ui", "version": "2.0.0", "devDependencies": {"@acme/ui": "^2.0.0"}}
    )
    b.files[("ui-legacy", "package.json")] = json.dumps({"name": "@acme/ui", "version": "1.0.0"})
    b.files[("web", "package.json")] = json.dumps(
        {"name": "web", "private": True, "dependencies": {"@acme/ui": "^2.0.0"}}
    )
    for repo in ("lib", "lib-fork", "ui", "ui-legacy", "web"):
        b.pull(repo, "wes", 0)
    db = _import(tmp_path, b)
    rows = _query(db, "select repo, depends_on_repo, package from repo_dependencies order by all")
    # not there: lib -> lib-fork and ui -> ui-legacy (each names its own package)
    assert rows == [
        ("acme/web", "acme/ui", "@acme/ui"),
        ("acme/web", "acme/ui-legacy", "@acme/ui"),
    ]


def test_a_bump_of_a_repos_own_package_is_no_handoff_when_another_repo_publishes_it_too(
    tmp_path: Path,
) -> None:
    """pr_bumps: a bump of a package another repo publishes. ui publishes npm @acme/ui 2.0.0 and
    pins its own 1.x for its docs site (devDependencies); ui-legacy, the repo @acme/ui moved
    out of, still names the package. ui#2 bumps @acme/ui: ui's own package, so no bump row and
    no handoff (not one from ui-legacy#1, merged at +1h, before it opened). web#1 bumps it too:
    that one picks up the last upstream merge before it opened (+20h) in each publisher, ui#1
    (merged +2h) and ui-legacy#1, as the manifests do not say which of the two web means."""
    b = MirrorBuilder()
    b.files[("ui", "package.json")] = json.dumps(
        {"name": "@acme/ui", "version": "2.0.0", "devDependencies": {"@acme/ui": "^1.0.0"}}
    )
    b.files[("ui-legacy", "package.json")] = json.dumps({"name": "@acme/ui", "version": "1.0.0"})
    b.files[("web", "package.json")] = json.dumps(
        {"name": "web", "private": True, "dependencies": {"@acme/ui": "^1.0.0"}}
    )
    merged = {"state": "closed", "merged": True}
    b.pull("ui-legacy", "uma", 0, closed=1, **merged)
    b.pull("ui", "uma", 0, closed=2, **merged)
    b.pull("ui", "dependabot[bot]", 10, title="Bump @acme/ui from 1.0.0 to 2.0.0")
    b.pull("web", "dependabot[bot]", 20, title="Bump @acme/ui from 1.0.0 to 2.0.0")
    db = _import(tmp_path, b)
    assert _query(
        db, "select repo, pr_number, upstream_repo, upstream_pr from pr_bumps order by all"
    ) == [("acme/web", 1, "acme/ui", 1), ("acme/web", 1, "acme/ui-legacy", 1)]
    assert _query(
        db,
        "select upstream_repo, upstream_pr, downstream_repo, downstream_pr, links "
        "from cross_repo_handoffs order by all",
    ) == [
        ("acme/ui", 1, "acme/web", 1, ["bump"]),
        ("acme/ui-legacy", 1, "acme/web", 1, ["bump"]),
    ]


def test_a_hatch_toml_at_the_root_names_its_environments_dependencies(tmp_path: Path) -> None:
    """Hatch's environments may live in a hatch.toml beside pyproject.toml, its tables without
    the tool.hatch prefix (hatch.pypa.io, "Configuration"): [envs.test] dependencies and
    [envs.lint] extra-dependencies are groups test and lint of app's hatch.toml. Hatch reads
    that file's [envs] in place of pyproject.toml's [tool.hatch.envs], so legacy's package
    named only there is no edge. By hand: app -> testkit (acme-testkit >=1, group:test) and
    app -> lint (acme-lint, group:lint), both from hatch.toml; nothing to legacy."""
    b = MirrorBuilder()
    b.files[("testkit", "pyproject.toml")] = '[project]\nname = "acme-testkit"\nversion = "1"\n'
    b.files[("lint", "pyproject.toml")] = '[project]\nname = "acme-lint"\nversion = "2"\n'
    b.files[("legacy", "pyproject.toml")] = '[project]\nname = "acme-legacy"\nversion = "3"\n'
    b.files[("app", "pyproject.toml")] = (
        '[project]\nname = "app"\nversion = "0.1"\n'
        '[tool.hatch.envs.old]\ndependencies = ["acme-legacy"]\n'
    )
    b.files[("app", "hatch.toml")] = (
        '[envs.test]\ndependencies = ["acme-testkit>=1", "pytest"]\n'
        '[envs.lint]\ndetached = true\nextra-dependencies = ["acme-lint"]\n'
        '[envs.lint.scripts]\ncheck = "ruff check"\n'
    )
    for repo in ("testkit", "lint", "legacy", "app"):
        b.pull(repo, "wes", 0)
    db = _import(tmp_path, b)
    rows = _query(
        db,
        "select repo, depends_on_repo, package, manifest_path, requirement, scope "
        "from repo_dependencies order by all",
    )
    assert rows == [
        ("acme/app", "acme/lint", "acme-lint", "hatch.toml", "", "group:lint"),
        ("acme/app", "acme/testkit", "acme-testkit", "hatch.toml", ">=1", "group:test"),
    ]
    consumed = _query(
        db,
        "select manifest_path, manifest_kind, package from repo_packages "
        "where repo = 'acme/app' and role = 'consumes' order by all",
    )
    assert consumed == [
        ("hatch.toml", "hatch", "acme-lint"),
        ("hatch.toml", "hatch", "acme-testkit"),
        ("hatch.toml", "hatch", "pytest"),
    ]
    # likewise a workspace member's hatch.toml, beside its own pyproject.toml: one more edge to
    # lint (from libs/core/hatch.toml), and still none to legacy
    _with_members(db, "acme/app", {
        "libs/core/pyproject.toml": '[project]\nname = "core"\n'
        '[tool.hatch.envs.old]\ndependencies = ["acme-legacy"]\n',
        "libs/core/hatch.toml": '[envs.lint]\ndependencies = ["acme-lint>=2"]\n',
    })  # fmt: skip
    assert _query(
        db,
        "select depends_on_repo, manifest_path, requirement, scope from repo_dependencies "
        "order by all",
    ) == [
        ("acme/lint", "hatch.toml", "", "group:lint"),
        ("acme/lint", "libs/core/hatch.toml", ">=2", "group:lint"),
        ("acme/testkit", "hatch.toml", ">=1", "group:test"),
    ]


def test_a_cargo_member_inherits_the_roots_crate_under_its_key(tmp_path: Path) -> None:
    """Cargo's workspace inheritance: `core = { workspace = true }` in a member is the root's
    [workspace.dependencies] entry of that key, which renames the crate acme-core-v2 (at
    version 2): the member depends on the repo publishing acme-core-v2, not on a crate `core`."""
    b = MirrorBuilder()
    b.files[("corelib", "Cargo.toml")] = '[package]\nname = "acme-core-v2"\nversion = "2.0.0"\n'
    b.files[("other", "Cargo.toml")] = '[package]\nname = "core"\nversion = "9.0.0"\n'
    b.files[("mono", "Cargo.toml")] = (
        '[workspace]\nmembers = ["crates/*"]\n'
        '[workspace.dependencies]\ncore = { package = "acme-core-v2", version = "2" }\n'
    )
    for repo in ("corelib", "other", "mono"):
        b.pull(repo, "wes", 0)
    db = _import(tmp_path, b)
    member = '[package]\nname = "app"\n[dev-dependencies]\ncore = { workspace = true }\n'
    _with_members(db, "acme/mono", {"crates/app/Cargo.toml": member})
    rows = _query(
        db,
        "select depends_on_repo, package, requirement, scope, manifest_path "
        "from repo_dependencies where repo = 'acme/mono' order by all",
    )
    assert rows == [
        ("acme/corelib", "acme-core-v2", "2", "dev", "crates/app/Cargo.toml"),
        ("acme/corelib", "acme-core-v2", "2", "runtime", "Cargo.toml"),
    ]


def test_a_gradle_build_depends_on_what_its_catalog_names(tmp_path: Path) -> None:
    """A build script's `libs.acme.core` is the version catalog's acme-core, com.acme:core at
    [versions] acme: the repo publishing com.acme:core is depended on, in the scope of the
    configuration that names it; a `libs.` key no catalog has names no package."""
    b = MirrorBuilder()
    b.files[("core", "build.gradle")] = (
        "plugins { id 'maven-publish' }\ngroup = 'com.acme'\nversion = '2.1.0'\n"
    )
    b.files[("app", "build.gradle.kts")] = (
        "dependencies {\n    testImplementation(libs.acme.core)\n    implementation(libs.nope)\n}\n"
    )
    for repo in ("core", "app"):
        b.pull(repo, "wes", 0)
    db = _import(tmp_path, b)
    catalog = (
        "[versions]\nacme = '2.1.0'\n"
        "[libraries]\nacme-core = { module = 'com.acme:core', version.ref = 'acme' }\n"
    )
    _with_members(db, "acme/app", {"gradle/libs.versions.toml": catalog})
    rows = _query(
        db,
        "select depends_on_repo, package, requirement, scope, manifest_path "
        "from repo_dependencies where repo = 'acme/app'",
    )
    consumed = _query(
        db, "select package from repo_packages where repo = 'acme/app' and role = 'consumes'"
    )
    assert rows == [("acme/core", "com.acme:core", "2.1.0", "test", "build.gradle.kts")]
    assert consumed == [("com.acme:core",)]


def test_a_monorepos_packages_are_owned_by_their_own_teams(tmp_path: Path) -> None:
    """repo_teams and depends_on_teams are a repo's (the teams owning its root manifests);
    manifest_teams are the consuming manifest's owners, and package_teams the owners of the
    manifests publishing the package: in a monorepo, each package's own team. By hand, from
    mono's CODEOWNERS: root files platform, packages/billing/ billing, packages/ui/ web."""
    b = MirrorBuilder(teams={"web": ["wes"], "billing": ["bo"], "platform": ["pat"]})
    b.files[("mono", ".github/CODEOWNERS")] = (
        "* @acme/platform\n/packages/billing/ @acme/billing\n/packages/ui/ @acme/web\n"
    )
    b.files[("mono", "package.json")] = json.dumps(
        {"name": "mono", "private": True, "workspaces": ["packages/*"]}
    )
    b.files[("app", "package.json")] = json.dumps(
        {"name": "app", "private": True, "dependencies": {"@acme/billing-sdk": "^1"}}
    )
    b.files[("charts", "package.json")] = json.dumps({"name": "@acme/charts", "version": "3.0.0"})
    b.files[("app", ".github/CODEOWNERS")] = "* @acme/web\n"
    b.files[("charts", ".github/CODEOWNERS")] = "* @acme/web\n"
    for repo in ("mono", "app", "charts"):
        b.pull(repo, "wes", 0)
    db = _import(tmp_path, b)
    members = {
        "packages/billing/package.json": {"name": "@acme/billing-sdk", "version": "1.2.0"},
        "packages/ui/package.json": {"name": "@acme/ui", "dependencies": {"@acme/charts": "^3"}},
    }
    _with_members(db, "acme/mono", {path: json.dumps(m) for path, m in members.items()})
    rows = _query(
        db,
        "select repo, depends_on_repo, manifest_path, repo_teams, depends_on_teams, "
        "manifest_teams, package_teams from repo_dependencies order by all",
    )
    assert rows == [
        ("acme/app", "acme/mono", "package.json", ["web"], ["platform"], ["web"], ["billing"]),
        ("acme/mono", "acme/charts", "packages/ui/package.json", ["platform"], ["web"], ["web"],
         ["web"]),
    ]  # fmt: skip


# -- a manifest that does not parse ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("pyproject.toml", '[project\nname = "ledger"\n'),  # TOML that does not parse
        ("pom.xml", "<project><groupId>com.acme</project>"),  # XML that is not well-formed
    ],
    ids=["toml", "xml"],
)
def test_a_broken_manifest_is_a_manifest_error_and_the_import_goes_on(
    tmp_path: Path, path: str, text: str
) -> None:
    # repo_packages: "every line a parser could not read" goes to manifest_errors; the other
    # repos' edges still count
    b = MirrorBuilder()
    b.files[("ledger", path)] = text
    b.files[("lib", "package.json")] = json.dumps({"name": "@acme/lib", "version": "1.0.0"})
    b.files[("web", "package.json")] = json.dumps({"dependencies": {"@acme/lib": "^1"}})
    for repo in ("ledger", "lib", "web"):
        b.pull(repo, "wes", 0)
    db = _import(tmp_path, b)
    errors = _query(db, "select repo, manifest_path, error from manifest_errors")
    assert [(r, p) for r, p, _ in errors] == [("acme/ledger", path)]
    assert errors[0][2].startswith(f"{path}: ")
    assert _query(db, "select repo, depends_on_repo from repo_dependencies") == [
        ("acme/web", "acme/lib")
    ]


def test_a_bump_picks_up_the_upstream_release_tag_of_its_version(tmp_path: Path) -> None:
    """With a git mirror's tags, a bump is tied to the last upstream PR merged before the tag of
    the version it moves to, not before the bump opened."""
    db = _import(tmp_path, _links_org())
    with Warehouse.open(db) as wh:
        # lib tagged v1.1.0 at T0+25 h: after lib#2 (merged 20), before lib#5 (merged 40);
        # another repo's tag of that name, and lib's tag of another version, count for nothing
        wh.con.execute(
            "insert into raw_git_tags values "
            "('acme', 'acme/lib', 'v1.1.0', 'a', timestamptz '2026-03-03 10:00:00+00'), "
            "('acme', 'acme/web', 'v1.1.0', 'b', timestamptz '2026-03-02 09:30:00+00'), "
            "('acme', 'acme/lib', 'ui-v2.0.0', 'c', timestamptz '2026-03-02 10:00:00+00')"
        )
        rebuild(wh, Config())
        rows = wh.query("select repo, pr_number, upstream_pr, tied_by from pr_bumps order by all")
    # web#9 ("to 1.1.0"): the tag at 25 h -> lib#2, tied by the release tag; api#3 bumps to
    # 2.0.1, which has no tag: still the bump's opening -> lib#6
    assert rows == [("acme/api", 3, 6, "bump opened"), ("acme/web", 9, 2, "release tag")]


def test_a_line_ending_in_a_phrase_gives_it_to_the_list_below(tmp_path: Path) -> None:
    b = MirrorBuilder(teams={"web": ["wes"]})
    b.pull("lib", "wes", 0)
    b.pull("web", "wes", 1, body=(
        "Depends on:\r\n- acme/lib#1\r\n- acme/lib#2, which blocks acme/app#3\r\n\r\n"
        "- acme/lib#4\nBlocks\n* acme/app#5"
    ))  # fmt: skip
    rows = _references(tmp_path, b)
    # #1 and #2 under "Depends on:"; #3 after "blocks" on its own line; the blank line ends the
    # list, so #4 is a mention; "Blocks" heads #5
    assert rows == [
        ("acme/lib", 1, "depends_on"),
        ("acme/lib", 2, "depends_on"),
        ("acme/app", 3, "blocks"),
        ("acme/lib", 4, "mention"),
        ("acme/app", 5, "blocks"),
    ]


def test_emphasis_says_nothing_and_a_heading_keeps_its_list_past_a_blank_line(
    tmp_path: Path,
) -> None:
    """A PR template's "**Depends on:**", "## Blocked by" with a blank line below (as Markdown
    linters lay headings out) and "_needs_" mark what follows as a phrase would bare; a blank
    line after a list still ends it. Underscores inside a repo's name stay."""
    b = MirrorBuilder(teams={"web": ["wes"]})
    b.pull("my_lib", "wes", 0)
    b.pull("web", "wes", 1, body=(
        "**Depends on:**\n- acme/my_lib#1\n\n"
        "## Blocked by\n\n- acme/my_lib#2\n- __acme/my_lib#3__\n\n- acme/my_lib#4\n"
        "This _needs_ acme/my_lib#5 and *blocks* acme/app#6.\n"
        # a template's section left empty: the next heading starts a section of its own
        "## Depends on\n\n## Related issues\n- acme/my_lib#7\n"
    ))  # fmt: skip
    rows = _references(tmp_path, b)
    assert rows == [
        ("acme/my_lib", 1, "depends_on"),
        ("acme/my_lib", 2, "depends_on"),
        ("acme/my_lib", 3, "depends_on"),
        ("acme/my_lib", 4, "mention"),
        ("acme/my_lib", 5, "depends_on"),
        ("acme/app", 6, "blocks"),
        ("acme/my_lib", 7, "mention"),
    ]


def test_references_in_html_comments_and_code_are_none(tmp_path: Path) -> None:
    """GitHub links no reference inside an HTML comment (a PR template's example), a fenced
    code block or a code span, and makes no cross-referenced event for it."""
    b = MirrorBuilder(teams={"web": ["wes"]})
    b.pull("lib", "wes", 0)
    b.pull("web", "wes", 1, body=(
        "<!-- Depends on acme/lib#2 -->\r\nSee acme/lib#1\n"
        "```\nacme/lib#3\n```\n"
        "Not `acme/lib#4`, but depends on acme/lib#5\n"
        "~~~py\nacme/lib#6\n~~~\n"
        "<!--\nDepends on acme/lib#7\n-->\nBlocked by acme/lib#8\n"
        # a fence of four holds one of three, and closes at four only (CommonMark 4.5)
        "````md\n```\nacme/lib#10\n```\nacme/lib#11\n````\nneeds acme/lib#12\n"
        # a span of two backticks holds one (CommonMark 6.1)
        "Not ``acme/lib#13 ` x``, needs acme/lib#14\n"
        "```sh\nacme/lib#9 (a fence never closed runs to the end)"
    ))  # fmt: skip
    rows = _query(
        _import(tmp_path, b),
        "select target_number, phrase from pr_references order by target_number",
    )
    assert rows == [(1, "mention"), (5, "depends_on"), (8, "depends_on"), (12, "depends_on"),
                    (14, "depends_on")]  # fmt: skip


def test_references_in_an_indented_code_block_are_none(tmp_path: Path) -> None:
    """CommonMark 4.4: a line indented 4 columns or more (a tab reaches the next multiple of 4)
    after a blank line, a heading or the text's start is code, as are the indented or blank
    lines after it; GitHub links no reference there. One right after a paragraph's line goes on
    the paragraph; in a list item, the columns count from where the item's text starts (2 for
    `- `, 4 for `10. `), so 4 columns under `- item` are its next paragraph and 6 its code. In a
    block quote they count after the `>`. By hand, as markdown-it (CommonMark) renders it:
    #1, #4, #5, #6, #10 and #14 stand in paragraphs, the others in code blocks."""
    b = MirrorBuilder(teams={"web": ["wes"]})
    b.pull("web", "wes", 1, body=(
        "See acme/lib#1\n"
        "\n"
        "    acme/lib#2 in an indented code block\n"
        "\n"
        "    needs acme/lib#3, the same block past a blank line\n"
        "Needs acme/lib#4\n"
        "    acme/lib#5 continues the paragraph: no blank line above\n"
        "\n"
        "- item\n"
        "\n"
        "    continued text acme/lib#6\n"
        "- item two\n"
        "\n"
        "      acme/lib#7 code in the list item: 2 columns for the item, then 4\n"
        "\n"
        "Paragraph after the list ends it.\n"
        "\n"
        "    acme/lib#8 code again\n"
        "\tacme/lib#9 a tab reaches column 4: still code\n"
        "10. ordered\n"
        "\n"
        "    blocks acme/lib#10, its text starts at column 4\n"
        "> quoted\n"
        ">\n"
        ">     acme/lib#11 code in a block quote\n"
        "## Heading\n"
        "    acme/lib#12 code right below a heading\n"
        "\n"
        # a list's marker in code is code, and so is what is indented to its text
        "    steps:\n"
        "      - run: make\n"
        "        ref: acme/lib#13\n"
        "\n"
        # an item nested 4 columns deep: its text starts at column 6
        "- a\n"
        "    - b\n"
        "\n"
        "      more of b, acme/lib#14"
    ))  # fmt: skip
    rows = _query(
        _import(tmp_path, b),
        "select target_number, phrase from pr_references order by target_number",
    )
    assert rows == [(1, "mention"), (4, "depends_on"), (5, "mention"), (6, "mention"),
                    (10, "blocks"), (14, "mention")]  # fmt: skip


def test_a_links_text_is_no_reference_and_its_target_is_read_as_a_link(tmp_path: Path) -> None:
    """GitHub links no reference inside a link's text (`[acme/lib#1](https://example.com/x)`),
    an image's text or a link's title; the link's target is read as any link is (a PR's URL is
    a reference), in its place in the sentence, so a phrase before it and a stop after it count.
    Brackets with a space before the parenthesis are no link. By hand, web#1's lines in order."""
    b = MirrorBuilder(teams={"web": ["wes"]})
    b.pull("web", "wes", 1, body=(
        "Not [acme/lib#1](https://example.com/x), but needs acme/lib#2\n"
        "Depends on [the fix](https://github.com/acme/lib/pull/3). See acme/lib#4\n"
        "Blocked by [acme/lib#5](https://github.com/acme/lib/pull/6 \"acme/lib#7\")\n"
        "![acme/lib#8](https://example.com/i.png) [acme/lib#9 `x`](<https://example.com/a b>)\n"
        "[see [acme/lib#10] here](https://example.com) and [acme/lib#11](../relative)\n"
        "[acme/lib#12] (https://example.com) is no link: a space stands before its parenthesis\n"
    ))  # fmt: skip
    rows = _query(
        _import(tmp_path, b),
        "select target_number, phrase from pr_references order by target_number",
    )
    assert rows == [(2, "depends_on"), (3, "depends_on"), (4, "mention"), (6, "depends_on"),
                    (12, "mention")]  # fmt: skip


def test_a_fence_closes_only_at_a_fence_as_long_of_its_own_character(tmp_path: Path) -> None:
    """CommonMark 4.5: a code fence closes at a line of at least as many of its own character
    (backticks or tildes) with nothing but spaces after them; a shorter one, one of the other
    character, or one with words after it is a line of the code."""
    b = MirrorBuilder(teams={"web": ["wes"]})
    b.pull("web", "wes", 1, body=(
        "`````md\n````\nacme/lib#1\n````\n`````\nneeds acme/lib#2\n"
        "~~~~\n~~~\nacme/lib#3\n```\n~~~~~~\nBlocks acme/lib#4\n"
        "```\nacme/lib#5\n``` not a closing fence\nacme/lib#6\n```   \nsee acme/lib#7\n"
        "  ``````````\nacme/lib#8\n `````````\n``````````\nafter acme/lib#9"
    ))  # fmt: skip
    rows = _query(
        _import(tmp_path, b),
        "select target_number, phrase from pr_references order by target_number",
    )
    assert rows == [(2, "depends_on"), (4, "blocks"), (7, "mention"), (9, "depends_on")]


def test_references_in_html_code_and_pre_elements_are_none(tmp_path: Path) -> None:
    """GitHub links no reference inside a <code> or <pre> element, as in a code span."""
    b = MirrorBuilder(teams={"web": ["wes"]})
    b.pull("web", "wes", 1, body=(
        "Not <code>acme/lib#1</code>, needs acme/lib#2\n"
        '<PRE lang="sh">\nacme/lib#3\n</PRE>\nBlocks acme/lib#4'
    ))  # fmt: skip
    rows = _query(
        _import(tmp_path, b),
        "select target_number, phrase from pr_references order by target_number",
    )
    assert rows == [(2, "depends_on"), (4, "blocks")]


def test_a_reference_names_its_repo_as_the_org_lists_it_whatever_the_letter_case(
    tmp_path: Path,
) -> None:
    """GitHub names repos without regard to letter case: `Acme/Lib#1` and `acme/lib#1` are one
    PR. A reference names the repo as the org's listing spells it (repos.repo), so an equality
    join to repos finds it; a repo the org does not have is named by the spelling of it that
    sorts first. One row per target either way. By hand: web#1 names lib#1 twice (depends on
    both), Lib2#2 twice and other/thing#3 twice; web#2 mentions LIB#1."""
    b = MirrorBuilder(teams={"web": ["wes"], "lib": ["lou"]})
    b.pull("lib", "lou", 0, state="closed", closed=10, merged=True)
    b.pull("Lib2", "lou", 0)
    b.pull("web", "wes", 1, body=(
        "Depends on Acme/Lib#1 and acme/lib#1\n"
        "See acme/LIB2#2, ACME/lib2#2 and other/thing#3, Other/Thing#3"
    ))  # fmt: skip
    b.pull("web", "wes", 2, body="Related: ACME/LIB#1")
    db = _import(tmp_path, b)
    rows = _query(
        db,
        "select pr_number, target_repo, target_number, phrase from pr_references order by all",
    )
    assert rows == [
        (1, "Other/Thing", 3, "mention"),
        (1, "acme/Lib2", 2, "mention"),
        (1, "acme/lib", 1, "depends_on"),
        (2, "acme/lib", 1, "mention"),
    ]
    joined = _query(
        db,
        "select count(*) from pr_references as p join repos as r on r.repo = p.target_repo",
    )
    assert joined == [(3,)]
    handoffs = _query(
        db,
        "select upstream_repo, upstream_pr, downstream_pr, links from cross_repo_handoffs "
        "order by downstream_pr",
    )
    assert handoffs == [
        ("acme/lib", 1, 1, ["depends_on"]),
        ("acme/lib", 1, 2, ["mention"]),
    ]


def test_only_links_to_a_pull_request_or_issue_are_references(tmp_path: Path) -> None:
    """GitHub reads a link as a reference only when it is a pull request's or an issue's
    (`.../pull/N`, `.../issues/N`, with any page of it, query or anchor after, and punctuation
    after it that ends the sentence); a `#N` anchor on another page (the repo's, a file's) is no
    reference, nor is a `/pull/N/commits/SHA` link (GitHub shows it as the commit), a
    www.github.com link (GitHub's autolinking documents github.com's), an `ORG/REPO#N` inside
    any other URL, one followed by letters or by `@host.tld` (an email address). By hand, web#1's
    lines in order."""
    b = MirrorBuilder(teams={"web": ["wes"]})
    b.pull("lib", "wes", 0)
    b.pull("web", "wes", 1, body=(
        "See https://github.com/acme/lib#1\n"
        "Read [the guide](https://github.com/acme/lib/blob/main/guide.md#2)\n"
        "Depends on https://github.com/acme/lib/pull/3/files\n"
        "https://github.com/acme/lib/pull/4#discussion_r123456 and "
        "https://github.com/acme/lib/issues/5?q=x.\n"
        "Blocked by (https://github.com/acme/lib/pull/6).\n"
        "https://github.com/acme/lib/pull/7/commits/0123456789abcdef\n"
        "https://github.com/acme/lib/pull/8abc https://github.com/acme/lib/pull/9.5\n"
        "https://www.github.com/acme/lib/pull/10 and www.github.com/acme/lib/issues/11\n"
        "https://example.com/acme/lib#12 and acme/lib#13abc and acme/lib#14_x\n"
        "Mail acme/lib#15@example.com. Needs acme/lib#16.\n"
        "https://github.com/acme/lib/pull/17#issuecomment-1, https://GitHub.com/acme/lib/pull/18"
    ))  # fmt: skip
    rows = _references(tmp_path, b)
    assert rows == [
        ("acme/lib", 3, "depends_on"),  # the PR's files
        ("acme/lib", 4, "mention"),  # a review comment on it
        ("acme/lib", 5, "mention"),  # a query, and the sentence's stop
        ("acme/lib", 6, "depends_on"),  # inside parentheses
        ("acme/lib", 16, "depends_on"),
        ("acme/lib", 17, "mention"),  # a comment on it
        ("acme/lib", 18, "mention"),  # a host's name has no letter case
    ]


def test_a_phrase_inside_a_repos_name_is_no_phrase(tmp_path: Path) -> None:
    """A repo may be named with a phrase's word (acme/needs, acme/blocks-ui, after-sales/crm):
    it is part of the name, so it neither cuts the reference in two (which lost it) nor gives
    the reference a phrase. By hand, web#1's lines in order."""
    b = MirrorBuilder(teams={"web": ["wes"]})
    b.pull("web", "wes", 1, body=(
        "Needs acme/blocks-ui#1 and acme/needs#2\n"
        "acme/after-sales#3 is related\n"
        "after-sales/crm#4 too\n"
        "Blocked by acme/lib-requires#5\n"
        "Blocks needs acme/lib#6"
    ))  # fmt: skip
    rows = _references(tmp_path, b)
    assert rows == [
        ("acme/blocks-ui", 1, "depends_on"),
        ("acme/needs", 2, "depends_on"),
        ("acme/after-sales", 3, "mention"),
        ("after-sales/crm", 4, "mention"),
        ("acme/lib-requires", 5, "depends_on"),
        ("acme/lib", 6, "depends_on"),  # the last phrase before it
    ]


def test_a_number_no_pr_can_have_is_no_reference(tmp_path: Path) -> None:
    """`ORG/REPO#N` with a number past a PR number's range (an id, a hash's digits) named no PR
    and stopped the whole rebuild on the cast; it is no reference."""
    b = MirrorBuilder(teams={"web": ["wes"]})
    b.pull("web", "wes", 1, body="Depends on acme/lib#12345678901234 and acme/lib#2")
    rows = _references(tmp_path, b)
    assert rows == [("acme/lib", 2, "depends_on")]


def test_bump_titles_of_requirements_go_modules_and_crates_and_bumps_of_a_package_dropped_since(
    tmp_path: Path,
) -> None:
    """Dependabot's "Update P requirement from >=A to >=B", renovate's "Update module P to vB"
    and "Update Rust crate P to B" are bumps too. app consumes none of them now (its manifests
    dropped them since): its past bumps stay, as one ecosystem alone publishes each name; a
    name two ecosystems publish cannot be told apart, and is no bump. By hand: each upstream PR
    #1 merged at 10, every bump opened at 20: upstream #1, tied by the bump's opening."""
    b = MirrorBuilder(teams={"web": ["wes"]})
    b.files[("lib", "pyproject.toml")] = '[project]\nname = "acme-lib"\nversion = "1.3"\n'
    b.files[("golib", "go.mod")] = "module github.com/acme/golib\n\ngo 1.22\n"
    b.files[("crate", "Cargo.toml")] = '[package]\nname = "acme_crate"\nversion = "0.2.0"\n'
    b.files[("js", "package.json")] = json.dumps({"name": "shared", "version": "2.0.0"})
    b.files[("py", "pyproject.toml")] = '[project]\nname = "shared"\nversion = "2.0.0"\n'
    for repo in ("lib", "golib", "crate", "js", "py"):
        b.pull(repo, "wes", 0, state="closed", closed=10, merged=True)
    titles = [
        "Update acme-lib requirement from >=1.2 to >=1.3",
        "fix(deps): update module github.com/acme/golib to v1.1.0",
        "Update Rust crate acme_crate to v0.2.0",
        "Bump shared from 1.0.0 to 2.0.0",
    ]
    for title in titles:
        b.pull("app", "dependabot[bot]", 20, title=title)
    rows = _query(
        _import(tmp_path, b),
        "select pr_number, package, version, upstream_repo, upstream_pr, tied_by from pr_bumps "
        "order by pr_number",
    )
    assert rows == [
        (1, "acme-lib", "1.3", "acme/lib", 1, "bump opened"),
        (2, "github.com/acme/golib", "1.1.0", "acme/golib", 1, "bump opened"),
        (3, "acme_crate", "0.2.0", "acme/crate", 1, "bump opened"),
    ]


def test_a_go_module_at_a_new_major_version_is_still_the_repo_its_older_majors_came_from(
    tmp_path: Path,
) -> None:
    """golib's go.mod now says `module github.com/acme/golib/v2`; svc still requires v1,
    `github.com/acme/golib`, whose releases are golib's tags too (go.dev/ref/mod, major version
    suffixes): svc depends on golib, and dependabot's bump of v1 picks up golib's v1.9.0 tag.
    By hand: golib#1 merged at 10 h, tagged v1.9.0 at 12 h; golib#2 merged at 15 h; the bump
    opened at 20 h: golib#1, tied by the release tag. pr_bumps names the package as the
    upstream repo publishes it."""
    b = MirrorBuilder(teams={"web": ["wes"]})
    b.files[("golib", "go.mod")] = "module github.com/acme/golib/v2\n\ngo 1.22\n"
    b.files[("svc", "go.mod")] = (
        "module github.com/acme/svc\n\ngo 1.22\n\nrequire github.com/acme/golib v1.9.0\n"
    )
    b.files[("svc2", "go.mod")] = (
        "module github.com/acme/svc2\n\ngo 1.22\n\nrequire github.com/acme/golib/v2 v2.0.0\n"
    )
    b.pull("golib", "wes", 0, state="closed", closed=10, merged=True)
    b.pull("golib", "wes", 0, state="closed", closed=15, merged=True)
    b.pull("svc", "dependabot[bot]", 20, title="Bump github.com/acme/golib from 1.8.0 to 1.9.0")
    db = _import(tmp_path, b)
    with Warehouse.open(db) as wh:
        wh.con.execute(
            "insert into raw_git_tags values "
            "('acme', 'acme/golib', 'v1.9.0', 'a', timestamptz '2026-03-02 21:00:00+00')"
        )
        rebuild(wh, Config())
        edges = wh.query(
            "select repo, depends_on_repo, package, requirement from repo_dependencies order by all"
        )
        bumps = wh.query(
            "select repo, pr_number, package, version, upstream_repo, upstream_pr, tied_by "
            "from pr_bumps"
        )
    assert edges == [
        ("acme/svc", "acme/golib", "github.com/acme/golib", "v1.9.0"),
        ("acme/svc2", "acme/golib", "github.com/acme/golib/v2", "v2.0.0"),
    ]
    assert bumps == [
        ("acme/svc", 1, "github.com/acme/golib/v2", "1.9.0", "acme/golib", 1, "release tag")
    ]


def test_a_go_module_in_a_subfolder_is_released_by_its_folders_tags(tmp_path: Path) -> None:
    """A Go module in a repo's subfolder is tagged with the folder before the version
    (go.dev/ref/mod#vcs-version: `sub/dir/v1.2.0`; a major version subfolder, `v2/`, is no
    part of it); a bare `v1.2.0` is the root module's release, not the subfolder's. tools' root
    go.mod is github.com/acme/tools, its members sub/dir, other and api/v2 are modules of their
    own. By hand: tools#1 merged at 10 h, tagged v1.2.0 (the root) at 12 h; tools#2 merged at
    14 h, tagged sub/dir/v1.2.0 at 16 h and api/v2.0.1 at 16 h; tools#3 merged at 18 h; every
    bump opened at 20 h. sub/dir's bump: its tag at 16 h -> tools#2. other's 1.2.0 has no
    tag of its own: the bump's opening -> tools#3. api/v2's 2.0.1: the api/ tag -> tools#2."""
    b = MirrorBuilder(teams={"web": ["wes"]})
    b.files[("tools", "go.mod")] = "module github.com/acme/tools\n\ngo 1.22\n"
    b.files[("svc", "go.mod")] = (
        "module github.com/acme/svc\n\ngo 1.22\n\nrequire (\n"
        "\tgithub.com/acme/tools/sub/dir v1.1.0\n\tgithub.com/acme/tools/other v1.1.0\n"
        "\tgithub.com/acme/tools/api/v2 v2.0.0\n)\n"
    )
    for closed in (10, 14, 18):
        b.pull("tools", "wes", 0, state="closed", closed=closed, merged=True)
    for module, old, new in (("sub/dir", "1.1.0", "1.2.0"), ("other", "1.1.0", "1.2.0"),
                             ("api/v2", "2.0.0", "2.0.1")):  # fmt: skip
        b.pull("svc", "dependabot[bot]", 20,
               title=f"Bump github.com/acme/tools/{module} from {old} to {new}")  # fmt: skip
    db = _import(tmp_path, b)
    _with_members(db, "acme/tools", {
        f"{folder}/go.mod": f"module github.com/acme/tools/{folder}\n\ngo 1.22\n"
        for folder in ("sub/dir", "other", "api/v2")
    })  # fmt: skip
    with Warehouse.open(db) as wh:
        wh.con.execute(
            "insert into raw_git_tags values "
            "('acme', 'acme/tools', 'v1.2.0', 'a', timestamptz '2026-03-02 21:00:00+00'), "
            "('acme', 'acme/tools', 'v2.0.1', 'b', timestamptz '2026-03-02 21:00:00+00'), "
            "('acme', 'acme/tools', 'sub/dir/v1.2.0', 'c', timestamptz '2026-03-03 01:00:00+00'), "
            "('acme', 'acme/tools', 'api/v2.0.1', 'd', timestamptz '2026-03-03 01:00:00+00')"
        )
        rebuild(wh, Config())
        bumps = wh.query(
            f"select package, version, upstream_pr, {_hours('released_at')}, tied_by "
            "from pr_bumps order by all"
        )
    assert bumps == [
        ("github.com/acme/tools/api/v2", "2.0.1", 2, 16.0, "release tag"),
        ("github.com/acme/tools/other", "1.2.0", 3, None, "bump opened"),
        ("github.com/acme/tools/sub/dir", "1.2.0", 2, 16.0, "release tag"),
    ]


def test_a_bump_to_a_range_names_no_version_and_no_release_tag(tmp_path: Path) -> None:
    """Dependabot widening a range ("from <2.0,>=1.0 to >=1.0,<3.0") does not say which
    version it moves to: its lower bound is the old one, whose tag would tie the bump to an old
    upstream PR. An upper bound alone names none either; a lower bound alone does. By hand:
    lib#1 merged at 10 h, tagged v1.0 at 11 h; lib#2 merged at 15 h, tagged v2.1 at 16 h;
    every bump opened at 20 h."""
    b = MirrorBuilder(teams={"web": ["wes"]})
    b.files[("lib", "pyproject.toml")] = '[project]\nname = "acme-lib"\nversion = "2.1"\n'
    b.files[("app", "pyproject.toml")] = '[project]\nname = "app"\ndependencies = ["acme-lib"]\n'
    b.pull("lib", "wes", 0, state="closed", closed=10, merged=True)
    b.pull("lib", "wes", 0, state="closed", closed=15, merged=True)
    for title in (
        "Update acme-lib requirement from <2.0,>=1.0 to >=1.0,<3.0",
        "Update acme-lib requirement from <2.0 to <3.0",
        "Update acme-lib requirement from ~=1.0 to ~=2.1",
    ):
        b.pull("app", "dependabot[bot]", 20, title=title)
    db = _import(tmp_path, b)
    with Warehouse.open(db) as wh:
        wh.con.execute(
            "insert into raw_git_tags values "
            "('acme', 'acme/lib', 'v1.0', 'a', timestamptz '2026-03-02 20:00:00+00'), "
            "('acme', 'acme/lib', 'v2.1', 'b', timestamptz '2026-03-03 01:00:00+00')"
        )
        rebuild(wh, Config())
        rows = wh.query(
            "select pr_number, version, upstream_pr, tied_by from pr_bumps order by pr_number"
        )
    assert rows == [(1, None, 2, "bump opened"), (2, None, 2, "bump opened"),
                    (3, "2.1", 2, "release tag")]  # fmt: skip


def test_dependencies_naming_no_repo_are_warned_of(tmp_path: Path) -> None:
    """A typo in [dependencies] would count for nothing, with no word: as a calendar for no
    team, it is said on stderr (once per name and place), and the import goes on."""
    (tmp_path / "miner.toml").write_text(
        "[dependencies]\n"
        'publishes = { "Lib" = ["pypi:acme-lib"], "acme/libz" = ["pypi:acme-z"] }\n'
        'add = [{ repo = "web", depends_on = "ACME/lib" }, { repo = "webb", depends_on = "lib" }]\n'
        'remove = [{ repo = "web", depends_on = "nope" }]\n',
        encoding="utf-8",
    )
    b = MirrorBuilder(teams={"web": ["wes"]})
    b.pull("lib", "wes", 0)
    b.pull("web", "wes", 1)
    mirror = b.write(tmp_path / "mirror")
    out = miner("--db", "w.duckdb", "import", str(mirror), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    source = "miner.toml"  # as the config was named: found in the working folder
    warned = [line for line in out.stderr.splitlines() if "[dependencies]" in line]
    assert warned == [
        f"{source}: [dependencies] publishes: no repo 'acme/libz' in the warehouse; "
        "its packages are not used",
        f"{source}: [dependencies] add: no repo 'webb' in the warehouse; that edge is not used",
        f"{source}: [dependencies] remove: no repo 'nope' in the warehouse; that edge is not used",
    ]
    edges = _query(tmp_path / "w.duckdb", "select repo, depends_on_repo from repo_dependencies")
    assert edges == [("acme/web", "acme/lib")]
