"""Messages: templates and values rendered in a language through the catalogue."""

from __future__ import annotations

import pickle
from datetime import datetime

import pytest

from flowkit import i18n
from flowkit.errors import ConflictError, Findings, FlowkitError, InputError, ValidationFailed
from flowkit.messages import Message, msg, nmsg, pmsg, term, words


def test_english_is_the_template_filled_in() -> None:
    said = msg("no opportunity {id}", id=7)
    assert said.text("en") == "no opportunity 7"
    assert str(said) == "no opportunity 7"
    assert said.text() == "no opportunity 7"  # English when no language is asked


def test_chinese_comes_from_the_catalogue() -> None:
    said = msg("error: {message}", message="x")
    assert said.text("zh-CN") == "错误：x"


def test_values_keep_their_format_spec() -> None:
    said = msg("error: {message}", message=1234567)
    assert msg("backed up to {target} ({size:,} bytes)", target="b", size=1234567).text() == (
        "backed up to b (1,234,567 bytes)"
    )
    assert said.text("zh-CN") == "错误：1234567"
    at = datetime(2026, 11, 30, 9, 5)
    assert msg("{when:%Y-%m-%d %H:%M}", when=at).text("en") == "2026-11-30 09:05"


def test_a_message_without_a_translation_is_its_english_msgid() -> None:
    """A message the catalogue does not hold (yet) still says something: its English."""
    said = msg("not in any catalogue: {what}", what="x")
    assert said.text("zh-CN") == "not in any catalogue: x"
    assert said.text("en") == "not in any catalogue: x"


def test_a_word_as_a_value_is_said_in_the_same_language() -> None:
    said = msg("error: {message}", message=term("won", "state"))
    assert said.text("en") == "error: won"
    assert said.text("zh-CN") == "错误：成交"
    nested = msg("error: {message}", message=msg("hint: {hint}", hint=term("lost", "state")))
    assert nested.text("zh-CN") == "错误：提示：丢单"


def test_a_list_is_joined_as_the_language_joins_lists() -> None:
    names = words(["amount", "segment"])
    assert names.text("en") == "amount, segment"
    assert names.text("zh-CN") == "amount、segment"
    states = words([term("won", "state"), term("lost", "state")])
    assert states.text("zh-CN") == "成交、丢单"
    assert str(states) == "won, lost"
    assert words(["有效", "无效"], sep=" | ").text("zh-CN") == "有效 | 无效"  # syntax, not prose
    assert not words([])


def test_a_list_inside_a_message() -> None:
    said = msg("error: {message}", message=words(["甲", term("won", "state")]))
    assert said.text("en") == "error: 甲, won"
    assert said.text("zh-CN") == "错误：甲、成交"


def test_plurals_follow_the_count() -> None:
    one = nmsg("wrote {n} file to {out}", "wrote {n} files to {out}", n=1, out="h")
    two = nmsg("wrote {n} file to {out}", "wrote {n} files to {out}", n=2, out="h")
    assert (one.text("en"), two.text("en")) == ("wrote 1 file to h", "wrote 2 files to h")
    days = Message("{n} business day", {"n": 2}, context="span", plural="{n} business days")
    assert (days.text("en"), days.text("zh-CN")) == ("2 business days", "2个工作日")
    assert Message(days.msgid, {"n": 1}, context="span", plural=days.plural).text("en") == (
        "1 business day"
    )


def test_a_context_tells_apart_one_english_word() -> None:
    assert pmsg("state", "won").text("zh-CN") == "成交"
    assert pmsg("customer stage", "won").text("zh-CN") == "成交客户"
    assert term("won", "customer stage").text("en") == "won"


def test_an_empty_message_is_empty_not_the_catalogue_header() -> None:
    assert Message("").text("zh-CN") == ""


def test_messages_compare_and_pickle_by_template_and_values() -> None:
    said = msg("unknown tag {tags}", tags=words(["甲"]))
    assert said == msg("unknown tag {tags}", tags=words(["甲"]))
    assert said != msg("unknown tag {tags}", tags=words(["乙"]))
    assert said != "unknown tag 甲"
    assert pickle.loads(pickle.dumps(said)) == said
    assert pickle.loads(pickle.dumps(term("won", "state"))) == term("won", "state")
    assert "unknown tag" in repr(said)


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="zh-CN, en"):
        msg("no opportunity {id}", id=1).text("fr")


def test_an_error_carries_its_message_and_says_it_in_english_by_default() -> None:
    error = InputError(msg("error: {message}", message=4), msg("hint: {hint}", hint="h"))
    assert str(error) == "error: 4"
    assert error.message == "error: 4"
    assert error.hint == "hint: h"
    assert error.text("zh-CN") == "错误：4"
    assert error.hint_text("zh-CN") == "提示：h"
    assert error.msg == msg("error: {message}", message=4)
    bare = ConflictError(msg("no opportunity {id}", id=1))
    assert bare.hint is None and bare.hint_text("zh-CN") is None


@pytest.mark.parametrize(
    "error",
    [
        InputError(msg("no opportunity {id}", id=2), msg("flowkit list shows them")),
        ValidationFailed(msg("no opportunity {id}", id=2), ("d",)),
        Findings(2),
    ],
)
def test_errors_pickle_whole(error: FlowkitError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert (str(copy), copy.msg, copy.hint_msg) == (str(error), error.msg, error.hint_msg)
    assert copy.exit_code == error.exit_code


def test_english_needs_no_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    """English is the msgid itself (the en catalogue translates nothing): saying a message
    in English loads no catalogue, so a command printing English imports no gettext."""

    def refuse(lang: str) -> None:
        raise AssertionError(f"the {lang} catalogue was loaded")

    monkeypatch.setattr("flowkit.i18n.translator", refuse)
    assert nmsg("wrote {n} file to {out}", "wrote {n} files to {out}", n=3, out="h").text() == (
        "wrote 3 files to h"
    )
    assert words([term("won", "state"), "x"]).text("en") == "won, x"
    monkeypatch.undo()
    assert i18n.translator("en").gettext("error: {message}") == "error: {message}"
