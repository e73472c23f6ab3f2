"""Parse a CODEOWNERS file the way GitHub reads it and say which line owns a path."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Literal

from miner.raw import CODEOWNERS_PATHS

# GitHub facts below come from GitHub's docs page "About code owners"
# (https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners).

# "CODEOWNERS files must be under 3 MB in size. A CODEOWNERS file over this limit will not be
# loaded" (About code owners, "CODEOWNERS file size").
MAX_FILE_BYTES = 3 * 1024 * 1024

# Owners are "@username", "@org/team-name" or an e-mail address (About code owners,
# "CODEOWNERS syntax"). Logins are letters, digits and hyphens; managed (EMU) logins add
# "_shortcode", so underscores are allowed too.
_USER = re.compile(r"@([A-Za-z0-9_][A-Za-z0-9_-]*)")
_TEAM = re.compile(r"@([A-Za-z0-9_][A-Za-z0-9_-]*/[A-Za-z0-9_][A-Za-z0-9_-]*)")
_EMAIL = re.compile(
    r"([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+)"
)
# A GitLab section header ("[Docs]", "^[Docs][2] @owner"); GitHub has no sections.
_GITLAB_SECTION = re.compile(r"\^?\[[^\]]*\](?:\[\d+\])?(?:\s.*)?")
# Characters that mean something in a regex, in Python's re and in RE2 alike.
_REGEX_SPECIAL = frozenset("\\.^$*+?()[]{}|")


@dataclass(frozen=True)
class Owner:
    """A code owner as written, without its '@': "alice", "acme/web" or "a@b.com"."""

    kind: Literal["user", "team", "email"]
    name: str


@dataclass(frozen=True)
class Rule:
    """One valid CODEOWNERS line; `regex` full-matches the paths it covers in Python and RE2."""

    line: int
    pattern: str
    owners: tuple[Owner, ...]
    regex: str


@dataclass(frozen=True)
class LineError:
    """A line GitHub skips, with why; line 0 stands for the whole file, which GitHub does not
    load."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class Match:
    """Who owns a path; no owners means no line matched (rule None) or an owner-less one did."""

    path: str
    owners: tuple[Owner, ...]
    rule: Rule | None


@dataclass(frozen=True)
class Codeowners:
    """A parsed CODEOWNERS file: its valid rules in file order and the lines GitHub skips."""

    source: str
    rules: tuple[Rule, ...]
    errors: tuple[LineError, ...]
    _compiled: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        compiled = tuple(re.compile(rule.regex) for rule in self.rules)
        object.__setattr__(self, "_compiled", compiled)

    def match(self, path: str) -> Match:
        """Who owns a repository-relative path (no leading '/'); the last matching line wins."""
        # "the last matching pattern takes the most precedence" (About code owners, example file).
        for rule, regex in zip(reversed(self.rules), reversed(self._compiled), strict=True):
            if regex.fullmatch(path):
                return Match(path, rule.owners, rule)
        return Match(path, (), None)


def locate(paths: Collection[str]) -> str | None:
    """The CODEOWNERS file GitHub uses among a repository's file paths, or None when it has none."""
    return next((candidate for candidate in CODEOWNERS_PATHS if candidate in paths), None)


