"""The collector's GraphQL queries are ones GitHub accepts, and the local server answers them as
GitHub would: order, pages, follow-ups, cost and errors (expected values worked out in comments)."""

from __future__ import annotations

import json
import shutil
import subprocess
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
from tests.mirror_builder import MirrorBuilder, at, team, user

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


def _without_html_urls(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _without_html_urls(v) for k, v in data.items() if k != "html_url"}
    if isinstance(data, list):
        return [_without_html_urls(v) for v in data]
    return data


def test_a_hand_made_mirror_without_html_urls_still_answers(mirror: Path, tmp_path: Path) -> None:
    """FIXTURES.md: missing optional fields must not break anything. GraphQL's url fields are
    non-null, so an object without REST's html_url answers '' rather than failing the query."""
    bare = tmp_path / "bare"
    shutil.copytree(mirror, bare)
    for path in bare.rglob("*.json"):
        path.write_text(json.dumps(_without_html_urls(json.loads(path.read_text()))))
    with FixtureServer(bare) as running:
        page = pull_requests(running)["repository"]["pullRequests"]
    merged = next(pr for pr in page["nodes"] if pr["number"] == 1)
    assert merged["url"] == ""
    assert [c["url"] for c in merged["commits"]["nodes"]] == [""]
    assert merged["timelineItems"]["nodes"][2]["source"]["url"] == ""


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


# The org snapshot, people, files and deployments over a hand-built org -----------------------

# The web repo's files at its default branch.
FILES = {
    "pyproject.toml": b'[project]\nname = "web"\ndependencies = ["httpx"]\n',
    "logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    ".github/CODEOWNERS": b"* @acme/web\n/api/ @acme/platform\n",
}
SHA = "0123456789abcdef0123456789abcdef01234567"


class _AnyInt:
    def __eq__(self, other: object) -> bool:
        return isinstance(other, int)


ANY_ID: Any = _AnyInt()  # an account's databaseId, whatever the mirror made it


def _write(root: Path, relative: str, data: Any) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def _repo(rid: int, name: str, created: float, pushed: float, **extra: Any) -> dict[str, Any]:
    return {
        "id": rid,
        "node_id": f"R_{rid}",
        "name": name,
        "full_name": f"acme/{name}",
        "private": True,
        "fork": False,
        "archived": False,
        "html_url": f"https://github.com/acme/{name}",
        "description": f"The {name} service",
        "created_at": at(created),
        "updated_at": at(pushed),
        "pushed_at": at(pushed),
        "default_branch": "main",
        **extra,
    }


def _status(sid: int, state: str, hours: float, **extra: Any) -> dict[str, Any]:
    # As GET /repos/{o}/{r}/deployments/{id}/statuses lists one (PyGithub's recordings).
    return {
        "url": f"https://api.github.com/repos/acme/web/deployments/12/statuses/{sid}",
        "id": sid,
        "node_id": f"DES_{sid}",
        "state": state,
        "creator": user("deployer"),
        "description": f"Deployment {state}",
        "environment": "production",
        "target_url": f"https://ci.example.com/{sid}",
        "created_at": at(hours),
        "updated_at": at(hours),
        "environment_url": "",
        "log_url": f"https://ci.example.com/{sid}",
        **extra,
    }


