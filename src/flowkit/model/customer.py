"""Customer profiles (客户档案) and the rules that keep them: immutable data.

Two halves, as in the template:
- the profile record of one customer (basic information, needs and traits, cooperation
  history, value assessment, classification), read from and written to the store and the
  template's Excel tables;
- `CustomerRules`, built from the rules file (`customers.yaml` beside the processes): the
  extra typed fields grading may test, the required fields (completeness), the tag
  vocabulary, ordered grading rules, the maintenance cadence per grade and the upkeep rules.
Follow-up records are not part of the record: they live in the store (the same ones
`flowkit log` writes on opportunities) and are read beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, cached_property
from typing import Any, Literal

from flowkit.diagnostics import Location
from flowkit.lang.expr import Condition, FieldType
from flowkit.lang.sla import Cadence, Duration
from flowkit.model.kpis import Kpis
from flowkit.model.process import Field, SpotKey, _loc, _spots

SizeClass = Literal["large", "sme", "individual"]  # 大型企业 / 中小企业 / 个体工商户
Stage = Literal["potential", "intent", "won", "lost"]  # 潜在 / 意向 / 成交 / 流失客户
SIZE_NAMES: Mapping[str, str] = {"large": "大型企业", "sme": "中小企业", "individual": "个体工商户"}
STAGE_NAMES: Mapping[str, str] = {
    "potential": "潜在客户",
    "intent": "意向客户",
    "won": "成交客户",
    "lost": "流失客户",
}
# The built-in follow-up methods (跟进方式): the name the tables write for each, and every
# word read as one; customers.yaml may declare more (`methods:`, `FollowUpMethod`).
FOLLOW_UP_NAMES: Mapping[str, str] = {
    "phone": "电话",
    "visit": "上门拜访",
    "email": "邮件",
    "other": "其他",
}
FOLLOW_UP_WORDS: Mapping[str, str] = {
    "电话": "phone",
    "电话拜访": "phone",
    "电话沟通": "phone",
    "phone": "phone",
    "call": "phone",
    "上门拜访": "visit",
    "拜访": "visit",
    "上门": "visit",
    "面谈": "visit",
    "visit": "visit",
    "邮件": "email",
    "邮件沟通": "email",
    "电子邮件": "email",
    "email": "email",
    "e-mail": "email",
    "其他": "other",
    "其它": "other",
    "other": "other",
}
# The display name of each standard profile key (the Customer field names).
PROFILE_LABELS: Mapping[str, str] = {
    "id": "客户编号",
    "name": "客户名称",
    "owner": "负责人",
    "industry": "所属行业",
    "employees": "员工数",
    "revenue_band": "年营收",
    "size": "企业规模",
    "address": "注册地址",
    "contacts": "联系人",
    "first_contact": "首次接触时间",
    "keywords": "需求关键词",
    "pain_points": "痛点",
    "needs": "采购需求",
    "budget": "预算范围",
    "stage": "客户阶段",
    "grade": "客户等级",
    "potential": "合作潜力",
    "tags": "客户标签",
    "orders": "历史订单",
    "payments": "付款记录",
    "after_sales": "售后记录",
    "notes": "备注",
}


@cache
def profile_labels(lang: str) -> dict[str, str]:
    """The display name of each standard profile key in `lang` (客户名称, 注册地址 …), from
    the language catalogue; in zh-CN they are `PROFILE_LABELS`, the template's own names."""
    from flowkit.i18n import translator  # words only when shown: the model loads fast

    t = translator(lang)
    return {
        "id": t.pgettext("profile field", "Customer ID"),
        "name": t.pgettext("profile field", "Customer name"),
        "owner": t.pgettext("profile field", "Owner"),
        "industry": t.pgettext("profile field", "Industry"),
        "employees": t.pgettext("profile field", "Employees"),
        "revenue_band": t.pgettext("profile field", "Annual revenue"),
        "size": t.pgettext("profile field", "Company size"),
        "address": t.pgettext("profile field", "Registered address"),
        "contacts": t.pgettext("profile field", "Contacts"),
        "first_contact": t.pgettext("profile field", "First contact"),
        "keywords": t.pgettext("profile field", "Need keywords"),
        "pain_points": t.pgettext("profile field", "Pain points"),
        "needs": t.pgettext("profile field", "Purchase needs"),
        "budget": t.pgettext("profile field", "Budget range"),
        "stage": t.pgettext("profile field", "Customer stage"),
        "grade": t.pgettext("profile field", "Customer grade"),
        "potential": t.pgettext("profile field", "Potential"),
        "tags": t.pgettext("profile field", "Customer tags"),
        "orders": t.pgettext("profile field", "Order history"),
        "payments": t.pgettext("profile field", "Payments"),
        "after_sales": t.pgettext("profile field", "After-sales records"),
        "notes": t.pgettext("profile field", "Notes"),
    }


