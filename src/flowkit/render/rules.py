"""The customer rules (customers.yaml) as the handbook shows them to new hires: what a
complete 客户档案 holds, the tag vocabulary, the 分级标准 and 维护策略 of each grade, and the
upkeep rules — the template's 客户分级分类表 and 档案更新规则, from the file in git.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flowkit.lang.sla import describe
from flowkit.model.customer import CustomerRules, profile_labels
from flowkit.render.conditions import plain_rule
from flowkit.render.words import Lang, words


@dataclass(frozen=True)
class GradeView:
    grade: str
    label: str  # 分级标准 in words, as the rules file writes it
    condition: str  # the condition in plain words; "" for the default grade
    text: str  # the condition exactly as written


@dataclass(frozen=True)
class KeepView:
    grade: str
    cadence: str  # 每月1次拜访
    lane: str  # who follows up, by the lane's name
    action: str  # 维护策略


@dataclass(frozen=True)
class RulesView:
    name: str
    source: str
    required: tuple[str, ...]  # by label: 客户名称, 所属行业 …
    tags: tuple[str, ...]
    grades: tuple[GradeView, ...]
    keeps: tuple[KeepView, ...]
    follow_up_within: str  # 24小时内, or ""
    review: str  # 每季度1次, or ""


def rules_view(rules: CustomerRules, lanes: Mapping[str, str], lang: Lang) -> RulesView:
    """`lanes` names lane ids (consultant → 销售顾问) as the processes declare them."""
    w = words(lang)
    fields = tuple(rules.condition_fields.values())
    return RulesView(
        rules.name or w["rules_heading"],
        rules.source,
        tuple(_label(rules, key, lang) for key in rules.required),
        rules.tags,
        tuple(
            GradeView(
                g.grade,
                g.label,
                plain_rule(g.when, fields, w) if g.when is not None else "",
                g.when.text if g.when is not None else "",
            )
            for g in rules.grades
        ),
        tuple(
            KeepView(m.grade, m.text, lanes.get(m.lane or "", m.lane or ""), m.action)
            for m in rules.maintenance
        ),
        describe(rules.follow_up_within, lang) if rules.follow_up_within else "",
        describe(rules.review, lang) if rules.review else "",
    )


def _label(rules: CustomerRules, key: str, lang: Lang) -> str:
    """A required key's name: a rules field by the label it declares, a standard profile
    key by its name in `lang`."""
    found = next((f for f in rules.fields if f.id == key), None)
    if found is not None:
        return found.label or key
    return profile_labels(lang).get(key, key)
