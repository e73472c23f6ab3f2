"""CODEOWNERS parsing and matching against the case tables and real files in ../shared/realdata."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import duckdb
import pytest

from miner.codeowners import (
    MAX_FILE_BYTES,
    Codeowners,
    Owner,
    locate,
    parse,
    pattern_regex,
)
from miner.raw import CODEOWNERS_PATHS

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
ABSENT = "../shared/realdata is absent: the CODEOWNERS case tables and real files live there"
REAL_FILES = REALDATA / "codeowners-files"


def _realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.skip(ABSENT)
    return REALDATA


def _load(relative: str) -> Any:
    path = REALDATA / relative
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _absent_param() -> Any:
    return pytest.param(None, id="realdata-absent", marks=pytest.mark.skip(reason=ABSENT))


# --- pattern case tables ----------------------------------------------------------------------


@dataclass(frozen=True)
class PatternCase:
    pattern: str
    path: str
    matches: bool
    source: str
    note: str = ""


# Rows where a table (written for another tool) disagrees with GitHub; GitHub wins.
_BRACKETS = (
    "GitHub: '[ ]' character ranges do not work in CODEOWNERS (About code owners); GitHub marks "
    "such a line as an error and skips it (python/cpython PR #112206, 'Python/ceval*.[ch]'), so "
    "the pattern matches nothing"
)
_DOUBLE_STAR_DIR = (
    "sbdchd says no, hmarr says yes: '**/' is zero or more directories (gitignore), so 'foo/**/' "
    "owns the contents of foo/ at any depth, foo/bar included; paths in a PR are files, never "
    "directories, so sbdchd's 'foo/bar is a file, not a directory' reading cannot apply"
)


def _override(case: PatternCase) -> tuple[bool, str] | None:
    """GitHub's answer and the reason, for a table row that disagrees with GitHub."""
    if "[" in case.pattern.replace("\\[", ""):
        return False, _BRACKETS
    if case.pattern == "foo/**/" and case.path == "foo/bar" and case.source.startswith("sbdchd"):
        return True, _DOUBLE_STAR_DIR
    return None


def _pattern_cases() -> list[PatternCase]:
    cases: list[PatternCase] = []
    for row in _load("codeowners_cases.json") or []:
        cases.append(
            PatternCase(
                row["pattern"], row["path"], row["matches"], row["source"], row.get("note", "")
            )
        )
    for group in _load("hmarr-codeowners/testdata/patterns.json") or []:
        for path, matches in group["paths"].items():
            cases.append(PatternCase(group["pattern"], path, matches, "hmarr patterns.json"))
    return cases


def _case_id(case: PatternCase) -> str:
    table = "patterns.json" if case.source == "hmarr patterns.json" else case.source.split("/")[0]
    flag = "overridden " if _override(case) else ""
    verdict = "matches" if case.matches else "misses"
    return f"{flag}{table}: {case.pattern} {verdict} {case.path}"


PATTERN_CASES = _pattern_cases()
PATTERN_PARAMS = [pytest.param(c, id=_case_id(c)) for c in PATTERN_CASES] or [_absent_param()]


@pytest.mark.parametrize("case", PATTERN_PARAMS)
def test_pattern_case_table_row_matches_as_github_does(case: PatternCase) -> None:
    codeowners = parse(f"{case.pattern} @owner\n")
    expected = case.matches
    override = _override(case)
    if override is not None:
        expected, reason = override
        if reason == _BRACKETS:
            assert [error.line for error in codeowners.errors] == [1]
            with pytest.raises(ValueError, match="character ranges"):
                pattern_regex(case.pattern)
    assert (codeowners.match(case.path).rule is not None) is expected


