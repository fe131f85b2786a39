"""Email through a real SMTP server on 127.0.0.1 (aiosmtpd) that requires STARTTLS and a
login: the message arrives with its zh-CN subject and body in plain text and HTML; a
server offering no STARTTLS gets nothing, not even the password."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from flowkit.model.notify import Channel, Secret
from flowkit.notify.channels import Outgoing, senders
from flowkit.notify.records import Delivery, Notice
from flowkit.notify.sending import DeliveryError, Http
from flowkit.output.notices import Context, compose
from tests.notify.helpers import Clock
from tests.notify.test_channels import DUE, ORG, _line


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"flowkit", b"pw")
    return AuthResult(success=ok, handled=False)


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[tuple[Inbox, int, Path]]:
    cert, key = _certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    port = _free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=_authenticate,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield inbox, port, cert
    finally:
        controller.stop()


def _send(channel: Channel) -> int:
    notice = Notice("daily|daily|2026-12-04", 0, "li.lei", "mail", "daily", "daily", "li.lei",
                    (_line(),))  # fmt: skip
    delivery = Delivery("mail", "li.lei", "zh-CN", (notice,))
    composed = compose(delivery, Context(ORG, DUE.tzinfo, "https://crm.example.com"), False)  # type: ignore[arg-type]
    with httpx.Client() as client:
        out = Outgoing(channel, Http(client, Clock().pacing()), ORG, delivery=3,
                       secrets=lambda s: "pw")  # fmt: skip
        return senders()["email"].send(composed, out)


def _channel(port: int, cert: Path) -> Channel:
    return Channel(
        "mail", "email", host="127.0.0.1", port=port, username="flowkit",
        password=Secret("env:SMTP_PASSWORD"), sender="flowkit@example.com", ca_file=str(cert),
        timeout=5, retries=0,
    )  # fmt: skip


def test_an_email_arrives_over_starttls_in_chinese_with_plain_text_and_html(
    smtp: tuple[Inbox, int, Path],
) -> None:
    inbox, port, cert = smtp
    assert _send(_channel(port, cert)) == 1
    ((sender, to, raw),) = inbox.messages
    assert sender == "flowkit@example.com" and to == ["li.lei@example.com"]
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert message["Subject"] == "flowkit · 今日待办"
    assert "李雷" in message["To"] and "flowkit.3" in message["Message-ID"]
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    assert "1 项超时，0 项即将到期" in plain.get_content()
    assert "https://crm.example.com/opportunities/12" in plain.get_content()
    assert '<a href="https://crm.example.com/opportunities/12">' in html.get_content()


def test_a_wrong_password_fails_and_says_so(smtp: tuple[Inbox, int, Path]) -> None:
    inbox, port, cert = smtp
    channel = _channel(port, cert)
    with pytest.raises(DeliveryError, match="535"):
        senders()["email"].send(
            compose(
                Delivery("mail", "li.lei", "zh-CN", ()),
                Context(ORG, DUE.tzinfo),  # type: ignore[arg-type]
                False,
            ),
            Outgoing(channel, Http(None, Clock().pacing()), ORG, secrets=lambda s: "wrong"),  # type: ignore[arg-type]
        )
    assert inbox.messages == []


def test_a_server_without_starttls_gets_nothing() -> None:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        channel = _channel(port, Path("/nonexistent"))
        with pytest.raises(DeliveryError, match="STARTTLS"):
            _send(channel)
    finally:
        controller.stop()
    assert inbox.messages == []


def test_a_server_that_cannot_be_reached_is_retried_then_fails() -> None:
    channel = _channel(_free_port(), Path("/nonexistent"))
    channel = Channel(**{**channel.__dict__, "retries": 2})
    with pytest.raises(DeliveryError, match="after 3 tries"):
        _send(channel)
