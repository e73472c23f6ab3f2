"""The sample org's cross-repo dependencies and handoffs, synced from the local server, against
the generator's truth: the internal packages each repo's manifests consume, and the PRs it
linked across repos (written as "Depends on", "Blocked by", "Blocks", cross-referenced events
and bot bumps)."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest

from miner.sample_org import CROSS_REPO_TRUTH, DEPENDENCIES_TRUTH, TRUTH_DIR
from miner.warehouse import Warehouse


def _truth(sample_org: Path, name: str) -> list[dict[str, str]]:
    with (sample_org / TRUTH_DIR / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_repo_dependencies_are_the_internal_packages_the_manifests_consume(
    sample_org: Path, synced: Path
) -> None:
    truth = {
        (r["repo"], f"acme/{r['internal_repo']}", r["package"], r["manifest"], r["requirement"])
        for r in _truth(sample_org, DEPENDENCIES_TRUTH)
        if r["internal_repo"]
    }
    with Warehouse.open(synced, read_only=True) as wh:
        got = set(wh.query(
            "select repo, depends_on_repo, package, manifest_path, requirement "
            "from repo_dependencies"
        ))  # fmt: skip
        errors = wh.query("select * from manifest_errors")
        teams = wh.query(
            "select count(*) from repo_dependencies "
            "where len(repo_teams) = 0 or len(depends_on_teams) = 0"
        )
    assert got == truth
    assert len(truth) > 8
    assert errors == []
    assert teams == [(0,)]  # every repo of the sample has an owning team


def _at(stamp: str) -> datetime | None:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")) if stamp else None


def test_cross_repo_handoffs_are_the_generators_links(sample_org: Path, synced: Path) -> None:
    truth: dict[tuple[str, int, str, int], set[str]] = {}
    hours: dict[tuple[str, int, str, int], float | None] = {}
    for r in _truth(sample_org, CROSS_REPO_TRUTH):
        key = (r["upstream_repo"], int(r["upstream_pr"]), r["downstream_repo"],
               int(r["downstream_pr"]))  # fmt: skip
        truth.setdefault(key, set()).add(r["link"])
        up, down = _at(r["upstream_merged_at"]), _at(r["downstream_merged_at"])
        hours[key] = (down - up).total_seconds() / 3600 if up and down else None
    with Warehouse.open(synced, read_only=True) as wh:
        rows = wh.query(
            "select upstream_repo, upstream_pr, downstream_repo, downstream_pr, links, "
            "handoff_hours, status from cross_repo_handoffs"
        )
    got = {(u, up, d, dp): (set(links), h, status) for u, up, d, dp, links, h, status in rows}
    assert set(got) == set(truth)
    assert len(truth) > 20
    for key, links in truth.items():
        found, handoff, status = got[key]
        # a bump is its own link; a text link comes with GitHub's cross-referenced event
        text = links - {"bump"}
        assert found == links | ({"cross_reference"} if text else set()), key
        assert handoff == pytest.approx(hours[key], abs=1e-6), key
        assert (status == "merged") == (hours[key] is not None), key
    kinds = {link for links in truth.values() for link in links}
    assert kinds == {"depends_on", "blocks", "bump"}
