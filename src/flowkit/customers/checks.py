"""Value formats of the customer tables: each check normalises one cell or says how to fix it.

Every function takes the text as a person typed it and returns the one form flowkit keeps
(11-digit mobiles, lower-case emails, `date`s, grade letters, model keys), or raises
`FormatError` (both an `InputError` and a `ValueError`) whose message is about the value
alone; the caller adds where it was.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from flowkit.errors import InputError
from flowkit.lang import times
from flowkit.messages import msg, words
from flowkit.model.customer import (
    FOLLOW_UP_NAMES,
    FOLLOW_UP_WORDS,
    SIZE_NAMES,
    STAGE_NAMES,
    CustomerRules,
    SizeClass,
    Stage,
)

_SEPARATORS = re.compile(r"[\s\-‐‑–—()]+")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_COUNTRY = re.compile(r"^(?:\+|00)?86")
_LANDLINE_COUNTRY = re.compile(r"^(?:\+|00)86[\s\-]*0?")
# area code (3 digits for 010 and 02x, 4 otherwise), local number, optional extension
_LANDLINE = re.compile(
    r"\(?(0(?:10|2\d|[3-9]\d{2}))\)?[\s\-‐]*(\d{3,4}[\s\-‐]?\d{4})"
    r"(?:\s*(?:-|—|转|分机|ext\.?|x|#)\s*(\d{1,6}))?",
    re.IGNORECASE,
)
_EMAIL = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)
_GRADE = re.compile(r"([A-Za-z])\s*[级類类]?")
METHODS = FOLLOW_UP_WORDS  # 跟进方式 as written -> FollowUp.method
METHOD_NAMES = FOLLOW_UP_NAMES
_SIZES: tuple[SizeClass, ...] = ("large", "sme", "individual")
_STAGES: tuple[Stage, ...] = ("potential", "intent", "won", "lost")
_SIZE_WORDS = {word: s for s in _SIZES for word in (s, SIZE_NAMES[s])}
_STAGE_WORDS = {word: s for s in _STAGES for word in (s, STAGE_NAMES[s], STAGE_NAMES[s][:-2])}


class FormatError(InputError, ValueError):
    """A value not in its format; an InputError for the CLI, a ValueError for parsers."""


def parse_mobile(text: str) -> str:
    """A Chinese mobile number: spaces, dashes and a +86 prefix allowed; 11 digits out."""
    digits = _COUNTRY.sub("", _SEPARATORS.sub("", _half(text)))
    if _MOBILE.fullmatch(digits):
        return digits
    raise FormatError(
        msg(
            "'{text}' is not a mobile number: 11 digits starting with 13 to 19, like 13812345678",
            text=text,
        )
    )


def parse_landline(text: str) -> str:
    """A landline with its area code: 010-12345678, 0571-8888888, 021-12345678-801."""
    match = _LANDLINE.fullmatch(_LANDLINE_COUNTRY.sub("0", _half(text)))
    if match is None:
        raise FormatError(
            msg(
                "'{text}' is not a landline number with its area code, "
                "like 010-12345678 or 0571-8888888-801",
                text=text,
            )
        )
    area, local, extension = match.groups()
    local = re.sub(r"\D", "", local)
    return f"{area}-{local}" + (f"-{extension}" if extension else "")


def parse_phone(text: str) -> str:
    """A mobile (normalised to 11 digits) or a landline (normalised to 010-12345678)."""
    try:
        return parse_mobile(text)
    except FormatError:
        pass
    try:
        return parse_landline(text)
    except FormatError:
        raise FormatError(
            msg(
                "'{text}' is neither a mobile number (13812345678) "
                "nor a landline with its area code (010-12345678)",
                text=text,
            )
        ) from None


def parse_email(text: str) -> str:
    """An email address, in lower case."""
    lowered = _half(text).lower()
    if _EMAIL.fullmatch(lowered):
        return lowered
    raise FormatError(msg("'{text}' is not an email address like zhang.wei@example.com", text=text))


def parse_date(text: str) -> date:
    """A date in any spelling flowkit reads (`flowkit.lang.times`): 2023-10-15, 2023/10/15,
    2023.10.15 or 2023年10月15日."""
    try:
        return times.parse_date(text)
    except InputError as e:
        raise FormatError(e.msg) from None


def parse_datetime(text: str) -> datetime:
    """A date as `parse_date` reads it, optionally followed by a time (15:00, 15:00:30) and
    an offset: naive unless the offset is written, for the caller to put in its zone."""
    try:
        return times.parse_written(text)
    except InputError as e:
        raise FormatError(e.msg) from None


def parse_grade(text: str) -> str:
    """A grade letter from A级, A类 or A (any case): 'A'."""
    match = _GRADE.fullmatch(_half(text))
    if match is None:
        raise FormatError(msg("'{text}' is not a grade like A级 or A", text=text))
    return match.group(1).upper()


def parse_potential(text: str) -> str:
    """合作潜力 as the word 客户分级分类表 puts before 潜力: 高潜力 -> 高, 高 -> 高.

    The table writes the word with the suffix, so a profile that kept 高潜力 would
    export as 高潜力潜力; a lone 潜力 has no word before it and is kept as typed.
    """
    word = text.strip()
    if len(word) > 2 and word.endswith(("潜力", "潛力")):
        return word[:-2].strip()
    return word


def parse_size(text: str) -> SizeClass:
    """客户规模分类 by its Chinese name or its key: 大型企业 or large."""
    size = _SIZE_WORDS.get(text.strip().lower())
    if size is not None:
        return size
    names = words(SIZE_NAMES.values(), sep="、")
    raise FormatError(
        msg("'{text}' is not a customer size class ({names})", text=text, names=names)
    )


def parse_stage(text: str) -> Stage:
    """合作阶段 by its Chinese name or its key: 意向客户, 意向 or intent."""
    stage = _STAGE_WORDS.get(text.strip().lower())
    if stage is not None:
        return stage
    names = words(STAGE_NAMES.values(), sep="、")
    raise FormatError(msg("'{text}' is not a cooperation stage ({names})", text=text, names=names))


@dataclass(frozen=True)
class Methods:
    """The follow-up methods (跟进方式) a team uses: the built-in phone, visit, email and
    other, and those its customers.yaml declares (`methods:`, 微信 in the shipped rules)."""

    names: Mapping[str, str]  # id -> the word the tables write: phone -> 电话
    words: Mapping[str, str]  # each word read, in lower case -> id: 电话拜访 -> phone

    def parse(self, text: str) -> str:
        """跟进方式 as a method id, from its id, name or another word for it (拜访, 邮件沟通)."""
        method = self.words.get(unicodedata.normalize("NFKC", text).strip().lower())
        if method is None:
            raise FormatError(
                msg(
                    "'{text}' is not a follow-up method ({names}); another is declared under "
                    "methods: in customers.yaml",
                    text=text,
                    names=words(self.names.values(), sep="、"),
                ),
                msg("use 其他 for anything else and say how in the content"),
            )
        return method

    def name(self, method: str) -> str:
        """The word the tables write for a method id (电话 for phone; the id if unknown)."""
        return self.names.get(method, method)


BUILT_IN = Methods(METHOD_NAMES, METHODS)


def methods_of(rules: CustomerRules) -> Methods:
    """The built-in methods and those the rules declare (a built-in id declared again gets
    the rules' name and more words)."""
    if not rules.methods:
        return BUILT_IN
    names, read = dict(METHOD_NAMES), dict(METHODS)
    for method in rules.methods:
        names[method.id] = method.label
        for word in (method.id, method.label, *method.aliases):
            read[unicodedata.normalize("NFKC", word).strip().lower()] = method.id
    return Methods(names, read)


def parse_method(text: str, methods: Methods = BUILT_IN) -> str:
    """跟进方式: phone, visit, email or other, from 电话, 拜访, 邮件沟通, 其他 ..."""
    return methods.parse(text)


def _half(text: str) -> str:
    """Full-width digits, letters and brackets as their ASCII selves (１３８ -> 138)."""
    return unicodedata.normalize("NFKC", text).strip()


FOLLOW_UP_METHODS = ("phone", "visit", "email", "other")  # FollowUp.method, as stored


def check_follow_up(method: str, content: str, methods: Methods = BUILT_IN) -> str:
    """A follow-up names a known method and says what happened; the method's id. The
    method is named by its id or as the tables name it (微信, 电话, 上门拜访): a person
    types what the team says."""
    found = method if method in methods.names else methods.words.get(_half(method).lower())
    if found is None:
        raise InputError(
            msg(
                "method is one of {methods}, not {method!r}",
                methods=words(methods.names),
                method=method,
            )
        )
    if not content.strip():
        raise InputError(msg("a follow-up needs its content (--content)"))
    return found
