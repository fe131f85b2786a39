"""Getting a message out: HTTP with timeouts, retries with back-off and each channel's rate
limit, and the three ways a delivery ends (sent, failed, unknown).

- **Retries.** A request that never reached the server (a refused connection, a timeout
  while connecting) and an answer that says "not now" (5xx, 429, a robot's rate-limit
  code) are tried again, up to the channel's `retries`, waiting 1 s, 2 s, 4 s … (or the
  server's Retry-After). Any other answer (4xx, a robot's error code: a wrong key, a bad
  signature) fails at once: trying again would not help.
- **Unknown.** A timeout after the whole request was sent may have been delivered: the
  chat robots have no way to drop a repeat, so it is not retried but recorded as unknown
  (never sent again, shown by `flowkit notify log`); the webhook channel, whose receiver
  can drop a repeat by its `X-Flowkit-Delivery` header, retries it.
- **Rate.** Each channel keeps to its vendor's documented limit (WeCom and DingTalk robots
  20 messages a minute, Feishu custom bots 100 a minute and 5 a second) or the `rate` of
  notify.yaml, counting every request this process made and the deliveries other runs
  recorded in the last minute. A pass waits for its turn up to `Pacing.max_wait`, then
  leaves the rest for the next pass.

Time here is real time (waiting, signing timestamps, measured by `Pacing`), never the
business clock: that is the pass's `now`, given from outside.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from flowkit.model.notify import Channel

RATE_PER_MINUTE = {"wecom": 20, "dingtalk": 20, "feishu": 100}
RATE_PER_SECOND = {"feishu": 5}
BYTES = {"wecom": 4096, "dingtalk": 20000, "feishu": 18000, "email": 200_000, "webhook": 200_000}


class DeliveryError(Exception):
    """A message that did not go out; `unknown`: it may have (a timeout after sending)."""

    def __init__(self, reason: str, *, unknown: bool = False, tries: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unknown = unknown
        self.tries = tries


class Deferred(Exception):
    """The channel's rate allows no more messages for longer than a pass waits."""


@dataclass
class Pacing:
    """Real time, for waiting and signing: injected, so tests run without sleeping."""

    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    wall: Callable[[], float] = time.time  # Unix time, for the robots' signed timestamps
    max_wait: float = 90.0  # the longest a pass waits for a channel's next turn
    backoff: float = 1.0  # the first wait before a retry, doubled each time
    _sent: dict[str, deque[float]] = field(default_factory=dict)

    def seed(self, channel: str, recent: int) -> None:
        """Deliveries other runs made through `channel` in the last minute count as now."""
        window = self._sent.setdefault(channel, deque())
        now = self.monotonic()
        window.extend([now] * max(0, recent - len(window)))

    def turn(self, channel: Channel, *, wait: bool = True) -> None:
        """Wait until `channel` may take one more request, and count it; Deferred when that
        is further off than `max_wait` (with `wait` False: at once, before anything is
        claimed, so nothing is left half-sent)."""
        per_minute = channel.rate or RATE_PER_MINUTE.get(channel.type, 0)
        per_second = RATE_PER_SECOND.get(channel.type, 0)
        window = self._sent.setdefault(channel.id, deque())
        while True:
            now = self.monotonic()
            while window and window[0] <= now - 60:
                window.popleft()
            delay = 0.0
            if per_minute and len(window) >= per_minute:
                delay = window[-per_minute] + 60 - now
            if per_second:
                recent = [t for t in window if t > now - 1]
                if len(recent) >= per_second:
                    delay = max(delay, recent[-per_second] + 1 - now)
            if delay <= 0:
                window.append(now)
                return
            if not wait or delay > self.max_wait:
                raise Deferred(channel.id)
            self.sleep(delay)


Verdict = tuple[bool, str]  # (retry?, what went wrong) for an answer that is not a success


class Http:
    """POSTs through one httpx client, paced and retried as the module says."""

    def __init__(self, client: httpx.Client, pacing: Pacing) -> None:
        self.client = client
        self.pacing = pacing

    def post(
        self,
        channel: Channel,
        url: str,
        *,
        body: bytes,
        headers: dict[str, str],
        judge: Callable[[httpx.Response], Verdict | None],
        idempotent: bool = False,
        sign: Callable[[], tuple[str, dict[str, str], bytes]] | None = None,
        reserved: bool = False,
    ) -> int:
        """Send; the number of requests made. `judge` reads an answer: None for success,
        else whether to retry and why. `sign`, when given, makes the URL, extra headers and
        body again before each try (a signature's timestamp must be fresh). `reserved`: the
        caller took the first request's turn already (`Pacing.turn`). Raises
        DeliveryError."""
        import httpx

        tries = 0
        reason = ""
        for attempt in range(channel.retries + 1):
            if attempt:
                self.pacing.sleep(self._delay(attempt, reason))
            if attempt or not reserved:
                self.pacing.turn(channel)
            target, extra, content = sign() if sign is not None else (url, {}, body)
            tries += 1
            try:
                response = self.client.post(
                    target,
                    content=content,
                    headers={**headers, **extra},
                    timeout=httpx.Timeout(channel.timeout),
                )
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as e:
                reason = _said(e) or "cannot connect"
                continue  # never reached the server: safe to try again
            except httpx.TimeoutException as e:
                if idempotent:
                    reason = _said(e) or "timed out"
                    continue
                raise DeliveryError(
                    f"timed out after sending ({type(e).__name__}); it may have arrived",
                    unknown=True,
                    tries=tries,
                ) from e
            except httpx.HTTPError as e:
                raise DeliveryError(_said(e) or type(e).__name__, tries=tries) from e
            verdict = judge(response)
            if verdict is None:
                return tries
            retry, reason = verdict
            if not retry:
                raise DeliveryError(reason, tries=tries)
            self._retry_after = _retry_after(response)
        raise DeliveryError(f"{reason} (after {tries} tries)", tries=tries)

    _retry_after: float | None = None

    def _delay(self, attempt: int, reason: str) -> float:
        asked, self._retry_after = self._retry_after, None
        wait = self.pacing.backoff * 2 ** (attempt - 1)
        return float(min(max(wait, asked or 0.0), 60.0))


def http_verdict(response: httpx.Response) -> Verdict | None:
    """What the HTTP status alone says: 2xx fine, 429 and 5xx again later, the rest no."""
    code = response.status_code
    if 200 <= code < 300:
        return None
    if code == 429 or code >= 500:
        return True, f"HTTP {code}"
    return False, f"HTTP {code}: {response.text[:200]}"


def json_of(response: httpx.Response) -> dict[str, Any]:
    try:
        found = response.json()
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after") or response.headers.get("x-ogw-ratelimit-reset")
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _said(e: Exception) -> str:
    return str(e).strip().splitlines()[0] if str(e).strip() else ""