def _org_mirror(root: Path) -> Path:
    _write(
        root,
        "orgs/acme.json",
        {
            "login": "acme",
            "id": 42,
            "name": "Acme Corp",
            "html_url": "https://github.com/acme",
            "type": "Organization",
        },
    )
    # created: api first, then web, then legacy; pushed: legacy long ago, web most recently
    repos = [
        _repo(3, "web", created=24, pushed=300),
        _repo(1, "api", created=0, pushed=200),
        _repo(2, "legacy", created=48, pushed=10, archived=True, fork=True, private=False),
    ]
    repos[2]["default_branch"] = None  # an empty repository has none
    _write(root, "orgs/acme/repos.json", repos)
    _write(root, "orgs/acme/members.json", [user(f"user{i:03d}") for i in range(150)])
    platform, web = team("acme", "platform"), team("acme", "web", parent="platform")
    platform["privacy"] = "secret"
    web["description"] = "The web team"
    _write(root, "orgs/acme/teams.json", [platform, web])
    # REST lists a team's members with its child teams' members: carol is in web, under platform
    _write(
        root, "orgs/acme/teams/platform/members.json", [user(u) for u in ("alice", "bob", "carol")]
    )
    _write(root, "orgs/acme/teams/web/members.json", [user("carol")])
    for name in ("api", "legacy", "web"):
        (root / "repos" / "acme" / name).mkdir(parents=True, exist_ok=True)
    _write(
        root,
        "repos/acme/web/pulls.json",
        [
            {"number": 1, "state": "open", "created_at": at(1), "updated_at": at(5)},
            {"number": 2, "state": "open", "created_at": at(2), "updated_at": at(3)},
        ],
    )
    # GitHub lists deployments newest first: 12 (of a bare commit, by Actions), then 11.
    _write(
        root,
        "repos/acme/web/deployments.json",
        [
            {
                "url": "https://api.github.com/repos/acme/web/deployments/12",
                "id": 12,
                "sha": SHA,
                "ref": SHA,
                "task": "deploy",
                "payload": {},
                "environment": "production",
                "description": None,
                "creator": user("github-actions[bot]"),
                "created_at": at(30),
                "updated_at": at(31),
                "statuses_url": "https://api.github.com/repos/acme/web/deployments/12/statuses",
                "transient_environment": False,
                "production_environment": True,
            },
            {
                "url": "https://api.github.com/repos/acme/web/deployments/11",
                "id": 11,
                "node_id": "DE_11",
                "sha": "a" * 40,
                "ref": "main",
                "task": "deploy:migrations",
                "payload": {"region": "eu", "ünïcode": True},
                "original_environment": "staging",
                "environment": "production",
                "description": "Promote",
                "creator": user("alice"),
                "created_at": at(20),
                "updated_at": at(20),
            },
        ],
    )
    _write(
        root,
        "repos/acme/web/deployments/12/statuses.json",
        [
            _status(102, "success", 30.5, environment_url="https://web.example.com"),
            _status(101, "in_progress", 30.1),
        ],
    )
    for relative, data in FILES.items():
        path = root / "repos/acme/web/contents" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


@pytest.fixture(scope="module")
def org_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureServer]:
    with FixtureServer(_org_mirror(tmp_path_factory.mktemp("org") / "mirror")) as running:
        yield running


def answer(server: FixtureServer, query: str, **variables: Any) -> Any:
    """The data of a query the server answers without errors."""
    status, _, body = post(server, {"query": query, "variables": variables})
    assert status == 200 and "errors" not in body, body
    return body["data"]


def _git_hashes(tmp_path: Path) -> dict[str, str]:
    """git's own ids for FILES: each blob, and the root and .github trees."""
    work = tmp_path / "checkout"
    for relative, data in FILES.items():
        (work / relative).parent.mkdir(parents=True, exist_ok=True)
        (work / relative).write_bytes(data)

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=work, capture_output=True, check=True, text=True)
        return done.stdout.strip()

    git("init", "-q")
    git("add", "-A")
    hashes = {relative: git("hash-object", relative) for relative in FILES}
    hashes[""] = git("write-tree")
    hashes[".github"] = git("write-tree", "--prefix=.github/")
    return hashes


