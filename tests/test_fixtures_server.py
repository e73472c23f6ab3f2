"""The fixture server answers an API mirror folder the way api.github.com answers."""

from __future__ import annotations

import base64
import http.client
import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from github import Auth, Github
from github.GithubException import RateLimitExceededException

from miner.fixtures_server import FixtureServer

BASE = datetime(2026, 1, 1, tzinfo=UTC)
CODEOWNERS = (
    b"# Owners of the web app\n"
    b"*                @acme/web\n"
    b"/src/billing/    @acme/payments @alice\n"
    b"/docs/           @acme/docs\n"
    b"\xc3\xa9t\xc3\xa9.md          @bob\n"
)


# The web repo's files at its default branch, "trunk".
CONTENTS = {
    ".github/CODEOWNERS": CODEOWNERS,
    "pyproject.toml": b'[project]\nname = "web"\n',
    "Makefile": b"all:\n\ttrue\n",
    "docs/guide/index.md": b"# Guide\n",
    "logo.png": b"\x89PNG\r\n\x1a\n\x00\x00",
}


def _stamp(hours: float) -> str:
    return (BASE + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write(root: Path, relative: str, data: Any) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    root = tmp_path / "mirror"
    _write(root, "orgs/acme/repos.json", [{"id": i, "name": f"repo{i}"} for i in range(1, 251)])
    _write(root, "repos/acme/web.json", {"name": "web", "default_branch": "trunk"})
    # 250 pulls, stored out of order: every fifth is closed; created goes up with the
    # number, updated goes down; 249 and 250 were created at the same instant.
    pulls = [
        {
            "number": n,
            "state": "closed" if n % 5 == 0 else "open",
            "created_at": _stamp(min(n, 249)),
            "updated_at": _stamp(1000 - n),
        }
        for n in range(1, 251)
    ]
    _write(root, "repos/acme/web/pulls.json", pulls[::2] + pulls[1::2])
    _write(
        root,
        "repos/acme/web/issues/7/comments.json",
        [{"id": i, "updated_at": _stamp(i)} for i in range(1, 11)],
    )
    runs = [
        {"id": i, "event": "push" if i % 3 else "pull_request", "head_branch": "main"}
        for i in range(1, 46)
    ]
    _write(root, "repos/acme/web/actions/runs.json", {"total_count": 45, "workflow_runs": runs})
    _write(
        root,
        "repos/acme/web/deployments.json",
        [{"id": 1, "environment": "production"}, {"id": 2, "environment": "staging"}],
    )
    # GitHub lists a deployment's statuses newest first.
    _write(
        root,
        "repos/acme/web/deployments/1/statuses.json",
        [{"id": 100 + i, "state": "success" if i == 3 else "in_progress"} for i in (3, 2, 1)],
    )
    _write(root, "_private/secret.json", {"hidden": True})
    contents = root / "repos/acme/web/contents"
    for relative, data in CONTENTS.items():
        (contents / relative).parent.mkdir(parents=True, exist_ok=True)
        (contents / relative).write_bytes(data)
    (contents / "empty").mkdir()  # git keeps no empty folder: not listed
    return root


@pytest.fixture
def server(mirror: Path) -> Iterator[FixtureServer]:
    with FixtureServer(mirror) as running:
        yield running


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def links(self) -> dict[str, dict[str, list[str]]]:
        """rel -> query of that link."""
        found: dict[str, dict[str, list[str]]] = {}
        for part in (self.headers.get("Link") or "").split(", "):
            if part:
                url, rel = part.split("; ")
                found[rel.removeprefix('rel="').removesuffix('"')] = parse_qs(
                    urlsplit(url.strip("<>")).query
                )
        return found


def _get(
    server: FixtureServer, target: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> Reply:
    address = urlsplit(server.url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=10)
    try:
        connection.request(method, target, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def test_list_of_250_pages_by_100_with_prev_next_last_first_links(server: FixtureServer) -> None:
    first = _get(server, "/orgs/acme/repos?per_page=100")
    assert first.status == 200
    assert [r["id"] for r in first.json()] == list(range(1, 101))
    assert set(first.links()) == {"next", "last"}
    assert first.links()["next"] == {"page": ["2"], "per_page": ["100"]}
    assert first.links()["last"]["page"] == ["3"]

    middle = _get(server, "/orgs/acme/repos?per_page=100&page=2")
    assert list(middle.links()) == ["prev", "next", "last", "first"]
    assert middle.links()["prev"]["page"] == ["1"]
    assert middle.links()["first"]["page"] == ["1"]

    last = _get(server, "/orgs/acme/repos?per_page=100&page=3")
    assert len(last.json()) == 50
    assert list(last.links()) == ["prev", "first"]
    assert (last.headers.get("Link") or "").startswith(server.url + "/orgs/acme/repos?", 1)


def test_default_page_size_is_30_so_250_items_make_9_pages(server: FixtureServer) -> None:
    first = _get(server, "/orgs/acme/repos")
    assert len(first.json()) == 30
    # GitHub only adds per_page to the links when the request had it.
    assert first.links()["last"] == {"page": ["9"]}
    assert len(_get(server, "/orgs/acme/repos?page=9").json()) == 10


def test_per_page_above_100_is_capped_at_100(server: FixtureServer) -> None:
    reply = _get(server, "/orgs/acme/repos?per_page=500")
    assert len(reply.json()) == 100
    assert reply.links()["last"] == {"page": ["3"], "per_page": ["100"]}


def test_page_past_the_end_is_an_empty_list_with_status_200(server: FixtureServer) -> None:
    reply = _get(server, "/orgs/acme/repos?per_page=100&page=7")
    assert (reply.status, reply.json()) == (200, [])
    assert "next" not in reply.links()


def test_pulls_default_to_open_newest_created_first(server: FixtureServer) -> None:
    pulls = _get(server, "/repos/acme/web/pulls?per_page=100").json()
    numbers = [p["number"] for p in pulls]
    assert all(p["state"] == "open" for p in pulls)
    # 249 and 250 share created_at; 250 is closed, so 249 leads, then by creation.
    assert numbers[:3] == [249, 248, 247]
    assert _get(server, "/repos/acme/web/pulls").links()["last"]["page"] == ["7"]  # 200 open


def test_pulls_state_sort_and_direction_follow_github_defaults(server: FixtureServer) -> None:
    closed = _get(server, "/repos/acme/web/pulls?state=closed&per_page=100").json()
    assert len(closed) == 50 and all(p["state"] == "closed" for p in closed)

    everything = _get(server, "/repos/acme/web/pulls?state=all&direction=asc&per_page=100")
    assert [p["number"] for p in everything.json()][:3] == [1, 2, 3]
    assert everything.links()["last"]["page"] == ["3"]

    # Any sort other than created defaults to ascending: oldest update first.
    updated = _get(server, "/repos/acme/web/pulls?state=all&sort=updated&per_page=100").json()
    assert [p["number"] for p in updated][:2] == [250, 249]
    ties = _get(server, "/repos/acme/web/pulls?state=all&per_page=2").json()
    assert [p["number"] for p in ties] == [250, 249]  # same created_at: by number


def test_since_keeps_comments_updated_at_or_after_it(server: FixtureServer) -> None:
    reply = _get(server, "/repos/acme/web/issues/7/comments?since=" + _stamp(8))
    assert [c["id"] for c in reply.json()] == [8, 9, 10]
    assert _get(server, "/repos/acme/web/issues/7/comments?since=soon").status == 422


def test_workflow_runs_are_paged_inside_the_object_keeping_total_count(
    server: FixtureServer,
) -> None:
    reply = _get(server, "/repos/acme/web/actions/runs?per_page=20&page=3")
    body = reply.json()
    assert body["total_count"] == 45
    assert [r["id"] for r in body["workflow_runs"]] == [41, 42, 43, 44, 45]
    assert set(reply.links()) == {"prev", "first"}

    pushes = _get(server, "/repos/acme/web/actions/runs?event=push").json()
    assert pushes["total_count"] == 30
    assert all(r["event"] == "push" for r in pushes["workflow_runs"])


def test_deployments_filter_by_environment(server: FixtureServer) -> None:
    reply = _get(server, "/repos/acme/web/deployments?environment=production")
    assert [d["id"] for d in reply.json()] == [1]


def test_deployment_statuses_are_served_newest_first_in_pages(server: FixtureServer) -> None:
    first = _get(server, "/repos/acme/web/deployments/1/statuses?per_page=2")
    assert [s["id"] for s in first.json()] == [103, 102]
    assert first.links()["next"] == {"page": ["2"], "per_page": ["2"]}
    second = _get(server, "/repos/acme/web/deployments/1/statuses?per_page=2&page=2")
    assert [s["id"] for s in second.json()] == [101]
    # a listed deployment without a statuses file has none yet, as GitHub answers; an unknown
    # deployment is a 404
    empty = _get(server, "/repos/acme/web/deployments/2/statuses")
    assert (empty.status, empty.json()) == (200, [])
    assert _get(server, "/repos/acme/web/deployments/3/statuses").status == 404


def test_etag_answers_304_without_spending_the_rate_limit(mirror: Path) -> None:
    with FixtureServer(mirror, rate_limit=3) as server:
        first = _get(server, "/orgs/acme/repos")
        etag = first.headers["ETag"]
        assert etag.startswith('"') and len(etag) == 42
        assert first.headers["X-RateLimit-Remaining"] == "2"
        for form in (etag, "W/" + etag, f'"other", {etag}'):
            again = _get(server, "/orgs/acme/repos", {"If-None-Match": form})
            assert (again.status, again.body, again.headers["ETag"]) == (304, b"", etag)
            assert again.headers["X-RateLimit-Remaining"] == "2"
        other_page = _get(server, "/orgs/acme/repos?page=2", {"If-None-Match": etag})
        assert other_page.status == 200
        assert other_page.headers["X-RateLimit-Remaining"] == "1"
        assert [r.conditional for r in server.requests] == [False, True, True, True, True]


def test_exhausted_rate_limit_answers_403_with_remaining_0(mirror: Path) -> None:
    with FixtureServer(mirror, rate_limit=2) as server:
        assert _get(server, "/orgs/acme/repos").status == 200
        assert _get(server, "/orgs/nobody").status == 404  # errors count too
        refused = _get(server, "/orgs/acme/repos")
        assert refused.status == 403
        assert refused.json()["message"].startswith("API rate limit exceeded for user ID 1.")
        assert refused.headers["X-RateLimit-Remaining"] == "0"
        assert refused.headers["X-RateLimit-Used"] == "2"
        assert refused.headers["X-RateLimit-Resource"] == "core"
        assert int(refused.headers["X-RateLimit-Reset"]) > datetime.now(UTC).timestamp()
        limits = _get(server, "/rate_limit")
        assert limits.status == 200  # /rate_limit does not count
        assert limits.json()["resources"]["core"]["remaining"] == 0
        assert limits.json()["rate"] == limits.json()["resources"]["core"]
        assert set(limits.json()["resources"]) >= {"core", "graphql", "search"}


def test_token_is_required_when_set(mirror: Path) -> None:
    with FixtureServer(mirror, token="s3cret") as server:
        missing = _get(server, "/orgs/acme/repos")
        assert missing.status == 401
        assert missing.json() == {
            "message": "Bad credentials",
            "documentation_url": "https://docs.github.com/rest",
            "status": "401",
        }
        assert _get(server, "/orgs/acme/repos", {"Authorization": "token nope"}).status == 401
        assert _get(server, "/orgs/acme/repos", {"Authorization": "token s3cret"}).status == 200
        assert _get(server, "/orgs/acme/repos", {"Authorization": "Bearer s3cret"}).status == 200


def test_contents_answer_base64_wrapped_at_60_with_the_git_blob_sha(
    server: FixtureServer,
) -> None:
    reply = _get(server, "/repos/acme/web/contents/.github/CODEOWNERS")
    body = reply.json()
    assert (body["type"], body["encoding"], body["size"]) == ("file", "base64", len(CODEOWNERS))
    assert (body["name"], body["path"]) == ("CODEOWNERS", ".github/CODEOWNERS")
    lines = body["content"].split("\n")
    assert lines[-1] == "" and all(len(line) == 60 for line in lines[:-2])
    assert base64.b64decode(body["content"]) == CODEOWNERS
    git = subprocess.run(
        ["git", "hash-object", "--stdin"], input=CODEOWNERS, capture_output=True, check=True
    )
    assert body["sha"] == git.stdout.decode().strip()
    assert body["html_url"] == "https://github.com/acme/web/blob/trunk/.github/CODEOWNERS"
    assert (
        body["_links"]["self"]
        == body["url"]
        == (server.url + "/repos/acme/web/contents/.github/CODEOWNERS?ref=trunk")
    )


def test_contents_raw_media_type_answers_the_bytes(server: FixtureServer) -> None:
    for media in ("application/vnd.github.raw", "application/vnd.github.raw+json"):
        reply = _get(server, "/repos/acme/web/contents/.github/CODEOWNERS", {"Accept": media})
        assert (reply.status, reply.body) == (200, CODEOWNERS)


def test_contents_of_a_missing_file_or_empty_folder_is_404(server: FixtureServer) -> None:
    assert _get(server, "/repos/acme/web/contents/package.json").status == 404
    assert _get(server, "/repos/acme/web/contents/empty").status == 404
    assert _get(server, "/repos/acme/nothing/contents/").status == 404


def _git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=folder, capture_output=True, check=True, text=True)
    return done.stdout.strip()


def _git_checkout(tmp_path: Path) -> Path:
    """The web repo's files in a real git index, to compare object ids with."""
    work = tmp_path / "checkout"
    for relative, data in CONTENTS.items():
        (work / relative).parent.mkdir(parents=True, exist_ok=True)
        (work / relative).write_bytes(data)
    _git(work, "init", "-q")
    _git(work, "add", "-A")
    return work


def test_contents_of_a_directory_list_its_entries_in_git_order_with_git_shas(
    server: FixtureServer, tmp_path: Path
) -> None:
    git = _git_checkout(tmp_path)
    root = _get(server, "/repos/acme/web/contents/")
    assert root.status == 200 and root.headers["Content-Type"].startswith("application/json")
    listing = root.json()
    # git's order: bytewise, a folder compared as if its name ended with "/"
    assert [(e["name"], e["type"]) for e in listing] == [
        (".github", "dir"),
        ("Makefile", "file"),
        ("docs", "dir"),
        ("logo.png", "file"),
        ("pyproject.toml", "file"),
    ]
    assert _get(server, "/repos/acme/web/contents").json() == listing

    docs, pyproject = listing[2], listing[4]
    api = server.url + "/repos/acme/web"
    assert docs == {
        "name": "docs",
        "path": "docs",
        "sha": _git(git, "write-tree", "--prefix=docs/"),
        "size": 0,
        "url": api + "/contents/docs?ref=trunk",
        "html_url": "https://github.com/acme/web/tree/trunk/docs",
        "git_url": api + "/git/trees/" + docs["sha"],
        "download_url": None,
        "type": "dir",
        "_links": {
            "self": api + "/contents/docs?ref=trunk",
            "git": api + "/git/trees/" + docs["sha"],
            "html": "https://github.com/acme/web/tree/trunk/docs",
        },
    }
    assert pyproject["sha"] == _git(git, "hash-object", "pyproject.toml")
    assert pyproject["size"] == len(CONTENTS["pyproject.toml"])
    assert pyproject["download_url"] == (
        "https://raw.githubusercontent.com/acme/web/trunk/pyproject.toml"
    )
    assert pyproject["git_url"] == api + "/git/blobs/" + pyproject["sha"]

    nested = _get(server, "/repos/acme/web/contents/docs/guide").json()
    assert [(e["path"], e["type"]) for e in nested] == [("docs/guide/index.md", "file")]
    assert nested[0]["html_url"] == "https://github.com/acme/web/blob/trunk/docs/guide/index.md"
    # a file still answers the file object, not a one-entry list
    assert _get(server, "/repos/acme/web/contents/docs/guide/index.md").json()["type"] == "file"


def test_a_directory_listing_has_an_etag_and_answers_304_when_unchanged(
    mirror: Path, server: FixtureServer
) -> None:
    first = _get(server, "/repos/acme/web/contents/.github")
    etag = first.headers["ETag"]
    again = _get(server, "/repos/acme/web/contents/.github", {"If-None-Match": etag})
    assert (again.status, again.body) == (304, b"")
    # a changed file below changes the listing's sha, so the old ETag no longer matches
    (mirror / "repos/acme/web/contents/.github/CODEOWNERS").write_bytes(b"* @acme/web\n")
    changed = _get(server, "/repos/acme/web/contents/.github", {"If-None-Match": etag})
    assert changed.status == 200 and changed.headers["ETag"] != etag


def test_date_header_is_the_mirror_as_of_time(mirror: Path) -> None:
    (mirror / "as_of.txt").write_text("2026-06-30T18:00:00Z\n", encoding="utf-8")
    with FixtureServer(mirror) as server:
        for target in ("/orgs/acme/repos", "/missing"):
            assert _get(server, target).headers["Date"] == "Tue, 30 Jun 2026 18:00:00 GMT"


def test_date_header_is_the_real_time_without_as_of(server: FixtureServer) -> None:
    reply = _get(server, "/orgs/acme/repos")
    served = parsedate_to_datetime(reply.headers["Date"])
    assert abs((served - datetime.now(UTC)).total_seconds()) < 5
    assert reply.headers["Server"] == "miner-fixtures"
    assert reply.headers["X-GitHub-Api-Version-Selected"] == "2022-11-28"
    assert reply.headers["X-GitHub-Request-Id"]
    assert reply.headers["Content-Type"] == "application/json; charset=utf-8"


def test_request_log_file_has_one_json_line_per_request(mirror: Path, tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    with FixtureServer(mirror, token="s3cret", request_log=log) as server:
        _get(server, "/orgs/acme/repos?page=2&per_page=5", {"Authorization": "token s3cret"})
        _get(server, "/orgs/acme/repos", {"Authorization": "token s3cret", "If-None-Match": "x"})
        _get(server, "/orgs/acme/repos")
        lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
        assert lines[0] == {
            "method": "GET",
            "path": "/orgs/acme/repos",
            "query": {"page": "2", "per_page": "5"},
            "status": 200,
            "conditional": False,
        }
        assert [(line["status"], line["conditional"]) for line in lines[1:]] == [
            (200, True),
            (401, False),
        ]
        assert [r.status for r in server.requests] == [200, 200, 401]
        server.clear_log()
        assert server.requests == []
    assert "s3cret" not in log.read_text(encoding="utf-8")


def test_missing_files_parent_paths_and_underscore_folders_are_404(server: FixtureServer) -> None:
    not_found = _get(server, "/repos/acme/nothing/pulls")
    assert (not_found.status, not_found.json()["message"]) == (404, "Not Found")
    assert not_found.json()["documentation_url"] == "https://docs.github.com/rest"
    for target in ("/repos/acme/web/../web/pulls", "/orgs/%2E%2E/acme/repos", "/_private/secret"):
        assert _get(server, target).status == 404, target


def test_org_owner_and_repo_names_compare_without_case_as_on_github(
    server: FixtureServer,
) -> None:
    upper = _get(server, "/repos/ACME/Web/pulls?state=all&per_page=100")
    assert upper.status == 200
    assert upper.json() == _get(server, "/repos/acme/web/pulls?state=all&per_page=100").json()
    assert _get(server, "/repos/Acme/WEB").json()["default_branch"] == "trunk"
    assert len(_get(server, "/orgs/ACME/repos?per_page=100").json()) == 100
    assert _get(server, "/repos/ACME/nothing/pulls").status == 404
    assert _get(server, "/orgs/ACMEE/repos").status == 404


def test_only_get_and_head_are_answered(server: FixtureServer) -> None:
    head = _get(server, "/orgs/acme/repos", method="HEAD")
    full = _get(server, "/orgs/acme/repos")
    assert (head.status, head.body) == (200, b"")
    assert head.headers["Content-Length"] == str(len(full.body))
    assert head.headers["ETag"] == full.headers["ETag"]
    post = _get(server, "/orgs/acme/repos", method="POST")
    assert post.status == 405 and post.json()["message"] == "Method Not Allowed"


def test_one_connection_is_kept_alive_across_requests(server: FixtureServer) -> None:
    address = urlsplit(server.url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=10)
    try:
        for page in (1, 2, 3):
            connection.request("GET", f"/orgs/acme/repos?per_page=100&page={page}")
            response = connection.getresponse()
            assert response.status == 200 and response.version == 11
            response.read()
    finally:
        connection.close()


def test_pygithub_reads_pages_follows_link_urls_and_gets_304(mirror: Path) -> None:
    with FixtureServer(mirror, token="t") as server:
        g = Github(auth=Auth.Token("t"), base_url=server.url, per_page=100)
        requester = g.requester
        headers, data = requester.requestJsonAndCheck(
            "GET", "/repos/acme/web/pulls", parameters={"state": "all", "per_page": 100}
        )
        assert len(data) == 100
        # On a 304 PyGithub returns the headers and None as the data, it does not raise.
        not_modified = requester.requestJsonAndCheck(
            "GET",
            "/repos/acme/web/pulls",
            parameters={"state": "all", "per_page": 100},
            headers={"If-None-Match": headers["etag"]},
        )
        assert not_modified[1] is None
        assert not_modified[0]["etag"] == headers["etag"]
        assert server.requests[-1].status == 304

        # The absolute next URL on 127.0.0.1 passes PyGithub's host check.
        next_url = headers["link"].split(", ")[0].split("; ")[0].strip("<>")
        _, second = requester.requestJsonAndCheck("GET", next_url)
        assert [p["number"] for p in second] != [p["number"] for p in data]

        listed = [r.name for r in _paginated_repos(g)]
        assert listed == [f"repo{i}" for i in range(1, 251)]
        assert [r.query.get("page") for r in server.requests[-3:]] == [None, "2", "3"]
        g.close()


def _paginated_repos(g: Github) -> list[Any]:
    from github.PaginatedList import PaginatedList
    from github.Repository import Repository

    return list(PaginatedList(Repository, g.requester, "/orgs/acme/repos", None))


def test_pygithub_raises_rate_limit_exceeded_on_403(mirror: Path) -> None:
    with FixtureServer(mirror, rate_limit=0) as server:
        # retry=None: the default GithubRetry would sleep until X-RateLimit-Reset.
        g = Github(auth=Auth.Token("t"), base_url=server.url, retry=None)
        with pytest.raises(RateLimitExceededException):
            g.requester.requestJsonAndCheck("GET", "/orgs/acme/repos")
        g.close()
