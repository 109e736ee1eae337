"""Inline SVG charts for the report: pure functions from values to an SVG string.

No JavaScript and no chart library: each function returns a complete ``<svg>`` element (a
:class:`markupsafe.Markup`, so Jinja inserts it as is) whose every label is escaped. Charts only draw the
values they are given; statistics shown as marks (a median, a 90th percentile) are passed in by the
caller from the results document, never computed here. Non-finite values, and non-positive values on a
log axis, are left out of the drawing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from .tables import is_number

PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
)
MARK_COLOURS = {"median": "#111111", "p90": "#d95f02", "max": "#7570b3"}
FONT = "font-family:system-ui,sans-serif"


@dataclass(frozen=True)
class StripGroup:
    """One row of a strip plot: its label, its points ``(value, tooltip)`` and named marks (e.g. median)."""

    label: str
    points: Sequence[tuple[float, str]]
    marks: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Series:
    """One series of a scatter plot: a label and points ``(x, y, tooltip)``."""

    label: str
    points: Sequence[tuple[float, float, str]]


def _usable(v: object, log: bool) -> bool:
    return is_number(v) and (not log or float(v) > 0)  # type: ignore[arg-type]


def _num(v: float) -> str:
    """A coordinate with at most two decimals (short, deterministic SVG)."""
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def fmt_tick(v: float) -> str:
    """A tick label: ``0.5``, ``2``, ``10``, ``1k``, ``2.5M``."""
    a = abs(v)
    if a >= 1e9:
        return f"{v / 1e9:g}G"
    if a >= 1e6:
        return f"{v / 1e6:g}M"
    if a >= 1e4:
        return f"{v / 1e3:g}k"
    return f"{v:g}"


class Scale:
    """A linear or logarithmic map from a data domain onto pixels."""

    def __init__(self, lo: float, hi: float, start: float, end: float, log: bool) -> None:
        self.log = log
        if log:
            lo, hi = math.log10(lo), math.log10(hi)
        if hi <= lo:
            lo, hi = lo - 0.5, hi + 0.5
        self.lo, self.hi, self.start, self.end = lo, hi, start, end

    def __call__(self, v: float) -> float:
        x = math.log10(v) if self.log else v
        return self.start + (x - self.lo) / (self.hi - self.lo) * (self.end - self.start)

    def ticks(self) -> list[float]:
        """Round tick values inside the domain: 1-2-5 steps (log: powers of ten, with 2 and 5 if few)."""
        if self.log:
            lo_e, hi_e = math.floor(self.lo), math.ceil(self.hi)
            mults = (1, 2, 5) if hi_e - lo_e <= 3 else (1,)
            cands = [m * 10.0**e for e in range(lo_e, hi_e + 1) for m in mults]
            return [t for t in cands if self.lo - 1e-9 <= math.log10(t) <= self.hi + 1e-9]
        span = self.hi - self.lo
        raw = span / 5
        mag = 10.0 ** math.floor(math.log10(raw))
        step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
        first = math.ceil(self.lo / step) * step
        n = math.floor((self.hi - first) / step + 1e-9) + 1
        return [round(first + i * step, 12) for i in range(max(n, 0))]


def _domain(values: Sequence[float], log: bool, extra: Sequence[float] = ()) -> tuple[float, float]:
    vals = [float(v) for v in (*values, *extra) if _usable(v, log)]
    if not vals:
        return (1.0, 10.0) if log else (0.0, 1.0)
    lo, hi = min(vals), max(vals)
    if log:
        return lo / 1.15, hi * 1.15
    pad = (hi - lo) * 0.05 or abs(hi) * 0.1 or 1.0
    return (min(lo - pad, 0.0) if lo >= 0 else lo - pad), hi + pad


def _open(width: int, height: int, title: str) -> list[str]:
    t = escape(title)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{t}" style="{FONT};font-size:12px">',
        f"<title>{t}</title>",
    ]


def _x_axis(scale: Scale, top: float, bottom: float, label: str) -> list[str]:
    out = []
    for t in scale.ticks():
        x = _num(scale(t))
        out.append(f'<line x1="{x}" x2="{x}" y1="{_num(top)}" y2="{_num(bottom)}" stroke="#e3e3e3"/>')
        out.append(
            f'<text x="{x}" y="{_num(bottom + 14)}" text-anchor="middle" fill="#444">{fmt_tick(t)}</text>'
        )
    mid = _num((scale.start + scale.end) / 2)
    out.append(
        f'<text x="{mid}" y="{_num(bottom + 30)}" text-anchor="middle" fill="#222">{escape(label)}</text>'
    )
    return out


def _ref_line(scale: Scale, value: float | None, top: float, bottom: float, log: bool) -> list[str]:
    if value is None or not _usable(value, log):
        return []
    x = _num(scale(value))
    return [
        f'<line class="ref" x1="{x}" x2="{x}" y1="{_num(top)}" y2="{_num(bottom)}" stroke="#333" '
        f'stroke-dasharray="4 3"/>',
        f'<text x="{x}" y="{_num(top - 4)}" text-anchor="middle" fill="#333">{fmt_tick(value)}</text>',
    ]


def hbar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    axis_label: str = "",
    log: bool = False,
    reference: float | None = None,
    value_format: str = "{:.2f}",
    width: int = 720,
) -> Markup:
    """A horizontal bar chart, one bar per ``(label, value)``; the value is written at the bar's end."""
    label_w, row_h, top = 170, 22, 28
    height = top + row_h * max(len(items), 1) + 44
    right = width - 60
    lo, hi = _domain([v for _, v in items], log, [reference] if reference is not None else [])
    if not log:
        lo = min(lo, 0.0)
    scale = Scale(lo, hi, label_w, right, log)
    base = scale(lo) if log else scale(0.0)
    out = _open(width, height, title)
    out += _x_axis(scale, top, top + row_h * len(items), axis_label)
    for i, (label, value) in enumerate(items):
        y = top + i * row_h
        out.append(
            f'<text x="{label_w - 6}" y="{_num(y + row_h * 0.68)}" text-anchor="end" fill="#222">'
            f"{escape(label)}</text>"
        )
        if not _usable(value, log):
            out.append(f'<text x="{label_w + 4}" y="{_num(y + row_h * 0.68)}" fill="#888">n/a</text>')
            continue
        x0, x1 = sorted((base, scale(value)))
        out.append(
            f'<rect x="{_num(x0)}" y="{_num(y + 3)}" width="{_num(max(x1 - x0, 1))}" height="{row_h - 6}" '
            f'fill="{PALETTE[0]}"><title>{escape(label)}: {escape(value_format.format(value))}</title></rect>'
        )
        out.append(f'<text x="{_num(x1 + 4)}" y="{_num(y + row_h * 0.68)}" fill="#222">')
        out.append(f"{escape(value_format.format(value))}</text>")
    out += _ref_line(scale, reference, top, top + row_h * len(items), log)
    out.append("</svg>")
    return Markup("".join(out))


