"""The collector's GraphQL queries are ones GitHub accepts, and the local server answers them as
GitHub would: order, pages, follow-ups, cost and errors (expected values worked out in comments)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from github import Auth, Github
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    parse,
    validate,
)

from miner import graphql_queries as q
from miner.fixtures_graphql import SCHEMA, GraphQLBudget, execute
from miner.fixtures_server import FixtureServer
from tests.mirror_builder import MirrorBuilder, at, user

GITHUB_SCHEMA = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "realdata"
    / "github-graphql"
    / "schema.graphql"
)


@pytest.fixture(scope="module")
def github_schema() -> GraphQLSchema:
    if not GITHUB_SCHEMA.is_file():
        pytest.skip(f"../shared/realdata is absent: no GitHub schema at {GITHUB_SCHEMA}")
    # The published SDL trips graphql-core's strict SDL checks; validating queries needs none.
    sdl = GITHUB_SCHEMA.read_text(encoding="utf-8")
    return build_schema(sdl, assume_valid_sdl=True, assume_valid=True)


# Validation against GitHub's schema and ours --------------------------------------------------


@pytest.mark.parametrize("name", sorted(q.QUERIES))
def test_every_query_is_one_githubs_public_schema_accepts(
    github_schema: GraphQLSchema, name: str
) -> None:
    assert validate(github_schema, parse(q.QUERIES[name])) == []


@pytest.mark.parametrize("name", sorted(q.QUERIES))
def test_every_query_is_one_our_server_schema_accepts(name: str) -> None:
    assert validate(SCHEMA, parse(q.QUERIES[name])) == []


def test_a_misspelled_field_fails_validation(github_schema: GraphQLSchema) -> None:
    broken = q.PULL_REQUESTS.replace("headRefOid", "headRefOdi")
    assert broken != q.PULL_REQUESTS
    for schema in (github_schema, SCHEMA):
        messages = [e.message for e in validate(schema, parse(broken))]
        assert len(messages) == 1
        assert "Cannot query field 'headRefOdi' on type 'PullRequest'" in messages[0]


def _type_text(schema: GraphQLSchema, name: str) -> dict[str, Any]:
    """A named type's names and type strings, to compare schemas by."""
    named = schema.type_map[name]
    shape: dict[str, Any] = {"kind": type(named).__name__}
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        shape["fields"] = {
            f: (str(d.type), {a: str(arg.type) for a, arg in d.args.items()})
            for f, d in named.fields.items()
        }
        shape["interfaces"] = {i.name for i in named.interfaces}
    elif isinstance(named, GraphQLInputObjectType):
        shape["fields"] = {f: (str(d.type), {}) for f, d in named.fields.items()}
    elif isinstance(named, GraphQLUnionType):
        shape["members"] = {t.name for t in named.types}
    elif isinstance(named, GraphQLEnumType):
        shape["values"] = set(named.values)
    return shape


def test_our_schema_is_a_subset_of_githubs_with_the_same_names_and_types(
    github_schema: GraphQLSchema,
) -> None:
    for name in SCHEMA.type_map:
        if name.startswith("__") or name in ("String", "Int", "Boolean", "ID", "Float"):
            continue
        ours, theirs = _type_text(SCHEMA, name), _type_text(github_schema, name)
        assert ours["kind"] == theirs["kind"], name
        for field, (kind, args) in ours.get("fields", {}).items():
            their_kind, their_args = theirs["fields"][field]
            assert kind == their_kind, f"{name}.{field}"
            for arg, arg_kind in args.items():
                assert their_args[arg] == arg_kind, f"{name}.{field}({arg})"
        for key in ("interfaces", "members", "values"):
            assert ours.get(key, set()) <= theirs.get(key, set()), f"{name} {key}"


# The local server over a small mirror ------------------------------------------------------