def test_case_table_regexes_behave_the_same_in_duckdb() -> None:
    """Every valid table pattern's regex gives the same answer in RE2 (DuckDB) as in Python."""
    _realdata()
    rows = [
        (case.path, pattern_regex(case.pattern), parse(f"{case.pattern} @o").match(case.path))
        for case in PATTERN_CASES
        if _override(case) is None or _override(case) == (True, _DOUBLE_STAR_DIR)
    ]
    assert len(rows) > 400
    paths = [path for path, _, _ in rows]
    regexes = [regex for _, regex, _ in rows]
    python = [matched.rule is not None for _, _, matched in rows]
    duck = (
        duckdb.connect()
        .execute(
            "select regexp_full_match(p, r) from (select unnest(?) as p, unnest(?) as r)",
            [paths, regexes],
        )
        .fetchall()
    )
    mismatches = [
        (path, regex)
        for (path, regex, _), (d,), p in zip(rows, duck, python, strict=True)
        if d != p
    ]
    assert mismatches == []


@pytest.mark.parametrize(
    ("path", "regex"),
    [("docs/a.md", pattern_regex("docs/*")), ("a/b#c~ d{1}.x", pattern_regex("b#c~\\ d{1}.x"))],
)
def test_one_regex_matches_in_duckdb_with_bound_parameters(path: str, regex: str) -> None:
    query = "select regexp_full_match(?, ?)"
    assert duckdb.connect().execute(query, [path, regex]).fetchall() == [(True,)]


# --- line parsing table ---------------------------------------------------------------------

_KINDS: dict[str, Literal["user", "team", "email"]] = {
    "username": "user",
    "team": "team",
    "email": "email",
}


def _parse_params() -> list[Any]:
    table = _load("codeowners_parse_cases.json")
    if table is None:
        return [_absent_param()]
    return [
        pytest.param(row, id=repr(row.get("line", row.get("file")))) for row in table["parse_cases"]
    ]


@pytest.mark.parametrize("row", _parse_params())
def test_parse_case_table_row(row: dict[str, Any]) -> None:
    text = row["file"] if "file" in row else row["line"] + "\n"
    codeowners = parse(text)
    if "error" not in row:
        assert codeowners.errors == ()
        [rule] = codeowners.rules
        assert rule.pattern == row["pattern"]
        assert rule.owners == tuple(Owner(_KINDS[kind], name) for kind, name in row["owners"])
    elif text.strip() == "":
        # Overridden: hmarr's single-rule parser rejects an empty rule ("unexpected end of rule"),
        # but in a CODEOWNERS file a blank line is no rule and no error.
        assert (codeowners.rules, codeowners.errors) == ((), ())
    else:
        # hmarr's message names the bad owner; ours does too, with the line number.
        assert codeowners.rules == ()
        [error] = codeowners.errors
        bad_owner = row["error"].split("'")[1]
        assert error.line == 1 and repr(bad_owner) in error.reason


def test_codeowners_paths_follow_the_github_lookup_order() -> None:
    table = _load("codeowners_parse_cases.json")
    if table is None:
        pytest.skip(ABSENT)
    assert list(CODEOWNERS_PATHS) == table["file_location"]["order_github"]


def test_locate_picks_the_first_file_in_github_order() -> None:
    assert locate({"docs/CODEOWNERS", "CODEOWNERS", "src/a.py"}) == "CODEOWNERS"
    assert locate(["docs/CODEOWNERS", ".github/CODEOWNERS"]) == ".github/CODEOWNERS"
    assert locate({".gitlab/CODEOWNERS", "README.md"}) is None


# --- real CODEOWNERS files ------------------------------------------------------------------


def _real(repo: str) -> Codeowners:
    path = _realdata() / "codeowners-files" / repo / ".github" / "CODEOWNERS"
    return parse(path.read_text(encoding="utf-8"), f"{repo}:.github/CODEOWNERS")


@pytest.mark.parametrize(
    ("repo", "rules", "kinds", "ownerless"),
    [
        ("nodejs-node", 151, {"team"}, 0),
        ("python-cpython", 338, {"user", "team"}, 7),
        ("microsoft-vscode", 1, {"user"}, 0),
        ("cli-cli", 6, {"team"}, 0),
    ],
)
def test_real_file_parses_every_rule(
    repo: str, rules: int, kinds: set[str], ownerless: int
) -> None:
    codeowners = _real(repo)
    assert codeowners.errors == ()
    assert len(codeowners.rules) == rules
    assert {owner.kind for rule in codeowners.rules for owner in rule.owners} == kinds
    assert sum(not rule.owners for rule in codeowners.rules) == ownerless


