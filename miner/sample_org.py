"""Generate a seeded fictional org as an API mirror folder, with the truth of its review waits,
approvals, code ownership, phases and time in court, and of its CI runs, deployments and
dependency manifests."""

from __future__ import annotations

import bisect
import csv
import json
import math
import random
import re
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from miner import sample_payloads as gh
from miner.manifests import SBOM_PATH
from miner.sample_git import LineCommit, write_bare_repository
from miner.sample_payloads import Json, RepoRef, iso

TRUTH_DIR = "truth"  # out/truth/review_wait.csv, summary.json, ...: the server never serves them
TRUTH_COLUMNS = (
    "org", "repo", "pr_number", "author", "reviewer", "reviewer_team", "episode",
    "requested_at", "start_at", "ended_at", "outcome", "responder", "wait_hours", "is_cross_team",
)  # fmt: skip

# GitHub facts.
# States of a submitted review (REST "List reviews for a pull request"); PENDING is not submitted.
REVIEW_STATES = frozenset({"APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED"})
# GitHub reads the first CODEOWNERS of these (docs "About code owners": CODEOWNERS file location).
CODEOWNERS_LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
# Code-owner requests land seconds after a PR is ready; one this close counts as made "at ready".
AUTO_REQUEST_WINDOW = timedelta(seconds=60)
# Timeline events that flip a PR's draft state (REST "Timeline events").
DRAFT_EVENTS = ("ready_for_review", "convert_to_draft")

_HISTORY = timedelta(days=182)
_RECENT = timedelta(days=21)  # PRs this young may still be open: their queue has not drained
_DRAW_HOURS = (9, (17, 55))  # people act Mon–Fri 09:00–18:00 local; draws stop at 17:55
_STALE, _STALE_RECENT = 0.06, 0.2  # the chance that a requested reviewer never answers
_TZ = {"LA": "America/Los_Angeles", "NY": "America/New_York", "LON": "Europe/London",
       "BER": "Europe/Berlin", "KOL": "Asia/Kolkata"}  # fmt: skip
# login, time zone, the teams a person is directly in (none: the person is `unassigned`).
_PEOPLE = """
rhea BER platform;tomasz BER platform;carl BER platform;ines BER infra;otto BER infra
kavya KOL infra;arjun KOL infra;zane KOL infra;mira BER security;sam NY security;devi KOL security
yusuf BER security;bea NY security;paula NY product;noor LON product;alice LA web;bruno LA web
chen LA web,design;dana NY web;eli NY web;farah LA web;wren LA web;gus NY mobile;hana BER mobile
ivan BER mobile;jade NY mobile,design;kofi NY mobile;xavi BER mobile;lakshmi KOL data;mohan KOL data
yara BER data;nina BER data,infra;omar KOL data;priya KOL data;quinn LA design;rosa LA design
sol NY design;tariq LON;uma KOL;victor LA
"""
_TEAMS = (  # slug, name, parent slug; a parent comes before its children
    ("platform", "Platform", None), ("infra", "Infrastructure", "platform"),
    ("security", "Security", "platform"), ("product", "Product", None), ("web", "Web", "product"),
    ("mobile", "Mobile", "product"), ("data", "Data", None), ("design", "Design", None),
)  # fmt: skip
# The bots, with their real GitHub user ids; the first two open dependency bumps.
_BOTS = (("dependabot[bot]", 49699333), ("renovate[bot]", 29139614),
         ("github-actions[bot]", 41898282))  # fmt: skip
# name, main team, language, CODEOWNERS location, whether `*` has an owner, docs owner, PR weight.
_REPOS = (
    ("web-app", "web", "TypeScript", 0, True, "alice", 14),
    ("mobile-app", "mobile", "Kotlin", 0, True, "gus", 10),
    ("api-gateway", "platform", "Go", 0, True, "rhea", 10),
    ("auth-service", "security", "Go", 0, True, "mira", 6),
    ("billing", "product", "Python", 1, True, "paula", 8),
    ("data-pipeline", "data", "Python", 0, True, "lakshmi", 9),
    ("infra-live", "infra", "HCL", 0, True, "ines", 8),
    ("design-system", "design", "TypeScript", 2, True, "quinn", 6),
    ("ml-models", "data", "Python", 2, False, "nina", 6),
    ("notifications", "mobile", "Kotlin", 0, True, "kofi", 7),
    ("docs-portal", None, "Markdown", 0, False, "noor", 4),
    ("shared-libs", "platform", "Python", 1, False, "carl", 6),
)
_LANGUAGES = {  # language: (source file extension, the manifest a dependency bump touches)
    "TypeScript": ("ts", "package.json"), "Markdown": ("md", "package.json"),
    "Kotlin": ("kt", "build.gradle.kts"), "Go": ("go", "go.mod"),
    "Python": ("py", "requirements.txt"), "HCL": ("tf", "versions.tf"),
}  # fmt: skip
_AREAS = {  # area: (weight, paths a PR there touches); {ext} is the repo language's
    "app": (
        55,
        ("src/app/main.{ext}", "src/app/handlers.{ext}", "src/lib/util.{ext}", "README.md"),
    ),
    "auth": (6, ("src/auth/session.{ext}", "src/auth/tokens.{ext}")),
    "config": (6, ("apps/api/config/settings.yaml", "apps/worker/config/queue.yaml")),
    "docs": (12, ("docs/index.md", "docs/guide/setup.md", "docs/generated/api.md")),
    "web": (9, ("web/static/app.js", "web/static/style.css")),
    "ci": (3, (".github/workflows/ci.yml",)),
    "sql": (5, ("migrations/0001_init.sql", "migrations/0002_indexes.sql")),
}
_VERBS = ("Add", "Fix", "Refactor", "Speed up", "Clean up", "Document", "Harden", "Simplify")
_NOUNS = ("login flow", "retry logic", "cache keys", "settings page", "rate limiter", "CSV export",
          "session expiry", "push tokens", "nightly job", "search index")  # fmt: skip
_PACKAGES = ("lodash", "requests", "grpc", "okhttp", "terraform-aws", "pydantic", "react", "zod")
_REVIEW_BODY = {"APPROVED": "LGTM", "CHANGES_REQUESTED": "A few things first.", "COMMENTED": ""}
# Order of things at one second: a request before a review, a review before a removal before a
# close (the tie rule of the truth).
_RANK = {"commit": 0, "ready": 1, "draft": 1, "requested": 2, "review": 3, "comment": 4,
         "cross_referenced": 4, "removed": 5, "force_pushed": 6, "dismissed": 6, "merged": 7,
         "closed": 8, "reopened": 9}  # fmt: skip
# summary.json's names for what the planner tagged and for kinds of history item.
_TAG_FEATURES = {"draft": "requested_while_draft", "draft_review": "reviewed_while_draft",
                 "auto": "code_owner_requests", "late": "late_requests", "self": "self_reviews",
                 "drive_by": "drive_by_reviews", "repeat": "repeated_requests",
                 "bot_approval": "bot_approvals"}  # fmt: skip
_KIND_FEATURES = {"draft": "converted_to_draft", "removed": "withdrawn_requests",
                  "comment": "comments", "dismissed": "dismissed_reviews",
                  "force_pushed": "force_pushes", "reopened": "reopened"}  # fmt: skip


@dataclass(frozen=True)
class SampleOrgSummary:
    """What `generate` wrote: the org, its repos, teams, people (org members), PRs, and as_of."""

    org: str
    repos: int
    teams: int
    people: int
    prs: int
    as_of: datetime
    workflow_runs: int = 0
    deployments: int = 0


class _Key(NamedTuple):
    """Whom a review request names: kind "user" (a login) or "team" (a slug)."""

    kind: str
    name: str


@dataclass(frozen=True)
class _Person:
    login: str
    uid: int
    tz: ZoneInfo | None  # None: a bot, which acts at any hour
    teams: tuple[str, ...] = ()

    @property
    def is_bot(self) -> bool:
        return self.tz is None


@dataclass(frozen=True)
class _Team:
    slug: str
    name: str
    tid: int
    parent: str | None
    members: frozenset[str]  # logins, the child teams' members included (as GitHub lists them)


class _Rule(NamedTuple):
    pattern: str
    owners: tuple[str, ...]
    regex: re.Pattern[str]


@dataclass(frozen=True)
class _Repo:
    name: str
    rid: int
    team: str | None
    language: str
    codeowners_path: str
    rules: tuple[_Rule, ...]
    weight: int
    base: str  # the name in _REPOS it is drawn from (billing for billing-2)

    def owners(self, path: str) -> tuple[str, ...]:
        """A path's owners: the last matching line wins; an owner-less line leaves it unowned."""
        return next((r.owners for r in reversed(self.rules) if r.regex.match(path)), ())


@dataclass(frozen=True)
class _Org:
    login: str
    oid: int
    humans: tuple[_Person, ...]
    people: Mapping[str, _Person]  # humans and bots by login
    teams: Mapping[str, _Team]

    def qualifies(self, login: str, key: _Key) -> bool:
        """Whether a review by `login` answers a request to `key`."""
        return login == key.name if key.kind == "user" else login in self.teams[key.name].members

    def teammates(self, who: _Person, team: str | None) -> list[_Person]:
        """People sharing a team with `who` (else the repo team's), never `who`."""
        mine = {m for t in who.teams for m in self.teams[t].members}
        pool = mine or (self.teams[team].members if team else frozenset())
        found = [p for p in self.humans if p.login in pool and p != who]
        return found or [p for p in self.humans if p != who]


@dataclass
class _Action:
    """One thing that happened to a PR: the planner draws it, the renderer makes it JSON."""

    at: datetime
    kind: str  # a key of _RANK
    actor: _Person
    key: _Key | None = None  # whom a request or a removal names
    state: str = ""  # a review's state
    sha: str = ""  # a commit's or a merge's sha
    text: str = ""  # a body or a commit message
    ident: int = 0  # a review's id (the dismissed review's, for a dismissal)
    tag: str = ""  # what the planner meant: auto, late, draft, drive_by, self, repeat, ...

    def happening(self) -> gh.Happening:
        user = self.key.name if self.key and self.key.kind == "user" else None
        team = self.key.name if self.key and self.key.kind == "team" else None
        return gh.Happening(self.at, self.kind, self.actor.login, user, team, self.state,
                            self.sha, self.text, self.ident)  # fmt: skip


@dataclass
class _Pull:
    number: int
    author: _Person
    created_at: datetime
    files: tuple[str, ...]
    title: str
    base_sha: str
    opened_as_draft: bool = False
    actions: list[_Action] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # body lines naming other PRs


@dataclass(frozen=True)
class _Episode:
    """One row of review_wait; key None is the implicit episode."""

    key: _Key | None
    requested_at: datetime | None
    start_at: datetime
    ended_at: datetime | None
    outcome: str
    responder: str | None
    episode: int = 1


class _Rows(Protocol):
    def writerow(self, row: Iterable[str], /) -> Any: ...

    def writerows(self, rows: Iterable[Iterable[str]], /) -> Any: ...


def generate(
    out: Path,
    *,
    seed: int = 7,
    prs: int = 2000,
    repos: int = 12,
    org: str = "acme",
    as_of: datetime = datetime(2026, 6, 30, 18, 0, tzinfo=UTC),
) -> SampleOrgSummary:
    """Write the sample org's API mirror to `out` (replacing it), its review waits under truth/."""
    rng = random.Random(seed)
    as_of = as_of.astimezone(UTC).replace(microsecond=0)
    people = _build_org(org)
    specs = [_build_repo(org, i) for i in range(repos)]
    if out.exists():
        shutil.rmtree(out)
    (out / TRUTH_DIR).mkdir(parents=True)
    (out / "orgs" / org).mkdir(parents=True)
    (out / "as_of.txt").write_text(iso(as_of))
    writer = _MirrorWriter(out, people, as_of)
    tally: Counter[str] = Counter()
    tables = {"review_wait.csv": TRUTH_COLUMNS, DEPLOYMENTS_TRUTH: DEPLOYMENT_COLUMNS,
              RUNS_TRUTH: RUN_COLUMNS, ATTEMPTS_TRUTH: ATTEMPT_COLUMNS,
              DEPENDENCIES_TRUTH: DEPENDENCY_COLUMNS,
              LEAD_TIME_TRUTH: LEAD_TIME_COLUMNS, APPROVAL_TRUTH: APPROVAL_COLUMNS,
              OWNERSHIP_TRUTH: OWNERSHIP_COLUMNS, PHASES_TRUTH: PHASES_COLUMNS,
              COURTS_TRUTH: COURTS_COLUMNS}  # fmt: skip
    with ExitStack() as files:
        rows: dict[str, _Rows] = {}
        for name, columns in tables.items():
            handle = files.enter_context((out / TRUTH_DIR / name).open("w", newline=""))
            rows[name] = csv.writer(handle, lineterminator="\n")
            rows[name].writerow(columns)
        delivery = _DeliveryWriter(out, people, writer.users, specs, seed, as_of, rows)
        counts = _split(prs, [s.weight for s in specs])
        # a first pass over the same draws, keeping a few facts of each PR, picks the PRs
        # linked across repos; the second writes them, one repo's PRs in memory at a time
        briefs = _briefs(rng.getstate(), people, specs, counts, as_of)
        links = _cross_repo_links(org, specs, briefs, seed)
        for spec, count in zip(specs, counts, strict=True):
            pulls = (links.apply(spec.name, p) for p in _plan_repo(rng, people, spec, count, as_of))
            writer.write_repo(spec, pulls, rows, tally, delivery)
        with (out / TRUTH_DIR / CROSS_REPO_TRUTH).open("w", newline="") as handle:
            table = csv.writer(handle, lineterminator="\n")
            table.writerow(CROSS_REPO_COLUMNS)
            table.writerows(links.truth(org, briefs))
    writer.write_org(specs)
    activity = delivery.activity
    _dump(out / TRUTH_DIR / ACTIVITY_TRUTH, {"org": org, "as_of": iso(as_of), "repos": activity})
    outcomes = {k[8:]: n for k, n in sorted(tally.items()) if k.startswith("outcome_")}
    features = {k: n for k, n in sorted(tally.items()) if not k.startswith("outcome_")}
    summary = {"org": org, "as_of": iso(as_of), "seed": seed, "outcomes": outcomes,
               "features": features}  # fmt: skip
    _dump(out / TRUTH_DIR / "summary.json", summary)
    runs = sum(a["workflow_runs"] for a in activity.values())
    deployments = sum(a["deployments"] for a in activity.values())
    return SampleOrgSummary(org, repos, len(people.teams), len(people.humans), prs, as_of, runs,
                            deployments)  # fmt: skip


