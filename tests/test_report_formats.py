"""`miner report` in every format on the synced sample org: every section in each, figures equal
to the generator's truth, the Markdown fit for GitHub, the HTML opened in headless Chromium (no
console errors, its charts drawn, a screenshot kept in test-artifacts/) and user text escaped."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import statistics
from collections.abc import Iterator
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from miner.reports.layout import LIST_LIMIT, SECTIONS
from miner.reports.long_csv import report_csv
from miner.sample_org import LEAD_TIME_TRUTH, TRUTH_DIR
from tests.test_cli import miner
from tests.test_report_chart_counts import _data

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# Debian's Chromium as root on a closed network: no sandbox, no GPU, none of its background
# connections (which this machine refuses), a fresh profile (Playwright makes one per launch).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def reports(synced: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The sample org's report for its last 30 days in each format, by format."""
    folder = tmp_path_factory.mktemp("reports")
    out: dict[str, str] = {}
    for fmt in ("table", "md", "html", "json", "csv"):
        target = folder / f"report.{fmt}"
        run = miner("--db", str(synced), "report", "--org", "acme", "--since", "30d",
                    "--format", fmt, "--out", str(target), cwd=folder)  # fmt: skip
        assert run.returncode == 0, run.stderr
        assert run.stdout == ""
        out[fmt] = target.read_text(encoding="utf-8")
    return out


def test_the_same_data_gives_the_same_report_byte_for_byte(
    synced: Path, reports: dict[str, str], tmp_path: Path
) -> None:
    """DuckDB sums doubles in no fixed order; the report's figures are rounded, so two runs
    over one warehouse agree to the byte (a diff of two reports shows only what changed)."""
    for _ in range(3):
        again = miner("--db", str(synced), "report", "--org", "acme", "--since", "30d",
                      "--format", "json", cwd=tmp_path)  # fmt: skip
        assert again.returncode == 0, again.stderr
        assert again.stdout == reports["json"]


def test_json_has_every_section_with_both_windows(reports: dict[str, str]) -> None:
    data = json.loads(reports["json"])
    assert data["schema"] == "miner.report/5"
    assert data["scope"] == {"team": None, "repo": None}
    assert list(data["sections"]) == [s.name for s in SECTIONS]
    for section in SECTIONS:
        entry = data["sections"][section.name]
        assert entry["title"] == section.title
        assert ("previous" in entry) == section.windowed
        # the sample org has data for every section in its last 30 days
        assert entry["rows"], section.name
        for row in entry["rows"]:
            assert {c.key for c in section.columns if c.kind != "pr"} <= set(row)


def test_json_and_csv_give_each_rows_percentiles_in_order(reports: dict[str, str]) -> None:
    """A row's median, p75 and p90 follow one another in its keys (and the CSV's columns), as
    the table shows them: p75 was added last to two queries, after p90 and after `waiting`."""
    data = json.loads(reports["json"])
    seen = 0
    for name, entry in data["sections"].items():
        keys = list(entry["rows"][0]) if entry["rows"] else []
        for unit in ("hours", "cycle_hours", "business_hours", "waiting_hours"):
            trio = [f"median_{unit}", f"p75_{unit}", f"p90_{unit}"]
            if set(trio) <= set(keys):
                seen += 1
                at = keys.index(trio[0])
                assert keys[at : at + 3] == trio, (name, keys)
    assert seen >= 9  # every section with percentiles (they are named so) was looked at
    rows = list(csv.DictReader(io.StringIO(reports["csv"])))
    columns = [r["column"] for r in rows if r["section"] == "ownership_handoffs_per_pr"]
    assert columns[4:7] == ["median_cycle_hours", "p75_cycle_hours", "p90_cycle_hours"]


def _percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks: quantile_cont, worked out here again."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def test_every_format_names_the_window_to_the_minute_at_both_ends(reports: dict[str, str]) -> None:
    # the default window is 30 days back from as_of: it starts at as_of's time of day, which the
    # headline showed only for its end
    window = json.loads(reports["json"])["window"]
    start, end = (window[k][:16].replace("T", " ") for k in ("from", "to"))
    assert start[11:] == end[11:] != "00:00"
    for fmt in ("table", "md", "html"):
        assert f"{start} → {end} UTC" in reports[fmt], fmt


