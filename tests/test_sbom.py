"""GitHub's dependency-graph SBOM: a further source of what a repo consumes, asked only when a
manifest changed, and never a reason for a sync to stop."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from miner.collect_github import GitHubCollector
from miner.errors import GitHubError
from miner.manifests import sbom_packages


class _Client:
    """Answers every GET with `answer`, or raises it when it is an exception."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.asked: list[str] = []

    def get(self, url: str, **_: Any) -> Any:
        self.asked.append(url)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


class _Response:
    def __init__(self, data: Any) -> None:
        self.data, self.etag, self.not_modified = data, '"e1"', False


def _sbom(*purls: str) -> dict[str, Any]:
    packages = [{"SPDXID": "SPDXRef-repo", "name": "com.github.acme/web",
                 "externalRefs": [{"referenceType": "purl",
                                   "referenceLocator": "pkg:github/acme/web@main"}]}]  # fmt: skip
    packages += [
        {
            "SPDXID": f"SPDXRef-{i}",
            "name": p,
            "versionInfo": "^1.0.0",
            "externalRefs": [
                {
                    "referenceCategory": "PACKAGE-MANAGER",
                    "referenceType": "purl",
                    "referenceLocator": p,
                }
            ],
        }
        for i, p in enumerate(purls)
    ]
    return {"sbom": {"SPDXID": "SPDXRef-DOCUMENT", "spdxVersion": "SPDX-2.3", "packages": packages}}


def test_sbom_packages_by_purl_leave_out_the_repo_and_other_ecosystems() -> None:
    found = sbom_packages(_sbom(
        "pkg:npm/%40acme/ui@1.0.0", "pkg:pypi/acme-utils@2.0.1",
        "pkg:golang/github.com/acme/auth@v1.6.9", "pkg:maven/com.acme/client@1.9.9",
        "pkg:gem/rails@7.1.0", "pkg:githubactions/actions/checkout@4", "not a purl",
    ))  # fmt: skip
    assert [(p.ecosystem, p.name, p.scope) for p in found.consumes] == [
        ("npm", "@acme/ui", "graph"),
        ("pypi", "acme-utils", "graph"),
        ("go", "github.com/acme/auth", "graph"),
        ("maven", "com.acme:client", "graph"),
        ("rubygems", "rails", "graph"),
    ]
    assert len(found.errors) == 1 and "'not a purl'" in found.errors[0]
    # shapes GitHub never sends are skipped, not a crash
    assert sbom_packages({"sbom": {"packages": [1, {"externalRefs": "x"}, None]}}).consumes == []
    assert sbom_packages([]).consumes == []


def test_an_sbom_that_cannot_be_read_keeps_what_is_stored() -> None:
    ok = GitHubCollector(_Client(_Response(_sbom("pkg:npm/x@1"))), "acme")  # type: ignore[arg-type]
    batch = ok.sbom_batch("acme/web", "package.json@abc")
    assert batch is not None and batch.resource == "sbom" and len(batch.items) == 1
    assert [(c.resource, c.value) for c in batch.cursors] == [
        ("sbom/manifests", "package.json@abc")
    ]
    # the dependency graph is off (404) or hidden from the token (403): none is stored
    for status in (404, 403):
        error = GitHubError(f"GET /x: {status} Not Found", status=status)
        off = GitHubCollector(_Client(error), "acme").sbom_batch("acme/web", "m")  # type: ignore[arg-type]
        assert off is not None and off.items == [] and off.cursors[0].value == "m"
    # GitHub's export timing out, a 5xx, a rate limit: nothing changes, the next sync asks again
    for error in (GitHubError("GET /x: 502 Bad Gateway", status=502),
                  GitHubError("GET /x: 403 API rate limit exceeded", status=403),
                  GitHubError("GET /x: timed out", status=None)):  # fmt: skip
        assert GitHubCollector(_Client(error), "acme").sbom_batch("acme/web", "m") is None  # type: ignore[arg-type]


def test_sync_asks_for_the_sbom_once_per_change_of_the_manifests(tmp_path: Path) -> None:
    from miner.config import Config, GitHubConfig
    from miner.fixtures_server import FixtureServer
    from miner.github_client import GitHubClient
    from miner.sync import sync
    from miner.warehouse import Warehouse
    from tests.mirror_builder import MirrorBuilder

    b = MirrorBuilder(teams={"web": ["alice"]})
    b.pull("web", "alice", 1)
    b.pull("lib", "alice", 1)
    b.files[("web", "package.json")] = json.dumps({"name": "web", "dependencies": {"x": "1"}})
    b.files[("lib", "package.json")] = json.dumps({"name": "@acme/ui", "version": "1.0.0"})
    mirror = b.write(tmp_path / "mirror")
    sbom = mirror / "repos" / "acme" / "web" / "dependency-graph" / "sbom.json"
    sbom.parent.mkdir(parents=True)
    sbom.write_text(json.dumps(_sbom("pkg:npm/%40acme/ui@1.0.0")))
    config = Config(github=GitHubConfig(org="acme"))
    with FixtureServer(mirror, port=0) as server, Warehouse.open(tmp_path / "w.duckdb") as wh:

        def run() -> list[str]:
            client = GitHubClient(server.url, token=None)
            asked: list[str] = []
            original = client.get

            def get(url: str, *args: Any, **kw: Any) -> Any:
                asked.append(url)
                return original(url, *args, **kw)

            client.get = get  # type: ignore[method-assign]
            sync(wh, config, client=client, api="rest")
            return [u for u in asked if "dependency-graph" in u]

        # web's is read, lib's answers 404 (its graph is off): both asked once
        assert sorted(run()) == ["/repos/acme/lib/dependency-graph/sbom",
                                 "/repos/acme/web/dependency-graph/sbom"]  # fmt: skip
        assert run() == []  # nothing changed: not asked again
        rows = wh.query(
            "select repo, depends_on_repo, package, manifest_path, scope, source "
            "from repo_dependencies"
        )
    assert rows == [("acme/web", "acme/lib", "@acme/ui", "dependency-graph/sbom", "graph", "sbom")]
