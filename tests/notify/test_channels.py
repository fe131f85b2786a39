"""Each channel against a real HTTP server on 127.0.0.1: the payload's shape and the signature
as the vendor documents them, checked by computing the signature here independently; and
what happens on 5xx, timeouts, rate limits and error codes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import replace
from urllib.parse import parse_qs, unquote_plus, urlsplit

import httpx
import pytest

from flowkit.model.notify import Channel, Secret
from flowkit.notify.channels import Outgoing, senders
from flowkit.notify.records import Delivery, Notice
from flowkit.notify.sending import Deferred, DeliveryError, Http
from flowkit.output.notices import Context, compose
from flowkit.tracking.views import Alert
from flowkit.validate import load_org
from tests.conftest import ROOT, cst
from tests.notify.helpers import SECRETS, Clock, Server

ORG = load_org(ROOT / "processes")
DUE = cst("2026-12-03T18:00")


def _line(owner: str = "li.lei", instance: int = 12) -> Alert:
    """A contract signing due 12-03 18:00, seen at 12-04 13:00: 4 working hours late."""
    seen = cst("2026-12-04T13:00")
    return Alert(
        instance, "华东区CRM升级", "上海宏达", "standard-sales", "contract_signing", "合同签订",
        "manager", owner, "李雷", "3个工作日内", "deadline", DUE, True, seen - DUE,
        seen - cst("2026-12-04T09:00"), DUE - cst("2026-12-03T09:00"),
        False, "", 0, 0, "", "销售经理", "",
    )  # fmt: skip


def _delivery(channel: str, *people: str) -> Delivery:
    notices = tuple(
        Notice(f"breach|x{n}", 0, who, channel, "breach", "breach", who, (_line(who, 12 + n),))
        for n, who in enumerate(people or ("li.lei",))
    )
    return Delivery(channel, f"group:{channel}", "zh-CN", notices)


def _send(channel: Channel, delivery: Delivery, clock: Clock | None = None) -> int:
    clock = clock or Clock()
    ctx = Context(
        ORG,
        DUE.tzinfo,
        "https://crm.example.com",
        {("standard-sales", "contract_signing"): "确认条款"},
    )  # type: ignore[arg-type]
    composed = compose(delivery, ctx, channel.is_group)
    with httpx.Client() as client:
        out = Outgoing(
            channel, Http(client, clock.pacing()), ORG, delivery=7, secrets=lambda s: SECRETS[s.ref]
        )
        return senders()[channel.type].send(composed, out)


def _at(server: Server, channel: Channel) -> dict[str, str]:
    """SECRETS with the channel's address pointed at the local server."""
    assert channel.url is not None
    path = urlsplit(SECRETS[channel.url.ref])
    return {channel.url.ref: server.url + path.path + (f"?{path.query}" if path.query else "")}


def _channel(kind: str, server: Server) -> Channel:
    url, secret = {
        "wecom": ("env:WECOM_URL", None),
        "dingtalk": ("env:DING_URL", "env:DING_SECRET"),
        "feishu": ("env:FEISHU_URL", "env:FEISHU_SECRET"),
        "webhook": ("env:HOOK_URL", "env:HOOK_SECRET"),
    }[kind]
    channel = Channel(kind, kind, url=Secret(url), secret=Secret(secret) if secret else None)  # type: ignore[arg-type]
    SECRETS.update(_at(server, channel))
    return channel


@pytest.fixture
def ok_server() -> object:
    server = Server([(200, {"errcode": 0, "errmsg": "ok", "code": 0, "msg": "success"})])
    with server.running():
        yield server


def test_wecom_sends_markdown_then_mentions_by_mobile(ok_server: Server) -> None:
    channel = _channel("wecom", ok_server)
    tries = _send(channel, _delivery("wecom", "li.lei", "wang.fang"))
    assert tries == 2
    first, second = (json.loads(r.body) for r in ok_server.requests)
    assert ok_server.requests[0].path == "/cgi-bin/webhook/send?key=k1"
    assert first["msgtype"] == "markdown" and set(first) == {"msgtype", "markdown"}
    content = first["markdown"]["content"]
    assert "**@李雷**" in content and "**@王芳**" in content
    assert "[查看商机](https://crm.example.com/opportunities/12)" in content
    assert len(content.encode()) <= 4096
    assert second["msgtype"] == "text"
    assert second["text"]["mentioned_mobile_list"] == ["13800000102", "13800000101"]


