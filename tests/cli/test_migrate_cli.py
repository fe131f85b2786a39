"""`flowkit migrate` through click: the plan, then --apply, after editing a copy of the
shipped processes — a changed SLA under a new version, and a removed node with --map."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from flowkit.cli import main
from tests.conftest import CST
from tests.databases import database

ROOT = Path(__file__).resolve().parents[2]
SCREENING_SLA = "    sla:\n      within: 24小时内\n      warn: 提前4小时\n"


@pytest.fixture
def run(tmp_path: Path, migrated_db: Path, processes: Path) -> Any:
    shutil.copyfile(migrated_db, tmp_path / "t.db")  # an empty database, already migrated

    def invoke(*args: str, now: str = "2026-11-27T10:00") -> Result:
        base = ["--db", str(tmp_path / "t.db"), "--processes", str(processes)]
        return CliRunner().invoke(main, [*base, "--now", now, *args], catch_exceptions=False)

    return invoke


@pytest.fixture
def standard(processes: Path) -> Path:
    """The copied standard-sales.yaml, for the test to edit."""
    return processes / "standard-sales.yaml"


def _edit(path: Path, *changes: tuple[str, str]) -> None:
    text = path.read_text("utf-8")
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, "utf-8")


def _cut(path: Path, start: str, end: str | None = None) -> None:
    """Remove the text from `start` up to `end` (or the end of the file)."""
    text = path.read_text("utf-8")
    first = text.index(start)
    rest = text[text.index(end, first) :] if end else ""
    path.write_text(text[:first] + rest, "utf-8")


def _two_opportunities(run: Any) -> None:
    """#1 at 线索初筛 (entered 2026-11-16 10:00, 24小时内), #2 still at 线索获取."""
    for name in ("甲", "乙"):
        started = run(
            "start",
            "standard-sales",
            *("--name", f"{name}商机", "--customer", name, "--owner", "li.lei"),
            *("--field", "segment=large", "--at", "2026-11-16T09:00"),
        )
        assert started.exit_code == 0, started.output
    moved = run("advance", "1", "--by", "zhou.jie", "--at", "2026-11-16T10:00")
    assert moved.exit_code == 0, moved.output


def _shown(run: Any, instance: str) -> dict[str, Any]:
    result = run("show", instance, "--format", "json")
    assert result.exit_code == 0, result.output
    shown: dict[str, Any] = json.loads(result.output)
    return shown


def test_a_changed_sla_is_planned_then_applied_with_timers_from_node_entry(
    run: Any, standard: Path
) -> None:
    _two_opportunities(run)
    assert run("migrate").output == (
        "every open opportunity runs on the current version of its process\n"
    )
    _edit(
        standard,
        ("version: 1.1.0", "version: 1.2.0"),
        (SCREENING_SLA, SCREENING_SLA.replace("24小时内", "48小时内")),
    )
    before = [_shown(run, i) for i in ("1", "2")]
    plan = run("migrate")
    assert plan.exit_code == 0
    assert plan.output.splitlines() == [
        "  1 open of standard-sales 1.1.0 at 'lead_capture' (线索获取): move to 1.2.0",
        "  1 open of standard-sales 1.1.0 at 'lead_screening' (线索初筛): move to 1.2.0; "
        "SLA '24小时内' → '48小时内'",
        "dry run: nothing changed; add --apply to move them",
    ]
    assert [_shown(run, i) for i in ("1", "2")] == before  # the plan writes nothing
    applied = run("migrate", "--apply")
    assert applied.exit_code == 0
    assert applied.output.splitlines()[-1] == "moved 2 opportunities"
    first, second = _shown(run, "1"), _shown(run, "2")
    assert first["process_version"] == second["process_version"] == "1.2.0"
    assert first["node"] == "lead_screening"
    timers = [
        (t["sla"], t["state"], t["due_at"]) for t in first["timers"] if t["node"] == first["node"]
    ]
    assert timers == [
        ("24小时内", "stopped", "2026-11-17T02:00:00+00:00"),
        ("48小时内", "running", "2026-11-18T02:00:00+00:00"),  # 48 hours from 11-16 10:00
    ]
    assert [e["kind"] for e in first["history"]][-1] == "migrated"
    assert second["timers"] == before[1]["timers"]  # its SLA did not change: timers kept
    assert run("migrate").output == (
        "every open opportunity runs on the current version of its process\n"
    )


