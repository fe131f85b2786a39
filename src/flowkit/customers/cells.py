"""Cell helpers: one value of the model as the text of one table cell, and back.

The tables write several values into one cell (企业规模 as 员工数/营收, 需求关键词 and 标签 as
a list, the customers.yaml fields as id=value) and read them back from what a person typed.
They are apart from the tables because the writers, the readers and the column checks all
use them, and they know nothing of headers or rows: each takes one value or one cell.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from flowkit.lang.times import wall_text

_LIST_SPLIT = re.compile(r"[、,，;；]")
_DIMENSION_SPLIT = re.compile(r"[/／]")
_REVENUE = re.compile(r"[万亿元¥￥$]|rmb|cny", re.IGNORECASE)


def split_list(text: str) -> tuple[str, ...]:
    """需求关键词 and 标签: split on 、,，;； with empty items dropped."""
    return tuple(item for item in (p.strip() for p in _LIST_SPLIT.split(text)) if item)


def join_size(employees: str, revenue: str) -> str:
    """企业规模 as 员工数/营收: "100-500人/5000万-1亿", "100-500人", "/5000万-1亿"."""
    if revenue or (employees and _looks_like_revenue(employees)):
        return f"{employees}/{revenue}"
    return employees


def split_size(text: str) -> tuple[str, str]:
    """(employees, revenue band) from 企业规模, split on the first "/"; a cell without one is
    the revenue when it reads like money (5000万), else the head count."""
    head, slash, tail = text.replace("／", "/").partition("/")
    if slash:
        return head.strip(), tail.strip()
    return ("", head) if _looks_like_revenue(head) else (head, "")


def _looks_like_revenue(text: str) -> bool:
    return not text.endswith("人") and _REVENUE.search(text) is not None


def potential_of(dimensions: str) -> str:
    """The word before 潜力 in 分类维度 (互联网/高价值/高潜力 -> 高); "" without one."""
    for part in reversed(_DIMENSION_SPLIT.split(dimensions)):
        part = part.strip()
        if part.endswith(("潜力", "潛力")):
            return part[:-2].strip()
    return ""


def datetime_cell(at: datetime) -> str:
    """2023-10-15 at midnight, else 2023-10-15 15:00 (with seconds when there are some):
    the one way flowkit writes a wall time (`flowkit.lang.times.wall_text`)."""
    return wall_text(at)


def join_values(values: Mapping[str, object]) -> str:
    """The customers.yaml fields of a profile in one cell: annual_budget=1200000; intent=strong."""
    return "; ".join(f"{k}={v}" for k, v in values.items() if v not in (None, ""))


def split_values(text: str) -> dict[str, object]:
    """Back from `join_values`: the values stay text; the caller types them by the rules."""
    found: dict[str, object] = {}
    for part in re.split(r"[;；]", text):
        key, sep, value = part.partition("=")
        if sep and key.strip():
            found[key.strip()] = value.strip()
    return found