def test_the_org_snapshot_answers_the_org_its_repos_people_and_teams(
    org_server: FixtureServer, tmp_path: Path
) -> None:
    data = answer(org_server, q.ORG_SNAPSHOT, **q.org_snapshot_variables("acme", None, people=True))
    org = data["organization"]
    assert {k: org[k] for k in ("login", "databaseId", "name", "url")} == {
        "login": "acme",
        "databaseId": 42,
        "name": "Acme Corp",
        "url": "https://github.com/acme",
    }
    repos = org["repositories"]
    assert repos["totalCount"] == 3 and repos["pageInfo"]["hasNextPage"] is False
    api, legacy, web = repos["nodes"]  # by name
    assert [r["name"] for r in (api, legacy, web)] == ["api", "legacy", "web"]
    assert {k: legacy[k] for k in ("isPrivate", "isArchived", "isFork", "defaultBranchRef")} == {
        "isPrivate": False,
        "isArchived": True,
        "isFork": True,
        "defaultBranchRef": None,
    }
    assert {k: web[k] for k in ("nameWithOwner", "databaseId", "description", "url")} == {
        "nameWithOwner": "acme/web",
        "databaseId": 3,
        "description": "The web service",
        "url": "https://github.com/acme/web",
    }
    assert (web["createdAt"], web["pushedAt"], web["updatedAt"]) == (at(24), at(300), at(300))
    assert web["defaultBranchRef"] == {"name": "main"}
    assert web["pullRequests"]["nodes"] == [{"updatedAt": at(5)}]
    # the newest deployments (up to 20), newest first, each with its newest status
    assert web["deployments"]["nodes"] == [
        {
            "databaseId": 12,
            "createdAt": at(30),
            "updatedAt": at(31),
            "latestStatus": {"createdAt": at(30.5)},
        },
        {"databaseId": 11, "createdAt": at(20), "updatedAt": at(20), "latestStatus": None},
    ]
    git = _git_hashes(tmp_path)
    assert web["rootTree"] == {
        "entries": [
            {"name": ".github", "type": "tree", "oid": git[".github"]},
            {"name": "logo.png", "type": "blob", "oid": git["logo.png"]},
            {"name": "pyproject.toml", "type": "blob", "oid": git["pyproject.toml"]},
        ]
    }
    assert web["githubCodeowners"] == {"oid": git[".github/CODEOWNERS"]}
    assert web["docsCodeowners"] is None  # no such file: null, as on GitHub, and no error
    # a repository without files, deployments or PRs answers empty, not an error
    assert api["rootTree"] is None and api["deployments"]["nodes"] == []
    assert api["pullRequests"]["nodes"] == []

    members = org["membersWithRole"]
    assert members["totalCount"] == 150 and members["pageInfo"]["hasNextPage"] is True
    assert members["nodes"][0] == {"login": "user000", "databaseId": user("user000")["id"]}
    assert len(members["nodes"]) == 100

    platform, web_team = org["teams"]["nodes"]
    assert (platform["slug"], platform["privacy"], platform["parentTeam"]) == (
        "platform",
        "SECRET",
        None,
    )
    assert [m["login"] for m in platform["members"]["nodes"]] == ["alice", "bob", "carol"]
    assert {k: web_team[k] for k in ("name", "description", "privacy", "parentTeam")} == {
        "name": "Web",
        "description": "The web team",
        "privacy": "VISIBLE",
        "parentTeam": {"slug": "platform"},
    }
    assert web_team["databaseId"] == team("acme", "web")["id"]
    # 1 (repositories) + 100 + 100 (each repo's pullRequests and deployments) + 1 (members)
    # + 1 (teams) + 100 (each team's members) = 303 requests; 303 / 100 rounds to 3 points
    assert data["rateLimit"]["cost"] == 3 == q.rate_limit_cost(303)


def test_the_snapshot_without_people_leaves_members_and_teams_out_and_costs_less(
    org_server: FixtureServer,
) -> None:
    data = answer(
        org_server, q.ORG_SNAPSHOT, **q.org_snapshot_variables("acme", None, people=False)
    )
    assert set(data["organization"]) == {"login", "databaseId", "name", "url", "repositories"}
    # 1 + 100 + 100 = 201 requests: 2 points; a field @include leaves out costs nothing
    assert data["rateLimit"]["cost"] == 2 == q.rate_limit_cost(201)


