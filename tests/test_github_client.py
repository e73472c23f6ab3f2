"""Single requests of the GitHub client and their error paths (responses stands in for GitHub:
the answers no local server gives on purpose)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import responses

from miner.errors import GitHubError, GitHubTimedOut, GraphQLAnswerError
from miner.github_client import GitHubClient
from miner.rate_limits import RESET_MARGIN_SECONDS, RateLimiter

# a loopback root: the client paces nothing and backs off a tenth as long
API = "http://127.0.0.1:9"


@responses.activate
def test_a_body_cut_short_once_is_asked_again() -> None:
    url = f"{API}/orgs/acme"
    responses.get(url, body='{"login": "ac', status=200)
    responses.get(url, json={"login": "acme"}, status=200, headers={"ETag": '"e1"'})
    client = GitHubClient(API, "t")
    answer = client.get("/orgs/acme")
    assert (answer.data, answer.etag) == ({"login": "acme"}, '"e1"')
    assert len(responses.calls) == client.requests == 2


@responses.activate
def test_an_answer_that_is_never_json_is_named_after_four_tries() -> None:
    # a proxy's sign-in page, say
    responses.get(f"{API}/orgs/acme", body="<html>sign in</html>", status=200)
    client = GitHubClient(API, "secret-token")
    with pytest.raises(GitHubError) as err:
        client.get("/orgs/acme")
    assert str(err.value) == "GET /orgs/acme: 200 with a body that is not JSON"
    assert len(responses.calls) == 4


def test_a_server_that_refuses_the_connection_is_named_in_a_few_words() -> None:
    # a real port nothing listens on: bound, then closed
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = GitHubClient(f"http://127.0.0.1:{port}/api/v3", "secret-token")
    with pytest.raises(GitHubError) as err:
        client.get("/orgs/acme")
    assert str(err.value) == f"GET /orgs/acme: cannot reach 127.0.0.1:{port}: Connection refused"


def test_https_to_a_plain_http_server_says_so(tmp_path: Path) -> None:
    from miner.fixtures_server import FixtureServer
    from miner.sample_org import generate

    generate(tmp_path / "acme", prs=1, repos=1)
    with FixtureServer(tmp_path / "acme") as server:
        url = server.url.replace("http://", "https://")
        client = GitHubClient(url, "secret-token")
        with pytest.raises(GitHubError) as err:
            client.get("/orgs/acme")
    host = url.removeprefix("https://")
    assert str(err.value) == (
        f"GET /orgs/acme: cannot reach {host}: it does not speak TLS: is its URL http://, not "
        "https://?"
    )


class _Clock:
    """A limiter's clock that sleeps by moving on."""

    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.slept = 0.0

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds


def _limited(status: int, remaining: int, reset: float, body: str) -> None:
    responses.get(
        f"{API}/orgs/acme",
        body=body,
        status=status,
        headers={"X-RateLimit-Remaining": str(remaining), "X-RateLimit-Reset": str(int(reset))},
    )


@pytest.mark.parametrize(
    ("remaining", "reset_in", "body", "waited"),
    [
        # a secondary limit: GitHub says "If the retry-after response header is not present
        # ... wait at least one minute"
        (4000, 3600, '{"message": "You have exceeded a secondary rate limit"}', 60),
        # the budget spent, answered by a proxy in front of a GitHub Enterprise Server with a
        # page of its own: still waited for until the reset
        (0, 30, "<html>Too many requests</html>", 30),
    ],
)
@responses.activate
def test_a_429_without_retry_after_waits_then_asks_again(
    remaining: int, reset_in: int, body: str, waited: int
) -> None:
    clock = _Clock()
    _limited(429, remaining, clock.now + reset_in, body)
    responses.get(f"{API}/orgs/acme", json={"login": "acme"})
    client = GitHubClient(API, "t", limiter=RateLimiter(clock=clock.time, sleep=clock.sleep))
    assert client.get("/orgs/acme").data == {"login": "acme"}
    assert clock.slept == waited + RESET_MARGIN_SECONDS
    assert len(responses.calls) == 2


