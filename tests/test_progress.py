"""Progress of long imports and exports: reported by the library, drawn by the CLI only on
a terminal (issue 11)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from flowkit.cli import main
from flowkit.messages import Message, msg
from flowkit.progress import EVERY, counted


def test_counted_reports_every_so_many_items_and_at_the_end() -> None:
    seen: list[tuple[str, int, int | None]] = []

    def report(step: Message, done: int, total: int | None) -> None:
        seen.append((step.text(), done, total))

    items = list(counted(range(2 * EVERY + 5), report, msg("reading {place}", place="x")))
    assert items == list(range(2 * EVERY + 5))
    assert [done for _, done, _ in seen] == [EVERY, 2 * EVERY, 2 * EVERY + 5]
    assert seen[-1] == ("reading x", 2 * EVERY + 5, 2 * EVERY + 5)  # done: the total known


FEW = 10  # the commands' tests report every 10 items: a bar without importing thousands


@pytest.fixture
def run(tmp_path: Path, migrated_db: Path, processes: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    shutil.copyfile(migrated_db, tmp_path / "t.db")
    monkeypatch.setattr("flowkit.progress.EVERY", FEW)

    def invoke(*args: str) -> Result:
        base = ["--db", str(tmp_path / "t.db"), "--processes", str(processes)]
        return CliRunner().invoke(main, [*base, "--now", "2026-11-02T10:00", *args])

    return invoke


def _files(tmp_path: Path, rows: int) -> tuple[Path, Path]:
    customers = tmp_path / "客户.csv"
    customers.write_text(
        "客户名称,负责人\n" + "".join(f"客户{i}有限公司,li.lei\n" for i in range(rows)), "utf-8-sig"
    )
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "商机名称,客户名称,负责人,客户规模\n"
        + "".join(f"商机{i},客户{i},li.lei,大型企业\n" for i in range(rows)),
        "utf-8-sig",
    )
    return customers, deals


def _commands(tmp_path: Path, customers: Path, deals: Path) -> list[list[str]]:
    return [
        ["customer", "import", str(customers)],
        ["customer", "export", str(tmp_path / "out.xlsx")],
        ["import", str(deals), "--process", "standard-sales"],
        ["export", str(tmp_path / "deals.xlsx")],
    ]


def test_piped_output_has_no_bar(run: Any, tmp_path: Path) -> None:
    customers, deals = _files(tmp_path, FEW + 1)
    for command in _commands(tmp_path, customers, deals):
        result = run(*command)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "━" not in result.output


def test_on_a_terminal_the_bar_goes_to_stderr_and_stdout_is_unchanged(
    run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, migrated_db: Path
) -> None:
    customers, deals = _files(tmp_path, FEW + 1)
    piped = [run(*c).stdout for c in _commands(tmp_path, customers, deals)]
    shutil.copyfile(migrated_db, tmp_path / "t.db")  # the same commands again, on a terminal
    monkeypatch.setattr("flowkit.cli.progress.on_terminal", lambda: True)
    drawn = [run(*c) for c in _commands(tmp_path, customers, deals)]
    assert [r.exit_code for r in drawn] == [0, 0, 0, 0]
    assert [r.stdout for r in drawn] == piped
    assert "11/11" in drawn[0].stderr
