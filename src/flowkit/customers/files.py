"""The template's customer tables in and out: 客户基础信息表, 客户跟进记录表, 客户分级分类表.

Import reads every table the file holds, checks every row (each problem named by sheet,
row and column), looks for duplicates against the file and the store (the template's
"线索重复率高"), and writes everything in one transaction — or nothing. Duplicates are
reported unless `merge` asks to fold them together.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from flowkit.access.people import person_id
from flowkit.customers.book import CustomerBook, GradeChange
from flowkit.customers.checks import methods_of
from flowkit.customers.matching import Names
from flowkit.customers.reading import Reading
from flowkit.customers.tables import FollowUpRow, GradingRow, Written, fail
from flowkit.errors import InputError
from flowkit.lang.times import zone
from flowkit.messages import Message, msg, words
from flowkit.model.customer import Customer, CustomerRules, FollowUp
from flowkit.progress import Progress, counted, quiet
from flowkit.store import CustomerFilter, FollowUpEntry, Json, NewLogEntry, Tx

if TYPE_CHECKING:
    from flowkit.customers.decisions import Decision
    from flowkit.customers.dedupe import DuplicateGroup
    from flowkit.customers.excel import FileRead, SheetUse
    from flowkit.customers.grading import Grading
    from flowkit.customers.merges import MergeReport

MAX_SHOWN = 20
Changed = tuple[str, str, tuple[str, ...]]  # a profile updated by its rows: id, name, fields


@dataclass(frozen=True)
class ImportResult:
    added: int
    merged: int
    follow_ups: int
    graded: int
    updated: int = 0  # profiles whose own rows came back changed (an edited export)
    unchanged: int = 0  # profiles whose own rows came back as they are
    sheets: tuple[SheetUse, ...] = ()  # how each sheet was read, or why it was skipped
    ignored: tuple[Message, ...] = ()  # the columns left out as asked, where they were
    lacking: tuple[str, ...] = ()  # what the rules require and no imported profile holds
    regrades: tuple[GradeChange, ...] = ()  # imported customers the rules would grade anew
    decided: tuple[tuple[str, Decision], ...] = ()  # each group a person decided, as decided
    held: tuple[DuplicateGroup, ...] = ()  # doubtful groups left out undecided (`hold`)
    merges: tuple[MergeReport, ...] = ()  # each merge field by field (`customer unmerge`)
    aside: int = 0  # follow-up and grading rows of skipped or undecided groups, left out
    changed: tuple[Changed, ...] = ()  # each profile its rows updated: id, name, fields


def import_tables(
    book: CustomerBook,
    path: Path,
    *,
    now: datetime,
    owner: str | None = None,
    merge: bool = False,
    dry_run: bool = False,
    ignore: Sequence[str] = (),
    year: int | None = None,
    decisions: Mapping[str, str] | None = None,
    source: str = "",
    hold: bool = False,
    progress: Progress = quiet,
) -> ImportResult:
    """The file's tables into the store, in one transaction. A duplicate group is folded
    when `merge` asks and its evidence is strong, or as `decisions` (group key -> decision
    text, from the file `source`) say; any other group refuses the import, or with `hold`
    is left out and returned (`held`: what a prompt or a decisions template lists)."""
    from flowkit.customers import excel
    from flowkit.customers.decisions import decided, group_key
    from flowkit.customers.dedupe import find_duplicates
    from flowkit.customers.records import from_row

    reading = Reading(
        book.rules.fields, tuple(ignore), book.people, methods_of(book.rules), year, progress
    )
    read = excel.read_file(path, reading, tz=now.tzinfo)
    owner = person_id(book.people, owner) if owner else owner  # --owner may be a name too
    incoming = [_typed(book, c if c.owner or not owner else replace(c, owner=owner))
                for c in read.customers]  # fmt: skip
    follow_ups, grading = read.follow_ups, read.grading
    incoming, grading = _graded(incoming, grading)
    for customer in incoming:
        if customer.owner:  # one without is checked once it is known not to be on file
            book.check(customer)
    written = {id(c): w for c, w in zip(incoming, read.written, strict=False)}
    with book.store.write(dry_run=dry_run) as tx:
        entries = _import_entries(book, path, incoming)  # refused before reading further
        tx.serialize()  # duplicates and new ids are judged on what is on file now
        existing_rows = tx.customers.find(CustomerFilter())
        tags = tx.customers.tags([r["id"] for r in existing_rows]) if existing_rows else {}
        existing = [from_row(r, tags[r["id"]]) for r in existing_rows]
        returning = _returning(incoming, existing)  # rows carrying their profile's number
        back = {id(g.incoming[0]) for g in returning}
        groups = find_duplicates([c for c in incoming if id(c) not in back], existing)
        chosen = decided(groups, decisions or {}, source)
        plan = {id(g): chosen.get(group_key(g)) or _default(g, merge) for g in groups}
        refused = [g for g in groups if plan[id(g)] is None]
        if refused and not hold:
            raise InputError(
                msg(
                    "{n} duplicate group(s); nothing was imported:\n  {groups}",
                    n=len(refused),
                    groups=words([group_line(g) for g in refused[:MAX_SHOWN]], sep="\n  "),
                ),
                _duplicates_hint(merge),
            )
        folded: set[int] = {id(c) for g in returning for c in g.incoming}
        for customer in incoming:
            if id(customer) not in folded:
                _owned(customer)
        changed = _apply_returning(book, tx, returning, now, read, written)
        updated = len(changed)
        reports = _fold_groups(book, tx, [(g, plan[id(g)]) for g in groups], folded, now)
        merged = sum(len(r.absorbed) + (r.merge_id == 0) for r in reports)  # + a new one's first
        fresh = [c for c in incoming if id(c) not in folded]
        book.insert(tx, fresh, now)
        left = [c for g in groups if _left_out(plan[id(g)]) for c in g.incoming]
        on_file = [(r["id"], r["name"]) for r in tx.customers.find(CustomerFilter(), summary=True)]
        names = Names([*on_file, *((f"{LEFT_OUT}{i + 1})", c.name) for i, c in enumerate(left))])
        grading, follow_ups, aside = _set_aside(names, grading, follow_ups)
        graded = _grades(book, tx, grading, names, now)  # first: follow-ups count toward
        logged = _follow_ups(book, tx, follow_ups, names, now, progress)  # the cadences
        if fresh or merged or updated or graded or logged:  # an import that changed nothing
            tx.log.add(entries)  # writes nothing, not even its log line
    graded += sum(1 for c in fresh if c.grade)  # a profile's own row: an update, if any
    imported = {found for c in incoming if (found := names.find(c.id, c.name))}
    return ImportResult(
        len(fresh),
        merged,
        logged,
        graded,
        updated=updated,
        unchanged=len(returning) - updated,
        sheets=read.sheets,
        ignored=read.ignored,
        lacking=_lacking(book.rules, incoming),
        regrades=() if dry_run else _regrades(book, imported),  # read back from the store
        decided=tuple(
            (group_key(g), chosen[group_key(g)]) for g in groups if group_key(g) in chosen
        ),
        held=tuple(refused),
        merges=tuple(reports),
        aside=aside,
        changed=tuple(changed),
    )


LEFT_OUT = "(new "  # how a row of a skipped or undecided group is named: "(new 1) 北辰科技"


def _left_out(decision: Decision | None) -> bool:
    """Whether a group's rows stay out of the store: skipped, or undecided and held."""
    return decision is None or decision.kind == "skip"


