"""Email over SMTP with STARTTLS: one message to one person (their `email` in org.yaml), its
subject and body in their language, plain text with an HTML alternative, built with the
standard library's `email` package (non-ASCII headers encoded as RFC 2047 words).

The connection is upgraded with STARTTLS before anything else is said (a server that does
not offer it gets nothing: no password and no message in clear), the certificate checked
against the system's CAs or the channel's `ca_file`. A failure before the message is handed
over (connecting, TLS, login, a 4xx answer) is retried; a 5xx refusal fails; a connection
lost while the message was being handed over is unknown (it may have been accepted).
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from html import escape

from flowkit.notify.channels import Outgoing
from flowkit.notify.sending import DeliveryError
from flowkit.output.notices import Composed, Line


class Email:
    def content(self, composed: Composed, out: Outgoing) -> str:
        return plain(composed)

    def send(self, composed: Composed, out: Outgoing) -> int:
        channel = out.channel
        to = [_address(out, s.recipient) for s in composed.sections]
        message = EmailMessage()
        message["Subject"] = f"flowkit · {composed.title}"
        message["From"] = channel.sender
        message["To"] = ", ".join(to)
        message["Message-ID"] = make_msgid(f"flowkit.{out.delivery}")
        message.set_content(plain(composed))
        message.add_alternative(html(composed), subtype="html")
        password = out.secrets(channel.password) if channel.password else ""
        tries = 0
        reason = ""
        for attempt in range(channel.retries + 1):
            if attempt:
                out.http.pacing.sleep(out.http.pacing.backoff * 2 ** (attempt - 1))
            tries += 1
            try:
                server = self._connect(out)
            except (OSError, smtplib.SMTPException) as e:
                reason = f"cannot connect to {channel.host}:{channel.port}: {e}"
                continue
            try:
                try:
                    _secure(server, channel.ca_file)
                    if channel.username:
                        server.login(channel.username, password)
                except smtplib.SMTPResponseException as e:
                    if 400 <= e.smtp_code < 500:
                        reason = _said(e)
                        continue
                    raise DeliveryError(_said(e), tries=tries) from e
                except (OSError, smtplib.SMTPException) as e:
                    if isinstance(e, smtplib.SMTPNotSupportedError | ssl.SSLError):
                        raise DeliveryError(f"{channel.host}: {e}", tries=tries) from e
                    reason = str(e)
                    continue
                try:
                    server.send_message(message)
                except smtplib.SMTPResponseException as e:
                    if 400 <= e.smtp_code < 500:
                        reason = _said(e)
                        continue
                    raise DeliveryError(_said(e), tries=tries) from e
                except smtplib.SMTPRecipientsRefused as e:
                    raise DeliveryError(
                        f"recipients refused: {', '.join(e.recipients)}", tries=tries
                    ) from e
                except (OSError, smtplib.SMTPServerDisconnected) as e:
                    raise DeliveryError(
                        f"connection lost while sending ({e}); it may have arrived",
                        unknown=True,
                        tries=tries,
                    ) from e
                return tries
            finally:
                try:
                    server.quit()
                except (OSError, smtplib.SMTPException):
                    server.close()
        raise DeliveryError(f"{reason} (after {tries} tries)", tries=tries)

    def _connect(self, out: Outgoing) -> smtplib.SMTP:
        channel = out.channel
        make = out.smtp or smtplib.SMTP
        return make(channel.host, channel.port, timeout=channel.timeout)


def _secure(server: smtplib.SMTP, ca_file: str) -> None:
    """STARTTLS with the certificate checked (the system's CAs, or `ca_file`); refused when
    the server does not offer it."""
    server.ehlo()
    if not server.has_extn("starttls"):
        raise smtplib.SMTPNotSupportedError(
            "the server offers no STARTTLS; nothing is sent in clear"
        )
    context = ssl.create_default_context(cafile=ca_file or None)
    server.starttls(context=context)
    server.ehlo()


def _address(out: Outgoing, person_id: str) -> str:
    person = out.org.person(person_id)
    if person is None or not person.email:
        raise DeliveryError(f"{person_id} has no email in org.yaml")
    return formataddr((person.name, person.email))


def plain(composed: Composed) -> str:
    lines: list[str] = []
    for section in composed.sections:
        for block in section.blocks:
            lines += [_plain(x) for x in block.lines]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _plain(line: Line) -> str:
    return f"{line.text}  {line.url}" if line.url else line.text


def html(composed: Composed) -> str:
    parts = [f"<html><body><h3>{escape(composed.title)}</h3>"]
    for section in composed.sections:
        for block in section.blocks:
            items = []
            for line in block.lines:
                text = escape(line.text)
                if line.strong:
                    text = f"<b>{text}</b>"
                if line.url:
                    text = f'<a href="{escape(line.url, quote=True)}">{text}</a>'
                items.append(f"<div>{text}</div>")
            parts.append(f"<p>{''.join(items)}</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _said(e: smtplib.SMTPResponseException) -> str:
    message = (
        e.smtp_error.decode("utf-8", "replace")
        if isinstance(e.smtp_error, bytes)
        else str(e.smtp_error)
    )
    return f"SMTP {e.smtp_code}: {message}"