def test_review_wait_and_deploy_figures_are_the_generators_truth(
    reports: dict[str, str], sample_org: Path
) -> None:
    data = json.loads(reports["json"])
    since = datetime.fromisoformat(data["window"]["from"])
    until = datetime.fromisoformat(data["window"]["to"])

    def inside(stamp: str) -> bool:
        return since <= datetime.fromisoformat(stamp.replace("Z", "+00:00")) < until

    with (sample_org / TRUTH_DIR / "review_wait.csv").open(newline="") as handle:
        episodes = [r for r in csv.DictReader(handle) if inside(r["start_at"])]
    waits = [float(r["wait_hours"]) for r in episodes if r["outcome"] == "reviewed"]
    summary = data["sections"]["review_wait_summary"]["rows"][0]
    assert summary["reviewed"] == len(waits) > 100
    assert summary["median_hours"] == pytest.approx(statistics.median(waits), abs=1e-3)
    assert summary["p90_hours"] == pytest.approx(_percentile(waits, 0.9), abs=1e-3)
    assert summary["waiting"] == sum(1 for r in episodes if r["outcome"] == "waiting")

    with (sample_org / TRUTH_DIR / LEAD_TIME_TRUTH).open(newline="") as handle:
        merged = [r for r in csv.DictReader(handle) if inside(r["merged_at"])]
    by_repo: dict[str, list[float]] = {}
    for r in merged:
        if r["deployed_at"]:
            hours = (
                datetime.fromisoformat(r["deployed_at"].replace("Z", "+00:00"))
                - datetime.fromisoformat(r["merged_at"].replace("Z", "+00:00"))
            ).total_seconds() / 3600
            by_repo.setdefault(r["repo"], []).append(hours)
    rows = {r["repo"]: r for r in data["sections"]["deploy_lead_time_by_repo"]["rows"]}
    assert {repo for repo, r in rows.items() if r["deployed"]} == set(by_repo)
    for repo, leads in by_repo.items():
        assert rows[repo]["deployed"] == len(leads)
        assert rows[repo]["median_hours"] == pytest.approx(statistics.median(leads), abs=1e-3)


def test_markdown_has_every_section_a_mermaid_map_and_linked_prs(reports: dict[str, str]) -> None:
    text = reports["md"]
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == [s.title for s in SECTIONS]
    mermaid = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert mermaid.startswith("flowchart LR\n")
    data = json.loads(reports["json"])
    pairs = data["sections"]["handoff_pairs"]["rows"]
    assert mermaid.count(" -->|") == len(pairs)
    first = pairs[0]
    assert re.search(rf'\["{first["author_team"]}"\] -->\|{first["prs"]} PRs\| t\d+\["', mermaid)
    for row in data["sections"]["sla_breaches_now"]["rows"][:LIST_LIMIT]:
        assert f"]({row['html_url']})" in text
    # every table row has as many cells as its header
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if line.startswith("|")]
        if lines:
            widths = {line.count(" | ") for line in lines if not line.startswith("|--")}
            assert len(widths) == 1, block


def test_table_fits_100_columns_and_names_every_section(reports: dict[str, str]) -> None:
    text = reports["table"]
    assert max(len(line) for line in text.splitlines()) <= 100
    for section in SECTIONS:
        assert section.title in text
    # the team-pair matrix names each author team whole on its row, "unassigned" among them,
    # however many team columns it has (the cells wrap instead)
    pairs = json.loads(reports["json"])["sections"]["approval_latency_by_team_pair"]["rows"]
    authors = {r["author_team"] for r in pairs}
    assert "unassigned" in authors and len({r["approver_team"] for r in pairs}) >= 8
    matrix = text.split("by team pair", 1)[1].split("Rows wait on columns", 1)[0]
    named = {line.split("│")[1].strip() for line in matrix.splitlines() if line.startswith("│")}
    assert authors <= named
    # and a table's row names whole, in the widest table (eleven columns): its figures wrap
    by_team = json.loads(reports["json"])["sections"]["time_in_court_by_team"]["rows"]
    table = text.split("by author team", 1)[1].split("Only the author's court", 1)[0]
    named = {line.split("│")[1].strip() for line in table.splitlines() if line.startswith("│")}
    assert {r["team"] for r in by_team} == named - {""}
    assert "unassigned" in named