def test_a_removed_node_needs_a_map_then_moves_there(run: Any, standard: Path) -> None:
    _two_opportunities(run)
    _edit(
        standard,
        ("version: 1.1.0", "version: 2.0.0"),
        ("    next: lead_screening\n", "    next: opportunity_followup\n"),
    )
    _cut(standard, "  - id: lead_screening\n", "  - id: opportunity_followup\n")
    _cut(standard, "  - id: lost_invalid\n", "  - id: lost_deal\n")
    _cut(standard, "  - question: 线索联系方式无效怎么办？")  # the last FAQ names lead_screening
    assert run("validate", str(standard.parent)).exit_code == 0
    before = _shown(run, "1")
    stuck = run("migrate", "--apply")
    assert stuck.exit_code == 1  # cron sees that some opportunities stayed behind
    assert (
        "! 1 open of standard-sales 1.1.0 at 'lead_screening' (线索初筛): version 2.0.0 "
        "removes this node; map it with --map lead_screening=NODE"
    ) in stuck.output
    assert "moved 1 opportunities" in stuck.output  # #2, at lead_capture, moved
    assert "1 opportunities cannot move until their node is mapped" in stuck.output
    assert _shown(run, "1") == before
    for bad, message in (
        ("lead_screening=nowhere", "standard-sales has no node 'nowhere'"),
        ("lead_capture=won", "no live opportunity is at 'lead_capture'"),
        ("lead_screening", "write OLD=NEW"),
    ):
        refused = run("migrate", "--map", bad, "--apply")
        assert refused.exit_code == 2 and message in refused.output, refused.output
    assert _shown(run, "1") == before
    plan = run("migrate", "--map", "lead_screening=opportunity_followup")
    assert plan.output.splitlines()[0] == (
        "  1 open of standard-sales 1.1.0 at 'lead_screening' (线索初筛): move to 2.0.0 → "
        "'opportunity_followup'; SLA '24小时内' → '持续进行，每周2次上门拜访'"
    )
    applied = run("migrate", "--map", "lead_screening=opportunity_followup", "--apply")
    assert applied.exit_code == 0 and applied.output.endswith("moved 1 opportunities\n")
    shown = _shown(run, "1")
    assert (shown["process_version"], shown["node"]) == ("2.0.0", "opportunity_followup")
    old = [t["state"] for t in shown["timers"] if t["node"] == "lead_screening"]
    assert old == ["stopped"]
    # 每周2次, counted in weeks from when it entered 线索初筛 (11-16 10:00): one week missed
    cadence = [
        (t["kind"], t["state"], t["required"], datetime.fromisoformat(t["due_at"]))
        for t in shown["timers"]
        if t["node"] == "opportunity_followup"
    ]
    assert cadence == [
        ("cadence", "late", 2, datetime(2026, 11, 23, 10, tzinfo=CST)),
        ("cadence", "running", 2, datetime(2026, 11, 30, 10, tzinfo=CST)),
    ]
    status = run("status", "--format", "json")
    assert any(a["node"] == "opportunity_followup" for a in json.loads(status.output)["alerts"])


@pytest.fixture(params=["sqlite", "postgresql"])
def on_each(
    request: pytest.FixtureRequest, tmp_path: Path, migrated_db: Path, processes: Path
) -> Iterator[Any]:
    """`run` on each database."""
    made = database(request.param, tmp_path, template=migrated_db)
    url = next(made)

    def invoke(*args: str, now: str = "2026-11-27T10:00") -> Result:
        base = ["--db", url, "--processes", str(processes), "--now", now]
        return CliRunner().invoke(main, [*base, *args], catch_exceptions=False)

    yield invoke
    next(made, None)  # empties the PostgreSQL database


def test_an_anchored_deadline_survives_a_migration_and_is_breached_later(
    on_each: Any, standard: Path
) -> None:
    """Issue 10, defect 1, as it was found: an opportunity at 售后回款 (交付后30天内) after
    the event `delivered`; the SLA becomes 交付后20天内 under 1.2.0. The migrated timer has
    its due time (20 days after the delivery), `show` answers, and `status` reports the
    breach months later."""
    run = on_each
    started = run(
        "start", "standard-sales", "--name", "A", "--customer", "B", "--owner", "li.lei",
        "--field", "segment=sme", "--field", "amount=500000", "--at", "2026-11-20T09:00",
    )  # fmt: skip
    assert started.exit_code == 0, started.output
    steps = [
        ("--by", "zhou.jie"), ("--by", "li.lei", "--outcome", "有效"),
        ("--by", "li.lei", "--outcome", "达成意向"), ("--by", "wang.fang"),
        ("--by", "zheng.jie", "--outcome", "通过"), ("--by", "li.lei"),
    ]  # fmt: skip
    for step in steps:
        assert run("advance", "1", *step, "--at", "2026-11-20T10:00").exit_code == 0
    assert _shown(run, "1")["node"] == "delivery"  # 交付实施
    assert run("event", "1", "delivered", "--at", "2026-11-22T10:00").exit_code == 0
    assert run("advance", "1", "--by", "ma.li", "--at", "2026-11-23T10:00").exit_code == 0
    _edit(
        standard,
        ("version: 1.1.0", "version: 1.2.0"),
        ("      within: 交付后30天内\n", "      within: 交付后20天内\n"),
    )
    applied = run("migrate", "--apply")
    assert applied.exit_code == 0, applied.output
    assert applied.output.splitlines()[-1] == "moved 1 opportunities"
    shown = _shown(run, "1")
    running = [
        (t["node"], t["sla"], t["due_at"]) for t in shown["timers"] if t["state"] == "running"
    ]
    assert running == [("collection", "交付后20天内", "2026-12-12T02:00:00+00:00")]
    later = run("status", "--fail-on-breach", now="2027-03-01T09:00")
    assert later.exit_code == 1, later.output
    assert "售后回款" in later.output or "collection" in later.output