def _mirror(root: Path) -> Path:
    b = MirrorBuilder(teams={"web": ["alice", "bob"]})
    # 1: 120 files (one page of 100 and a follow-up of 20); requests to a team and a person,
    #    approved, merged at +4 h: last updated at +4 h (2026-03-02T13:00:00Z)
    first = b.pull(
        "app",
        "alice",
        0,
        state="closed",
        closed=4,
        merged=True,
        files=[f"src/f{i:03d}.py" for i in range(120)],
    )
    first.commit(-1).request(1, team_slug="web").request(2, reviewer="bob").review("bob", 3)
    first.event("merged", 4).event("closed", 4)
    # timeline kinds the builder has no helper for, as GitHub's REST timeline writes them
    first.timeline.append({"event": "labeled", "actor": user("alice"), "created_at": at(1.5)})
    first.timeline.append(
        {
            "event": "cross-referenced",
            "actor": user("bob"),
            "created_at": at(2.5),
            "updated_at": at(2.5),
            "source": {
                "type": "issue",
                "issue": {
                    "number": 7,
                    "html_url": "https://github.com/acme/lib/issues/7",
                    "repository": {"full_name": "acme/lib"},
                },
            },
        }
    )
    # 2: by a bot, reviewed at +10 h: the most recently updated
    b.pull("app", "dependabot[bot]", 1).review("bob", 10, "COMMENTED")
    # 3: closed unmerged at +5 h
    b.pull("app", "bob", 2, state="closed", closed=5)
    return b.write(root)


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _mirror(tmp_path_factory.mktemp("graphql") / "mirror")


@pytest.fixture(scope="module")
def server(mirror: Path) -> Iterator[FixtureServer]:
    with FixtureServer(mirror) as running:
        yield running


def post(server: FixtureServer, body: Any, token: str | None = None) -> tuple[int, Any, Any]:
    """(status, headers, JSON) of one POST /graphql."""
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"bearer {token}"
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{server.url}/graphql", data=data, headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def pull_requests(server: FixtureServer, cursor: str | None = None, **sizes: int) -> Any:
    variables = q.pull_requests_variables("acme", "app", cursor, **sizes)
    status, _, answer = post(server, {"query": q.PULL_REQUESTS, "variables": variables})
    assert status == 200 and "errors" not in answer, answer
    return answer["data"]


def test_pull_requests_come_newest_updated_first_with_their_nested_history(
    server: FixtureServer,
) -> None:
    page = pull_requests(server)["repository"]["pullRequests"]
    assert page["totalCount"] == 3
    assert [pr["number"] for pr in page["nodes"]] == [2, 3, 1]
    assert page["pageInfo"]["hasNextPage"] is False
    bot, closed, merged = page["nodes"]
    # GraphQL names a bot without REST's [bot] suffix
    assert bot["author"] == {
        "__typename": "Bot",
        "login": "dependabot",
        "databaseId": bot["author"]["databaseId"],
    }
    assert [r["state"] for r in bot["reviews"]["nodes"]] == ["COMMENTED"]
    assert (closed["state"], closed["mergedAt"], closed["mergeCommit"]) == ("CLOSED", None, None)

    assert merged["state"] == "MERGED" and merged["mergedAt"] == "2026-03-02T13:00:00Z"
    assert merged["mergeCommit"] == {"oid": "b" * 40}
    assert (merged["baseRefName"], merged["headRefName"]) == ("main", "topic")
    assert merged["url"] == "https://github.com/acme/app/pull/1"
    review = merged["reviews"]["nodes"][0]
    assert review["author"]["login"] == "bob" and review["state"] == "APPROVED"
    assert review["submittedAt"] == "2026-03-02T12:00:00Z" and review["commit"] == {"oid": "a" * 40}

    timeline = merged["timelineItems"]
    # the labeled event is not among the asked item types
    assert [item["__typename"] for item in timeline["nodes"]] == [
        "ReviewRequestedEvent",
        "ReviewRequestedEvent",
        "CrossReferencedEvent",
        "MergedEvent",
        "ClosedEvent",
    ]
    team, person = (item["requestedReviewer"] for item in timeline["nodes"][:2])
    assert team["__typename"] == "Team" and team["slug"] == "web"
    assert person["__typename"] == "User" and person["login"] == "bob"
    assert timeline["nodes"][0]["createdAt"] == "2026-03-02T10:00:00Z"
    reference = timeline["nodes"][2]
    assert reference["isCrossRepository"] is True
    assert reference["source"]["__typename"] == "Issue"
    assert reference["source"]["repository"] == {"nameWithOwner": "acme/lib"}

    commits = merged["commits"]["nodes"]
    assert len(commits) == 1
    assert commits[0]["commit"]["authoredDate"] == "2026-03-02T08:00:00Z"
    assert commits[0]["commit"]["author"]["user"]["login"] == "alice"

    files = merged["files"]
    assert files["totalCount"] == 120 and len(files["nodes"]) == 100
    assert files["nodes"][0] == {
        "path": "src/f000.py",
        "additions": 1,
        "deletions": 0,
        "changeType": "MODIFIED",
    }


