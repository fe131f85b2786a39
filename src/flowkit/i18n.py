"""The language catalogue: every word flowkit shows people, one gettext catalogue per language.

Code writes each message in English (the msgid, with a `pgettext` context where one English
word needs two translations: a process's "Owner" is 流程负责人, an opportunity's 负责人);
`locale/<lang>/LC_MESSAGES/flowkit.po` holds the translations and the compiled `.mo` beside
it is what runs. The catalogues are managed with Babel (`scripts/i18n.sh` extracts, updates
and compiles; see docs/translating.md), but only the standard library's `gettext` is imported
here: a command pays a few milliseconds for its words, never Babel's import.

A message that has no translation falls back to its English msgid, which is what `en`
shows; a test keeps every label of the zh-CN catalogue translated.

Which language: the one asked for explicitly (a command's own --lang, else flowkit --lang,
else FLOWKIT_LANG); when none is, labels, tables and the handbook are zh-CN (`DEFAULT_LANG`)
and messages (errors, hints, warnings, confirmations: `flowkit.messages`) are English, as
they were before they were catalogued. docs/translating.md says how to add a message.

This module sits at the bottom of the layout (like `errors.py`): calendar explanations,
customer grading, the handbook, output tables and the CLI all ask it for words, and it
imports nothing of flowkit.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal, get_args

if TYPE_CHECKING:
    import gettext

Lang = Literal["zh-CN", "en"]
LANGS: Final[tuple[Lang, ...]] = get_args(Lang)
DEFAULT_LANG: Final[Lang] = "zh-CN"
DOMAIN: Final = "flowkit"
LOCALE_DIR: Final = Path(__file__).parent / "locale"


def check_lang(lang: str) -> Lang:
    """`lang` as a known language, or ValueError naming the ones there are."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    return lang


@cache
def translator(lang: str) -> gettext.NullTranslations:
    """The catalogue of `lang` (zh-CN or en), loaded once per process.

    A missing compiled catalogue is an installation fault, not a reason to print English
    in place of Chinese: it raises, naming the command that builds it.
    """
    import gettext  # here, so importing this module for `Lang` costs nothing

    code = check_lang(lang).replace("-", "_")
    try:
        return gettext.translation(DOMAIN, LOCALE_DIR, languages=[code])
    except FileNotFoundError as e:
        raise RuntimeError(
            f"the {lang} catalogue {LOCALE_DIR / code / 'LC_MESSAGES' / DOMAIN}.mo is missing: "
            "run `bash scripts/i18n.sh compile`"
        ) from e


def _(message: str, lang: str = DEFAULT_LANG) -> str:
    """`message` (an English msgid) in `lang`."""
    return translator(lang).gettext(message)


def ngettext(singular: str, plural: str, n: int, lang: str = DEFAULT_LANG) -> str:
    """The singular or plural message for `n`, in `lang`, by its catalogue's plural rule."""
    return translator(lang).ngettext(singular, plural, n)


def pgettext(context: str, message: str, lang: str = DEFAULT_LANG) -> str:
    """`message` in `lang`, where `context` tells apart one English word's meanings."""
    return translator(lang).pgettext(context, message)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; it is translated where shown."""
    return message
