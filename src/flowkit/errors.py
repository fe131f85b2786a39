"""The exceptions flowkit raises, and the exit code each one means.

One base class so the CLI has a single handler: findings exit 1, bad input or usage
exit 2, anything else is a bug and gets its own code with a report hint.
"""

from __future__ import annotations

# The exit statuses of `flowkit`, mapped in one place (the CLI's error handler).
EXIT_OK = 0
EXIT_FINDINGS = 1  # the command ran and found problems: a breach, invalid files, a stuck deal
EXIT_INPUT = 2  # usage, or input that cannot be used
EXIT_BUG = 3  # flowkit's own fault: a crash log to attach to a bug report


class FlowkitError(Exception):
    """Base of every error a user can cause; its message is meant for them."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InputError(FlowkitError):
    """A path, file or argument that cannot be used at all (missing, unreadable, wrong kind)."""


class ValidationFailed(FlowkitError):
    """Raised by library calls that need a valid process and were given an invalid one."""

    exit_code = EXIT_FINDINGS

    def __init__(self, message: str, diagnostics: object = ()) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics


class MissingTool(FlowkitError):
    """A program or font the command needs is not installed; the hint says how to get it."""


class RenderError(FlowkitError):
    """An external renderer (Graphviz) failed on input flowkit produced."""

    exit_code = EXIT_BUG


class ConflictError(FlowkitError):
    """Someone else changed the same record first; nothing of this command was written."""


class StoreError(FlowkitError):
    """The database cannot be opened or used (bad URL, server down, newer schema)."""


class Findings(FlowkitError):
    """Not a failure: the command ran and has already printed what it found, and what it
    found is a problem (a breach with --fail-on-breach, invalid files, opportunities that
    cannot move). Only the exit status is left to say: 1, or 2 when what it found is input
    that could not be read at all. Raised by commands, mapped by the CLI's handler."""

    def __init__(self, exit_code: int = EXIT_FINDINGS) -> None:
        super().__init__("")
        self.exit_code = exit_code