def test_csv_holds_every_value_of_the_json(reports: dict[str, str]) -> None:
    data = json.loads(reports["json"])
    rows = list(csv.DictReader(io.StringIO(reports["csv"])))
    expected = sum(
        len(row) for entry in data["sections"].values()
        for key in ("rows", "previous") for row in entry.get(key, [])
    )  # fmt: skip
    about = {r["column"]: r["value"] for r in rows if r["section"] == "report"}
    assert len(rows) == expected + len(about)
    assert {r["section"] for r in rows} == {s.name for s in SECTIONS} | {"report"}
    # what the file covers, as the JSON says it
    assert about == {
        "schema": data["schema"], "org": "acme", "team": "", "repo": "",
        "as_of": data["as_of"],
        "window_from": data["window"]["from"], "window_to": data["window"]["to"],
        "previous_from": data["previous_window"]["from"],
        "previous_to": data["previous_window"]["to"],
    }  # fmt: skip
    # no text cell starts as a spreadsheet formula would (a team waited on is "@security")
    texts = [r["value"] for r in rows if r["column"] == "waiting_on"]
    assert texts and all(t.startswith("'@") for t in texts if "@" in t)
    assert not [r for r in rows if r["value"][:1] in ("=", "+", "@")]


def test_lists_of_prs_show_ten_and_how_many_more_in_every_format(
    reports: dict[str, str],
) -> None:
    data = json.loads(reports["json"])
    rows = list(csv.DictReader(io.StringIO(reports["csv"])))
    for name in ("sla_breaches_now", "waiting_longest"):
        # the JSON and the CSV hold every row; the tables the first ten, and how many more
        every = data["sections"][name]["rows"]
        assert len(every) > LIST_LIMIT, name
        assert len({r["row"] for r in rows if r["section"] == name}) == len(every)
        more = f"And {len(every) - LIST_LIMIT} more (all of them in --format json or csv)."
        for fmt in ("table", "md", "html"):
            assert more in reports[fmt], (name, fmt)
    # the Markdown links the ten breaches it shows, no more
    section = reports["md"].split("## Over the service level now", 1)[1].split("\n## ", 1)[0]
    assert section.count("](http") == LIST_LIMIT


class _Structure(HTMLParser):
    """Counts what a self-contained report may and may not hold."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.sources: list[str] = []
        self.sections: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        self.sources += [v or "" for k, v in attrs if k in ("src", "srcset")]
        if tag == "link":
            self.sources.append(values.get("href") or "")
        if tag == "section":
            self.sections.append(values.get("id") or "")


def test_html_is_one_file_that_fetches_nothing(reports: dict[str, str]) -> None:
    parsed = _Structure()
    parsed.feed(reports["html"])
    assert parsed.sections == [s.name for s in SECTIONS]
    assert "script" not in parsed.tags
    assert parsed.sources == []
    assert "Content-Security-Policy" in reports["html"]
    assert parsed.tags.count("svg") >= 5


def _chromium() -> str:
    found = os.environ.get("MINER_CHROMIUM") or shutil.which("chromium")
    if not found:
        pytest.fail(
            "no chromium on PATH: `make test` installs Debian's chromium package; "
            "or set MINER_CHROMIUM to a Chromium binary"
        )
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _open(browser: Any, path: Path) -> tuple[Any, list[str], list[str]]:
    """A page showing `path`, the console errors it logged and the dialogs it tried to open."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def dismiss(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, errors, dialogs


def test_html_in_chromium_draws_its_charts_without_errors(
    reports: dict[str, str], browser: Any, tmp_path: Path
) -> None:
    path = tmp_path / "report.html"
    path.write_text(reports["html"], encoding="utf-8")
    page, errors, _ = _open(browser, path)
    charts = page.locator("svg.chart")
    # review wait week by week, courts, review wait by team, approvals by team, handoffs per PR,
    # the handoff map, the repo dependency map, deploys
    assert charts.count() == 9
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 20
    assert page.locator("svg.chart rect.bar").count() > 10
    assert page.locator("svg.chart path.edge").count() > 10
    assert "Review wait by team waited on" in page.inner_text("body")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-sample-org.png"), full_page=True)
    # printable: the print stylesheet lays it out without errors too
    page.emulate_media(media="print")
    assert page.pdf(path=str(ARTIFACTS / "report-sample-org.pdf"))[:4] == b"%PDF"
    assert errors == []