def time_zones() -> dict[str, str]:
    """Each sample person's IANA time zone: they act only Mon–Fri 09:00–18:00 there."""
    return {row[0]: _TZ[row[1]] for row in _people_rows()}


# -- the org ---------------------------------------------------------------------------------


def _people_rows() -> list[list[str]]:
    return [line.split() for line in _PEOPLE.replace(";", "\n").splitlines() if line.strip()]


def _build_org(login: str) -> _Org:
    humans = tuple(
        _Person(row[0], 5_100_000 + 7919 * i, ZoneInfo(_TZ[row[1]]), tuple(row[2].split(",")))
        if len(row) > 2 else _Person(row[0], 5_100_000 + 7919 * i, ZoneInfo(_TZ[row[1]]))
        for i, row in enumerate(_people_rows())
    )  # fmt: skip
    members = {slug: {p.login for p in humans if slug in p.teams} for slug, _, _ in _TEAMS}
    for slug, _, parent in reversed(_TEAMS):  # children first: their members join the parent
        if parent:
            members[parent] |= members[slug]
    teams = {
        slug: _Team(slug, name, 7_300_000 + i, parent, frozenset(members[slug]))
        for i, (slug, name, parent) in enumerate(_TEAMS)
    }
    people = {p.login: p for p in humans} | {n: _Person(n, uid, None) for n, uid in _BOTS}
    return _Org(login, 90_417_000, humans, people, teams)


def _build_repo(org: str, index: int) -> _Repo:
    name, team, language, where, default_owned, docs_owner, weight = _REPOS[index % len(_REPOS)]
    if index >= len(_REPOS):
        name = f"{name}-{index // len(_REPOS) + 1}"
    main = (f"@{org}/{team}",) if team else ()
    lines: list[tuple[str, tuple[str, ...]]] = [("*", main)] if default_owned else []
    lines += [
        ("*.css", (f"@{org}/design",)),
        ("*.js", main + ((f"@{org}/web",) if team != "web" else ())),
        ("/docs/", (*main, f"@{docs_owner}")),
        ("/docs/generated/", ()),  # owner-less after the broader rule: generated docs are nobody's
        ("/src/auth/", (f"@{org}/security",)),
        ("apps/**/config", (f"@{org}/infra",)),
        ("*.sql", (f"@{org}/data",)),
        ("/.github/", (f"@{org}/platform",)),
    ]
    rules = tuple(_Rule(p, o, _codeowners_regex(p)) for p, o in lines)
    path = CODEOWNERS_LOCATIONS[where]
    rid = 640_000_000 + 1_000 * index
    base = _REPOS[index % len(_REPOS)][0]
    return _Repo(name, rid, team, language, path, rules, weight, base)


def _codeowners_regex(pattern: str) -> re.Pattern[str]:
    """The paths a CODEOWNERS pattern (of the kinds used here) matches, gitignore-style."""
    anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
    wild = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}
    parts = re.split(r"(\*\*/|\*\*|\*|\?)", pattern.strip("/"))
    body = "".join(wild.get(part, re.escape(part)) for part in parts)
    tail = "/.*" if pattern.endswith("/") else "(?:/.*)?"
    return re.compile(("" if anchored else "(?:.*/)?") + body + tail + "$")


def _codeowners_text(org: str, repo: _Repo) -> str:
    lines = [f"# Code owners of {org}/{repo.name}: the last matching pattern wins.", ""]
    lines += [f"{r.pattern:<20}{' '.join(r.owners)}".rstrip() for r in repo.rules]
    return "\n".join(lines) + "\n"


