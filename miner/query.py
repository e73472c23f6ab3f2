"""`miner query`: the named SQL of queries/reports/ with parameters, or any SQL, read-only, and
its rows as a table, CSV or JSON."""

from __future__ import annotations

import base64
import csv
import io
import json
import math
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import duckdb
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from miner.errors import ConfigError, MinerError, counted
from miner.reports.data import scope
from miner.sql_files import layer
from miner.warehouse import Warehouse

FORMATS = ("table", "csv", "json")
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# Parameters a named query may take and a caller may leave out: NULL then, meaning all (every
# team, every repo), as `miner report` passes them without --team or --repo.
OPTIONAL_PARAMS = ("team", "repo")
# The order `--list` names a query's parameters in: who, from when, to when, how many.
_PARAM_ORDER = ("org", "since", "until", "limit")
# What an instant a user types may be (read as DuckDB casts text to a timestamptz).
INSTANT = "a date or an instant, like 2026-03-01 or 2026-03-01T09:00:00Z"
# Parameters whose text must read as a DuckDB type where the queries use them: checked before
# a query runs, so a typo is named rather than failing as DuckDB's conversion error.
_PARAM_TYPES = {
    "since": ("timestamptz", INSTANT),
    "until": ("timestamptz", INSTANT),
    "limit": ("ubigint", "a whole number of rows, like 10"),
}


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    params: tuple[str, ...]
    body: str


@dataclass(frozen=True)
class Result:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def named_queries() -> dict[str, NamedQuery]:
    """queries/reports/NAME.sql by name: the first sentence of its header, its $parameters."""
    out: dict[str, NamedQuery] = {}
    for f in sorted(layer("reports"), key=lambda f: f.name):
        found = set(_PARAM.findall(f.code))
        # the ones a caller must give first, in one order for every query (not the order the
        # SQL happens to name them), then the optional ones
        params = tuple(sorted(found, key=lambda p: (
            p in OPTIONAL_PARAMS, _PARAM_ORDER.index(p) if p in _PARAM_ORDER else 99, p
        )))  # fmt: skip
        out[f.name] = NamedQuery(f.name, f.description, params, f.body)
    return out


def listing() -> Result:
    """The named queries as rows: name, the parameters a caller must give, the ones it may
    leave out, and the query's description."""
    return Result(
        ["name", "params", "optional_params", "description"],
        [
            (
                q.name,
                [p for p in q.params if p not in OPTIONAL_PARAMS],
                [p for p in q.params if p in OPTIONAL_PARAMS],
                q.description,
            )
            for q in named_queries().values()
        ],
    )


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    """--param k=v, given any number of times."""
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--param {pair!r}: expected NAME=VALUE, like org=acme")
        key = key.strip()
        if key in params:
            raise ConfigError(
                f"--param {key} given twice ({params[key]!r}, then {value!r}): give it once"
            )
        params[key] = value
    return params


def run_named(wh: Warehouse, name: str, params: dict[str, str]) -> Result:
    """Run queries/reports/NAME.sql with `params` (text; DuckDB casts each where it is used)."""
    queries = named_queries()
    if name not in queries:
        known = ", ".join(queries) or "none"
        raise ConfigError(f"no query named {name!r} in queries/reports/ (known: {known})")
    wanted = queries[name].params
    missing = [p for p in wanted if p not in params and p not in OPTIONAL_PARAMS]
    unknown = [p for p in params if p not in wanted]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing --param {', '.join(f'{p}=...' for p in missing)}")
        if unknown:
            parts.append(f"unknown --param {', '.join(unknown)}")
        raise ConfigError(
            f"query {name}: {'; '.join(parts)} (it takes {', '.join(wanted) or 'nothing'})"
        )
    for param, value in params.items():
        if value == "":
            leave = f", or leave it out for every {param}" if param in OPTIONAL_PARAMS else ""
            raise ConfigError(f"--param {param}= has no value: give one{leave}")
        _check_type(wh, param, value)
    if "since" in params and "until" in params:
        _check_order(wh, params["since"], params["until"])
    if "org" in wanted:
        params = {**params, **_scoped(wh, params)}
    return _run(wh, queries[name].body, {p: params.get(p) for p in wanted})


def _check_type(wh: Warehouse, param: str, value: str) -> None:
    if param not in _PARAM_TYPES:
        return
    kind, expected = _PARAM_TYPES[param]
    # DuckDB casts '2.5' and '1e1' to an integer by rounding: a count of rows is digits only
    fraction = kind == "ubigint" and re.fullmatch(r"\s*\d+\s*", value) is None
    if fraction or wh.query(f"select try_cast(? as {kind}) is null", [value])[0][0]:
        raise ConfigError(f"--param {param}={value!r}: expected {expected}")


