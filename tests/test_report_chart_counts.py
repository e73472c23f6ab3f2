"""The HTML report's bar charts write each median with the count it rests on (METRICS.md,
Aggregates): for a cycle time, the PRs merged, not every PR opened."""

from __future__ import annotations

import re
from typing import Any

from miner.reports.html import report_html
from miner.reports.layout import SECTIONS


def _data(name: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    window = {"from": "2026-06-01T00:00:00+00:00", "to": "2026-07-01T00:00:00+00:00"}
    return {
        "schema": "miner.report/5",
        "org": "acme",
        "scope": {"team": None, "repo": None},
        "as_of": window["to"],
        "window": window,
        "previous_window": {"from": "2026-05-02T00:00:00+00:00", "to": window["from"]},
        "sections": {
            s.name: {"title": s.title, "rows": rows if s.name == name else [], "previous": []}
            for s in SECTIONS
        },
    }


def test_handoff_bucket_bars_count_the_merged_prs_their_cycle_rests_on() -> None:
    # 10 PRs with one handoff, 4 of them merged: the median cycle, 30 h, is of those 4
    row = {"handoffs": "1", "prs": 10, "share": 1.0, "merged": 4, "median_cycle_hours": 30.0,
           "p75_cycle_hours": 40.0, "p90_cycle_hours": 50.0}  # fmt: skip
    html = report_html(_data("ownership_handoffs_per_pr", [row]))
    section = html.split('<section id="ownership_handoffs_per_pr">', 1)[1].split("</section>")[0]
    chart = section.split("</svg>", 1)[0]
    assert re.findall(r">30\.0 \((\d+)\)<", chart) == ["4"]