def _set_aside(
    names: Names, grading: list[GradingRow], follow_ups: list[FollowUpRow]
) -> tuple[list[GradingRow], list[FollowUpRow], int]:
    """The grading and follow-up rows of customers on file or imported, and how many name
    a customer left out (a group skipped, or held undecided for the prompt or the decisions
    template): those rows have no profile to go to, and are not what stops a dry run from
    listing the groups to decide. Every row naming no customer, or two, is refused at once."""
    ids = names.ids(grading, follow_ups)
    kept = [not i.startswith(LEFT_OUT) for i in ids]
    grades = [r for r, keep in zip(grading, kept, strict=False) if keep]
    visits = [r for r, keep in zip(follow_ups, kept[len(grading) :], strict=True) if keep]
    return grades, visits, kept.count(False)


def _fold_groups(
    book: CustomerBook,
    tx: Tx,
    planned: Sequence[tuple[DuplicateGroup, Decision | None]],
    folded: set[int],
    now: datetime,
) -> list[MergeReport]:
    """Each group as decided: folded into its profile on file (reported, undoable; a group
    of several profiles on file, decided into one of them, folds the others in too) or into
    one new profile, left out (skipped, or undecided and held), or kept apart (its rows
    stay out of `folded`: new profiles with the others). `folded` gains the rows used."""
    from flowkit.customers.dedupe import merge as fold
    from flowkit.customers.merges import MergeReport, fold_in, label, report

    reports: list[MergeReport] = []
    for group, decision in planned:
        newcomers = list(group.incoming)
        if decision is not None and decision.kind == "apart":
            continue
        folded |= {id(c) for c in newcomers}
        if decision is None or decision.kind == "skip":
            continue
        into = [c for c in group.existing if c.id == decision.into] or group.existing[:1]
        if into:  # the profiles on file besides the one kept: two only when a person said
            others = [c.id for c in group.existing if c.id != into[0].id]  # which one stays
            kept = book.get(tx, into[0].id, "customer import")
            absorbed = [book.get(tx, other, "customer import") for other in others]
            reports.append(fold_in(book, tx, kept, absorbed, newcomers, now))
            continue
        first, *rest = newcomers
        one = fold(first, rest)
        (new_id,) = book.insert(tx, [one], now)
        fields = tuple(report(first, rest, one))
        reports.append(MergeReport(0, new_id, one.name, tuple(map(label, rest)), fields))
    return reports


