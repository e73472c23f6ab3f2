"""Read dependency manifests: the packages a repository publishes and the packages it consumes.

One parser per kind, each reading the file the way its own tool does (tomllib for TOML, PyPA's
`packaging` for PEP 508 requirements, defusedxml for Maven's XML); Gradle and Gemfiles are
programs, so only their common declarative forms are read. A line or entry a parser cannot read
becomes an error with its line number where there is one, and the rest of the file still counts.
"""

from __future__ import annotations

import bisect
import configparser
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

import yaml
from defusedxml import ElementTree
from packageurl import PackageURL
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

# A manifest longer than this is not read (it is named in manifest_errors): GitHub's own limit,
# the largest file its git blob API gives (docs.github.com/en/rest/git/blobs, "up to 100
# megabytes"), which is how a sync reads a file over the contents API's 1 MB.
MAX_MANIFEST_CHARS = 100_000_000


@dataclass(frozen=True)
class Package:
    """A package a manifest names. `requirement` is the version range as written (for a
    published package, its version); `scope` says what for: runtime, dev, peer, optional,
    build, test, indirect, or a named group or extra as `group:NAME` / `extra:NAME`."""

    ecosystem: str
    name: str
    requirement: str = ""
    scope: str = "runtime"


# The requirement of a dependency on another manifest's entry, whose key is its name: a Cargo
# member's `key = { workspace = true }` (the root's [workspace.dependencies]), a Gradle build
# script's `libs.KEY` (its version catalog's). repo_packages resolves them (Manifest.offers).
WORKSPACE = "workspace"
CATALOG = "catalog"


@dataclass
class Manifest:
    path: str
    kind: str
    publishes: list[Package] = field(default_factory=list)
    consumes: list[Package] = field(default_factory=list)
    # globs of folders holding workspace members (npm, pnpm, Cargo, uv, Go), Maven modules or
    # the projects of a Gradle build
    members: list[str] = field(default_factory=list)
    # what a manifest offers the repo's others by the key they name it with: Cargo's
    # [workspace.dependencies] (a member's `key = { workspace = true }`), a Gradle version
    # catalog's libraries and bundles (a build script's `libs.KEY`)
    offers: dict[str, list[Package]] = field(default_factory=dict)
    # the packages of `consumes` that Hatch's environments name ([tool.hatch.envs] of a
    # pyproject.toml, [envs] of a hatch.toml); None when the file has no such table. Hatch
    # reads a hatch.toml's [envs] in place of its pyproject.toml's (repo_packages drops those).
    hatch_envs: list[Package] | None = None
    errors: list[str] = field(default_factory=list)


def kind_of(path: str) -> str | None:
    """The manifest kind of a file by its name, or None when it is not one miner reads."""
    name = path.rsplit("/", 1)[-1]
    if name in _EXACT:
        return _EXACT[name]
    if name.endswith(".versions.toml"):
        return "gradle-catalog"
    if name.endswith(".txt") and (
        name.startswith("requirements") or name.endswith("requirements.txt")
    ):
        return "requirements"
    if name.endswith(".gemspec"):
        return "gemspec"
    return None


# A Go module path's major version (go.dev/ref/mod#major-version-suffixes): `/vN` for N >= 2
# at its end, or gopkg.in's `.vN` (any N, `-unstable` after it), as golang.org/x/mod's
# module.SplitPathVersion reads them.
_GO_MAJOR = re.compile(
    r"/v[2-9]$|/v[1-9][0-9]+$|^(gopkg\.in/.+)\.v(?:0|[1-9][0-9]*)(?:-unstable)?$"
)


def normalize(ecosystem: str, name: str) -> str:
    """The name two manifests of an ecosystem agree on: PyPI's canonical form (PEP 503), Cargo's
    `-` for `_`, lower case where the registry ignores case; a Go module path without its
    major version suffix, as every major version of a module comes from the one repo (a
    repo's go.mod at v2 says `module example.com/lib/v2`, where one still on v1 requires
    `example.com/lib`); Maven coordinates as written."""
    if ecosystem == "pypi":
        return str(canonicalize_name(name))
    if ecosystem == "cargo":
        return name.lower().replace("_", "-")
    if ecosystem in ("npm", "rubygems"):
        return name.lower()
    if ecosystem == "go":
        return _GO_MAJOR.sub(r"\1", name)
    return name


def parse(path: str, text: str, repo_name: str = "") -> Manifest:
    """Read one manifest; `repo_name` stands in for a Gradle project's name, which lives in
    settings.gradle, a file miner does not read."""
    kind = kind_of(path)
    if kind is None:
        raise ValueError(f"{path}: not a manifest miner reads")
    manifest = Manifest(path, kind)
    # a byte-order mark, as some Windows editors write, is no part of the file: npm, pip and
    # Bundler read past it
    text = text.removeprefix("\ufeff")
    if len(text) > MAX_MANIFEST_CHARS:
        manifest.errors.append(f"{path}: {len(text):,} characters, over {MAX_MANIFEST_CHARS:,}")
        return manifest
    try:
        _PARSERS[kind](manifest, text, repo_name)
    except Exception as exc:
        # a file that is not what its name says at all: TOML or JSON that does not parse or
        # nests too deep (RecursionError), XML that is not well-formed (ParseError is a
        # SyntaxError) or that defusedxml refuses, an INI file with no section, a key of an
        # unexpected type
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        manifest.errors.append(f"{path}: {reason}")
    return manifest


# -- Python -------------------------------------------------------------------------------------


def _requirement(m: Manifest, text: str, scope: str, where: str = "") -> Package | None:
    """A PEP 508 requirement; a bad one is an error of the manifest."""
    try:
        req = Requirement(text)
    except InvalidRequirement as exc:
        reason = str(exc).splitlines()[0]
        m.errors.append(f"{m.path}{where}: {text!r} is not a requirement ({reason})")
        return None
    spec = req.url or str(req.specifier)
    if req.marker is not None:
        spec = f"{spec}; {req.marker}" if spec else f"; {req.marker}"
    return Package("pypi", req.name, spec, scope)


