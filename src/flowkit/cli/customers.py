"""`flowkit customer ...` and `flowkit audit ...`: customer profiles (客户档案)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from flowkit.cli.formats import emit, emit_page, format_option, page_format_option
from flowkit.cli.session import (
    ROW_COUNT,
    Session,
    follow_up_options,
    owner_filter,
    parse_at,
    pass_session,
    said,
    say,
)
from flowkit.cli.status import lang_option
from flowkit.messages import Message, msg, nmsg, pmsg, words

if TYPE_CHECKING:
    from flowkit.customers.book import CustomerBook
    from flowkit.customers.dedupe import DuplicateGroup
    from flowkit.customers.files import ImportResult

F = TypeVar("F", bound=Callable[..., None])
SHOWN_GRADES = 10  # grade changes an import lists before "... and N more"
SHOWN_MERGES = 10  # merges an import reports field by field before "... and N more"


@click.group()
def customer() -> None:
    """Customer profiles (客户档案): records, grades, tags, completeness, value, Excel."""


def profile_options(func: F) -> F:
    options = [
        click.option("--industry", help="所属行业."),
        click.option(
            "--size", help="客户规模: 大型企业/中小企业/个体工商户 (large/sme/individual)."
        ),
        click.option("--employees", help="员工数, e.g. 100-500人."),
        click.option("--revenue", "revenue_band", help="营收, e.g. 5000万-1亿."),
        click.option("--address", help="注册地址."),
        click.option(
            "--contact",
            "contacts",
            multiple=True,
            metavar="NAME,TITLE,MOBILE,EMAIL,ROLE",
            help="A contact (repeatable; later fields may be empty).",
        ),
        click.option("--first-contact", metavar="DATE", help="首次接触时间."),
        click.option("--keywords", help="需求关键词, separated by 、 or commas."),
        click.option("--pain-points", help="客户痛点."),
        click.option("--needs", help="采购需求."),
        click.option("--budget", help="预算范围 as written, e.g. 50万-100万."),
        click.option(
            "--stage", help="潜在客户/意向客户/成交客户/流失客户 (potential/intent/won/lost)."
        ),
        click.option("--potential", help="合作潜力."),
        click.option("--referred-by", help="转介绍来源: the customer id that referred this one."),
        click.option("--owner", help="负责人: a person id of org.yaml."),
        click.option(
            "--field",
            "fields",
            multiple=True,
            metavar="NAME=VALUE",
            help="A field of customers.yaml, e.g. annual_budget=1200000.",
        ),
        click.option(
            "--tag", "tags", multiple=True, help="A tag from customers.yaml (repeatable)."
        ),
        click.option(
            "--order",
            "orders",
            multiple=True,
            metavar="PRODUCT,AMOUNT,DATE[,TERMS]",
            help="成交订单 (repeatable), e.g. MES系统,280000,2026-11-20.",
        ),
        click.option(
            "--payment",
            "payments",
            multiple=True,
            metavar="DATE,AMOUNT[,NOTE]",
            help="回款记录 (repeatable).",
        ),
        click.option(
            "--after-sale",
            "after_sales",
            multiple=True,
            metavar="DATE,ISSUE[,RESOLUTION]",
            help="售后问题及解决情况 (repeatable).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@customer.command()
@click.argument("name")
@profile_options
@click.option(
    "--distinct",
    is_flag=True,
    help="It is another company, though its name or a contact looks like one on file.",
)
@pass_session
def add(session: Session, /, *, name: str, distinct: bool, **given: Any) -> None:
    """Add a customer profile.

    \b
    Example:
      flowkit customer add 上海宏达机械有限公司 --industry 制造业 --size 大型企业 \\
        --contact 张伟,采购总监,13812345678,zhangwei@hongda.cn,决策人 \\
        --owner li.lei --field annual_budget=1200000 --tag 高预算
    """
    from flowkit.customers.inputs import ProfileInput, new_customer

    book = _book(session)
    record = new_customer(book, name, ProfileInput(**given))
    (new_id,) = book.add([record], now=session.now(), distinct=distinct)
    say(msg("added customer {id} {name}", id=new_id, name=record.name))


@customer.command()
@click.argument("customer_id")
@profile_options
@click.option("--name", help="A new 客户名称.")
@click.option(
    "--remove-contact", multiple=True, metavar="NAME", help="Drop a contact (repeatable)."
)
@pass_session
def edit(session: Session, /, *, customer_id: str, **given: Any) -> None:
    """Change a profile: only the options given change (contacts are added or removed).

    \b
    Example:
      flowkit customer edit C00001 --stage won --contact 李娜,财务经理,13900001111
    """
    from flowkit.customers.inputs import ProfileInput, changes

    book = _book(session)
    given_input = ProfileInput(**given)
    after = book.edit(
        customer_id, lambda before: changes(book, before, given_input), now=session.now()
    )
    say(msg("customer {id} updated", id=after.id))


@customer.command()
@click.argument("customer_id")
@click.argument("tags", nargs=-1, required=True)
@click.option("--remove", is_flag=True, help="Take these tags off instead.")
@pass_session
def tag(session: Session, *, customer_id: str, tags: tuple[str, ...], remove: bool) -> None:
    """Add (or --remove) tags from the declared vocabulary.

    \b
    Example:
      flowkit customer tag C00001 高预算 竞品对比中
    """
    book = _book(session)
    add_, drop = ((), tags) if remove else (tags, ())
    after = book.tag(customer_id, add_, drop, now=session.now())
    shown = words(after.tags, sep="、") if after.tags else msg("(no tags)")
    say(msg("{id} {name}: {tags}", id=after.id, name=after.name, tags=shown))


@customer.command(name="log")
@click.argument("customer_id")
@follow_up_options
@pass_session
def log_(
    session: Session,
    *,
    customer_id: str,
    method: str,
    content: str,
    feedback: str,
    next_step: str,
    by: str | None,
    at: str | None,
) -> None:
    """Record a follow-up on a customer (not tied to an opportunity).

    A follow-up recorded more than the upkeep rule allows after the contact (--at far
    before now) shows in `flowkit status` as a late entry.

    \b
    Example:
      flowkit customer log C00001 --method visit --content 高层拜访 --at 2026-11-28T15:00
    """
    _book(session).log(
        customer_id,
        method=method,
        content=content,
        feedback=feedback,
        next_step=next_step,
        by=by,
        now=session.now(),
        at=parse_at(at),
    )
    say(msg("follow-up recorded on {customer}", customer=customer_id))


@customer.command()
@click.argument("customer_id")
@page_format_option
@lang_option
@pass_session
def show(session: Session, *, customer_id: str, fmt: str, lang: str | None) -> None:
    """One profile: record, completeness, grade, timers, follow-ups, opportunities, audits.

    \b
    Example:
      flowkit customer show C00001
      flowkit customer show C00001 --format json
    """
    from flowkit.customers.queries import show as query
    from flowkit.output.customers import profile_page

    book = _book(session)
    emit_page(profile_page(query(book, customer_id), book, session.language(lang)), fmt)


@customer.command(name="list")
@click.option("--industry")
@click.option("--size")
@click.option("--stage")
@click.option("--grade")
@click.option("--tag", "tags", multiple=True, help="Has this tag (repeatable: all of them).")
@owner_filter
@click.option("--limit", type=ROW_COUNT)
@format_option
@lang_option
@pass_session
def list_(
    session: Session,
    *,
    industry: str | None,
    size: str | None,
    stage: str | None,
    grade: str | None,
    tags: tuple[str, ...],
    owner: tuple[str, ...],
    team: str | None,
    limit: int | None,
    fmt: str,
    lang: str | None,
) -> None:
    """Customers, filtered by industry, size, stage, grade, tag, owner or team.

    \b
    Example:
      flowkit customer list --grade A --tag 高预算
      flowkit customer list --stage 意向客户 --format csv > 意向客户.csv
    """
    from flowkit.customers.checks import parse_size, parse_stage
    from flowkit.customers.queries import find
    from flowkit.output import customers as out
    from flowkit.store import CustomerFilter

    where = CustomerFilter(
        industry=industry,
        size=parse_size(size) if size else None,
        stage=parse_stage(stage) if stage else None,
        grade=grade.strip("级") if grade else None,
        tags=tags,
        owners=session.owners(owner, team),
    )
    lang = session.language(lang)
    rows = out.list_rows(find(_book(session), where, limit), session.tracker().person_name, lang)
    emit(out.customer_listing(rows, out.LIST_COLUMNS, lang), fmt)


@customer.command()
@click.argument("customer_ids", nargs=-1)
@click.option("--explain", is_flag=True, help="Say which rule fired and why, per customer.")
@click.option("--apply", "apply_", is_flag=True, help="Write the grades (without: a preview).")
@format_option
@pass_session
def grade(
    session: Session, *, customer_ids: tuple[str, ...], explain: bool, apply_: bool, fmt: str
) -> None:
    """Grade customers by the rules of customers.yaml; preview who moves, then --apply.

    Applying also records the quarterly review (客户价值评估复盘) and restarts the
    maintenance cadence of customers whose grade changed.

    \b
    Example:
      flowkit customer grade --explain C00001
      flowkit customer grade --apply
      flowkit customer grade --format csv > 分级预览.csv
    """
    from flowkit.output.customers import grade_listing

    lang = session.language(None)  # flowkit --lang
    book = _book(session)
    changes = book.grade(customer_ids or None, now=session.now(), apply=apply_)
    moved = 0
    shown, lines = [], []
    for change in changes:
        before = change.before or "-"
        if change.before != change.after:
            moved += 1
        if explain or change.before != change.after:
            shown.append(change)
            moves = msg(
                "{id} {name}: {before} → {after}",
                id=change.customer_id,
                name=change.name,
                before=before,
                after=change.after,
            )
            lines.append(said(moves))
        if explain:
            for line in change.grading.lines(lang):
                lines.append(f"    {line}")
    if apply_:
        total = msg("{moved} of {n} grades changed", moved=moved, n=len(changes))
    else:
        total = msg(
            "{moved} of {n} grades would change (add --apply to write)", moved=moved, n=len(changes)
        )
    lines.append(said(total))
    emit(grade_listing(shown, lines, lang), fmt)


@customer.command()
@click.option(
    "--by",
    "by",
    type=click.Choice(["customer", "owner", "team"]),
    default="owner",
    show_default=True,
    help="One line per customer, owner or team.",
)
@owner_filter
@click.option(
    "--below",
    type=click.IntRange(0, 100),
    default=None,
    help="With --by customer: only profiles below this completeness (percent).",
)
@format_option
@lang_option
@pass_session
def check(
    session: Session,
    *,
    by: str,
    owner: tuple[str, ...],
    team: str | None,
    below: int | None,
    fmt: str,
    lang: str | None,
) -> None:
    """Profile completeness (档案完整率) per customer, owner or team, with what is missing.

    \b
    Example:
      flowkit customer check --by team
      flowkit customer check --by customer --owner li.lei --below 100
    """
    from flowkit.customers.queries import check as query
    from flowkit.output import customers as out
    from flowkit.store import CustomerFilter

    book = _book(session)
    lines = query(book, by, CustomerFilter(owners=session.owners(owner, team)))
    if below is not None:
        lines = [line for line in lines if line.average < below]
    lang = session.language(lang)
    rows, columns = out.check_rows(lines, by, book.rules, lang)
    emit(out.customer_listing(rows, columns, lang), fmt)


@customer.command()
@click.option(
    "--by",
    "by",
    type=click.Choice(["customer", "owner", "team", "grade"]),
    default="team",
    show_default=True,
    help="One line per customer, owner, team or grade.",
)
@owner_filter
@format_option
@lang_option
@pass_session
def value(
    session: Session,
    *,
    by: str,
    owner: tuple[str, ...],
    team: str | None,
    fmt: str,
    lang: str | None,
) -> None:
    """价值评估 per team, owner, grade or customer: 复购率, 转介绍率, order amounts.

    Over live profiles: 复购率 = customers with 2 or more orders / customers with at
    least one (订单复购率, orders after each customer's first / all orders, is what
    `customer show` gives for one); 转介绍率 = won customers (成交客户) who referred a
    customer on file / won customers; 转介绍客户数 = customers whose 转介绍来源 is set.
    A rate with nobody to measure prints "-" (null in JSON). Lines: grades in the rules'
    order, otherwise highest order amount first; a team or owner asked for always shows.

    \b
    Example:
      flowkit customer value
      flowkit customer value --by owner --team east-1 --format csv > 价值评估.csv
    """
    from flowkit.customers.queries import value as query
    from flowkit.output import customers as out
    from flowkit.store import CustomerFilter

    book = _book(session)
    lines = query(book, by, CustomerFilter(owners=session.owners(owner, team)))
    emit(out.value_listing(lines, by, session.language(lang)), fmt)


@click.group()
def audit() -> None:
    """The weekly spot check of customer profiles (档案抽查)."""


@audit.command()
@click.option("--week", required=True, help="ISO week, e.g. 2026-W48.")
@click.option("--rate", default="20%", show_default=True, help="Share of profiles to check.")
@click.option("--team", default="", help="Only this team's customers (default: all).")
@format_option
@pass_session
def sample(session: Session, *, week: str, rate: str, team: str, fmt: str) -> None:
    """Draw (once) and show the week's sample: the same week and team, the same customers.

    \b
    Example:
      flowkit audit sample --rate 20% --week 2026-W48 --team east-1
      flowkit audit sample --week 2026-W48 --format json
    """
    from flowkit.customers import audits
    from flowkit.output.customers import audit_listing

    result = audits.sample(
        _book(session), audits.parse_week(week), team, audits.parse_rate(rate), session.now()
    )
    head = msg(
        "{week} {team}: {n} of {population}",
        week=result.week,
        team=team or msg("(all teams)"),
        n=len(result.rows),
        population=result.population,
    )
    lines = [said(head)]
    for row in result.rows:
        checked = msg(
            "  {id} {name} ({owner}): {result}",
            id=row["customer_id"],
            name=row["name"],
            owner=row["owner"],
            result=_RESULTS.get(row["result"] or "", row["result"]),
        )
        note = f" — {row['note']}" if row["note"] else ""
        lines.append(said(checked) + note)
    emit(audit_listing(result, lines), fmt)


# A spot check's results as people read them (the codes stay in JSON and CSV).
_RESULTS: dict[str, Message] = {
    "ok": pmsg("spot check", "ok"),
    "problem": pmsg("spot check", "problem"),
    "": pmsg("spot check", "unchecked"),
}


@audit.command()
@click.argument("customer_id")
@click.option("--week", required=True)
@click.option("--team", default="")
@click.option("--ok", "result", flag_value="ok", help="The profile checked out.")
@click.option("--problem", "result", flag_value="problem", help="Something was wrong.")
@click.option("--note", default="", help="What was found.")
@click.option("--by", metavar="PERSON", required=True, help="The manager who checked.")
@pass_session
def record(
    session: Session,
    *,
    customer_id: str,
    week: str,
    team: str,
    result: str | None,
    note: str,
    by: str,
) -> None:
    """Record the result of checking one sampled profile.

    \b
    Example:
      flowkit audit record C00012 --week 2026-W48 --problem --note 跟进记录与实际不符 --by wang.fang
    """
    from flowkit.customers import audits

    if result is None:
        raise click.UsageError(said(msg("say what the check found: --ok or --problem")))
    book = _book(session)
    audits.record(book, audits.parse_week(week), team, customer_id, result, note, by, session.now())
    say(
        msg(
            "{customer}: {result} recorded for {week}",
            customer=customer_id,
            result=_RESULTS[result],
            week=week,
        )
    )


@audit.command()
@click.option("--month", required=True, help="The month the checks were recorded, e.g. 2026-11.")
@format_option
@lang_option
@pass_session
def report(session: Session, *, month: str, fmt: str, lang: str | None) -> None:
    """Spot-check problems per owner of a month (考核): checked, problems, rate.

    Counted for whoever owned each profile when it was checked. A manager sees their
    team, an auditor or admin everyone.

    \b
    Example:
      flowkit audit report --month 2026-11
      flowkit audit report --month 2026-11 --format csv > 档案抽查-2026-11.csv
    """
    from flowkit.customers import audits
    from flowkit.output.customers import audit_report_listing

    lines = audits.report(_book(session), audits.parse_month(month))
    emit(audit_report_listing(lines, session.language(lang)), fmt)


def _book(session: Session) -> CustomerBook:
    book = session.tracker().customers
    assert book is not None
    return book


@customer.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--owner", help="负责人 for rows that name none.")
@click.option("--merge", is_flag=True, help="Fold duplicates together instead of refusing.")
@click.option(
    "--ignore-column",
    "ignore",
    multiple=True,
    metavar="HEADER",
    help="Leave out a column the tables do not have, e.g. 客户来源 (repeatable).",
)
@click.option(
    "--year",
    type=click.IntRange(1900, 2199),
    help="The year of dates written without one (11月3日).",
)
@click.option(
    "--decisions",
    type=click.Path(path_type=Path),
    help="YAML of group key: merge into C000xx | merge | apart | skip, for doubtful "
    "duplicate groups (a dry run writes it when it does not exist).",
)
@click.option(
    "--dry-run", is_flag=True, help="Do and check everything, say what it would do, write nothing."
)
@pass_session
def import_(
    session: Session,
    *,
    file: Path,
    owner: str | None,
    merge: bool,
    ignore: tuple[str, ...],
    year: int | None,
    decisions: Path | None,
    dry_run: bool,
) -> None:
    """Import the template's tables from .xlsx (three sheets) or .csv files.

    客户基础信息表 (one row per contact), 客户跟进记录表 and 客户分级分类表, with their
    Chinese headers. Each sheet is read as the table its header row shows, whatever its
    name. Every bad cell is named by sheet, row and column and nothing is imported;
    duplicates (by company name, mobile or email) are listed, or merged with --merge. A
    column of a customers.yaml field (by id or label) is kept as that field.

    --merge folds the groups with strong evidence; a doubtful group (one shared mobile, two
    owners) is merged, kept apart or skipped as a person decides: at a prompt on a
    terminal, else in --decisions FILE (a dry run with a FILE that does not exist yet
    writes it, listing the groups).

    \b
    Example:
      flowkit customer import 客户档案.xlsx --owner li.lei --ignore-column 客户来源
      flowkit customer import 客户档案.xlsx --merge --dry-run --decisions 决定.yaml
      flowkit customer import 客户档案.xlsx --merge --decisions 决定.yaml
    """
    from functools import partial

    from flowkit.cli.progress import bar
    from flowkit.customers import decisions as choices
    from flowkit.customers.files import group_line, import_tables

    run = partial(
        import_tables,
        _book(session),
        file,
        now=session.now(),
        owner=owner,
        merge=merge,
        ignore=ignore,
        year=year,
    )
    template = decisions is not None and dry_run and not decisions.exists()
    texts = _decisions(run, decisions, template, merge, dry_run)  # a prompt: before the bar
    with bar() as progress:
        done = run(
            dry_run=dry_run,
            decisions=texts,
            source=decisions.name if decisions else "",
            hold=template,
            progress=progress,
        )
    if template and decisions is not None:
        lines = {choices.group_key(g): group_line(g).text() for g in done.held}
        decisions.write_text(choices.template(done.held, lines), "utf-8")
        say(
            msg(
                "wrote {n} doubtful group(s) to {file}: decide each, then import with "
                "--merge --decisions {file}",
                n=len(done.held),
                file=decisions,
            )
        )
    _said(session, done, dry_run)


def _decisions(
    run: Callable[..., ImportResult],
    decisions: Path | None,
    template: bool,
    merge: bool,
    dry_run: bool,
) -> dict[str, str] | None:
    """The decisions on doubtful groups: those of the file; or, on a terminal, each group
    found by a dry run decided at a prompt; or none."""
    from flowkit.cli.decide import ask, interactive
    from flowkit.customers import decisions as choices
    from flowkit.customers.files import group_line

    if decisions is not None and not template:
        return choices.read(decisions)
    if decisions is None and merge and not dry_run and interactive():
        held: tuple[DuplicateGroup, ...] = run(dry_run=True, hold=True).held
        return ask(held, [group_line(g).text() for g in held]) if held else None
    return None


def _said(session: Session, done: ImportResult, dry_run: bool) -> None:
    """What an import did, in lines: counts, merges, decisions, sheets, day one."""
    say(
        msg(
            "imported {added} customers ({merged} merged into existing or each other), "
            "{follow_ups} follow-ups, {graded} grades",
            added=done.added,
            merged=done.merged,
            follow_ups=done.follow_ups,
            graded=done.graded,
        )
    )
    if done.updated or done.unchanged:
        say(
            msg(
                "{updated} profiles on file updated from their rows, {unchanged} unchanged",
                updated=done.updated,
                unchanged=done.unchanged,
            )
        )
    _changed(_book(session), done)
    _merges(_book(session), done, session.language(None))
    for key, decision in done.decided:
        say(msg("  decided: {key}: {decision}", key=key, decision=str(decision)))
    if done.aside:
        say(
            msg(
                "  {n} follow-up and grading row(s) of skipped or undecided groups left out",
                n=done.aside,
            )
        )
    for use in done.sheets:
        say(msg("  {line}", line=use.message()))
    for column in done.ignored:
        say(msg("  ignored column {column}", column=column))
    _day_one(_book(session), done)
    if dry_run:
        say(msg("dry run: that is what the import would do; nothing was written"))


def _changed(book: CustomerBook, done: ImportResult) -> None:
    """The profiles an import updates from their rows (the first few), with the fields
    each changes: what an edited export applies, said before (a dry run) or after."""
    for customer_id, name, fields in done.changed[:SHOWN_MERGES]:
        labels = words((book.rules.label_of(key) for key in fields), sep="、")
        say(msg("  {id} {name}: {fields}", id=customer_id, name=name, fields=labels))
    if len(done.changed) > SHOWN_MERGES:
        say(msg("    ... and {n} more", n=len(done.changed) - SHOWN_MERGES))


def _merges(book: CustomerBook, done: ImportResult, lang: str) -> None:
    """Each merge of the import field by field (the first few), with how to undo it."""
    from flowkit.output.customers import merge_lines

    for report in done.merges[:SHOWN_MERGES]:
        for line in merge_lines(report, book.rules, lang):
            say(msg("  {line}", line=line))
    if len(done.merges) > SHOWN_MERGES:
        say(
            msg(
                "  ... and {n} more merges (customer show lists each)",
                n=len(done.merges) - SHOWN_MERGES,
            )
        )


def _day_one(book: CustomerBook, done: ImportResult) -> None:
    """What the rules make of the profiles just imported, before anyone reads a report:
    the required fields none of them has (档案完整率), the grades the rules would change."""
    if done.lacking:
        from flowkit.customers.columns import filled_by

        fields = words(
            msg(
                "{label} ({key}, column {column})",
                label=(label := book.rules.label_of(key)),
                key=key,
                column=filled_by(key, label),
            )
            for key in done.lacking
        )
        say(
            msg(
                "  customers.yaml requires what no imported profile holds: {fields}; each "
                "profile counts as incomplete by them until they are filled (customer check)",
                fields=fields,
            )
        )
    if done.regrades:
        say(
            nmsg(
                "  the rules would change {n} grade (customer grade --apply writes it):",
                "  the rules would change {n} grades (customer grade --apply writes them):",
                n=len(done.regrades),
            )
        )
        for c in done.regrades[:SHOWN_GRADES]:
            say(
                msg(
                    "    {id} {name}: {before} → {after}",
                    id=c.customer_id,
                    name=c.name,
                    before=c.before or "-",
                    after=c.after,
                )
            )
        if len(done.regrades) > SHOWN_GRADES:
            say(msg("    ... and {n} more", n=len(done.regrades) - SHOWN_GRADES))


@customer.command()
@click.argument("file", type=click.Path(path_type=Path))
@owner_filter
@pass_session
def export(session: Session, *, file: Path, owner: tuple[str, ...], team: str | None) -> None:
    """Export the template's three tables: FILE.xlsx (three sheets) or FILE.csv (three files).

    \b
    Example:
      flowkit customer export 客户档案.xlsx
    """
    from flowkit.cli.progress import bar
    from flowkit.customers.files import export_tables
    from flowkit.store import CustomerFilter

    with bar() as progress:
        where = CustomerFilter(owners=session.owners(owner, team))
        written = export_tables(_book(session), file, where, progress)
    say(msg("wrote {files}", files=words(written)))


@customer.command()
@click.argument("primary")
@click.argument("others", nargs=-1, required=True)
@page_format_option
@lang_option
@pass_session
def merge(
    session: Session, *, primary: str, others: tuple[str, ...], fmt: str, lang: str | None
) -> None:
    """Merge duplicate profiles into PRIMARY (its values win; gaps filled, lists united).

    Says field by field what was kept and what was taken from which profile, and the
    merge's number: customer unmerge PRIMARY --merge-id N undoes it.

    \b
    Example:
      flowkit customer merge C00001 C00017
    """
    from flowkit.output.customers import merge_page

    book = _book(session)
    done = book.merge(primary, others, now=session.now())
    emit_page(merge_page(done, book.rules, session.language(lang)), fmt)


@customer.command()
@click.argument("customer_id", metavar="CUSTOMER")
@click.option("--merge-id", type=int, required=True, help="The merge to undo (customer show).")
@pass_session
def unmerge(session: Session, *, customer_id: str, merge_id: int) -> None:
    """Undo a merge: the profiles folded in stand again, CUSTOMER's merged fields go back.

    Follow-ups, timers, history and opportunities the merge moved go back to their
    profiles; a file's rows an import folded in become profiles of their own. Refused
    when a field the merge changed was edited since.

    \b
    Example:
      flowkit customer unmerge C00001 --merge-id 3
    """
    standing = _book(session).unmerge(customer_id, merge_id, now=session.now())
    say(
        msg(
            "merge {n} of {id} undone; standing again: {ids}",
            n=merge_id,
            id=customer_id,
            ids=words(standing),
        )
    )


COMMANDS = (customer, audit)