def strip_plot(
    groups: Sequence[StripGroup],
    *,
    title: str,
    axis_label: str = "",
    log: bool = True,
    reference: float | None = 1.0,
    width: int = 760,
) -> Markup:
    """The distribution of values per group: one dot per value (tooltip on hover) plus the given marks.

    Dots are spread vertically by a deterministic jitter so that equal values stay visible. Marks
    (``median``, ``p90``, ``max``, ...) are drawn as ticks across the row and listed in a legend.
    """
    label_w, row_h, top = 150, 30, 34
    n = max(len(groups), 1)
    height = top + row_h * n + 48
    right = width - 20
    values = [v for g in groups for v, _ in g.points] + [m for g in groups for m in g.marks.values()]
    lo, hi = _domain(values, log, [reference] if reference is not None else [])
    scale = Scale(lo, hi, label_w, right, log)
    out = _open(width, height, title)
    out += _x_axis(scale, top, top + row_h * n, axis_label)
    mark_names: list[str] = []
    for i, group in enumerate(groups):
        y = top + i * row_h
        colour = PALETTE[i % len(PALETTE)]
        if i % 2:
            out.append(
                f'<rect x="{label_w}" y="{y}" width="{right - label_w}" height="{row_h}" fill="#f7f7f7"/>'
            )
        out.append(
            f'<text x="{label_w - 6}" y="{_num(y + row_h * 0.6)}" text-anchor="end" fill="#222">'
            f"{escape(group.label)}</text>"
        )
        out.append(f'<g fill="{colour}" fill-opacity="0.45">')
        for j, (value, tip) in enumerate(group.points):
            if not _usable(value, log):
                continue
            jitter = ((j * 0.6180339887) % 1.0 - 0.5) * (row_h - 10)
            out.append(
                f'<circle cx="{_num(scale(value))}" cy="{_num(y + row_h / 2 + jitter)}" r="2.6">'
                f"<title>{escape(tip)}</title></circle>"
            )
        out.append("</g>")
        for name, value in group.marks.items():
            if not _usable(value, log):
                continue
            if name not in mark_names:
                mark_names.append(name)
            c = MARK_COLOURS.get(name, "#000")
            x = _num(scale(value))
            out.append(
                f'<line x1="{x}" x2="{x}" y1="{_num(y + 3)}" y2="{_num(y + row_h - 3)}" stroke="{c}" '
                f'stroke-width="2.5"><title>{escape(group.label)} {escape(name)}: {value:.2f}</title></line>'
            )
    out += _ref_line(scale, reference, top, top + row_h * n, log)
    lx = label_w
    for name in mark_names:
        c = MARK_COLOURS.get(name, "#000")
        out.append(f'<line x1="{lx}" x2="{lx}" y1="6" y2="18" stroke="{c}" stroke-width="2.5"/>')
        out.append(f'<text x="{lx + 5}" y="16" fill="#222">{escape(name)}</text>')
        lx += 16 + 8 * len(name)
    out.append("</svg>")
    return Markup("".join(out))


