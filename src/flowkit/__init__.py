"""flowkit: sales processes as code.

The library behind the `flowkit` command. Importing the package is cheap; the public
functions load their modules on first use, so the CLI starts fast.

    from flowkit import load_process, validate_paths
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_API = {
    "load_process": "flowkit.validate",
    "load_org": "flowkit.validate",
    "load_customer_rules": "flowkit.validate",
    "validate_paths": "flowkit.validate",
    "validate_text": "flowkit.validate",
    "Report": "flowkit.validate",
    "Process": "flowkit.model",
    "Org": "flowkit.model",
    "Diagnostic": "flowkit.diagnostics",
    "FlowkitError": "flowkit.errors",
}

__all__ = [
    "Diagnostic",
    "FlowkitError",
    "Org",
    "Process",
    "Report",
    "__version__",
    "load_customer_rules",
    "load_org",
    "load_process",
    "validate_paths",
    "validate_text",
]

if TYPE_CHECKING:
    from flowkit.diagnostics import Diagnostic
    from flowkit.errors import FlowkitError
    from flowkit.model import Org, Process
    from flowkit.validate import (
        Report,
        load_customer_rules,
        load_org,
        load_process,
        validate_paths,
        validate_text,
    )


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'flowkit' has no attribute {name!r}")
