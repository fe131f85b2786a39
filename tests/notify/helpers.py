"""What the notification tests share: a breached contract approval, configs built in code,
a fake clock for waiting and signing, and a webhook receiver that records what arrived."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import MappingProxyType
from typing import Any

import httpx

from flowkit.lang.sla import parse_duration
from flowkit.model.notify import Channel, Escalation, NotifyConfig, Rule, Secret
from flowkit.notify.passes import Network
from flowkit.notify.sending import Pacing
from flowkit.tracking import Tracker
from tests.conftest import cst

T0 = cst("2026-12-01T09:00")  # a Tuesday; a contract signing started now is due 12-03 18:00
DUE = cst("2026-12-03T18:00")
SECRETS = {
    "env:HOOK_URL": "http://hook.test/flowkit",
    "env:HOOK_SECRET": "hook-secret",
    "env:WECOM_URL": "http://wecom.test/cgi-bin/webhook/send?key=k1",
    "env:DING_URL": "http://ding.test/robot/send?access_token=t1",
    "env:DING_SECRET": "SECding",
    "env:FEISHU_URL": "http://feishu.test/open-apis/bot/v2/hook/h1",
    "env:FEISHU_SECRET": "feishu-secret",
    "env:SMTP_PASSWORD": "pw",
}


def at_contract(tracker: Tracker, owner: str = "li.lei", name: str = "华东区CRM升级") -> int:
    """An opportunity of `owner` at 合同签订 (3 working days) since T0."""
    i = tracker.start(
        "standard-sales", name=name, customer="上海宏达", owner=owner, now=T0,
        fields={"segment": "large", "amount": "280000"},
    )  # fmt: skip
    tracker.advance(i, now=T0, by="zhou.jie")
    tracker.advance(i, now=T0, outcome="有效")
    tracker.advance(i, now=T0, outcome="达成意向")
    return i


def hook(channel_id: str = "hook", **extra: Any) -> Channel:
    return Channel(
        channel_id, "webhook", url=Secret("env:HOOK_URL"), secret=Secret("env:HOOK_SECRET"), **extra
    )


def rule(on: str = "breach", *, escalate: tuple[str, ...] = (), **extra: Any) -> Rule:
    steps = tuple(Escalation(parse_duration(t), t) for t in escalate)
    return Rule(id=extra.pop("id", on), on=on, escalate=steps, **extra)  # type: ignore[arg-type]


def config(*rules: Rule, channels: tuple[Channel, ...] | None = None, **extra: Any) -> NotifyConfig:
    return NotifyConfig(
        "测试通知",
        channels=channels if channels is not None else (hook(),),
        rules=rules,
        teams=MappingProxyType(extra.pop("teams", {})),
        **extra,
    )


@dataclass
class Clock:
    """Real time as tests see it: advanced by sleeping, never waited for."""

    now: float = 1000.0
    slept: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def pacing(self) -> Pacing:
        return Pacing(
            monotonic=lambda: self.now, sleep=self.sleep, wall=lambda: 1_764_000_000 + self.now
        )


@dataclass
class Receiver:
    """A webhook receiver (behind httpx's mock transport): what arrived, by notice key."""

    answer: Callable[[httpx.Request], httpx.Response] | None = None
    bodies: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.answer is not None:
            response = self.answer(request)
            if response.status_code >= 300:
                return response
        with self.lock:
            self.bodies.append(json.loads(request.content))
        return httpx.Response(200, json={"ok": True})

    def delivered(self) -> Counter[tuple[str, int, str, str]]:
        return Counter(
            (n["subject"], n["level"], n["recipient"], b["channel"])
            for b in self.bodies
            for n in b["notices"]
        )

    def network(self, clock: Clock | None = None) -> Network:
        client = httpx.Client(transport=httpx.MockTransport(self))
        return Network(
            client=client, pacing=(clock or Clock()).pacing(), secrets=lambda s: SECRETS[s.ref]
        )


@dataclass
class Captured:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Server:
    """A real HTTP server on 127.0.0.1, in a thread: records every request, answers each with
    the next of `answers` (status, JSON), the last one again when they run out."""

    def __init__(self, answers: list[tuple[int, dict[str, Any]]]) -> None:
        self.requests: list[Captured] = []
        self.answers = answers
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                owner.requests.append(
                    Captured(
                        "POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body
                    )
                )
                i = min(len(owner.requests), len(owner.answers)) - 1
                status, answer = owner.answers[i]
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @contextmanager
    def running(self) -> Iterator[Server]:
        # polled every 10 ms for its shutdown (the default 0.5 s kept each test waiting)
        serve = partial(self.httpd.serve_forever, poll_interval=0.01)
        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.httpd.shutdown()
            self.httpd.server_close()
            thread.join()


# A notify.yaml of one webhook channel (its address and secret from the environment) and one
# rule: a breach at 合同签订 told to the owner, escalated after 4 working hours.
NOTIFY = """\
flowkit: 1
notify: 测试通知
base_url: https://crm.example.com
channels:
  hook:
    type: webhook
    url: env:TEST_HOOK_URL
    secret: env:TEST_HOOK_SECRET
    retries: 0
rules:
  - id: breach
    on: breach
    process: standard-sales
    nodes: [contract_signing]
    tell: owner
    escalate: [4个工作小时]
    via: hook
"""
