"""The review's charts: SVG, the same bytes for the same data, Chinese in Noto Sans CJK."""

from __future__ import annotations

import pytest

from flowkit.render import charts


def _font_installed() -> bool:
    from matplotlib import font_manager

    return any(f.name == charts.FONT for f in font_manager.fontManager.ttflist)


def test_the_same_data_gives_the_same_bytes() -> None:
    first = charts.bars(
        ["线索初筛", "商机跟进"], [0.8, None], "各节点准时率", "rate", marks=[0.85, 0.85]
    )
    again = charts.bars(
        ["线索初筛", "商机跟进"], [0.8, None], "各节点准时率", "rate", marks=[0.85, 0.85]
    )
    other = charts.bars(
        ["线索初筛", "商机跟进"], [0.7, None], "各节点准时率", "rate", marks=[0.85, 0.85]
    )
    assert first == again and first != other
    assert first.startswith(b"<?xml") and b"<svg" in first
    assert b"<dc:date>" not in first  # no date written: a rebuild diffs clean


def test_lines_and_pairs_are_deterministic_too() -> None:
    months = ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
    series = [("节点准时率", [None, 0.5, 0.6, None, 0.7, 0.8])]
    drawn = [
        charts.lines(months, series, "近6个月趋势", events=[("2026-10", "采纳")]),
        charts.paired_bars(["线索初筛"], [2.0], [2.2], ("中位数", "90分位"), "停留时间"),
    ]
    assert drawn == [
        charts.lines(months, series, "近6个月趋势", events=[("2026-10", "采纳")]),
        charts.paired_bars(["线索初筛"], [2.0], [2.2], ("中位数", "90分位"), "停留时间"),
    ]


@pytest.mark.skipif(not _font_installed(), reason="Noto Sans CJK is not installed (setup.sh)")
def test_chinese_is_drawn_in_noto_sans_cjk() -> None:
    svg = charts.bars(["线索初筛"], [3], "销售漏斗")
    assert b'id="NotoSansCJKsc-Regular-' in svg  # the glyphs, drawn as paths, are its own
    assert b"DejaVu" not in svg
