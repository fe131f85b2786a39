"""The one model every part of flowkit reads: immutable dataclasses built by `flowkit.load`.

The engine, the renderer and the reports consume it; none of them writes it back.
"""

from flowkit.model.customer import (
    AfterSale,
    Contact,
    Customer,
    CustomerRules,
    FollowUp,
    GradeRule,
    Maintenance,
    Order,
    Payment,
)
from flowkit.model.org import Org, Person, ServiceLogin, Team
from flowkit.model.process import (
    Anchor,
    Document,
    Event,
    Faq,
    Field,
    Lane,
    LostReason,
    Node,
    NodeType,
    PainPoint,
    Process,
    Route,
    Sla,
    SlaOverride,
)

__all__ = [
    "AfterSale",
    "Anchor",
    "Contact",
    "Customer",
    "CustomerRules",
    "Document",
    "Event",
    "Faq",
    "Field",
    "FollowUp",
    "GradeRule",
    "Lane",
    "LostReason",
    "Maintenance",
    "Node",
    "NodeType",
    "Order",
    "Org",
    "PainPoint",
    "Payment",
    "Person",
    "Process",
    "Route",
    "ServiceLogin",
    "Sla",
    "SlaOverride",
    "Team",
]
