"""Single requests of the GitHub client and their error paths (responses stands in for GitHub:
the answers no local server gives on purpose)."""

from __future__ import annotations

import pytest
import responses

from miner.errors import GitHubError
from miner.github_client import GitHubClient

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
    assert len(responses.calls) == 2


@responses.activate
def test_an_answer_that_is_never_json_is_named_after_four_tries() -> None:
    # a proxy's sign-in page, say
    responses.get(f"{API}/orgs/acme", body="<html>sign in</html>", status=200)
    client = GitHubClient(API, "secret-token")
    with pytest.raises(GitHubError) as err:
        client.get("/orgs/acme")
    assert str(err.value) == "GET /orgs/acme: 200 with a body that is not JSON"
    assert len(responses.calls) == 4