# The profile keys a rules file may list under `required` (all but the id and `values`).
PROFILE_KEYS: tuple[str, ...] = tuple(k for k in PROFILE_LABELS if k != "id")
# The standard profile fields grading conditions may test, beside the rules' own fields.
PROFILE_FIELDS: tuple[Field, ...] = (
    Field("industry", FieldType("string"), label=PROFILE_LABELS["industry"]),
    Field(
        "size",
        FieldType("enum", tuple(SIZE_NAMES)),
        label=PROFILE_LABELS["size"],
        labels=tuple(SIZE_NAMES.items()),
    ),
    Field(
        "stage",
        FieldType("enum", tuple(STAGE_NAMES)),
        label=PROFILE_LABELS["stage"],
        labels=tuple(STAGE_NAMES.items()),
    ),
    Field("employees", FieldType("string"), label=PROFILE_LABELS["employees"]),
    Field("budget", FieldType("string"), label=PROFILE_LABELS["budget"]),
)


@dataclass(frozen=True)
class Contact:
    name: str
    title: str = ""  # 职务
    mobile: str = ""
    email: str = ""
    role: str = ""  # in the decision chain: 决策人, 影响者, 使用者, 采购 ...


@dataclass(frozen=True)
class Order:
    product: str
    amount: float  # 元
    date: date
    terms: str = ""  # 合同条款


@dataclass(frozen=True)
class Payment:
    date: date
    amount: float
    note: str = ""


@dataclass(frozen=True)
class AfterSale:
    date: date
    issue: str
    resolution: str = ""  # empty while open


@dataclass(frozen=True)
class Customer:
    """One standard profile. `id` is short ascii for the command line (C0001)."""

    id: str
    name: str  # 客户名称 (the company)
    owner: str  # 负责人: a person id of org.yaml
    industry: str = ""  # 所属行业
    employees: str = ""  # 企业规模: 员工数 as the template writes it, "100-500人"
    revenue_band: str = ""  # 企业规模: 营收, "5000万-1亿"
    size: SizeClass | None = None
    address: str = ""  # 注册地址
    contacts: tuple[Contact, ...] = ()
    first_contact: date | None = None  # 首次接触时间
    keywords: tuple[str, ...] = ()  # 需求关键词
    pain_points: str = ""  # 痛点
    needs: str = ""  # 采购需求 (products / services)
    budget: str = ""  # 预算范围 as written, e.g. "50万-100万"
    stage: Stage = "potential"
    grade: str | None = None  # A / B / C, as last graded
    potential: str = ""  # 合作潜力
    referred_by: str = ""  # the customer id that referred this one (转介绍来源)
    tags: tuple[str, ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict)  # the rules' extra fields
    orders: tuple[Order, ...] = ()
    payments: tuple[Payment, ...] = ()
    after_sales: tuple[AfterSale, ...] = ()
    notes: str = ""

    def repurchase_rate(self) -> float | None:
        """订单复购率: the share of this customer's orders that came after its first; None
        without orders. Not the 复购率 of `flowkit customer value`, which counts customers
        (those with two or more orders among those with any): for one profile that would
        only ever be 0% or 100%."""
        return (len(self.orders) - 1) / len(self.orders) if self.orders else None


