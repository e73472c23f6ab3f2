"""Files past what GitHub's file APIs give inline: the contents API leaves the text of a file
over 1 MB out ("encoding": "none"), GraphQL's Blob.text stops at 512,000 bytes (isTruncated);
the local server answers so, and serves the git blob by its sha."""

from __future__ import annotations

import base64
import json
import urllib.request
from pathlib import Path

import pytest

from miner.fixtures_server import FixtureServer, git_blob_sha
from miner.raw import BLOB_TEXT_LIMIT
from tests.mirror_builder import MirrorBuilder

_PAD = "# " + "x" * 97 + "\n"  # 100 bytes of comment
_LAST_RULE = "/src/secret/ @acme/security\n"


def _codeowners(size: int) -> str:
    """A CODEOWNERS of at least `size` bytes whose last line alone owns src/secret/."""
    head = "* @acme/web\n"
    return head + _PAD * ((size - len(head) - len(_LAST_RULE)) // len(_PAD) + 1) + _LAST_RULE


def _org(codeowners: str) -> MirrorBuilder:
    b = MirrorBuilder(teams={"web": ["alice", "bob"], "security": ["sam"]})
    b.files[("app", ".github/CODEOWNERS")] = codeowners
    pull = b.pull("app", "alice", 0, files=["src/secret/key.py", "README.md"])
    pull.request(0, reviewer="bob").review("bob", 3)
    return b


def _get(url: str, accept: str = "application/vnd.github+json") -> tuple[str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request) as response:
        return response.headers["Content-Type"], response.read()


def test_the_local_server_answers_for_a_big_file_as_github_does(tmp_path: Path) -> None:
    small, big = "* @acme/web\n", _codeowners(1_100_000)
    b = _org(big)
    b.files[("app", "requirements.txt")] = small
    root = b.write(tmp_path / "mirror")
    with FixtureServer(root) as server:
        contents = f"{server.url}/repos/acme/app/contents"
        item = json.loads(_get(f"{contents}/.github/CODEOWNERS")[1])
        sha = git_blob_sha(big.encode())
        assert (item["encoding"], item["content"], item["size"], item["sha"]) == (
            "none",
            "",
            len(big),
            sha,
        )
        assert item["git_url"].endswith(f"/repos/acme/app/git/blobs/{sha}")
        # the raw media type gives the bytes, whatever the size
        raw = _get(f"{contents}/.github/CODEOWNERS", "application/vnd.github.raw+json")
        assert raw[1] == big.encode()
        # a file up to 1 MB comes inline
        assert json.loads(_get(f"{contents}/requirements.txt")[1])["encoding"] == "base64"
        blob = json.loads(_get(f"{server.url}/repos/acme/app/git/blobs/{sha}")[1])
        assert (blob["sha"], blob["size"], blob["encoding"]) == (sha, len(big), "base64")
        assert base64.b64decode(blob["content"]) == big.encode()
        assert (
            _get(f"{server.url}/repos/acme/app/git/blobs/{sha}", "application/vnd.github.raw")[1]
            == big.encode()
        )
        with pytest.raises(urllib.error.HTTPError) as missing:
            _get(f"{server.url}/repos/acme/app/git/blobs/{'0' * 40}")
        assert missing.value.code == 404


def test_graphql_blob_text_stops_at_512000_bytes(tmp_path: Path) -> None:
    # a two-byte character across the cut: the text ends before it
    big = "é" * (BLOB_TEXT_LIMIT // 2 + 10)
    b = _org(big)
    b.files[("app", "requirements.txt")] = "x" * BLOB_TEXT_LIMIT
    root = b.write(tmp_path / "mirror")
    query = """query { repository(owner: "acme", name: "app") {
        big: object(expression: "HEAD:.github/CODEOWNERS") { ... on Blob { byteSize isTruncated text } }
        edge: object(expression: "HEAD:requirements.txt") { ... on Blob { byteSize isTruncated text } }
    } }"""  # noqa: E501
    with FixtureServer(root) as server:
        request = urllib.request.Request(
            f"{server.url}/graphql",
            data=json.dumps({"query": query}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request) as response:
            found = json.loads(response.read())["data"]["repository"]
    assert found["big"]["byteSize"] == len(big.encode())
    assert found["big"]["isTruncated"] is True
    assert found["big"]["text"] == "é" * (BLOB_TEXT_LIMIT // 2)
    assert found["edge"] == {
        "byteSize": BLOB_TEXT_LIMIT,
        "isTruncated": False,
        "text": "x" * BLOB_TEXT_LIMIT,
    }
