"""What a crash log holds: enough to find the bug, nothing of the user's data.

Users are asked to attach the log to a bug report, so it must be safe to hand to anyone.
It keeps the command and option names as typed, flowkit's and Python's versions, and for
each exception in the chain its type and the frames (file, line, function: the version
names the source). It leaves out every option value and argument (customer names, phone
numbers, a --db URL's password) and every exception message (a database error repeats the
values it was given); a --db URL is kept as its scheme and host, which often matter.
"""

from __future__ import annotations

import platform
import traceback
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

_VALUE = "<{} chars>"  # what a left-out value becomes
_KEPT_VALUES = {"--format", "--lang"}  # choices from a fixed list: no user data


def crash_log(argv: Sequence[str], error: BaseException | None) -> str:
    lines = [
        "flowkit crash",
        f"flowkit {_version()}, Python {platform.python_version()}, {platform.system()}",
        f"argv: {' '.join(masked(argv[1:]))}",
        "(option values, arguments and error messages are left out: they can hold customer data)",
        "",
    ]
    chain: list[BaseException] = []
    while error is not None and error not in chain:
        chain.append(error)
        error = error.__cause__ or error.__context__
    for exc in reversed(chain):
        lines.append(f"{type(exc).__module__}.{type(exc).__qualname__}, raised at:")
        for frame in traceback.extract_tb(exc.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
    return "\n".join(lines) + "\n"


def masked(args: Sequence[str]) -> list[str]:
    """The command line with what the user typed as values replaced by their length; the
    words of the command (flowkit's own subcommand names) stay."""
    out: list[str] = []
    previous, words = "", 0
    for arg in args:
        if arg.startswith("-"):
            name, eq, value = arg.partition("=")
            out.append(f"{name}={_value(name, value)}" if eq else name)
        elif previous.startswith("-") and "=" not in previous:
            out.append(_value(previous, arg))
        elif words < 2 and arg.isascii() and arg.replace("-", "").isalpha() and arg.islower():
            out.append(arg)  # the command and its subcommand: customer edit
            words += 1
        else:
            out.append(_VALUE.format(len(arg)))
            words = 2  # what follows a value is never a command word
        previous = arg
    return out


def _value(option: str, value: str) -> str:
    if option in _KEPT_VALUES:
        return value
    if option == "--db" and "://" in value:
        scheme, _, rest = value.partition("://")
        host = rest.rpartition("@")[2].split("/", 1)[0]
        return f"{scheme}://***@{host}/***" if "@" in rest else f"{scheme}://{host}/***"
    return _VALUE.format(len(value))


def _version() -> str:
    try:
        return version("flowkit")
    except PackageNotFoundError:
        return "(not installed)"