def test_pages_of_pull_requests_follow_the_end_cursor(server: FixtureServer) -> None:
    first = pull_requests(server, page_size=2)["repository"]["pullRequests"]
    assert [pr["number"] for pr in first["nodes"]] == [2, 3]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = pull_requests(server, first["pageInfo"]["endCursor"], page_size=2)
    page = rest["repository"]["pullRequests"]
    assert [pr["number"] for pr in page["nodes"]] == [1]
    assert page["pageInfo"]["hasNextPage"] is False


def test_an_overflowing_connection_continues_with_its_follow_up_query(
    server: FixtureServer,
) -> None:
    pr = pull_requests(server)["repository"]["pullRequests"]["nodes"][2]
    files = pr["files"]
    # 120 files, 100 a page: the first page says there is more and where it ended
    assert files["pageInfo"]["hasNextPage"] is True
    variables = q.pull_request_page_variables(
        "acme", "app", pr["number"], files["pageInfo"]["endCursor"]
    )
    status, _, answer = post(server, {"query": q.PAGE_QUERIES["files"], "variables": variables})
    assert status == 200 and "errors" not in answer, answer
    more = answer["data"]["repository"]["pullRequest"]["files"]
    assert more["pageInfo"] == {"hasNextPage": False, "endCursor": more["pageInfo"]["endCursor"]}
    paths = [f["path"] for f in files["nodes"] + more["nodes"]]
    assert paths == [f"src/f{i:03d}.py" for i in range(120)]
    # the follow-up is one connection fetched once: 1 request, GitHub's minimum of 1 point
    assert answer["data"]["rateLimit"]["cost"] == 1


@pytest.mark.parametrize(
    ("page_size", "points"),
    [
        # pullRequests is fetched once; reviews, timelineItems, files and commits once per PR:
        (37, 1),  # 1 + 4 * 37 = 149 requests; 149 / 100 = 1.49 rounds to 1
        (50, 2),  # 1 + 4 * 50 = 201; 2.01 rounds to 2
        (100, 4),  # 1 + 4 * 100 = 401; 4.01 rounds to 4
    ],
)
def test_rate_limit_cost_follows_githubs_rule(
    server: FixtureServer, page_size: int, points: int
) -> None:
    variables = q.pull_requests_variables("acme", "app", page_size=page_size)
    status, headers, answer = post(server, {"query": q.PULL_REQUESTS, "variables": variables})
    assert status == 200 and answer["data"]["rateLimit"]["cost"] == points
    assert q.rate_limit_cost(1 + 4 * page_size) == points
    # the headers count the graphql budget, which the answer's rateLimit agrees with
    assert headers["X-RateLimit-Resource"] == "graphql"
    assert headers["X-RateLimit-Remaining"] == str(answer["data"]["rateLimit"]["remaining"])
    used, remaining = int(headers["X-RateLimit-Used"]), int(headers["X-RateLimit-Remaining"])
    assert used + remaining == 5000


def test_the_default_page_costs_one_point_and_stays_far_under_the_node_limit() -> None:
    # 37 PRs + 37 x 4 connections x 100 nodes = 14,837 nodes of 500,000
    assert q.PULL_REQUESTS_COST == 1
    assert q.PULL_REQUEST_PAGE_SIZE + q.PULL_REQUEST_PAGE_SIZE * 4 * q.NESTED_PAGE_SIZE == 14_837
    budget = GraphQLBudget()
    status, answer = execute(Path("/nonexistent"), {"query": "{ rateLimit { cost } }"}, budget)
    # no connection at all still costs GitHub's minimum of one point
    assert (status, answer["data"]["rateLimit"]) == (200, {"cost": 1})
    variables = q.pull_requests_variables("acme", "app")
    _, answer = execute(
        Path("/nonexistent"),
        {"query": q.PULL_REQUESTS.replace("cost remaining", "nodeCount"), "variables": variables},
        budget,
    )
    assert answer["data"]["rateLimit"] == {
        "nodeCount": 14_837,
        "resetAt": budget.snapshot().reset_at,
    }