def _default(group: DuplicateGroup, merge: bool) -> Decision | None:
    """What --merge does unasked: fold a group of strong evidence; decide nothing else."""
    from flowkit.customers.decisions import Decision

    return Decision("merge") if merge and group.doubt is None else None


def export_tables(
    book: CustomerBook, path: Path, where: CustomerFilter, progress: Progress = quiet
) -> list[Path]:
    """The three tables for the customers `where` selects, as .xlsx (three sheets) or .csv
    (one file per table)."""
    from flowkit.customers import excel
    from flowkit.customers.records import from_row
    from flowkit.customers.tables import GradeTexts

    access = book.access
    where = replace(where, owners=access.narrowed("customer export", where.owners))
    with book.store.read() as tx:  # a refusal is logged when the read ends
        entry = access.require_any("customer export", str(path))
        rows = tx.customers.find(where)
        tags = tx.customers.tags([r["id"] for r in rows])
        customers = [from_row(r, tags[r["id"]]) for r in rows]
        follow_ups = _records(tx.customers.follow_ups_of([c.id for c in customers]))
    texts = GradeTexts.from_rules(book.rules)
    detail: dict[str, Json] = {"filter": _filter_detail(where), "rows": len(customers)}
    provenance = [
        ("导出人", access.actor.id),
        ("导出时间", entry["at"].astimezone(zone()).isoformat(timespec="minutes")),
        ("筛选条件", json.dumps(detail["filter"], ensure_ascii=False)),
        ("客户数", str(len(customers))),
    ]
    written = excel.write_tables(
        path,
        customers,
        follow_ups,
        texts,
        tz=zone(),
        methods=methods_of(book.rules),
        provenance=provenance,
        progress=progress,
    )
    book.store.log([{**entry, "detail": detail}])
    return written


def _filter_detail(where: CustomerFilter) -> dict[str, Json]:
    """The filter of an export as the audit log keeps it: the options that were set."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in vars(where).items() if v}


def _import_entries(
    book: CustomerBook, path: Path, incoming: Sequence[Customer]
) -> list[NewLogEntry]:
    """An import is allowed to whom the role grants it, and only for owners in their reach
    (a manager imports for their team): its audit-log entries, or NotPermitted."""
    access = book.access
    entries = [access.require_any("customer import", str(path))]
    names: dict[str, list[str]] = {}
    for c in incoming:
        names.setdefault(c.owner, []).append(c.name)
    for owner in sorted(names):
        listed = names[owner]  # a refusal names the rows it is about: whose, which
        shown = "、".join(listed[:3]) + (f" … ({len(listed)})" if len(listed) > 3 else "")
        target = f"customers of {owner} in {path.name} ({shown})"
        entries.append(access.require("customer import", owner, target))
    return entries


def _owned(customer: Customer) -> None:
    """A customer new to the store has an owner (the file's, or --owner): one with an
    owner was checked before; one already on file keeps its own unless the file changes it."""
    if not customer.owner:
        raise InputError(
            msg("customer {name} has no 负责人 in the file", name=customer.name),
            msg("give one for all: --owner PERSON"),
        )


def _graded(
    incoming: list[Customer], grading: list[GradingRow]
) -> tuple[list[Customer], list[GradingRow]]:
    """The grading table's grades put on the customers of the same file (inserted graded,
    in bulk); the rows left over are for customers already on record."""
    rows = {g.customer_id or g.customer_name: g for g in grading}
    out = []
    for c in incoming:
        g = rows.pop(c.id, None) if c.id else None
        g = g or rows.pop(c.name, None)
        if g is not None:
            c = replace(c, grade=g.grade or c.grade, potential=g.potential or c.potential)
        out.append(c)
    return out, list(rows.values())


def _typed(book: CustomerBook, customer: Customer) -> Customer:
    """The 扩展字段 cell's values typed by the fields of customers.yaml."""
    from flowkit.tracking.fields import typed_value

    fields = {f.id: f for f in book.rules.fields}
    typed = {}
    for key, value in customer.values.items():
        if key not in fields:
            known = words(fields) or msg("none")
            raise InputError(
                msg(
                    "customer {name}: 扩展字段 has unknown field {field!r} ({known})",
                    name=customer.name,
                    field=key,
                    known=known,
                )
            )
        typed[key] = typed_value(fields[key], str(value))
    return replace(customer, values=typed)


