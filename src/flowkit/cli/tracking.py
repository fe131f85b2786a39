"""The tracking commands: each parses its options, calls one Tracker method, prints one line.

Global options (`flowkit --db URL --now TIME --processes DIR ...`) live on the group.
"""

from __future__ import annotations

from pathlib import Path

import click

from flowkit.cli.session import (
    OPPORTUNITY_ID,
    Session,
    at_option,
    follow_up_options,
    owner_filter,
    parse_at,
    pass_session,
    said,
    say,
)
from flowkit.messages import Message, msg, term, words

SHOWN_ROWS = 10  # new and updated opportunities an import lists before "... and N more"


def _fields(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(
                said(msg("{pair!r}: write NAME=VALUE", pair=pair)), param_hint="--field"
            )
        out[key.strip()] = value
    return out


field_option = click.option(
    "--field", "fields", multiple=True, metavar="NAME=VALUE", help="A process field (repeatable)."
)


@click.command()
@click.argument("process")
@click.option("--name", required=True, help="商机名称: the opportunity's name.")
@click.option("--customer", required=True, help="客户名称.")
@click.option("--owner", required=True, help="负责人: a person id from org.yaml.")
@field_option
@click.option("--expected-close", metavar="DATE", help="预计成交时间, e.g. 2026-12-31.")
@click.option("--next-action", default="", help="关键动作: the next key action.")
@at_option
@pass_session
def start(
    session: Session,
    *,
    process: str,
    name: str,
    customer: str,
    owner: str,
    fields: tuple[str, ...],
    expected_close: str | None,
    next_action: str,
    at: str | None,
) -> None:
    """Start tracking an opportunity on PROCESS (a process id).

    \b
    Example:
      flowkit start standard-sales --name 华东区CRM升级 --customer 上海宏达 \\
        --owner li.lei --field segment=large --field amount=280000
    """
    from flowkit.lang.times import parse_date

    new = session.tracker().start(
        process,
        name=name,
        customer=customer,
        owner=owner,
        now=session.now(),
        at=parse_at(at),
        fields=_fields(fields),
        next_action=next_action,
        expected_close=parse_date(expected_close, "--expected-close") if expected_close else None,
    )
    say(msg("started opportunity {id}", id=new))


@click.command()
@click.argument("instance", type=OPPORTUNITY_ID)
@click.option("--outcome", help="The outcome chosen, for nodes that offer several.")
@click.option("--from", "expect", metavar="NODE", help="Refuse unless it is still at NODE.")
@click.option("--by", metavar="PERSON", help="Who completed the node (default: the owner).")
@click.option(
    "--mentor",
    metavar="PERSON",
    help="A deal won by a new hire in training: their mentor, who signs it (org.yaml).",
)
@at_option
@pass_session
def advance(
    session: Session,
    *,
    instance: int,
    outcome: str | None,
    expect: str | None,
    by: str | None,
    mentor: str | None,
    at: str | None,
) -> None:
    """Complete the current node of INSTANCE and move on (by outcome or conditions).

    \b
    Example:
      flowkit advance 12 --outcome 有效
    """
    reached = session.tracker().advance(
        instance,
        now=session.now(),
        at=parse_at(at),
        outcome=outcome,
        expect_node=expect,
        by=by,
        mentor=mentor,
    )
    say(msg("opportunity {id} is now at {node}", id=instance, node=reached))


@click.command()
@click.argument("instance", type=OPPORTUNITY_ID)
@follow_up_options
@pass_session
def log(
    session: Session,
    *,
    instance: int,
    method: str,
    content: str,
    feedback: str,
    next_step: str,
    by: str | None,
    at: str | None,
) -> None:
    """Record a follow-up (跟进记录); it counts toward cadence SLAs.

    \b
    Example:
      flowkit log 12 --method visit --content 上门演示方案 --at 2026-11-28T15:00
    """
    session.tracker().log(
        instance,
        method=method,
        content=content,
        feedback=feedback,
        next_step=next_step,
        by=by,
        now=session.now(),
        at=parse_at(at),
    )
    say(msg("follow-up recorded on opportunity {id}", id=instance))


@click.command()
@click.argument("instance", type=OPPORTUNITY_ID)
@click.argument("document")
@click.option("--by", metavar="PERSON", help="Who produced it (default: the person acting).")
@at_option
@pass_session
def deliver(
    session: Session, *, instance: int, document: str, by: str | None, at: str | None
) -> None:
    """Record that an output document (输出物) was produced.

    Only from a person who may act in the lane of the opportunity's current node, or a
    manager of its owner.

    \b
    Example:
      flowkit deliver 12 contract
    """
    session.tracker().deliver(instance, document, now=session.now(), at=parse_at(at), by=by)
    say(msg("document {document} recorded on opportunity {id}", document=document, id=instance))


@click.command()
@click.argument("instance", type=OPPORTUNITY_ID)
@click.argument("name")
@at_option
@pass_session
def event(session: Session, *, instance: int, name: str, at: str | None) -> None:
    """Record a business event the process declares (timers anchored on it start).

    \b
    Example:
      flowkit event 12 delivered --at 2026-11-20T10:00
    """
    session.tracker().record_event(instance, name, now=session.now(), at=parse_at(at))
    say(msg("event {event} recorded on opportunity {id}", event=name, id=instance))


@click.command()
@click.argument("instance", type=OPPORTUNITY_ID)
@click.option("--flag/--clear", default=True, help="Raise (default) or clear the risk flag.")
@click.option("--note", default="", help="风险描述.")
@at_option
@pass_session
def risk(session: Session, *, instance: int, flag: bool, note: str, at: str | None) -> None:
    """Raise or clear the risk flag (风险预警) of an opportunity.

    \b
    Example:
      flowkit risk 12 --note 客户预算冻结
      flowkit risk 12 --clear
    """
    session.tracker().set_risk(instance, flag, note=note, now=session.now(), at=parse_at(at))
    if flag:
        say(msg("risk flagged on opportunity {id}", id=instance))
    else:
        say(msg("risk cleared on opportunity {id}", id=instance))


@click.command()
@click.argument("instance", type=OPPORTUNITY_ID)
@click.argument("person")
@at_option
@pass_session
def assign(session: Session, *, instance: int, person: str, at: str | None) -> None:
    """Give an opportunity to another owner (负责人).

    \b
    Example:
      flowkit assign 12 han.mei
    """
    session.tracker().assign(instance, person, now=session.now(), at=parse_at(at))
    say(msg("opportunity {id} now belongs to {person}", id=instance, person=person))


@click.command(name="set")
@click.argument("instance", type=OPPORTUNITY_ID)
@field_option
@click.option("--expected-close", metavar="DATE", help="预计成交时间.")
@click.option("--next-action", default=None, help="关键动作.")
@click.option("--customer", default=None, help="Link it to this customer on file (number or name).")
@at_option
@pass_session
def set_(
    session: Session,
    *,
    instance: int,
    fields: tuple[str, ...],
    expected_close: str | None,
    next_action: str | None,
    customer: str | None,
    at: str | None,
) -> None:
    """Change an opportunity's fields, expected close date, next key action or customer.

    \b
    Example:
      flowkit set 12 --field amount=320000 --expected-close 2027-01-15
      flowkit set 12 --customer C00042
    """
    from flowkit.lang.times import parse_date

    session.tracker().update(
        instance,
        now=session.now(),
        at=parse_at(at),
        fields=_fields(fields),
        expected_close=parse_date(expected_close, "--expected-close") if expected_close else None,
        next_action=next_action,
        customer=customer,
    )
    say(msg("opportunity {id} updated", id=instance))


@click.command()
@click.argument("instance", type=OPPORTUNITY_ID)
@click.option("--reason", required=True, help="Why the clock stops (the customer asked to wait).")
@at_option
@pass_session
def pause(session: Session, *, instance: int, reason: str, at: str | None) -> None:
    """Pause an opportunity: paused time does not count against its SLAs.

    \b
    Example:
      flowkit pause 12 --reason 客户内部预算审批，要求两周后再联系
    """
    session.tracker().pause(instance, reason, now=session.now(), at=parse_at(at))
    say(msg("opportunity {id} paused", id=instance))


@click.command()
@click.argument("instance", type=OPPORTUNITY_ID)
@click.option("--reason", default="", help="Why it goes on.")
@at_option
@pass_session
def resume(session: Session, *, instance: int, reason: str, at: str | None) -> None:
    """Resume a paused opportunity; its due times move later by the pause.

    \b
    Example:
      flowkit resume 12
    """
    session.tracker().resume(instance, now=session.now(), at=parse_at(at), reason=reason)
    say(msg("opportunity {id} resumed", id=instance))


@click.command()
@click.argument("instance", type=OPPORTUNITY_ID)
@click.option("--won", "outcome", flag_value="won", help="It was won (成交).")
@click.option("--lost", "outcome", flag_value="lost", help="It was lost (丢单).")
@click.option(
    "--reason",
    required=True,
    help="Why (成交原因 / 丢单原因): for a lost deal, a code of the process's lost_reasons "
    "(by id or name) when it declares them.",
)
@click.option("--note", default="", help="Your own words beside the reason code (说明).")
@click.option(
    "--mentor",
    metavar="PERSON",
    help="A deal won by a new hire in training: their mentor, who signs it (org.yaml).",
)
@at_option
@pass_session
def close(
    session: Session,
    *,
    instance: int,
    outcome: str | None,
    reason: str,
    note: str,
    mentor: str | None,
    at: str | None,
) -> None:
    """Close an opportunity as won or lost, from whatever node it is at.

    A process that declares `lost_reasons` takes one of their codes (or names) as the
    reason of a lost deal, so the monthly review can rank them; say the rest in --note.
    A deal of a new hire in training (org.yaml `training:`) is won only with --mentor
    naming their mentor, recorded with the win.

    \b
    Example:
      flowkit close 12 --lost --reason competitor --note 客户选择了竞品A
      flowkit close 14 --won --reason 签约 --mentor wang.fang
    """
    if outcome is None:
        raise click.UsageError(said(msg("say how it ended: --won or --lost")))
    session.tracker().close(
        instance,
        outcome == "won",
        reason,
        now=session.now(),
        at=parse_at(at),
        mentor=mentor,
        note=note,
    )
    say(msg("opportunity {id} closed as {state}", id=instance, state=term(outcome, "state")))


COMMANDS: tuple[click.Command, ...] = (
    start,
    advance,
    log,
    deliver,
    event,
    risk,
    assign,
    set_,
    pause,
    resume,
    close,
)


@click.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--process", "process_id", help="Process of rows without a 流程 column.")
@click.option(
    "--ignore-column",
    "ignore",
    multiple=True,
    metavar="HEADER",
    help="Leave out a column the table does not have, e.g. 备注 (repeatable).",
)
@click.option(
    "--year",
    type=click.IntRange(1900, 2199),
    help="The year of dates written without one (11月3日).",
)
@click.option(
    "--update",
    is_flag=True,
    help="Apply the cells of rows carrying a 商机编号 (an edited export) to those opportunities.",
)
@at_option
@click.option(
    "--dry-run", is_flag=True, help="Do and check everything, say what it would do, write nothing."
)
@pass_session
def import_(
    session: Session,
    *,
    file: Path,
    process_id: str | None,
    ignore: tuple[str, ...],
    year: int | None,
    update: bool,
    at: str | None,
    dry_run: bool,
) -> None:
    """Import the tracking table (销售节点进度跟踪表) from .csv or .xlsx.

    Columns (Chinese or English headers): 商机名称 客户名称 当前阶段 预计成交时间 关键动作
    负责人 风险预警 风险描述, optionally 流程, process fields by id or label, and
    阶段开始时间 (when the row entered its stage: its timers count from then, else from the
    import). Any bad cell refuses the whole file, each problem named by row and column.

    A row carrying a 商机编号 (from `flowkit export`) is that opportunity: with --update its
    edited cells change it (a cleared cell clears the value), with history; a changed
    当前阶段 is refused (flowkit advance moves a stage). Rows without one are new.

    \b
    Example:
      flowkit import 跟踪表.xlsx --process standard-sales --ignore-column 备注
      flowkit export 跟踪表.xlsx && flowkit import 跟踪表.xlsx --update
    """
    from flowkit.cli.progress import bar
    from flowkit.tracking.importer import import_file

    with bar() as progress:
        done = import_file(
            session.tracker(),
            file,
            now=session.now(),
            process_id=process_id,
            at=parse_at(at),
            ignore=ignore,
            dry_run=dry_run,
            update=update,
            progress=progress,
            year=year,
        )
    parts = words(msg("{n} {process}", n=n, process=p) for p, n in sorted(done.by_process.items()))
    if done.rows:
        say(msg("imported {n} opportunities ({processes})", n=done.rows, processes=parts))
    else:
        say(msg("imported 0 opportunities"))
    if update:
        say(
            msg(
                "{n} opportunities on file updated from their rows, {same} unchanged",
                n=done.updated,
                same=done.unchanged,
            )
        )
    for sheet in done.sheets:
        say(msg("  {line}", line=sheet))
    for column in done.ignored:
        say(msg("  ignored column {column}", column=column))
    for name, customer, owner, stage in done.created[:SHOWN_ROWS]:
        line = msg("  new: {name} · {customer} · {owner} · {stage}", name=name,
                   customer=customer, owner=owner, stage=stage)  # fmt: skip
        say(line)
    for number in done.changed[:SHOWN_ROWS]:
        say(msg("  updated: opportunity {id}", id=number))
    if done.on_file:
        say(_on_file(len(done.on_file)))
    for row, number in done.on_file[:SHOWN_ROWS]:
        say(msg("  on file: {row} is opportunity {id}", row=row, id=number))
    shown = (done.created, done.changed, done.on_file)
    more = sum(max(0, len(listed) - SHOWN_ROWS) for listed in shown)
    if more:
        say(msg("  ... and {n} more (flowkit list shows them)", n=more))
    if dry_run:
        say(msg("dry run: that is what the import would do; nothing was written"))


def _on_file(n: int) -> Message:
    return msg(
        "{n} row(s) without a 商机编号 are open opportunities already (the same process, "
        "name, customer and owner): left as they are; to change them from the sheet, "
        "flowkit export it and import that file with --update",
        n=n,
    )


@click.command(name="export")
@click.argument("file", type=click.Path(path_type=Path))
@owner_filter
@click.option("--process", "process_id", help="Only this process.")
@pass_session
def export(
    session: Session,
    *,
    file: Path,
    owner: tuple[str, ...],
    team: str | None,
    process_id: str | None,
) -> None:
    """Write the tracking table (销售节点进度跟踪表) of open opportunities to .xlsx or .csv.

    Its rows carry their 商机编号: edit the file in Excel and bring the edits back with
    flowkit import FILE --update.

    \b
    Example:
      flowkit export 跟踪表.xlsx --owner li.lei
    """
    from flowkit.store import StatusFilter
    from flowkit.tracking.export import export_table

    where = StatusFilter(
        owners=session.owners(owner, team), process=process_id, states=("open", "paused")
    )
    from flowkit.cli.progress import bar

    with bar() as progress:
        count = export_table(session.tracker(), file, where, progress)
    say(msg("wrote {n} opportunities to {file}", n=count, file=file))


COMMANDS = (*COMMANDS, import_, export)
