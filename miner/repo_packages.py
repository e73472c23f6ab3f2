"""Rebuild step: every repo's manifests parsed into the packages it publishes and consumes
(`repo_packages`), with the config's [dependencies] publishes added, and every line a parser
could not read (`manifest_errors`)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pyarrow as pa

from miner.config import Config
from miner.manifests import (
    CATALOG,
    WORKSPACE,
    Manifest,
    Package,
    normalize,
    parse,
    sbom_packages,
)
from miner.warehouse import Warehouse

WRITES = ("repo_packages", "manifest_errors")
READS = ("repo_files", "repos", "raw_sbom", "raw_git_manifests")

PACKAGE_SCHEMA = pa.schema(
    [
        ("org", pa.string()),
        ("repo", pa.string()),
        ("manifest_path", pa.string()),  # NULL for a package the config names
        ("manifest_kind", pa.string()),
        ("role", pa.string()),  # publishes | consumes
        ("ecosystem", pa.string()),
        ("package", pa.string()),  # as written
        ("package_key", pa.string()),  # the name two manifests of the ecosystem agree on
        ("requirement", pa.string()),  # version range (published: the version) as written
        ("scope", pa.string()),
        ("source", pa.string()),  # manifest | sbom | config
    ]
)
ERROR_SCHEMA = pa.schema(
    [
        ("org", pa.string()),
        ("repo", pa.string()),
        ("manifest_path", pa.string()),
        ("error", pa.string()),
    ]
)


def write_repo_packages(wh: Warehouse, config: Config) -> None:
    # the root manifests from the API, and workspace members' from the git mirror
    files = wh.query(
        "select org, repo, path, text from repo_files where kind = 'manifest' and text is not null "
        "union all select org, repo, path, text from raw_git_manifests "
        "order by org, repo, path"
    )
    packages: list[tuple[str | None, ...]] = []
    errors: list[tuple[str, ...]] = []
    repos = {str(repo): str(org) for org, repo, _, _ in files}
    parsed = [
        (org, repo, path, parse(path, text, repo_name=repo.split("/", 1)[-1]))
        for org, repo, path, text in files
    ]
    # what a repo's manifests offer its others: a Cargo workspace root's dependencies, a Gradle
    # version catalog's libraries
    offers: dict[tuple[str, str], dict[tuple[str, str], list[Package]]] = {}
    for org, repo, _, m in parsed:
        for key, entries in m.offers.items():
            for p in entries:
                offers.setdefault((org, repo), {}).setdefault((p.ecosystem, key), []).append(p)
    replaced = _replaced_hatch_envs(parsed)
    for org, repo, path, manifest in parsed:
        offered = offers.get((org, repo), {})
        consumed = [
            o for p in manifest.consumes if id(p) not in replaced for o in _offered(p, offered)
        ]
        for role, found in (("publishes", manifest.publishes), ("consumes", consumed)):
            for p in found:
                key = normalize(p.ecosystem, p.name)
                packages.append((org, repo, path, manifest.kind, role, p.ecosystem, p.name, key,
                                 p.requirement, p.scope, "manifest"))  # fmt: skip
        errors += [(org, repo, path, e) for e in manifest.errors]
    for org, repo, payload in wh.query("select org, repo, payload from raw_sbom order by 1, 2"):
        sbom = sbom_packages(json.loads(payload))
        for p in sbom.consumes:
            key = normalize(p.ecosystem, p.name)
            packages.append((org, repo, sbom.path, sbom.kind, "consumes", p.ecosystem, p.name,
                             key, p.requirement, p.scope, "sbom"))  # fmt: skip
        errors += [(org, repo, sbom.path, e) for e in sbom.errors]
    known = wh.query("select org, repo from repos")
    repos.update({str(repo): str(org) for org, repo in known})
    for name, items in config.dependencies.publishes.items():
        for repo, org in repos.items():
            if name.lower() not in (repo.lower(), repo.split("/", 1)[-1].lower()):
                continue
            for item in items:
                ecosystem, _, package = item.partition(":")
                key = normalize(ecosystem, package)
                packages.append((org, repo, None, None, "publishes", ecosystem, package, key,
                                 "", "runtime", "config"))  # fmt: skip
    _write(wh, "repo_packages", PACKAGE_SCHEMA, packages)
    _write(wh, "manifest_errors", ERROR_SCHEMA, errors)


def _replaced_hatch_envs(parsed: Sequence[tuple[str, str, str, Manifest]]) -> set[int]:
    """The packages (by id) a pyproject.toml's [tool.hatch.envs] names where a hatch.toml
    beside it has an [envs] table: Hatch reads that one in its place (hatchling's
    ProjectMetadata.hatch: the file's top-level keys replace [tool.hatch]'s)."""
    beside = {
        (org, repo, path.removesuffix("hatch.toml"))
        for org, repo, path, m in parsed
        if m.kind == "hatch" and m.hatch_envs is not None
    }
    return {
        id(p)
        for org, repo, path, m in parsed
        if m.kind == "pyproject" and (org, repo, path.removesuffix("pyproject.toml")) in beside
        for p in m.hatch_envs or ()
    }


def _offered(package: Package, offers: dict[tuple[str, str], list[Package]]) -> list[Package]:
    """The packages a dependency on another manifest's entry stands for, at the entry's version
    and the dependency's scope: a Cargo member's `key = { workspace = true }` (kept as it is
    when the root has no such key), a Gradle build's `libs.KEY` (nothing when no catalog of
    the repo has it: the key is no package's name)."""
    if package.requirement not in (WORKSPACE, CATALOG):
        return [package]
    found = offers.get((package.ecosystem, package.name))
    if found is None:
        return [package] if package.requirement == WORKSPACE else []
    return [Package(p.ecosystem, p.name, p.requirement, package.scope) for p in found]


def _write(
    wh: Warehouse, name: str, schema: pa.Schema, rows: Sequence[tuple[str | None, ...]]
) -> None:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema.names]
    table = pa.table(
        {f.name: pa.array(list(col), f.type) for f, col in zip(schema, columns, strict=True)},
        schema=schema,
    )
    wh.replace_table(name, table)