def _check_order(wh: Warehouse, since: str, until: str) -> None:
    """A window that ends before it begins is a usage error, as report's --from/--to is."""
    if wh.query("select cast(? as timestamptz) >= cast(? as timestamptz)", [since, until])[0][0]:
        raise ConfigError(
            f"--param since={since} --param until={until}: until must be later than since"
        )


def _scoped(wh: Warehouse, params: dict[str, str]) -> dict[str, str]:
    """org, team and repo checked as `miner report` checks them: an unknown one is a usage
    error naming those there, and any case maps to the stored spelling (a repo to ORG/NAME)."""
    where = scope(wh, params["org"], params.get("team"), params.get("repo"),
                  lambda name, value: f"--param {name}={value!r}")  # fmt: skip
    checked = {"org": where.org, "team": where.team, "repo": where.repo}
    return {k: v for k, v in checked.items() if v is not None}


# What --sql runs: statements that only read. The warehouse is attached read-only, but the
# connection could otherwise ATTACH it again writable, COPY to a file, or INSTALL an extension.
_READING = {
    duckdb.StatementType.SELECT,  # with WITH, FROM, VALUES, DESCRIBE, SHOW and SUMMARIZE
    duckdb.StatementType.EXPLAIN,
    duckdb.StatementType.CALL,  # table functions, such as pragma_table_info
}


