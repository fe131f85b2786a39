from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    """An instant written as local Shanghai time: at('2025-09-30 16:00')."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)
