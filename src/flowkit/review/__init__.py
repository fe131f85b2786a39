"""The monthly review (月度复盘): KPIs as code, the measures of a month computed from the
recorded history (`measures`), the per-person scorecard (`scorecard`) and the pack a
manager brings to the 销售复盘会 (`pack`); its HTML, PDF and XLSX are written by
`flowkit.render.review`.
"""

from flowkit.review.catalog import MEASURES, measure
from flowkit.review.measures import History
from flowkit.review.period import Month, month_of

__all__ = ["MEASURES", "History", "Month", "measure", "month_of"]
