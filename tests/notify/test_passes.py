"""A pass end to end on both databases: the contract approval's breach reaches the consultant
at once and the sales manager four working hours later, each once — with runs overlapping,
the network failing half-way, a run dying between sending and recording."""

from __future__ import annotations

import threading
from datetime import timedelta

import httpx
import pytest

from flowkit.access.guard import Access, Actor
from flowkit.access.rules import Role
from flowkit.errors import NotPermitted
from flowkit.notify import failing, run_pass
from flowkit.notify.passes import log, shown_state
from flowkit.tracking import Tracker
from tests.conftest import cst
from tests.notify.helpers import DUE, Receiver, at_contract, config, rule

CONTRACT = rule(
    "breach",
    id="contract-breach",
    process="standard-sales",
    nodes=("contract_signing",),
    escalate=("4个工作小时", "1个工作日"),
    via=("hook",),
)


def _subject(instance: int) -> str:
    return f"breach|opportunity:{instance}:contract_signing:deadline:2026-12-03T10:00:00Z"


def test_the_consultant_at_once_the_manager_four_working_hours_later_each_once(
    tracker: Tracker,
) -> None:
    deal = at_contract(tracker)
    hook = Receiver()
    cfg = config(CONTRACT)
    run_pass(tracker, cfg, DUE - timedelta(minutes=5), network=hook.network())
    assert hook.bodies == []  # not due yet
    run_pass(tracker, cfg, DUE + timedelta(minutes=5), network=hook.network())
    run_pass(tracker, cfg, cst("2026-12-04T12:55"), network=hook.network())  # 3h55m of work late
    assert hook.delivered() == {(_subject(deal), 0, "li.lei", "hook"): 1}
    run_pass(tracker, cfg, cst("2026-12-04T13:00"), network=hook.network())  # 4 working hours
    run_pass(tracker, cfg, cst("2026-12-04T13:05"), network=hook.network())
    assert hook.delivered() == {
        (_subject(deal), 0, "li.lei", "hook"): 1,
        (_subject(deal), 1, "wang.fang", "hook"): 1,
    }
    run_pass(tracker, cfg, cst("2026-12-04T18:00"), network=hook.network())  # a working day
    assert hook.delivered()[(_subject(deal), 2, "liu.yang", "hook")] == 1
    assert max(hook.delivered().values()) == 1


def test_a_deal_that_moved_escalates_no_further(tracker: Tracker) -> None:
    deal = at_contract(tracker)
    hook = Receiver()
    cfg = config(CONTRACT)
    run_pass(tracker, cfg, DUE + timedelta(minutes=5), network=hook.network())
    tracker.advance(deal, now=cst("2026-12-04T10:00"), by="wang.fang")  # before she hears
    run_pass(tracker, cfg, cst("2026-12-04T14:00"), network=hook.network())
    assert [k[1:3] for k in hook.delivered()] == [(0, "li.lei")]


