"""The exceptions flowkit raises, and the exit code each one means.

One base class so the CLI has a single handler: findings exit 1, bad input or usage
exit 2, anything else is a bug and gets its own code with a report hint.

An error carries a `Message` (`flowkit.messages`), a template and its values, not a
finished sentence: the handler says it in the language the user asked for
(`e.text(lang)`); `str(e)`, `e.message` and `e.hint` are the English text, as they always
were, for logs and for code that reads them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flowkit.messages import Message

if TYPE_CHECKING:
    from flowkit.store.rows import NewLogEntry

# The exit statuses of `flowkit`, mapped in one place (the CLI's error handler).
EXIT_OK = 0
EXIT_FINDINGS = 1  # the command ran and found problems: a breach, invalid files, a stuck deal
EXIT_INPUT = 2  # usage, or input that cannot be used
EXIT_BUG = 3  # flowkit's own fault: a crash log to attach to a bug report


class FlowkitError(Exception):
    """Base of every error a user can cause; its message is meant for them, and its hint
    (optional) says how to fix it."""

    exit_code = EXIT_INPUT

    def __init__(self, message: Message, hint: Message | None = None) -> None:
        super().__init__(message.text())
        self.msg = message
        self.hint_msg = hint

    @property
    def message(self) -> str:
        """The message in English."""
        return self.msg.text()

    @property
    def hint(self) -> str | None:
        """The hint in English, or None."""
        return self.hint_msg.text() if self.hint_msg is not None else None

    def text(self, lang: str) -> str:
        """The message in `lang`."""
        return self.msg.text(lang)

    def hint_text(self, lang: str) -> str | None:
        """The hint in `lang`, or None."""
        return self.hint_msg.text(lang) if self.hint_msg is not None else None

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as it is (its __init__ differs between subclasses)."""
        return (_restored, (type(self), self.args, self.__dict__))


class InputError(FlowkitError):
    """A path, file or argument that cannot be used at all (missing, unreadable, wrong kind)."""


class ValidationFailed(FlowkitError):
    """Raised by library calls that need a valid process and were given an invalid one."""

    exit_code = EXIT_FINDINGS

    def __init__(self, message: Message, diagnostics: object = ()) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics


class MissingTool(FlowkitError):
    """A program or font the command needs is not installed; the hint says how to get it."""


class RenderError(FlowkitError):
    """An external renderer (Graphviz) failed on input flowkit produced."""

    exit_code = EXIT_BUG


class ConflictError(FlowkitError):
    """Someone else changed the same record first; nothing of this command was written."""


class NotPermitted(InputError):
    """Not found, or not this person's to see or change: one answer for both, so that a
    refusal never tells whether a record exists. It carries the audit-log entry of the
    refusal, which the store writes after the command's own transaction rolled back.
    `record`: refused a record (the web answers 404), else the whole command (403)."""

    def __init__(self, message: Message, entry: NewLogEntry, record: bool = True) -> None:
        super().__init__(message)
        self.entry = entry
        self.record = record


class StoreError(FlowkitError):
    """The database cannot be opened or used (bad URL, server down, newer schema)."""


class Findings(FlowkitError):
    """Not a failure: the command ran and has already printed what it found, and what it
    found is a problem (a breach with --fail-on-breach, invalid files, opportunities that
    cannot move). Only the exit status is left to say: 1, or 2 when what it found is input
    that could not be read at all. Raised by commands, mapped by the CLI's handler."""

    def __init__(self, exit_code: int = EXIT_FINDINGS) -> None:
        super().__init__(Message(""))
        self.exit_code = exit_code


def _restored(cls: type[FlowkitError], args: tuple[object, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error