def test_members_teams_and_team_members_continue_with_their_page_queries(
    org_server: FixtureServer,
) -> None:
    first = answer(
        org_server, q.ORG_SNAPSHOT, **q.org_snapshot_variables("acme", None, people=True)
    )
    members = first["organization"]["membersWithRole"]
    more = answer(
        org_server,
        q.ORG_MEMBERS_PAGE,
        **q.org_page_variables("acme", members["pageInfo"]["endCursor"]),
    )
    rest = more["organization"]["membersWithRole"]
    assert rest["pageInfo"]["hasNextPage"] is False and rest["totalCount"] == 150
    logins = [m["login"] for m in members["nodes"] + rest["nodes"]]
    assert logins == [f"user{i:03d}" for i in range(150)]
    assert more["rateLimit"]["cost"] == 1

    teams = answer(org_server, q.ORG_TEAMS_PAGE, **q.org_page_variables("acme", None))
    assert [t["slug"] for t in teams["organization"]["teams"]["nodes"]] == ["platform", "web"]
    assert teams["rateLimit"]["cost"] == 1  # 1 + 100 = 101 requests

    page = answer(org_server, q.TEAM_MEMBERS_PAGE, **q.org_page_variables("acme", None, slug="web"))
    assert page["organization"]["team"]["members"]["nodes"] == [
        {"login": "carol", "databaseId": user("carol")["id"]}
    ]
    # a slug the org has no team for is null without an error, as on GitHub
    missing = answer(
        org_server, q.TEAM_MEMBERS_PAGE, **q.org_page_variables("acme", None, slug="nope")
    )
    assert missing["organization"] == {"team": None}


@pytest.mark.parametrize(
    ("membership", "logins"),
    [
        ("ALL", ["alice", "bob", "carol"]),
        ("IMMEDIATE", ["alice", "bob"]),  # carol is platform's through its child team web
        ("CHILD_TEAM", ["carol"]),
    ],
)
def test_team_membership_splits_the_rest_list_by_child_teams(
    org_server: FixtureServer, membership: str, logins: list[str]
) -> None:
    query = (
        'query { organization(login: "acme") { team(slug: "platform") { '
        f"members(first: 10, membership: {membership}) {{ totalCount nodes {{ login }} }} }} }} }}"
    )
    members = answer(org_server, query)["organization"]["team"]["members"]
    assert [m["login"] for m in members["nodes"]] == logins
    assert members["totalCount"] == len(logins)


@pytest.mark.parametrize(
    ("order", "names"),
    [
        ("{field: NAME, direction: ASC}", ["api", "legacy", "web"]),
        ("{field: NAME, direction: DESC}", ["web", "legacy", "api"]),
        ("{field: CREATED_AT, direction: ASC}", ["api", "web", "legacy"]),
        ("{field: CREATED_AT, direction: DESC}", ["legacy", "web", "api"]),
        ("{field: PUSHED_AT, direction: DESC}", ["web", "api", "legacy"]),
        ("{field: UPDATED_AT, direction: ASC}", ["legacy", "api", "web"]),
    ],
)
def test_repositories_come_in_the_asked_order_a_page_at_a_time(
    org_server: FixtureServer, order: str, names: list[str]
) -> None:
    query = (
        'query($cursor: String) { organization(login: "acme") { '
        f"repositories(first: 2, after: $cursor, orderBy: {order}) "
        "{ totalCount pageInfo { hasNextPage endCursor } nodes { name } } } }"
    )
    first = answer(org_server, query, cursor=None)["organization"]["repositories"]
    assert first["pageInfo"]["hasNextPage"] is True and first["totalCount"] == 3
    cursor = first["pageInfo"]["endCursor"]
    second = answer(org_server, query, cursor=cursor)["organization"]["repositories"]
    assert second["pageInfo"]["hasNextPage"] is False
    assert [r["name"] for r in first["nodes"] + second["nodes"]] == names


