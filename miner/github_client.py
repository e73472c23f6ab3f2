"""A thin client over PyGithub's requester that pages raw JSON, sends conditional requests and
reads the server's clock; it never builds PyGithub objects (their lazy completion refetches)."""

from __future__ import annotations

import inspect
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, TypeVar

from github import Auth, Github, GithubException, RateLimitExceededException
from github.GithubRetry import GithubRetry
from github.Requester import Requester, WithRequester
from urllib3 import Retry

from miner import __version__
from miner.errors import (
    GitHubError,
    GitHubTimedOut,
    GraphQLAnswerError,
    GraphQLGaveUp,
    scrub,
)
from miner.graphql_queries import PROBE
from miner.rate_limits import RateLimiter, budget

if TYPE_CHECKING:  # urllib3 1.26, which PyGithub allows, has no BaseHTTPResponse
    from urllib3.response import BaseHTTPResponse

# GitHub's largest page for list endpoints (docs: "Using pagination in the REST API").
MAX_PER_PAGE = 100
# GitHub's REST API version the mirror format and our parsers follow.
API_VERSION = "2022-11-28"

# GitHub's secondary rate limit allows 900 points a minute on REST, a GET costing one (docs:
# "Rate limits for the REST API"); pacing serial requests at this interval stays under it.
_SECONDS_BETWEEN_REQUESTS = 60 / 900
_LOOPBACK = ("127.0.0.1", "localhost", "[::1]")

_LINK_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


