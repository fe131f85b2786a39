"""Grading (客户分级): the first rule whose condition holds gives the grade, with the reasons.

A profile is often incomplete, so a field without a value is unknown rather than an error
(strong Kleene logic, `flowkit.lang.expr.truth`): a rule fires only when its condition is
surely true. The explanation names, for the rule that fired, the comparisons that made it
fire with the customer's actual values, and for each earlier rule why it did not: its
first failing comparison, or the field that is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from flowkit.i18n import Lang, translator
from flowkit.lang import expr
from flowkit.lang.expr.values import FULLWIDTH_DIGITS, NUMBER
from flowkit.model import Customer, CustomerRules, Field, GradeRule
from flowkit.model.customer import PROFILE_FIELDS

_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


@dataclass(frozen=True)
class Comparison:
    """One comparison of a condition, read against one customer."""

    field: str  # the field id; "" for a constant such as `true`
    label: str  # the field's display name, "" when it has none
    actual: str | None  # the customer's value as shown; None when not filled in
    test: str  # what it is compared with: "> 1,000,000", "in [large, sme]"; "" for a flag
    holds: expr.Truth  # None: not filled in, or a value that cannot be compared
    negated: bool = False  # under a `not`: the rule needs it false

    def text(self, lang: Lang = "zh-CN") -> str:
        """`annual_budget (年度预算) = 1,200,000 > 1,000,000 ✓`, or `missing: annual_budget …`."""
        t = translator(lang)
        name = f"{self.field} ({self.label})" if self.label else self.field
        if self.actual is None:
            return t.pgettext("grading", "missing: {field}").format(field=name)
        mark = {True: "✓", False: "✗", None: "?"}[self.holds]
        shown = f"{name} = {self.actual}" if self.field else self.actual
        body = " ".join(part for part in (shown, self.test, mark) if part)
        if self.negated:
            return t.pgettext("grading", "not {comparison}").format(comparison=body)
        return body


@dataclass(frozen=True)
class RuleOutcome:
    """One grading rule, tried on one customer."""

    index: int  # the rule's position in `rules.grades`, from 0; people read index + 1
    grade: str
    label: str
    condition: str  # as written; "" for the default rule
    fired: bool
    because: tuple[Comparison, ...]  # fired: what made it fire; else: why it did not
    default: bool = False  # the fallback rule: fires for every customer it is reached for


@dataclass(frozen=True)
class Grading:
    """The grade a customer gets from the rules, the rule that gave it, and why."""

    customer: str  # the customer id
    grade: str | None  # None only when no rule fired and there is no default (FK903)
    rule: RuleOutcome | None  # the rule that fired
    passed: tuple[RuleOutcome, ...]  # the rules before it, none of which fired

    def lines(self, lang: str = "zh-CN") -> list[str]:
        """The explanation to show a person, in zh-CN or en."""
        words = _words(lang)
        out = [self._headline(words)]
        for outcome in self.passed:
            reasons = "; ".join(c.text(words.lang) for c in outcome.because) or words.unreadable
            out.append(f"  {words.rule(outcome)}{words.not_fired}{reasons}")
        if self.rule is not None:
            if self.rule.default:
                out.append(f"  {words.rule(self.rule)}{words.fired}{words.otherwise}")
            else:
                out.append(f"  {words.rule(self.rule)}{words.fired}{self.rule.condition}")
                out.extend(f"    {c.text(words.lang)}" for c in self.rule.because)
        return out

    def _headline(self, words: _Words) -> str:
        rule = self.rule
        if rule is None or self.grade is None:
            return words.ungraded.format(id=self.customer)
        label = words.quote.format(label=rule.label) if rule.label else ""
        line = words.default_headline if rule.default else words.headline
        return line.format(id=self.customer, grade=self.grade, n=rule.index + 1, label=label)


def grade(customer: Customer, rules: CustomerRules) -> Grading:
    """The grade of one customer by the rules; never raises for missing or odd values."""
    values = profile_values(customer, rules)
    fields = rules.condition_fields
    passed: list[RuleOutcome] = []
    for i, rule in enumerate(rules.grades):
        outcome = _try(i, rule, values, fields)
        if outcome.fired:
            return Grading(customer.id, rule.grade, outcome, tuple(passed))
        passed.append(outcome)
    return Grading(customer.id, None, None, tuple(passed))


def regrade(
    customers: Iterable[Customer], old: CustomerRules, new: CustomerRules
) -> list[tuple[str, str | None, str | None]]:
    """Who would move grade if `new` replaced `old`: (customer id, old grade, new grade)."""
    moves = []
    for customer in customers:
        before, after = grade(customer, old).grade, grade(customer, new).grade
        if before != after:
            moves.append((customer.id, before, after))
    return moves


def profile_values(customer: Customer, rules: CustomerRules) -> dict[str, object]:
    """What conditions read: the standard fields and the rules' own, only those filled in.

    Text that spells a number is read as one for a number field ("1,200,000" from a
    spreadsheet); anything else stays as it is, and a comparison it cannot take is unknown.
    """
    found: dict[str, object] = {}
    for field in rules.fields:
        value = _typed(field, customer.values.get(field.id))
        if _filled(value):
            found[field.id] = value
    for field in PROFILE_FIELDS:
        value = getattr(customer, field.id)
        if _filled(value):
            found[field.id] = value
    return found


def _try(
    i: int, rule: GradeRule, values: Mapping[str, object], fields: Mapping[str, Field]
) -> RuleOutcome:
    if rule.when is None:
        return RuleOutcome(i, rule.grade, rule.label, "", rule.parsed, (), default=rule.default)
    atoms: dict[expr.Expr, Comparison] = {}

    def atom(node: expr.Expr) -> expr.Truth:
        if node not in atoms:
            atoms[node] = _compare(node, values, fields)
        return atoms[node].holds

    fired = expr.truth(rule.when.expr, atom) is True
    because = _support(rule.when.expr, True, atom) if fired else _blockers(rule.when.expr, atom)
    shown = tuple(replace(atoms[node], negated=negated) for node, negated in because)
    return RuleOutcome(i, rule.grade, rule.label, rule.when.text, fired, shown)


_Atom = Callable[[expr.Expr], expr.Truth]  # an atom's truth, computed once
_Atoms = list[tuple[expr.Expr, bool]]  # atoms with whether they sit under a `not`


def _support(node: expr.Expr, value: bool, atom: _Atom, negated: bool = False) -> _Atoms:
    """The atoms that make `node` evaluate to `value` (which it does)."""
    match node:
        case expr.BoolOp():
            decisive = node.op == "or"  # one true operand makes an `or` true, one false an `and`
            if value == decisive:
                first = next(o for o in node.operands if expr.truth(o, atom) is value)
                return _support(first, value, atom, negated)
            return [a for o in node.operands for a in _support(o, value, atom, negated)]
        case expr.Not():
            return _support(node.operand, not value, atom, not negated)
        case _:
            return [(node, negated)]


def _blockers(node: expr.Expr, atom: _Atom, want: bool = True, negated: bool = False) -> _Atoms:
    """Why `node` is not `want`: the first operand of an and-chain that is not, every
    operand of an or that is not, down to the atoms (false, or unknown)."""
    match node:
        case expr.BoolOp():
            decisive = node.op == "or"
            if want == decisive:
                return [a for o in node.operands for a in _blockers(o, atom, want, negated)]
            first = next(o for o in node.operands if expr.truth(o, atom) is not want)
            return _blockers(first, atom, want, negated)
        case expr.Not():
            return _blockers(node.operand, atom, not want, not negated)
        case _:
            return [(node, negated)]


def _compare(
    node: expr.Expr, values: Mapping[str, object], fields: Mapping[str, Field]
) -> Comparison:
    """One atom read against the values: its parts for display, and whether it holds."""
    names = [n for n in expr.walk(node) if isinstance(n, expr.Name)]
    name = names[0].name if names else ""
    field = fields.get(name)
    label = field.label if field and field.label != name else ""
    value = values.get(name) if name else None
    if name and value is None:
        return Comparison(name, label, None, _test(node, field), None)
    try:
        holds: expr.Truth = expr.evaluate(expr.Condition("", node), values)
    except expr.ExprError:
        holds = None  # a value of the wrong kind: unknown, like a missing one
    if not name:  # a constant: `true`
        constant = node.value if isinstance(node, expr.Literal_) else None
        return Comparison("", "", _shown(constant, None), "", holds)
    return Comparison(name, label, _shown(value, field), _test(node, field), holds)


def _test(node: expr.Expr, field: Field | None) -> str:
    """What the field is compared with, written for people: `> 1,000,000`, `in [A, B]`."""
    match node:
        case expr.Compare(left=expr.Name(), right=expr.Literal_() as value):
            return f"{node.op} {_shown(value.value, field, labelled=False)}"
        case expr.Compare(left=expr.Literal_() as value, right=expr.Name()):
            return f"{_FLIPPED[node.op]} {_shown(value.value, field, labelled=False)}"
        case expr.Membership():
            op = "not in" if node.negated else "in"
            items = ", ".join(_shown(i.value, field, labelled=False) for i in node.items)
            return f"{op} [{items}]"
        case _:
            return ""


def _shown(value: object, field: Field | None, labelled: bool = True) -> str:
    """A value for people: 1,200,000; clear (清晰) for an enum; '制造业' for text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"{value:,}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and field is not None and field.type.kind == "enum":
        shown = field.display(value)
        return f"{value} ({shown})" if labelled and shown != value else value
    return repr(value) if isinstance(value, str) else str(value)