def _split(total: int, weights: list[int]) -> list[int]:
    """`total` split by weights, largest remainder first, ties to the earlier repo."""
    shares = [total * w / sum(weights) for w in weights]
    counts = [math.floor(s) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _work(who: _Person, t: datetime, hours: float) -> datetime:
    """The instant `hours` of `who`'s working time after t (Mon–Fri, their zone; bots: any)."""
    left = round(hours * 3600)
    if who.tz is None:
        return t + timedelta(seconds=left)
    local = t.astimezone(who.tz)
    start_hour, (end_hour, end_minute) = _DRAW_HOURS
    while True:
        start = local.replace(hour=start_hour, minute=0, second=0, microsecond=0)
        end = local.replace(hour=end_hour, minute=end_minute, second=0, microsecond=0)
        if local.weekday() < 5 and local < end:
            local = max(local, start)
            room = int((end - local).total_seconds())  # one zone, one day: wall clock is safe
            if left <= room:
                return (local + timedelta(seconds=left)).astimezone(UTC)
            left -= room
        day = local.date() + timedelta(days=1)
        local = datetime(day.year, day.month, day.day, start_hour, tzinfo=who.tz)


# -- drawing PR lives ------------------------------------------------------------------------


def _plan_repo(
    rng: random.Random, org: _Org, repo: _Repo, count: int, as_of: datetime
) -> Iterator[_Pull]:
    """The repo's PRs in number (= created) order, each planned when it is asked for."""
    planner = _Planner(rng, org, repo, as_of)
    openings = sorted((planner.draw_opening() for _ in range(count)), key=lambda o: o[0])
    for number, (created, author, commits) in enumerate(openings, 1):
        yield planner.plan(number, created, author, commits)


class _Planner:
    """Draws a PR's life: who is asked, when each answers in their own working hours, its end."""

    def __init__(self, rng: random.Random, org: _Org, repo: _Repo, as_of: datetime) -> None:
        self.rng, self.org, self.repo, self.as_of = rng, org, repo, as_of
        team = org.teams[repo.team].members if repo.team else frozenset()
        self.locals = [p for p in org.humans if p.login in team] or list(org.humans)
        self.review_ids = iter(range(2_600_000_000 + repo.rid % 10**6 * 10**4, 2**62))

    def draw_opening(self) -> tuple[datetime, _Person, list[datetime]]:
        """An author, their commit times and when they opened the PR (in their working hours)."""
        rng, people = self.rng, self.org.people
        while True:
            if rng.random() < 0.07:
                author = people["dependabot[bot]" if rng.random() < 0.6 else "renovate[bot]"]
            else:
                author = rng.choice(self.locals if rng.random() < 0.75 else self.org.humans)
            start = self.as_of - _HISTORY + timedelta(seconds=rng.randrange(182 * 86400))
            commits = [_work(author, start, rng.uniform(0, 0.5))]
            for _ in range(0 if author.is_bot else rng.randrange(3)):
                commits.append(_work(author, commits[-1], rng.uniform(0.2, 3)))
            created = _work(author, commits[-1], rng.uniform(0.02, 0.05 if author.is_bot else 2))
            if created < self.as_of - timedelta(minutes=5):
                return created, author, commits

    def _sha(self) -> str:
        return f"{self.rng.getrandbits(160):040x}"

    def _pickup(self) -> float:
        """Working hours a reviewer takes to pick a request up: median 2.5, a long tail."""
        return min(self.rng.lognormvariate(math.log(2.5), 1.1), 70.0)

    def _add(self, p: _Pull, at: datetime, kind: str, actor: _Person, **kw: Any) -> _Action:
        p.actions.append(act := _Action(at, kind, actor, **kw))
        return act

    def _review(
        self, p: _Pull, who: _Person, at: datetime, state: str = "", tag: str = ""
    ) -> _Action:
        if not state:
            roll = self.rng.random()
            state = (
                "APPROVED" if roll < 0.62 else "COMMENTED" if roll < 0.8 else "CHANGES_REQUESTED"
            )
        body, ident = _REVIEW_BODY[state], next(self.review_ids)
        return self._add(p, at, "review", who, state=state, text=body, ident=ident, tag=tag)

    def _request(self, p: _Pull, at: datetime, who: _Person | _Key, tag: str = "") -> _Key:
        key = who if isinstance(who, _Key) else _Key("user", who.login)
        self._add(p, at, "requested", p.author, key=key, tag=tag)
        return key

    def _pick_files(self, author: _Person) -> tuple[str, ...]:
        ext, manifest = _LANGUAGES[self.repo.language]
        if author.is_bot:
            return (manifest,)
        area = self.rng.choices(list(_AREAS), weights=[w for w, _ in _AREAS.values()])[0]
        paths = {self.rng.choice(_AREAS[area][1]) for _ in range(self.rng.randint(1, 4))}
        if area != "app" and self.rng.random() < 0.3:
            paths.add(self.rng.choice(_AREAS["app"][1]))
        return tuple(sorted(path.format(ext=ext) for path in paths))

    def _owner_keys(self, p: _Pull) -> list[_Key]:
        """Whom GitHub asks at ready: its files' owning teams and users, not the author."""
        keys: dict[_Key, None] = {}
        for owner in (o.removeprefix("@") for path in p.files for o in self.repo.owners(path)):
            key = _Key("team", owner.split("/")[1]) if "/" in owner else _Key("user", owner)
            if key != _Key("user", p.author.login):
                keys[key] = None
        return list(keys)

    def _answer(
        self, p: _Pull, key: _Key, asked: datetime, ready: datetime, answers: dict[str, _Action]
    ) -> _Action | None:
        """Who answers `key` and when, in their own working hours; None if nobody ever does."""
        recent = p.created_at > self.as_of - _RECENT
        if self.rng.random() < (_STALE_RECENT if recent else _STALE):
            return None
        if key.kind == "user":
            who = self.org.people[key.name]
        else:  # one member answers for the team, often one already answering this round
            members = sorted(self.org.teams[key.name].members - {p.author.login})
            busy = [m for m in members if m in answers and answers[m].at >= asked]
            pick = busy[0] if busy and self.rng.random() < 0.5 else self.rng.choice(members)
            who = self.org.people[pick]
        if who.login not in answers or answers[who.login].at < asked:
            answers[who.login] = self._review(p, who, _work(who, max(asked, ready), self._pickup()))
        return answers[who.login]

    def plan(
        self, number: int, created: datetime, author: _Person, commits: list[datetime]
    ) -> _Pull:
        rng, team = self.rng, self.repo.team
        if author.is_bot:
            versions = f"1.{rng.randrange(9)}.0 to 1.{rng.randrange(9, 20)}.0"
            title = f"Bump {rng.choice(_PACKAGES)} from {versions}"
        else:
            title = f"{rng.choice(_VERBS)} {rng.choice(_NOUNS)}"
        p = _Pull(number, author, created, self._pick_files(author), title, self._sha())
        for i, at in enumerate(commits):
            self._add(p, at, "commit", author, sha=self._sha(), text=title if i == 0 else "Tidy up")
        asked: dict[_Key, datetime] = {}
        answers: dict[str, _Action] = {}
        ready = created
        if not author.is_bot and rng.random() < 0.22:
            p.opened_as_draft = True
            ready = _work(author, created, rng.uniform(1, 40))
            if rng.random() < 0.35:  # someone is asked while it is still a draft
                who = rng.choice(self.org.teammates(author, team))
                at = _work(author, created, rng.uniform(0.05, 1))
                asked[self._request(p, at, who, tag="draft")] = at
                if rng.random() < 0.3:  # ... and may look before it is ready: then waits 0
                    seen = _work(who, at, rng.uniform(0.1, 1))
                    tag = "draft_review" if seen < ready else ""
                    answers[who.login] = self._review(p, who, seen, "COMMENTED", tag)
            if rng.random() < 0.12:
                return p  # a draft never made ready
            self._add(p, ready, "ready", author)
        for key in self._owner_keys(p):
            if key not in asked:
                asked[key] = ready + timedelta(seconds=rng.randint(1, 5))
                self._request(p, asked[key], key, tag="auto")
        if rng.random() < 0.3:  # CI comments on some PRs; a bot never ends a wait
            ci = self.org.people["github-actions[bot]"]
            self._review(p, ci, ready + timedelta(seconds=rng.randint(90, 900)), "COMMENTED")
        if author.is_bot and number % 3 == 0:  # a bot approves some bumps: it approves for no one
            bot = self.org.people["github-actions[bot]"]
            self._review(p, bot, ready + timedelta(seconds=120), "APPROVED", "bot_approval")
        if not author.is_bot and rng.random() < 0.04:
            self._review(p, author, _work(author, ready, rng.uniform(0.05, 1)), "COMMENTED", "self")
        if not author.is_bot and rng.random() < 0.45:
            self._manual_request(p, ready, asked, answers)
        if not asked:
            self._nobody_asked(p, ready, asked)
        if rng.random() < 0.25:  # conversation comments never end a wait either
            who = rng.choice(self.locals if author.is_bot else self.org.teammates(author, team))
            self._add(p, _work(who, ready, rng.uniform(0.5, 10)), "comment", who, text="Retries?")
        self._rounds(p, ready, asked, answers)
        self._finish(p, ready)
        return p

    def _manual_request(
        self, p: _Pull, ready: datetime, asked: dict[_Key, datetime], answers: dict[str, _Action]
    ) -> None:
        """The author asks a teammate (or anyone) minutes after ready; now and then withdraws."""
        rng, author = self.rng, p.author
        pool = self.org.teammates(author, self.repo.team) if rng.random() < 0.8 else self.org.humans
        choices = [w for w in pool if w != author and _Key("user", w.login) not in asked]
        if not choices:
            return
        who = rng.choice(choices)
        at = _work(author, ready + timedelta(seconds=90), rng.uniform(0.02, 0.3))
        key = self._request(p, at, who)
        if rng.random() > 0.1 or who.login in answers:
            asked[key] = at
            return
        gone = _work(author, at, rng.uniform(0.3, 6))  # asked the wrong person: withdrawn
        self._add(p, gone, "removed", author, key=key)
        others = [w for w in choices if w != who]
        if others and rng.random() < 0.6:
            instead = gone + timedelta(seconds=40)
            asked[self._request(p, instead, rng.choice(others))] = instead

    def _nobody_asked(self, p: _Pull, ready: datetime, asked: dict[_Key, datetime]) -> None:
        """No code owner and no request at ready: someone is asked hours later, or looks anyway."""
        rng, author = self.rng, p.author
        roll = rng.random()
        if roll < 0.45 and not author.is_bot:
            at = _work(author, ready, rng.uniform(2, 30))
            who = rng.choice(self.org.teammates(author, self.repo.team))
            asked[self._request(p, at, who, tag="late")] = at
        elif roll < 0.85:
            who = rng.choice([w for w in self.locals if w != author] or self.org.humans)
            self._review(p, who, _work(who, ready, self._pickup()), "APPROVED", "drive_by")

    def _rounds(
        self, p: _Pull, ready: datetime, asked: dict[_Key, datetime], answers: dict[str, _Action]
    ) -> None:
        """Review rounds: changes requested (or only comments) bring a fix and a re-request."""
        rng, author = self.rng, p.author
        for round_ in range(3):
            drawn = (self._answer(p, key, at, ready, answers) for key, at in asked.items())
            got = sorted({a.ident: a for a in drawn if a}.values(), key=lambda a: a.at)
            self._maybe_ping(p, asked, answers)
            approved = any(a.state == "APPROVED" for a in got)
            again = [
                a for a in got if a.state != "APPROVED" and (not approved or a.state != "COMMENTED")
            ]
            if not again or round_ == 2 or author.is_bot:
                return
            fix = _work(author, max(again[-1].at, ready), rng.uniform(0.5, 12))
            if rng.random() < 0.12:  # back to draft while reworking, ready again after the fix
                redraft = _work(author, max(again[0].at, ready), rng.uniform(0.02, 0.3))
                self._add(p, redraft, "draft", author)
                fix = _work(author, max(fix, redraft), rng.uniform(0.2, 3))
                self._add(p, fix, "ready", author)
            self._add(p, fix, "commit", author, sha=self._sha(), text="Address review")
            if rng.random() < 0.25:  # a force push dismisses the approvals given before it
                self._add(p, fix + timedelta(seconds=10), "force_pushed", author)
                for a in got:
                    if a.state == "APPROVED" and a.at < fix:
                        self._add(
                            p, fix + timedelta(seconds=20), "dismissed", author, ident=a.ident
                        )
            asked, answers = {}, {}
            for i, a in enumerate(again):
                at = fix + timedelta(seconds=60 + 7 * i)
                asked[self._request(p, at, a.actor, tag="re_request")] = at

    def _maybe_ping(
        self, p: _Pull, asked: dict[_Key, datetime], answers: dict[str, _Action]
    ) -> None:
        """Now and then the author asks again someone whose request is still open: one episode."""
        for key, at in asked.items():
            review = answers.get(key.name) if key.kind == "user" else None
            if review and self.rng.random() < 0.05:
                ping = _work(p.author, at, self.rng.uniform(1, 6))
                if ping < review.at - timedelta(minutes=1):
                    self._request(p, ping, key, tag="repeat")
                return

    def _finish(self, p: _Pull, ready: datetime) -> None:
        """Merged after a review, closed when abandoned, or left open; now and then reopened."""
        rng, author = self.rng, p.author
        reviews = sorted((a for a in p.actions if a.kind == "review" and not a.actor.is_bot
                          and a.actor != author), key=lambda a: a.at)  # fmt: skip
        approvals = [a for a in reviews if a.state == "APPROVED"]
        if (approvals and rng.random() < 0.95) or (reviews and rng.random() < 0.4):
            base = approvals[0].at if approvals and rng.random() < 0.4 else reviews[-1].at
            base = max([base] + [a.at for a in p.actions if a.actor == author])  # after own work
            merger = reviews[0].actor if author.is_bot else author
            self._merge(p, merger, _work(merger, base, rng.uniform(0.05, 6)))
        elif not reviews and not author.is_bot and rng.random() < 0.3:  # merged, nobody looked
            self._merge(p, author, _work(author, ready, rng.uniform(0.5, 12)))
        elif p.created_at < self.as_of - _RECENT or rng.random() < 0.15:  # abandoned
            end = _work(author, max(a.at for a in p.actions), rng.uniform(8, 120))
            self._cut(p, end)
            self._add(p, end, "closed", author)
            if not author.is_bot and rng.random() < 0.06:  # reopened, asked again, merged
                again = _work(author, end, rng.uniform(1, 20))
                self._add(p, again, "reopened", author)
                who = rng.choice(self.org.teammates(author, self.repo.team))
                at = again + timedelta(seconds=50)
                self._request(p, at, who, tag="after_reopen")
                seen = self._review(p, who, _work(who, at, self._pickup()), "APPROVED")
                self._merge(p, author, _work(author, seen.at, rng.uniform(0.05, 3)))

    def _merge(self, p: _Pull, merger: _Person, at: datetime) -> None:
        self._cut(p, at)
        self._add(p, at, "merged", merger, sha=self._sha())
        self._add(p, at, "closed", merger)

    @staticmethod
    def _cut(p: _Pull, end: datetime) -> None:
        """What was drawn after the close does not happen."""
        p.actions = [a for a in p.actions if a.at <= end]


# -- the truth: what the planner drew, and what the files say --------------------------------


def _ready_at(p: _Pull, acts: list[_Action]) -> datetime | None:
    flips = [a for a in acts if a.kind in ("ready", "draft")]
    if flips:
        return flips[0].at if flips[0].kind == "ready" else p.created_at
    return None if p.opened_as_draft else p.created_at


def _replay(
    org: _Org, p: _Pull, acts: list[_Action], ready: datetime | None
) -> tuple[list[_Episode], list[_Key]]:
    """Walk the PR's life forward: the episodes drawn, and the requests pending at the end."""
    episodes: list[_Episode] = []
    live: dict[_Key | None, datetime | None] = {}  # open episodes; None: the implicit one
    pending: dict[_Key, None] = {}
    window = ready + AUTO_REQUEST_WINDOW if ready else None
    if window and not any(
        a.kind == "requested" and a.key and a.at <= window and not _withdrawn_by(acts, a, window)
        for a in acts
    ):
        live[None] = None
    reopened = [a.at for a in acts if a.kind == "reopened"]

    def close(key: _Key | None, at: datetime, outcome: str, who: str | None) -> None:
        asked = live.pop(key)
        if ready is not None:  # a PR never ready has no episodes
            episodes.append(_Episode(key, asked, max(asked or ready, ready), at, outcome, who))

    for a in acts:
        if a.kind == "requested" and a.key:
            pending[a.key] = None
            live.setdefault(a.key, a.at)
        elif a.kind == "review" and not a.actor.is_bot and a.actor != p.author:
            login = a.actor.login
            for answered in [k for k in live if k and org.qualifies(login, k)]:
                close(answered, a.at, "reviewed", login)
            if None in live and ready and a.at >= ready:
                close(None, a.at, "reviewed", login)
            for done in [k for k in pending if org.qualifies(login, k)]:
                del pending[done]
        elif a.kind == "removed" and a.key:
            pending.pop(a.key, None)
            if a.key in live:
                close(a.key, a.at, "withdrawn", None)
        elif a.kind in ("merged", "closed") and not any(at >= a.at for at in reopened):
            # only the final close ends a wait: one undone by a reopen ends nothing
            for left in list(live):
                close(left, a.at, "unanswered", None)
    if ready is None:
        return [], list(pending)
    for left, asked in live.items():
        episodes.append(_Episode(left, asked, max(asked or ready, ready), None, "waiting", None))
    return episodes, list(pending)


def _withdrawn_by(acts: list[_Action], asked: _Action, until: datetime) -> bool:
    """Whether a request was removed, before anything else ended it, by `until`."""
    for a in acts:
        if a.at < asked.at or a.at > until:
            continue
        if a.kind == "removed" and a.key == asked.key:
            return True
    return False


def _review_wait_truth(
    pull: Json, timeline: list[Json], reviews: list[Json], members: Mapping[str, frozenset[str]]
) -> list[_Episode]:
    """One PR's review_wait episodes read from its payloads, by the team's reading of METRICS.md."""
    author, created = pull["user"]["login"], _ts(pull["created_at"])
    flips = sorted(
        (_ts(e["created_at"]), e["event"]) for e in timeline if e.get("event") in DRAFT_EVENTS
    )
    ready: datetime | None = None if pull["draft"] else created
    if flips:
        ready = flips[0][0] if flips[0][1] == "ready_for_review" else created
    if ready is None:
        return []
    # in the same second, the review with the lower id answers first (as review_wait reads it)
    done = sorted(
        (_ts(r["submitted_at"]), r["id"], r["user"]["login"])
        for r in reviews
        if r["state"] in REVIEW_STATES and r["user"]["login"] != author and not _is_bot(r["user"])
    )
    # only the final close ends a wait (a close undone by a reopen ends nothing)
    closes = [_ts(pull["closed_at"])] if pull.get("closed_at") else []

    def asks(event: str) -> list[tuple[_Key, datetime]]:
        return [(_event_key(e), _ts(e["created_at"])) for e in timeline if e.get("event") == event]

    requests, removals = asks("review_requested"), asks("review_request_removed")

    def end_of(key: _Key | None, t: datetime) -> tuple[datetime, int, str, str | None] | None:
        who = None if key is None else members[key.name] if key.kind == "team" else {key.name}
        ends = [
            (at, 0, "reviewed", x) for at, _, x in done if at >= t and (who is None or x in who)
        ][:1]
        ends += [(at, 1, "withdrawn", None) for k, at in removals if k == key and at >= t][:1]
        ends += [(at, 2, "unanswered", None) for at in closes]
        return min(ends) if ends else None

    first_asked: dict[tuple[_Key, Any], datetime] = {}  # requests that share an end: one episode
    for key, at in requests:
        end = end_of(key, at)
        group = (key, end[:3] if end else None)
        first_asked[group] = min(at, first_asked.get(group, at))
    out: list[_Episode] = []
    window = ready + AUTO_REQUEST_WINDOW

    def withdrawn_by_window(key: _Key, at: datetime) -> bool:
        end = end_of(key, at)
        return end is not None and end[2] == "withdrawn" and end[0] <= window

    if not any(at <= window and not withdrawn_by_window(k, at) for k, at in requests):
        out.append(_episode(None, None, ready, end_of(None, ready), 1))
    numbers: Counter[_Key] = Counter()
    for (key, _), asked in sorted(first_asked.items(), key=lambda g: (g[1], g[0][0])):
        numbers[key] += 1
        out.append(_episode(key, asked, max(asked, ready), end_of(key, asked), numbers[key]))
    return out


def _episode(
    key: _Key | None,
    asked: datetime | None,
    start: datetime,
    end: tuple[datetime, int, str, str | None] | None,
    number: int,
) -> _Episode:
    if end is None:
        return _Episode(key, asked, start, None, "waiting", None, number)
    return _Episode(key, asked, start, end[0], end[2], end[3], number)


def _event_key(event: Json) -> _Key:
    if event.get("requested_reviewer"):
        return _Key("user", event["requested_reviewer"]["login"])
    return _Key("team", event["requested_team"]["slug"])


def _is_bot(user: Json) -> bool:
    return bool(user.get("type") == "Bot" or str(user["login"]).endswith("[bot]"))


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _check(where: str, drawn: list[_Episode], derived: list[_Episode]) -> None:
    """The truth read back from the payloads must be the episodes the planner drew."""

    def shape(eps: list[_Episode]) -> list[tuple[Any, ...]]:
        return sorted((str(e.key), e.requested_at or e.start_at, e.ended_at, e.outcome, e.responder)
                      for e in eps)  # fmt: skip

    if shape(drawn) != shape(derived):
        raise AssertionError(f"{where}: drew {shape(drawn)}, but the files say {shape(derived)}")


def _truth_row(org: _Org, repo: str, p: _Pull, ep: _Episode, as_of: datetime) -> list[str]:
    """A review_wait.csv row; `repo` is owner/name."""
    wait = max(0.0, ((ep.ended_at or as_of) - ep.start_at).total_seconds() / 3600)
    key = ep.key or _Key("", "")
    # cross-team: the author shares no team with the requested user or team (the implicit
    # episode: with its responder; none yet: unknown)
    party = (key.name,) if key.kind == "team" else _teams_of(org, key.name or ep.responder or "")
    cross = (
        ""
        if not (key.name or ep.responder)
        else str(not set(party) & set(_teams_of(org, p.author.login))).lower()
    )
    return [
        repo.split("/")[0], repo, str(p.number), p.author.login,
        key.name if key.kind == "user" else "",
        key.name if key.kind == "team" else "", str(ep.episode),
        iso(ep.requested_at) if ep.requested_at else "", iso(ep.start_at),
        iso(ep.ended_at) if ep.ended_at else "", ep.outcome, ep.responder or "", f"{wait:.6f}",
        cross,
    ]  # fmt: skip


def _features(
    p: _Pull, acts: list[_Action], eps: list[_Episode], pull: Json, as_of: datetime
) -> Counter[str]:
    """What one PR holds of the situations the sample must cover (summary.json)."""
    kinds, tags = Counter(a.kind for a in acts), Counter(a.tag for a in acts)
    asked = Counter(a.key.kind for a in acts if a.key and a.kind == "requested")
    state = (
        "merged" if pull["merged_at"] else "open" if pull["state"] == "open" else "closed_unmerged"
    )
    old = as_of - timedelta(days=3)
    found = Counter({
        "prs": 1, state: 1, "episodes": len(eps), "bot_authored_prs": int(p.author.is_bot),
        "opened_as_draft": int(p.opened_as_draft), "user_requests": asked["user"],
        "drafts_made_ready": int(p.opened_as_draft and kinds["ready"] > 0),
        "drafts_never_ready": int(p.opened_as_draft and not kinds["ready"]),
        "team_requests": asked["team"],
        "bot_reviews": sum(a.kind == "review" and a.actor.is_bot for a in acts),
        "re_request_episodes": sum(e.episode > 1 for e in eps),
        "team_requests_answered": sum(bool(e.key and e.key.kind == "team" and e.responder)
                                      for e in eps),
        "implicit_episodes": sum(e.key is None for e in eps),
        "waiting_over_3_days": sum(e.outcome == "waiting" and e.start_at < old for e in eps),
    })  # fmt: skip
    found.update({name: tags[tag] for tag, name in _TAG_FEATURES.items()})
    found.update({name: kinds[kind] for kind, name in _KIND_FEATURES.items()})
    found.update(f"outcome_{e.outcome}" for e in eps)
    return +found  # only what occurs


# -- the truth of approvals and of code ownership, from the drawn PR --------------------------

APPROVAL_TRUTH = "approval_latency.csv"
APPROVAL_COLUMNS = (
    "org", "repo", "pr_number", "author", "approver_team", "is_cross_team", "start_at",
    "approved_at", "approver", "outcome", "latency_hours",
)  # fmt: skip
OWNERSHIP_TRUTH = "ownership_handoffs.csv"
OWNERSHIP_COLUMNS = (
    "org", "repo", "pr_number", "author", "owner_teams", "handoff_teams", "handoff_count",
    "files_changed", "files_unowned", "files_owned_by_others", "owner_team_files",
)  # fmt: skip


def _teams_of(org: _Org, login: str) -> tuple[str, ...]:
    """A person's teams, the parents of their teams included; `unassigned` when in none."""
    person = org.people.get(login)
    if person is None or person.is_bot:
        return ("unassigned",)
    return tuple(sorted(s for s, t in org.teams.items() if login in t.members)) or ("unassigned",)


def _owner_teams(org: _Org, owners: tuple[str, ...]) -> set[str]:
    """The teams a CODEOWNERS line's owners stand for: a team itself, a user their teams."""
    found: set[str] = set()
    for owner in (o.removeprefix("@") for o in owners):
        found |= {owner.split("/")[1]} if "/" in owner else set(_teams_of(org, owner))
    return found


def _ownership_row(org: _Org, repo: str, spec: _Repo, p: _Pull) -> list[str]:
    """An ownership_handoffs.csv row: the CODEOWNERS of the sample never changes."""
    mine = set(_teams_of(org, p.author.login))
    owner_teams: set[str] = set()
    files: Counter[str] = Counter()  # the changed files each team owns
    unowned = by_others = 0
    for path in p.files:
        owners = spec.owners(path)
        teams = _owner_teams(org, owners)
        owner_teams |= teams
        files.update(teams)
        unowned += not owners
        by_others += bool(owners) and not (teams & mine or f"@{p.author.login}" in owners)
    handoffs = sorted(owner_teams - mine)
    return [
        org.login, repo, str(p.number), p.author.login, ";".join(sorted(owner_teams)),
        ";".join(handoffs), str(len(handoffs)), str(len(p.files)), str(unowned), str(by_others),
        ";".join(f"{team}:{n}" for team, n in sorted(files.items())),
    ]  # fmt: skip


def _approval_rows(
    org: _Org, repo: str, p: _Pull, acts: list[_Action], drawn: list[_Episode],
    ready: datetime | None, owner_teams: Iterable[str], as_of: datetime,
) -> list[list[str]]:  # fmt: skip
    """approval_latency.csv rows of one PR: each team whose approval it needs, from what the
    planner drew (requests not withdrawn, code owners) and the approvals still standing."""
    if ready is None:
        return []
    first: dict[str, datetime | None] = {team: None for team in owner_teams}
    for ep in drawn:
        if ep.key is None or ep.requested_at is None or ep.outcome == "withdrawn":
            continue
        named = (ep.key.name,) if ep.key.kind == "team" else _teams_of(org, ep.key.name)
        for team in named:
            known = first.get(team)
            first[team] = ep.requested_at if known is None else min(known, ep.requested_at)
    dismissed = {a.ident for a in acts if a.kind == "dismissed"}
    approvals = [
        a for a in acts
        if a.kind == "review" and a.state == "APPROVED" and a.ident not in dismissed
        and not a.actor.is_bot and a.actor != p.author
    ]  # fmt: skip
    reopened = [a.at for a in acts if a.kind == "reopened"]
    closes = [a.at for a in acts if a.kind == "closed" and not any(r >= a.at for r in reopened)]
    closed = closes[-1] if closes else None
    mine = _teams_of(org, p.author.login)
    rows = []
    for team, asked in sorted(first.items()):
        start = max(ready, asked) if asked else ready
        got = min(
            ((a.at, a.ident, a.actor.login) for a in approvals
             if a.at >= start and team in _teams_of(org, a.actor.login)),
            default=None,
        )  # fmt: skip
        if got and (closed is None or got[0] <= closed):
            end, outcome, approved_at, approver = got[0], "approved", iso(got[0]), got[2]
        else:
            end = max(closed or as_of, start)
            outcome, approved_at, approver = ("unapproved" if closed else "waiting"), "", ""
        rows.append([
            org.login, repo, str(p.number), p.author.login, team, str(team not in mine).lower(),
            iso(start), approved_at, approver, outcome,
            f"{(end - start).total_seconds() / 3600:.6f}",
        ])  # fmt: skip
    return rows


PHASES_TRUTH = "pr_phases.csv"
PHASES_COLUMNS = (
    "org", "repo", "pr_number", "author", "first_commit_at", "ready_at", "first_review_at",
    "last_approval_at", "merged_at", "first_response_at", "coding_hours", "pickup_hours",
    "review_hours", "merge_hours", "cycle_hours",
)  # fmt: skip


def _phases_row(
    repo: str, p: _Pull, acts: list[_Action], ready: datetime | None
) -> list[str] | None:
    """A pr_phases.csv row for a PR merged by as_of: its phases from what the planner drew."""
    merged = next((a.at for a in acts if a.kind == "merged"), None)
    if merged is None or ready is None:
        return None
    first_commit = min(a.at for a in acts if a.kind == "commit")
    start = min(first_commit, ready)  # a commit dated after ready: no coding time
    others = [a for a in acts if not a.actor.is_bot and a.actor != p.author
              and ready <= a.at <= merged]  # fmt: skip
    reviews = [a.at for a in others if a.kind == "review"]
    dismissed = {a.ident for a in acts if a.kind == "dismissed"}
    approvals = [a.at for a in others if a.kind == "review" and a.state == "APPROVED"
                 and a.ident not in dismissed]  # fmt: skip
    responses = [a.at for a in others if a.kind in ("review", "comment")]
    picked = min(reviews, default=merged)
    last = max(approvals, default=max(reviews, default=merged))

    def hours(a: datetime, b: datetime) -> str:
        return f"{(b - a).total_seconds() / 3600:.6f}"

    return [
        repo.split("/")[0], repo, str(p.number), p.author.login, iso(start), iso(ready),
        iso(min(reviews)) if reviews else "", iso(max(approvals)) if approvals else "",
        iso(merged), iso(min(responses)) if responses else "", hours(start, ready),
        hours(ready, picked), hours(picked, last), hours(last, merged), hours(start, merged),
    ]  # fmt: skip


# -- the truth of time in court: whose court the ball is in, from what the planner drew -----

COURTS_TRUTH = "pr_time_in_court.csv"
COURTS_COLUMNS = (
    "org", "repo", "pr_number", "author_hours", "reviewers_hours", "ci_hours", "merge_hours",
    "deploy_hours",
)  # fmt: skip
_DECISIVE = ("APPROVED", "CHANGES_REQUESTED")


@dataclass(frozen=True)
class _Life:
    """What the court truth needs of one drawn PR; its CI runs and deploys are drawn later, for
    the whole repo (_DeliveryPlanner), and join it there."""

    number: int
    created: datetime
    end: datetime  # its merge, or its final close, else as_of
    merged: datetime | None
    ready: datetime | None
    drafts: tuple[tuple[datetime, bool], ...]  # (when, a draft since), in the order drawn
    episodes: tuple[tuple[datetime, datetime], ...]  # the review waits drawn, cut to the end
    # by reviewer, in submission order: (submitted, review id, verdict, dismissed at or None)
    verdicts: Mapping[str, tuple[tuple[datetime, int, str, datetime | None], ...]]

    def court(self, t: datetime, runs: list[tuple[datetime, datetime]]) -> str:
        """Whose court the ball is in from `t` (the rules of pr_time_in_court's header): the
        author's while a draft, the reviewers' while a wait is open, ci while a run of the head
        holds it, the author's while a reviewer's verdict asks for changes, merge while one
        approves, else the author's."""
        flips = [draft for at, draft in self.drafts if at <= t]
        if self.ready is None or t < self.ready or (flips and flips[-1]):
            return "author"
        if any(a <= t < b for a, b in self.episodes):
            return "reviewers"
        if any(a <= t < b for a, b in runs):
            return "ci"
        says = set()
        for given in self.verdicts.values():
            latest = [v for v in given if v[0] <= t][-1:]
            if latest and (latest[0][3] is None or t < latest[0][3]):  # dismissed: no verdict
                says.add(latest[0][2])
        if "CHANGES_REQUESTED" in says:
            return "author"
        return "merge" if "APPROVED" in says else "author"


def _life(
    p: _Pull, acts: list[_Action], drawn: list[_Episode], ready: datetime | None, as_of: datetime
) -> _Life:
    merged = next((a.at for a in acts if a.kind == "merged"), None)
    reopened = [a.at for a in acts if a.kind == "reopened"]
    closes = [a.at for a in acts if a.kind == "closed" and not any(r >= a.at for r in reopened)]
    end = max(merged or (closes[-1] if closes else as_of), p.created_at)
    dismissed = {a.ident: a.at for a in acts if a.kind == "dismissed"}
    verdicts: dict[str, list[tuple[datetime, int, str, datetime | None]]] = {}
    decisive = sorted(
        (a for a in acts if a.kind == "review" and a.state in _DECISIVE and not a.actor.is_bot
         and a.actor != p.author),
        key=lambda a: (a.at, a.ident),
    )  # fmt: skip
    for a in decisive:
        gone = dismissed.get(a.ident)
        verdicts.setdefault(a.actor.login, []).append(
            (a.at, a.ident, a.state, None if gone is None else max(gone, a.at))
        )
    return _Life(
        p.number, p.created_at, end, merged, ready,
        tuple((a.at, a.kind == "draft") for a in acts if a.kind in ("ready", "draft")),
        tuple((ep.start_at, min(ep.ended_at or end, end)) for ep in drawn),
        {who: tuple(given) for who, given in verdicts.items()},
    )  # fmt: skip


def _held(plans: list[_RunPlan], life: _Life, as_of: datetime) -> list[tuple[datetime, datetime]]:
    """When the PR's drawn runs held it in ci: each attempt asked for by as_of, from its request
    (the first's is the run's queueing) to its end (the PR's end while unfinished at as_of),
    and no longer once a run of another commit is created after it (a push)."""
    mine = [r for r in plans if r.pull is not None and r.pull.number == life.number]
    held = []
    for run in mine:
        pushed = [o.created for o in mine if o.push.sha != run.push.sha and o.created > run.created]
        stop = min([life.end, *pushed])
        for a in (a for a in run.attempts if a.requested <= as_of):
            held.append((a.requested, min(a.finished if a.finished <= as_of else stop, stop)))
    return held


def _court_row(
    repo: str, life: _Life, runs: list[tuple[datetime, datetime]], deploy_end: datetime | None
) -> list[str]:
    """A pr_time_in_court.csv row: the hours in each court between every two instants at which
    the ball may move; deploy from the merge to `deploy_end` (empty: not followed)."""
    marks = {life.created, life.end, *(t for t in [life.ready] if t)}
    marks |= {at for at, _ in life.drafts}
    marks |= {t for span in (*life.episodes, *runs) for t in span}
    marks |= {t for given in life.verdicts.values() for v in given for t in (v[0], v[3]) if t}
    cuts = sorted(t for t in marks if life.created <= t <= life.end)
    hours = dict.fromkeys(("author", "reviewers", "ci", "merge"), 0.0)
    for a, b in pairwise(cuts):
        hours[life.court(a, runs)] += (b - a).total_seconds() / 3600
    deploy = ""
    if life.merged and deploy_end:
        deploy = f"{(max(deploy_end, life.merged) - life.merged).total_seconds() / 3600:.6f}"
    return [repo.split("/")[0], repo, str(life.number), *(f"{h:.6f}" for h in hours.values()),
            deploy]  # fmt: skip


# -- writing the mirror ----------------------------------------------------------------------


class _MirrorWriter:
    """Renders drawn PRs as GitHub's payloads, checks their truth, and writes the folder."""

    def __init__(self, out: Path, org: _Org, as_of: datetime) -> None:
        self.out, self.org, self.as_of = out, org, as_of
        self.owner = gh.user(org.login, org.oid, "Organization")
        self.users = {p.login: gh.user(p.login, p.uid, "Bot" if p.is_bot else "User")
                      for p in org.people.values()}  # fmt: skip
        self.teams: dict[str, Json] = {}
        for slug, name, parent in _TEAMS:
            parent_json = self.teams[parent] if parent else None
            self.teams[slug] = gh.team(org.login, slug, name, org.teams[slug].tid, parent_json)
        self.members = {slug: t.members for slug, t in org.teams.items()}
        self.repos: list[Json] = []
        self.ids = iter(range(17_000_000_000, 2**62))  # timeline event and comment ids

    def write_repo(
        self,
        repo: _Repo,
        pulls: Iterable[_Pull],
        truth: Mapping[str, _Rows],
        tally: Counter[str],
        delivery: _DeliveryWriter,
    ) -> None:
        ref = RepoRef(self.org.login, repo.name)
        created = self.as_of - timedelta(days=400 + repo.rid % 997)
        repo_json = gh.repository(
            ref, repo.rid, self.owner, description=f"The {repo.name} service",
            language=repo.language, created_at=created, pushed_at=created, open_issues=0,
        )  # fmt: skip
        self.repos.append(repo_json)
        root = self.out / "repos" / ref.org / ref.name
        owners_file = root / "contents" / repo.codeowners_path
        owners_file.parent.mkdir(parents=True)
        owners_file.write_text(_codeowners_text(ref.org, repo))
        pulls = list(pulls)
        self._write_git(ref, repo, created, pulls, delivery.root_files(repo))
        renderer = gh.PullRenderer(ref, repo_json, self.owner, self.users, self.teams, self.ids)
        listed: list[Json] = []
        shipped: list[_Shipped] = []
        lives: list[_Life] = []
        for p in pulls:  # one repo's PRs at a time; only their list entries stay in memory
            out, life = self._write_pull(renderer, root, repo, p, truth, tally)
            listed.append(out.pull)
            shipped.append(_shipped(out))
            lives.append(life)
        last = max([iso(created)] + [item["updated_at"] for item in listed])
        still_open = sum(item["state"] == "open" for item in listed)
        repo_json.update(updated_at=last, pushed_at=last, open_issues=still_open)
        repo_json["open_issues_count"] = still_open
        _dump(root / "pulls.json", listed[::-1])  # GitHub lists the newest first
        delivery.write_repo(repo, repo_json, shipped, lives)

    def _write_git(
        self,
        ref: RepoRef,
        repo: _Repo,
        created: datetime,
        pulls: list[_Pull],
        root_files: Mapping[str, str],
    ) -> None:
        """The repo's git repository under git/ORG/REPO.git: a first commit with its CODEOWNERS
        and root files, then one squash commit per PR merged by as_of, in merge order, on a
        straight main. Each merged PR's merge action and every PR's base sha (main's tip when it
        was opened) then name real commits."""
        codeowners = _codeowners_text(ref.org, repo)
        kept = {repo.codeowners_path, *root_files}  # what PRs touch there keeps GitHub's text
        team = self.org.teams[repo.team].members if repo.team else frozenset()
        founder = min((p for p in self.org.humans if p.login in team), default=self.org.humans[0],
                      key=lambda p: p.login)  # fmt: skip
        commits = [
            LineCommit({repo.codeowners_path: codeowners, **root_files}, _identity(founder),
                       _identity(founder), created, "Initial commit")
        ]  # fmt: skip
        merges = sorted(
            (a.at, p.number, p, a)
            for p in pulls for a in p.actions if a.kind == "merged" and a.at <= self.as_of
        )  # fmt: skip
        for at, number, p, _ in merges:
            files = {f: f"# {f}\n# last changed by #{number}: {p.title}\n"
                     for f in p.files if f not in kept}  # fmt: skip
            commits.append(LineCommit(files, _identity(p.author),
                                      (_GITHUB_COMMITTER["name"], _GITHUB_COMMITTER["email"]), at,
                                      f"{p.title} (#{number})"))  # fmt: skip
        folder = self.out / "git" / ref.org / f"{ref.name}.git"
        shas = write_bare_repository(folder, commits)
        for (_, _, _, action), sha in zip(merges, shas[1:], strict=True):
            action.sha = sha
        tips = [c.at for c in commits]
        for p in pulls:  # main's tip when the PR was opened (the first commit, if before it)
            p.base_sha = shas[max(bisect.bisect_right(tips, p.created_at) - 1, 0)]

    def _write_pull(
        self,
        renderer: gh.PullRenderer,
        root: Path,
        spec: _Repo,
        p: _Pull,
        truth: Mapping[str, _Rows],
        tally: Counter[str],
    ) -> tuple[gh.PullPayloads, _Life]:
        acts = sorted(
            (a for a in p.actions if a.at <= self.as_of), key=lambda a: (a.at, _RANK[a.kind])
        )
        ready = _ready_at(p, acts)
        drawn, pending = _replay(self.org, p, acts, ready)
        pid = 1_700_000_000 + renderer.repo["id"] % 10**6 * 10**3 + p.number
        facts = gh.PullFacts(
            p.number, pid, p.title, p.author.login, p.created_at, p.opened_as_draft, p.files,
            p.base_sha, tuple(k.name for k in pending if k.kind == "user"),
            tuple(k.name for k in pending if k.kind == "team"), tuple(p.notes),
        )  # fmt: skip
        out = renderer.render(facts, [a.happening() for a in acts])
        derived = _review_wait_truth(out.pull, out.timeline, out.reviews, self.members)
        repo = f"{renderer.ref.org}/{renderer.ref.name}"
        _check(f"{repo}#{p.number}", drawn, derived)
        for ep in derived:
            truth["review_wait.csv"].writerow(_truth_row(self.org, repo, p, ep, self.as_of))
        if phases := _phases_row(repo, p, acts, ready):
            truth[PHASES_TRUTH].writerow(phases)
        owned = _ownership_row(self.org, repo, spec, p)
        truth[OWNERSHIP_TRUTH].writerow(owned)
        truth[APPROVAL_TRUTH].writerows(
            _approval_rows(self.org, repo, p, acts, drawn, ready, filter(None, owned[4].split(";")),
                           self.as_of)
        )  # fmt: skip
        tally.update(_features(p, acts, derived, out.pull, self.as_of))
        (root / "pulls" / str(p.number)).mkdir(parents=True)
        (root / "issues" / str(p.number)).mkdir(parents=True)
        for path, payload in (
            ("pulls/{n}/reviews.json", out.reviews), ("pulls/{n}/files.json", out.files),
            ("pulls/{n}/commits.json", out.commits), ("issues/{n}/timeline.json", out.timeline),
            ("issues/{n}/comments.json", out.comments),
        ):  # fmt: skip
            _dump(root / path.format(n=p.number), payload)
        return out, _life(p, acts, drawn, ready, self.as_of)

    def write_org(self, repos: list[_Repo]) -> None:
        org, base = self.org, self.out / "orgs" / self.org.login
        founded = self.as_of - timedelta(days=2000)
        org_json = gh.organization(org.login, org.oid, org.login.title(), founded, len(repos))
        _dump(base.with_suffix(".json"), org_json)
        _dump(
            base / "repos.json", sorted(self.repos, key=lambda r: (r["created_at"], r["id"]))[::-1]
        )
        _dump(base / "members.json", [self.users[p.login] for p in org.humans])
        _dump(base / "teams.json", sorted(self.teams.values(), key=lambda t: str(t["name"])))
        for slug, team in org.teams.items():
            (base / "teams" / slug).mkdir(parents=True)
            _dump(
                base / "teams" / slug / "members.json",
                [self.users[m] for m in sorted(team.members)],
            )


def _identity(person: _Person) -> tuple[str, str]:
    """A person's git name and e-mail, as GitHub's noreply address writes them."""
    return person.login, f"{person.uid}+{person.login}@users.noreply.github.com"


def _dump(path: Path, payload: Any) -> None:
    path.write_text(json.dumps(payload, separators=(",", ":")))


# -- cross-repo links: PRs of consumer repos that wait on PRs of the repos they depend on -----

CROSS_REPO_TRUTH = "cross_repo_handoffs.csv"
CROSS_REPO_COLUMNS = (
    "org", "upstream_repo", "upstream_pr", "downstream_repo", "downstream_pr", "link",
    "upstream_merged_at", "downstream_merged_at",
)  # fmt: skip
_LINK_DAYS = timedelta(days=10)  # how far apart in time two linked PRs are opened


class _Brief(NamedTuple):
    """What the link planner needs of a PR: drawn in a first pass, written in the second."""

    number: int
    created_at: datetime
    merged_at: datetime | None
    author: _Person
    title: str


def _briefs(
    state: object, org: _Org, specs: list[_Repo], counts: list[int], as_of: datetime
) -> dict[str, list[_Brief]]:
    """Every repo's PRs, briefly, from the draws the writing pass will make (same rng state)."""
    rng = random.Random()
    rng.setstate(state)  # type: ignore[arg-type]
    out: dict[str, list[_Brief]] = {}
    for spec, count in zip(specs, counts, strict=True):
        out[spec.name] = [
            _Brief(p.number, p.created_at, _merged_at(p, as_of), p.author, p.title)
            for p in _plan_repo(rng, org, spec, count, as_of)
        ]
    return out


def _merged_at(p: _Pull, as_of: datetime) -> datetime | None:
    return next((a.at for a in p.actions if a.kind == "merged" and a.at <= as_of), None)


@dataclass
class _Links:
    """The edits the links make to PRs (body lines, cross-referenced events, bump titles) by
    repo name and number, and the truth: (upstream, downstream, link) by repo name and number."""

    notes: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    xrefs: dict[tuple[str, int], list[tuple[datetime, _Person, str]]] = field(default_factory=dict)
    titles: dict[tuple[str, int], str] = field(default_factory=dict)
    pairs: list[tuple[str, int, str, int, str]] = field(default_factory=list)

    def apply(self, repo: str, p: _Pull) -> _Pull:
        key = (repo, p.number)
        p.notes += self.notes.get(key, [])
        p.title = self.titles.get(key, p.title)
        for at, who, source in self.xrefs.get(key, []):
            p.actions.append(_Action(at, "cross_referenced", who, text=source))
        return p

    def truth(self, org: str, briefs: dict[str, list[_Brief]]) -> list[list[str]]:
        rows = []
        for up, up_n, down, down_n, link in sorted(self.pairs):
            u, d = briefs[up][up_n - 1], briefs[down][down_n - 1]
            rows.append([org, f"{org}/{up}", str(up_n), f"{org}/{down}", str(down_n), link,
                         iso(u.merged_at) if u.merged_at else "",
                         iso(d.merged_at) if d.merged_at else ""])  # fmt: skip
        return rows


def _cross_repo_links(
    login: str, specs: list[_Repo], briefs: dict[str, list[_Brief]], seed: int
) -> _Links:
    """For each internal dependency (_MANIFESTS), a few PRs of the consumer that wait on a PR of
    the publisher, and bot bumps of the publisher's package."""
    links = _Links()
    present = {s.base: s for s in specs}
    for spec in specs:
        rng = random.Random(f"{seed}:{login}/{spec.name}:links")
        for base in _MANIFESTS[spec.base][1]:
            upstream = present.get(base)
            if upstream is None:
                continue
            ups = [b for b in briefs[upstream.name] if b.merged_at and not b.author.is_bot]
            for u in rng.sample(ups, min(3, len(ups))):
                _link(links, rng, login, upstream.name, u, spec.name, briefs[spec.name])
            bumps = [b for b in briefs[spec.name] if b.author.is_bot and b.title.startswith("Bump ")
                     and (spec.name, b.number) not in links.titles]  # fmt: skip
            for b in rng.sample(bumps, min(2, len(bumps))):
                _bump(links, seed, login, upstream, briefs[upstream.name], spec.name, b)
    return links


def _link(
    links: _Links,
    rng: random.Random,
    login: str,
    up_repo: str,
    u: _Brief,
    down_repo: str,
    downs: list[_Brief],
) -> None:
    """A consumer PR that waits on `u`: "Depends on ORG/REPO#N" or "Blocked by <url>" in its
    body, or "Blocks ORG/REPO#N" in u's (naming a consumer PR opened before u), and GitHub's
    cross-referenced event on the PR named, when the naming PR is opened."""
    style = rng.choice(("depends", "blocked", "blocks"))
    low, high = (-_LINK_DAYS, timedelta(0)) if style == "blocks" else (timedelta(0), _LINK_DAYS)
    merged = u.merged_at or datetime.max.replace(tzinfo=UTC)
    # a PR that waits: opened near u, merged after it or still open
    near = [d for d in downs if not d.author.is_bot
            and u.created_at + low < d.created_at <= u.created_at + high
            and (d.merged_at is None or d.merged_at >= merged)]  # fmt: skip
    if not near:
        return
    d = rng.choice(near)
    up_ref, down_ref = f"{login}/{up_repo}#{u.number}", f"{login}/{down_repo}#{d.number}"
    if style == "blocks":
        links.notes.setdefault((up_repo, u.number), []).append(f"Blocks {down_ref}.")
        links.xrefs.setdefault((down_repo, d.number), []).append((u.created_at, u.author, up_ref))
    else:
        url = f"https://github.com/{login}/{up_repo}/pull/{u.number}"
        note = f"Depends on {up_ref}." if style == "depends" else f"Blocked by {url}"
        links.notes.setdefault((down_repo, d.number), []).append(note)
        links.xrefs.setdefault((up_repo, u.number), []).append((d.created_at, d.author, down_ref))
    links.pairs.append((up_repo, u.number, down_repo, d.number,
                        "blocks" if style == "blocks" else "depends_on"))  # fmt: skip


def _bump(
    links: _Links,
    seed: int,
    login: str,
    upstream: _Repo,
    ups: list[_Brief],
    down_repo: str,
    b: _Brief,
) -> None:
    """A bot PR retitled to bump the publisher's package: it picks up the publisher's last PR
    merged before it was opened (the sample's repos carry no release tags)."""
    merged = [u for u in ups if u.merged_at and u.merged_at <= b.created_at]
    if not merged:
        return
    u = max(merged, key=lambda x: (x.merged_at, x.number))
    package = _package_name(login, upstream.name, upstream.language)
    version = _package_version(seed, login, upstream.name)
    major, minor, patch = version.split(".")
    newer = f"{major}.{minor}.{int(patch) + 1 + b.number}"
    links.titles[(down_repo, b.number)] = f"Bump {package} from {version} to {newer}"
    links.pairs.append((upstream.name, u.number, down_repo, b.number, "bump"))


# -- delivery: CI runs, deployments and manifests, drawn from a stream of their own ----------
# Everything below draws from one random.Random per repo, seeded from the seed and the repo's
# name, and only after that repo's PRs are rendered: the PR draws above never see it.

# The truth of what delivery wrote, beside review_wait.csv.
DEPLOYMENTS_TRUTH = "deployments.csv"
RUNS_TRUTH = "workflow_runs.csv"
DEPENDENCIES_TRUTH = "dependencies.csv"
ACTIVITY_TRUTH = "activity.json"
DEPLOYMENT_COLUMNS = (
    "org", "repo", "deployment_id", "environment", "sha", "ref", "creator", "created_at",
    "state", "state_at",
)  # fmt: skip
RUN_COLUMNS = (
    "org", "repo", "run_id", "event", "head_branch", "head_sha", "pr_number", "status",
    "conclusion", "run_attempt", "created_at", "run_started_at", "updated_at",
)  # fmt: skip
# Every attempt of every run, the latest (as runs.json lists it) and the earlier ones of a
# re-run (each a file of its own, actions/runs/ID/attempts/N.json): the CI court's truth.
ATTEMPTS_TRUTH = "workflow_run_attempts.csv"
ATTEMPT_COLUMNS = (
    "org", "repo", "run_id", "run_attempt", "status", "conclusion", "created_at",
    "run_started_at", "updated_at",
)  # fmt: skip
DEPENDENCY_COLUMNS = (
    "org", "repo", "manifest", "package", "requirement", "internal_repo",
)  # fmt: skip
# Each merged PR and the production deployment that first shipped it (empty while none has): on
# the sample's straight main, the first to succeed whose commit is its merge or a later one.
LEAD_TIME_TRUTH = "deploy_lead_time.csv"
LEAD_TIME_COLUMNS = (
    "org", "repo", "pr_number", "merge_sha", "merged_at", "deployment_id", "deployed_at",
)  # fmt: skip

CI_WORKFLOW = ("CI", ".github/workflows/ci.yml")  # name, path: one workflow, PRs and pushes
DEPLOYER = "github-actions[bot]"  # creates the automatic deploys and reports every status
# Git's committer on a commit GitHub makes (a squash merge): name and email as GitHub writes them.
_GITHUB_COMMITTER = {"name": "GitHub", "email": "noreply@github.com"}
_CI_MINUTES = {"TypeScript": (4, 12), "Markdown": (1, 3), "Kotlin": (12, 30), "Go": (3, 8),
               "Python": (4, 15), "HCL": (1, 4)}  # fmt: skip
# Runners fall behind in the last hours before as_of: runs asked for then wait 10-80 minutes,
# so the mirror holds queued and running runs, as a live org always does.
_BACKLOG = timedelta(hours=3)
# base repo name: the environments it deploys to, in promotion order; the libraries
# (design-system, shared-libs) publish packages and the mobile app ships through the app stores:
# they deploy nothing
_ENVIRONMENTS = {
    "web-app": ("staging", "production"),
    "api-gateway": ("staging", "production"), "auth-service": ("staging", "production"),
    "billing": ("staging", "production"), "data-pipeline": ("staging", "production"),
    "infra-live": ("staging", "production"), "ml-models": ("staging", "production"),
    "notifications": ("staging", "production"), "docs-portal": ("production",),
}  # fmt: skip
_MANIFESTS = {  # base repo name: its root manifests, and the org repos whose packages it uses
    "web-app": (("package.json",), ("design-system",)),
    "mobile-app": (("build.gradle.kts",), ("notifications",)),
    "api-gateway": (("go.mod",), ("auth-service",)),
    "auth-service": (("go.mod",), ()),
    "billing": (("requirements.txt",), ("shared-libs",)),
    "data-pipeline": (("pyproject.toml", "requirements.txt"), ("shared-libs", "ml-models")),
    "infra-live": (("versions.tf",), ()),
    "design-system": (("package.json",), ()),
    "ml-models": (("pyproject.toml", "requirements.txt"), ("shared-libs",)),
    "notifications": (("build.gradle.kts",), ()),
    "docs-portal": (("package.json",), ("design-system",)),
    "shared-libs": (("pyproject.toml", "requirements.txt"), ()),
}
_PUBLISHERS = frozenset({"shared-libs", "ml-models", "design-system", "auth-service",
                         "notifications"})  # fmt: skip
_READMES = frozenset({"web-app", "api-gateway", "docs-portal"})
_THIRD_PARTY = {  # language: (package, version) a repo draws its outside dependencies from
    "Python": (("requests", "2.32.3"), ("pydantic", "2.7.4"), ("sqlalchemy", "2.0.31"),
               ("fastapi", "0.111.0"), ("pandas", "2.2.2"), ("numpy", "1.26.4"),
               ("boto3", "1.34.131"), ("celery", "5.4.0"), ("httpx", "0.27.0"),
               ("structlog", "24.2.0")),
    "TypeScript": (("react", "18.3.1"), ("react-dom", "18.3.1"), ("zod", "3.23.8"),
                   ("lodash", "4.17.21"), ("axios", "1.7.2"), ("date-fns", "3.6.0")),
    "Markdown": (("@docusaurus/core", "3.4.0"), ("@docusaurus/preset-classic", "3.4.0"),
                 ("react", "18.3.1"), ("react-dom", "18.3.1"), ("prism-react-renderer", "2.3.1")),
    "Go": (("google.golang.org/grpc", "v1.64.0"), ("github.com/go-chi/chi/v5", "v5.0.12"),
           ("github.com/prometheus/client_golang", "v1.19.1"), ("go.uber.org/zap", "v1.27.0"),
           ("github.com/golang-jwt/jwt/v5", "v5.2.1"), ("github.com/redis/go-redis/v9", "v9.5.3")),
    "Kotlin": (("com.squareup.okhttp3:okhttp", "4.12.0"),
               ("com.squareup.retrofit2:retrofit", "2.11.0"),
               ("org.jetbrains.kotlinx:kotlinx-coroutines-core", "1.8.1"),
               ("com.google.firebase:firebase-messaging", "24.0.0"),
               ("io.ktor:ktor-server-core", "2.3.12")),
    "HCL": (("hashicorp/aws", "5.55.0"), ("hashicorp/kubernetes", "2.31.0"),
            ("hashicorp/random", "3.6.2"), ("cloudflare/cloudflare", "4.36.0")),
}  # fmt: skip
_NPM_DEV = (("typescript", "5.5.2"), ("vitest", "1.6.0"), ("eslint", "9.5.0"))


class _Push(NamedTuple):
    """A head commit CI ran on: when it reached GitHub (the PR's opening, for the first)."""

    at: datetime
    sha: str
    tree: str
    message: str
    author: Json  # {"name", "email"}, as the commit has it
    committed: datetime


class _Merge(NamedTuple):
    at: datetime
    sha: str
    merger: str


@dataclass(frozen=True)
class _Shipped:
    """What CI and deploys need of one rendered PR, read from its payloads."""

    number: int
    pid: int
    title: str
    author: str
    head_ref: str
    base_sha: str
    pushes: tuple[_Push, ...]
    merge: _Merge | None


def _shipped(out: gh.PullPayloads) -> _Shipped:
    pull = out.pull
    opened = _ts(pull["created_at"])
    pushes: list[_Push] = []
    for item in out.commits:
        git = item["commit"]
        at = _ts(git["committer"]["date"])
        who = {"name": git["author"]["name"], "email": git["author"]["email"]}
        push = _Push(max(at, opened), item["sha"], git["tree"]["sha"], git["message"], who, at)
        if pushes and at <= opened:  # pushed before the PR was opened: CI runs on the last
            pushes[-1] = push
        else:
            pushes.append(push)
    merge = next(
        (_Merge(_ts(e["created_at"]), e["commit_id"], e["actor"]["login"])
         for e in out.timeline if e.get("event") == "merged"),
        None,
    )  # fmt: skip
    return _Shipped(pull["number"], pull["id"], pull["title"], pull["user"]["login"],
                    pull["head"]["ref"], pull["base"]["sha"], tuple(pushes), merge)  # fmt: skip


class _Attempt(NamedTuple):
    requested: datetime  # asked for: the run's created_at (a re-run: when re-run); run_started_at
    started: datetime  # a runner took it (the payload does not say; it moves updated_at)
    finished: datetime
    conclusion: str


@dataclass(frozen=True)
class _RunPlan:
    created: datetime
    event: str
    branch: str
    push: _Push
    title: str
    actor: str
    rerun_by: str
    attempts: tuple[_Attempt, ...]
    pull: _Shipped | None  # the PR of a pull_request run


@dataclass
class _DeployPlan:
    created: datetime
    environment: str
    sha: str
    git_ref: str
    creator: str
    description: str | None
    statuses: list[tuple[datetime, str]] = field(default_factory=list)  # (at, state)


class _Dependency(NamedTuple):
    package: str
    requirement: str  # as the manifest writes it
    internal_repo: str  # the org repo that publishes the package; "" for an outside one


class _DeliveryPlanner:
    """Draws one repo's CI runs and deployments from the PRs it shipped."""

    def __init__(self, rng: random.Random, org: _Org, repo: _Repo, as_of: datetime) -> None:
        self.rng, self.org, self.repo, self.as_of = rng, org, repo, as_of
        team = org.teams[repo.team].members if repo.team else frozenset()
        self.locals = [p for p in org.humans if p.login in team] or list(org.humans)

    def runs(self, shipped: list[_Shipped]) -> list[_RunPlan]:
        """A pull_request run per PR head pushed, a push run per merge commit on main."""
        rng, plans = self.rng, []
        for s in shipped:
            author = self.org.people[s.author]
            for push in s.pushes:
                created = min(push.at + timedelta(seconds=rng.randint(2, 25)), self.as_of)
                attempts = self._attempts(created, author, 0.15)
                plans.append(_RunPlan(created, "pull_request", s.head_ref, push, s.title,
                                      s.author, self._rerunner(author), attempts, s))  # fmt: skip
            if s.merge:
                merger = self.org.people[s.merge.merger]
                created = min(s.merge.at + timedelta(seconds=rng.randint(1, 12)), self.as_of)
                head = s.pushes[-1].author if s.pushes else _GITHUB_COMMITTER
                message = f"{s.title} (#{s.number})"
                push = _Push(s.merge.at, s.merge.sha, s.merge.sha[::-1], message, head, s.merge.at)
                attempts = self._attempts(created, merger, 0.06)
                plans.append(_RunPlan(created, "push", "main", push, message, merger.login,
                                      self._rerunner(merger), attempts, None))  # fmt: skip
        return plans

    def _rerunner(self, who: _Person) -> str:
        return self.rng.choice(self.locals).login if who.is_bot else who.login

    def _attempts(self, created: datetime, who: _Person, failing: float) -> tuple[_Attempt, ...]:
        first = self._attempt(created, failing)
        if first.conclusion != "failure" or self.rng.random() >= 0.45:
            return (first,)
        rerunner = self.org.people[self._rerunner(who)]  # a flaky test: re-run, usually passes
        again = _work(rerunner, first.finished, self.rng.uniform(0.05, 2))
        return first, self._attempt(again, 0.2)

    def _attempt(self, requested: datetime, failing: float) -> _Attempt:
        rng = self.rng
        roll = rng.random()
        if requested >= self.as_of - _BACKLOG:
            queue = rng.uniform(600, 4800)
        else:  # seconds, at times minutes, now and then hours when runners are short
            queue = rng.uniform(2, 40) if roll < 0.75 else rng.uniform(60, 600)
            queue = rng.uniform(900, 7200) if roll > 0.98 else queue
        lo, hi = _CI_MINUTES[self.repo.language]
        started = requested + timedelta(seconds=round(queue))
        finished = started + timedelta(seconds=round(rng.uniform(lo, hi) * 60))
        return _Attempt(
            requested, started, finished, "failure" if rng.random() < failing else "success"
        )

    def deployments(
        self, shipped: list[_Shipped], environments: tuple[str, ...]
    ) -> list[_DeployPlan]:
        """The first environment takes main's newest merge commit hours after merges; each next one
        is promoted by a person, in working hours, from the previous one's newest success."""
        if not environments:
            return []
        merges = sorted((s.merge.at, s.merge.sha) for s in shipped if s.merge)
        plans = self._automatic(environments[0], merges)
        for before, env in pairwise(environments):
            staged = sorted(
                (at, d.sha) for d in plans if d.environment == before
                for at, state in d.statuses if state == "success"
            )  # fmt: skip
            plans += self._promoted(env, staged)
        plans = [d for d in plans if d.created <= self.as_of]
        _auto_inactivate(plans, environments)
        for d in plans:
            d.statuses = sorted(s for s in d.statuses if s[0] <= self.as_of)
        return sorted(plans, key=lambda d: (d.created, environments.index(d.environment)))

    def _automatic(self, env: str, merges: list[tuple[datetime, str]]) -> list[_DeployPlan]:
        plans: list[_DeployPlan] = []
        i = 0
        while i < len(merges):
            at = merges[i][0] + timedelta(seconds=round(self.rng.uniform(2, 12) * 3600))
            if at > self.as_of:
                break
            while i + 1 < len(merges) and merges[i + 1][0] <= at:  # one deploy takes them all
                i += 1
            plans.append(self._deploy(env, merges[i][1], at, DEPLOYER, "main", None))
            i += 1
        return plans

    def _promoted(self, env: str, staged: list[tuple[datetime, str]]) -> list[_DeployPlan]:
        rng, plans = self.rng, []
        i = 0
        while i < len(staged):
            who = rng.choice(self.locals)
            at = _work(who, staged[i][0], rng.uniform(6, 40))  # a release or two a week
            if at > self.as_of:
                break
            while i + 1 < len(staged) and staged[i + 1][0] <= at:
                i += 1
            sha = staged[i][1]
            pinned = rng.random() < 0.1  # deployed by its sha rather than the branch
            d = self._deploy(env, sha, at, who.login, sha if pinned else "main",
                             f"Promote {sha[:7]} to {env}")  # fmt: skip
            plans.append(d)
            failed = [t for t, state in d.statuses if state in ("failure", "error")]
            if failed and rng.random() < 0.7:  # tried again by hand, by the sha
                again = _work(who, failed[0], rng.uniform(0.1, 1.5))
                plans.append(self._deploy(env, sha, again, who.login, sha, f"Retry {sha[:7]}"))
            i += 1
        return plans

    def _deploy(
        self, env: str, sha: str, at: datetime, creator: str, git_ref: str, text: str | None
    ) -> _DeployPlan:
        rng = self.rng
        d = _DeployPlan(at, env, sha, git_ref, creator, text)
        if rng.random() < 0.03:  # the deploy job died before it reported anything
            return d
        queued = at + timedelta(seconds=rng.randint(2, 20))
        running = queued + timedelta(seconds=rng.randint(5, 180))
        done = running + timedelta(seconds=rng.randint(60, 900))
        roll = rng.random()
        final = "success" if roll < 0.9 else "failure" if roll < 0.97 else "error"
        d.statuses += [(queued, "queued"), (running, "in_progress"), (done, final)]
        return d


def _auto_inactivate(plans: list[_DeployPlan], environments: tuple[str, ...]) -> None:
    """A success marks the earlier deployments of its environment still successful `inactive`,
    at that moment (REST "Create a deployment status": auto_inactive, on by default)."""
    for env in environments:
        mine = [d for d in plans if d.environment == env]
        successes = sorted(
            (at, d.created, i) for i, d in enumerate(mine) for at, state in d.statuses
            if state == "success"
        )  # fmt: skip
        live: list[_DeployPlan] = []
        for at, _, i in successes:
            for old in [o for o in live if o.created < mine[i].created]:
                old.statuses.append((at, "inactive"))
                live.remove(old)
            live.append(mine[i])


def _run_facts(
    plan: _RunPlan, rid: int, number: int, suite: int, workflow: int, as_of: datetime
) -> gh.RunFacts:
    """The run as its latest attempt asked for by as_of stands at as_of. run_started_at is when
    that attempt was asked for, as GitHub gives it: the first's is the run's created_at, a
    re-run's when it was asked for (the run keeps the first attempt's created_at). The wait for
    a runner lies inside the run: it delays updated_at, and a run still waiting is queued."""
    attempts = [a for a in plan.attempts if a.requested <= as_of]
    last = attempts[-1]
    state: tuple[str, str | None, datetime]
    if last.finished <= as_of:
        state = ("completed", last.conclusion, last.finished)
    elif last.started <= as_of:  # a runner took it: updated then
        state = ("in_progress", None, last.started)
    else:  # still waiting for a runner: updated when it was asked for
        state = ("queued", None, last.requested)
    status, conclusion, updated = state
    return gh.RunFacts(rid, number, workflow, suite, CI_WORKFLOW[0], CI_WORKFLOW[1], plan.event,
                       plan.branch, plan.push.sha, plan.title, status, conclusion, plan.created,
                       updated, last.requested, len(attempts))  # fmt: skip


def _earlier_attempts(plan: _RunPlan, facts: gh.RunFacts) -> list[gh.RunFacts]:
    """The attempts of a re-run before its latest, as GET .../attempts/{n} gives each: over
    (only a completed run is re-run), created and started when asked for (the first with the
    run: its requested is the run's created)."""
    return [
        replace(facts, status="completed", conclusion=a.conclusion, created_at=a.requested,
                run_started_at=a.requested, updated_at=a.finished, run_attempt=n)
        for n, a in enumerate(plan.attempts[: facts.run_attempt - 1], 1)
    ]  # fmt: skip


def _package_name(org: str, repo: str, language: str) -> str:
    """What a repo publishes as, in its language's registry."""
    if language == "Python":
        return f"{org}-{repo}"
    if language == "Go":
        return f"github.com/{org}/{repo}"
    if language == "Kotlin":
        return f"com.{org}:{repo}-client"
    return f"@{org}/{repo}"


def _package_version(seed: int, org: str, repo: str) -> str:
    """A published version; major 1, which a Go module path needs no /vN suffix for."""
    r = random.Random(f"{seed}:{org}/{repo}:version")
    return f"1.{r.randint(0, 12)}.{r.randint(0, 9)}"


def _manifests(
    org: str, repo: _Repo, present: Mapping[str, str], seed: int
) -> list[tuple[str, str, list[_Dependency]]]:
    """The repo's root manifests: (file name, text, what it depends on). `present`: the org's
    repos by name, with their languages; internal dependencies name only repos present."""
    rng = random.Random(f"{seed}:{org}/{repo.name}:manifests")
    names, uses = _MANIFESTS[repo.base]
    pool = _THIRD_PARTY[repo.language]
    picked = sorted(rng.sample(range(len(pool)), rng.randint(3, len(pool))))
    outside = [pool[i] for i in picked]
    inside = [(_package_name(org, u, present[u]), _package_version(seed, org, u), u)
              for u in uses if u in present]  # fmt: skip
    publishes = repo.base in _PUBLISHERS
    own = _package_name(org, repo.name, repo.language) if publishes else repo.name
    version = _package_version(seed, org, repo.name) if publishes else "0.1.0"
    out: list[tuple[str, str, list[_Dependency]]] = []
    for name in names:
        if name == "pyproject.toml":
            deps = [_Dependency(p, f">={v.rsplit('.', 1)[0]}", "") for p, v in outside]
            deps = [_Dependency(p, f">={v}", u) for p, v, u in inside] + deps
            out.append((name, _pyproject(own, version, deps), deps))
        elif name == "requirements.txt":
            deps = sorted(_Dependency(p, f"=={v}", u) for p, v, u in inside)
            deps += sorted(_Dependency(p, f"=={v}", "") for p, v in outside)
            out.append((name, _requirements(deps), deps))
        elif name == "package.json":
            deps = [_Dependency(p, f"^{v}", u) for p, v, u in inside]
            # a workspace member of a repo it uses is a package of its own, used too
            deps += [_Dependency(f"@{org}/{member}", f"^{v}", u) for p, v, u in inside
                     for _, member in _WORKSPACES.get(u, {}).items()]  # fmt: skip
            deps += [_Dependency(p, f"^{v}", "") for p, v in outside]
            dev = [_Dependency(p, f"^{v}", "") for p, v in _NPM_DEV]
            text = _package_json(own, version, publishes, deps, dev, repo.base in _WORKSPACES)
            out.append((name, text, deps + dev))
        elif name == "go.mod":
            deps = sorted([_Dependency(p, v, u) for p, v, u in inside]
                          + [_Dependency(p, v, "") for p, v in outside])  # fmt: skip
            deps = [d._replace(requirement=f"v{d.requirement}") if d.internal_repo else d
                    for d in deps]  # fmt: skip
            out.append((name, _go_mod(f"github.com/{org}/{repo.name}", deps), deps))
        elif name == "build.gradle.kts":
            deps = [_Dependency(p, v, u) for p, v, u in inside]
            deps += [_Dependency(p, v, "") for p, v in outside]
            artifact = own.split(":")[1] if publishes else None
            out.append((name, _gradle(org, version, artifact, deps), deps))
        else:  # versions.tf
            deps = [_Dependency(p, f"~> {v.rsplit('.', 1)[0]}", "") for p, v in outside]
            out.append((name, _versions_tf(deps), deps))
    return out


# Repos whose dependency graph is on: GitHub exports it as an SBOM (a further source of what
# they consume). Purl types by language.
_SBOMS = frozenset({"web-app", "api-gateway"})
_PURL_TYPES = {"TypeScript": "npm", "Markdown": "npm", "Go": "golang", "Python": "pypi",
               "Kotlin": "maven"}  # fmt: skip


def _sbom(
    org: str, repo: _Repo, present: Mapping[str, str], seed: int
) -> tuple[Json, list[_Dependency]]:
    """The repo's dependency graph as GitHub's SBOM export (SPDX 2.3): the repo, and each
    dependency of its manifests once, with its package URL; and those dependencies."""
    kind = _PURL_TYPES[repo.language]
    deps: dict[str, _Dependency] = {}
    for _, _, found in _manifests(org, repo, present, seed):
        for d in found:
            deps.setdefault(d.package, d)
    packages: list[Json] = [{
        "SPDXID": "SPDXRef-github-" + f"{org}-{repo.name}-main",
        "name": f"com.github.{org}/{repo.name}", "versionInfo": "main",
        "downloadLocation": "git+https://github.com/" + f"{org}/{repo.name}",
        "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                          "referenceLocator": f"pkg:github/{org}/{repo.name}@main"}],
    }]  # fmt: skip
    for d in deps.values():
        version = d.requirement.lstrip("^~>=< ")
        name = d.package.replace("@", "%40", 1) if d.package.startswith("@") else d.package
        if kind == "maven":
            name = name.replace(":", "/", 1)
        packages.append({
            "SPDXID": f"SPDXRef-{kind}-{re.sub(r'[^A-Za-z0-9.-]', '-', d.package)}-{version}",
            "name": f"{kind}:{d.package}", "versionInfo": d.requirement,
            "downloadLocation": "NOASSERTION", "filesAnalyzed": False,
            "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                              "referenceLocator": f"pkg:{kind}/{name}@{version}"}],
        })  # fmt: skip
    sbom = {"sbom": {
        "SPDXID": "SPDXRef-DOCUMENT", "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0",
        "name": f"com.github.{org}/{repo.name}",
        "documentNamespace": f"https://spdx.org/spdxdocs/protobom/{org}-{repo.name}",
        "creationInfo": {"creators": ["Tool: protobom-v0.0.0", "Tool: GitHub.com-Dependency-Graph"],
                         "created": "2026-06-30T18:00:00Z"},
        "packages": packages,
        "relationships": [{"relationshipType": "DEPENDS_ON", "spdxElementId": packages[0]["SPDXID"],
                           "relatedSpdxElement": p["SPDXID"]} for p in packages[1:]],
    }}  # fmt: skip
    return sbom, list(deps.values())


def _pyproject(name: str, version: str, deps: list[_Dependency]) -> str:
    lines = ["[project]", f'name = "{name}"', f'version = "{version}"',
             'requires-python = ">=3.11"', "dependencies = ["]  # fmt: skip
    lines += [f'    "{d.package}{d.requirement}",' for d in deps]
    lines += ["]", "", "[build-system]", 'requires = ["hatchling"]',
              'build-backend = "hatchling.build"']  # fmt: skip
    return "\n".join(lines) + "\n"


def _requirements(deps: list[_Dependency]) -> str:
    lines = ["# Pinned for the deploy image; bumped by dependabot."]
    return "\n".join(lines + [f"{d.package}{d.requirement}" for d in deps]) + "\n"


# npm workspaces: a repo whose package.json names members under packages/, each a package of
# its own that only its own manifest (in the member's folder) names: folder -> package name.
_WORKSPACES = {"design-system": {"tokens": "design-tokens"}}


def _workspace_files(org: str, repo: _Repo, seed: int) -> dict[str, str]:
    """The member manifests of a workspace repo, by path (they live in git, not at the root)."""
    version = _package_version(seed, org, repo.name)
    return {
        f"packages/{folder}/package.json": _package_json(f"@{org}/{package}", version, True, [], [])
        for folder, package in _WORKSPACES.get(repo.base, {}).items()
    }


def _package_json(
    name: str,
    version: str,
    publishes: bool,
    deps: list[_Dependency],
    dev: list[_Dependency],
    workspaces: bool = False,
) -> str:
    doc: Json = {"name": name, "version": version, "private": not publishes}
    if publishes:
        doc |= {"main": "dist/index.js", "types": "dist/index.d.ts", "files": ["dist"]}
    if workspaces:
        doc["workspaces"] = ["packages/*"]
    doc["scripts"] = {"build": "tsc -p .", "test": "vitest run", "lint": "eslint ."}
    doc["dependencies"] = {d.package: d.requirement for d in deps}
    doc["devDependencies"] = {d.package: d.requirement for d in dev}
    return json.dumps(doc, indent=2) + "\n"


def _go_mod(module: str, deps: list[_Dependency]) -> str:
    lines = [f"module {module}", "", "go 1.22", "", "require ("]
    lines += [f"\t{d.package} {d.requirement}" for d in deps]
    return "\n".join([*lines, ")"]) + "\n"


def _gradle(org: str, version: str, artifact: str | None, deps: list[_Dependency]) -> str:
    lines = ["plugins {", '    kotlin("jvm") version "2.0.0"', "    `maven-publish`", "}", "",
             f'group = "com.{org}"', f'version = "{version}"', "", "dependencies {"]  # fmt: skip
    lines += [f'    implementation("{d.package}:{d.requirement}")' for d in deps]
    lines.append("}")
    if artifact:  # what other repos depend on: com.acme:<artifact>
        lines += ["", "publishing {", "    publications {",
                  '        create<MavenPublication>("client") {',
                  f'            artifactId = "{artifact}"',
                  '            from(components["java"])', "        }", "    }", "}"]  # fmt: skip
    return "\n".join(lines) + "\n"


def _versions_tf(deps: list[_Dependency]) -> str:
    lines = ["terraform {", '  required_version = ">= 1.6.0"', "", "  required_providers {"]
    for d in deps:
        lines += [f"    {d.package.split('/')[1]} = {{", f'      source  = "{d.package}"',
                  f'      version = "{d.requirement}"', "    }"]  # fmt: skip
    return "\n".join([*lines, "  }", "}"]) + "\n"


def _readme(org: str, repo: _Repo) -> str:
    owner = f"@{org}/{repo.team}" if repo.team else "nobody yet"
    return (
        f"# {repo.name}\n\nThe {repo.name} service of {org.title()}, owned by {owner}.\n\n"
        "## Development\n\nSee docs/guide/setup.md; CI runs .github/workflows/ci.yml on every "
        "pull request.\n"
    )


class _DeliveryWriter:
    """Writes each repo's workflow runs, deployments and root files, and their truth."""

    def __init__(
        self, out: Path, org: _Org, users: Mapping[str, Json], repos: list[_Repo], seed: int,
        as_of: datetime, truth: Mapping[str, _Rows],
    ) -> None:  # fmt: skip
        self.out, self.org, self.users, self.seed, self.as_of = out, org, users, seed, as_of
        self.present = {r.name: r.language for r in repos}
        self.truth = truth
        self.activity: dict[str, Json] = {}
        # ids run on across the org in the order things are created, as GitHub's do
        self.run_ids = iter(range(9_100_000_000, 2**62))
        self.suite_ids = iter(range(24_000_000_000, 2**62))
        self.deployment_ids = iter(range(1_400_000_000, 2**62))
        self.status_ids = iter(range(2_900_000_000, 2**62))

    def write_repo(
        self, repo: _Repo, repo_json: Json, shipped: list[_Shipped], lives: list[_Life]
    ) -> None:
        ref = RepoRef(self.org.login, repo.name)
        root = self.out / "repos" / ref.org / ref.name
        rng = random.Random(f"{self.seed}:{ref.org}/{repo.name}:delivery")
        planner = _DeliveryPlanner(rng, self.org, repo, self.as_of)
        run_plans = planner.runs(shipped)
        runs = self._write_runs(ref, repo, root, repo_json, run_plans)
        plans = planner.deployments(shipped, _ENVIRONMENTS.get(repo.base, ()))
        statuses, ids = self._write_deployments(ref, root, plans)
        deployed = self._lead_time_truth(ref, shipped, plans, ids)
        for life in lives:  # a PR is followed to production once its repo has deployed there
            deploy_end = None if deployed is None else deployed.get(life.number, self.as_of)
            held = _held(run_plans, life, self.as_of)
            self.truth[COURTS_TRUTH].writerow(_court_row(f"{ref.org}/{ref.name}", life, held,
                                                         deploy_end))  # fmt: skip
        manifests = self._write_files(ref, repo, root)
        self.activity[repo.name] = {
            "workflow_runs": runs, "deployments": len(plans), "deployment_statuses": statuses,
            "manifests": manifests, "readme": repo.base in _READMES,
        }  # fmt: skip

    def _write_runs(
        self, ref: RepoRef, repo: _Repo, root: Path, repo_json: Json, plans: list[_RunPlan]
    ) -> int:
        plans.sort(key=lambda p: p.created)  # stable: a PR's pushes before a merge's at one second
        workflow = 50_000_000 + repo.rid % 10**6
        ids = [(next(self.run_ids), next(self.suite_ids)) for _ in plans]
        small = gh.minimal_repository(repo_json)
        small_text = json.dumps(small, separators=(",", ":"))
        rows, full_name = self.truth[RUNS_TRUTH], f"{ref.org}/{ref.name}"
        attempts = self.truth[ATTEMPTS_TRUTH]

        def rendered() -> Iterator[str]:
            for number in range(len(plans), 0, -1):  # newest first
                plan, (rid, suite) = plans[number - 1], ids[number - 1]
                facts = _run_facts(plan, rid, number, suite, workflow, self.as_of)
                rerun = facts.run_attempt > 1
                s, push = plan.pull, plan.push
                pulls = [] if s is None else [gh.run_pull_request(
                    ref, repo_json, s.pid, s.number, {"ref": s.head_ref, "sha": push.sha},
                    {"ref": "main", "sha": s.base_sha})]  # fmt: skip
                committer = _GITHUB_COMMITTER if plan.event == "push" else push.author
                rows.writerow([ref.org, full_name, str(rid), plan.event, plan.branch, push.sha,
                               str(s.number) if s else "", facts.status, facts.conclusion or "",
                               str(facts.run_attempt), iso(facts.created_at),
                               iso(facts.run_started_at), iso(facts.updated_at)])  # fmt: skip
                head = gh.head_commit(push.sha, push.tree, push.message, push.committed,
                                      push.author, committer)  # fmt: skip
                for attempt in (*_earlier_attempts(plan, facts), facts):
                    n = attempt.run_attempt
                    attempts.writerow([ref.org, full_name, str(rid), str(n), attempt.status,
                                       attempt.conclusion or "", iso(attempt.created_at),
                                       iso(attempt.run_started_at),
                                       iso(attempt.updated_at)])  # fmt: skip
                    if attempt is facts:
                        break
                    earlier = gh.workflow_run(
                        ref, attempt, actor=self.users[plan.actor],
                        triggering_actor=self.users[plan.rerun_by if n > 1 else plan.actor],
                        pull_requests=pulls, repo=small, commit_json=head,
                    )  # fmt: skip
                    folder = root / "actions" / "runs" / str(rid) / "attempts"
                    folder.mkdir(parents=True, exist_ok=True)
                    _dump(folder / f"{n}.json", earlier)
                run = gh.workflow_run(
                    ref, facts, actor=self.users[plan.actor],
                    triggering_actor=self.users[plan.rerun_by if rerun else plan.actor],
                    pull_requests=pulls, repo=small, commit_json=head,
                )  # fmt: skip
                yield _run_text(run, small_text)

        (root / "actions").mkdir()
        _dump_list(root / "actions" / "runs.json", rendered(),
                   f'{{"total_count":{len(plans)},"workflow_runs":', "}")  # fmt: skip
        return len(plans)

    def _lead_time_truth(
        self, ref: RepoRef, shipped: list[_Shipped], plans: list[_DeployPlan], ids: list[int]
    ) -> dict[int, datetime] | None:
        """deploy_lead_time.csv rows, worked out from positions on main, not from git; returns
        when each PR shipped by number, None when no production deploy succeeded by as_of (its
        repo's PRs cannot be followed to production)."""
        merges = sorted((s.merge.at, s.merge.sha, s.number) for s in shipped if s.merge)
        position = {sha: i for i, (_, sha, _) in enumerate(merges)}
        successes = sorted(
            (min(at for at, state in d.statuses if state == "success"), did, d.sha)
            for did, d in zip(ids, plans, strict=True)
            if d.environment == "production" and any(st == "success" for _, st in d.statuses)
        )  # fmt: skip
        shipped_by: dict[int, tuple[int, datetime]] = {}
        frontier = -1
        for at, did, sha in successes:
            reach = position[sha]
            for _, _, number in merges[frontier + 1 : reach + 1]:
                shipped_by[number] = (did, at)
            frontier = max(frontier, reach)
        full_name = f"{ref.org}/{ref.name}"
        for merged_at, sha, number in sorted(merges, key=lambda m: m[2]):
            did, at = shipped_by.get(number, (0, merged_at))
            self.truth[LEAD_TIME_TRUTH].writerow(
                [ref.org, full_name, str(number), sha, iso(merged_at),
                 str(did) if did else "", iso(at) if did else ""]
            )  # fmt: skip
        return {n: at for n, (_, at) in shipped_by.items()} if successes else None

    def _write_deployments(
        self, ref: RepoRef, root: Path, plans: list[_DeployPlan]
    ) -> tuple[int, list[int]]:
        ids = [next(self.deployment_ids) for _ in plans]
        statuses = sorted((at, did, n, state) for did, d in zip(ids, plans, strict=True)
                          for n, (at, state) in enumerate(d.statuses))  # fmt: skip
        status_ids = {(did, n): next(self.status_ids) for _, did, n, _ in statuses}
        rows, bot = self.truth[DEPLOYMENTS_TRUTH], self.users[DEPLOYER]
        full_name = f"{ref.org}/{ref.name}"
        listed: list[Json] = []
        for did, d in zip(ids, plans, strict=True):
            host = f"{ref.name}.{ref.org}.example.com"
            env_url = (
                f"https://{host}"
                if d.environment == "production"
                else f"https://{d.environment}.{host}"
            )
            log = f"https://deploy.{ref.org}.example.com/{ref.name}/deployments/{did}"
            items = [gh.deployment_status(
                ref, did, status_ids[(did, n)], state=state, creator=bot,
                description=_STATUS_TEXT[state], environment=d.environment, log_url=log,
                environment_url=env_url if state == "success" else "", at=at,
            ) for n, (at, state) in enumerate(d.statuses)]  # fmt: skip
            folder = root / "deployments" / str(did)
            folder.mkdir(parents=True)
            _dump(folder / "statuses.json", items[::-1])  # newest first
            last = d.statuses[-1] if d.statuses else None
            listed.append(gh.deployment(
                ref, did, sha=d.sha, git_ref=d.git_ref, environment=d.environment,
                description=d.description, creator=self.users[d.creator], created_at=d.created,
                updated_at=last[0] if last else d.created,
            ))  # fmt: skip
            rows.writerow([ref.org, full_name, str(did), d.environment, d.sha, d.git_ref, d.creator,
                           iso(d.created), last[1] if last else "",
                           iso(last[0]) if last else ""])  # fmt: skip
        _dump(root / "deployments.json", listed[::-1])  # newest first, as GitHub lists them
        return len(statuses), ids

    def root_files(self, repo: _Repo) -> dict[str, str]:
        """The repo's root manifests, its workspace members' manifests and a README, by path:
        what its first commit holds."""
        files = {name: text for name, text, _ in _manifests(self.org.login, repo, self.present,
                                                             self.seed)}  # fmt: skip
        files |= _workspace_files(self.org.login, repo, self.seed)
        if repo.base in _READMES:
            files["README.md"] = _readme(self.org.login, repo)
        return files

    def _write_files(self, ref: RepoRef, repo: _Repo, root: Path) -> list[str]:
        """The root manifests (their names, sorted) and a README for some."""
        contents = root / "contents"
        contents.mkdir(exist_ok=True)
        written: list[str] = []
        full_name = f"{ref.org}/{ref.name}"
        for name, text, deps in _manifests(ref.org, repo, self.present, self.seed):
            (contents / name).write_text(text)
            written.append(name)
            for d in deps:
                self.truth[DEPENDENCIES_TRUTH].writerow(
                    [ref.org, full_name, name, d.package, d.requirement, d.internal_repo]
                )
        if repo.base in _SBOMS:
            sbom, deps = _sbom(ref.org, repo, self.present, self.seed)
            (root / "dependency-graph").mkdir(exist_ok=True)
            _dump(root / "dependency-graph" / "sbom.json", sbom)
            for d in deps:
                self.truth[DEPENDENCIES_TRUTH].writerow(
                    [ref.org, full_name, SBOM_PATH, d.package, d.requirement, d.internal_repo]
                )
        if repo.base in _READMES:
            (contents / "README.md").write_text(_readme(ref.org, repo))
        return sorted(written)


_STATUS_TEXT = {"queued": "Deployment queued", "in_progress": "Deploying", "success": "Deployed",
                "failure": "Health checks failed", "error": "The deploy job crashed",
                "inactive": ""}  # fmt: skip


def _dump_list(path: Path, texts: Iterable[str], head: str = "", tail: str = "") -> None:
    """`head`, the items (each dumped) as one JSON array, `tail`; never the whole text at once."""
    with path.open("w") as f:
        f.write(head + "[")
        for i, text in enumerate(texts):
            f.write("," + text if i else text)
        f.write("]" + tail)


def _run_text(run: Json, repo_text: str) -> str:
    """A run as JSON. Its two copies of the repository, its last keys and most of its bytes, are
    spliced in from `repo_text`, dumped once per repo: the same bytes, a third of the work."""
    head = {key: value for key, value in run.items() if key not in _RUN_REPOS}
    text = json.dumps(head, separators=(",", ":"))
    return f'{text[:-1]},"repository":{repo_text},"head_repository":{repo_text}}}'


_RUN_REPOS = ("repository", "head_repository")
