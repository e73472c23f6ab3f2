"""Find the SQL files under queries/, read their header comments and order them by dependency."""

from __future__ import annotations

import graphlib
import hashlib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

# Installed, the SQL ships inside the package (pyproject: miner.queries); in a checkout (an
# editable install, `make`), it is the queries/ folder beside the package.
_PACKAGE = Path(__file__).resolve().parent
_INSTALLED = _PACKAGE / "queries"
QUERIES_DIR = _INSTALLED if (_INSTALLED / "core").is_dir() else _PACKAGE.parent / "queries"

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
        first = " ".join(header).removeprefix(f"{self.name}:").strip()
        return first.split(". ")[0].rstrip(".")

    @property
    def header(self) -> str:
        """The whole header comment, its lines as written (paragraphs kept): what a row is and
        how every edge case is read."""
        lines: list[str] = []
        for line in self.sql.splitlines():
            if not line.startswith("--"):
                break
            lines.append(line.removeprefix("--").removeprefix(" ").rstrip())
        return "\n".join(lines).strip()

    @property
    def body(self) -> str:
        """The SQL with a trailing semicolon removed, ready to wrap in create ... as."""
        return self.sql.strip().rstrip(";")

    @property
    def code(self) -> str:
        """The SQL without its comments."""
        return _COMMENT.sub("", self.sql)

    def references(self, names: Collection[str]) -> set[str]:
        """Which of `names` this file's SQL (comments aside) mentions."""
        words = set(_WORD.findall(self.code))
        return {n for n in names if n != self.name and n in words}


def sql_string(text: str) -> str:
    """`text` as the inside of a quoted SQL string literal: its quotes doubled."""
    return text.replace("'", "''")


def read_layer(name: str, root: Path = QUERIES_DIR) -> dict[str, SqlFile]:
    """The files of one folder (core, macros, metrics, reports) by name."""
    paths = sorted((root / name).glob("*.sql"))
    return {p.stem: SqlFile(p.stem, p, p.read_text(encoding="utf-8")) for p in paths}


def dependency_order(
    files: Mapping[str, SqlFile], others: Mapping[str, Collection[str]] | None = None
) -> list[str]:
    """Names in an order where each comes after what it reads. `others` adds non-SQL steps
    (a table written from Python, say) with the names they depend on."""
    extra = dict(others or {})
    names = set(files) | set(extra)
    graph: dict[str, list[str]] = {n: sorted(files[n].references(names)) for n in sorted(files)}
    graph.update({n: sorted(extra[n]) for n in sorted(extra)})
    # built in name order, so the order is the same in every process (a set's is not)
    return list(graphlib.TopologicalSorter(graph).static_order())


def digest(layers: Collection[str], root: Path = QUERIES_DIR) -> str:
    """A fingerprint of the SQL of these folders: a warehouse built from other SQL (an older or
    newer miner) is told apart by it."""
    h = hashlib.sha256()
    for name in sorted(layers):
        for f in read_layer(name, root).values():
            h.update(f"{name}/{f.name}\n{f.sql}\n".encode())
    return h.hexdigest()


def layer(name: str, root: Path = QUERIES_DIR) -> list[SqlFile]:
    """The files of one folder, dependencies first."""
    files = read_layer(name, root)
    return [files[n] for n in dependency_order(files)]
