"""Turn each repo's CODEOWNERS into rule rows (with regexes) that SQL matches paths against."""

from __future__ import annotations

import pyarrow as pa

from miner.codeowners import locate, parse
from miner.config import Config
from miner.raw import CODEOWNERS_PATHS
from miner.warehouse import Warehouse

# Tables this step writes, and the core tables it reads.
WRITES = ("codeowners_rules", "codeowners_errors")
READS = ("repo_files",)


def write_codeowners_tables(wh: Warehouse, config: Config) -> None:
    """codeowners_rules: one row per valid CODEOWNERS line of each repo (the file GitHub uses);
    codeowners_errors: one row per line GitHub would skip, with the reason."""
    files: dict[tuple[str, str], dict[str, str | None]] = {}
    for org, repo, path, text in wh.query(
        "select org, repo, path, text from repo_files where path in (?, ?, ?) order by all",
        list(CODEOWNERS_PATHS),
    ):
        files.setdefault((org, repo), {})[path] = text
    rules: dict[str, list[object]] = {
        k: [] for k in ("org", "repo", "file", "line", "pattern", "regex", "owners")
    }
    errors: dict[str, list[object]] = {
        k: [] for k in ("org", "repo", "file", "line", "text", "reason")
    }
    for (org, repo), texts in files.items():
        chosen = locate([p for p, t in texts.items() if t is not None])
        if chosen is None:
            continue
        parsed = parse(texts[chosen] or "", f"{repo}:{chosen}")
        for rule in parsed.rules:
            for key, value in (
                ("org", org),
                ("repo", repo),
                ("file", chosen),
                ("line", rule.line),
                ("pattern", rule.pattern),
                ("regex", rule.regex),
                ("owners", [owner_label(o.kind, o.name) for o in rule.owners]),
            ):
                rules[key].append(value)
        for error in parsed.errors:
            for key, value in (
                ("org", org),
                ("repo", repo),
                ("file", chosen),
                ("line", error.line),
                ("text", error.text),
                ("reason", error.reason),
            ):
                errors[key].append(value)
    rule_schema = pa.schema(
        [
            ("org", pa.string()),
            ("repo", pa.string()),
            ("file", pa.string()),
            ("line", pa.int32()),
            ("pattern", pa.string()),
            ("regex", pa.string()),
            ("owners", pa.list_(pa.string())),
        ]
    )
    error_schema = pa.schema(
        [
            ("org", pa.string()),
            ("repo", pa.string()),
            ("file", pa.string()),
            ("line", pa.int32()),
            ("text", pa.string()),
            ("reason", pa.string()),
        ]
    )
    for name, data, schema in (
        ("codeowners_rules", rules, rule_schema),
        ("codeowners_errors", errors, error_schema),
    ):
        wh.con.register("_rows", pa.table(data, schema=schema))
        try:
            wh.con.execute(f"create or replace table {name} as select * from _rows")
        finally:
            wh.con.unregister("_rows")


def owner_label(kind: str, name: str) -> str:
    """How an owner is written in CODEOWNERS: @user, @org/team, or the e-mail address."""
    return name if kind == "email" else f"@{name}"