def test_hostile_text_shows_as_text_in_chromium(browser: Any, tmp_path: Path) -> None:
    from tests.mirror_builder import MirrorBuilder

    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    b = MirrorBuilder(teams={"web": ["alice"], "data": ["dana"]}, as_of=24 * 10)
    stuck = b.pull("web", "alice", 24 * 9, title=hostile).request(24 * 9, reviewer="dana")
    stuck.files = ["app.py"]
    b.files[("web", "CODEOWNERS")] = "* @acme/data\n"
    mirror = b.write(tmp_path / "mirror")
    assert miner("--db", "w.duckdb", "import", str(mirror), cwd=tmp_path).returncode == 0
    out = miner("--db", "w.duckdb", "report", "--format", "html", "--out", "r.html",
                cwd=tmp_path)  # fmt: skip
    assert out.returncode == 0, out.stderr
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "<img" not in html
    page, errors, dialogs = _open(browser, tmp_path / "r.html")
    assert hostile in page.inner_text("#waiting_longest")
    assert page.locator("script, img").count() == 0
    assert dialogs == [] and errors == []


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_text() -> None:
    """A PR's title is anyone's text: `=HYPERLINK(...)` must reach a spreadsheet as text."""
    data = {
        "schema": "s", "org": "acme", "scope": {"team": None, "repo": None}, "as_of": "t",
        "window": {"from": "a", "to": "b"}, "previous_window": {"from": "c", "to": "a"},
        "sections": {"waiting_longest": {"rows": [
            {"title": '=HYPERLINK("http://x","y")', "waiting_on": "@web", "hours": -1.5,
             "other": "+1", "plain": "fix: a-b", "empty": None},
        ]}},
    }  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(report_csv(data))))
    cells = {r["column"]: r["value"] for r in rows if r["section"] == "waiting_longest"}
    assert cells == {
        "title": "'=HYPERLINK(\"http://x\",\"y\")", "waiting_on": "'@web", "hours": "-1.5",
        "other": "'+1", "plain": "fix: a-b", "empty": "",
    }  # fmt: skip