# Comments and blanks before a statement's first word.
_LEADING = re.compile(r"^(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.DOTALL)
# What stands before the statement an EXPLAIN explains: EXPLAIN itself, and ANALYZE or options in
# parentheses, which may ask for ANALYZE (that runs the statement). `explain (select 1)` explains
# a query in parentheses: both readings are tried.
_EXPLAIN = re.compile(r"^explain\s*(?:analy[sz]e\b)?", re.IGNORECASE)
_EXPLAIN_OPTIONS = re.compile(r"^explain\s*\([^)]*\)", re.IGNORECASE)


def _reads(statement: duckdb.Statement) -> bool:
    """Whether a statement only reads; an EXPLAIN, whether the statement it explains does (an
    EXPLAIN ANALYZE runs it: of a COPY, it writes the file), however its words are read."""
    if statement.type == duckdb.StatementType.MULTI:
        # DuckDB splits a PIVOT whose columns come from the data (no ON ... IN list) in two: a
        # temporary ENUM of the values, then the query. Reading if what the user wrote is a
        # query (or EXPLAIN of one), as a COPY, CREATE or INSERT around a PIVOT is not.
        text = _LEADING.sub("", statement.query, count=1)
        texts = [text, *(p.sub("", text, count=1) for p in (_EXPLAIN, _EXPLAIN_OPTIONS))]
        return any(_is_query(t) for t in texts)
    if statement.type != duckdb.StatementType.EXPLAIN:
        return statement.type in _READING
    text = _LEADING.sub("", statement.query, count=1)
    readings = []
    for pattern in (_EXPLAIN, _EXPLAIN_OPTIONS):
        if pattern.match(text):
            try:
                explained = duckdb.extract_statements(pattern.sub("", text, count=1))
            except duckdb.Error:
                continue  # not this reading
            if explained:  # nothing left: not this reading either
                readings.append(explained)
    return bool(readings) and all(len(r) == 1 and _reads(r[0]) for r in readings)


def _is_query(text: str) -> bool:
    """Whether `text` is a query: it parses as a subquery, which no writing statement does."""
    try:
        wrapped = duckdb.extract_statements(f"select * from (\n{text.strip().rstrip(';')}\n)")
    except duckdb.Error:
        return False
    query = (duckdb.StatementType.SELECT, duckdb.StatementType.MULTI)
    return len(wrapped) == 1 and wrapped[0].type in query


# What --sql may not do even in a reading statement: touch a file other than the warehouse
# (read_csv, a log or profile file), fetch or load an extension, or change a setting, which
# CALL enable_logging(...) and its kind do. The spill folder is DuckDB's own, and still works.
_LOCKED = (
    "set enable_external_access = false",
    "set autoinstall_known_extensions = false",
    "set autoload_known_extensions = false",
    "set lock_configuration = true",
)


# DuckDB's hints below its error's first line, kept on that line: the name it guesses was meant
# (a table, column or function misspelt) and the columns there are. Its other lines (the SQL
# with a caret under the spot, the list of a function's overloads) span lines, and are left out.
_HINTS = ("Did you mean", "Candidate bindings")


def _said(exc: duckdb.Error) -> str:
    """DuckDB's error in one line: its first, and the hints that follow it."""
    lines = [line.strip() for line in str(exc).strip().splitlines()]
    return " ".join([lines[0], *[line for line in lines[1:] if line.startswith(_HINTS)]])


def run_sql(wh: Warehouse, sql: str) -> Result:
    """Any reading SQL against the warehouse, which is open read-only: nothing can change it,
    and nothing is written anywhere else. It locks the connection's settings (no files outside
    the warehouse, no extensions): run it last on `wh`."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise ConfigError(f"query failed: {_said(exc)}") from None
    for statement in statements:
        if not _reads(statement):
            text = _LEADING.sub("", statement.query, count=1)
            explain = _EXPLAIN_OPTIONS.match(text) or _EXPLAIN.match(text)
            # EXPLAIN ANALYZE COPY, say: EXPLAIN alone reads
            head = " ".join(explain.group(0).split()) if explain else ""
            rest = text[explain.end() if explain else 0 :].split()
            first = rest[:1]
            if not explain and [w.upper() for w in first] == ["WITH"]:
                # WITH ... INSERT: the statement is an INSERT (with a PIVOT, DuckDB names it
                # MULTI, not what the WITH leads to)
                multi = statement.type == duckdb.StatementType.MULTI
                first = ["WITH ..." if multi else statement.type.name]
            word = " ".join([head, *first]).strip().upper()
            # a PRAGMA may set as well as read: its reading ones have a table function
            pragma = (
                " (a PRAGMA's reading is a table function: CALL pragma_table_info('reviews'), "
                "or DESCRIBE reviews)"
                if word == "PRAGMA"
                else ""
            )
            raise ConfigError(
                f"--sql: {word} is not a reading statement{pragma}: --sql runs SELECT (with "
                "WITH, FROM, PIVOT, DESCRIBE, SHOW, SUMMARIZE), EXPLAIN and CALL only; to keep "
                "the rows, redirect --format csv or json to a file, or use `miner export`"
            )
    if len(statements) > 1:
        # DuckDB would run them all and answer with the last one's rows alone
        raise ConfigError(
            f"--sql: {len(statements)} statements; give one at a time (its rows are printed)"
        )
    for setting in _LOCKED:
        wh.con.execute(setting)
    return _run(wh, sql, None, theirs=True)


def _run(
    wh: Warehouse, sql: str, params: dict[str, str | None] | None, *, theirs: bool = False
) -> Result:
    """Rows of `sql`. `theirs`: the user wrote it, so SQL DuckDB cannot parse or bind (a
    syntax error, a column or table not there) or refuses by the locked settings (a file, a
    setting) is a usage error (exit 2), as a wrong option is; a failure running it (a cast the
    data refuses, memory) is a failure (exit 1)."""
    try:
        cursor = wh.con.execute(sql, params) if params else wh.con.execute(sql)
        if cursor is None:  # DuckDB's answer to blank SQL, or comments alone
            raise ConfigError("--sql: no statement to run, only blanks or comments")
        if cursor.description is None:
            return Result([], [])
        columns = [d[0] for d in cursor.description]
        return Result(columns, cursor.fetchall())
    except duckdb.Error as exc:
        first = _said(exc)
        if "read-only" in str(exc).lower():
            first = "the warehouse is opened read-only for queries: " + first
        usage = isinstance(exc, duckdb.ProgrammingError | duckdb.PermissionException)
        wrong = ConfigError if theirs and usage else MinerError
        raise wrong(f"query failed: {first}") from None


def render(result: Result, fmt: str, console: Console) -> str | None:
    """CSV and JSON as text (returned); a table printed on `console`."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([[_text(v) for v in row] for row in result.rows])
        return out.getvalue()
    if fmt == "json":
        items = [
            {c: _json(v) for c, v in zip(result.columns, row, strict=True)} for row in result.rows
        ]
        # default=str: a type DuckDB may add later is written as its text, never a crash
        return json.dumps(items, indent=2, ensure_ascii=False, default=str) + "\n"
    table = Table(show_lines=False)
    for i, column in enumerate(result.columns):
        # a column of numbers reads down its digits, right-aligned, as the report's do
        numbers = [row[i] for row in result.rows if row[i] is not None]
        figures = bool(numbers) and all(_is_number(v) for v in numbers)
        table.add_column(escape(column), justify="right" if figures else "left")
    for row in result.rows:
        table.add_row(*(escape(f"{v:.2f}" if isinstance(v, float) else _text(v)) for v in row))
    console.print(table)
    console.print(counted(len(result.rows), "row"))
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _json(value: Any) -> Any:
    """A value as JSON carries it: instants, dates and times ISO 8601, an INTERVAL its length
    in seconds (a month as 30 days, as DuckDB's epoch() counts it), a BLOB base64, a UUID its
    text, and NaN or infinity null (JSON has neither)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    return value


def _text(value: Any) -> str:
    """A value as CSV and the table write it: as JSON carries it (an INTERVAL its seconds, a
    BLOB base64), not as Python prints it ("30 days, 0:00:00", "b'\\xaa'")."""
    if value is None:
        return ""
    if isinstance(value, datetime | date | time | timedelta | bytes | uuid.UUID):
        return str(_json(value))
    if isinstance(value, list | tuple | dict):
        return json.dumps(_json(value), ensure_ascii=False)
    return str(value)
