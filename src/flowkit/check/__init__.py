"""Semantic checks over the model: each module holds checks of one kind.

A check is a plain function `(process, context) -> iterable of Diagnostic`; it never
prints and never raises for bad input. `CHECKS` is the registry the validator runs on
each process, `ORG_CHECKS` the one it runs on the org file, `(org, context) -> …`, and
`CUSTOMER_CHECKS` the one it runs on the customer rules file, `(rules, context) -> …`,
and `NOTIFY_CHECKS` (in `check.notify`) the one it runs on the notification file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from flowkit.check import customer_rules, graph, hygiene, references, routes, timing
from flowkit.check import org as org_checks
from flowkit.diagnostics import Diagnostic
from flowkit.model import CustomerRules, Org, Process
from flowkit.model.notify import NotifyConfig

BUILTIN_CALENDARS = ("cn", "weekdays", "24x7")


@dataclass(frozen=True)
class CheckContext:
    """What a check may know beyond the one file: the names defined elsewhere."""

    calendars: frozenset[str] = frozenset(BUILTIN_CALENDARS)
    processes: frozenset[str] = frozenset()
    org: Org | None = None  # the org validated with the processes, if any
    lanes: frozenset[str] | None = None  # the processes' lanes; None when not all are known
    # each process's node ids, by process id; None when not all processes are known
    nodes: Mapping[str, frozenset[str]] | None = None


Check = Callable[[Process, CheckContext], Iterable[Diagnostic]]

CHECKS: tuple[Check, ...] = (
    references.check_unique_ids,
    references.check_lanes,
    references.check_documents,
    references.check_node_refs,
    references.check_calendar,
    references.check_lost_reasons,
    references.check_faq,
    graph.check_graph,
    routes.check_routes,
    timing.check_slas,
    hygiene.check_tasks,
    hygiene.check_unused,
    org_checks.check_staffing,
)

OrgCheck = Callable[[Org, CheckContext], Iterable[Diagnostic]]

ORG_CHECKS: tuple[OrgCheck, ...] = (
    org_checks.check_unique_ids,
    org_checks.check_references,
    org_checks.check_cycles,
    org_checks.check_lanes,
    org_checks.check_db_roles,
    org_checks.check_service_logins,
    org_checks.check_mentors,
)


CustomerCheck = Callable[[CustomerRules, CheckContext], Iterable[Diagnostic]]

CUSTOMER_CHECKS: tuple[CustomerCheck, ...] = (
    customer_rules.check_fields,
    customer_rules.check_required,
    customer_rules.check_tags,
    customer_rules.check_methods,
    customer_rules.check_grades,
    customer_rules.check_maintenance,
    customer_rules.check_calendar,
    customer_rules.check_kpis,
)


def run_checks(process: Process, context: CheckContext | None = None) -> list[Diagnostic]:
    ctx = context or CheckContext()
    return [d for check in CHECKS for d in check(process, ctx)]


def run_org_checks(org: Org, context: CheckContext | None = None) -> list[Diagnostic]:
    ctx = context or CheckContext()
    return [d for check in ORG_CHECKS for d in check(org, ctx)]


def run_customer_checks(
    rules: CustomerRules, context: CheckContext | None = None
) -> list[Diagnostic]:
    ctx = context or CheckContext()
    return [d for check in CUSTOMER_CHECKS for d in check(rules, ctx)]


def run_notify_checks(
    config: NotifyConfig, context: CheckContext | None = None
) -> list[Diagnostic]:
    from flowkit.check.notify import NOTIFY_CHECKS

    ctx = context or CheckContext()
    return [d for check in NOTIFY_CHECKS for d in check(config, ctx)]
