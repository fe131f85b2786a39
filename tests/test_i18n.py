"""The language catalogue: in step with the code, translated, compiled, and what it gives."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from flowkit import i18n
from flowkit.i18n import translator
from flowkit.messages import BABEL_KEYWORDS
from flowkit.model.customer import PROFILE_LABELS, SIZE_NAMES, STAGE_NAMES, profile_labels
from flowkit.output.customers import size_names, stage_names

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src" / "flowkit" / "locale"
LANGS = ("zh_CN", "en")
PLACEHOLDER = re.compile(r"\{[a-z_]*(?:![rsa])?(?::[^{}]*)?\}")  # {id}, {text!r}, {size:,}


def used_messages() -> set[tuple[str | None, str]]:
    """(context, msgid) of every message of the code and the templates, as
    `bash scripts/i18n.sh extract` finds them."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {**DEFAULT_KEYWORDS, **parse_keywords(list(BABEL_KEYWORDS))}
    return {
        (context, message[0] if isinstance(message, tuple) else message)
        for _file, _line, message, _comments, context in extract_from_dir(
            ROOT / "src" / "flowkit", method_map, options_map, keywords=keywords
        )
    }


def _catalog(lang: str) -> Catalog:
    with (LOCALE / lang / "LC_MESSAGES" / "flowkit.po").open("rb") as f:
        return read_po(f, locale=lang)


def _keys(catalog: Catalog) -> set[tuple[str | None, str]]:
    return {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in catalog if m.id}


def test_every_message_of_the_code_is_in_each_catalogue_and_no_other() -> None:
    """`bash scripts/i18n.sh` was run after the last change of a message."""
    used = used_messages()
    assert len(used) > 300
    for lang in LANGS:
        held = _keys(_catalog(lang))
        assert sorted(used - held, key=str) == [], f"{lang}: not in the catalogue"
        assert sorted(held - used, key=str) == [], f"{lang}: no longer used"


def test_the_script_extracts_with_the_keywords_of_flowkit_messages() -> None:
    script = (ROOT / "scripts" / "i18n.sh").read_text(encoding="utf-8")
    flags = re.search(r"^keywords=\((.*)\)$", script, re.MULTILINE)
    assert flags is not None
    assert flags.group(1).split() == [part for k in BABEL_KEYWORDS for part in ("-k", k)]


def test_every_message_has_its_chinese_and_keeps_its_placeholders() -> None:
    for m in _catalog("zh_CN"):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        assert all(strings) and not m.fuzzy, f"untranslated: {ids[0]!r}"
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == wanted, ids[0]


def test_english_is_the_code_itself() -> None:
    """msgids are English: the en catalogue translates nothing, so it cannot drift."""
    for m in _catalog("en"):
        if m.id:
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            assert not any(strings), m.id


@pytest.mark.parametrize("lang", LANGS)
def test_the_compiled_catalogues_are_those_of_the_po_files(lang: str) -> None:
    """The .mo files are committed (a fresh clone and `pip install` work without Babel):
    they must be exactly what `bash scripts/i18n.sh compile` makes of the .po files."""
    compiled = io.BytesIO()
    write_mo(compiled, _catalog(lang))
    assert (LOCALE / lang / "LC_MESSAGES" / "flowkit.mo").read_bytes() == compiled.getvalue()


def test_the_model_names_are_the_chinese_of_the_catalogue() -> None:
    """The template's Chinese names stay in the model for the spreadsheets and the input
    spellings they accept; what people read comes from the catalogue: the two agree."""
    assert stage_names("zh-CN") == dict(STAGE_NAMES)
    assert size_names("zh-CN") == dict(SIZE_NAMES)
    assert profile_labels("zh-CN") == dict(PROFILE_LABELS)
    assert stage_names("en") == {code: code for code in STAGE_NAMES}
    assert set(profile_labels("en")) == set(PROFILE_LABELS)


def test_words_in_each_language() -> None:
    assert translator("zh-CN").pgettext("state", "won") == "成交"
    assert translator("en").pgettext("state", "won") == "won"
    assert i18n.pgettext("customer stage", "won") == "成交客户"  # zh-CN by default
    assert i18n._("Sales Process Handbook", "en") == "Sales Process Handbook"
    assert i18n.ngettext("{n} business day", "{n} business days", 2, "en") == "{n} business days"
    assert translator("zh-CN").npgettext("span", "{n} business day", "{n} business days", 1) == (
        "{n}个工作日"
    )


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="zh-CN, en"):
        translator("fr")


def test_a_missing_catalogue_is_an_error_not_english(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    translator.cache_clear()
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    try:
        with pytest.raises(RuntimeError, match=r"scripts/i18n\.sh compile"):
            translator("zh-CN")
    finally:
        monkeypatch.undo()
        translator.cache_clear()
    assert translator("zh-CN").gettext("yes") == "是"
