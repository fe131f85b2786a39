"""Duplicate customers (线索重复率高): the same company under other spellings, or the same
contact's mobile or email on two records, found and merged.

Three keys identify a customer: its name without what varies between spellings (spaces,
full-width characters, case, bracketed parts like (中国), legal suffixes like 有限公司 or
Co., Ltd.), each contact's phone number (digits only, no +86) and each contact's email
(lower case). Records sharing any key are one group, transitively: A and B share a mobile,
B and C a name, so A, B and C are one group.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, Literal, TypeVar

from flowkit.customers.checks import FormatError, parse_mobile
from flowkit.model.customer import Contact, Customer

KeyKind = Literal["name", "phone", "email"]
Doubt = Literal["profiles", "owners", "evidence"]  # why a group is not merged unasked
LABELS: dict[KeyKind, str] = {"name": "名称相同", "phone": "手机相同", "email": "邮箱相同"}
_ORDER: dict[KeyKind, int] = {"name": 0, "phone": 1, "email": 2}

_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕|<[^<>]*>|《[^《》]*》")
_CN_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团", "公司")
_EN_SUFFIX = re.compile(
    r"(?<![a-z0-9])(?:co|company|corp|corporation|inc|incorporated|ltd|limited|llc|plc|gmbh"
    r"|group)[\W_]*$"
)
_TRAILING = " \t.,&-_·、，。"
_NOISE = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\D+")
T = TypeVar("T")


@dataclass(frozen=True)
class Match:
    """One key the records of a group share."""

    kind: KeyKind
    value: str  # the normalised key
    written: tuple[str, ...]  # how the records write it (for names), distinct, in order

    def __str__(self) -> str:
        shown = " / ".join(self.written) if self.kind == "name" else self.value
        return f"{LABELS[self.kind]}: {shown}"


@dataclass(frozen=True)
class DuplicateGroup:
    """Records that look like one customer, and why. `existing` come first."""

    existing: tuple[Customer, ...]  # of `existing` (the store's)
    incoming: tuple[Customer, ...]  # of `customers` (e.g. a file being imported)
    matches: tuple[Match, ...]

    @property
    def customers(self) -> tuple[Customer, ...]:
        return self.existing + self.incoming

    @property
    def reasons(self) -> tuple[str, ...]:
        """名称相同: 上海宏达机械 / 上海宏达机械有限公司, 手机相同: 13812345678 ..."""
        return tuple(str(m) for m in self.matches)

    @property
    def doubt(self) -> Doubt | None:
        """Why the group may not be one customer, or None when the evidence is strong.

        Strong: the file names the profile's customer number, or the records share both
        the normalised company name and a contact (a mobile or an email). One shared mobile
        is a typo away from fusing two companies, one shared name may be two branches; two
        profiles already on file are fused by an import only as a person decides, naming
        the one kept (`decisions`), as `customer merge` does; records owned by different
        people are never merged without a person deciding."""
        if len(self.existing) > 1:
            return "profiles"
        owners = {c.owner for c in self.customers if c.owner}
        if len(owners) > 1:
            return "owners"
        primary, *others = [*self.existing, *self.incoming]
        keys = _keys(primary)
        for other in others:
            shared = {kind for kind, _ in _keys(other) & keys}
            numbered = bool(other.id) and other.id == primary.id
            if not numbered and not ("name" in shared and shared & {"phone", "email"}):
                return "evidence"  # judged record by record: a group is joined transitively
        return None


def company_key(name: str) -> str:
    """上海宏达机械有限公司, 上海宏达机械(中国) and ＳＨ宏达 Co., Ltd. compare by this."""
    text = _BRACKETED.sub("", unicodedata.normalize("NFKC", name).lower()).strip(_TRAILING)
    while True:
        shorter = _EN_SUFFIX.sub("", text).rstrip(_TRAILING)
        shorter = next(
            (shorter[: -len(s)] for s in _CN_SUFFIXES if shorter.endswith(s)), shorter
        ).rstrip(_TRAILING)
        if shorter == text:
            return _NOISE.sub("", text)
        text = shorter


def phone_key(text: str) -> str:
    """A mobile as 11 digits (+86, spaces, dashes gone), a landline as its digits; "" when
    there are too few digits to tell anyone apart."""
    try:
        return parse_mobile(unicodedata.normalize("NFKC", text))
    except FormatError:
        digits = _DIGITS.sub("", unicodedata.normalize("NFKC", text))
        return digits if len(digits) >= 7 else ""


def email_key(text: str) -> str:
    """An email in lower case; "" for text that is no address."""
    address = unicodedata.normalize("NFKC", text).strip().lower()
    return address if "@" in address.strip("@") else ""


def find_duplicates(
    customers: Sequence[Customer], existing: Sequence[Customer] = ()
) -> list[DuplicateGroup]:
    """Groups of records that share a name, phone or email key, transitively; with
    `existing`, only groups that hold at least one of `customers`."""
    records = [*existing, *customers]
    parent = list(range(len(records)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    holders: dict[tuple[KeyKind, str], list[int]] = {}
    for index, customer in enumerate(records):
        for key in _keys(customer):
            holders.setdefault(key, []).append(index)
    shared = {key: held for key, held in holders.items() if len(held) > 1}
    for held in shared.values():
        first = root(held[0])
        for other in held[1:]:
            parent[root(other)] = first
    members: dict[int, list[int]] = {}
    for held in shared.values():
        for index in held:
            members.setdefault(root(index), []).append(index)
    matches: dict[int, list[Match]] = {}
    for (kind, value), held in shared.items():
        written = tuple(dict.fromkeys(records[i].name for i in held))
        matches.setdefault(root(held[0]), []).append(Match(kind, value, written))
    groups = []
    for group_root, indices in members.items():
        ordered = sorted(set(indices))
        if ordered[-1] < len(existing):
            continue
        groups.append(
            (
                ordered[0],
                DuplicateGroup(
                    tuple(records[i] for i in ordered if i < len(existing)),
                    tuple(records[i] for i in ordered if i >= len(existing)),
                    tuple(sorted(matches[group_root], key=lambda m: _ORDER[m.kind])),
                ),
            )
        )
    return [group for _, group in sorted(groups, key=lambda g: g[0])]


def shares_key(one: Customer, other: Customer) -> bool:
    """Whether two records share the company-name key, a phone or an email."""
    return bool(_keys(one) & _keys(other))


def contact_keys(customer: Customer) -> list[tuple[str, str]]:
    """The profile's phone and email keys, for the store's blind index (the name has its
    own column, `name_key`)."""
    return sorted((kind, value) for kind, value in _keys(customer) if kind != "name")


def _keys(customer: Customer) -> set[tuple[KeyKind, str]]:
    keys: set[tuple[KeyKind, str]] = set()
    name = company_key(customer.name)
    if name:
        keys.add(("name", name))
    for contact in customer.contacts:
        phone, email = phone_key(contact.mobile), email_key(contact.email)
        if phone:
            keys.add(("phone", phone))
        if email:
            keys.add(("email", email))
    return keys


_FILLED = ("id", "name", "owner", "industry", "employees", "revenue_band", "size", "address",
           "pain_points", "needs", "budget", "grade", "potential", "notes")  # fmt: skip


def merge(primary: Customer, others: Iterable[Customer]) -> Customer:
    """One record of a group: the primary's values where it has them, the others' where it
    has none (the earliest 首次接触时间; a stage other than the default 潜在客户); contacts,
    keywords, tags, orders, payments and after-sales united without repeats."""
    everyone = [primary, *others]
    filled: dict[str, Any] = {name: _first(getattr(c, name) for c in everyone) for name in _FILLED}
    first_contacts = [c.first_contact for c in everyone if c.first_contact]
    return replace(
        primary,
        **filled,
        first_contact=min(first_contacts) if first_contacts else None,
        stage=next((c.stage for c in everyone if c.stage != "potential"), "potential"),
        contacts=merge_contacts(c.contacts for c in everyone),
        keywords=_united(c.keywords for c in everyone),
        tags=_united(c.tags for c in everyone),
        values={k: v for c in reversed(everyone) for k, v in c.values.items()},
        orders=_united(c.orders for c in everyone),
        payments=_united(c.payments for c in everyone),
        after_sales=_united(c.after_sales for c in everyone),
    )


def merge_contacts(lists: Iterable[Iterable[Contact]]) -> tuple[Contact, ...]:
    """Contacts in order without repeats. Two are one person when they share a phone, an
    email or a name and neither their phones nor their emails differ (a shared mailbox or
    a namesake stays apart, so nothing is lost); the first is kept, its gaps filled."""
    contacts = [c for listed in lists for c in listed]
    while True:  # a filled contact may now match one kept before it
        merged = _merge_pass(contacts)
        if len(merged) == len(contacts):
            return tuple(merged)
        contacts = merged


def _merge_pass(contacts: Iterable[Contact]) -> list[Contact]:
    kept: list[Contact] = []
    keys: list[tuple[str, str, str]] = []  # phone, email and name key of each kept contact
    holders: dict[tuple[int, str], list[int]] = {}  # (key position, key) -> kept contacts
    for contact in contacts:
        phone, email, name = _contact_keys(contact)
        candidates = (
            i for position, key in enumerate((phone, email, name)) if key
            for i in holders.get((position, key), ())
        )  # fmt: skip
        hit = next((i for i in candidates if not _conflict(keys[i], phone, email)), None)
        if hit is None:
            kept.append(contact)
            keys.append((phone, email, name))
            hit = len(kept) - 1
        else:
            kept[hit] = _fill(kept[hit], contact)
            keys[hit] = _contact_keys(kept[hit])
        for position, key in enumerate(keys[hit]):
            held = holders.setdefault((position, key), [])
            if key and hit not in held:
                held.append(hit)
    return kept


def _contact_keys(contact: Contact) -> tuple[str, str, str]:
    return phone_key(contact.mobile), email_key(contact.email), contact.name.strip()


def _conflict(keys: tuple[str, str, str], phone: str, email: str) -> bool:
    """Whether a phone or an email, both given, differ."""
    return bool(phone and keys[0] and phone != keys[0]) or bool(
        email and keys[1] and email != keys[1]
    )


def _fill(contact: Contact, other: Contact) -> Contact:
    return replace(
        contact,
        **{f.name: getattr(other, f.name) for f in fields(Contact) if not getattr(contact, f.name)},
    )


def _first(values: Iterable[object]) -> object:
    """The first non-empty value, else the primary's (the first) empty one."""
    listed = list(values)
    return next((v for v in listed if v), listed[0])


def _united(lists: Iterable[Iterable[T]]) -> tuple[T, ...]:
    return tuple(dict.fromkeys(item for items in lists for item in items))
