"""The channels: one small sender per type of channel, behind one Protocol, in one dict.

A sender turns a composed message (`flowkit.output.notices.Composed`) into its vendor's
request and sends it through `Http` (retries, rate) or SMTP; `content` is the part of it a
vendor's size limit counts, so a pass can split a long message before sending. Secrets
are read here, when a message is sent: `env:NAME` from the environment, `file:/path` from
the file, never kept.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from flowkit.notify.sending import DeliveryError

if TYPE_CHECKING:
    import smtplib

    from flowkit.model import Org
    from flowkit.model.notify import Channel, PersonRoute, Secret
    from flowkit.notify.sending import Http
    from flowkit.output.notices import Composed


@dataclass(frozen=True)
class Outgoing:
    """What a sender needs besides the message."""

    channel: Channel
    http: Http
    org: Org
    delivery: int = 0  # the ledger's delivery id (a webhook's header, an email's Message-ID)
    routes: Mapping[str, PersonRoute] = field(default_factory=dict)  # chat ids by person
    secrets: Callable[[Secret], str] = field(default=lambda s: read_secret(s))
    smtp: Callable[..., smtplib.SMTP] | None = None  # how to connect (tests: a local server)
    reserved: bool = False  # the first request's turn was taken before claiming


class Sender(Protocol):
    def content(self, composed: Composed, out: Outgoing) -> str:
        """The text the channel's size limit counts."""
        ...

    def send(self, composed: Composed, out: Outgoing) -> int:
        """Send the message; the requests it took. Raises DeliveryError."""
        ...


def read_secret(secret: Secret) -> str:
    """The secret's value, read now: from the environment or from its file."""
    if secret.kind == "env":
        value = os.environ.get(secret.name, "")
        if not value.strip():
            raise DeliveryError(f"environment variable {secret.name} is not set")
        return value.strip()
    try:
        return Path(secret.name).read_text("utf-8").strip()
    except (OSError, UnicodeDecodeError) as e:
        raise DeliveryError(f"cannot read secret file {secret.name}: {e.__class__.__name__}") from e


def needed(secret: Secret | None, out: Outgoing, what: str) -> str:
    if secret is None:
        raise DeliveryError(f"channel {out.channel.id} has no {what}")
    return out.secrets(secret)


def senders() -> dict[str, Sender]:
    """The senders by channel type."""
    from flowkit.notify.channels.email import Email
    from flowkit.notify.channels.robots import DingTalk, Feishu, WeCom
    from flowkit.notify.channels.webhook import Webhook

    return {
        "wecom": WeCom(),
        "dingtalk": DingTalk(),
        "feishu": Feishu(),
        "email": Email(),
        "webhook": Webhook(),
    }
