"""`miner owners`: find the CODEOWNERS to ask (a file, a checkout, the warehouse) and print
who owns each path and which line decided it."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from miner.codeowners import Codeowners, Match, locate, parse
from miner.errors import MinerError
from miner.ownership import owner_label
from miner.raw import CODEOWNERS_PATHS
from miner.warehouse import Warehouse


def from_file(path: Path) -> Codeowners:
    return parse(_read(path), str(path))


def from_checkout(root: Path) -> Codeowners:
    found = locate([p for p in CODEOWNERS_PATHS if (root / p).is_file()])
    if found is None:
        raise MinerError(
            f"{root}: no CODEOWNERS at {', '.join(CODEOWNERS_PATHS)}: "
            "pass --codeowners FILE or --repo ORG/REPO"
        )
    return from_file(root / found)


def from_warehouse(wh: Warehouse, repo: str) -> Codeowners:
    found = wh.query(
        "select path, text from repo_files "
        "where repo = ? and path in (?, ?, ?) and text is not null",
        [repo, *CODEOWNERS_PATHS],
    )
    texts = dict(found)
    chosen = locate(texts)
    if chosen is None:
        known = wh.query("select count(*) from repos where repo = ?", [repo])[0][0]
        why = "no CODEOWNERS was synced for it" if known else "no such repo in the warehouse"
        raise MinerError(f"{repo}: {why} ({wh.path})")
    return parse(texts[chosen], f"{repo}:{chosen}")


def render(matches: Sequence[Match], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(
            [
                {
                    "path": m.path,
                    "owners": [owner_label(o.kind, o.name) for o in m.owners],
                    "line": m.rule.line if m.rule else None,
                }
                for m in matches
            ],
            indent=2,
        )
    table = Table("path", "owners", "line", "pattern", box=None, header_style="bold")
    for m in matches:
        owners = " ".join(owner_label(o.kind, o.name) for o in m.owners)
        if m.rule is None:
            owners, line, pattern = "(no rule matches)", "", ""
        else:
            owners = owners or "(unowned: the line has no owners)"
            line, pattern = str(m.rule.line), m.rule.pattern
        table.add_row(escape(m.path), escape(owners), line, escape(pattern))
    out = io.StringIO()
    Console(width=120, file=out).print(table)
    return out.getvalue().rstrip()


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise MinerError(f"{path}: not UTF-8 text, which GitHub requires of CODEOWNERS") from exc
