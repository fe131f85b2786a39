"""Customer profiles encrypted at rest, on SQLite and PostgreSQL: the raw tables hold no
phone, email, address or order in clear, duplicates are still found (the blind index), a
missing or wrong key is a clear error, rotation re-seals everything in one transaction."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from sqlalchemy import text

from flowkit.customers import keys
from flowkit.customers.book import CustomerBook
from flowkit.customers.queries import show as show_customer
from flowkit.errors import ConflictError, InputError, StoreError
from flowkit.model.customer import Contact, Customer, Order
from flowkit.store import CustomerFilter, Store
from flowkit.store.crypto import Key
from flowkit.tracking import Definitions
from tests.conftest import cst
from tests.databases import database

NOW = cst("2026-11-02T10:00")
KEY = Key(bytes(range(32)))
NEW = Key(bytes(range(100, 132)))
HONGDA = Customer(
    id="",
    name="上海宏达机械有限公司",
    owner="li.lei",
    industry="制造业",
    address="上海市浦东新区张江路88号",
    contacts=(Contact("张伟", "采购总监", "13812345678", "zhangwei@hongda.cn", "决策人"),),
    orders=(Order("MES系统", 280000.0, cst("2026-10-20T10:00").date()),),
)
SECRETS = ("13812345678", "zhangwei@hongda.cn", "张江路", "280000", "MES系统")


@dataclass
class Keyring:
    """The key the store is given, changed by a test as a person changes FLOWKIT_KEY_FILE."""

    key: Key | None = KEY

    def __call__(self) -> Key | None:
        return self.key


@dataclass
class Setup:
    store: Store
    book: CustomerBook
    keyring: Keyring

    def raw(self) -> str:
        """Every customer row, history line and index entry, as the database holds them."""
        with self.store.read() as tx:
            rows = [
                *tx.conn.execute(text("SELECT * FROM customers")).all(),
                *tx.conn.execute(text("SELECT * FROM customer_changes")).all(),
                *tx.conn.execute(text("SELECT * FROM customer_keys")).all(),
                *tx.conn.execute(text("SELECT * FROM customer_merges")).all(),
            ]
        return "\n".join(_readable(value) for row in rows for value in row)

    def fresh(self) -> CustomerBook:
        """A book on a new store over the same database (a new command)."""
        store = Store(self.store.engine, keys=self.keyring)
        return CustomerBook(store, self.book.rules, people=self.book.people)


@pytest.fixture(params=["sqlite", "postgresql"])
def setup(
    request: pytest.FixtureRequest, processes: Path, tmp_path: Path, migrated_db: Path
) -> Iterator[Setup]:
    db = database(request.param, tmp_path, template=migrated_db)
    definitions = Definitions.load([processes])
    keyring = Keyring()
    store = Store.open(next(db), keys=keyring)
    book = CustomerBook(store, definitions.customers, people=definitions.org)
    yield Setup(store, book, keyring)
    store.close()
    next(db, None)


def test_the_database_holds_no_contact_or_order_in_clear(setup: Setup) -> None:
    (cid,) = setup.book.add([HONGDA], now=NOW)
    setup.book.edit(cid, {"address": "北京市海淀区中关村"}, now=NOW)  # history sealed too
    raw = setup.raw()
    for secret in (*SECRETS, "中关村"):
        assert secret not in raw
    assert "上海宏达机械有限公司" in raw and "li.lei" in raw  # names and owners stay clear
    view = show_customer(setup.fresh(), cid)
    assert view.customer == replace(HONGDA, id=cid, address="北京市海淀区中关村")
    assert view.history[-1]["changes"]["address"] == [HONGDA.address, "北京市海淀区中关村"]


def test_a_merge_keeps_the_absorbed_profile_sealed_and_undoes_it(setup: Setup) -> None:
    """A merge record holds the absorbed profile whole, for `unmerge`: sealed like it."""
    kept, absorbed = setup.book.add([replace(HONGDA, contacts=()), HONGDA], now=NOW, distinct=True)
    report = setup.book.merge(kept, [absorbed], now=NOW)
    raw = setup.raw()
    assert all(secret not in raw for secret in SECRETS)
    fresh = setup.fresh()
    assert fresh.unmerge(kept, report.merge_id, now=NOW) == [absorbed]
    assert show_customer(setup.fresh(), absorbed).customer == replace(HONGDA, id=absorbed)


def test_a_duplicate_mobile_is_found_through_the_blind_index(setup: Setup) -> None:
    setup.book.add([HONGDA], now=NOW)
    other = Customer(
        id="",
        name="宏达二号",
        owner="li.lei",
        contacts=(Contact("李四", mobile="+86 138-1234-5678"),),
    )
    with pytest.raises(InputError, match=r"撞单.*13812345678"):
        setup.book.add([other], now=NOW)
    setup.book.add([replace(other, contacts=(Contact("李四", mobile="13900000000"),))], now=NOW)


def test_a_missing_or_wrong_key_is_a_clear_error(setup: Setup) -> None:
    (cid,) = setup.book.add([HONGDA], now=NOW)
    setup.keyring.key = None
    with pytest.raises(InputError, match="encrypted, and no key is configured"):
        show_customer(setup.fresh(), cid)
    setup.keyring.key = NEW
    with pytest.raises(InputError, match=f"key \\(id {NEW.id}\\) is not the key.*{KEY.id}"):
        show_customer(setup.fresh(), cid)


def test_a_ciphertext_copied_into_another_row_does_not_open(setup: Setup) -> None:
    first, second = setup.book.add(
        [
            HONGDA,
            replace(HONGDA, name="别的公司", contacts=(Contact("王五", mobile="13900000000"),)),
        ],
        now=NOW,
        distinct=True,
    )
    with setup.store.write() as tx:
        profile = tx.conn.execute(
            text("SELECT profile FROM customers WHERE id = :id"), {"id": first}
        ).scalar()
        tx.conn.execute(
            text("UPDATE customers SET profile = :p WHERE id = :id"),
            {"p": profile if isinstance(profile, str) else _json(profile), "id": second},
        )
    with pytest.raises(StoreError, match="does not authenticate"):
        show_customer(setup.fresh(), second)


def test_rotation_reseals_everything_and_reads_back(setup: Setup) -> None:
    (cid,) = setup.book.add([HONGDA], now=NOW)
    setup.book.edit(cid, {"address": "北京市海淀区中关村"}, now=NOW)
    before = setup.raw()
    assert keys.rotate(setup.store, NEW) == 1
    assert KEY.id in before and KEY.id not in setup.raw() and NEW.id in setup.raw()
    setup.keyring.key = NEW
    book = setup.fresh()
    view = show_customer(book, cid)
    assert view.customer.address == "北京市海淀区中关村"
    assert view.history[-1]["changes"]["address"][1] == "北京市海淀区中关村"
    dup = Customer(
        id="", name="另一家", owner="li.lei", contacts=(Contact("李", mobile="13812345678"),)
    )
    with pytest.raises(InputError, match="撞单"):  # the index was rebuilt under the new key
        book.add([dup], now=NOW)


def test_rotation_is_refused_whole_when_a_value_does_not_open(setup: Setup) -> None:
    first, second = setup.book.add(
        [
            HONGDA,
            replace(HONGDA, name="别的公司", contacts=(Contact("王五", mobile="13900000000"),)),
        ],
        now=NOW,
        distinct=True,
    )
    with setup.store.write() as tx:  # the second's profile replaced by the first's
        profile = tx.conn.execute(
            text("SELECT profile FROM customers WHERE id = :id"), {"id": first}
        ).scalar()
        tx.conn.execute(
            text("UPDATE customers SET profile = :p WHERE id = :id"),
            {"p": profile if isinstance(profile, str) else _json(profile), "id": second},
        )
    damaged = setup.raw()
    with pytest.raises(StoreError, match="does not authenticate"):
        keys.rotate(setup.store, NEW)
    assert setup.raw() == damaged  # nothing changed


def test_a_plaintext_database_is_encrypted_on_request(setup: Setup) -> None:
    setup.keyring.key = None  # made without a key: a plaintext database
    (cid,) = setup.book.add([HONGDA], now=NOW)
    assert all(secret in setup.raw() for secret in SECRETS)  # what the checks below look for
    setup.keyring.key = KEY  # a key configured now: writes wait for `keys encrypt`
    with pytest.raises(InputError, match="profiles here are not encrypted"):
        setup.fresh().edit(cid, {"address": "x"}, now=NOW)
    assert keys.encrypt(setup.store, KEY) == 1
    for secret in SECRETS:
        assert secret not in setup.raw()
    assert show_customer(setup.fresh(), cid).customer == replace(HONGDA, id=cid)
    with pytest.raises(InputError, match="already encrypted"):
        keys.encrypt(setup.store, KEY)


def test_the_value_report_counts_sealed_orders_as_plain_ones(
    setup: Setup, processes: Path, tmp_path: Path
) -> None:
    from flowkit.customers.queries import value

    customers = [
        HONGDA,
        replace(HONGDA, name="乙公司", contacts=(), stage="won", orders=HONGDA.orders * 2),
        replace(HONGDA, name="丙公司", contacts=(), orders=(), owner="han.meimei"),
    ]
    setup.book.add(customers, now=NOW, distinct=True)
    sealed = {
        by: value(setup.fresh(), by, CustomerFilter()) for by in ("owner", "grade", "customer")
    }
    assert sum(v.orders for v in sealed["owner"]) == 3 and sealed["owner"][0].revenue == 840000
    setup.keyring.key = None
    plain_db = tmp_path / "plain"
    plain_db.mkdir()
    store = Store.open(str(plain_db / "p.db"), keys=lambda: None)
    plain = CustomerBook(store, setup.book.rules, people=setup.book.people)
    plain.add(customers, now=NOW, distinct=True)
    assert {by: value(plain, by, CustomerFilter()) for by in sealed} == sealed
    store.close()


def _readable(value: object) -> str:
    """A column's value as text a person would search: JSON without ASCII escapes (SQLite
    stores 张 as \\u5f20), never a repr that shortens long values."""
    import json

    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _json(value: object) -> str:
    import json

    return json.dumps(value)


def test_orders_written_in_clear_into_an_encrypted_database_are_refused(setup: Setup) -> None:
    from flowkit.customers.queries import value

    (cid,) = setup.book.add([HONGDA], now=NOW)
    with setup.store.write() as tx:  # someone with write access to the file, not flowkit
        profile = tx.conn.execute(
            text("SELECT profile FROM customers WHERE id = :id"), {"id": cid}
        ).scalar()
        doc = profile if isinstance(profile, dict) else __import__("json").loads(profile)
        doc["orders"] = [{"product": "假订单", "amount": 1e9, "date": "2026-11-01", "terms": ""}]
        tx.conn.execute(
            text("UPDATE customers SET profile = :p WHERE id = :id"), {"p": _json(doc), "id": cid}
        )
    with pytest.raises(StoreError, match="does not authenticate"):
        value(setup.fresh(), "owner", CustomerFilter())
    with pytest.raises(StoreError, match="does not authenticate"):
        show_customer(setup.fresh(), cid)


# Rotation while others write (PostgreSQL: writers at once) -------------------------------
WRITERS = 3
SEEDED = 120  # enough profiles that the rotation takes a while


@dataclass
class Writer:
    """One writer's work, as a person at the workspace would do it: new profiles and
    address edits, each retried when refused (the key changed under it, a conflict);
    what it was told succeeded is what must be there afterwards."""

    number: int
    book: CustomerBook
    keyring: Keyring
    added: dict[str, str]  # name -> mobile of each profile it added
    addresses: dict[str, str]  # customer -> the last address it wrote

    def work(self, stop: threading.Event, minimum: int) -> None:
        done = 0
        while not stop.is_set() or done < minimum:
            self._retried(lambda n=done: self._step(n))
            done += 1

    def _step(self, n: int) -> None:
        if n % 2 == 0:
            name, mobile = f"写入{self.number}号{n}有限公司", f"139{self.number:02d}{n:06d}"
            self.book.add(
                [Customer("", name, "li.lei", contacts=(Contact("联系人", mobile=mobile),))],
                now=NOW,
                distinct=True,
            )
            self.added[name] = mobile
        else:
            customer = f"C{self.number * 10 + n % 10 + 1:05d}"  # ten of its own
            address = f"地址{self.number}-{n}"
            self.book.edit(customer, {"address": address}, now=NOW)
            self.addresses[customer] = address

    def _retried(self, step: Callable[[], None]) -> None:
        for _ in range(50):
            try:
                step()
                return
            except InputError as e:
                if "key" not in str(e):
                    raise
                self.keyring.key = NEW  # as its operator points FLOWKIT_KEY_FILE at the new key
            except ConflictError:
                pass
        raise AssertionError("a write was refused 50 times")


def test_rotation_amid_writers_leaves_no_old_key(processes: Path, tmp_path: Path) -> None:
    db = database("postgresql", tmp_path)
    url = next(db)
    definitions = Definitions.load([processes])

    def book_on(keyring: Keyring) -> CustomerBook:
        return CustomerBook(Store.open(url, keys=keyring), definitions.customers)

    seeding = book_on(Keyring())
    seeded = [
        replace(HONGDA, name=f"存量{i}公司", contacts=(Contact("老客户", mobile=f"137{i:08d}"),))
        for i in range(SEEDED)
    ]
    seeding.add(seeded, now=NOW, distinct=True)
    seeding.store.close()
    writers = [Writer(n, book_on(keyring := Keyring()), keyring, {}, {}) for n in range(WRITERS)]
    stop = threading.Event()
    threads = [threading.Thread(target=w.work, args=(stop, 12)) for w in writers]
    rotating = Store.open(url, keys=Keyring())
    try:
        for thread in threads:
            thread.start()
        time.sleep(0.3)  # the writers under way
        assert keys.rotate(rotating, NEW) >= SEEDED
        time.sleep(0.3)  # and going on after it
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        assert all(w.keyring.key == NEW for w in writers)  # each wrote after the rotation
        checking = book_on(Keyring(NEW))
        try:
            _check_all_under_new_key(checking, writers)
        finally:
            checking.store.close()
    finally:
        stop.set()
        rotating.close()
        for writer in writers:
            writer.book.store.close()
        next(db, None)


def _check_all_under_new_key(book: CustomerBook, writers: list[Writer]) -> None:
    from flowkit.customers.dedupe import contact_keys

    with book.store.read() as tx:
        raw = " ".join(
            str(v)
            for table in ("customers", "customer_changes", "customer_merges")
            for row in tx.conn.execute(text(f"SELECT * FROM {table}")).all()
            for v in row
        )
        assert f"fk1:{KEY.id}:" not in raw  # nothing left sealed with the old key
        rows = tx.customers.find(CustomerFilter(include_merged=True))  # every value opens
        for row in rows:
            tx.customers.changes(row["id"])
        by_name = {row["name"]: row for row in rows}
        for writer in writers:
            assert writer.added and writer.addresses  # each wrote both kinds
            for name, mobile in writer.added.items():  # every profile it was told it added
                found = by_name[name]
                assert found["profile"]["contacts"][0]["mobile"] == mobile
                assert tx.customers.sharing(
                    contact_keys(
                        Customer("", name, "li.lei", contacts=(Contact("x", mobile=mobile),))
                    )
                ) == [found["id"]]  # and the blind index finds it under the new key
            for customer, address in writer.addresses.items():  # and its last edit
                assert tx.customers.by_ids([customer])[0]["profile"]["address"] == address