def test_table_writes_a_long_title_on_one_line_cut_short(tmp_path: Path) -> None:
    """A title with a line break and more words than its column holds: one line, an ellipsis."""
    from tests.mirror_builder import MirrorBuilder

    title = "Fix the flaky login test\nand " + "rewrite the session store " * 4
    b = MirrorBuilder(teams={"web": ["alice"], "data": ["dana"]}, as_of=24 * 10)
    b.pull("web", "alice", 24 * 9, title=title).request(24 * 9, reviewer="dana")
    mirror = b.write(tmp_path / "mirror")
    assert miner("--db", "w.duckdb", "import", str(mirror), cwd=tmp_path).returncode == 0
    out = miner("--db", "w.duckdb", "report", "--format", "table", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    section = out.stdout.split("Open PRs waiting longest", 1)[1]
    (line,) = [x for x in section.splitlines() if "web#1" in x]
    assert "Fix the flaky login test and rewri" in line and line.rstrip(" │").endswith("…")
    assert not [x for x in section.splitlines() if "session store" in x and x != line]


def test_the_headline_says_when_the_last_sync_was_if_the_window_ends_before_it() -> None:
    from miner.reports.terminal import headline

    data = {
        "org": "acme",
        "scope": {"team": "web", "repo": None},
        "as_of": "2026-07-15T06:00:00+00:00",
        "window": {"from": "2026-06-15T06:00:00+00:00", "to": "2026-07-15T06:00:00+00:00"},
    }
    assert headline(data) == (
        "acme · team web · 2026-06-15 06:00 → 2026-07-15 06:00 UTC (as of the last sync)"
    )
    data["window"] = {"from": "2026-05-01T00:00:00+00:00", "to": "2026-06-01T00:00:00+00:00"}
    assert headline(data) == (
        "acme · team web · 2026-05-01 00:00 → 2026-06-01 00:00 UTC (last sync 2026-07-15 06:00 UTC)"
    )


def _terminal(name: str, rows: list[dict[str, Any]], width: int = 100) -> str:
    """The terminal report at `width` columns of data whose one section `name` has `rows`."""
    from rich.console import Console

    from miner.reports.terminal import print_report

    out = io.StringIO()
    print_report(_data(name, rows), Console(width=width, file=out))
    return out.getvalue()


def test_a_list_in_a_cell_wraps_between_its_words_where_the_width_allows() -> None:
    """The cross-repo table's seven columns at 120: rich shrank the widest wrapping column
    first, so `cross_reference` folded mid-word ('cross_ref' / 'erence') beside team columns
    with room to spare. Where every column's longest word fits (110 columns and more), none is
    cut; where not (100: two whole PR names, two team lists, links, status, hours), rich folds
    as it must, and the table still fits."""
    row = {
        "upstream_repo": "acme/shared-libs",
        "upstream_pr": 74,
        "upstream_url": None,
        "upstream_teams": "data, infra, platform",
        "downstream_repo": "acme/data-pipeline",
        "downstream_pr": 105,
        "downstream_url": None,
        "downstream_teams": "data",
        "links": "cross_reference, depends_on",
        "status": "downstream open",
        "hours": 1878.9,
    }
    other = {
        **row,
        "upstream_repo": "acme/auth-service",
        "upstream_pr": 44,
        "upstream_teams": "platform, security",
        "downstream_repo": "acme/api-gateway",
        "downstream_pr": 75,
        "downstream_teams": "platform, security",
        "links": "blocks, cross_reference",
        "hours": 2975.5,
    }
    expected = {
        "cross_reference",
        "depends_on",
        "blocks",
        "shared-libs#74",
        "data-pipeline#105",
        "auth-service#44",
        "api-gateway#75",
        "data",
        "infra",
        "platform",
        "security",
        "downstream",
        "open",
        "1878.9",
        "2975.5",
    }
    for width in (110, 120, 140):
        text = _terminal("slowest_cross_repo_handoffs", [other, row], width)
        table = text.split("downstream merge (hours)", 1)[1].split("└", 1)[0]
        assert max(len(line) for line in table.splitlines()) <= width
        words = {
            w.strip(",") for line in table.splitlines() for w in line.replace("│", " ").split()
        }
        assert expected <= words, (width, table)
    narrow = _terminal("slowest_cross_repo_handoffs", [other, row], 100)
    assert max(len(line) for line in narrow.splitlines()) <= 100  # fmt: skip


def test_table_folds_long_team_names_rather_than_squeeze_the_figures_out() -> None:
    """Two team names of 40 letters kept whole on one line leave the figures of a 100-column
    table no room (rich cut them to nothing); names that long fold, short ones stay whole."""
    author, owner = "platform-infrastructure-reliability-emea", "security-compliance-and-audit-apac"
    rows = [
        {"author_team": author, "owner_team": owner, "prs": 123, "merged": 118,
         "median_cycle_hours": 41.5, "p75_cycle_hours": 77.5, "p90_cycle_hours": 96.5},
        {"author_team": "web", "owner_team": "data", "prs": 7, "merged": 6,
         "median_cycle_hours": 3.0, "p75_cycle_hours": 4.0, "p90_cycle_hours": 5.0},
    ]  # fmt: skip
    text = _terminal("handoff_pairs", rows)
    table = text.split("author team → team owning the files", 1)[1].split("└", 1)[0]
    assert max(len(line) for line in table.splitlines()) <= 100
    cells = [line.split("│")[1:-1] for line in table.splitlines() if line.startswith("│")]
    # every figure of the long-named row whole in its column, on the row's first line
    assert [c.strip() for c in cells[0][2:]] == ["123 (new)", "118", "41.5 (new)", "77.5", "96.5"]
    # each long name folded over lines, whole when its pieces are put back together
    names = [c[0].strip() for c in cells if c[0].strip() != "web"]
    assert "".join(names) == author
    assert "web" in {c[0].strip() for c in cells} and "data" in {c[1].strip() for c in cells}


def test_matrix_folds_a_long_author_team_rather_than_cut_the_team_columns() -> None:
    """The team-pair matrix keeps a short author team whole, a 40-letter one folds: kept whole,
    it left the eight team columns no room for their names."""
    author = "platform-infrastructure-reliability-emea"
    teams = [f"team{i}" for i in range(8)]
    rows = [
        {"author_team": a, "approver_team": t, "approved": 3, "median_hours": 12.5,
         "p75_hours": 14.0, "p90_hours": 15.0, "waiting": 0}
        for a in (author, "web") for t in teams
    ]  # fmt: skip
    text = _terminal("approval_latency_by_team_pair", rows)
    table = text.split("by team pair", 1)[1].split("└", 1)[0]
    assert max(len(line) for line in table.splitlines()) <= 100
    cells = [line.split("│")[1:-1] for line in table.splitlines() if line.startswith("│")]
    # the long-named row's lines (before web's), each column's pieces put back together: every
    # team column says '12.5 (3)'
    first = cells[: [c[0].strip() for c in cells].index("web")]
    joined = [" ".join(" ".join(line[i].strip() for line in first).split()) for i in range(1, 9)]
    assert joined == ["12.5 (3)"] * 8
    assert "".join(line[0].strip() for line in first) == author
    # and each team column's name whole in the header (kept whole, the long name cut them to
    # 'tea…')
    head = [line for line in table.splitlines() if line.startswith("┃")]
    named = {c.strip() for line in head for c in line.split("┃")}
    assert set(teams) <= named
