"""Tracking data in SQLite or PostgreSQL (SQLAlchemy Core + Alembic): the only SQL in flowkit.

What the store hands out and takes are the typed rows of `flowkit.store.rows`, exported here.
The names that need SQLAlchemy (`Store`'s transactions, `Tx`, `CustomerFilter`) load on
first use, so that importing a row type, or reading a status through `store.direct`,
never imports it.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from flowkit.store.db import database_url
from flowkit.store.handle import Store
from flowkit.store.reading import StatusFilter
from flowkit.store.rows import (
    ActivityRow,
    AlertPeriod,
    AlertRow,
    AuditFinding,
    AuditRow,
    CustomerAlertRow,
    CustomerChangeRow,
    CustomerOpportunity,
    CustomerRow,
    CustomerSummary,
    CustomerTimerRow,
    CustomerUpdate,
    DeadlineCounts,
    DueRow,
    EventData,
    EventRow,
    Fields,
    FieldValue,
    FollowUpEntry,
    ImportedTimer,
    InstanceRow,
    InstanceUpdate,
    Json,
    KeptTimer,
    LastWork,
    LateEntryRow,
    LiveVersion,
    LogEntryRow,
    MergeRow,
    NamedFollowUp,
    NamedTimerRow,
    NewAudit,
    NewCustomer,
    NewCustomerChange,
    NewCustomerTimer,
    NewEvent,
    NewFollowUp,
    NewInstance,
    NewLogEntry,
    NewMerge,
    NewTimer,
    NodeTraffic,
    NumberedEvent,
    OldDataDeadlineRow,
    OpportunityRef,
    OwnerChange,
    OwnerCompleteness,
    PinnedVersion,
    ProfileColumns,
    Referral,
    SampledRow,
    TimerRow,
    TimerState,
    TimerUpdate,
    TimerValues,
    ValueCounts,
)

if TYPE_CHECKING:
    from flowkit.store.customers import CustomerFilter
    from flowkit.store.store import Tx

_LAZY = {"CustomerFilter": "flowkit.store.customers", "Tx": "flowkit.store.store"}

__all__ = [
    "ActivityRow",
    "AlertPeriod",
    "AlertRow",
    "AuditFinding",
    "AuditRow",
    "CustomerAlertRow",
    "CustomerChangeRow",
    "CustomerFilter",
    "CustomerOpportunity",
    "CustomerRow",
    "CustomerSummary",
    "CustomerTimerRow",
    "CustomerUpdate",
    "DeadlineCounts",
    "DueRow",
    "EventData",
    "EventRow",
    "FieldValue",
    "Fields",
    "FollowUpEntry",
    "ImportedTimer",
    "InstanceRow",
    "InstanceUpdate",
    "Json",
    "KeptTimer",
    "LastWork",
    "LateEntryRow",
    "LiveVersion",
    "LogEntryRow",
    "MergeRow",
    "NamedFollowUp",
    "NamedTimerRow",
    "NewAudit",
    "NewCustomer",
    "NewCustomerChange",
    "NewCustomerTimer",
    "NewEvent",
    "NewFollowUp",
    "NewInstance",
    "NewLogEntry",
    "NewMerge",
    "NewTimer",
    "NodeTraffic",
    "NumberedEvent",
    "OldDataDeadlineRow",
    "OpportunityRef",
    "OwnerChange",
    "OwnerCompleteness",
    "PinnedVersion",
    "ProfileColumns",
    "Referral",
    "SampledRow",
    "StatusFilter",
    "Store",
    "TimerRow",
    "TimerState",
    "TimerUpdate",
    "TimerValues",
    "Tx",
    "ValueCounts",
    "database_url",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'flowkit.store' has no attribute {name!r}")
