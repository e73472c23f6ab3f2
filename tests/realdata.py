"""Readers for the real GitHub recordings under ../shared/realdata (formats in its SOURCES.md).

Each reader takes a file and returns its exchanges or rows as small frozen records, with the
body still as recorded; `.json()` parses it. Nothing here is copied into the repo: tests read
the recordings in place and skip when the folder is absent.
"""

from __future__ import annotations

import base64
import csv
import gzip
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# ../shared/realdata beside the checkout: tests/ -> checkout -> its parent.
REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
PYGITHUB_REPLAY = REALDATA / "pygithub" / "tests" / "ReplayData"
DEVLAKE_RAW = REALDATA / "devlake" / "backend" / "plugins" / "github" / "e2e" / "raw_tables"
OCTOKIT_RB_CASSETTES = REALDATA / "octokit-rb" / "spec" / "cassettes"
GITHUB3PY_CASSETTES = REALDATA / "github3py" / "tests" / "cassettes"

ABSENT = "../shared/realdata is absent: the real GitHub payloads these tests parse live there"

# A PyGithub ReplayData record is 10 lines, then one blank separator line.
_REPLAY_RECORD_LINES = 10


def require_realdata() -> Path:
    """The realdata folder, or skip the calling test when this machine has none."""
    if not REALDATA.is_dir():
        pytest.skip(ABSENT)
    return REALDATA


class RecordingError(ValueError):
    """A recording does not have the shape its format promises."""


@dataclass(frozen=True)
class Exchange:
    """One recorded HTTP request and its response body, whatever format it came from."""

    source: str
    method: str
    path: str  # path and query, as requested
    status: int
    body: str

    def json(self) -> Any:
        """The response body parsed as JSON; a RecordingError names the file when it is not."""
        try:
            return json.loads(self.body)
        except json.JSONDecodeError as exc:
            raise RecordingError(
                f"{self.source}: {self.method} {self.path}: response body is not JSON: {exc}"
            ) from exc


# -- PyGithub ReplayData ---------------------------------------------------------------------


def replay_exchanges(path: Path) -> list[Exchange]:
    """Every exchange of a PyGithub ReplayData file, in recorded order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    exchanges: list[Exchange] = []
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        record = lines[i : i + _REPLAY_RECORD_LINES]
        if len(record) < _REPLAY_RECORD_LINES - 1:  # a last empty body may lack its line
            raise RecordingError(f"{path.name}: line {i + 1}: truncated record {record!r}")
        record += [""] * (_REPLAY_RECORD_LINES - len(record))
        _scheme, method, _host, _port, request_path, _headers, _body, status, _rh, body = record
        exchanges.append(Exchange(path.name, method, request_path, int(status), body))
        i += _REPLAY_RECORD_LINES
    return exchanges


def replay_json(name: str, method: str, request_path: str) -> Any:
    """The JSON body of the one exchange of ReplayData file `name` for `method request_path`."""
    matches = [
        e
        for e in replay_exchanges(PYGITHUB_REPLAY / name)
        if e.method == method and e.path == request_path
    ]
    if len(matches) != 1:
        raise RecordingError(f"{name}: {len(matches)} exchanges for {method} {request_path}")
    return matches[0].json()


# -- DevLake raw tables ----------------------------------------------------------------------


@dataclass(frozen=True)
class DevLakeRow:
    """One row of a DevLake `_raw_github_api_*` table: one raw API object and its request."""

    id: int
    params: str  # JSON text as stored; one row of _raw_github_api_events.csv is malformed
    data: Any
    url: str
    input: Any  # the parent key DevLake fetched it under, e.g. {"Number": 41, ...}; or None
    created_at: str


def devlake_rows(name: str) -> list[DevLakeRow]:
    """The rows of DevLake raw table CSV `name` (e.g. `_raw_github_api_pull_requests.csv`)."""
    csv.field_size_limit(sys.maxsize)  # `data` holds whole API objects
    rows: list[DevLakeRow] = []
    with (DEVLAKE_RAW / name).open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            rows.append(
                DevLakeRow(
                    id=int(row["id"]),
                    params=row["params"],
                    data=json.loads(row["data"]),
                    url=row["url"],
                    input=json.loads(row["input"]) if row["input"] else None,
                    created_at=row["created_at"],
                )
            )
    return rows


# -- VCR (octokit.rb) and Betamax (github3.py) cassettes -------------------------------------


def cassette_exchanges(path: Path) -> list[Exchange]:
    """Every exchange of a VCR or Betamax JSON cassette, bodies decoded (base64, then gzip)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    exchanges: list[Exchange] = []
    for interaction in data["http_interactions"]:
        request, response = interaction["request"], interaction["response"]
        uri = str(request["uri"])
        request_path = uri.split("://", 1)[-1].partition("/")[2]
        exchanges.append(
            Exchange(
                path.name,
                str(request["method"]).upper(),
                "/" + request_path,
                _cassette_status(response),
                _cassette_body(response),
            )
        )
    return exchanges


def _cassette_status(response: dict[str, Any]) -> int:
    # VCR and Betamax >= 0.8 write {"status": {"code": 200, ...}}; early Betamax "status_code".
    status = response.get("status")
    code = status.get("code") if isinstance(status, dict) else response.get("status_code")
    if code is None:
        raise RecordingError(f"cassette response without a status: {sorted(response)}")
    return int(code)


def _cassette_body(response: dict[str, Any]) -> str:
    body = response.get("body") or {}
    if "base64_string" in body:
        raw = base64.b64decode(body["base64_string"])
        if raw[:2] == b"\x1f\x8b":  # gzip magic: github3.py recorded the compressed bytes
            raw = gzip.decompress(raw)
        return raw.decode("utf-8")
    return str(body.get("string", ""))