def parse(text: str, source: str = "CODEOWNERS") -> Codeowners:
    """Parse CODEOWNERS text; invalid lines are skipped, as GitHub skips them, and reported."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        reason = "the file is over GitHub's 3 MB limit, so GitHub does not load it at all"
        return Codeowners(source, (), (LineError(0, "", reason),))
    rules: list[Rule] = []
    errors: list[LineError] = []
    for number, raw in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        line = raw.removesuffix("\r")
        try:
            rule = _parse_line(number, line)
        except ValueError as exc:
            errors.append(LineError(number, line, str(exc)))
            continue
        if rule is not None:
            rules.append(rule)
    return Codeowners(source, tuple(rules), tuple(errors))


def pattern_regex(pattern: str) -> str:
    """A full-match regex, valid in Python re and RE2, for a CODEOWNERS pattern.

    Raises ValueError, saying why, for a pattern GitHub rejects.
    """
    atoms = _pattern_atoms(pattern)
    anchored = bool(atoms) and atoms[0] == _SEP
    directory = bool(atoms) and atoms[-1] == _SEP
    while atoms and atoms[0] == _SEP:
        atoms.pop(0)
    while atoms and atoms[-1] == _SEP:
        atoms.pop()
    if not atoms:
        raise ValueError(f"the pattern {pattern!r} never matches anything; use '*' for every file")
    segments = _split_segments(atoms)
    # gitignore: a slash at the start or in the middle anchors the pattern to the root;
    # otherwise it matches at any depth.
    anchored = anchored or len(segments) > 1
    body = ""
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == [_STAR, _STAR]:
            # "**/" is zero or more directories; a trailing "/**" is everything inside.
            body += ".*" if last else "(?:.*/)?"
            continue
        body += _segment_regex(segment) + ("" if last else "/")
    last_segment = segments[-1]
    if last_segment == [_STAR, _STAR]:
        suffix = ""
    elif directory:
        # A trailing "/" owns the directory's contents at any depth, not a file of that name.
        suffix = "/.*"
    elif last_segment == [_STAR] and anchored:
        # "The `docs/*` pattern will match files like `docs/getting-started.md` but not further
        # nested files like `docs/build-app/troubleshooting.md`" (About code owners).
        suffix = ""
    else:
        # A name that matches a directory also owns everything below it.
        suffix = "(?:/.*)?"
    return ("" if anchored else "(?:.*/)?") + body + suffix


# Pattern atoms: a literal character is itself (a 1-char str); wildcards and '/' are markers.
_STAR = "<*>"
_QUESTION = "<?>"
_SEP = "</>"


def _pattern_atoms(pattern: str) -> list[str]:
    """Split a pattern into literal characters and markers, rejecting what GitHub rejects."""
    # "Some syntax rules for gitignore files do not work in CODEOWNERS files: escaping a
    # pattern starting with # using \ so it is treated as a pattern and not a comment; using !
    # to negate a pattern; using [ ] to define a character range" (About code owners).
    if pattern.startswith("\\#"):
        raise ValueError(
            "'\\#' does not escape a leading '#' in CODEOWNERS (GitHub reads '#' lines as comments)"
        )
    if pattern.startswith("!"):
        raise ValueError("'!' negation is not supported in CODEOWNERS; add an owner-less line")
    atoms: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            if index + 1 == len(pattern):
                raise ValueError(f"the pattern {pattern!r} ends with a lone '\\'")
            atoms.append(pattern[index + 1])
            index += 2
            continue
        if char == "[":
            raise ValueError(
                f"'[ ]' character ranges are not supported in CODEOWNERS: {pattern!r}; "
                "list the names, or escape a literal bracket as '\\['"
            )
        atoms.append({"*": _STAR, "?": _QUESTION, "/": _SEP}.get(char, char))
        index += 1
    return atoms


def _split_segments(atoms: list[str]) -> list[list[str]]:
    segments: list[list[str]] = [[]]
    for atom in atoms:
        if atom == _SEP:
            segments.append([])
        else:
            segments[-1].append(atom)
    return segments


def _segment_regex(segment: list[str]) -> str:
    """One path segment: '*' and '?' never cross '/'; anything else is literal."""
    out = ""
    previous = ""
    for atom in segment:
        if atom == _STAR:
            # Stars inside a segment ("a**b") are ordinary stars; one is enough.
            if previous != _STAR:
                out += "[^/]*"
        elif atom == _QUESTION:
            out += "[^/]"
        else:
            out += "\\" + atom if atom in _REGEX_SPECIAL else atom
        previous = atom
    return out


def _parse_line(number: int, line: str) -> Rule | None:
    """A rule, None for a blank or comment line; ValueError says why GitHub skips the line."""
    stripped = line.strip()
    # A line starting with '#' is always a comment; GitHub has no '\#' escape (About code owners).
    if not stripped or stripped.startswith("#"):
        return None
    if _GITLAB_SECTION.fullmatch(stripped):
        raise ValueError("GitLab section headers ('[Section]') are not CODEOWNERS syntax on GitHub")
    pattern, *owner_tokens = _tokens(stripped)
    regex = pattern_regex(pattern)
    owners = tuple(_owner(token) for token in owner_tokens)
    return Rule(number, pattern, owners, regex)


def _tokens(line: str) -> list[str]:
    """Whitespace-separated tokens up to an inline '# comment'; '\\ ' keeps a space in a token."""
    tokens: list[str] = []
    current = ""
    index = 0
    while index < len(line):
        char = line[index]
        if char == "\\" and index + 1 < len(line):
            current += line[index : index + 2]
            index += 2
            continue
        if char.isspace():
            if current:
                tokens.append(current)
                current = ""
        elif char == "#" and not current:
            break
        else:
            current += char
        index += 1
    if current:
        tokens.append(current)
    return tokens


def _owner(token: str) -> Owner:
    if found := _TEAM.fullmatch(token):
        return Owner("team", found.group(1))
    if found := _USER.fullmatch(token):
        return Owner("user", found.group(1))
    if found := _EMAIL.fullmatch(token):
        return Owner("email", found.group(1))
    raise ValueError(f"{token!r} is not an owner: write @user, @org/team or an e-mail address")
