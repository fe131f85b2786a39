"""The exceptions flowkit raises, and the exit code each one means.

One base class so the CLI has a single handler: findings exit 1, bad input or usage
exit 2, anything else is a bug and gets its own code with a report hint.
"""

from __future__ import annotations


class FlowkitError(Exception):
    """Base of every error a user can cause; its message is meant for them."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InputError(FlowkitError):
    """A path, file or argument that cannot be used at all (missing, unreadable, wrong kind)."""


class ValidationFailed(FlowkitError):
    """Raised by library calls that need a valid process and were given an invalid one."""

    exit_code = 1

    def __init__(self, message: str, diagnostics: object = ()) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics


class MissingTool(FlowkitError):
    """A program or font the command needs is not installed; the hint says how to get it."""


class RenderError(FlowkitError):
    """An external renderer (Graphviz) failed on input flowkit produced."""

    exit_code = 3


class ConflictError(FlowkitError):
    """Someone else changed the same record first; nothing of this command was written."""


class StoreError(FlowkitError):
    """The database cannot be opened or used (bad URL, server down, newer schema)."""