def test_a_missing_organization_is_not_found(org_server: FixtureServer) -> None:
    status, _, body = post(
        org_server, {"query": q.ORG_MEMBERS_PAGE, "variables": q.org_page_variables("nope", None)}
    )
    assert status == 200 and body["data"] == {
        "organization": None,
        "rateLimit": body["data"]["rateLimit"],
    }
    assert body["errors"][0]["type"] == "NOT_FOUND"
    assert body["errors"][0]["path"] == ["organization"]
    assert (
        body["errors"][0]["message"]
        == "Could not resolve to an Organization with the login of 'nope'."
    )


def test_repository_files_answer_the_asked_files_text_and_null_for_binary_or_missing(
    org_server: FixtureServer, tmp_path: Path
) -> None:
    paths = ["logo.png", "pyproject.toml", ".github/CODEOWNERS", "docs/CODEOWNERS", ".github"]
    variables = {f"p{i}": f"HEAD:{p}" for i, p in enumerate(paths)}
    data = answer(org_server, q.repository_files(len(paths)), owner="acme", name="web", **variables)
    repo = data["repository"]
    git = _git_hashes(tmp_path)

    def blob(path: str, binary: bool = False) -> dict[str, Any]:
        return {
            "oid": git[path],
            "byteSize": len(FILES[path]),
            "isBinary": binary,
            "isTruncated": False,
            "text": None if binary else FILES[path].decode(),
        }

    assert repo == {
        "f0": blob("logo.png", binary=True),
        "f1": blob("pyproject.toml"),
        "f2": blob(".github/CODEOWNERS"),
        "f3": None,  # missing
        "f4": {"oid": git[".github"]},  # a folder: a Tree, with no text to give
    }
    assert data["rateLimit"]["cost"] == 1  # no connections: GitHub's minimum


@pytest.mark.parametrize(
    ("expression", "found"),
    [
        ("HEAD:", "Tree"),
        ("main:", "Tree"),  # the default branch by name
        ("HEAD:.github", "Tree"),
        ("HEAD:.github/", "Tree"),
        ("main:pyproject.toml", "Blob"),
        ("HEAD:missing.txt", None),
        ("HEAD:.github/missing", None),
        ("develop:pyproject.toml", None),  # another branch: not in the mirror
        ("HEAD", None),  # a commit, not a tree or blob
        ("HEAD:../api", None),
        ("HEAD:pyproject.toml/x", None),
    ],
)
def test_object_resolves_head_and_default_branch_paths_and_null_otherwise(
    org_server: FixtureServer, expression: str, found: str | None
) -> None:
    query = (
        'query($e: String) { repository(owner: "acme", name: "web") '
        "{ object(expression: $e) { __typename oid } } }"
    )
    status, _, body = post(org_server, {"query": query, "variables": {"e": expression}})
    assert status == 200 and "errors" not in body
    obj = body["data"]["repository"]["object"]
    assert (obj and obj["__typename"]) == found


def test_a_tree_reached_through_an_entry_lists_its_own_entries(org_server: FixtureServer) -> None:
    query = (
        'query { repository(owner: "acme", name: "web") { object(expression: "HEAD:") '
        "{ ... on Tree { entries { name object { oid ... on Tree { entries { name oid "
        "object { ... on Blob { text } } } } } } } } } }"
    )
    entries = answer(org_server, query)["repository"]["object"]["entries"]
    assert entries[0]["name"] == ".github"
    assert entries[0]["object"]["entries"] == [
        {
            "name": "CODEOWNERS",
            "oid": entries[0]["object"]["entries"][0]["oid"],
            "object": {"text": FILES[".github/CODEOWNERS"].decode()},
        }
    ]