def _follow_ups(
    book: CustomerBook,
    tx: Tx,
    rows: Sequence[FollowUpRow],
    names: Names,
    now: datetime,
    progress: Progress = quiet,
) -> int:
    ids = names.ids(rows)  # by 客户编号, name or a variant of it; each row naming none refused
    on_file = {_identity(e) for e in tx.customers.follow_ups_of(sorted(set(ids)))}
    logged = 0
    pairs = zip(rows, ids, strict=True)
    for r, customer_id in counted(pairs, progress, msg("writing follow-ups"), len(rows)):
        f = r.followup
        key = (customer_id, f.at, f.method, f.content)
        if key in on_file:
            continue  # already on file (a re-import, or the export coming back): not twice
        on_file.add(key)
        logged += 1
        book.record_follow_up(
            tx,
            customer_id,
            f.method,
            f.content,
            f.feedback,
            f.next_step,
            f.owner,
            f.at,
            f.recorded_at or now,
            None,
            history=f.recorded_at is None,
        )
    return logged


def _identity(entry: FollowUpEntry) -> tuple[str, datetime, str, str]:
    """What makes a follow-up the same one: its customer, when, how, and what was said."""
    return (entry["customer_id"], entry["at"], entry["method"], entry["content"])


def _grades(
    book: CustomerBook, tx: Tx, rows: Sequence[GradingRow], names: Names, now: datetime
) -> int:
    """Grades and potentials the file gives, where they differ from the profile's."""
    count = 0
    graded = [r for r in rows if r.grade is not None]
    for r, cid in zip(graded, names.ids(graded), strict=True):
        row, customer = book.get(tx, cid, "customer import")
        potential = r.potential or customer.potential
        if potential != customer.potential:
            book.save(tx, row, replace(customer, potential=potential), now)
            row, customer = book.get(tx, cid, "customer import")
        if r.grade is not None and customer.grade != r.grade:
            book.regrade(tx, row, customer, r.grade, now)  # starts its maintenance cadence
            count += 1
    return count


def _records(rows: Sequence[FollowUpEntry]) -> list[FollowUp]:
    return [
        FollowUp(
            customer=r["customer_id"],
            at=r["at"],
            method=r["method"],
            content=r["content"],
            feedback=r["feedback"],
            next_step=r["next_step"],
            owner=r["owner"],
            opportunity=r["instance_id"],
            recorded_at=r["recorded_at"],
        )
        for r in rows
    ]


_DOUBTS = {
    "profiles": msg(
        "it joins profiles already on file: merged only as a person decides, naming the "
        "profile kept"
    ),
    "owners": msg("owned by different people: not merged unless a person decides"),
    "evidence": msg(
        "they share only a name or only a contact: too little to merge (a typo fuses companies)"
    ),
}


def group_line(group: DuplicateGroup) -> Message:
    """One refused group: who, why they look alike, and why --merge leaves them."""
    line = msg(
        "{customers} — {reasons}",
        customers=words(
            (msg("{id} {name}", id=c.id or msg("(new)"), name=c.name) for c in group.customers),
            sep=" / ",
        ),
        reasons=words(group.reasons, sep="; "),  # the matches as dedupe words them
    )
    doubt = group.doubt
    if doubt is None:
        return line
    return msg("{line} ({doubt})", line=line, doubt=_DOUBTS[doubt])


