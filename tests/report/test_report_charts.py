"""Charts: valid SVG, escaped labels, log axes, marks and degenerate inputs."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest
from report_docs import EVIL

from sovaudit.report.charts import Scale, Series, StripGroup, hbar_chart, scatter_plot, strip_plot

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter() if el.tag in (f"{SVG}text", f"{SVG}title")]


def test_hbar_chart_is_valid_svg_with_one_bar_per_item() -> None:
    svg = hbar_chart([("a", 1.5), ("b", 3.0), (EVIL, 0.5)], title="t", value_format="{:.1f}×")
    root = parse(svg)
    bars = root.findall(f"{SVG}rect")
    assert len(bars) == 3
    widths = [float(b.get("width", "0")) for b in bars]
    assert widths[1] > widths[0] > widths[2]  # linear bars from 0: longer for larger values
    assert math.isclose(widths[1] / widths[0], 2.0, rel_tol=1e-3)
    assert "3.0×" in texts(root)


def test_labels_are_escaped_in_every_chart() -> None:
    charts = [
        hbar_chart([(EVIL, 2.0)], title=EVIL, axis_label=EVIL),
        strip_plot([StripGroup(EVIL, [(2.0, EVIL)], {EVIL: 1.5})], title=EVIL, axis_label=EVIL),
        scatter_plot([Series(EVIL, [(10.0, 2.0, EVIL)])], title=EVIL, x_label=EVIL, y_label=EVIL),
    ]
    for svg in charts:
        assert "<script" not in svg
        assert "&lt;script&gt;" in svg
        root = parse(svg)
        assert not root.findall(f".//{SVG}script")
        assert EVIL in texts(root)  # the parsed text is the original string, shown as text
        assert root.get("aria-label") == EVIL


def test_strip_plot_draws_every_usable_point_and_the_given_marks() -> None:
    groups = [
        StripGroup(
            "gpt2",
            [(1.0, "eng"), (1.9, "swh"), (15.2, "shn"), (0.0, "zero"), (math.nan, "nan")],
            {"median": 1.9, "p90": 12.54},
        ),
        StripGroup("bytes", [(1.0, "eng"), (2.75, "shn")]),
    ]
    root = parse(strip_plot(groups, title="premiums", log=True, reference=1.0))
    circles = root.findall(f".//{SVG}circle")
    assert len(circles) == 5  # zero and NaN cannot be drawn on a log axis
    tips = [c.find(f"{SVG}title").text for c in circles]  # type: ignore[union-attr]
    assert tips == ["eng", "swh", "shn", "eng", "shn"]
    xs = [float(c.get("cx", "0")) for c in circles[:3]]
    assert xs[0] < xs[1] < xs[2]
    # log scale: equal ratios are equal distances
    scale_ratio = (xs[1] - xs[0]) / (xs[2] - xs[0])
    assert math.isclose(scale_ratio, math.log(1.9) / math.log(15.2), rel_tol=1e-3)
    marks = [el for el in root.findall(f"{SVG}line") if el.find(f"{SVG}title") is not None]
    assert [m.find(f"{SVG}title").text for m in marks] == ["gpt2 median: 1.90", "gpt2 p90: 12.54"]  # type: ignore[union-attr]
    assert len(root.findall(f"{SVG}line[@class='ref']")) == 1


def test_scatter_plot_log_axes_and_legend() -> None:
    series = [Series("gpt2", [(1e3, 1.0, "a"), (1e6, 10.0, "b"), (-5, 2.0, "negative")]), Series("bytes", [])]
    root = parse(scatter_plot(series, title="s", reference_y=1.0))
    points = [c for c in root.findall(f".//{SVG}circle") if c.find(f"{SVG}title") is not None]
    assert len(points) == 2
    (x1, y1), (x2, y2) = [(float(c.get("cx", "0")), float(c.get("cy", "0"))) for c in points]
    assert x2 > x1 and y2 < y1  # larger y is drawn higher
    assert {"gpt2", "bytes"} <= set(texts(root))


@pytest.mark.parametrize(
    "chart",
    [
        lambda: hbar_chart([], title="empty"),
        lambda: hbar_chart([("a", math.inf), ("b", 0.0)], title="odd", log=True),
        lambda: strip_plot([], title="empty"),
        lambda: strip_plot([StripGroup("a", [(3.0, "x")])], title="one value"),
        lambda: scatter_plot([], title="empty"),
        lambda: scatter_plot([Series("a", [(5.0, 5.0, "x")])], title="one point", log_x=False, log_y=False),
    ],
)
def test_degenerate_inputs_still_give_valid_svg(chart) -> None:  # type: ignore[no-untyped-def]
    svg = chart()
    parse(svg)
    assert "nan" not in svg.lower() and "inf" not in svg.lower()


def test_scale_ticks() -> None:
    assert Scale(0.9, 20, 0, 100, log=True).ticks() == [1, 2, 5, 10, 20]
    assert Scale(0.5, 2000, 0, 100, log=True).ticks() == [1, 10, 100, 1000]
    assert Scale(0, 1.8, 0, 100, log=False).ticks() == [0, 0.5, 1.0, 1.5]
    s = Scale(1, 100, 0, 200, log=True)
    assert s(1) == 0 and s(10) == 100 and s(100) == 200