def _add(m: Manifest, package: Package | None) -> None:
    if package is not None:
        m.consumes.append(package)


_EGG = re.compile(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
# a URL or path pip installs from (`git+https://…`, `file:…`, `./lib`), not a requirement
_LOCATION = re.compile(r"^(git\+|hg\+|svn\+|bzr\+|https?:|file:|\.|/)")


def _located(line: str, scope: str) -> Package | None:
    """The package a URL or path names by its `#egg=`, or None when it names none."""
    egg = _EGG.search(line)
    return Package("pypi", egg.group(1), line.split("#", 1)[0], scope) if egg else None


def _requirements_txt(m: Manifest, text: str, _: str) -> None:
    """pip's requirements format: one requirement a line, `\\` continues a line, `#` starts a
    comment, options (`-r`, `-c`, `--index-url`, `--hash`) are not packages; a URL or path
    names its package by `#egg=`."""
    logical: list[tuple[int, str]] = []
    pending, start = "", 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        logical.append((start, pending + line))
        pending = ""
    if pending:
        logical.append((start, pending))
    for number, line in logical:
        line = re.sub(r"(^|\s)#.*$", "", line).strip()
        # an editable install (-e URL#egg=NAME, -e ./path) names a package like any other line
        line = re.sub(r"^(-e|--editable)(\s+|=)", "", line)
        line = re.sub(r"\s--?[a-z][\w-]*(=\S+|\s+\S+)?", "", f" {line}").strip()
        if not line or line.startswith("-"):
            continue
        if _LOCATION.match(line):  # a URL or path: the package its #egg= names, if any
            _add(m, _located(line, "runtime"))
            continue
        _add(m, _requirement(m, line, "runtime", f" line {number}"))


def _workspace_members(workspace: dict[str, Any]) -> list[str]:
    """A TOML workspace's member globs, then its `exclude`s led by `!`: folders the globs
    match that are no members (Cargo's and uv's [workspace] tables say it alike)."""
    return [str(w).rstrip("/") for w in workspace.get("members", [])] + [
        "!" + str(w).rstrip("/") for w in workspace.get("exclude", [])
    ]


def _pyproject(m: Manifest, text: str, _: str) -> None:
    doc = tomllib.loads(text)
    project = doc.get("project", {})
    # a uv workspace's members: folders with a pyproject.toml each (docs.astral.sh/uv,
    # "Using workspaces")
    m.members = _workspace_members(doc.get("tool", {}).get("uv", {}).get("workspace", {}))
    # Rye's are alike ([tool.rye.workspace] members, rye.astral.sh, "Workspaces")
    m.members += _workspace_members(doc.get("tool", {}).get("rye", {}).get("workspace", {}))
    poetry = doc.get("tool", {}).get("poetry", {})
    # an application, not a package: uv builds nothing of it, nor does Poetry's non-package mode
    application = (
        doc.get("tool", {}).get("uv", {}).get("package") is False
        or poetry.get("package-mode") is False
    )
    for name in (project.get("name"), poetry.get("name")):
        if isinstance(name, str) and not application:
            version = project.get("version") or poetry.get("version") or ""
            m.publishes.append(Package("pypi", name, str(version), "runtime"))
            break
    for item in _strings(m, "[project] dependencies", project.get("dependencies", [])):
        _add(m, _requirement(m, item, "runtime"))
    extras = _table(m, "[project] optional-dependencies", project.get("optional-dependencies"))
    for extra, items in extras.items():
        for item in _strings(m, f"[project.optional-dependencies] {extra}", items):
            _add(m, _requirement(m, item, f"extra:{extra}"))
    for group, items in _table(m, "[dependency-groups]", doc.get("dependency-groups")).items():
        if isinstance(items, list):  # {include-group = ...} adds no package of its own
            items = [i for i in items if not isinstance(i, dict)]
        for item in _strings(m, f"[dependency-groups] {group}", items):
            _add(m, _requirement(m, item, f"group:{group}"))
    # uv's, Rye's and PDM's development dependencies from before PEP 735, and Hatch's
    # environments: uv merges its list into the group dev (uv 0.4.27's release notes), and so
    # does Rye (rye.astral.sh, "pyproject.toml"); PDM's table holds groups, an item of which may
    # be an editable `-e URL#egg=NAME` or `-e ./path` (pdm-project.org, "Development
    # dependencies")
    groups = [
        ("dev", f"[tool.{tool}] dev-dependencies", dev)
        for tool in ("uv", "rye")
        if (dev := doc.get("tool", {}).get(tool, {}).get("dev-dependencies")) is not None
    ]
    pdm = _table(m, "[tool.pdm.dev-dependencies]",
                 doc.get("tool", {}).get("pdm", {}).get("dev-dependencies"))  # fmt: skip
    groups += [(g, f"[tool.pdm.dev-dependencies] {g}", items) for g, items in pdm.items()]
    _add_groups(m, groups)
    _hatch_envs(m, "tool.hatch.envs", doc.get("tool", {}).get("hatch", {}).get("envs"))
    for item in _strings(
        m, "[build-system] requires", doc.get("build-system", {}).get("requires", [])
    ):
        _add(m, _requirement(m, item, "build"))
    tables = [
        ("runtime", "[tool.poetry] dependencies", poetry.get("dependencies")),
        ("dev", "[tool.poetry] dev-dependencies", poetry.get("dev-dependencies")),
    ]
    tables += [
        (f"group:{g}", f"[tool.poetry.group.{g}] dependencies", t.get("dependencies"))
        for g, t in _table(m, "[tool.poetry] group", poetry.get("group")).items()
        if isinstance(t, dict)
    ]
    for scope, where, table in tables:
        for name, spec in _table(m, where, table).items():
            if name.lower() == "python":
                continue  # the interpreter, not a package
            # `optional = true`: only with the extra that names it, as `<optional>` in Maven
            optional = isinstance(spec, dict) and spec.get("optional") is True
            said = "optional" if optional and scope == "runtime" else scope
            m.consumes.append(Package("pypi", name, _poetry_spec(spec), said))


def _add_groups(m: Manifest, groups: list[tuple[str, str, Any]]) -> None:
    """(group, where, items): each item a requirement of `group:GROUP`, or an editable
    `-e URL#egg=NAME` / `-e ./path` (PDM's)."""
    for group, where, items in groups:
        for item in _strings(m, where, items):
            editable = re.match(r"^\s*(?:-e|--editable)(?:\s+|=)(.*)$", item)
            if editable:
                _add(m, _located(editable.group(1).strip(), f"group:{group}"))
            else:
                _add(m, _requirement(m, item, f"group:{group}"))


def _hatch_envs(m: Manifest, table: str, envs: Any) -> None:
    """Hatch's environments under `table` (hatch.pypa.io, "Environment configuration"): each
    names `dependencies` and `extra-dependencies`, a group of the environment's name."""
    if envs is None:
        return
    before = len(m.consumes)
    groups = [
        (env, f"[{table}.{env}] {key}", spec[key])
        for env, spec in _table(m, f"[{table}]", envs).items()
        if isinstance(spec, dict)
        for key in ("dependencies", "extra-dependencies")
        if key in spec
    ]
    _add_groups(m, groups)
    m.hatch_envs = m.consumes[before:]


def _hatch_toml(m: Manifest, text: str, _: str) -> None:
    """A hatch.toml beside a pyproject.toml: Hatch's [tool.hatch] tables without the prefix
    (hatch.pypa.io, "Configuration"); its environments are what miner reads of it."""
    _hatch_envs(m, "envs", tomllib.loads(text).get("envs"))


def _table(m: Manifest, where: str, value: Any) -> dict[str, Any]:
    """A TOML table as TOML gives it, or none when absent; anything else is an error of the
    manifest, and the rest of the file still counts."""
    if value is None or isinstance(value, dict):
        return value or {}
    m.errors.append(f"{m.path}: {where} is not a table")
    return {}


def _strings(m: Manifest, where: str, value: Any) -> list[str]:
    """An array of strings as TOML gives it; anything else is an error of the manifest."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    m.errors.append(f"{m.path}: {where} is not an array of strings")
    return []


def _poetry_spec(spec: Any) -> str:
    if isinstance(spec, str):
        return spec
    if isinstance(spec, dict):
        return str(
            spec.get("version") or spec.get("git") or spec.get("path") or spec.get("url") or ""
        )
    if isinstance(spec, list):  # several constraints by marker
        return " || ".join(_poetry_spec(s) for s in spec)
    return ""


def _setup_cfg(m: Manifest, text: str, _: str) -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    if parser.has_option("metadata", "name"):
        version = parser.get("metadata", "version", fallback="")
        if version.startswith(("attr:", "file:")):  # computed when built: not in this file
            version = ""
        m.publishes.append(Package("pypi", parser.get("metadata", "name"), version, "runtime"))
    for option, scope in (("install_requires", "runtime"), ("setup_requires", "build"),
                          ("tests_require", "test")):  # fmt: skip
        for item in _cfg_list(parser.get("options", option, fallback="")):
            _add(m, _requirement(m, item, scope))
    if parser.has_section("options.extras_require"):
        for extra, value in parser.items("options.extras_require"):
            for item in _cfg_list(value):
                _add(m, _requirement(m, item, f"extra:{extra}"))


def _cfg_list(value: str) -> Iterator[str]:
    """A setup.cfg list of requirements as setuptools reads it: one per line, or, a value on
    one line, split at `;` (setuptools' _parse_list_semicolon)."""
    for line in value.splitlines() if "\n" in value else value.split(";"):
        line = re.sub(r"(^|\s)#.*$", "", line).strip()
        if line:
            yield line


# -- JavaScript ---------------------------------------------------------------------------------

_NPM_SCOPES = (("dependencies", "runtime"), ("devDependencies", "dev"),
               ("peerDependencies", "peer"), ("optionalDependencies", "optional"))  # fmt: skip


def _pnpm_workspace(m: Manifest, text: str, _: str) -> None:
    """pnpm's workspace file (pnpm.io/pnpm-workspace_yaml): `packages` globs of the folders
    holding its packages, a glob led by `!` leaving folders out. It publishes and consumes
    nothing itself."""
    doc = yaml.safe_load(text) or {}
    # no `packages` (an empty file, or catalogs alone): the root package alone (pnpm 10)
    packages = doc.get("packages") or [] if isinstance(doc, dict) else None
    if not isinstance(packages, list) or not all(isinstance(p, str) for p in packages):
        m.errors.append(f"{m.path}: packages is not a list of strings")
        return
    m.members = _js_member_globs(packages)


def _package_json(m: Manifest, text: str, _: str) -> None:
    doc = json.loads(text)
    if not isinstance(doc, dict):
        raise ValueError("package.json holds no object")
    name = doc.get("name")
    # a private package never reaches a registry: nobody outside its workspace consumes it
    if isinstance(name, str) and not doc.get("private"):
        m.publishes.append(Package("npm", name, str(doc.get("version") or ""), "runtime"))
    for key, scope in _NPM_SCOPES:
        table = doc.get(key) or {}
        if not isinstance(table, dict):
            m.errors.append(f"{m.path}: {key} is not an object")
            continue
        for dep, spec in table.items():
            real = dep
            if isinstance(spec, str) and spec.startswith("npm:"):  # an alias: "npm:real@1.0"
                real, _, spec = spec[4:].rpartition("@") if "@" in spec[5:] else (spec[4:], "", "")
            m.consumes.append(Package("npm", real, str(spec), scope))
    workspaces = doc.get("workspaces")
    if isinstance(workspaces, dict):
        workspaces = workspaces.get("packages")
    if isinstance(workspaces, list):
        m.members = _js_member_globs([str(w) for w in workspaces])


def _js_member_globs(globs: list[str]) -> list[str]:
    """npm's and pnpm's workspace globs as member globs: a leading `./` and a trailing `/` go;
    a glob led by `!` leaves folders out, and keeps its `!`."""
    return [
        ("!" if g.startswith("!") else "") + g.removeprefix("!").removeprefix("./").rstrip("/")
        for g in globs
    ]


# -- Go -----------------------------------------------------------------------------------------


def _go_directives(text: str) -> Iterator[tuple[int, str, str, list[str]]]:
    """A go.mod or go.work file's directives (go.dev/ref/mod#go-mod-file-grammar), one per
    line: (line number, the line as written, its verb, its arguments). A block, `require (`
    ... `)`, gives each of its lines the block's verb; `//` comments are no part of a line."""
    block = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        if block and line == ")":
            block = ""
        elif not block and re.fullmatch(r"[a-z]+\s*\(\s*\)", line):
            continue  # a block opened and closed on one line, `require ()`: it says nothing
        elif not block and re.fullmatch(r"[a-z]+\s*\(", line):
            block = line.rstrip("( \t")
        elif block:
            yield number, raw, block, line.split()
        else:
            verb, *args = line.split()
            yield number, raw, verb, args


def _go_mod(m: Manifest, text: str, _: str) -> None:
    replaces: list[tuple[str, str, str, str]] = []
    for number, raw, verb, args in _go_directives(text):
        if verb == "module" and args:
            m.publishes.append(Package("go", args[0].strip('"'), "", "runtime"))
        elif verb == "require":
            if len(args) != 2:
                m.errors.append(f"{m.path} line {number}: {raw.strip()!r} is not a requirement")
                continue
            scope = "indirect" if "// indirect" in raw else "runtime"
            m.consumes.append(Package("go", args[0].strip('"'), args[1], scope))
        elif verb == "replace":
            replace = _go_replace(args)
            if replace is None:
                m.errors.append(f"{m.path} line {number}: {raw.strip()!r} is not a replacement")
            else:
                replaces.append(replace)
    m.consumes += [r for p in m.consumes if (r := _go_replaced(p, replaces)) is not None]


def _go_replace(words: list[str]) -> tuple[str, str, str, str] | None:
    """`old [version] => new [version]` as (old, old version or "", new, new version or "")."""
    words = [w.strip('"') for w in words]
    if "=>" not in words:
        return None
    arrow = words.index("=>")
    old, new = words[:arrow], words[arrow + 1 :]
    if len(old) not in (1, 2) or len(new) not in (1, 2):
        return None
    return old[0], old[1] if len(old) == 2 else "", new[0], new[1] if len(new) == 2 else ""


def _go_replaced(package: Package, replaces: list[tuple[str, str, str, str]]) -> Package | None:
    """The module a requirement's code comes from, when a replace directive names another
    (go.dev/ref/mod#go-mod-file-replace): a fork under its own path, at its version. The
    requirement still counts too, since the fork's go.mod may declare the required path
    instead of its own, and imports keep naming it. A replacement by a local folder (`./`,
    `../` or a rooted path, no version) stands in for the required module while developing:
    nothing more. A replacement of one version applies to that version alone, and wins over
    one of every version."""
    matches = [r for r in replaces if r[:2] == (package.name, package.requirement)] or [
        r for r in replaces if r[:2] == (package.name, "")
    ]
    if not matches or not matches[-1][3] or matches[-1][2] == package.name:
        return None
    return Package("go", matches[-1][2], matches[-1][3], package.scope)


def _go_work(m: Manifest, text: str, _: str) -> None:
    """A Go workspace (go.dev/ref/mod#go-work-file): the folders of its `use` directives hold
    its modules, each with a go.mod. It publishes and consumes nothing itself."""
    for _number, _line, verb, args in _go_directives(text):
        if verb == "use" and args:
            m.members.append(" ".join(args).strip('"').rstrip("/"))


# -- Rust ---------------------------------------------------------------------------------------


def _cargo_toml(m: Manifest, text: str, _: str) -> None:
    doc = tomllib.loads(text)
    package = doc.get("package", {})
    if isinstance(package.get("name"), str):
        version = package.get("version")
        # `version.workspace = true` takes the workspace's version, which this file does not say
        said = version if isinstance(version, str) else ""
        m.publishes.append(Package("cargo", package["name"], said, "runtime"))
    workspace = doc.get("workspace", {})
    m.members = _workspace_members(workspace)
    tables: list[tuple[str, dict[str, Any]]] = [
        ("runtime", doc.get("dependencies", {})),
        ("dev", doc.get("dev-dependencies", {})),
        ("build", doc.get("build-dependencies", {})),
        ("runtime", workspace.get("dependencies", {})),
    ]
    for target in doc.get("target", {}).values():
        tables += [("runtime", target.get("dependencies", {})),
                   ("dev", target.get("dev-dependencies", {})),
                   ("build", target.get("build-dependencies", {}))]  # fmt: skip
    for scope, table in tables:
        for name, spec in table.items():
            m.consumes.append(_cargo_dependency(name, spec, scope))
    # a member's `key = { workspace = true }` is the root's entry of that key
    m.offers = {
        key: [_cargo_dependency(key, spec, "runtime")]
        for key, spec in workspace.get("dependencies", {}).items()
    }


def _cargo_dependency(key: str, spec: Any, scope: str) -> Package:
    """A dependency table's entry: `key = "1.2"`, or a table whose `package` renames the crate
    (`alias = { package = "time" }` is the crate time) and whose version may be a git or path
    source, or `workspace = true`: the workspace root's entry of that key (`offers`)."""
    if not isinstance(spec, dict):
        return Package("cargo", key, str(spec), scope)
    version = spec.get("version") or spec.get("git") or spec.get("path") or ""
    if spec.get("workspace"):
        version = WORKSPACE
    if spec.get("optional") is True and scope == "runtime":
        scope = "optional"  # built only with a feature that names it
    return Package("cargo", str(spec.get("package") or key), str(version), scope)


# -- JVM ----------------------------------------------------------------------------------------


def _pom_xml(m: Manifest, text: str, _: str) -> None:
    root = ElementTree.fromstring(text)
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""

    def child(node: Element | None, tag: str) -> str:
        found = None if node is None else node.find(f"{ns}{tag}")
        return (found.text or "").strip() if found is not None else ""

    props = {}
    for node in root.findall(f"{ns}properties/*"):
        props[node.tag.removeprefix(ns)] = (node.text or "").strip()
    parent = root.find(f"{ns}parent")
    group = child(root, "groupId") or child(parent, "groupId")
    version = child(root, "version") or child(parent, "version")
    props.update({"project.groupId": group, "project.version": version})

    def resolve(value: str) -> str:
        return re.sub(r"\$\{([^}]+)\}", lambda g: props.get(g.group(1), g.group(0)), value)

    artifact = child(root, "artifactId")
    if group and artifact:
        m.publishes.append(Package("maven", f"{resolve(group)}:{artifact}", resolve(version)))
    # the dependencies of the project and of its profiles (each build resolves them when the
    # profile is active); a BOM imported into dependencyManagement (scope `import`) is resolved
    # too, the rest of dependencyManagement only sets versions
    deps = [*root.findall(f"{ns}dependencies/{ns}dependency"),
            *root.findall(f"{ns}profiles/{ns}profile/{ns}dependencies/{ns}dependency")]  # fmt: skip
    deps += [
        d
        for d in root.findall(f"{ns}dependencyManagement/{ns}dependencies/{ns}dependency")
        if child(d, "scope") == "import"
    ]
    for dep in deps:
        g, a = resolve(child(dep, "groupId")), resolve(child(dep, "artifactId"))
        if not g or not a:
            m.errors.append(f"{m.path}: a dependency without groupId or artifactId")
            continue
        scope = child(dep, "scope") or "runtime"
        if child(dep, "optional") == "true" and scope in ("runtime", "compile"):
            scope = "optional"
        m.consumes.append(Package("maven", f"{g}:{a}", resolve(child(dep, "version")),
                                  "runtime" if scope == "compile" else scope))  # fmt: skip
    # the parent POM the build inherits from, and the plugins it runs: read when it builds
    builds = [parent] if parent is not None and child(parent, "artifactId") else []
    builds += root.findall(f"{ns}build/{ns}plugins/{ns}plugin")
    builds += root.findall(f"{ns}profiles/{ns}profile/{ns}build/{ns}plugins/{ns}plugin")
    for node in builds:
        # a plugin's groupId defaults to org.apache.maven.plugins (Maven's POM reference)
        g = resolve(child(node, "groupId")) or "org.apache.maven.plugins"
        a = resolve(child(node, "artifactId"))
        if not a:
            m.errors.append(f"{m.path}: a plugin without artifactId")
            continue
        m.consumes.append(Package("maven", f"{g}:{a}", resolve(child(node, "version")), "build"))
    m.members = [(node.text or "").strip() for node in root.findall(f"{ns}modules/{ns}module")]


# Configurations a Gradle build declares dependencies in, and the scope each stands for.
_GRADLE_SCOPES = {
    "implementation": "runtime", "api": "runtime", "compile": "runtime",
    "runtimeOnly": "runtime", "compileOnly": "build", "annotationProcessor": "build",
    "kapt": "build", "ksp": "build", "testImplementation": "test", "testRuntimeOnly": "test",
    "testCompileOnly": "test", "androidTestImplementation": "test",
    "testFixturesApi": "test", "testFixturesImplementation": "test",
    "testFixturesCompileOnly": "test", "compileOnlyApi": "build",
    "debugImplementation": "dev",
}  # fmt: skip
# A configuration of a source set or variant of its own (`integrationTestImplementation`,
# `jvmMainApi`, `releaseRuntimeOnly`): the scope of the configuration its name ends in.
_GRADLE_SUFFIXES = {"Implementation": "runtime", "Api": "runtime", "RuntimeOnly": "runtime",
                    "CompileOnly": "build", "CompileOnlyApi": "build"}  # fmt: skip
_GRADLE_STRING = re.compile(
    # a declaration starts a line or follows a `{` or `;` on it (`dependencies { api("g:a:1") }`)
    r"(?:^|[{;])[ \t]*(?P<conf>[A-Za-z]+)\s*\(?\s*(?:(?:enforcedPlatform|platform)\s*\(\s*)?"
    r"[\"'](?P<coords>[^\"']+)[\"']"
    # Groovy takes several at once: `implementation "g:a:1", "g:b:1"`
    r"(?P<more>(?:[ \t]*,[ \t]*[\"'][^\"'\n]+[\"'])*)",
    re.MULTILINE,
)
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")
# a library of the version catalog: `implementation(libs.guava)`, `api libs.bundles.ktor`
_GRADLE_CATALOG_USE = re.compile(
    r"(?:^|[{;])[ \t]*(?P<conf>[A-Za-z]+)\s*\(?\s*(?:(?:enforcedPlatform|platform)\s*\(\s*)?"
    r"libs\.(?P<key>[A-Za-z][\w.]*?)(?:\.get\(\))?(?=\s*[),;}\n]|\s*$)",
    re.MULTILINE,
)
# the projects of a multi-project build: `include("app", ":lib:core")`, `include 'app'`
_GRADLE_INCLUDE = re.compile(r"^\s*include\b\s*\(?((?:\s*,?\s*[\"'][^\"'\n]*[\"'])+)", re.MULTILINE)
_GRADLE_MAP = re.compile(
    r"(?:^|[{;])[ \t]*(?P<conf>[A-Za-z]+)\s*\(?\s*group\s*[:=]\s*[\"'](?P<group>[^\"']+)[\"']"
    r"\s*,\s*name\s*[:=]\s*[\"'](?P<name>[^\"']+)[\"']"
    r"(?:\s*,\s*version\s*[:=]\s*[\"'](?P<version>[^\"']+)[\"'])?",
    re.MULTILINE,
)
_GRADLE_GROUP = re.compile(r"^\s*(?:project\.)?group\s*=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_GRADLE_VERSION = re.compile(r"^\s*(?:project\.)?version\s*=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_GRADLE_ARTIFACT = re.compile(r"artifactId\s*=\s*[\"']([^\"']+)[\"']")
_GRADLE_GROUP_ID = re.compile(r"groupId\s*=\s*[\"']([^\"']+)[\"']")
# Blocks a project's own `group` and `version` may be set in: none, or the root project's
# blocks that set them for every project.
_GRADLE_PROJECT_BLOCKS = {"allprojects", "subprojects"}


def _without_comments(script: str) -> str:
    """A Groovy or Kotlin script without its `/* */` and `//` comments (a `//` inside a URL
    string, after no space, stays)."""
    code = re.sub(r"/\*.*?\*/", "", script, flags=re.DOTALL)
    return re.sub(r"(^|\s)//[^\n]*", r"\1", code)


def _gradle_scope(conf: str) -> str | None:
    if conf in _GRADLE_SCOPES:
        return _GRADLE_SCOPES[conf]
    for suffix in sorted(_GRADLE_SUFFIXES, key=len, reverse=True):
        prefix = conf.removesuffix(suffix)
        if prefix != conf and prefix and prefix[0].islower():
            return "test" if "test" in prefix.lower() else _GRADLE_SUFFIXES[suffix]
    return None


def _gradle_blocks(code: str) -> Callable[[int], list[str]]:
    """The names of the blocks around each offset of a build script: `dependencies`,
    `constraints`, `allprojects`, `tasks.register`, `maven`… (the name before the `{`, past
    any call arguments), braces in strings aside."""
    spans: list[tuple[int, int, str]] = []
    opened: list[tuple[int, str]] = []
    quote = ""
    for i, c in enumerate(code):
        if quote:
            if c == quote and code[i - 1] != "\\":
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "{":
            head = code[code.rfind("\n", 0, i) + 1 : i]
            if not head.strip():  # a brace on a line of its own: the name is on the one above
                head = code[: code.rfind("\n", 0, i)].rstrip().rpartition("\n")[2]
            said = re.search(r"([A-Za-z_][\w.]*)\s*(?:<[^>]*>)?\s*(?:\(.*\))?\s*$", head)
            opened.append((i, said.group(1) if said else ""))
        elif c == "}" and opened:
            begin, name = opened.pop()
            spans.append((begin, i, name))
    spans += [(begin, len(code), name) for begin, name in opened]
    # blocks nest: the ones around an offset are the last one opened before it and its
    # enclosing ones, those not closed before it (a lookup by bisection, not a scan of every
    # block for every declaration, so a long script is read in linear time)
    spans.sort()
    begins = [begin for begin, _, _ in spans]
    parents: list[int] = []
    for i, (begin, _end, _) in enumerate(spans):
        up = i - 1
        while up >= 0 and spans[up][1] < begin:
            up = parents[up]
        parents.append(up)

    def around(at: int) -> list[str]:
        names: list[str] = []
        i = bisect.bisect_left(begins, at) - 1
        while i >= 0:
            if spans[i][1] > at:
                names.append(spans[i][2])
            i = parents[i]
        return names[::-1]

    return around


def _gradle(m: Manifest, text: str, repo_name: str) -> None:
    """The declarative forms: `implementation("g:a:v")`, `api 'g:a:v'`, the map notation
    `implementation group: 'g', name: 'a', version: 'v'`, outside `constraints` blocks (which
    add no dependency); published as the project's `group` (set at the top, or for every
    project in `allprojects`/`subprojects`; a task's `group` is its category) or the
    publication's groupId, with each publication's artifactId, or the project's name (the
    repo's) under maven-publish."""
    code = _without_comments(text)
    blocks = _gradle_blocks(code)
    for match in _GRADLE_STRING.finditer(code):
        scope = _gradle_scope(match.group("conf"))
        if scope is None or "constraints" in blocks(match.start("conf")):
            continue
        for text_coords in [match.group("coords"), *_QUOTED.findall(match.group("more"))]:
            coords = text_coords.split(":")
            if len(coords) < 2 or "$" in coords[0] or "$" in coords[1]:
                continue  # no coordinate, or one built from variables: nothing to match it to
            version = coords[2] if len(coords) > 2 else ""
            if "$" in version:  # "$libVersion", "${v}": set elsewhere in the build
                version = ""
            m.consumes.append(Package("maven", f"{coords[0]}:{coords[1]}", version, scope))
    for match in _GRADLE_CATALOG_USE.finditer(code):
        scope = _gradle_scope(match.group("conf"))
        if scope is not None and "constraints" not in blocks(match.start("conf")):
            # the catalog's entry of that key (repo_packages resolves it): `libs.KEY` is an
            # accessor, the catalog's name for it once `-` and `_` read as `.`
            m.consumes.append(Package("maven", match.group("key"), CATALOG, scope))
    for match in _GRADLE_MAP.finditer(code):
        scope = _gradle_scope(match.group("conf"))
        if scope is not None and "constraints" not in blocks(match.start("conf")):
            name = f"{match.group('group')}:{match.group('name')}"
            m.consumes.append(Package("maven", name, match.group("version") or "", scope))

    def project_level(pattern: re.Pattern[str]) -> str | None:
        found = (
            x for x in pattern.finditer(code) if set(blocks(x.start())) <= _GRADLE_PROJECT_BLOCKS
        )
        return next((x.group(1) for x in found), None)

    group_id = _GRADLE_GROUP_ID.search(code)
    group = group_id.group(1) if group_id else project_level(_GRADLE_GROUP)
    if group is None:
        return
    version = project_level(_GRADLE_VERSION) or ""
    artifacts = _GRADLE_ARTIFACT.findall(code)
    if not artifacts and "maven-publish" in code and repo_name:
        artifacts = [repo_name]
    for artifact in artifacts:
        m.publishes.append(Package("maven", f"{group}:{artifact}", version))


def _gradle_catalog(m: Manifest, text: str, _: str) -> None:
    """A Gradle version catalog (docs.gradle.org, "Version Catalogs"): its [libraries] and
    [bundles], offered to the build scripts by accessor (`guava-core` is `libs.guava.core`);
    `version.ref` names a [versions] entry. It consumes nothing itself: a build script's use
    of an entry does."""
    doc = tomllib.loads(text)
    versions = _table(m, "[versions]", doc.get("versions"))
    libraries: dict[str, Package] = {}
    for alias, spec in _table(m, "[libraries]", doc.get("libraries")).items():
        if isinstance(spec, str):
            coords = spec.split(":")
            if len(coords) >= 2:
                name, version = f"{coords[0]}:{coords[1]}", ":".join(coords[2:])
            else:
                m.errors.append(f"{m.path}: [libraries] {alias} = {spec!r} is no g:a:v")
                continue
        elif isinstance(spec, dict):
            module = spec.get("module") or f"{spec.get('group', '')}:{spec.get('name', '')}"
            version = spec.get("version", "")
            if isinstance(version, dict):
                ref = version.get("ref")
                rich = version.get("strictly") or version.get("require") or version.get("prefer")
                version = versions.get(ref, "") if ref else rich or ""
                version = version if isinstance(version, str) else ""
            name, version = str(module), str(version)
            if name.startswith(":") or name.endswith(":"):
                m.errors.append(f"{m.path}: [libraries] {alias} has no module")
                continue
        else:
            m.errors.append(f"{m.path}: [libraries] {alias} is no library")
            continue
        libraries[alias] = Package("maven", name, version)
        m.offers[_accessor(alias)] = [libraries[alias]]
    for bundle, aliases in _table(m, "[bundles]", doc.get("bundles")).items():
        names = aliases if isinstance(aliases, list) else []
        m.offers[f"bundles.{_accessor(bundle)}"] = [
            libraries[a] for a in names if isinstance(a, str) and a in libraries
        ]


def _accessor(alias: str) -> str:
    """A catalog alias as build scripts name it: `-`, `_` and `.` all separate (Gradle)."""
    return re.sub(r"[-_.]", ".", alias)


def _gradle_settings(m: Manifest, text: str, _: str) -> None:
    """settings.gradle(.kts): the projects a multi-project build includes are its members,
    `:lib:core` in the folder lib/core (Gradle's default layout)."""
    code = _without_comments(text)
    for match in _GRADLE_INCLUDE.finditer(code):
        for project in _QUOTED.findall(match.group(1)):
            m.members.append(project.strip(":").replace(":", "/"))


# -- Ruby ---------------------------------------------------------------------------------------

_GEM = re.compile(r"""^\s*gem\s*\(?\s*["']([^"']+)["']((?:\s*,\s*["'][^"']*["'])*)""")
_GEM_GROUP = re.compile(r"^\s*group\b\s*\(?(.+?)\)?\s*do\b")
# a gem's own group option: `group: :test`, `groups: [:test, :dev]`, `:group => :test`
_GEM_OWN_GROUP = re.compile(r"(?:\bgroups?:|:groups?\s*=>)\s*\[?\s*:(\w+)")
_GEMSPEC_NAME = re.compile(r"""\.name\s*=\s*["']([^"']+)["']""")
_GEMSPEC_VERSION = re.compile(r"""\.version\s*=\s*["']([^"']+)["']""")
_GEMSPEC_DEP = re.compile(
    # the name quoted or as a generated gemspec writes it (`%q<rake>.freeze`); the versions
    # listed after it or in an array (`["~> 1.0", "< 3"]`)
    r"""\.add_(runtime_|development_)?dependency\s*\(?\s*"""
    r"""(?:["']([^"']+)["']|%q[<{(\[]([^>})\]]+)[>})\]])(?:\.freeze)?"""
    r"""((?:\s*,\s*\[?\s*["'][^"']*["'](?:\.freeze)?\s*\]?)*)"""
)


def _versions(rest: str) -> str:
    return ", ".join(re.findall(r"""["']([^"']*)["']""", rest))


def _ruby_statements(text: str) -> Iterator[str]:
    """A Ruby file's lines, less their comments, each line Ruby reads on past (one ending in
    `,` or `\\`, or inside open parentheses or brackets: a gem's versions and options on the
    lines below it) joined to the next."""
    pending = ""
    for raw in text.splitlines():
        line = pending + raw.split("#", 1)[0].rstrip()
        code = re.sub(r"'[^']*'|\"[^\"]*\"", "", line)  # a bracket in a string opens nothing
        opened = code.count("(") - code.count(")") + code.count("[") - code.count("]")
        if line.endswith((",", "\\")) or opened > 0:
            pending = line.removesuffix("\\") + " "
            continue
        pending = ""
        yield line
    if pending:
        yield pending


def _gemfile(m: Manifest, text: str, _: str) -> None:
    """`gem` lines; a gem inside `group :test do ... end` has scope group:test. Every other
    block (`platforms ... do`, `install_if ... do`, `source ... do`) keeps its enclosing group,
    so each `do` opens a level and each `end` closes one."""
    blocks: list[str | None] = []  # per open block: its group, or None
    for line in _ruby_statements(text):
        # a group block on one line, `group(:doc) { gem "yard" }`: its gems, in that group
        braces = re.match(r"^\s*group\b\s*\(?([^{)]*)\)?\s*\{(.*)\}\s*$", line)
        if braces:
            names = re.findall(r":(\w+)", braces.group(1))
            for statement in braces.group(2).split(";"):
                gem = _GEM.match(statement)
                if gem:
                    scope = f"group:{names[0] if names else 'group'}"
                    m.consumes.append(
                        Package("rubygems", gem.group(1), _versions(gem.group(2)), scope)
                    )
            continue
        group = _GEM_GROUP.match(line)
        if group:
            names = re.findall(r":(\w+)", group.group(1))
            blocks.append(names[0] if names else "group")
            continue
        # a statement opened and closed on one line (`if x then gem 'y' end`): its body
        one_line = re.match(r"^\s*(?:if|unless)\b.*?(?:\bthen\b|;)\s*(.*?)[\s;]*\bend\s*$", line)
        if one_line:
            line = one_line.group(1)
        elif re.search(r"\bdo\s*(\|[^|]*\|)?\s*$", line) or re.match(
            r"^\s*(if|unless|case|begin|while|until)\b", line
        ):  # a block, or a statement that ends with `end` (not `gem 'x' if y`)
            blocks.append(None)
            continue
        if re.match(r"^\s*end\b", line):
            if blocks:
                blocks.pop()
            continue
        gem = _GEM.match(line)
        if gem:
            own = _GEM_OWN_GROUP.search(line, gem.end())
            group_now = own.group(1) if own else None
            group_now = group_now or next((g for g in reversed(blocks) if g is not None), None)
            scope = f"group:{group_now}" if group_now else "runtime"
            m.consumes.append(Package("rubygems", gem.group(1), _versions(gem.group(2)), scope))


def _gemspec(m: Manifest, text: str, _: str) -> None:
    name = _GEMSPEC_NAME.search(text)
    if name:
        version = _GEMSPEC_VERSION.search(text)
        m.publishes.append(Package("rubygems", name.group(1), version.group(1) if version else ""))
    for dep in _GEMSPEC_DEP.finditer(text):
        scope = "dev" if dep.group(1) == "development_" else "runtime"
        gem = dep.group(2) or dep.group(3)
        m.consumes.append(Package("rubygems", gem, _versions(dep.group(4)), scope))


_EXACT = {
    "pyproject.toml": "pyproject",
    "hatch.toml": "hatch",
    "setup.cfg": "setup.cfg",
    "package.json": "package.json",
    "go.mod": "go.mod",
    "go.work": "go.work",
    "pnpm-workspace.yaml": "pnpm-workspace",
    "Cargo.toml": "cargo",
    "pom.xml": "pom",
    "build.gradle": "gradle",
    "build.gradle.kts": "gradle",
    "settings.gradle": "gradle-settings",
    "settings.gradle.kts": "gradle-settings",
    "Gemfile": "gemfile",
    "gems.rb": "gemfile",  # Bundler's other name for a Gemfile
}
_PARSERS: dict[str, Callable[[Manifest, str, str], None]] = {
    "requirements": _requirements_txt,
    "pyproject": _pyproject,
    "hatch": _hatch_toml,
    "setup.cfg": _setup_cfg,
    "package.json": _package_json,
    "go.mod": _go_mod,
    "go.work": _go_work,
    "pnpm-workspace": _pnpm_workspace,
    "cargo": _cargo_toml,
    "pom": _pom_xml,
    "gradle": _gradle,
    "gradle-catalog": _gradle_catalog,
    "gradle-settings": _gradle_settings,
    "gemfile": _gemfile,
    "gemspec": _gemspec,
}


# Package URL types (purl) and the ecosystem each is, as manifests name them.
_PURL_ECOSYSTEMS = {"pypi": "pypi", "npm": "npm", "golang": "go", "cargo": "cargo",
                    "maven": "maven", "gem": "rubygems"}  # fmt: skip
SBOM_PATH = "dependency-graph/sbom"


def sbom_packages(payload: Any) -> Manifest:
    """The packages GitHub's dependency graph says a repo depends on (its SPDX SBOM export),
    by their package URLs; the repo itself and ecosystems miner does not read (GitHub Actions,
    say) are left out, and so is a package with no purl."""
    manifest = Manifest(SBOM_PATH, "sbom")
    sbom = payload.get("sbom") if isinstance(payload, dict) else None
    packages = sbom.get("packages") if isinstance(sbom, dict) else None
    for package in packages if isinstance(packages, list) else []:
        if not isinstance(package, dict) or not isinstance(package.get("externalRefs"), list):
            continue
        refs = [r.get("referenceLocator") for r in package["externalRefs"]
                if isinstance(r, dict) and r.get("referenceType") == "purl"]  # fmt: skip
        for ref in refs[:1]:
            try:
                purl = PackageURL.from_string(str(ref))
            except ValueError as exc:
                manifest.errors.append(f"{SBOM_PATH}: {ref!r} is not a package URL ({exc})")
                continue
            ecosystem = _PURL_ECOSYSTEMS.get(purl.type)
            if ecosystem is None:
                continue
            if ecosystem == "maven":
                name = f"{purl.namespace}:{purl.name}"
            elif purl.namespace:
                name = f"{purl.namespace}/{purl.name}"
            else:
                name = purl.name
            version = package.get("versionInfo") or purl.version or ""
            # the graph holds direct and transitive dependencies alike, lockfiles' too
            manifest.consumes.append(Package(ecosystem, name, str(version), "graph"))
    return manifest


def parse_all(files: Iterable[tuple[str, str]], repo_name: str = "") -> list[Manifest]:
    """Every manifest among (path, text) pairs, in path order."""
    return [parse(path, text, repo_name) for path, text in sorted(files) if kind_of(path)]
