"""Reading SLA text: the public parse functions.

The text is normalised, split into parts where a phrase allows it, and each part read by
the first kind of its registry that matches in full; when none does, `explain` says why.
"""

from __future__ import annotations

from typing import Final, TypeVar

from flowkit.lang.sla.builders import Hit
from flowkit.lang.sla.explain import (
    CADENCE_CTX,
    DURATION_CTX,
    PHRASE_CTX,
    WARN_CTX,
    Context,
    Span,
    diagnose,
)
from flowkit.lang.sla.forms import (
    CADENCE_KINDS,
    DURATION_KINDS,
    PHRASE_KINDS,
    WARN_KINDS,
    Kind,
)
from flowkit.lang.sla.terms import Cadence, Duration, Phrase, SlaSyntaxError, Warn
from flowkit.lang.sla.words import normalise

T = TypeVar("T")


_MAX_LENGTH: Final = 500


def _prepare(text: str, ctx: Context) -> str:
    """The normalised text, after refusing what no kind could hold."""
    if not isinstance(text, str):
        raise SlaSyntaxError(f"the {ctx.label} must be text, not {type(text).__name__}")
    if not text.strip():
        raise SlaSyntaxError(f"the {ctx.label} is empty; {ctx.examples}", 0)
    if len(text) > _MAX_LENGTH:
        raise SlaSyntaxError(
            f"the {ctx.label} is {len(text)} characters long; keep it under {_MAX_LENGTH} "
            "and put explanations in the node's notes",
            _MAX_LENGTH,
        )
    return normalise(text)


def _read(kinds: tuple[Kind[T], ...], span: Span, ctx: Context) -> T:
    for kind in kinds:
        m = kind.pattern.fullmatch(span.norm, span.start, span.end)
        if m is not None:
            return kind.build(Hit(m, span.text))
    raise diagnose(span, ctx)


def _read_whole(text: str, kinds: tuple[Kind[T], ...], ctx: Context) -> T:
    norm = _prepare(text, ctx)
    return _read(kinds, Span(text, norm, 0, len(norm)), ctx)


def _parts(text: str, norm: str) -> list[Span]:
    """A phrase may combine parts with ',' or ';' (or ，；、): `持续进行，每周2次拜访`."""
    spans, start = [], 0
    for i, ch in enumerate(norm):
        if ch in ",;":
            spans.append(Span(text, norm, start, i))
            start = i + 1
    spans.append(Span(text, norm, start, len(norm)))
    return spans


def _empty_part(span: Span) -> SlaSyntaxError:
    at = span.end if span.end < len(span.text) else span.start - 1
    return SlaSyntaxError(f"empty part next to {span.text[at]!r}; remove the extra separator", at)


def _combine(acc: Phrase, part: Phrase, span: Span) -> Phrase:
    """Fold one part into the phrase so far; each aspect may be said once."""
    for said, what in (
        (acc.deadline and part.deadline, "one deadline; use `overrides` for other segments"),
        (acc.cadence and part.cadence, "one cadence"),
        (acc.ongoing and part.ongoing, "'ongoing' once"),
    ):
        if said:
            raise SlaSyntaxError(f"an SLA phrase holds at most {what}", span.first)
    deadline, ongoing = acc.deadline or part.deadline, acc.ongoing or part.ongoing
    if deadline and ongoing:
        raise SlaSyntaxError(
            "'ongoing' / '持续进行' means there is no deadline; keep one of the two", span.first
        )
    return Phrase(deadline, acc.cadence or part.cadence, ongoing)


def parse_phrase(text: str) -> Phrase:
    """Read an SLA phrase: a deadline, a cadence or ongoing, or parts of these joined by ','."""
    norm = _prepare(text, PHRASE_CTX)
    phrase = Phrase()
    for span in _parts(text, norm):
        if not span.shown:
            raise _empty_part(span)
        phrase = _combine(phrase, _read(PHRASE_KINDS, span, PHRASE_CTX), span)
    return phrase


def parse_duration(text: str) -> Duration:
    """Read a plain duration (`24h`, `3个工作日`); a 'within' / 内 wrapper is allowed."""
    return _read_whole(text, DURATION_KINDS, DURATION_CTX)


def parse_warn(text: str) -> Warn:
    """Read a warning threshold: `80%`, `4h before`, `提前4小时`."""
    return _read_whole(text, WARN_KINDS, WARN_CTX)


def parse_cadence(text: str) -> Cadence:
    """Read a follow-up cadence: `daily`, `2 visits per week`, `每周2次上门拜访`."""
    return _read_whole(text, CADENCE_KINDS, CADENCE_CTX)
