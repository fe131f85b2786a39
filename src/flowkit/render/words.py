"""The handbook's words that Python composes (SLA sentences, conditions, page titles), from
the language catalogue.

Process texts are written by ops leads in their own language; everything around them
(the 流程梳理表 column names, 试点, "R/C", the SLA sentences) comes from the catalogue
(`flowkit.i18n`), so a page reads in one language and a translation is a matter of one
.po file. The templates ask the catalogue themselves (Jinja2's i18n extension); the words
below are the ones Python puts together before a template sees them.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

from flowkit.i18n import DEFAULT_LANG, LANGS, Lang, check_lang, translator
from flowkit.lang.sla.terms import Cadence

if TYPE_CHECKING:
    from gettext import NullTranslations as Translator

__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "Lang",
    "cadence_text",
    "cadence_words",
    "check_lang",
    "document_title",
    "vocabulary",
    "words",
]

# The pages about all processes at once have these titles (key → the word on the page).
HEADINGS: Final = ("raci_heading", "documents_heading", "backlog_heading", "faq_heading")


@cache
def words(lang: Lang) -> Mapping[str, str]:
    """The handbook words Python needs, by key, in `lang`."""
    t = translator(lang)
    return MappingProxyType(
        {
            "handbook_title": t.gettext("Sales Process Handbook"),
            "nav_manual": t.gettext("Printable manual"),
            "role_title": t.gettext("Role"),
            "rules_heading": t.gettext("Customer profile rules"),
            "raci_heading": t.gettext("RACI matrix"),
            "documents_heading": t.gettext("Documents"),
            "backlog_heading": t.gettext("Improvement backlog"),
            "faq_heading": t.gettext("FAQ and exception guides"),
            "colon": t.pgettext("punctuation", ": "),
            "list_sep": t.pgettext("list", ", "),
            # SLA in plain words ({…} are filled in by slatext)
            "sla_ongoing": t.pgettext("sla", "ongoing"),
            "sla_from_entry": t.gettext("within {d} of entering this step"),
            "sla_from_anchor": t.gettext("within {d} from {anchor}"),
            "sla_calendar": t.gettext(" ({cal} calendar)"),
            # date-based deadlines (次日12点前, T+3, 3个自然日, 月底前); {when} is one of:
            "sla_when_entry": t.gettext("entering this step"),
            "sla_when_anchor": t.gettext("{anchor}"),
            "sla_cut_close": t.gettext("the close of work"),
            "sla_cut_same": t.gettext(
                "by {time} on the working day of {when} (after that, or outside working "
                "hours, the next working day)"
            ),
            "sla_cut_next": t.gettext("by {time} on the next working day after {when}"),
            "sla_cut_n": t.gettext("by {time} on working day {n} after {when} (T+{n})"),
            "sla_cut_calendar": t.gettext(
                "within {n} calendar days of {when}, holidays included (until 24:00 of the last)"
            ),
            "sla_cut_period": t.gettext(
                "by the close of the last working day of the {period} of {when}"
            ),
            "sla_cut_weekday": t.gettext(
                "by the close of {weekday} in the week of {when} (a day off moves to the "
                "working day before)"
            ),
            "period_week": t.pgettext("period of", "week"),
            "period_month": t.pgettext("period of", "month"),
            "period_quarter": t.pgettext("period of", "quarter"),
            "period_year": t.pgettext("period of", "year"),
            "weekday_0": t.pgettext("weekday", "Monday"),
            "weekday_1": t.pgettext("weekday", "Tuesday"),
            "weekday_2": t.pgettext("weekday", "Wednesday"),
            "weekday_3": t.pgettext("weekday", "Thursday"),
            "weekday_4": t.pgettext("weekday", "Friday"),
            "weekday_5": t.pgettext("weekday", "Saturday"),
            "weekday_6": t.pgettext("weekday", "Sunday"),
            # {percent} is "80%": a bare % beside "of" would read as a printf directive
            "sla_warn_percent": t.gettext("warn at {percent} of the time"),
            "sla_warn_before": t.gettext("warn {d} before the deadline"),
            # a routine of a role (per: lane | owner): who owes the cadence
            "sla_per_lane": t.gettext(
                "owed by each person of {lane}, once per period, not per opportunity"
            ),
            "sla_per_lane_daily": t.gettext(
                "owed by each person of {lane} on each working day, not per opportunity"
            ),
            "sla_per_owner": t.gettext(
                "owed by each owner of opportunities at this step, once per period, not per "
                "opportunity"
            ),
            # conditions in plain words
            "cond_and": t.pgettext("condition", " and "),
            "cond_or": t.pgettext("condition", " or "),
            "cond_not": t.pgettext("condition", "not "),
            "cond_in": t.pgettext("condition", " is one of "),
            "cond_not_in": t.pgettext("condition", " is none of "),
            "cond_true": t.gettext("yes"),
            "cond_false": t.gettext("no"),
        }
    )


def cadence_text(count: int, method: str, period: str, lang: Lang) -> str:
    """`at least 2 visits per week` / 每周至少2次拜访."""
    t = translator(lang)
    per = {
        "day": t.pgettext("period", "day"),
        "week": t.pgettext("period", "week"),
        "month": t.pgettext("period", "month"),
        "quarter": t.pgettext("period", "quarter"),
    }[period]
    if method == "visit":
        text = t.ngettext(
            "at least {count} visit per {period}", "at least {count} visits per {period}", count
        )
    elif method == "phone":
        text = t.ngettext(
            "at least {count} call per {period}", "at least {count} calls per {period}", count
        )
    elif method == "email":
        text = t.ngettext(
            "at least {count} email per {period}", "at least {count} emails per {period}", count
        )
    else:
        text = t.ngettext(
            "at least {count} follow-up per {period}",
            "at least {count} follow-ups per {period}",
            count,
        )
    return text.format(count=count, period=per)


def cadence_words(cadence: Cadence, lang: Lang) -> str:
    """A cadence in plain words, every form: `at least 1 follow-up every 2 weeks`,
    `每月前3个工作日内至少1次跟进`, `每周至少1次拜访（目标2次）`."""
    t = translator(lang)
    method = cadence.method or "other"
    plain = cadence.every == 1 and cadence.window is None and not cadence.aligned
    if plain:
        text = cadence_text(cadence.count, method, cadence.period, lang)
    else:
        text = t.gettext("at least {count} {what} {per}").format(
            count=cadence.count, what=_method_noun(t, method, cadence.count), per=_per(t, cadence)
        )
    if cadence.target is not None:
        text += t.gettext(" (aim for {target})").format(target=cadence.target)
    return text


def _per(t: Translator, c: Cadence) -> str:
    """every 2 weeks / 每2周, per year / 每年, per calendar week / 每自然周, in the first 3
    working days of each month / 每月前3个工作日内."""
    if c.window is not None:
        if c.period == "quarter":
            return t.gettext("in the first {n} working days of each quarter").format(n=c.window)
        return t.gettext("in the first {n} working days of each month").format(n=c.window)
    if c.aligned:
        return {
            "day": t.gettext("per calendar day"),
            "week": t.gettext("per calendar week"),
            "month": t.gettext("per calendar month"),
            "quarter": t.gettext("per calendar quarter"),
        }[c.period]
    if c.period == "month" and c.every % 12 == 0:
        years = c.every // 12
        return t.gettext("per year") if years == 1 else t.gettext("every {n} years").format(n=years)
    return {
        "day": t.gettext("every {n} days"),
        "week": t.gettext("every {n} weeks"),
        "month": t.gettext("every {n} months"),
        "quarter": t.gettext("every {n} quarters"),
    }[c.period].format(n=c.every)


def _method_noun(t: Translator, method: str, count: int) -> str:
    if method == "visit":
        return t.ngettext("visit", "visits", count)
    if method == "phone":
        return t.ngettext("call", "calls", count)
    if method == "email":
        return t.ngettext("email", "emails", count)
    return t.ngettext("follow-up", "follow-ups", count)


def document_title(name: str, lang: Lang) -> str:
    """A document's name punctuated as a title: 《客户需求调研表》 in Chinese."""
    return translator(lang).pgettext("document", "{name}").format(name=name)