def test_dingtalk_signs_as_documented(ok_server: Server) -> None:
    channel = _channel("dingtalk", ok_server)
    clock = Clock()
    _send(channel, _delivery("dingtalk", "huang.lei"), clock)
    (request,) = ok_server.requests
    query = parse_qs(urlsplit(request.path).query)
    assert query["access_token"] == ["t1"]
    timestamp = query["timestamp"][0]
    assert timestamp == str(int((1_764_000_000 + clock.now) * 1000))  # milliseconds
    expected = base64.b64encode(
        hmac.new(b"SECding", f"{timestamp}\nSECding".encode(), hashlib.sha256).digest()
    ).decode()
    raw = urlsplit(request.path).query.split("sign=")[1]
    assert unquote_plus(raw) == expected  # URL-encoded in the query, as DingTalk documents
    body = json.loads(request.body)
    assert body["msgtype"] == "markdown" and set(body["markdown"]) == {"title", "text"}
    assert body["at"] == {"atMobiles": ["13800000202"], "isAtAll": False}
    assert "@13800000202" in body["markdown"]["text"]  # DingTalk highlights only @mobile text


def test_feishu_signs_with_the_timestamp_and_secret_as_key(ok_server: Server) -> None:
    channel = _channel("feishu", ok_server)
    clock = Clock()
    _send(channel, _delivery("feishu", "li.lei"), clock)
    body = json.loads(ok_server.requests[0].body)
    timestamp = body["timestamp"]
    assert timestamp == str(int(1_764_000_000 + clock.now))  # seconds, as a string
    key = f"{timestamp}\nfeishu-secret".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert body["msg_type"] == "interactive"
    (element,) = body["card"]["elements"]
    assert element["tag"] == "markdown" and "合同签订" in element["content"]
    assert body["card"]["header"]["title"]["content"] == "1 项已超时"


def test_the_webhook_is_signed_over_timestamp_and_body(ok_server: Server) -> None:
    channel = _channel("webhook", ok_server)
    _send(channel, _delivery("webhook", "li.lei"))
    (request,) = ok_server.requests
    timestamp = request.headers["x-flowkit-timestamp"]
    digest = hmac.new(b"hook-secret", f"{timestamp}.".encode() + request.body, hashlib.sha256)
    assert request.headers["x-flowkit-signature"] == "sha256=" + digest.hexdigest()
    assert request.headers["x-flowkit-delivery"] == "7"
    body = json.loads(request.body)
    (notice,) = body["notices"]
    assert notice["opportunity"] == 12 and notice["level"] == 0 and notice["recipient"] == "li.lei"


def test_5xx_is_retried_with_back_off_then_succeeds() -> None:
    server = Server([(503, {}), (502, {}), (200, {"errcode": 0})])
    with server.running():
        channel = _channel("wecom", server)
        clock = Clock()
        tries = _send(channel, _delivery("wecom", "han.meimei"), clock)
    assert tries == 4 and len(server.requests) == 4  # three for the markdown, one mention
    assert clock.slept[:2] == [1.0, 2.0]


def test_an_error_code_fails_at_once_and_says_it() -> None:
    server = Server([(200, {"errcode": 93000, "errmsg": "invalid webhook url"})])
    with server.running():
        channel = _channel("wecom", server)
        with pytest.raises(DeliveryError, match="93000") as e:
            _send(channel, _delivery("wecom", "li.lei"))
    assert len(server.requests) == 1 and not e.value.unknown


def test_a_bad_signature_is_not_retried() -> None:
    server = Server([(200, {"code": 19021, "msg": "sign match fail"})])
    with server.running():
        channel = _channel("feishu", server)
        with pytest.raises(DeliveryError, match="19021"):
            _send(channel, _delivery("feishu", "li.lei"))
    assert len(server.requests) == 1


