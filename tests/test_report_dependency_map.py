"""repo_dependency_map over a small hand-made repo_dependencies: one row per edge as the report
shows it, a repo and the repo it consumes with the first team owning each side."""

from __future__ import annotations

from pathlib import Path

import duckdb

from miner.reports.data import run_report_query
from miner.warehouse import Warehouse


def test_manifests_whose_first_owning_team_is_the_same_are_one_row() -> None:
    """acme/mono consumes acme/lib's libpkg from two manifests: svc-a's, owned by data, and
    svc-b's, owned by data and web (its CODEOWNERS line names both). The report names each side
    by its first team, so both are the one edge mono (data) -> lib (platform): one row of 2
    manifests, not two rows alike of 1 each. svc-c's, owned by web alone, is another edge,
    mono (web) -> lib (platform). With --team web, the manifests web owns: svc-b's, whose first
    team is data, and svc-c's."""
    con = duckdb.connect()
    con.execute(
        "create table repo_dependencies (org varchar, repo varchar, depends_on_repo varchar, "
        "package varchar, manifest_path varchar, note varchar, manifest_teams varchar[], "
        "package_teams varchar[])"
    )
    for path, teams in [
        ("svc-a/package.json", ["data"]),
        ("svc-b/package.json", ["data", "web"]),
        ("svc-c/package.json", ["web"]),
    ]:
        con.execute(
            "insert into repo_dependencies values ('acme', 'acme/mono', 'acme/lib', 'libpkg', ?, "
            "null, ?, ['platform'])",
            [path, teams],
        )
    wh = Warehouse(con, Path(":memory:"))

    def edges(team: str | None) -> list[tuple[str, str, str, str, str, int]]:
        rows = run_report_query(wh, "repo_dependency_map", {"org": "acme", "team": team,
                                                            "repo": None})  # fmt: skip
        return [(r["repo"], r["repo_team"], r["depends_on_repo"], r["depends_on_team"],
                 r["packages"], r["manifests"]) for r in rows]  # fmt: skip

    assert edges(None) == [
        ("acme/mono", "data", "acme/lib", "platform", "libpkg", 2),
        ("acme/mono", "web", "acme/lib", "platform", "libpkg", 1),
    ]
    assert edges("web") == [
        ("acme/mono", "data", "acme/lib", "platform", "libpkg", 1),
        ("acme/mono", "web", "acme/lib", "platform", "libpkg", 1),
    ]
