"""Inline SVG charts for the HTML report: horizontal bars (median with a p90 tick), stacked bars
of shares (one, or one per row), and a two-column flow map of team-to-team handoffs. Every label
is escaped; the charts need no script and fetch nothing."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

# Colours that stay apart in print and for the common colour-vision deficiencies (Okabe-Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
_FONT = 'font-family="system-ui, sans-serif" font-size="12"'
_LABEL_WIDTH = 150
_ROW = 22


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    tick: float | None = None  # a second figure drawn as a tick: the p90 beside the median
    note: str = ""  # written after the bar: the count it rests on, say


def bars(title: str, items: list[Bar], width: int = 640) -> str:
    """One bar per item, scaled to the largest value or tick."""
    if not items:
        return ""
    top = max(max(b.value, b.tick or 0.0) for b in items) or 1.0
    span = width - _LABEL_WIDTH - 150
    height = _ROW * len(items) + 24
    out = [_open(title, width, height)]
    for i, b in enumerate(items):
        y = 8 + i * _ROW
        length = max(b.value / top * span, 1.0)
        out.append(
            f'<text x="{_LABEL_WIDTH - 6}" y="{y + 14}" text-anchor="end">'
            f"{escape(_clip(b.label))}</text>"
            f'<rect class="bar" x="{_LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" height="14" '
            f'fill="{PALETTE[0]}"><title>{escape(b.label)}: {b.value:.1f}</title></rect>'
        )
        if b.tick is not None:
            x = _LABEL_WIDTH + b.tick / top * span
            out.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y + 1}" y2="{y + 19}" '
                f'stroke="{PALETTE[3]}" stroke-width="2"/>'
            )
        end = _LABEL_WIDTH + max(length, (b.tick or 0) / top * span) + 6
        out.append(f'<text x="{end:.1f}" y="{y + 14}">{b.value:.1f} {escape(b.note)}</text>')
    legend_y = height - 6
    out.append(
        f'<text x="{_LABEL_WIDTH}" y="{legend_y}" fill="#555">bar: median · '
        f'<tspan fill="{PALETTE[3]}">|</tspan> p90 · hours</text>'
    )
    return "".join(out) + "</svg>"


def stacked(title: str, parts: list[tuple[str, float]], width: int = 640) -> str:
    """One bar split into `parts` by their shares (summing to 1), with a legend below."""
    parts = [(label, share) for label, share in parts if share > 0]
    if not parts:
        return ""
    height = 30 + 20 * ((len(parts) + 3) // 4)
    out = [_open(title, width, height)]
    x = 0.0
    for i, (label, share) in enumerate(parts):
        w = share * width
        colour = PALETTE[i % len(PALETTE)]
        out.append(
            f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="18" fill="{colour}">'
            f"<title>{escape(label)}: {share:.0%}</title></rect>"
        )
        x += w
    for i, (label, share) in enumerate(parts):
        lx, ly = (i % 4) * (width / 4), 36 + (i // 4) * 20
        out.append(
            f'<rect x="{lx:.1f}" y="{ly - 10}" width="10" height="10" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{lx + 14:.1f}" y="{ly}">{escape(_clip(label))} {share:.0%}</text>'
        )
    return "".join(out) + "</svg>"


def stacked_rows(
    title: str, parts: list[str], rows: list[tuple[str, list[float]]], width: int = 640
) -> str:
    """One labelled bar per row, each split by its shares of `parts` (summing to 1 in a row), a
    part the same colour in every row, with a legend below."""
    if not rows:
        return ""
    span = width - _LABEL_WIDTH - 10
    legend_y = 8 + _ROW * len(rows) + 18
    across = min(len(parts), 6)  # legend entries a line
    out = [_open(title, width, legend_y + 20 * ((len(parts) + across - 1) // across))]
    for i, (label, shares) in enumerate(rows):
        y = 8 + i * _ROW
        out.append(
            f'<text x="{_LABEL_WIDTH - 6}" y="{y + 14}" text-anchor="end">'
            f"{escape(_clip(label))}</text>"
        )
        x = float(_LABEL_WIDTH)
        for j, (part, share) in enumerate(zip(parts, shares, strict=True)):
            if share <= 0:
                continue
            out.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{share * span:.1f}" height="14" '
                f'fill="{PALETTE[j % len(PALETTE)]}">'
                f"<title>{escape(label)}, {escape(part)}: {share:.0%}</title></rect>"
            )
            x += share * span
    for j, part in enumerate(parts):
        lx, ly = _LABEL_WIDTH + (j % across) * (span / across), legend_y + (j // across) * 20
        out.append(
            f'<rect x="{lx:.1f}" y="{ly - 10}" width="10" height="10" '
            f'fill="{PALETTE[j % len(PALETTE)]}"/>'
            f'<text x="{lx + 14:.1f}" y="{ly}">{escape(_clip(part))}</text>'
        )
    return "".join(out) + "</svg>"


def flow_map(
    title: str,
    edges: list[tuple[str, str, int]],
    width: int = 640,
    teams: dict[str, str] | None = None,
) -> str:
    """Sources on the left, targets on the right, one curve per edge, as thick as its weight.
    With `teams` (node -> team), each node has its team's colour, the curves their source's,
    and a legend names the colours."""
    if not edges:
        return ""
    sources = sorted({s for s, _, _ in edges})
    targets = sorted({t for _, t, _ in edges})
    named = sorted(set((teams or {}).values()))
    palette = {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(named)}
    gap = 28
    legend = 20 * ((len(palette) + 3) // 4)
    height = gap * max(len(sources), len(targets)) + 16 + legend
    heaviest = max(w for _, _, w in edges) or 1
    left, right = _LABEL_WIDTH, width - _LABEL_WIDTH

    def y_of(names: list[str], name: str) -> float:
        offset = (height - legend - 16 - gap * len(names)) / 2
        return 8 + offset + gap * names.index(name) + gap / 2

    def colour(name: str, fallback: int) -> str:
        if teams and name in teams:
            return palette[teams[name]]
        return PALETTE[fallback % len(PALETTE)]

    out = [_open(title, width, height)]
    for s, t, w in sorted(edges, key=lambda e: -e[2]):
        y1, y2 = y_of(sources, s), y_of(targets, t)
        mid = (left + right) / 2
        out.append(
            f'<path class="edge" d="M{left},{y1:.1f} C{mid},{y1:.1f} {mid},{y2:.1f} '
            f'{right},{y2:.1f}" fill="none" stroke="{colour(s, sources.index(s))}" '
            f'stroke-opacity="0.55" stroke-width="{1.5 + 10 * w / heaviest:.1f}">'
            f"<title>{escape(s)} → {escape(t)}: {w}</title></path>"
        )
    for names, x, anchor, dot in ((sources, left - 6, "end", left - 2),
                                  (targets, right + 6, "start", right + 2)):  # fmt: skip
        for i, name in enumerate(names):
            y = y_of(names, name)
            if teams:
                out.append(f'<circle cx="{dot}" cy="{y:.1f}" r="4" fill="{colour(name, i)}"/>')
            shift = 8 if teams else 0
            out.append(
                f'<text x="{x - shift if anchor == "end" else x + shift}" y="{y + 4:.1f}" '
                f'text-anchor="{anchor}">{escape(_clip(name))}</text>'
            )
    for i, (team, fill) in enumerate(palette.items()):
        lx, ly = (i % 4) * (width / 4), height - legend + 14 + (i // 4) * 20
        out.append(
            f'<rect x="{lx:.1f}" y="{ly - 10}" width="10" height="10" fill="{fill}"/>'
            f'<text x="{lx + 14:.1f}" y="{ly}">{escape(_clip(team))}</text>'
        )
    return "".join(out) + "</svg>"


def _open(title: str, width: int, height: int) -> str:
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" {_FONT}>'
        f"<title>{escape(title)}</title>"
    )


def _clip(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
