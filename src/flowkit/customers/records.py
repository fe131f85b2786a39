"""A customer profile as the plain JSON document the store keeps, and back.

The store holds the columns that queries filter on (owner, industry, size, stage, grade)
as real columns and everything else of the record in one JSON document: this module is the
one place that knows that split.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import date
from typing import Any

from flowkit.model.customer import AfterSale, Contact, Customer, Order, Payment

COLUMNS = ("id", "name", "owner", "industry", "size", "stage", "grade", "referred_by")
_LISTS = {"contacts": Contact, "orders": Order, "payments": Payment, "after_sales": AfterSale}


def to_document(customer: Customer) -> dict[str, Any]:
    """The JSON document for the store: everything except the real columns and the tags."""
    out: dict[str, Any] = {}
    for name in _DOCUMENT:
        value = getattr(customer, name)
        if name in _LISTS:
            out[name] = [_plain(_item(entry)) for entry in value]
        elif name == "values":
            out[name] = _plain(dict(value))
        else:
            out[name] = _plain(value)
    return out


_DOCUMENT = tuple(f.name for f in fields(Customer) if f.name not in COLUMNS and f.name != "tags")
_ITEM_FIELDS = {kind: tuple(f.name for f in fields(kind)) for kind in _LISTS.values()}


def _item(entry: Any) -> dict[str, Any]:
    """A contact, order, payment or after-sale as a dict: what `asdict` gives for these
    flat records (texts, numbers, dates), without its deep copy — a bulk import writes
    100,000 profiles through here."""
    return {name: getattr(entry, name) for name in _ITEM_FIELDS[type(entry)]}


def differences(before: Customer, after: Customer) -> dict[str, list[Any]]:
    """What an edit changed, field by field: {"stage": ["potential", "intent"], ...}."""
    old, new = flat(before), flat(after)
    keys = dict.fromkeys([*old, *new])
    return {k: [old.get(k), new.get(k)] for k in keys if old.get(k) != new.get(k)}


def flat(customer: Customer) -> dict[str, Any]:
    """The profile as plain values by field, the rules' fields one by one by their id: what
    a history line names (`differences`) and a merge reports."""
    doc = {**to_document(customer), **{c: getattr(customer, c) for c in COLUMNS}}
    doc["tags"] = list(customer.tags)
    del doc["values"]
    doc.update(_plain(dict(customer.values)))
    return doc


def with_flat(customer: Customer, values: Mapping[str, Any]) -> Customer:
    """The profile with some of its `flat` values replaced (None for a rule field: unset):
    the inverse of `flat`, for putting back what a history line says a field was."""
    doc = to_document(customer)
    row: dict[str, Any] = {c: getattr(customer, c) for c in COLUMNS}
    tags = list(customer.tags)
    rule_values = dict(doc["values"])
    for key, value in values.items():
        if key == "tags":
            tags = list(value or ())
        elif key in row:
            row[key] = value
        elif key in doc and key != "values":
            doc[key] = value
        elif value is None:
            rule_values.pop(key, None)
        else:
            rule_values[key] = value
    doc["values"] = rule_values
    return from_row({**row, "profile": doc}, tags)


def from_row(row: Mapping[str, Any], tags: Sequence[str]) -> Customer:
    """The record from a `customers` row (its columns + document) and its tags."""
    doc = dict(row["profile"])
    kwargs: dict[str, Any] = {c: row[c] for c in COLUMNS}
    kwargs["referred_by"] = row["referred_by"] or ""
    for name, kind in _LISTS.items():
        kwargs[name] = tuple(kind(**_dated(kind, item)) for item in doc.pop(name, ()))
    if doc.get("first_contact"):
        doc["first_contact"] = date.fromisoformat(doc["first_contact"])
    doc["keywords"] = tuple(doc.get("keywords", ()))
    return Customer(**kwargs, **doc, tags=tuple(tags))


def _dated(kind: type, item: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(item)
    for f in fields(kind):
        if f.name == "date" and isinstance(out.get("date"), str):
            out["date"] = date.fromisoformat(out["date"])
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