def test_wecom_rate_limit_code_is_retried() -> None:
    server = Server(
        [(200, {"errcode": 45009, "errmsg": "api freq out of limit"}), (200, {"errcode": 0})]
    )
    with server.running():
        channel = _channel("wecom", server)
        _send(channel, _delivery("wecom", "han.meimei"))
    assert len(server.requests) == 3


def _mock(handler: object) -> Http:
    return Http(httpx.Client(transport=httpx.MockTransport(handler)), Clock().pacing())  # type: ignore[arg-type]


def test_a_timeout_after_sending_is_unknown_for_a_robot_and_retried_for_the_webhook() -> None:
    seen: list[str] = []

    def slow(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.host)
        if len(seen) == 1:
            raise httpx.ReadTimeout("read timed out", request=request)
        return httpx.Response(200, json={"errcode": 0})

    wecom = Channel("w", "wecom", url=Secret("env:WECOM_URL"))
    with pytest.raises(DeliveryError) as e:
        _mock(slow).post(wecom, "http://wecom.test/", body=b"{}", headers={}, judge=lambda r: None)
    assert e.value.unknown and len(seen) == 1
    seen.clear()
    hook = Channel("h", "webhook", url=Secret("env:HOOK_URL"))
    tries = _mock(slow).post(
        hook, "http://hook.test/", body=b"{}", headers={}, judge=lambda r: None, idempotent=True
    )
    assert tries == 2


def test_a_refused_connection_is_retried_then_fails() -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    channel = Channel("w", "wecom", url=Secret("env:WECOM_URL"), retries=2)
    with pytest.raises(DeliveryError, match="after 3 tries") as e:
        _mock(refused).post(
            channel, "http://wecom.test/", body=b"", headers={}, judge=lambda r: None
        )
    assert not e.value.unknown


def test_twenty_messages_a_minute_through_a_wecom_robot() -> None:
    clock = Clock()
    pacing = clock.pacing()
    channel = Channel("w", "wecom", url=Secret("env:WECOM_URL"))
    sent_at = []
    for _ in range(45):
        pacing.turn(channel)
        sent_at.append(clock.now)
    for i in range(len(sent_at)):
        window = [t for t in sent_at if sent_at[i] <= t < sent_at[i] + 60]
        assert len(window) <= 20
    assert sent_at[-1] - sent_at[0] >= 120  # 45 messages need three minutes' windows


def test_a_turn_further_off_than_a_pass_waits_is_deferred() -> None:
    clock = Clock()
    pacing = replace(clock.pacing(), max_wait=30)
    channel = Channel("d", "dingtalk", url=Secret("env:DING_URL"))
    pacing.seed("d", 20)  # other runs sent 20 in the last minute
    with pytest.raises(Deferred):
        pacing.turn(channel)
    assert clock.slept == []


def test_long_group_messages_are_split_within_the_limit() -> None:
    """Twelve people's three breaches each in one group: cut into several messages of at
    most 4096 bytes, every notice in exactly one of them."""
    from flowkit.notify.passes import _Pass
    from tests.notify.helpers import config

    people = [p.id for p in ORG.people if p.active][:12]
    notices = tuple(
        Notice(f"breach|x{n}", 0, who, "wecom", "breach", "breach", who, (_line(who, n),))
        for n, who in enumerate(people * 3)
    )
    wecom = Channel("wecom", "wecom", url=Secret("env:WECOM_URL"))
    ctx = Context(ORG, DUE.tzinfo, "https://crm.example.com")  # type: ignore[arg-type]
    cfg = config(channels=(wecom,))
    found = _Pass(None, cfg, DUE, ctx, None)  # type: ignore[arg-type]
    found.net = type("N", (), {"pacing": Clock().pacing()})()  # type: ignore[assignment]
    parts = found.parts(Delivery("wecom", "group:wecom", "zh-CN", notices))
    assert len(parts) > 1
    carried = [n.subject for p in parts for s in p.sections for b in s.blocks for n in b.notices]
    assert sorted(carried) == sorted(n.subject for n in notices)
    out = Outgoing(wecom, None, ORG)  # type: ignore[arg-type]
    assert all(len(senders()["wecom"].content(p, out).encode()) <= 4096 for p in parts)
