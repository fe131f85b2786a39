"""Any sequence of customer commands keeps profiles and their timers consistent."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from flowkit.customers.book import CustomerBook
from flowkit.customers.queries import show
from flowkit.errors import FlowkitError, InputError
from flowkit.model.customer import Contact, Customer
from flowkit.store import Store
from flowkit.tracking import Definitions, Tracker
from tests.conftest import cst

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = Definitions.load([ROOT / "processes"])
BUDGETS = [None, 200_000, 700_000, 1_500_000]


class CustomerCommands(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        self.store = Store.open(str(self.folder / "c.db"))
        org, calendars = DEFINITIONS.org, DEFINITIONS.calendars
        self.book = CustomerBook(self.store, DEFINITIONS.customers, people=org, calendars=calendars)
        Tracker(self.store, DEFINITIONS, org, calendars, customers=self.book)
        self.now = cst("2026-11-02T09:00")
        self.ids: list[str] = []
        self.added: set[int] = set()  # the n of each customer added
        self.merged: set[str] = set()

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    @rule(
        budget=st.sampled_from(BUDGETS),
        chain=st.sampled_from(["clear", "complex"]),
        n=st.integers(0, 10_000),
    )
    def add(self, budget: int | None, chain: str, n: int) -> None:
        values = {"decision_chain": chain, "intent": "strong", "needs_clarity": "clear"}
        if budget is not None:
            values["annual_budget"] = budget
        customer = Customer(
            id="",
            name=f"客户{n}",
            owner="li.lei",
            values=values,
            contacts=(Contact("张三", mobile=f"139{n:08d}"),),
        )
        if n in self.added:  # the same company again: 撞单, refused, nothing added
            with pytest.raises(InputError, match="撞单"):
                self.book.add([customer], now=self.now)
            return
        self.ids += self.book.add([customer], now=self.now)
        self.added.add(n)

    @rule(days=st.integers(0, 60))
    def time_passes(self, days: int) -> None:
        self.now += timedelta(days=days)

    @precondition(lambda self: self.ids)
    @rule(data=st.data())
    def grade(self, data: st.DataObject) -> None:
        who = data.draw(st.sampled_from(self.ids))
        self._try(lambda: self.book.grade([who], now=self.now, apply=True))

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), budget=st.sampled_from(BUDGETS))
    def rebudget(self, data: st.DataObject, budget: int | None) -> None:
        who = data.draw(st.sampled_from(self.ids))
        self._try(
            lambda: self.book.edit(
                who,
                {
                    "values": {
                        "decision_chain": "clear",
                        "intent": "strong",
                        "annual_budget": budget or 0,
                    }
                },
                now=self.now,
            )
        )

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), back=st.integers(0, 72), method=st.sampled_from(["visit", "phone"]))
    def log(self, data: st.DataObject, back: int, method: str) -> None:
        who = data.draw(st.sampled_from(self.ids))
        self._try(
            lambda: self.book.log(
                who,
                method=method,
                content="回访",
                now=self.now,
                at=self.now - timedelta(hours=back),
            )
        )

    @precondition(lambda self: len(self.ids) >= 2)
    @rule(data=st.data())
    def merge(self, data: st.DataObject) -> None:
        keep, fold = data.draw(
            st.lists(st.sampled_from(self.ids), min_size=2, max_size=2, unique=True)
        )
        with contextlib.suppress(FlowkitError):
            self.book.merge(keep, [fold], now=self.now)
            self.merged.add(fold)

    def _try(self, command: Callable[[], object]) -> None:
        with contextlib.suppress(FlowkitError):
            command()

    @invariant()
    def consistent(self) -> None:
        for cid in self.ids:
            if cid in self.merged:
                continue
            view = show(self.book, cid)
            live = [t for t in view.timers if t["state"] in ("running", "late")]
            running = [t["kind"] for t in live if t["state"] == "running"]
            assert running.count("maintenance") <= 1 and running.count("review") <= 1
            if view.customer.grade is None:
                assert live == []
            assert 0 <= view.completeness <= 100
            assert view.history and view.history[0]["kind"] == "added"


CustomerCommands.TestCase.settings = settings(
    max_examples=30, stateful_step_count=25, deadline=None
)
TestCustomerCommands = CustomerCommands.TestCase