@responses.activate
def test_a_403_secondary_limit_without_retry_after_is_waited_by_the_limiter() -> None:
    """PyGithub would sleep its minute itself, unseen and past --max-wait: the limiter waits it
    (here on a fake clock), counted down."""
    clock = _Clock()
    _limited(403, 4000, clock.now + 3600, '{"message": "You have exceeded a secondary rate limit"}')
    responses.get(f"{API}/orgs/acme", json={"login": "acme"})
    told: list[float] = []
    limiter = RateLimiter(clock=clock.time, sleep=clock.sleep)
    limiter.countdown = lambda left, resource, reset: told.append(left)
    client = GitHubClient(API, "t", limiter=limiter)
    assert client.get("/orgs/acme").data == {"login": "acme"}
    assert clock.slept == 60 + RESET_MARGIN_SECONDS
    assert told[0] == 60 + RESET_MARGIN_SECONDS
    assert len(responses.calls) == 2


@responses.activate
def test_a_429_without_any_rate_limit_header_waits_a_minute_not_for_the_last_reset() -> None:
    clock = _Clock()
    url = f"{API}/orgs/acme"
    headers = {"X-RateLimit-Remaining": "4000", "X-RateLimit-Reset": str(int(clock.now + 3000))}
    responses.get(url, json={"login": "acme"}, headers=headers)
    responses.get(url, status=429, json={"message": "Too many requests"})
    responses.get(url, json={"login": "acme"}, headers=headers)
    client = GitHubClient(API, "t", limiter=RateLimiter(clock=clock.time, sleep=clock.sleep))
    client.get("/orgs/acme")
    assert client.get("/orgs/acme").data == {"login": "acme"}
    assert clock.slept == 60 + RESET_MARGIN_SECONDS


def test_a_burst_of_502s_is_waited_out_with_backoff_not_retried_at_once() -> None:
    """GitHub answers 502 (a page of HTML from its load balancer) for a moment: urllib3's
    retries back off between tries (0.1, 0.2, 0.4 s... on loopback, ten times that on GitHub),
    so a blip of a second or so costs a nightly sync nothing; ten tries back to back would all
    land inside it and fail the whole run."""
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    answered: list[int] = []
    until = time.monotonic() + 60.0  # set for real at the first request

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            nonlocal until
            if not answered:
                until = time.monotonic() + 0.6
            failing = time.monotonic() < until
            status, kind = (502, "text/html") if failing else (200, "application/json")
            body = b"<html><h1>502 Bad Gateway</h1></html>" if failing else b'{"login": "acme"}'
            answered.append(status)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = GitHubClient(f"http://127.0.0.1:{server.server_address[1]}", "secret-token")
        assert client.get("/orgs/acme").data == {"login": "acme"}
    finally:
        server.shutdown()
        server.server_close()
    assert answered[-1] == 200
    assert 2 <= answered.count(502) <= 6, answered


# GitHub's words for a GraphQL query it gave up on (its 10 s limit, or a bug), answered 200
# with no data; the same query asked again most often succeeds
_GRAPHQL_HICCUP = (
    "Something went wrong while executing your query. This may be the result of a timeout, or "
    "it could be a GitHub bug. Please include `D3C2:1AFB:7226D1:76338B:63A2690D` when reporting "
    "this issue."
)


@responses.activate
def test_a_graphql_query_github_gave_up_on_once_is_asked_again() -> None:
    responses.post(f"{API}/graphql", json={"data": None, "errors": [{"message": _GRAPHQL_HICCUP}]})
    responses.post(f"{API}/graphql", json={"data": {"viewer": {"login": "alice"}}})
    client = GitHubClient(API, "t")
    assert client.post_graphql("query { viewer { login } }", {}) == {"viewer": {"login": "alice"}}
    assert len(responses.calls) == client.requests == 2


@responses.activate
def test_a_graphql_query_github_always_gives_up_on_is_named_after_four_tries() -> None:
    responses.post(f"{API}/graphql", json={"data": None, "errors": [{"message": _GRAPHQL_HICCUP}]})
    client = GitHubClient(API, "t")
    with pytest.raises(GitHubError) as err:
        client.post_graphql("query { viewer { login } }", {})
    assert str(err.value) == f"POST /graphql: {_GRAPHQL_HICCUP}"
    assert len(responses.calls) == 4
    # a query GitHub cannot answer in time: the PR collector asks a lighter one
    assert isinstance(err.value, GitHubTimedOut)


