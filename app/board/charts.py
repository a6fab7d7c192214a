"""Small server-rendered SVG charts: no JavaScript, legible on screen and in print.

Pure functions: plain numbers and already-translated labels in, an SVG string out. Every text is
XML-escaped, so names from the database are shown as text, never run.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

INK, MUTED, GOOD, BAD, GRID = "#1b1f24", "#5b6470", "#1e7b34", "#b3261e", "#d9dee5"
FONT = 'font-family="Roboto, Noto Sans, DejaVu Sans, sans-serif"'


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    t = escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{t}" class="chart" {FONT}><title>{t}</title>{"".join(body)}</svg>'
    )


def _text(
    x: float, y: float, text: str, size: int = 12, anchor: str = "start", fill: str = INK, bold: bool = False
) -> str:
    weight = ' font-weight="700"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{weight}>'
        f"{escape(text)}</text>"
    )


def rate_bars(title: str, rows: Sequence[tuple[str, int, int]], empty: str) -> str:
    """Horizontal bars of on-time share: (label, on time, total) per row, worst first; 100% is the full width."""
    width, label_w, bar_w, row_h = 640, 220, 330, 22
    if not rows:
        return _svg(width, 40, title, [_text(8, 24, empty, fill=MUTED)])
    height = 30 + row_h * len(rows)
    body = [_text(8, 16, title, 13, bold=True)]
    for i, (label, on_time, total) in enumerate(rows):
        y = 26 + i * row_h
        share = on_time / total if total else 0.0
        colour = GOOD if share >= 0.95 else ("#a15c00" if share >= 0.8 else BAD)
        body.append(_text(label_w - 6, y + 14, label, anchor="end"))
        body.append(f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="{row_h - 8}" fill="{GRID}"/>')
        body.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{bar_w * share:.1f}" height="{row_h - 8}" fill="{colour}"/>'
        )
        body.append(_text(label_w + bar_w + 8, y + 14, f"{share:.0%} ({on_time}/{total})"))
    return _svg(width, height, title, body)


def duration_ranges(
    title: str, rows: Sequence[tuple[str, float, float, float]], unit: str, empty: str
) -> str:
    """Per row (label, median, 90th percentile, standard): a bar to the median, a whisker to p90, a tick at the standard."""
    width, label_w, plot_w, row_h = 640, 160, 380, 28
    if not rows:
        return _svg(width, 40, title, [_text(8, 24, empty, fill=MUTED)])
    top = max(max(p90, standard) for _l, _m, p90, standard in rows) or 1.0
    scale = plot_w / top
    height = 44 + row_h * len(rows)
    body = [_text(8, 16, title, 13, bold=True)]
    for i, (label, median, p90, standard) in enumerate(rows):
        y = 28 + i * row_h
        body.append(_text(label_w - 6, y + 15, label, anchor="end"))
        body.append(
            f'<rect x="{label_w}" y="{y + 5}" width="{median * scale:.1f}" height="12" fill="#3b6fb6"/>'
        )
        body.append(
            f'<line x1="{label_w + median * scale:.1f}" x2="{label_w + p90 * scale:.1f}" y1="{y + 11}" y2="{y + 11}" '
            f'stroke="{INK}" stroke-width="2"/>'
        )
        body.append(
            f'<line x1="{label_w + standard * scale:.1f}" x2="{label_w + standard * scale:.1f}" y1="{y + 1}" '
            f'y2="{y + 21}" stroke="{BAD}" stroke-width="2" stroke-dasharray="3 2"/>'
        )
        body.append(_text(label_w + plot_w + 6, y + 15, f"{median:.1f} / {p90:.1f} {unit}", 11, fill=MUTED))
    body.append(
        f'<line x1="{label_w}" x2="{label_w + plot_w}" y1="{height - 12}" y2="{height - 12}" stroke="{GRID}"/>'
    )
    return _svg(width, height, title, body)


def line(title: str, points: Sequence[tuple[str, int]], empty: str) -> str:
    """A line of counts over days; labels under the first, middle and last points."""
    width, height, left, bottom, top = 640, 200, 40, 170, 30
    if not points:
        return _svg(width, 40, title, [_text(8, 24, empty, fill=MUTED)])
    peak = max(v for _l, v in points) or 1
    step = (width - left - 20) / max(len(points) - 1, 1)

    def xy(i: int, v: int) -> tuple[float, float]:
        return left + i * step, bottom - (bottom - top) * v / peak

    body = [_text(8, 16, title, 13, bold=True)]
    for fraction in (0, 0.5, 1):
        y = bottom - (bottom - top) * fraction
        body.append(f'<line x1="{left}" x2="{width - 20}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 6, y + 4, str(round(peak * fraction)), 11, "end", MUTED))
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}"
        for i, (x, y) in enumerate(xy(i, v) for i, (_l, v) in enumerate(points))
    )
    body.append(f'<path d="{path}" fill="none" stroke="{BAD}" stroke-width="2.5"/>')
    for i, (_label, value) in enumerate(points):
        x, y = xy(i, value)
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{BAD}"><title>{escape(str(value))}</title></circle>'
        )
    for i in sorted({0, len(points) // 2, len(points) - 1}):
        body.append(_text(xy(i, 0)[0], bottom + 18, points[i][0], 11, "middle", MUTED))
    return _svg(width, height, title, body)


def strip(title: str, segments: Sequence[tuple[str, int, str]]) -> str:
    """One stacked bar of counts, (label, count, colour) per segment, with a legend of the non-empty ones."""
    width, bar_h = 480, 28
    total = sum(n for _l, n, _c in segments)
    body: list[str] = []
    x = 0.0
    for label, count, colour in segments:
        if not count:
            continue
        w = width * count / total
        body.append(
            f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{bar_h}" fill="{colour}"><title>{escape(label)}: {count}</title></rect>'
        )
        if w > 24:
            body.append(_text(x + w / 2, 18, str(count), 12, "middle", "#ffffff", bold=True))
        x += w
    if total == 0:
        body.append(f'<rect x="0" y="0" width="{width}" height="{bar_h}" fill="{GRID}"/>')
    legend_x, legend_y = 0.0, bar_h + 20
    for label, count, colour in segments:
        if not count:
            continue
        text = f"{label}: {count}"
        advance = 18 + 7.2 * len(text) + 14
        if legend_x and legend_x + advance > width:
            legend_x, legend_y = 0.0, legend_y + 20
        body.append(f'<rect x="{legend_x:.1f}" y="{legend_y - 11}" width="12" height="12" fill="{colour}"/>')
        body.append(_text(legend_x + 17, legend_y, text, 13))
        legend_x += advance
    return _svg(width, int(legend_y + 8), title, body)


STATUS_COLOURS = {
    "registered": "#8a94a3",
    "accepted": "#5c7fb8",
    "in_transit": "#3b6fb6",
    "at_delivery_office": "#2d5aa0",
    "out_for_delivery": "#7a4fb0",
    "delivery_failed": "#a15c00",
    "held": "#b3261e",
    "delivered": "#1e7b34",
    "returned": "#6b4e16",
}