def test_a_query_past_the_points_left_gets_githubs_rate_limit_error(mirror: Path) -> None:
    budget = GraphQLBudget(3)
    query = {
        "query": q.PULL_REQUESTS,
        "variables": q.pull_requests_variables("acme", "app", page_size=50),
    }
    status, answer = execute(mirror, query, budget)
    assert status == 200 and answer["data"]["rateLimit"]["remaining"] == 1
    # 2 more points are more than the 1 left: still 200, with a RATE_LIMIT error and no data
    status, answer = execute(mirror, query, budget)
    assert status == 200 and "data" not in answer
    assert answer["errors"][0]["type"] == "RATE_LIMIT"
    assert (budget.snapshot().used, budget.snapshot().remaining) == (2, 1)


def test_an_unknown_field_gets_githubs_error_shape(server: FixtureServer) -> None:
    query = (
        'query Q { repository(owner: "acme", name: "app") '
        "{ pullRequests(first: 1) { nodes { titel } } } }"
    )
    status, _, answer = post(server, {"query": query})
    assert status == 200 and "data" not in answer
    assert answer["errors"] == [
        {
            "path": ["query Q", "repository", "pullRequests", "nodes", "titel"],
            "locations": [{"line": 1, "column": query.index("titel") + 1}],
            "message": "Field 'titel' doesn't exist on type 'PullRequest'",
            "extensions": {
                "code": "undefinedField",
                "typeName": "PullRequest",
                "fieldName": "titel",
            },
        }
    ]


def test_a_missing_repository_or_pull_request_is_not_found(server: FixtureServer) -> None:
    status, _, answer = post(
        server, {"query": '{ repository(owner: "acme", name: "nope") { name } }'}
    )
    assert status == 200 and answer["data"] == {"repository": None}
    assert answer["errors"][0]["type"] == "NOT_FOUND"
    assert (
        answer["errors"][0]["message"]
        == "Could not resolve to a Repository with the name 'acme/nope'."
    )
    variables = q.pull_request_page_variables("acme", "app", 99, None)
    status, _, answer = post(server, {"query": q.PR_REVIEWS_PAGE, "variables": variables})
    assert answer["data"]["repository"] == {"pullRequest": None}
    assert answer["errors"][0]["path"] == ["repository", "pullRequest"]


def test_connections_need_a_first_of_at_most_100(server: FixtureServer) -> None:
    repo = '{ repository(owner: "acme", name: "app") { pullRequests%s { totalCount } } }'
    _, _, missing = post(server, {"query": repo % ""})
    assert missing["errors"][0]["type"] == "MISSING_PAGINATION_BOUNDARIES"
    _, _, excessive = post(server, {"query": repo % "(first: 101)"})
    assert excessive["errors"][0]["type"] == "EXCESSIVE_PAGINATION"
    assert excessive["errors"][0]["path"] == ["repository", "pullRequests"]


def test_a_cursor_the_server_never_gave_is_refused(server: FixtureServer) -> None:
    variables = q.pull_requests_variables("acme", "app", "bm90IGEgY3Vyc29y")
    _, _, answer = post(server, {"query": q.PULL_REQUESTS, "variables": variables})
    assert answer["errors"][0]["type"] == "INVALID_CURSOR_ARGUMENTS"


def test_a_body_that_is_not_json_is_a_400(server: FixtureServer) -> None:
    status, _, answer = post(server, b"{not json")
    assert (status, answer["message"]) == (400, "Problems parsing JSON")


def test_graphql_checks_the_token_and_is_logged_like_rest(mirror: Path) -> None:
    with FixtureServer(mirror, token="t") as server:
        query = {"query": "{ rateLimit { limit } }"}
        status, _, answer = post(server, query)
        assert (status, answer["message"]) == (401, "Bad credentials")
        status, _, answer = post(server, query, token="t")
        assert (status, answer["data"]) == (200, {"rateLimit": {"limit": 5000}})
        assert [(r.method, r.path, r.status) for r in server.requests] == [
            ("POST", "/graphql", 401),
            ("POST", "/graphql", 200),
        ]


def test_pygithubs_requester_sends_the_query_and_reads_the_answer(server: FixtureServer) -> None:
    g = Github(auth=Auth.Token("t"), base_url=server.url, retry=None)
    _, answer = g.requester.graphql_query(q.PULL_REQUESTS, q.pull_requests_variables("acme", "app"))
    numbers = [pr["number"] for pr in answer["data"]["repository"]["pullRequests"]["nodes"]]
    assert numbers == [2, 3, 1]