def _duplicates_hint(merge: bool) -> Message:
    if merge:
        return msg(
            "--merge folds only the groups with strong evidence (the customer number, or the "
            "same company name and a shared contact, one owner); decide the others at the "
            "prompt of a terminal or in --decisions FILE (--dry-run --decisions FILE writes "
            "it), or correct these rows in the file and import again"
        )
    return msg(
        "merge them with --merge: groups with strong evidence are folded into the profile on "
        "file (its values kept, gaps filled from the file), the others are listed again"
    )


def _returning(incoming: Sequence[Customer], existing: Sequence[Customer]) -> list[DuplicateGroup]:
    """The profiles' own rows coming back (an export, edited or not): a row carrying the
    number of a live profile on file and sharing its name or a contact (a renamed company
    keeps its contacts), each paired with that profile. They are that profile, whatever
    other profiles they look like: two profiles on file a person kept apart (a shared
    mobile) come back apart, each as itself, instead of as one doubtful group."""
    from flowkit.customers.dedupe import DuplicateGroup, shares_key

    on_file = {c.id: c for c in existing}
    return [
        DuplicateGroup((profile,), (row,), ())
        for row in incoming
        if row.id and (profile := on_file.get(row.id)) is not None and shares_key(row, profile)
    ]


def _apply_returning(
    book: CustomerBook,
    tx: Tx,
    groups: Sequence[DuplicateGroup],
    now: datetime,
    read: FileRead,
    written: Mapping[int, Written],
) -> list[Changed]:
    """Each profile updated by its own rows where they change it, a cleared cell clearing
    its field (`returning`), with the change in its history and who made it, as `customer
    edit` records one; each profile changed, with the fields it changed. A cleared cell
    the profile cannot be without is
    refused, naming it (every such cell at once)."""
    from flowkit.customers.records import differences
    from flowkit.customers.returning import applied, cleared_required

    problems = [
        problem
        for group in groups
        if (w := written.get(id(group.incoming[0]))) is not None
        and (problem := cleared_required(group.existing[0], w, read.where, read.columns))
    ]
    fail(problems)
    changed: list[Changed] = []
    for group in groups:
        (profile,) = group.existing
        after = applied(profile, group.incoming[0], read.columns or None)
        if after == profile:
            continue
        book.check(after)
        row, _ = book.get(tx, profile.id, "customer import")
        book.save(tx, row, after, now, "imported")
        changed.append((profile.id, profile.name, tuple(differences(profile, after))))
    return changed


def _lacking(rules: CustomerRules, customers: Sequence[Customer]) -> tuple[str, ...]:
    """The keys the rules require that no imported customer fills: the file has no column
    for them (or leaves it empty), so every profile starts incomplete by them."""
    from flowkit.customers.completeness import filled

    return tuple(key for key in rules.required if not any(filled(c, key) for c in customers))


def _regrades(book: CustomerBook, ids: set[str]) -> tuple[GradeChange, ...]:
    """The imported customers whose grade the rules would change: said, not written (that
    stays `customer grade --apply`). The profiles are read at once (`book.grade` of a list
    of ids reads them one by one: 8 s of 20 for 3,000 customers), and a grade is computed
    once per distinct set of the values conditions read (most profiles of an import share
    them: 100,000 of the benchmark hold about 7,000). Only the imported profiles are read:
    a small file imported into a large book reads its own rows, not the book."""
    from flowkit.customers.grading import grade as by_rules
    from flowkit.customers.grading import profile_values
    from flowkit.customers.records import from_row

    if not ids or not book.rules.grades:
        return ()
    with book.store.read() as tx:
        rows = [r for r in tx.customers.by_ids(sorted(ids)) if r["merged_into"] is None]
        tags = tx.customers.tags([r["id"] for r in rows])
    known: dict[tuple[tuple[str, object], ...], Grading] = {}
    changes = []
    for row in rows:
        customer = from_row(row, tags[row["id"]])
        key = _values_key(profile_values(customer, book.rules))
        result = known.get(key) if key is not None else None
        if result is None:
            result = by_rules(customer, book.rules)
            if key is not None:
                known[key] = result
        if result.grade is not None and result.grade != customer.grade:
            graded = replace(result, customer=customer.id)
            changes.append(
                GradeChange(customer.id, customer.name, customer.grade, result.grade, graded)
            )
    return tuple(changes)


def _values_key(values: dict[str, object]) -> tuple[tuple[str, object], ...] | None:
    """The values as a dict key; None when one is not hashable (a list kept as written)."""
    key = tuple(sorted(values.items()))
    try:
        hash(key)
    except TypeError:
        return None
    return key
