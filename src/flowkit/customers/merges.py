"""Merges that say what they did and can be undone (`customer merge`, `import --merge`,
`customer unmerge`).

A merge keeps one profile and folds others into it (`dedupe.merge`: the kept profile's
values win, its gaps are filled, lists are united). Each merge is reported field by field
— kept, taken from which profile, united — and recorded (`customer_merges`) with what
it changed on the kept profile and what it moved from each absorbed one (follow-ups,
timers, history, audits, opportunities, referrals), so that `unmerge` puts all of it
back in one transaction: the kept profile's merged fields to their values before (refused
when one was edited since: that edit would be lost), the absorbed profiles on file
standing again with what pointed at them and their stopped timers running, and a file's
rows folded in by an import as profiles of their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, cast

from flowkit.customers.records import COLUMNS, differences, flat, from_row, to_document, with_flat
from flowkit.errors import InputError
from flowkit.messages import msg, words
from flowkit.model.customer import Customer
from flowkit.store import CustomerRow, Json

if TYPE_CHECKING:
    from flowkit.customers.book import CustomerBook
    from flowkit.store import MergeRow, Tx

How = Literal["kept", "taken", "united"]


@dataclass(frozen=True)
class FieldSource:
    """One field of the kept profile after a merge, and where its value came from."""

    field: str
    value: Json
    how: How  # kept: the kept profile's own; taken: another's; united: lists joined
    source: str  # the profile it came from ("C00002", or a file's row by its name)


@dataclass(frozen=True)
class MergeReport:
    """What one merge did: the profile kept, those folded in, and field by field."""

    merge_id: int
    customer_id: str
    name: str
    absorbed: tuple[str, ...]  # customer numbers, or a file's rows by their names
    fields: tuple[FieldSource, ...]


def label(customer: Customer) -> str:
    return customer.id or customer.name


def report(primary: Customer, others: Sequence[Customer], merged: Customer) -> list[FieldSource]:
    """Each field the merged profile holds: the kept profile's value, one taken from
    another profile (the first that has it), or lists united from several."""
    mine, theirs = flat(primary), [(label(o), flat(o)) for o in others]
    out = []
    for key, value in flat(merged).items():
        if key == "id" or value in (None, "", [], {}):
            continue
        if mine.get(key) == value:
            out.append(FieldSource(key, value, "kept", label(primary)))
            continue
        giver = next((who for who, doc in theirs if doc.get(key) == value), None)
        if giver is not None:
            out.append(FieldSource(key, value, "taken", giver))
        else:
            adding = [who for who, doc in theirs if doc.get(key) not in (None, "", [], {})]
            out.append(FieldSource(key, value, "united", ", ".join([label(primary), *adding])))
    return out


def fold_in(
    book: CustomerBook,
    tx: Tx,
    kept: tuple[CustomerRow, Customer],
    on_file: Sequence[tuple[CustomerRow, Customer]],
    rows: Sequence[Customer],
    now: datetime,
) -> MergeReport:
    """Fold the profiles `on_file` and a file's `rows` into the `kept` profile: written,
    reported and recorded for `unmerge`. The absorbed profiles point at the kept one and
    their running timers stop (its own cadences go on); their follow-ups, history,
    opportunities and referrals move to it."""
    from flowkit.customers.dedupe import merge as fold

    row, primary = kept
    others = [c for _, c in on_file] + list(rows)
    merged = fold(primary, others)
    book.check(merged)
    changes = differences(primary, merged)
    moved: dict[str, Json] = {}
    for other_row, other in on_file:
        stopped: list[Json] = []
        for timer in tx.customers.timers(other.id, ("running", "late")):
            tx.customers.update_timer(timer, {"state": "stopped", "ended_at": now}, now)
            stopped.append([timer["id"], str(timer["state"])])
        moved[other.id] = {**tx.customers.pointing_at(other.id), "stopped": stopped}
        tx.customers.relink(other.id, primary.id)
        tx.customers.update(
            other.id, other_row["revision"], {"merged_into": primary.id, "updated_at": now}
        )
    fields = report(primary, others, merged)
    merge_id = tx.customers.add_merge(
        {
            "customer_id": primary.id,
            "recorded_at": now,
            "actor": book.access.actor.id,
            "absorbed": {label(c): _document(c) for c in others},
            "fields": [_plain(f) for f in fields],
            "changes": changes,
            "moved": moved,
        }
    )
    _saved(book, tx, row, merged, now, "merged", {"merge_id": [None, merge_id]})
    absorbed = tuple(label(c) for c in others)
    return MergeReport(merge_id, primary.id, merged.name, absorbed, tuple(fields))


def unmerge(book: CustomerBook, customer_id: str, merge_id: int, now: datetime) -> list[str]:
    """Undo a merge of `customer_id` (`fold_in`), in one transaction; the profiles that
    stand again (the absorbed ones on file, and a file's rows as new profiles)."""
    with book.store.write() as tx:
        row, current = book.get(tx, customer_id, "customer unmerge")
        record = _record(tx, row["id"], merge_id)
        changes: Mapping[str, Sequence[Any]] = record["changes"]
        now_flat = flat(current)
        edited = [k for k, (_, after) in changes.items() if now_flat.get(k) != after]
        if edited:
            raise InputError(
                msg(
                    "{id}: {fields} changed since merge {n}; undoing it would lose that edit",
                    id=row["id"],
                    fields=words(edited),
                    n=merge_id,
                ),
                msg("edit them back to the merged values first (customer show lists them)"),
            )
        restored = with_flat(current, {k: before for k, (before, _) in changes.items()})
        book.check(restored)
        _saved(book, tx, row, restored, now, "unmerged", {"merge_id": [merge_id, None]})
        standing = _stand_again(book, tx, record, now)
        tx.customers.merge_undone(merge_id, now)
    return standing


def _record(tx: Tx, customer_id: str, merge_id: int) -> MergeRow:
    found = {m["id"]: m for m in tx.customers.merges(customer_id)}
    record = found.get(merge_id)
    if record is None:
        raise InputError(
            msg("{id} has no merge {n}", id=customer_id, n=merge_id),
            msg(
                "its merges: {ids}",
                ids=words(str(m) for m, r in found.items() if r["undone_at"] is None)
                or msg("none"),
            ),
        )
    if record["undone_at"] is not None:
        raise InputError(msg("merge {n} was undone already", n=merge_id))
    return record


def _stand_again(book: CustomerBook, tx: Tx, record: MergeRow, now: datetime) -> list[str]:
    """The absorbed profiles on file as they were; a file's rows as profiles of their own."""
    moved: Mapping[str, Any] = record["moved"]
    standing = []
    fresh = []
    for key, document in record["absorbed"].items():
        if key not in moved:
            fresh.append(_customer(cast(Mapping[str, Any], document)))
            continue
        other = tx.customers.named(key)
        assert other is not None, f"absorbed customer {key} is on file"
        tx.customers.unlink(key, moved[key])
        tx.customers.update(key, other["revision"], {"merged_into": None, "updated_at": now})
        timers = {t["id"]: t for t in tx.customers.timers(key)}
        for timer_id, state in moved[key]["stopped"]:
            tx.customers.update_timer(timers[timer_id], {"state": state, "ended_at": None}, now)
        tx.customers.add_changes(
            [book.change(key, now, "unmerged", {"merged_into": [record["customer_id"], None]})]
        )
        standing.append(key)
    return standing + book.insert(tx, fresh, now)


def _saved(
    book: CustomerBook,
    tx: Tx,
    row: CustomerRow,
    customer: Customer,
    now: datetime,
    kind: str,
    extra: Mapping[str, Sequence[Json]],
) -> None:
    """The profile written, its history line saying which merge, even when no field moved."""
    from flowkit.customers.records import from_row

    before = from_row(row, tx.customers.tags([row["id"]])[row["id"]])
    book.save(tx, row, customer, now, kind, record=False)
    changes = {**differences(before, customer), **extra}
    tx.customers.add_changes([book.change(row["id"], now, kind, changes)])


def _document(customer: Customer) -> dict[str, Json]:
    """A profile whole, as `_customer` reads it back."""
    return {
        "columns": {c: getattr(customer, c) for c in COLUMNS},
        "profile": to_document(customer),
        "tags": list(customer.tags),
    }


def _customer(document: Mapping[str, Any]) -> Customer:
    return from_row({**document["columns"], "profile": document["profile"]}, document["tags"])


def _plain(source: FieldSource) -> dict[str, Json]:
    return {
        "field": source.field,
        "value": source.value,
        "how": source.how,
        "source": source.source,
    }