@pytest.mark.parametrize(
    ("status", "timed_out"), [(502, True), (504, True), (500, False), (503, False)]
)
def test_502_and_504_to_the_last_retry_say_github_ran_out_of_time(
    status: int, timed_out: bool
) -> None:
    """GitHub's 502 and 504 are its "We couldn't respond to your request in time"; a 500 is a
    fault and a 503 its being down, which a lighter query would not help."""
    import requests

    from miner.github_client import _timed_out

    exc = requests.exceptions.RetryError(
        f"HTTPSConnectionPool(host='api.github.com', port=443): Max retries exceeded with url: "
        f"/graphql (Caused by ResponseError('too many {status} error responses'))"
    )
    assert _timed_out(exc) is timed_out


def test_an_answer_that_never_came_to_the_last_retry_says_github_ran_out_of_time() -> None:
    """PyGithub's retry sends a query whose answer timed out again, then gives up with a
    ConnectionError naming the read timeout: a lighter query may come back in time. A server
    that refused the connection is no such thing."""
    import requests

    from miner.github_client import _timed_out

    pool = "HTTPSConnectionPool(host='api.github.com', port=443): Max retries exceeded with url"
    read = requests.exceptions.ConnectionError(
        f"{pool}: /graphql (Caused by ReadTimeoutError(\"HTTPSConnectionPool(host='api.github"
        f".com', port=443): Read timed out. (read timeout=30)\"))"
    )
    refused = requests.exceptions.ConnectionError(
        f"{pool}: /graphql (Caused by NewConnectionError('Failed to establish a new "
        "connection: [Errno 111] Connection refused'))"
    )
    assert _timed_out(read) is True
    assert _timed_out(refused) is False


@pytest.mark.parametrize("tls", [False, True])
def test_a_server_that_cannot_be_reached_is_named_within_seconds_not_minutes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tls: bool
) -> None:
    """The backoff that waits out a GitHub blip of 5xx answers is not spent on a connection
    refused or TLS spoken to a plain HTTP server (a wrong [github] api_url, no network):
    `miner doctor` or a sync says so within seconds, as GitHub's own timings go (not the
    loopback's tenth): the pauses it asks for between tries are counted, not slept."""
    import time

    import miner.github_client as github_client
    from miner.fixtures_server import FixtureServer
    from miner.sample_org import generate

    monkeypatch.setattr(github_client, "_is_loopback", lambda url: False)
    generate(tmp_path / "acme", prs=1, repos=1)
    with FixtureServer(tmp_path / "acme") as server:
        if tls:
            url = server.url.replace("http://", "https://")
            why = "it does not speak TLS: is its URL http://, not https://?"
        else:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                url = f"http://127.0.0.1:{sock.getsockname()[1]}"
            why = "Connection refused"
        client = GitHubClient(url, "secret-token")
        paused: list[float] = []
        monkeypatch.setattr(time, "sleep", paused.append)
        with pytest.raises(GitHubError) as err:
            client.get("/orgs/acme")
        monkeypatch.undo()
    assert str(err.value) == f"GET /orgs/acme: cannot reach {url.split('://')[1]}: {why}"
    # urllib3's connect tries back off 0, 1, 2 s: seconds in all, where a 5xx's ten take minutes
    assert 0 < sum(paused) < 10, paused


@responses.activate
def test_a_snapshot_whose_refused_files_null_a_repo_fails_rather_than_drop_the_repo() -> None:
    """A repo's files GitHub refuses (FORBIDDEN at nodes.i.rootTree) are tolerated, the repo
    synced without them; but an answer that left the repo itself out (its node null) would
    read as a repo gone from GitHub, its open PRs stopped waiting: that is a failure."""
    from miner.org_snapshot import OrgSnapshot

    page = {"login": "acme", "repositories": {
        "nodes": [None], "pageInfo": {"hasNextPage": False, "endCursor": None}}}  # fmt: skip
    refused = {"type": "FORBIDDEN", "message": "Resource not accessible by integration",
               "path": ["organization", "repositories", "nodes", 0, "rootTree"]}  # fmt: skip
    responses.post(f"{API}/graphql", json={"data": {"organization": page}, "errors": [refused]})
    with pytest.raises(GitHubError) as err:
        OrgSnapshot(GitHubClient(API, "t"), "acme").take()
    assert str(err.value) == "POST /graphql: Resource not accessible by integration"
    assert err.value.status == 403


