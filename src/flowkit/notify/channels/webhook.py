"""A generic JSON webhook for other systems (a CRM, a ticketing tool), signed with HMAC.

The body is JSON: the delivery's id, channel, language, title, the people it is for, each
notice (its key, kind, level, rule, record and due instant) and the message as plain text.
Three headers let the receiver trust and deduplicate it:

- `X-Flowkit-Timestamp`: Unix seconds when it was signed;
- `X-Flowkit-Signature`: `sha256=` and the hex HMAC-SHA256, keyed by the channel's secret,
  of the timestamp, a dot and the raw body (`f"{timestamp}.".encode() + body`), so a body
  replayed with another timestamp does not verify;
- `X-Flowkit-Delivery`: the delivery's id, the same on every retry: a receiver that keeps
  the ids it has seen drops a repeat (so this channel retries a timeout after sending).

Any 2xx answer is success.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from flowkit.notify.channels import Outgoing, needed
from flowkit.notify.channels.email import plain
from flowkit.notify.sending import http_verdict
from flowkit.output.notices import Composed


class Webhook:
    def content(self, composed: Composed, out: Outgoing) -> str:
        return plain(composed)

    def send(self, composed: Composed, out: Outgoing) -> int:
        url = needed(out.channel.url, out, "url")
        secret = needed(out.channel.secret, out, "secret")
        body = json.dumps(payload(composed, out), ensure_ascii=False).encode("utf-8")

        def signed() -> tuple[str, dict[str, str], bytes]:
            timestamp = str(int(out.http.pacing.wall()))
            headers = {
                "X-Flowkit-Timestamp": timestamp,
                "X-Flowkit-Signature": "sha256=" + signature(secret, timestamp, body),
                "X-Flowkit-Delivery": str(out.delivery),
            }
            return url, headers, body

        return out.http.post(
            out.channel,
            url,
            body=body,
            headers={"Content-Type": "application/json; charset=utf-8"},
            judge=http_verdict,
            idempotent=True,
            sign=signed,
            reserved=out.reserved,
        )


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of `timestamp.body` keyed by the secret."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def payload(composed: Composed, out: Outgoing) -> dict[str, object]:
    notices = []
    for section in composed.sections:
        for n in (n for block in section.blocks for n in block.notices):
            item = n.items[0] if len(n.items) == 1 and n.kind in ("breach", "at-risk") else None
            notices.append(
                {
                    "subject": n.subject,
                    "kind": n.kind,
                    "level": n.level,
                    "rule": n.rule,
                    "recipient": n.recipient,
                    "opportunity": item.instance_id or None if item else None,
                    "customer": item.customer_id or None if item else None,
                    "node": item.node if item else None,
                    "due_at": item.due_at.isoformat() if item else None,
                    "items": len(n.items),
                }
            )
    return {
        "delivery": out.delivery,
        "channel": out.channel.id,
        "lang": composed.lang,
        "title": composed.title,
        "recipients": [{"id": s.recipient, "name": s.name} for s in composed.sections],
        "notices": notices,
        "text": plain(composed),
    }