def _typed(field: Field, value: object) -> object:
    if not isinstance(value, str):
        return value
    text = value.strip()
    if field.type.kind in ("number", "integer"):
        plain = text.translate(FULLWIDTH_DIGITS).replace(",", "").replace("，", "")
        if NUMBER.fullmatch(plain):
            number = float(plain.replace("_", ""))
            return int(number) if number.is_integer() else number
    if field.type.kind == "boolean" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


def _filled(value: object) -> bool:
    if value is None:
        return False
    return bool(value.strip()) if isinstance(value, str) else True


@dataclass(frozen=True)
class _Words:
    lang: Lang
    headline: str
    default_headline: str
    ungraded: str
    quote: str
    fired: str
    not_fired: str
    otherwise: str
    unreadable: str
    rule_word: str
    default: str

    def rule(self, outcome: RuleOutcome) -> str:
        return self.rule_word.format(
            n=outcome.index + 1,
            grade=outcome.grade,
            default=self.default if outcome.default else "",
        )


@cache
def _words(lang: str) -> _Words:
    """The explanation's words in `lang` (zh is taken for zh-CN)."""
    if lang not in ("zh-CN", "zh", "en"):
        raise ValueError(f"unknown language {lang!r}: use zh-CN or en")
    chosen: Lang = "en" if lang == "en" else "zh-CN"
    t = translator(chosen)
    return _Words(
        lang=chosen,
        headline=t.pgettext("grading", "{id} is grade {grade}: rule {n} fired{label}"),
        default_headline=t.pgettext(
            "grading", "{id} is grade {grade}: no earlier rule fired, so default rule {n}{label}"
        ),
        ungraded=t.pgettext(
            "grading", "{id} has no grade: no rule fired and the rules have no default"
        ),
        quote=t.pgettext("grading", " ({label})"),
        fired=t.pgettext("grading", " fired: "),
        not_fired=t.pgettext("grading", " did not fire: "),
        otherwise=t.pgettext("grading", "every other customer"),
        unreadable=t.pgettext("grading", "the condition cannot be read"),
        rule_word=t.pgettext("grading", "rule {n} ({default}{grade})"),
        default=t.pgettext("grading", "default, "),
    )
