"""Who may do what, as data: roles, the actions commands take, and each role's scope.

One table answers every question (docs/security.md prints it): a role grants each action
on the records of a scope — the person's own, their team's (everyone below them in the
manager chain), or everyone's. Commands name the action they take in `COMMANDS`; the
guard (`flowkit.access.guard`) is the one place that reads both.
"""

from __future__ import annotations

from enum import Enum, StrEnum


class Role(StrEnum):
    CONSULTANT = "consultant"  # 销售顾问: their own customers and opportunities
    MANAGER = "manager"  # 销售经理: their team, as far down the manager chain as it goes
    OPS = "ops"  # 运营: processes and all tracking, no contact details
    AUDITOR = "auditor"  # 质检: reads everything, records spot checks
    ADMIN = "admin"  # 系统管理员: everything


class Action(StrEnum):
    READ = "read"  # see records (opportunities, profiles without contact details)
    CONTACTS = "contacts"  # see phones, emails, addresses of a profile
    EDIT = "edit"  # follow-ups, fields, tags, advances: the daily work on a record
    CLOSE = "close"  # close an opportunity as won or lost
    REASSIGN = "reassign"  # give a record another owner
    EXPORT = "export"  # take records out as a file
    IMPORT = "import"  # bring records in from a file
    GRADE = "grade"  # grade --apply
    AUDIT = "audit"  # draw and record the weekly spot check (档案抽查)
    HANDOVER = "handover"  # move a person's records to another when they leave
    MIGRATE = "migrate"  # move opportunities to a new process version
    ADMINISTER = "administer"  # backup, restore, demo data, calendar retiming
    ACCOUNTS = "accounts"  # workspace logins: passwords, invitations, tokens, lock-outs


class Scope(Enum):
    NONE = 0
    OWN = 1
    TEAM = 2
    ALL = 3


OWN, TEAM, ALL = Scope.OWN, Scope.TEAM, Scope.ALL

# role -> action -> the records it may be taken on; an action not listed is not granted
GRANTS: dict[Role, dict[Action, Scope]] = {
    Role.CONSULTANT: {
        Action.READ: OWN,
        Action.CONTACTS: OWN,
        Action.EDIT: OWN,
        Action.CLOSE: OWN,
        Action.ACCOUNTS: OWN,
    },
    Role.MANAGER: {
        Action.READ: TEAM,
        Action.CONTACTS: TEAM,
        Action.EDIT: TEAM,
        Action.CLOSE: TEAM,
        Action.REASSIGN: TEAM,
        Action.EXPORT: TEAM,
        Action.IMPORT: TEAM,
        Action.GRADE: TEAM,
        Action.AUDIT: TEAM,
        Action.HANDOVER: TEAM,
        Action.ACCOUNTS: OWN,
    },
    Role.OPS: {
        Action.READ: ALL,
        Action.MIGRATE: ALL,
        Action.ACCOUNTS: OWN,
    },
    Role.AUDITOR: {
        Action.READ: ALL,
        Action.CONTACTS: ALL,
        Action.AUDIT: ALL,
        Action.ACCOUNTS: OWN,
    },
    Role.ADMIN: {action: ALL for action in Action},
}

# The action each command takes (as the CLI spells it); reads of lists and reports are READ
# on each record they show.
COMMANDS: dict[str, Action] = {
    "start": Action.EDIT,
    "advance": Action.EDIT,
    "log": Action.EDIT,
    "deliver": Action.EDIT,
    "event": Action.EDIT,
    "risk": Action.EDIT,
    "set": Action.EDIT,
    "pause": Action.EDIT,
    "resume": Action.EDIT,
    "assign": Action.REASSIGN,
    "close": Action.CLOSE,
    "import": Action.IMPORT,
    "migrate": Action.MIGRATE,
    "show": Action.READ,
    "list": Action.READ,
    "status": Action.READ,
    "funnel": Action.READ,
    "on-time": Action.READ,
    "review": Action.READ,  # the monthly review pack: the numbers of the records one may read
    "kpi": Action.READ,  # one measure of it
    "customer add": Action.EDIT,
    "customer edit": Action.EDIT,
    "customer log": Action.EDIT,
    "customer tag": Action.EDIT,
    "customer merge": Action.EDIT,
    "customer unmerge": Action.EDIT,
    "customer reassign": Action.REASSIGN,
    "customer grade": Action.GRADE,
    "customer import": Action.IMPORT,
    "customer export": Action.EXPORT,
    "customer show": Action.READ,
    "customer contacts": Action.CONTACTS,  # the phones, emails, address `customer show` shows
    "customer list": Action.READ,
    "customer check": Action.READ,
    "customer value": Action.READ,
    "audit sample": Action.AUDIT,
    "audit record": Action.AUDIT,
    "audit report": Action.AUDIT,
    "audit-log": Action.AUDIT,
    "calendar retime": Action.ADMINISTER,
    "handover": Action.HANDOVER,
    # the workspace's accounts: everyone their own (a password, tokens, logging out
    # everywhere), an admin anyone's (invitations, unlocking, resets)
    "user set-password": Action.ACCOUNTS,
    "user invite": Action.ACCOUNTS,
    "user unlock": Action.ACCOUNTS,
    "user logout": Action.ACCOUNTS,
    "user token": Action.ACCOUNTS,
    # notifications: a pass reads everyone's timers and writes the notice ledger; the log
    # and the test message are the administrators' too (docs/notifications.md)
    "notify": Action.ADMINISTER,
    "notify test": Action.ADMINISTER,
    "notify log": Action.ADMINISTER,
}
# Not in the table: `demo` (its starts and advances are checked one by one), `backup` and
# `restore` (a copy of a SQLite file: whoever may read the file may copy it; file modes
# guard it), and the commands that read no tracking data (validate, render, sla, calendar).


def scope(role: Role, action: Action) -> Scope:
    """How far `role` may take `action`."""
    return GRANTS[role].get(action, Scope.NONE)
