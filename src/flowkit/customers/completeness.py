"""Profile completeness (档案完整度): the share of the rules' `required` keys a profile fills.

A key is filled when it holds something: text that is not blank, a list with an entry that
is, a number (0 too), a date, a choice. `contacts` needs more: at least one contact with a
name and a way to reach them (a mobile number or an email address).
"""

from __future__ import annotations

from dataclasses import dataclass

from flowkit.model import Contact, Customer, CustomerRules
from flowkit.model.customer import PROFILE_KEYS, PROFILE_LABELS

LABELS = PROFILE_LABELS  # the display name of each standard key: 客户名称, 注册地址 …


@dataclass(frozen=True)
class Completeness:
    score: float  # 0..1: the share of required keys filled; 1.0 when nothing is required
    missing: tuple[str, ...]  # the required keys not filled, in the rules' order
    missing_labels: tuple[str, ...]  # their display names: 注册地址, 年度预算 …
    total: int  # how many keys are required

    @property
    def complete(self) -> bool:
        return not self.missing


def completeness(customer: Customer, rules: CustomerRules) -> Completeness:
    """How complete one profile is by the rules, and what it still lacks."""
    missing = tuple(key for key in rules.required if not filled(customer, key))
    total = len(rules.required)
    score = (total - len(missing)) / total if total else 1.0
    return Completeness(score, missing, tuple(rules.label_of(k) for k in missing), total)


def filled(customer: Customer, key: str) -> bool:
    """Whether the profile holds something under a standard key or a field id."""
    if key == "contacts":
        return any(_reachable(contact) for contact in customer.contacts)
    if key in PROFILE_KEYS:
        return _present(getattr(customer, key))
    return _present(customer.values.get(key))


def _reachable(contact: Contact) -> bool:
    return bool(contact.name.strip()) and bool(contact.mobile.strip() or contact.email.strip())


def _present(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_present(item) for item in value)
    if isinstance(value, dict):
        return bool(value)
    return True
