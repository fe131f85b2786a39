"""The customer-profile queries (客户档案): reached as `tx.customers` on a store transaction.

Columns that lists, checks and filters need are real (owner, industry, size, stage, grade,
completeness, tags in their own table); the rest of a profile is one JSON document that the
model reads and writes whole.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from typing import Any, Literal, overload

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Select,
    and_,
    bindparam,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.sql.elements import BindParameter

from flowkit.errors import ConflictError, InputError
from flowkit.messages import msg
from flowkit.store import crypto
from flowkit.store.crypto import KeySource, Vault
from flowkit.store.history import alerting, kept, not_over, timers_then
from flowkit.store.rows import (
    AuditFinding,
    AuditRow,
    CustomerAlertRow,
    CustomerChangeRow,
    CustomerOpportunity,
    CustomerRow,
    CustomerSummary,
    CustomerTimerRow,
    CustomerUpdate,
    FollowUpEntry,
    LateEntryRow,
    MergeRow,
    NamedFollowUp,
    NewAudit,
    NewCustomer,
    NewCustomerChange,
    NewCustomerTimer,
    NewFollowUp,
    NewMerge,
    OpportunityRef,
    OwnerCompleteness,
    Referral,
    SampledRow,
    TimerUpdate,
    ValueCounts,
)
from flowkit.store.tables import (
    audits,
    customer_changes,
    customer_keys,
    customer_merges,
    customer_tags,
    customer_timer_history,
    customer_timers,
    customers,
    encryption,
    follow_ups,
    instances,
)

Row = dict[str, Any]  # a row being taken back in time, here only: changed in place
ID_PREFIX = "C"
ID_DIGITS = 5
# What a rotation re-seals, in the order it locks them (the key's table first, as writes
# take it first): names from flowkit's own schema, never from input.
_RESEALED = ("encryption", "customers", "customer_changes", "customer_merges", "customer_keys")
BlindKeys = Sequence[tuple[str, str]]  # (phone | email, the normalised value) of a profile


@dataclass(frozen=True)
class CustomerFilter:
    """What `flowkit customer list` narrows down to (None: no filter)."""

    industry: str | None = None
    size: str | None = None
    stage: str | None = None
    grade: str | None = None
    tags: tuple[str, ...] = ()  # all of them
    owners: tuple[str, ...] | None = None
    include_merged: bool = False
    name: str | None = None  # part of the name (a search box)


class CustomerQueries:
    def __init__(self, conn: Connection, keys: KeySource | None = None) -> None:
        self.conn = conn
        self._keys = keys or crypto.key_from_env

    # encryption (store.crypto) ------------------------------------------------------------
    @cached_property
    def vault(self) -> Vault | None:
        """What opens this database's sealed values: None for a plaintext database (no
        `encryption` row); the configured key, checked against the row's key id,
        otherwise (a missing or another key is an InputError, never garbage)."""
        found = self.key_id()
        if found is None:
            return None
        key = self._keys()
        if key is None:
            raise crypto.missing_key()
        if key.id != found:
            raise InputError(
                msg(
                    "the configured key (id {key}) is not the key this database is "
                    "encrypted with (id {found})",
                    key=key.id,
                    found=found,
                ),
                msg("set {file} to the right key file", file=crypto.KEY_FILE_ENV),
            )
        return Vault(key)

    def _sealing(self) -> Vault | None:
        """The vault a write seals with. A plaintext database stays plaintext without a
        key; with a key configured, an empty one becomes encrypted at its first profile,
        and one holding plaintext profiles is refused until `flowkit keys encrypt`."""
        vault = self.vault
        if vault is not None:
            return vault
        key = self._keys()
        if key is None:
            return None
        if self.conn.execute(select(customers.c.id).limit(1)).first() is not None:
            raise InputError(
                msg("a key is configured, and the customer profiles here are not encrypted"),
                msg(
                    "encrypt them first: flowkit keys encrypt (or unset {file} and {env})",
                    file=crypto.KEY_FILE_ENV,
                    env=crypto.KEY_ENV,
                ),
            )
        self.mark_encrypted(key.id)
        self.__dict__["vault"] = vault = Vault(key)
        return vault

    def hold_for_reseal(self) -> None:
        """On PostgreSQL, before a rotation (or an encryption) reads anything: no write of
        flowkit's may run meanwhile (each holds `encryption` in ROW SHARE mode from its
        start: `store.handle._hold_key`), nor any other client's write of the sealed
        tables. Locked in one fixed order, `encryption` first, as every write does, so
        two rotations or a rotation and a write never wait for each other in a circle;
        readers are not held up. SQLite lets one writer in at a time already."""
        if self.conn.dialect.name != "postgresql":
            return
        for table in _RESEALED:
            self.conn.execute(text(f"LOCK TABLE {table} IN EXCLUSIVE MODE"))

    def key_id(self) -> str | None:
        """The id of the key the profiles are sealed with; None: a plaintext database."""
        return self.conn.execute(select(encryption.c.key_id)).scalar()

    def mark_encrypted(self, key_id: str | None) -> None:
        """Record the key the profiles are sealed with (None: none, plaintext)."""
        self.conn.execute(delete(encryption))
        if key_id is not None:
            self.conn.execute(
                insert(encryption), {"id": 1, "key_id": key_id, "since": datetime.now(UTC)}
            )

    def _opened(self, rows: Sequence[Any]) -> list[CustomerRow]:
        """Rows read from `customers`, their sealed values opened."""
        found = [r._asdict() for r in rows]
        vault = self.vault if any("profile" in r for r in found) else None
        if vault is not None:
            for r in found:
                r["profile"] = crypto.open_profile(vault, r["id"], r["profile"])
        return typing.cast(list[CustomerRow], found)

    def _index(self, vault: Vault | None, keys: Mapping[str, BlindKeys]) -> None:
        """Replace the blind index of the customers of `keys`."""
        if not keys:
            return
        ids = list(keys)
        for first in range(0, len(ids), 900):
            chunk = ids[first : first + 900]
            self.conn.execute(delete(customer_keys).where(customer_keys.c.customer_id.in_(chunk)))
        pairs = [
            {"customer_id": cid, "digest": d}
            for cid, held in keys.items()
            for d in sorted({_blind(vault, kind, value) for kind, value in held})
        ]
        if pairs:
            self.conn.execute(insert(customer_keys), pairs)

    def sharing(self, keys: BlindKeys) -> list[str]:
        """The live customers whose index holds any of `keys` (a mobile or email on file)."""
        digests = sorted({_blind(self.vault, kind, value) for kind, value in keys})
        if not digests:
            return []
        query = (
            select(customer_keys.c.customer_id)
            .join(customers, customers.c.id == customer_keys.c.customer_id)
            .where(customer_keys.c.digest.in_(digests), customers.c.merged_into.is_(None))
            .distinct()
        )
        return sorted(r.customer_id for r in self.conn.execute(query))

    def named_like(self, name_keys: Sequence[str]) -> list[str]:
        """The live customers whose normalised name is one of `name_keys`."""
        if not name_keys:
            return []
        c = customers.c
        query = select(c.id).where(c.name_key.in_(sorted(set(name_keys))), c.merged_into.is_(None))
        return [r.id for r in self.conn.execute(query)]

    def by_ids(self, customer_ids: Sequence[str]) -> list[CustomerRow]:
        found: list[CustomerRow] = []
        for first in range(0, len(customer_ids), 900):
            chunk = list(customer_ids[first : first + 900])
            query = select(customers).where(customers.c.id.in_(chunk)).order_by(customers.c.id)
            found += self._opened(self.conn.execute(query).all())
        return found

    def reseal(self, new: Vault | None, keys_of: Callable[[CustomerRow], BlindKeys]) -> int:
        """Every sealed value and the blind index under `new` (None: plaintext), in the
        caller's transaction: the current key must open everything first, or nothing
        changes. Each profile's revision moves on, so a command that read it under the
        old key meanwhile is refused instead of writing old ciphertext back. The number of
        profiles."""
        rows = self._opened(self.conn.execute(select(customers).order_by(customers.c.id)).all())
        old = self.vault
        for row in rows:
            self.conn.execute(
                update(customers)
                .where(customers.c.id == row["id"])
                .values(
                    profile=_sealed(new, row["id"], row["profile"]),
                    revision=row["revision"] + 1,
                )
            )
        h = customer_changes.c
        history = self.conn.execute(select(h.id, h.customer_id, h.changes)).all()
        for line in history:
            changes = (
                crypto.open_changes(old, line.customer_id, line.changes) if old else line.changes
            )
            sealed = crypto.seal_changes(new, line.customer_id, changes) if new else changes
            self.conn.execute(
                update(customer_changes)
                .where(customer_changes.c.id == line.id)
                .values(changes=sealed)
            )
        for merge in self.conn.execute(select(customer_merges)).all():
            parts = _merge_parts(old, merge.customer_id, merge._asdict(), seal=False)
            resealed = _merge_parts(new, merge.customer_id, parts, seal=True)
            self.conn.execute(
                update(customer_merges).where(customer_merges.c.id == merge.id).values(resealed)
            )
        self.conn.execute(delete(customer_keys))
        self.mark_encrypted(None if new is None else new.key.id)
        self.__dict__["vault"] = new
        self._index(new, {row["id"]: keys_of(row) for row in rows})
        return len(rows)

    # customers ------------------------------------------------------------------------
    def new_ids(self, count: int) -> list[str]:
        """`count` unused ids after the highest one (C00001, C00002 ...). On PostgreSQL the
        highest is asked of a function that sees past row security (a login sees only its
        own customers, and would reuse another's number)."""
        highest = (
            select(func.flowkit_last_customer_id())
            if self.conn.dialect.name == "postgresql"
            else select(func.max(customers.c.id))
        )
        last = self.conn.execute(highest).scalar()
        start = int(str(last)[len(ID_PREFIX) :]) + 1 if last else 1
        return [f"{ID_PREFIX}{n:0{ID_DIGITS}d}" for n in range(start, start + count)]

    def add(
        self,
        rows: Sequence[NewCustomer],
        tags: Mapping[str, Sequence[str]],
        keys: Mapping[str, BlindKeys] | None = None,
    ) -> None:
        """New profiles, their tags and (`keys`: each one's mobiles and emails) their
        blind index; sealed when the database is encrypted."""
        if rows:
            vault = self._sealing()
            sealed = [
                {**r, "profile": _sealed(vault, r["id"], r["profile"]), "revision": 1} for r in rows
            ]
            self.conn.execute(insert(customers), sealed)
            self._index(vault, keys or {})
        pairs = [{"customer_id": cid, "tag": t} for cid, ts in tags.items() for t in ts]
        if pairs:
            self.conn.execute(insert(customer_tags), pairs)

    def taken(self, customer_ids: Sequence[str]) -> list[str]:
        """Those of `customer_ids` already in use."""
        found: list[str] = []
        for first in range(0, len(customer_ids), 900):  # SQLite's parameter limit
            chunk = list(customer_ids[first : first + 900])
            query = select(customers.c.id).where(customers.c.id.in_(chunk))
            found += [r.id for r in self.conn.execute(query)]
        return found

    def get(self, customer_id: str) -> CustomerRow | None:
        row = self.conn.execute(_BY_ID, {"id": customer_id}).first()
        return self._opened([row])[0] if row else None

    def matching(self, key: str, name_key: str = "") -> list[CustomerRow]:
        """The customer whose id is `key`, else every live one named exactly `key`, else
        (given `name_key`) every live one whose normalised name is `name_key`: one query."""
        if not name_key:
            rows = self._opened(self.conn.execute(_BY_ID_OR_NAME, {"key": key}).all())
        else:
            found = self.conn.execute(_BY_ID_NAME_OR_KEY, {"key": key, "name_key": name_key})
            rows = self._opened(found.all())
        by_id = [r for r in rows if r["id"] == key]
        live = [r for r in rows if r["merged_into"] is None]
        return by_id or [r for r in live if r["name"] == key] or live

    def named(self, key: str) -> CustomerRow | None:
        """A customer by id, else a live one by its exact name (one query)."""
        rows = self._opened(self.conn.execute(_BY_ID_OR_NAME, {"key": key}).all())
        return next((r for r in rows if r["id"] == key), None) or next(
            (r for r in rows if r["merged_into"] is None), None
        )

    def update(
        self,
        customer_id: str,
        revision: int,
        values: CustomerUpdate,
        tags: Sequence[str] | None = None,
        keys: BlindKeys | None = None,
    ) -> None:
        """Write `values` if the customer is still at `revision`, else ConflictError;
        `keys`: the profile's mobiles and emails now (its blind index), when it changed."""
        params: dict[str, Any] = {
            **values,
            "revision": revision + 1,
            "_id": customer_id,
            "_read": revision,
        }
        if "profile" in values:
            vault = self._sealing()
            params["profile"] = _sealed(vault, customer_id, values["profile"])
            if keys is not None:
                self._index(vault, {customer_id: keys})
        if self.conn.execute(_UPDATE, params).rowcount != 1:
            raise ConflictError(
                msg(
                    "customer {id} was changed by someone else while this command ran",
                    id=customer_id,
                ),
                msg("run the command again: it will act on the current state"),
            )
        if tags is not None:
            self.conn.execute(
                delete(customer_tags).where(customer_tags.c.customer_id == customer_id)
            )
            if tags:
                self.conn.execute(
                    insert(customer_tags), [{"customer_id": customer_id, "tag": t} for t in tags]
                )

    @overload
    def find(
        self,
        where: CustomerFilter,
        limit: int | None = None,
        *,
        offset: int = 0,
        summary: Literal[False] = False,
    ) -> list[CustomerRow]: ...

    @overload
    def find(
        self,
        where: CustomerFilter,
        limit: int | None = None,
        *,
        offset: int = 0,
        summary: Literal[True],
    ) -> list[CustomerSummary]: ...

    def find(
        self,
        where: CustomerFilter,
        limit: int | None = None,
        *,
        offset: int = 0,
        summary: bool = False,
    ) -> list[CustomerRow] | list[CustomerSummary]:
        """Customers `where` selects; `summary`: the real columns only, not the document
        (what lists and completeness checks need, read fast)."""
        c = customers.c
        found: list[ColumnElement[bool]] = []
        if not where.include_merged:
            found.append(c.merged_into.is_(None))
        for column, value in (
            (c.industry, where.industry),
            (c.size, where.size),
            (c.stage, where.stage),
            (c.grade, where.grade),
        ):
            if value is not None:
                found.append(column == value)
        if where.owners is not None:
            found.append(c.owner.in_(where.owners))
        if where.name:
            found.append(c.name.contains(where.name, autoescape=True))
        for tag in where.tags:
            found.append(
                exists().where(customer_tags.c.customer_id == c.id, customer_tags.c.tag == tag)
            )
        columns = [col for col in customers.c if col.name != "profile"] if summary else [customers]
        query = select(*columns).where(*found).order_by(c.id)
        if limit:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        return self._opened(self.conn.execute(query).all())

    def completeness_by_owner(self, owners: Sequence[str] | None) -> list[OwnerCompleteness]:
        """Per owner: live customers, complete profiles and mean completeness (percent)."""
        c = customers.c
        query = (
            select(
                c.owner,
                func.count().label("customers"),
                count_where(c.completeness == 100).label("complete"),
                func.avg(c.completeness).label("average"),
            )
            .where(c.merged_into.is_(None))
            .group_by(c.owner)
        )
        if owners is not None:
            query = query.where(c.owner.in_(owners))
        return typing.cast(list[OwnerCompleteness], [r._asdict() for r in self.conn.execute(query)])

    def value_counts(self, by: str, owners: Sequence[str] | None) -> list[ValueCounts]:
        """The counts behind 价值评估, per `by` ("owner", "grade" or "customer"), over live
        customers: customers, won, buyers (≥ 1 order), repeat buyers (≥ 2), orders, won
        customers that referred a live customer, customers referred in (and of those won),
        and the order amounts. One query; the orders are read inside each profile document
        by the database's JSON functions, so no profile travels to Python."""
        c = customers.c
        if self.vault is not None:  # the orders are sealed: counted here, once opened
            return self._value_counts_opened(by, owners)
        per_customer = _per_customer(self.conn.dialect.name)
        if owners is not None:
            per_customer = per_customer.where(c.owner.in_(owners))
        p = per_customer.subquery("per_customer")
        referrers = (  # a hash join on these beats an EXISTS probe per customer on PostgreSQL
            select(c.referred_by.label("id"))
            .where(c.merged_into.is_(None), c.referred_by.is_not(None))
            .distinct()
            .subquery("referrers")
        )
        won = p.c.stage == "won"
        keys = {"owner": [p.c.owner], "grade": [p.c.grade], "customer": [p.c.id, p.c.name]}[by]
        query = (
            select(
                keys[0].label("key"),
                *(k.label("name") for k in keys[1:]),
                func.count().label("customers"),
                count_where(won).label("won"),
                count_where(p.c.orders >= 1).label("buyers"),
                count_where(p.c.orders >= 2).label("repeat_buyers"),
                func.sum(p.c.orders).label("orders"),
                count_where(and_(won, referrers.c.id.is_not(None))).label("won_referrers"),
                count_where(p.c.referred_by.is_not(None)).label("referred"),
                count_where(and_(won, p.c.referred_by.is_not(None))).label("referred_won"),
                func.sum(p.c.revenue).label("revenue"),
            )
            .select_from(p.outerjoin(referrers, referrers.c.id == p.c.id))
            .group_by(*keys)
        )
        return typing.cast(list[ValueCounts], [r._asdict() for r in self.conn.execute(query)])

    def _value_counts_opened(self, by: str, owners: Sequence[str] | None) -> list[ValueCounts]:
        """`value_counts` of an encrypted database: the same figures, each customer's orders
        opened here (the database cannot sum what it cannot read). Only the orders are read
        out of the profile document, by the database's JSON function: the rest of it is
        neither sent nor parsed nor decrypted."""
        c = customers.c
        if self.conn.dialect.name == "postgresql":
            sealed = func.json_extract_path_text(c.profile, "orders")
        else:
            sealed = func.json_extract(c.profile, "$.orders")
        columns = (c.id, c.name, c.owner, c.grade, c.stage, c.referred_by)
        query = select(*columns, sealed.label("orders")).where(c.merged_into.is_(None))
        if owners is not None:
            query = query.where(c.owner.in_(owners))
        vault = self.vault
        assert vault is not None, "called for encrypted databases only"
        referrers = {
            r.referred_by
            for r in self.conn.execute(
                select(c.referred_by).where(c.merged_into.is_(None), c.referred_by.is_not(None))
            )
        }
        # one pass, plain lists: 100,000 customers go through this loop
        groups: dict[tuple[Any, ...], list[Any]] = {}
        by_customer = by not in ("owner", "grade")
        for cid, name, owner, grade, stage, referred_by, sealed in self.conn.execute(query):
            key = (cid, name) if by_customer else (owner if by == "owner" else grade,)
            g = groups.get(key)
            if g is None:
                g = groups[key] = [0, 0, 0, 0, 0, 0, 0, 0, 0.0]
            won, referred = stage == "won", referred_by is not None
            g[0] += 1
            g[1] += won
            g[5] += won and cid in referrers
            g[6] += referred
            g[7] += won and referred
            if sealed and sealed != "[]":
                orders: list[dict[str, Any]] = crypto.open_text(vault, cid, "orders", sealed) or []
                g[2] += len(orders) >= 1
                g[3] += len(orders) >= 2
                g[4] += len(orders)
                g[8] += sum(float(o.get("amount") or 0) for o in orders)
        names = (*_VALUE_SUMS, "revenue")
        found = [
            {
                "key": k[0],
                **({"name": k[1]} if by_customer else {}),
                **dict(zip(names, g, strict=True)),
            }
            for k, g in groups.items()
        ]
        return typing.cast(list[ValueCounts], found)

    def tags(self, customer_ids: Sequence[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {cid: [] for cid in customer_ids}
        if len(customer_ids) > 900:  # many: read them all rather than a huge IN list
            query = select(customer_tags).order_by(customer_tags.c.customer_id, customer_tags.c.tag)
        else:
            query = (
                select(customer_tags)
                .where(customer_tags.c.customer_id.in_(list(customer_ids)))
                .order_by(customer_tags.c.customer_id, customer_tags.c.tag)
            )
        for row in self.conn.execute(query):
            if row.customer_id in found:
                found[row.customer_id].append(row.tag)
        return found

    def open_opportunities(self, customer_id: str) -> list[OpportunityRef]:
        query = select(instances.c.id, instances.c.name, instances.c.state).where(
            instances.c.customer_id == customer_id, instances.c.state.in_(("open", "paused"))
        )
        return typing.cast(list[OpportunityRef], [r._asdict() for r in self.conn.execute(query)])

    def referrals(self, customer_id: str) -> list[Referral]:
        """The customers this one referred (转介绍), with their stage."""
        c = customers.c
        query = select(c.id, c.name, c.stage).where(
            c.referred_by == customer_id, c.merged_into.is_(None)
        )
        found = [r._asdict() for r in self.conn.execute(query.order_by(c.id))]
        return typing.cast(list[Referral], found)

    def opportunities(self, customer_id: str) -> list[CustomerOpportunity]:
        """Every opportunity of the customer, open or closed."""
        c = instances.c
        query = select(c.id, c.name, c.state, c.node, c.process_id).where(
            c.customer_id == customer_id
        )
        found = [r._asdict() for r in self.conn.execute(query.order_by(c.id))]
        return typing.cast(list[CustomerOpportunity], found)

    def scored_by_other_rules(self, digest: str) -> list[CustomerRow]:
        query = select(customers).where(customers.c.rules_digest != digest)
        return self._opened(self.conn.execute(query).all())

    def rescore(self, customer_id: str, percent: int, missing: Sequence[str], digest: str) -> None:
        """New completeness figures; not an edit of the profile (no revision bump)."""
        self.conn.execute(
            update(customers)
            .where(customers.c.id == customer_id)
            .values(completeness=percent, missing=list(missing), rules_digest=digest)
        )

    def relink(self, old: str, new: str) -> None:
        """Everything that pointed at a merged duplicate points at the customer kept."""
        self.conn.execute(
            update(customers).where(customers.c.referred_by == old).values(referred_by=new)
        )
        for table in (follow_ups, customer_timers, customer_changes):
            self.conn.execute(
                update(table).where(table.c.customer_id == old).values(customer_id=new)
            )
        # a week's sample drawn from both keeps the duplicate's own line (one per customer)
        kept = audits.alias("kept")
        same_sample = exists().where(
            kept.c.week == audits.c.week,
            kept.c.team == audits.c.team,
            kept.c.customer_id == new,
        )
        self.conn.execute(
            update(audits).where(audits.c.customer_id == old, ~same_sample).values(customer_id=new)
        )
        self.conn.execute(
            update(instances).where(instances.c.customer_id == old).values(customer_id=new)
        )

    def pointing_at(self, old: str) -> dict[str, list[Any]]:
        """What `relink` moves from `old`, table by table: the ids of the rows (of the
        customers, those it referred) — kept with a merge, for `unlink` to move back."""
        moved: dict[str, list[Any]] = {
            "customers": list(
                self.conn.scalars(select(customers.c.id).where(customers.c.referred_by == old))
            )
        }
        for table in (follow_ups, customer_timers, audits, customer_changes, instances):
            moved[table.name] = list(
                self.conn.scalars(select(table.c.id).where(table.c.customer_id == old))
            )
        return moved

    def unlink(self, old: str, moved: Mapping[str, Sequence[Any]]) -> None:
        """`relink` undone: the rows `pointing_at` listed point at `old` again."""
        if moved.get("customers"):
            self.conn.execute(
                update(customers)
                .where(customers.c.id.in_(moved["customers"]))
                .values(referred_by=old)
            )
        for table in (follow_ups, customer_timers, audits, customer_changes, instances):
            ids = moved.get(table.name)
            if ids:
                self.conn.execute(update(table).where(table.c.id.in_(ids)).values(customer_id=old))

    # merges ------------------------------------------------------------------------------
    def add_merge(self, row: NewMerge) -> int:
        """A merge's record; on an encrypted database its absorbed profiles, field report
        and changes are sealed whole (they hold phones, emails, orders as they were)."""
        vault = self._sealing()
        sealed = {**row, **_merge_parts(vault, row["customer_id"], row, seal=True)}
        result = self.conn.execute(insert(customer_merges).returning(customer_merges.c.id), sealed)
        return int(result.scalar_one())

    def merges(self, customer_id: str) -> list[MergeRow]:
        query = (
            select(customer_merges)
            .where(customer_merges.c.customer_id == customer_id)
            .order_by(customer_merges.c.id)
        )
        rows = [r._asdict() for r in self.conn.execute(query)]
        opened = [{**r, **_merge_parts(self.vault, customer_id, r, seal=False)} for r in rows]
        return typing.cast(list[MergeRow], opened)

    def merge_undone(self, merge_id: int, now: datetime) -> None:
        self.conn.execute(
            update(customer_merges).where(customer_merges.c.id == merge_id).values(undone_at=now)
        )

    # history -----------------------------------------------------------------------------
    def add_changes(self, rows: Sequence[NewCustomerChange]) -> None:
        """History lines; the before/after of sealed fields sealed too."""
        if not rows:
            return
        vault = self._sealing() if any(_sensitive(r["changes"]) for r in rows) else None
        if vault is not None:
            rows = [
                {**r, "changes": crypto.seal_changes(vault, r["customer_id"], r["changes"])}
                for r in rows
            ]
        self.conn.execute(insert(customer_changes), list(rows))

    def changes(self, customer_id: str) -> list[CustomerChangeRow]:
        query = (
            select(customer_changes)
            .where(customer_changes.c.customer_id == customer_id)
            .order_by(customer_changes.c.id)
        )
        found = [r._asdict() for r in self.conn.execute(query)]
        if any(_sensitive(r["changes"]) for r in found) and self.vault is not None:
            vault = self.vault
            for r in found:
                r["changes"] = crypto.open_changes(vault, r["customer_id"], r["changes"])
        return typing.cast(list[CustomerChangeRow], found)

    # follow-ups -----------------------------------------------------------------------
    def add_follow_ups(self, rows: Sequence[NewFollowUp]) -> None:
        if rows:
            self.conn.execute(insert(follow_ups), list(rows))

    def follow_ups(self, customer_id: str) -> list[FollowUpEntry]:
        query = (
            select(follow_ups)
            .where(follow_ups.c.customer_id == customer_id)
            .order_by(follow_ups.c.at, follow_ups.c.id)
        )
        return typing.cast(list[FollowUpEntry], [r._asdict() for r in self.conn.execute(query)])

    def follow_ups_of(self, customer_ids: Sequence[str]) -> list[NamedFollowUp]:
        query = (
            select(follow_ups, customers.c.name.label("customer_name"))
            .join(customers, customers.c.id == follow_ups.c.customer_id)
            .where(follow_ups.c.customer_id.in_(customer_ids))
            .order_by(follow_ups.c.customer_id, follow_ups.c.at, follow_ups.c.id)
        )
        return typing.cast(list[NamedFollowUp], [r._asdict() for r in self.conn.execute(query)])

    def late_entries(
        self, since: datetime, until: datetime, late_seconds: int
    ) -> list[LateEntryRow]:
        """Follow-ups recorded in [since, until] more than `late_seconds` after the contact."""
        values = {"since": since, "until": until, "late_seconds": late_seconds}
        found = [r._asdict() for r in self.conn.execute(late_entries_query(), values)]
        return typing.cast(list[LateEntryRow], found)

    # customer timers ------------------------------------------------------------------
    def add_timers(self, rows: Sequence[NewCustomerTimer]) -> None:
        if rows:
            self.conn.execute(insert(customer_timers), list(rows))

    def timers(
        self, customer_id: str, states: Sequence[str] | None = None
    ) -> list[CustomerTimerRow]:
        query = select(customer_timers).where(customer_timers.c.customer_id == customer_id)
        if states is not None:
            query = query.where(customer_timers.c.state.in_(states))
        found = [r._asdict() for r in self.conn.execute(query.order_by(customer_timers.c.id))]
        return typing.cast(list[CustomerTimerRow], found)

    def update_timer(
        self, timer: CustomerTimerRow, values: TimerUpdate, effective: datetime
    ) -> None:
        """Change a stored timer, keeping what it was until `effective` for a past moment."""
        before = kept(timer, values)
        if before is not None:
            self.conn.execute(insert(customer_timer_history), {**before, "until": effective})
        self.conn.execute(_UPDATE_TIMER, {**values, "_id": timer["id"]})

    def alerts(
        self, as_of: datetime, owners: Sequence[str] | None, current: bool
    ) -> list[CustomerAlertRow]:
        """Customer timers past their warning at `as_of` and still short, and maintenance
        periods over by then (the engine settles those); for a past moment (`current`
        False), as they stood then (owners are today's)."""
        if not current:
            return self._alerts_then(as_of, owners)
        query = customer_alerts_query(owners is not None)
        values = {"as_of": as_of} if owners is None else {"as_of": as_of, "owners": list(owners)}
        found = [r._asdict() for r in self.conn.execute(query, values)]
        return typing.cast(list[CustomerAlertRow], found)

    def _alerts_then(self, as_of: datetime, owners: Sequence[str] | None) -> list[CustomerAlertRow]:
        t, h = customer_timers.c, customer_timer_history.c
        later = select(h.timer_id).where(h.until > as_of)
        found = and_(
            t.started_at <= as_of,
            or_(t.id.in_(later), and_(t.warn_at <= as_of, not_over(t, as_of))),
        )
        query = (
            select(customer_timers, *_customer_columns())
            .join(customers, customers.c.id == t.customer_id)
            .where(found)
        )
        rows = [r._asdict() for r in self.conn.execute(query)]
        candidates = select(t.id).join(customers, customers.c.id == t.customer_id).where(found)
        timers_then(self.conn, customer_timer_history, rows, as_of, candidates)
        self._owners_then(rows, as_of, candidates.with_only_columns(t.customer_id))
        rows = [r for r in rows if alerting(r, as_of) and (owners is None or r["owner"] in owners)]
        rows.sort(key=lambda r: (r["due_at"], r["id"]))
        return typing.cast(list[CustomerAlertRow], rows)

    def _owners_then(self, rows: list[Row], as_of: datetime, ids: Select[Any]) -> None:
        """Each row's customer owner at `as_of`, from the changes recorded since."""
        c = customer_changes.c
        query = (
            select(c.customer_id, c.changes)
            .where(c.recorded_at > as_of, c.customer_id.in_(ids))
            .order_by(c.recorded_at.desc(), c.id.desc())  # the first after as_of wins
        )
        before = {
            change.customer_id: change.changes["owner"][0]
            for change in self.conn.execute(query)
            if "owner" in change.changes
        }
        for row in rows:
            row["owner"] = before.get(row["customer_id"], row["owner"])

    # audits --------------------------------------------------------------------------
    def audits(self, week: str, team: str) -> list[SampledRow]:
        query = (
            select(audits, customers.c.name, customers.c.owner)
            .join(customers, customers.c.id == audits.c.customer_id)
            .where(audits.c.week == week, audits.c.team == team)
            .order_by(audits.c.customer_id)
        )
        return typing.cast(list[SampledRow], [r._asdict() for r in self.conn.execute(query)])

    def add_audits(self, rows: Sequence[NewAudit]) -> None:
        if rows:
            self.conn.execute(insert(audits), list(rows))

    def record_audit(self, audit_id: int, values: AuditFinding) -> None:
        self.conn.execute(update(audits).where(audits.c.id == audit_id).values(**values))

    def audit_history(self, customer_id: str) -> list[AuditRow]:
        query = select(audits).where(audits.c.customer_id == customer_id).order_by(audits.c.week)
        return typing.cast(list[AuditRow], [r._asdict() for r in self.conn.execute(query)])


_VALUE_SUMS = ("customers", "won", "buyers", "repeat_buyers", "orders", "won_referrers",
               "referred", "referred_won")  # fmt: skip


def _sealed(vault: Vault | None, customer_id: str, doc: Mapping[str, Any]) -> Mapping[str, Any]:
    return doc if vault is None else crypto.seal_profile(vault, customer_id, doc)


def _sensitive(changes: Mapping[str, Any]) -> bool:
    return any(k in crypto.SEALED_CHANGES for k in changes)


def _blind(vault: Vault | None, kind: str, value: str) -> str:
    return crypto.unkeyed_blind(kind, value) if vault is None else vault.blind(kind, value)


def count_where(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    """How many rows of a group meet `condition`, portable across the databases."""
    return func.sum(case((condition, 1), else_=0))


def _per_customer(dialect: str) -> Select[Any]:
    """One row per live customer: its columns, its number of orders and their summed amounts,
    read from the profile document. The two databases differ in their JSON functions and in
    which form they run fast (measured on 100,000 customers): PostgreSQL sums each
    customer's orders in a LATERAL subquery (three times faster than a scalar subquery per
    figure), SQLite, which has no LATERAL, joins json_each's rows and groups them by
    customer (a third faster than scalar subqueries)."""
    c = customers.c
    columns = (c.id, c.name, c.owner, c.grade, c.stage, c.referred_by)
    if dialect == "postgresql":
        each = func.json_array_elements(func.json_extract_path(c.profile, "orders"))
        item = each.table_valued("value")
        amount = cast(func.json_extract_path_text(item.c.value, "amount"), Float)
        orders = select(func.count().label("n"), func.sum(amount).label("amount"))
        figures = orders.select_from(item).lateral("orders")
        return (
            select(
                *columns,
                figures.c.n.label("orders"),
                func.coalesce(figures.c.amount, 0.0).label("revenue"),
            )
            .select_from(customers.outerjoin(figures, true()))
            .where(c.merged_into.is_(None))
        )
    item = func.json_each(c.profile, "$.orders").table_valued("key", "value")
    return (
        select(
            *columns,
            func.count(item.c.key).label("orders"),
            func.total(func.json_extract(item.c.value, "$.amount")).label("revenue"),  # 0.0
        )
        .select_from(customers.outerjoin(item, true()))
        .where(c.merged_into.is_(None))
        .group_by(c.id)
    )


# The statements the direct SQLite reader (`store.direct`) runs too (see store.py).
@lru_cache(maxsize=2)
def customer_alerts_query(owners: bool) -> Select[Any]:
    """Customer timers past their warning at `as_of` and still short, and maintenance
    periods over by then, with their customer; of the `owners` when asked."""
    t = customer_timers.c
    as_of: BindParameter[datetime] = bindparam("as_of")
    query = (
        select(customer_timers, *_customer_columns())
        .join(customers, customers.c.id == t.customer_id)
        .where(
            t.state.in_(("running", "late")),
            t.started_at <= as_of,
            t.warn_at <= as_of,
            or_(t.done < t.required, and_(t.kind == "maintenance", t.due_at <= as_of)),
            customers.c.merged_into.is_(None),
        )
        .order_by(t.due_at, t.id)
    )
    if owners:
        query = query.where(customers.c.owner.in_(bindparam("owners", expanding=True)))
    return query


@lru_cache(maxsize=1)
def late_entries_query() -> Select[Any]:
    """Follow-ups recorded in [since, until] more than `late_seconds` after the contact."""
    f = follow_ups.c
    return (
        select(follow_ups, *_customer_columns())
        .join(customers, customers.c.id == f.customer_id)
        .where(
            f.recorded_at >= bindparam("since"),
            f.recorded_at <= bindparam("until"),
            f.late_seconds > bindparam("late_seconds"),
        )
    )


def _customer_columns() -> list[Any]:
    c = customers.c
    return [c.name, c.owner, c.grade, c.stage]


_BY_ID = select(customers).where(customers.c.id == bindparam("id"))
_BY_ID_OR_NAME = select(customers).where(
    or_(customers.c.id == bindparam("key"), customers.c.name == bindparam("key"))
)
_BY_ID_NAME_OR_KEY = select(customers).where(
    or_(
        customers.c.id == bindparam("key"),
        customers.c.name == bindparam("key"),
        customers.c.name_key == bindparam("name_key"),
    )
)
_UPDATE = update(customers).where(
    and_(customers.c.id == bindparam("_id"), customers.c.revision == bindparam("_read"))
)
_UPDATE_TIMER = update(customer_timers).where(customer_timers.c.id == bindparam("_id"))


MERGE_PARTS = ("absorbed", "fields", "changes")  # what a merge record keeps of the profiles


def _merge_parts(
    vault: Vault | None, customer_id: str, row: Mapping[str, Any], *, seal: bool
) -> dict[str, Any]:
    """A merge record's parts sealed (or opened) whole, each bound to its merge's customer
    and part; without a vault, as they are (a plaintext database)."""
    if vault is None:
        return {part: row[part] for part in MERGE_PARTS}
    where = {part: crypto._place("customer_merges", customer_id, part) for part in MERGE_PARTS}
    if seal:
        return {part: vault.seal(row[part], where[part]) for part in MERGE_PARTS}
    return {part: vault.open(row[part], where[part]) for part in MERGE_PARTS}
