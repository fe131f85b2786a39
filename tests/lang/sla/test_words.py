"""SLA words: spelling, case and full-width forms do not matter; both languages agree."""

from __future__ import annotations

import pytest

from flowkit.lang.sla import Phrase, SlaSyntaxError, parse_phrase
from tests.lang.sla.helpers import ONGOING, due, every


# Surrounding whitespace, case and full-width forms do not change the meaning.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  24h \n", due(24, "hour")),
        ("24H", due(24, "hour")),
        ("Within 24 Hours", due(24, "hour")),
        ("3 Business Days", due(3, "day", True)),
        ("DAILY", every(1, "day")),
        ("２４ｈ", due(24, "hour")),
        ("２４小时内", due(24, "hour")),
        ("每周２次", every(2, "week")),
        ("ＯＮＧＯＩＮＧ", ONGOING),
        ("\u300024小时\u3000", due(24, "hour")),
        ("weekly (visit)", every(1, "week", "visit")),
        ("每周2次（上门拜访）", every(2, "week", "visit")),
    ],
)
def test_phrase_tolerates_spelling(text: str, expected: Phrase) -> None:
    assert parse_phrase(text) == expected


@pytest.mark.parametrize(
    ("en", "zh"),
    [
        ("24h", "24小时"),
        ("within 24 hours", "24小时内"),
        ("90 minutes", "90分钟"),
        ("30 days", "30天"),
        ("2 weeks", "两周"),
        ("1 month", "1个月"),
        ("3 days", "三天"),
        ("3 business days", "3个工作日"),
        ("4 business hours", "4个工作小时"),
        ("30 days from 交付", "交付后30天内"),
        ("3 business days from 合同签订", "合同签订后3个工作日内"),
        ("daily", "每日"),
        ("weekly", "每周"),
        ("monthly", "每月"),
        ("quarterly", "每季度"),
        ("2 per week", "每周2次"),
        ("2 visits per week", "每周2次上门拜访"),
        ("1 call per week", "每周1次电话回访"),
        ("1 email per month", "每月1次邮件"),
        ("1 visit per quarter", "季度回访"),
        ("ongoing", "持续进行"),
    ],
)
def test_english_and_chinese_agree(en: str, zh: str) -> None:
    assert parse_phrase(en) == parse_phrase(zh)


def test_error_offset_counts_characters_as_written() -> None:
    """Full-width text keeps its length, so the column is right for the author's line."""
    with pytest.raises(SlaSyntaxError) as caught:
        parse_phrase("　２４ ｈｒ")
    assert caught.value.offset == 4
    assert "'ｈｒ'" in caught.value.message
