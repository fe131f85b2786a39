"""The handbook's words: chrome tables, SLAs and conditions in plain words, escaping, links."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup

from flowkit.lang.sla import Cadence, Cutoff, Deadline, Duration, Warn
from flowkit.model import Anchor, Sla, SlaOverride
from flowkit.render import gitinfo
from flowkit.render.conditions import plain_condition
from flowkit.render.links import Links
from flowkit.render.slatext import sla_text
from flowkit.render.templating import md_cell, md_code, md_text
from flowkit.render.words import LANGS, Lang, check_lang, words
from tests.render.handbook_help import shipped_one

STANDARD = shipped_one("standard-sales")


def test_both_languages_have_every_word() -> None:
    assert LANGS == ("zh-CN", "en")
    assert set(words("zh-CN")) == set(words("en"))
    for lang in LANGS:
        assert [k for k, v in words(lang).items() if not v.strip(" ")] == [], lang


def test_unknown_language_is_refused() -> None:
    assert check_lang("en") == "en"
    with pytest.raises(ValueError, match="zh-CN, en"):
        check_lang("zh-TW")


def _plain(sla: Sla, lang: Lang) -> tuple[str, ...]:
    return sla_text(sla, STANDARD, lang, words(lang)).parts


HOURS_24 = Deadline(Duration(24, "hour"))
DAYS_3_BUSINESS = Deadline(Duration(3, "day", business=True))
FROM_DELIVERY = Deadline(Duration(30, "day"), anchor="交付")
DELIVERED = Anchor("交付", "event", "delivered")


@pytest.mark.parametrize(
    ("sla", "zh", "en"),
    [
        (
            Sla("24小时内", deadline=HOURS_24),
            "进入本环节后24小时内完成",
            "within 24 hours of entering this step",
        ),
        (
            Sla("3个工作日", deadline=DAYS_3_BUSINESS),
            "进入本环节后3个工作日内完成（按 cn 工作日历）",
            "within 3 business days of entering this step (cn calendar)",
        ),
        (
            Sla("交付后30天内", deadline=FROM_DELIVERY, anchor=DELIVERED),
            "交付后30天内完成",
            "within 30 days from 交付",
        ),
        (
            Sla("每周2次上门拜访", cadence=Cadence(2, "week", "visit")),
            "每周至少2次拜访",
            "at least 2 visits per week",
        ),
        (
            Sla("每月1次电话", cadence=Cadence(1, "month", "phone")),
            "每月至少1次电话",
            "at least 1 call per month",
        ),
        (Sla("每日", cadence=Cadence(1, "day")), "每日至少1次跟进", "at least 1 follow-up per day"),
        (Sla("持续进行", ongoing=True), "持续进行", "ongoing"),
        (
            Sla("当天12点前", deadline=Deadline(Cutoff("workday", 0, 720))),
            "进入本环节当天12:00前完成（已过该时刻或在非工作时间进入本环节的，顺延至下一个工作日）"
            "（按 cn 工作日历）",
            "by 12:00 on the working day of entering this step (after that, or outside working "
            "hours, the next working day) (cn calendar)",
        ),
        (
            Sla("次日下班前", deadline=Deadline(Cutoff("workday", 1))),
            "进入本环节后的下一个工作日下班前完成（按 cn 工作日历）",
            "by the close of work on the next working day after entering this step (cn calendar)",
        ),
        (
            Sla("T+3", deadline=Deadline(Cutoff("workday", 3))),
            "进入本环节后第3个工作日下班前完成（T+3）（按 cn 工作日历）",
            "by the close of work on working day 3 after entering this step (T+3) (cn calendar)",
        ),
        (
            Sla(
                "交付后3个自然日内", deadline=Deadline(Cutoff("calendar_day", 3)), anchor=DELIVERED
            ),
            "交付后3个自然日内完成，含节假日（截至最后一天24:00）",
            "within 3 calendar days of 交付, holidays included (until 24:00 of the last)",
        ),
        (
            Sla("月底前", deadline=Deadline(Cutoff("period_end", period="month"))),
            "进入本环节当月的最后一个工作日下班前完成（按 cn 工作日历）",
            "by the close of the last working day of the month of entering this step (cn calendar)",
        ),
        (
            Sla("本周五前", deadline=Deadline(Cutoff("period_end", period="week", weekday=4))),
            "进入本环节当周的周五下班前完成（遇休息日提前到前一个工作日）（按 cn 工作日历）",
            "by the close of Friday in the week of entering this step (a day off moves to the "
            "working day before) (cn calendar)",
        ),
        (
            Sla("每两周1次", cadence=Cadence(1, "week", every=2)),
            "每2周至少1次跟进",
            "at least 1 follow-up every 2 weeks",
        ),
        (
            Sla("每年1次拜访", cadence=Cadence(1, "month", "visit", every=12)),
            "每年至少1次拜访",
            "at least 1 visit per year",
        ),
        (
            Sla("每周1-2次拜访", cadence=Cadence(1, "week", "visit", target=2)),
            "每周至少1次拜访（目标2次）",
            "at least 1 visit per week (aim for 2)",
        ),
        (
            Sla("每月初", cadence=Cadence(1, "month", window=3)),
            "每月前3个工作日内至少1次跟进",
            "at least 1 follow-up in the first 3 working days of each month",
        ),
        (
            Sla("每自然周2次电话", cadence=Cadence(2, "week", "phone", aligned=True)),
            "每自然周至少2次电话",
            "at least 2 calls per calendar week",
        ),
        (
            Sla("半天", deadline=Deadline(Duration(1, "halfday", True))),
            "进入本环节后半个工作日内完成（按 cn 工作日历）",
            "within half a business day of entering this step (cn calendar)",
        ),
    ],
)
def test_sla_in_plain_words(sla: Sla, zh: str, en: str) -> None:
    assert _plain(sla, "zh-CN") == (zh,)
    assert _plain(sla, "en") == (en,)


def test_warnings_in_plain_words() -> None:
    before = Sla("24小时内", deadline=HOURS_24, warn=Warn(before=Duration(4, "hour")))
    share = Sla("24小时内", deadline=HOURS_24, warn=Warn(percent=80))
    assert _plain(before, "zh-CN")[1] == "到期前4小时预警"
    assert _plain(before, "en")[1] == "warn 4 hours before the deadline"
    assert _plain(share, "zh-CN")[1] == "时限过去80%时预警"
    assert _plain(share, "en")[1] == "warn at 80% of the time"


def test_an_anchor_on_a_node_is_named_by_the_node() -> None:
    process = shipped_one("complaint-handling")
    revisit = process.node_by_id["revisit"]
    assert revisit.sla is not None
    assert sla_text(revisit.sla, process, "zh-CN", words("zh-CN")).parts == ("方案确认后7天内完成",)
    assert sla_text(revisit.sla, process, "en", words("en")).parts == (
        "within 7 days from 方案确认",
    )


def test_overrides_say_when_they_apply_and_what_changes() -> None:
    node = STANDARD.node_by_id["opportunity_followup"]
    assert node.sla is not None
    first, second = sla_text(node.sla, STANDARD, "zh-CN", words("zh-CN")).overrides
    assert (first.label, first.condition, first.parts) == (
        "小客户缩短跟进周期",
        "客户规模 = 个体工商户",
        ("进入本环节后14天内完成",),
    )
    assert first.condition_source == "segment == 'individual'"
    assert (second.condition, second.parts) == ("客户等级 = A", ("每周至少3次拜访",))
    english = sla_text(node.sla, STANDARD, "en", words("en")).overrides[1]
    assert english.parts == ("at least 3 visits per week",)


def test_an_override_without_label_still_has_its_condition() -> None:
    when = STANDARD.node_by_id["approval_route"].routes[0].when
    sla = Sla("3个工作日", deadline=DAYS_3_BUSINESS, overrides=(SlaOverride(when, warn=Warn(50)),))
    (override,) = sla_text(sla, STANDARD, "zh-CN", words("zh-CN")).overrides
    assert (override.label, override.condition, override.parts) == (
        "",
        "合同金额 < 100000元",
        ("时限过去50%时预警",),
    )


@pytest.mark.parametrize(
    ("condition", "zh", "en"),
    [
        ("amount < 100000", "合同金额 < 100000元", "合同金额 < 100000元"),
        ("amount >= 100_000", "合同金额 ≥ 100000元", "合同金额 ≥ 100000元"),
        ("segment == 'large'", "客户规模 = 大型企业", "客户规模 = 大型企业"),
        ("grade != 'C'", "客户等级 ≠ C", "客户等级 ≠ C"),
        (
            "segment in ['large', 'sme']",
            "客户规模 属于 大型企业、中小企业",
            "客户规模 is one of 大型企业, 中小企业",
        ),
        (
            "grade == 'A' and (amount > 5 or segment == 'sme')",
            "客户等级 = A 且 (合同金额 > 5元 或 客户规模 = 中小企业)",
            "客户等级 = A and (合同金额 > 5元 or 客户规模 = 中小企业)",
        ),
        ("not (grade == 'A')", "非 客户等级 = A", "not 客户等级 = A"),
    ],
)
def test_conditions_in_plain_words(condition: str, zh: str, en: str) -> None:
    from flowkit.lang.expr import parse

    parsed = parse(condition)
    assert plain_condition(parsed, STANDARD, words("zh-CN")) == zh
    assert plain_condition(parsed, STANDARD, words("en")) == en


def test_markdown_escaping() -> None:
    assert md_text("<b>a</b> & *b* _c_ [d](e) `f` | ~g~") == (
        "&lt;b&gt;a&lt;/b&gt; &amp; \\*b\\* \\_c\\_ \\[d\\](e) \\`f\\` \\| \\~g\\~"
    )
    assert md_text(Markup("[ok](x.md)")) == "[ok](x.md)"  # already safe: left alone
    assert md_cell("一|二\n三") == "一\\|二<br>三"
    assert md_code("a`b") == "``a`b``"
    assert md_code("x|y") == "`x\\|y`"


@pytest.mark.parametrize(
    ("links", "call", "expected"),
    [
        (Links("index.html"), ("process", "standard-sales"), "processes/standard-sales.html"),
        (Links("processes/a.html"), ("process", "b"), "b.html"),
        (Links("processes/a.html"), ("node", "a", "collection"), "#collection"),
        (Links("processes/a.html"), ("node", "b", "x"), "b.html#x"),
        (Links("roles/r.html"), ("node", "b", "x"), "../processes/b.html#x"),
        (Links("roles/r.html"), ("page", "raci"), "../raci.html"),
        (Links("roles/r.md", "md"), ("role", "finance"), "finance.md"),
        (Links("manual.html", manual=True), ("node", "a", "x"), "#a.x"),
        (Links("manual.html", manual=True), ("process", "a"), "#process-a"),
        (Links("manual.html", manual=True), ("role", "sales"), "#role-sales"),
        (Links("manual.html", manual=True), ("page", "faq"), "#faq"),
        (Links("manual.html", manual=True), ("page", "index"), "index.html"),
        (Links("manual.html", manual=True), ("node_anchor", "a", "x"), "a.x"),
        (Links("processes/a.html"), ("node_anchor", "a", "x"), "x"),
    ],
)
def test_links(links: Links, call: tuple[str, ...], expected: str) -> None:
    name, *args = call
    assert getattr(links, name)(*args) == expected


def test_git_is_called_with_a_list_and_no_shell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "p.yaml"
    source.write_text("x", encoding="utf-8")
    seen: list[tuple[list[str], dict[str, Any]]] = []

    def fake_run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        seen.append((argv, kwargs))
        out = "sales/processes/\nabcdef012345\n" if "rev-parse" in argv else ""
        return subprocess.CompletedProcess(argv, 0, out, "")

    monkeypatch.setattr(gitinfo.subprocess, "run", fake_run)
    found = gitinfo.stamp(str(source), "1.0")  # named as the repository names it
    assert found == gitinfo.Stamp("sales/processes/p.yaml", "1.0", "abcdef012345")
    assert [argv for argv, _ in seen] == [
        ["git", "-C", str(tmp_path), "rev-parse", "--show-prefix", "--short=12", "HEAD"],
        ["git", "-C", str(tmp_path), "status", "--porcelain", "--", "p.yaml"],
    ]
    assert all(not kwargs.get("shell") for _, kwargs in seen)


def test_git_failures_read_as_not_in_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "p.yaml"
    source.write_text("x", encoding="utf-8")

    def no_git(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        raise FileNotFoundError("git")

    monkeypatch.setattr(gitinfo.subprocess, "run", no_git)
    assert gitinfo.stamp(str(source), "1.0") == gitinfo.Stamp("p.yaml", "1.0", None)
    assert gitinfo.stamp("", "1.0").commit is None
    assert gitinfo.stamp("<text>", "1.0").commit is None


def test_a_routine_says_who_owes_it() -> None:
    """线索获取's 每日更新 is the marketing team's, per person and working day (issue 16)."""
    node = STANDARD.node_by_id["lead_capture"]
    assert node.sla is not None and node.sla.routine
    zh = sla_text(node.sla, STANDARD, "zh-CN", words("zh-CN"), "marketing")
    assert zh.written == "每日更新"
    assert zh.parts == ("每日至少1次跟进", "由市场专员每人每个工作日完成，按人考核，不按商机计")
    en = sla_text(node.sla, STANDARD, "en", words("en"), "marketing")
    assert (
        en.parts[-1] == "owed by each person of 市场专员 on each working day, not per opportunity"
    )
