"""Profile values as people type them on the command line, checked and typed.

Sizes and stages are accepted in Chinese (大型企业, 意向客户) or as ids; contacts as
"姓名,职务,手机,邮箱,角色"; fields of customers.yaml as NAME=VALUE, typed by their
declaration.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Final, TypedDict

from flowkit.customers.book import CustomerBook, ProfileChanges
from flowkit.errors import InputError
from flowkit.model.customer import AfterSale, Contact, Customer, Order, Payment
from flowkit.store import FieldValue
from flowkit.tracking.fields import typed_value

_SPLIT = re.compile(r"[、,，;；]\s*")


class ProfileOptions(TypedDict, total=False):
    """The profile options of `flowkit customer add` and `edit` as given (None: not given)."""

    name: str | None
    industry: str | None
    employees: str | None
    revenue_band: str | None
    address: str | None
    pain_points: str | None
    needs: str | None
    budget: str | None
    owner: str | None
    referred_by: str | None
    potential: str | None
    size: str | None
    stage: str | None
    first_contact: str | None
    keywords: str | None
    contacts: tuple[str, ...]
    remove_contact: tuple[str, ...]
    tags: tuple[str, ...]
    fields: tuple[str, ...]
    orders: tuple[str, ...]
    payments: tuple[str, ...]
    after_sales: tuple[str, ...]


_TEXTS: Final = (  # options kept as written
    "name",
    "industry",
    "employees",
    "revenue_band",
    "address",
    "pain_points",
    "needs",
    "budget",
    "owner",
    "referred_by",
)


def new_customer(book: CustomerBook, name: str, given: ProfileOptions) -> Customer:
    owner = given.get("owner")
    if not owner:
        raise InputError("a customer needs an owner (负责人): --owner PERSON")
    base = Customer(id="", name=name.strip(), owner=owner)
    return replace(base, **changes(book, base, given))


def changes(book: CustomerBook, before: Customer, given: ProfileOptions) -> ProfileChanges:
    """The profile fields the options change (an option not given changes nothing)."""
    from flowkit.customers.checks import parse_date, parse_potential, parse_size, parse_stage

    out: ProfileChanges = {}
    for key in _TEXTS:
        text = given.get(key)
        if text is not None:
            out[key] = str(text).strip()
    potential = given.get("potential")
    if potential is not None:
        out["potential"] = parse_potential(potential)
    size, stage, first_contact = given.get("size"), given.get("stage"), given.get("first_contact")
    try:
        if size:
            out["size"] = parse_size(size)
        if stage:
            out["stage"] = parse_stage(stage)
        if first_contact:
            out["first_contact"] = parse_date(first_contact)
    except ValueError as e:
        raise InputError(str(e)) from e
    keywords = given.get("keywords")
    if keywords:
        out["keywords"] = tuple(k for k in _SPLIT.split(keywords) if k)
    contacts = [c for c in before.contacts if c.name not in given.get("remove_contact", ())]
    missing = set(given.get("remove_contact", ())) - {c.name for c in before.contacts}
    if missing:
        raise InputError(f"{before.name} has no contact {', '.join(sorted(missing))}")
    contacts += [_contact(text) for text in given.get("contacts", ())]
    if contacts != list(before.contacts):
        out["contacts"] = tuple(contacts)
    tags, fields = given.get("tags"), given.get("fields")
    if tags:
        out["tags"] = tuple(dict.fromkeys([*before.tags, *tags]))
    if fields:
        out["values"] = {**before.values, **_fields(book, fields)}
    orders, payments, after_sales = (
        given.get("orders"),
        given.get("payments"),
        given.get("after_sales"),
    )
    if orders:
        out["orders"] = (*before.orders, *(_order(text) for text in orders))
    if payments:
        out["payments"] = (*before.payments, *(_payment(text) for text in payments))
    if after_sales:
        out["after_sales"] = (*before.after_sales, *(_after_sale(text) for text in after_sales))
    return out


def _parts(text: str, option: str, least: int, most: int) -> list[str]:
    parts = [p.strip() for p in text.replace("，", ",").split(",", most - 1)]
    if len(parts) < least or not all(parts[:least]):
        raise InputError(f"--{option} {text!r}: give at least {least} comma-separated parts")
    return parts + [""] * (most - len(parts))


def _money(text: str, option: str) -> float:
    try:
        return float(text.replace("元", "").replace(",", ""))
    except ValueError as e:
        raise InputError(f"--{option}: {text!r} is not an amount") from e


def _day(text: str, option: str) -> date:
    from flowkit.customers.checks import parse_date

    try:
        return parse_date(text)
    except ValueError as e:
        raise InputError(f"--{option}: {e}") from e


def _order(text: str) -> Order:
    product, amount, day, terms = _parts(text, "order", 3, 4)
    return Order(product, _money(amount, "order"), _day(day, "order"), terms)


def _payment(text: str) -> Payment:
    day, amount, note = _parts(text, "payment", 2, 3)
    return Payment(_day(day, "payment"), _money(amount, "payment"), note)


def _after_sale(text: str) -> AfterSale:
    day, issue, resolution = _parts(text, "after-sale", 2, 3)
    return AfterSale(_day(day, "after-sale"), issue, resolution)


def _contact(text: str) -> Contact:
    parts = [p.strip() for p in text.replace("，", ",").split(",")]
    if not parts[0]:
        raise InputError(f"--contact {text!r}: the first part is the contact's name")
    if len(parts) > 5:
        raise InputError(f"--contact {text!r}: at most NAME,TITLE,MOBILE,EMAIL,ROLE")
    parts += [""] * (5 - len(parts))
    return Contact(*parts)


def _fields(book: CustomerBook, pairs: tuple[str, ...]) -> dict[str, FieldValue]:
    declared = {f.id: f for f in book.rules.fields} | {f.label: f for f in book.rules.fields}
    out: dict[str, FieldValue] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        field = declared.get(key.strip())
        if not sep or field is None:
            known = ", ".join(f.id for f in book.rules.fields) or "none"
            raise InputError(f"--field {pair!r}: customers.yaml fields are {known}")
        out[field.id] = typed_value(field, text)
    return out