def test_cpython_ownerless_exclusions_are_the_last_rules() -> None:
    codeowners = _real("python-cpython")
    assert [rule.line for rule in codeowners.rules if not rule.owners] == [
        581, 584, 585, 586, 587, 588, 589,
    ]  # fmt: skip


# (path, line of the winning rule or None, owners) read off each file by hand.
HAND_CHECKED: dict[str, list[tuple[str, int | None, list[str]]]] = {
    "python-cpython": [
        # .mailmap is hit by "**/*mail*" (line 393, @python/email-team), then by the
        # owner-less exclusion ".mailmap" at line 581: unowned.
        (".mailmap", 581, []),
        ("Lib/email/parser.py", 393, ["@python/email-team"]),
        # "**/*import*" (116) owns it, then "Python/clinic/" (589, no owners) unowns it.
        ("Python/clinic/import.c.h", 589, []),
        ("Modules/_io/clinic/bufferedio.c.h", 584, []),
        (
            "Python/import.c",
            117,
            ["@brettcannon", "@ericsnowcurrently", "@ncoghlan", "@warsaw", "@kumaraditya303"],
        ),
        ("Python/ceval.c", 75, ["@markshannon"]),
        ("Objects/dictobject.c", 64, ["@methane", "@markshannon"]),
        # "**/*import*" (116) matches too; the later directory rule wins.
        ("Lib/importlib/resources/abc.py", 453, ["@jaraco", "@warsaw", "@FFY00"]),
        ("README.rst", None, []),
    ],
    "nodejs-node": [
        ("lib/stream/promises.js", 35, ["@nodejs/streams"]),
        ("lib/stream/sub/x.js", None, []),  # "/lib/stream/*" owns direct children only
        ("doc/contributing/a/b.md", 18, ["@nodejs/tsc"]),
        (".github/CODEOWNERS", 13, ["@nodejs/tsc"]),
        ("lib/http.js", 75, ["@nodejs/http", "@nodejs/net"]),
        ("lib/internal/http2/core.js", 85, ["@nodejs/http2", "@nodejs/net"]),
        ("README.md", None, []),
    ],
    "cli-cli": [
        (
            "pkg/cmd/attestation/verification/embed/tuf-repo.github.com/root.json",
            10,
            ["@cli/tuf-root-reviewers"],
        ),
        ("pkg/cmd/attestation/verify/verify.go", 7, ["@cli/package-security"]),
        ("test/integration/attestation-cmd/run.sh", 8, ["@cli/package-security"]),
        ("internal/codespaces/api.go", 4, ["@cli/codespaces"]),
        ("pkg/cmd/pr/create/create.go", 1, ["@cli/code-reviewers"]),
    ],
    "microsoft-vscode": [
        ("src/vscode-dts/vscode.d.ts", 3, ["@jrieken", "@mjbvz"]),
        ("src/vscode-dts/vscode.proposed.chat.d.ts", None, []),
    ],
}


@pytest.mark.parametrize(
    ("repo", "path", "line", "owners"),
    [
        pytest.param(repo, path, line, owners, id=f"{repo}: {path}")
        for repo, checks in HAND_CHECKED.items()
        for path, line, owners in checks
    ],
)
def test_real_file_path_resolves_to_hand_read_owners(
    repo: str, path: str, line: int | None, owners: list[str]
) -> None:
    match = _real(repo).match(path)
    assert (match.rule.line if match.rule else None) == line
    assert ["@" + owner.name for owner in match.owners] == owners


# --- GitHub's rules -------------------------------------------------------------------------


def test_last_matching_line_wins() -> None:
    codeowners = parse("*.js @frontend/all\n/apps/ @octocat\n/apps/github @doctocat\n")
    assert codeowners.match("apps/github/index.js").owners == (Owner("user", "doctocat"),)
    assert codeowners.match("apps/web/index.js").owners == (Owner("user", "octocat"),)
    assert codeowners.match("lib/index.js").owners == (Owner("team", "frontend/all"),)


