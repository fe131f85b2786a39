"""Docs that a test keeps complete: every diagnostic code, every key, every command."""

from __future__ import annotations

import re
from pathlib import Path

import click

from flowkit.cli import COMMANDS, main
from flowkit.diagnostics import CODES
from flowkit.load.schema import customers_schema, org_schema, process_schema

ROOT = Path(__file__).resolve().parent.parent
FORMAT_DOC = (ROOT / "docs" / "process-format.md").read_text("utf-8")
README = (ROOT / "README.md").read_text("utf-8")


def test_every_diagnostic_code_is_documented_with_its_severity() -> None:
    rows = dict(re.findall(r"^\| (FK\d{3}) \| ([a-z, ]+) \|", FORMAT_DOC, re.MULTILINE))
    assert set(rows) == set(CODES)
    for code, entry in CODES.items():
        assert rows[code].startswith(entry.severity.value), code
        assert ("unreadable" in rows[code]) == entry.unreadable, code


def test_every_schema_key_is_documented() -> None:
    keys: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            keys.update(node.get("properties", {}))
            for sub in node.values():
                walk(sub)
        elif isinstance(node, list):
            for sub in node:
                walk(sub)

    walk(process_schema())
    walk(org_schema())
    walk(customers_schema())
    missing = sorted(k for k in keys if f"`{k}`" not in FORMAT_DOC)
    assert missing == []


def test_every_command_is_in_the_readme() -> None:
    for name in main.list_commands(click.Context(main)):
        assert f"flowkit {name}" in README, name


def test_the_command_list_says_what_each_command_says_of_itself() -> None:
    ctx = click.Context(main)
    for name, (_, _, short) in COMMANDS.items():
        command = main.get_command(ctx, name)
        assert command is not None and command.name == name
        assert command.get_short_help_str(limit=300) == short, name


def test_every_notify_yaml_key_is_documented() -> None:
    from flowkit.load.schema import notify_schema

    keys: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            keys.update(node.get("properties", {}))
            for sub in node.values():
                walk(sub)
        elif isinstance(node, list):
            for sub in node:
                walk(sub)

    walk(notify_schema())
    page = (ROOT / "docs" / "notifications.md").read_text("utf-8")
    assert sorted(k for k in keys if f"`{k}`" not in page) == []