def test_deployments_come_newest_first_with_their_statuses_newest_first(
    org_server: FixtureServer,
) -> None:
    data = answer(org_server, q.DEPLOYMENTS, owner="acme", name="web", cursor=None, pageSize=100)
    deployments = data["repository"]["deployments"]
    assert deployments["totalCount"] == 2 and deployments["pageInfo"]["hasNextPage"] is False
    newest, older = deployments["nodes"]
    statuses = newest.pop("statuses")
    assert newest == {
        "id": newest["id"],  # REST gave no node_id: a synthetic one, checked below with node()
        "databaseId": 12,
        "commitOid": SHA,
        "ref": None,  # deployed a bare commit
        "task": "deploy",
        "environment": "production",
        "originalEnvironment": "production",
        "description": None,
        "payload": "{}",
        "createdAt": at(30),
        "updatedAt": at(31),
        "creator": {"__typename": "Bot", "login": "github-actions", "databaseId": ANY_ID},
    }
    # newest first, as github.com answers (realdata/devlake/.../_raw_github_graphql_deployment.csv)
    assert [s["id"] for s in statuses["nodes"]] == ["DES_102", "DES_101"]
    assert statuses["nodes"][1] == {
        "id": "DES_101",
        "state": "IN_PROGRESS",
        "description": "Deployment in_progress",
        "environment": "production",
        "environmentUrl": None,  # REST's "" for none
        "logUrl": "https://ci.example.com/101",
        "createdAt": at(30.1),
        "updatedAt": at(30.1),
        "creator": {
            "__typename": "User",
            "login": "deployer",
            "databaseId": user("deployer")["id"],
        },
    }
    assert statuses["nodes"][0]["state"] == "SUCCESS"
    assert statuses["nodes"][0]["environmentUrl"] == "https://web.example.com"

    assert older["id"] == "DE_11" and older["ref"] == {"name": "main"}
    assert older["originalEnvironment"] == "staging" and older["environment"] == "production"
    assert json.loads(older["payload"]) == {"region": "eu", "ünïcode": True}
    assert older["statuses"] == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "nodes": [],
    }
    assert data["rateLimit"]["cost"] == 1  # 1 + 100 requests


def test_deployments_default_to_oldest_first_and_page_by_cursor(
    org_server: FixtureServer,
) -> None:
    query = (
        'query($cursor: String) { repository(owner: "acme", name: "web") { '
        "deployments(first: 1, after: $cursor) { pageInfo { hasNextPage endCursor } "
        "nodes { databaseId } } } }"
    )
    first = answer(org_server, query, cursor=None)["repository"]["deployments"]
    assert first["nodes"] == [{"databaseId": 11}] and first["pageInfo"]["hasNextPage"] is True
    second = answer(org_server, query, cursor=first["pageInfo"]["endCursor"])
    page = second["repository"]["deployments"]
    assert page["nodes"] == [{"databaseId": 12}] and page["pageInfo"]["hasNextPage"] is False

    newest_first = answer(
        org_server, q.DEPLOYMENTS, owner="acme", name="web", cursor=None, pageSize=1
    )["repository"]["deployments"]
    rest = answer(
        org_server,
        q.DEPLOYMENTS,
        owner="acme",
        name="web",
        cursor=newest_first["pageInfo"]["endCursor"],
        pageSize=1,
    )["repository"]["deployments"]
    assert [d["databaseId"] for d in newest_first["nodes"] + rest["nodes"]] == [12, 11]


def test_node_finds_a_deployment_by_its_id_for_the_next_page_of_statuses(
    org_server: FixtureServer,
) -> None:
    data = answer(org_server, q.DEPLOYMENTS, owner="acme", name="web", cursor=None, pageSize=100)
    newest, older = data["repository"]["deployments"]["nodes"]
    first_status = newest["statuses"]["nodes"][0]
    # the page after the first status: the second
    cursor_query = (
        "query($id: ID!) { node(id: $id) { ... on Deployment { "
        "statuses(first: 1) { pageInfo { endCursor } } } } }"
    )
    cursor = answer(org_server, cursor_query, id=newest["id"])["node"]["statuses"]["pageInfo"]
    page = answer(
        org_server, q.DEPLOYMENT_STATUSES_PAGE, id=newest["id"], cursor=cursor["endCursor"]
    )
    statuses = page["node"]["statuses"]
    assert [s["id"] for s in statuses["nodes"]] == ["DES_101"] and first_status["id"] == "DES_102"
    assert statuses["pageInfo"]["hasNextPage"] is False and statuses["totalCount"] == 2
    assert page["rateLimit"]["cost"] == 1
    # a REST node_id works as well
    again = answer(org_server, q.DEPLOYMENT_STATUSES_PAGE, id=older["id"], cursor=None)
    assert again["node"]["statuses"]["nodes"] == []


