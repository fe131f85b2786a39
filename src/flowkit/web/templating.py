"""The pages' Jinja2 environment, one per language: autoescaped (a customer's name is text,
never markup), words from the language catalogue as the handbook's are, and the filters
that say times and lengths the way the CLI does."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from flowkit.i18n import LANGS, translator
from flowkit.output.tracking import local_time, show_words, span

TEMPLATES = Path(__file__).parent / "templates"


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translator(lang), newstyle=False)  # type: ignore[attr-defined]
    env.filters["when"] = _when
    env.filters["span"] = lambda delta, workday=None: span(delta, lang, workday)
    env.filters["word"] = lambda code: show_words(lang).get(str(code), str(code))
    env.filters["percent"] = _percent
    env.globals["lang"] = lang
    env.globals["langs"] = LANGS
    return env


def render(lang: str, name: str, **context: Any) -> str:
    return environment(lang).get_template(name).render(**context)


def _when(instant: datetime | None) -> str:
    return local_time(instant) if instant is not None else ""


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"
