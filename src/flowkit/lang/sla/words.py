"""The words of SLA phrases, English and Chinese, and the normalised text they are found in.

Matching runs on a normalised copy of the text (full-width folded to ASCII, lower case)
that has exactly the length of the original, so every match offset is also an offset into
what the author wrote.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from flowkit.lang.sla.terms import CutoffPeriod, Method, Period, Unit

# --- vocabulary ----------------------------------------------------------------------------
# Keys are normalised spellings (lower case, single spaces). Tables, not code, so adding
# a synonym is one line and the error hints below are built from the same words.

EN_NUMBERS: Final[dict[str, int]] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
TIMES_WORDS: Final[dict[str, int]] = {"once": 1, "twice": 2, "thrice": 3}

_CLOCK_WORDS: Final[dict[str, Unit]] = {
    "min": "minute", "mins": "minute", "minute": "minute", "minutes": "minute", "分钟": "minute",
    "h": "hour", "hour": "hour", "hours": "hour",
    "小时": "hour", "个小时": "hour", "钟头": "hour", "个钟头": "hour",
    "d": "day", "day": "day", "days": "day", "天": "day", "日": "day",
    "w": "week", "week": "week", "weeks": "week",
    "周": "week", "星期": "week", "个星期": "week", "礼拜": "week", "个礼拜": "week",
    "mo": "month", "month": "month", "months": "month", "个月": "month",
}  # fmt: skip
_BUSINESS_WORDS: Final[dict[str, Unit]] = {
    "bd": "day", "bh": "hour", "工作日": "day", "个工作日": "day", "工作天": "day",
    "workday": "day", "workdays": "day",
    "工作小时": "hour", "个工作小时": "hour",
    **{
        f"{q} {w}": u
        for q in ("business", "working")
        for w, u in _CLOCK_WORDS.items()
        if w.isascii() and len(w) > 2
    },
}  # fmt: skip
UNIT_WORDS: Final[dict[str, tuple[Unit, bool]]] = {
    **{w: (u, False) for w, u in _CLOCK_WORDS.items()},
    **{w: (u, True) for w, u in _BUSINESS_WORDS.items()},
}

PERIOD_WORDS: Final[dict[str, Period]] = {
    "day": "day", "week": "week", "month": "month", "quarter": "quarter",
    "daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter",
    "日": "day", "天": "day", "周": "week", "星期": "week", "礼拜": "week",
    "月": "month", "月度": "month", "季": "quarter", "季度": "quarter",
    "个月": "month", "个季度": "quarter",
}  # fmt: skip
EN_PERIODS: Final = ("day", "week", "month", "quarter", "year")
EN_ADVERBS: Final = (
    "daily", "weekly", "monthly", "quarterly", "yearly", "annually", "biweekly", "fortnightly",
)  # fmt: skip
ZH_PERIODS: Final = ("日", "天", "周", "星期", "礼拜", "月", "季", "季度", "年")
# A cadence has no yearly period: a year is 12 months, a fortnight 2 weeks.
MULTIPLE_PERIODS: Final[dict[str, tuple[Period, int]]] = {
    "year": ("month", 12), "yearly": ("month", 12), "annually": ("month", 12),
    "年": ("month", 12), "年度": ("month", 12),
    "biweekly": ("week", 2), "fortnightly": ("week", 2),
}  # fmt: skip
ZH_EVERY_PERIODS: Final = (
    "天",
    "日",
    "周",
    "星期",
    "礼拜",
    "个月",
    "月",
    "个季度",
    "季度",
    "季",
    "年",
)
EN_EVERY_PERIODS: Final[dict[str, str]] = {
    "days": "day", "weeks": "week", "months": "month", "quarters": "quarter", "years": "year",
    "day": "day", "week": "week", "month": "month", "quarter": "quarter", "year": "year",
}  # fmt: skip
DEFAULT_WINDOW: Final = 3  # 每月初: the first 3 working days of the month

# None means "any follow-up counts": the word only says that something is logged.
EN_METHOD_WORDS: Final[dict[str, Method | None]] = {
    "visit": "visit", "visits": "visit",
    "call": "phone", "calls": "phone", "phone": "phone",
    "phone call": "phone", "phone calls": "phone",
    "email": "email", "emails": "email", "e-mail": "email", "e-mails": "email",
    "mail": "email", "mails": "email",
    "other follow-up": "other", "other follow-ups": "other",
    "other followup": "other", "other followups": "other",
    "message": "other", "messages": "other", "wechat": "other",
    "follow-up": None, "follow-ups": None, "followup": None, "followups": None,
}  # fmt: skip
EN_COUNTED_WORDS: Final[dict[str, Method | None]] = {
    "times": None, "time": None, "x": None, **EN_METHOD_WORDS,
}  # fmt: skip
ZH_METHOD_WORDS: Final[dict[str, Method | None]] = {
    "上门拜访": "visit", "上门回访": "visit", "上门": "visit", "拜访": "visit", "面访": "visit",
    "回访": "visit",  # alone it is a visit; after 电话/邮件 it only means "follow-up"
    "电话回访": "phone", "电话跟进": "phone", "电话": "phone", "致电": "phone",
    "邮件回访": "email", "邮件跟进": "email", "邮件": "email", "电邮": "email",
    "其他跟进": "other", "其他方式": "other", "其他": "other", "微信": "other", "短信": "other",
    "跟进": None, "更新": None, "联系": None, "沟通": None,
}  # fmt: skip
METHOD_WORDS: Final[dict[str, Method | None]] = {**EN_COUNTED_WORDS, **ZH_METHOD_WORDS}
METHOD_SLOTS: Final = ("m1", "m2", "m3", "m4")

# Date-based deadlines (cutoffs): the days they name, in both languages.
ZH_WEEKDAYS: Final[dict[str, int]] = {
    "一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
    "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6,
}  # fmt: skip
EN_WEEKDAYS: Final[dict[str, int]] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip
CUTOFF_PERIOD_WORDS: Final[dict[str, CutoffPeriod]] = {
    "week": "week", "month": "month", "quarter": "quarter", "year": "year",
    "周": "week", "星期": "week", "礼拜": "week", "月": "month",
    "季": "quarter", "季度": "quarter", "年": "year", "年度": "year",
}  # fmt: skip
_CUTOFF_WORDS: Final = (
    "same", "next", "working", "business", "end", "close", "calendar", "by", "this", "noon",
    "midday", "eod", "cob", "am", "pm", "half", "year", "t", "other", "first", "start",
    "once", "to", *EN_EVERY_PERIODS,
)  # fmt: skip

ONGOING_WORDS: Final = (
    "持续进行中", "持续进行", "持续跟进", "持续", "ongoing", "continuous", "continuously",
)  # fmt: skip
_CONNECTORS: Final = (
    "within", "in", "from", "after", "of", "per", "each", "every", "at", "least",
    "before", "the", "due", "date", "deadline", "percent", "pct",
)  # fmt: skip


def table_key(text: str) -> str:
    """The table key for a matched word: internal whitespace runs become one space."""
    return " ".join(text.split())


def _ascii_tokens(words: Iterable[str]) -> frozenset[str]:
    return frozenset(t for w in words for t in re.findall(r"[a-z][a-z-]*", w))


# The words a slip is mended to. Words that only name several periods at once (biweekly,
# fortnightly, yearly) are left out: a slip near them is more likely another word with a
# meaning of its own (semiweekly, fortnights) than a typo.
VOCABULARY: Final = _ascii_tokens(
    [*UNIT_WORDS, *PERIOD_WORDS, *METHOD_WORDS, *EN_NUMBERS, *TIMES_WORDS],
) | _ascii_tokens([*ONGOING_WORDS, *_CONNECTORS, *EN_WEEKDAYS, *_CUTOFF_WORDS])
KNOWN_WORDS: Final = VOCABULARY | _ascii_tokens(EN_ADVERBS)  # every English word read
UNIT_HINTS: Final[dict[str, str]] = {
    **{w: f"{u}s" for w, u in _CLOCK_WORDS.items() if w.isascii()},
    "bd": "business days",
    "bh": "business hours",
}


# --- normalising ---------------------------------------------------------------------------

_FOLD_EXTRA: Final = {"\u3000": " ", "、": ",", "−": "-"}


def _fold(ch: str) -> str:
    """One character in, one out: full-width ASCII folded, letters lower-cased."""
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        ch = chr(code - 0xFEE0)
    ch = _FOLD_EXTRA.get(ch, ch)
    low = ch.lower()
    return low if len(low) == 1 else ch


def normalise(text: str) -> str:
    return "".join(_fold(ch) for ch in text)
