"""The monthly review's tables for people and tools: each measure's records as `Listing`s
(`flowkit kpi` writes one as a table, CSV or JSON; the pack's workbook has every one as a
sheet and its HTML page shows them), with the words they use in each language."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from flowkit.i18n import translator
from flowkit.output.formats import Listing
from flowkit.output.tracking import span
from flowkit.review import measures as m
from flowkit.review.scorecard import Score


@dataclass(frozen=True)
class Table:
    """One table of the review: its id (a sheet's name in the workbook), title and rows."""

    id: str
    title: str
    listing: Listing


def percent(value: float | None, empty: str = "-") -> str:
    return empty if value is None else f"{100 * value:.1f}%"


def money(value: float, fmt: str = "table") -> str:
    """An amount in 元, whole: 1,280,000 in a table, 1280000 in CSV."""
    return f"{value:.0f}" if fmt == "csv" else f"{value:,.0f}"


@cache
def review_words(lang: str) -> dict[str, str]:
    """Column names and titles of the review's tables in `lang`."""
    t = translator(lang)
    return {
        "key": t.pgettext("review", "Key"),
        "person": t.pgettext("review", "Person"),
        "name": t.pgettext("review", "Name"),
        "team": t.pgettext("review", "Team"),
        "customers": t.pgettext("review", "Customers"),
        "complete": t.pgettext("review", "Complete"),
        "completeness": t.pgettext("review", "Completeness"),
        "field": t.pgettext("review", "Field"),
        "label": t.pgettext("review", "Field name"),
        "lacking": t.pgettext("review", "Profiles lacking it"),
        "node": t.pgettext("review", "Node"),
        "stage": t.pgettext("review", "Stage"),
        "settled": t.pgettext("review", "Settled"),
        "met": t.pgettext("review", "On time"),
        "missed": t.pgettext("review", "Late"),
        "on_time": t.pgettext("review", "On-time rate"),
        "overdue": t.pgettext("review", "Still overdue"),
        "required": t.pgettext("review", "Required"),
        "done": t.pgettext("review", "Done"),
        "short": t.pgettext("review", "Periods short"),
        "cadence": t.pgettext("review", "Cadence achievement"),
        "entered": t.pgettext("review", "Entered"),
        "moved_on": t.pgettext("review", "Moved on"),
        "conversion": t.pgettext("review", "Moved on %"),
        "closed": t.pgettext("review", "Closed here"),
        "won": t.pgettext("review", "Won"),
        "count": t.pgettext("review", "Count"),
        "median": t.pgettext("review", "Median"),
        "p90": t.pgettext("review", "90th percentile"),
        "open": t.pgettext("review", "Open"),
        "value": t.pgettext("review", "Amount (yuan)"),
        "probability": t.pgettext("review", "Probability"),
        "weighted": t.pgettext("review", "Weighted (yuan)"),
        "won_value": t.pgettext("review", "Won amount (yuan)"),
        "lost": t.pgettext("review", "Lost"),
        "lost_value": t.pgettext("review", "Lost amount (yuan)"),
        "win_rate": t.pgettext("review", "Win rate"),
        "code": t.pgettext("review", "Code"),
        "reason": t.pgettext("review", "Reason"),
        "notes": t.pgettext("review", "What was said"),
        "value_of": t.pgettext("review", "Value"),
        "share": t.pgettext("review", "Share"),
        "before": t.pgettext("review", "Grade before"),
        "after": t.pgettext("review", "Grade after"),
        "checked": t.pgettext("review", "Checked"),
        "ok": t.pgettext("review", "Without a problem"),
        "problems": t.pgettext("review", "Problems"),
        "pass_rate": t.pgettext("review", "Pass rate"),
        "dimension": t.pgettext("review", "Trait"),
        "a_count": t.pgettext("review", "A-grade customers with it"),
        "a_share": t.pgettext("review", "Share of A"),
        "rest_share": t.pgettext("review", "Share of the rest"),
        "lift": t.pgettext("review", "Difference"),
        "role": t.pgettext("review", "Weights of"),
        "score": t.pgettext("review", "Score"),
        # measure names (KPI labels when customers.yaml gives none)
        "profile_completeness": t.pgettext("review", "Profile completeness"),
        "spot_checks": t.pgettext("review", "Spot-check pass rate"),
        # dimensions
        "industry": t.pgettext("review", "Industry"),
        "size": t.pgettext("review", "Size"),
        "grade": t.pgettext("review", "Grade"),
        "stage_of": t.pgettext("review", "Cooperation stage"),
        "tags": t.pgettext("review", "Tags"),
        "tag": t.pgettext("review", "Tag"),
        # titles
        "t_completeness_people": t.pgettext("review", "Profile completeness per person"),
        "t_completeness_teams": t.pgettext("review", "Profile completeness per team"),
        "t_missing": t.pgettext("review", "Required fields most often missing"),
        "t_on_time_nodes": t.pgettext("review", "On-time rate per node"),
        "t_on_time_people": t.pgettext("review", "On-time rate per person who did the step"),
        "t_cadence": t.pgettext("review", "Cadence achievement per person"),
        "t_conversion": t.pgettext("review", "Conversion per stage"),
        "t_stage_times": t.pgettext("review", "Time in stage"),
        "t_pipeline": t.pgettext("review", "Pipeline at the month's end"),
        "t_outcomes": t.pgettext("review", "Won and lost per owner"),
        "t_lost_reasons": t.pgettext("review", "Lost reasons"),
        "t_distribution": t.pgettext("review", "Customers by {dimension}"),
        "t_migrations": t.pgettext("review", "Grade migrations"),
        "t_spot_checks": t.pgettext("review", "Spot checks per owner"),
        "t_traits": t.pgettext("review", "What A-grade customers have in common"),
        "t_scorecard": t.pgettext("review", "Scorecard"),
        "total": t.pgettext("review", "Total"),
    }


def _listing(
    columns: Sequence[str],
    lang: str,
    rows: Callable[[str], Iterable[Mapping[str, str]]],
    records: Iterable[object],
    footer: str = "",
    headings: Mapping[str, str] | None = None,
) -> Listing:
    words = review_words(lang)
    return Listing(
        columns,
        headings or {c: words[c] for c in columns},
        rows=rows,
        records=records,
        footer=footer,
    )


def _rate_rows(
    lines: Sequence[m.Rate], columns: Sequence[str], empty: str, fmt: str
) -> list[dict[str, str]]:
    """Rows of `Rate` lines: key, name, then the counts under `columns` (done, total,
    rate, extra) as each measure names them."""
    done, total, rate, *extra = columns
    found = []
    for line in lines:
        row = {
            "key": line.key,
            "name": line.name,
            done: str(line.done),
            total: str(line.total),
            rate: percent(line.rate, empty),
        }
        if extra:
            row[extra[0]] = str(line.extra)
        found.append(row)
    return found


def _rates(
    id: str, title: str, lines: Sequence[m.Rate], columns: Sequence[str], lang: str
) -> Table:
    words = review_words(lang)
    shown = ("key", "name", *columns)
    listing = _listing(
        shown,
        lang,
        lambda fmt: _rate_rows(lines, columns, "" if fmt == "csv" else "-", fmt),
        lines,
    )
    return Table(id, words[title], listing)


COMPLETENESS = ("complete", "customers", "completeness")
ON_TIME = ("met", "settled", "on_time", "overdue")
CADENCE = ("done", "required", "cadence", "short")
SPOT_CHECKS = ("ok", "checked", "pass_rate", "problems")


def completeness_tables(c: m.Completeness, lang: str) -> dict[str, Table]:
    words = review_words(lang)
    missing = _listing(
        ("field", "label", "lacking"),
        lang,
        lambda fmt: [{"field": k, "label": label, "lacking": str(n)} for k, label, n in c.missing],
        [{"field": k, "label": label, "lacking": n} for k, label, n in c.missing],
    )
    return {
        "person": _rates(
            "completeness-people", "t_completeness_people", c.people, COMPLETENESS, lang
        ),
        "team": _rates("completeness-teams", "t_completeness_teams", c.teams, COMPLETENESS, lang),
        "field": Table("missing-fields", words["t_missing"], missing),
    }


def on_time_tables(o: m.OnTime, lang: str) -> dict[str, Table]:
    return {
        "person": _rates("on-time-people", "t_on_time_people", o.people, ON_TIME, lang),
        "node": _rates("on-time-nodes", "t_on_time_nodes", o.nodes, ON_TIME, lang),
    }


def cadence_tables(c: m.Cadence, lang: str) -> dict[str, Table]:
    return {"person": _rates("cadence-people", "t_cadence", c.people, CADENCE, lang)}


def spot_check_tables(lines: Sequence[m.Rate], lang: str) -> dict[str, Table]:
    return {"person": _rates("spot-checks", "t_spot_checks", lines, SPOT_CHECKS, lang)}


def conversion_tables(c: m.Conversion, lang: str) -> dict[str, Table]:
    words = review_words(lang)
    t = translator(lang)
    footer = t.pgettext(
        "review",
        "Lead to won: {won} of {leads} opportunities started in the "
        "six months to the month's end ({rate})",
    ).format(won=c.won, leads=c.leads, rate=percent(c.lead_to_won))

    def rows(fmt: str) -> list[dict[str, str]]:
        empty = "" if fmt == "csv" else "-"
        return [
            {
                "key": f"{s.process_id}/{s.node}",
                "stage": s.name,
                "entered": str(s.entered),
                "moved_on": str(s.moved_on),
                "conversion": percent(s.conversion, empty),
                "closed": str(s.closed),
                "won": str(s.won),
            }
            for s in c.stages
        ]

    columns = ("key", "stage", "entered", "moved_on", "conversion", "closed", "won")
    listing = _listing(columns, lang, rows, c.stages, footer=footer)
    return {"stage": Table("conversion", words["t_conversion"], listing)}


def stage_time_tables(found: Sequence[m.Duration], lang: str) -> dict[str, Table]:
    words = review_words(lang)

    def rows(fmt: str) -> list[dict[str, str]]:
        return [
            {
                "key": f"{d.process_id}/{d.node}",
                "stage": d.name,
                "count": str(d.count),
                "median": span(d.median, lang),
                "p90": span(d.p90, lang),
            }
            for d in found
        ]

    listing = _listing(("key", "stage", "count", "median", "p90"), lang, rows, found)
    return {"stage": Table("stage-times", words["t_stage_times"], listing)}


def pipeline_tables(p: m.Pipeline, lang: str) -> dict[str, Table]:
    words = review_words(lang)
    t = translator(lang)
    footer = t.pgettext(
        "review", "{count} open opportunities, {value} yuan, weighted forecast {weighted} yuan"
    ).format(count=p.count, value=money(p.value), weighted=money(p.weighted))

    def rows(fmt: str) -> list[dict[str, str]]:
        empty = "" if fmt == "csv" else "-"
        return [
            {
                "key": f"{s.process_id}/{s.node}",
                "stage": s.name,
                "open": str(s.count),
                "value": money(s.value, fmt),
                "probability": percent(s.probability, empty),
                "weighted": money(s.weighted, fmt),
            }
            for s in p.stages
        ]

    columns = ("key", "stage", "open", "value", "probability", "weighted")
    listing = _listing(columns, lang, rows, p.stages, footer=footer)
    return {"stage": Table("pipeline", words["t_pipeline"], listing)}


def outcome_tables(o: m.Outcomes, lang: str) -> dict[str, Table]:
    words = review_words(lang)
    lines = [*o.people, m.Outcome("*", words["total"], *_counts(o.overall))]

    def rows(fmt: str) -> list[dict[str, str]]:
        empty = "" if fmt == "csv" else "-"
        return [
            {
                "key": x.key,
                "name": x.name,
                "won": str(x.won),
                "won_value": money(x.won_value, fmt),
                "lost": str(x.lost),
                "lost_value": money(x.lost_value, fmt),
                "win_rate": percent(x.win_rate, empty),
            }
            for x in lines
        ]

    columns = ("key", "name", "won", "won_value", "lost", "lost_value", "win_rate")
    return {"person": Table("outcomes", words["t_outcomes"], _listing(columns, lang, rows, lines))}


def _counts(o: m.Outcome) -> tuple[int, float, int, float]:
    return o.won, o.won_value, o.lost, o.lost_value


def lost_reason_tables(found: Sequence[m.LostReason], lang: str) -> dict[str, Table]:
    words = review_words(lang)

    def rows(fmt: str) -> list[dict[str, str]]:
        return [
            {
                "code": r.code,
                "reason": r.name,
                "count": str(r.count),
                "value": money(r.value, fmt),
                "notes": "; ".join(r.notes[:5]),
            }
            for r in found
        ]

    listing = _listing(("code", "reason", "count", "value", "notes"), lang, rows, found)
    return {"reason": Table("lost-reasons", words["t_lost_reasons"], listing)}


DIMENSION_WORDS = {"stage": "stage_of", "tags": "tag"}


def shown_value(dimension: str, value: str, lang: str) -> str:
    """A customer's size or stage code in words (大型企业, 潜在客户); others as they are."""
    from flowkit.output.customers import size_names, stage_names

    if dimension == "size":
        return size_names(lang).get(value, value)
    if dimension == "stage":
        return stage_names(lang).get(value, value)
    return value


def distribution_tables(d: m.Distribution, lang: str) -> dict[str, Table]:
    words = review_words(lang)
    found = {}
    for dimension, shares in d.by.items():
        named = words[DIMENSION_WORDS.get(dimension, dimension)]

        def rows(
            fmt: str, shares: Sequence[m.Share] = shares, dimension: str = dimension
        ) -> list[dict[str, str]]:
            return [
                {
                    "value_of": shown_value(dimension, s.value, lang),
                    "count": str(s.count),
                    "share": percent(s.count / d.total if d.total else None),
                }
                for s in shares
            ]

        listing = _listing(
            ("value_of", "count", "share"),
            lang,
            rows,
            shares,
            headings={"value_of": named, "count": words["customers"], "share": words["share"]},
        )
        title = words["t_distribution"].format(dimension=named)
        found[dimension] = Table(f"customers-by-{dimension}", title, listing)
    return found


def migration_tables(found: Sequence[m.Migration], lang: str) -> dict[str, Table]:
    words = review_words(lang)

    def rows(fmt: str) -> list[dict[str, str]]:
        return [{"before": x.before, "after": x.after, "count": str(x.count)} for x in found]

    listing = _listing(("before", "after", "count"), lang, rows, found)
    return {"grade": Table("grade-migrations", words["t_migrations"], listing)}


def trait_tables(t: m.Traits, lang: str) -> dict[str, Table]:
    words = review_words(lang)

    def rows(fmt: str) -> list[dict[str, str]]:
        return [
            {
                "dimension": words[DIMENSION_WORDS.get(x.dimension, x.dimension)],
                "value_of": shown_value(x.dimension, x.value, lang),
                "a_count": str(x.a_count),
                "a_share": percent(x.a_share),
                "rest_share": percent(x.rest_share),
                "lift": f"{100 * x.lift:+.1f}",
            }
            for x in t.traits
        ]

    columns = ("dimension", "value_of", "a_count", "a_share", "rest_share", "lift")
    return {
        "trait": Table("a-grade-traits", words["t_traits"], _listing(columns, lang, rows, t.traits))
    }


def scorecard_tables(
    scores: Sequence[Score], labels: Mapping[str, str], lang: str
) -> dict[str, Table]:
    """The scorecard: each measure's rate (✓ at or above its target), the weights' role and
    the score."""
    words = review_words(lang)
    measures = [c.measure for c in scores[0].cells] if scores else []
    columns = ("key", "name", "role", *measures, "score")
    headings = {
        "key": words["key"],
        "name": words["name"],
        "role": words["role"],
        "score": words["score"],
        **{k: _measure_heading(k, labels, words) for k in measures},
    }

    def rows(fmt: str) -> list[dict[str, str]]:
        empty = "" if fmt == "csv" else "-"
        found = []
        for s in scores:
            row = {"key": s.person, "name": s.name, "role": s.role}
            for cell in s.cells:
                mark = " ✓" if cell.met and fmt != "csv" else ""
                weight = f" ×{100 * cell.weight:.0f}%" if cell.weight and fmt != "csv" else ""
                row[cell.measure] = percent(cell.rate, empty) + mark + weight
            row["score"] = empty if s.score is None else f"{s.score:.1f}"
            found.append(row)
        return found

    listing = _listing(columns, lang, rows, scores, headings=headings)
    return {"person": Table("scorecard", words["t_scorecard"], listing)}


def _measure_heading(measure: str, labels: Mapping[str, str], words: Mapping[str, str]) -> str:
    return labels.get(measure) or words.get(measure) or measure


def measure_label(measure: str, labels: Mapping[str, str], lang: str) -> str:
    """A KPI measure's name: as customers.yaml labels it, else in `lang`."""
    return _measure_heading(measure, labels, review_words(lang))


TABLES: dict[str, Callable[[Any, str], dict[str, Table]]] = {
    "profile-completeness": completeness_tables,
    "on-time": on_time_tables,
    "cadence": cadence_tables,
    "conversion": conversion_tables,
    "stage-times": stage_time_tables,
    "pipeline": pipeline_tables,
    "outcomes": outcome_tables,
    "lost-reasons": lost_reason_tables,
    "distribution": distribution_tables,
    "grade-migrations": migration_tables,
    "spot-checks": spot_check_tables,
    "traits": trait_tables,
}
