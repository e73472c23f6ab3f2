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


def test_the_headline_waiting_share_is_of_all_the_ended_prs_hours() -> None:
    """Two PRs ended: 100 h, 10 of them the author's (share 0.1), and the median PR's flow
    efficiency 0.05. Of their hours 90% were waiting (1 - 0.1), not 95% (1 - the median's
    share). One answered request: said in the singular, as a sync's summary says its counts."""
    courts = [
        {"court": "author", "prs": 2, "hours": 10.0, "share": 0.1},
        {"court": "reviewers", "prs": 2, "hours": 30.0, "share": 0.3},
        {"court": "deploy", "prs": 1, "hours": 60.0, "share": 0.6},
        {"court": "flow efficiency", "prs": 2, "hours": None, "share": 0.05},
    ]
    data = _data("time_in_court", courts)
    data["sections"]["review_wait_summary"]["rows"] = [
        {"median_hours": 3.0, "reviewed": 1, "waiting": 0}
    ]
    html = report_html(data)
    assert "<b>90%</b><span>of the hours of 2 PRs ended spent waiting</span>" in html
    assert "<b>3.0 h</b><span>median review wait, 1 answered request</span>" in html
    one = _data("time_in_court", [{**courts[0], "prs": 1}])
    assert "<b>90%</b><span>of the hours of 1 PR ended spent waiting</span>" in report_html(one)