def test_ownerless_line_after_a_broader_one_leaves_the_path_unowned() -> None:
    codeowners = parse("/apps/ @octocat\n/apps/github\n")
    match = codeowners.match("apps/github/x.rb")
    assert match.owners == () and match.rule is not None and match.rule.line == 2
    no_line = codeowners.match("lib/x.rb")
    assert no_line.owners == () and no_line.rule is None


def test_patterns_are_case_sensitive() -> None:
    codeowners = parse("/Docs/ @writers\n*.MD @shouty\n")
    assert codeowners.match("Docs/a.txt").rule is not None
    assert codeowners.match("docs/a.txt").rule is None
    assert codeowners.match("README.md").rule is None
    assert codeowners.match("README.MD").rule is not None


def test_malformed_lines_are_skipped_with_their_line_numbers_and_the_rest_applies() -> None:
    text = "\n".join(
        [
            "* @acme/everyone",  # 1
            "!secret.txt @acme/security",  # 2: negation
            "*.[ch] @acme/c",  # 3: character range
            "\\#notes.md @acme/docs",  # 4: escaped '#'
            "docs/ writers",  # 5: owner without '@'
            "[Backend]",  # 6: GitLab section header
            "/ @acme/root",  # 7: matches nothing
            "# a comment",  # 8
            "src/ @acme/src # owners end here: @not/an-owner",  # 9
            "",
        ]
    )
    codeowners = parse(text, "acme/web:.github/CODEOWNERS")
    assert [(error.line, error.text) for error in codeowners.errors] == [
        (2, "!secret.txt @acme/security"),
        (3, "*.[ch] @acme/c"),
        (4, "\\#notes.md @acme/docs"),
        (5, "docs/ writers"),
        (6, "[Backend]"),
        (7, "/ @acme/root"),
    ]
    reasons = [error.reason for error in codeowners.errors]
    for error_reason, word in zip(
        reasons, ["negation", "ranges", "'\\#'", "'writers'", "GitLab", "'*'"], strict=True
    ):
        assert word in error_reason
    assert [rule.line for rule in codeowners.rules] == [1, 9]
    everyone = (Owner("team", "acme/everyone"),)
    assert codeowners.match("secret.txt").owners == everyone
    assert codeowners.match("main.c").owners == everyone
    # The skipped "docs/ writers" line neither owns docs/ nor clears its ownership.
    assert codeowners.match("docs/guide.md").owners == everyone
    assert codeowners.match("src/app.py").owners == (Owner("team", "acme/src"),)


def test_owner_kinds_and_inline_comment() -> None:
    [rule] = parse("lib/ @alice @acme/web a@b.com # reviewers: @bob\n").rules
    assert rule.owners == (
        Owner("user", "alice"),
        Owner("team", "acme/web"),
        Owner("email", "a@b.com"),
    )


def test_escaped_space_and_escaped_wildcard_are_literal() -> None:
    codeowners = parse("foo/b\\ ar/ @a\nf\\*o @b\n")
    assert codeowners.match("foo/b ar/x").owners == (Owner("user", "a"),)
    assert codeowners.match("f*o").owners == (Owner("user", "b"),)
    assert codeowners.match("foo").rule is None


def test_star_stays_within_a_directory_and_double_star_crosses() -> None:
    codeowners = parse("docs/* @a\n/a/**/b @b\n")
    assert codeowners.match("docs/x.md").owners == (Owner("user", "a"),)
    assert codeowners.match("docs/sub/x.md").rule is None
    assert [codeowners.match(p).rule is not None for p in ("a/b", "a/x/y/b/z", "c/a/b")] == [
        True,
        True,
        False,
    ]


def test_windows_line_endings_and_bom() -> None:
    codeowners = parse("\ufeff* @a\r\n# c\r\nbad owner\r\n")
    assert [rule.pattern for rule in codeowners.rules] == ["*"]
    assert [(error.line, error.text) for error in codeowners.errors] == [(3, "bad owner")]


def test_file_over_three_megabytes_is_not_loaded() -> None:
    codeowners = parse("* @a\n" + "#" * MAX_FILE_BYTES)
    assert codeowners.rules == () and codeowners.errors[0].line == 0