def scatter_plot(
    series: Sequence[Series],
    *,
    title: str,
    x_label: str = "",
    y_label: str = "",
    log_x: bool = True,
    log_y: bool = True,
    reference_y: float | None = None,
    width: int = 720,
    height: int = 380,
) -> Markup:
    """A scatter plot of one or more series (log axes by default), with a legend and point tooltips."""
    left, right, top, bottom = 56, width - 130, 20, height - 44
    xs = [p[0] for s in series for p in s.points]
    ys = [p[1] for s in series for p in s.points]
    sx = Scale(*_domain(xs, log_x), left, right, log_x)
    sy = Scale(*_domain(ys, log_y, [reference_y] if reference_y is not None else []), bottom, top, log_y)
    out = _open(width, height, title)
    out += _x_axis(sx, top, bottom, x_label)
    for t in sy.ticks():
        ty = _num(sy(t))
        out.append(f'<line x1="{left}" x2="{right}" y1="{ty}" y2="{ty}" stroke="#e3e3e3"/>')
        out.append(f'<text x="{left - 4}" y="{ty}" text-anchor="end" dy="4" fill="#444">{fmt_tick(t)}</text>')
    cy = _num((top + bottom) / 2)
    out.append(
        f'<text x="12" y="{cy}" transform="rotate(-90 12 {cy})" text-anchor="middle" fill="#222">'
        f"{escape(y_label)}</text>"
    )
    if reference_y is not None and _usable(reference_y, log_y):
        ry = _num(sy(reference_y))
        out.append(
            f'<line class="ref" x1="{left}" x2="{right}" y1="{ry}" y2="{ry}" stroke="#333" '
            'stroke-dasharray="4 3"/>'
        )
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        out.append(f'<g fill="{colour}" fill-opacity="0.75">')
        for x, y, tip in s.points:
            if not (_usable(x, log_x) and _usable(y, log_y)):
                continue
            out.append(
                f'<circle cx="{_num(sx(x))}" cy="{_num(sy(y))}" r="3.5"><title>{escape(tip)}</title></circle>'
            )
        out.append("</g>")
        ly = top + 6 + i * 16
        out.append(f'<circle cx="{right + 14}" cy="{ly}" r="4" fill="{colour}"/>')
        out.append(f'<text x="{right + 22}" y="{ly + 4}" fill="#222">{escape(s.label)}</text>')
    out.append("</svg>")
    return Markup("".join(out))
