"""Files past what GitHub's file APIs give inline: the contents API leaves the text of a file
over 1 MB out ("encoding": "none"), GraphQL's Blob.text stops at 512,000 bytes (isTruncated).
A sync fetches such a file's git blob by its sha, so its text is whole in the warehouse."""

from __future__ import annotations

import base64
import json
import urllib.request
from pathlib import Path

import pytest

from miner.codeowners import MAX_FILE_BYTES
from miner.fixtures_server import FixtureServer, git_blob_sha
from miner.manifests import MAX_MANIFEST_CHARS, parse
from miner.raw import BLOB_TEXT_LIMIT
from miner.warehouse import Warehouse
from tests.local_sync import sync_from
from tests.mirror_builder import MirrorBuilder

APIS = ("graphql", "rest")
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


def _asked(server: FixtureServer) -> list[str]:
    return [r.query.get("operation", r.path) for r in server.requests]


@pytest.mark.parametrize("api", APIS)
def test_a_codeowners_over_1_mb_is_read_to_its_last_line(tmp_path: Path, api: str) -> None:
    text = _codeowners(1_500_000)
    root = _org(text).write(tmp_path / "mirror")
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        sync_from(server, wh, token="t", api=api)
        sha = git_blob_sha(text.encode())
        assert f"/repos/acme/app/git/blobs/{sha}" in _asked(server)
        assert wh.query("select blob_sha, text = ? from repo_files", [text]) == [(sha, True)]
        assert wh.query(
            "select line, pattern, owners from codeowners_rules order by line desc limit 1"
        ) == [(text.count("\n"), "/src/secret/", ["@acme/security"])]
        assert wh.query("select path, pattern, owners from path_owners order by path") == [
            ("README.md", "*", ["@acme/web"]),
            ("src/secret/key.py", "/src/secret/", ["@acme/security"]),
        ]
        assert wh.query("select count(*) from codeowners_errors") == [(0,)]
        # the blob is asked once: the next sync of the unchanged file fetches nothing
        server.clear_log()
        sync_from(server, wh, token="t", api=api)
        assert not [p for p in _asked(server) if "/git/blobs/" in p or "CODEOWNERS" in p]
        assert wh.query("select text = ? from repo_files", [text]) == [(True,)]


@pytest.mark.parametrize("api", APIS)
def test_a_codeowners_over_3_mb_is_the_file_github_does_not_load(tmp_path: Path, api: str) -> None:
    text = _codeowners(MAX_FILE_BYTES + 1000)
    root = _org(text).write(tmp_path / "mirror")
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        sync_from(server, wh, token="t", api=api)
        assert wh.query("select length(text) from repo_files") == [(len(text),)]
        # as miner reads any CODEOWNERS over GitHub's limit: no rules, the whole file refused
        assert wh.query("select count(*) from codeowners_rules") == [(0,)]
        assert wh.query("select file, line, reason from codeowners_errors") == [
            (
                ".github/CODEOWNERS",
                0,
                "the file is over GitHub's 3 MB limit, so GitHub does not load it at all",
            )
        ]
        assert wh.query("select path, owners from path_owners order by path") == [
            ("README.md", []),
            ("src/secret/key.py", []),
        ]


def _requirements(size: int) -> str:
    """A requirements.txt of at least `size` bytes naming acme-lib on its last line."""
    return _PAD * (size // len(_PAD) + 1) + "acme-lib>=1\n"


def test_a_manifest_graphql_cuts_short_gives_its_last_dependency(tmp_path: Path) -> None:
    text = _requirements(BLOB_TEXT_LIMIT + 100_000)
    assert len(text) < MAX_MANIFEST_CHARS  # within what miner parses
    b = _org("* @acme/web\n")
    b.files[("app", "requirements.txt")] = text
    root = b.write(tmp_path / "mirror")
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        sync_from(server, wh, token="t", api="graphql")
        assert wh.query("select text = ? from repo_files where kind = 'manifest'", [text]) == [
            (True,)
        ]
        assert wh.query(
            "select repo, package from repo_packages where role = 'consumes' order by all"
        ) == [("acme/app", "acme-lib")]


@pytest.mark.parametrize("api", APIS)
def test_a_manifest_over_1_mb_is_read_to_its_last_dependency(tmp_path: Path, api: str) -> None:
    # a requirements.txt of pinned hashes, as pip-compile writes them, passes 1 MB easily
    text = _requirements(1_200_000)
    b = _org("* @acme/web\n")
    b.files[("app", "requirements.txt")] = text
    root = b.write(tmp_path / "mirror")
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        sync_from(server, wh, token="t", api=api)
        sha = git_blob_sha(text.encode())
        assert f"/repos/acme/app/git/blobs/{sha}" in _asked(server)
        assert wh.query("select text = ? from repo_files where kind = 'manifest'", [text]) == [
            (True,)
        ]
        assert wh.query(
            "select repo, package, requirement from repo_packages where role = 'consumes'"
        ) == [("acme/app", "acme-lib", ">=1")]
        assert wh.query("select count(*) from manifest_errors") == [(0,)]


def test_a_manifest_over_githubs_100_mb_is_refused_out_loud() -> None:
    # past what GitHub's git blob API gives: said, not read as an empty file
    text = "acme-lib>=1\n" + "#" * MAX_MANIFEST_CHARS
    manifest = parse("requirements.txt", text)
    assert MAX_MANIFEST_CHARS == 100_000_000
    assert (manifest.consumes, manifest.errors) == (
        [],
        [f"requirements.txt: {len(text):,} characters, over 100,000,000"],
    )


@pytest.mark.parametrize("api", APIS)
def test_a_big_file_an_earlier_miner_stored_without_text_is_fetched_again(
    tmp_path: Path, api: str
) -> None:
    text = _codeowners(1_500_000)
    root = _org(text).write(tmp_path / "mirror")
    with FixtureServer(root) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:
        sync_from(server, wh, token="t", api=api)
        # what miner stored before it fetched git blobs: REST's object as GitHub answers it,
        # GraphQL's without content
        ((raw,),) = wh.query("select payload from raw_contents")
        payload = json.loads(raw)
        old = {"encoding": "none", "content": ""} if api == "rest" else {"content": None}
        wh.con.execute("update raw_contents set payload = ?", [json.dumps({**payload, **old})])
        server.clear_log()
        sync_from(server, wh, token="t", api=api)
        assert f"/repos/acme/app/git/blobs/{payload['sha']}" in _asked(server)
        assert wh.query("select text = ? from repo_files", [text]) == [(True,)]
        assert wh.query("select max(line) from codeowners_rules") == [(text.count("\n"),)]
        # once whole, it is not asked again
        server.clear_log()
        sync_from(server, wh, token="t", api=api)
        assert not [p for p in _asked(server) if "/git/blobs/" in p]


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
