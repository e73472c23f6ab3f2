"""Find the SQL files under queries/, read their header comments and order them by dependency."""

from __future__ import annotations

import graphlib
import re
from dataclasses import dataclass
from pathlib import Path

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"

_COMMENT = re.compile(r"--[^\n]*")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class SqlFile:
    """One query file: `name` is the table or view it defines, `sql` its select."""

    name: str
    path: Path
    sql: str

    @property
    def description(self) -> str:
        """The header comment's first sentence, without the leading `name:`."""
        header: list[str] = []
        for line in self.sql.splitlines():
            if not line.startswith("--"):
                break
            text = line.removeprefix("--").strip()
            if not text:
                break
            header.append(text)
        first = " ".join(header)
        first = first.removeprefix(f"{self.name}:").strip()
        return first.split(". ")[0].rstrip(".")

    @property
    def body(self) -> str:
        """The SQL with a trailing semicolon removed, ready to wrap in create ... as."""
        return self.sql.strip().rstrip(";")


def layer(name: str, root: Path = QUERIES_DIR) -> list[SqlFile]:
    """The files of one folder (core, metrics, reports), dependencies first."""
    files = {
        p.stem: SqlFile(p.stem, p, p.read_text(encoding="utf-8"))
        for p in sorted((root / name).glob("*.sql"))
    }
    graph: dict[str, set[str]] = {}
    for stem, f in files.items():
        words = set(_WORD.findall(_COMMENT.sub("", f.sql)))
        graph[stem] = {other for other in files if other != stem and other in words}
    return [files[stem] for stem in graphlib.TopologicalSorter(graph).static_order()]
