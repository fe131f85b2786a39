"""The group chat robots: WeCom (企业微信群机器人), DingTalk (钉钉自定义机器人, signed) and
Feishu (飞书自定义机器人, signature verification), each as its vendor documents it.

- **WeCom**: `{"msgtype": "markdown", "markdown": {"content": …}}` (content at most 4096
  bytes). A markdown message cannot mention by mobile (its documentation gives
  `mentioned_mobile_list` to text messages only; markdown mentions a userid as `<@userid>`),
  so people with a userid in notify.yaml are mentioned in the markdown, and people known by
  their mobile (org.yaml) by a short text message right after it with
  `mentioned_mobile_list`. Success is `errcode` 0; 45009 is its rate limit.
- **DingTalk**: signed mode: `timestamp` (ms) and `sign` = URL-encoded
  Base64(HMAC-SHA256(key=secret, message=f"{timestamp}\\n{secret}")) added to the webhook's
  query; `{"msgtype": "markdown", "markdown": {"title", "text"}, "at": {"atMobiles": [...],
  "isAtAll": false}}`, the text holding `@mobile` where each is mentioned. `errcode` 0.
- **Feishu**: `timestamp` (s) and `sign` = Base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}",
  message=b"")) in the body, with an interactive card of one markdown element; people are
  mentioned as `<at id=open_id></at>` (a custom bot mentions by open_id only). `code` 0;
  11232 and 9499 are its rate limits (100 a minute, 5 a second; 20 KB a request).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import quote_plus

import httpx

from flowkit.notify.channels import Outgoing, needed
from flowkit.notify.sending import Verdict, http_verdict, json_of
from flowkit.output.notices import Composed, Line, Section

JSON = {"Content-Type": "application/json; charset=utf-8"}


class _Markdown:
    """Composed messages in a robot's markdown."""

    brk = "\n"

    def line(self, line: Line) -> str:
        text = _escape(line.text)
        if line.strong:
            text = f"**{text}**"
        return f"[{text}]({line.url})" if line.url else text

    def mention(self, section: Section, out: Outgoing) -> str:
        return f"**@{section.name}**" if section.name else ""

    def content(self, composed: Composed, out: Outgoing) -> str:
        """The message's text as the robot's markdown (what `send` posts)."""
        parts: list[str] = []
        for section in composed.sections:
            if composed.group and section.recipient:
                parts.append(self.mention(section, out))
            for block in section.blocks:
                parts.append(self.brk.join(self.line(x) for x in block.lines))
        return (self.brk * 2).join(p for p in parts if p)


class WeCom(_Markdown):
    def mention(self, section: Section, out: Outgoing) -> str:
        route = out.routes.get(section.recipient)
        if route is not None and route.wecom:
            return f"<@{route.wecom}>"
        return super().mention(section, out)

    def send(self, composed: Composed, out: Outgoing) -> int:
        url = needed(out.channel.url, out, "webhook")
        body = {"msgtype": "markdown", "markdown": {"content": self.content(composed, out)}}
        tries = out.http.post(
            out.channel, url, body=_json(body), headers=JSON, judge=_wecom, reserved=out.reserved
        )
        mobiles = _mobiles(composed, out, wecom=True)
        if mobiles:
            names = "、".join(s.name for s in composed.sections if s.mobile in mobiles)
            text = {
                "msgtype": "text",
                "text": {"content": f"@{names}", "mentioned_mobile_list": mobiles},
            }
            tries += out.http.post(out.channel, url, body=_json(text), headers=JSON, judge=_wecom)
        return tries


