"""The monthly review: `flowkit review` (the pack for the 复盘会) and `flowkit kpi` (one
measure of it as a table, CSV or JSON)."""

from __future__ import annotations

from pathlib import Path

import click

from flowkit.cli.formats import emit, format_option
from flowkit.cli.session import Session, owner_filter, pass_session, said, say
from flowkit.cli.session import lang_option as _lang_option

lang_option = _lang_option(
    "Language of the pack's or table's words (default: flowkit --lang, else zh-CN), "
    "and of messages (else English)."
)
month_option = click.option(
    "--month",
    metavar="YYYY-MM",
    help="The month to review (default: the last whole month before now).",
)

# `flowkit kpi` measures and the views (--by) each offers, the first its default
VIEWS: dict[str, tuple[str, ...]] = {
    "scorecard": ("person",),
    "profile-completeness": ("person", "team", "field"),
    "on-time": ("person", "node"),
    "cadence": ("person",),
    "conversion": ("stage",),
    "stage-times": ("stage",),
    "pipeline": ("stage",),
    "outcomes": ("person",),
    "lost-reasons": ("reason",),
    "distribution": ("industry", "size", "grade", "stage", "tags"),
    "grade-migrations": ("grade",),
    "spot-checks": ("person",),
    "traits": ("trait",),
}


def _month(session: Session, text: str | None):  # type: ignore[no-untyped-def]
    from flowkit.lang.times import zone
    from flowkit.review import month_of
    from flowkit.review.period import Month

    if text is not None:
        return month_of(text, zone())
    now = session.now().astimezone(zone())
    return Month(now.date().replace(day=1), zone()).previous()


def _scope(session: Session, owner: tuple[str, ...], team: str | None) -> str:
    """How the page names whose numbers it holds: the team, the people asked for."""
    from flowkit.access.people import person_name, team_name

    people = session.tracker().people
    parts = [team_name(people, team)] if team else []
    parts += [person_name(people, o) for o in owner]
    return " · ".join(parts)


@click.command()
@month_option
@owner_filter
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("review"),
    show_default=True,
    help="Folder to write the pack into (made if need be).",
)
@click.option("--no-pdf", is_flag=True, help="Skip the PDF even when Chromium is installed.")
@lang_option
@pass_session
def review(
    session: Session,
    *,
    month: str | None,
    owner: tuple[str, ...],
    team: str | None,
    out: Path,
    no_pdf: bool,
    lang: str | None,
) -> None:
    """The monthly review pack (月度复盘): HTML for A4, PDF, XLSX of every table.

    Headline figures against the previous month, six months of trends, the nodes
    with the most breaches beside the pain points and improvements the process
    declares for them, the per-person scorecard by the KPI weights of customers.yaml,
    lost reasons ranked, customers by grade and industry. A consultant's pack holds
    their own numbers, a manager's their team's (--team or --owner narrow it).
    The PDF is printed by Chromium when it is installed (/usr/bin/chromium).

    \b
    Example:
      flowkit review --month 2026-11 -o review/
      flowkit review --month 2026-11 --team east-1 -o review/east-1/
    """
    from flowkit.messages import msg
    from flowkit.render.review import write_pack
    from flowkit.review import exports
    from flowkit.review.pack import build_pack

    language = session.language(lang)
    chosen = _month(session, month)
    tracker = session.tracker()
    export = exports.begin(tracker, "review", str(out), chosen.label, owner or None, team=team)
    pack = build_pack(
        tracker,
        chosen,
        session.now(),
        session.owners(owner, team),
        _scope(session, owner, team),
    )
    written = write_pack(pack, out, language, pdf=not no_pdf, provenance=export.provenance)
    exports.finish(tracker, export, written.rows)
    say(msg("wrote {file}", file=str(written.html)))
    say(msg("wrote {file}", file=str(written.xlsx)))
    if written.pdf is not None:
        say(msg("wrote {file}", file=str(written.pdf)))
    elif not no_pdf:
        say(msg("no PDF: Chromium is not installed (print the HTML page from a browser)"))


@click.command()
@click.argument("measure", type=click.Choice(sorted(VIEWS)), metavar="MEASURE")
@month_option
@click.option("--by", "view", metavar="VIEW", help="Which table of the measure (see below).")
@owner_filter
@format_option
@lang_option
@pass_session
def kpi(
    session: Session,
    *,
    measure: str,
    month: str | None,
    view: str | None,
    owner: tuple[str, ...],
    team: str | None,
    fmt: str,
    lang: str | None,
) -> None:
    """One measure of the monthly review, as a table, CSV or JSON.

    \b
    MEASURE and its --by views (the first is the default):
      scorecard             person   (the weighted score of customers.yaml kpis)
      profile-completeness  person, team, field (档案完整率; most-missing fields)
      on-time               person, node (节点准时率, credited to who did the step)
      cadence               person   (拜访达成率)
      conversion            stage    (and lead → won)
      stage-times           stage    (median and 90th percentile)
      pipeline              stage    (amounts and weighted forecast)
      outcomes              person   (won and lost, count and amount)
      lost-reasons          reason
      distribution          industry, size, grade, stage, tags
      grade-migrations      grade
      spot-checks           person
      traits                trait    (A-grade customers against the rest)

    \b
    Example:
      flowkit kpi on-time --month 2026-11 --by node
      flowkit kpi lost-reasons --month 2026-11 --team east-1 --format csv > 丢单原因.csv
    """
    from flowkit.messages import msg, words
    from flowkit.output import review as tables
    from flowkit.review import exports
    from flowkit.review import measure as compute

    views = VIEWS[measure]
    chosen = view or views[0]
    if chosen not in views:
        raise click.BadParameter(
            said(msg("{measure} is shown by {views}", measure=measure, views=words(views))),
            param_hint="--by",
        )
    language = session.language(lang)
    tracker = session.tracker()
    chosen_month = _month(session, month)
    export = exports.begin(
        tracker, "kpi", measure, chosen_month.label, owner or None, team=team, by=chosen, format=fmt
    )
    result = compute(tracker, measure, chosen_month, session.owners(owner, team))
    if measure == "scorecard":
        rules = tracker.definitions.customers
        labels = (
            {k.id: k.label for k in rules.kpis.measures if k.label}
            if rules is not None and rules.kpis is not None
            else {}
        )
        made = tables.scorecard_tables(result, labels, language)
    else:
        made = tables.TABLES[measure](result, language)
    listing = made[chosen].listing
    emit(listing, fmt)
    exports.finish(tracker, export, sum(1 for _ in listing.cells("csv")))