@dataclass(frozen=True)
class Response:
    """One answer: 200 with its JSON, or 304 (not modified) with `data` None."""

    status: int
    data: Any
    etag: str | None
    next_url: str | None
    # the answer's headers, lower-case names (X-OAuth-Scopes, the rate-limit ones...)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class GitHubClient:
    """Requests against one GitHub (api.github.com, Enterprise Server, or the local server)."""

    def __init__(
        self,
        api_url: str,
        token: str | None,
        *,
        timeout: int = 30,
        limiter: RateLimiter | None = None,
        auth: Auth.Auth | None = None,
    ) -> None:
        """`token` for a personal access token; `auth` for another kind (a GitHub App's
        installation, github_auth.py), which wins."""
        self.api_url = api_url.rstrip("/")
        # Primary limits: the limiter waits before a request the budget cannot pay for (or stops
        # the sync); secondary limits: PyGithub's retry honours Retry-After, else backs off.
        self.limiter = limiter or RateLimiter()
        self._github = Github(
            auth=auth or (Auth.Token(token) if token else None),
            base_url=self.api_url,
            per_page=MAX_PER_PAGE,
            timeout=timeout,
            user_agent=f"miner/{__version__}",
            # PyGithub waits out a Retry-After of a few seconds itself; any longer rate-limit
            # pause raises to the limiter, which counts down or stops the sync
            retry=_retry(loopback=_is_loopback(self.api_url)),
            # The local server needs no pacing; PyGithub's default of 0.25 s would slow a
            # 12,000-request sync of the sample org by 50 minutes.
            seconds_between_requests=0 if _is_loopback(self.api_url) else _SECONDS_BETWEEN_REQUESTS,
            # PyGithub paces every POST (GraphQL queries too) a second apart, as GitHub asks of
            # writes; on the local server that pacing was most of a GraphQL sync's time
            seconds_between_writes=0 if _is_loopback(self.api_url) else 1.0,
        )
        self._requester = self._github.requester
        # the same requests without urllib3's retries of a 5xx or a read that timed out (a quick
        # try, see post_graphql_partly), made when first wanted
        self._quick_requester: Requester | None = None
        # what must never be shown: a request library's error may quote the request's headers
        self._secret = token or (auth.token if isinstance(auth, Auth.Token) else None)
        self.requests = 0
        self.graphql_points = 0  # what GitHub charged, from each query's rateLimit { cost }
        self.server_time: datetime | None = None

    def close(self) -> None:
        self._github.close()
        if self._quick_requester is not None:
            self._quick_requester.close()

    def get(
        self,
        url: str,
        params: dict[str, Any] | None = None,
        *,
        etag: str | None = None,
        quick: bool = False,
    ) -> Response:
        """GET `url` (a path under the API, or an absolute next-page URL); raise on errors.
        `quick`: one try of a 5xx or a read that times out, not urllib3's minutes of them."""
        headers = {"X-GitHub-Api-Version": API_VERSION}
        if etag:
            headers["If-None-Match"] = etag
        requester = self._requester_for(quick=quick)

        def send() -> tuple[dict[str, Any], tuple[int, Any]]:
            status, response_headers, body = requester.requestJson(
                "GET", url, parameters=params, headers=headers
            )
            # a body cut short on the way (its length said so) does not parse: _send asks
            # again. An error's body is read if it can be (a proxy's may be a page of HTML).
            return response_headers, (
                status,
                _parse(body, status) if status < 400 else _loads(body),
            )

        def refused(response_headers: dict[str, Any], answer: tuple[int, Any]) -> bool:
            return _rate_limit_status(answer[0], response_headers)

        response_headers, (status, data) = self._send(CORE, f"GET {_path(url)}", send, refused)
        if status == 304:
            return Response(304, None, etag, None)
        if status >= 400:
            raise GitHubError(f"GET {_path(url)}: {status} {_message(data)}", status=status)
        match = _LINK_NEXT.search(response_headers.get("link", ""))
        return Response(
            status,
            data,
            response_headers.get("etag"),
            match.group(1) if match else None,
            {str(k).lower(): str(v) for k, v in response_headers.items()},
        )

    def post_graphql(
        self, query: str, variables: dict[str, Any], *, cost: int = 1, quick: bool = False
    ) -> dict[str, Any]:
        """POST a GraphQL query that costs `cost` points; its `data`, or GitHubError with the
        messages GitHub answered inside a 200 (GraphQL reports errors in an `errors` list, not
        in the status). `quick`: sent once, however it fails (a 5xx, no answer in time, GitHub
        giving up on it), not again and again with pauses between (minutes, for a 502)."""
        return self.post_graphql_partly(query, variables, cost=cost, quick=quick)[0]

    def in_outage(self, exc: GitHubTimedOut) -> bool:
        """Whether a query that timed out met GitHub answering nothing at all, not a query too
        heavy for it: a 502, a 504 or no answer in time, and the lightest query fails too.
        GitHub's own giving up on a query ("Something went wrong") is its answer to that one."""
        return not isinstance(exc, GraphQLGaveUp) and not self.answers()

    def ask_again_in_full(self, exc: GitHubTimedOut, quick: bool) -> bool:
        """Whether a page GitHub did not answer in time (`exc`) is to be asked again as it was,
        with all its retries: GitHub answers nothing at all (in_outage) and the page was asked
        `quick` (once, without them); an outage fails on a page asked in full. Raises `exc` for
        a page already asked in full in an outage. False: the query was too heavy for GitHub,
        and a lighter one is asked next."""
        if not self.in_outage(exc):
            return False
        if not quick:
            raise exc  # asked with all its retries, and GitHub answers nothing
        return True

    def answers(self, *, rest: bool = False) -> bool:
        """Whether GitHub's GraphQL API answers the lightest query at once: a query that failed
        with a 502, a 504 or no answer in time was too heavy for GitHub if so, else GitHub is
        failing everything (an outage), which a lighter query would not get through. `rest`:
        whether its REST API answers (GET /rate_limit, which costs no budget; an Enterprise
        Server with rate limiting off, as it is by default, answers it 404 "Rate limiting is not
        enabled.", which is an answer all the same)."""
        try:
            if rest:
                self.get("/rate_limit", quick=True)
            else:
                self.post_graphql(PROBE, {}, quick=True)
        except GitHubError as exc:
            return rest and exc.status == 404
        return True

    def post_graphql_partly(
        self,
        query: str,
        variables: dict[str, Any],
        *,
        cost: int = 1,
        tolerated: Callable[[dict[str, Any]], bool] = lambda _: False,
        quick: bool = False,
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """As post_graphql, but an answer whose every error is `tolerated` (a field GitHub
        refused, its value null in `data`) is no failure: its `data`, and those errors."""
        requester = self._requester_for(quick=quick)

        def send() -> tuple[dict[str, Any], Any]:
            # PyGithub's graphql_url: {api}/graphql on github.com and the local server,
            # https://HOST/api/graphql for an Enterprise Server API at https://HOST/api/v3
            headers, body = requester.requestJsonAndCheck(
                "POST", requester.graphql_url, input={"query": query, "variables": variables}
            )
            gave_up = _gave_up(body)
            if gave_up is not None:  # asked again by _send, as an answer cut short is
                raise _GaveUp(gave_up)
            return headers, body

        # past the budget GitHub answers 200 with a RATE_LIMIT error: wait, then ask again
        _, body = self._send(
            GRAPHQL,
            "POST /graphql",
            send,
            lambda _, answer: _graphql_rate_limited(answer),
            cost,
            quick=quick,
        )
        if not isinstance(body, dict):
            raise GitHubError("POST /graphql: an answer that is not a JSON object")
        errors = body.get("errors")
        kept: list[dict[str, Any]] = []
        if (
            isinstance(errors, list)
            and errors
            and isinstance(body.get("data"), dict)
            and all(isinstance(e, dict) and tolerated(e) for e in errors)
        ):
            kept, errors = errors, None
        if errors:
            messages = "; ".join(
                str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors
            )
            # GraphQL says in each error's type what REST says in its status: a repo gone or
            # hidden from the token is the same failure on either path. Something not found
            # deep inside the answer (a PR's deleted cross-reference, say) is no such thing:
            # what was asked for is there, a part of it is not.
            kinds = {
                e.get("type")
                for e in errors
                if isinstance(e, dict) and (e.get("type") != "NOT_FOUND" or not _deep(e))
            }
            status = 404 if "NOT_FOUND" in kinds else 403 if "FORBIDDEN" in kinds else None
            paths = tuple(
                ".".join(str(step) for step in e["path"])
                for e in errors
                if isinstance(e, dict) and isinstance(e.get("path"), list)
            )
            raise GraphQLAnswerError(f"POST /graphql: {messages}", status=status, paths=paths)
        data = body.get("data")
        if not isinstance(data, dict):
            raise GitHubError("POST /graphql: an answer without data")
        charged = (data.get("rateLimit") or {}).get("cost")
        if isinstance(charged, int):
            self.graphql_points += charged
        return data, kept

    def pages(self, url: str, params: dict[str, Any] | None = None) -> Iterator[Response]:
        """Every page of a list, following the Link header's rel="next"."""
        params = {"per_page": MAX_PER_PAGE, **(params or {})}
        response = self.get(url, params)
        yield response
        while response.next_url:
            response = self.get(response.next_url)
            yield response

    def get_all(self, url: str, params: dict[str, Any] | None = None) -> list[Any]:
        """Every item of a list, all pages joined."""
        items: list[Any] = []
        for page in self.pages(url, params):
            items.extend(list_items(page.data))
        return items

    def _send(
        self,
        resource: str,
        what: str,
        send: Callable[[], tuple[dict[str, Any], _Answer]],
        refused: Callable[[dict[str, Any], _Answer], bool],
        cost: int = 1,
        *,
        quick: bool = False,
    ) -> tuple[dict[str, Any], _Answer]:
        """One request through the rate limiter: `send` it once the budget can pay, and again
        after the reset while the answer says the budget was spent (`refused`). `quick`: a
        GraphQL query GitHub gave up on is not asked again."""
        failures = 0
        for _ in range(_RATE_LIMIT_TRIES + _TRANSIENT_TRIES):
            self.limiter.before(resource, cost)
            try:
                headers, answer = send()
            except _LongRetryAfter as exc:
                # GitHub asked for a longer pause than PyGithub may sleep unseen: the limiter
                # waits for it with a countdown, or stops the sync past --max-wait
                self.limiter.asked_to_wait(resource, exc.seconds)
                continue
            except GithubException as exc:
                if self._rate_limited(exc, resource, cost):
                    continue
                # a 502 or 504 only a quick try (no retries of it) sees as itself: GitHub ran
                # out of time, as _timed_out says of the same after urllib3's retries
                failed = GitHubTimedOut if exc.status in (502, 504) else GitHubError
                raise failed(
                    f"{what}: {exc.status} {_message(exc.data)}", status=exc.status
                ) from exc
            except Exception as exc:
                # the network failing after PyGithub's own retries (a connection dropped
                # mid-body, which urllib3 does not retry, a POST timing out), or an answer cut
                # short that does not parse: every request miner sends only reads, so send it
                # again, a few times
                failures += 1
                if isinstance(exc, ValueError):  # a body that does not parse (_NotJson, or
                    self.requests += 1  # PyGithub's JSONDecodeError): answered, if not in full
                given_up = quick and isinstance(exc, _GaveUp)
                if failures >= _TRANSIENT_TRIES or not _transient(exc) or given_up:
                    kind = "" if isinstance(exc, _NotJson | _GaveUp) else f"{type(exc).__name__}: "
                    said = scrub(f"{what}: {unreachable(exc) or f'{kind}{exc}'}", self._secret)
                    # GitHub giving up on a query, again and again, is its answer to that query
                    if isinstance(exc, _GaveUp):
                        raise GraphQLGaveUp(said) from None
                    raise (GitHubTimedOut if _timed_out(exc) else GitHubError)(said) from None
                self._pause(failures - 1)
                continue
            self.requests += 1
            self._read_clock(headers)
            self.limiter.observe(headers, resource)
            if not refused(headers, answer):
                return headers, answer
            self._wait_out(headers, resource, cost)
        raise GitHubError(f"{what}: still rate limited after {_RATE_LIMIT_TRIES} tries")

    def _requester_for(self, *, quick: bool) -> Requester:
        if not quick:
            return self._requester
        if self._quick_requester is None:
            kwargs = self._requester.kwargs
            retry = _retry(loopback=_is_loopback(self.api_url), quick=True)
            self._quick_requester = Requester(**{**kwargs, "retry": retry})
            auth = kwargs.get("auth")
            if isinstance(auth, WithRequester):  # a GitHub App's: it renews its token through
                auth.withRequester(self._requester)  # the requester it was last given
        return self._quick_requester

    def _wait_out(self, headers: dict[str, Any], resource: str, cost: int = 1) -> None:
        """A rate-limited answer: the budget cannot pay for the request until its reset, or
        (a secondary limit that names no Retry-After, budget left or none said) GitHub asks
        for at least a minute."""
        remaining, reset, _ = budget(headers)
        if remaining is not None and remaining < cost:
            self.limiter.spent(resource, reset)
        else:
            self.limiter.asked_to_wait(resource, _SECONDARY_WAIT_SECONDS)

    def _pause(self, attempt: int) -> None:
        """Back off before sending again: 1, 2, 4 s (a tenth of that on the local server)."""
        time.sleep((0.1 if _is_loopback(self.api_url) else 1.0) * 2**attempt)

    def _rate_limited(self, exc: GithubException, resource: str, cost: int) -> bool:
        """A primary rate limit answer PyGithub raised (its retry gave up, or the budget was
        spent elsewhere): note it, so the next try waits for the reset or stops the sync."""
        if not isinstance(exc, RateLimitExceededException) and not _rate_limit_status(
            exc.status, exc.headers or {}
        ):
            return False
        if isinstance(exc, RateLimitExceededException) and budget(exc.headers or {})[0] is None:
            self.limiter.spent(resource)  # PyGithub saw the primary limit: the known reset
        else:
            self._wait_out(exc.headers or {}, resource, cost)
        return True

    def _read_clock(self, headers: dict[str, Any]) -> None:
        date = headers.get("date")
        if not date:
            return
        try:
            when = parsedate_to_datetime(date)
        except (TypeError, ValueError):
            return
        if self.server_time is None or when > self.server_time:
            self.server_time = when


CORE = "core"
GRAPHQL = "graphql"


class _LongRetryAfter(Exception):
    """A rate-limited answer's Retry-After asks for longer than _PYGITHUB_MAX_WAIT."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"Retry-After {seconds:g}s")
        self.seconds = seconds


class _Retry(GithubRetry):
    """PyGithub's retry, but a Retry-After longer than _PYGITHUB_MAX_WAIT is not slept through
    unseen (urllib3 would sleep an hour if told to, whatever --max-wait says): it goes up to
    GitHubClient._send as _LongRetryAfter."""

    def sleep_for_retry(self, response: BaseHTTPResponse) -> bool:
        seconds = self.get_retry_after(response)
        if seconds is not None and seconds > _PYGITHUB_MAX_WAIT:
            raise _LongRetryAfter(seconds)
        return bool(super().sleep_for_retry(response))


def _retry(*, loopback: bool, quick: bool = False) -> _Retry:
    """urllib3's retries of a 5xx with backoff between tries: 0, 1, 2, 4... seconds, at most
    _BACKOFF_MAX (on the local server a tenth, and at most half a second). With urllib3's
    default of none, its ten tries landed within a fraction of a second, so a GitHub blip of a
    second failed the whole sync. A server not reached at all is tried _CONNECT_TRIES times.
    `quick`: a 5xx, or a read that timed out, is not tried again (rate limits still are)."""
    scale = 0.1 if loopback else 1.0
    cap: dict[str, float] = {}
    if "backoff_max" in inspect.signature(Retry).parameters:
        cap["backoff_max"] = 0.5 if loopback else _BACKOFF_MAX  # urllib3 1.26: its 120 s
    retry = _Retry(
        max_rate_limit_wait=_PYGITHUB_MAX_WAIT,
        backoff_factor=_BACKOFF_FACTOR * scale,
        # a connection refused, a host not found or TLS failing (a wrong api_url, no network,
        # a proxy in the way) is no blip to wait out for minutes: said within seconds
        connect=_CONNECT_TRIES,
        other=_CONNECT_TRIES,
        **cap,
    )
    if quick:
        # PyGithub's retry adds 403 (its rate limits) to whatever list it is given
        return retry.new(status_forcelist=[], read=0)
    return retry


# The backoff between urllib3's tries of a request GitHub failed (5xx): `factor` * 2 ** (tries
# - 1) seconds, the first try again at once, at most `max`: its ten tries (urllib3's default)
# span some two and a half minutes, what GitHub's 502s and 503s of a deploy or a blip last.
_BACKOFF_FACTOR = 0.5
_BACKOFF_MAX = 30.0
# How often urllib3 tries again to connect (after 0, 1, 2 s) before the server is unreachable.
_CONNECT_TRIES = 3
# The longest rate-limit wait PyGithub's retry may sleep through unseen (a Retry-After of a few
# seconds). Longer waits, a secondary limit's minute among them, are the limiter's: counted down
# on a terminal, logged from cron, and bounded by --max-wait.
_PYGITHUB_MAX_WAIT = 5
# How long a secondary rate limit that names no Retry-After is waited for: "at least one minute"
# (docs: "Rate limits for the REST API", exceeding the rate limit).
_SECONDARY_WAIT_SECONDS = 60
# Rate-limited answers in a row for one request before giving up: each waits for a reset first,
# so more than a few means the server's clock or headers cannot be trusted.
_RATE_LIMIT_TRIES = 6
# How often a request whose answer was lost or cut short on the way is sent (see _send).
_TRANSIENT_TRIES = 4

# What a request's answer is: (status, body) for REST, the decoded JSON for GraphQL.
_Answer = TypeVar("_Answer")


def _rate_limit_status(status: int, headers: dict[str, Any]) -> bool:
    """A rate-limited REST answer: a primary limit (403 or 429, none of the budget left), or a
    secondary one (429)."""
    return status == 429 or (status == 403 and budget(headers)[0] == 0)


def _graphql_rate_limited(body: Any) -> bool:
    errors = body.get("errors") if isinstance(body, dict) else None
    return isinstance(errors, list) and any(
        isinstance(e, dict) and e.get("type") in ("RATE_LIMIT", "RATE_LIMITED") for e in errors
    )


class _GaveUp(ValueError):
    """A GraphQL answer saying GitHub gave up on the query (its time limit, or a bug)."""


# How GitHub's GraphQL answers a query it gave up on: 200, no data, and one error of no type
# "Something went wrong while executing your query. This may be the result of a timeout, or it
# could be a GitHub bug. Please include `ID` when reporting this issue." Asked again, the same
# query most often succeeds.
_GAVE_UP = "Something went wrong while executing your query"


def _gave_up(body: Any) -> str | None:
    """GitHub's words when a GraphQL answer is only its giving up on the query; else None."""
    if not isinstance(body, dict) or body.get("data"):
        return None
    errors = body.get("errors")
    if not isinstance(errors, list) or not errors:
        return None
    messages = [e.get("message") if isinstance(e, dict) else None for e in errors]
    if all(isinstance(m, str) and m.startswith(_GAVE_UP) for m in messages):
        return "; ".join(str(m) for m in messages)
    return None


def _timed_out(exc: Exception) -> bool:
    """A failure that says the request took GitHub too long, each time it was sent: an answer
    that never came, or GitHub's 502 and 504 (its "We couldn't respond to your request in
    time") until urllib3's retries ran out. (GraphQL's giving up is told apart before.)"""
    import requests

    if isinstance(exc, requests.exceptions.ReadTimeout):
        return True
    if isinstance(exc, requests.exceptions.RetryError):
        return bool(re.search(r"too many 50[24] error responses", str(exc)))
    # PyGithub's retry tries a read that timed out again itself, then gives up in these words
    return isinstance(exc, requests.exceptions.ConnectionError) and "Read timed out" in str(exc)


def _deep(error: dict[str, Any]) -> bool:
    """Whether a GraphQL error is about something inside the object a query asked for (its
    path goes past the query's top field: `repository.pullRequests.nodes.0...`)."""
    path = error.get("path")
    return isinstance(path, list) and len(path) > 1


def _is_loopback(url: str) -> bool:
    host = re.sub(r"^[a-z]+://", "", url).split("/")[0].rsplit(":", 1)[0]
    return host in _LOOPBACK


def list_items(data: Any) -> list[Any]:
    """The items of a list answer (a bare array, or an object wrapping one, as workflow runs)."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for value in data.values():
            if isinstance(value, list):
                return value
    return []


def _transient(exc: Exception) -> bool:
    """A failure worth sending again that urllib3 has not retried already: a connection dropped
    mid-body, or an answer cut short that does not parse. Timeouts, refused connections and
    5xx answers have had urllib3's retries (RetryError, ConnectionError) by now."""
    import requests

    # a read that timed out and reached us as itself, not as the ConnectionError PyGithub's
    # retry gives up with after its own tries
    if isinstance(
        exc, requests.exceptions.ChunkedEncodingError | requests.exceptions.ReadTimeout | ValueError
    ):
        return True
    return (
        isinstance(exc, requests.exceptions.ConnectionError)
        and not isinstance(exc, requests.exceptions.RetryError | requests.exceptions.ConnectTimeout)
        and "Max retries exceeded" not in str(exc)
    )


# What a server failing a request past its retries means for the run it stops; a failure the
# sync takes as one repo's own (sync's failed_alone) is said without it.
RUN_STOPPED = " (a GitHub outage?); what was fetched is stored, and the next run goes on from there"


def unreachable(exc: Exception) -> str | None:
    """A server that could not be reached, in a few words: "cannot reach HOST:PORT: Connection
    refused", not urllib3's whole "Max retries exceeded ... (Caused by ...)" text."""
    import requests

    text = str(exc)
    # urllib3 retried server errors until it gave up: "too many 500 error responses"
    failing = re.search(r"too many (\d{3}) error responses", text)
    if isinstance(exc, requests.exceptions.RetryError) and failing is not None:
        return f"the server kept answering {failing.group(1)}{RUN_STOPPED}"
    if not isinstance(exc, requests.exceptions.ConnectionError):
        return None
    where = re.search(r"host='([^']*)', port=(\d+)", text)
    if where is None:
        return None
    why = re.search(r"\[Errno -?\d+\] ([^\"')]+)", text)
    if "WRONG_VERSION_NUMBER" in text:  # TLS spoken to a server that answers plain HTTP
        reason = "it does not speak TLS: is its URL http://, not https://?"
    elif isinstance(exc, requests.exceptions.SSLError):
        reason = "TLS failed (its certificate, or a proxy in the way)"
    elif why is not None:
        reason = why.group(1).strip()
    elif isinstance(exc, requests.exceptions.ConnectTimeout) or "timed out" in text:
        reason = "timed out"
    else:
        reason = "no connection"
    return f"cannot reach {where.group(1)}:{where.group(2)}: {reason}"


class _NotJson(ValueError):
    """An answer whose body does not parse: cut short on the way, or not GitHub's."""


def _loads(body: str) -> Any:
    """An error answer's JSON, or None where it has none."""
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


def _parse(body: str, status: int) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError as exc:
        raise _NotJson(f"{status} with a body that is not JSON") from exc


def _message(data: Any) -> str:
    if isinstance(data, dict) and data.get("message"):
        return str(data["message"])
    return "(no message)"


def _path(url: str) -> str:
    """The URL without scheme, host or query: what an error message shows."""
    return re.sub(r"^[a-z]+://[^/]+", "", url).split("?")[0]