@cache
def vocabulary(lang: Lang) -> Mapping[str, Mapping[str, str]]:
    """The words of the codes a page shows (a process's status, a node's type…), by code;
    the templates read them as `status_words[pv.status]` and the like."""
    t = translator(lang)
    return MappingProxyType(
        {
            "status_words": {
                "draft": t.pgettext("process status", "Draft"),
                "pilot": t.pgettext("process status", "Pilot"),
                "active": t.pgettext("process status", "Active"),
                "retired": t.pgettext("process status", "Retired"),
            },
            "type_words": {
                "task": t.pgettext("node type", "Task"),
                "decision": t.pgettext("node type", "Decision"),
                "start": t.pgettext("node type", "Start"),
                "end": t.pgettext("node type", "End"),
            },
            "pain_words": {
                "proposed": t.pgettext("pain point", "Proposed"),
                "adopted": t.pgettext("pain point", "Adopted"),
                "done": t.pgettext("pain point", "Done"),
            },
            "calendar_words": {
                "cn": t.gettext("China (public holidays and make-up working days)"),
                "weekdays": t.gettext("Monday to Friday"),
                "24x7": t.gettext("Around the clock (24x7)"),
            },
            "locale_words": {
                "zh-CN": t.gettext("Chinese (Simplified)"),
                "en": t.gettext("English"),
            },
        }
    )