@responses.activate
def test_a_snapshot_refused_deployments_asks_the_page_again_and_the_next_with_them() -> None:
    """GitHub refuses a repo's deployments (FORBIDDEN at nodes.i.deployments), which nulls the
    repo (DeploymentConnection! is never null): the page is asked again without deployments,
    the repos it showed keep theirs, the refused one is marked refused with GitHub's words, and
    the next page is asked with deployments again, its repos' shown (GitHub refuses them repo
    by repo: a fine-grained token reads a public repo's without Deployments permission)."""
    import json
    from typing import cast

    from miner.org_snapshot import OrgSnapshot

    def repo(name: str, deployments: list[dict[str, object]] | None) -> dict[str, object]:
        node: dict[str, object] = {"nameWithOwner": f"acme/{name}", "name": name,
                                   "pullRequests": {"nodes": []}}  # fmt: skip
        if deployments is not None:
            node["deployments"] = {"nodes": deployments}
        return node

    def page(nodes: list[object], more: bool) -> dict[str, object]:
        repos = {"nodes": nodes, "pageInfo": {"hasNextPage": more, "endCursor": "c1"}}
        org = {"login": "acme", "repositories": repos, "teams": {"nodes": [], "pageInfo": {
            "hasNextPage": False}}, "membersWithRole": {"nodes": [], "pageInfo": {
            "hasNextPage": False}}}  # fmt: skip
        return {"organization": org}

    shown = [{"databaseId": 7, "updatedAt": "u", "latestStatus": None}]
    refused = {"type": "FORBIDDEN", "message": "Resource not accessible by integration",
               "path": ["organization", "repositories", "nodes", 0, "deployments"]}  # fmt: skip
    answers = [
        {"data": page([None, repo("web", shown)], True), "errors": [refused]},
        {"data": page([repo("api", None), repo("web", None)], True)},
        {"data": page([repo("zeta", [{**shown[0], "databaseId": 8}])], False)},
    ]
    for answer in answers:
        responses.post(f"{API}/graphql", json=answer)
    marks = OrgSnapshot(GitHubClient(API, "t"), "acme").take().repos
    asked = [json.loads(cast(bytes, c.request.body))["variables"] for c in responses.calls]
    assert [(v["cursor"], v["withDeployments"]) for v in asked] == [
        (None, True),
        (None, False),
        ("c1", True),
    ]
    words = "POST /graphql: Resource not accessible by integration"
    assert {name: (m.deployments, m.deployments_refused) for name, m in marks.items()} == {
        "acme/api": (None, words),
        "acme/web": ("7@u@None", None),
        "acme/zeta": ("8@u@None", None),
    }


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (["repository"], 404),  # the repo itself: gone, or hidden from the token
        (None, 404),  # GitHub named no place: the query's object, as before
        (["repository", "pullRequests", "nodes", 3, "timelineItems", "nodes", 0, "source"], None),
    ],
)
@responses.activate
def test_not_found_deep_inside_an_answer_is_no_repo_refused_or_gone(
    path: list[object] | None, status: int | None
) -> None:
    """NOT_FOUND at the query's top field says the repo is gone or hidden from the token, as
    REST's 404 does; deeper inside the answer (an object deleted since the page listed it) it is
    a part of the page missing, to be said as that, not as the repo unreadable."""
    error: dict[str, object] = {"type": "NOT_FOUND", "message": "Could not resolve to a node"}
    if path is not None:
        error["path"] = path
    responses.post(f"{API}/graphql", json={"data": {"repository": None}, "errors": [error]})
    with pytest.raises(GraphQLAnswerError) as err:
        GitHubClient(API, "t").post_graphql("query { viewer { login } }", {})
    assert err.value.status == status


@responses.activate
def test_an_enterprise_server_without_rate_limits_answers_all_the_same() -> None:
    """GHES with rate limiting off (its default) answers GET /rate_limit 404: GitHub answers,
    so a request it failed alone is that request's (a part named, the run partial), not an
    outage failing the run; a 5xx there is no answer."""
    ghes = "http://127.0.0.1:9/api/v3"
    responses.get(
        f"{ghes}/rate_limit", json={"message": "Rate limiting is not enabled."}, status=404
    )
    assert GitHubClient(ghes, "t").answers(rest=True)
    responses.replace(responses.GET, f"{ghes}/rate_limit", json={"message": "down"}, status=503)
    assert not GitHubClient(ghes, "t").answers(rest=True)
