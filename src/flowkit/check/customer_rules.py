"""The customer rules file's checks: known keys and fields, grading rules that type-check,
can fire and cover every profile, maintenance for exactly the grades given, and the lanes
and calendar it names.

Each check is `(rules, context) -> diagnostics`. Coverage is decided the way routes'
is (`flowkit.lang.expr.uncovered_case`), over profiles whose tested fields are all filled:
a profile missing one is graded by the `default` rule, whatever the others say.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from flowkit.check.references import unknown_calendar
from flowkit.check.routes import type_errors
from flowkit.diagnostics import Diagnostic, Location
from flowkit.lang import expr
from flowkit.lang.spelling import did_you_mean
from flowkit.model import CustomerRules
from flowkit.model.customer import FOLLOW_UP_WORDS, PROFILE_KEYS, PROFILE_LABELS

if TYPE_CHECKING:
    from flowkit.check import CheckContext


def check_fields(rules: CustomerRules, ctx: CheckContext) -> Iterator[Diagnostic]:
    """A declared field may not take the id of a standard profile key (which would it mean?)."""
    for field in rules.fields:
        if field.id in PROFILE_LABELS:
            yield Diagnostic(
                "FK909",
                f"field '{field.id}' is a standard profile field ({PROFILE_LABELS[field.id]})",
                field.loc,
                "conditions and `required` use the standard field as it is; "
                "give this field another id",
            )


def check_required(rules: CustomerRules, ctx: CheckContext) -> Iterator[Diagnostic]:
    known = [*PROFILE_KEYS, *(f.id for f in rules.fields)]
    for i, key in enumerate(rules.required):
        if key in known:
            continue
        yield Diagnostic(
            "FK901",
            f"unknown profile key '{key}' in `required`: "
            "neither a standard profile key nor a declared field",
            rules.at("required", i),
            did_you_mean(key, known)
            or f"declare '{key}' under `fields`, or list a standard key: {', '.join(PROFILE_KEYS)}",
        )


def check_tags(rules: CustomerRules, ctx: CheckContext) -> Iterator[Diagnostic]:
    first: dict[str, Location] = {}
    for i, tag in enumerate(rules.tags):
        if tag in first:
            yield Diagnostic(
                "FK907",
                f"tag '{tag}' is already declared on line {first[tag].line}",
                rules.at("tags", i),
                "declare each tag once",
            )
        first.setdefault(tag, rules.at("tags", i))


def check_methods(rules: CustomerRules, ctx: CheckContext) -> Iterator[Diagnostic]:
    """Each word of a follow-up method reads as one method: a name or alias another method
    has already would make an imported 跟进方式 mean either."""
    owner = {_word(word): method for word, method in FOLLOW_UP_WORDS.items()}
    for method in rules.methods:
        for word in dict.fromkeys((method.id, method.label, *method.aliases)):
            taken = owner.setdefault(_word(word), method.id)
            if taken != method.id:
                yield Diagnostic(
                    "FK910",
                    f"follow-up method '{method.id}': '{word}' already means method '{taken}'",
                    method.loc,
                    "give each word to one method (declare the built-in id to add words to it)",
                )


def _word(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def check_grades(rules: CustomerRules, ctx: CheckContext) -> Iterator[Diagnostic]:
    """Conditions type-check; every rule can fire; without a default, every profile is graded."""
    fields = rules.field_types
    typed_ok = all(rule.parsed for rule in rules.grades)
    for rule in rules.grades:
        if rule.when is not None:
            errors = list(type_errors(rule.when, rule.when_loc, fields))
            typed_ok = typed_ok and not errors
            yield from errors
    covered = True
    for finding in expr.first_match(rules.grades, fields, decide=typed_ok):
        covered = covered and not isinstance(finding, expr.Uncovered)
        yield _grading(rules, finding)
    if typed_ok and covered and not any(rule.default for rule in rules.grades):
        missing = _missing_gap([r.when for r in rules.grades if r.when is not None], fields)
        if missing is not None:
            yield _gap(rules, missing[1], missing[0])


def check_maintenance(rules: CustomerRules, ctx: CheckContext) -> Iterator[Diagnostic]:
    """Maintenance for exactly the grades the rules give, by lanes the processes declare."""
    graded = rules.graded
    for kept in rules.maintenance:
        if kept.grade not in graded:
            yield Diagnostic(
                "FK904",
                f"maintenance for grade '{kept.grade}', which no grading rule gives",
                kept.loc,
                did_you_mean(kept.grade, graded) or f"the rules give: {', '.join(graded)}",
            )
    # Those written but left out of the model for an unreadable cadence (FK501) count too.
    declared = {kept.grade for kept in rules.maintenance} | {
        key[1] for key in rules.spots if len(key) == 2 and key[0] == "maintenance"
    }
    for grade in graded:
        if grade not in declared:
            rule = next(r for r in rules.grades if r.grade == grade)
            yield Diagnostic(
                "FK905",
                f"grade '{grade}' has no maintenance: nothing says how its customers are kept",
                rule.loc,
                f"add `{grade}: {{cadence: 每月1次, lane: …, action: …}}` under `maintenance`",
            )
    yield from _lanes(rules, ctx)


def check_calendar(rules: CustomerRules, ctx: CheckContext) -> Iterator[Diagnostic]:
    if rules.calendar not in ctx.calendars:
        yield unknown_calendar(rules.calendar, ctx.calendars, rules.at("calendar"))


def _lanes(rules: CustomerRules, ctx: CheckContext) -> Iterator[Diagnostic]:
    """Only known when validated with the processes; skipped when validated alone."""
    if ctx.lanes is None:
        return
    declared = sorted(ctx.lanes)
    for kept in rules.maintenance:
        if kept.lane is not None and kept.lane not in ctx.lanes:
            yield Diagnostic(
                "FK906",
                f"unknown lane '{kept.lane}': no process validated with the customer rules "
                "declares it",
                rules.at("maintenance", kept.grade, "lane"),
                did_you_mean(kept.lane, declared)
                or f"the processes declare: {', '.join(declared) or 'no lanes'}",
            )


def _grading(rules: CustomerRules, finding: expr.Finding) -> Diagnostic:
    """FK902 for a rule that never fires, FK903 for a profile no rule grades."""
    if isinstance(finding, expr.Uncovered):
        return _gap(rules, finding.case)
    rule = rules.grades[finding.index]
    if isinstance(finding, expr.AfterDefault):
        return Diagnostic(
            "FK902",
            f"this rule (grade '{rule.grade}') comes after the default and can never fire",
            rule.loc,
            "put the `default` rule last, and keep only one",
        )
    assert rule.when is not None
    if finding.alone:
        reason, hint = (
            "no profile can match it",
            "its comparisons exclude each other; correct the condition",
        )
    else:
        reason, hint = (
            "the rules before it already match every profile it matches",
            "reorder the rules or narrow the earlier conditions",
        )
    return Diagnostic(
        "FK902",
        f"rule `{rule.when.text}` (grade '{rule.grade}') can never fire: {reason}",
        rule.when_loc,
        hint,
    )


def _missing_gap(
    conds: list[expr.Condition], fields: Mapping[str, expr.FieldType]
) -> tuple[list[str], dict[str, object] | str] | None:
    """A case no rule grades because some tested fields are not filled in, or None.

    Each field alone is tried first, for the plainest example; then all of them, the
    hardest case: if no rule misses that one, none misses any other.
    """
    tested = [n for n in _tested(conds) if n not in _ALWAYS_FILLED]
    tries = [[name] for name in tested] + ([tested] if len(tested) > 1 else [])
    for missing in tries:
        rest = {k: v for k, v in fields.items() if k not in missing}
        gap = expr.uncovered_case([expr.assume_missing(c, missing) for c in conds], rest)
        if gap is not None:
            return missing, gap
    return None


_ALWAYS_FILLED = frozenset({"stage"})  # every profile is at some stage (潜在客户 at first)


def _tested(conds: list[expr.Condition]) -> list[str]:
    """The fields the conditions read, in order of first appearance."""
    names = (n.name for c in conds for n in expr.walk(c.expr) if isinstance(n, expr.Name))
    return list(dict.fromkeys(names))


def _gap(
    rules: CustomerRules, gap: dict[str, object] | str, missing: list[str] | None = None
) -> Diagnostic:
    hint = "add a last rule `- default: C` for every other customer"
    if isinstance(gap, str):
        message = "cannot prove that the grading rules cover every customer"
        return Diagnostic("FK903", message, rules.at("grades"), hint)
    case = ", ".join(f"{k} = {v!r}" for k, v in gap.items())
    if missing is None:
        message = f"no grading rule matches a customer with {case}"
    else:
        verb = "is" if len(missing) == 1 else "are"
        message = (
            f"no grading rule matches a customer whose {', '.join(missing)} {verb} not filled in"
        )
        message += f" (and {case})" if case else ""
        hint += ", and for profiles not yet complete"
    return Diagnostic("FK903", message, rules.at("grades"), hint)


def check_kpis(rules: CustomerRules, ctx: CheckContext) -> Iterator[Diagnostic]:
    """The `kpis:` section: measures the review can score, weights of each role adding up
    to 100%, for roles that exist (an org role or a lane of the processes)."""
    from flowkit.access.rules import Role
    from flowkit.model.kpis import SCORED

    kpis = rules.kpis
    if kpis is None:
        return
    for kpi in kpis.measures:
        if kpi.id not in SCORED:
            yield _unknown_measure(kpi.id, kpi.loc)
    roles = [r.value for r in Role]
    known = None if ctx.lanes is None else [*roles, *sorted(ctx.lanes)]
    for given in kpis.weights:
        where = given.loc
        for measure, _ in given.weights:
            if measure not in SCORED:
                yield _unknown_measure(measure, rules.at("kpis", "weights", given.role, measure))
        total = sum(w for _, w in given.weights)
        if abs(total - 1.0) > 1e-6:
            yield Diagnostic(
                "FK912",
                f"the weights of '{given.role}' add up to {100 * total:g}%, not 100%",
                where,
                "make the shares of each role add up to 100%",
            )
        if known is not None and given.role not in known:
            yield Diagnostic(
                "FK913",
                f"weights for unknown role '{given.role}': neither an org role nor a lane of "
                "the processes",
                where,
                did_you_mean(given.role, known) or f"roles: {', '.join(known)}",
            )


def _unknown_measure(measure: str, loc: Location) -> Diagnostic:
    from flowkit.model.kpis import SCORED

    return Diagnostic(
        "FK911",
        f"unknown KPI measure '{measure}'",
        loc,
        did_you_mean(measure, SCORED) or f"measures a person is scored on: {', '.join(SCORED)}",
    )
