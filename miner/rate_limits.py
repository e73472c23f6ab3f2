"""GitHub's primary rate limits, per resource (`core` for REST, `graphql`), read from every
answer's x-ratelimit-* headers: before a request that the budget cannot pay for, wait for the
reset with a visible countdown, or stop cleanly when the wait would pass `max_wait`.

https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api and
https://docs.github.com/en/graphql/overview/rate-limits-and-node-limits-for-the-graphql-api:
past the budget REST answers 403 or 429 and GraphQL answers 200 with a RATE_LIMIT error, both
with x-ratelimit-remaining 0 and x-ratelimit-reset the epoch second it refills. Secondary limits
(Retry-After, or exponential backoff) are PyGithub's GithubRetry's job, as GitHub documents them,
up to a minute; a longer Retry-After is waited for here, as a spent budget (asked_to_wait).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from miner.errors import EXIT_PARTIAL, CleanStop

# A moment past the reset before asking again (the Date header counts whole seconds), and the
# least pause before asking again after GitHub said the budget is spent.
RESET_MARGIN_SECONDS = 1.0
# The default longest wait for a reset: GitHub's windows are an hour, so a nightly sync waits.
DEFAULT_MAX_WAIT_SECONDS = 3600.0

# Told each second of a wait: seconds left, the resource, and when it resets (epoch seconds).
Countdown = Callable[[float, str, float], None]


class RateLimitStop(CleanStop):
    """The budget is spent and its reset is further off than the sync may wait: a clean stop.
    Everything fetched so far is stored with its cursors; the next sync continues from there."""

    exit_code = EXIT_PARTIAL

    def __init__(self, resource: str, reset: float, max_wait: float) -> None:
        self.resource = resource
        self.reset = reset
        super().__init__(
            f"{self.spent_said()}, longer than --max-wait {max_wait:g}s: stopped cleanly, with "
            "everything fetched so far stored; run miner sync again after the reset to continue"
        )

    def spent_said(self) -> str:
        """Which budget is spent and until when, for whatever stopped at it."""
        at = datetime.fromtimestamp(self.reset, UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        minutes = max(0.0, self.reset - time.time()) / 60
        return f"GitHub's {self.resource} rate limit is spent until {at} ({minutes:.0f} min)"


@dataclass
class Budget:
    """What the last answer for one resource said: requests (or points) left, and the reset."""

    remaining: int
    reset: float  # epoch seconds


def budget(headers: Mapping[str, Any]) -> tuple[int | None, float | None, str | None]:
    """An answer's x-ratelimit-remaining, -reset (epoch seconds) and -resource, each None where
    absent or unreadable (header names in any letter case)."""
    lower = {str(k).lower(): v for k, v in headers.items()}

    def read(name: str, kind: Callable[[Any], Any]) -> Any:
        try:
            return kind(lower[f"x-ratelimit-{name}"])
        except (KeyError, TypeError, ValueError):
            return None

    return read("remaining", int), read("reset", float), read("resource", str) or None


def _quiet(seconds: float, resource: str, reset: float) -> None:
    pass


class RateLimiter:
    """Keeps each resource's budget from the headers and holds requests it cannot pay for."""

    def __init__(
        self,
        *,
        max_wait: float = DEFAULT_MAX_WAIT_SECONDS,
        countdown: Countdown = _quiet,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_wait < 0:
            raise ValueError("max_wait is a number of seconds, 0 or more")
        self.max_wait = max_wait
        self.countdown = countdown
        self.budgets: dict[str, Budget] = {}
        self.waited = 0.0
        self._clock = clock
        self._sleep = sleep
        # waits in a row for a reset our clock says is past (GitHub's clock is behind ours)
        self._early: dict[str, int] = {}

    def observe(self, headers: Mapping[str, Any], default_resource: str) -> None:
        """Note the budget an answer's headers report."""
        remaining, reset, resource = budget(headers)
        if remaining is None or reset is None:
            return
        resource = resource or default_resource
        self.budgets[resource] = Budget(remaining, reset)
        if remaining > 0:
            self._early.pop(resource, None)

    def spent(self, resource: str, reset: float | None = None) -> None:
        """The server said the budget is gone (a RATE_LIMIT answer), whatever the headers said."""
        known = self.budgets.get(resource)
        when = reset if reset is not None else (known.reset if known else self._clock() + 60)
        self.budgets[resource] = Budget(0, when)

    def asked_to_wait(self, resource: str, seconds: float) -> None:
        """The server asked for a pause (Retry-After) before the next request."""
        self.spent(resource, self._clock() + seconds)

    def before(self, resource: str, cost: int = 1) -> None:
        """Return once the budget can pay `cost`: at once, or after waiting for the reset;
        raise RateLimitStop when the reset is further off than max_wait."""
        budget = self.budgets.get(resource)
        if budget is None or budget.remaining >= cost:
            return
        due = budget.reset + RESET_MARGIN_SECONDS - self._clock()
        if due > self.max_wait:
            raise RateLimitStop(resource, budget.reset, self.max_wait)
        if due <= RESET_MARGIN_SECONDS:
            # the reset is past by our clock, yet the budget was spent: GitHub's clock is behind
            # ours. Pause 1, 2, 4... seconds, never asking again in a burst.
            early = self._early.get(resource, 0)
            self._early[resource] = early + 1
            due = RESET_MARGIN_SECONDS * 2**early
        wait = due
        end = self._clock() + wait
        while (left := end - self._clock()) > 0:
            self.countdown(left, resource, budget.reset)
            self._sleep(min(1.0, left))
        self.waited += wait
        del self.budgets[resource]  # refilled; the next answer reports the new budget
