"""Messages: what flowkit says to people, kept as a template and its values until shown.

The library never builds a sentence: it raises `InputError(msg("no opportunity {id}", id=7))`
and returns `msg(...)` values, and whoever shows one (the CLI's error handler, a
confirmation, a web page) renders it with `.text(lang)` in the language its reader asked
for. The template is an English msgid of the language catalogue (`flowkit.i18n`); the values
are data (ids, names people typed, numbers, times) or, when they are words themselves (a
state, a list of names), values that are rendered in the same language: a `Message` (a
state's name is `term("won", "state")`) or `Words` (a list joined by the language's
separator, ", " in English and "、" in Chinese). `str()` of any of them is the English text,
so logs and tests that read it see what flowkit always printed.

Which language. A message is shown in the language asked for explicitly: a command's own
`--lang`, else `flowkit --lang`, else FLOWKIT_LANG. When none is given it is English
(`MESSAGE_LANG`), because English is what every error, warning and confirmation said
before the catalogue held them, and what people see must not change under them; the
labels of tables, pages and the handbook keep their own default, zh-CN
(`flowkit.i18n.DEFAULT_LANG`). docs/translating.md says the same for translators.

Marking. `msg`, `pmsg` (with a context) and `nmsg` (singular and plural by the count `n`)
are keywords of `pybabel extract` (scripts/i18n.sh passes them; the catalogue test extracts
with the same), so every template written as a literal in a call to them lands in the
catalogue. `term` is for a msgid chosen at run time from data, declared where its words are
(with `N_` or a `pgettext` call), and is not extracted.

Only `flowkit.i18n` is imported, when a message is first said in a language other than
English: `errors` imports this module, and `flowkit --help` must not pay for the catalogue's
imports. English needs no catalogue at all (the en catalogue translates nothing; a test
keeps it so), so a command that prints in English pays for no `gettext` import either.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Final

MESSAGE_LANG: Final = "en"  # the language of a message nobody asked a language for
LIST_SEPARATOR: Final = "list"  # the pgettext context of ", ", the separator of Words (、)
# The keywords `pybabel extract` reads messages from (its -k syntax), besides its defaults.
BABEL_KEYWORDS: Final = ("msg", "pmsg:1c,2", "nmsg:1,2")


class Message:
    """A template (an English msgid, optionally with a pgettext context and a plural) and
    the values of its `{named}` placeholders; `text(lang)` is the sentence.

    A plain class with slots: errors carry one, and importing `errors` must stay cheap."""

    __slots__ = ("context", "msgid", "params", "plural")

    def __init__(
        self,
        msgid: str,
        params: Mapping[str, object] | None = None,
        *,
        context: str | None = None,
        plural: str | None = None,
    ) -> None:
        self.msgid = msgid
        self.params: Mapping[str, object] = params or {}
        self.context = context
        self.plural = plural

    def text(self, lang: str = MESSAGE_LANG) -> str:
        """The message in `lang`, its values (words too) in the same language."""
        if not self.msgid:  # gettext's "" is the catalogue's header, never a message
            return ""
        template = self._template(lang)
        if not self.params:
            return template
        return template.format_map({k: shown(v, lang) for k, v in self.params.items()})

    def _template(self, lang: str) -> str:
        if self.plural is not None:
            n = self.params["n"]
            assert isinstance(n, int), "a plural message counts with an int `n`"
            if lang == MESSAGE_LANG:  # English is the msgid itself, by English's rule
                return self.msgid if n == 1 else self.plural
            from flowkit.i18n import translator

            t = translator(lang)
            if self.context is None:
                return t.ngettext(self.msgid, self.plural, n)
            return t.npgettext(self.context, self.msgid, self.plural, n)
        return _gettext(lang, self.context, self.msgid)

    def __str__(self) -> str:
        return self.text(MESSAGE_LANG)

    def __repr__(self) -> str:
        extra = "".join(
            f", {name}={value!r}"
            for name, value in (("context", self.context), ("plural", self.plural))
            if value is not None
        )
        return f"Message({self.msgid!r}, {dict(self.params)!r}{extra})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Message):
            return NotImplemented
        return self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]  # the values may be lists

    def _key(self) -> tuple[object, ...]:
        return (self.msgid, dict(self.params), self.context, self.plural)

    def __reduce__(self) -> tuple[object, ...]:
        return (_message, (self.msgid, dict(self.params), self.context, self.plural))


class Words:
    """Values shown as one list in a message: each rendered in the language (a Message
    among them too) and joined by the language's separator (", " / "、"), or by `sep` when
    the list is syntax rather than prose (" | " between the choices of an option)."""

    __slots__ = ("items", "sep")

    def __init__(self, items: Iterable[object], sep: str | None = None) -> None:
        self.items = tuple(items)
        self.sep = sep

    def text(self, lang: str = MESSAGE_LANG) -> str:
        sep = self.sep if self.sep is not None else _gettext(lang, LIST_SEPARATOR, ", ")
        return sep.join(str(shown(item, lang)) for item in self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __str__(self) -> str:
        return self.text(MESSAGE_LANG)

    def __repr__(self) -> str:
        return f"Words({list(self.items)!r}, sep={self.sep!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Words):
            return NotImplemented
        return (self.items, self.sep) == (other.items, other.sep)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[object, ...]:
        return (Words, (self.items, self.sep))


def msg(msgid: str, /, **params: object) -> Message:
    """A message: `msg("no opportunity {id}", id=7)`. Write the msgid as a literal here,
    so that `pybabel extract` finds it."""
    return Message(msgid, params)


def pmsg(context: str, msgid: str, /, **params: object) -> Message:
    """A message whose English words need a context to be translated right."""
    return Message(msgid, params, context=context)


def nmsg(singular: str, plural: str, /, n: int, **params: object) -> Message:
    """A message with a singular and a plural, chosen by the count `n` (also `{n}`)."""
    return Message(singular, {"n": n, **params}, plural=plural)


def term(code: str, context: str | None = None) -> Message:
    """A word chosen at run time from data (a state, a stage, a kind): `term("won",
    "state")`. Not extracted: the msgid is declared where the words are (`N_`, pgettext)."""
    return Message(code, context=context)


def words(items: Iterable[object], sep: str | None = None) -> Words:
    """`items` as one list value of a message (see `Words`)."""
    return Words(items, sep)


def first_lines(items: Sequence[object], limit: int) -> Words:
    """Lines of a message (problems, one a line, indented by two spaces), the first
    `limit` of them and then how many more."""
    kept: list[object] = list(items[:limit])
    if len(items) > limit:
        kept.append(msg("... and {n} more", n=len(items) - limit))
    return Words(kept, "\n  ")


def shown(value: object, lang: str = MESSAGE_LANG) -> object:
    """A value as a message shows it in `lang`: words rendered, data as it is (so that a
    placeholder's format spec, `{size:,}` or `{due:%Y-%m-%d}`, still applies)."""
    if isinstance(value, Message | Words):
        return value.text(lang)
    return value


def _gettext(lang: str, context: str | None, msgid: str) -> str:
    if lang == MESSAGE_LANG:  # the en catalogue translates nothing: no need to load it
        return msgid
    from flowkit.i18n import translator

    t = translator(lang)
    return t.gettext(msgid) if context is None else t.pgettext(context, msgid)


def _message(
    msgid: str, params: dict[str, object], context: str | None, plural: str | None
) -> Message:
    return Message(msgid, params, context=context, plural=plural)