def test_a_network_failing_half_way_sends_nothing_twice_and_misses_nothing(
    tracker: Tracker,
) -> None:
    """Three owners' breaches in three messages; the second message's server answers 503
    (through every retry): the next pass sends that one only."""
    for owner in ("li.lei", "han.meimei", "huang.lei"):
        at_contract(tracker, owner, f"{owner}的合同")
    calls = {"n": 0}

    def flaky(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        body = request.content.decode()
        if "han.meimei" in body and calls["n"] < 10:
            return httpx.Response(503)
        return httpx.Response(200)

    hook = Receiver(answer=flaky)
    cfg = config(
        rule("breach", process="standard-sales", nodes=("contract_signing",), via=("hook",))
    )
    first = run_pass(tracker, cfg, DUE + timedelta(minutes=5), network=hook.network())
    assert len(first.failed) == 1 and "HTTP 503" in first.failed[0].error
    assert failing(tracker) == []  # the channel delivered the others after that failure
    assert {k[2] for k in hook.delivered()} == {"li.lei", "huang.lei"}
    second = run_pass(tracker, cfg, DUE + timedelta(minutes=10), network=hook.network())
    assert second.ok and failing(tracker) == []
    assert {k[2] for k in hook.delivered()} == {"li.lei", "huang.lei", "han.meimei"}
    assert max(hook.delivered().values()) == 1


def test_a_channel_down_is_failing_until_it_delivers_again(tracker: Tracker) -> None:
    at_contract(tracker)
    down = Receiver(answer=lambda request: httpx.Response(500))
    cfg = config(
        rule("breach", process="standard-sales", nodes=("contract_signing",), via=("hook",))
    )
    run_pass(tracker, cfg, DUE + timedelta(minutes=5), network=down.network())
    run_pass(tracker, cfg, DUE + timedelta(minutes=10), network=down.network())
    (found,) = failing(tracker)  # what `flowkit status` and `notify log` warn about
    assert (found["channel"], found["failures"]) == ("hook", 2)
    assert found["since"] == DUE + timedelta(minutes=5) and "HTTP 500" in found["error"]
    run_pass(tracker, cfg, DUE + timedelta(minutes=15), network=Receiver().network())
    assert failing(tracker) == []


def test_two_runs_at_once_send_each_notice_once(tracker: Tracker) -> None:
    """Cron runs overlapping: two passes, each with its own store, sending into one slow
    receiver at the same moment."""
    for n, owner in enumerate(("li.lei", "han.meimei", "huang.lei", "lin.xiaoyu") * 2):
        at_contract(tracker, owner, f"合同{n}")
    gate = threading.Barrier(2)

    def slow(request: httpx.Request) -> httpx.Response:
        threading.Event().wait(0.01)
        return httpx.Response(200)

    hook = Receiver(answer=slow)
    cfg = config(
        rule("breach", process="standard-sales", nodes=("contract_signing",), via=("hook",))
    )
    reports = []
    url = str(tracker.store.engine.url.render_as_string(hide_password=False))

    def one() -> None:
        from flowkit.store import Store

        store = Store.open(url.replace("postgresql+psycopg", "postgresql"))
        other = Tracker(
            store,
            tracker.definitions,
            tracker.people,
            tracker.calendars,
            customers=tracker.customers,
        )
        gate.wait()
        reports.append(run_pass(other, cfg, DUE + timedelta(minutes=5), network=hook.network()))
        store.close()

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(hook.delivered()) == 8 and max(hook.delivered().values()) == 1
    assert sum(s.notices for r in reports for s in r.sent) == 8


def test_a_run_dying_after_sending_never_sends_again_and_says_unknown(tracker: Tracker) -> None:
    at_contract(tracker)

    class Killed(BaseException):
        pass

    def dies(request: httpx.Request) -> httpx.Response:
        hook.bodies.append({"channel": "hook", "notices": []})  # the server got it
        raise Killed()

    hook = Receiver(answer=dies)
    cfg = config(
        rule("breach", process="standard-sales", nodes=("contract_signing",), via=("hook",))
    )
    with pytest.raises(Killed):
        run_pass(tracker, cfg, DUE + timedelta(minutes=5), network=hook.network())
    healthy = Receiver()
    again = run_pass(tracker, cfg, DUE + timedelta(minutes=10), network=healthy.network())
    assert healthy.bodies == [] and again.settled == 1
    (row,) = log(tracker, None)
    assert shown_state(row, DUE) == "unknown" and "interrupted" in row["error"]


def test_a_dry_run_sends_and_records_nothing(tracker: Tracker) -> None:
    at_contract(tracker)
    hook = Receiver()
    cfg = config(
        rule("breach", process="standard-sales", nodes=("contract_signing",), via=("hook",))
    )
    report = run_pass(
        tracker, cfg, DUE + timedelta(minutes=5), dry_run=True, network=hook.network()
    )
    assert report.dry_run and [s.notices for s in report.sent] == [1]
    assert "华东区CRM升级" in report.sent[0].text
    assert hook.bodies == [] and log(tracker, None) == []


def test_only_an_administrator_runs_a_pass(tracker: Tracker) -> None:
    at_contract(tracker)
    tracker.access = Access(tracker.people, Actor("wang.fang", Role.MANAGER, "user"))
    with pytest.raises(NotPermitted):
        run_pass(
            tracker,
            config(
                rule("breach", process="standard-sales", nodes=("contract_signing",), via=("hook",))
            ),
            DUE,
            network=Receiver().network(),
        )


def test_the_weekly_review_draws_the_spot_check_and_counts_completeness(tracker: Tracker) -> None:
    from datetime import time

    from flowkit.model.customer import Customer

    assert tracker.customers is not None
    tracker.customers.add(
        [Customer("", f"华东客户{n}有限公司", "li.lei") for n in range(5)], now=DUE
    )
    at_contract(tracker)
    hook = Receiver()
    cfg = config(rule("weekly", at=time(9, 0), tell=("manager",), via=("hook",)))
    monday = cst("2026-12-07T09:05")
    dry = run_pass(tracker, cfg, monday, dry_run=True, network=hook.network())
    (east,) = [s for s in dry.sent if s.recipients == ("wang.fang",)]
    assert "档案完整性：5 份档案中 0 份完整" in east.text
    with tracker.store.read() as tx:
        assert tx.customers.audits("2026-W50", "east-1") == []  # a dry run drew, stored nothing
    run_pass(tracker, cfg, monday, network=hook.network())
    body = next(b for b in hook.bodies if b["recipients"][0]["id"] == "wang.fang")
    assert "本周抽查 2026-W50：5 份档案中抽取 1 份（20%）" in body["text"]
    assert "时限：1 项超时，0 项即将到期" in body["text"]
    with tracker.store.read() as tx:
        assert len(tx.customers.audits("2026-W50", "east-1")) == 1  # drawn and stored
    run_pass(tracker, cfg, cst("2026-12-07T10:00"), network=hook.network())
    assert sum(1 for b in hook.bodies if b["recipients"][0]["id"] == "wang.fang") == 1


def test_customer_contacts_only_where_the_rule_says_so(tracker: Tracker) -> None:
    from flowkit.model.customer import Contact, Customer

    assert tracker.customers is not None
    (customer,) = tracker.customers.add(
        [Customer("", "上海宏达", "li.lei", contacts=(Contact("张伟", mobile="13812345678"),))],
        now=DUE - timedelta(days=9),
    )
    at_contract(tracker)  # its customer is 上海宏达, the profile
    for contacts, shown in ((False, False), (True, True)):
        hook = Receiver()
        cfg = config(rule("breach", contacts=contacts, via=("hook",)))
        report = run_pass(
            tracker, cfg, DUE + timedelta(minutes=5), dry_run=True, network=hook.network()
        )
        assert ("客户联系人：张伟 13812345678" in report.sent[0].text) is shown, customer
