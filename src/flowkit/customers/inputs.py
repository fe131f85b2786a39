"""Profile values as people type them on the command line, checked and typed.

Sizes and stages are accepted in Chinese (大型企业, 意向客户) or as ids; contacts as
"姓名,职务,手机,邮箱,角色"; fields of customers.yaml as NAME=VALUE, typed by their
declaration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Final

from flowkit.customers.book import CustomerBook, ProfileChanges
from flowkit.errors import InputError
from flowkit.lang.numerals import parse_number
from flowkit.messages import msg, words
from flowkit.model.customer import AfterSale, Contact, Customer, Order, Payment
from flowkit.store import FieldValue
from flowkit.tracking.fields import typed_value

_SPLIT = re.compile(r"[、,，;；]\s*")


@dataclass(frozen=True)
class ProfileInput:
    """What a person asked to set on a profile, as they typed it: None or () leaves a
    value as it is. Any surface (the command line, a form) fills one of these; the rules
    of reading it live here, not in the surface."""

    name: str | None = None
    industry: str | None = None
    size: str | None = None
    employees: str | None = None
    revenue_band: str | None = None
    address: str | None = None
    first_contact: str | None = None
    keywords: str | None = None
    pain_points: str | None = None
    needs: str | None = None
    budget: str | None = None
    stage: str | None = None
    potential: str | None = None
    referred_by: str | None = None
    owner: str | None = None
    contacts: tuple[str, ...] = ()  # NAME,TITLE,MOBILE,EMAIL,ROLE each
    remove_contact: tuple[str, ...] = ()  # contact names
    fields: tuple[str, ...] = ()  # NAME=VALUE each
    tags: tuple[str, ...] = ()
    orders: tuple[str, ...] = ()  # PRODUCT,AMOUNT,DATE[,TERMS]
    payments: tuple[str, ...] = ()  # DATE,AMOUNT[,NOTE]
    after_sales: tuple[str, ...] = ()  # DATE,ISSUE[,RESOLUTION]


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


def new_customer(book: CustomerBook, name: str, given: ProfileInput) -> Customer:
    if not given.owner:
        raise InputError(msg("a customer needs an owner (负责人): --owner PERSON"))
    base = Customer(id="", name=name.strip(), owner=given.owner)
    return replace(base, **changes(book, base, given))


def changes(book: CustomerBook, before: Customer, given: ProfileInput) -> ProfileChanges:
    """The profile fields the input changes (a value not given changes nothing)."""
    from flowkit.customers.checks import (
        FormatError,
        parse_date,
        parse_potential,
        parse_size,
        parse_stage,
    )

    out: ProfileChanges = {}
    for key in _TEXTS:
        text: str | None = getattr(given, key)
        if text is not None:
            out[key] = text.strip()
    if given.potential is not None:
        out["potential"] = parse_potential(given.potential)
    try:
        if given.size:
            out["size"] = parse_size(given.size)
        if given.stage:
            out["stage"] = parse_stage(given.stage)
        if given.first_contact:
            out["first_contact"] = parse_date(given.first_contact)
    except FormatError as e:
        raise InputError(e.msg) from e
    if given.keywords:
        out["keywords"] = tuple(k for k in _SPLIT.split(given.keywords) if k)
    contacts = [c for c in before.contacts if c.name not in given.remove_contact]
    missing = set(given.remove_contact) - {c.name for c in before.contacts}
    if missing:
        raise InputError(
            msg(
                "{customer} has no contact {contacts}",
                customer=before.name,
                contacts=words(sorted(missing)),
            )
        )
    contacts += [_contact(text) for text in given.contacts]
    if contacts != list(before.contacts):
        out["contacts"] = tuple(contacts)
    if given.tags:
        out["tags"] = tuple(dict.fromkeys([*before.tags, *given.tags]))
    if given.fields:
        out["values"] = {**before.values, **_fields(book, given.fields)}
    if given.orders:
        out["orders"] = (*before.orders, *(_order(text) for text in given.orders))
    if given.payments:
        out["payments"] = (*before.payments, *(_payment(text) for text in given.payments))
    if given.after_sales:
        out["after_sales"] = (
            *before.after_sales,
            *(_after_sale(text) for text in given.after_sales),
        )
    return out


def _parts(text: str, option: str, least: int, most: int) -> list[str]:
    parts = [p.strip() for p in text.replace("，", ",").split(",", most - 1)]
    if len(parts) < least or not all(parts[:least]):
        raise InputError(
            msg(
                "--{option} {text!r}: give at least {least} comma-separated parts",
                option=option,
                text=text,
                least=least,
            )
        )
    return parts + [""] * (most - len(parts))


def _money(text: str, option: str) -> float:
    try:
        return parse_number(text.replace("元", ""))
    except ValueError as e:
        raise InputError(
            msg("--{option}: {text!r} is not an amount", option=option, text=text)
        ) from e


def _day(text: str, option: str) -> date:
    from flowkit.customers.checks import FormatError, parse_date

    try:
        return parse_date(text)
    except FormatError as e:
        raise InputError(msg("--{option}: {problem}", option=option, problem=e.msg)) from e


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
        raise InputError(msg("--contact {text!r}: the first part is the contact's name", text=text))
    if len(parts) > 5:
        raise InputError(msg("--contact {text!r}: at most NAME,TITLE,MOBILE,EMAIL,ROLE", text=text))
    parts += [""] * (5 - len(parts))
    return Contact(*parts)


def _fields(book: CustomerBook, pairs: tuple[str, ...]) -> dict[str, FieldValue]:
    declared = {f.id: f for f in book.rules.fields} | {f.label: f for f in book.rules.fields}
    out: dict[str, FieldValue] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        field = declared.get(key.strip())
        if not sep or field is None:
            known = words(f.id for f in book.rules.fields) or msg("none")
            raise InputError(
                msg("--field {pair!r}: customers.yaml fields are {known}", pair=pair, known=known)
            )
        out[field.id] = typed_value(field, text)
    return out