class DingTalk(_Markdown):
    brk = "  \n"  # a line break in DingTalk's markdown

    def mention(self, section: Section, out: Outgoing) -> str:
        return f"@{section.mobile}" if section.mobile else super().mention(section, out)

    def send(self, composed: Composed, out: Outgoing) -> int:
        url = needed(out.channel.url, out, "webhook")
        secret = needed(out.channel.secret, out, "secret")
        body = _json(
            {
                "msgtype": "markdown",
                "markdown": {"title": composed.title, "text": self.content(composed, out)},
                "at": {"atMobiles": _mobiles(composed, out), "isAtAll": False},
            }
        )

        def signed() -> tuple[str, dict[str, str], bytes]:
            timestamp = str(int(out.http.pacing.wall() * 1000))
            joiner = "&" if "?" in url else "?"
            sign = quote_plus(dingtalk_sign(timestamp, secret))
            return f"{url}{joiner}timestamp={timestamp}&sign={sign}", {}, body

        return out.http.post(
            out.channel, url, body=body, headers=JSON, judge=_dingtalk, sign=signed,
            reserved=out.reserved,
        )  # fmt: skip


class Feishu(_Markdown):
    def mention(self, section: Section, out: Outgoing) -> str:
        route = out.routes.get(section.recipient)
        if route is not None and route.feishu:
            return f"<at id={route.feishu}></at>"
        return super().mention(section, out)

    def send(self, composed: Composed, out: Outgoing) -> int:
        url = needed(out.channel.url, out, "webhook")
        secret = needed(out.channel.secret, out, "secret")
        breached = any(
            n.kind == "breach" for s in composed.sections for b in s.blocks for n in b.notices
        )
        card = {
            "config": {"wide_screen_mode": True},
            "header": {
                "title": {"tag": "plain_text", "content": composed.title},
                "template": "red" if breached else "orange",
            },
            "elements": [{"tag": "markdown", "content": self.content(composed, out)}],
        }

        def signed() -> tuple[str, dict[str, str], bytes]:
            timestamp = str(int(out.http.pacing.wall()))
            body = {"timestamp": timestamp, "sign": feishu_sign(timestamp, secret)}
            return url, {}, _json({**body, "msg_type": "interactive", "card": card})

        return out.http.post(
            out.channel, url, body=b"", headers=JSON, judge=_feishu, sign=signed,
            reserved=out.reserved,
        )  # fmt: skip


def dingtalk_sign(timestamp: str, secret: str) -> str:
    """DingTalk's signature, before URL-encoding: Base64(HMAC-SHA256(secret, ts\\nsecret))."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode()


def feishu_sign(timestamp: str, secret: str) -> str:
    """Feishu's signature: Base64(HMAC-SHA256 keyed by ts\\nsecret, of an empty message)."""
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256)
    return base64.b64encode(digest.digest()).decode()


def _wecom(response: httpx.Response) -> Verdict | None:
    found = http_verdict(response)
    if found is not None:
        return found
    answer = json_of(response)
    code = answer.get("errcode", 0)
    if code == 0:
        return None
    return code == 45009, f"WeCom errcode {code}: {answer.get('errmsg', '')}"


def _dingtalk(response: httpx.Response) -> Verdict | None:
    found = http_verdict(response)
    if found is not None:
        return found
    answer = json_of(response)
    code = answer.get("errcode", 0)
    if code == 0:
        return None
    # 130101: sending too fast, limited for 10 minutes: the next pass tries again
    return False, f"DingTalk errcode {code}: {answer.get('errmsg', '')}"


def _feishu(response: httpx.Response) -> Verdict | None:
    found = http_verdict(response)
    answer = json_of(response)
    code = answer.get("code", answer.get("StatusCode", 0))
    if found is not None and not code:
        return found
    if not code:
        return None
    return code in (11232, 9499, 99991400), f"Feishu code {code}: {answer.get('msg', '')}"


def _mobiles(composed: Composed, out: Outgoing, wecom: bool = False) -> list[str]:
    """The mobiles of the people a group message is for (WeCom: those without a userid)."""
    found: list[str] = []
    for section in composed.sections:
        route = out.routes.get(section.recipient)
        if wecom and route is not None and route.wecom:
            continue
        if section.mobile and section.mobile not in found:
            found.append(section.mobile)
    return found


def _escape(text: str) -> str:
    """Text shown as written in markdown: brackets would start a link."""
    return text.replace("[", "［").replace("]", "］") if "](" in text else text


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")