@dataclass(frozen=True)
class FollowUp:
    """One 跟进记录: on a customer, and on one of its opportunities when it came from
    `flowkit log`. `recorded_at` later than `at` by more than the upkeep rule allows is a
    late entry."""

    customer: str  # customer id
    at: datetime  # 跟进日期: when the contact happened
    method: str  # phone | visit | email | other (电话/拜访/邮件/其他)
    content: str  # 沟通内容
    feedback: str = ""  # 客户反馈/需求变化
    next_step: str = ""  # 下一步计划
    owner: str = ""  # 负责人 (person id)
    opportunity: int | None = None
    recorded_at: datetime | None = None


@dataclass(frozen=True)
class GradeRule:
    """One grading rule: the first whose condition holds gives the grade."""

    grade: str
    when: Condition | None  # None: the default (last) rule
    label: str = ""  # the reason in words: 年度预算超100万，决策链清晰，合作意向强
    loc: Location = _loc()
    when_loc: Location = _loc()  # the first character of the condition text
    parsed: bool = True  # False when the condition could not be read (an invalid file)

    @property
    def default(self) -> bool:
        return self.when is None and self.parsed


@dataclass(frozen=True)
class Maintenance:
    """How customers of one grade are kept warm: a cadence SLA and who does it."""

    grade: str
    cadence: Cadence
    text: str  # the cadence as written: 每月1次拜访
    lane: str | None = None  # who follows up: a lane id (manager, consultant)
    action: str = ""  # 销售经理亲自跟进，每月高层对接
    loc: Location = _loc()


@dataclass(frozen=True)
class FollowUpMethod:
    """A follow-up method (跟进方式) the rules add to phone, visit, email and other, or
    more words for one of those: how the tables write it and the other words they may."""

    id: str  # as stored: wechat (at most 10 characters)
    label: str  # as the tables write it: 微信
    aliases: tuple[str, ...] = ()  # other words read as it: 微信沟通, 企业微信
    loc: Location = _loc()


@dataclass(frozen=True)
class CustomerRules:
    """The rules file: what a complete profile holds and how customers are graded and kept."""

    fields: tuple[Field, ...] = ()  # typed extra fields grading may test (annual_budget ...)
    required: tuple[str, ...] = ()  # profile keys and field ids a complete profile has
    tags: tuple[str, ...] = ()  # the declared vocabulary; other tags are refused
    methods: tuple[FollowUpMethod, ...] = ()  # follow-up methods beyond the built-in four
    grades: tuple[GradeRule, ...] = ()
    maintenance: tuple[Maintenance, ...] = ()
    follow_up_within: Duration | None = None  # upkeep: record a contact within (24小时内)
    review: Cadence | None = None  # upkeep: re-grade every (每季度1次)
    kpis: Kpis | None = None  # the monthly review's appraisal measures (`kpis:`)
    calendar: str = "cn"
    name: str = ""  # the `customers:` title: 客户档案规则
    source: str = ""
    loc: Location = _loc()
    spots: Mapping[SpotKey, Location] = _spots()

    def at(self, *key: str | int) -> Location:
        return self.spots.get(key, self.loc)

    def maintenance_for(self, grade: str | None) -> Maintenance | None:
        return next((m for m in self.maintenance if m.grade == grade), None)

    @cached_property
    def condition_fields(self) -> dict[str, Field]:
        """What grading conditions may test: the standard profile fields, then these rules'."""
        return {f.id: f for f in (*PROFILE_FIELDS, *self.fields)}

    @property
    def field_types(self) -> dict[str, FieldType]:
        return {fid: f.type for fid, f in self.condition_fields.items()}

    @property
    def graded(self) -> tuple[str, ...]:
        """The grades the rules give, each once, in rule order."""
        return tuple(dict.fromkeys(rule.grade for rule in self.grades))

    def label_of(self, key: str) -> str:
        """The display name of a profile key or field id: 客户名称, 年度预算 … (else the key)."""
        found = next((f for f in self.fields if f.id == key), None)
        return (found.label if found else PROFILE_LABELS.get(key, "")) or key