def test_node_with_an_unknown_id_is_null_with_githubs_not_found_error(
    org_server: FixtureServer,
) -> None:
    status, _, body = post(
        org_server,
        {"query": q.DEPLOYMENT_STATUSES_PAGE, "variables": {"id": "DE_nope", "cursor": None}},
    )
    assert status == 200 and body["data"]["node"] is None
    assert body["errors"][0] == {
        "type": "NOT_FOUND",
        "path": ["node"],
        "locations": body["errors"][0]["locations"],
        "message": "Could not resolve to a node with the global id of 'DE_nope'",
    }


def test_a_token_without_deployments_permission_nulls_the_repository_as_github_does(
    tmp_path: Path,
) -> None:
    """GitHub refuses `Repository.deployments` to a token without Deployments permission with a
    FORBIDDEN error at the field's path (shurcooL/githubv4#123); the field is never null
    (DeploymentConnection!), so the repository node above it is null. The other repos of the
    page answer whole."""
    from miner.fixtures_server import FORBIDDEN

    root = _org_mirror(tmp_path / "mirror")
    (root / "repos/acme/web" / FORBIDDEN).write_text("deployments\n")
    refused = {"type": "FORBIDDEN", "message": "Resource not accessible by personal access token"}
    with FixtureServer(root) as server:
        snapshot = {"query": q.ORG_SNAPSHOT,
                    "variables": q.org_snapshot_variables("acme", None, people=False)}  # fmt: skip
        status, _, body = post(server, snapshot)
        assert status == 200
        api, legacy, web = body["data"]["organization"]["repositories"]["nodes"]  # by name
        assert web is None and (api["name"], legacy["name"]) == ("api", "legacy")
        (error,) = body["errors"]
        assert error == {
            **refused,
            "path": ["organization", "repositories", "nodes", 2, "deployments"],
            "locations": error["locations"],
        }
        # asked without deployments, the repo answers, and the page costs 100 requests less
        without = q.org_snapshot_variables("acme", None, people=False, deployments=False)
        data = answer(server, q.ORG_SNAPSHOT, **without)
        web = data["organization"]["repositories"]["nodes"][2]
        assert web["nameWithOwner"] == "acme/web" and "deployments" not in web
        # 1 + 100 (each repo's pullRequests) = 101 requests: 1 point
        cost = q.org_snapshot_cost(100, people=False, deployments=False)
        assert data["rateLimit"]["cost"] == 1 == cost
        variables = {"owner": "acme", "name": "web", "cursor": None, "pageSize": 1}
        by_repo = {"query": q.DEPLOYMENTS, "variables": variables}
        status, _, body = post(server, by_repo)
        assert status == 200 and body["data"]["repository"] is None
        assert [(e["type"], e["path"]) for e in body["errors"]] == [
            ("FORBIDDEN", ["repository", "deployments"])
        ]
        # a deployment reached by its id is refused too (DE_11: the REST node_id of web's #11)
        status, _, body = post(
            server,
            {"query": q.DEPLOYMENT_STATUSES_PAGE, "variables": {"id": "DE_11", "cursor": None}},
        )
        assert body["data"]["node"] is None
        assert [(e["type"], e["path"]) for e in body["errors"]] == [("FORBIDDEN", ["node"])]
